"""SNN surrogate-gradient BPTT training step: brainjax (`simulate` + `fit`-style step) vs a
hand-written JAX scan of the same equations, and the memory/speed trade-off of
`simulate(..., integrator=bj.integrators.HybridScan(checkpoint=True))`, all in one run.

Network: 700 Poisson inputs -> 256 recurrent LIF (exponential current synapses) -> 20
non-spiking LIF readouts, T = 100 steps of 1 ms, batch 32, cross-entropy on the
readout membrane maximum, one Adam step.

    python benchmarks/snn_bptt.py                 # full size
    python benchmarks/snn_bptt.py --quick         # smaller (CI)
    python benchmarks/snn_bptt.py --json out.json

Records (`--json`): {bench, impl, n_in, n_hidden, steps, batch, runtime_s, compile_s,
temp_mb}. `runtime_s` is the median time of one optimiser step; `temp_mb` is XLA's
temporary buffer size of the compiled step (the BPTT tape).
"""

import argparse
import json
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import brainjax as bj

DT, TAU_M, TAU_OUT, TAU_S = 1.0, 10.0, 20.0, 5.0
SURROGATE = bj.surrogate.SuperSpike(slope=5.0)


def make_params(n_in, n_hidden, n_out, key):
    k1, k2, k3 = jax.random.split(key, 3)
    return dict(
        w_in=jax.random.normal(k1, (n_in, n_hidden)) * 2.0 / np.sqrt(n_in),
        w_rec=jax.random.normal(k2, (n_hidden, n_hidden)) * 0.3 / np.sqrt(n_hidden),
        w_out=jax.random.normal(k3, (n_hidden, n_out)) / np.sqrt(n_hidden),
    )


def brainjax_logits(params, raster, every=1, checkpoint=False):
    lif = dict(c_m=1.0, v_rest=0.0, v_reset=0.0, t_ref=0.0)
    n_hidden, n_out = params["w_out"].shape
    syn = bj.synapses.Exponential(tau=TAU_S)
    net = bj.Network(
        {
            "hidden": bj.neurons.LIF(n=n_hidden, tau_m=TAU_M, v_th=1.0, surrogate=SURROGATE, **lif),
            "out": bj.neurons.LIF(n=n_out, tau_m=TAU_OUT, v_th=1e6, **lif),
        },
        [
            bj.Projection("hidden", "hidden", params["w_rec"], syn),
            bj.Projection("hidden", "out", params["w_out"], syn),
        ],
    )
    drive = bj.inputs.SpikeTrain(raster, dt=DT, weights=params["w_in"])
    sol = bj.simulate(
        net,
        t1=raster.shape[0] * DT,
        dt=DT,
        inputs={"hidden": drive},
        monitor=bj.Monitor(every=every, select=lambda y: y.neurons["out"].v, spikes=False),
        integrator=bj.integrators.HybridScan(checkpoint=checkpoint),
    )
    return bj.encoding.membrane_max(sol.ys)


def hand_logits(params, raster):
    """The same Euler steps written directly: flow, spike, reset, deliver."""
    n_hidden, n_out = params["w_out"].shape

    def step(carry, s_in):
        v, g_rec, u, g_out = carry
        current = s_in @ params["w_in"] / DT
        v_new = v + DT * (-v / TAU_M + current + g_rec)
        u_new = u + DT * (-u / TAU_OUT + g_out)
        g_rec = g_rec + DT * (-g_rec / TAU_S)
        g_out = g_out + DT * (-g_out / TAU_S)
        spikes = SURROGATE(v_new - 1.0)
        v_new = v_new * (1.0 - jax.lax.stop_gradient(spikes))
        g_rec = g_rec + spikes @ params["w_rec"]
        g_out = g_out + spikes @ params["w_out"]
        return (v_new, g_rec, u_new, g_out), u_new

    zeros = (jnp.zeros(n_hidden), jnp.zeros(n_hidden), jnp.zeros(n_out), jnp.zeros(n_out))
    _, us = jax.lax.scan(step, zeros, raster)
    return jnp.max(jnp.concatenate([zeros[2][None], us]), axis=0)


def train_step_fn(logits_fn, optimizer):
    def loss(params, rasters, labels):
        logits = jax.vmap(lambda r: logits_fn(params, r))(rasters)
        return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()

    def step(params, opt_state, rasters, labels):
        value, grads = jax.value_and_grad(loss)(params, rasters, labels)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    return step


def compile_step(logits_fn, params, rasters, labels):
    """The compiled training step, its state, compile time and temporary memory."""
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)
    step = train_step_fn(logits_fn, optimizer)
    tic = time.perf_counter()
    compiled = jax.jit(step).lower(params, opt_state, rasters, labels).compile()
    compile_s = time.perf_counter() - tic
    memory = compiled.memory_analysis()
    temp_mb = None if memory is None else memory.temp_size_in_bytes / 2**20
    return compiled, opt_state, compile_s, temp_mb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (CI)")
    parser.add_argument("--json", type=str, default=None)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    n_in, n_hidden, n_out, steps, batch = (700, 256, 20, 100, 32)
    if args.quick:
        n_in, n_hidden, steps, batch, args.repeats = 100, 64, 50, 8, 3
    key = jax.random.key(0)
    params = make_params(n_in, n_hidden, n_out, key)
    rasters = bj.encoding.PoissonEncoder(50.0)(
        jax.random.uniform(jax.random.fold_in(key, 1), (batch, n_in)),
        steps,
        DT,
        key=jax.random.fold_in(key, 2),
    ).transpose(1, 0, 2)  # (batch, steps, n_in)
    labels = jax.random.randint(jax.random.fold_in(key, 3), (batch,), 0, n_out)
    every = max(1, int(round(np.sqrt(steps))))
    while steps % every:
        every -= 1
    runs = [
        ("jax-hand", hand_logits),
        ("brainjax", brainjax_logits),
        (
            f"brainjax-checkpoint-every{every}",
            lambda p, r: brainjax_logits(p, r, every=every, checkpoint=True),
        ),
        (f"brainjax-every{every}", lambda p, r: brainjax_logits(p, r, every=every)),
    ]
    compiled = [compile_step(fn, params, rasters, labels) for _, fn in runs]
    times = [[] for _ in runs]
    for _ in range(args.repeats):  # round robin, so that load drifts hit every impl alike
        for k, (step, opt_state, _, _) in enumerate(compiled):
            tic = time.perf_counter()
            jax.block_until_ready(step(params, opt_state, rasters, labels))
            times[k].append(time.perf_counter() - tic)
    records = [
        dict(bench="snn_bptt", impl=name, n_in=n_in, n_hidden=n_hidden, steps=steps,
             batch=batch, runtime_s=float(np.median(t)), compile_s=c[2], temp_mb=c[3])
        for (name, _), c, t in zip(runs, compiled, times)
    ]  # fmt: skip
    base = records[0]["runtime_s"]
    print(f"{'impl':34s} {'step (ms)':>10s} {'ratio':>7s} {'compile (s)':>12s} {'temp (MB)':>10s}")
    for r in records:
        temp = "n/a" if r["temp_mb"] is None else f"{r['temp_mb']:.1f}"
        print(
            f"{r['impl']:34s} {1e3 * r['runtime_s']:10.1f} {r['runtime_s'] / base:7.2f} "
            f"{r['compile_s']:12.1f} {temp:>10s}"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)


if __name__ == "__main__":
    main()
