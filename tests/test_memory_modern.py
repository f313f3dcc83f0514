"""Modern Hopfield network and Hopfield layers (Ramsauer et al. 2020)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax import memory


def test_large_beta_retrieves_nearest_of_10000_patterns():
    """Ramsauer et al. (2020), Theorem 4: with large beta one update retrieves the
    stored pattern nearest the query (10^4 random patterns of dimension 256)."""
    p, d, n_query = 10_000, 256, 64
    k_pat, k_noise, k_pick = jax.random.split(jax.random.key(0), 3)
    x = jax.random.normal(k_pat, (p, d)) / jnp.sqrt(d)  # unit-norm on average
    picks = jax.random.choice(k_pick, p, (n_query,), replace=False)
    queries = x[picks] + 0.3 * jax.random.normal(k_noise, (n_query, d)) / jnp.sqrt(d)
    net = memory.ModernHopfield(x, beta=50.0)
    out = jax.jit(jax.vmap(net.update))(queries)
    nearest = jnp.argmax(queries @ x.T, axis=1)  # nearest in the dot-product sense
    assert bool(jnp.all(nearest == picks))
    np.testing.assert_allclose(out, x[nearest], atol=1e-3)


def test_small_beta_gives_pattern_mean_and_three_regimes():
    """beta -> 0: the fixed point is the global average; intermediate beta: a metastable
    average over a cluster of similar patterns; large beta: a single pattern."""
    d = 64
    k1, k2, k3 = jax.random.split(jax.random.key(1), 3)
    centres = 3.0 * jax.random.normal(k1, (2, d)) / jnp.sqrt(d)
    x = jnp.repeat(centres, 4, axis=0) + 0.3 * jax.random.normal(k2, (8, d)) / jnp.sqrt(d)
    x = 3.0 * x / jnp.linalg.norm(x, axis=1, keepdims=True)  # equal norms
    query = x[0] + 0.05 * jax.random.normal(k3, (d,)) / jnp.sqrt(d)

    def fixed_point(beta):
        net = memory.ModernHopfield(x, beta=beta)
        out = bj.relax(net, query, method=bj.Synchronous(), max_steps=200)
        assert bool(out.converged)
        return out.x, net.attention(out.x)

    xi, _ = fixed_point(1e-4)
    np.testing.assert_allclose(xi, x.mean(axis=0), atol=1e-3)
    xi, weights = fixed_point(2.0)  # metastable: the cluster of pattern 0
    np.testing.assert_allclose(weights[:4].sum(), 1.0, atol=1e-3)
    assert float(jnp.max(weights)) < 0.5
    np.testing.assert_allclose(xi, x[:4].mean(axis=0), atol=0.05)
    xi, weights = fixed_point(200.0)
    assert float(weights[0]) > 0.999
    np.testing.assert_allclose(xi, x[0], atol=1e-3)


def test_update_decreases_energy_and_matches_gradient_flow():
    x = jax.random.normal(jax.random.key(2), (20, 16))
    net = memory.ModernHopfield(x, beta=0.5)
    xi = jax.random.normal(jax.random.key(3), (16,))
    energies = [net.energy(xi)]
    for _ in range(5):
        xi = net.update(xi)
        energies.append(net.energy(xi))
    assert np.all(np.diff(np.asarray(energies)) <= 1e-5)  # Ramsauer et al. Theorem 1
    flow = bj.relax(net, x[3] * 0.5, max_steps=1000)
    assert bool(flow.converged)  # the flow's equilibrium is a fixed point of the update
    np.testing.assert_allclose(net.update(flow.x), flow.x, atol=1e-3)
    assert np.all(np.diff(np.asarray(flow.energies)) <= 1e-5)


def test_gradient_through_relax_matches_finite_differences():
    x = jax.random.normal(jax.random.key(4), (6, 5))
    query = x[1] + 0.5 * jax.random.normal(jax.random.key(5), (5,))
    w = jnp.linspace(-1.0, 1.0, 5)

    def loss(beta, patterns, method):
        net = memory.ModernHopfield(patterns, beta=beta)
        return w @ bj.relax(net, query, method=method, rtol=1e-7, atol=1e-7, max_steps=500).x

    for method in (bj.GradientFlow(), bj.Synchronous()):
        g_beta, g_x = jax.grad(loss, argnums=(0, 1))(0.7, x, method)
        eps = 1e-3
        fd = (loss(0.7 + eps, x, method) - loss(0.7 - eps, x, method)) / (2 * eps)
        np.testing.assert_allclose(g_beta, fd, rtol=2e-2, atol=1e-3)
        e = jnp.zeros_like(x).at[1, 2].set(eps)
        fd = (loss(0.7, x + e, method) - loss(0.7, x - e, method)) / (2 * eps)
        np.testing.assert_allclose(g_x[1, 2], fd, rtol=2e-2, atol=1e-3)


def test_layers_equal_softmax_attention():
    key = jax.random.key(6)
    k_layer, k_r, k_y = jax.random.split(key, 3)
    r = jax.random.normal(k_r, (7, 16))
    y = jax.random.normal(k_y, (11, 12))

    def attention(q, k, v, beta):  # textbook scaled dot-product attention, in NumPy
        logits = float(beta) * np.asarray(q, float) @ np.asarray(k, float).T
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        return weights / weights.sum(axis=1, keepdims=True) @ np.asarray(v, float)

    layer = memory.HopfieldLayer(16, num_patterns=11, key_size=8, out_size=4, key=k_layer)
    q = r @ layer.query.weight.T
    np.testing.assert_allclose(
        layer(r), attention(q, layer.keys, layer.values, layer.beta), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(layer.beta, 1 / np.sqrt(8))
    hop = memory.HopfieldAttention(16, 12, key_size=8, out_size=4, beta=2.0, key=k_layer)
    expected = attention(r @ hop.query.weight.T, y @ hop.key.weight.T, y @ hop.value.weight.T, 2.0)
    np.testing.assert_allclose(hop(r, y), expected, rtol=1e-5, atol=1e-6)
    pool = memory.HopfieldPooling(12, num_queries=2, key_size=8, out_size=4, key=k_layer)
    expected = attention(pool.queries, y @ pool.key.weight.T, y @ pool.value.weight.T, pool.beta)
    np.testing.assert_allclose(pool(y), expected, rtol=1e-5, atol=1e-6)
    assert pool(y[:3]).shape == (2, 4)  # any set size
    # The layer is one modern-Hopfield update with the projected patterns as memories.
    net = memory.ModernHopfield(layer.keys, beta=layer.beta)
    np.testing.assert_allclose(
        jax.vmap(net.attention)(q) @ layer.values, layer(r), rtol=1e-5, atol=1e-6
    )
    grads = jax.grad(lambda m: jnp.sum(m(r) ** 2))(layer)
    assert np.all(np.isfinite(np.asarray(grads.beta))) and float(jnp.abs(grads.keys).sum()) > 0


def test_bad_input():
    x = jnp.ones((3, 4))
    with pytest.raises(ValueError, match="beta"):
        memory.ModernHopfield(x, beta=0.0)
    with pytest.raises(ValueError, match="beta"):
        memory.ModernHopfield(x, beta=-1.0)
    with pytest.raises(ValueError, match="patterns"):
        memory.ModernHopfield(x.at[0, 0].set(jnp.inf))
    with pytest.raises(ValueError, match="patterns"):
        memory.ModernHopfield(jnp.ones(4))
    with pytest.raises(ValueError, match="x0"):
        bj.relax(memory.ModernHopfield(x), jnp.ones(5))  # query of the wrong dimension
    with pytest.raises(ValueError, match="beta"):
        memory.HopfieldLayer(4, num_patterns=3, key_size=2, out_size=1, beta=0.0, key=None)
    with pytest.raises(ValueError, match="key_size"):
        memory.HopfieldAttention(4, 4, key_size=0, out_size=1, key=jax.random.key(0))


def test_deprecated_hopfield_layer_alias_warns_and_works():
    with pytest.warns(DeprecationWarning, match="HopfieldAttention"):
        cls = memory.Hopfield
    layer = cls(4, 6, key_size=3, out_size=2, key=jax.random.key(0))
    assert isinstance(layer, memory.HopfieldAttention)
    assert layer(jnp.ones((5, 4)), jnp.ones((7, 6))).shape == (5, 2)
