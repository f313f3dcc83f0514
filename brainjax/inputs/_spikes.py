"""Spike-train inputs delivered as current pulses: Poisson trains and given spike times."""

from collections.abc import Callable
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_count, check_finite, check_nonnegative, check_shape, runtime_check
from ._base import AbstractStatelessInput


class PoissonSpikes(AbstractStatelessInput):
    """Independent Poisson spike trains delivered as current pulses.

    Each of the `n` trains fires at `rate` Hz (a scalar, an `(n,)` array, or a
    function of `t` in ms returning either). In a step of length `dt` ms, train `i`
    fires `k_i ~ Poisson(rate * dt / 1000)` spikes, and the input is the current
    `weight * k_i / dt` pA: each spike delivers the charge `weight` (pA ms = fC) within
    the step, i.e. a voltage jump of `weight / C_m` mV in a neuron of capacitance
    `C_m` pF. Stochastic: only available to the fixed-step (spiking) path.
    """

    rate: Any
    n: int = eqx.field(static=True)
    weight: float = 1.0
    stochastic: ClassVar[bool] = True

    def __init__(self, rate: ArrayLike | Callable[[Any], ArrayLike], n: int, weight: float = 1.0):
        if not callable(rate):
            check_nonnegative("rate", rate)
            rate = jnp.asarray(rate, dtype=float)
        check_finite("weight", weight)
        self.rate, self.n, self.weight = rate, check_count("n", n), weight

    def value(self, t, state, *, dt=None, key=None):
        if dt is None or key is None:
            raise ValueError("`PoissonSpikes` needs `dt` and `key` (fixed-step simulation).")
        rate: Any = self.rate(t) if callable(self.rate) else self.rate
        if callable(self.rate):  # a rate function is checked at every step
            rate = jnp.asarray(rate, dtype=float)
            bad = ~(jnp.isfinite(rate) & (rate >= 0))
            rate = runtime_check(rate, bad, "PoissonSpikes: `rate(t)` must be >= 0 Hz and finite")
        counts = jax.random.poisson(key, jnp.broadcast_to(rate * dt / 1000.0, (self.n,)))
        return self.weight * counts / dt


class SpikeTimes(AbstractStatelessInput):
    """Spike trains given as lists of times, delivered as current pulses.

    Neuron `indices[k]` receives a spike at `times[k]` (ms). Like
    [`brainjax.inputs.PoissonSpikes`][], the spikes falling in the step `[t, t + dt)`
    are delivered as the current `weight * count / dt` pA over that step: each spike
    carries the charge `weight` (pA ms), a jump of `weight / C_m` mV in a neuron of
    capacitance `C_m` pF. A time within 0.1 % of `dt` below a step boundary counts as
    on the boundary (float32 round-off of `t0 + k dt`). Deterministic; the work per
    step is proportional to the largest number of spikes in any `dt` window (for
    `dt <= 5` ms), not to the length of the lists. Fixed-step (spiking) path only.

    **Arguments:** `times` (ms, finite), `indices` (integers in `[0, n)`, same length),
    `n` (number of trains), `weight` (pA ms, scalar or `(n,)`).

    **Example:**

    ```python
    stim = bj.inputs.SpikeTimes(times=[10.0, 10.0, 25.0], indices=[0, 1, 0], n=2,
                                weight=500.0)
    ```
    """

    times: Float[Array, " k"]
    indices: Array
    n: int = eqx.field(static=True)
    weight: Float[Array, "..."]
    # _spans[j - 1]: the shortest time (ms) spanned by j + 1 consecutive spikes, up to the
    # first span >= _SPAN_CAP; it sizes the per-step window statically for any dt.
    _spans: tuple[float, ...] = eqx.field(static=True)
    _SPAN_CAP: ClassVar[float] = 5.0

    def __init__(self, times: ArrayLike, indices: ArrayLike, n: int, weight: ArrayLike = 1.0):
        self.n = check_count("n", n)
        times_np, indices_np = np.asarray(times, dtype=float), np.asarray(indices)
        if times_np.ndim != 1 or times_np.shape != indices_np.shape:
            raise ValueError(
                f"`times` and `indices` must be 1-d arrays of the same length, got shapes "
                f"{times_np.shape} and {indices_np.shape}."
            )
        check_finite("times", times_np)
        if len(indices_np) and (
            not np.issubdtype(indices_np.dtype, np.integer)
            or indices_np.min() < 0
            or indices_np.max() >= n
        ):
            raise ValueError(f"`indices` must be integers in [0, {n}), got {indices_np!r}.")
        check_shape("weight", weight, n)
        check_finite("weight", weight)
        order = np.argsort(times_np, kind="stable")
        times_np, indices_np = times_np[order], indices_np[order]
        spans = []
        for j in range(1, len(times_np)):
            spans.append(float(np.min(times_np[j:] - times_np[:-j])))
            if spans[-1] >= self._SPAN_CAP:
                break
        self._spans = tuple(spans)
        # One +inf sentinel: a search past the last spike finds a time that never arrives.
        self.times = jnp.asarray(np.append(times_np, np.inf))
        self.indices = jnp.asarray(np.append(indices_np, 0).astype(np.int32))
        self.weight = jnp.asarray(weight, dtype=float)

    def value(self, t, state, *, dt=None, key=None):
        if dt is None:
            raise ValueError("`SpikeTimes` needs `dt` (fixed-step simulation).")
        if dt <= self._SPAN_CAP:
            # Spans a hair over dt may still fit one float32 window: over-size slightly.
            window = 1 + int(np.searchsorted(self._spans, 1.01 * dt, side="right"))
        else:
            window = len(self.times)
        start = t - 1e-3 * dt
        first = jnp.searchsorted(self.times, start, side="left")
        pad = jnp.full((window,), jnp.inf)
        times = jax.lax.dynamic_slice(jnp.concatenate([self.times, pad]), (first,), (window,))
        indices = jax.lax.dynamic_slice(
            jnp.concatenate([self.indices, jnp.zeros((window,), jnp.int32)]), (first,), (window,)
        )
        arrived = (times >= start) & (times < start + dt)
        counts = jnp.zeros(self.n).at[indices].add(arrived.astype(float))
        return self.weight * counts / dt
