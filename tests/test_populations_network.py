"""Wilson-Cowan networks: neurolib's recorded output, fixed points, convergence order,
delays, noise, FC-loss gradients and bad input."""

from pathlib import Path

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax.populations import WilsonCowan, WilsonCowanNetwork, WilsonCowanState

REF = np.load(Path(__file__).parent / "data" / "neurolib_wc.npz")
SC = bj.datasets.load_connectome()


def test_single_node_matches_neurolib():
    # neurolib 0.6.2 WCModel, exc_ext = 1 (limit cycle), Euler dt = 0.1 ms, 300 ms.
    wc = WilsonCowan(p_e=1.0)
    euler = bj.integrators.DiffeqSolve(diffrax.Euler())
    sol = bj.simulate(wc, t1=300.0, dt=0.1, integrator=euler, monitor=bj.Monitor(every=10))
    np.testing.assert_allclose(sol.ys.e[1:, 0], REF["single_e"][0], atol=2e-5)
    np.testing.assert_allclose(sol.ys.i[1:, 0], REF["single_i"][0], atol=2e-5)


def test_connectome_network_with_delays_matches_neurolib():
    # 80-node HCP network, K_gl = 0.6, signalV = 20 m/s (delays up to 12.4 ms), in float64
    # because the oscillating network amplifies float32 rounding to ~1e-3.
    with jax.enable_x64(True):
        node = WilsonCowan(n=80, p_e=0.8, e_init=REF["net_e0"], i_init=REF["net_i0"])
        net = WilsonCowanNetwork(
            SC.weights, coupling=0.6, lengths=SC.lengths, speed=20.0, node=node
        )
        sol = bj.simulate(
            net,
            t1=300.0,
            dt=0.1,
            integrator=bj.integrators.DelayScan(diffrax.Euler()),
            monitor=bj.Monitor(every=10),
        )
        e = np.asarray(sol.ys.e[1:]).T
    assert REF["net_e"].std() > 0.01  # the reference is not a trivial steady state
    np.testing.assert_allclose(e, REF["net_e"], atol=1e-6)


def small_network(coupling=0.5, **node):
    w = SC.weights[:6, :6]
    return WilsonCowanNetwork(w, coupling=coupling, node=WilsonCowan(n=6, **node))


def test_steady_state_equals_optimistix_fixed_point():
    p_e = jnp.linspace(0.0, 0.5, 6)  # per-node drives, all in the stable regime
    net = small_network(p_e=p_e)
    sol = bj.simulate(net, t1=200.0, dt=0.2)
    guess = WilsonCowanState(e=jnp.full(6, 0.1), i=jnp.full(6, 0.1))
    fp = bj.analysis.fixed_point(net, guess)
    np.testing.assert_allclose(sol.final.e, fp.e, atol=1e-5)
    np.testing.assert_allclose(sol.final.i, fp.i, atol=1e-5)
    assert bj.analysis.classify(bj.analysis.eigenvalues(net, fp)).startswith("stable")


def test_euler_and_heun_convergence_orders():
    net = small_network(p_e=1.0)  # oscillatory regime
    heun = bj.integrators.DiffeqSolve(diffrax.Heun())
    reference = bj.simulate(net, t1=20.0, dt=0.01, integrator=heun).final.e
    for solver, order in ((diffrax.Euler(), 1.0), (diffrax.Heun(), 2.0)):
        scheme = bj.integrators.DiffeqSolve(solver)
        errors = [
            float(jnp.max(jnp.abs(bj.simulate(net, t1=20.0, dt=dt, integrator=scheme).final.e
                                  - reference)))
            for dt in (0.2, 0.1)
        ]  # fmt: skip
        assert np.log2(errors[0] / errors[1]) == pytest.approx(order, abs=0.25), (solver, errors)


def test_delays_shift_the_arrival_time():
    # Two nodes, 0 -> 1 only, 5 mm at 1 m/s = 5 ms: node 1 first feels a pulse given to
    # node 0 at 10 ms two Euler steps later without delay, and 5 ms later than that with.
    w = np.array([[0.0, 0.0], [1.0, 0.0]])
    pulse = bj.inputs.Step(amplitude=np.array([5.0, 0.0]), start=10.0, stop=12.0)

    def arrival(**delay):
        net = WilsonCowanNetwork(w, **delay)
        scheme = bj.integrators.DelayScan if delay else bj.integrators.DiffeqSolve
        kw = dict(t1=30.0, dt=0.1, integrator=scheme(diffrax.Euler()))
        moved = (
            np.abs(
                bj.simulate(net, inputs=pulse, **kw).ys.e[:, 1]
                - bj.simulate(net, inputs=0.0, **kw).ys.e[:, 1]
            )
            > 0
        )
        assert moved.any()
        return np.argmax(moved) * 0.1

    assert arrival() == pytest.approx(10.2, abs=1e-6)
    assert arrival(lengths=np.full((2, 2), 5.0), speed=1.0) == pytest.approx(15.2, abs=1e-6)


