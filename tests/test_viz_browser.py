"""The graph page in real headless Chromium, offline: it draws what the projection has, runs no
data as code, and its search box, filters and time slider change what is shown."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg
from kg.project import to_networkx
from kg.viz import draw, load_evidence, render_html
from tests.browser import HOSTILE, HOSTILE_QUOTE, Visit, synthetic_graph, visit

LINES = {"false": "solid", "[6,5]": "inferred", "[2,6]": "since before", "[10,4,2,4]": "inferred, since before"}
"""The line an edge is drawn with, by its vis-network ``dashes`` (as JSON), named as the page's legend names it."""


@pytest.fixture(scope="module")
def seed_page(browser, store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    path = draw(store, inferred=True).save(tmp_path_factory.mktemp("page") / "graph.html")
    seen = visit(browser, path)
    yield seen
    seen.page.close()


@pytest.fixture(scope="module")
def hostile_page(browser, hostile_store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    path = draw(hostile_store, title=f"{HOSTILE} title").save(tmp_path_factory.mktemp("hostile-page") / "graph.html")
    seen = visit(browser, path)
    yield seen
    seen.page.close()


def shown(page) -> dict[str, int]:
    """What the reader sees: the nodes and edges of window.network that are not hidden (after the next frame)."""
    return page.evaluate(
        """async () => {
            await new Promise(done => requestAnimationFrame(() => done()));
            return {
                nodes: network.body.data.nodes.get({filter: n => !n.hidden}).length,
                edges: network.body.data.edges.get({filter: e => !e.hidden}).length,
            };
        }"""
    )


def settle(page) -> None:
    """Wait for two animation frames: the page applies a slider move at the next, and draws at the one after."""
    page.evaluate("async () => { for (let k = 0; k < 2; k++) await new Promise(done => requestAnimationFrame(done)); }")


def fit(page) -> None:
    """Fit the whole graph in view and wait until the canvas shows it: vis-network draws a new view
    at the next frame, so a pixel read before then is the old view's."""
    page.evaluate("network.fit({animation: false})")
    settle(page)


def relations(page) -> dict[tuple[str, str, str], str]:
    """The relations the reader sees, (subject, predicate, object) CURIEs, each with the line it is drawn with."""
    settle(page)
    rows = page.evaluate(
        """() => {
            const d = JSON.parse(document.getElementById('kg-data').textContent);
            return network.body.data.edges.get({filter: e => !e.hidden}).map(e => [
                d.nodes[e.from].curie, d.predicates[d.edges[e.id].predicate].id, d.nodes[e.to].curie,
                JSON.stringify(e.dashes || false)]);
        }"""
    )
    return {(subject, predicate, obj): LINES[dashes] for subject, predicate, obj, dashes in rows}


def projected(graph) -> dict[tuple[str, str, str], str]:
    """The relations of a projection, each with the line the page should draw it with."""
    lines = {(False, False): "solid", (True, False): "inferred", (False, True): "since before"}
    lines[True, True] = "inferred, since before"
    return {
        (graph.nodes[u]["curie"], key, graph.nodes[v]["curie"]): lines[bool(a["inferred"]), bool(a["since_before"])]
        for u, v, key, a in graph.edges(keys=True, data=True)
    }


def entities_with_relations(graph) -> int:
    return sum(1 for _, degree in graph.degree() if degree)


def reset(page) -> None:
    """Every control as the page opens with, the whole graph in view and nothing selected: tests that share a
    page start from here, whatever the test before them left (a filter, a selection, a zoom on a node)."""
    page.fill("#search", "")
    page.fill("#as-of", page.get_attribute("#as-of", "max"))
    page.set_checked("#dated-only", False)
    page.set_checked("#hide-isolated", True)
    page.select_option("#min-reliability", "")
    page.select_option("#colour-by", "predicate")
    for name in ("type", "predicate", "source", "claimant"):
        box = page.locator(f"#{name}-legend")
        if box.is_visible():
            box.locator(".legend-actions button", has_text="all").click()
    fit(page)  # the corner clicked below is then the whole graph's, not a zoomed view's, where a node may sit
    page.mouse.click(5 + page.evaluate("document.getElementById('graph').getBoundingClientRect().left"), 5)
    settle(page)
    assert page.evaluate("network.getSelectedNodes().length + network.getSelectedEdges().length") == 0
    assert "click it for its evidence" in page.inner_text("#details")


def legend_box(page, legend: str, name: str):
    """The checkbox of the legend row called ``name`` exactly."""
    row = page.locator(f"#{legend}-legend label").filter(
        has=page.locator(".name", has_text=re.compile(f"^{re.escape(name)}$"))
    )
    return row.locator("input")


def pixel(page, point: tuple[float, float]) -> list[int]:
    """The colour (RGBA) the graph canvas shows at a page point, copied out so the page's canvas is never read."""
    return page.evaluate(
        """([x, y]) => {
            const canvas = document.querySelector('#graph canvas'), box = canvas.getBoundingClientRect();
            const ratio = canvas.width / box.width, copy = document.createElement('canvas');
            copy.width = copy.height = 1;
            const ctx = copy.getContext('2d', {willReadFrequently: true});
            ctx.drawImage(canvas, (x - box.left) * ratio, (y - box.top) * ratio, 1, 1, 0, 0, 1, 1);
            return Array.from(ctx.getImageData(0, 0, 1, 1).data);
        }""",
        list(point),
    )


def index_of(page, label: str) -> int:
    return page.evaluate(
        "label => JSON.parse(document.getElementById('kg-data').textContent).nodes.findIndex(n => n.label === label)",
        label,
    )


def point_at_node(page, i: int) -> tuple[float, float]:
    return page.evaluate(
        """i => {
            const box = document.querySelector('#graph canvas').getBoundingClientRect();
            const at = network.canvasToDOM(network.getPositions([i])[i]);
            return [box.left + at.x, box.top + at.y];
        }""",
        i,
    )


def point_at_edge(page, j: int) -> tuple[float, float]:
    return page.evaluate(
        """j => {
            const box = document.querySelector('#graph canvas').getBoundingClientRect();
            const edge = network.body.edges[j];
            const at = network.canvasToDOM(edge.edgeType.getPoint(0.5));
            return [box.left + at.x, box.top + at.y];
        }""",
        j,
    )


def test_the_page_draws_the_whole_projection_offline(seed_page: Visit, store: kg.Store) -> None:
    graph = to_networkx(store, inferred=True)
    drawn = seed_page.page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert drawn == [graph.number_of_nodes(), graph.number_of_edges()]
    # Entities that never have a relation (state media that only make claims) are hidden at first.
    assert shown(seed_page.page) == {"nodes": entities_with_relations(graph), "edges": graph.number_of_edges()}
    assert relations(seed_page.page) == projected(graph)
    assert seed_page.requests == []
    assert seed_page.console == []
    assert seed_page.page.evaluate("location.protocol") == "file:"


def test_clicking_an_edge_shows_its_evidence(seed_page: Visit) -> None:
    page = seed_page.page
    reset(page)
    j = page.evaluate(
        """() => { const d = JSON.parse(document.getElementById('kg-data').textContent);
            return d.edges.findIndex(e => d.nodes[e.from].label === 'Hayat Tahrir al-Sham'
                && d.nodes[e.to].label === 'Homs' && d.predicates[e.predicate].id === 'kg:captured'); }"""
    )
    page.mouse.click(*point_at_edge(page, j))
    details = page.inner_text("#details")
    assert "Hayat Tahrir al-Sham captured Homs" in details
    assert "evidence: 2 claims" in details.lower()
    assert "B2" in details and "Syrian Rebels Advance on Damascus as Government Forces Retreat" in details
    page.mouse.click(5 + page.evaluate("document.getElementById('graph').getBoundingClientRect().left"), 5)
    assert "click it for its evidence" in page.inner_text("#details")


def test_clicking_a_node_highlights_its_neighbourhood(seed_page: Visit) -> None:
    page = seed_page.page
    reset(page)
    hts, far, near = (index_of(page, name) for name in ("Hayat Tahrir al-Sham", "Iraq", "Syrian rebels"))
    colours = {i: pixel(page, point_at_node(page, i)) for i in (far, near)}
    assert all(colour[3] == 255 for colour in colours.values())  # both are on screen, drawn opaque
    page.mouse.click(*point_at_node(page, hts))
    settle(page)
    assert page.evaluate("network.getSelectedNodes()") == [hts]
    assert pixel(page, point_at_node(page, near)) == colours[near]  # a neighbour keeps its colour
    veiled = pixel(page, point_at_node(page, far))  # Iraq is not a neighbour: veiled, much paler
    assert sum(veiled[:3]) > sum(colours[far][:3]) + 150, (veiled, colours[far])
    assert page.inner_text("#details").startswith("Hayat Tahrir al-Sham")


def test_search_by_alias_focuses_the_node(seed_page: Visit) -> None:
    page = seed_page.page
    reset(page)
    before = page.evaluate("network.getViewPosition()")
    syria = index_of(page, "Syria")
    page.fill("#search", "syr")
    assert page.inner_text("#matches").splitlines()[0].startswith("Syria \u2014 state")  # exact and prefix first
    page.fill("#search", "hts")
    assert page.inner_text("#matches").startswith("Hayat Tahrir al-Sham")
    page.fill("#search", "Assad")
    page.press("#search", "Enter")
    assad = index_of(page, "Bashar al-Assad")
    assert page.evaluate("network.getSelectedNodes()") == [assad] and assad != syria
    page.wait_for_function(
        """i => { const at = network.getPositions([i])[i], view = network.getViewPosition();
                  return Math.hypot(at.x - view.x, at.y - view.y) < 1; }""",
        arg=assad,
    )
    assert page.evaluate("network.getViewPosition()") != before
    details = page.inner_text("#details")
    assert details.startswith("Bashar al-Assad") and "Q44329" in details and "allied with" in details


@pytest.fixture(scope="module")
def summary_page(browser, store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    """The projection drawn without its evidence: the page filters each edge by its summary alone."""
    path = tmp_path_factory.mktemp("summary") / "graph.html"
    path.write_text(render_html(to_networkx(store, inferred=True)), encoding="utf-8")
    seen = visit(browser, path)
    yield seen
    seen.page.close()


@pytest.mark.parametrize("dated_only", [False, True], ids=["since-before", "dated-only"])
@pytest.mark.parametrize("day", ["2021-12-07", "2024-11-27", "2024-12-07", "2024-12-08", None])
@pytest.mark.parametrize("drawn", ["seed_page", "summary_page"])
def test_the_time_slider_shows_what_the_projection_has_on_that_day(
    request: pytest.FixtureRequest, store: kg.Store, drawn: str, day: str | None, dated_only: bool
) -> None:
    page = request.getfixturevalue(drawn).page
    reset(page)
    dates = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).dates")
    page.set_checked("#dated-only", dated_only)
    page.fill("#as-of", str(dates.index(day) if day else len(dates)))
    assert page.inner_text("#as-of-value") == (day or "all dates")
    expected = to_networkx(
        store, inferred=True, as_of=dt.date.fromisoformat(day) if day else None, dated_only=dated_only
    )
    # The same relations, each drawn dotted when it is there only "since before" (the projection's since_before).
    assert relations(page) == projected(expected)
    # An entity none of whose relations is in effect is hidden; the projection keeps it, isolated.
    assert shown(page)["nodes"] == entities_with_relations(expected)
    reset(page)
    assert relations(page) == projected(to_networkx(store, inferred=True))


def test_a_state_without_a_start_reads_since_before(seed_page: Visit) -> None:
    page = seed_page.page
    reset(page)
    dates = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).dates")
    page.fill("#as-of", str(dates.index("2024-12-07")))  # the day before the article says Assad heads the government
    j = page.evaluate(
        """() => { const d = JSON.parse(document.getElementById('kg-data').textContent);
            return d.edges.findIndex(e => d.nodes[e.from].label === 'Bashar al-Assad'
                && d.predicates[e.predicate].id === 'kg:headOf'); }"""
    )
    assert relations(page)["kge:bashar-al-assad", "kg:headOf", "kge:syrian-government"] == "since before"
    page.mouse.move(*point_at_edge(page, j))
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "since before 2024-12-08" in page.inner_text("#tooltip")
    page.mouse.click(*point_at_edge(page, j))
    details = page.inner_text("#details")
    assert "date\nsince before 2024-12-08" in details and "President Bashar al-Assad" in details
    page.check("#dated-only")  # counted from the article's date only: not yet there on the 7th
    settle(page)
    assert ("kge:bashar-al-assad", "kg:headOf", "kge:syrian-government") not in relations(page)
    assert "Hidden by the current filters" in page.inner_text("#details")
    page.fill("#as-of", str(dates.index("2024-12-08")))
    settle(page)
    assert relations(page)["kge:bashar-al-assad", "kg:headOf", "kge:syrian-government"] == "since before"
    reset(page)


def test_reliability_and_type_filters(seed_page: Visit, store: kg.Store) -> None:
    page = seed_page.page
    reset(page)
    page.select_option("#min-reliability", "B2")
    assert shown(page)["edges"] == to_networkx(store, inferred=True, min_reliability="B2").number_of_edges()
    page.select_option("#min-reliability", "")
    everything = shown(page)
    city = page.locator("#type-legend label").filter(has=page.locator(".name", has_text=re.compile("^city$")))
    city.locator("input").uncheck()
    visible = page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.label)")
    assert "Homs" not in visible and "Hezbollah" in visible and len(visible) < everything["nodes"] - 3
    city.locator("input").check()
    assert shown(page) == everything


