"""Hopf (Stuart-Landau) and Kuramoto oscillators against their analytic solutions, and the
vector Kuramoto model (AKOrN) as an energy model."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax.populations import Hopf, Kuramoto, VectorKuramoto


def test_hopf_limit_cycle_radius_frequency_and_decay():
    # Node 0: a = 0.04 > 0, limit cycle of radius sqrt(a) = 0.2 at 10 Hz.
    # Node 1: a = -0.02 < 0, r(t) from the exact solution of dr/dt = a r - r^3:
    # 1/r^2 = 1/a + (1/r0^2 - 1/a) exp(-2 a t).
    a = jnp.array([0.04, -0.02])
    hopf = Hopf(n=2, a=a, frequency=10.0)
    sol = bj.simulate(hopf, t1=1000.0, dt=0.1, monitor=bj.Monitor(every=5))
    r = np.hypot(sol.ys.x, sol.ys.y)
    np.testing.assert_allclose(r[-1000:, 0], 0.2, rtol=1e-4)
    t = np.asarray(sol.ts)
    exact = (1 / -0.02 + (1 / 0.1**2 + 1 / 0.02) * np.exp(0.04 * t)) ** -0.5
    np.testing.assert_allclose(r[:, 1], exact, rtol=1e-3)
    x = np.asarray(sol.ys.x[-1000:, 0])
    upward = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))
    period_ms = np.mean(np.diff(upward)) * 0.5
    assert 1000.0 / period_ms == pytest.approx(10.0, rel=1e-3)


def test_hopf_diffusive_coupling_synchronises_identical_nodes():
    w = np.ones((3, 3)) - np.eye(3)
    hopf = Hopf(n=3, a=0.04, weights=w, coupling=0.05, x_init=jnp.array([0.1, -0.1, 0.0]),
                y_init=jnp.array([0.0, 0.1, -0.1]))  # fmt: skip
    sol = bj.simulate(hopf, t1=500.0, dt=0.1)
    np.testing.assert_allclose(sol.final.x, sol.final.x[0], atol=1e-4)
    assert float(jnp.hypot(sol.final.x[0], sol.final.y[0])) == pytest.approx(0.2, rel=1e-3)


def lorentzian(n, gamma):
    u = (np.arange(n) + 0.5) / n  # deterministic quantiles: little finite-size noise
    return gamma * np.tan(np.pi * (u - 0.5))


def order_parameter(k, n=2000, gamma=0.5, t1=60.0):
    theta0 = np.random.default_rng(0).uniform(0, 2 * np.pi, n)
    kur = Kuramoto(lorentzian(n, gamma), k, theta_init=theta0)
    sol = bj.simulate(kur, t1=t1, dt=0.01, monitor=bj.Monitor(every=100))
    return float(kur.order_parameter(sol.ys)[-20:].mean())


def test_kuramoto_matches_mean_field_theory():
    # r = sqrt(1 - K_c / K), K_c = 2 gamma (Kuramoto 1975), for K = 2 K_c.
    assert order_parameter(2.0) == pytest.approx(np.sqrt(0.5), abs=0.01)


@pytest.mark.slow
@pytest.mark.parametrize("k", [0.5, 1.5, 3.0, 5.0])
def test_kuramoto_transition_curve(k):
    expected = np.sqrt(max(0.0, 1 - 1.0 / k))
    assert order_parameter(k, t1=100.0) == pytest.approx(expected, abs=0.03)


def test_kuramoto_matrix_coupling_equals_mean_field():
    theta = jnp.asarray(np.random.default_rng(1).uniform(0, 2 * np.pi, 50))
    omega = jnp.linspace(-1, 1, 50)
    dense = Kuramoto(omega, 0.7, weights=np.ones((50, 50)))
    mean_field = Kuramoto(omega, 0.7)
    np.testing.assert_allclose(
        dense.vector_field(0.0, theta, None), mean_field.vector_field(0.0, theta, None), atol=1e-5
    )
    assert float(Kuramoto.order_parameter(jnp.zeros(5))) == pytest.approx(1.0)


def test_kuramoto_noise_needs_key_and_is_reproducible():
    kur = Kuramoto(jnp.zeros(4), 0.0, noise=0.1)
    with pytest.raises(ValueError, match="key"):
        bj.simulate(kur, t1=1.0, dt=0.1)
    a = bj.simulate(kur, t1=10.0, dt=0.1, key=jax.random.key(3)).final
    b = bj.simulate(kur, t1=10.0, dt=0.1, key=jax.random.key(3)).final
    np.testing.assert_array_equal(a, b)
    assert float(jnp.std(a - kur.theta_init)) > 0.05


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Hopf(n=2, a=jnp.zeros(3)), "`a`"),
        (lambda: Hopf(n=2, weights=np.ones((2, 3))), "square"),
        (lambda: Hopf(n=2, weights=-np.ones((2, 2))), "non-negative"),
        (lambda: Hopf(n=3, weights=np.ones((2, 2))), r"\(3, 3\)"),
        (lambda: Hopf(noise=-1.0), "noise"),
        (lambda: Kuramoto(np.zeros((2, 2))), "1-d"),
        (lambda: Kuramoto(np.zeros(3), weights=np.full((3, 3), np.nan)), "weights"),
        (lambda: Kuramoto(np.array([0.0, np.nan])), "omega"),
    ],
)
def test_bad_input_raises(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_vector_kuramoto_is_an_energy_model_relaxed_down_its_energy():
    # AKOrN (Miyato et al. 2024) is an AbstractEnergy: `relax` follows its own projected
    # flow, along which E = -1/2 sum J_ij <x_i, x_j> - sum <c_i, x_i> never increases.
    rng = np.random.default_rng(2)
    n, d = 10, 3
    a = rng.standard_normal((n, n))
    akorn = VectorKuramoto(
        rng.standard_normal((n, d)), (a + a.T) / 4, stimulus=0.5 * rng.standard_normal(d)
    )
    assert isinstance(akorn, bj.AbstractEnergy) and isinstance(akorn, bj.AbstractDynamics)
    out = bj.relax(akorn, akorn.init(), rtol=1e-6, atol=1e-6, max_steps=4096)
    assert bool(out.converged)
    energies = np.asarray(out.energies)
    assert np.all(np.diff(energies) <= 1e-6 * np.abs(energies[1:]))
    assert energies[-1] < energies[0] - 1.0
    np.testing.assert_allclose(VectorKuramoto.norms(out.x), 1.0, atol=1e-4)
    # the same flow as `simulate` integrates
    t1 = float(np.ceil(out.ts[-1]))
    sol = bj.simulate(akorn, t1=t1, dt=0.01, monitor=bj.Monitor(every=100))
    np.testing.assert_allclose(akorn.energy(sol.final), energies[-1], rtol=1e-3)
    with pytest.raises(ValueError, match="Synchronous"):
        bj.relax(akorn, akorn.init(), method=bj.Synchronous())
