"""Gradient training of spiking networks: encoders, readouts, delays, constraints, BPTT."""

import json
import subprocess
import sys
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import brainjax as bj

E = bj.encoding


def test_poisson_encoder_rates_and_latency_times():
    x = jnp.array([0.0, 0.25, 1.0])
    raster = E.PoissonEncoder(max_rate=200.0)(
        jnp.tile(x, (500, 1)), 100, 1.0, key=jax.random.key(0)
    )
    rates = np.asarray(raster.mean(axis=(0, 1))) * 1000.0  # Hz
    p = np.array([0.0, 0.05, 0.2])
    sigma = np.sqrt(p * (1 - p) / 50000) * 1000.0
    np.testing.assert_array_less(np.abs(rates - p * 1000.0), 4 * sigma + 1e-9)
    latency = E.LatencyEncoder(t_max=20.0, threshold=0.1)
    np.testing.assert_allclose(latency.times(jnp.array([0.05, 0.5, 1.0])), [np.inf, 10.0, 0.0])
    raster = latency(jnp.array([0.05, 0.5, 0.76]), steps=30, dt=0.5)
    np.testing.assert_array_equal(raster.sum(0), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(np.argmax(raster, 0)[1:], [20, 9])  # floor(t / dt)
    with pytest.raises(ValueError, match="max_rate"):
        E.PoissonEncoder(max_rate=2000.0)(x, 10, 1.0, key=jax.random.key(0))
    with pytest.raises(ValueError, match="t_max"):
        E.LatencyEncoder(t_max=0.0)


def test_readouts_match_numpy():
    rng = np.random.default_rng(0)
    spikes = (rng.random((40, 6)) < 0.05).astype(np.float32)
    spikes[:, 5] = 0.0  # a silent unit
    first = E.first_spike_time(jnp.asarray(spikes), dt=0.5, t0=10.0)
    expected = [10.0 + 0.5 * (np.argmax(c) + 1) if c.any() else 10.0 + 20.0 for c in spikes.T]
    np.testing.assert_allclose(first, expected)
    np.testing.assert_array_equal(E.spike_count(jnp.asarray(spikes)), spikes.sum(0))
    v = rng.normal(size=(30, 4))
    np.testing.assert_array_equal(E.membrane_max(jnp.asarray(v)), v.max(0).astype(np.float32))
    np.testing.assert_array_equal(E.membrane_last(jnp.asarray(v)), v[-1].astype(np.float32))


def test_spike_train_delays_shift_and_interpolate():
    raster = jnp.zeros((20, 2)).at[3, 0].set(1.0).at[5, 1].set(1.0)
    w = jnp.array([[1.0, 2.0], [3.0, 0.0]])
    drive = lambda d, t: bj.inputs.SpikeTrain(raster, 1.0, w, delays=d, max_delay=6.0)(t)  # noqa: E731
    delays = jnp.array([[2.0, 0.0], [1.5, 4.0]])
    got = np.stack([np.asarray(drive(delays, float(k))) for k in range(12)])
    expected = np.zeros((12, 2))
    expected[5, 0] += 1.0  # input 0 -> neuron 0, spike at step 3, 2 ms later
    expected[3, 1] += 2.0  # input 0 -> neuron 1, no delay
    expected[6, 0] += 0.5 * 3.0  # input 1 -> neuron 0, 1.5 ms: half at 6, half at 7
    expected[7, 0] += 0.5 * 3.0
    np.testing.assert_allclose(got, expected, atol=1e-6)

    # d(drive)/d(delay) vs finite differences, between grid points (float64)
    with jax.enable_x64(True):
        raster64 = raster.astype(jnp.float64)

        def total(d):
            train = bj.inputs.SpikeTrain(raster64, 1.0, w, delays=d, max_delay=6.0)
            ks = jnp.arange(12.0)
            return jnp.sum(jax.vmap(train)(ks)[:, 0] * ks)  # mean arrival time, weighted

        d = jnp.array([[2.3, 0.4], [1.6, 4.2]], dtype=jnp.float64)
        grad = jax.grad(total)(d)
        h = 1e-5
        for i, j in [(0, 0), (1, 0)]:
            e = jnp.zeros_like(d).at[i, j].set(h)
            np.testing.assert_allclose(
                grad[i, j], (total(d + e) - total(d - e)) / (2 * h), rtol=1e-6
            )
        np.testing.assert_allclose(grad[0, 0], 1.0, rtol=1e-9)  # one ms later per ms
    with pytest.raises(ValueError, match="max_delay"):
        bj.inputs.SpikeTrain(raster, 1.0, w, delays=delays)
    with pytest.raises(ValueError, match="delays"):
        bj.inputs.SpikeTrain(raster, 1.0, w, delays=-delays, max_delay=5.0)


def _layer_loss(params, checkpoint=False, every=1):
    """A feed-forward LIF layer driven by a latency-coded pattern, BPTT through simulate."""
    lif, w = params
    raster = E.LatencyEncoder(t_max=10.0)(jnp.array([0.9, 0.1, 0.6, 0.4]), steps=40, dt=0.5)
    sol = bj.simulate(
        lif,
        t1=20.0,
        dt=0.5,
        inputs=bj.inputs.SpikeTrain(raster, 0.5, w),
        monitor=bj.Monitor(every=every, select=lambda y: y.v),
        integrator=bj.integrators.HybridScan(checkpoint=checkpoint),
    )
    counts = E.spike_count(sol.spikes)
    return jnp.sum((counts - jnp.array([3.0, 0.0, 1.0])) ** 2) + 1e-3 * jnp.sum(sol.ys**2)


def _layer():
    lif = bj.neurons.LIF(
        n=3, tau_m=jnp.full(3, 10.0), c_m=1.0, v_rest=0.0, v_reset=0.0, v_th=jnp.ones(3), t_ref=0.0
    )
    return lif, jnp.full((4, 3), 0.8)


def test_checkpointed_bptt_gives_identical_gradients():
    params = _layer()
    plain = jax.grad(lambda p: _layer_loss(p, False, 8), allow_int=True)(params)
    chunked = jax.grad(lambda p: _layer_loss(p, True, 8), allow_int=True)(params)
    for a, b in zip(jax.tree.leaves(plain), jax.tree.leaves(chunked)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_surrogate_bptt_trains_time_constants_thresholds_and_dale_weights():
    lif, w = _layer()
    excitatory = jnp.array([True, True, False, True])
    params = (lif, w)
    params = eqx.tree_at(lambda p: p[0].tau_m, params, replace_fn=bj.fit.LogPositive)
    params = eqx.tree_at(lambda p: p[1], params, replace_fn=lambda v: bj.fit.Dale(v, excitatory))
    loss0 = float(_layer_loss(bj.fit.unwrap(params)))
    result = bj.fit.fit(
        params, lambda p, _: _layer_loss(p), optimizer=optax.adam(0.05), steps=60, progress=False
    )
    trained_lif, trained_w = bj.fit.unwrap(result.model)
    assert result.history[-1] < 0.1 * loss0
    np.testing.assert_array_equal(np.sign(trained_w[2]), -1.0)  # inhibitory row stays < 0
    assert np.all(np.asarray(trained_w[jnp.array([0, 1, 3])]) > 0)
    assert np.all(np.asarray(trained_lif.tau_m) > 0)
    assert not np.allclose(trained_lif.tau_m, 10.0)  # time constants were trained
    assert not np.allclose(trained_lif.v_th, 1.0)  # thresholds were trained
    # the log parametrisation: d loss / d raw = tau * d loss / d tau (chain rule)
    g_raw = jax.grad(lambda p: _layer_loss(bj.fit.unwrap(p)), allow_int=True)(params)[0].tau_m
    g_tau = jax.grad(_layer_loss, allow_int=True)(bj.fit.unwrap(params))[0].tau_m
    np.testing.assert_allclose(g_raw.raw, 10.0 * g_tau, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="excitatory"):
        bj.fit.Dale(jnp.ones((4, 3)), excitatory=jnp.ones(3, bool))


@pytest.mark.slow  # a few minutes: the full digits training
def test_digits_example_reaches_95_percent_held_out(tmp_path):
    root = Path(__file__).parents[1]
    done = subprocess.run(
        [sys.executable, str(root / "examples/snn_digits.py"), "--out", str(tmp_path / "c.png")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["test_accuracy"] >= 0.95
    assert (tmp_path / "c.png").exists()


@pytest.mark.slow
def test_stdp_example_correlated_inputs_win(tmp_path):
    root = Path(__file__).parents[1]
    done = subprocess.run(
        [sys.executable, str(root / "examples/stdp_correlations.py"), "--seconds", "30",
         "--out", str(tmp_path / "s.png")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["mean_w_correlated"] > result["mean_w_independent"] + 0.1


def test_deprecated_encoder_names_warn_and_still_work():
    x = jnp.array([0.0, 0.5, 1.0])
    with pytest.warns(DeprecationWarning, match="PoissonEncoder"):
        poisson = E.Poisson(100.0)
    with pytest.warns(DeprecationWarning, match="LatencyEncoder"):
        latency = E.Latency(t_max=10.0)
    assert isinstance(poisson, E.PoissonEncoder) and isinstance(latency, E.LatencyEncoder)
    np.testing.assert_array_equal(latency(x, 12, 1.0), E.LatencyEncoder(t_max=10.0)(x, 12, 1.0))
