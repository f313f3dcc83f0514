"""Functional-connectivity matrices: one (`fc`) or a simulated / empirical pair
(`fc_pair`), each with its colour bar and region labels."""

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ._plots import _select, _solution


def _matrix(data: Any, select: Any) -> np.ndarray:
    """An FC matrix: given (square), or computed from a Solution's `(time, regions)`
    activity (`select` picks it from `sol.ys`)."""
    sol = _solution(data)
    if sol is not None:
        from ..analysis import functional_connectivity

        x = np.asarray(_select(sol.ys, select))
        if x.ndim != 2:
            raise ValueError(
                f"`fc(sol)` needs a (time, regions) activity, got shape {x.shape}: "
                "pick it with `select=` (e.g. `select=lambda ys: ys.e`)."
            )
        return np.asarray(functional_connectivity(x))
    matrix = np.asarray(data, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"an FC matrix must be square, got shape {matrix.shape}.")
    return matrix


def _scale(matrix: np.ndarray) -> float:
    """A symmetric colour limit that shows the off-diagonal correlations (at most 1)."""
    off = matrix[~np.eye(len(matrix), dtype=bool)]
    top = float(np.nanmax(np.abs(off))) if off.size else 1.0
    return min(1.0, top) if top > 0 else 1.0


def _draw(ax: Axes, matrix, title, vmax, cmap, labels: Sequence[str] | None) -> None:
    image = ax.imshow(matrix, cmap=cmap, vmin=-vmax, vmax=vmax)
    ax.set(title=title, xlabel="region", ylabel="region")
    if labels is not None:
        if len(labels) != len(matrix):
            raise ValueError(f"{len(labels)} labels for {len(matrix)} regions.")
        ticks = np.arange(len(matrix))
        ax.set_xticks(ticks, labels, rotation=90, fontsize="xx-small")
        ax.set_yticks(ticks, labels, fontsize="xx-small")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="correlation")


def fc(
    data: Any,
    *,
    select: Any = None,
    ax: Axes | None = None,
    title: str = "FC",
    vmax: float | None = None,
    labels: Sequence[str] | None = None,
    cmap: str = "RdBu_r",
) -> Axes:
    """A functional-connectivity matrix with its colour bar: `fc(matrix)` or `fc(sol)`
    (the Pearson correlation of the activity over time of a [`brainjax.Solution`][];
    `select` picks the `(time, regions)` variable of `sol.ys` by name or callable).
    The colour scale is symmetric, `[-vmax, vmax]`; by default it spans the largest
    off-diagonal |correlation| (at most 1), so weak FC stays visible. `labels` names
    the regions on both axes.

    Example: `bj.plot.fc(sol, select=lambda ys: ys.e)`.
    """
    matrix = _matrix(data, select)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.8), layout="constrained")
    _draw(ax, matrix, title, _scale(matrix) if vmax is None else vmax, cmap, labels)
    return ax


def fc_pair(
    simulated: Any,
    empirical: Any,
    *,
    select: Any = None,
    axes=None,
    titles=("simulated FC", "empirical FC"),
    labels: Sequence[str] | None = None,
    cmap: str = "RdBu_r",
    shared_scale: bool = True,
):
    """Two functional-connectivity matrices side by side (each with its colour bar), the
    Pearson correlation of their upper triangles in the figure title (as
    [`brainjax.analysis.fc_correlation`][]). Each may be a matrix or a Solution (see
    [`brainjax.plot.fc`][]). With `shared_scale` both use `[-1, 1]`; without it each
    spans its own off-diagonal range (a weak simulated FC stays readable). Returns the
    pair of `Axes`."""
    simulated, empirical = _matrix(simulated, select), _matrix(empirical, select)
    if simulated.shape != empirical.shape:
        raise ValueError(
            f"FC matrices must be square and of the same shape, got {simulated.shape} "
            f"and {empirical.shape}."
        )
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.0, 3.8), layout="constrained")
    upper = np.triu_indices(len(simulated), k=1)
    r = np.corrcoef(simulated[upper], empirical[upper])[0, 1]
    for ax, matrix, title in zip(axes, (simulated, empirical), titles):
        vmax = 1.0 if shared_scale else _scale(matrix)
        _draw(ax, matrix, title, vmax, cmap, labels)
    axes[0].figure.suptitle(f"FC correlation r = {r:.3f}")
    return axes
