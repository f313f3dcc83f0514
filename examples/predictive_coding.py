"""Predictive coding on the bundled digits (UCI 8x8: 1348 train / 449 test images).

1. Classifiers 64-128-10 (tanh hidden layer, linear output, one-hot targets), trained
   three ways from the same initial weights and the same batches:
   - standard PC (Whittington & Bogacz 2017): 20 inference steps of 0.1 with the input
     and the target clamped, then an Adam step on the weights at those activities;
   - incremental PC (Salvatori et al. 2024): 5 joint activity + weight steps per batch;
   - backprop on the same network's feedforward pass with the same squared-error loss.
   Test-time prediction is the feedforward pass (the equilibrium with a free output).
2. A generative PC model 16-32-64 (latent -> hidden -> pixels, Gaussian prior on the
   latent) trained unsupervised on the training images, then asked to complete test
   digits whose lower half is hidden: only the visible pixels are clamped, the latent,
   hidden and hidden-pixel activities are inferred.

Plots: energy during inference (fixed steps and a Diffrax Tsit5 gradient flow),
accuracy over epochs, and occluded / completed digits.

    python examples/predictive_coding.py [--smoke] [--epochs 30] [--out DIR]
"""

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import brainjax as bj
from brainjax import predictive_coding as pc

BATCH = 32


def accuracy(net, x, labels):
    return float(jnp.mean(jnp.argmax(net.feedforward(x)[-1], -1) == labels))


def train_classifiers(x, y, xt, yt, epochs, seed):
    """PC, iPC and backprop from the same start: accuracy after every epoch and the
    trained networks."""
    net0 = pc.PCNetwork((64, 128, 10), key=jax.random.key(seed))
    per_epoch = len(x) // BATCH
    # Adam 1e-2 with a cosine decay over all weight updates (steadier final accuracy);
    # iPC makes `steps` weight updates per batch.
    adam = lambda updates: optax.adam(optax.cosine_decay_schedule(1e-2, updates))  # noqa: E731
    optimizer = adam(epochs * per_epoch)

    def squared_error(net, batch):
        return 0.5 * jnp.mean(jnp.sum((batch[1] - net.feedforward(batch[0])[-1]) ** 2, -1))

    runs = {
        "pc": lambda cb: pc.train(
            net0,
            (x, y),
            rule=pc.PC(pc.FixedStep(0.1, 20)),
            optimizer=optimizer,
            epochs=epochs,
            batch_size=BATCH,
            callback=cb,
        ),
        "ipc": lambda cb: pc.train(
            net0,
            (x, y),
            rule=pc.IPC(step_size=0.1, steps=5),
            optimizer=adam(epochs * per_epoch * 5),
            epochs=epochs,
            batch_size=BATCH,
            callback=cb,
        ),
        "backprop": lambda cb: bj.fit.fit(
            net0,
            squared_error,
            optimizer=optimizer,
            steps=epochs * per_epoch,
            data=(x, y),
            batch_size=BATCH,
            filter_spec=pc.network_filter(net0),
            callbacks=[cb],
            progress=False,
        ),
    }
    curves, nets, seconds = {}, {}, {}
    for name, run in runs.items():
        curve = []

        def record(step, loss, net, curve=curve):
            if (step + 1) % per_epoch == 0:
                curve.append(accuracy(net, xt, yt))

        tic = time.perf_counter()
        nets[name] = run(record).model
        seconds[name] = time.perf_counter() - tic
        curves[name] = curve
        print(f"{name:9s} test accuracy {curve[-1]:.4f} ({seconds[name]:.1f} s incl. compile)")
    return curves, nets, seconds


def inference_energies(net, x, y):
    """Energy while inferring the hidden layer of a trained classifier with a wrong
    target clamped: fixed steps and an adaptive Diffrax solve."""
    a, free = pc.initial_activities(net, x, y)
    fixed = pc.infer(net, a, free, pc.FixedStep(0.1, 60))
    ode = pc.infer(net, a, free, bj.GradientFlow(), rtol=1e-5, atol=1e-5, max_steps=256)
    return fixed, ode


def train_generative(x, epochs, seed):
    net = pc.PCNetwork((16, 32, 64), key=jax.random.key(seed + 1), prior_precision=1.0)
    result = pc.train(
        net,
        (None, x),
        rule=pc.PC(pc.FixedStep(0.1, 50)),
        optimizer=optax.adam(1e-3),
        epochs=epochs,
        batch_size=BATCH,
    )
    return result.model, result.history


