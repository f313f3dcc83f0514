"""Probe suite: bad inputs across the public API. Each case asserts the error type and
that the message names the offending parameter (table style: one row per case).

Cases of `simulate`'s input validation (Network input keys, input shapes), runtime
checks under jit/vmap and non-finite detection live in their own test files."""

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import brainjax as bj

KEY = jax.random.key(0)
n, m = bj.neurons, bj.memory
P = np.array([[1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0]])


class Case(NamedTuple):
    id: str
    call: Any
    error: type[Exception] | tuple[type[Exception], ...]
    match: str
    xfail: str | None = None


def _lif(**kw):
    return lambda: n.LIF(n=3, **kw)


def _sim(model=None, **kw):
    model = n.LIF(n=2) if model is None else model
    args = dict(t1=1.0, dt=0.1) | kw
    return lambda: bj.simulate(model, **args)


def _fit(**kw):
    model = {"w": jnp.zeros(2)}
    loss = lambda mdl, batch: jnp.sum(mdl["w"] ** 2)  # noqa: E731
    args = dict(optimizer=optax.sgd(0.1), steps=2, progress=False) | kw
    return lambda: bj.fit.fit(model, loss, **args)


def _sol():
    return bj.simulate(n.LIF(n=2), t1=1.0, dt=0.1, inputs=400.0)


NEURONS = [
    Case("LIF-n-zero", lambda: n.LIF(n=0), ValueError, "`n`"),
    Case("LIF-n-float", lambda: n.LIF(n=2.5), ValueError, "`n`"),
    Case("LIF-n-str", lambda: n.LIF(n="3"), ValueError, "`n`"),
    Case("LIF-n-bool", lambda: n.LIF(n=True), ValueError, "`n`"),
    Case("LIF-tau-zero", _lif(tau_m=0.0), ValueError, "`tau_m`"),
    Case("LIF-tau-neg", _lif(tau_m=-5.0), ValueError, "`tau_m`"),
    Case("LIF-tau-nan", _lif(tau_m=float("nan")), ValueError, "`tau_m`"),
    Case("LIF-tau-inf", _lif(tau_m=float("inf")), ValueError, "`tau_m`"),
    Case("LIF-tau-str", _lif(tau_m="10"), (ValueError, TypeError), "`tau_m`"),
    Case("LIF-tau-shape", _lif(tau_m=np.ones(4)), ValueError, "`tau_m`"),
    Case("LIF-cm-zero", _lif(c_m=0.0), ValueError, "`c_m`"),
    Case("LIF-tref-neg", _lif(t_ref=-1.0), ValueError, "`t_ref`"),
    Case("LIF-vth-nan", _lif(v_th=float("nan")), ValueError, "`v_th`"),
    Case("LIF-vth-str", _lif(v_th="-50"), (ValueError, TypeError), "`v_th`"),
    Case("LIF-reset-above-th", _lif(v_reset=-50.0, v_th=-55.0), ValueError, "`v_reset`"),
    Case("LIF-reset-equal-th", _lif(v_reset=-55.0, v_th=-55.0), ValueError, "`v_reset`"),
    Case("LIF-vinit-shape", _lif(v_init=np.zeros(5)), ValueError, "`v_init`"),
    Case("LIF-unknown-kw", lambda: n.LIF(n=3, tau=1.0), TypeError, "tau"),
    Case("AdEx-n", lambda: n.AdEx(n=-1), ValueError, "`n`"),
    Case("AdEx-tau-w", lambda: n.AdEx(n=2, tau_w=0.0), ValueError, "`tau_w`"),
    Case("AdEx-delta-t", lambda: n.AdEx(n=2, delta_t=-1.0), ValueError, "`delta_t`"),
    Case("AdEx-reset", lambda: n.AdEx(n=2, v_reset=10.0, v_peak=0.0), ValueError, "`v_reset`"),
    Case("ExpIF-n", lambda: n.ExpIF(n=0), ValueError, "`n`"),
    Case("ExpIF-tau", lambda: n.ExpIF(n=2, tau_m=-1.0), ValueError, "`tau_m`"),
    Case("Izh-n", lambda: n.Izhikevich(n=0), ValueError, "`n`"),
    Case("Izh-a-nan", lambda: n.Izhikevich(n=2, a=float("nan")), ValueError, "`a`"),
    Case("HH-n", lambda: n.HodgkinHuxley(n=0), ValueError, "`n`"),
    Case("HH-cm", lambda: n.HodgkinHuxley(n=2, c_m=0.0), ValueError, "`c_m`"),
]

