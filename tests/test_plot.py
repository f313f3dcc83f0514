"""`brainjax.plot`: every function draws headless (Agg), returns its Axes, saves a PNG."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import brainjax as bj  # noqa: E402


def _saved(ax, path):
    fig = (ax[0] if isinstance(ax, (list, np.ndarray)) else ax).figure
    bj.plot.save(fig, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.get_fignums()  # closed


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
