"""Classical, continuous and dense Hopfield networks against published results."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import brainjax as bj
from brainjax import memory


def _patterns(key, p, n):
    return jnp.where(jax.random.bernoulli(key, 0.5, (p, n)), 1.0, -1.0)


def _retrieval_overlaps(n, p, n_query, key):
    """Mean overlap after asynchronous retrieval from 10 % flipped bits."""
    k_pat, k_flip, k_run = jax.random.split(key, 3)
    xi = _patterns(k_pat, p, n)
    net = memory.ClassicalHopfield(xi)
    flips = jnp.where(jax.random.bernoulli(k_flip, 0.1, (n_query, n)), -1.0, 1.0)
    out = _async_batch(net, xi[:n_query] * flips, jax.random.split(k_run, n_query))
    return np.asarray(jnp.mean(out.x * xi[:n_query], axis=1)), out


@jax.jit
def _async_batch(net, queries, keys):
    run = lambda q, k: bj.relax(net, q, method=bj.Asynchronous(), key=k, max_steps=30)
    return jax.vmap(run)(queries, keys)


def test_capacity_edge_n1000():
    """Amit, Gutfreund & Sompolinsky (1985): Hebbian capacity 0.138 N. With N = 1000,
    retrieval from 10 % noise succeeds at P = 0.1 N and fails at P = 0.2 N."""
    below, out = _retrieval_overlaps(1000, 100, 8, jax.random.key(0))
    above, _ = _retrieval_overlaps(1000, 200, 8, jax.random.key(1))
    assert below.min() > 0.95, below
    assert above.mean() < 0.5, above
    energies = np.asarray(out.energies)
    assert np.all(np.diff(energies, axis=1) <= 1e-3)  # one sweep never raises E


@pytest.mark.slow
def test_capacity_curve_n1000():
    """The overlap falls from ~1 to below 0.5 between 0.12 N and 0.16 N (a sharp
    transition at alpha_c = 0.138 for N -> inf, smoothed at finite N)."""
    means = {}
    for alpha in (0.05, 0.1, 0.12, 0.16, 0.2, 0.25):
        overlaps, _ = _retrieval_overlaps(1000, int(alpha * 1000), 32, jax.random.key(7))
        means[alpha] = overlaps.mean()
    assert means[0.05] > 0.99 and means[0.1] > 0.97
    assert means[0.2] < 0.5 and means[0.25] < 0.5


@jax.jit
def _unit_by_unit_energies(net, x, key):
    order = jax.random.permutation(key, jnp.tile(jnp.arange(x.size), 3))

    def step(y, i):
        y = net.update_unit(y, i)
        return y, net.energy(y)

    return jnp.concatenate([net.energy(x)[None], jax.lax.scan(step, x, order)[1]])


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    rule=st.sampled_from(["hebbian", "storkey", "pinv"]),
    binary=st.booleans(),
    dense=st.booleans(),
)
def test_energy_never_increases_under_async_updates(seed, rule, binary, dense):
    n, p = 24, 6  # fixed shapes: one compilation per model type
    k_pat, k_x, k_run = jax.random.split(jax.random.key(seed), 3)
    xi = _patterns(k_pat, p, n)
    x = _patterns(k_x, 1, n)[0]
    if dense:
        net = memory.DenseAssociativeMemory(xi, interaction=memory.PolynomialInteraction(3))
    else:
        rules = {"hebbian": memory.Hebbian(), "storkey": memory.Storkey()}
        units = memory.Binary() if binary else memory.Bipolar()
        if binary:
            xi, x = (xi + 1) / 2, (x + 1) / 2
        threshold = jax.random.normal(k_run, (n,)) * 0.1
        net = memory.ClassicalHopfield(
            xi, rule=rules.get(rule, memory.PseudoInverse()), units=units, threshold=threshold
        )
    energies = np.asarray(_unit_by_unit_energies(net, x, k_run))
    assert np.all(np.diff(energies) <= 1e-5 * (1 + np.abs(energies[1:])))


def test_storage_rules():
    """Every stored pattern is a fixed point of the pseudo-inverse rule (Personnaz et
    al. 1985) even for correlated patterns and P = 0.3 N, where Hebb's rule fails."""
    n, p = 100, 30
    base = _patterns(jax.random.key(3), 1, n)
    noise = jnp.where(jax.random.bernoulli(jax.random.key(4), 0.2, (p, n)), -1.0, 1.0)
    xi = base * noise  # correlated: pairwise overlap ~0.36
    pinv = memory.ClassicalHopfield(xi, rule=memory.PseudoInverse())
    hebb = memory.ClassicalHopfield(xi)
    assert bool(jnp.all(jax.vmap(pinv.update)(xi) == xi))
    assert not bool(jnp.all(jax.vmap(hebb.update)(xi) == xi))
    # Storkey (1997): random patterns up to ~N / sqrt(2 ln N) = 33 are fixed points
    rand = _patterns(jax.random.key(12), 20, n)
    storkey = memory.ClassicalHopfield(rand, rule=memory.Storkey())
    assert bool(jnp.all(jax.vmap(storkey.update)(rand) == rand))