SYNAPSES = [
    Case("Exp-tau-zero", lambda: bj.synapses.Exponential(tau=0.0), ValueError, "`tau`"),
    Case("Exp-tau-neg", lambda: bj.synapses.Exponential(tau=-1.0), ValueError, "`tau`"),
    Case("Exp-tau-str", lambda: bj.synapses.Exponential(tau="5"), (ValueError, TypeError), "`tau`"),
    Case("Alpha-tau", lambda: bj.synapses.Alpha(tau=0.0), ValueError, "`tau`"),
    Case(
        "DualExp-order",
        lambda: bj.synapses.DualExponential(tau_rise=5.0, tau_decay=1.0),
        ValueError,
        "`tau_rise`",
    ),
    Case(
        "DualExp-zero", lambda: bj.synapses.DualExponential(tau_rise=0.0), ValueError, "`tau_rise`"
    ),
    Case("TM-U-range", lambda: bj.synapses.TsodyksMarkram(U=1.5), ValueError, "`U`"),
    Case("TM-tau-d", lambda: bj.synapses.TsodyksMarkram(tau_d=0.0), ValueError, "`tau_d`"),
    Case("COBA-erev-nan", lambda: bj.synapses.COBA(e_rev=float("nan")), ValueError, "`e_rev`"),
    Case("MgBlock-mg", lambda: bj.synapses.MgBlock(mg=-1.0), ValueError, "`mg`"),
]

POPULATIONS = [
    Case("WC-tau-e", lambda: bj.populations.WilsonCowan(tau_e=0.0), ValueError, "`tau_e`"),
    Case("WC-tau-i-neg", lambda: bj.populations.WilsonCowan(tau_i=-1.0), ValueError, "`tau_i`"),
    Case(
        "WC-tau-str",
        lambda: bj.populations.WilsonCowan(tau_e="2"),
        (ValueError, TypeError),
        "`tau_e`",
    ),
    Case("WC-a-nan", lambda: bj.populations.WilsonCowan(a_e=float("nan")), ValueError, "`a_e`"),
    Case(
        "Hopf-freq-nan",
        lambda: bj.populations.Hopf(frequency=float("nan")),
        ValueError,
        "`frequency`",
    ),
    Case(
        "Kuramoto-weights",
        lambda: bj.populations.Kuramoto(omega=np.zeros(3), weights=np.zeros((2, 2))),
        ValueError,
        "`weights`",
    ),
    Case(
        "Kuramoto-omega-nan",
        lambda: bj.populations.Kuramoto(omega=np.array([np.nan, 0.0])),
        ValueError,
        "`omega`",
    ),
    Case("FHN-tau", lambda: bj.populations.FitzHughNagumo(tau=0.0), ValueError, "`tau`"),
    Case("JR-a", lambda: bj.populations.JansenRit(a=-1.0), ValueError, "`a`"),
    Case("Balloon-tau", lambda: bj.populations.Balloon(tau=0.0), ValueError, "`tau`"),
]

