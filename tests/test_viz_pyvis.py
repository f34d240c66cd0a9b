"""kg's projection as a PyVis ``Network`` (``kg.viz.to_pyvis``, ``kg viz --engine pyvis``): a network that
PyVis's own methods keep working on, and a page that in real headless Chromium requests nothing, runs
no data as code on hover or click, and draws exactly the projection."""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import ParameterError
from kg.project import to_networkx
from kg.viz import LAYOUT_THRESHOLD, draw, to_pyvis
from tests.browser import HOSTILE, HOSTILE_QUOTE, Visit, synthetic_graph, visit, wait_for

HOSTILE_VOICE = '<img src=y onerror="window.__pwned=6"> voice'
HOSTILE_TITLE = "<script>window.__pwned=5</script> href bulletin"
HOSTILE_ALIAS = "</script><script>window.__pwned=4</script>"


@pytest.fixture(scope="module")
def seed_page(browser, built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    """The page `kg viz --engine pyvis --inferred` writes for the seed store, opened offline."""
    path = tmp_path_factory.mktemp("pyvis") / "pyvis.html"
    result = CliRunner().invoke(
        cli, ["--store", str(built_store), "viz", "--engine", "pyvis", "--inferred", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    seen = visit(browser, path)
    yield seen
    seen.page.close()


@pytest.fixture(scope="module")
def hostile_page(browser, hostile_store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    """A user's own customised network, written with PyVis's own write_html, of data that is all markup."""
    net = to_pyvis(hostile_store, title=f"{HOSTILE} title")
    net.neighborhood_highlight = True  # PyVis's click handler, which rewrites labels from the data
    net.select_menu = True  # PyVis's node menu, which its own template fills by pasting node ids into HTML
    net.show_buttons(filter_=["physics"])
    path = tmp_path_factory.mktemp("hostile-pyvis") / "hostile.html"
    net.write_html(str(path))
    seen = visit(browser, path)
    yield seen
    seen.page.close()


class _References(HTMLParser):
    """Every URL the markup of a page could load: src/href attributes, and url()/@import in its styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._element = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element = tag
        self.found += [f"{tag} {name}={value}" for name, value in attrs if name in ("src", "href", "srcset", "action")]

    def handle_endtag(self, tag: str) -> None:
        self._element = ""

    def handle_data(self, data: str) -> None:
        if self._element == "style":
            self.found += re.findall(r"url\([^)]*\)|@import[^;]*", data)


def references(page: str) -> list[str]:
    parser = _References()
    parser.feed(page)
    return parser.found


def point_at_node(page, node: str) -> tuple[float, float]:
    return page.evaluate(
        """id => {
            const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();
            const at = network.canvasToDOM(network.getPositions([id])[id]);
            return [box.left + at.x, box.top + at.y];
        }""",
        node,
    )


def point_at_edge(page, edge: str) -> tuple[float, float]:
    return page.evaluate(
        """id => {
            const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();
            const at = network.canvasToDOM(network.body.edges[id].edgeType.getPoint(0.5));
            return [box.left + at.x, box.top + at.y];
        }""",
        edge,
    )


AT_REST = "network.physics.stabilized === true && network.physics.viewFunction === undefined"
"""vis-network's simulation has stopped (``stopSimulation``): no node moves until the data changes again."""


def at_rest(page) -> None:
    """Wait until the physics has stopped moving the nodes: the page is ready after the stabilisation
    iterations, when the simulation may still run, and PyVis's click handler restarts it (it updates nodes)."""
    wait_for(page, AT_REST, time.perf_counter() + 120)


def tooltip_after_hover(page, aim: Callable[[], tuple[float, float]], expected: str) -> str:
    """Hover, once the nodes are at rest, over the point ``aim`` gives; the text of vis-network's tooltip
    once it shows ``expected``. At rest the point stays under the pointer for as long as the page takes."""
    probe = (
        "(() => { const tip = document.querySelector('div.vis-tooltip');"
        f" return !!tip && tip.style.visibility === 'visible' && tip.innerText.includes({expected!r}); }})()"
    )
    at_rest(page)
    page.mouse.move(2, 2)
    page.mouse.move(*aim())
    wait_for(page, probe, time.perf_counter() + 60)
    return page.inner_text("div.vis-tooltip")


def test_the_pyvis_page_draws_the_projection_and_requests_nothing(seed_page: Visit, store: kg.Store) -> None:
    graph = to_networkx(store, inferred=True)
    page = seed_page.page
    drawn = page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert drawn == [graph.number_of_nodes(), graph.number_of_edges()]
    labels = page.evaluate("network.body.data.nodes.get().map(n => n.label)")
    assert sorted(labels) == sorted(label for _, label in graph.nodes(data="label"))
    assert page.evaluate("network.physics.options.enabled") is True  # small: PyVis's physics settles it
    assert page.evaluate("document.querySelector('meta[name=generator]').content").startswith("kg with PyVis")
    assert seed_page.requests == [] and seed_page.console == []
    assert page.evaluate("location.protocol") == "file:"


def test_the_pyvis_page_references_no_url(built_store: Path, tmp_path: Path) -> None:
    # PyVis's own template links Bootstrap from a CDN even with cdn_resources="in_line"; kg's must link nothing.
    out = tmp_path / "pyvis.html"
    result = CliRunner().invoke(cli, ["--store", str(built_store), "viz", "--engine", "pyvis", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"Wrote {re.escape(str(out))}: 31 entities, 50 relations, \d+ KiB\n", result.stdout)
    page = out.read_text(encoding="utf-8")
    assert references(page) == []
    assert not re.search(r"cdn\.|jsdelivr|cdnjs|unpkg|bootstrap|sourceMappingURL", page, flags=re.IGNORECASE)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp
    policy = dict(rule.strip().split(" ", 1) for rule in html.unescape(csp[1]).split(";"))
    assert policy["default-src"] == "'none'" and "unsafe" not in policy["script-src"]
    assert policy["script-src"].count("'sha256-") == page.count("<script>") == 3  # vis-network, PyVis's, kg's
    assert "vis.js may be distributed under either license" in page  # the licence header travels with it


def test_hostile_labels_and_quotes_run_nothing_on_hover_and_click(hostile_page: Visit, hostile_store) -> None:
    page = hostile_page.page
    group = "kge:hostile-group"
    assert page.evaluate("id => network.body.data.nodes.get(id).label", group) == f"{HOSTILE} Group"  # as text
    tip = tooltip_after_hover(page, lambda: point_at_node(page, group), "Group")
    assert f"{HOSTILE} Group" in tip and HOSTILE_ALIAS in tip
    page.mouse.click(*point_at_node(page, group))  # PyVis's neighbourhood highlight: labels taken away and back
    assert page.evaluate("network.getSelectedNodes()") == [group]
    edge = page.evaluate("id => network.getConnectedEdges(id)[0]", group)
    tip = tooltip_after_hover(page, lambda: point_at_edge(page, edge), "captured")
    for text in (HOSTILE_QUOTE, HOSTILE_TITLE, HOSTILE_VOICE, f"{HOSTILE} Group captured Homs"):
        assert text in tip
    page.mouse.click(*point_at_edge(page, edge))
    corner = page.evaluate(
        "(({left, top}) => [left + 5, top + 5])(document.getElementById('mynetwork').getBoundingClientRect())"
    )
    page.mouse.click(*corner)  # empty canvas: PyVis's highlight puts every label back
    assert page.evaluate("id => network.body.data.nodes.get(id).label", group) == f"{HOSTILE} Group"
    assert page.title() == f"{HOSTILE} title" and page.inner_text("h1") == f"{HOSTILE} title"
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img, h1 *, option *, div.vis-tooltip :not(br)').length") == 0
    assert page.evaluate("document.scripts.length") == 4  # vis-network, PyVis's helpers, tom-select, kg's
    assert page.evaluate("document.querySelectorAll('#config .vis-configuration').length") > 0  # show_buttons
    assert hostile_page.requests == [] and hostile_page.console == []
    graph = to_networkx(hostile_store)
    assert page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]") == [
        graph.number_of_nodes(),
        graph.number_of_edges(),
    ]


def test_pyvis_menus_list_hostile_names_as_text(browser, hostile_store: kg.Store, tmp_path: Path) -> None:
    net = to_pyvis(hostile_store)
    net.filter_menu = True  # PyVis's filter menu lists the values of a property (here the labels) for picking
    path = tmp_path / "menus.html"
    net.write_html(str(path))
    seen = visit(browser, path)
    try:
        page = seen.page
        for box, choice in ((0, "node"), (1, "label")):
            page.click(f"#filter-menu .ts-control >> nth={box}")
            page.click(f"#filter-menu .ts-dropdown .option[data-value={choice}]")
        page.click("#filter-menu .ts-control >> nth=2")
        listed = page.locator("#filter-menu .ts-dropdown .option", has_text="Group")
        assert listed.inner_text() == f"{HOSTILE} Group"
        listed.click()
        page.click("#apply-filter")
        assert page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.label)") == [
            f"{HOSTILE} Group"
        ]
        assert page.evaluate("window.__pwned") is None and page.evaluate("document.images.length") == 0
        assert seen.requests == [] and seen.console == []
    finally:
        seen.page.close()


def test_the_escaping_holds_in_pyvis_own_template(browser, hostile_store: kg.Store, tmp_path: Path) -> None:
    # With "href" in a node's title PyVis's template shows it with innerHTML; kg escaped it, so it stays text.
    import pyvis

    net = to_pyvis(hostile_store, title=f"{HOSTILE} title", physics=False)
    net.set_template_dir(str(Path(pyvis.__file__).parent / "templates") + "/")
    path = tmp_path / "pyvis-template.html"
    net.write_html(str(path))
    seen = visit(browser, path, ready="typeof network === 'object' && network.body.data.nodes.length > 0")
    try:
        page = seen.page
        page.mouse.move(*point_at_node(page, "kge:hostile-group"))
        wait_for(page, "document.querySelector('div.popup').style.display === 'block'", time.perf_counter() + 10)
        assert f"{HOSTILE} Group" in page.inner_text("div.popup")
        assert page.inner_text("h1") == f"{HOSTILE} title"
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert seen.requests  # PyVis's own template asks CDNs for Bootstrap: why kg ships its own
    finally:
        seen.page.close()


def test_a_large_graph_keeps_the_precomputed_layout_with_physics_off(browser, tmp_path: Path) -> None:
    graph, claims = synthetic_graph(LAYOUT_THRESHOLD + 200)
    net = to_pyvis(graph, evidence=claims)
    path = tmp_path / "large.html"
    net.write_html(str(path))
    seen = visit(browser, path, timeout=120)
    try:
        page = seen.page
        assert page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]") == [
            graph.number_of_nodes(),
            graph.number_of_edges(),
        ]
        assert page.evaluate("network.physics.options.enabled") is False
        assert net.nodes[0]["id"] == "https://example.org/entity/0"  # no CURIE for it: the IRI as it is
        drawn = page.evaluate("ids => network.getPositions(ids)", [node["id"] for node in net.nodes])
        moved = [
            n["id"] for n in net.nodes if max(abs(drawn[n["id"]]["x"] - n["x"]), abs(drawn[n["id"]]["y"] - n["y"])) > 1
        ]
        assert moved == []  # where kg's layout put them (vis-network reports whole pixels)
        assert seen.requests == [] and seen.errors() == []
    finally:
        seen.page.close()