def complete(net, images):
    """Hide the lower half of every image, infer the rest from the upper half."""
    observed = jnp.broadcast_to(jnp.arange(64) < 32, images.shape)
    a, free = pc.initial_activities(net, bottom=images, observed=observed)
    out = pc.infer(net, a, free, bj.GradientFlow())  # adaptive Tsit5 to a steady state
    return out.x[-1], observed


def main():
    from _common import out_dir, parse, report

    tic = time.perf_counter()
    args = parse(__doc__, "predictive_coding", help={"epochs": "training epochs"}, epochs=30)
    epochs, gen_epochs = (2, 2) if args.smoke else (args.epochs, args.epochs)
    out = out_dir(args.out, "predictive_coding")
    x_np, labels = bj.datasets.load_digits("train")
    xt_np, yt = bj.datasets.load_digits("test")
    x, xt = jnp.asarray(x_np), jnp.asarray(xt_np)
    y = jax.nn.one_hot(labels, 10)

    curves, nets, seconds = train_classifiers(x, y, xt, yt, epochs, args.seed)
    wrong = jax.nn.one_hot((labels[:BATCH] + 1) % 10, 10)
    fixed, ode = inference_energies(nets["pc"], x[:BATCH], wrong)

    gen, gen_history = train_generative(x, gen_epochs, args.seed)
    completed, observed = complete(gen, xt)
    hidden = ~np.asarray(observed)
    mse = float(np.mean((np.asarray(completed) - xt_np)[hidden] ** 2))
    baseline = float(np.mean((np.broadcast_to(x_np.mean(0), xt_np.shape) - xt_np)[hidden] ** 2))
    print(f"completion of hidden lower halves: MSE {mse:.4f} (mean-image baseline {baseline:.4f})")

    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    n_valid = int(np.sum(np.asarray(ode.ts) > 0)) + 1
    axes[0].plot(fixed.ts, fixed.energies, ".-", label="fixed steps (0.1)")
    axes[0].plot(ode.ts[:n_valid], ode.energies[:n_valid], "o--", label="Tsit5 gradient flow")
    axes[0].set(
        xlabel="inference time",
        ylabel="energy (batch of 32)",
        xlim=(0, fixed.ts[-1]),
        title="PC inference, wrong target clamped",
    )
    axes[0].legend()
    for name, curve in curves.items():
        axes[1].plot(np.arange(1, len(curve) + 1), curve, label=f"{name} ({seconds[name]:.0f} s)")
    axes[1].set(xlabel="epoch", ylabel="test accuracy", ylim=(0.8, 1.0), title="digits, 64-128-10")
    axes[1].legend()
    bj.plot.save(fig, out / "pc_training.png")

    fig, axes = plt.subplots(3, 8, figsize=(8, 3.3), layout="constrained")
    cmap = plt.get_cmap("gray_r").copy()
    cmap.set_bad("lightsteelblue")  # the hidden pixels
    for column in range(8):
        shown = np.asarray(xt_np[column]).copy()
        occluded = np.where(np.asarray(observed[column]), shown, np.nan)
        for row, image in enumerate((shown, occluded, np.asarray(completed[column]))):
            axes[row, column].imshow(image.reshape(8, 8), cmap=cmap, vmin=0, vmax=1)
            axes[row, column].axis("off")
    for row, title in enumerate(("test digit", "lower half hidden", "PC completion")):
        axes[row, 0].set_title(title, fontsize=8, loc="left")
    bj.plot.save(fig, out / "pc_completion.png")

    report(
        "predictive_coding",
        args.smoke,
        time.perf_counter() - tic,
        pc_test_accuracy=curves["pc"][-1],
        ipc_test_accuracy=curves["ipc"][-1],
        backprop_test_accuracy=curves["backprop"][-1],
        pc_train_s=seconds["pc"],
        ipc_train_s=seconds["ipc"],
        backprop_train_s=seconds["backprop"],
        epochs=epochs,
        inference_energy_start=float(fixed.energies[0]),
        inference_energy_end=float(fixed.energies[-1]),
        ode_energy_end=float(ode.energies[-1]),
        completion_mse=mse,
        completion_mse_mean_image=baseline,
        generative_energy_first_last=[float(gen_history[0]), float(gen_history[-1])],
        files=[out / "pc_training.png", out / "pc_completion.png"],
    )


if __name__ == "__main__":
    main()
