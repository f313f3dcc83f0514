"""Predictive-coding benchmark on the bundled digits (UCI 8x8, 1348 train / 449 test).

1. One PC training epoch (standard PC: 20 inference steps of 0.1 per batch, then an
   Adam update of the weights) with brainjax (`predictive_coding.train`, i.e.
   `brainjax.fit.fit`) against a hand-written JAX loop of the same algorithm (a jitted
   step of inference scan + weight gradient + optax update, and a Python loop over the
   same shuffled batches), from the same initial weights, in one run. Both must reach
   the same weights (the ratio only means something if they compute the same thing).
2. iPC vs PC: held-out accuracy reached per wall-clock second of training.

    python benchmarks/predictive_coding.py            # 64-256-256-10, 5 timed epochs
    python benchmarks/predictive_coding.py --quick    # 64-128-10, 2 timed epochs
    python benchmarks/predictive_coding.py --json out.json

Records (`--json`): {bench, impl, size, runtime_s, compile_s, ...quality figures}.
"""

import argparse
import json
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import brainjax as bj
from brainjax import predictive_coding as pc

STEP, STEPS, LR, BATCH = 0.1, 20, 1e-3, 64


def hand_pc_epoch_fn(optimizer):
    """Standard PC written directly in JAX: weights as a list of (W, b)."""

    def predict(params, i, above):
        w, b = params[i - 1]
        a = above @ w.T + b
        return a if i == len(params) else jnp.tanh(a)

    def energy(params, xs):
        return sum(
            0.5 * jnp.sum((xs[i] - predict(params, i, xs[i - 1])) ** 2) for i in range(1, len(xs))
        )

    @jax.jit
    def step(params, opt_state, x, y):
        xs = [x]
        for i in range(1, len(params) + 1):
            xs.append(predict(params, i, xs[-1]))
        hidden = xs[1:-1]

        def infer(h, _):
            grad = jax.grad(lambda h: energy(params, [x, *h, y]))(h)
            return [hi - STEP * gi for hi, gi in zip(h, grad)], None

        hidden, _ = jax.lax.scan(infer, hidden, length=STEPS)
        xs = [x, *hidden, y]
        loss, grads = jax.value_and_grad(lambda p: energy(p, xs) / x.shape[0])(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    return step


def batches(n, key, epoch):
    order = np.asarray(jax.random.permutation(jax.random.fold_in(key, epoch), n))
    return [order[i * BATCH : (i + 1) * BATCH] for i in range(n // BATCH)]


def accuracy(net, x, y):
    return float(jnp.mean(jnp.argmax(net.feedforward(x)[-1], -1) == y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small network, 2 epochs")
    parser.add_argument("--json", metavar="PATH", help="write the records as JSON")
    args = parser.parse_args()
    sizes = (64, 128, 10) if args.quick else (64, 256, 256, 10)
    epochs = 2 if args.quick else 5
    x_np, labels = bj.datasets.load_digits("train")
    xt, yt = bj.datasets.load_digits("test")
    x, y = jnp.asarray(x_np), jax.nn.one_hot(labels, 10)
    key = jax.random.key(1)
    net0 = pc.PCNetwork(sizes, key=jax.random.key(0))
    optimizer = optax.adam(LR)
    records = []
    size = "-".join(map(str, sizes))

    # --- 1. one PC epoch: brainjax vs hand-written JAX, same batches, same start.
    rule = pc.PC(pc.FixedStep(STEP, STEPS))

    def brainjax_epochs(n_epochs):
        tic = time.perf_counter()
        out = pc.train(
            net0,
            (x, y),
            rule=rule,
            optimizer=optimizer,
            epochs=n_epochs,
            batch_size=BATCH,
            key=key,
        )
        jax.block_until_ready(out.model)
        return out.model, time.perf_counter() - tic

    step = hand_pc_epoch_fn(optimizer)
    params0 = [(layer.weight, layer.bias) for layer in net0.layers]

    def hand_epochs(n_epochs):
        tic = time.perf_counter()
        params, opt_state = params0, optimizer.init(params0)
        for epoch in range(n_epochs):
            for index in batches(len(labels), key, epoch):
                params, opt_state, loss = step(params, opt_state, x[index], y[index])
                float(loss)  # like fit: the loss of every step is read back
        jax.block_until_ready(params)
        return params, time.perf_counter() - tic

    # First calls include compilation; then the timed runs (best of 3, interleaved).
    _, first_bj = brainjax_epochs(1)
    _, first_hand = hand_epochs(1)
    times_bj, times_hand = [], []
    for _ in range(3):
        net_bj, t = brainjax_epochs(epochs)
        times_bj.append(t / epochs)
        params_hand, t = hand_epochs(epochs)
        times_hand.append(t / epochs)
    t_bj, t_hand = min(times_bj), min(times_hand)
    diff = max(
        float(jnp.max(jnp.abs(layer.weight - w)))
        for layer, (w, _) in zip(net_bj.layers, params_hand)
    )
    acc = accuracy(net_bj, xt, yt)
    print(f"PC epoch ({size}, batch {BATCH}, {STEPS} inference steps), best of 3:")
    print(f"  brainjax    {t_bj * 1e3:8.1f} ms   (first epoch incl. compile {first_bj:.2f} s)")
    print(f"  hand JAX    {t_hand * 1e3:8.1f} ms   (first epoch incl. compile {first_hand:.2f} s)")
    print(f"  ratio brainjax / hand = {t_bj / t_hand:.3f}; max |weight difference| = {diff:.2e}")
    for impl, t, first in (("brainjax", t_bj, first_bj), ("jax-hand", t_hand, first_hand)):
        records.append(
            dict(
                bench="pc_epoch",
                impl=impl,
                size=size,
                runtime_s=t,
                compile_s=first - t,
                epochs_timed=epochs,
                test_accuracy=acc,
                max_weight_diff=diff,
            )
        )

    # --- 2. iPC vs PC: accuracy per wall-clock second of training.
    print("iPC vs PC, held-out accuracy after each epoch:")
    rules = {
        "pc": pc.PC(pc.FixedStep(STEP, STEPS)),
        "ipc": pc.IPC(step_size=STEP, steps=5),
    }
    n_epochs = 3 if args.quick else 10
    for name, rule in rules.items():
        curve = []
        elapsed = [0.0]

        def record(i, loss, net, curve=curve, elapsed=elapsed):
            if (i + 1) % (len(labels) // BATCH) == 0:
                curve.append((time.perf_counter() - elapsed[0], accuracy(net, xt, yt)))

        pc.train(
            net0, (x, y), rule=rule, optimizer=optimizer, epochs=1, batch_size=BATCH, key=key
        )  # compile
        elapsed[0] = time.perf_counter()
        # The accuracy evaluation is inside the clock for both rules alike.
        pc.train(
            net0,
            (x, y),
            rule=rule,
            optimizer=optimizer,
            epochs=n_epochs,
            batch_size=BATCH,
            key=key,
            callback=record,
        )
        seconds, accs = curve[-1]
        print(
            f"  {name:4s}: "
            + ", ".join(f"{a:.3f}@{t:.1f}s" for t, a in curve)
            + f"  -> {accs / seconds:.3f} accuracy / s"
        )
        records.append(
            dict(
                bench="pc_vs_ipc",
                impl=name,
                size=size,
                runtime_s=seconds,
                compile_s=None,
                epochs=n_epochs,
                test_accuracy=accs,
                accuracy_per_s=accs / seconds,
                curve=[[t, a] for t, a in curve],
            )
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    print(
        json.dumps(
            {
                "machine": platform.machine(),
                "backend": jax.default_backend(),
                "pc_epoch_ratio": t_bj / t_hand,
                "max_weight_diff": diff,
            }
        )
    )


if __name__ == "__main__":
    main()
