"""Spike propagation: event-driven == dense, exact delays, gradients, spike monitors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax import connect, network

KEY = jax.random.key(0)
EXC = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
INH = bj.synapses.Exponential(tau=10.0, output=bj.synapses.COBA(e_rev=-80.0))


def ei_network(propagation, delay=0.0):
    """A small Vogels-Abbott-like E/I network (COBA synapses), with optional delays."""
    keys = jax.random.split(KEY, 6)

    def cell(n, k):
        return bj.neurons.LIF(
            n=n,
            tau_m=20.0,
            c_m=200.0,
            v_rest=-60.0,
            v_reset=-60.0,
            v_th=-50.0,
            t_ref=5.0,
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
    )


def run(net, t1=100.0):
    return bj.simulate(net, t1=t1, dt=0.1, inputs={"E": 250.0, "I": 250.0})


def test_event_driven_equals_dense_with_delays():
    """Same seed, same synapses: the dense path, the event-driven path, and the
    event-driven path forced through its exact fallback (max_spikes=2) give identical
    spikes, with heterogeneous delays through the ring buffer (zero delays: see
    `test_bounded_spike_monitors_agree_with_dense_record`)."""
    delay = connect.Uniform(0.5, 2.0)
    dense = run(ei_network(network.Dense(), delay))
    sparse = run(ei_network(network.EventDriven(), delay))
    small = run(ei_network(network.EventDriven(max_spikes=2), delay))
    spikes = {k: np.asarray(v) for k, v in dense.spikes.items()}
    assert spikes["E"].sum() > 50 and spikes["I"].sum() > 10  # the network is active
    assert spikes["E"].sum(axis=1).max() > 2  # some steps overflow max_spikes=2
    for sol in (sparse, small):
        for name in ("E", "I"):
            np.testing.assert_array_equal(np.asarray(sol.spikes[name]), spikes[name])
    net = ei_network(network.EventDriven(), delay)
    ref = ei_network(network.Dense(), delay)
    np.testing.assert_allclose(
        net.projections[0].effective_weights(), ref.projections[0].weights, rtol=0, atol=0
    )


def relay(delay, propagation, pre=(0,), post=(0,)):
    """One driven neuron -> silent targets; record the targets' synaptic variable."""
    rule = connect.FromIndices(list(pre), list(post), weight=50.0, delay=delay)
    net = bj.Network(
        {"pre": bj.neurons.LIF(n=1), "post": bj.neurons.LIF(n=max(post) + 1)},
        [bj.Projection("pre", "post", rule, bj.synapses.Exponential(), propagation=propagation)],
    )
    monitor = bj.Monitor(select=lambda y: y.synapses[0])
    sol = bj.simulate(net, t1=30.0, dt=0.1, inputs={"pre": 600.0}, monitor=monitor)
    return np.asarray(sol.ys), np.asarray(sol.spikes["pre"])


@pytest.mark.parametrize("propagation", [network.Dense(), network.EventDriven()])
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
        sol = bj.simulate(
            net,
            t1=60.0,
            dt=0.1,
            inputs=drive,
            monitor=bj.Monitor(select=lambda y: y.neurons["out"].v),
        )
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
    sol = run(ei_network(network.Dense()))
    monitor = bj.Monitor(every=100, spikes=True, events=40, rates=True, spike_counts=True)
    recorded = bj.simulate(
        ei_network(network.EventDriven()),
        t1=100.0,
        dt=0.1,
        inputs={"E": 250.0, "I": 250.0},
        monitor=monitor,
    )
    for name in ("E", "I"):
        dense = np.asarray(sol.spikes[name])
        np.testing.assert_array_equal(np.asarray(recorded.spikes[name]), dense)
        np.testing.assert_array_equal(np.asarray(recorded.spike_counts[name]), dense.sum(0))
        np.testing.assert_array_equal(np.asarray(recorded.population_counts[name]), dense.sum(1))
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


