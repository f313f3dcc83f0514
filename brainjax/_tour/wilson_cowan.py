"""Tour section: one Wilson-Cowan E/I node, a stable state and a limit cycle."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from .. import analysis, plot
from .._simulate import simulate
from ..populations import WilsonCowan, WilsonCowanState
from ._registry import Section


def run(out: Path, smoke: bool) -> str:
    import matplotlib.pyplot as plt

    t1 = 200.0 if smoke else 500.0
    fig, axes = plt.subplots(2, 2, figsize=(9, 7), layout="constrained")
    lines = [
        "| drive p_e | fixed point (e, i) | eigenvalues (1/ms) | regime | e range, last 100 ms |",
        "|---|---|---|---|---|",
    ]
    for column, p_e in enumerate((0.0, 1.0)):
        wc = WilsonCowan(p_e=p_e)
        sol = simulate(wc, t1=t1, dt=0.1, progress=True)
        noisy = simulate(WilsonCowan(p_e=p_e, noise=0.02), t1=t1, dt=0.1, key=jax.random.key(1))
        guess = WilsonCowanState(e=jnp.array([0.1]), i=jnp.array([0.1]))
        fp = analysis.fixed_point(wc, guess)
        eig = np.asarray(analysis.eigenvalues(wc, fp))
        regime = (
            "stable fixed point" if np.all(np.real(eig) < 0) else "limit cycle (unstable focus)"
        )
        late = np.asarray(sol.ys.e[-1000:, 0])
        lines.append(
            f"| {p_e} | ({float(fp.e[0]):.4f}, {float(fp.i[0]):.4f}) | "
            f"{', '.join(f'{z:.3f}' for z in eig)} | {regime} | "
            f"{late.min():.3f} to {late.max():.3f} |"
        )

        def field(e, i, wc=wc):
            d = wc.vector_field(0.0, WilsonCowanState(e=jnp.asarray(e), i=jnp.asarray(i)), None)
            return d.e, d.i

        plot.phase_plane(
            field,
            (0.0, 0.6),
            (0.0, 0.6),
            ax=axes[0, column],
            labels=("e", "i"),
            trajectory=(sol.ys.e[:, 0], sol.ys.i[:, 0]),
            fixed_points=[(float(fp.e[0]), float(fp.i[0]))],
        )
        axes[0, column].set_title(f"p_e = {p_e}: {regime}")
        plot.traces(
            sol.ts,
            np.stack([sol.ys.e[:, 0], sol.ys.i[:, 0], noisy.ys.e[:, 0]], 1),
            ax=axes[1, column],
            labels=["e", "i", "e with noise (sigma = 0.02)"],
            ylabel="activity",
        )
    plot.save(fig, out / "wilson_cowan.png")
    return (
        "A Wilson-Cowan E/I node (neurolib parameters), Heun steps of 0.1 ms; fixed points "
        "by optimistix Newton root finding on `vector_field`, stability from the Jacobian "
        "eigenvalues; the noisy run is an Ito SDE through a Diffrax Brownian tree.\n\n"
        + "\n".join(lines)
        + "\n\n![Wilson-Cowan](wilson_cowan.png)"
    )


SECTION = Section("wilson_cowan", "Wilson-Cowan neural mass", run)
