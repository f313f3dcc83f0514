"""`Network`: spiking populations coupled by projections, itself an `AbstractSpiking`."""

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray
from typing_extensions import Self

from .._dynamics import AbstractSpiking
from .._validate import check_positive
from ._plasticity import plastic_init, plastic_update, with_plastic_weights
from ._projection import BuiltProjection, Projection
from ._propagation import EventDriven, Line, dense_pass, event_push
from ._ring_buffer import RingBuffer

Spikes = dict[str, Float[Array, " n"]]


class NetworkState(eqx.Module):
    """State of a [`brainjax.Network`][]: `neurons[name]` per population,
    `synapses[k]` per projection (shape `(n_post,)` or a PyTree of them), `stp[k]` the
    short-term plasticity state of projection `k` (or `None`), `buffers[k]` its
    [`brainjax.network.RingBuffer`][] of delayed input, `(depth, n_post)` (`None` without
    delays), and `plastic[k]` its `(weights, rule_state, mask)` under plasticity."""

    neurons: dict[str, eqx.Module]
    synapses: tuple
    stp: tuple = ()
    buffers: tuple = ()
    plastic: tuple = ()


class _Clock(eqx.Module):
    dt: float = eqx.field(static=True)


class Network(AbstractSpiking):
    """Spiking populations coupled by projections; itself an `AbstractSpiking`, so
    [`brainjax.simulate`][], `jax.vmap` and `jax.grad` apply to it as to one population.

    One step (`DESIGN.md`, "one step of a spiking network"): continuous flow of all
    neurons and synapses, then spikes, then resets, then each projection pushes this
    step's spikes (times their weights) into its ring buffer `delay` steps ahead and
    delivers the input due now to its synapse, then plasticity updates the weights. A
    spike emitted in step `i` with delay `d` ms arrives at the end of step
    `i + round(d / dt)`; with no delay, at the end of step `i`. A population's input
    current is its external input (`inputs[name]` in pA, if any) plus
    `synapse.current(g, v)` of the projections onto it (`v` the membrane potential of
    the postsynaptic neurons).

    **Arguments:**

    - `populations`: name -> spiking population.
    - `projections`: [`brainjax.Projection`][]s between them, built here into
      [`brainjax.network.BuiltProjection`][]s (`net.projections[k].weights`).
    - `dt`: deprecated; the step is given once, to [`brainjax.simulate`][] (which calls
      `with_step(dt)`), delays being kept in ms until then.

    **Example:**

    ```python
    rule = bj.connect.FixedProb(0.1, weight=40.0, delay=1.0)          # pA, ms
    net = bj.Network({"E": bj.neurons.LIF(n=100)},
                     [bj.Projection("E", "E", rule, bj.synapses.Exponential(tau=5.0),
                                    key=jax.random.key(0))])
    sol = bj.simulate(net, t1=200.0, dt=0.1, inputs={"E": 380.0})
    sol.spikes["E"]  # (2000, 100)
    ```
    """

    populations: dict[str, AbstractSpiking]
    projections: tuple[BuiltProjection, ...]
    clock: _Clock | None

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
        built = []
        for proj in projections:
            if not isinstance(proj, Projection):
                raise ValueError(f"projections must be brainjax.Projection, got {proj!r}.")
            for role, name in (("pre", proj.pre), ("post", proj.post)):
                if name not in populations:
                    raise ValueError(
                        f"projection `{role}={name!r}` is not a population "
                        f"(have {sorted(populations)})."
                    )
            built.append(proj.build(populations[proj.pre].n, populations[proj.post].n))
        self.populations, self.projections, self.clock = populations, tuple(built), None
        if dt is not None:
            warnings.warn(
                "`Network(..., dt=...)` is deprecated: give `dt` to `brainjax.simulate` "
                "only (or call `network.with_step(dt)`).",
                DeprecationWarning,
                stacklevel=2,
            )
            check_positive("dt", dt)
            dt = float(dt)
            self.projections = tuple(p.with_step(dt) for p in self.projections)
            self.clock = _Clock(dt)

    @property
    def dt(self) -> float | None:
        """The step (ms) bound by `with_step`, `None` before."""
        return None if self.clock is None else self.clock.dt

    @property
    def n(self) -> int:
        """The total number of neurons."""
        return sum(pop.n for pop in self.populations.values())

    def check_inputs(self, args: Any) -> None:
        """Raise `ValueError` unless `args` is `None` or a dict from population names to
        inputs that each population accepts (see `AbstractDynamics.check_inputs`)."""
        names = ", ".join(repr(name) for name in self.populations)
        if args is not None and not isinstance(args, dict):
            raise ValueError(
                "`inputs` of a Network must be a dict from population names "
                f"({names}) to inputs, e.g. {{{next(iter(self.populations))!r}: 380.0}}."
            )
        for name, value in (args or {}).items():
            if name not in self.populations:
                raise ValueError(
                    f"`inputs` names no population {name!r}; the populations: {names}."
                )
            try:
                self.populations[name].check_inputs(value)
            except ValueError as error:
                raise ValueError(f"population {name!r}: {error}") from None

    def with_step(self, dt: float) -> Self:
        """The network run with step `dt` (ms): delays rounded to whole steps, the
        plasticity rules integrating over `dt`. [`brainjax.simulate`][] calls it."""
        check_positive("dt", dt)
        dt = float(dt)
        projections = tuple(p.with_step(dt) for p in self.projections)
        return eqx.tree_at(
            lambda n: (n.projections, n.clock),
            self,
            (projections, _Clock(dt)),
            is_leaf=lambda x: x is None,
        )

    def _check_step(self) -> None:
        for p in self.projections:
            if self.clock is None and (p.has_delays or p.plasticity is not None):
                what = "delays" if p.has_delays else "plasticity"
                raise ValueError(
                    f"projection {p.pre}->{p.post} has {what}, which need the step `dt`: "
                    "pass the network to `brainjax.simulate(net, t1, dt)`, or call "
                    "`net.with_step(dt)` first."
                )

    # ------------------------------------------------------------------- contract

    def init(self, key: PRNGKeyArray | None = None) -> NetworkState:
        self._check_step()
        pops = self.populations
        keys = [None] * len(pops) if key is None else jax.random.split(key, len(pops))
        neurons = {name: pop.init(k) for (name, pop), k in zip(pops.items(), keys)}
        n = {name: pop.n for name, pop in pops.items()}
        projs = self.projections
        return NetworkState(
            neurons=neurons,
            synapses=tuple(p.synapse.init(n[p.post]) for p in projs),
            stp=tuple(None if p.stp is None else p.stp.init(n[p.pre]) for p in projs),
            buffers=tuple(
                None if p.depth == 1 else RingBuffer.zeros(p.depth, p.n_post) for p in projs
            ),
            plastic=tuple(plastic_init(p, n[p.pre]) for p in projs),
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
            None if p.stp is None else p.stp.vector_field(t, s)
            for p, s in zip(self.projections, y.stp)
        )
        zeros = lambda tree: jax.tree.map(jnp.zeros_like, tree)  # noqa: E731 (discrete only)
        return NetworkState(neurons, synapses, stp, zeros(y.buffers), zeros(y.plastic))

    def membrane_potential(self, y: NetworkState) -> Spikes:
        return {k: pop.membrane_potential(y.neurons[k]) for k, pop in self.populations.items()}

    def threshold_margin(self, y: NetworkState) -> Spikes:
        return {k: pop.threshold_margin(y.neurons[k]) for k, pop in self.populations.items()}

    def refractory_period(self) -> float:
        return max((pop.refractory_period() for pop in self.populations.values()), default=0.0)

    def spike(self, y: NetworkState) -> Spikes:
        return {name: pop.spike(y.neurons[name]) for name, pop in self.populations.items()}

    def reset(self, y: NetworkState, spikes: Spikes) -> NetworkState:
        """The discrete part of a step: reset, release, push, deliver, learn."""
        self._check_step()
        neurons = {k: pop.reset(y.neurons[k], spikes[k]) for k, pop in self.populations.items()}
        stp, sent = self._release(y.stp, spikes)
        buffers = self._push(spikes, sent, self._lines(y), y.plastic)
        synapses, buffers = self._deliver(y.synapses, buffers)
        plastic = self._learn(y.plastic, spikes)
        return NetworkState(neurons, synapses, stp, buffers, plastic)

    # --------------------------------------------------------------------- stages

    def _release(self, stp: tuple, spikes: Spikes) -> tuple[tuple, list]:
        """Short-term plasticity: new states, and the spikes scaled by their efficacy."""
        states, sent = [], []
        for proj, s in zip(self.projections, stp):
            if proj.stp is None:
                states.append(None)
                sent.append(spikes[proj.pre])
            else:
                s, scaled = proj.stp.release(s, spikes[proj.pre])
                states.append(s)
                sent.append(scaled)
        return tuple(states), sent

    def _additive(self, proj: BuiltProjection) -> bool:
        # Without delay, an additive synapse takes the spikes' weights straight into its
        # variable: one scatter, no intermediate increment.
        return proj.depth == 1 and proj.synapse.additive

    def _lines(self, y: NetworkState) -> list[RingBuffer]:
        """Each projection's delay line: its ring buffer, or (no delay) a one-row line
        that is the synaptic variable itself (additive synapses) or a fresh increment."""
        lines = []
        for proj, b, g in zip(self.projections, y.buffers, y.synapses):
            if b is None:
                data = g if self._additive(proj) else jnp.zeros((proj.n_post,))
                b = RingBuffer(data, jnp.zeros((), jnp.int32), 1, proj.n_post)
            lines.append(b)
        return lines

    def _push(
        self, spikes: Spikes, sent: list, lines: list[RingBuffer], plastic: tuple
    ) -> list[RingBuffer]:
        """Add this step's spikes (times their weights) to every delay line; event-driven
        projections share one spike search per presynaptic population."""
        projections = with_plastic_weights(self.projections, plastic)
        groups: dict[tuple[str, int], list[int]] = {}
        for k, proj in enumerate(projections):
            if isinstance(proj.propagation, EventDriven):
                size = proj.propagation.pass_size(self.populations[proj.pre].n)
                groups.setdefault((proj.pre, size), []).append(k)
            else:
                lines[k] = dense_pass(lines[k], proj.weights, sent[k], *_lags(proj))
        for (pre, size), members in groups.items():
            members_p = [projections[k] for k in members]
            datas = event_push(
                size,
                tuple(_line(p, lines[k]) for k, p in zip(members, members_p)),
                jax.lax.stop_gradient(spikes[pre]) != 0,
                tuple(lines[k].data for k in members),
                tuple(lines[k].head for k in members),
                tuple(sent[k] for k in members),
                tuple(p.weights for p in members_p),
                tuple(_index(p) for p in members_p),
                tuple(p.degrees for p in members_p),
            )
            for k, data in zip(members, datas):
                b = lines[k]
                lines[k] = RingBuffer(data, b.head, b.depth, b.width, b.mirrored)
        return lines

    def _deliver(self, synapses: tuple, lines: list[RingBuffer]) -> tuple[tuple, tuple]:
        """Hand each synapse the input due now; clear that row and advance the buffer."""
        new_synapses, buffers = [], []
        for proj, g, line in zip(self.projections, synapses, lines):
            if proj.depth == 1:
                due, buffer = line.data, None
                new_synapses.append(due if self._additive(proj) else proj.synapse.deliver(g, due))
            else:
                due, buffer = line.pop()
                new_synapses.append(proj.synapse.deliver(g, due))
            buffers.append(buffer)
        return tuple(new_synapses), tuple(buffers)

    def _learn(self, plastic: tuple, spikes: Spikes) -> tuple:
        """Long-term plasticity: one step of each rule on its weights."""
        dt = self.dt
        return tuple(
            None if w is None else plastic_update(p, w, spikes, dt)  # pyright: ignore[reportArgumentType]
            for p, w in zip(self.projections, plastic)
        )


def _lags(proj: BuiltProjection) -> tuple[int, Array | None]:
    """`(lag, slots)`: the common lag in steps, or per-synapse ring-buffer slots."""
    return (0, None) if proj.steps is None else (proj.steps.lag, proj.steps.slots)


def _line(proj: BuiltProjection, buffer: RingBuffer) -> Line:
    """The static layout of an event-driven projection's delay line."""
    lag, slots = _lags(proj)
    return Line(buffer.depth, buffer.width, lag, slots is not None)


def _index(proj: BuiltProjection) -> Array:
    """Per synapse: its target, or (heterogeneous delays) its ring-buffer slot."""
    _, slots = _lags(proj)
    index = proj.targets if slots is None else slots
    assert index is not None  # event-driven projections always hold targets
    return index
