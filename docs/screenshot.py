"""Make docs/graph.png, the README's picture of `kg viz`, from the project's own data.

Builds a throwaway store from ontology/ and data/, draws it, opens the page offline in headless
Chromium (as the tests do), clicks Hayat Tahrir al-Sham so its neighbourhood is highlighted and
its relations and quotes fill the evidence panel, and saves a screenshot. Run from the checkout:

    make screenshot        # or: .venv/bin/python -m docs.screenshot
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import kg
from kg.viz import draw
from tests.browser import chromium, visit
from tests.helpers import ROOT

TARGET = ROOT / "docs" / "graph.png"
SELECTED = "Hayat Tahrir al-Sham"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kg-screenshot-") as folder:
        kg.build(store_path=Path(folder) / "store")
        drawing = draw(kg.open_store(Path(folder) / "store"), title="The seed article as a graph")
        page_path = drawing.save(Path(folder) / "graph.html")
        with chromium() as browser:
            seen = visit(browser, page_path)
            page = seen.page
            point = page.evaluate(
                """label => {
                    const data = JSON.parse(document.getElementById('kg-data').textContent);
                    const i = data.nodes.findIndex(n => n.label === label);
                    const box = document.querySelector('#graph canvas').getBoundingClientRect();
                    const at = network.canvasToDOM(network.getPositions([i])[i]);
                    return [box.left + at.x, box.top + at.y];
                }""",
                SELECTED,
            )
            page.mouse.click(*point)
            page.mouse.move(0, 0)
            page.wait_for_timeout(300)
            assert page.inner_text("#details").startswith(SELECTED), "the click missed the node"
            assert seen.requests == [] and seen.errors() == [], (seen.requests, seen.errors())
            page.screenshot(path=TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
