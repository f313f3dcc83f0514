"""Connectivity rules: statistics against their definitions, seeding, memory, errors."""

import jax
import numpy as np
import pytest

import brainjax as bj
from brainjax import connect

KEY = jax.random.key(0)


def test_fixed_prob_in_degree_is_binomial():
    n_pre, n_post, p = 2000, 600, 0.05
    conn = connect.FixedProb(p).build(n_pre, n_post, KEY)
    deg = conn.in_degree()
    mean, var = n_pre * p, n_pre * p * (1 - p)  # Binomial(n_pre, p)
    assert abs(deg.mean() - mean) < 4 * np.sqrt(var / n_post)
    assert 0.8 * var < deg.var() < 1.2 * var
    assert np.all(np.diff(conn.pre) >= 0)  # sorted by pre
    pairs = conn.pre.astype(np.int64) * n_post + conn.post
    assert np.unique(pairs).size == pairs.size  # no repeated pair


def test_fixed_prob_autapses():
    n = 300
    without = connect.FixedProb(0.5).build(n, n, KEY, recurrent=True)
    assert not np.any(without.pre == without.post)
    # the self-pair is excluded, so in-degrees are Binomial(n - 1, p)
    assert abs(without.in_degree().mean() - 0.5 * (n - 1)) < 4 * np.sqrt(0.25 * (n - 1) / n)
    with_self = connect.FixedProb(0.5, autapses=True).build(n, n, KEY, recurrent=True)
    assert 100 < np.sum(with_self.pre == with_self.post) < 200  # Binomial(300, 0.5)
    everything = connect.FixedProb(1.0).build(n, n, KEY, recurrent=True)
    assert everything.pre.size == n * (n - 1)
    assert connect.FixedProb(0.0).build(n, n, KEY).pre.size == 0


def test_fixed_degrees_are_exact_and_distinct():
    conn = connect.FixedInDegree(40).build(500, 300, KEY)
    assert np.all(conn.in_degree() == 40)
    out = connect.FixedOutDegree(25).build(300, 300, KEY, recurrent=True)
    assert np.all(out.out_degree() == 25) and not np.any(out.pre == out.post)
    for c, n_post in ((conn, 300), (out, 300)):
        pairs = c.pre.astype(np.int64) * n_post + c.post
        assert np.unique(pairs).size == pairs.size
    dense_regime = connect.FixedInDegree(90).build(100, 50, KEY)  # k close to n_pre
    assert np.all(dense_regime.in_degree() == 90)


def test_deterministic_rules():
    one = connect.OneToOne(weight=2.0).build(5, 5)
    np.testing.assert_array_equal(one.pre, one.post)
    full = connect.AllToAll().build(4, 4, recurrent=True)
    np.testing.assert_array_equal(full.to_dense(), 1.0 - np.eye(4))
    w = np.array([[0.0, 1.5], [-2.0, 0.0], [0.0, 3.0]])
    np.testing.assert_array_equal(connect.FromMatrix(w).build(3, 2).to_dense(), w)
    idx = connect.FromIndices([2, 0, 0], [1, 1, 0], weight=[3.0, 4.0, 5.0], delay=[0.1, 0.2, 0.3])
    conn = idx.build(3, 2)
    np.testing.assert_array_equal(conn.pre, [0, 0, 2])  # sorted, values follow their synapse
    np.testing.assert_array_equal(conn.weight, [4.0, 5.0, 3.0])
    np.testing.assert_allclose(conn.delay, [0.2, 0.3, 0.1])


def test_seeding_and_distributions():
    rule = connect.FixedProb(0.1, weight=connect.Normal(2.0, 0.5), delay=connect.Uniform(1, 3))
    a, b = rule.build(400, 400, KEY), rule.build(400, 400, KEY)
    np.testing.assert_array_equal(a.post, b.post)
    np.testing.assert_array_equal(a.weight, b.weight)
    c = rule.build(400, 400, jax.random.key(1))
    assert a.post.size != c.post.size or np.any(a.post != c.post)
    assert abs(a.weight.mean() - 2.0) < 0.05 and abs(a.weight.std() - 0.5) < 0.05
    assert a.delay.min() >= 1.0 and a.delay.max() < 3.0
    lognormal = connect.FixedInDegree(50, weight=connect.LogNormal(0.0, 0.5)).build(100, 200, KEY)
    assert abs(np.log(lognormal.weight).mean()) < 0.05


def test_memory_is_proportional_to_synapses():
    """A 1e6-synapse rule between 20,000 neurons (4e8 pairs) allocates arrays of the
    synapse count, and the event-driven projection one padded row per neuron."""
    n, p = 20_000, 0.0025
    conn = connect.FixedProb(p).build(n, n, KEY)
    assert 0.95e6 < conn.pre.size < 1.05e6
    assert max(a.size for a in (conn.pre, conn.post, conn.weight, conn.delay)) == conn.pre.size
    proj = bj.Projection("A", "B", connect.FixedProb(p), bj.synapses.Exponential(), key=KEY)
    net = bj.Network({"A": bj.neurons.LIF(n=n), "B": bj.neurons.LIF(n=n)}, [proj])
    built = net.projections[0]
    rows, width = built.weights.shape
    assert rows == n + 1 and width < 3 * n * p  # padded to the largest out-degree
    assert built.targets.shape == built.weights.shape


