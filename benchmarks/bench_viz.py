"""How fast `kg viz` pages are made and opened, against the obvious way, measured in the same run.

For synthetic projection-shaped graphs (preferential attachment, three edges per node, one
claim with a quote per edge; see ``tests/browser.py``) it measures:

- the Python layout: NetworkX ``spring_layout`` (baseline) against :func:`kg.viz.layout`
  (igraph's grid Fruchterman-Reingold);
- the page: time to open in headless Chromium until the layout is done and drawn, offline
  (every non-``file:`` request aborted), for PyVis 0.3.2 with its defaults and physics on
  (baseline: "done" is the end of its stabilisation) against :func:`kg.viz.render_html`
  (physics off above 1,000 nodes, positions from Python). Also the time to write each page
  and its size.

Prints Markdown tables; a baseline that has not finished within ``--timeout`` is shown as
"> N s" and its ratio as a lower bound. Run from the checkout::

    .venv/bin/python -m benchmarks.bench_viz                    # 2,000 / 5,000 / 20,000 nodes
    .venv/bin/python -m benchmarks.bench_viz --sizes 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.browser import chromium, synthetic_graph, visit

PYVIS_DONE = (
    "typeof network !== 'undefined' && document.getElementById('loadingBar') !== null"
    " && document.getElementById('loadingBar').style.opacity === '0'"
)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def pyvis_page(graph) -> str:
    """The page PyVis makes with its defaults (physics on), inlining vis-network as its docs advise for offline use."""
    import networkx as nx
    from pyvis.network import Network

    simple = nx.DiGraph()
    simple.add_nodes_from((node, {"label": attrs["label"]}) for node, attrs in graph.nodes(data=True))
    simple.add_edges_from((source, target, {"title": key}) for source, target, key in graph.edges(keys=True))
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(simple)
    return net.generate_html()


def open_seconds(browser, path: Path, ready: str, timeout: float) -> float | None:
    """Seconds from navigation to ``ready``, or None if it did not come within ``timeout``."""
    try:
        seen = visit(browser, path, ready=ready, timeout=timeout)
    except Exception as exc:  # Playwright's TimeoutError
        if "Timeout" not in type(exc).__name__:
            raise
        return None
    seen.page.close()
    assert seen.requests == [] or ready == PYVIS_DONE, seen.requests  # PyVis asks a CDN for Bootstrap
    return seen.seconds


def show(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if seconds is None else f"{seconds:.2f} s"


def ratio(baseline: float | None, ours: float | None, timeout: float) -> str:
    if ours is None:
        return "n/a"
    if baseline is None:
        return f"≥ {timeout / ours:.0f}×"
    return f"{baseline / ours:.1f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,5000,20000", help="node counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of kg's page per size (median reported)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a baseline")
    parser.add_argument("--baseline-max", type=int, default=5000, help="largest size to run the baselines at")
    args = parser.parse_args()

    import networkx as nx

    from kg.viz import layout, render_html

    layout_rows, page_rows = [], []
    folder = Path(tempfile.mkdtemp(prefix="bench-viz-"))
    with chromium() as browser:
        for size in (int(s) for s in args.sizes.split(",")):
            graph, claims = synthetic_graph(size)
            edges = graph.number_of_edges()
            baseline = size <= args.baseline_max

            ours_layout, _ = timed(lambda: layout(graph))  # noqa: B023
            nx_layout = timed(lambda: nx.spring_layout(graph, seed=1))[0] if baseline else None  # noqa: B023
            layout_rows.append(
                f"| {size:,} | {edges:,} | {show(nx_layout, 0) if baseline else 'not run'} | {ours_layout:.2f} s "
                f"| {ratio(nx_layout, ours_layout, 0) if baseline else 'n/a'} |"
            )

            render, page = timed(lambda: render_html(graph, evidence=claims))  # noqa: B023
            ours_path = folder / f"kg-{size}.html"
            ours_path.write_text(page, encoding="utf-8")
            opens = [
                open_seconds(browser, ours_path, "document.documentElement.dataset.state === 'ready'", 300)
                for _ in range(args.repeat)
            ]
            done = [s for s in opens if s is not None]
            ours_open = statistics.median(done) if done else None

            pyvis_open = pyvis_render = pyvis_size = None
            if baseline:
                pyvis_render, pyvis_html = timed(lambda: pyvis_page(graph))  # noqa: B023
                pyvis_path = folder / f"pyvis-{size}.html"
                pyvis_path.write_text(pyvis_html, encoding="utf-8")
                pyvis_size = len(pyvis_html.encode("utf-8"))
                pyvis_open = open_seconds(browser, pyvis_path, PYVIS_DONE, args.timeout)
            page_rows.append(
                f"| {size:,} | {edges:,} "
                f"| {show(pyvis_open, args.timeout) if baseline else 'not run'} | {show(ours_open, 300)} "
                f"| {ratio(pyvis_open, ours_open, args.timeout) if baseline else 'n/a'} "
                f"| {f'{pyvis_render:.2f} s' if pyvis_render is not None else 'not run'} | {render:.2f} s "
                f"| {f'{pyvis_size / 2**20:.1f} MiB' if pyvis_size else 'not run'} "
                f"| {len(page.encode('utf-8')) / 2**20:.1f} MiB |"
            )
            print(f"measured {size:,} nodes", flush=True)

    print("\n**Layout in Python** (one run each)\n")
    print("| nodes | edges | NetworkX spring_layout (baseline) | kg.viz.layout (igraph FR) | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    print("\n".join(layout_rows))
    print(
        f"\n**Page open in headless Chromium until the layout is drawn** (kg: median of {args.repeat}; "
        "baseline: one run)\n"
    )
    print(
        "| nodes | edges | PyVis defaults, physics on (baseline) | kg viz | speed-up "
        "| write: PyVis | write: kg | size: PyVis | size: kg |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(page_rows))


if __name__ == "__main__":
    main()