def test_binary_units_sparse_patterns_with_threshold():
    """Sparse 0/1 patterns (activity a = 0.1) with the covariance rule and the threshold
    1/2 - a between the fields of active (1 - a) and silent (-a) units are retrieved
    from 20 % dropped units at P = 0.15 N, beyond the 0.138 N of dense +-1 patterns
    (Tsodyks & Feigel'man 1988)."""
    n, p, a = 400, 60, 0.1
    v = jax.random.bernoulli(jax.random.key(5), a, (p, n)).astype(float)
    net = memory.ClassicalHopfield(
        v, rule=memory.Covariance(), units=memory.Binary(), threshold=0.5 - a
    )
    drop = jax.random.bernoulli(jax.random.key(6), 0.2, (8, n))
    queries = v[:8] * (1 - drop)
    out = jax.vmap(lambda q: bj.relax(net, q, method=bj.Synchronous(), max_steps=20))(queries)
    assert bool(jnp.all(out.converged))
    assert float(jnp.mean(out.x == v[:8])) > 0.995


def test_continuous_hopfield_flow_decreases_energy_and_retrieves():
    """Hopfield (1984): E decreases along tau du/dt = -u + W tanh(gain u); at high gain the
    attractor has the signs of the stored pattern."""
    n = 64
    xi = _patterns(jax.random.key(8), 3, n)
    net = memory.ContinuousHopfield(xi, gain=4.0)
    flip = jnp.where(jax.random.bernoulli(jax.random.key(9), 0.15, (n,)), -1.0, 1.0)
    u0 = 0.1 * xi[0] * flip
    out = bj.relax(net, u0, max_steps=1000)
    assert bool(out.converged)
    energies = np.asarray(out.energies)
    assert np.all(np.diff(energies) <= 1e-5 * (1 + np.abs(energies[1:])))
    assert float(jnp.mean(jnp.sign(out.x) == xi[0])) == 1.0


def _dense_capacity(n, order, key, n_query=20):
    """Largest P (on a grid) with >= 90 % of queries (5 % flipped bits) retrieved
    exactly in one synchronous step (Krotov & Hopfield 2016)."""
    grid = np.unique(np.round(np.geomspace(2, 0.2 * n ** (order - 1), 24)).astype(int))
    pmax = max(int(grid[-1]), n_query)
    k_pat, k_flip = jax.random.split(key)
    xi = _patterns(k_pat, pmax, n)
    flips = jnp.where(jax.random.bernoulli(k_flip, 0.05, (n_query, n)), -1.0, 1.0)

    def success(p):  # zero rows add nothing to a polynomial energy: one shape for all P
        stored = xi * (jnp.arange(pmax) < p)[:, None]
        net = memory.DenseAssociativeMemory(stored, interaction=memory.PolynomialInteraction(order))
        out = jax.vmap(net.update)(xi[:n_query] * flips)
        valid = jnp.arange(n_query) < p
        return jnp.sum(jnp.all(out == xi[:n_query], axis=1) * valid) / jnp.sum(valid)

    rates = np.asarray(jax.jit(jax.vmap(success))(jnp.asarray(grid)))
    return grid[rates >= 0.9].max()