def test_delay_rounding_to_steps():
    rule = connect.FromIndices([0, 0, 0], [0, 1, 2], delay=[0.04, 0.26, 1.0])
    proj = bj.Projection("A", "B", rule, bj.synapses.Exponential(), propagation=bj.network.Dense())
    net = bj.Network({"A": bj.neurons.LIF(n=1), "B": bj.neurons.LIF(n=3)}, [proj])
    built = net.projections[0]
    assert (built.min_delay, built.delay) == (np.float32(0.04), 1.0)  # kept in ms
    built = net.with_step(0.1).projections[0]
    assert built.depth == 11  # 1.0 ms = 10 steps
    slots = np.asarray(built.steps.slots)[0]
    np.testing.assert_array_equal(slots // 3, [0, 3, 10])  # 0.04 -> 0, 0.26 -> 3 steps


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: connect.FixedProb(1.5), "`p`"),
        (lambda: connect.FixedProb(-0.1), "`p`"),
        (lambda: connect.FixedProb(0.1, delay=-1.0), "`delay`"),
        (lambda: connect.FixedProb(0.1, delay=float("nan")), "`delay`"),
        (lambda: connect.FixedProb(0.1, weight=float("inf")), "`weight`"),
        (lambda: connect.FixedInDegree(0), "`k`"),
        (lambda: connect.FromIndices([0, 1], [0]), "`pre` and `post`"),
        (lambda: connect.FromIndices([0, -1], [0, 1]), "`post`|`pre`"),
        (lambda: connect.FromMatrix(np.ones(3)), "`matrix`"),
        (lambda: connect.FromMatrix(np.ones((2, 2)), delay=np.ones((3, 2))), "`delay`"),
        (lambda: connect.Uniform(2.0, 1.0), "`high`"),
        (lambda: bj.network.EventDriven(max_spikes=0), "`max_spikes`"),
        (lambda: connect.FixedProb(0.1).build(10, 10), "`key`"),
        (lambda: connect.FixedInDegree(20).build(10, 10, KEY), "degree 20"),
        (lambda: connect.OneToOne().build(3, 4), "n_pre == n_post"),
        (lambda: connect.FromIndices([0, 5], [0, 1]).build(3, 3), "`pre` index 5"),
        (lambda: connect.FromIndices([0, 1], [0, 1], weight=[1.0]).build(3, 3), "`weight`"),
        (lambda: connect.FixedProb(0.5, weight=np.ones(3)).build(3, 3, KEY), "`weight`"),
        (
            lambda: connect.FixedProb(0.5, delay=connect.Normal(0.0, 1.0)).build(50, 50, KEY),
            "`delay`",
        ),
    ],
)
def test_bad_input_raises(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_projections_raise():
    lif = {"A": bj.neurons.LIF(n=3), "B": bj.neurons.LIF(n=4)}
    syn = bj.synapses.Exponential()
    with pytest.raises(ValueError, match="shape"):  # pre/post size mismatch
        bj.Network(lif, [bj.Projection("A", "B", np.ones((4, 3)), syn)])
    with pytest.raises(ValueError, match="`matrix`"):
        bj.Network(lif, [bj.Projection("A", "B", connect.FromMatrix(np.ones((3, 3))), syn)])
    with pytest.raises(ValueError, match="`connectivity`"):
        bj.Projection("A", "B", np.ones(3), syn)
    with pytest.raises(ValueError, match="`synapse`"):
        bj.Projection("A", "B", np.ones((3, 4)), "exponential")
    with pytest.raises(ValueError, match="`propagation`"):
        bj.Projection("A", "B", np.ones((3, 4)), syn, propagation="dense")
    with pytest.raises(ValueError, match="not a population"):
        bj.Network(lif, [bj.Projection("A", "C", np.ones((3, 4)), syn)])
    delayed = bj.Projection("A", "B", connect.AllToAll(delay=1.0), syn)
    with pytest.raises(ValueError, match="with_step"):  # delays need the step
        bj.Network(lif, [delayed]).init()
    with pytest.warns(DeprecationWarning, match="dt"):
        net = bj.Network(lif, [delayed], dt=0.1)
    with pytest.raises(ValueError, match="`dt`"):  # the deprecated dt must match
        bj.simulate(net, t1=1.0, dt=0.05)


def test_propagation_aliases_in_connect_warn():
    for name in ("Dense", "EventDriven"):
        with pytest.warns(DeprecationWarning, match=f"brainjax.network.{name}"):
            alias = getattr(connect, name)
        assert alias is getattr(bj.network, name)
