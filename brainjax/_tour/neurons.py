"""Tour section: the neuron zoo, one voltage trace per model and preset for a step
current."""

import dataclasses
from pathlib import Path

import numpy as np

from .. import inputs, neurons, plot
from .._monitor import Monitor
from .._simulate import simulate
from ..neurons._adex import _NAUD_2008
from ._registry import Section

_IZHIKEVICH = [
    "regular_spiking",
    "intrinsically_bursting",
    "chattering",
    "fast_spiking",
    "low_threshold_spiking",
    "thalamo_cortical",
]


def _population(cls, presets):
    """One vectorised population holding several presets (per-neuron parameters)."""
    cells = [getattr(cls, name)(n=1) for name in presets]
    fields = [f.name for f in dataclasses.fields(cls) if f.name not in ("n", "surrogate", "v_init")]
    params = {f: np.array([float(getattr(c, f)) for c in cells]) for f in fields}
    return cls(n=len(cells), **params)


def _run(model, amplitude, t1, dt, start, draw_spikes=True):
    """Trace of `v` for a step current from `start` to the end, with each spike drawn
    as a line to +30 mV where a reset hides it in the recorded state."""
    sol = simulate(
        model,
        t1=t1,
        dt=dt,
        inputs=inputs.Step(amplitude, start=start),
        monitor=Monitor(select=lambda y: y.v),
    )
    v = np.array(sol.ys)
    spikes = np.asarray(sol.spikes) > 0
    if draw_spikes:
        v[1:][spikes] = 30.0
    return np.asarray(sol.ts), v, spikes.sum(axis=0)


def run(out: Path, smoke: bool) -> str:
    import matplotlib.pyplot as plt

    t1 = 200.0 if smoke else 500.0
    start = 20.0
    panels = []  # (title, ts, v, spike count, input label)
    for name, model, amp, dt, unit in [
        ("LIF", neurons.LIF(n=1), 400.0, 0.05, "pA"),
        ("ExpIF", neurons.ExpIF(n=1), 400.0, 0.05, "pA"),
        ("HH squid", neurons.HodgkinHuxley(n=1), 2000.0, 0.01, "pA"),
        (
            "HH Traub-Miles (fires without input)",
            neurons.HodgkinHuxley.traub_miles(n=1),
            500.0,
            0.01,
            "pA",
        ),
    ]:
        ts, v, count = _run(model, amp, t1, dt, start, draw_spikes=not name.startswith("HH"))
        panels.append((name, ts, v[:, 0], int(count[0]), f"{amp:g} {unit}"))
    adex_names = list(_NAUD_2008)
    adex = _population(neurons.AdEx, adex_names)
    currents = np.array([neurons.AdEx.PRESET_CURRENTS[k] for k in adex_names])
    ts, v, count = _run(adex, currents, t1, 0.05, start)
    for k, name in enumerate(adex_names):
        panels.append((f"AdEx {name}", ts, v[:, k], int(count[k]), f"{currents[k]:g} pA"))
    izh = _population(neurons.Izhikevich, _IZHIKEVICH)
    ts, v, count = _run(izh, 10.0, t1, 0.05, start)
    for k, name in enumerate(_IZHIKEVICH):
        panels.append((f"Izhikevich {name}", ts, v[:, k], int(count[k]), "10 (model units)"))

    columns = 3
    rows = -(-len(panels) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(12, 1.7 * rows), sharex=True, layout="constrained"
    )
    for ax, (title, ts, v, _, _) in zip(axes.flat, panels):
        ax.plot(ts, v, lw=0.7)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(panels) :]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("t (ms)")
    for ax in axes[:, 0]:
        ax.set_ylabel("v (mV)")
    fig.suptitle(f"Neuron zoo: step current from {start:g} ms (reset spikes drawn to +30 mV)")
    plot.save(fig, out / "neuron_zoo.png")
    lines = [f"| model / preset | step input | spikes in {t1:g} ms |", "|---|---|---|"]
    lines += [f"| {title} | {label} | {count} |" for title, _, _, count, label in panels]
    return (
        "Every neuron model of `brainjax.neurons` and its published presets (Naud et al. "
        "2008 for AdEx with their step currents, Izhikevich 2003), Euler steps of 0.05 ms "
        "(0.01 ms for Hodgkin-Huxley).\n\n" + "\n".join(lines) + "\n\n![neuron zoo](neuron_zoo.png)"
    )


SECTION = Section("neurons", "Neuron zoo", run)
