"""Matplotlib figures for brainjax results. Headless-safe: nothing is shown, every
function returns the `Axes` it drew on (creating a figure when `ax` is None)."""

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _axes(ax: Axes | None, figsize=(6.0, 3.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def raster(
    spikes,
    dt: float,
    *,
    t0: float = 0.0,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    markersize: float = 1.5,
) -> Axes:
    """Spike raster. `spikes` is a `(steps, n)` array or a dict of them (one colour
    per population, stacked vertically); `dt` and `t0` in ms."""
    ax = _axes(ax)
    groups = spikes if isinstance(spikes, Mapping) else {"": spikes}
    offset = 0
    for index, (name, s) in enumerate(groups.items()):
        s = np.asarray(s).reshape(np.shape(s)[0], -1)
        steps, neurons = np.nonzero(s)
        color = (colors or {}).get(name, f"C{index}")
        ax.plot(
            t0 + (steps + 1) * dt,
            neurons + offset,
            "|",
            ms=markersize,
            color=color,
            label=name or None,
        )
        offset += s.shape[1]
    ax.set(xlabel="time (ms)", ylabel="neuron", ylim=(-0.5, offset - 0.5))
    if len(groups) > 1:
        ax.legend(loc="upper right", markerscale=4)
    return ax


def traces(
    ts, ys, *, ax: Axes | None = None, labels=None, ylabel: str = "", xlabel: str = "time (ms)"
) -> Axes:
    """Line plot of variables over time: `ys` has shape `(len(ts),)` or `(len(ts), k)`."""
    ax = _axes(ax)
    ys = np.asarray(ys).reshape(len(ts), -1)
    for k in range(ys.shape[1]):
        ax.plot(np.asarray(ts), ys[:, k], label=None if labels is None else labels[k])
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if labels is not None:
        ax.legend()
    return ax


def population_rate(ts, rate, *, ax: Axes | None = None, smooth: int = 1) -> Axes:
    """Population rate (Hz) over time, optionally box-smoothed over `smooth` samples."""
    rate = np.asarray(rate)
    if smooth > 1:
        rate = np.convolve(rate, np.ones(smooth) / smooth, mode="same")
    return traces(ts, rate, ax=ax, ylabel="rate (Hz)")


def phase_plane(
    field: Callable[[np.ndarray, np.ndarray], tuple],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    ax: Axes | None = None,
    resolution: int = 201,
    labels=("x", "y"),
    trajectory=None,
    fixed_points=None,
) -> Axes:
    """Phase plane of a 2-d system `field(x, y) -> (dx, dy)` (vectorised over grids):
    streamlines, the two nullclines (dx = 0 solid, dy = 0 dashed), an optional
    trajectory `(xs, ys)` and fixed points `[(x, y), ...]`."""
    ax = _axes(ax, figsize=(4.5, 4.0))
    x, y = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    dx, dy = (np.asarray(d) for d in field(x, y))
    ax.streamplot(x, y, dx, dy, color="0.75", density=0.8, linewidth=0.6)
    ax.contour(x, y, dx, levels=[0.0], colors="C0")
    ax.contour(x, y, dy, levels=[0.0], colors="C1", linestyles="--")
    ax.plot([], [], color="C0", label=f"d{labels[0]}/dt = 0")
    ax.plot([], [], "--", color="C1", label=f"d{labels[1]}/dt = 0")
    if trajectory is not None:
        ax.plot(*(np.asarray(v) for v in trajectory), color="k", lw=1.2, label="trajectory")
    for point in fixed_points or ():
        ax.plot(*point, "o", color="C3", ms=6)
    ax.set(xlabel=labels[0], ylabel=labels[1], xlim=xlim, ylim=ylim)
    ax.legend(loc="upper right", fontsize="small")
    return ax


def save(ax_or_fig: Axes | Figure, path) -> None:
    """Save the figure of `ax_or_fig` to `path` and close it."""
    fig = ax_or_fig.get_figure(root=True) if isinstance(ax_or_fig, Axes) else ax_or_fig
    assert fig is not None  # an Axes always belongs to a figure
    fig.savefig(path, dpi=120)
    plt.close(fig)


def fc_pair(
    simulated,
    empirical,
    *,
    axes=None,
    titles=("simulated FC", "empirical FC"),
    cmap: str = "RdBu_r",
):
    """Two functional-connectivity matrices side by side on one colour scale
    (`[-1, 1]`), the Pearson correlation of their upper triangles in the figure title
    (as [`brainjax.analysis.fc_correlation`][]). Returns the pair of `Axes`."""
    simulated, empirical = np.asarray(simulated), np.asarray(empirical)
    if simulated.ndim != 2 or simulated.shape != empirical.shape:
        raise ValueError(
            f"FC matrices must be square and of the same shape, got {simulated.shape} "
            f"and {empirical.shape}."
        )
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.0, 3.8), layout="constrained")
    upper = np.triu_indices(len(simulated), k=1)
    r = np.corrcoef(simulated[upper], empirical[upper])[0, 1]
    for ax, matrix, title in zip(axes, (simulated, empirical), titles):
        image = ax.imshow(matrix, cmap=cmap, vmin=-1.0, vmax=1.0)
        ax.set(title=title, xlabel="region", ylabel="region")
    axes[0].figure.colorbar(image, ax=list(axes), shrink=0.8, label="correlation")
    axes[0].figure.suptitle(f"FC correlation r = {r:.3f}")
    return axes


