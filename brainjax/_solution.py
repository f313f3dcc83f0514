"""`Solution`: the one result type of `simulate`, whatever the integrator."""

import warnings

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float, Int, PyTree

from ._dynamics import State
from ._monitor import SpikeEvents


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"`Solution.{old}` is deprecated; use `Solution.{new}`.", DeprecationWarning, stacklevel=3
    )


class Solution(eqx.Module):
    """The result of [`brainjax.simulate`][], whatever the integrator.

    - `ts`: recording times (ms), `t0, t0 + every*dt, ..., t1`.
    - `ys`: the monitored variables at `ts` (leading axis = time).
    - `spikes`: for spiking models with `Monitor(spikes=True)`, the spikes of every
      step (leading axis = step, step `i` covers `(t0 + i*dt, t0 + (i+1)*dt]`), as
      0./1. floats; else `None`.
    - `final`: the full state at `t1`, to continue a simulation with `y0=sol.final`.
    - `dt`: the step (ms).
    - `events`, `population_counts`, `spike_counts`: the bounded-memory records of
      [`brainjax.Monitor`][] (`events`: [`brainjax.SpikeEvents`][] per population;
      `population_counts`: spikes per step, shape `(steps,)`; `spike_counts`: spikes
      per neuron), or `None` when not asked for.
    - `spike_times`, `spike_neurons`, `n_neurons`: the exact spikes located by
      [`brainjax.integrators.ExactEvents`][] (else `None`): spike times (ms) in order,
      `inf` in unused slots; the neuron of each spike (index into the flattened spikes:
      for a [`brainjax.Network`][], populations in sorted name order, concatenated),
      `-1` in unused slots; the total number of neurons. Read them with
      `first_spike_times()`.

    **Example:**

    ```python
    sol = bj.simulate(bj.neurons.LIF(n=10), t1=200.0, dt=0.1, inputs=400.0)
    sol.ts.shape, sol.spikes.shape  # (2001,), (2000, 10)
    sol.mean_rates()                # Hz
    ```
    """

    ts: Float[Array, " times"]
    ys: PyTree[Array]
    spikes: PyTree[Float[Array, "steps ..."]] | None
    final: State
    dt: float = eqx.field(static=True)
    events: PyTree[SpikeEvents] | None = None
    population_counts: PyTree[Int[Array, " steps"]] | None = None
    spike_counts: PyTree[Int[Array, "..."]] | None = None
    spike_times: Float[Array, " max_spikes"] | None = None
    spike_neurons: Int[Array, " max_spikes"] | None = None
    n_neurons: int | None = eqx.field(default=None, static=True)

    def first_spike_times(self, t_none: float = jnp.inf) -> Float[Array, " n_neurons"]:
        """First spike time (ms) of every neuron, `t_none` if it never fires;
        differentiable with respect to the model parameters (exact spike times of
        [`brainjax.integrators.ExactEvents`][] only)."""
        if self.spike_times is None or self.spike_neurons is None or self.n_neurons is None:
            raise ValueError(
                "`first_spike_times()` needs exact spike times: simulate with "
                "`integrator=bj.integrators.ExactEvents()`."
            )
        mine = self.spike_neurons[:, None] == jnp.arange(self.n_neurons)[None, :]
        first = jnp.min(jnp.where(mine, self.spike_times[:, None], jnp.inf), axis=0)
        return jnp.where(jnp.isfinite(first), first, t_none)

    @property
    def times(self) -> Float[Array, " max_spikes"] | None:
        """Deprecated: use `spike_times`."""
        _warn("times", "spike_times")
        return self.spike_times

    @property
    def neurons(self) -> Int[Array, " max_spikes"] | None:
        """Deprecated: use `spike_neurons`."""
        _warn("neurons", "spike_neurons")
        return self.spike_neurons

    def population_rate(self) -> PyTree[Float[Array, " steps"]]:
        """Instantaneous population rate (Hz) of each spiking population, per step."""
        if self.population_counts is not None:
            size = lambda s: int(np.prod(s.shape))  # noqa: E731
            sizes = jax.tree.map(size, self.final_spike_shapes())
            return jax.tree.map(
                lambda c, n: c / n * 1000.0 / self.dt, self.population_counts, sizes
            )
        return jax.tree.map(
            lambda s: s.reshape(s.shape[0], -1).mean(axis=1) * 1000.0 / self.dt,
            self._require_spikes(),
        )

    def mean_rates(self) -> PyTree[Float[Array, "..."]]:
        """Mean firing rate (Hz) of every neuron over the whole run."""
        if self.spike_counts is not None:
            duration = float(self.ts[-1] - self.ts[0])
            return jax.tree.map(lambda c: c * 1000.0 / duration, self.spike_counts)
        return jax.tree.map(lambda s: s.mean(axis=0) * 1000.0 / self.dt, self._require_spikes())

    def raster(self, spikes: Array | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Spike times (ms) and neuron indices as NumPy arrays, for plotting.

        `spikes` defaults to the recorded spikes of the (single) population: the dense
        `self.spikes` or, with `Monitor(events=...)`, the compressed `self.events`
        (pass `sol.spikes[name]` or `sol.events[name]` for one population of a
        network)."""
        if spikes is None:
            spikes = self.events if self.spikes is None and self.events is not None else None
            spikes = self._require_spikes() if spikes is None else spikes
        if isinstance(spikes, SpikeEvents):
            kept = min(int(spikes.count), spikes.steps.shape[0])
            steps, neurons = np.asarray(spikes.steps[:kept]), np.asarray(spikes.neurons[:kept])
        elif isinstance(spikes, (jax.Array, np.ndarray)):
            steps, neurons = np.nonzero(np.asarray(spikes).reshape(spikes.shape[0], -1))
        else:
            raise ValueError(
                "`raster()` needs one population: pass `spikes=sol.spikes[name]` "
                "or `sol.events[name]`."
            )
        return float(self.ts[0]) + (steps + 1) * self.dt, neurons

    def final_spike_shapes(self) -> PyTree:
        """Shapes of the recorded spike arrays of one step (from the spike counts or
        the compressed events)."""
        if self.spike_counts is not None:
            return self.spike_counts
        if self.events is not None:
            return jax.tree.map(
                lambda e: jax.ShapeDtypeStruct((e.size,), jnp.int32),
                self.events,
                is_leaf=lambda x: isinstance(x, SpikeEvents),
            )
        raise ValueError("population rates from counts need `spike_counts` or `events`.")

    def _require_spikes(self):
        if self.spikes is None:
            raise ValueError(
                "this solution holds no spikes (not a spiking model, or `Monitor(spikes=False)`)."
            )
        return self.spikes