def test_hostile_labels_and_quotes_are_shown_as_text(hostile_page: Visit, hostile_store: kg.Store) -> None:
    page = hostile_page.page
    reset(page)
    group = index_of(page, f"{HOSTILE} Group")
    assert group >= 0
    page.mouse.move(*point_at_node(page, group))
    page.wait_for_selector("#tooltip:not([hidden])")
    assert f"{HOSTILE} Group" in page.inner_text("#tooltip")
    page.mouse.click(*point_at_node(page, group))
    details = page.inner_text("#details")
    assert details.startswith(f"{HOSTILE} Group")
    assert "</script><script>window.__pwned=4</script>" in details  # the alias, as text
    edge = page.evaluate("i => network.getConnectedEdges(i)[0]", group)
    page.mouse.move(*point_at_edge(page, edge))
    page.wait_for_function("document.getElementById('tooltip').innerText.includes('captured')")
    page.mouse.click(*point_at_edge(page, edge))
    details = page.inner_text("#details")
    for text in (HOSTILE_QUOTE, "<script>window.__pwned=5</script> href bulletin", 'onerror="window.__pwned=6"'):
        assert text in details
    assert page.title() == f"{HOSTILE} title" and page.inner_text("h1") == f"{HOSTILE} title"
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("[document.querySelectorAll('img, b').length, document.scripts.length]") == [0, 3]
    assert hostile_page.requests == [] and hostile_page.console == []
    assert to_networkx(hostile_store).number_of_nodes() == page.evaluate("network.body.data.nodes.length")