CONNECT = [
    Case("FixedProb-p-high", lambda: bj.connect.FixedProb(1.5), ValueError, "`p`"),
    Case("FixedProb-p-neg", lambda: bj.connect.FixedProb(-0.1), ValueError, "`p`"),
    Case("FixedProb-p-nan", lambda: bj.connect.FixedProb(float("nan")), ValueError, "`p`"),
    Case("FixedProb-p-str", lambda: bj.connect.FixedProb("0.1"), ValueError, "`p`"),
    Case(
        "FixedProb-weight-nan",
        lambda: bj.connect.FixedProb(0.1, weight=float("nan")),
        ValueError,
        "`weight`",
    ),
    Case(
        "FixedProb-delay-neg", lambda: bj.connect.FixedProb(0.1, delay=-1.0), ValueError, "`delay`"
    ),
    Case("FixedProb-no-key", lambda: bj.connect.FixedProb(0.1).build(3, 3), ValueError, "`key`"),
    Case(
        "FixedProb-n-pre",
        lambda: bj.connect.FixedProb(0.1).build(0, 3, key=KEY),
        ValueError,
        "`n_pre`",
    ),
    Case(
        "FixedProb-n-post",
        lambda: bj.connect.FixedProb(0.1).build(3, 2.5, key=KEY),
        ValueError,
        "`n_post`",
    ),
    Case(
        "FixedProb-weight-array",
        lambda: bj.connect.FixedProb(0.1, weight=np.ones(3)).build(3, 3, key=KEY),
        ValueError,
        "`weight`",
    ),
    Case("InDegree-k-zero", lambda: bj.connect.FixedInDegree(0), ValueError, "`k`"),
    Case("InDegree-k-float", lambda: bj.connect.FixedInDegree(2.5), ValueError, "`k`"),
    Case(
        "InDegree-k-too-big",
        lambda: bj.connect.FixedInDegree(5).build(3, 3, key=KEY),
        ValueError,
        "degree 5",
    ),
    Case("OutDegree-k-neg", lambda: bj.connect.FixedOutDegree(-2), ValueError, "`k`"),
    Case("OneToOne-sizes", lambda: bj.connect.OneToOne().build(3, 4), ValueError, "n_pre"),
    Case("FromIndices-shape", lambda: bj.connect.FromIndices([0, 1], [0]), ValueError, "`pre`"),
    Case("FromIndices-neg", lambda: bj.connect.FromIndices([0, -1], [0, 1]), ValueError, "`pre`"),
    Case("FromIndices-float", lambda: bj.connect.FromIndices([0.5], [0]), ValueError, "`pre`"),
    Case(
        "FromIndices-range",
        lambda: bj.connect.FromIndices([0, 5], [0, 1]).build(3, 3),
        ValueError,
        "`pre`",
    ),
    Case(
        "FromIndices-weight-len",
        lambda: bj.connect.FromIndices([0, 1], [0, 1], weight=[1.0, 2.0, 3.0]).build(3, 3),
        ValueError,
        "`weight`",
    ),
    Case("FromMatrix-1d", lambda: bj.connect.FromMatrix(np.ones(3)), ValueError, "`matrix`"),
    Case(
        "FromMatrix-nan",
        lambda: bj.connect.FromMatrix(np.full((2, 2), np.nan)),
        ValueError,
        "`matrix`",
    ),
    Case(
        "FromMatrix-delay-shape",
        lambda: bj.connect.FromMatrix(np.ones((2, 2)), delay=np.ones((3, 3))),
        ValueError,
        "`delay`",
    ),
    Case(
        "FromMatrix-build-shape",
        lambda: bj.connect.FromMatrix(np.ones((2, 2))).build(3, 3),
        ValueError,
        "`matrix`",
    ),
    Case("Normal-std", lambda: bj.connect.Normal(0.0, -1.0), ValueError, "`std`"),
    Case("Uniform-order", lambda: bj.connect.Uniform(2.0, 1.0), ValueError, "`low`|`high`"),
    Case("LogNormal-sigma", lambda: bj.connect.LogNormal(0.0, -1.0), ValueError, "`sigma`"),
]

