"""Associative-memory benchmark: brainjax against hand-written JAX baselines, same run.

1. Modern Hopfield retrieval: d = 256, P = 10^4 stored patterns, 1000 queries, one
   update `xi <- X^T softmax(beta X xi)`: `jax.vmap(ModernHopfield.update)` vs a
   hand-written `softmax(beta Q X^T) X` in `jnp`. Target ratio <= 1.1.
2. Classical Hopfield, N = 1000: one asynchronous sweep in random order:
   `brainjax.relax(..., method=Asynchronous(), max_steps=1)` vs a hand-written
   `lax.fori_loop` over a permutation. Target ratio <= 1.5.

    python benchmarks/memory.py [--quick] [--json PATH]

Records (`--json`): {bench, impl, size, runtime_s, compile_s, ratio}.
"""

import argparse
import json
import time

import jax
import jax.numpy as jnp

import brainjax as bj
from brainjax import memory


def _time_pair(calls, repeats):
    """Best-of-`repeats` runtime and compile time of each `name: (fn, args)`, with the
    implementations interleaved so that load on a shared machine hits them alike."""
    compile_s, best = {}, {name: float("inf") for name in calls}
    for name, (fn, args) in calls.items():
        tic = time.perf_counter()
        jax.block_until_ready(fn(*args))
        compile_s[name] = time.perf_counter() - tic
    for _ in range(repeats):
        for name, (fn, args) in calls.items():
            tic = time.perf_counter()
            jax.block_until_ready(fn(*args))
            best[name] = min(best[name], time.perf_counter() - tic)
    return {name: (best[name], compile_s[name]) for name in calls}


def modern(p, d, n_query, repeats):
    k1, k2 = jax.random.split(jax.random.key(0))
    x = jax.random.normal(k1, (p, d)) / jnp.sqrt(d)
    queries = jax.random.normal(k2, (n_query, d)) / jnp.sqrt(d)
    net = memory.ModernHopfield(x, beta=8.0)
    ours = jax.jit(lambda net, q: jax.vmap(net.update)(q))
    hand = jax.jit(lambda x, q: jax.nn.softmax(8.0 * q @ x.T, axis=-1) @ x)
    a = jnp.asarray(ours(net, queries))
    b = jnp.asarray(hand(x, queries))
    assert float(jnp.max(jnp.abs(a - b))) < 1e-4
    return _time_pair({"brainjax": (ours, (net, queries)), "jnp": (hand, (x, queries))}, repeats)


def classical(n, repeats):
    k1, k2, k3 = jax.random.split(jax.random.key(1), 3)
    xi = jnp.where(jax.random.bernoulli(k1, 0.5, (n // 10, n)), 1.0, -1.0)
    net = memory.ClassicalHopfield(xi)
    x0 = jnp.where(jax.random.bernoulli(k2, 0.5, (n,)), 1.0, -1.0)
    ours = jax.jit(
        lambda net, x, k: bj.relax(net, x, method=bj.Asynchronous(), key=k, max_steps=1).x
    )

    @jax.jit
    def hand(w, x, k):
        order = jax.random.permutation(jax.random.fold_in(k, 0), n)

        def body(j, y):
            i = order[j]
            h = w[i] @ y
            return y.at[i].set(jnp.where(h > 0, 1.0, jnp.where(h < 0, -1.0, y[i])))

        return jax.lax.fori_loop(0, n, body, x)

    assert bool(jnp.all(ours(net, x0, k3) == hand(net.weights, x0, k3)))
    calls = {"brainjax": (ours, (net, x0, k3)), "fori_loop": (hand, (net.weights, x0, k3))}
    return _time_pair(calls, 10 * repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--json", type=str, default=None)
    opts = parser.parse_args()
    repeats = 3 if opts.quick else 10
    records = []
    for bench, size, impls in (
        ("modern_hopfield_retrieval", "d=256,P=10000,q=1000", modern(10_000, 256, 1000, repeats)),
        ("classical_async_sweep", "N=1000", classical(1000, repeats)),
    ):
        base = min(v[0] for k, v in impls.items() if k != "brainjax")
        for impl, (runtime, compile_s) in impls.items():
            records.append(
                {
                    "bench": bench,
                    "impl": impl,
                    "size": size,
                    "runtime_s": runtime,
                    "compile_s": compile_s,
                    "ratio": runtime / base,
                }
            )
    print(f"{'bench':28s} {'impl':10s} {'runtime (ms)':>13s} {'ratio':>7s}")
    for r in records:
        print(f"{r['bench']:28s} {r['impl']:10s} {1e3 * r['runtime_s']:13.2f} {r['ratio']:7.2f}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(records, f, indent=1)


if __name__ == "__main__":
    main()
