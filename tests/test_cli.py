"""The command line: `python -m brainjax --help` lists its commands; the tour writes
`summary.json` beside `summary.md`; `bench` finds the checkout's benchmarks."""

import json
import subprocess
import sys

import pytest

from brainjax import _bench


def _run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "brainjax", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_help_lists_tour_and_bench():
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    assert "tour" in done.stdout and "bench" in done.stdout
    done = _run("bench", "--help")
    assert done.returncode == 0 and "--quick" in done.stdout


def test_bench_finds_the_quick_benchmarks_and_builds_ratios(tmp_path):
    folder = _bench.find_benchmarks()
    assert folder is not None
    names = {p.stem for p in _bench.scripts(folder)}
    assert {"coba", "memory", "snn_bptt"} <= names and "record_brian2_rates" not in names
    assert _bench.find_benchmarks(tmp_path) is None
    records = [
        {"bench": "b", "n": 10, "impl": "peer", "runtime_s": 2.0, "compile_s": 1.0},
        {"bench": "b", "n": 10, "impl": "brainjax", "runtime_s": 1.0, "compile_s": 1.0},
    ]
    table = _bench.ratio_table(records)
    assert table[2].endswith("| 2 |") and table[3].endswith("| 1 |")
    done = _run("bench", "--only", "not_a_benchmark")
    assert done.returncode == 1 and "unknown benchmarks" in done.stdout


def _check_summary(out, sections):
    assert (out / "summary.md").stat().st_size > 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["smoke"] is True
    assert summary["machine"]["backend"] and summary["versions"]["jax"]
    assert set(summary["sections"]) == set(sections)
    for record in summary["sections"].values():
        assert record["runtime_s"] > 0 and record["files"]
        assert all((out / f).exists() for f in record["files"])
    return summary


def test_tour_smoke_writes_summary_json(tmp_path):
    done = _run("tour", "--smoke", "--out", str(tmp_path), "--only", "spiking")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = _check_summary(tmp_path, ["spiking"])
    assert summary["sections"]["spiking"]["figures"]["rate_E_hz"] > 0


@pytest.mark.slow
def test_full_smoke_tour_writes_summary_json(tmp_path):
    done = _run("tour", "--smoke", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    from brainjax._tour import SECTIONS

    _check_summary(tmp_path, [s.name for s in SECTIONS])
