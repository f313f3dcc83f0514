"""Event-driven plasticity on sparse projections equals the dense rule (issue 13 item 3):
the same synapses, the same rule, `EventDriven` vs `Dense`, weights after 200 ms."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax import network

W0, W_MAX = 3.0, 6.0


def _network(propagation, rule, n: int = 100):
    keys = jax.random.split(jax.random.key(1), 3)
    cell = bj.neurons.LIF(
        n=n, tau_m=20.0, c_m=200.0, v_rest=-60.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0,
        v_init=-55.0 + 5.0 * jax.random.normal(keys[0], (n,)),
    )  # fmt: skip
    syn = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
    proj = bj.Projection(
        "E", "E", bj.connect.FixedProb(0.1, weight=W0), syn, key=keys[1],
        plasticity=rule, propagation=propagation,
    )  # fmt: skip
    return bj.Network({"E": cell}, [proj])


def _final_weights(propagation, rule):
    net = _network(propagation, rule)
    monitor = bj.Monitor(every=2000, select=lambda y: None, spikes=False, spike_counts=True)
    sol = bj.simulate(net, t1=200.0, dt=0.1, inputs={"E": 400.0}, monitor=monitor)
    built = eqx.tree_at(lambda p: p.weights, net.projections[0], sol.final.plastic[0][0])
    return np.asarray(built.effective_weights()), sol.final.plastic[0][1]


RULES = {
    "pair-additive": bj.plasticity.STDP(
        a_plus=0.3, a_minus=0.32, weight_dependence=bj.plasticity.Additive(0.0, W_MAX)
    ),
    "pair-multiplicative": bj.plasticity.STDP(
        a_plus=0.3, a_minus=0.32, weight_dependence=bj.plasticity.Multiplicative(0.0, W_MAX)
    ),
    "pair-nearest": bj.plasticity.STDP(
        a_plus=0.3,
        a_minus=0.32,
        traces=bj.plasticity.Nearest(),
        weight_dependence=bj.plasticity.Additive(0.0, W_MAX),
    ),
    "triplet-additive": bj.plasticity.Triplet(
        a2_plus=0.1,
        a3_plus=0.2,
        a2_minus=0.2,
        a3_minus=0.05,
        weight_dependence=bj.plasticity.Additive(0.0, W_MAX),
    ),  # fmt: skip
    "triplet-multiplicative": bj.plasticity.Triplet(
        a2_plus=0.1,
        a3_plus=0.2,
        a2_minus=0.2,
        a3_minus=0.05,
        weight_dependence=bj.plasticity.Multiplicative(0.0, W_MAX),
    ),  # fmt: skip
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_event_driven_rule_equals_dense(name):
    """Float64 (so rounding does not hide a wrong update); `max_spikes=4` makes most
    steps busy (the loop over further passes, for pre rows and post columns)."""
    rule = RULES[name]
    with jax.enable_x64(True):
        w_event, state = _final_weights(network.EventDriven(max_spikes=4), rule)
        w_dense, _ = _final_weights(network.Dense(), rule)
    changed = np.abs(w_dense - W0 * (w_dense != 0)).max()
    assert changed > 0.1  # the rule did act
    assert w_event.dtype == np.float64
    np.testing.assert_allclose(w_event, w_dense, rtol=1e-6, atol=1e-12)
    for trace in jax.tree.leaves(state):  # per-neuron traces, no padding row
        assert trace.shape == (100,)


def test_event_driven_float32_close_to_dense():
    rule = RULES["pair-additive"]
    w_event, _ = _final_weights(network.EventDriven(), rule)
    w_dense, _ = _final_weights(network.Dense(), rule)
    np.testing.assert_allclose(w_event, w_dense, rtol=1e-5, atol=1e-5)


def test_post_synapse_index():
    """`incoming[j]` lists the flat positions of the stored synapses onto neuron `j`."""
    net = _network(network.EventDriven(), RULES["pair-additive"], n=50)
    proj = net.projections[0]
    assert proj.incoming is not None and proj.targets is not None
    width = proj.weights.shape[1]
    incoming = np.asarray(proj.incoming)
    assert incoming.shape[0] == 51 and np.all(incoming[-1] == 50 * width)
    targets = np.asarray(proj.targets).ravel()
    stored = np.arange(width)[None, :] < np.asarray(proj.degrees)[:, None]
    for j in range(50):
        flat = incoming[j][incoming[j] != 50 * width]
        expected = np.flatnonzero(stored.ravel() & (targets == j))
        np.testing.assert_array_equal(np.sort(flat), expected)
    static = _network(network.EventDriven(), None, n=50).projections[0]
    assert static.incoming is None  # only plastic projections hold it


def test_plastic_network_runs_under_x64():
    """The plastic weights join the scan carry in the default float dtype."""
    with jax.enable_x64(True):
        for propagation in (network.EventDriven(), network.Dense()):
            net = _network(propagation, RULES["pair-additive"], n=40)
            sol = bj.simulate(net, t1=5.0, dt=0.1, inputs={"E": 400.0})
            assert sol.final.plastic[0][0].dtype == jnp.float64
