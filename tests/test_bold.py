"""Balloon-Windkessel BOLD model: published response timing, an independent SciPy
integration of the same equations, the analytic steady state, gradients, bad input."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from brainjax.populations import Balloon


def impulse_response(balloon, dt=10.0, seconds=30.0):
    z = np.zeros((int(seconds * 1000 / dt), 1))
    z[: int(100 / dt)] = 1.0  # 100 ms of activity
    return np.asarray(balloon.bold(z, dt))[:, 0]


def test_stephan2007_response_peaks_at_published_latency():
    # The haemodynamic response to a brief event peaks 4-6 s after it, followed by an
    # undershoot (Friston et al. 2000; Stephan et al. 2007, fig. 2).
    y = impulse_response(Balloon.stephan2007())
    peak_s = (np.argmax(y) + 1) * 0.01
    assert 4.0 <= peak_s <= 6.0
    assert y.min() < 0 and np.argmin(y) > np.argmax(y)  # post-stimulus undershoot


def test_matches_scipy_integration_of_the_equations():
    b = Balloon()  # Friston et al. 2003 parameters

    def rhs(t_s, y):
        s, f, v, q = y
        z = 1.0 if t_s < 0.1 else 0.0
        out = v ** (1 / b.alpha)
        e = (1 - (1 - b.rho) ** (1 / f)) / b.rho
        return [z - b.kappa * s - b.gamma * (f - 1), s, (f - out) / b.tau,
                (f * e - out * q / v) / b.tau]  # fmt: skip

    t = np.arange(1, 2001) * 0.01
    ref = solve_ivp(rhs, (0, 20), [0, 1, 1, 1], t_eval=t, rtol=1e-10, atol=1e-12,
                    max_step=0.005).y  # fmt: skip
    s, f, v, q = ref
    bold_ref = b.v0 * (b.k1 * (1 - q) + b.k2 * (1 - q / v) + b.k3 * (1 - v))
    y = impulse_response(b, dt=1.0, seconds=20.0)[9::10]
    np.testing.assert_allclose(y, bold_ref, atol=2e-3 * np.abs(bold_ref).max())


def test_constant_drive_reaches_analytic_steady_state():
    # Steady state with drive z: s = 0, f = 1 + z / gamma, v = f^alpha, q = v E(f) / rho.
    b = Balloon(n=2)
    z = np.array([0.0, 0.2])
    y = b.bold(np.tile(z, (600, 1)), dt=100.0, every=600)[-1]  # 60 s of constant drive
    f = 1 + z / b.gamma
    v = f**b.alpha
    q = v * (1 - (1 - b.rho) ** (1 / f)) / b.rho  # dq/dt = 0 with v^(1/alpha) = f
    expected = b.v0 * (b.k1 * (1 - q) + b.k2 * (1 - q / v) + b.k3 * (1 - v))
    np.testing.assert_allclose(y, expected, atol=1e-4)


def test_gradient_with_respect_to_activity_matches_finite_differences():
    b = Balloon(n=1)

    def peak(scale):
        z = scale * jnp.zeros((200, 1)).at[:5].set(1.0)
        return b.bold(z, 50.0).max()

    g = jax.grad(peak)(1.0)
    fd = (peak(1.0 + 1e-2) - peak(1.0 - 1e-2)) / 2e-2
    assert float(g) == pytest.approx(float(fd), rel=1e-2)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: Balloon(n=2).bold(np.zeros((10, 3)), 1.0), r"\(time, 2\)"),
        (lambda: Balloon().bold(np.zeros((10, 1)), -1.0), "dt"),
        (lambda: Balloon().bold(np.zeros((3, 1)), 1.0, every=5), "fewer"),
        (lambda: Balloon(tau=0.0), "tau"),
        (lambda: Balloon(rho=1.5), "rho"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()
