"""Tour section: predictive coding on the bundled digits (PC and iPC classifiers,
inference energy, completion of occluded digits by a generative PC model)."""

import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .. import datasets, plot, predictive_coding as pc
from .._relax import FixedStep, GradientFlow
from ._registry import Section


def run(out: Path, smoke: bool) -> tuple[str, dict]:
    import matplotlib.pyplot as plt

    epochs = 1 if smoke else 10
    x_np, labels = datasets.load_digits("train")
    xt_np, yt = datasets.load_digits("test")
    x, xt, y = jnp.asarray(x_np), jnp.asarray(xt_np), jax.nn.one_hot(labels, 10)
    net0 = pc.PCNetwork((64, 128, 10), key=jax.random.key(0))
    rules = {
        "PC (20 inference steps)": pc.PC(FixedStep(0.1, 20)),
        "iPC (5 joint steps)": pc.IPC(step_size=0.1, steps=5),
    }
    rows, nets = [], {}
    for name, rule in rules.items():
        tic = time.perf_counter()
        nets[name] = pc.train(
            net0, (x, y), rule=rule, optimizer=optax.adam(3e-3), epochs=epochs, batch_size=32
        ).model
        accuracy = float(jnp.mean(jnp.argmax(nets[name].feedforward(xt)[-1], -1) == yt))
        rows.append(f"| {name} | {accuracy:.3f} | {time.perf_counter() - tic:.1f} |")

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    trained = nets["PC (20 inference steps)"]
    wrong = jax.nn.one_hot((labels[:32] + 1) % 10, 10)
    a, free = pc.initial_activities(trained, x[:32], wrong)
    fixed = pc.infer(trained, a, free, FixedStep(0.1, 60))
    axes[0].plot(fixed.ts, fixed.energies, ".-", label="fixed steps of 0.1")
    if not smoke:
        ode = pc.infer(trained, a, free, GradientFlow(), max_steps=256)
        n_valid = int(np.sum(np.asarray(ode.ts) > 0)) + 1
        axes[0].plot(ode.ts[:n_valid], ode.energies[:n_valid], "o--", label="Tsit5 (adaptive)")
    axes[0].set(xlabel="inference time", ylabel="energy", xlim=(0, float(fixed.ts[-1])))
    axes[0].set_title("inference, wrong label clamped")
    axes[0].legend()

    gen = pc.PCNetwork((16, 32, 64), key=jax.random.key(1), prior_precision=1.0)
    gen = pc.train(
        gen,
        (None, x),
        rule=pc.PC(FixedStep(0.1, 50)),
        optimizer=optax.adam(optax.cosine_decay_schedule(3e-3, 2 * epochs * (len(x) // 32))),
        epochs=2 * epochs,
        batch_size=32,
    ).model
    observed = jnp.broadcast_to(jnp.arange(64) < 32, xt.shape)
    a, free = pc.initial_activities(gen, bottom=xt, observed=observed)
    completed = np.asarray(pc.infer(gen, a, free, FixedStep(0.1, 200)).x[-1])
    hidden = ~np.asarray(observed)
    mse = float(np.mean((completed - xt_np)[hidden] ** 2))
    baseline = float(np.mean((x_np.mean(0) - xt_np)[hidden] ** 2))
    grid = np.full((18, 72), np.nan)  # two rows of eight 8x8 digits, 1-pixel gaps
    for k in range(8):
        grid[0:8, 9 * k : 9 * k + 8] = xt_np[k].reshape(8, 8)
        grid[9:17, 9 * k : 9 * k + 8] = completed[k].reshape(8, 8)
    axes[1].imshow(grid, cmap="gray_r", vmin=0, vmax=1)
    axes[1].axhline(12.5, color="C3", lw=1)
    axes[1].set_title("test digits; below: lower half (under red line) filled by PC", fontsize=9)
    axes[1].axis("off")
    plot.save(fig, out / "predictive_coding.png")
    body = (
        f"A 64-128-10 predictive-coding classifier on the bundled digits, {epochs} "
        "epoch(s), batch 32, Adam 3e-3, trained through `brainjax.fit.fit`; test accuracy "
        "of the feedforward (free-output equilibrium) prediction:\n\n"
        "| rule | test accuracy | train time incl. compile (s) |\n|---|---|---|\n"
        + "\n".join(rows)
        + f"\n\nA generative 16-32-64 PC model ({2 * epochs} epochs) fills in the hidden "
        "lower half of test digits "
        f"(visible pixels clamped, everything else inferred): MSE {mse:.4f} on the hidden "
        f"pixels vs {baseline:.4f} for the mean training image.\n\n"
        "![predictive coding](predictive_coding.png)"
    )
    return body, {"epochs": epochs, "completion_mse": mse, "mean_image_mse": baseline}


SECTION = Section("predictive_coding", "Predictive coding", run)
