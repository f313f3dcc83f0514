"""Tour section: a small recurrent LIF network with exponential current synapses."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from .. import inputs, neurons, plot, synapses
from .._network import Network, Projection
from .._simulate import Monitor, simulate
from ._registry import Section


def run(out: Path, smoke: bool) -> str:
    n_e, n_i = (80, 20) if smoke else (400, 100)
    t1 = 200.0 if smoke else 1000.0
    key_e, key_i, key_sim = jax.random.split(jax.random.key(0), 3)
    p = 0.1
    # Weights in pA: jumps of the exponential synaptic current per presynaptic spike.
    w_e = 30.0 * jax.random.bernoulli(key_e, p, (n_e, n_e + n_i))
    w_i = -120.0 * jax.random.bernoulli(key_i, p, (n_i, n_e + n_i))
    net = Network(
        {"E": neurons.LIF(n=n_e), "I": neurons.LIF(n=n_i, tau_m=5.0)},
        [
            Projection("E", "E", w_e[:, :n_e], synapses.Exponential(tau=5.0)),
            Projection("E", "I", w_e[:, n_e:], synapses.Exponential(tau=5.0)),
            Projection("I", "E", w_i[:, :n_e], synapses.Exponential(tau=10.0)),
            Projection("I", "I", w_i[:, n_e:], synapses.Exponential(tau=10.0)),
        ],
    )
    drive = {
        name: inputs.PoissonSpikes(rate=2000.0, n=pop.n, weight=200.0)
        for name, pop in net.populations.items()
    }
    sol = simulate(
        net,
        t1=t1,
        dt=0.1,
        key=key_sim,
        inputs=drive,
        monitor=Monitor(every=10, select=lambda y: y.neurons["E"].v[:3]),
        progress=True,
    )
    rates = {name: float(np.mean(r)) for name, r in sol.mean_rates().items()}

    import matplotlib.pyplot as plt

    fig, (ax_raster, ax_rate, ax_v) = plt.subplots(
        3, 1, figsize=(7, 7), sharex=True, layout="constrained"
    )
    plot.raster(sol.spikes, sol.dt, ax=ax_raster)
    ax_raster.set_title(f"LIF network: {n_e} E + {n_i} I, Poisson drive")
    steps = np.arange(1, len(sol.spikes["E"]) + 1) * sol.dt
    plot.population_rate(steps, sol.population_rate()["E"], ax=ax_rate, smooth=50)
    plot.traces(sol.ts, sol.ys, ax=ax_v, ylabel="v (mV), 3 E cells")
    plot.save(fig, out / "spiking_raster.png")
    total_spikes = int(sum(jnp.sum(s) for s in sol.spikes.values()))
    return (
        f"{n_e} excitatory + {n_i} inhibitory LIF neurons, p = {p} random dense "
        f"projections with exponential current synapses, independent Poisson drive "
        f"(2 kHz, 200 fC per spike), {t1:.0f} ms at dt = 0.1 ms (Euler).\n\n"
        f"Mean rates: E {rates['E']:.1f} Hz, I {rates['I']:.1f} Hz; {total_spikes} spikes.\n\n"
        "![raster](spiking_raster.png)"
    )


SECTION = Section("spiking", "Spiking network (LIF)", run)