def test_uncoupled_noise_gives_identity_fc():
    net = WilsonCowanNetwork(
        SC.weights[:8, :8], coupling=0.0, node=WilsonCowan(n=8, p_e=0.5, noise=0.01)
    )
    sol = bj.simulate(net, t1=2000.0, dt=0.2, key=jax.random.key(0), monitor=bj.Monitor(every=5))
    fc = np.asarray(bj.analysis.functional_connectivity(sol.ys.e[100:]))
    off = fc[~np.eye(8, dtype=bool)]
    # Independent series: correlations scatter around 0 with sd ~ 1/sqrt(effective
    # samples) ~ 0.07 here (activity is correlated over ~10 ms).
    assert abs(off.mean()) < 0.05 and np.abs(off).max() < 0.25
    np.testing.assert_allclose(np.diag(fc), 1.0, atol=1e-5)


def test_fc_loss_gradient_matches_finite_differences():
    with jax.enable_x64(True):
        target = jnp.asarray(SC.fc[:6, :6], dtype=float)

        def loss(coupling):
            net = small_network(coupling=coupling, p_e=jnp.linspace(0.6, 1.2, 6))
            sol = bj.simulate(net, t1=200.0, dt=0.5, monitor=bj.Monitor(every=2))
            return bj.fit.fc_loss(sol.ys.e[5:], target)

        grad = jax.grad(loss)(jnp.asarray(0.8))
        h = 1e-4
        fd = (loss(jnp.asarray(0.8 + h)) - loss(jnp.asarray(0.8 - h))) / (2 * h)
    assert abs(float(grad)) > 1e-3
    np.testing.assert_allclose(float(grad), float(fd), rtol=1e-4)


def test_gradient_through_the_delay_buffer_matches_finite_differences():
    with jax.enable_x64(True):
        lengths = np.asarray(SC.lengths[:4, :4], dtype=float)

        def loss(coupling):
            node = WilsonCowan(n=4, p_e=jnp.array([0.6, 0.9, 1.2, 0.3]))
            net = WilsonCowanNetwork(SC.weights[:4, :4], coupling=coupling, lengths=lengths,
                                     speed=10.0, node=node)  # fmt: skip
            sol = bj.simulate(net, t1=60.0, dt=0.2, monitor=bj.Monitor(every=5))
            return jnp.mean(sol.ys.e**2)

        grad = jax.grad(loss)(jnp.asarray(1.5))
        fd = (loss(jnp.asarray(1.5 + 1e-5)) - loss(jnp.asarray(1.5 - 1e-5))) / 2e-5
    assert abs(float(grad)) > 1e-4
    np.testing.assert_allclose(float(grad), float(fd), rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(weights=np.ones((3, 4))), "square"),
        (dict(weights=-np.eye(3)), "non-negative"),
        (dict(weights=np.full((3, 3), np.nan)), "weights"),
        (dict(weights=np.eye(3), lengths=np.ones((3, 3)), speed=0.0), "speed"),
        (dict(weights=np.eye(3), lengths=np.ones((3, 3)), speed=-2.0), "speed"),
        (dict(weights=np.eye(3), lengths=np.ones((3, 3))), "together"),
        (dict(weights=np.eye(3), lengths=np.ones((4, 4)), speed=1.0), "lengths"),
        (dict(weights=np.eye(3), node=WilsonCowan(n=4)), "n = 3"),
        (dict(weights=np.eye(3), coupling=np.inf), "coupling"),
    ],
)
def test_bad_input_raises(kwargs, match):
    weights = kwargs.pop("weights")
    with pytest.raises(ValueError, match=match):
        WilsonCowanNetwork(weights, **kwargs)


def test_delayed_model_rejects_adaptive_steps():
    # the adaptive `stepsize_controller` lives on DiffeqSolve, which refuses delays
    adaptive = bj.integrators.DiffeqSolve(stepsize_controller=diffrax.PIDController(1e-3, 1e-3))
    with pytest.raises(ValueError, match="DelayScan"):
        net = WilsonCowanNetwork(np.eye(2), lengths=np.ones((2, 2)), speed=1.0)
        bj.simulate(net, t1=10.0, dt=0.1, integrator=adaptive)
