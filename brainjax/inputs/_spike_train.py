"""`SpikeTrain`: a spike raster (e.g. from `brainjax.encoding`) as an input current."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_nonnegative, check_positive
from ._base import AbstractStatelessInput


class SpikeTrain(AbstractStatelessInput):
    """A spike raster delivered to [`brainjax.simulate`][] as current pulses.

    At the step starting at time `t` (ms) the input is `(s @ weights) / dt` pA, where
    `s = spikes[round((t - t0) / dt)]` (zeros after the raster ends): each spike of
    input `i` delivers the charge `weights[i, j]` (pA ms = fC) to neuron `j` within the
    step, i.e. a voltage jump of `weights[i, j] / C_m` mV. A scalar `weights` sends
    input `i` to neuron `i` (`s * weights / dt`). Gradients flow to `weights` (and to
    `spikes`), so an input layer is trained like any other parameter.

    **Arguments:** `spikes` `(steps, n_in)` of 0./1.; `dt` the raster's step (ms);
    `weights` `(n_in, n)` or a scalar (fC); `t0` the time (ms) of the first row.

    **Learnable delays** (in the spirit of DCLS-delays, Hammouamri, Khalfaoui-Hassani &
    Masquelier 2023): with `delays` (ms, shape of `weights`, clipped to
    `[0, max_delay]`), synapse `(i, j)` delivers `spikes[:, i]` delayed by `d_ij`,
    linearly interpolated between the two neighbouring whole steps:

        I_j(step k) = sum_i w_ij sum_l s_i(k - l) max(0, 1 - |l - d_ij / dt|) / dt

    so the drive, and everything downstream, is differentiable in `d_ij` (piecewise
    linear between grid points); a whole-step delay reproduces the shifted raster
    exactly. `max_delay` (ms, static) bounds the buffer and is required with `delays`.

    **Example:**

    ```python
    raster = bj.encoding.LatencyEncoder(20.0)(image, steps=25, dt=1.0)      # (25, 64)
    drive = bj.inputs.SpikeTrain(raster, dt=1.0, weights=w_in)      # w_in: (64, 100)
    sol = bj.simulate(bj.neurons.LIF(n=100), t1=25.0, dt=1.0, inputs=drive)
    ```
    """

    spikes: Float[Array, "steps n_in"]
    weights: Float[Array, "..."]
    delays: Float[Array, "n_in n"] | None
    dt: float = eqx.field(static=True)
    t0: float = eqx.field(static=True)
    max_lag: int = eqx.field(static=True)

    def __init__(
        self,
        spikes: ArrayLike,
        dt: float,
        weights: ArrayLike = 1.0,
        t0: float = 0.0,
        *,
        delays: ArrayLike | None = None,
        max_delay: float | None = None,
    ):
        spikes = jnp.asarray(spikes, dtype=float)
        weights = jnp.asarray(weights, dtype=float)
        if spikes.ndim != 2:
            raise ValueError(f"`spikes` must have shape (steps, n_in), got {spikes.shape}.")
        if weights.ndim == 2 and weights.shape[0] != spikes.shape[1]:
            raise ValueError(
                f"`weights` must have shape ({spikes.shape[1]}, n) to match `spikes` "
                f"{spikes.shape}, got {weights.shape}."
            )
        if weights.ndim not in (0, 2):
            raise ValueError(f"`weights` must be a scalar or a 2-d array, got {weights.shape}.")
        check_positive("dt", dt)
        self.spikes, self.weights, self.dt, self.t0 = spikes, weights, float(dt), float(t0)
        self.delays, self.max_lag = None, 0
        if delays is not None:
            if max_delay is None:
                raise ValueError("`max_delay` (ms) is required with `delays`.")
            check_nonnegative("delays", delays)
            check_positive("max_delay", max_delay)
            delays = jnp.asarray(delays, dtype=float)
            if weights.ndim != 2 or delays.shape != weights.shape:
                raise ValueError(
                    f"`delays` must have the shape of a 2-d `weights` {weights.shape}, "
                    f"got {delays.shape}."
                )
            self.delays = jnp.clip(delays, 0.0, max_delay)
            self.max_lag = int(np.ceil(max_delay / dt)) + 1

    def value(self, t, state, *, dt=None, key=None):
        index = jnp.round((jnp.asarray(t) - self.t0) / self.dt).astype(int)
        inside = (index >= 0) & (index < self.spikes.shape[0])
        if self.delays is not None:
            return self._delayed(index, self.delays) / self.dt
        s = jnp.where(inside, self.spikes[jnp.clip(index, 0, self.spikes.shape[0] - 1)], 0.0)
        drive = s @ self.weights if self.weights.ndim == 2 else s * self.weights
        return drive / self.dt

    def _delayed(self, index, delays):
        lags = jnp.arange(self.max_lag + 1)
        rows = index - lags  # raster rows seen through lag l = 0 .. max_lag
        inside = (rows >= 0) & (rows < self.spikes.shape[0])
        window = self.spikes[jnp.clip(rows, 0, self.spikes.shape[0] - 1)] * inside[:, None]
        kernel = jnp.maximum(0.0, 1.0 - jnp.abs(lags[:, None, None] - delays / self.dt))
        return jnp.einsum("li,lij,ij->j", window, kernel, self.weights)
