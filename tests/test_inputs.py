"""Inputs against references: OU statistics vs the analytic stationary law (for any
dt, which only the exact update achieves), SpikeTimes vs a NumPy histogram, and
time-varying Poisson rates vs their integral."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj


class Recorder(bj.AbstractSpiking):
    """dx/dt = input; never spikes. `diff(x) / dt` is the input held over each step."""

    n: int

    def init(self, key=None):
        return jnp.zeros((self.n,))

    def vector_field(self, t, y, args):
        return jnp.broadcast_to(args, y.shape)

    def spike(self, y):
        return jnp.zeros_like(y)

    def reset(self, y, spikes):
        return y

    def membrane_potential(self, y):
        return y

    def threshold_margin(self, y):
        return -jnp.ones_like(y)

    def refractory_period(self):
        return 0.0


def recorded_input(inputs, n, t1, dt, key=None):
    """The input value held over each step, shape (steps, n)."""
    sol = bj.simulate(Recorder(n), t1=t1, dt=dt, inputs=inputs, key=key)
    return np.diff(np.asarray(sol.ys, dtype=float), axis=0) / dt


# ------------------------------------------------------------------------ OUNoise


@pytest.mark.parametrize("dt", [0.1, 4.0])
def test_ou_noise_matches_stationary_statistics_for_any_dt(dt):
    """Mean, variance and lag-k autocorrelation exp(-k dt / tau) of the exact update.
    At dt = 4 ms (dt / tau = 0.8) Euler-Maruyama would inflate the variance by
    1 / (1 - dt / (2 tau)) = 1.67x."""
    n, mean, sigma, tau = 4000, 200.0, 30.0, 5.0
    noise = bj.inputs.OUNoise(mean=mean, sigma=sigma, tau=tau, n=n)
    x = recorded_input(noise, n, t1=40 * dt, dt=dt, key=jax.random.key(0))
    np.testing.assert_allclose(x.mean(), mean, atol=5 * sigma / np.sqrt(x.size))
    np.testing.assert_allclose(x.var(axis=1).mean(), sigma**2, rtol=0.03)
    for lag in (1, 3):
        corr = np.mean((x[lag:] - mean) * (x[:-lag] - mean)) / sigma**2
        np.testing.assert_allclose(corr, np.exp(-lag * dt / tau), atol=0.03)


def test_ou_noise_start_per_neuron_parameters_and_determinism():
    noise = bj.inputs.OUNoise(mean=jnp.array([0.0, 100.0]), sigma=0.0, tau=10.0, n=2,
                              start=jnp.array([50.0, 50.0]))  # fmt: skip
    x = recorded_input(noise, 2, t1=20.0, dt=0.5, key=jax.random.key(1))
    # sigma = 0: deterministic relaxation from `start` to `mean`, exactly exponential.
    t = 0.5 * np.arange(len(x))
    expected = np.array([0.0, 100.0]) + 50.0 * np.array([1.0, -1.0]) * np.exp(-t / 10.0)[:, None]
    np.testing.assert_allclose(x, expected, rtol=1e-4, atol=1e-3)
    noisy = bj.inputs.OUNoise(mean=0.0, sigma=10.0, tau=10.0, n=3)
    a, b = (recorded_input(noisy, 3, 5.0, 0.5, key=jax.random.key(2)) for _ in range(2))
    np.testing.assert_array_equal(a, b)


def test_ou_noise_drives_a_network_population():
    net = bj.Network({"E": bj.neurons.LIF(n=50)})
    drive = {"E": bj.inputs.OUNoise(mean=380.0, sigma=100.0, tau=5.0, n=50)}
    sol = bj.simulate(net, t1=100.0, dt=0.1, inputs=drive, key=jax.random.key(0))
    counts = np.asarray(sol.spikes["E"]).sum(axis=0)
    # 380 pA is the LIF rheobase (375 pA, tau_m = 10 ms, c_m = 250 pF, 15 mV); noise
    # makes the rates differ across neurons.
    assert counts.sum() > 0 and counts.std() > 0


def test_ou_noise_errors():
    with pytest.raises(ValueError, match="`tau`"):
        bj.inputs.OUNoise(mean=0.0, sigma=1.0, tau=0.0, n=3)
    with pytest.raises(ValueError, match="`sigma`"):
        bj.inputs.OUNoise(mean=0.0, sigma=-1.0, tau=1.0, n=3)
    with pytest.raises(ValueError, match="`mean`"):
        bj.inputs.OUNoise(mean=jnp.zeros(2), sigma=1.0, tau=1.0, n=3)
    noise = bj.inputs.OUNoise(mean=0.0, sigma=1.0, tau=1.0, n=3)
    with pytest.raises(ValueError, match="fixed-step"):
        noise(0.0, dt=0.1, key=jax.random.key(0))
    with pytest.raises(ValueError, match="fixed-step"):  # the ODE path of simulate
        bj.simulate(bj.populations.WilsonCowan(), t1=1.0, dt=0.1, inputs=noise,
                    key=jax.random.key(0))  # fmt: skip
    with pytest.raises(ValueError, match="`key`"):
        bj.simulate(Recorder(3), t1=1.0, dt=0.1, inputs=noise)


# --------------------------------------------------------------------- SpikeTimes


def test_spike_times_deliver_charge_in_the_right_step():
    weight, c_m, dt = 500.0, 250.0, 0.1
    # 0.3 is 3 * 0.1 only up to round-off: it must land in step 3, not 2.
    stim = bj.inputs.SpikeTimes(times=[0.3, 10.0, 10.0, 25.0, 25.05], indices=[1, 0, 1, 0, 0],
                                n=2, weight=weight)  # fmt: skip
    lif = bj.neurons.LIF(n=2, tau_m=1e9, c_m=c_m, v_th=1e3)  # a perfect integrator
    sol = bj.simulate(lif, t1=40.0, dt=dt, inputs=stim)
    jumps = np.diff(np.asarray(sol.ys.v), axis=0) / (weight / c_m)
    expected = np.zeros_like(jumps)
    expected[3, 1] = expected[100, 0] = expected[100, 1] = 1.0
    expected[250, 0] = 2.0  # two spikes within one step add up
    np.testing.assert_allclose(jumps, expected, atol=1e-4)


def test_spike_times_match_histogram_for_random_trains():
    rng = np.random.default_rng(0)
    n, dt, t1 = 7, 0.1, 50.0
    # On a 0.01 ms grid offset by half a cell: no time near a step boundary, where the
    # 0.1 %-of-dt tolerance and float32 round-off would make the binning ambiguous.
    times = 0.01 * rng.integers(0, int(t1 / 0.01), size=3000) + 0.005
    indices = rng.integers(0, n, size=3000)
    weight = np.arange(1.0, n + 1.0)
    x = recorded_input(bj.inputs.SpikeTimes(times, indices, n=n, weight=weight), n, t1, dt)
    edges = dt * np.arange(int(round(t1 / dt)) + 1)
    counts = np.stack([np.histogram(times[indices == i], edges)[0] for i in range(n)], axis=1)
    np.testing.assert_allclose(x * dt, counts * weight, rtol=1e-3, atol=1e-2)


def test_spike_times_errors():
    with pytest.raises(ValueError, match="`indices`"):
        bj.inputs.SpikeTimes(times=[1.0], indices=[3], n=3)
    with pytest.raises(ValueError, match="same length"):
        bj.inputs.SpikeTimes(times=[1.0, 2.0], indices=[0], n=3)
    with pytest.raises(ValueError, match="`times`"):
        bj.inputs.SpikeTimes(times=[float("nan")], indices=[0], n=3)
    with pytest.raises(ValueError, match="`weight`"):
        bj.inputs.SpikeTimes(times=[1.0], indices=[0], n=3, weight=np.ones(2))


# ------------------------------------------------------------------ PoissonSpikes


def test_poisson_time_varying_rate_matches_its_integral():
    """rate(t) = 20 Hz before 25 ms, 200 Hz after: the mean count per step follows it,
    within 5 standard errors of the Poisson count."""
    n, dt, weight = 5000, 0.5, 2.0
    rate = lambda t: jnp.where(t < 25.0, 20.0, 200.0)
    x = recorded_input(bj.inputs.PoissonSpikes(rate=rate, n=n, weight=weight), n, 50.0, dt,
                       key=jax.random.key(3))  # fmt: skip
    counts = x * dt / weight
    for window, hz in ((slice(0, 50), 20.0), (slice(50, 100), 200.0)):
        expected = hz * dt / 1000.0
        mean = counts[window].mean()
        np.testing.assert_allclose(mean, expected, atol=5 * np.sqrt(expected / counts[window].size))
    np.testing.assert_array_equal(counts, np.round(counts))  # whole spikes


# ------------------------------------------------------------- the one contract


def test_every_input_has_init_value_advance():
    """Stateless inputs: `init` is None, `advance` keeps it, `value` ignores it and
    equals a call; a custom stateless input needs `value` only."""

    class Ramp(bj.inputs.AbstractStatelessInput):
        slope: float

        def value(self, t, state, *, dt=None, key=None):
            return self.slope * jnp.asarray(t)

    key = jax.random.key(0)
    for drive in (bj.inputs.Step(2.0, start=1.0), bj.inputs.Constant(3.0), Ramp(0.5),
                  bj.inputs.SpikeTrain(jnp.ones((4, 2)), dt=0.5)):  # fmt: skip
        state = drive.init(0.1, key)
        assert state is None and drive.advance(state, 0.0, dt=0.1, key=key) is None
        np.testing.assert_array_equal(drive.value(1.5, state), drive(1.5))
    x = recorded_input(Ramp(2.0), 1, t1=1.0, dt=0.25)
    np.testing.assert_allclose(x[:, 0], 2.0 * 0.25 * np.arange(4))
    noise = bj.inputs.OUNoise(mean=1.0, sigma=0.0, tau=1.0, n=2, start=jnp.zeros(2))
    state = noise.init(0.1, key)
    np.testing.assert_array_equal(noise.value(0.0, state), state)
    assert isinstance(noise, bj.inputs.AbstractInput)
    # The tree functions: one state entry per leaf, None for the stateless ones.
    tree = {"a": noise, "b": 2.0}
    states = bj.inputs.init_state(tree, 0.1, key)
    assert states[1] is None and states[0].shape == (2,)
    values = bj.inputs.evaluate(tree, 0.0, state=states)
    np.testing.assert_array_equal(values["a"], states[0])
    assert float(values["b"]) == 2.0
    assert bj.inputs.is_stochastic(tree) and not bj.inputs.is_stochastic({"b": 2.0})


def test_deprecated_input_aliases():
    with pytest.warns(DeprecationWarning, match="brainjax.inputs.AbstractInput"):
        assert bj.inputs.AbstractStatefulInput is bj.inputs.AbstractInput
    with pytest.warns(DeprecationWarning, match="brainjax.inputs.SpikeTrain"):
        train = bj.encoding.SpikeTrain(jnp.ones((3, 2)), dt=1.0, weights=2.0)
    assert isinstance(train, bj.inputs.SpikeTrain)
    np.testing.assert_array_equal(train(1.0), [2.0, 2.0])


# ---------------------------------------------------------------------------- Sum


def test_sum_equals_the_hand_added_values():
    step = bj.inputs.Step(amplitude=jnp.array([100.0, 200.0]), start=2.0, stop=6.0)
    ramp = bj.inputs.Function(lambda t: 10.0 * jnp.asarray(t))
    dt, t1 = 0.5, 10.0
    t = dt * np.arange(int(t1 / dt))[:, None]
    expected = np.where((t >= 2.0) & (t < 6.0), [100.0, 200.0], 0.0) + 10.0 * t + 5.0
    for inputs in (step + ramp + 5.0, 5.0 + step + ramp, [step, ramp, 5.0], (step, ramp, 5.0)):
        np.testing.assert_allclose(recorded_input(inputs, 2, t1, dt), expected, atol=1e-3)
    total = bj.inputs.Sum(step, bj.inputs.Sum(ramp, 5.0))
    assert len(total.terms) == 3 and not total.stochastic
    np.testing.assert_allclose(float(total(3.0)[1]), 200.0 + 30.0 + 5.0)


def test_ou_plus_drive_statistics_and_state():
    n, drive, sigma, tau, dt = 4000, 300.0, 30.0, 5.0, 0.5
    noise = bj.inputs.OUNoise(mean=0.0, sigma=sigma, tau=tau, n=n)
    total = bj.inputs.Step(amplitude=drive) + noise
    assert total.stochastic
    x = recorded_input(total, n, t1=20.0, dt=dt, key=jax.random.key(0))
    np.testing.assert_allclose(x.mean(), drive, atol=5 * sigma / np.sqrt(x.size))
    np.testing.assert_allclose(x.var(axis=1).mean(), sigma**2, rtol=0.03)
    corr = np.mean((x[1:] - drive) * (x[:-1] - drive)) / sigma**2
    np.testing.assert_allclose(corr, np.exp(-dt / tau), atol=0.03)
    # The same sum as a list, and the noise alone shifted by hand: identical draws.
    y = recorded_input([bj.inputs.Step(amplitude=drive), noise], n, 20.0, dt, jax.random.key(0))
    np.testing.assert_array_equal(x, y)
    ou = bj.inputs.OUNoise(mean=380.0, sigma=100.0, tau=5.0, n=50)
    lif = bj.simulate(bj.neurons.LIF(n=50), t1=50.0, dt=0.1, inputs=ou + 0.0, key=jax.random.key(1))
    assert np.asarray(lif.spikes).sum() > 0


def test_sum_errors_name_the_supported_path():
    noise = bj.inputs.OUNoise(mean=0.0, sigma=1.0, tau=1.0, n=3)
    with pytest.raises(ValueError, match="drive \\+ ou"):  # called inside a function of t
        bj.simulate(Recorder(3), t1=1.0, dt=0.1, inputs=lambda t: 1.0 + noise(t),
                    key=jax.random.key(0))  # fmt: skip
    with pytest.raises(ValueError, match="HybridScan"):  # the ODE path of simulate
        bj.simulate(bj.populations.WilsonCowan(), t1=1.0, dt=0.1, inputs=[1.0, noise],
                    key=jax.random.key(0))  # fmt: skip
    with pytest.raises(ValueError, match="one value per neuron"):
        bj.simulate(Recorder(3), t1=1.0, dt=0.1, inputs=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="at least one"):
        bj.inputs.Sum()
