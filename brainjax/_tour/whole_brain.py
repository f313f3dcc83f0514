"""Tour section: Wilson-Cowan whole-brain model on the HCP connectome, vmap sweep of
the FC fit, a gradient fit, a bifurcation diagram and the BOLD response."""

from pathlib import Path

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from .. import analysis, datasets, fit, plot
from .._monitor import Monitor
from .._simulate import simulate
from ..integrators import DelayScan
from ..populations import Balloon, WilsonCowan, WilsonCowanNetwork, WilsonCowanState
from ._registry import Section


def _fc(sc, coupling, noise, p_e, seconds):
    node = WilsonCowan(n=80, p_e=p_e, noise=noise)
    net = WilsonCowanNetwork(sc.weights, coupling=coupling, lengths=sc.lengths, speed=20.0,
                             node=node)  # fmt: skip
    return _fc_of(net, seconds)


def _fc_of(net, seconds):
    monitor = Monitor(every=20, select=lambda y: y.e)
    sol = simulate(net, t1=seconds * 1000.0, dt=0.5, key=jax.random.key(0),
                   integrator=DelayScan(diffrax.Euler()), monitor=monitor)  # fmt: skip
    return analysis.functional_connectivity(sol.ys[100:])  # E activity every 10 ms, 1 s dropped


