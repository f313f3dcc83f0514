"""`Network` and `Projection`: populations of spiking neurons coupled by synapses."""

import dataclasses
from collections.abc import Mapping, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Bool, Float, Int, PRNGKeyArray

from . import connect as _connect
from ._dynamics import AbstractSpiking
from ._validate import check_finite, check_positive
from .plasticity import AbstractRule, Synapses
from .synapses import AbstractSynapse


def _delay_steps(delay_ms: np.ndarray, dt: float | None, where: str) -> np.ndarray:
    """Delays (ms) rounded to the nearest whole number of steps (as Brian2 and NEST)."""
    if delay_ms.size == 0 or not np.any(delay_ms > 0):
        return np.zeros(delay_ms.shape, np.int32)
    if dt is None:
        raise ValueError(
            f"projection {where} has delays: pass the simulation step `dt` (ms) to "
            "`Network(..., dt=...)` (delays are counted in steps)."
        )
    return np.rint(delay_ms / dt).astype(np.int32)


class Projection(eqx.Module):
    """Synaptic connections from population `pre` to population `post`.

    **Arguments:**

    - `pre`, `post`: population names in the [`brainjax.Network`][].
    - `connectivity`: a rule from [`brainjax.connect`][] (e.g.
      `bj.connect.FixedProb(0.02, weight=0.6, delay=1.5)`), or a dense `(n_pre, n_post)`
      weight matrix, entry `[i, j]` being the jump of the synaptic variable of `post`
      neuron `j` when `pre` neuron `i` spikes (pA for current synapses, nS for
      conductance synapses; zero means not connected; no delay).
    - `synapse`: the synapse model (e.g. [`brainjax.synapses.Exponential`][]).
    - `stp`: optional short-term plasticity of the presynaptic release (e.g.
      [`brainjax.synapses.TsodyksMarkram`][]); it scales each spike before delivery.
    - `key`: PRNG key of a random connectivity rule (the same key, the same synapses).
    - `plasticity`: optional long-term plasticity rule of the weights (e.g.
      [`brainjax.plasticity.STDP`][]); the weights then live in the network state
      (`NetworkState.plastic[k] = (weights, rule_state)`) and change online, after each
      step's delivery, with the step's pre/postsynaptic spikes (at emission; the
      [`brainjax.Network`][] needs `dt`). Synapses of initial weight exactly 0 are
      absent (never changed).
    - `propagation`: [`brainjax.connect.EventDriven`][] or [`brainjax.connect.Dense`][];
      defaults to the rule's (event-driven for sparse rules; dense for `AllToAll`,
      `FromMatrix` and matrices).

    The rule is built into arrays when the [`brainjax.Network`][] is made (it knows the
    sizes and `dt`). Built, a projection holds `weights`: the `(n_pre, n_post)` matrix
    (dense), or one row per presynaptic neuron padded to the largest out-degree, plus a
    last all-zero row (event-driven, with the targets in `targets`).

    **Example:**

    ```python
    rule = bj.connect.FixedProb(0.02, weight=0.6)
    proj = bj.Projection("E", "I", rule, bj.synapses.Exponential(tau=5.0), key=key)
    ```
    """

    pre: str = eqx.field(static=True)
    post: str = eqx.field(static=True)
    synapse: AbstractSynapse
    stp: eqx.Module | None
    plasticity: AbstractRule | None
    propagation: eqx.Module = eqx.field(static=True)
    connectivity: _connect.AbstractConnectivity | None
    key: PRNGKeyArray | None
    weights: Float[Array, "rows cols"] | None
    targets: Int[Array, "rows cols"] | None
    delay_slots: Int[Array, "rows cols"] | None
    delay: int = eqx.field(static=True)
    depth: int = eqx.field(static=True)
    n_post: int = eqx.field(static=True)

    def __init__(
        self,
        pre: str,
        post: str,
        connectivity: _connect.AbstractConnectivity | ArrayLike,
        synapse: AbstractSynapse,
        *,
        stp: eqx.Module | None = None,
        plasticity: AbstractRule | None = None,
        key: PRNGKeyArray | None = None,
        propagation: _connect.Dense | _connect.EventDriven | None = None,
    ):
        if not isinstance(synapse, AbstractSynapse):
            raise ValueError(
                f"`synapse` must be a brainjax.synapses.AbstractSynapse, got {synapse!r}."
            )
        if stp is not None and not all(hasattr(stp, m) for m in ("init", "release")):
            raise ValueError(f"`stp` must be a short-term plasticity model, got {stp!r}.")
        if plasticity is not None and not isinstance(plasticity, AbstractRule):
            raise ValueError(
                f"`plasticity` must be a brainjax.plasticity rule, got {plasticity!r}."
            )
        if isinstance(connectivity, _connect.AbstractConnectivity):
            default = connectivity.default_propagation
        else:
            if np.ndim(connectivity) != 2:
                raise ValueError(
                    "`connectivity` must be a brainjax.connect rule or a 2-d (n_pre, n_post) "
                    f"weight matrix, got shape {np.shape(connectivity)}."
                )
            check_finite("weights", connectivity)
            default = _connect.Dense()
        propagation = default if propagation is None else propagation
        if not isinstance(propagation, (_connect.Dense, _connect.EventDriven)):
            raise ValueError(
                "`propagation` must be brainjax.connect.Dense() or EventDriven(), "
                f"got {propagation!r}."
            )
        self.pre, self.post, self.synapse, self.stp = pre, post, synapse, stp
        self.plasticity = plasticity
        self.propagation, self.key = propagation, key
        self.targets = self.delay_slots = None
        self.delay, self.depth, self.n_post = 0, 1, -1
        if isinstance(connectivity, _connect.AbstractConnectivity):
            self.connectivity, self.weights = connectivity, None
        elif isinstance(propagation, _connect.Dense):  # a matrix used as is (trainable)
            self.connectivity = None
            self.weights = jnp.asarray(connectivity, dtype=float)
            self.n_post = self.weights.shape[1]
        else:
            self.connectivity, self.weights = _connect.FromMatrix(connectivity), None

    @property
    def dense(self) -> bool:
        return isinstance(self.propagation, _connect.Dense)

    def build(self, n_pre: int, n_post: int, dt: float | None) -> "Projection":
        """The projection with its rule drawn into arrays (called by `Network`)."""
        where = f"{self.pre}->{self.post}"
        if self.connectivity is None:
            if self.weights.shape != (n_pre, n_post):
                raise ValueError(
                    f"`weights` of projection {where} must have shape {(n_pre, n_post)}, "
                    f"got {self.weights.shape}."
                )
            return self
        conn = self.connectivity.build(n_pre, n_post, self.key, recurrent=self.pre == self.post)
        steps = _delay_steps(conn.delay, dt, where)
        homogeneous = steps.size == 0 or bool(np.all(steps == steps[0]))
        delay = int(steps[0]) if steps.size else 0
        depth = int(steps.max(initial=0)) + 1
        if self.dense:
            weights = conn.to_dense()
            grid = None
            if not homogeneous:
                grid = np.zeros((n_pre, n_post), np.int64)
                grid[conn.pre, conn.post] = steps
                if np.any(grid[conn.pre, conn.post] != steps):
                    raise ValueError(
                        f"projection {where}: a dense projection cannot hold repeated pairs "
                        "with different delays; use EventDriven()."
                    )
            targets, slots_of = None, grid
        else:
            counts = np.bincount(conn.pre, minlength=n_pre)
            width = max(int(counts.max(initial=0)), 1)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            col = np.arange(conn.pre.size) - starts[conn.pre]
            weights = np.zeros((n_pre + 1, width), np.float32)
            weights[conn.pre, col] = conn.weight
            targets = np.zeros((n_pre + 1, width), np.int32)
            targets[conn.pre, col] = conn.post
            slots_of = None
            if not homogeneous:
                slots_of = np.zeros((n_pre + 1, width), np.int64)
                slots_of[conn.pre, col] = steps
        if slots_of is not None:
            # flat index into the (depth, n_post) ring buffer, relative to its head row
            cols = np.arange(n_post) if self.dense else targets
            slots_of = jnp.asarray(slots_of * n_post + cols, dtype=jnp.int32)
        built = eqx.tree_at(
            lambda p: (p.connectivity, p.key, p.weights, p.targets, p.delay_slots),
            self,
            (None, None, jnp.asarray(weights), _maybe(targets), slots_of),
            is_leaf=lambda x: x is None,
        )
        return _with_static(built, delay=delay if homogeneous else -1, depth=depth, n_post=n_post)

    def effective_weights(self) -> Float[Array, "n_pre n_post"]:
        """The `(n_pre, n_post)` weight matrix of a built projection (small sizes)."""
        if self.dense:
            return self.weights
        n_pre = self.weights.shape[0] - 1
        rows = jnp.broadcast_to(jnp.arange(n_pre + 1)[:, None], self.targets.shape)
        dense = jnp.zeros((n_pre + 1, self.n_post))
        return dense.at[rows, self.targets].add(self.weights)[:n_pre]

    def _scatter(self, buffer, rows, values, head):
        """Add `values` (one per synapse of `rows`) to the flat buffer at their slots."""
        size = buffer.shape[0]
        if self.delay_slots is not None:
            index = jnp.remainder(self.delay_slots[rows] + head * self.n_post, size)
        elif self.depth == 1:
            index = self.targets[rows]
        else:
            index = self.targets[rows] + ((head + self.delay) % self.depth) * self.n_post
        return buffer.at[index].add(values)

    def propagate(self, buffer, spikes, rows, head):
        """Add this step's spikes to `buffer`, the flat `(depth * n_post,)` ring buffer
        (rows `(head + delay) % depth`). `rows`: the spiking rows (event-driven),
        padded with the all-zero row `n_pre`; `spikes`: the presynaptic spikes (scaled
        by short-term plasticity, if any)."""
        if self.dense:
            if self.delay_slots is not None:
                index = jnp.remainder(self.delay_slots + head * self.n_post, buffer.shape[0])
                return buffer.at[index].add(spikes[:, None] * self.weights)
            increment = spikes @ self.weights
            if self.depth == 1:
                return buffer + increment
            start = ((head + self.delay) % self.depth) * self.n_post
            old = jax.lax.dynamic_slice(buffer, (start,), (self.n_post,))
            return jax.lax.dynamic_update_slice(buffer, old + increment, (start,))
        values = self.weights[rows]
        if self.stp is not None:
            values = values * jnp.append(spikes, 0.0)[rows][:, None]
        return self._scatter(buffer, rows, values, head)


