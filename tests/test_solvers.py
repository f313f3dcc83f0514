"""ExponentialEuler against analytic solutions: exact for linear relaxation at any
step, first-order convergence on a nonlinear problem."""

import jax
import numpy as np

import brainjax as bj


def test_exponential_euler_is_exact_for_lif_subthreshold_relaxation():
    """v(t) = v_rest + R I (1 - exp(-t / tau_m)) at any dt (here dt = tau_m / 2)."""
    lif = bj.neurons.LIF(n=1, tau_m=10.0, c_m=250.0, v_th=0.0)
    expeuler = bj.integrators.HybridScan(bj.solvers.ExponentialEuler())
    sol = bj.simulate(lif, t1=50.0, dt=5.0, inputs=300.0, integrator=expeuler)
    ts = np.asarray(sol.ts)
    exact = -70.0 + 10.0 / 250.0 * 300.0 * (1 - np.exp(-ts / 10.0))
    np.testing.assert_allclose(sol.ys.v[:, 0], exact, rtol=1e-6, atol=1e-4)


def test_exponential_euler_converges_at_first_order():
    """Wilson-Cowan node (ODE path of simulate): error ~ dt against a fine Heun solve."""
    wc = bj.populations.WilsonCowan(p_e=1.0)
    expeuler = bj.integrators.DiffeqSolve(bj.solvers.ExponentialEuler())
    with jax.enable_x64(True):
        exact = bj.simulate(wc, t1=20.0, dt=0.001).final.e
        errors = [
            float(np.abs(
                bj.simulate(wc, t1=20.0, dt=dt, integrator=expeuler).final.e
                - exact
            ).max())
            for dt in (0.05, 0.025, 0.0125)
        ]  # fmt: skip
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    np.testing.assert_allclose(orders, 1.0, atol=0.15)
