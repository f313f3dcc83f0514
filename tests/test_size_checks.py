"""Fail fast on size: builders, monitors and dense models refuse, before allocating,
what cannot fit in memory, naming the estimate and the parameter to change."""

import re
import time

import jax
import numpy as np
import pytest

import brainjax as bj
from brainjax._memory_budget import ENV, MemoryBudgetError, memory_budget

KEY = jax.random.key(0)
BIG = 10**6

CASES = [
    ("FixedProb", lambda: bj.connect.FixedProb(0.5).build(BIG, BIG, key=KEY), r"`p`", "TB"),
    ("AllToAll", lambda: bj.connect.AllToAll().build(BIG, BIG), r"n_pre=1000000", "TB"),
    (
        "FixedInDegree",
        lambda: bj.connect.FixedInDegree(10**5).build(BIG, BIG, key=KEY),
        r"`k` \(now 100000\)",
        "TB",
    ),
    (
        "FixedOutDegree",
        lambda: bj.connect.FixedOutDegree(10**5).build(BIG, BIG, key=KEY),
        r"`k` \(now 100000\)",
        "TB",
    ),
    (
        "PCNetwork",
        lambda: bj.predictive_coding.PCNetwork((BIG, BIG), key=KEY),
        r"`sizes`",
        "TB",
    ),
    (
        "ClassicalHopfield",
        lambda: bj.memory.ClassicalHopfield(np.ones((1, BIG))),
        r"n=1000000.*`patterns`",
        "TB",
    ),
    (
        "ContinuousHopfield",
        lambda: bj.memory.ContinuousHopfield(np.ones((1, BIG))),
        r"n=1000000.*`patterns`",
        "TB",
    ),
    (
        "Monitor",
        lambda: bj.simulate(bj.neurons.LIF(n=BIG), t1=10_000.0, dt=0.1),
        r"100000 steps.*`Monitor\(every=",
        "TB",
    ),
]


@pytest.mark.parametrize("name,build,parameter,unit", CASES, ids=[c[0] for c in CASES])
def test_refusal_names_size_and_parameter(name, build, parameter, unit, monkeypatch):
    monkeypatch.setenv(ENV, "64GB")
    start = time.perf_counter()
    with pytest.raises(MemoryBudgetError, match=parameter) as error:
        build()
    assert re.search(rf"needs about [0-9.]+ {unit}, more than the 64 GB", str(error.value))
    assert time.perf_counter() - start < 5.0  # refused before allocating
    assert issubclass(MemoryBudgetError, ValueError) and issubclass(MemoryBudgetError, MemoryError)


def test_budget_override_and_default(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert memory_budget() is not None and memory_budget() > 1e8  # physical memory
    monkeypatch.setenv(ENV, "1MB")
    with pytest.raises(MemoryBudgetError, match=r"FixedProb.*1 MB"):
        bj.connect.FixedProb(0.5).build(1000, 1000, key=KEY)
    with pytest.raises(MemoryBudgetError, match=r"recording of 1000 steps"):
        bj.simulate(bj.neurons.LIF(n=1000), t1=100.0, dt=0.1)
    monkeypatch.setenv(ENV, "off")
    assert len(bj.connect.FixedProb(0.5).build(300, 300, key=KEY).pre) > 0
    monkeypatch.setenv(ENV, "lots")
    with pytest.raises(ValueError, match=ENV):
        memory_budget()


def test_small_builds_and_recordings_still_work(monkeypatch):
    monkeypatch.setenv(ENV, "2GiB")
    conn = bj.connect.FixedProb(0.1).build(200, 200, key=KEY)
    assert 0 < len(conn.pre) < 200 * 200
    sol = bj.simulate(bj.neurons.LIF(n=10), t1=10.0, dt=0.1, inputs=400.0)
    assert sol.spikes.shape == (100, 10)


def test_recording_bytes_matches_the_solution():
    lif = bj.neurons.LIF(n=7)
    monitor = bj.Monitor(every=2, rates=True, spike_counts=True)
    y0 = lif.init()
    spikes = jax.eval_shape(lif.spike, y0)
    sol = bj.simulate(lif, t1=4.0, dt=0.1, monitor=monitor, inputs=400.0)
    recorded = [sol.ys, sol.spikes, sol.population_counts, sol.spike_counts]
    actual = sum(x.nbytes for x in jax.tree.leaves(recorded))
    assert monitor.recording_bytes(y0, spikes, 40) == actual
