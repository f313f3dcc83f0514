"""Cost of online STDP: the COBA network (Vogels & Abbott 2005, 4000 LIF, p = 0.02,
event-driven) with and without pair STDP on its E->E projection, in one run.

STDP (additive, all-to-all traces, tau 20 ms, A+ = 0.01 w, A- = 1.05 A+, bounds
[0, 2 x 6 nS]) updates the E->E weights online inside the scan after each step's
delivery. 1 s of biological time at dt = 0.1 ms.

    python benchmarks/stdp_coba.py               # 4000 neurons
    python benchmarks/stdp_coba.py --quick       # 1000 neurons, 200 ms
    python benchmarks/stdp_coba.py --json out.json

Records (`--json`): {bench, impl, n, runtime_s, compile_s, rate_hz}. Target: the plastic
network costs <= 2x the static one.
"""

import argparse
import json
import time

import equinox as eqx
import jax
import numpy as np

import brainjax as bj

DT = 0.1


def coba(n: int, plastic: bool, seed: int = 0):
    n_e = int(0.8 * n)
    keys = jax.random.split(jax.random.key(seed), 6)
    cell = lambda m, k: bj.neurons.LIF(  # noqa: E731
        n=m, tau_m=20.0, c_m=200.0, v_rest=-60.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0,
        v_init=-55.0 + 5.0 * jax.random.normal(k, (m,)),
    )  # fmt: skip
    w_e, w_i, p = 6.0, 67.0, 80.0 / n  # nS
    exc = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
    inh = bj.synapses.Exponential(tau=10.0, output=bj.synapses.COBA(e_rev=-80.0))
    stdp = bj.plasticity.STDP(
        a_plus=0.01 * w_e, a_minus=0.0105 * w_e, tau_plus=20.0, tau_minus=20.0,
        weight_dependence=bj.plasticity.Additive(0.0, 2 * w_e),
    )  # fmt: skip
    projections = [
        bj.Projection(pre, post, bj.connect.FixedProb(p, weight=w), syn, key=k,
                      plasticity=stdp if (plastic and pre == post == "E") else None)
        for (pre, post, w, syn), k in zip(
            [("E", "E", w_e, exc), ("E", "I", w_e, exc), ("I", "E", w_i, inh),
             ("I", "I", w_i, inh)],
            keys[2:],
        )
    ]  # fmt: skip
    return bj.Network({"E": cell(n_e, keys[0]), "I": cell(n - n_e, keys[1])}, projections)


def measure(n: int, t1: float, plastic: bool) -> dict:
    net = coba(n, plastic)
    steps = int(round(t1 / DT))
    monitor = bj.Monitor(every=steps, select=lambda y: None, spikes=False, spike_counts=True)
    run = lambda net: (
        bj.simulate(  # noqa: E731
            net, t1=t1, dt=DT, inputs={"E": 200.0, "I": 200.0}, monitor=monitor
        ).spike_counts
    )
    tic = time.perf_counter()
    compiled = eqx.filter_jit(run).lower(net).compile()
    compile_s = time.perf_counter() - tic
    times = []
    for _ in range(3):
        tic = time.perf_counter()
        counts = jax.block_until_ready(compiled(net))
        times.append(time.perf_counter() - tic)
    rate = float(np.mean(np.asarray(counts["E"]))) * 1000.0 / t1
    return dict(bench="stdp_coba", impl="brainjax-stdp" if plastic else "brainjax", n=n,
                runtime_s=float(np.median(times)), compile_s=compile_s, rate_hz=rate)  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=str, default=None)
    args = parser.parse_args()
    n, t1 = (1000, 200.0) if args.quick else (4000, 1000.0)
    records = [measure(n, t1, plastic) for plastic in (False, True)]
    base = records[0]["runtime_s"]
    print(f"{'impl':16s} {'run (s)':>9s} {'ratio':>7s} {'compile (s)':>12s} {'E rate (Hz)':>12s}")
    for r in records:
        print(f"{r['impl']:16s} {r['runtime_s']:9.3f} {r['runtime_s'] / base:7.2f} "
              f"{r['compile_s']:12.1f} {r['rate_hz']:12.1f}")  # fmt: skip
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)


if __name__ == "__main__":
    main()
