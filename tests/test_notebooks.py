"""The notebooks run top to bottom from a clean kernel against a freshly built store, with plots and the graph."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

from tests.helpers import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_and_they_are_kept_small() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01-seed-walkthrough.ipynb",
        "02-network-analysis.ipynb",
        "03-reading-a-new-report.ipynb",
    ]
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_cleanly(path: Path, built_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_STORE", str(built_store))
    monkeypatch.chdir(tmp_path)  # they must not depend on the working directory
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()  # raises on any cell error
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    plots = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(plots) >= 2, "at least two plots"
    if path.stem.startswith("01"):
        graphs = [o for o in outputs if "srcdoc=" in o.get("data", {}).get("text/html", "")]
        assert graphs, "the interactive graph is shown inline"
        assert "window.network" in graphs[0]["data"]["text/html"]
    if path.stem.startswith("03"):
        tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        assert any("confidence" in t and "quote" in t and "why" in t for t in tables), "the candidates as a table"
        printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert "development half" in printed, "the report shown is from the development half"
        assert "every grade empty: True" in printed
        assert "refuses the unreviewed draft" in printed
