"""Event-driven projections are differentiable: the same forward spikes and the same
gradients (w.r.t. the drive, the weights on the stored synapses, the synaptic time
constant and the short-term plasticity parameters) as the dense projection, across
connectivity rules, synapse outputs, delays, short-term plasticity, STDP and busy
steps; forward mode too. Float64, so that the two summation orders agree to 1e-5."""

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax import connect, network

KEY = jax.random.key(3)
N_IN, N_OUT, T1 = 40, 40, 25.0
RTOL = 1e-5


def _rule(name: str, weight: Any, delay: Any) -> Any:
    rng = np.random.default_rng(0)
    normal: Any = connect.Normal(weight, 0.2 * weight)  # (distributions as weights)
    uniform: Any = connect.Uniform(0.5 * weight, weight)
    if name == "FixedProb":
        return connect.FixedProb(0.2, weight=normal, delay=delay)
    if name == "FixedInDegree":
        return connect.FixedInDegree(8, weight=weight, delay=delay)
    if name == "FixedOutDegree":
        return connect.FixedOutDegree(8, weight=uniform, delay=delay)
    if name == "OneToOne":
        return connect.OneToOne(weight=8.0 * weight, delay=delay)
    if name == "AllToAll":
        return connect.AllToAll(weight=connect.Normal(0.2 * weight, 0.05 * weight), delay=delay)
    if name == "FromIndices":
        pairs = rng.choice(N_IN * N_OUT, size=320, replace=False)
        return connect.FromIndices(pairs // N_OUT, pairs % N_OUT, weight=weight, delay=delay)
    assert name == "FromMatrix"
    matrix = np.where(rng.random((N_IN, N_OUT)) < 0.2, weight, 0.0)
    return connect.FromMatrix(matrix, delay=delay)


def _network(propagation, rule: str, *, stp=False, coba=False, delay: Any = 0.0, plasticity=None):
    output = bj.synapses.COBA(e_rev=0.0) if coba else bj.synapses.CUBA()
    synapse = bj.synapses.Exponential(tau=jnp.asarray(5.0), output=output)
    weight = 1.5 if coba else 90.0  # nS / pA
    depression = bj.synapses.TsodyksMarkram(U=jnp.asarray(0.4), tau_d=jnp.asarray(50.0))
    v0 = -65.0 + 5.0 * jax.random.normal(KEY, (N_OUT,))
    projection = bj.Projection(
        "in",
        "out",
        _rule(rule, weight, delay),
        synapse,
        stp=depression if stp else None,
        plasticity=plasticity,
        key=KEY,
        propagation=propagation,
    )
    cells = {"in": bj.neurons.LIF(n=N_IN), "out": bj.neurons.LIF(n=N_OUT, v_init=v0)}
    return bj.Network(cells, [projection])


def _loss(params, ramp=(1.0, 1.6)):
    """The mean potential of the output population, and both populations' spikes."""
    net, drive = params
    inputs = {"in": drive * jnp.linspace(ramp[0], ramp[1], N_IN), "out": 340.0}
    monitor = bj.Monitor(select=lambda y: y.neurons["out"].v)
    sol = bj.simulate(net, t1=T1, dt=0.1, inputs=inputs, monitor=monitor)
    assert sol.spikes is not None
    return jnp.mean(sol.ys), sol.spikes


def _gradients(net, drive=420.0, ramp=(1.0, 1.6)):
    loss = eqx.filter_value_and_grad(lambda p: _loss(p, ramp), has_aux=True)
    (_, spikes), (g_net, g_drive) = loss((net, jnp.asarray(drive)))
    return spikes, g_net, g_drive


def _as_float64(tree):
    is_f32 = lambda x: eqx.is_array(x) and x.dtype == jnp.float32  # noqa: E731
    return jax.tree.map(lambda x: x.astype(jnp.float64) if is_f32(x) else x, tree)


def _stored_dense(proj: network.BuiltProjection, rows_grad):
    """An event-driven projection's padded-row array as an (n_pre, n_post) matrix, and
    the matrix of stored synapses; asserts that the padding is zero."""
    rows_grad = np.asarray(rows_grad)
    degrees = np.asarray(proj.degrees)
    stored = np.arange(rows_grad.shape[1]) < degrees[:, None]
    assert np.all(rows_grad[~stored] == 0.0), "non-zero gradient on padding"
    pre = np.broadcast_to(np.arange(rows_grad.shape[0])[:, None], rows_grad.shape)[stored]
    post = np.asarray(proj.targets)[stored]
    dense = np.zeros((rows_grad.shape[0] - 1, proj.n_post))
    mask = np.zeros_like(dense, dtype=bool)
    np.add.at(dense, (pre, post), rows_grad[stored])
    mask[pre, post] = True
    return dense, mask


def _compare(sparse_net, dense_net, stp=False, **kwargs):
    s_spikes, s_net, s_drive = _gradients(sparse_net, **kwargs)
    d_spikes, d_net, d_drive = _gradients(dense_net, **kwargs)
    for name in ("in", "out"):
        np.testing.assert_array_equal(np.asarray(s_spikes[name]), np.asarray(d_spikes[name]))
    assert float(np.sum(d_spikes["in"])) > 20 and float(np.sum(d_spikes["out"])) > 5
    assert float(d_drive) != 0.0
    np.testing.assert_allclose(s_drive, d_drive, rtol=RTOL)
    s_proj, d_proj = s_net.projections[0], d_net.projections[0]
    np.testing.assert_allclose(s_proj.synapse.tau, d_proj.synapse.tau, rtol=RTOL)
    if stp:
        for field in ("U", "tau_d"):
            s, d = getattr(s_proj.stp, field), getattr(d_proj.stp, field)
            assert field != "U" or float(d) != 0.0
            np.testing.assert_allclose(s, d, rtol=RTOL)
    s_weights, stored = _stored_dense(sparse_net.projections[0], s_proj.weights)
    d_weights = np.asarray(d_proj.weights)
    assert np.abs(d_weights[stored]).max() > 0.0
    scale = np.abs(d_weights[stored]).max()
    np.testing.assert_allclose(s_weights[stored], d_weights[stored], rtol=RTOL, atol=RTOL * scale)
    return d_net


# Each value of every axis, and the important pairs (STP with each delay kind, COBA
# with each delay kind), without the full cartesian product.
CASES = [
    ("FixedProb", False, False, 0.0),
    ("FixedProb", True, True, 1.0),
    ("FixedInDegree", False, True, connect.Uniform(0.5, 2.0)),
    ("FixedOutDegree", True, False, connect.Uniform(0.3, 1.5)),
    ("OneToOne", False, False, 0.8),
    ("FromIndices", True, True, 0.0),
    ("FromMatrix", False, True, 1.2),
    ("AllToAll", True, False, connect.Uniform(0.2, 1.0)),
]


@pytest.mark.parametrize("rule,stp,coba,delay", CASES)
def test_event_driven_gradients_equal_dense(rule, stp, coba, delay):
    with jax.enable_x64(True):
        sparse = _network(network.EventDriven(), rule, stp=stp, coba=coba, delay=delay)
        dense = _network(network.Dense(), rule, stp=stp, coba=coba, delay=delay)
        _compare(sparse, dense, stp=stp)


def test_busy_step_gradients_equal_dense():
    """Synchronous volleys (a flat drive): far more spiking rows in a step than
    `max_spikes=2`, so the exact busy-step loop runs; the gradients still equal the
    dense ones (no reverse-mode pass through that loop)."""
    with jax.enable_x64(True):
        delay = connect.Uniform(0.5, 1.5)
        sparse = _network(network.EventDriven(max_spikes=2), "FixedProb", stp=True, delay=delay)
        dense = _network(network.Dense(), "FixedProb", stp=True, delay=delay)
        spikes, _, _ = _gradients(dense, ramp=(1.0, 1.01))
        assert float(np.asarray(spikes["in"]).sum(axis=1).max()) > 2  # busy steps
        _compare(sparse, dense, stp=True, ramp=(1.0, 1.01))


def test_stdp_on_event_driven_projection_gradients_equal_dense():
    """Plastic (STDP) weights in the state: the gradient w.r.t. the initial weights,
    the drive and the STDP amplitude flows through the event-driven pushes."""
    with jax.enable_x64(True):
        rule = bj.plasticity.STDP(
            a_plus=jnp.asarray(2.0),
            a_minus=jnp.asarray(2.1),
            weight_dependence=bj.plasticity.Additive(0.0, 200.0),
        )
        # (the plastic weights are a scan carry: float64 like the rest of the state)
        sparse, dense = (
            _as_float64(_network(p, "FixedProb", plasticity=rule))
            for p in (network.EventDriven(), network.Dense())
        )
        s_net = _gradients(sparse)[1]
        d_net = _compare(sparse, dense)
        for field in ("a_plus", "a_minus"):
            s, d = (
                getattr(s_net.projections[0].plasticity, field),
                getattr(d_net.projections[0].plasticity, field),
            )
            assert float(d) != 0.0
            np.testing.assert_allclose(s, d, rtol=RTOL)


def test_forward_mode_equals_dense():
    """`jax.jvp` through an event-driven projection (w.r.t. the drive) equals dense."""
    with jax.enable_x64(True):
        tangents = []
        for propagation in (network.EventDriven(), network.Dense()):
            net = _network(propagation, "FixedProb", stp=True, delay=1.0)
            f = lambda drive, net=net: _loss((net, drive))[0]  # noqa: E731
            tangents.append(jax.jvp(f, (jnp.asarray(420.0),), (jnp.asarray(1.0),))[1])
        assert float(tangents[1]) != 0.0
        np.testing.assert_allclose(tangents[0], tangents[1], rtol=RTOL)


def test_padding_has_zero_weight_gradient_and_degrees():
    """`degrees` counts the stored synapses of each row (the last, all-padding row has
    none); the weight gradient of padding entries is exactly zero (`_stored_dense`)."""
    net = _network(network.EventDriven(), "FixedProb")
    proj = net.projections[0]
    assert proj.degrees is not None and int(proj.degrees[-1]) == 0
    assert int(proj.degrees.sum()) == int(np.count_nonzero(proj.effective_weights()))
    assert int(proj.degrees.max()) == proj.weights.shape[1]
