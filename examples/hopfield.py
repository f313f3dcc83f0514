"""Associative memories on the bundled digits, and the classical capacity curve.

Stores binarised 8x8 digits in each brainjax memory model, retrieves them from
corrupted copies (15 % flipped pixels), and plots retrieval accuracy against the number
of stored digits, the energy along one retrieval, and the overlap of a classical
Hopfield network against the load P/N for random patterns (the 0.138 N edge).

    python examples/hopfield.py [--smoke] [--out DIR]

Prints its key results as one final JSON line.
"""

import functools
import time

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

import brainjax as bj
from brainjax import memory


def models(patterns):
    """Each model with the relaxation method that suits it."""
    return {
        "Hopfield (Hebb)": (memory.ClassicalHopfield(patterns), bj.Asynchronous()),
        "Hopfield (pseudo-inverse)": (
            memory.ClassicalHopfield(patterns, rule=memory.PseudoInverse()),
            bj.Asynchronous(),
        ),
        "Hopfield (Storkey)": (
            memory.ClassicalHopfield(patterns, rule=memory.Storkey()),
            bj.Asynchronous(),
        ),
        "Dense AM (n = 3)": (
            memory.DenseAssociativeMemory(patterns, interaction=memory.PolynomialInteraction(3)),
            bj.Synchronous(),
        ),
        "Dense AM (exp)": (
            memory.DenseAssociativeMemory(patterns, interaction=memory.ExponentialInteraction()),
            bj.Synchronous(),
        ),
        "Modern Hopfield (beta = 0.5)": (memory.ModernHopfield(patterns, beta=0.5), None),
    }


@functools.partial(jax.jit, static_argnames="max_steps")
def retrieve(net, method, queries, key, max_steps=100):
    """Relax a batch of queries (one compilation per model type and shape)."""
    keys = jax.random.split(key, len(queries))
    run = lambda q, k: bj.relax(net, q, method=method, key=k, max_steps=max_steps)
    return jax.vmap(run)(queries, keys)


def corrupt(patterns, fraction, key):
    return patterns * jnp.where(jax.random.bernoulli(key, fraction, patterns.shape), -1.0, 1.0)


def digit_patterns(n_per_class):
    images, labels = bj.datasets.load_digits("all")
    picks = np.concatenate([np.flatnonzero(labels == c)[:n_per_class] for c in range(10)])
    return jnp.where(images[picks] > 0.4, 1.0, -1.0)


def capacity_curve(n, alphas, n_query, key):
    """Mean overlap after asynchronous retrieval from 10 % flipped bits vs load P/N."""
    overlaps = []
    for alpha in alphas:
        k_pat, k_flip, k_run = jax.random.split(jax.random.fold_in(key, int(alpha * 1000)), 3)
        xi = jnp.where(jax.random.bernoulli(k_pat, 0.5, (max(1, int(alpha * n)), n)), 1.0, -1.0)
        out = retrieve(
            memory.ClassicalHopfield(xi),
            bj.Asynchronous(),
            corrupt(xi[:n_query], 0.1, k_flip),
            k_run,
            max_steps=30,
        )
        overlaps.append(float(jnp.mean(out.x * xi[:n_query])))
    return overlaps


def main():
    from _common import out_dir, parser, report

    opts = parser(__doc__, "hopfield").parse_args()
    folder = out_dir(opts.out, "hopfield")
    tic = time.perf_counter()
    key = jax.random.key(opts.seed)

    # Retrieval accuracy vs the number of stored digits.
    loads = [1, 2, 4] if opts.smoke else [1, 2, 3, 5, 8]  # digits per class
    accuracy = {}
    for per_class in loads:
        patterns = digit_patterns(per_class)
        queries = corrupt(patterns, 0.15, jax.random.fold_in(key, per_class))
        for name, (net, method) in models(patterns).items():
            out = retrieve(net, method, queries, key)
            x = jnp.sign(out.x) if isinstance(net, memory.ModernHopfield) else out.x
            exact = jnp.all(x == patterns, axis=1)
            accuracy.setdefault(name, []).append(float(jnp.mean(exact)))

    # Energy along one retrieval (10 digits stored), and the retrieved images.
    patterns = digit_patterns(1)
    query = corrupt(patterns[3:4], 0.2, jax.random.key(1))
    fig, (ax_acc, ax_energy, ax_cap) = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
    fig_img, ax_img = plt.subplots(2, 7, figsize=(10, 3.2), layout="constrained")
    ax_img[0, 0].imshow(patterns[3].reshape(8, 8), cmap="gray")
    ax_img[1, 0].imshow(query[0].reshape(8, 8), cmap="gray")
    ax_img[0, 0].set_title("stored", fontsize=8)
    ax_img[1, 0].set_title("query", fontsize=8)
    for col, (name, (net, method)) in enumerate(models(patterns).items(), start=1):
        out = retrieve(net, method, query, key)
        steps = int(out.num_steps[0])
        energies = np.asarray(out.energies[0, : steps + 1])
        span = energies[0] - energies[-1]
        ax_energy.plot(
            np.arange(steps + 1), (energies - energies[-1]) / (span or 1.0), "o-", ms=3, label=name
        )
        ax_img[0, col].imshow(out.x[0].reshape(8, 8), cmap="gray")
        ax_img[0, col].set_title(name.replace(" (", "\n("), fontsize=7)
        ax_img[1, col].axis("off")
    for ax in ax_img.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    ax_energy.set(
        xlabel="step (sweep / update / solver step)",
        ylabel="(E - E_final), scaled",
        title="energy along one retrieval",
    )
    ax_energy.legend(fontsize=7)
    for name, acc in accuracy.items():
        ax_acc.plot([10 * p for p in loads], acc, "o-", label=name)
    ax_acc.set(
        xlabel="stored digits P (N = 64 pixels)",
        ylabel="exact retrievals",
        title="digits, 15 % flipped pixels",
    )
    ax_acc.legend(fontsize=7)

    # The classical capacity curve for random patterns.
    n = 200 if opts.smoke else 1000
    alphas = (
        [0.05, 0.1, 0.14, 0.2] if opts.smoke else [0.05, 0.08, 0.1, 0.12, 0.14, 0.16, 0.2, 0.25]
    )
    overlaps = capacity_curve(n, alphas, 8 if opts.smoke else 32, jax.random.key(2))
    ax_cap.plot(alphas, overlaps, "o-")
    ax_cap.axvline(0.138, color="k", ls="--", lw=0.8, label="alpha_c = 0.138")
    ax_cap.set(
        xlabel="load P/N",
        ylabel="overlap after retrieval",
        title=f"Hebbian Hopfield, N = {n}, 10 % noise",
    )
    ax_cap.legend()
    fig.savefig(folder / "hopfield.png", dpi=120)
    fig_img.savefig(folder / "hopfield_digits.png", dpi=120)
    report(
        "hopfield",
        opts.smoke,
        time.perf_counter() - tic,
        digits_stored=[10 * p for p in loads],
        exact_retrieval=accuracy,
        capacity_n=n,
        capacity_alpha=alphas,
        capacity_overlap=overlaps,
        files=[folder / "hopfield.png", folder / "hopfield_digits.png"],
    )


if __name__ == "__main__":
    main()
