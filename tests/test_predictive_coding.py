"""Predictive coding against theory: energy descent, ODE vs fixed-step equilibria (and
the closed-form equilibrium of a linear model), alignment with backprop in the
small-error limit, PCA by linear generative PC, learning, precision learning, gradients
vs finite differences, and input validation."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import brainjax as bj
from brainjax import predictive_coding as pc

LINEAR = lambda z: z  # noqa: E731


def _net(sizes=(5, 12, 12, 3), seed=0, **kwargs):
    return pc.PCNetwork(sizes, key=jax.random.key(seed), **kwargs)


def _data(n, d, seed=1):
    return jax.random.normal(jax.random.key(seed), (n, d))


def test_energy_is_the_sum_of_precision_weighted_squared_errors():
    net = _net(precision=(2.0, 0.5, 4.0), prior_precision=3.0)
    x = tuple(_data(4, n, seed=i) for i, n in enumerate(net.sizes))
    pis = [3.0, 2.0, 0.5, 4.0]
    errors = [np.asarray(x[0])]
    for i, layer in enumerate(net.layers, start=1):
        a = np.asarray(x[i - 1]) @ np.asarray(layer.weight).T + np.asarray(layer.bias)
        errors.append(np.asarray(x[i]) - (a if i == 3 else np.tanh(a)))
    expected = [
        0.5 * pi * np.sum(e**2) - 0.5 * 4 * e.shape[1] * np.log(pi) for pi, e in zip(pis, errors)
    ]
    np.testing.assert_allclose(net.layer_energies(x), expected, rtol=1e-5)
    np.testing.assert_allclose(net.energy(x), sum(expected), rtol=1e-5)
    # The feedforward pass has no prediction error: test-time inference keeps it.
    assert isinstance(net, bj.AbstractEnergy)
    a, free = pc.initial_activities(_net(), top=x[0])
    assert free == (False, True, True, True)
    out = pc.infer(_net(), a, free, pc.FixedStep(0.1, 5))
    np.testing.assert_allclose(out.energies, 0.0, atol=1e-6)
    np.testing.assert_allclose(out.x[-1], a[-1], atol=1e-6)


def test_energy_never_increases_during_fixed_step_inference():
    net = _net()
    x, y = _data(8, 5), _data(8, 3, seed=2)
    a, free = pc.initial_activities(net, x, y)
    energies = np.asarray(pc.infer(net, a, free, pc.FixedStep(0.05, 200)).energies)
    assert energies[-1] < 0.9 * energies[0]
    assert np.all(np.diff(energies) <= 1e-6 * energies[0])


def test_ode_and_fixed_step_reach_the_linear_closed_form_equilibrium():
    # Linear generative model x = W z + b, prior z ~ N(0, 1/pi0), errors N(0, 1/pi1):
    # E(z) is quadratic and its minimum solves (pi0 I + pi1 W^T W) z = pi1 W^T (x - b).
    net = _net((3, 6), activation=LINEAR, prior_precision=2.0, precision=0.5)
    data = _data(4, 6)
    a, free = pc.initial_activities(net, bottom=data)
    assert free == (True, False)
    w, b = np.asarray(net.layers[0].weight), np.asarray(net.layers[0].bias)
    z_star = np.linalg.solve(2.0 * np.eye(3) + 0.5 * w.T @ w, 0.5 * w.T @ (data - b).T).T
    fixed = pc.infer(net, a, free, pc.FixedStep(0.2, 400)).x[0]
    ode = pc.infer(net, a, free, bj.GradientFlow(), rtol=1e-7, atol=1e-7).x[0]
    np.testing.assert_allclose(fixed, z_star, atol=1e-4)
    np.testing.assert_allclose(ode, z_star, atol=1e-4)


@pytest.mark.parametrize("method", [pc.FixedStep(0.1, 30), bj.GradientFlow()])
def test_inference_is_relax_of_the_clamped_network(method):
    net = _net(prior_precision=1.0)
    observed = jnp.broadcast_to(jnp.arange(3) < 2, (6, 3))
    a, free = pc.initial_activities(net, bottom=_data(6, 3, seed=2), observed=observed)
    out = pc.infer(net, a, free, method, rtol=1e-6, atol=1e-6)
    assert isinstance(out, bj.Relaxation)
    model = pc.Clamped(net, free)
    relaxed = bj.relax(model, model.state(a), a, method=method, rtol=1e-6, atol=1e-6)
    for u, v in zip(out.x, model.merge(relaxed.x, a)):
        np.testing.assert_array_equal(u, v)
    for field in ("energies", "ts", "num_steps", "converged"):
        np.testing.assert_array_equal(getattr(out, field), getattr(relaxed, field))
    with pytest.raises(ValueError, match="Synchronous"):
        pc.infer(net, a, free, bj.Synchronous())


@pytest.mark.slow
def test_ode_and_fixed_step_agree_on_a_nonlinear_network():
    net = _net()
    a, free = pc.initial_activities(net, _data(6, 5), _data(6, 3, seed=2))
    fixed = pc.infer(net, a, free, pc.FixedStep(0.1, 600))
    ode = pc.infer(net, a, free, bj.GradientFlow(solver=diffrax.Tsit5()), rtol=1e-6, atol=1e-6)
    for u, v in zip(fixed.x, ode.x):
        np.testing.assert_allclose(u, v, atol=1e-4)
    np.testing.assert_allclose(fixed.energies[-1], ode.energies[-1], rtol=1e-4)


def test_pc_weight_updates_align_with_backprop_in_the_small_error_limit():
    # Whittington & Bogacz (2017): with the output weakly clamped (low output precision)
    # and a near-feedforward start, equilibrium errors equal backprop's deltas.
    net = _net(precision=(1.0, 1.0, 0.01))
    x = _data(8, 5)
    out = net.feedforward(x)[-1]
    y = out + 0.01 * _data(8, 3, seed=2)
    a, free = pc.initial_activities(net, x, y)
    eq = pc.infer(net, a, free, pc.FixedStep(0.1, 400)).x
    g_pc = jax.grad(lambda n: n.energy(eq))(net)
    g_bp = jax.grad(lambda n: 0.5 * jnp.sum((y - n.feedforward(x)[-1]) ** 2))(net)
    for lp, lb in zip(g_pc.layers, g_bp.layers):
        for u, v in ((lp.weight, lb.weight), (lp.bias, lb.bias)):
            u, v = np.ravel(u), np.ravel(v)
            assert u @ v / np.linalg.norm(u) / np.linalg.norm(v) > 0.99


def test_linear_generative_pc_recovers_the_principal_subspace():
    rng = np.random.default_rng(0)
    d, k, n = 8, 2, 400
    rotation = np.linalg.qr(rng.normal(size=(d, d)))[0]
    data = (rng.normal(size=(n, d)) * [3.0, 2.0, 0.5, 0.4, 0.3, 0.3, 0.2, 0.2]) @ rotation.T
    data -= data.mean(0)
    net = _net((k, d), seed=3, activation=LINEAR, prior_precision=1.0)
    # Weight decay bounds the weights (the PC energy lacks the log-determinant term of
    # the exact likelihood); the minimiser spans the top-k principal subspace.
    result = pc.train(
        net,
        (None, jnp.asarray(data, jnp.float32)),
        rule=pc.PC(pc.FixedStep(0.2, 50)),
        optimizer=optax.chain(optax.add_decayed_weights(0.05), optax.sgd(0.05)),
        epochs=300,
        batch_size=n,
    )
    assert result.history[-1] < 0.7 * result.history[0]
    w = np.asarray(result.model.layers[0].weight)
    principal = np.linalg.svd(data, full_matrices=False)[2][:k].T
    cosines = np.linalg.svd(principal.T @ np.linalg.qr(w)[0])[1]
    assert np.all(cosines > 0.99), cosines


def _feedforward_loss(net, x, y):
    return float(0.5 * jnp.mean(jnp.sum((y - net.feedforward(x)[-1]) ** 2, -1)))


@pytest.mark.parametrize("rule", [pc.PC(pc.FixedStep(0.1, 10)), pc.IPC(0.1, 5)])
def test_pc_and_ipc_reduce_the_training_loss_on_digits(rule):
    images, labels = bj.datasets.load_digits("train")
    x, y = jnp.asarray(images[:256]), jax.nn.one_hot(labels[:256], 10)
    net = _net((64, 32, 10))
    result = pc.train(net, (x, y), rule=rule, optimizer=optax.adam(3e-3), epochs=3, batch_size=32)
    before, after = _feedforward_loss(net, x, y), _feedforward_loss(result.model, x, y)
    assert after < 0.5 * before
    assert result.history.shape == (3 * 256 // 32,)
    assert isinstance(result.model, pc.PCNetwork)


def test_precision_learning_converges_to_inverse_error_variance():
    # Both ends clamped, nothing to infer: dE/dlog(pi) = 0 at pi = 1 / mean(e^2) per unit.
    x, y = _data(64, 3), 0.3 * _data(64, 2, seed=2) + 1.0
    net = _net((3, 2), activation=LINEAR)
    errors = np.asarray(y - net.feedforward(x)[-1])
    frozen = jax.tree.map(lambda _: False, net)
    only_precision = eqx.tree_at(lambda n: n.log_precision, frozen, (True,))
    result = bj.fit.fit(
        net,
        pc.PC(),
        optimizer=optax.adam(0.05),
        steps=400,
        data=(x, y),
        filter_spec=only_precision,
        progress=False,
    )
    np.testing.assert_allclose(
        np.exp(result.model.log_precision[0]), 1.0 / np.mean(errors**2, 0), rtol=1e-2
    )


@pytest.mark.parametrize("method", [pc.FixedStep(0.1, 30), bj.GradientFlow()])
def test_gradients_through_inference_match_finite_differences(method):
    net = _net((4, 6, 2))
    x, y = _data(3, 4), _data(3, 2, seed=2)
    a, free = pc.initial_activities(net, x, y)

    @jax.jit
    def loss(scale):
        clamped = (a[0] * scale, a[1], a[2])
        hidden = pc.infer(net, clamped, free, method, rtol=1e-7, atol=1e-7).x[1]
        return jnp.sum(jnp.sin(hidden))

    grad = jax.grad(loss)(1.0)
    eps = 1e-2
    fd = (loss(1.0 + eps) - loss(1.0 - eps)) / (2 * eps)
    np.testing.assert_allclose(grad, fd, rtol=2e-3)


def test_occluded_units_are_inferred_and_observed_ones_stay_clamped():
    net = _net((3, 6), activation=LINEAR, prior_precision=1.0)
    data = _data(2, 6)
    observed = jnp.arange(6) < 4
    observed = jnp.broadcast_to(observed, data.shape)
    a, free = pc.initial_activities(net, bottom=data, observed=observed)
    out = pc.infer(net, a, free, pc.FixedStep(0.2, 300)).x
    np.testing.assert_array_equal(out[1][:, :4], data[:, :4])
    # The free pixels end at the model's prediction from the inferred latent.
    np.testing.assert_allclose(out[1][:, 4:], net.feedforward(out[0])[1][:, 4:], atol=1e-4)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="sizes"):
        _net((4,))
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        _net((4, 0, 2))
    with pytest.raises(ValueError, match="precision"):
        _net((4, 2), precision=-1.0)
    with pytest.raises(ValueError, match="precision"):
        _net((4, 3, 2), precision=(1.0, 0.0))
    with pytest.raises(ValueError, match="prior_precision"):
        _net((4, 2), prior_precision=0.0)
    with pytest.raises(ValueError, match="step_size"):
        pc.FixedStep(0.0, 10)
    with pytest.raises(ValueError, match="step_size"):
        pc.IPC(step_size=-0.1)
    with pytest.raises(ValueError, match="steps"):
        pc.FixedStep(0.1, 0)
    net = _net((4, 3, 2))
    with pytest.raises(ValueError, match=r"`top` must have 4 units"):
        pc.initial_activities(net, _data(5, 3), _data(5, 2))
    with pytest.raises(ValueError, match=r"`bottom` must have 2 units"):
        pc.initial_activities(net, _data(5, 4), _data(5, 3))
    with pytest.raises(ValueError, match="batch shape"):
        pc.initial_activities(net, _data(5, 4), _data(6, 2))
    with pytest.raises(ValueError, match="3 layers"):
        net.energy((_data(5, 4), _data(5, 3)))
    with pytest.raises(ValueError, match=r"activities\[1\]"):
        net.energy((_data(5, 4), _data(5, 5), _data(5, 2)))
    with pytest.raises(ValueError, match="batch_size"):
        pc.train(
            net,
            (_data(5, 4), _data(5, 2)),
            rule=pc.PC(),
            optimizer=optax.sgd(0.1),
            epochs=1,
            batch_size=6,
        )