def test_notebook_display_is_an_iframe_with_the_page(browser, store: kg.Store) -> None:
    drawing = draw(store, ego="Hezbollah")
    page = browser.new_page()
    try:
        page.set_content(f"<!DOCTYPE html><title>notebook</title>{drawing._repr_html_()}")
        frame = page.frame_locator("iframe")
        frame.locator("html[data-state=ready]").wait_for(timeout=30_000)
        inner = next(f for f in page.frames if f != page.main_frame)
        assert inner.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]") == [
            drawing.nodes,
            drawing.edges,
        ]
    finally:
        page.close()


def test_a_large_graph_opens_with_its_layout_precomputed(browser, tmp_path: Path) -> None:
    graph, claims = synthetic_graph(5000)
    path = tmp_path / "large.html"
    path.write_text(render_html(graph, evidence=claims), encoding="utf-8")
    seen = visit(browser, path, timeout=120)
    try:
        page = seen.page
        assert page.evaluate("network.body.data.nodes.length") == 5000
        assert page.evaluate("network.body.data.edges.length") == graph.number_of_edges()
        assert page.evaluate("network.physics.options.enabled") is False
        assert seen.requests == [] and seen.errors() == []
    finally:
        seen.page.close()


def test_hostile_text_stays_text_through_search_and_filters(hostile_page: Visit) -> None:
    page = hostile_page.page
    reset(page)
    for query in ("<img", "onerror", "href", "</script>", "javascript:"):
        page.fill("#search", query)
        page.press("#search", "Enter")
    page.fill("#search", "Group")
    assert f"{HOSTILE} Group" in page.inner_text("#matches")  # the label, listed as text
    page.select_option("#min-reliability", "B2")
    page.select_option("#min-reliability", "")
    legends = ("type", "predicate", "source", "claimant")
    assert "<script>window.__pwned=5</script> href bulletin" in page.inner_text("#source-legend")
    assert '<img src=y onerror="window.__pwned=6"> voice' in page.inner_text("#claimant-legend")
    for by in ("source", "claimant", "predicate"):
        page.select_option("#colour-by", by)
    for box in [box for name in legends for box in page.locator(f"#{name}-legend input").all()]:
        box.uncheck()
        box.check()
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img, b, script:not([src])').length") == 3  # the page's own
    assert hostile_page.requests == [] and [line for line in hostile_page.console if "pwned" in line] == []