INPUTS = [
    Case("Poisson-rate-neg", lambda: bj.inputs.PoissonSpikes(-10.0, n=3), ValueError, "`rate`"),
    Case(
        "Poisson-n",
        lambda: bj.inputs.PoissonSpikes(10.0, n=0),
        ValueError,
        "`n`",
    ),
    Case(
        "Poisson-fn-rate-neg",
        lambda: bj.simulate(
            n.LIF(n=3),
            t1=1.0,
            dt=0.1,
            key=KEY,
            inputs=bj.inputs.PoissonSpikes(lambda t: -10.0, n=3),
        ),
        Exception,
        "rate",
    ),
    Case(
        "Step-order",
        lambda: bj.inputs.Step(1.0, start=5.0, stop=1.0),
        ValueError,
        "`stop`|`start`",
    ),
    Case("OU-tau", lambda: bj.inputs.OUNoise(0.0, 1.0, 0.0, n=2), ValueError, "`tau`"),
    Case("OU-sigma", lambda: bj.inputs.OUNoise(0.0, -1.0, 5.0, n=2), ValueError, "`sigma`"),
    Case(
        "SpikeTimes-index", lambda: bj.inputs.SpikeTimes([1.0], [5], n=2), ValueError, "`indices`"
    ),
]

MONITOR_SIMULATE = [
    Case("Monitor-every-zero", lambda: bj.Monitor(every=0), ValueError, "`every`"),
    Case("Monitor-every-float", lambda: bj.Monitor(every=2.5), ValueError, "`every`"),
    Case("Monitor-events-zero", lambda: bj.Monitor(events=0), ValueError, "`events`"),
    Case(
        "Monitor-select-not-callable",
        lambda: bj.Monitor(select=3),
        (ValueError, TypeError),
        "`select`",
    ),
    Case(
        "Monitor-every-not-divisor",
        _sim(monitor=bj.Monitor(every=3)),
        ValueError,
        "`monitor.every`",
    ),
    Case("simulate-monitor-type", _sim(monitor="all"), ValueError, "`monitor`"),
    Case("simulate-model-type", lambda: bj.simulate("LIF", t1=1.0, dt=0.1), TypeError, "`model`"),
    Case("simulate-dt-zero", _sim(dt=0.0), ValueError, "`dt`"),
    Case("simulate-dt-neg", _sim(dt=-0.1), ValueError, "`dt`"),
    Case("simulate-dt-nan", _sim(dt=float("nan")), ValueError, "`dt`"),
    Case("simulate-t1-before-t0", _sim(t1=-1.0), ValueError, "`t1`"),
    Case("simulate-t1-not-multiple", _sim(t1=1.05), ValueError, "`dt`"),
    Case(
        "simulate-t1-str",
        _sim(t1="abc"),
        ValueError,
        "`t1`",
    ),
    Case("simulate-integrator-type", _sim(integrator="euler"), ValueError, "`integrator`"),
    Case(
        "simulate-y0-shape",
        lambda: bj.simulate(n.LIF(n=2), t1=1.0, dt=0.1, y0=n.LIF(n=3).init()),
        ValueError,
        "`y0`",
    ),
]