def test_deprecated_network_dt_warns_and_matches():
    """`Network(..., dt=)` still works (it steps the network at once) and gives the same
    spikes as passing `dt` to `simulate` only; without a step, delays are refused."""
    delay = connect.Uniform(0.5, 2.0)
    net = ei_network(network.EventDriven(), delay)
    with pytest.raises(ValueError, match="with_step"):
        net.init()
    with pytest.warns(DeprecationWarning, match="dt"):
        old = bj.Network(net.populations, [], dt=0.1)
    assert old.dt == 0.1 and net.with_step(0.1).dt == 0.1
    stepped = net.with_step(0.1)
    state = stepped.reset(stepped.init(), stepped.spike(stepped.init()))  # no simulate needed
    assert state.buffers[0].depth == stepped.projections[0].depth == 21
    rule = connect.FromIndices([0, 0], [0, 1], weight=50.0, delay=[1.0, 2.5])
    spec = bj.Projection("pre", "post", rule, bj.synapses.Exponential())
    pops = {"pre": bj.neurons.LIF(n=1), "post": bj.neurons.LIF(n=2)}
    with pytest.warns(DeprecationWarning):
        old = bj.Network(pops, [spec], dt=0.1)
    new = bj.Network(pops, [spec])
    a, b = (bj.simulate(m, t1=20.0, dt=0.1, inputs={"pre": 600.0}) for m in (old, new))
    np.testing.assert_array_equal(np.asarray(a.final.synapses[0]), np.asarray(b.final.synapses[0]))
    assert float(np.asarray(a.final.synapses[0]).min()) > 0  # both delayed spikes arrived


def test_ring_buffer_future_input_matches_numpy():
    """Adds `lag` steps ahead (whole rows, scattered columns, per-entry slots), then
    pops one row per step: each value arrives exactly `lag` steps later."""
    depth, width = 4, 3
    rng = np.random.default_rng(0)
    buf = network.RingBuffer.zeros(depth, width)
    ref = np.zeros((depth, width))
    head = 0
    for step in range(10):
        row = rng.normal(size=width)
        lag = step % depth
        buf = buf.add_row(jnp.asarray(row, jnp.float32), lag)
        ref[(head + lag) % depth] += row
        cols = rng.integers(0, width, 5)
        vals = rng.normal(size=5)
        buf = buf.scatter(jnp.asarray(cols), jnp.asarray(vals, jnp.float32), (lag + 1) % depth)
        np.add.at(ref[(head + (lag + 1) % depth) % depth], cols, vals)
        lags = rng.integers(0, depth, 5)
        buf = buf.scatter_slots(
            network.RingBuffer.slots(lags, cols, width), jnp.asarray(vals, jnp.float32)
        )
        np.add.at(ref, ((head + lags) % depth, cols), vals)
        due, buf = buf.pop()
        np.testing.assert_allclose(np.asarray(due), ref[head], rtol=1e-5, atol=1e-6)
        ref[head] = 0.0
        head = (head + 1) % depth
        assert int(buf.head) == head


@pytest.mark.parametrize("mirrored", [True, False])
def test_ring_buffer_past_output_matches_numpy(mirrored):
    """Pushes one row per step and gathers per-entry lags (0: the row just pushed),
    from a constant history before the first push, as DelayScan does."""
    depth, width = 5, 3
    rng = np.random.default_rng(1)
    row0 = rng.normal(size=width)
    buf = network.RingBuffer.constant(jnp.asarray(row0, jnp.float32), depth)
    if not mirrored:
        buf = network.RingBuffer(buf.data[: depth * width], buf.head, depth, width)
    lags = rng.integers(0, depth, (width, width))
    columns = np.broadcast_to(np.arange(width), (width, width))
    index = buf.lag_index(lags, columns)
    history = [row0] * depth
    for _ in range(12):
        row = rng.normal(size=width)
        history.append(row)
        buf = buf.push(jnp.asarray(row, jnp.float32))
        past = np.asarray(buf.gather(index))
        expected = np.array(history)[len(history) - 1 - lags, columns]
        np.testing.assert_allclose(past, expected, rtol=1e-6)
        buf = buf.advance()


def test_with_step_is_jittable_and_weights_are_trainable():
    """The built projection exposes `weights` for `eqx.tree_at`; stepping happens
    inside `simulate`, also under `jax.jit` of a function of the network."""
    import equinox as eqx

    net = ei_network(network.EventDriven(), connect.Uniform(0.5, 2.0))
    w = net.projections[0].weights
    doubled = eqx.tree_at(lambda n: n.projections[0].weights, net, 2.0 * w)
    run_ = eqx.filter_jit(lambda n: run(n, t1=5.0).final.synapses[0])
    assert np.isfinite(np.asarray(run_(doubled))).all()
