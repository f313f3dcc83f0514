"""NIR export and import (brainjax.io)."""

import subprocess
import sys
from typing import Any, cast

import numpy as np
import pytest

import brainjax as bj

nir = pytest.importorskip("nir")

N_IN, N_H, N_O, STEPS = 5, 8, 3, 150


def _raster(seed=0, steps=STEPS, n=N_IN):
    rng = np.random.default_rng(seed)
    return (rng.random((steps, n)) < 0.2).astype(np.float32)


def _run(net, raster, dt=1.0) -> dict:
    drive = {"input": bj.inputs.SpikeTrain(raster, dt=dt)}
    spikes = bj.simulate(net, t1=raster.shape[0] * dt, dt=dt, inputs=drive).spikes
    assert isinstance(spikes, dict)
    return spikes


def _lif(n, tau_m, c_m):
    return bj.neurons.LIF(n=n, tau_m=tau_m, c_m=c_m, v_rest=0.0, v_reset=0.0, v_th=1.0, t_ref=0.0)


def _network(recurrent=True, delay=0.0):
    rng = np.random.default_rng(1)
    pops = {
        "input": bj.io.SpikeRelay(n=N_IN),
        "hidden": _lif(N_H, 10.0, 1.0),
        "out": _lif(N_O, 20.0, 2.0),
    }
    syn = bj.synapses.Exponential(tau=5.0)
    w_out = rng.normal(0.3, 0.3, (N_H, N_O)).astype(np.float32)
    projs = [bj.Projection("input", "hidden", rng.normal(0.3, 0.3, (N_IN, N_H)), syn)]
    if recurrent:
        projs.append(bj.Projection("hidden", "hidden", rng.normal(0, 0.1, (N_H, N_H)), syn))
    if delay:
        rule = bj.connect.FromMatrix(w_out, delay=delay)
        out = bj.Projection("hidden", "out", rule, bj.synapses.Exponential(tau=3.0))
    else:
        out = bj.Projection("hidden", "out", w_out, bj.synapses.Exponential(tau=3.0))
    return bj.Network(pops, projs + [out])


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]), err_msg=k)


@pytest.mark.parametrize("recurrent, delay", [(False, 0.0), (True, 0.0), (True, 3.0)])
def test_round_trip_identical_spikes(recurrent, delay):
    net = _network(recurrent, delay)
    graph = bj.io.to_nir(net)
    assert isinstance(graph.nodes["hidden"], nir.CubaLIF)
    assert isinstance(graph.nodes["input"], nir.Input)
    assert ("out", "output") in graph.edges
    raster = _raster()
    before, after = _run(net, raster), _run(bj.io.from_nir(graph), raster)
    assert float(before["out"].sum()) > 0
    _same(before, after)


def test_file_round_trip(tmp_path):
    net = _network()
    path = tmp_path / "net.nir"
    nir.write(path, bj.io.to_nir(net))
    raster = _raster(2)
    _same(_run(net, raster), _run(bj.io.from_nir(nir.read(path)), raster))


def _cuba(n, tau_syn, tau_mem, r, w_in=1.0):
    return nir.CubaLIF(
        tau_syn=np.full(n, tau_syn),
        tau_mem=np.full(n, tau_mem),
        r=np.full(n, r),
        v_leak=np.zeros(n),
        v_threshold=np.ones(n),
        v_reset=np.zeros(n),
        w_in=w_in,
    )


def test_hand_written_graph_matches_hand_built_network():
    rng = np.random.default_rng(3)
    w1, w2 = rng.normal(1.0, 1.0, (N_H, N_IN)), rng.normal(1.0, 1.0, (N_O, N_H))
    graph = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([N_IN])),
            "fc1": nir.Affine(weight=w1, bias=np.zeros(N_H)),
            "lif1": _cuba(N_H, 4.0, 10.0, 2.0),
            "fc2": nir.Linear(weight=w2),
            "lif2": _cuba(N_O, 2.0, 20.0, 5.0, w_in=0.5),
            "output": nir.Output(output_type=np.array([N_O])),
        },
        edges=[
            ("input", "fc1"),
            ("fc1", "lif1"),
            ("lif1", "fc2"),
            ("fc2", "lif2"),
            ("lif2", "output"),
        ],
    )
    # NIR: tau_syn dI/dt = -I + w_in W S, tau_mem dv/dt = (v_leak - v) + R I; a spike
    # raises I by w_in W / tau_syn; brainjax: c_m = tau_mem / R.
    net = bj.Network(
        {
            "input": bj.io.SpikeRelay(n=N_IN),
            "lif1": _lif(N_H, 10.0, 5.0),
            "lif2": _lif(N_O, 20.0, 4.0),
        },
        [
            bj.Projection("input", "lif1", (w1.T / 4.0), bj.synapses.Exponential(tau=4.0)),
            bj.Projection("lif1", "lif2", (w2.T * 0.5 / 2.0), bj.synapses.Exponential(tau=2.0)),
        ],
    )
    raster = _raster(4)
    imported = _run(bj.io.from_nir(graph), raster)
    assert float(imported["lif2"].sum()) > 0
    _same(imported, _run(net, raster))


