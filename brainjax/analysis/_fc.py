"""Functional connectivity: the correlation matrix of regional activity and the
goodness of fit of one FC against another."""

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, Scalar


def _upper(matrix: Float[Array, "n n"]) -> Float[Array, " pairs"]:
    rows, cols = jnp.triu_indices(matrix.shape[-1], k=1)
    return matrix[rows, cols]


def _pearson(a: Float[Array, " k"], b: Float[Array, " k"]) -> Scalar:
    a = a - a.mean()
    b = b - b.mean()
    return jnp.sum(a * b) / jnp.sqrt(jnp.sum(a * a) * jnp.sum(b * b))


def functional_connectivity(x: Float[ArrayLike, "time regions"]) -> Float[Array, "regions regions"]:
    """Functional connectivity: the Pearson correlation matrix of the columns of `x`
    (a `(time, regions)` activity or BOLD series).

    `FC_ij = cov(x_i, x_j) / (std(x_i) std(x_j))` over time (Biswal et al., 1995).

    **Example:**

    ```python
    fc = bj.analysis.functional_connectivity(sol.ys.e)  # (regions, regions)
    ```
    """
    x = jnp.asarray(x)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError(f"`x` must have shape (time >= 2, regions >= 2), got {x.shape}.")
    return jnp.corrcoef(x, rowvar=False)


def fc_correlation(fc: Float[ArrayLike, "n n"], target: Float[ArrayLike, "n n"]) -> Scalar:
    """Pearson correlation between the upper triangles (diagonal excluded) of two FC
    matrices: the standard goodness of fit of whole-brain models (Deco et al., 2013).

    **Example:**

    ```python
    r = bj.analysis.fc_correlation(bj.analysis.functional_connectivity(bold), empirical_fc)
    ```
    """
    fc, target = jnp.asarray(fc), jnp.asarray(target)
    if fc.ndim != 2 or fc.shape[0] != fc.shape[1] or fc.shape[0] < 3 or fc.shape != target.shape:
        raise ValueError(
            f"`fc` and `target` must be square matrices of the same shape (n >= 3), "
            f"got {fc.shape} and {target.shape}."
        )
    return _pearson(_upper(fc), _upper(target))