def test_the_network_is_filtered_as_draw_filters(store: kg.Store) -> None:
    for options in (
        {"ego": "HTS", "radius": 1, "inferred": True},
        {"predicates": ["captured", "kg:controls"], "as_of": dt.date(2024, 12, 7)},
        {"types": ["ArmedGroup"], "min_reliability": "B2"},
    ):
        net = to_pyvis(store, **options)
        drawing = draw(store, **options)
        assert (net.num_nodes(), net.num_edges()) == (drawing.nodes, drawing.edges), options
    with pytest.raises(ParameterError, match="no predicate 'captureed'.*did you mean kg:captured"):
        to_pyvis(store, predicates=["captureed"])


def test_the_bulk_fill_is_what_add_node_and_add_edge_build(store: kg.Store) -> None:
    from pyvis.network import Network

    net = to_pyvis(store, inferred=True)
    by_hand = Network(directed=True)
    for node in net.nodes:
        by_hand.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in net.edges:
        by_hand.add_edge(edge["from"], edge["to"], **{k: v for k, v in edge.items() if k not in ("from", "to")})
    assert (net.nodes, net.node_ids, net.node_map, net.edges) == (
        by_hand.nodes,
        by_hand.node_ids,
        by_hand.node_map,
        by_hand.edges,
    )
    # So PyVis's own methods work on it.
    assert "kge:homs" in net.neighbors("kge:hts") and net.get_node("kge:hts")["label"] == "Hayat Tahrir al-Sham"
    net.add_node("kge:new", label="New")
    net.add_edge("kge:new", "kge:hts", title="added by hand")
    assert (net.num_nodes(), net.num_edges()) == (by_hand.num_nodes() + 1, by_hand.num_edges() + 1)


