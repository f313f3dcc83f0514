"""Losses for neuroscience targets: firing rates, spike trains, FC, power spectra.

Every loss is a pure, differentiable `jax.numpy` function returning a scalar, ready to
be used inside a `loss_fn` handed to [`brainjax.fit.fit`][]. Spike trains are the
dense `(steps, ...)` 0./1. arrays that [`brainjax.simulate`][] records in
`Solution.spikes`; spike `i` lies at time `(i + 1) * dt`.
"""

import jax
import jax.numpy as jnp
import jax.scipy.signal
from jaxtyping import Array, ArrayLike, Float, Scalar

from .._validate import check_positive
from ..analysis._fc import fc_correlation, functional_connectivity
from ..analysis._spectra import power_spectrum

SpikeTrains = Float[ArrayLike, "steps ..."]  # dense 0./1. spikes, as in `Solution.spikes`


def fc_loss(x: Float[ArrayLike, "time regions"], target_fc: Float[ArrayLike, "n n"]) -> Scalar:
    """`1 - r`, with `r` the [`brainjax.analysis.fc_correlation`][] between the FC of the
    simulated series `x` (`(time, regions)`) and the empirical `target_fc`.

    Ranges from 0 (perfect pattern match) to 2. Only the pattern is fitted, not the
    scale: add e.g. a mean-FC term when the overall level matters.

    **Example:**

    ```python
    def loss(model, batch):
        sol = bj.simulate(model, t1=2000.0, dt=0.1, key=key)
        return bj.fit.fc_loss(sol.ys.e[500:], empirical_fc)  # discard the transient
    ```
    """
    return 1.0 - fc_correlation(functional_connectivity(x), target_fc)


def rate_loss(
    spikes: Float[ArrayLike, "steps ..."], target_hz: Float[ArrayLike, "..."], *, dt: float
) -> Scalar:
    """Mean squared error (Hz^2) between the mean firing rates of `spikes` and
    `target_hz` (broadcast against the neuron axes).

    `rate_i = sum_t spikes[t, i] / (steps * dt) * 1000` Hz, with `dt` in ms.

    **Example:**

    ```python
    bj.fit.rate_loss(sol.spikes, 5.0, dt=0.1)  # drive every neuron towards 5 Hz
    ```
    """
    check_positive("dt", dt)
    spikes = jnp.asarray(spikes)
    rates = spikes.mean(axis=0) * 1000.0 / dt
    return jnp.mean((rates - jnp.asarray(target_hz)) ** 2)


def _trains(
    spikes: SpikeTrains, target: SpikeTrains, dt: float, **positive: float
) -> tuple[Array, Array]:
    """Check `dt` and the kernel parameter(s) `positive` (> 0) and that the trains have
    the same shape `(steps, ...)`; return them as arrays."""
    for name, value in {"dt": dt, **positive}.items():
        check_positive(name, value)
    a, b = jnp.asarray(spikes), jnp.asarray(target)
    if a.shape != b.shape or a.ndim < 1:
        raise ValueError(
            f"spike trains must have the same shape (steps, ...), got {a.shape} and {b.shape}."
        )
    return a, b


def van_rossum_loss(spikes: SpikeTrains, target: SpikeTrains, *, dt: float, tau: float) -> Scalar:
    """Squared van Rossum distance between spike trains, summed over neurons.

    Each train is filtered by a causal exponential kernel, `f(t) = sum_i
    exp(-(t - t_i) / tau)` for `t > t_i`, and `D^2 = (1 / tau) * integral of
    (f(t) - g(t))^2 dt` over `[0, infinity)` (van Rossum, 2001). Between the spike
    times the filtered difference decays exactly exponentially, so the integral is
    computed in closed form per step (no discretisation error). One unmatched spike
    costs 1/2; two spikes `delta` ms apart cost `1 - exp(-|delta| / tau)`.
    `dt` and `tau` in ms.

    **Example:**

    ```python
    bj.fit.van_rossum_loss(sol.spikes, target_spikes, dt=0.1, tau=10.0)
    ```
    """
    a, b = _trains(spikes, target, dt, tau=tau)
    decay = jnp.exp(-dt / tau)

    def step(trace, diff):
        trace = trace * decay + diff
        return trace, trace

    last, traces = jax.lax.scan(step, jnp.zeros(a.shape[1:], a.dtype), a - b)
    # integral over one step of (d e^{-s/tau})^2 is d^2 tau/2 (1 - e^{-2 dt/tau});
    # after the last step the difference decays forever: d^2 tau / 2.
    within = jnp.sum(traces[:-1] ** 2) * (1.0 - decay**2) / 2.0
    return within + jnp.sum(last**2) / 2.0


def victor_purpura_loss(spikes: SpikeTrains, target: SpikeTrains, *, dt: float, q: float) -> Scalar:
    """A smooth Victor-Purpura-like spike-train distance, summed over neurons.

    The kernel distance `D = (a - b)^T K (a - b)` with the triangular kernel
    `K(delta) = max(0, 1 - q |delta| / 2)` (`q` in 1/ms). For one spike in each train,
    `delta` ms apart, `D = min(q |delta|, 2)`: shifting costs `q |delta|` and deleting
    plus inserting costs 2, exactly the Victor-Purpura (1996) edit distance with
    unit insertion/deletion cost. It equals Victor-Purpura whenever the spikes of
    different pairs are more than `2 / q` ms apart (Dauwels et al., 2009 discuss this
    family), and unlike the edit distance it is a quadratic (hence smooth) function of
    the spike arrays, so surrogate gradients flow through it.

    **Example:**

    ```python
    bj.fit.victor_purpura_loss(sol.spikes, target_spikes, dt=0.1, q=0.2)  # 1/ms
    ```
    """
    a, b = _trains(spikes, target, dt, q=q)
    steps = a.shape[0]
    d = (a - b).reshape(steps, -1)
    half_width = min(int(2.0 / (q * dt)), steps - 1)
    lags = jnp.arange(-half_width, half_width + 1) * dt
    kernel = jnp.maximum(0.0, 1.0 - q * jnp.abs(lags) / 2.0)
    smoothed = jax.vmap(
        lambda x: jax.scipy.signal.convolve(x, kernel, mode="same"), in_axes=1, out_axes=1
    )(d)
    return jnp.sum(d * smoothed)


def spectrum_loss(
    x: Float[ArrayLike, "time ..."],
    target_psd: Float[ArrayLike, "freqs ..."],
    *,
    dt: float,
    eps: float = 1e-12,
) -> Scalar:
    """Mean squared difference of log10 power spectra: `mean((log10(P_x + eps) -
    log10(P_target + eps))^2)`, with `P_x` from [`brainjax.analysis.power_spectrum`][]
    (so `target_psd` must be on the same frequency grid: same length and `dt`).
    Log power weighs the spectrum's shape across decades rather than its peak only.

    **Example:**

    ```python
    _, target = bj.analysis.power_spectrum(recorded_lfp, dt=0.1)
    bj.fit.spectrum_loss(sol.ys.e, target, dt=0.1)
    ```
    """
    _, psd = power_spectrum(x, dt=dt)
    target_psd = jnp.asarray(target_psd)
    if psd.shape != target_psd.shape:
        raise ValueError(
            f"`target_psd` must have the shape of the spectrum of `x`, {psd.shape}, "
            f"got {target_psd.shape}."
        )
    return jnp.mean((jnp.log10(psd + eps) - jnp.log10(target_psd + eps)) ** 2)
