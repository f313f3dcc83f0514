"""Matplotlib figures for brainjax results. Headless-safe: nothing is shown, every
function returns the `Axes` it drew on (creating a figure when `ax` is None)."""

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


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
    xlim,
    ylim,
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


def save(ax_or_fig, path) -> None:
    """Save the figure of `ax_or_fig` to `path` and close it."""
    fig = ax_or_fig.figure if isinstance(ax_or_fig, Axes) else ax_or_fig
    fig.savefig(path, dpi=120)
    plt.close(fig)