def test_the_network_carries_escaped_text_and_the_evidence(hostile_store: kg.Store) -> None:
    net = to_pyvis(hostile_store, title="A & <b>B</b>")
    assert net.heading == "A &amp; &lt;b&gt;B&lt;/b&gt;"
    group = net.get_node("kge:hostile-group")
    assert group["label"] == html.escape(f"{HOSTILE} Group") and "<" not in group["title"]
    captured = next(e for e in net.edges if e["from"] == "kge:hostile-group")
    text = html.unescape(captured["title"])
    assert "<" not in captured["title"] and '"' not in captured["title"]
    assert HOSTILE_QUOTE in text and HOSTILE_VOICE in text and "F6" in text
    hts = next(e for e in net.edges if (e["from"], e["to"], e["label"]) == ("kge:hts", "kge:homs", "captured"))
    assert hts["title"].count("“") == 2  # both claims behind HTS capturing Homs, quoted


def test_a_graph_is_drawn_as_given(store: kg.Store) -> None:
    graph = to_networkx(store)
    before = (graph.number_of_nodes(), graph.number_of_edges())
    net = to_pyvis(graph, ego="kge:hts")
    assert net.num_nodes() == draw(store, ego="HTS").nodes and "kge:hts" in net.node_ids
    assert (graph.number_of_nodes(), graph.number_of_edges()) == before  # the graph given is not changed
    with pytest.raises(ParameterError, match="as_of, min_reliability filter the store's claims"):
        to_pyvis(graph, as_of=dt.date(2024, 12, 7), min_reliability="B2")


def test_the_kg_page_stays_the_default(built_store: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built_store), "viz", "-o", "-"])
    assert result.exit_code == 0 and 'id="kg-data"' in result.stdout and "PyVis" not in result.stdout
    result = CliRunner().invoke(cli, ["--store", str(built_store), "viz", "--engine", "pyvis", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>") and "kg with PyVis" in result.stdout