def test_dense_capacity_grows_superlinearly_with_order():
    """Krotov & Hopfield (2016): capacity ~ N^(n-1). Measured at N = 50 and 100, the
    exponent is ~1 (sub-linear with the log correction) for n = 2 and ~2 for n = 3."""
    caps = {
        (n, order): _dense_capacity(n, order, jax.random.key(10 * n + order))
        for n in (50, 100)
        for order in (2, 3)
    }
    exponent = {o: np.log2(caps[100, o] / caps[50, o]) for o in (2, 3)}
    assert exponent[2] < 1.3, caps
    assert exponent[3] > 1.6, caps
    assert caps[50, 3] > 4 * caps[50, 2] and caps[100, 3] > 8 * caps[100, 2]


def test_exponential_interaction_stores_many_patterns():
    """Demircigil et al. (2017): exponential capacity. N = 32 units store P = 256 > N
    patterns, retrieved exactly from 3 flipped bits."""
    n, p = 32, 256
    xi = _patterns(jax.random.key(11), p, n)
    net = memory.DenseAssociativeMemory(xi, interaction=memory.ExponentialInteraction())
    flips = jnp.ones((16, n)).at[:, :3].set(-1.0)
    out = jax.vmap(lambda q: bj.relax(net, q, method=bj.Synchronous(), max_steps=10))(
        xi[:16] * flips
    )
    assert bool(jnp.all(out.x == xi[:16]))


def test_bad_input():
    xi = _patterns(jax.random.key(0), 3, 10)
    with pytest.raises(ValueError, match="patterns"):
        memory.ClassicalHopfield(xi[0])
    with pytest.raises(ValueError, match="patterns"):
        memory.ClassicalHopfield(xi.at[0, 0].set(jnp.nan))
    with pytest.raises(ValueError, match="Bipolar"):
        memory.ClassicalHopfield((xi + 1) / 2)  # 0/1 patterns with +-1 units
    with pytest.raises(ValueError, match="units"):
        memory.ClassicalHopfield(xi, units="tanh")
    with pytest.raises(ValueError, match="rule"):
        memory.ClassicalHopfield(xi, rule="hebb")
    with pytest.raises(ValueError, match="threshold"):
        memory.ClassicalHopfield(xi, threshold=jnp.zeros(4))
    with pytest.raises(ValueError, match="gain"):
        memory.ContinuousHopfield(xi, gain=0.0)
    with pytest.raises(ValueError, match="interaction"):
        memory.DenseAssociativeMemory(xi, interaction=3)
    with pytest.raises(ValueError, match="n"):
        memory.PolynomialInteraction(0)
    with pytest.raises(ValueError, match="x0"):
        bj.relax(memory.ClassicalHopfield(xi), jnp.ones(11), method=bj.Synchronous())


@pytest.mark.parametrize(
    ("old", "new", "args"),
    [("Exponential", "ExponentialInteraction", ()), ("Polynomial", "PolynomialInteraction", (3,))],
)
def test_deprecated_interaction_aliases_warn_and_work(old, new, args):
    with pytest.warns(DeprecationWarning, match=new):
        cls = getattr(memory, old)
    assert cls is getattr(memory, new)
    xi = jnp.sign(jax.random.normal(jax.random.key(0), (2, 16)))
    net = memory.DenseAssociativeMemory(xi, interaction=cls(*args))
    assert jnp.isfinite(net.energy(xi[0]))