MEMORY = [
    Case("Hopfield-1d", lambda: m.ClassicalHopfield(np.ones(4)), ValueError, "`patterns`"),
    Case(
        "Hopfield-nan",
        lambda: m.ClassicalHopfield(np.full((1, 4), np.nan)),
        ValueError,
        "`patterns`",
    ),
    Case(
        "Hopfield-values",
        lambda: m.ClassicalHopfield(np.full((1, 4), 0.5)),
        ValueError,
        "`patterns`",
    ),
    Case("Hopfield-rule", lambda: m.ClassicalHopfield(P, rule="hebb"), ValueError, "`rule`"),
    Case("Hopfield-units", lambda: m.ClassicalHopfield(P, units="binary"), ValueError, "`units`"),
    Case(
        "Hopfield-threshold",
        lambda: m.ClassicalHopfield(P, threshold=np.zeros(3)),
        ValueError,
        "`threshold`",
    ),
    Case(
        "Hopfield-covariance-zeros",
        lambda: m.ClassicalHopfield(np.zeros((2, 4)), units=m.Binary(), rule=m.Covariance()),
        ValueError,
        "`patterns`",
    ),
    Case(
        "Hopfield-covariance-units",
        lambda: m.ClassicalHopfield(P, rule=m.Covariance()),
        ValueError,
        "`units=Binary",
    ),
    Case("ContHopfield-gain", lambda: m.ContinuousHopfield(P, gain=0.0), ValueError, "`gain`"),
    Case("Modern-beta", lambda: m.ModernHopfield(P, beta=-1.0), ValueError, "`beta`"),
    Case("Modern-empty", lambda: m.ModernHopfield(np.zeros((0, 4))), ValueError, "`patterns`"),
    Case("Dense-poly-degree", lambda: m.PolynomialInteraction(0), ValueError, "`degree`|`n`"),
    Case("Dense-poly-float", lambda: m.PolynomialInteraction(2.5), ValueError, "`degree`|`n`"),
    Case(
        "PC-one-layer", lambda: bj.predictive_coding.PCNetwork((4,), key=KEY), ValueError, "`sizes`"
    ),
    Case(
        "PC-size-zero",
        lambda: bj.predictive_coding.PCNetwork((4, 0), key=KEY),
        ValueError,
        r"`sizes\[1\]`",
    ),
    Case(
        "PC-precision",
        lambda: bj.predictive_coding.PCNetwork((4, 2), key=KEY, precision=-1.0),
        ValueError,
        "`precision`",
    ),
    Case(
        "PC-precision-len",
        lambda: bj.predictive_coding.PCNetwork((4, 2), key=KEY, precision=[1.0, 2.0]),
        ValueError,
        "`precision`",
    ),
    Case(
        "relax-method",
        lambda: bj.relax(m.ClassicalHopfield(P), P[0], method="sync"),
        (ValueError, TypeError),
        "`method`",
    ),
]

FIT = [
    Case("fit-steps-zero", _fit(steps=0), ValueError, "`steps`"),
    Case("fit-steps-float", _fit(steps=2.5), ValueError, "`steps`"),
    Case("fit-initial-step", _fit(initial_step=-1), ValueError, "`initial_step`"),
    Case("fit-batch-size", _fit(batch_size=0), ValueError, "`batch_size`"),
    Case("fit-callback", _fit(callbacks=[3]), ValueError, "callback"),
    Case("fit-unknown-kw", _fit(learning_rate=0.1), TypeError, "learning_rate"),
    Case("fit-filter-spec", _fit(filter_spec=[True]), ValueError, "`filter_spec`"),
    Case(
        "fit-no-trainable",
        lambda: bj.fit.fit(
            {"w": 1.0}, lambda mdl, b: mdl["w"], optimizer=optax.sgd(0.1), steps=1, progress=False
        ),
        ValueError,
        "`filter_spec`",
    ),
    Case("fit-optimizer", _fit(optimizer="adam"), (ValueError, TypeError), "`optimizer`"),
    Case("Checkpoint-every", lambda: bj.fit.Checkpoint("x.eqx", every=0), ValueError, "`every`"),
    Case("Checkpoint-path-type", lambda: bj.fit.Checkpoint(3), ValueError, "`path`"),
    Case(
        "Checkpoint-missing-dir",
        _fit(callbacks=[bj.fit.Checkpoint("/nonexistent/d/x.eqx")]),
        ValueError,
        "`path`",
    ),
    Case(
        "EarlyStopping-patience", lambda: bj.fit.EarlyStopping(patience=0), ValueError, "`patience`"
    ),
    Case(
        "EarlyStopping-delta",
        lambda: bj.fit.EarlyStopping(patience=2, min_delta=-1.0),
        ValueError,
        "`min_delta`",
    ),
    Case(
        "batches-size",
        lambda: bj.fit.batches({"x": np.zeros(4)}, 0, KEY),
        ValueError,
        "`batch_size`",
    ),
    Case(
        "batches-mismatch",
        lambda: bj.fit.batches({"x": np.zeros(3), "y": np.zeros(4)}, 2, KEY),
        ValueError,
        "leading|axis",
    ),
    Case(
        "Bounded-order",
        lambda: bj.fit.Bounded(jnp.asarray(0.5), lower=1.0, upper=0.0),
        ValueError,
        "`lower`|`upper`",
    ),
    Case("Positive-neg", lambda: bj.fit.Positive(jnp.asarray(-1.0)), ValueError, "Positive.*> 0"),
    Case(
        "load-missing",
        lambda: bj.fit.load_checkpoint(
            "/nonexistent.eqx", {"w": jnp.zeros(2)}, optimizer=optax.sgd(0.1)
        ),
        (ValueError, FileNotFoundError),
        "nonexistent",
    ),
]

