"""Shared command line, timing and JSON output of the network examples (not an example)."""

import argparse
import json
import time

import equinox as eqx
import jax


def parse(description: str, **defaults) -> argparse.Namespace:
    """`--smoke` (small and short, for CI), `--seed`, and one option per default given
    (e.g. `t1=1000.0` adds `--t1`, a float defaulting to 1000)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="small network, short run (CI)")
    parser.add_argument("--seed", type=int, default=0)
    for name, value in defaults.items():
        parser.add_argument(f"--{name}", type=type(value), default=value)
    return parser.parse_args()


def timed(fn, *args):
    """Compile `fn(*args)` ahead of time, then run it: `(result, compile_s, run_s)`."""
    tic = time.perf_counter()
    compiled = eqx.filter_jit(fn).lower(*args).compile()
    compile_s = time.perf_counter() - tic
    tic = time.perf_counter()
    result = jax.block_until_ready(compiled(*args))
    return result, compile_s, time.perf_counter() - tic


def report(results: dict) -> None:
    """Print the key results as the final JSON line."""
    clean = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in results.items()}
    print(json.dumps(clean))


def vogels_abbott_main(name: str, description: str, build, run, rates) -> None:
    """Command line shared by the COBA and CUBA examples: build at in-degree 80, time the
    compiled run, report the mean rates."""
    args = parse(description, n=4000, t1=1000.0)
    n, t1 = (1000, 200.0) if args.smoke else (args.n, args.t1)
    p = 0.02 * 4000 / n  # the benchmark's in-degree of 80 at any size
    net = build(n, p, jax.random.key(args.seed))
    sol, compile_s, run_s = timed(lambda net: run(net, t1), net)
    r = rates(sol)
    report(
        {
            "example": name,
            "n": n,
            "p": p,
            "t1_ms": t1,
            "rate_e_hz": r["E"],
            "rate_i_hz": r["I"],
            "compile_s": compile_s,
            "runtime_s": run_s,
        }
    )