def claimed(graph, evidence, keep) -> set[tuple[str, str, str]]:
    """The relations of ``graph`` with a claim that ``keep`` keeps: what a source or claimant filter leaves."""
    return {
        (graph.nodes[u]["curie"], key, graph.nodes[v]["curie"])
        for u, v, key, curies in graph.edges(keys=True, data="claims")
        if any(keep(evidence[curie]) for curie in curies.split("|") if curie in evidence)
    }


def edge_pixels(page, j: int) -> list[list[int]]:
    """The colours the canvas shows along the first half of edge ``j`` (its label sits in the middle)."""
    points = page.evaluate(
        """j => {
            const box = document.querySelector('#graph canvas').getBoundingClientRect(), edge = network.body.edges[j];
            return [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4].map(t => {
                const at = network.canvasToDOM(edge.edgeType.getPoint(t));
                return [box.left + at.x, box.top + at.y];
            });
        }""",
        j,
    )
    return [pixel(page, point) for point in points]


def rgb(css: str) -> list[int]:
    """``#rrggbb`` or ``rgb(r, g, b)`` as three numbers."""
    if css.startswith("#"):
        return [int(css[k : k + 2], 16) for k in (1, 3, 5)]
    return [int(part) for part in re.findall(r"\d+", css)[:3]]


