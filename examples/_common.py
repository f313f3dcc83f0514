"""Shared command line, timing and JSON output of the network examples (not an example)."""

import argparse
import json
import math
import time
from pathlib import Path

import equinox as eqx
import jax


def parser(description: str, example: str) -> argparse.ArgumentParser:
    """An argument parser with the options every example shares: `--smoke` (small and
    short, for CI), `--seed` and `--out` (the folder for the example's files); the
    description is the first paragraph of `description` (the example's docstring)."""
    first_paragraph = " ".join(description.strip().split("\n\n")[0].split())
    parser = argparse.ArgumentParser(description=first_paragraph)
    parser.add_argument("--smoke", action="store_true", help="small sizes, short run (CI)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"folder for the figures (default: a fresh ./out/{example}-<time>/)",
    )
    return parser


def out_dir(out: Path | None, example: str) -> Path:
    """The output folder: `out`, or a fresh `./out/<example>-<time>/`; created."""
    if out is None:
        out = Path("out") / f"{example}-{time.strftime('%Y%m%d-%H%M%S')}"
        suffix = 1
        while out.exists():
            out, suffix = out.with_name(f"{out.name.split('+')[0]}+{suffix}"), suffix + 1
    out.mkdir(parents=True, exist_ok=True)
    return out


def parse(description: str, example: str, help: dict[str, str], **defaults) -> argparse.Namespace:
    """The shared options plus one per default given (e.g. `t1=1000.0` adds `--t1`, a
    float defaulting to 1000), each with its help text from `help`."""
    p = parser(description, example)
    for name, value in defaults.items():
        p.add_argument(
            f"--{name}", type=type(value), default=value, help=f"{help[name]} (default: {value})"
        )
    return p.parse_args()


def timed(fn, *args):
    """Compile `fn(*args)` ahead of time, then run it: `(result, compile_s, run_s)`."""
    tic = time.perf_counter()
    compiled = eqx.filter_jit(fn).lower(*args).compile()
    compile_s = time.perf_counter() - tic
    tic = time.perf_counter()
    result = jax.block_until_ready(compiled(*args))
    return result, compile_s, time.perf_counter() - tic


def _round(x):
    """Floats to 4 significant digits (recursively in lists and dicts); NaN/inf to None."""
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_round(v) for v in x]
    if hasattr(x, "item") and getattr(x, "ndim", 1) == 0:  # NumPy / JAX scalars
        x = x.item()
    if isinstance(x, float):
        return float(f"{x:.4g}") if math.isfinite(x) else None
    return x


def report(example: str, smoke: bool, runtime_s: float, files=(), **figures) -> dict:
    """Print the final JSON line, one shape for every example: `example`, `smoke`, the
    key figures (floats to 4 significant digits), `files` (what it wrote) and
    `runtime_s`. Returns the record."""
    record = {"example": example, "smoke": bool(smoke), **figures}
    record = _round(record | {"files": [str(f) for f in files], "runtime_s": runtime_s})
    assert isinstance(record, dict)
    print(json.dumps(record))
    return record


def vogels_abbott_main(name: str, description: str, build, run, rates) -> None:
    """Command line shared by the COBA and CUBA examples: build at in-degree 80, time the
    compiled run, report the mean rates."""
    args = parse(
        description,
        name,
        help={"n": "number of neurons (80 %% E)", "t1": "simulated time (ms)"},
        n=4000,
        t1=1000.0,
    )
    n, t1 = (1000, 200.0) if args.smoke else (args.n, args.t1)
    p = 0.02 * 4000 / n  # the benchmark's in-degree of 80 at any size
    net = build(n, p, jax.random.key(args.seed))
    sol, compile_s, run_s = timed(lambda net: run(net, t1), net)
    r = rates(sol)
    report(
        name,
        args.smoke,
        run_s,
        n=n,
        p=p,
        t1_ms=t1,
        rate_e_hz=r["E"],
        rate_i_hz=r["I"],
        compile_s=compile_s,
    )
