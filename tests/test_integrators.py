"""Integrators as objects: the default per model type, clear refusals, deprecated
`simulate` keywords, and one `Solution` for exact spike times."""

import diffrax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax._simulate import _default_integrator


def _delayed(delay):
    weights = np.ones((2, 2)) - np.eye(2)
    lengths = np.full((2, 2), 10.0 * delay)  # mm, at 10 m/s: `delay` ms
    return bj.populations.WilsonCowanNetwork(weights, lengths=lengths, speed=10.0)


def test_default_integrator_per_model_type():
    lif = bj.neurons.LIF(n=2)
    net = bj.Network({"E": lif})
    assert isinstance(_default_integrator(lif, 0.1), bj.integrators.HybridScan)
    assert isinstance(_default_integrator(net, 0.1), bj.integrators.HybridScan)
    assert isinstance(
        _default_integrator(bj.populations.WilsonCowan(), 0.1), bj.integrators.DiffeqSolve
    )
    assert isinstance(_default_integrator(_delayed(1.0), 0.1), bj.integrators.DelayScan)
    assert isinstance(_default_integrator(_delayed(0.01), 0.1), bj.integrators.DiffeqSolve)


@pytest.mark.parametrize(
    "model, integrator, instead",
    [
        (bj.neurons.LIF(n=1), bj.integrators.DiffeqSolve(), "HybridScan"),
        (bj.populations.WilsonCowan(), bj.integrators.HybridScan(), "DiffeqSolve"),
        (bj.populations.WilsonCowan(), bj.integrators.DelayScan(), "DiffeqSolve"),
        (bj.populations.WilsonCowan(), bj.integrators.ExactEvents(), "DiffeqSolve"),
        (_delayed(1.0), bj.integrators.DiffeqSolve(), "DelayScan"),
        (bj.neurons.LIF(n=1), bj.integrators.ExactEvents(), "t_ref"),
    ],
)
def test_integrator_refuses_models_it_cannot_serve(model, integrator, instead):
    with pytest.raises(
        ValueError, match=f"{type(integrator).__name__} cannot integrate.*{instead}"
    ):
        bj.simulate(model, t1=1.0, dt=0.1, integrator=integrator)


def test_bad_integrator_options():
    with pytest.raises(ValueError, match="integrator"):
        bj.simulate(bj.neurons.LIF(n=1), t1=1.0, dt=0.1, integrator=diffrax.Euler())
    with pytest.raises(ValueError, match="max_steps"):
        bj.integrators.DiffeqSolve(max_steps=0)
    with pytest.raises(ValueError, match="adaptive"):
        bj.integrators.ExactEvents(solver=diffrax.Euler())


def test_deprecated_keywords_warn_and_match():
    lif, kw = bj.neurons.LIF(n=3), dict(t1=20.0, dt=0.1, inputs=np.array([380.0, 450.0, 600.0]))
    with pytest.warns(DeprecationWarning, match="HybridScan"):
        old = bj.simulate(lif, solver=diffrax.Heun(), checkpoint=True, **kw)
    new = bj.simulate(lif, integrator=bj.integrators.HybridScan(diffrax.Heun(), True), **kw)
    np.testing.assert_array_equal(old.ys.v, new.ys.v)
    np.testing.assert_array_equal(old.spikes, new.spikes)
    wc, controller = bj.populations.WilsonCowan(), diffrax.PIDController(rtol=1e-5, atol=1e-7)
    with pytest.warns(DeprecationWarning, match="DiffeqSolve"):
        old = bj.simulate(wc, t1=10.0, dt=0.5, stepsize_controller=controller, max_steps=500)
    integrator = bj.integrators.DiffeqSolve(stepsize_controller=controller, max_steps=500)
    new = bj.simulate(wc, t1=10.0, dt=0.5, integrator=integrator)
    np.testing.assert_array_equal(old.ys.e, new.ys.e)


def test_deprecated_keyword_not_honoured_is_an_error():
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="stepsize_controller"):
        bj.simulate(
            bj.neurons.LIF(n=1),
            t1=1.0,
            dt=0.1,
            stepsize_controller=diffrax.PIDController(1e-3, 1e-3),
        )
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="checkpoint"):
        bj.simulate(bj.populations.WilsonCowan(), t1=1.0, dt=0.1, checkpoint=True)
    with pytest.raises(ValueError, match="integrator"):
        integrator = bj.integrators.DiffeqSolve()
        bj.simulate(
            bj.populations.WilsonCowan(),
            t1=1.0,
            dt=0.1,
            solver=diffrax.Heun(),
            integrator=integrator,
        )


def test_exact_events_solution():
    lif = bj.neurons.LIF(n=2, t_ref=0.0)
    exact = bj.integrators.ExactEvents(max_spikes=8)
    sol = bj.simulate(lif, t1=50.0, dt=0.5, inputs=np.array([400.0, 500.0]), integrator=exact)
    assert isinstance(sol, bj.Solution)
    first = np.asarray(sol.first_spike_times())
    alias = bj.simulate_exact(lif, t1=50.0, inputs=np.array([400.0, 500.0]), max_spikes=8)
    np.testing.assert_allclose(first, np.asarray(alias.first_spike_times()))
    np.testing.assert_allclose(sol.final.v, alias.final.v)
    assert sol.ts.shape == (2,) and sol.ys.v.shape == (2, 2)
    assert first[1] < first[0] < 50.0
    with pytest.raises(ValueError, match="ExactEvents"):
        bj.simulate(lif, t1=10.0, dt=0.1, inputs=400.0).first_spike_times()


def test_exact_solution_alias_warns():
    with pytest.warns(DeprecationWarning, match="Solution"):
        alias = bj.ExactSolution
    assert alias is bj.Solution
    sol = bj.simulate_exact(bj.neurons.LIF(n=1, t_ref=0.0), t1=20.0, inputs=500.0, max_spikes=4)
    with pytest.warns(DeprecationWarning, match="spike_times"):
        times = sol.times
    np.testing.assert_array_equal(times, sol.spike_times)
    with pytest.warns(DeprecationWarning, match="spike_neurons"):
        assert sol.neurons is sol.spike_neurons


def test_exact_events_compile_once():
    # the default margin is the model's method, not a fresh function per call
    from brainjax.integrators._exact_events import _solve

    lif, sizes = bj.neurons.LIF(n=1, t_ref=0.0), []
    for current, t1 in ((500.0, 20.0), (600.0, 20.0), (700.0, 25.0)):
        bj.simulate_exact(lif, t1=t1, inputs=jnp.asarray(current), max_spikes=5)
        sizes.append(_solve._cached._cache_size())
    assert sizes[0] == sizes[-1]
