"""The notebooks in `notebooks/` execute top to bottom in smoke mode (BRAINJAX_SMOKE=1:
small sizes), so they cannot rot: `.ci/run` runs `pytest -m slow tests/test_notebooks.py`."""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_with_colab_badge_and_install_cell():
    assert len(NOTEBOOKS) >= 4
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        assert "colab.research.google.com" in cells[0].source, path.name
        assert "pip" in cells[1].source and "brainjax" in cells[1].source, path.name


@pytest.mark.slow  # ~20-60 s each (a fresh kernel compiles everything); CI runs them
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_smoke_mode(path, monkeypatch, tmp_path):
    monkeypatch.setenv("BRAINJAX_SMOKE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors and os.environ["BRAINJAX_SMOKE"] == "1"
