"""Long-term plasticity inside a network: the plastic weights live in the state as
`(weights, rule_state, mask)` and change after each step's delivery (`mask` is `None`
for event-driven rules, which read it from the projection's initial weights).

On event-driven (sparse) projections, pair STDP ([`brainjax.plasticity.STDP`][]) and
triplet STDP ([`brainjax.plasticity.Triplet`][]), additive or multiplicative, are
event-driven: the per-neuron traces (`(n_pre,)`, `(n_post,)`) decay every step, and
weights change only in the rows of the presynaptic neurons that spiked and in the
synapses onto the postsynaptic neurons that spiked (through the projection's post ->
synapse index `incoming`), found as propagation finds its spiking rows, a fixed
number at a time, with a loop for busier steps. The result equals the dense rule's
(tested), and a custom JVP gives the dense rule's derivative (meta-gradients w.r.t.
the rule's parameters, the initial weights and, through surrogate spikes, the drive).
One difference: a weight outside the rule's bounds is clipped when its synapse is
first updated, not at the first step.

Rules whose every synapse changes at every step keep the dense update over the
whole padded weight array: [`brainjax.plasticity.RewardSTDP`][] (its eligibility
decays and the modulator moves every weight each step) and the rate rules (BCM, Oja,
Hebbian, ...), whose activities are not sparse events.
"""

from collections.abc import Callable
from functools import partial

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PyTree

from ..plasticity import STDP, STDPState, Synapses, Triplet, TripletState
from ..plasticity._base import check_activity, decay
from ._projection import BuiltProjection
from ._propagation import EventDriven, event_driven

Plastic = tuple[Float[Array, "rows cols"], PyTree, Float[Array, "rows cols"] | None]
Factors = tuple[Array, ...]


def synapse_layout(proj: BuiltProjection) -> Synapses:
    """How the rule maps neuron traces onto the projection's weight array."""
    return Synapses() if proj.dense else Synapses(post_index=proj.targets)


def _event_rule(proj: BuiltProjection) -> bool:
    return not proj.dense and type(proj.plasticity) in _FACTORS


def plastic_init(proj: BuiltProjection, n_pre: int) -> Plastic | None:
    """`(weights, rule_state, mask)` of a plastic projection, `None` otherwise."""
    if proj.plasticity is None:
        return None
    rows = n_pre if proj.dense or _event_rule(proj) else n_pre + 1  # + the padding row
    # the weights join the scan carry: in the default float dtype (float64 under x64)
    weights = jnp.asarray(proj.weights, dtype=jnp.result_type(float))
    state = proj.plasticity.init(weights, rows, proj.n_post)
    if _event_rule(proj):  # the mask is read from the initial weights, rows at a time
        return weights, state, None
    mask = (weights != 0).astype(weights.dtype)  # zero: not connected
    return weights, state, mask


def plastic_update(
    proj: BuiltProjection, plastic: Plastic, spikes: dict[str, Array], dt: float
) -> Plastic:
    """One step of the projection's rule on its weights (after delivery)."""
    assert proj.plasticity is not None
    w, state, mask = plastic
    if _event_rule(proj):
        return _event_update(proj, plastic, spikes[proj.pre], spikes[proj.post], dt)
    assert mask is not None
    pre = spikes[proj.pre] if proj.dense else jnp.append(spikes[proj.pre], 0.0)
    dw, state = proj.plasticity.update(
        w, state, pre, spikes[proj.post], dt, synapses=synapse_layout(proj)
    )
    return w + dw * mask, state, mask


def with_plastic_weights(
    projections: tuple[BuiltProjection, ...], plastic: tuple[Plastic | None, ...]
) -> tuple[BuiltProjection, ...]:
    """The projections with the current plastic weights of the state."""
    return tuple(
        p if s is None else eqx.tree_at(lambda q: q.weights, p, s[0])
        for p, s in zip(projections, plastic)
    )


# ------------------------------------------------------------- rules as factors
# A rule's change at synapse (i, j) is `change(rule, w, p, q)` with `p` presynaptic
# factors taken at `i` and `q` postsynaptic factors at `j`; it is zero (before
# clipping) unless `i` or `j` spiked. The arithmetic is that of the rules' `update`.


def _pair_factors(rule: STDP, state: STDPState, pre, post, dt):
    check_activity("pre", pre, state.pre)
    check_activity("post", post, state.post)
    x, y = decay(state.pre, dt, rule.tau_plus), decay(state.post, dt, rule.tau_minus)
    new = STDPState(pre=rule.traces.bump(x, pre), post=rule.traces.bump(y, post))
    return new, (x, pre), (post, y)


def _pair_change(rule: STDP, w, p: Factors, q: Factors):
    wd = rule.weight_dependence
    dw = rule.a_plus * wd.potentiation(w) * p[0] * q[0]
    dw = dw - rule.a_minus * wd.depression(w) * p[1] * q[1]
    return wd.clip(w, dw)


