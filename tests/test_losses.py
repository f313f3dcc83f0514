"""Losses of `brainjax.fit` against NumPy/SciPy references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.signal

import brainjax as bj


def _trains(rng, steps=400, n=3, p=0.02):
    return (rng.random((steps, n)) < p).astype(np.float32)


def test_fc_matches_numpy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 6)) + rng.standard_normal((200, 1))
    target = np.corrcoef(rng.standard_normal((50, 6)), rowvar=False)
    fc = np.corrcoef(x, rowvar=False)
    iu = np.triu_indices(6, k=1)
    r = np.corrcoef(fc[iu], target[iu])[0, 1]
    np.testing.assert_allclose(bj.analysis.functional_connectivity(x), fc, atol=1e-5)
    np.testing.assert_allclose(bj.analysis.fc_correlation(fc, target), r, atol=1e-5)
    np.testing.assert_allclose(bj.fit.fc_loss(x, target), 1 - r, atol=1e-5)
    np.testing.assert_allclose(bj.fit.fc_loss(x, fc), 0.0, atol=1e-5)
    grad = jax.grad(lambda x: bj.fit.fc_loss(x, target))(jnp.asarray(x))
    assert np.all(np.isfinite(grad))
    with pytest.raises(ValueError, match="same shape"):
        bj.analysis.fc_correlation(fc, target[:5, :5])


def test_rate_loss_matches_numpy():
    spikes = _trains(np.random.default_rng(1), steps=1000, n=4, p=0.01)
    rates = spikes.sum(0) / (1000 * 0.1e-3)  # Hz
    target = np.array([5.0, 10.0, 100.0, 0.0])
    expected = np.mean((rates - target) ** 2)
    np.testing.assert_allclose(bj.fit.rate_loss(spikes, target, dt=0.1), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="`dt`"):
        bj.fit.rate_loss(spikes, target, dt=0.0)


def _van_rossum_reference(ta, tb, tau):
    """Closed form on spike times: D^2 = 1/2 sum_ij K over pairs (van Rossum, 2001)."""
    k = lambda x, y: np.exp(-np.abs(x[:, None] - y[None, :]) / tau).sum()
    return 0.5 * (k(ta, ta) + k(tb, tb) - 2 * k(ta, tb))


def test_van_rossum_matches_closed_form():
    rng = np.random.default_rng(2)
    dt, tau = 0.1, 5.0
    a, b = _trains(rng), _trains(rng)
    expected = sum(
        _van_rossum_reference(np.nonzero(a[:, i])[0] * dt, np.nonzero(b[:, i])[0] * dt, tau)
        for i in range(a.shape[1])
    )
    got = bj.fit.van_rossum_loss(a, b, dt=dt, tau=tau)
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    # one unmatched spike costs 1/2
    single = np.zeros((100, 1), np.float32)
    single[10] = 1.0
    np.testing.assert_allclose(
        bj.fit.van_rossum_loss(single, 0 * single, dt=dt, tau=tau), 0.5, rtol=1e-5
    )


def _victor_purpura_reference(ta, tb, q):
    """Victor & Purpura (1996) edit distance by dynamic programming."""
    d = np.zeros((len(ta) + 1, len(tb) + 1))
    d[:, 0] = np.arange(len(ta) + 1)
    d[0, :] = np.arange(len(tb) + 1)
    for i in range(1, len(ta) + 1):
        for j in range(1, len(tb) + 1):
            d[i, j] = min(
                d[i - 1, j] + 1,
                d[i, j - 1] + 1,
                d[i - 1, j - 1] + q * abs(ta[i - 1] - tb[j - 1]),
            )
    return d[-1, -1]


def test_victor_purpura_matches_edit_distance():
    dt, q = 0.1, 0.5  # pairs further apart than 2/q = 4 ms do not interact
    steps = 2000
    a = np.zeros((steps, 1), np.float32)
    b = np.zeros((steps, 1), np.float32)
    # shifted pairs (1 ms, 3 ms, 6 ms: the last costs 2), one deletion, one insertion
    for ia, ib in [(100, 110), (300, 330), (600, 660)]:
        a[ia], b[ib] = 1.0, 1.0
    a[1000] = 1.0
    b[1500] = 1.0
    times = lambda s: np.nonzero(s[:, 0])[0] * dt
    expected = _victor_purpura_reference(times(a), times(b), q)
    np.testing.assert_allclose(expected, 0.5 + 1.5 + 2 + 1 + 1)
    np.testing.assert_allclose(bj.fit.victor_purpura_loss(a, b, dt=dt, q=q), expected, rtol=1e-5)
    np.testing.assert_allclose(bj.fit.victor_purpura_loss(a, a, dt=dt, q=q), 0.0, atol=1e-6)


def test_power_spectrum_matches_scipy():
    rng = np.random.default_rng(3)
    dt = 0.5  # ms -> fs = 2 kHz
    t = np.arange(1000) * dt
    x = np.stack([np.sin(2 * np.pi * 0.04 * t), rng.standard_normal(1000)], axis=1)
    freqs, psd = bj.analysis.power_spectrum(x, dt=dt)
    f_ref, p_ref = scipy.signal.periodogram(x, fs=1000 / dt, window="hann", axis=0)
    np.testing.assert_allclose(freqs, f_ref, rtol=1e-6)
    np.testing.assert_allclose(psd, p_ref, rtol=1e-3, atol=1e-7 * p_ref.max())
    assert freqs[np.argmax(psd[:, 0])] == pytest.approx(40.0, abs=2.0)  # 40 Hz sine
    expected = np.mean((np.log10(p_ref + 1e-12) - np.log10(p_ref[::-1] + 1e-12)) ** 2)
    got = bj.fit.spectrum_loss(x, p_ref[::-1], dt=dt)
    np.testing.assert_allclose(got, expected, rtol=1e-3)
    with pytest.raises(ValueError, match="target_psd"):
        bj.fit.spectrum_loss(x, p_ref[:10], dt=dt)
