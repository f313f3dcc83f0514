"""The first models (LIF, exponential synapse network, Wilson-Cowan node) and the
surrogate spike functions, against analytic references."""

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj


def lif_isi(current, tau_m=10.0, c_m=250.0, threshold=15.0, t_ref=2.0):
    drive = tau_m / c_m * current  # R I in mV
    return t_ref + tau_m * np.log(drive / (drive - threshold))


@pytest.mark.parametrize("solver", [diffrax.Euler(), diffrax.Heun()])
@pytest.mark.parametrize("dt", [0.05, 0.01])
def test_lif_isi_matches_analytic(solver, dt):
    currents = np.array([400.0, 500.0, 800.0])  # pA, all suprathreshold (rheobase 375 pA)
    with jax.enable_x64(True):
        sol = bj.simulate(
            bj.neurons.LIF(n=3),
            t1=200.0,
            dt=dt,
            inputs=jnp.asarray(currents),
            integrator=bj.integrators.HybridScan(solver),
            monitor=bj.Monitor(every=100, select=lambda y: y.v),
        )
        spikes = np.asarray(sol.spikes)
    for k, current in enumerate(currents):
        isis = np.diff(np.nonzero(spikes[:, k])[0]) * dt
        assert len(isis) >= 5
        np.testing.assert_allclose(isis, lif_isi(current), atol=dt)


def test_lif_subthreshold_never_spikes_and_rheobase():
    sol = bj.simulate(bj.neurons.LIF(n=2), t1=300.0, dt=0.1, inputs=jnp.array([370.0, 380.0]))
    counts = np.asarray(sol.spikes.sum(axis=0))
    assert counts[0] == 0 and counts[1] > 0  # rheobase = c_m (v_th - v_rest) / tau_m = 375 pA


def test_lif_refractory_clamps_voltage():
    lif = bj.neurons.LIF(n=1, t_ref=5.0)
    sol = bj.simulate(lif, t1=50.0, dt=0.1, inputs=2000.0, monitor=bj.Monitor(select=lambda y: y.v))
    first = int(np.argmax(np.asarray(sol.spikes[:, 0])))
    v = np.asarray(sol.ys[:, 0])  # ys[k] is the state at t = k dt, after step k - 1
    np.testing.assert_allclose(v[first + 1 : first + 1 + 50], -70.0)  # 5 ms clamped at reset
    assert v[first + 52] > -70.0


def test_lif_per_neuron_parameters_and_vmap():
    taus = jnp.array([5.0, 10.0, 20.0])
    sol = bj.simulate(
        bj.neurons.LIF(n=3, tau_m=taus, c_m=taus * 25.0), t1=300.0, dt=0.1, inputs=400.0
    )
    # Same R = tau / C: the ISI scales with tau (plus the refractory period).
    rates = np.asarray(sol.mean_rates())
    expected = [1000.0 / (2.0 + t * np.log(16.0)) for t in (5.0, 10.0, 20.0)]
    np.testing.assert_allclose(rates, expected, rtol=0.12)


def test_exponential_synapse_psc_decay():
    """One presynaptic spike: the synaptic current jumps by w and decays as
    (1 - dt/tau)^k under Euler (exp(-t/tau) as dt -> 0)."""
    w = jnp.array([[50.0]])
    net = bj.Network(
        {"pre": bj.neurons.LIF(n=1, t_ref=500.0), "post": bj.neurons.LIF(n=1)},
        [bj.Projection("pre", "post", w, bj.synapses.Exponential(tau=5.0))],
    )
    pulse = {"pre": bj.inputs.Step(5000.0, start=0.0, stop=1.0)}
    sol = bj.simulate(
        net, t1=30.0, dt=0.1, inputs=pulse, monitor=bj.Monitor(select=lambda y: y.synapses[0][0])
    )
    assert float(sol.spikes["pre"].sum()) == 1
    spike_step = int(np.argmax(np.asarray(sol.spikes["pre"][:, 0])))
    current = np.asarray(sol.ys)[spike_step + 1 :]
    expected = 50.0 * (1 - 0.1 / 5.0) ** np.arange(len(current))
    np.testing.assert_allclose(current, expected, rtol=1e-4)


def test_network_runs_and_shapes():
    key = jax.random.key(0)
    w = 20.0 * jax.random.bernoulli(key, 0.1, (100, 100))
    net = bj.Network(
        {"E": bj.neurons.LIF(n=100)}, [bj.Projection("E", "E", w, bj.synapses.Exponential())]
    )
    drive = {"E": bj.inputs.PoissonSpikes(2000.0, n=100, weight=200.0)}
    sol = bj.simulate(
        net,
        t1=100.0,
        dt=0.1,
        key=key,
        inputs=drive,
        monitor=bj.Monitor(every=10, select=lambda y: y.neurons["E"].v),
    )
    assert sol.spikes["E"].shape == (1000, 100) and sol.ys.shape == (101, 100)
    assert 0 < float(sol.spikes["E"].sum()) and np.all(np.isfinite(np.asarray(sol.ys)))