def _triplet_factors(rule: Triplet, state: TripletState, pre, post, dt):
    check_activity("pre", pre, state.r1)
    check_activity("post", post, state.o1)
    r1, r2 = decay(state.r1, dt, rule.tau_plus), decay(state.r2, dt, rule.tau_x)
    o1, o2 = decay(state.o1, dt, rule.tau_minus), decay(state.o2, dt, rule.tau_y)
    bump = rule.traces.bump
    new = TripletState(r1=bump(r1, pre), r2=bump(r2, pre), o1=bump(o1, post), o2=bump(o2, post))
    p = (r1, pre * (rule.a2_minus + rule.a3_minus * r2))
    q = (post * (rule.a2_plus + rule.a3_plus * o2), o1)
    return new, p, q


def _triplet_change(rule: Triplet, w, p: Factors, q: Factors):
    wd = rule.weight_dependence
    dw = wd.potentiation(w) * (p[0] * q[0]) - wd.depression(w) * (p[1] * q[1])
    return wd.clip(w, dw)


_FACTORS: dict[type, tuple[Callable, Callable]] = {
    STDP: (_pair_factors, _pair_change),
    Triplet: (_triplet_factors, _triplet_change),
}


# --------------------------------------------------------------- event-driven step


def _event_update(proj: BuiltProjection, plastic: Plastic, pre, post, dt) -> Plastic:
    """One event-driven step; `proj.weights` (the initial weights) give the mask."""
    w, state, _ = plastic
    rule = proj.plasticity
    assert rule is not None and proj.targets is not None and proj.incoming is not None
    factors, change = _FACTORS[type(rule)]
    state, p, q = factors(rule, state, pre, post, dt)
    propagation = proj.propagation
    assert isinstance(propagation, EventDriven)
    sizes = (propagation.pass_size(pre.shape[0]), propagation.pass_size(post.shape[0]))
    active = (jax.lax.stop_gradient(pre) != 0, jax.lax.stop_gradient(post) != 0)
    initial = proj.weights
    w = _learn(sizes, change, active, rule, w, initial, p, q, proj.targets, proj.incoming)
    return w, state, None


def _dense_learn(change, rule, w, initial, p, q, targets):
    """The rule on every stored synapse (the reference, and the derivative)."""
    mask = (jax.lax.stop_gradient(initial) != 0).astype(w.dtype)  # zero: not connected
    p_at = tuple(jnp.append(f, 0.0)[:, None] for f in p)
    q_at = tuple(f[targets] for f in q)
    return w + change(rule, w, p_at, q_at) * mask


@partial(jax.custom_jvp, nondiff_argnums=(0, 1))
def _learn(
    sizes: tuple[int, int],
    change: Callable,
    active: tuple[Array, Array],
    rule: PyTree,
    w: Float[Array, "rows width"],
    initial: Float[Array, "rows width"],
    p: Factors,
    q: Factors,
    targets: Int[Array, "rows width"],
    incoming: Int[Array, "n_post_1 max_in"],
) -> Float[Array, "rows width"]:
    """The new weights: first the rows of the spiking presynaptic neurons (both terms),
    then the synapses onto the spiking postsynaptic neurons whose presynaptic neuron
    did not spike. Equal to `_dense_learn` (the other synapses do not change)."""
    width = w.shape[1]
    pre_active = jnp.append(active[0], False)
    p_pad = tuple(jnp.append(f, 0.0) for f in p)
    q_pad = tuple(jnp.append(f, 0.0) for f in q)
    initial_flat = initial.reshape(-1)

    def rows_chunk(bufs, rows):  # rows: spiking presynaptic neurons, padded with n_pre
        (w,) = bufs
        wr = w[rows]
        p_at = tuple(f[rows][:, None] for f in p_pad)
        q_at = tuple(f[targets[rows]] for f in q)
        mask = (initial[rows] != 0).astype(w.dtype)
        return (w.at[rows].add(change(rule, wr, p_at, q_at) * mask),)

    def cols_chunk(bufs, cols):  # cols: spiking postsynaptic neurons, padded with n_post
        (w,) = bufs
        flat = incoming[cols]
        rows = flat // width
        wf = w.reshape(-1)
        p_at = tuple(f[rows] for f in p_pad)
        q_at = tuple(f[cols][:, None] for f in q_pad)
        dw = change(rule, wf[flat], p_at, q_at)
        keep = jnp.where(pre_active[rows] | (initial_flat[flat] == 0), 0.0, 1.0)
        return (wf.at[flat].add(dw * keep).reshape(w.shape),)

    (w,) = event_driven(active[0], sizes[0], rows_chunk, (w,))
    (w,) = event_driven(active[1], sizes[1], cols_chunk, (w,))
    return w


@_learn.defjvp
def _learn_jvp(sizes, change, primals, tangents):
    active, rule, w, initial, p, q, targets, incoming = primals
    _, d_rule, d_w, _, d_p, d_q, _, _ = tangents
    out = _learn(sizes, change, *primals)
    dense = lambda rule, w, p, q: _dense_learn(change, rule, w, initial, p, q, targets)  # noqa: E731
    _, d_out = jax.jvp(dense, (rule, w, p, q), (d_rule, d_w, d_p, d_q))
    return out, d_out