PLOT_ENCODING = [
    Case(
        "raster-not-solution",
        lambda: bj.plot.raster("spikes"),
        (ValueError, TypeError),
        "raster|spikes|`sol`|Solution",
    ),
    Case(
        "population_rate-mismatch",
        lambda: bj.plot.population_rate(np.arange(5), np.zeros(3)),
        (ValueError, TypeError),
        "shape|length|`ts`|`rate`",
    ),
    Case(
        "PoissonEncoder-rate",
        lambda: bj.encoding.PoissonEncoder(max_rate=-1.0),
        ValueError,
        "`max_rate`",
    ),
    Case("LatencyEncoder-t", lambda: bj.encoding.LatencyEncoder(t_max=0.0), ValueError, "`t_max`"),
]

_NET = bj.Network({"E": n.LIF(n=4), "I": n.LIF(n=2)}, [])

SIMULATE_INPUTS = [
    Case("net-input-misspelt", _sim(_NET, inputs={"e": 500.0}), ValueError, "'e'.*'E', 'I'"),
    Case("net-input-scalar", _sim(_NET, inputs=500.0), ValueError, "dict from population"),
    Case("net-input-shape", _sim(_NET, inputs={"E": jnp.ones(3)}), ValueError, "'E'.*\\(4,\\)"),
    Case("net-input-list", _sim(_NET, inputs={"E": [1.0, 2.0]}), ValueError, "`inputs`.*list"),
    Case("net-input-nested", _sim(_NET, inputs={"E": {"x": 1.0}}), ValueError, "'E'.*dict"),
    Case("net-input-str", _sim(_NET, inputs={"I": "abc"}), ValueError, "`inputs`"),
    Case("lif-input-shape", _sim(inputs=jnp.ones(3)), ValueError, "`inputs`.*\\(2,\\)"),
    Case("lif-input-dict", _sim(inputs={"E": 1.0}), ValueError, "`inputs`.*dict"),
    Case("lif-input-str", _sim(inputs="400"), ValueError, "`inputs`"),
    Case("lif-input-fn-str", _sim(inputs=lambda t: "x"), ValueError, "`inputs`"),
    Case("lif-input-nan", _sim(inputs=float("nan")), ValueError, "`inputs`"),
    Case(
        "wc-input-shape",
        _sim(bj.populations.WilsonCowan(n=3), inputs=jnp.ones(2)),
        ValueError,
        "`inputs`.*\\(3,\\)",
    ),
    Case("Poisson-n-float", lambda: bj.inputs.PoissonSpikes(10.0, n=2.5), ValueError, "`n`"),
    Case("Poisson-n-neg", lambda: bj.inputs.PoissonSpikes(10.0, n=-3), ValueError, "`n`"),
    Case(
        "Poisson-shape-vs-pop",
        _sim(inputs=bj.inputs.PoissonSpikes(10.0, n=3), key=KEY),
        ValueError,
        "`inputs`.*\\(2,\\)",
    ),
    Case("simulate-t0-str", _sim(t0="zero"), ValueError, "`t0`"),
    Case("simulate-dt-str", _sim(dt="0.1"), ValueError, "`dt`"),
]


CASES = NEURONS + SYNAPSES + POPULATIONS + CONNECT + INPUTS + MONITOR_SIMULATE + MEMORY + FIT
CASES += PLOT_ENCODING + SIMULATE_INPUTS


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input_is_a_clear_error(case: Case):
    with pytest.raises(case.error, match=case.match):
        case.call()


def test_probe_suite_size():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
