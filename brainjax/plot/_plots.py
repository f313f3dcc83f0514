"""Matplotlib figures for brainjax results. Headless-safe: nothing is shown, every
function returns the `Axes` it drew on (creating a figure when `ax` is None)."""

from collections.abc import Callable, Mapping
from typing import Any

import jax
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _axes(ax: Axes | None, figsize=(6.0, 3.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _solution(data: Any) -> Any:
    from .._solution import Solution

    return data if isinstance(data, Solution) else None


def _pick(tree: Any, population: str | None, what: str) -> Any:
    """One population of a dict of records (or all of them when `population` is None)."""
    if population is None:
        return tree
    if not isinstance(tree, Mapping) or population not in tree:
        have = sorted(tree) if isinstance(tree, Mapping) else "one population"
        raise ValueError(f"`population={population!r}`: the {what} have {have}.")
    return {population: tree[population]}


def raster(
    spikes: Any,
    dt: float | None = None,
    *,
    population: str | None = None,
    t0: float | None = None,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    markersize: float = 1.5,
) -> Axes:
    """Spike raster of a [`brainjax.Solution`][] (`raster(sol)`, `raster(sol,
    population="E")`) or of a `(steps, n)` spike array / dict of them with the step
    `dt` and start `t0` in ms (`raster(spikes, dt=0.1)`). Populations get one colour
    each, stacked vertically; a spike in step `i` is drawn at `t0 + (i + 1) dt` and the
    time axis runs from `t0`.

    Example: `bj.plot.raster(bj.simulate(bj.neurons.LIF(n=20), t1=100.0, dt=0.1,
    inputs=400.0))`.
    """
    ax = _axes(ax)
    sol = _solution(spikes)
    if sol is not None:
        if dt is not None and dt != sol.dt:
            raise ValueError(f"`dt={dt!r}` differs from the solution's step {sol.dt!r} ms.")
        dt, t0 = sol.dt, float(sol.ts[0]) if t0 is None else t0
        if sol.spikes is None:
            if sol.events is None or isinstance(sol.events, Mapping):
                raise ValueError(
                    "`raster(sol)` needs spikes: simulate with `Monitor(spikes=True)` "
                    "(or `Monitor(events=...)` for one population)."
                )
            times, neurons = sol.raster()
            ax.plot(times, neurons, "|", ms=markersize, color="C0")
            ax.set(xlabel="time (ms)", ylabel="neuron", xlim=(t0, float(sol.ts[-1])))
            return ax
        spikes = sol.spikes
    if dt is None:
        raise ValueError("`raster(spikes, dt=...)` needs the step `dt` (ms) for a spike array.")
    t0 = 0.0 if t0 is None else float(t0)
    groups = _pick(spikes if isinstance(spikes, Mapping) else {"": spikes}, population, "spikes")
    offset, steps_max = 0, 0
    for index, (name, s) in enumerate(groups.items()):
        if np.ndim(s) < 1:
            raise ValueError(f"spikes must be a (steps, n) array, got shape {np.shape(s)}.")
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
        steps_max = max(steps_max, s.shape[0])
    ax.set(
        xlabel="time (ms)",
        ylabel="neuron",
        ylim=(-0.5, offset - 0.5),
        xlim=(t0, t0 + steps_max * dt),
    )
    if len(groups) > 1:
        ax.legend(loc="upper right", markerscale=4)
    return ax


def _select(ys: Any, select: Any) -> Any:
    if select is None:
        return ys
    if callable(select):
        return select(ys)
    if isinstance(select, str):
        if isinstance(ys, Mapping) and select in ys:
            return ys[select]
        fields = getattr(ys, "__dataclass_fields__", {})  # a state Module, not a model
        if select in fields:
            return getattr(ys, select)
        have = sorted(ys) if isinstance(ys, Mapping) else sorted(fields)
        raise ValueError(f"`select={select!r}` is not one of the recorded variables {have}.")
    raise ValueError(f"`select` must be a name or a callable of `sol.ys`, got {select!r}.")


def traces(
    ts: Any,
    ys: Any = None,
    *,
    select: Any = None,
    ax: Axes | None = None,
    labels=None,
    ylabel: str = "",
    xlabel: str = "time (ms)",
) -> Axes:
    """Line plot of variables over time: `traces(sol, select="v")` (a recorded variable
    of a [`brainjax.Solution`][] by name, or `select=lambda ys: ys.v[:, :5]`), or
    `traces(ts, ys)` with `ys` of shape `(len(ts),)` or `(len(ts), k)`; `ts` in ms."""
    ax = _axes(ax)
    sol = _solution(ts)
    if sol is not None:
        if ys is not None:
            raise ValueError("`traces(sol, ...)`: choose variables with `select=`, not `ys`.")
        ts, ys = sol.ts, sol.ys
        ylabel = ylabel or (select if isinstance(select, str) else "")
    ys = _select(ys, select)
    if not isinstance(ys, (np.ndarray, jax.Array, list, tuple)) or isinstance(ys, Mapping):
        raise ValueError(
            "`traces` needs an array of values over time; pick one recorded variable "
            f"with `select=` (got {type(ys).__name__})."
        )
    ts = np.asarray(ts)
    ys = np.asarray(ys)
    if ys.ndim == 0 or ys.shape[0] != len(ts):
        raise ValueError(f"values of shape {ys.shape} do not match {len(ts)} times.")
    ys = ys.reshape(len(ts), -1)
    for k in range(ys.shape[1]):
        ax.plot(ts, ys[:, k], label=None if labels is None else labels[k])
    ax.set(xlabel=xlabel, ylabel=ylabel, xlim=(float(ts[0]), float(ts[-1])))
    if labels is not None:
        ax.legend()
    return ax


def population_rate(
    ts: Any,
    rate: Any = None,
    *,
    population: str | None = None,
    ax: Axes | None = None,
    smooth: int = 1,
) -> Axes:
    """Population rate (Hz) over time, optionally box-smoothed over `smooth` steps:
    `population_rate(sol)` (every population of a [`brainjax.Solution`][], or one with
    `population=`) or `population_rate(ts, rate)`, where `ts` (ms) has one entry per
    rate (step ends) or one more (`sol.ts`, whose first entry `t0` is dropped)."""
    sol, start = _solution(ts), None
    if sol is not None:
        if rate is not None:
            raise ValueError("`population_rate(sol)` computes the rate: pass no `rate`.")
        rate, start = sol.population_rate(), float(sol.ts[0])
        first = jax.tree.leaves(rate)[0]
        ts = start + sol.dt * (np.arange(first.shape[0]) + 1)
    if rate is None:
        raise ValueError("`population_rate(ts, rate)` needs the rate (Hz), or pass a Solution.")
    groups = _pick(rate if isinstance(rate, Mapping) else {"": rate}, population, "rates")
    ts = np.asarray(ts)
    ax = _axes(ax)
    for index, (name, r) in enumerate(groups.items()):
        r = np.asarray(r)
        if r.ndim != 1:
            raise ValueError(f"a population rate must be 1-d (steps,), got shape {r.shape}.")
        if len(ts) == len(r) + 1:
            t = ts[1:]
        elif len(ts) == len(r):
            t = ts
        else:
            raise ValueError(
                f"{len(ts)} times for {len(r)} rates: `ts` needs one entry per rate or one more."
            )
        if smooth > 1:
            r = np.convolve(r, np.ones(smooth) / smooth, mode="same")
        ax.plot(t, r, color=f"C{index}" if len(groups) > 1 else None, label=name or None)
        xlim = (float(ts[0]) if start is None else start, float(ts[-1]))
        ax.set(xlabel="time (ms)", ylabel="rate (Hz)", xlim=xlim)
    if len(groups) > 1:
        ax.legend()
    return ax


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
