"""Functional connectivity dynamics (FCD): how FC changes across sliding windows."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_count
from ._fc import functional_connectivity


def fcd(
    x: Float[ArrayLike, "time regions"], window: int, step: int = 1
) -> Float[Array, "windows windows"]:
    """Functional connectivity dynamics: the Pearson correlation between the upper
    triangles of the FC matrices of sliding windows (Hansen et al. 2015; Deco et al.
    2017).

    Windows of `window` samples start every `step` samples; FC of each window as
    [`brainjax.analysis.functional_connectivity`][]. Returns a `(windows, windows)` matrix
    with ones on the diagonal. For BOLD sampled every 2 s, `window=30, step=5` gives
    the usual 60 s windows every 10 s.

    **Example:** `m = bj.analysis.fcd(bold, window=30, step=5)`.
    """
    x = jnp.asarray(x)
    check_count("window", window)
    check_count("step", step)
    if x.ndim != 2 or x.shape[1] < 3 or not 2 <= window <= x.shape[0]:
        raise ValueError(
            f"`x` must have shape (time >= window, regions >= 3) with window >= 2; got "
            f"shape {x.shape} and window = {window}."
        )
    starts = jnp.arange(0, x.shape[0] - window + 1, step)
    rows, cols = jnp.triu_indices(x.shape[1], k=1)

    def upper_fc(start):
        return functional_connectivity(jax.lax.dynamic_slice_in_dim(x, start, window))[rows, cols]

    return jnp.corrcoef(jax.vmap(upper_fc)(starts))
