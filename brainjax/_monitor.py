"""`Monitor`: what `simulate` records; `SpikeEvents`: compressed spike records."""

from collections.abc import Callable

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool, Int, PyTree

from ._dynamics import AbstractDynamics, AbstractSpiking, State
from ._memory_budget import check_memory
from ._validate import check_count


def _nbytes(tree: PyTree) -> int:
    """Bytes of one copy of `tree` (arrays or `jax.ShapeDtypeStruct`s)."""
    leaves = jax.tree.leaves(tree)
    return sum(int(np.prod(x.shape)) * np.dtype(x.dtype).itemsize for x in leaves)


class Monitor(eqx.Module):
    """What [`brainjax.simulate`][] records.

    **Arguments:**

    - `every`: record the state every `every` steps (the number of steps must be a
      multiple of it).
    - `select`: a function `state -> PyTree` picking what to keep (e.g.
      `lambda y: y.v`); `None` keeps the whole state.
    - `spikes`: keep the spikes of a spiking model densely, one `(n,)` array per step
      (memory ~ steps x neurons: for small or short runs).

    Bounded-memory spike records, for large or long runs (use with `spikes=False`):

    - `events`: keep up to `events` spikes per population compressed, as `(step,
      neuron)` pairs (8 bytes per spike); later spikes are counted but not stored.
      Read them with `Solution.raster()`.
    - `rates`: keep the number of spikes of each population per step (4 bytes per
      step), for `Solution.population_rate()`.
    - `spike_counts`: keep each neuron's total spike count (4 bytes per neuron), for
      `Solution.mean_rates()`.

    **Example:** `bj.Monitor(every=100, select=lambda y: y.neurons["E"].v, spikes=False,
    events=200_000, rates=True)`.
    """

    every: int = eqx.field(default=1, static=True)
    select: Callable[[State], PyTree] | None = eqx.field(default=None, static=True)
    spikes: bool = eqx.field(default=True, static=True)
    events: int | None = eqx.field(default=None, static=True)
    rates: bool = eqx.field(default=False, static=True)
    spike_counts: bool = eqx.field(default=False, static=True)

    def __check_init__(self):
        check_count("every", self.every)
        if self.select is not None and not callable(self.select):
            raise ValueError(f"`select` must be a function `state -> PyTree`, got {self.select!r}.")
        if self.events is not None:
            check_count("events", self.events)

    def recording_bytes(self, y0: State, spikes: PyTree | None, n_steps: int) -> int:
        """The bytes a run of `n_steps` steps from `y0` records: the selected state
        once per `every` steps (plus the final state), and for a spiking model with
        spikes shaped like `spikes` (arrays or `jax.ShapeDtypeStruct`s) the dense
        spikes, population rates, events and spike counts asked for."""
        picked = jax.eval_shape(self.pick, y0)
        total = (n_steps // self.every + 1) * _nbytes(picked)
        if spikes is not None:
            populations = len(jax.tree.leaves(spikes))
            total += n_steps * _nbytes(spikes) if self.spikes else 0
            total += 4 * n_steps * populations if self.rates else 0
            total += 8 * (self.events or 0) * populations
            total += 4 * sum(int(np.prod(s.shape)) for s in jax.tree.leaves(spikes))
        return total

    def check_memory(self, model: AbstractDynamics, y0: State, n_steps: int) -> None:
        """Raise a `ValueError` (a `MemoryError` too) before compiling when the
        recording of `n_steps` steps of `model` from `y0` cannot fit in memory (see
        `BRAINJAX_MEMORY_BUDGET` in `brainjax._memory_budget`)."""
        spiking = isinstance(model, AbstractSpiking)
        spikes = jax.eval_shape(model.spike, y0) if spiking else None
        nbytes = self.recording_bytes(y0, spikes, n_steps)
        options = f"`every={self.every}`" + (f", `spikes={self.spikes}`" if spiking else "")
        what = f"the recording of {n_steps} steps by `monitor` ({options})"
        reduce = (
            "Record less often (`Monitor(every=...)`), fewer variables "
            "(`Monitor(select=lambda y: ...)`)"
            + (
                ", or replace dense spikes with `Monitor(spikes=False, events=..., rates=True)`"
                if spiking and self.spikes
                else ""
            )
            + ", or simulate in shorter pieces (`y0=sol.final`)."
        )
        check_memory(what, nbytes, reduce, device=True)

    def pick(self, y: State) -> PyTree:
        return y if self.select is None else self.select(y)

    def init_watch(self, spikes: PyTree[jax.ShapeDtypeStruct]) -> PyTree:
        """The running spike record (carried through the scan)."""
        flat = lambda s: int(np.prod(s.shape))  # noqa: E731
        counts = None
        if self.spike_counts:
            count = lambda s: jnp.zeros(s.shape, jnp.result_type(s.dtype, jnp.float32))  # noqa: E731
            counts = jax.tree.map(count, spikes)  # float64 spikes under x64
        events = None
        if self.events is not None:
            events = jax.tree.map(
                lambda s: SpikeEvents(
                    steps=jnp.zeros(self.events, jnp.int32),
                    neurons=jnp.zeros(self.events, jnp.int32),
                    count=jnp.zeros((), jnp.int32),
                    size=flat(s),
                ),
                spikes,
            )
        return counts, events

    def watch(self, watch: PyTree, spikes: PyTree[Array], i) -> tuple[PyTree, PyTree]:
        """Update the running record with the spikes of step `i`; return it and what
        is kept for this step (dense spikes, population counts)."""
        counts, events = watch
        fired = jax.tree.map(lambda s: jax.lax.stop_gradient(s) != 0, spikes)
        if counts is not None:
            counts = jax.tree.map(lambda c, s: c + jax.lax.stop_gradient(s), counts, spikes)
        if events is not None:
            events = jax.tree.map(
                lambda e, f: e.add(f.reshape(-1), i),
                events,
                fired,
                is_leaf=lambda x: isinstance(x, SpikeEvents),
            )
        per_step = (
            spikes if self.spikes else None,
            jax.tree.map(lambda f: f.sum(dtype=jnp.int32), fired) if self.rates else None,
        )
        return (counts, events), per_step


class SpikeEvents(eqx.Module):
    """Compressed spikes of one population: the `count` first spikes of a run as
    `(steps[k], neurons[k])` pairs (`k < min(count, capacity)`), in time order. Spike
    `k` happened in step `steps[k]`, i.e. at `t0 + (steps[k] + 1) * dt`."""

    steps: Int[Array, " capacity"]
    neurons: Int[Array, " capacity"]
    count: Int[Array, ""]
    size: int = eqx.field(static=True)

    def add(self, fired: Bool[Array, " n"], i) -> "SpikeEvents":
        capacity = self.steps.shape[0]
        slot = self.count + jnp.cumsum(fired) - 1
        slot = jnp.where(fired & (slot < capacity), slot, capacity)  # capacity: dropped
        return SpikeEvents(
            steps=self.steps.at[slot].set(i, mode="drop"),
            neurons=self.neurons.at[slot].set(jnp.arange(fired.shape[0]), mode="drop"),
            count=self.count + fired.sum(dtype=jnp.int32),
            size=self.size,
        )
