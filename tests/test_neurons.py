"""The neuron zoo against references: analytic LIF f-I curve and ExpIF rheobase,
tight-tolerance Diffrax integrations (Tsit5, events for the resets) written here
independently of brainjax, and published properties (AdEx w jumps by b, Izhikevich
firing patterns)."""

import functools

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx
import pytest

import brainjax as bj
from brainjax.neurons._adex import _NAUD_2008, _NAUD_NAMES


def spike_times(sol: bj.Solution, neuron: int = 0) -> np.ndarray:
    times, neurons = sol.raster(sol.spikes)
    return times[neurons == neuron]


@functools.partial(jax.jit, static_argnames=("field", "t1", "v_peak"))
def _segment(t0, y0, args, *, field, t1, v_peak):
    """Integrate until `v` reaches `v_peak` (root-found) or `t1`."""
    event = diffrax.Event(
        lambda t, y, args, **kwargs: y[0] - v_peak,
        root_finder=optx.Bisection(rtol=1e-10, atol=1e-10),
    )
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(field), diffrax.Tsit5(), t0, t1, 1e-3, y0, args,
        stepsize_controller=diffrax.PIDController(rtol=1e-8, atol=1e-8),
        event=event, max_steps=100_000,
    )  # fmt: skip
    return sol.ts[-1], jax.tree.map(lambda x: x[-1], sol.ys), sol.event_mask


def reference_spike_times(field, reset, y0, args, t1, v_peak):
    """Spike times of a hybrid model, integrated with Tsit5 at rtol 1e-8 in float64:
    each spike is located by root-finding on `v - v_peak` (Diffrax events), then the
    state is reset and the solve restarts."""
    with jax.enable_x64(True):
        # Strongly typed float64 throughout, so the segment compiles once per model.
        t = jnp.asarray(0.0, dtype=float)
        y = tuple(jnp.asarray(x, float) for x in y0)
        args = tuple(jnp.asarray(a, float) for a in args)
        times = []
        while True:
            t, y, fired = _segment(t, y, args, field=field, t1=t1, v_peak=v_peak)
            if not bool(fired):
                return np.array(times)
            times.append(float(t))
            y = reset(y, args)


# --------------------------------------------------------------------------- LIF


def test_lif_f_i_curve_matches_analytic():
    currents = np.array([400.0, 500.0, 700.0, 1000.0, 1500.0])  # pA
    lif = bj.neurons.LIF(n=len(currents), tau_m=10.0, c_m=250.0, t_ref=2.0)
    sol = bj.simulate(lif, t1=300.0, dt=0.01, inputs=jnp.asarray(currents))
    r = lif.tau_m / lif.c_m
    isi = lif.t_ref + lif.tau_m * np.log(r * currents / (r * currents - 15.0))
    for k, expected in enumerate(isi):
        measured = np.mean(np.diff(spike_times(sol, k)))
        # Spikes are detected at the end of a step: each ISI is rounded up to the grid.
        np.testing.assert_allclose(measured, expected, atol=0.02, rtol=2e-3)


# ------------------------------------------------------------------------- ExpIF


def test_expif_rheobase_and_resting_fixed_point():
    """Below the analytic rheobase the neuron settles at the stable root of the
    (analytic) I-V curve; above it, it fires."""
    expif = bj.neurons.ExpIF(n=2, tau_m=10.0, c_m=250.0, v_rest=-70.0, v_th=-55.0, delta_t=2.0)
    rheobase = expif.c_m / expif.tau_m * (expif.v_th - expif.v_rest - expif.delta_t)  # 325 pA
    currents = rheobase * np.array([0.98, 1.02])
    sol = bj.simulate(expif, t1=400.0, dt=0.1, inputs=jnp.asarray(currents))
    counts = np.asarray(sol.spikes).sum(axis=0)
    assert counts[0] == 0 and counts[1] > 0

    def iv(v):  # dv/dt * tau_m at constant current, the reference equation
        return (
            -(v - expif.v_rest)
            + expif.delta_t * np.exp((v - expif.v_th) / expif.delta_t)
            + (expif.tau_m / expif.c_m * currents[0])
        )

    lo, hi = -70.0, expif.v_th  # the I-V curve's minimum is at v_th: stable root below it
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if iv(mid) > 0 else (lo, mid)
    np.testing.assert_allclose(sol.ys.v[-1, 0], lo, atol=0.05)


# -------------------------------------------------------------------------- AdEx


