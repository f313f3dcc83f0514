"""Spike encoders (data -> spike trains) and readouts (spike trains / potentials -> numbers).

Encoders turn values `x` in [0, 1] (e.g. pixel intensities) into spike rasters of
shape `(steps, *x.shape)` holding 0./1. per step of `dt` ms:

- [`brainjax.encoding.PoissonEncoder`][]: rate coding, each value fires at `x * max_rate` Hz.
- [`brainjax.encoding.LatencyEncoder`][]: one spike per value, the larger the earlier.

[`brainjax.inputs.SpikeTrain`][] feeds such a raster into
[`brainjax.simulate`][] as an input current, optionally through a (trainable) weight
matrix. Readouts reduce a simulation to the numbers a loss needs: `spike_count`,
`membrane_max`, `membrane_last` and a differentiable `first_spike_time`.

Example:
    >>> import jax, jax.numpy as jnp, brainjax as bj
    >>> x = jnp.array([0.0, 0.5, 1.0])
    >>> raster = bj.encoding.LatencyEncoder(t_max=10.0)(x, steps=12, dt=1.0)
    >>> bj.encoding.first_spike_time(raster, dt=1.0).tolist()  # 0 never fires -> 12 ms
    [12.0, 6.0, 1.0]
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from ._validate import check_count, check_positive, deprecated_names
from .inputs import SpikeTrain as _SpikeTrain

__all__ = [
    "PoissonEncoder",
    "LatencyEncoder",
    "spike_count",
    "membrane_max",
    "membrane_last",
    "first_spike_time",
]


def _steps_dt(steps: int, dt: float) -> tuple[int, float]:
    check_count("steps", steps)
    check_positive("dt", dt)
    return int(steps), float(dt)


class PoissonEncoder(eqx.Module):
    """Rate (Poisson) coding: value `x` in [0, 1] fires at `x * max_rate` Hz.

    In each step of `dt` ms a unit spikes with probability `x * max_rate * dt / 1000`
    (a Bernoulli approximation of a Poisson process, at most one spike per step), which
    must be <= 1. Values are clipped to [0, 1].

    **Arguments:** `max_rate`: the rate (Hz, > 0) of a value of 1.

    **Example:** `raster = bj.encoding.PoissonEncoder(100.0)(images, steps=50, dt=1.0, key=key)`
    gives shape `(50, *images.shape)`.
    """

    max_rate: float = 100.0

    def __check_init__(self):
        check_positive("max_rate", self.max_rate)

    def __call__(
        self, x: Float[ArrayLike, "..."], steps: int, dt: float, *, key: PRNGKeyArray
    ) -> Float[Array, "steps ..."]:
        steps, dt = _steps_dt(steps, dt)
        if self.max_rate * dt / 1000.0 > 1.0:
            raise ValueError(
                f"`max_rate` * `dt` must be <= 1000 (at most one spike per step), got "
                f"{self.max_rate!r} Hz * {dt!r} ms."
            )
        x = jnp.clip(jnp.asarray(x, dtype=float), 0.0, 1.0)
        p = x * self.max_rate * dt / 1000.0
        return jax.random.bernoulli(key, p, (steps,) + x.shape).astype(x.dtype)


class LatencyEncoder(eqx.Module):
    """Latency coding: value `x` in [0, 1] fires one spike at `t = t_max * (1 - x)` ms
    (strong inputs first); values `<= threshold` do not fire.

    The spike lands in step `floor(t / dt)` (step `k` covers `(k dt, (k+1) dt]`), so
    `x = 1` fires in the first step. `times(x)` gives the spike times themselves,
    e.g. for [`brainjax.simulate_exact`][].

    **Arguments:** `t_max`: latency (ms, > 0) of the weakest firing value;
    `threshold`: values at or below it stay silent (default 0).

    **Example:** `raster = bj.encoding.LatencyEncoder(t_max=20.0)(images, steps=25, dt=1.0)`.
    """

    t_max: float = 20.0
    threshold: float = 0.0

    def __check_init__(self):
        check_positive("t_max", self.t_max)

    def times(self, x: Float[ArrayLike, "..."]) -> Float[Array, "..."]:
        """Spike time (ms) of each value; `inf` for silent values."""
        x = jnp.clip(jnp.asarray(x, dtype=float), 0.0, 1.0)
        return jnp.where(x > self.threshold, self.t_max * (1.0 - x), jnp.inf)

    def __call__(
        self, x: Float[ArrayLike, "..."], steps: int, dt: float
    ) -> Float[Array, "steps ..."]:
        steps, dt = _steps_dt(steps, dt)
        times = self.times(x)
        step = jnp.where(jnp.isfinite(times), jnp.floor(times / dt), -1).astype(int)
        grid = jnp.arange(steps).reshape((steps,) + (1,) * times.ndim)
        return (grid == step[None]).astype(times.dtype)


def spike_count(spikes: Float[Array, "steps ..."]) -> Float[Array, "..."]:
    """Number of spikes of each unit over the run (sum over the leading step axis).
    Differentiable through surrogate spikes."""
    return jnp.sum(spikes, axis=0)


def membrane_max(v: Float[Array, "times ..."]) -> Float[Array, "..."]:
    """Maximum over time (leading axis) of a membrane potential trace (mV), e.g. of a
    non-spiking readout population recorded with `Monitor(select=...)`."""
    return jnp.max(v, axis=0)


def membrane_last(v: Float[Array, "times ..."]) -> Float[Array, "..."]:
    """Last value (leading axis) of a membrane potential trace (mV)."""
    return v[-1]


def first_spike_time(
    spikes: Float[Array, "steps ..."], dt: float, t0: float = 0.0, t_none: float | None = None
) -> Float[Array, "..."]:
    """Time (ms) of the first spike of each unit; `t_none` (default: the end of the
    run, `t0 + steps * dt`) for units that never fire.

    Step `k` ends at `t_k = t0 + (k + 1) dt`. The result is written as

        T = sum_k t_k s_k prod_{j<k} (1 - s_j) + t_none prod_k (1 - s_k)

    which equals the first spike time for 0/1 spikes and passes surrogate gradients
    (a spike at step `k` moving earlier lowers `T`). For exact spike-time gradients see
    [`brainjax.simulate_exact`][].
    """
    steps = spikes.shape[0]
    t_none = t0 + steps * dt if t_none is None else t_none
    silent_before = jnp.cumprod(1.0 - spikes, axis=0)
    first = spikes * jnp.concatenate([jnp.ones_like(spikes[:1]), silent_before[:-1]], axis=0)
    t_k = (t0 + dt * jnp.arange(1, steps + 1)).reshape((steps,) + (1,) * (spikes.ndim - 1))
    return jnp.sum(first * t_k, axis=0) + t_none * silent_before[-1]


# Deprecated names (one release): name -> (new name, object).
__getattr__ = deprecated_names(
    "brainjax.encoding",
    {
        "Poisson": ("brainjax.encoding.PoissonEncoder", PoissonEncoder),
        "Latency": ("brainjax.encoding.LatencyEncoder", LatencyEncoder),
        "SpikeTrain": ("brainjax.inputs.SpikeTrain", _SpikeTrain),
    },
)
