"""Jansen-Rit, FitzHugh-Nagumo and generic rate units against published and analytic
references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj
from brainjax.populations import (
    FitzHughNagumo,
    FitzHughNagumoState,
    JansenRit,
    Kuramoto,
    RateUnit,
    ReLU,
    Sigmoid,
    Tanh,
    VectorKuramoto,
)


def test_jansen_rit_alpha_rhythm_and_rest():
    # Jansen & Rit 1995: standard parameters, p = 220 Hz -> alpha (~10.8 Hz) limit
    # cycle of the pyramidal PSP; p = 50 Hz (below the Hopf point) -> rest.
    jr = JansenRit(n=2, p=jnp.array([220.0, 50.0]))
    sol = bj.simulate(jr, t1=2500.0, dt=0.25, monitor=bj.Monitor(every=4))
    eeg = np.asarray(jr.psp(sol.ys))[500:]  # drop the first 500 ms
    freqs, psd = bj.analysis.power_spectrum(eeg, dt=1.0)
    peak = float(freqs[np.argmax(psd[:, 0])])
    assert 8.0 <= peak <= 12.0
    assert np.ptp(eeg[:, 0]) > 1.0  # mV
    assert np.ptp(eeg[:, 1]) < 1e-3


def test_jansen_rit_noise_needs_key_and_is_reproducible():
    jr = JansenRit(noise=50.0)
    with pytest.raises(ValueError, match="key"):
        bj.simulate(jr, t1=1.0, dt=0.1)
    a = bj.simulate(jr, t1=20.0, dt=0.1, key=jax.random.key(1)).final
    b = bj.simulate(jr, t1=20.0, dt=0.1, key=jax.random.key(1)).final
    np.testing.assert_array_equal(a.y4, b.y4)
    assert np.all(np.isfinite(a.y4)) and float(jnp.abs(a.y4[0])) > 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"A": -1.0}, "`A`"),
        ({"a": 0.0}, "`a`"),
        ({"C": np.nan}, "`C`"),
        ({"n": 2, "p": np.ones(3)}, "`p`"),
        ({"noise": -0.1}, "`noise`"),
        ({"n": 0}, "`n`"),
    ],
)
def test_jansen_rit_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        JansenRit(**kwargs)


def test_fitzhugh_nagumo_hopf_threshold():
    # Trace of the Jacobian at the fixed point, 1 - v*^2 - b / tau, vanishes at
    # v* = -sqrt(1 - b / tau); the matching current is I_c = -v* + v*^3/3 + (v* + a)/b.
    a, b, tau = 0.7, 0.8, 12.5
    v_c = -np.sqrt(1 - b / tau)
    i_c = -v_c + v_c**3 / 3 + (v_c + a) / b
    assert i_c == pytest.approx(0.3313, abs=1e-4)
    fhn = FitzHughNagumo(n=2, I=jnp.array([i_c - 0.03, i_c + 0.03]))
    fp = bj.analysis.fixed_point(fhn, fhn.init())
    np.testing.assert_allclose(fp.w, (fp.v + a) / b, rtol=1e-5)
    for k, sign in ((0, -1), (1, 1)):
        node = FitzHughNagumo(I=fhn.I[k])
        y = FitzHughNagumoState(v=fp.v[k : k + 1], w=fp.w[k : k + 1])
        eigs = bj.analysis.eigenvalues(node, y)
        trace = 1 - float(fp.v[k]) ** 2 - b / tau
        assert float(jnp.sum(eigs.real)) == pytest.approx(trace, abs=1e-5)
        assert np.sign(float(eigs.real.max())) == sign
    # Simulation from just off the fixed point: rest below I_c, oscillation above.
    y0 = FitzHughNagumoState(v=fp.v + 0.01, w=fp.w)
    sol = bj.simulate(fhn, t1=1200.0, dt=0.2, y0=y0, monitor=bj.Monitor(every=5))
    tail = np.asarray(sol.ys.v)[-500:]
    assert np.ptp(tail[:, 0]) < 1e-3
    assert np.ptp(tail[:, 1]) > 3.0


def test_fitzhugh_nagumo_rejects_bad_parameters():
    with pytest.raises(ValueError, match="`tau`"):
        FitzHughNagumo(tau=0.0)
    with pytest.raises(ValueError, match="`I`"):
        FitzHughNagumo(n=3, I=np.ones(2))


@pytest.mark.parametrize("transfer", [Sigmoid(gain=2.0, threshold=0.5), Tanh(), ReLU()])
def test_rate_unit_steady_state_is_the_fixed_point(transfer):
    n = 4
    w = 0.3 * np.random.default_rng(0).standard_normal((n, n)) / np.sqrt(n)
    current = jnp.array([0.2, 0.5, 1.0, 1.5])
    net = RateUnit(n=n, transfer=transfer, tau=5.0, I=current, weights=w)
    r_sim = bj.simulate(net, t1=200.0, dt=0.1, monitor=bj.Monitor(every=2000)).final
    r_star = bj.analysis.fixed_point(net, r_sim + 0.05)
    np.testing.assert_allclose(r_sim, r_star, atol=1e-5)
    np.testing.assert_allclose(r_star, transfer(w @ r_star + current), atol=1e-5)


def test_rate_unit_linear_relaxation_time_is_tau():
    # Identity transfer, no recurrence: r(t) = I (1 - exp(-t / tau)).
    tau = 7.0
    unit = RateUnit(n=1, transfer=lambda x: x, tau=tau, I=2.0)
    np.testing.assert_allclose(bj.analysis.eigenvalues(unit, unit.init()), -1 / tau, rtol=1e-6)
    sol = bj.simulate(unit, t1=30.0, dt=0.01, monitor=bj.Monitor(every=100))
    t = np.asarray(sol.ts)
    np.testing.assert_allclose(sol.ys[:, 0], 2.0 * (1 - np.exp(-t / tau)), atol=1e-4)
    fitted = -1 / np.polyfit(t[1:], np.log(1 - np.asarray(sol.ys[1:, 0]) / 2.0), 1)[0]
    assert fitted == pytest.approx(tau, rel=1e-3)


def test_rate_unit_rejects_bad_parameters():
    with pytest.raises(ValueError, match="`weights`"):
        RateUnit(n=3, weights=np.ones((2, 2)))
    with pytest.raises(ValueError, match="`transfer`"):
        RateUnit(transfer="relu")
    with pytest.raises(ValueError, match="`tau`"):
        RateUnit(tau=-1.0)


def test_vector_kuramoto_stays_on_sphere_and_descends_energy():
    # Miyato et al. 2024: for symmetric J and Omega = 0 the flow is the Riemannian
    # gradient flow of E = -1/2 sum J_ij <x_i, x_j> - sum <c_i, x_i>.
    rng = np.random.default_rng(0)
    n, d = 8, 3
    a = rng.standard_normal((n, n))
    akorn = VectorKuramoto(
        rng.standard_normal((n, d)), (a + a.T) / 4, stimulus=0.5 * rng.standard_normal(d)
    )
    sol = bj.simulate(akorn, t1=40.0, dt=0.01, monitor=bj.Monitor(every=10))
    np.testing.assert_allclose(VectorKuramoto.norms(sol.ys), 1.0, atol=1e-4)
    energy = np.asarray(jax.vmap(akorn.energy)(sol.ys))
    assert np.all(np.diff(energy) <= 1e-6)
    assert energy[-1] < energy[0] - 1.0
    # The end point is a fixed point: the tangent force vanishes.
    assert float(jnp.abs(akorn.vector_field(0.0, sol.final, None)).max()) < 1e-2


def test_vector_kuramoto_reduces_to_kuramoto_and_rotates_by_omega():
    rng = np.random.default_rng(1)
    theta = rng.uniform(0, 2 * np.pi, 5)
    k = rng.random((5, 5))
    akorn = VectorKuramoto(np.stack([np.cos(theta), np.sin(theta)], 1), k)
    x = akorn.init()
    dx = akorn.vector_field(0.0, x, None)
    dtheta = x[:, 0] * dx[:, 1] - x[:, 1] * dx[:, 0]
    classic = Kuramoto(jnp.zeros(5), 5.0, weights=k)  # coupling / n = 1
    np.testing.assert_allclose(dtheta, classic.vector_field(0.0, theta, None), atol=1e-5)
    # No coupling, no stimulus: x(t) = expm(Omega t) x(0).
    m = rng.standard_normal((3, 3))
    omega = 0.1 * (m - m.T)
    free = VectorKuramoto(rng.standard_normal((2, 3)), omega=omega)
    sol = bj.simulate(free, t1=20.0, dt=0.02, monitor=bj.Monitor(every=1000))
    exact = free.init() @ np.asarray(jax.scipy.linalg.expm(20.0 * omega)).T
    np.testing.assert_allclose(sol.final, exact, atol=1e-4)


def test_vector_kuramoto_rejects_bad_parameters():
    x0 = np.ones((3, 2))
    with pytest.raises(ValueError, match="antisymmetric"):
        VectorKuramoto(x0, omega=np.eye(2))
    with pytest.raises(ValueError, match="`weights`"):
        VectorKuramoto(x0, np.ones((2, 2)))
    with pytest.raises(ValueError, match="`x_init`"):
        VectorKuramoto(np.ones(3))
    with pytest.raises(ValueError, match="`stimulus`"):
        VectorKuramoto(x0, stimulus=np.ones(3))


def test_vector_kuramoto_coupling_keyword_is_deprecated_for_weights():
    k = np.ones((3, 3)) / 3
    with pytest.warns(DeprecationWarning, match="weights"):
        akorn = VectorKuramoto(np.eye(3), coupling=k)
    np.testing.assert_allclose(akorn.weights, k)
    with pytest.raises(ValueError, match="weights"):
        VectorKuramoto(np.eye(3), k, coupling=k)
