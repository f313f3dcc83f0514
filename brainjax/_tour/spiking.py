"""Tour section: the Vogels-Abbott COBA network (Brette et al. 2007 benchmark 1) with
sparse event-driven projections: raster, population rate, rate histogram."""

from pathlib import Path
from typing import TypedDict

import jax
import numpy as np

from .. import connect, neurons, plot, synapses
from .._monitor import Monitor
from .._simulate import simulate
from ..network import Network, Projection
from ._registry import Section


class _Cell(TypedDict):
    """The LIF parameters shared by E and I (ms, pF, mV)."""

    tau_m: float
    c_m: float
    v_rest: float
    v_reset: float
    v_th: float
    t_ref: float


def run(out: Path, smoke: bool) -> tuple[str, dict]:
    n, t1, dt = (1000, 200.0, 0.1) if smoke else (4000, 1000.0, 0.1)
    p = 80.0 / n  # in-degree 80, as the 4000-neuron benchmark (p = 0.02)
    n_e = int(0.8 * n)
    key_v, *keys = jax.random.split(jax.random.key(0), 5)
    v0 = -55.0 + 5.0 * jax.random.normal(key_v, (n,))
    cell = _Cell(tau_m=20.0, c_m=200.0, v_rest=-60.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0)
    exc = synapses.Exponential(tau=5.0, output=synapses.COBA(e_rev=0.0))
    inh = synapses.Exponential(tau=10.0, output=synapses.COBA(e_rev=-80.0))
    net = Network(
        {
            "E": neurons.LIF(n=n_e, v_init=v0[:n_e], **cell),
            "I": neurons.LIF(n=n - n_e, v_init=v0[n_e:], **cell),
        },
        [
            Projection(pre, post, connect.FixedProb(p, weight=w), syn, key=k)
            for (pre, post, w, syn), k in zip(
                [
                    ("E", "E", 6.0, exc),
                    ("E", "I", 6.0, exc),
                    ("I", "E", 67.0, inh),
                    ("I", "I", 67.0, inh),
                ],
                keys,
            )
        ],  # fmt: skip
    )
    sol = simulate(
        net,
        t1=t1,
        dt=dt,
        inputs={"E": 200.0, "I": 200.0},  # pA: 20 mV x g_L
        monitor=Monitor(every=int(round(t1 / dt)), select=lambda y: None),
        progress=True,
    )
    per_neuron = {name: np.asarray(r) for name, r in sol.mean_rates().items()}
    rates = {name: float(r.mean()) for name, r in per_neuron.items()}

    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 1, figsize=(7, 8), layout="constrained")
    spikes = sol.spikes
    assert spikes is not None  # the default monitor records spikes
    shown = {"E": spikes["E"][:, :200], "I": spikes["I"][:, :50]}
    plot.raster(shown, sol.dt, ax=axes[0])
    axes[0].set_title(f"COBA network: {n_e} E + {n - n_e} I LIF, p = {p:g} (200 E + 50 I shown)")
    plot.population_rate(sol, ax=axes[1], smooth=20)  # one line per population, from t0
    axes[1].set_title("population rate (2 ms box filter)")
    axes[1].legend()
    bins = np.linspace(0.0, max(float(r.max()) for r in per_neuron.values()) + 1.0, 30)
    for name, r in per_neuron.items():
        axes[2].hist(r, bins=bins, alpha=0.6, density=True, label=name)
    axes[2].set(xlabel="firing rate (Hz)", ylabel="fraction of neurons (1/Hz)")
    axes[2].legend()
    plot.save(fig, out / "spiking_coba.png")
    body = (
        f"The Vogels-Abbott COBA benchmark network (Brette et al. 2007): {n_e} excitatory "
        f"+ {n - n_e} inhibitory LIF neurons, random connectivity p = {p:g} (in-degree 80) "
        "propagated event-driven, exponential conductance synapses (6 nS / 67 nS, "
        f"E_rev 0 / -80 mV), 200 pA drive, {t1:.0f} ms at dt = {dt} ms (Euler).\n\n"
        f"Mean rates: E {rates['E']:.1f} Hz, I {rates['I']:.1f} Hz (Brian2 on the "
        "4000-neuron network: 22.2 Hz and 21.7 Hz, `tests/data/brian2_rates.json`).\n\n"
        "![COBA raster, population rate and rate histogram](spiking_coba.png)"
    )
    return body, {"n": n, "t1_ms": t1, "rate_E_hz": rates["E"], "rate_I_hz": rates["I"]}


SECTION = Section("spiking", "Spiking network (COBA benchmark)", run)