def test_adex_adaptation_current_jumps_by_b_and_isis_lengthen():
    adex = bj.neurons.AdEx.adapting(n=1)
    current = bj.neurons.AdEx.PRESET_CURRENTS["adapting"]
    dt = 0.05
    sol = bj.simulate(adex, t1=300.0, dt=dt, inputs=current)
    w = np.asarray(sol.ys.w[:, 0])
    steps = np.flatnonzero(np.asarray(sol.spikes[:, 0]))
    assert len(steps) >= 6
    # Across a spike step, w moves by b plus at most the continuous flow of one step.
    flow = np.abs(np.diff(w))[np.setdiff1d(np.arange(len(w) - 1), steps)].max()
    assert flow < 0.1
    np.testing.assert_allclose(w[steps + 1] - w[steps], adex.b, atol=flow)
    isis = np.diff(steps * dt)
    assert np.all(np.diff(isis[:5]) > 0), isis  # spike-frequency adaptation
    # Tonic preset (b = 0, fast subthreshold w): the ISIs settle within ~100 ms.
    tonic = bj.neurons.AdEx.tonic(n=1)
    sol = bj.simulate(tonic, t1=300.0, dt=dt, inputs=bj.neurons.AdEx.PRESET_CURRENTS["tonic"])
    tonic_isis = np.diff(spike_times(sol))
    np.testing.assert_allclose(tonic_isis[10:], tonic_isis[-1], atol=2 * dt)


def _adex_field(t, y, args):
    v, w = y
    c_m, g_l, v_rest, v_th, delta_t, a, tau_w, b, v_reset, current = args
    dv = (-g_l * (v - v_rest) + g_l * delta_t * jnp.exp((v - v_th) / delta_t) - w + current) / c_m
    return dv, (a * (v - v_rest) - w) / tau_w


def _adex_reset(y, args):
    return jnp.asarray(args[8]), y[1] + args[7]


@pytest.mark.parametrize(
    "name", ["adapting", pytest.param("initial_burst", marks=pytest.mark.slow)]
)
def test_adex_spike_times_match_reference(name):
    """The cutoff is lowered to -30 mV: beyond it `v` diverges within microseconds,
    too steep for the reference's event root-finding (the spike times barely move)."""
    params, current = _NAUD_2008[name]
    reference = reference_spike_times(
        _adex_field, _adex_reset, (params[2], 0.0), tuple(params) + (current,), 200.0, -30.0
    )
    adex = getattr(bj.neurons.AdEx, name)(n=1, v_peak=-30.0)
    sol = bj.simulate(adex, t1=200.0, dt=0.01, inputs=float(current))
    times = spike_times(sol)
    assert abs(len(times) - len(reference)) <= 1
    k = min(len(times), len(reference), 6)
    np.testing.assert_allclose(times[:k], reference[:k], rtol=0.02, atol=0.1)


# -------------------------------------------------------------------- Izhikevich

PRESETS = ["regular_spiking", "intrinsically_bursting", "chattering", "fast_spiking"]


def _izh_field(t, y, args):
    v, u = y
    a, b, c, d, current = args
    return 0.04 * v**2 + 5 * v + 140 - u + current, a * (b * v - u)


def _izh_reset(y, args):
    return jnp.asarray(args[2]), y[1] + args[3]


@pytest.fixture(scope="module")
def izhikevich_runs():
    """One vectorised population holding the four classic presets (per-neuron
    parameter arrays), driven by I = 10 for 300 ms, and the reference spike times."""
    cells = [getattr(bj.neurons.Izhikevich, p)(n=1) for p in PRESETS]
    table = {k: np.array([getattr(c, k) for c in cells]) for k in "abcd"}
    population = bj.neurons.Izhikevich(n=len(cells), **table)
    sol = bj.simulate(population, t1=300.0, dt=0.01, inputs=10.0)
    simulated = [spike_times(sol, k) for k in range(len(cells))]
    reference = [
        reference_spike_times(
            _izh_field, _izh_reset, (-65.0, c.b * -65.0), (c.a, c.b, c.c, c.d, 10.0), 300.0, 30.0
        )
        for c in cells
    ]
    return dict(zip(PRESETS, zip(simulated, reference)))


def test_izhikevich_presets_match_reference_integration(izhikevich_runs):
    for name, (times, reference) in izhikevich_runs.items():
        assert abs(len(times) - len(reference)) <= 1, (name, len(times), len(reference))
        k = min(len(times), len(reference), 5)
        np.testing.assert_allclose(times[:k], reference[:k], rtol=0.02, atol=0.2, err_msg=name)


def test_izhikevich_firing_patterns(izhikevich_runs):
    """The qualitative patterns of Izhikevich (2003), Fig. 2, on the reference."""
    isi = {name: np.diff(ref) for name, (_, ref) in izhikevich_runs.items()}
    rs, ib, ch, fs = (isi[p] for p in PRESETS)
    assert rs[0] < rs[-1] / 1.5 and np.ptp(rs[-3:]) < 0.05 * rs[-1]  # RS: adapts to tonic
    assert fs[-1] < rs[-1] / 2 and np.ptp(fs[2:]) < 0.05 * fs[-1]  # FS: fast, no adaptation
    assert ib[0] < ib[-1] / 3 and np.ptp(ib[-3:]) < 0.05 * ib[-1]  # IB: burst then tonic
    assert ch.max() > 5 * ch.min() and np.sum(ch > 3 * ch.min()) >= 3  # CH: repeated bursts