def test_wilson_cowan_steady_state_is_root_of_vector_field():
    for p_e in (0.0, 5.0):
        wc = bj.populations.WilsonCowan(p_e=p_e)
        sol = bj.simulate(wc, t1=400.0, dt=0.1)
        root = bj.analysis.fixed_point(wc, sol.final)
        assert np.all(np.asarray(bj.analysis.eigenvalues(wc, root)).real < 0)
        np.testing.assert_allclose(sol.final.e, root.e, atol=1e-5)
        np.testing.assert_allclose(sol.final.i, root.i, atol=1e-5)


def test_wilson_cowan_external_input_equals_background_drive():
    a = bj.simulate(bj.populations.WilsonCowan(p_e=1.0), t1=50.0, dt=0.1).ys.e
    b = bj.simulate(bj.populations.WilsonCowan(), t1=50.0, dt=0.1, inputs=1.0).ys.e
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: bj.neurons.LIF(n=3, tau_m=-1.0), "tau_m"),
        (lambda: bj.neurons.LIF(n=3, tau_m=0.0), "tau_m"),
        (lambda: bj.neurons.LIF(n=3, c_m=jnp.array([1.0, -1.0, 1.0])), "c_m"),
        (lambda: bj.neurons.LIF(n=3, t_ref=-2.0), "t_ref"),
        (lambda: bj.neurons.LIF(n=3, v_th=float("nan")), "v_th"),
        (lambda: bj.neurons.LIF(n=3, tau_m=jnp.ones(4)), "tau_m"),
        (lambda: bj.neurons.LIF(n=0), "n"),
        (lambda: bj.populations.WilsonCowan(tau_e=0.0), "tau_e"),
        (lambda: bj.populations.WilsonCowan(noise=-0.1), "noise"),
        (lambda: bj.synapses.Exponential(tau=-5.0), "tau"),
        (lambda: bj.surrogate.SuperSpike(slope=0.0), "slope"),
        (lambda: bj.inputs.Step(1.0, start=5.0, stop=1.0), "stop"),
        (lambda: bj.inputs.PiecewiseConstant([0.0, 2.0, 1.0], [1.0, 2.0, 3.0]), "times"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        make()


def test_projection_shape_mismatch():
    with pytest.raises(ValueError, match="weights"):
        bj.Network(
            {"E": bj.neurons.LIF(n=3)},
            [bj.Projection("E", "E", jnp.ones((3, 4)), bj.synapses.Exponential())],
        )


@pytest.mark.parametrize(
    "surrogate",
    [bj.surrogate.SuperSpike(2.0), bj.surrogate.ArcTan(2.0), bj.surrogate.Triangle(0.5)],
)
def test_surrogates_forward_is_step_backward_is_derivative(surrogate):
    x = jnp.linspace(-3.0, 3.0, 13)
    np.testing.assert_array_equal(surrogate(x), (x > 0).astype(float))
    grads = jax.vmap(jax.grad(surrogate))(x)
    np.testing.assert_allclose(grads, surrogate.derivative(x), rtol=1e-6)
    assert np.all(np.asarray(grads) >= 0) and grads[6] == np.max(np.asarray(grads))


@pytest.mark.parametrize("surrogate", [bj.surrogate.ArcTan(3.0), bj.surrogate.Triangle(0.7)])
def test_normalised_surrogates_integrate_to_one(surrogate):
    x = np.linspace(-200.0, 200.0, 400001)
    integral = np.trapezoid(np.asarray(surrogate.derivative(jnp.asarray(x))), x)
    np.testing.assert_allclose(integral, 1.0, atol=2e-3)


def test_superspike_matches_zenke_ganguli_formula():
    x = jnp.array([-2.0, 0.0, 0.5])
    np.testing.assert_allclose(
        bj.surrogate.SuperSpike(4.0).derivative(x), 1.0 / (1.0 + 4.0 * np.abs(np.asarray(x))) ** 2
    )


def test_inputs_piecewise_and_step():
    piecewise = bj.inputs.PiecewiseConstant([10.0, 20.0], [1.0, 2.0])
    assert [float(piecewise(t)) for t in (5.0, 10.0, 15.0, 25.0)] == [0.0, 1.0, 1.0, 2.0]
    step = bj.inputs.Step(3.0, start=1.0, stop=2.0)
    assert [float(step(t)) for t in (0.5, 1.0, 1.5, 2.0)] == [0.0, 3.0, 3.0, 0.0]
    fn = bj.inputs.evaluate(lambda t: 2.0 * t, 3.0)
    assert float(fn) == 6.0


def test_poisson_counts_have_poisson_statistics():
    drive = bj.inputs.PoissonSpikes(rate=200.0, n=20000, weight=2.0)
    current = np.asarray(drive(0.0, dt=0.5, key=jax.random.key(0)))
    counts = current * 0.5 / 2.0  # back from current (pA) to spike counts
    np.testing.assert_allclose(counts.mean(), 200.0 * 0.5e-3, rtol=0.05)
    np.testing.assert_allclose(counts.var(), 200.0 * 0.5e-3, rtol=0.1)  # Poisson: var = mean
