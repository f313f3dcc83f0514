"""`relax`, its relaxation methods, `EnergyFlow` and the energy contracts, on energies with
known minima."""

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj


class TwoLayerQuadratic(bj.AbstractSynchronousEnergy):
    """E(x, b) = x0^T A x0 / 2 - b^T x0 + |x1 - x0|^2 / 2: a PyTree state (two layers,
    like a predictive-coding network). Minimum x0 = x1 = A^{-1} b."""

    a: jax.Array

    def energy(self, x, b):
        return 0.5 * x[0] @ self.a @ x[0] - b @ x[0] + 0.5 * jnp.sum((x[1] - x[0]) ** 2)

    def update(self, x, b):  # exact block-coordinate minimisation (Gauss-Seidel)
        x0 = jnp.linalg.solve(self.a + jnp.eye(len(b)), b + x[1])
        return [x0, x0]


@pytest.fixture(scope="module")
def problem():
    m = jax.random.normal(jax.random.key(0), (5, 5))
    a = m @ m.T / 5 + jnp.eye(5)
    b = jnp.linspace(-1.0, 1.0, 5)
    return TwoLayerQuadratic(a), b, [jnp.zeros(5), jnp.zeros(5)]


def test_gradient_flow_reaches_minimum_and_energy_decreases(problem):
    model, b, x0 = problem
    out = bj.relax(model, x0, b, max_steps=512)
    exact = np.linalg.solve(np.asarray(model.a), np.asarray(b))
    assert bool(out.converged)
    np.testing.assert_allclose(out.x[0], exact, atol=1e-4)
    np.testing.assert_allclose(out.x[1], exact, atol=1e-4)
    energies = np.asarray(out.energies)
    assert np.all(np.diff(energies) <= 1e-6 * np.abs(energies[1:]))  # non-increasing
    np.testing.assert_allclose(energies[-1], -0.5 * np.asarray(b) @ exact, rtol=1e-5)
    assert energies.shape == (512 + 1,)


def test_synchronous_updates_and_vmap(problem):
    model, b, x0 = problem
    out = jax.vmap(lambda bb: bj.relax(model, x0, bb, method=bj.Synchronous(), max_steps=64))(
        jnp.stack([b, 2 * b])
    )
    exact = np.linalg.solve(np.asarray(model.a), np.asarray(b))
    np.testing.assert_allclose(out.x[1][1], 2 * exact, atol=1e-4)
    assert np.all(np.asarray(out.converged))
    energies = np.asarray(out.energies)
    assert np.all(np.diff(energies, axis=1) <= 1e-6 * np.abs(energies[:, 1:]))


def test_gradients_match_analytic_and_finite_differences(problem):
    model, b, x0 = problem
    w = jnp.arange(5.0)

    def loss(bb, a, implicit=True, method=None):
        m = TwoLayerQuadratic(a)
        out = bj.relax(m, x0, bb, method=method, implicit=implicit, max_steps=512)
        return jnp.sum(w * out.x[1])

    exact = np.linalg.solve(np.asarray(model.a).T, np.asarray(w))  # d(w.A^-1 b)/db
    for method in (None, bj.Synchronous()):
        g = jax.grad(loss)(b, model.a, True, method)
        np.testing.assert_allclose(g, exact, rtol=2e-3, atol=2e-4)
    # with respect to the model parameters, against central finite differences
    g_a = np.asarray(jax.grad(loss, argnums=1)(b, model.a))
    eps = 1e-2
    for i, j in ((0, 0), (1, 3), (4, 2)):
        e = jnp.zeros((5, 5)).at[i, j].set(eps)
        fd = (loss(b, model.a + e) - loss(b, model.a - e)) / (2 * eps)
        np.testing.assert_allclose(g_a[i, j], fd, rtol=2e-2, atol=2e-3)


