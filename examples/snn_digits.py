"""Recurrent spiking network classifying the bundled 8x8 handwritten digits.

Pixels are rate-coded as Poisson spike trains (a fresh draw for every training batch,
which acts as data augmentation), fed through trainable input weights into a recurrent
LIF layer; a non-spiking LIF readout layer (its threshold is never reached) integrates
the hidden spikes and the class is the readout neuron with the largest membrane
potential. Everything is trained by surrogate-gradient BPTT through
`bj.simulate` with `bj.fit.fit`: weights, membrane time constants (positive by a log
parametrisation, `bj.fit.LogPositive`) and thresholds.

    python examples/snn_digits.py            # full run, held-out accuracy >= 95 %
    python examples/snn_digits.py --smoke    # a few steps (CI)
"""

import time

import equinox as eqx
import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

import brainjax as bj

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DT, STEPS = 1.0, 25  # ms
ENCODER = bj.encoding.PoissonEncoder(max_rate=800.0)  # Hz for a white pixel


class DigitsSNN(eqx.Module):
    """Input weights plus a `bj.Network` (recurrent hidden LIF layer -> readout)."""

    w_in: jax.Array
    network: bj.Network

    def __init__(self, hidden: int, key):
        k_in, k_rec, k_out = jax.random.split(key, 3)
        # Normalised units: c_m = 1 pF, rest 0 mV, threshold 1 mV, so a weight (fC) is
        # the voltage jump in threshold units.
        lif = dict(c_m=1.0, v_rest=0.0, v_reset=0.0, t_ref=0.0)
        hidden_pop = bj.neurons.LIF(
            n=hidden,
            tau_m=jnp.full(hidden, 10.0),
            v_th=jnp.ones(hidden),
            surrogate=bj.surrogate.SuperSpike(slope=5.0),
            **lif,
        )
        readout = bj.neurons.LIF(n=10, tau_m=jnp.full(10, 20.0), v_th=1e6, **lif)
        syn = bj.synapses.Exponential(tau=5.0)
        w_rec = jax.random.normal(k_rec, (hidden, hidden)) * 0.3 / np.sqrt(hidden)
        w_out = jax.random.normal(k_out, (hidden, 10)) * 1.0 / np.sqrt(hidden)
        self.network = bj.Network(
            {"hidden": hidden_pop, "out": readout},
            [
                bj.Projection("hidden", "hidden", w_rec, syn),
                bj.Projection("hidden", "out", w_out, syn),
            ],
        )
        self.w_in = jax.random.normal(k_in, (64, hidden)) * 1.5 / np.sqrt(8.0)

    def __call__(self, image, key):
        """Logits (readout membrane maxima, mV) and hidden spike count of one image."""
        raster = ENCODER(image, STEPS, DT, key=key)
        drive = bj.inputs.SpikeTrain(raster, dt=DT, weights=self.w_in)
        sol = bj.simulate(
            self.network,
            t1=STEPS * DT,
            dt=DT,
            inputs={"hidden": drive},
            monitor=bj.Monitor(select=lambda y: y.neurons["out"].v),
        )
        return bj.encoding.membrane_max(sol.ys), bj.encoding.spike_count(sol.spikes["hidden"])


def with_log_time_constants(model):
    """Train the membrane time constants through `bj.fit.LogPositive` (tau = exp(raw))."""
    taus = lambda m: [p.tau_m for p in m.network.populations.values()]  # noqa: E731
    return eqx.tree_at(taus, model, replace_fn=bj.fit.LogPositive)


def batches(images, labels, size, seed):
    """Endless shuffled mini-batches, each with a fresh key for the Poisson encoding."""
    rng, key, count = np.random.default_rng(seed), jax.random.key(seed), 0
    while True:
        order = rng.permutation(len(labels))
        for start in range(0, len(labels) - size + 1, size):
            count += 1
            index = order[start : start + size]
            yield images[index], labels[index], jax.random.fold_in(key, count)


def loss_fn(model, batch):
    images, labels, key = batch
    logits, counts = jax.vmap(model)(images, jax.random.split(key, len(labels)))
    ce = optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
    return ce + 1e-4 * jnp.mean(counts**2)  # mild penalty on very high firing


def accuracy(model, images, labels, batch=512):
    """Fraction classified correctly, one fixed Poisson draw per image."""
    predict = eqx.filter_jit(lambda m, x, k: jnp.argmax(jax.vmap(m)(x, k)[0], axis=-1))
    model = bj.fit.unwrap(model)
    keys = jax.random.split(jax.random.key(12345), len(labels))
    hits = [
        np.asarray(predict(model, images[i : i + batch], keys[i : i + batch]))
        == labels[i : i + batch]
        for i in range(0, len(labels), batch)
    ]
    return float(np.concatenate(hits).mean())


def main():
    from _common import out_dir, parse, report

    args = parse(
        __doc__,
        "snn_digits",
        help={"steps": "Adam steps", "hidden": "hidden LIF neurons"},
        steps=1500,
        hidden=128,
    )
    start = time.perf_counter()
    steps = 20 if args.smoke else args.steps

    x_train, y_train = bj.datasets.load_digits("train")
    x_test, y_test = bj.datasets.load_digits("test")
    model = with_log_time_constants(DigitsSNN(args.hidden, jax.random.key(args.seed)))
    schedule = optax.cosine_decay_schedule(5e-3, steps, alpha=0.05)
    optimizer = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(schedule))

    tic = time.perf_counter()
    result = bj.fit.fit(
        model,
        loss_fn,
        optimizer=optimizer,
        steps=steps,
        data=batches(x_train, y_train, 64, args.seed),
        progress=not args.smoke,
    )
    train_s = time.perf_counter() - tic
    test_acc = accuracy(result.model, x_test, y_test)
    train_acc = accuracy(result.model, x_train, y_train)
    trained = bj.fit.unwrap(result.model).network.populations["hidden"]

    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(result.history, lw=0.6, alpha=0.5, label="batch loss")
    window = max(1, len(result.history) // 50)
    smooth = np.convolve(result.history, np.ones(window) / window, mode="valid")
    ax.plot(np.arange(len(smooth)) + window - 1, smooth, label=f"{window}-step mean")
    ax.set(
        xlabel="optimiser step",
        ylabel="cross-entropy",
        yscale="log",
        title=f"recurrent LIF on digits: test accuracy {test_acc:.1%}",
    )
    ax.legend()
    fig.tight_layout()
    path = out_dir(args.out, "snn_digits") / "snn_digits_training.png"
    fig.savefig(path, dpi=120)

    report(
        "snn_digits",
        args.smoke,
        time.perf_counter() - start,
        steps=steps,
        hidden=args.hidden,
        test_accuracy=test_acc,
        train_accuracy=train_acc,
        final_loss=float(result.history[-1]),
        train_time_s=train_s,
        tau_m_hidden_ms=[float(q) for q in np.percentile(trained.tau_m, [5, 50, 95])],
        files=[path],
    )


if __name__ == "__main__":
    main()
