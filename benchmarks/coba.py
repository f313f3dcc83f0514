"""COBA benchmark (Vogels & Abbott 2005; Brette et al. 2007): brainjax against Brian2
(runtime and cpp_standalone), BrainPy and a plain hand-written JAX event-driven scan,
all on the same network, in one run.

Network: N LIF neurons, 80 % excitatory / 20 % inhibitory, tau_m 20 ms, C 200 pF
(g_L 10 nS), E_L = V_reset = -60 mV, V_th = -50 mV, 5 ms refractory, drive 200 pA
(20 mV), v0 ~ N(-55, 5) mV; exponential conductances, tau 5 / 10 ms, E_rev 0 / -80 mV,
jumps 6 / 67 nS; Bernoulli connectivity with p = 80 / N (p = 0.02 at N = 4000, so
every size keeps an in-degree of 80 and the same dynamics). 1 s of biological time,
dt = 0.1 ms, forward Euler everywhere. Peers run in their own venvs (made by
`bash benchmarks/setup_peers.sh`), each (implementation, size) in a fresh subprocess
that reports runtime, compile/build time, mean rate and peak memory (max RSS).

    python benchmarks/coba.py                       # all sizes 4k..64k, all impls
    python benchmarks/coba.py --quick               # 4k and 8k
    python benchmarks/coba.py --sizes 4000 --impl brainjax,brian2 --json out.json
    python benchmarks/coba.py --model hh --sizes 4000   # COBA-HH (Traub-Miles)

COBA-HH (Brette et al. 2007, Brian2's COBAHH example): Traub-Miles cells, no drive,
threshold -20 mV, same synapses and p; run by brainjax (dt = 0.01 ms, see `STEP`) and
Brian2 (exponential Euler, dt = 0.1 ms) only.

Records (`--json`): {bench, impl, n, runtime_s, compile_s, rate_hz, peak_mb, load}
(`load`: the machine's 1-minute load average after the run; timings from a busy
machine are not comparable with those of an idle one, ratios within one run are).
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
T_MS, DT = 1000.0, 0.1
IMPLS = ("brainjax", "jax", "brian2", "brian2-standalone", "brainpy")
HH_IMPLS = ("brainjax", "brian2", "brian2-standalone")
# brainjax's step (ms) per model: forward Euler is unstable for the Traub-Miles cell at
# 0.1 ms (Brian2 integrates it with exponential Euler at 0.1 ms), so COBA-HH uses 0.01.
STEP = {"coba": DT, "hh": 0.01}
PEER_VENV = {"brian2": "brian2", "brian2-standalone": "brian2", "brainpy": "brainpy"}


# ----------------------------------------------------------------------------- brainjax


def brainjax_coba(n: int, model: str, seed: int = 0):
    import jax

    import brainjax as bj

    n_e = int(0.8 * n)
    keys = jax.random.split(jax.random.key(seed), 6)
    if model == "hh":  # Traub-Miles cells, no drive; v0 ~ E_L + N(-5, 5) mV
        cell = lambda m, k: bj.neurons.HodgkinHuxley.traub_miles(  # noqa: E731
            m, v_init=-65.0 + 5.0 * jax.random.normal(k, (m,))
        )
        inputs = None
    else:
        cell = lambda m, k: bj.neurons.LIF(  # noqa: E731
            n=m,
            tau_m=20.0,
            c_m=200.0,
            v_rest=-60.0,
            v_reset=-60.0,
            v_th=-50.0,
            t_ref=5.0,
            v_init=-55.0 + 5.0 * jax.random.normal(k, (m,)),
        )
        inputs = {"E": 200.0, "I": 200.0}
    w_e, w_i = 6.0, 67.0  # nS
    p = 80.0 / n
    exc = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
    inh = bj.synapses.Exponential(tau=10.0, output=bj.synapses.COBA(e_rev=-80.0))
    projections = [
        bj.Projection(pre, post, bj.connect.FixedProb(p, weight=w, autapses=True), syn, key=k)
        for (pre, post, w, syn), k in zip(
            [
                ("E", "E", w_e, exc),
                ("E", "I", w_e, exc),
                ("I", "E", w_i, inh),
                ("I", "I", w_i, inh),
            ],
            keys[2:],
        )
    ]
    net = bj.Network({"E": cell(n_e, keys[0]), "I": cell(n - n_e, keys[1])}, projections)
    monitor = bj.Monitor(every=int(round(T_MS / STEP[model])), spikes=False, spike_counts=True)
    return net, inputs, monitor


def prepare_brainjax(n: int, model: str):
    """The jitted run, its argument, and spike counts -> mean rate (Hz)."""
    import jax

    import brainjax as bj

    net, inputs, monitor = brainjax_coba(n, model)
    run = jax.jit(
        lambda net: bj.simulate(net, t1=T_MS, dt=STEP[model], inputs=inputs, monitor=monitor)
    )
    rate = lambda sol: sum(float(c.sum()) for c in sol.spike_counts.values()) / n / (T_MS / 1e3)  # noqa: E731
    return run, net, rate


# ----------------------------------------------------------------------------- hand JAX


def prepare_jax(n: int, model: str):
    """A plain JAX scan: one population, ge/gi, padded per-neuron target lists,
    `nonzero(size=K)` + exact fallback, forward Euler (the PERF-NOTES baseline)."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    if model != "coba":
        raise SystemExit("the hand-written JAX baseline exists for COBA only")
    rng = np.random.default_rng(0)
    n_e, p = int(0.8 * n), 80.0 / n
    deg = rng.binomial(n, p, n)
    width = int(deg.max())
    targets = np.zeros((n + 1, width), np.int32)
    weights = np.zeros((n + 1, width), np.float32)
    for i in range(n):
        targets[i, : deg[i]] = rng.choice(n, deg[i], replace=False)
        weights[i, : deg[i]] = 0.6 if i < n_e else 6.7
    exc = jnp.asarray(np.arange(n + 1) < n_e)[:, None]
    t_ex, t_in = jnp.asarray(np.where(exc, targets, n)), jnp.asarray(np.where(exc, n, targets))
    w = jnp.asarray(weights)
    size = max(16, n // 200)

    def deliver(s, ge, gi):
        def rows_to(ge, gi, rows):
            return (
                ge.at[t_ex[rows]].add(w[rows], mode="drop"),
                gi.at[t_in[rows]].add(w[rows], mode="drop"),
            )

        def fast(ge, gi):
            return rows_to(ge, gi, jnp.nonzero(s, size=size, fill_value=n)[0])

        def exact(ge, gi):
            return rows_to(ge, gi, jnp.nonzero(s, size=n, fill_value=n)[0])

        return jax.lax.cond(s.sum() > size, exact, fast, ge, gi)

    def step(carry, _):
        v, ge, gi, ref, count = carry
        dv = (ge * (0.0 - v) + gi * (-80.0 - v) - (v + 60.0) + 20.0) / 20.0
        v = jnp.where(ref > 0, v, v + DT * dv)
        ge, gi = ge - DT * ge / 5.0, gi - DT * gi / 10.0
        s = v > -50.0
        v = jnp.where(s, -60.0, v)
        ref = jnp.where(s, 5.0, ref - DT)
        ge, gi = deliver(s, ge, gi)
        return (v, ge, gi, ref, count + s), None

    v0 = jnp.asarray(rng.normal(-55.0, 5.0, n), jnp.float32)
    carry = (v0, jnp.zeros(n), jnp.zeros(n), jnp.zeros(n), jnp.zeros(n, jnp.int32))
    run = jax.jit(lambda c: jax.lax.scan(step, c, None, length=int(T_MS / DT))[0][-1])
    return run, carry, lambda counts: float(counts.sum()) / n / (T_MS / 1e3)


# ----------------------------------------------------------------------------- driver


def worker(impl: str, n: int, model: str, repeat: int = 2) -> dict:
    """Build, compile (timed) and run `repeat` times (the fastest is reported)."""
    import jax

    prepare = {"brainjax": prepare_brainjax, "jax": prepare_jax}[impl]
    start = time.perf_counter()
    run, arg, rate = prepare(n, model)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    compiled = run.lower(arg).compile()
    compile_s = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = jax.block_until_ready(compiled(arg))
        times.append(time.perf_counter() - start)
    return dict(
        runtime_s=min(times),
        compile_s=compile_s,
        build_s=build_s,
        rate_hz=rate(out),
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    )


def run_one(impl: str, n: int, model: str, timeout: float) -> dict | None:
    if impl in PEER_VENV:
        python = HERE / f".venv-{PEER_VENV[impl]}" / "bin" / "python"
        if not python.exists():
            print(f"  {impl}: no venv (run `bash benchmarks/setup_peers.sh`); skipped")
            return None
        script = HERE / "_peers" / f"coba_{PEER_VENV[impl]}.py"
        cmd = [str(python), str(script), "--n", str(n), "--model", model]
        if impl == "brian2-standalone":
            cmd.append("--standalone")
    else:
        cmd = [sys.executable, __file__, "--worker", impl, "--sizes", str(n), "--model", model]
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        print(f"  {impl} n={n}: timed out after {timeout:.0f} s")
        return None
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode or not lines:
        print(f"  {impl} n={n}: failed\n{out.stderr[-2000:]}")
        return None
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="4000,8000,16000,32000,64000")
    parser.add_argument("--impl", default=",".join(IMPLS))
    parser.add_argument("--model", default="coba", choices=["coba", "hh"])
    parser.add_argument("--quick", action="store_true", help="sizes 4000,8000")
    parser.add_argument("--json", type=Path, help="write the records to this file")
    parser.add_argument("--timeout", type=float, default=900.0, help="per run (s)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in ("4000,8000" if args.quick else args.sizes).split(",")]
    if args.worker:
        print(json.dumps(worker(args.worker, sizes[0], args.model)))
        return
    impls = [i for i in args.impl.split(",") if i]
    if args.model == "hh":
        impls = [i for i in impls if i in HH_IMPLS]
    unknown = set(impls) - set(IMPLS)
    if unknown:
        parser.error(f"unknown --impl {sorted(unknown)}; choose from {IMPLS}")
    bench = "coba" if args.model == "coba" else "coba-hh"
    print(
        f"{bench}: 1 s bio, dt = {DT} ms; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start"
    )
    records = []
    for n in sizes:
        for impl in impls:
            result = run_one(impl, n, args.model, args.timeout)
            if result is not None:
                rec = dict(bench=bench, impl=impl, n=n, load=os.getloadavg()[0], **result)
                records.append(rec)
                print(
                    f"  {impl:18s} n={n:6d} runtime {rec['runtime_s']:7.3f} s  compile "
                    f"{rec['compile_s']:6.2f} s  rate {rec['rate_hz']:5.1f} Hz  "
                    f"peak {rec.get('peak_mb', float('nan')):6.0f} MB",
                    flush=True,
                )
    print_table(records, sizes, impls)
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))


def print_table(records: list[dict], sizes: list[int], impls: list[str]) -> None:
    by = {(r["impl"], r["n"]): r for r in records}
    print(
        "\n| impl | N | runtime (s) | compile/build (s) | rate (Hz) | peak RSS (MB) | "
        "brainjax / impl |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        ours = by.get(("brainjax", n))
        for impl in impls:
            r = by.get((impl, n))
            if r is None:
                continue
            ratio = f"{ours['runtime_s'] / r['runtime_s']:.2f}" if ours else "-"
            print(
                f"| {impl} | {n} | {r['runtime_s']:.3f} | {r['compile_s']:.2f} | "
                f"{r['rate_hz']:.1f} | {r.get('peak_mb', float('nan')):.0f} | {ratio} |"
            )
    growth = [by[("brainjax", n)]["runtime_s"] for n in sizes if ("brainjax", n) in by]
    if len(growth) > 1:
        steps = ", ".join(f"{b / a:.2f}" for a, b in zip(growth, growth[1:]))
        print(f"\nbrainjax runtime growth per size step: {steps}")


if __name__ == "__main__":
    main()
