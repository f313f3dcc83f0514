"""Tour section: associative memories (classical, dense and modern Hopfield networks)."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from .. import datasets, memory, plot
from .._relax import Asynchronous, Synchronous, relax
from ._registry import Section


@jax.jit
def _retrieve(net, method, queries, key):
    keys = jax.random.split(key, len(queries))
    run = lambda q, k: relax(net, q, method=method, key=k, max_steps=50)
    return jax.vmap(run)(queries, keys)


def _flip(x, fraction, key):
    return x * jnp.where(jax.random.bernoulli(key, fraction, x.shape), -1.0, 1.0)


def run(out: Path, smoke: bool) -> str:
    import matplotlib.pyplot as plt

    key = jax.random.key(0)
    images, labels = datasets.load_digits("all")
    picks = [int(np.flatnonzero(labels == c)[0]) for c in range(10)]
    digits = jnp.where(images[picks] > 0.4, 1.0, -1.0)  # 10 patterns, N = 64
    queries = _flip(digits, 0.15, key)
    nets = {
        "Hopfield, Hebb": (memory.ClassicalHopfield(digits), Asynchronous()),
        "Hopfield, pseudo-inverse": (
            memory.ClassicalHopfield(digits, rule=memory.PseudoInverse()),
            Asynchronous(),
        ),
        "dense AM, exp": (
            memory.DenseAssociativeMemory(digits, interaction=memory.ExponentialInteraction()),
            Synchronous(),
        ),
        "modern, beta = 0.5": (memory.ModernHopfield(digits, beta=0.5), Synchronous()),
    }
    fig, axes = plt.subplots(2, 5, figsize=(10, 3.8), layout="constrained")
    axes[0, 0].imshow(digits[3].reshape(8, 8), cmap="gray")
    axes[0, 0].set_title("stored", fontsize=8)
    axes[1, 0].imshow(queries[3].reshape(8, 8), cmap="gray")
    axes[1, 0].set_title("query (15 % flipped)", fontsize=8)
    rows = [
        "| model | exact retrievals (10 digits, 15 % flipped pixels) | mean steps |",
        "|---|---|---|",
    ]
    for col, (name, (net, method)) in enumerate(nets.items(), start=1):
        res = _retrieve(net, method, queries, key)
        x = jnp.sign(res.x)
        rows.append(
            f"| {name} | {float(jnp.mean(jnp.all(x == digits, axis=1))):.0%} | "
            f"{float(jnp.mean(res.num_steps)):.1f} |"
        )
        axes[0, col].imshow(res.x[3].reshape(8, 8), cmap="gray")
        axes[0, col].set_title(name, fontsize=8)
        steps = int(res.num_steps[3])
        axes[1, col].plot(np.asarray(res.energies[3, : steps + 1]), "o-", ms=3)
        axes[1, col].set_title("energy per step", fontsize=8)
    for ax in [*axes[0], axes[1, 0]]:
        ax.set_xticks([])
        ax.set_yticks([])
    plot.save(fig, out / "memory_digits.png")

    n = 200 if smoke else 1000
    alphas = [0.05, 0.1, 0.14, 0.2] if smoke else [0.05, 0.08, 0.1, 0.12, 0.14, 0.16, 0.2, 0.25]
    n_query = 8 if smoke else 32
    overlaps = []
    for alpha in alphas:
        k_pat, k_flip, k_run = jax.random.split(jax.random.fold_in(key, int(1000 * alpha)), 3)
        xi = jnp.where(jax.random.bernoulli(k_pat, 0.5, (int(alpha * n), n)), 1.0, -1.0)
        res = _retrieve(
            memory.ClassicalHopfield(xi), Asynchronous(), _flip(xi[:n_query], 0.1, k_flip), k_run
        )
        overlaps.append(float(jnp.mean(res.x * xi[:n_query])))
    fig, (ax_cap, ax_beta) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    ax_cap.plot(alphas, overlaps, "o-")
    ax_cap.axvline(0.138, color="k", ls="--", lw=0.8, label="alpha_c = 0.138 (Amit et al. 1985)")
    ax_cap.set(xlabel="load P/N", ylabel="overlap", title=f"Hebbian capacity, N = {n}")
    ax_cap.legend(fontsize=8)

    # The three regimes of the modern Hopfield fixed points (Ramsauer et al. 2020).
    centres = 3.0 * jax.random.normal(key, (3, 64)) / 8.0
    x = jnp.repeat(centres, 4, axis=0) + 0.3 * jax.random.normal(jax.random.key(1), (12, 64)) / 8
    x = 3.0 * x / jnp.linalg.norm(x, axis=1, keepdims=True)
    for beta in (1e-3, 2.0, 100.0):
        net = memory.ModernHopfield(x, beta=beta)
        fixed = relax(net, x[0] + 0.01, method=Synchronous(), max_steps=200).x
        ax_beta.plot(np.asarray(net.attention(fixed)), "o-", label=f"beta = {beta:g}")
    ax_beta.set(
        xlabel="stored pattern (3 clusters of 4)",
        ylabel="softmax weight at fixed point",
        title="modern Hopfield: average / metastable / single",
    )
    ax_beta.legend(fontsize=8)
    plot.save(fig, out / "memory_capacity.png")
    curve = ", ".join(f"{a:g}: {o:.3f}" for a, o in zip(alphas, overlaps))
    return (
        "Binarised digits (N = 64 pixels) stored in classical, dense and modern Hopfield "
        "networks, all relaxed by `brainjax.relax` (asynchronous sweeps, synchronous "
        "updates) on one `AbstractEnergy` contract.\n\n"
        + "\n".join(rows)
        + "\n\n![digits](memory_digits.png)\n\n"
        f"Hebbian capacity (N = {n}, 10 % flipped bits; overlap after retrieval vs P/N): "
        f"{curve}.\n\n![capacity](memory_capacity.png)"
    )


SECTION = Section("memory", "Associative memories (Hopfield)", run)