def test_fixed_step_flow_and_budget(problem):
    model, b, x0 = problem
    method = bj.GradientFlow(diffrax.Euler(), 0.1, diffrax.ConstantStepSize())
    out = bj.relax(model, x0, b, method=method, max_steps=5, implicit=False)
    x = x0  # five explicit gradient-descent steps by hand
    for _ in range(5):
        x = [xi - 0.1 * gi for xi, gi in zip(x, jax.grad(model.energy)(x, b))]
    np.testing.assert_allclose(out.x[0], x[0], rtol=1e-5)
    assert int(out.num_steps) == 5 and not bool(out.converged)

    # implicit=False backpropagates through the five steps: compare with the hand loop
    def unrolled(bb):
        y = x0
        for _ in range(5):
            y = [yi - 0.1 * gi for yi, gi in zip(y, jax.grad(model.energy)(y, bb))]
        return jnp.sum(y[1] ** 2)

    through = lambda bb: jnp.sum(
        bj.relax(model, x0, bb, method=method, max_steps=5, implicit=False).x[1] ** 2
    )
    np.testing.assert_allclose(jax.grad(through)(b), jax.grad(unrolled)(b), rtol=1e-4)


def test_energy_flow_through_simulate(problem):
    model, b, x0 = problem
    sol = bj.simulate(bj.EnergyFlow(model, x0), t1=40.0, dt=0.05, inputs=b)
    exact = np.linalg.solve(np.asarray(model.a), np.asarray(b))
    np.testing.assert_allclose(sol.final[0], exact, atol=1e-3)


def test_bad_input(problem):
    model, b, x0 = problem
    with pytest.raises(TypeError, match="AbstractEnergy"):
        bj.relax(object(), x0, b)
    with pytest.raises(ValueError, match="x0"):
        bj.relax(model, [jnp.zeros(3), jnp.zeros(5)], b)
    with pytest.raises(ValueError, match="method"):
        bj.relax(model, x0, b, method="euler")
    with pytest.raises(ValueError, match="max_steps"):
        bj.relax(model, x0, b, max_steps=0)
    with pytest.raises(ValueError, match="key"):
        bj.relax(model, x0, b, method=bj.Asynchronous())
    with pytest.raises(ValueError, match="implicit"):
        bj.relax(model, x0, b, method=bj.Synchronous(), implicit=False)
    with pytest.raises(ValueError, match="dt0"):
        bj.GradientFlow(dt0=-1.0)


class IsingChain(bj.AbstractAsynchronousEnergy):
    """E(s) = -sum_i s_i s_{i+1} on a ring: only a unit-wise (asynchronous) update."""

    def energy(self, s, args=None):
        return -jnp.sum(s * jnp.roll(s, 1))

    def update_unit(self, s, i, args=None):
        field = s[(i - 1) % s.size] + s[(i + 1) % s.size]
        return s.at[i].set(jnp.where(field > 0, 1.0, jnp.where(field < 0, -1.0, s[i])))


def test_asynchronous_with_unit_updates_only():
    """Zero-temperature asynchronous dynamics of an Ising ring (a model without a
    synchronous `update`): E never increases and the final state is a fixed point."""
    s0 = jnp.where(jax.random.bernoulli(jax.random.key(3), 0.5, (16,)), 1.0, -1.0)
    out = bj.relax(IsingChain(), s0, method=bj.Asynchronous(), key=jax.random.key(4))
    energies = np.asarray(out.energies)
    assert bool(out.converged) and np.all(np.diff(energies) <= 0)
    s = np.asarray(out.x)
    field = np.roll(s, 1) + np.roll(s, -1)
    assert np.all(s * field >= 0)  # no unit wants to flip