def energy_curves(energies, *, ax: Axes | None = None, xlabel: str = "iteration") -> Axes:
    """Energy over relaxation steps: an array `(steps,)` or `(steps, k)` (one curve per
    column, e.g. per pattern), or a dict `{label: array}`."""
    ax = _axes(ax)
    curves = energies if isinstance(energies, Mapping) else {"": energies}
    for index, (name, values) in enumerate(curves.items()):
        values = np.asarray(values).reshape(np.shape(values)[0], -1)
        color = f"C{index}" if len(curves) > 1 else None
        for k in range(values.shape[1]):
            ax.plot(values[:, k], color=color, lw=1.0, label=name if k == 0 and name else None)
    ax.set(xlabel=xlabel, ylabel="energy")
    if len(curves) > 1:
        ax.legend()
    return ax


def training_curves(history, *, ax: Axes | None = None, log: bool | None = None) -> Axes:
    """Loss per step: an array, a [`brainjax.fit.FitResult`][] (its `history`) or a
    dict `{label: array}`. The y axis is logarithmic when every value is positive
    (override with `log`)."""
    ax = _axes(ax)
    curves = history if isinstance(history, Mapping) else {"": history}
    values = []
    for name, curve in curves.items():
        curve = np.asarray(getattr(curve, "history", curve), dtype=float)
        ax.plot(np.arange(1, len(curve) + 1), curve, label=name or None)
        values.append(curve)
    positive = all(np.all(v[np.isfinite(v)] > 0) for v in values)
    if positive if log is None else log:
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="loss")
    if len(curves) > 1:
        ax.legend()
    return ax


def rate_histogram(rates, *, ax: Axes | None = None, bins=30, colors=None) -> Axes:
    """Histogram of firing rates (Hz) across neurons: an array or a dict
    `{population: array}` (one colour each), e.g. `sol.mean_rates()`."""
    ax = _axes(ax)
    groups = rates if isinstance(rates, Mapping) else {"": rates}
    for index, (name, r) in enumerate(groups.items()):
        ax.hist(
            np.ravel(np.asarray(r)),
            bins=bins,
            alpha=0.7 if len(groups) > 1 else 1.0,
            color=(colors or {}).get(name, f"C{index}"),
            label=name or None,
        )
    ax.set(xlabel="rate (Hz)", ylabel="neurons")
    if len(groups) > 1:
        ax.legend()
    return ax
