"""Shared command line, timing and JSON output of the network examples (not an example)."""

import argparse
import json
import time

import equinox as eqx
import jax


def parse(description: str, **defaults) -> argparse.Namespace:
    """`--smoke` (small and short, for CI), `--seed`, `--t1` (ms), `--n` (neurons)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="small network, short run (CI)")
    parser.add_argument("--seed", type=int, default=0)
    for name, value in defaults.items():
        parser.add_argument(f"--{name}", type=type(value), default=None)
    args = parser.parse_args()
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


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
