"""`simulate` against analytic references: solver orders, SDE statistics, errors."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj


class Leaky(bj.AbstractDynamics):
    """dy/dt = (I - y) / tau, optional additive noise sigma dW (an OU process)."""

    tau: float = 5.0
    sigma: float | None = None
    y_init: float = 1.0
    n: int = 3

    def init(self, key=None):
        return {"y": jnp.full((3,), self.y_init)}

    def vector_field(self, t, y, args):
        current = 0.0 if args is None else args
        return {"y": (current - y["y"]) / self.tau}

    def diffusion(self, t, y, args):
        return None if self.sigma is None else {"y": jnp.full((3,), self.sigma)}


def leaky_exact(t, tau=5.0, y0=1.0, current=0.0):
    return current + (y0 - current) * np.exp(-t / tau)


@pytest.mark.parametrize("solver, order", [(diffrax.Euler(), 1), (diffrax.Heun(), 2)])
def test_ode_convergence_order(solver, order):
    errors = []
    with jax.enable_x64(True):
        for dt in (0.4, 0.2, 0.1):
            integrator = bj.integrators.DiffeqSolve(solver)
            sol = bj.simulate(Leaky(), t1=8.0, dt=dt, integrator=integrator, inputs=2.0)
            exact = leaky_exact(np.asarray(sol.ts), current=2.0)
            errors.append(np.max(np.abs(np.asarray(sol.ys["y"][:, 0]) - exact)))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(np.log2(ratios), order, atol=0.15)


@pytest.mark.parametrize("solver, order", [(diffrax.Euler(), 1), (diffrax.Heun(), 2)])
def test_spiking_scan_convergence_order(solver, order):
    """Below threshold a LIF is a leaky integrator: the scan path must keep the
    solver's order too (inputs are held constant over each step)."""
    errors = []
    with jax.enable_x64(True):
        for dt in (0.4, 0.2, 0.1):
            lif = bj.neurons.LIF(n=1, v_init=-60.0)
            integrator = bj.integrators.HybridScan(solver)
            sol = bj.simulate(lif, t1=8.0, dt=dt, integrator=integrator, inputs=200.0)  # RI = 8 mV
            exact = -70.0 + 8.0 + (-60.0 + 70.0 - 8.0) * np.exp(-np.asarray(sol.ts) / 10.0)
            errors.append(np.max(np.abs(np.asarray(sol.ys.v[:, 0]) - exact)))
            assert not np.any(np.asarray(sol.spikes))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(np.log2(ratios), order, atol=0.15)


def test_adaptive_step_matches_exact():
    controller = diffrax.PIDController(rtol=1e-6, atol=1e-8)
    sol = bj.simulate(
        Leaky(),
        t1=20.0,
        dt=0.5,
        integrator=bj.integrators.DiffeqSolve(diffrax.Tsit5(), stepsize_controller=controller),
    )
    np.testing.assert_allclose(sol.ys["y"][:, 1], leaky_exact(np.asarray(sol.ts)), atol=1e-5)


def test_monitor_every_and_select():
    sol = bj.simulate(
        Leaky(), t1=10.0, dt=0.1, monitor=bj.Monitor(every=10, select=lambda y: y["y"][0])
    )
    assert sol.ts.shape == (11,) and sol.ys.shape == (11,)
    np.testing.assert_allclose(sol.ts, np.arange(11.0), atol=1e-5)
    np.testing.assert_allclose(sol.ys, leaky_exact(np.arange(11.0)), rtol=1e-3)
    np.testing.assert_allclose(sol.final["y"], sol.ys[-1], rtol=1e-6)


def test_ou_stationary_variance():
    """Additive-noise SDE: the OU process has stationary variance sigma^2 tau / 2."""
    model = Leaky(tau=5.0, sigma=0.5, y_init=0.0)
    keys = jax.random.split(jax.random.key(0), 256)
    run = jax.vmap(
        lambda k: bj.simulate(model, t1=50.0, dt=0.05, key=k, monitor=bj.Monitor(every=100)).ys[
            "y"
        ][-1]
    )
    finals = np.asarray(run(keys))  # 256 keys x 3 independent components
    np.testing.assert_allclose(finals.var(), 0.5**2 * 5.0 / 2, rtol=0.15)
    assert abs(finals.mean()) < 0.1