# ---------------------------------------------------------------- Hodgkin-Huxley


def _squid_field(t, y, args):
    v, m, h, n = y
    current_density = args
    a_m = 0.1 * (v + 40) / (1 - jnp.exp(-(v + 40) / 10))
    b_m = 4 * jnp.exp(-(v + 65) / 18)
    a_h = 0.07 * jnp.exp(-(v + 65) / 20)
    b_h = 1 / (1 + jnp.exp(-(v + 35) / 10))
    a_n = 0.01 * (v + 55) / (1 - jnp.exp(-(v + 55) / 10))
    b_n = 0.125 * jnp.exp(-(v + 65) / 80)
    i_ion = 120 * m**3 * h * (v - 50) + 36 * n**4 * (v + 77) + 0.3 * (v + 54.387)
    return (
        current_density - i_ion,
        a_m * (1 - m) - b_m * m,
        a_h * (1 - h) - b_h * h,
        a_n * (1 - n) - b_n * n,
    )


def _traub_field(t, y, args):
    v, m, h, n = y
    current_density, vt = args, -63.0
    a_m = 0.32 * (13 - v + vt) / (jnp.exp((13 - v + vt) / 4) - 1)
    b_m = 0.28 * (v - vt - 40) / (jnp.exp((v - vt - 40) / 5) - 1)
    a_h = 0.128 * jnp.exp((17 - v + vt) / 18)
    b_h = 4 / (1 + jnp.exp((40 - v + vt) / 5))
    a_n = 0.032 * (15 - v + vt) / (jnp.exp((15 - v + vt) / 5) - 1)
    b_n = 0.5 * jnp.exp((10 - v + vt) / 40)
    i_ion = 100 * m**3 * h * (v - 50) + 30 * n**4 * (v + 90) + 0.05 * (v + 60)
    return (
        current_density - i_ion,
        a_m * (1 - m) - b_m * m,
        a_h * (1 - h) - b_h * h,
        a_n * (1 - n) - b_n * n,
    )


def _spike_features(ts, v):
    """Peak of the first spike, and its threshold: v where dv/dt first exceeds 20 mV/ms."""
    dvdt = np.gradient(v, ts)
    onset = np.argmax(dvdt > 20.0)
    up = onset + np.argmax(v[onset:] > -20.0)
    down = up + np.argmax(v[up:] < -20.0)  # the end of the first spike
    return v[onset:down].max(), v[onset]


@pytest.mark.parametrize("variant", ["squid", "traub_miles"])
def test_hodgkin_huxley_spike_peak_and_threshold_match_reference(variant):
    current = 2000.0  # pA: 10 uA/cm^2 on 20,000 um^2
    if variant == "squid":
        hh, field = bj.neurons.HodgkinHuxley(n=1), _squid_field
    else:
        hh, field = bj.neurons.HodgkinHuxley.traub_miles(n=1), _traub_field
    dt, t1 = 0.01, 30.0
    sol = bj.simulate(hh, t1=t1, dt=dt, inputs=current)
    y0 = hh.init()
    with jax.enable_x64(True):
        ts = jnp.arange(0.0, t1 + dt / 2, dt)
        ref = diffrax.diffeqsolve(
            diffrax.ODETerm(field), diffrax.Tsit5(), 0.0, t1, 1e-3,
            tuple(jnp.asarray(x[0], float) for x in (y0.v, y0.m, y0.h, y0.n)),
            100.0 * current / hh.area,
            saveat=diffrax.SaveAt(ts=ts),
            stepsize_controller=diffrax.PIDController(rtol=1e-10, atol=1e-10),
            max_steps=100_000,
        )  # fmt: skip
        v_ref = np.asarray(ref.ys[0])
    v = np.asarray(sol.ys.v[:, 0], dtype=float)
    peak, threshold = _spike_features(np.asarray(ts), v)
    peak_ref, threshold_ref = _spike_features(np.asarray(ts), v_ref)
    assert abs(peak - peak_ref) < 2.0 and abs(threshold - threshold_ref) < 2.0
    assert peak_ref > 20.0  # a full action potential
    # Exactly one detected spike per upward crossing of v_th (v is not reset), at the
    # reference's crossing times to within Euler's drift.
    crossings = np.flatnonzero((v[1:] > -20.0) & (v[:-1] <= -20.0))
    np.testing.assert_array_equal(np.flatnonzero(np.asarray(sol.spikes[:, 0])), crossings)
    reference = np.flatnonzero((v_ref[1:] > -20.0) & (v_ref[:-1] <= -20.0))
    k = min(len(crossings), len(reference))
    assert k >= 2 and abs(len(crossings) - len(reference)) <= 1
    np.testing.assert_allclose(crossings[:k] * dt, reference[:k] * dt, rtol=0.02, atol=0.05)
    # Exponential Euler at the benchmark step (0.1 ms, where Euler diverges): stable,
    # gates in [0, 1], spike times within 15 % of the reference.
    expeuler = bj.integrators.HybridScan(bj.solvers.ExponentialEuler())
    coarse = bj.simulate(hh, t1=t1, dt=0.1, inputs=current, integrator=expeuler)
    assert np.all((coarse.ys.m >= 0) & (coarse.ys.m <= 1) & np.isfinite(coarse.ys.v))
    times = spike_times(coarse)
    assert abs(len(times) - len(reference)) <= 1
    k = min(len(times), len(reference))
    np.testing.assert_allclose(times[:k], (reference[:k] + 1) * dt, rtol=0.15, atol=0.2)