def drawn_in(colours: list[list[int]], css: str) -> bool:
    """Whether one of the pixels is the colour ``css`` (give or take the anti-aliasing)."""
    return any(max(abs(a - b) for a, b in zip(colour[:3], rgb(css), strict=True)) <= 16 for colour in colours)


def edge_index(page, subject: str, predicate: str, obj: str) -> int:
    return page.evaluate(
        """([s, p, o]) => { const d = JSON.parse(document.getElementById('kg-data').textContent);
            return d.edges.findIndex(e => d.nodes[e.from].label === s && d.predicates[e.predicate].id === p
                && d.nodes[e.to].label === o); }""",
        [subject, predicate, obj],
    )


def test_filtering_and_colouring_by_claimant(seed_page: Visit, store: kg.Store) -> None:
    page = seed_page.page
    reset(page)
    graph, evidence = to_networkx(store, inferred=True), load_evidence(store)
    author, rami = "author of the seed article", "Rami Abdel-Rahman"
    assert page.inner_text("#claimant-legend").count("\n") >= 8  # all, none and a row per claimant
    legend_box(page, "claimant", author).uncheck()
    assert set(relations(page)) == claimed(graph, evidence, lambda claim: claim.claimant != author)
    page.locator("#claimant-legend .legend-actions button", has_text="none").click()
    assert relations(page) == {} and shown(page)["nodes"] == 0
    legend_box(page, "claimant", rami).check()
    only_rami = claimed(graph, evidence, lambda claim: claim.claimant == rami)
    assert set(relations(page)) == only_rami and 0 < len(only_rami) < len(graph.edges) / 4
    assert shown(page)["nodes"] == len({end for s, _, o in only_rami for end in (s, o)})

    # Coloured by claimant: an edge takes the colour of the claimant of its claims in view, the
    # legend's swatch shows it, and an edge whose claims in view come from several is grey.
    page.select_option("#colour-by", "claimant")
    swatch = legend_box(page, "claimant", rami).locator("xpath=..").locator(".swatch")
    rami_colour = swatch.evaluate("s => getComputedStyle(s).backgroundColor")
    assert swatch.is_visible() and not page.locator("#predicate-legend .swatch").first.is_visible()
    captured = edge_index(page, "Hayat Tahrir al-Sham", "kg:captured", "Homs")
    fit(page)
    page.mouse.click(*point_at_edge(page, captured))  # selected: drawn above the veil, nothing over it
    settle(page)
    assert drawn_in(edge_pixels(page, captured), rami_colour)
    legend_box(page, "claimant", author).check()
    settle(page)
    mixed = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).colours.mixed")
    assert drawn_in(edge_pixels(page, captured), mixed) and not drawn_in(edge_pixels(page, captured), rami_colour)
    assert "several claimants" in page.inner_text("#colour-key")
    page.select_option("#colour-by", "predicate")
    settle(page)
    predicate_colour = page.evaluate(
        "j => { const d = JSON.parse(document.getElementById('kg-data').textContent); "
        "return d.predicates[d.edges[j].predicate].color; }",
        captured,
    )
    assert drawn_in(edge_pixels(page, captured), predicate_colour) and not page.is_visible("#colour-key")
    reset(page)


