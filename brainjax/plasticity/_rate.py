"""Rate-based rules (Hebb, Oja, BCM), homeostatic synaptic scaling, and `chain`."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_nonnegative, check_positive
from ._base import DENSE, AbstractRule, check_activity, decay, neuron_counts


class _NoState(eqx.Module):
    """Shapes of the activities a stateless rule expects (for the shape checks)."""

    n_pre: int = eqx.field(static=True)
    n_post: int = eqx.field(static=True)


def _check_activities(state: _NoState, pre, post):
    check_activity("pre", pre, jnp.zeros((state.n_pre,)))
    check_activity("post", post, jnp.zeros((state.n_post,)))


class _AbstractStatelessRule(AbstractRule):
    """A rule with one learning rate `eta` and no state beyond the activity shapes."""

    eta: eqx.AbstractVar[Float[ArrayLike, ""]]

    def __check_init__(self):
        check_positive("eta", self.eta)

    def init(self, w, n_pre=None, n_post=None) -> _NoState:
        return _NoState(*neuron_counts(w, n_pre, n_post))


class Hebb(_AbstractStatelessRule):
    """Plain Hebbian learning (Hebb 1949): `dw/dt = eta x y`.

    `x = pre`, `y = post` are activities (rates, potentials). Unbounded: weights grow
    without limit under correlated activity; see [`brainjax.plasticity.Oja`][] and
    [`brainjax.plasticity.BCM`][] for stabilised versions.

    **Arguments:** `eta`: learning rate (per ms per unit of `x y`, > 0).

    **Example:** `dw, state = bj.plasticity.Hebb(1e-3).update(w, state, x, y, dt=1.0)`.
    """

    eta: Float[ArrayLike, ""] = 1e-3

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        _check_activities(state, pre, post)
        return self.eta * dt * synapses.pre(pre) * synapses.post(post), state


class Oja(_AbstractStatelessRule):
    """Oja's rule (Oja 1982): `dw/dt = eta y (x - y w)`.

    For a linear neuron `y = w . x` with zero-mean input, `w` converges to the unit
    principal eigenvector of the input covariance (first principal component).

    **Arguments:** `eta`: learning rate (per ms per unit of activity squared, > 0).

    **Example:**

    ```python
    rule = bj.plasticity.Oja(eta=1e-2)
    y = x @ w                                   # w: (n_in, 1)
    dw, state = rule.update(w, state, x, y, dt=1.0)
    ```
    """

    eta: Float[ArrayLike, ""] = 1e-3

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        _check_activities(state, pre, post)
        y = synapses.post(post)
        return self.eta * dt * y * (synapses.pre(pre) - y * w), state


class BCMState(eqx.Module):
    """State of [`brainjax.plasticity.BCM`][]: the sliding threshold `theta` per
    postsynaptic neuron."""

    theta: Float[Array, " n_post"]


class BCM(AbstractRule):
    """The BCM rule with a sliding threshold (Bienenstock, Cooper & Munro 1982;
    Intrator & Cooper 1992).

        dw/dt = eta x y (y - theta)
        tau_theta dtheta/dt = y**2 - theta

    `theta` tracks the running average of `y**2`, so activity above it potentiates and
    below it depresses; the neuron becomes selective to one of several input patterns.
    `tau_theta` must be shorter than the weight time scale for stability.

    **Arguments:** `eta`: learning rate (> 0); `tau_theta`: threshold time constant
    (ms, > 0); `theta_init`: the initial threshold (>= 0).

    **Example:** `rule = bj.plasticity.BCM(eta=1e-4, tau_theta=50.0)`.
    """

    eta: Float[ArrayLike, ""] = 1e-3
    tau_theta: Float[ArrayLike, ""] = 100.0
    theta_init: float = 0.0

    def __check_init__(self):
        check_positive("eta", self.eta)
        check_positive("tau_theta", self.tau_theta)
        check_nonnegative("theta_init", self.theta_init)

    def init(self, w, n_pre=None, n_post=None) -> BCMState:
        _, n_post = neuron_counts(w, n_pre, n_post)
        return BCMState(theta=jnp.full((n_post,), float(self.theta_init)))

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        check_activity("post", post, state.theta)
        if jnp.ndim(pre) != 1:
            raise ValueError(f"`pre` must be a 1-d array of activities, got {jnp.shape(pre)}.")
        y = synapses.post(post)
        dw = self.eta * dt * synapses.pre(pre) * y * (y - synapses.post(state.theta))
        theta = state.theta + dt / self.tau_theta * (post**2 - state.theta)
        return dw, BCMState(theta=theta)


class ScalingState(eqx.Module):
    """State of [`brainjax.plasticity.SynapticScaling`][]: the running rate estimate
    (Hz) of every postsynaptic neuron."""

    rate: Float[Array, " n_post"]


class SynapticScaling(AbstractRule):
    """Homeostatic multiplicative synaptic scaling (Turrigiano et al. 1998; van Rossum,
    Bi & Turrigiano 2000).

        tau da/dt = -a + 1000 sum_k delta(t - t_k)     (a: rate estimate, Hz)
        dw/dt = eta (target_rate - a) w

    All inputs of a neuron firing above `target_rate` shrink by the same factor, those
    of a silent one grow, preserving their ratios. `post` in `update` is the spikes of
    the postsynaptic neurons (0./1.); `pre` is unused.

    **Arguments:** `eta` (per ms per Hz, > 0), `target_rate` (Hz, >= 0), `tau` (ms,
    > 0) of the rate estimate.

    **Example:** `bj.plasticity.SynapticScaling(eta=1e-5, target_rate=5.0, tau=1000.0)`.
    """

    eta: Float[ArrayLike, ""] = 1e-5
    target_rate: Float[ArrayLike, ""] = 5.0
    tau: Float[ArrayLike, ""] = 1000.0

    def __check_init__(self):
        check_positive("eta", self.eta)
        check_nonnegative("target_rate", self.target_rate)
        check_positive("tau", self.tau)

    def init(self, w, n_pre=None, n_post=None) -> ScalingState:
        _, n_post = neuron_counts(w, n_pre, n_post)
        return ScalingState(rate=jnp.full((n_post,), jnp.asarray(self.target_rate, float)))

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        check_activity("post", post, state.rate)
        rate = decay(state.rate, dt, self.tau) + 1000.0 / self.tau * post
        dw = self.eta * dt * synapses.post(self.target_rate - rate) * w
        return dw, ScalingState(rate=rate)


class Chain(AbstractRule):
    """Several rules acting on the same weights; their changes add up (like
    `optax.chain`), e.g. STDP with homeostatic scaling. Built by
    [`brainjax.plasticity.chain`][]."""

    rules: tuple[AbstractRule, ...]

    def init(self, w, n_pre=None, n_post=None) -> tuple:
        return tuple(rule.init(w, n_pre, n_post) for rule in self.rules)

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        total, states = jnp.zeros_like(w, dtype=float), []
        for rule, rule_state in zip(self.rules, state):
            dw, rule_state = rule.update(
                w, rule_state, pre, post, dt, modulator=modulator, synapses=synapses
            )
            total, states = total + dw, states + [rule_state]
        return total, tuple(states)


def chain(*rules: AbstractRule) -> Chain:
    """Combine rules acting on the same weights; their weight changes add up.

    **Example:** `bj.plasticity.chain(bj.plasticity.STDP(), bj.plasticity.SynapticScaling())`.
    """
    for index, rule in enumerate(rules):
        if not isinstance(rule, AbstractRule):
            raise ValueError(f"`rules[{index}]` must be a plasticity rule, got {rule!r}.")
    if not rules:
        raise ValueError("`chain` needs at least one rule.")
    return Chain(rules=tuple(rules))