def test_fixed_step_is_gradient_descent_on_the_energy(problem):
    model, b, x0 = problem
    out = bj.relax(model, x0, b, method=bj.FixedStep(0.1, 7))
    x, energies = x0, []
    for _ in range(7):
        energies.append(model.energy(x, b))
        x = [xi - 0.1 * gi for xi, gi in zip(x, jax.grad(model.energy)(x, b))]
    np.testing.assert_allclose(out.x[1], x[1], rtol=1e-6)
    np.testing.assert_allclose(out.energies[:-1], energies, rtol=1e-6)
    np.testing.assert_allclose(out.ts, 0.1 * np.arange(8), rtol=1e-6)
    assert out.energies.shape == (8,) and int(out.num_steps) == 7 and not bool(out.converged)
    assert bool(bj.relax(model, x0, b, method=bj.FixedStep(0.2, 400)).converged)
    # gradients backpropagate through the steps
    through = lambda bb: jnp.sum(bj.relax(model, x0, bb, method=bj.FixedStep(0.1, 5)).x[1])
    by_flow = lambda bb: jnp.sum(
        bj.relax(
            model,
            x0,
            bb,
            method=bj.GradientFlow(diffrax.Euler(), 0.1, diffrax.ConstantStepSize()),
            max_steps=5,
            implicit=False,
        ).x[1]
    )
    np.testing.assert_allclose(jax.grad(through)(b), jax.grad(by_flow)(b), rtol=1e-5)


class Bowl(bj.AbstractEnergy):
    """E(x) = |x|^2 / 2: a continuous energy with no discrete update."""

    def energy(self, x, args=None):
        return 0.5 * jnp.sum(x**2)


def test_each_method_refuses_a_model_it_cannot_relax(problem):
    model, b, x0 = problem
    with pytest.raises(ValueError, match=r"Synchronous\(\) cannot relax Bowl.*update"):
        bj.relax(Bowl(), jnp.ones(3), method=bj.Synchronous())
    with pytest.raises(ValueError, match=r"Synchronous\(\) cannot relax IsingChain"):
        bj.relax(IsingChain(), jnp.ones(4), method=bj.Synchronous())
    key = jax.random.key(0)
    with pytest.raises(ValueError, match=r"Asynchronous\(\) cannot relax Bowl.*update_unit"):
        bj.relax(Bowl(), jnp.ones(3), method=bj.Asynchronous(), key=key)
    with pytest.raises(ValueError, match=r"Asynchronous\(\) cannot relax TwoLayerQuadratic"):
        bj.relax(model, x0, b, method=bj.Asynchronous(), key=key)
    with pytest.raises(ValueError, match="implicit"):
        bj.relax(model, x0, b, method=bj.FixedStep(0.1, 5), implicit=True)
    with pytest.raises(ValueError, match="step_size"):
        bj.FixedStep(0.0, 5)
    with pytest.raises(ValueError, match="steps"):
        bj.FixedStep(0.1, 0)
    # Gradient flow and fixed steps serve every energy model.
    assert bool(bj.relax(Bowl(), jnp.ones(3)).converged)
    np.testing.assert_allclose(bj.relax(Bowl(), jnp.ones(3), method=bj.FixedStep(0.5, 3)).x, 0.125)
    # The discrete contracts are abstract: a model must implement what it declares.
    with pytest.raises(TypeError, match="update"):
        type("NoUpdate", (bj.AbstractSynchronousEnergy,), {"energy": Bowl.energy})()


def test_relaxation_methods_share_one_contract():
    for method in (bj.GradientFlow(), bj.Synchronous(), bj.Asynchronous(), bj.FixedStep(0.1, 2)):
        assert isinstance(method, bj.AbstractRelaxation)
    assert bj.predictive_coding.FixedStep is bj.FixedStep


def test_deprecated_inference_names_warn_and_work():
    with pytest.warns(DeprecationWarning, match="Relaxation"):
        inference = bj.predictive_coding.Inference
    assert inference is bj.Relaxation
    out = bj.relax(Bowl(), jnp.ones(3), method=bj.FixedStep(0.5, 2))
    with pytest.warns(DeprecationWarning, match=r"\.x"):
        activities = out.activities
    np.testing.assert_array_equal(activities, out.x)
