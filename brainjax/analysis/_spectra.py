"""Power spectra of simulated signals (EEG/LFP proxies, mean-field activity)."""

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_positive


def power_spectrum(
    x: Float[ArrayLike, "time ..."], *, dt: float
) -> tuple[Float[Array, " freqs"], Float[Array, "freqs ..."]]:
    """One-sided power spectral density of `x` along its time axis (Hann-windowed
    periodogram, mean removed; Welch, 1967, with a single segment).

    Returns `(freqs, psd)`: frequencies in Hz (`dt` in ms) and the density in units of
    `x`^2 per Hz, normalised as `scipy.signal.periodogram(x, fs, window="hann")`.

    **Example:**

    ```python
    freqs, psd = bj.analysis.power_spectrum(sol.ys.e, dt=0.1)
    ```
    """
    check_positive("dt", dt)
    x = jnp.asarray(x)
    if x.ndim < 1 or x.shape[0] < 4:
        raise ValueError(f"`x` needs at least 4 time points, got shape {x.shape}.")
    n = x.shape[0]
    fs = 1000.0 / dt
    window = jnp.hanning(n + 1)[:-1]  # periodic Hann, as scipy's "hann"
    window = window.reshape((n,) + (1,) * (x.ndim - 1))
    spectrum = jnp.fft.rfft((x - x.mean(axis=0)) * window, axis=0)
    psd = jnp.abs(spectrum) ** 2 / (fs * jnp.sum(window**2))
    scale = jnp.full((psd.shape[0],), 2.0).at[0].set(1.0)
    if n % 2 == 0:
        scale = scale.at[-1].set(1.0)
    psd = psd * scale.reshape((-1,) + (1,) * (x.ndim - 1))
    return jnp.fft.rfftfreq(n, d=dt / 1000.0), psd
