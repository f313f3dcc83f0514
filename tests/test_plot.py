"""`brainjax.plot`: every function draws headless (Agg), returns its Axes, saves a PNG."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import brainjax as bj  # noqa: E402


@pytest.fixture(autouse=True)
def _no_open_figures():
    plt.close("all")  # figures left by other tests in this worker process


def _saved(ax, path):
    fig = (ax[0] if isinstance(ax, (list, np.ndarray)) else ax).figure
    bj.plot.save(fig, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.number not in plt.get_fignums()  # closed


def test_plots_render_headless(tmp_path):
    rng = np.random.default_rng(0)
    spikes = {"E": rng.random((200, 8)) < 0.05, "I": rng.random((200, 2)) < 0.1}
    ax = bj.plot.raster(spikes, dt=0.1)
    assert isinstance(ax, Axes) and len(ax.lines) == 2
    _saved(ax, tmp_path / "raster.png")

    ts = np.linspace(0, 10, 50)
    ax = bj.plot.traces(ts, np.stack([np.sin(ts), np.cos(ts)], 1), labels=["a", "b"])
    assert len(ax.lines) == 2
    _saved(ax, tmp_path / "traces.png")

    ax = bj.plot.population_rate(ts, rng.random(50) * 10, smooth=5)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), ts)
    _saved(ax, tmp_path / "rate.png")

    ax = bj.plot.phase_plane(
        lambda x, y: (y, -x), (-1, 1), (-1, 1), resolution=21, fixed_points=[(0, 0)]
    )
    assert isinstance(ax, Axes)
    _saved(ax, tmp_path / "phase.png")


def test_fc_pair_shows_the_fc_correlation(tmp_path):
    rng = np.random.default_rng(1)
    a = np.corrcoef(rng.standard_normal((40, 6)), rowvar=False)
    b = np.corrcoef(rng.standard_normal((40, 6)), rowvar=False)
    axes = bj.plot.fc_pair(a, b)
    assert len(axes) == 2 and all(isinstance(ax, Axes) for ax in axes)
    r = float(bj.analysis.fc_correlation(a, b))
    assert axes[0].figure._suptitle.get_text() == f"FC correlation r = {r:.3f}"
    np.testing.assert_array_equal(axes[0].images[0].get_array(), a)
    _saved(axes, tmp_path / "fc.png")
    with pytest.raises(ValueError, match="same shape"):
        bj.plot.fc_pair(a, b[:3, :3])


def test_energy_training_and_rate_plots(tmp_path):
    ax = bj.plot.energy_curves({"pattern 1": -np.arange(10.0), "pattern 2": np.zeros((10, 3))})
    assert len(ax.lines) == 4 and ax.get_ylabel() == "energy"
    _saved(ax, tmp_path / "energy.png")

    history = np.exp(-np.arange(50) / 10)
    ax = bj.plot.training_curves({"train": history, "test": 2 * history})
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), history)
    _saved(ax, tmp_path / "training.png")
    ax = bj.plot.training_curves(np.array([1.0, -1.0]))
    assert ax.get_yscale() == "linear"
    _saved(ax, tmp_path / "training2.png")

    rates = np.array([1.0, 2.0, 2.5, 9.0])
    ax = bj.plot.rate_histogram(rates, bins=[0, 5, 10])
    assert [p.get_height() for p in ax.patches] == [3, 1]
    _saved(ax, tmp_path / "hist.png")


def _lif_solution(t0=0.0):
    net = bj.Network({"E": bj.neurons.LIF(n=8), "I": bj.neurons.LIF(n=2)})
    return bj.simulate(net, t0=t0, t1=t0 + 50.0, dt=0.1, inputs={"E": 500.0, "I": 450.0})


def test_plots_take_a_solution(tmp_path):
    sol = _lif_solution(t0=100.0)
    ax = bj.plot.raster(sol)
    assert len(ax.lines) == 2 and ax.get_xlim() == (100.0, 150.0)
    assert np.min(ax.lines[0].get_xdata()) > 100.0
    _saved(ax, tmp_path / "raster.png")
    ax = bj.plot.raster(sol, population="I")
    assert len(ax.lines) == 1 and ax.get_ylim() == (-0.5, 1.5)
    plt.close("all")

    ax = bj.plot.population_rate(sol)
    assert len(ax.lines) == 2 and ax.get_xlim()[0] == 100.0
    rate = np.asarray(sol.population_rate()["E"])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), rate)
    # The old call form: `sol.ts` has one entry more than the rate (t0 is dropped).
    ax = bj.plot.population_rate(sol.ts, sol.population_rate()["E"])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), np.asarray(sol.ts[1:]))
    plt.close("all")

    one = bj.simulate(bj.neurons.LIF(n=4), t1=20.0, dt=0.1, inputs=500.0)
    ax = bj.plot.traces(one, select="v", labels=list("abcd"))
    assert len(ax.lines) == 4 and ax.get_ylabel() == "v"
    np.testing.assert_allclose(ax.lines[2].get_ydata(), np.asarray(one.ys.v[:, 2]))
    plt.close("all")
    ax = bj.plot.traces(one, select=lambda ys: ys.v[:, 0])
    assert len(ax.lines) == 1
    _saved(ax, tmp_path / "traces.png")

    ax = bj.plot.fc(one, select="v")
    assert len(ax.figure.axes) == 2  # the matrix and its colour bar
    assert ax.get_xlabel() == "region" and ax.figure.axes[1].get_ylabel() == "correlation"
    _saved(ax, tmp_path / "fc.png")
    weak = 0.05 * np.ones((3, 3)) + 0.95 * np.eye(3)
    ax = bj.plot.fc(weak, labels=["a", "b", "c"])
    assert ax.images[0].get_clim() == (-0.05, 0.05)  # readable: off-diagonal range
    axes = bj.plot.fc_pair(
        weak, np.corrcoef(np.arange(12.0).reshape(3, 4) ** 2), shared_scale=False
    )
    assert len(axes[0].figure.axes) == 4  # two matrices, two colour bars
    plt.close("all")


def test_plots_reject_wrong_inputs():
    sol = _lif_solution()
    with pytest.raises(ValueError, match="population='X'"):
        bj.plot.raster(sol, population="X")
    with pytest.raises(ValueError, match="needs the step"):
        bj.plot.raster(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="differs"):
        bj.plot.raster(sol, dt=0.5)
    with pytest.raises(ValueError, match="one entry per rate"):
        bj.plot.population_rate(np.arange(5.0), np.zeros(9))
    with pytest.raises(ValueError, match="1-d"):
        bj.plot.population_rate(np.arange(5.0), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="select="):
        bj.plot.traces(sol)  # a dict of populations: pick one variable
    with pytest.raises(ValueError, match="not one of"):
        bj.plot.traces(bj.simulate(bj.neurons.LIF(n=2), t1=5.0, dt=0.1), select="w")
    with pytest.raises(ValueError, match="do not match"):
        bj.plot.traces(np.arange(4.0), np.zeros(5))
    with pytest.raises(ValueError, match="square"):
        bj.plot.fc(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="labels"):
        bj.plot.fc(np.eye(3), labels=["a"])
    plt.close("all")