def test_same_key_identical_different_keys_differ():
    wc = bj.populations.WilsonCowan(p_e=1.0, noise=0.02)
    run = lambda k: np.asarray(bj.simulate(wc, t1=20.0, dt=0.1, key=k).ys.e)
    a, b, c = run(jax.random.key(1)), run(jax.random.key(1)), run(jax.random.key(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_vmap_over_parameters_equals_separate_runs():
    taus = jnp.linspace(2.0, 4.0, 8)
    run = lambda tau: (
        bj.simulate(bj.populations.WilsonCowan(p_e=1.0, tau_e=tau), t1=30.0, dt=0.1).ys.e
    )
    batched = jax.vmap(run)(taus)
    for k, tau in enumerate(taus):
        np.testing.assert_allclose(batched[k], run(tau), rtol=1e-5, atol=1e-6)


def test_jit_of_simulate_matches_eager():
    run = lambda tau: bj.simulate(bj.populations.WilsonCowan(tau_e=tau), t1=20.0, dt=0.1).final.e
    np.testing.assert_allclose(jax.jit(run)(3.0), run(3.0), rtol=1e-6)


def test_grad_ode_path_matches_finite_differences():
    def loss(tau):
        wc = bj.populations.WilsonCowan(p_e=1.0, tau_e=tau)
        return jnp.mean(bj.simulate(wc, t1=40.0, dt=0.1).ys.e)

    with jax.enable_x64(True):
        tau, eps = 2.5, 1e-4
        grad = jax.grad(loss)(tau)
        fd = (loss(tau + eps) - loss(tau - eps)) / (2 * eps)
    np.testing.assert_allclose(grad, fd, rtol=1e-3)


@pytest.mark.parametrize("name", ["inputs", "tau_m"])
def test_surrogate_gradient_sign_matches_finite_difference(name):
    """Through the spiking scan (input layer -> synapses -> output layer) the surrogate
    gradient of the output's mean membrane potential w.r.t. the input layer's drive or
    time constant is finite and has the sign of the finite difference."""
    w = 60.0 * jax.random.bernoulli(jax.random.key(3), 0.5, (20, 5))

    def mean_v(value):
        params = {"inputs": 420.0, "tau_m": 10.0} | {name: value}
        net = bj.Network(
            {"in": bj.neurons.LIF(n=20, tau_m=params["tau_m"]), "out": bj.neurons.LIF(n=5)},
            [bj.Projection("in", "out", w, bj.synapses.Exponential())],
        )
        drive = {"in": params["inputs"] * jnp.linspace(0.9, 1.1, 20)}
        sol = bj.simulate(
            net,
            t1=100.0,
            dt=0.1,
            inputs=drive,
            monitor=bj.Monitor(select=lambda y: y.neurons["out"].v),
        )
        return jnp.mean(sol.ys)

    value = {"inputs": 420.0, "tau_m": 10.0}[name]
    grad = jax.grad(mean_v)(value)
    fd = (mean_v(value * 1.05) - mean_v(value * 0.95)) / (0.1 * value)
    assert np.isfinite(grad) and grad != 0 and fd != 0
    assert np.sign(grad) == np.sign(fd)


def test_poisson_input_and_keys():
    lif = bj.neurons.LIF(n=50)
    drive = bj.inputs.PoissonSpikes(rate=3000.0, n=50, weight=250.0)  # 1 mV per spike
    run = lambda k: bj.simulate(lif, t1=100.0, dt=0.1, key=k, inputs=drive).spikes
    a, b = run(jax.random.key(0)), run(jax.random.key(0))
    np.testing.assert_array_equal(a, b)
    assert 0 < float(a.sum()) and not np.array_equal(a, run(jax.random.key(1)))


def test_solution_rates_and_raster():
    sol = bj.simulate(bj.neurons.LIF(n=2), t1=100.0, dt=0.1, inputs=jnp.array([0.0, 800.0]))
    rates = np.asarray(sol.mean_rates())
    assert rates[0] == 0 and rates[1] == pytest.approx(120.0, abs=10.1)  # ISI 8.3 ms
    times, neurons = sol.raster()
    assert set(neurons.tolist()) == {1} and len(times) == int(sol.spikes.sum())
    assert sol.population_rate().shape == (1000,)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"dt": 0.0}, "dt"),
        ({"dt": -0.1}, "dt"),
        ({"t1": 0.0}, "t1"),
        ({"t1": -5.0}, "t1"),
        ({"t1": 1.05, "dt": 0.1}, "multiple of `dt`"),
        ({"monitor": bj.Monitor(every=3)}, "every"),
        ({"y0": {"y": jnp.zeros(4)}}, "y0"),
        ({"y0": jnp.zeros(3)}, "y0"),
        ({"inputs": bj.inputs.PoissonSpikes(10.0, n=3)}, "stochastic"),
    ],
)
def test_bad_simulate_arguments(kwargs, match):
    arguments = {"t1": 10.0, "dt": 0.1} | kwargs
    with pytest.raises(ValueError, match=match):
        bj.simulate(Leaky(), **arguments)


def test_missing_key_for_noise():
    with pytest.raises(ValueError, match="key"):
        bj.simulate(bj.populations.WilsonCowan(noise=0.1), t1=1.0, dt=0.1)


def test_bad_model():
    with pytest.raises(TypeError, match="model"):
        bj.simulate(lambda t, y, args: y, t1=1.0, dt=0.1)


@pytest.mark.parametrize("solver", ["rk4", diffrax.PIDController(1e-3, 1e-3)])
def test_bad_solver(solver):
    with pytest.raises(ValueError, match="solver"):
        bj.integrators.DiffeqSolve(solver)


def test_stepsize_controller_rejected_for_spiking():
    # `stepsize_controller` exists only on DiffeqSolve, which refuses spiking models
    with pytest.raises(ValueError, match="HybridScan"):
        bj.simulate(
            bj.neurons.LIF(n=1),
            t1=1.0,
            dt=0.1,
            integrator=bj.integrators.DiffeqSolve(
                stepsize_controller=diffrax.PIDController(1e-3, 1e-3)
            ),
        )


def test_models_are_frozen_modules():
    lif = bj.neurons.LIF(n=3)
    with pytest.raises(Exception):
        lif.tau_m = 5.0
    assert isinstance(eqx.tree_at(lambda m: m.tau_m, lif, 5.0), bj.neurons.LIF)