def test_scale_flatten_delay_and_time_unit():
    rng = np.random.default_rng(5)
    w, s = rng.normal(1.0, 0.5, (N_H, N_IN)), rng.uniform(0.5, 2.0, N_H)
    graph = nir.NIRGraph.from_list(
        nir.Input(input_type=np.array([N_IN])),
        nir.Flatten(input_type={"input": np.array([N_IN])}, start_dim=0),
        nir.Linear(weight=w),
        nir.Scale(scale=s),
        nir.Delay(delay=np.full(N_H, 0.002)),
        _cuba(N_H, 0.004, 0.010, 2.0),
        nir.Output(output_type=np.array([N_H])),
    )
    net = bj.io.from_nir(graph, ms_per_unit=1000.0)  # the graph is in seconds
    (proj,) = net.projections
    np.testing.assert_allclose(proj.effective_weights(), (s[:, None] * w).T / 0.004, rtol=1e-6)
    assert proj.delay == pytest.approx(2.0)
    hidden = [k for k, p in net.populations.items() if isinstance(p, bj.neurons.LIF)]
    pop = net.populations[hidden[0]]
    assert isinstance(pop, bj.neurons.LIF)
    assert pop.tau_m == pytest.approx(10.0) and pop.c_m == pytest.approx(5.0)
    spikes = _run(net, _raster(6, n=N_IN) * 1.0)
    assert float(spikes[hidden[0]].sum()) > 0


def _one(node, n=N_H):
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([n])), "x": node},
        edges=[("input", "x")],
        type_check=False,
    )


@pytest.mark.parametrize(
    "node, match",
    [
        (nir.LIF(tau=np.ones(3), r=np.ones(3), v_leak=np.zeros(3), v_threshold=np.ones(3)), "LIF"),
        (nir.IF(r=np.ones(3), v_threshold=np.ones(3)), "IF"),
        (nir.Threshold(threshold=np.ones(3)), "Threshold"),
        (nir.Conv2d(None, np.ones((2, 1, 3, 3)), 1, 0, 1, 1, np.zeros(2)), "convolutional"),
        (nir.SumPool2d(np.array([2, 2]), np.array([2, 2]), np.array([0, 0])), "pooling"),
    ],
)
def test_unsupported_node_raises_naming_it(node, match):
    with pytest.raises(ValueError, match=f"'x'.*{match}"):
        bj.io.from_nir(_one(node, 3))


def test_bias_and_branching_raise():
    affine = nir.Affine(weight=np.ones((2, 2)), bias=np.ones(2))
    with pytest.raises(ValueError, match="'x'.*bias"):
        bj.io.from_nir(_one(affine, 2))
    graph = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([2])),
            "fc": nir.Linear(weight=np.ones((2, 2))),
            "a": _cuba(2, 1.0, 1.0, 1.0),
            "b": _cuba(2, 1.0, 1.0, 1.0),
        },
        edges=[("input", "fc"), ("fc", "a"), ("fc", "b")],
    )
    with pytest.raises(ValueError, match="'fc' joins or branches"):
        bj.io.from_nir(graph)


def test_to_nir_errors_and_refractory_warning():
    izh = bj.Network({"x": bj.neurons.Izhikevich(n=2)})
    with pytest.raises(ValueError, match="population 'x': Izhikevich"):
        bj.io.to_nir(izh)
    with pytest.raises(ValueError, match="to_nir exports a brainjax.Network"):
        bj.io.to_nir(cast(Any, bj.neurons.LIF(n=2)))
    net = bj.Network(
        {"input": bj.io.SpikeRelay(n=2), "x": bj.neurons.LIF(n=2)},
        [bj.Projection("input", "x", np.ones((2, 2)), bj.synapses.Exponential())],
    )
    with pytest.warns(UserWarning, match="refractory"):
        bj.io.to_nir(net)


def test_spike_relay_reemits_raster():
    raster = _raster(7, steps=20, n=4)
    for dt in (1.0, 0.1):
        drive = bj.inputs.SpikeTrain(raster, dt=dt)
        sol = bj.simulate(bj.io.SpikeRelay(n=4), t1=20 * dt, dt=dt, inputs=drive)
        np.testing.assert_array_equal(np.asarray(sol.spikes), raster)


def test_import_brainjax_does_not_import_nir():
    code = "import sys, brainjax; print('nir' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_nested_recurrent_subgraph_is_inlined():
    rng = np.random.default_rng(8)
    w, w_rec = rng.normal(1.0, 1.0, (N_H, N_IN)), rng.normal(0.0, 0.3, (N_H, N_H))
    rnn = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([N_H])),
            "lif": _cuba(N_H, 4.0, 10.0, 2.0),
            "w_rec": nir.Linear(weight=w_rec),
            "output": nir.Output(output_type=np.array([N_H])),
        },
        edges=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")],
    )
    outer = {
        "input": nir.Input(input_type=np.array([N_IN])),
        "fc": nir.Linear(weight=w),
        "output": nir.Output(output_type=np.array([N_H])),
    }
    nested = nir.NIRGraph(
        nodes={**outer, "rnn": rnn},
        edges=[("input", "fc"), ("fc", "rnn"), ("rnn", "output")],
    )
    flat = nir.NIRGraph(
        nodes={**outer, "rnn.lif": rnn.nodes["lif"], "rnn.w_rec": rnn.nodes["w_rec"]},
        edges=[
            ("input", "fc"),
            ("fc", "rnn.lif"),
            ("rnn.lif", "rnn.w_rec"),
            ("rnn.w_rec", "rnn.lif"),
            ("rnn.lif", "output"),
        ],
    )
    net = bj.io.from_nir(nested)
    assert sorted(net.populations) == ["input", "rnn.lif"]
    assert len(net.projections) == 2
    raster = _raster(9)
    spikes = _run(net, raster)
    assert float(spikes["rnn.lif"].sum()) > 0
    _same(spikes, _run(bj.io.from_nir(flat), raster))
