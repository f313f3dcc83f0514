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
    RateUnit,
    ReLU,
    Sigmoid,
    Tanh,
)


def test_jansen_rit_alpha_rhythm_and_rest():
    # Jansen & Rit 1995: standard parameters, p = 220 Hz -> alpha (~10.8 Hz) limit
    # cycle of the pyramidal PSP; p = 50 Hz (below the Hopf point) -> rest.
    jr = JansenRit(n=2, p=jnp.array([220.0, 50.0]))
    sol = bj.simulate(jr, t1=2500.0, dt=0.1, monitor=bj.Monitor(every=10))
    eeg = np.asarray(jr.psp(sol.ys))[500:]  # drop the first 500 ms
    freqs, psd = bj.fit.power_spectrum(eeg, dt=1.0)
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
    sol = bj.simulate(fhn, t1=1200.0, dt=0.1, y0=y0, monitor=bj.Monitor(every=10))
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