class NetworkState(eqx.Module):
    """State of a [`brainjax.Network`][]: `neurons[name]` per population,
    `synapses[k]` per projection (shape `(n_post,)` or a PyTree of them), `stp[k]` the
    short-term plasticity state of projection `k` (or `None`), and `pending[k]` its
    ring buffer of delayed input, `(depth, n_post)`, with `heads[k]` the row of the
    current step (a float, so that the whole state passes through Diffrax solvers);
    `None` for projections without delays."""

    neurons: dict[str, eqx.Module]
    synapses: tuple
    stp: tuple = ()
    pending: tuple = ()
    heads: tuple = ()
    plastic: tuple = ()


class Network(AbstractSpiking):
    """Spiking populations coupled by projections; itself an `AbstractSpiking`, so
    [`brainjax.simulate`][], `jax.vmap` and `jax.grad` apply to it as to one population.

    One step: continuous flow of all neurons and synapses, then spikes, then resets,
    then spike propagation: each projection adds the weights of this step's spikes to
    its ring buffer at `delay` steps ahead and hands the input due now to its synapse
    (`synapse.deliver`). A spike emitted in step `i` with delay `d` ms arrives at the
    end of step `i + round(d / dt)`; with no delay, at the end of step `i`. A
    population's input current is its external input (`inputs[name]` in pA, if any)
    plus `synapse.current(g, v)` of the projections onto it (`v` the membrane potential
    of the postsynaptic neurons).

    **Arguments:**

    - `populations`: name -> spiking population.
    - `projections`: [`brainjax.Projection`][]s between them.
    - `dt`: the simulation step (ms), required when a projection has delays; it must
      equal the `dt` given to [`brainjax.simulate`][].

    **Example:**

    ```python
    rule = bj.connect.FixedProb(0.1, weight=40.0, delay=1.0)          # pA, ms
    net = bj.Network({"E": bj.neurons.LIF(n=100)},
                     [bj.Projection("E", "E", rule, bj.synapses.Exponential(tau=5.0),
                                    key=jax.random.key(0))], dt=0.1)
    sol = bj.simulate(net, t1=200.0, dt=0.1, inputs={"E": 380.0})
    sol.spikes["E"]  # (2000, 100)
    ```
    """

    populations: dict[str, AbstractSpiking]
    projections: tuple[Projection, ...]
    dt: float | None = eqx.field(static=True)

    def __init__(
        self,
        populations: Mapping[str, AbstractSpiking],
        projections: Sequence[Projection] = (),
        dt: float | None = None,
    ):
        populations = dict(populations)
        for name, pop in populations.items():
            if not isinstance(pop, AbstractSpiking):
                raise ValueError(f"population {name!r} must be an AbstractSpiking, got {pop!r}.")
        if dt is not None:
            check_positive("dt", dt)
            dt = float(dt)
        built = []
        for proj in projections:
            if not isinstance(proj, Projection):
                raise ValueError(f"projections must be brainjax.Projection, got {proj!r}.")
            for role in ("pre", "post"):
                name = getattr(proj, role)
                if name not in populations:
                    raise ValueError(
                        f"projection `{role}={name!r}` is not a population "
                        f"(have {sorted(populations)})."
                    )
            built.append(proj.build(populations[proj.pre].n, populations[proj.post].n, dt))
        if dt is None and any(p.plasticity is not None for p in built):
            raise ValueError(
                "a projection has `plasticity`: pass the simulation step `dt` (ms) to "
                "`Network(..., dt=...)` (the rules integrate over it)."
            )
        self.populations = populations
        self.projections = tuple(built)
        self.dt = dt

    def init(self, key: PRNGKeyArray | None = None) -> NetworkState:
        keys = (
            [None] * len(self.populations)
            if key is None
            else jax.random.split(key, len(self.populations))
        )
        neurons = {name: pop.init(k) for (name, pop), k in zip(self.populations.items(), keys)}
        n = {name: pop.n for name, pop in self.populations.items()}
        projs = self.projections
        return NetworkState(
            neurons=neurons,
            synapses=tuple(p.synapse.init(n[p.post]) for p in projs),
            stp=tuple(None if p.stp is None else p.stp.init(n[p.pre]) for p in projs),
            pending=tuple(
                None if p.depth == 1 else jnp.zeros((p.depth, n[p.post])) for p in projs
            ),
            heads=tuple(None if p.depth == 1 else jnp.zeros(()) for p in projs),
            plastic=tuple(_plastic_init(p, n[p.pre]) for p in projs),
        )

    def vector_field(self, t, y: NetworkState, args) -> NetworkState:
        external = {} if args is None else args
        currents = {name: external.get(name, 0.0) for name in self.populations}
        for proj, g in zip(self.projections, y.synapses):
            v_post = self.populations[proj.post].membrane_potential(y.neurons[proj.post])
            currents[proj.post] = currents[proj.post] + proj.synapse.current(g, v_post)
        neurons = {
            name: pop.vector_field(t, y.neurons[name], currents[name])
            for name, pop in self.populations.items()
        }
        synapses = tuple(p.synapse.vector_field(t, g) for p, g in zip(self.projections, y.synapses))
        stp = tuple(
            None if s is None else p.stp.vector_field(t, s) for p, s in zip(self.projections, y.stp)
        )
        zeros = lambda tree: jax.tree.map(jnp.zeros_like, tree)  # discrete-only variables
        pending, heads, plastic = zeros(y.pending), zeros(y.heads), zeros(y.plastic)
        return NetworkState(neurons, synapses, stp, pending, heads, plastic)

    @property
    def n(self) -> int:
        """The total number of neurons."""
        return sum(pop.n for pop in self.populations.values())

    def membrane_potential(self, y: NetworkState) -> dict[str, Float[Array, " n"]]:
        return {name: pop.membrane_potential(y.neurons[name]) for name, pop in self.populations.items()}

    def threshold_margin(self, y: NetworkState) -> dict[str, Float[Array, " n"]]:
        return {name: pop.threshold_margin(y.neurons[name]) for name, pop in self.populations.items()}

    def refractory_period(self) -> float:
        return max((pop.refractory_period() for pop in self.populations.values()), default=0.0)

    def spike(self, y: NetworkState) -> dict[str, Float[Array, " n"]]:
        return {name: pop.spike(y.neurons[name]) for name, pop in self.populations.items()}

    def reset(self, y: NetworkState, spikes: dict[str, Float[Array, " n"]]) -> NetworkState:
        neurons = {
            name: pop.reset(y.neurons[name], spikes[name]) for name, pop in self.populations.items()
        }
        stp, sent = [], []
        for proj, s in zip(self.projections, y.stp):
            if s is None:
                stp.append(None)
                sent.append(spikes[proj.pre])
            else:
                s, scaled = proj.stp.release(s, spikes[proj.pre])
                stp.append(s)
                sent.append(scaled)
        heads = [
            jnp.zeros((), jnp.int32) if h is None else h.astype(jnp.int32) for h in y.heads
        ]
        # Without delay, an additive synapse (the default `deliver`) takes the spikes'
        # weights straight into its variable: one scatter, no intermediate increment.
        additive = [
            p.depth == 1 and type(p.synapse).deliver is AbstractSynapse.deliver
            for p in self.projections
        ]
        buffers = [
            g if add else jnp.zeros((proj.n_post,)) if b is None else b.reshape(-1)
            for proj, b, g, add in zip(self.projections, y.pending, y.synapses, additive)
        ]
        network = self if not y.plastic else _with_plastic_weights(self, y.plastic)
        buffers = network._propagate(spikes, sent, buffers, heads)
        synapses, pending, new_heads = [], [], []
        for proj, g, buffer, head, add in zip(
            self.projections, y.synapses, buffers, heads, additive
        ):
            if proj.depth == 1:
                synapses.append(buffer if add else proj.synapse.deliver(g, buffer))
                pending.append(None)
                new_heads.append(None)
                continue
            buffer = buffer.reshape(proj.depth, proj.n_post)
            synapses.append(proj.synapse.deliver(g, buffer[head]))
            pending.append(buffer.at[head].set(0.0))
            new_heads.append(((head + 1) % proj.depth).astype(float))
        plastic = tuple(
            None if w is None else _plastic_update(p, w, spikes, self.dt)
            for p, w in zip(self.projections, y.plastic)
        )
        return NetworkState(
            neurons, tuple(synapses), tuple(stp), tuple(pending), tuple(new_heads), plastic
        )

    def _propagate(self, spikes, sent, buffers, heads):
        """Propagate every projection; event-driven ones share one spike search per
        presynaptic population, with an exact chunked fallback for busy steps."""
        buffers = list(buffers)
        groups: dict[tuple[str, int], list[int]] = {}
        for k, proj in enumerate(self.projections):
            if proj.dense:
                buffers[k] = proj.propagate(buffers[k], sent[k], None, heads[k])
            else:
                n_pre = self.populations[proj.pre].n
                size = proj.propagation.max_spikes or max(16, n_pre // 400)
                groups.setdefault((proj.pre, min(size, n_pre)), []).append(k)
        for (pre, size), members in groups.items():
            n_pre = self.populations[pre].n
            active = jax.lax.stop_gradient(spikes[pre]) != 0

            def chunk(bufs, rows, members=members):
                return tuple(
                    self.projections[k].propagate(b, sent[k], rows, heads[k])
                    for k, b in zip(members, bufs)
                )

            def rest(bufs, left, size=size, chunk=chunk):
                def body(carry):  # `size` spiking rows at a time, until none is left
                    left, bufs = carry
                    rows = _spiking_rows(left, size)
                    return left.at[rows].set(False, mode="drop"), chunk(bufs, rows)

                return jax.lax.while_loop(lambda c: jnp.any(c[0]), body, (left, bufs))[1]

            # The first `size` spiking rows; busier steps loop over the rest (exact).
            rows = _spiking_rows(active, size)
            bufs = chunk(tuple(buffers[k] for k in members), rows)
            left = active.at[rows].set(False, mode="drop")
            out = jax.lax.cond(
                jnp.sum(active) > size, rest, lambda bufs, left: bufs, bufs, left
            )
            for k, b in zip(members, out):
                buffers[k] = b
        return buffers


_BLOCK = 32


def _spiking_rows(active: Bool[Array, " n"], size: int) -> Int[Array, " size"]:
    """The indices of (up to) `size` true entries of `active`, padded with `n`.

    `lax.top_k` on the 0/1 values finds them (on CPU several times faster than
    `jnp.nonzero(size=...)`, whose cumulative sum dominates a network step); for large
    `n`, a first `top_k` over blocks of 32 flags selects the blocks that hold spikes
    and a second one picks the spikes within those blocks, so the cost stays ~ `n`.
    """
    n = active.shape[0]
    if n < 4 * _BLOCK * size:
        values, rows = jax.lax.top_k(active.astype(jnp.float32), size)
        return jnp.where(values > 0, rows, n)
    blocks = jnp.pad(active, (0, (-n) % _BLOCK)).reshape(-1, _BLOCK)
    _, chosen = jax.lax.top_k(blocks.any(axis=1).astype(jnp.float32), size)
    values, within = jax.lax.top_k(blocks[chosen].astype(jnp.float32).ravel(), size)
    rows = (chosen[:, None] * _BLOCK + jnp.arange(_BLOCK)).ravel()[within]
    return jnp.where(values > 0, rows, n)


def _synapse_layout(proj: Projection) -> Synapses:
    return Synapses() if proj.dense else Synapses(post_index=proj.targets)


def _plastic_init(proj: Projection, n_pre: int):
    """`(weights, rule_state, mask)` of a plastic projection, `None` otherwise."""
    if proj.plasticity is None:
        return None
    rows = n_pre if proj.dense else n_pre + 1  # event-driven: + the all-zero padding row
    state = proj.plasticity.init(proj.weights, rows, proj.n_post)
    mask = (proj.weights != 0).astype(proj.weights.dtype)  # zero: not connected
    return proj.weights, state, mask


def _plastic_update(proj: Projection, plastic, spikes, dt):
    """One step of the projection's rule on its weights (after delivery)."""
    w, state, mask = plastic
    pre = spikes[proj.pre] if proj.dense else jnp.append(spikes[proj.pre], 0.0)
    dw, state = proj.plasticity.update(
        w, state, pre, spikes[proj.post], dt, synapses=_synapse_layout(proj)
    )
    return w + dw * mask, state, mask


def _with_plastic_weights(network: "Network", plastic: tuple) -> "Network":
    """The network with the current plastic weights in its projections."""
    projections = tuple(
        p if s is None else eqx.tree_at(lambda q: q.weights, p, s[0])
        for p, s in zip(network.projections, plastic)
    )
    return eqx.tree_at(lambda n: n.projections, network, projections)


def _with_static(module: eqx.Module, **static) -> eqx.Module:
    """A copy of `module` with new values of static fields (as Equinox unflattens)."""
    new = object.__new__(type(module))
    for field in dataclasses.fields(module):
        value = static.get(field.name, getattr(module, field.name))
        object.__setattr__(new, field.name, value)
    return new


def _maybe(array):
    return None if array is None else jnp.asarray(array)
