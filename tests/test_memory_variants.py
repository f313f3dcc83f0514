"""Seed variants of the classical Hopfield network: diluted patterns and parallel
retrieval, noisy storage, sparse patterns with an adapted threshold."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax import memory


def _bipolar(key, shape):
    return jnp.where(jax.random.bernoulli(key, 0.5, shape), 1.0, -1.0)


@jax.jit
def _retrieve(net, queries, keys):
    run = lambda q, k: bj.relax(net, q, method=bj.Asynchronous(), key=k, max_steps=30)
    return jax.vmap(run)(queries, keys)


@jax.jit
def _multitask(key, d):
    """Overlaps after retrieval from a graded mixture of P = 3 diluted patterns."""
    n, p = 2000, 3
    k_blank, k_sign, k_tie, k_flip, k_run = jax.random.split(key, 5)
    blank = jax.random.bernoulli(k_blank, d, (p, n))
    xi = jnp.where(blank, 0.0, _bipolar(k_sign, (p, n)))
    net = memory.ClassicalHopfield(xi, units=memory.Bipolar(diluted=True))
    mix = xi.T @ 0.5 ** jnp.arange(p)  # xi_1 + xi_2 / 2 + xi_3 / 4
    x0 = jnp.where(mix == 0, _bipolar(k_tie, (n,)), jnp.sign(mix))
    x0 = jnp.where(jax.random.bernoulli(k_flip, 0.1, (n,)), -x0, x0)  # 10 % noise
    out = bj.relax(net, x0, method=bj.Asynchronous(), key=k_run, max_steps=30)
    return xi @ out.x / n, out.converged


def test_diluted_patterns_parallel_retrieval():
    """Agliari, Barra, Galluzzi, Guerra & Moauro (PRL 2012): Hebbian storage of ternary
    patterns with dilution d gives, at low load and zero noise, the hierarchical
    parallel-retrieval state with overlaps m_k = (1 - d) d^(k - 1). N = 2000, P = 3,
    mean over 8 pattern sets (finite-N spread of m_2 ~ 0.015). Without dilution only
    one pattern is retrieved."""
    keys = jax.random.split(jax.random.key(1), 8)
    for d in (0.0, 0.3, 0.5):
        m, converged = jax.vmap(_multitask, (0, None))(keys, d)
        assert bool(jnp.all(converged))
        m = -np.sort(-np.abs(np.asarray(m)), axis=1).mean(axis=0)  # m_1 >= m_2 >= m_3
        theory = (1 - d) * d ** np.arange(3)
        assert abs(m[0] - theory[0]) < 0.015, (d, m)
        assert abs(m[1] - theory[1]) < 0.03, (d, m)  # |random overlap| ~ 0.02 at d = 0
        if d > 0:
            assert m[1] > 0.2  # two patterns retrieved at once


def test_noisy_storage_degrades_gracefully():
    """Storing patterns with a fraction f of flipped bits: at low load (P = 0.05 N) the
    network retrieves the stored, corrupted pattern, so the overlap with the clean one
    is 1 - 2 f (binomial spread 2 sqrt(f (1 - f) / N) <= 0.025 at N = 1000): a linear,
    graceful decline, above 0.9 for f <= 0.02."""
    n, p, n_query = 1000, 50, 8
    k_pat, k_query, k_run = jax.random.split(jax.random.key(2), 3)
    xi = _bipolar(k_pat, (p, n))
    queries = memory.corrupt(xi[:n_query], 0.1, k_query)
    means = []
    for i, flip in enumerate((0.0, 0.02, 0.05, 0.1, 0.2)):
        net = memory.ClassicalHopfield(memory.corrupt(xi, flip, jax.random.key(10 + i)))
        out = _retrieve(net, queries, jax.random.split(k_run, n_query))
        overlaps = np.asarray(jnp.mean(out.x * xi[:n_query], axis=1))
        assert abs(overlaps.mean() - (1 - 2 * flip)) < 0.025, (flip, overlaps)
        means.append(overlaps.mean())
        if flip <= 0.02:
            assert overlaps.min() > 0.9
    assert np.all(np.diff(means) < 0)


@jax.jit
def _sparse_overlaps(v, threshold, key):
    """Normalized overlaps (v - a) . x / ((v - a) . v) after synchronous retrieval from
    10 % dropped active units (1 = the pattern exactly), and the final activities."""
    a = jnp.mean(v)
    net = memory.ClassicalHopfield(
        v, rule=memory.Covariance(), units=memory.Binary(), threshold=threshold
    )
    queries = v[:8] * (1 - jax.random.bernoulli(key, 0.1, v[:8].shape))
    out = jax.vmap(lambda q: bj.relax(net, q, method=bj.Synchronous(), max_steps=30))(queries)
    c = v[:8] - a
    return jnp.sum(c * out.x, 1) / jnp.sum(c * v[:8], 1), jnp.mean(out.x, 1)


def test_sparse_patterns_beyond_dense_capacity():
    """Tsodyks & Feigel'man (1988): with the covariance rule, sparse 0/1 patterns of
    activity a = 0.1 are stored at P = 0.2 N (> 0.138 N of dense +-1 patterns) when the
    threshold sits between the fields of active (1 - a) and silent (-a) units; with
    threshold 0 the silent units turn on and retrieval fails. Dense +-1 patterns with
    Hebb's rule fail at the same load (Amit et al. 1985)."""
    n, p, a = 1000, 200, 0.1
    k_pat, k_query, k_dense = jax.random.split(jax.random.key(3), 3)
    v = jax.random.bernoulli(k_pat, a, (p, n)).astype(float)
    adapted, activity = _sparse_overlaps(v, 0.5 - a, k_query)
    assert float(adapted.min()) > 0.9, adapted
    assert np.allclose(activity, a, atol=0.03)
    zero, activity = _sparse_overlaps(v, 0.0, k_query)
    assert float(zero.max()) < 0.5, zero
    assert float(activity.min()) > 0.3  # runaway activity
    xi = _bipolar(k_dense, (p, n))
    dense = memory.ClassicalHopfield(xi)
    out = _retrieve(dense, memory.corrupt(xi[:8], 0.1, k_query), jax.random.split(k_dense, 8))
    assert float(jnp.mean(out.x * xi[:8])) < 0.6


def test_variant_bad_input():
    xi = _bipolar(jax.random.key(0), (3, 10))
    ternary = xi.at[0, :3].set(0.0)
    memory.ClassicalHopfield(ternary, units=memory.Bipolar(diluted=True))
    with pytest.raises(ValueError, match="patterns"):
        memory.ClassicalHopfield(ternary)  # blanks need diluted=True
    with pytest.raises(ValueError, match="diluted"):
        memory.ClassicalHopfield(ternary.at[0, 0].set(0.5), units=memory.Bipolar(diluted=True))
    with pytest.raises(ValueError, match="flip"):
        memory.corrupt(xi, 1.5, jax.random.key(0))
    with pytest.raises(ValueError, match="units"):
        memory.corrupt(xi, 0.1, jax.random.key(0), units="bipolar")
    binary = memory.corrupt((xi + 1) / 2, 1.0, jax.random.key(0), units=memory.Binary())
    assert bool(jnp.all(binary == (1 - xi) / 2))
    assert bool(jnp.all(memory.corrupt(ternary, 1.0, jax.random.key(0)) == -ternary))