def run(out: Path, smoke: bool) -> tuple[str, dict]:
    import matplotlib.pyplot as plt

    sc = datasets.load_connectome()
    target = jnp.asarray(sc.fc)
    seconds, size = (3.0, 3) if smoke else (10.0, 6)
    couplings = np.linspace(0.5, 2.5, size)
    noises = np.geomspace(0.005, 0.05, size)
    cc, nn = (g.ravel() for g in np.meshgrid(couplings, noises, indexing="ij"))
    base = WilsonCowanNetwork(sc.weights, coupling=1.0, lengths=sc.lengths, speed=20.0,
                              node=WilsonCowan(n=80, p_e=0.4, noise=jnp.asarray(0.01)))  # fmt: skip

    @eqx.filter_jit  # the network as an argument: a closure constant slows the scan ~4x
    @eqx.filter_vmap(in_axes=(None, 0, 0))
    def score(net, c, s):
        net = eqx.tree_at(lambda m: (m.coupling, m.node.noise), net, (c, s))
        return analysis.fc_correlation(_fc_of(net, seconds), target)

    grid = np.asarray(score(base, jnp.asarray(cc), jnp.asarray(nn))).reshape(size, size)
    best = np.unravel_index(np.argmax(grid), grid.shape)

    # A few gradient steps on (log) coupling and noise, from the best grid point.
    start = (float(couplings[best[0]]), float(noises[best[1]]))
    params = jnp.log(jnp.asarray(start))

    def loss(p, batch):
        return 1 - analysis.fc_correlation(_fc(sc, *jnp.exp(p), p_e=0.4, seconds=seconds), target)

    result = fit.fit(params, loss, optimizer=optax.adam(0.05), steps=2 if smoke else 6,
                     progress=False)  # fmt: skip
    fitted = np.exp(np.asarray(result.model))
    fitted_fc = np.asarray(_fc(sc, *fitted, p_e=0.4, seconds=seconds))
    fitted_r = float(analysis.fc_correlation(fitted_fc, target))

    res = analysis.continuation(
        lambda p: WilsonCowan(p_e=p), jnp.linspace(0.0, 4.0, 81),
        WilsonCowanState(e=jnp.array([0.01]), i=jnp.array([0.01])),
    )  # fmt: skip
    z = np.zeros((3000, 1))
    z[:10] = 1.0
    models = (("Friston 2003", Balloon()), ("Stephan 2007", Balloon.stephan2007()))
    bold = {name: np.asarray(b.bold(z, dt=10.0))[:, 0] for name, b in models}

    fig, axes = plt.subplots(2, 3, figsize=(15, 9), layout="constrained")
    sc_image = axes[0, 0].imshow(np.log10(sc.weights + 1e-4), cmap="magma")
    axes[0, 0].set(title="HCP structural connectivity", xlabel="region", ylabel="region")
    fig.colorbar(sc_image, ax=axes[0, 0], label="log10 weight")
    im = axes[0, 1].pcolormesh(couplings, noises, grid.T, shading="nearest", cmap="viridis")
    axes[0, 1].set_yscale("log")
    axes[0, 1].plot(*fitted, "r*", ms=14, label=f"gradient fit, r = {fitted_r:.2f}")
    axes[0, 1].set(xlabel="global coupling", ylabel="noise (per sqrt(ms))",
                   title=f"FC fit r, vmap over {grid.size} networks")  # fmt: skip
    axes[0, 1].legend()
    fig.colorbar(im, ax=axes[0, 1])
    # Each FC on its own symmetric scale (its largest off-diagonal |r|): the fitted FC
    # of E activity is weak and would look empty on the empirical [-1, 1] scale.
    for ax, fc, title in ((axes[1, 0], fitted_fc, "simulated FC (fitted)"),
                          (axes[1, 1], sc.fc, "empirical FC (HCP BOLD)")):  # fmt: skip
        plot.fc(np.asarray(fc) - np.diag(np.diag(fc)), ax=ax, title=title)
    e = res.states.e[:, 0]
    axes[0, 2].plot(res.values[res.stable], e[res.stable], "k.", label="stable")
    axes[0, 2].plot(res.values[~res.stable], e[~res.stable], "r.", label="unstable")
    for h in res.hopf:
        axes[0, 2].axvline(h, color="C0", ls="--")
    axes[0, 2].set(xlabel="drive p_e", ylabel="fixed point e*",
                   title="WC node: continuation, Hopf points (dashed)")  # fmt: skip
    axes[0, 2].legend()
    t = np.arange(1, 3001) * 0.01
    plot.traces(t, np.stack(list(bold.values()), 1), ax=axes[1, 2], labels=list(bold),
                ylabel="BOLD (fraction)")  # fmt: skip
    axes[1, 2].set(xlabel="time (s)", title="BOLD response to 100 ms of activity")
    plot.save(fig, out / "whole_brain.png")
    peaks = ", ".join(f"{k}: {(np.argmax(v) + 1) * 0.01:.1f} s" for k, v in bold.items())
    body = (
        f"80 Wilson-Cowan nodes on the bundled HCP connectome (delays at 20 m/s, noise as "
        f"an Ito SDE), {seconds:g} s per simulation. One `jax.vmap` evaluates the "
        f"{grid.size}-point coupling x noise grid: best FC correlation "
        f"r = {grid.max():.3f} at coupling {start[0]:.2f}, noise {start[1]:.4f}; "
        f"{result.step} Adam steps of `brainjax.fit.fit` then reach r = {fitted_r:.3f} "
        f"(coupling {fitted[0]:.2f}, noise {fitted[1]:.4f}). FC here is of the E activity; "
        f"see `examples/whole_brain_fit.py` for BOLD FC.\n\n"
        f"Continuation of one node over the drive flags Hopf bifurcations at p_e = "
        f"{', '.join(f'{h:.3f}' for h in res.hopf)} "
        f"({', '.join(f'{f:.0f}' for f in res.hopf_frequency)} Hz). "
        f"BOLD impulse-response peaks: {peaks}.\n\n![whole brain](whole_brain.png)"
    )  # fmt: skip
    return body, {
        "seconds_bio": seconds,
        "grid_best_fc_r": float(grid.max()),
        "fitted_fc_r": float(fitted_r),
        "fitted_coupling": float(fitted[0]),
        "fitted_noise": float(fitted[1]),
    }


SECTION = Section("whole_brain", "Whole-brain models: connectome, FC fitting, BOLD", run)