def test_filtering_and_colouring_by_source(hostile_page: Visit, hostile_store: kg.Store) -> None:
    page = hostile_page.page
    reset(page)
    graph, evidence = to_networkx(hostile_store), load_evidence(hostile_store)
    bulletin = "<script>window.__pwned=5</script> href bulletin"
    legend_box(page, "source", bulletin).uncheck()
    assert set(relations(page)) == claimed(graph, evidence, lambda claim: claim.source != "kgs:hostile")
    visible = page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.label)")
    assert f"{HOSTILE} Group" not in visible and "Homs" in visible  # its one relation is the bulletin's
    legend_box(page, "source", bulletin).check()
    page.select_option("#colour-by", "source")
    settle(page)
    colours = page.evaluate(
        """() => { const d = JSON.parse(document.getElementById('kg-data').textContent);
            return Object.fromEntries(d.sources.map(s => [s.id, s.color])); }"""
    )
    edge = edge_index(page, f"{HOSTILE} Group", "kg:captured", "Homs")
    assert page.evaluate(f"network.body.data.edges.get({edge}).color") == colours["kgs:hostile"]
    seed_colour = colours["kgs:syrian-rebels-advance"]
    assert {page.evaluate(f"network.body.data.edges.get({j}).color") for j in range(len(graph.edges)) if j != edge} == {
        seed_colour
    }
    assert page.evaluate("window.__pwned") is None and hostile_page.requests == []
    reset(page)


def test_hiding_the_selection_lifts_the_veil(seed_page: Visit) -> None:
    page = seed_page.page
    reset(page)
    dates = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).dates")
    offensive, far = index_of(page, "2024 HTS-led offensive"), index_of(page, "Russia")
    colour = pixel(page, point_at_node(page, far))
    page.mouse.click(*point_at_node(page, offensive))
    settle(page)
    veiled = pixel(page, point_at_node(page, far))
    assert sum(veiled[:3]) > sum(colour[:3]) + 150  # Russia is not a neighbour: faded

    page.fill("#as-of", str(dates.index("2021-12-07")))  # years before the offensive was launched
    settle(page)
    assert shown(page)["nodes"] > 10 and far not in page.evaluate("network.getSelectedNodes()")
    assert pixel(page, point_at_node(page, far)) == colour  # the graph shown is no longer faded
    details = page.inner_text("#details")
    assert (
        details.startswith("2024 HTS-led offensive")
        and "Hidden by the current filters, so nothing is highlighted" in details
    )

    page.fill("#as-of", str(len(dates)))  # shown again: highlighted again
    settle(page)
    assert pixel(page, point_at_node(page, far)) == veiled
    assert page.evaluate("network.getSelectedNodes()") == [offensive]

    legend_box(page, "type", "offensive").uncheck()  # any filter, not only the slider
    settle(page)
    assert pixel(page, point_at_node(page, far)) == colour
    assert "Hidden by the current filters" in page.inner_text("#details")
    reset(page)


@pytest.mark.parametrize("day", [None, "2024-11-27"])
def test_entities_with_no_relation_in_view_are_hidden_unless_asked(
    seed_page: Visit, store: kg.Store, day: str | None
) -> None:
    page = seed_page.page
    reset(page)
    dates = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).dates")
    page.fill("#as-of", str(dates.index(day) if day else len(dates)))
    expected = to_networkx(store, inferred=True, as_of=dt.date.fromisoformat(day) if day else None)
    assert page.is_checked("#hide-isolated")
    assert shown(page)["nodes"] == entities_with_relations(expected)
    visible = page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.label)")
    assert "Iraqi state media" not in visible  # it only makes claims: never a relation of its own
    page.uncheck("#hide-isolated")
    assert shown(page) == {"nodes": expected.number_of_nodes(), "edges": expected.number_of_edges()}
    legend_box(page, "type", "media outlet").uncheck()  # off, the type filter still applies
    outlets = sum(1 for _, label in expected.nodes(data="type_label") if label == "media outlet")
    assert shown(page)["nodes"] == expected.number_of_nodes() - outlets
    page.check("#hide-isolated")
    assert shown(page)["nodes"] == entities_with_relations(expected)
    reset(page)
