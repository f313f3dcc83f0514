"""Synapse kinetics, outputs, receptor presets and Tsodyks-Markram STP against closed
forms (Rall alpha, dual exponential peak, Jahr-Stevens block, TM steady state) and
finite differences."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj

syn = bj.synapses


def _response(synapse, weight, t1, dt=0.01):
    """One spike of `weight` at t = 0 into a rested synapse, integrated by classical RK4
    (error ~dt^4, negligible here); returns the times and the synaptic variable s(t)
    (the CUBA current) on the grid 0, dt, ..., t1 (ms)."""
    f = lambda g: synapse.vector_field(0.0, g)
    add = lambda g, k, c: jax.tree.map(lambda a, b: a + c * b, g, k)

    def rk4(g, _):
        k1 = f(g)
        k2 = f(add(g, k1, dt / 2))
        k3 = f(add(g, k2, dt / 2))
        k4 = f(add(g, k3, dt))
        g = jax.tree.map(
            lambda y, a, b, c, d: y + dt / 6 * (a + 2 * b + 2 * c + d), g, k1, k2, k3, k4
        )
        return g, synapse.current(g, None)[0]

    g0 = synapse.deliver(synapse.init(1), jnp.array([weight]))
    n = int(round(t1 / dt))
    _, s = jax.jit(lambda g: jax.lax.scan(rk4, g, None, length=n))(g0)
    return np.arange(n + 1) * dt, np.concatenate([[synapse.current(g0, None)[0]], s])


def test_exponential_decay_is_closed_form():
    t, s = _response(syn.Exponential(tau=5.0), 2.0, 30.0)
    np.testing.assert_allclose(s, 2.0 * np.exp(-t / 5.0), rtol=1e-5, atol=1e-6)


def test_alpha_peaks_at_tau_with_the_weight():
    tau, w = 3.0, 1.5
    t, s = _response(syn.Alpha(tau=tau), w, 30.0)
    np.testing.assert_allclose(s, w * t / tau * np.exp(1 - t / tau), atol=1e-5)
    assert abs(t[np.argmax(s)] - tau) <= 0.01
    assert s.max() == pytest.approx(w, rel=1e-5)


def test_dual_exponential_peak_time_and_amplitude():
    rise, decay, w = 1.0, 7.0, 2.0
    synapse = syn.DualExponential(tau_rise=rise, tau_decay=decay)
    t_peak = rise * decay / (decay - rise) * np.log(decay / rise)
    assert float(synapse.t_peak) == pytest.approx(t_peak, rel=1e-6)
    t, s = _response(synapse, w, 40.0)
    shape = np.exp(-t / decay) - np.exp(-t / rise)
    np.testing.assert_allclose(s, w * shape / shape.max(), atol=1e-4)
    assert abs(t[np.argmax(s)] - t_peak) <= 0.01
    assert s.max() == pytest.approx(w, rel=1e-4)


def test_coba_current_vanishes_at_reversal_and_has_the_driving_force_sign():
    g = jnp.full(3, 3.0)  # nS
    cases = (
        (syn.Exponential(output=syn.COBA(e_rev=0.0)), g, 0.0),
        (syn.GABA_A(), (jnp.zeros(3), g), -70.0),  # dual-exponential state (r, d), s = d - r
    )
    for synapse, state, e_rev in cases:
        v = jnp.array([e_rev - 10.0, e_rev, e_rev + 10.0])
        current = np.asarray(synapse.current(state, v))  # pA
        np.testing.assert_allclose(current, [30.0, 0.0, -30.0], atol=1e-4)
    # I = g (E - v): 6 nS at 60 mV below reversal is 360 pA.
    cur = syn.COBA(e_rev=0.0)(jnp.array([6.0]), jnp.array([-60.0]))
    assert float(cur[0]) == pytest.approx(360.0)
    with pytest.raises(ValueError, match="membrane potential"):
        syn.COBA(e_rev=0.0)(jnp.array([6.0]), None)


def test_nmda_block_follows_jahr_stevens():
    v = np.linspace(-100.0, 40.0, 29)
    for mg in (0.0, 1.0, 2.0):
        block = np.asarray(syn.MgBlock(mg=mg)(jnp.asarray(v)))
        expected = 1.0 / (1.0 + np.exp(-0.062 * v) * mg / 3.57)  # Jahr & Stevens (1990)
        np.testing.assert_allclose(block, expected, rtol=1e-5)
    nmda = syn.NMDA(mg=1.0)
    state = (jnp.zeros(29), jnp.full(29, 2.0))  # s = d - r = 2 nS
    current = np.asarray(nmda.current(state, jnp.asarray(v)))
    np.testing.assert_allclose(current, 2.0 * expected_mg1(v) * (0.0 - v), rtol=1e-5, atol=1e-5)
    # The block makes the I-V curve non-monotonic: inward current grows with depolarisation
    # from -100 mV to about -30 mV (region of negative slope conductance).
    assert current[v == -30.0][0] > current[v == -80.0][0] > 0


def expected_mg1(v):
    return 1.0 / (1.0 + np.exp(-0.062 * v) / 3.57)


def test_presets_use_published_constants():
    # Hill & Tononi (2005), table 2 / NEST ht_neuron defaults.
    expected = {
        syn.AMPA(): (0.5, 2.4, 0.0),
        syn.NMDA(): (4.0, 40.0, 0.0),
        syn.GABA_A(): (1.0, 7.0, -70.0),
        syn.GABA_B(): (60.0, 200.0, -90.0),
    }
    for preset, (rise, decay, e_rev) in expected.items():
        assert (preset.tau_rise, preset.tau_decay, preset.output.e_rev) == (rise, decay, e_rev)
    assert syn.NMDA().output.mg_block is not None and syn.AMPA().output.mg_block is None


def test_bad_parameters_raise_naming_them():
    with pytest.raises(ValueError, match="tau"):
        syn.Alpha(tau=-1.0)
    with pytest.raises(ValueError, match="tau_rise"):
        syn.DualExponential(tau_rise=5.0, tau_decay=2.0)
    with pytest.raises(ValueError, match="e_rev"):
        syn.COBA(e_rev=float("nan"))
    with pytest.raises(ValueError, match="mg"):
        syn.MgBlock(mg=-1.0)
    with pytest.raises(ValueError, match="output"):
        syn.Exponential(output="coba")
    with pytest.raises(ValueError, match="`U`"):
        syn.TsodyksMarkram(U=1.5)
    with pytest.raises(ValueError, match="tau_d"):
        syn.TsodyksMarkram(tau_d=0.0)


def _regular_train(stp, period, n_spikes, dt=0.01):
    """Efficacies of a regular presynaptic train (one neuron), Euler at small dt."""
    steps = int(round(period / dt))

    def one_period(state, _):
        state, efficacy = stp.release(state, jnp.ones(1))

        def relax(s, _):
            return jax.tree.map(lambda a, b: a + dt * b, s, stp.vector_field(0.0, s)), None

        state, _ = jax.lax.scan(relax, state, None, length=steps)
        return state, efficacy[0]

    _, efficacies = jax.lax.scan(one_period, stp.init(1), None, length=n_spikes)
    return efficacies


@pytest.mark.parametrize(
    "U, tau_d, tau_f, period",
    [(0.5, 200.0, 0.0, 25.0), (0.1, 100.0, 500.0, 20.0)],  # depressing, facilitating
)
def test_tsodyks_markram_steady_state_matches_the_regular_train_formula(U, tau_d, tau_f, period):
    stp = syn.TsodyksMarkram(U=U, tau_d=tau_d, tau_f=tau_f)
    efficacies = np.asarray(jax.jit(_regular_train, static_argnums=(1, 2))(stp, period, 60))
    e_d = np.exp(-period / tau_d)
    e_f = np.exp(-period / tau_f) if tau_f > 0 else 0.0
    u_star = U / (1 - (1 - U) * e_f)
    x_star = (1 - e_d) / (1 - (1 - u_star) * e_d)
    assert efficacies[0] == pytest.approx(U, rel=1e-6)
    assert efficacies[-1] == pytest.approx(u_star * x_star, rel=5e-3)
    if tau_f == 0:
        assert np.all(np.diff(efficacies) <= 1e-7)  # monotone depression
    else:
        assert efficacies[1] > efficacies[0]  # facilitation first


def test_gradient_through_stp_parameters_matches_finite_differences():
    def loss(params):
        U, tau_d, tau_f = params
        stp = syn.TsodyksMarkram(U=U, tau_d=tau_d, tau_f=tau_f)
        return jnp.sum(_regular_train(stp, 20.0, 10, dt=0.1))

    params = jnp.array([0.2, 150.0, 300.0])
    grad = np.asarray(jax.jit(jax.grad(loss))(params))
    f = jax.jit(loss)
    for k, eps in enumerate((1e-3, 1.0, 2.0)):
        step = jnp.zeros(3).at[k].set(eps)
        fd = (float(f(params + step)) - float(f(params - step))) / (2 * eps)
        assert grad[k] == pytest.approx(fd, rel=2e-2, abs=1e-5)
    assert np.all(np.abs(grad) > 0)


def _stp_network(U, tau_d, tau_f):
    """A regularly firing presynaptic LIF -> a silent postsynaptic LIF through a
    depressing/facilitating CUBA exponential synapse of weight 100 pA."""
    pre = bj.neurons.LIF(n=1, t_ref=2.0)
    post = bj.neurons.LIF(n=1, v_th=1e6)  # never spikes: its input is smooth in U
    stp = syn.TsodyksMarkram(U=U, tau_d=tau_d, tau_f=tau_f)
    proj = bj.Projection("pre", "post", [[100.0]], syn.Exponential(tau=5.0), stp=stp)
    return bj.Network({"pre": pre, "post": post}, [proj])


def _stp_run(params):
    net = _stp_network(*params)
    monitor = bj.Monitor(select=lambda y: y.synapses[0][0])
    return bj.simulate(net, t1=150.0, dt=0.1, inputs={"pre": 500.0}, monitor=monitor)


def test_stp_in_a_network_scales_each_spike_by_its_efficacy_and_is_differentiable():
    params = jnp.array([0.3, 100.0, 50.0])
    sol = jax.jit(_stp_run)(params)
    spikes = np.asarray(sol.spikes["pre"][:, 0])
    assert spikes.sum() >= 5
    # The jump of the synaptic current at each presynaptic spike is 100 pA x efficacy,
    # with the efficacies of the same train replayed through `TsodyksMarkram` alone.
    s = np.asarray(sol.ys)
    jumps = (s[1:] - s[:-1] * (1 - 0.1 / 5.0))[spikes > 0]
    stp, expected = syn.TsodyksMarkram(*params), []
    state = stp.init(1)
    for spike in spikes:
        state, efficacy = stp.release(state, jnp.array([spike]))
        expected.append(float(efficacy[0]))
        state = jax.tree.map(lambda a, b: a + 0.1 * b, state, stp.vector_field(0.0, state))
    np.testing.assert_allclose(jumps, 100.0 * np.array(expected)[spikes > 0], rtol=1e-4)
    # Gradient of the total synaptic charge w.r.t. (U, tau_d, tau_f) vs central differences.
    charge = jax.jit(lambda p: jnp.sum(_stp_run(p).ys))
    grad = np.asarray(jax.jit(jax.grad(lambda p: jnp.sum(_stp_run(p).ys)))(params))
    for k, eps in enumerate((1e-3, 0.5, 0.5)):
        step = jnp.zeros(3).at[k].set(eps)
        fd = (float(charge(params + step)) - float(charge(params - step))) / (2 * eps)
        assert grad[k] == pytest.approx(fd, rel=3e-2)


def test_multi_variable_kinetics_run_inside_a_network():
    """A dual-exponential COBA synapse (PyTree state) in a Network: one presynaptic spike
    gives the closed-form conductance and the current g (E_rev - v) drives v."""
    dt, w = 0.01, 2.0
    pre = bj.neurons.LIF(n=1, v_init=-50.0, t_ref=1e3)  # above threshold: spikes at once
    post = bj.neurons.LIF(n=1, v_th=1e6)
    synapse = syn.DualExponential(tau_rise=1.0, tau_decay=5.0, output=syn.COBA(e_rev=0.0))
    net = bj.Network({"pre": pre, "post": post}, [bj.Projection("pre", "post", [[w]], synapse)])
    monitor = bj.Monitor(select=lambda y: (y.synapses[0], y.neurons["post"].v))
    sol = jax.jit(lambda: bj.simulate(net, t1=20.0, dt=dt, monitor=monitor))()
    (r, d), v = sol.ys
    g = np.asarray(d - r)[:, 0]
    assert float(sol.spikes["pre"].sum()) == 1.0
    t = np.asarray(sol.ts) - dt  # the spike is delivered at the end of the first step
    shape = np.where(t >= 0, np.exp(-t / 5.0) - np.exp(-t / 1.0), 0.0)
    np.testing.assert_allclose(g, w * shape / shape.max(), atol=1e-2 * w)  # Euler, dt = 0.01
    assert float(v[-1, 0]) > -70.0  # depolarised by the excitatory conductance


def test_synapses_and_short_term_plasticity_share_one_dynamics_contract():
    syn = bj.synapses
    for model in (syn.Exponential(), syn.Alpha(), syn.DualExponential(), syn.TsodyksMarkram()):
        assert isinstance(model, syn.AbstractSynapticDynamics)
    assert isinstance(syn.TsodyksMarkram(), syn.AbstractShortTermPlasticity)
    # `additive` declares that `deliver` is `g + increment`.
    assert syn.Exponential.additive and not syn.Alpha.additive
    assert not syn.DualExponential.additive
