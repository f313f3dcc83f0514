"""Plasticity rules vs analytic windows, published behaviour and independent references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj

P = bj.plasticity


def _pair(n_steps, pre_step, post_step):
    pre = jnp.zeros((n_steps, 1)).at[pre_step, 0].set(1.0)
    post = jnp.zeros((n_steps, 1)).at[post_step, 0].set(1.0)
    return pre, post


@pytest.mark.parametrize("traces", [P.AllPairs(), P.Nearest()])
@pytest.mark.parametrize("dependence", [P.Additive(-1.0, 1.0), P.Multiplicative(-1.0, 1.0)])
def test_stdp_window_matches_analytic_exponentials(traces, dependence):
    rule = P.STDP(
        a_plus=0.01,
        a_minus=0.012,
        tau_plus=17.0,
        tau_minus=34.0,
        traces=traces,
        weight_dependence=dependence,
    )
    dt, w0 = 0.5, 0.2
    lags = np.arange(-120, 121)  # steps, +-60 ms
    center = 130

    def dw(lag):
        pre, post = _pair(2 * center, center, center + lag)
        return P.replay(rule, jnp.full((1, 1), w0), pre, post, dt)[0][0, 0] - w0

    got = np.asarray(jax.vmap(dw)(jnp.asarray(lags)))
    s = lags * dt
    f_plus = 1.0 if isinstance(dependence, P.Additive) else (1.0 - w0) / 2.0
    f_minus = 1.0 if isinstance(dependence, P.Additive) else (w0 + 1.0) / 2.0
    expected = np.where(
        s > 0,
        0.01 * f_plus * np.exp(-s / 17.0),
        np.where(s < 0, -0.012 * f_minus * np.exp(s / 34.0), 0.0),
    )
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=3e-8)  # float32 ulp of w0


def test_nearest_and_all_to_all_traces_differ_as_defined():
    # two pre spikes at -10 and -20 ms before one post spike
    pre = jnp.zeros((40, 1)).at[5, 0].set(1.0).at[15, 0].set(1.0)
    post = jnp.zeros((40, 1)).at[25, 0].set(1.0)
    w0 = jnp.full((1, 1), 0.5)
    a2a = P.replay(P.STDP(a_minus=0.0), w0, pre, post, 1.0)[0][0, 0] - 0.5
    nn = P.replay(P.STDP(a_minus=0.0, traces=P.Nearest()), w0, pre, post, 1.0)[0][0, 0] - 0.5
    np.testing.assert_allclose(a2a, 0.01 * (np.exp(-0.5) + np.exp(-1.0)), rtol=1e-5)
    np.testing.assert_allclose(nn, 0.01 * np.exp(-0.5), rtol=1e-5)


def _triplet_reference(rule, pre_times, post_times):
    """Event-driven Pfister & Gerstner (2006) update with exact decays (all-to-all)."""
    events = sorted([(t, "pre") for t in pre_times] + [(t, "post") for t in post_times])
    r1 = r2 = o1 = o2 = 0.0
    w, last = 0.0, 0.0
    taus = dict(r1=rule.tau_plus, r2=rule.tau_x, o1=rule.tau_minus, o2=rule.tau_y)
    for t, kind in events:
        decay = {k: np.exp(-(t - last) / v) for k, v in taus.items()}
        r1, r2, o1, o2 = r1 * decay["r1"], r2 * decay["r2"], o1 * decay["o1"], o2 * decay["o2"]
        last = t
        if kind == "post":
            w += r1 * (rule.a2_plus + rule.a3_plus * o2)
            o1, o2 = o1 + 1, o2 + 1
        else:
            w -= o1 * (rule.a2_minus + rule.a3_minus * r2)
            r1, r2 = r1 + 1, r2 + 1
    return w


def test_triplet_frequency_dependence_pfister_gerstner():
    rule = P.Triplet(weight_dependence=P.Additive(-1.0, 1.0))  # visual cortex, all-to-all
    dt, n_pairs = 1.0, 60
    freqs = [1.0, 10.0, 20.0, 40.0, 50.0]
    n_steps = int(n_pairs * 1000.0 / freqs[0]) + 20
    protocols, reference = [], []
    for lag in (10, -10):  # ms, t_post - t_pre
        for f in freqs:
            t_pre = 20.0 + np.arange(n_pairs) * 1000.0 / f
            pre = np.zeros((n_steps, 1))
            post = np.zeros((n_steps, 1))
            pre[np.rint(t_pre / dt).astype(int), 0] = 1.0
            post[np.rint((t_pre + lag) / dt).astype(int), 0] = 1.0
            protocols.append((pre, post))
            reference.append(_triplet_reference(rule, t_pre, t_pre + lag))
    pre = jnp.asarray(np.stack([p for p, _ in protocols]))
    post = jnp.asarray(np.stack([q for _, q in protocols]))
    dw = jax.vmap(lambda x, y: P.replay(rule, jnp.zeros((1, 1)), x, y, dt)[0][0, 0])(pre, post)
    dw = np.asarray(dw)
    np.testing.assert_allclose(dw, reference, rtol=1e-4, atol=1e-8)
    ltp, ltd = dw[: len(freqs)], dw[len(freqs) :]
    # Sjoestroem et al. (2001) / Pfister & Gerstner (2006), Fig. 6: pre-post potentiation
    # grows with the pairing frequency; post-pre pairing depresses at low frequency and
    # potentiates at 40-50 Hz.
    assert np.all(np.diff(ltp) > 0)
    assert np.all(ltd[:3] < 0) and np.all(ltd[3:] > 0) and ltd[-1] > ltd[-2]


def test_oja_converges_to_first_principal_component():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    cov = basis @ np.diag([4.0, 2.0, 1.0, 0.5, 0.3, 0.1]) @ basis.T
    x = jnp.asarray(rng.multivariate_normal(np.zeros(6), cov, size=6000), dtype=jnp.float32)
    rule = P.Oja(eta=2e-3)
    w0 = jnp.asarray(rng.normal(size=(6, 1)) * 0.3, dtype=jnp.float32)

    def step(carry, xt):
        w, state = carry
        dw, state = rule.update(w, state, xt, xt @ w, 1.0)
        return (w + dw, state), None

    (w, _), _ = jax.lax.scan(step, (w0, rule.init(w0)), x)
    pc1 = np.linalg.svd(np.asarray(x) - np.asarray(x).mean(0), full_matrices=False)[2][0]
    w = np.asarray(w)[:, 0]
    cosine = abs(w @ pc1) / np.linalg.norm(w)
    assert cosine > 0.99
    np.testing.assert_allclose(np.linalg.norm(w), 1.0, atol=0.05)


def test_bcm_threshold_is_running_average_of_y_squared():
    rng = np.random.default_rng(1)
    y = rng.uniform(0.0, 2.0, size=(4000, 3))
    rule = P.BCM(eta=1e-6, tau_theta=200.0)
    x = np.ones((4000, 2))
    w, state = P.replay(rule, jnp.full((2, 3), 0.1), x, y, 1.0)
    ema = np.zeros(3)  # the discretised tau dtheta/dt = y^2 - theta, computed independently
    for yt in y:
        ema = ema + (yt**2 - ema) / 200.0
    np.testing.assert_allclose(state.theta, ema, rtol=1e-4)
    np.testing.assert_allclose(state.theta, 4.0 / 3.0, rtol=0.15)  # E[y^2] of U(0, 2)


def test_bcm_selectivity_emerges_on_two_patterns():
    patterns = jnp.array([[1.0, 0.6, 0.2, 0.0], [0.0, 0.2, 0.6, 1.0]])
    rule = P.BCM(eta=5e-3, tau_theta=20.0)
    order = jax.random.bernoulli(jax.random.key(0), 0.5, (40000,)).astype(int)
    w0 = jnp.full((4, 1), 0.3)

    def step(carry, k):
        w, state = carry
        x = patterns[k]
        y = jnp.maximum(x @ w, 0.0)
        dw, state = rule.update(w, state, x, y, 1.0)
        return (w + dw, state), None

    (w, _), _ = jax.lax.scan(step, (w0, rule.init(w0)), order)
    responses = np.maximum(np.asarray(patterns @ w)[:, 0], 0.0)
    # selective: strong response to one pattern, (near) none to the other
    assert responses.max() > 0.5
    assert responses.min() < 0.05 * responses.max()


def test_reward_stdp_changes_weights_only_with_reward():
    dt, tau_e, eta = 1.0, 200.0, 0.5
    rule = P.RewardSTDP(stdp=P.STDP(weight_dependence=P.Additive(-1.0, 1.0)), tau_e=tau_e, eta=eta)
    pre, post = _pair(400, 10, 20)  # +10 ms pairing
    w0 = jnp.zeros((1, 1))
    no_reward = jnp.zeros((400,))
    reward = no_reward.at[300].set(2.0)  # one pulse, 280 ms after the pairing
    w_none, _ = P.replay(rule, w0, pre, post, dt, modulator=no_reward)
    w_rew, state = P.replay(rule, w0, pre, post, dt, modulator=reward)
    tag = 0.01 * np.exp(-10.0 / 20.0)
    expected = eta * dt * 2.0 * tag * np.exp(-(300 - 20) * dt / tau_e)
    assert float(w_none[0, 0]) == 0.0
    np.testing.assert_allclose(w_rew[0, 0], expected, rtol=1e-5)


def test_synaptic_scaling_is_multiplicative_and_homeostatic():
    rule = P.SynapticScaling(eta=1e-4, target_rate=5.0, tau=200.0)
    steps = 3000
    post = np.zeros((steps, 2))
    post[::50, 0] = 1.0  # neuron 0 fires at 20 Hz (dt = 1 ms), above target
    post[::1000, 1] = 1.0  # neuron 1 at 1 Hz, below target
    w0 = jnp.array([[0.2, 0.2], [0.5, 0.5]])
    w, state = P.replay(rule, w0, np.zeros((steps, 2)), post, 1.0)
    w = np.asarray(w)
    assert w[0, 0] < 0.2 and w[0, 1] > 0.2
    np.testing.assert_allclose(w[1] / w[0], [2.5, 2.5], rtol=1e-5)  # ratios preserved
    np.testing.assert_allclose(state.rate[0], 20.0, rtol=0.2)


def test_sparse_layout_matches_dense():
    key = jax.random.key(3)
    pre = jax.random.bernoulli(key, 0.1, (60, 5)).astype(float)
    post = jax.random.bernoulli(jax.random.fold_in(key, 1), 0.1, (60, 4)).astype(float)
    rule = P.chain(P.STDP(weight_dependence=P.Multiplicative()), P.SynapticScaling(eta=1e-3))
    w_dense = jnp.full((5, 4), 0.5)
    targets = jnp.array([[0, 2], [1, 3], [3, 0], [2, 1], [0, 3]])  # ELL: 2 synapses per row
    w_dense_out, _ = P.replay(rule, w_dense, pre, post, 1.0)
    w_ell, _ = P.replay(
        rule, jnp.full((5, 2), 0.5), pre, post, 1.0, synapses=P.Synapses(post_index=targets)
    )
    expected = np.take_along_axis(np.asarray(w_dense_out), np.asarray(targets), axis=1)
    np.testing.assert_allclose(w_ell, expected, rtol=1e-6)


def test_meta_gradient_of_rule_parameters_matches_finite_differences_and_analytic():
    with jax.enable_x64(True):
        rng = np.random.default_rng(2)
        x = jnp.asarray(rng.normal(size=(300, 3)) * np.array([2.0, 1.0, 0.5]))
        w0 = jnp.asarray(rng.normal(size=(3, 1)) * 0.3)
        target = jnp.array([[0.5], [0.5], [0.0]])

        def loss(eta):
            rule = P.Oja(eta=eta)

            def step(carry, xt):
                w, state = carry
                dw, state = rule.update(w, state, xt, xt @ w, 1.0)
                return (w + dw, state), None

            (w, _), _ = jax.lax.scan(step, (w0, rule.init(w0)), x)
            return jnp.sum((w - target) ** 2)

        eta, h = 3e-3, 1e-6
        grad = jax.grad(loss)(jnp.asarray(eta))
        fd = (loss(eta + h) - loss(eta - h)) / (2 * h)
        np.testing.assert_allclose(grad, fd, rtol=1e-6)

        # STDP: d(dw)/d(tau_plus) = a_plus exp(-s/tau) s / tau^2 at lag s = 10 ms
        pre, post = _pair(40, 5, 15)

        def potentiation(tau):
            rule = P.STDP(tau_plus=tau, weight_dependence=P.Additive(-1.0, 1.0))
            return P.replay(rule, jnp.zeros((1, 1)), pre, post, 1.0)[0][0, 0]

        got = jax.grad(potentiation)(jnp.asarray(20.0))
        np.testing.assert_allclose(got, 0.01 * np.exp(-0.5) * 10.0 / 400.0, rtol=1e-10)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="tau_plus"):
        P.STDP(tau_plus=0.0)
    with pytest.raises(ValueError, match="eta"):
        P.Oja(eta=-1e-3)
    with pytest.raises(ValueError, match="tau_theta"):
        P.BCM(tau_theta=-5.0)
    with pytest.raises(ValueError, match="w_max"):
        P.Additive(w_min=1.0, w_max=0.5)
    rule = P.STDP()
    w = jnp.zeros((3, 2))
    with pytest.raises(ValueError, match="`pre` must have shape \\(3,\\)"):
        rule.update(w, rule.init(w), jnp.zeros(4), jnp.zeros(2), 1.0)
    reward = P.RewardSTDP()
    with pytest.raises(ValueError, match="modulator"):
        reward.update(w, reward.init(w), jnp.zeros(3), jnp.zeros(2), 1.0)
    with pytest.raises(ValueError, match="rules\\[1\\]"):
        P.chain(P.STDP(), "stdp")


def _plastic_network(propagation, rule):
    key = jax.random.key(5)
    w = 60.0 * jax.random.bernoulli(key, 0.5, (20, 10)) + 0.0
    cell = dict(tau_m=10.0, t_ref=2.0)
    proj = bj.Projection(
        "in", "out", w, bj.synapses.Exponential(tau=5.0), plasticity=rule, propagation=propagation
    )
    net = bj.Network(
        {"in": bj.neurons.LIF(n=20, **cell), "out": bj.neurons.LIF(n=10, **cell)}, [proj]
    )
    return net, w


@pytest.mark.parametrize("propagation", [bj.network.Dense(), bj.network.EventDriven()])
def test_online_plasticity_in_network_equals_replay_of_its_spikes(propagation):
    rule = P.STDP(a_plus=2.0, a_minus=2.1, weight_dependence=P.Additive(0.0, 120.0))
    net, w = _plastic_network(propagation, rule)
    drive = jnp.linspace(380.0, 480.0, 20)
    sol = bj.simulate(
        net,
        t1=200.0,
        dt=0.5,
        inputs={"in": drive, "out": 300.0},
        monitor=bj.Monitor(every=400, select=lambda y: None),
    )
    assert sol.spikes["in"].sum() > 50 and sol.spikes["out"].sum() > 5
    w_replay, _ = P.replay(rule, w, sol.spikes["in"], sol.spikes["out"], 0.5)
    w_online = sol.final.plastic[0][0]  # the state holds (weights, rule state, mask)
    if isinstance(propagation, bj.network.EventDriven):
        proj = net.projections[0]
        dense = (
            jnp.zeros((21, 10))
            .at[jnp.arange(21)[:, None].repeat(proj.targets.shape[1], 1), proj.targets]
            .add(w_online)
        )
        w_online = dense[:20]
    assert not np.allclose(w_online, w)  # the weights did change
    np.testing.assert_allclose(w_online, np.where(w > 0, w_replay, 0.0), rtol=1e-5, atol=1e-4)


def test_network_plasticity_bad_input():
    with pytest.raises(ValueError, match="plasticity"):
        bj.Projection("a", "a", jnp.ones((2, 2)), bj.synapses.Exponential(), plasticity="stdp")
    proj = bj.Projection("a", "a", jnp.ones((2, 2)), bj.synapses.Exponential(), plasticity=P.STDP())
    with pytest.raises(ValueError, match="dt"):
        bj.Network({"a": bj.neurons.LIF(n=2)}, [proj]).init()


def test_deprecated_all_to_all_alias_warns_and_works():
    with pytest.warns(DeprecationWarning, match="AllPairs"):
        traces = bj.plasticity.AllToAll()
    assert traces == bj.plasticity.AllPairs()