def test_hodgkin_huxley_rest_is_a_fixed_point():
    """With no input the squid axon stays at -65 mV (gates at steady state)."""
    hh = bj.neurons.HodgkinHuxley(n=1)
    sol = bj.simulate(hh, t1=50.0, dt=0.01)
    np.testing.assert_allclose(sol.ys.v[:, 0], -65.0, atol=0.05)


# ----------------------------------------------------------------- common checks


@pytest.mark.parametrize(
    "make",
    [
        lambda: bj.neurons.ExpIF(n=3, v_peak=-60.0),
        lambda: bj.neurons.ExpIF(n=3, delta_t=0.0),
        lambda: bj.neurons.AdEx(n=3, tau_w=-1.0),
        lambda: bj.neurons.AdEx(n=3, c_m=jnp.ones(2)),
        lambda: bj.neurons.AdEx.tonic(n=0),
        lambda: bj.neurons.Izhikevich(n=3, a=-0.02),
        lambda: bj.neurons.Izhikevich(n=3, d=float("nan")),
        lambda: bj.neurons.HodgkinHuxley(n=3, area=0.0),
        lambda: bj.neurons.HodgkinHuxley(n=3, g_na=-1.0),
        lambda: bj.neurons.TraubMilesGating(v_t=float("inf")),
    ],
)
def test_bad_parameters_raise(make):
    with pytest.raises(ValueError, match="`(v_peak|delta_t|tau_w|c_m|n|a|d|area|g_na|v_t|v_th)`"):
        make()


def test_presets_override_and_per_neuron_arrays():
    adex = bj.neurons.AdEx.bursting(n=4, b=jnp.arange(4.0))
    assert adex.v_reset == -46.0 and adex.b.shape == (4,)
    izh = bj.neurons.Izhikevich.fast_spiking(n=2, d=3.0)
    assert (izh.a, izh.d) == (0.1, 3.0)
    for name, (values, _) in _NAUD_2008.items():
        model = getattr(bj.neurons.AdEx, name)(n=1)
        assert [getattr(model, k) for k in _NAUD_NAMES] == list(map(float, values))


@pytest.mark.parametrize(
    "model, current",
    [
        (bj.neurons.ExpIF(n=3), 500.0),
        (bj.neurons.AdEx(n=3), 800.0),
        (bj.neurons.Izhikevich(n=3), 10.0),
        pytest.param(bj.neurons.HodgkinHuxley.traub_miles(n=3), 2000.0, marks=pytest.mark.slow),
    ],
    ids=["ExpIF", "AdEx", "Izhikevich", "HH"],
)
def test_surrogate_gradient_flows(model, current):
    """BPTT through spikes and resets gives a finite, positive d(rate)/d(current)."""

    def spike_count(scale):
        sol = bj.simulate(model, t1=40.0, dt=0.02, inputs=scale * current)
        return jnp.sum(sol.spikes)

    grad = jax.grad(spike_count)(1.0)
    assert spike_count(1.0) > 0 and np.isfinite(grad) and grad > 0


# ------------------------------------------------------------ deprecated keywords


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (lambda: bj.neurons.ExpIF(n=1, v_t=-52.0), "v_th", -52.0),
        (lambda: bj.neurons.AdEx(n=1, v_t=-52.0), "v_th", -52.0),
        (lambda: bj.neurons.AdEx(n=1, e_l=-65.0), "v_rest", -65.0),
    ],
    ids=["ExpIF.v_t", "AdEx.v_t", "AdEx.e_l"],
)
def test_renamed_keywords_warn_and_map(make, field, value):
    with pytest.warns(DeprecationWarning, match="deprecated"):
        model = make()
    assert float(getattr(model, field)) == value
    with pytest.raises(ValueError, match="both"):
        bj.neurons.AdEx(n=1, v_th=-50.0, v_t=-52.0)
