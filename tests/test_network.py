"""Spike propagation: event-driven == dense, exact delays, gradients, spike monitors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax import connect

KEY = jax.random.key(0)
EXC = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
INH = bj.synapses.Exponential(tau=10.0, output=bj.synapses.COBA(e_rev=-80.0))


def ei_network(propagation, delay=0.0):
    """A small Vogels-Abbott-like E/I network (COBA synapses), with optional delays."""
    keys = jax.random.split(KEY, 6)

    def cell(n, k):
        return bj.neurons.LIF(
            n=n, tau_m=20.0, c_m=200.0, v_rest=-60.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0,
            v_init=-55.0 + 5.0 * jax.random.normal(k, (n,)),
        )

    def proj(pre, post, w, syn, k):
        rule = connect.FixedProb(0.1, weight=connect.Normal(w, 0.1 * w), delay=delay)
        return bj.Projection(pre, post, rule, syn, key=k, propagation=propagation)

    return bj.Network(
        {"E": cell(160, keys[0]), "I": cell(40, keys[1])},
        [
            proj("E", "E", 3.0, EXC, keys[2]),
            proj("E", "I", 3.0, EXC, keys[3]),
            proj("I", "E", 30.0, INH, keys[4]),
            proj("I", "I", 30.0, INH, keys[5]),
        ],
        dt=0.1,
    )


def run(net, t1=100.0):
    return bj.simulate(net, t1=t1, dt=0.1, inputs={"E": 250.0, "I": 250.0})


def test_event_driven_equals_dense_with_delays():
    """Same seed, same synapses: the dense path, the event-driven path, and the
    event-driven path forced through its exact fallback (max_spikes=2) give identical
    spikes, with heterogeneous delays through the ring buffer (zero delays: see
    `test_bounded_spike_monitors_agree_with_dense_record`)."""
    delay = connect.Uniform(0.5, 2.0)
    dense = run(ei_network(connect.Dense(), delay))
    sparse = run(ei_network(connect.EventDriven(), delay))
    small = run(ei_network(connect.EventDriven(max_spikes=2), delay))
    spikes = {k: np.asarray(v) for k, v in dense.spikes.items()}
    assert spikes["E"].sum() > 50 and spikes["I"].sum() > 10  # the network is active
    assert spikes["E"].sum(axis=1).max() > 2  # some steps overflow max_spikes=2
    for sol in (sparse, small):
        for name in ("E", "I"):
            np.testing.assert_array_equal(np.asarray(sol.spikes[name]), spikes[name])
    net = ei_network(connect.EventDriven(), delay)
    ref = ei_network(connect.Dense(), delay)
    np.testing.assert_allclose(
        net.projections[0].effective_weights(), ref.projections[0].weights, rtol=0, atol=0
    )


def relay(delay, propagation, pre=(0,), post=(0,)):
    """One driven neuron -> silent targets; record the targets' synaptic variable."""
    rule = connect.FromIndices(list(pre), list(post), weight=50.0, delay=delay)
    net = bj.Network(
        {"pre": bj.neurons.LIF(n=1), "post": bj.neurons.LIF(n=max(post) + 1)},
        [bj.Projection("pre", "post", rule, bj.synapses.Exponential(), propagation=propagation)],
        dt=0.1,
    )
    monitor = bj.Monitor(select=lambda y: y.synapses[0])
    sol = bj.simulate(net, t1=30.0, dt=0.1, inputs={"pre": 600.0}, monitor=monitor)
    return np.asarray(sol.ys), np.asarray(sol.spikes["pre"])


@pytest.mark.parametrize("propagation", [connect.Dense(), connect.EventDriven()])
def test_delays_shift_responses_by_exactly_the_delay(propagation):
    """Delays of 1.0 ms and 2.5 ms (10 and 25 steps) on two synapses of the same
    presynaptic neuron shift the postsynaptic response of each by exactly that many
    steps, compared with the undelayed response."""
    g0, spikes = relay(0.0, propagation)
    assert 0 < spikes.sum() < 5  # the first spike falls inside the run
    g, _ = relay([1.0, 2.5], propagation, pre=(0, 0), post=(0, 1))
    for column, shift in ((0, 10), (1, 25)):
        onset = np.argmax(g[:, column] > 0)
        assert onset == np.argmax(g0[:, 0] > 0) + shift
        # the same decay shifted (equal up to float32 rounding of the fused updates)
        np.testing.assert_allclose(g[shift:, column], g0[: len(g0) - shift, 0], rtol=1e-6)


def test_gradients_flow_through_dense_projection():
    """With the input layer's spikes independent of the weights and the output layer
    below threshold, the output potential is smooth in the weights: the surrogate-free
    gradient equals the finite difference."""
    w0 = 20.0 * jax.random.uniform(KEY, (8, 3))

    def loss(scale):
        net = bj.Network(
            {"in": bj.neurons.LIF(n=8), "out": bj.neurons.LIF(n=3)},
            [bj.Projection("in", "out", scale * w0, bj.synapses.Exponential())],
        )
        drive = {"in": 400.0 * jnp.linspace(1.0, 1.5, 8)}
        sol = bj.simulate(net, t1=60.0, dt=0.1, inputs=drive,
                          monitor=bj.Monitor(select=lambda y: y.neurons["out"].v))
        return jnp.mean(sol.ys)

    grad = jax.grad(loss)(1.0)
    eps = 1e-2
    fd = (loss(1.0 + eps) - loss(1.0 - eps)) / (2 * eps)
    assert grad > 0
    np.testing.assert_allclose(grad, fd, rtol=2e-3)


def test_bounded_spike_monitors_agree_with_dense_record():
    """The event-driven network (no delays) spikes exactly as the dense one, and its
    compressed events, per-step population counts and per-neuron counts hold the same
    spikes as the dense record; events beyond the capacity are counted only."""
    sol = run(ei_network(connect.Dense()))
    monitor = bj.Monitor(every=100, spikes=True, events=40, rates=True, spike_counts=True)
    recorded = bj.simulate(ei_network(connect.EventDriven()), t1=100.0, dt=0.1,
                           inputs={"E": 250.0, "I": 250.0}, monitor=monitor)
    for name in ("E", "I"):
        dense = np.asarray(sol.spikes[name])
        np.testing.assert_array_equal(np.asarray(recorded.spikes[name]), dense)
        np.testing.assert_array_equal(np.asarray(recorded.spike_counts[name]), dense.sum(0))
        np.testing.assert_array_equal(
            np.asarray(recorded.population_counts[name]), dense.sum(1)
        )
        events = recorded.events[name]
        assert int(events.count) == dense.sum() > 40
        times, neurons = sol.raster(sol.spikes[name])
        t_ev, n_ev = recorded.raster(events)
        np.testing.assert_allclose(t_ev, times[:40])
        np.testing.assert_array_equal(n_ev, neurons[:40])
    np.testing.assert_allclose(
        recorded.population_rate()["E"], np.asarray(sol.population_rate()["E"]), rtol=1e-6
    )
    np.testing.assert_allclose(
        recorded.mean_rates()["I"], np.asarray(sol.mean_rates()["I"]), rtol=1e-6
    )
