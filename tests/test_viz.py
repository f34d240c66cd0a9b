"""The graph page as a file: what it carries, what it refuses, and the `kg viz` command around it.

What it does in a browser is in test_viz_browser.py.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from importlib import resources
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.project import to_networkx
from kg.viz import LAYOUT_THRESHOLD, Claim, draw, layout, page_data, render_html
from tests.browser import synthetic_graph

ENTITY = "https://w3id.org/conflict-kg/id/"


def embedded(page: str) -> dict:
    """The data block of a page, as the page script reads it."""
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert block
    return json.loads(block[1])


@pytest.fixture(scope="module")
def seed(store: kg.Store) -> kg.viz.Drawing:
    return draw(store)


def test_the_page_carries_the_projection_and_its_evidence(seed, store: kg.Store) -> None:
    graph = to_networkx(store)
    data = embedded(seed.html)
    assert (seed.nodes, seed.edges) == (graph.number_of_nodes(), graph.number_of_edges())
    assert sorted(n["label"] for n in data["nodes"]) == sorted(label for _, label in graph.nodes(data="label"))
    hts = next(n for n in data["nodes"] if n["curie"] == "kge:hts")
    assert "HTS" in hts["aliases"] and data["types"][hts["type"]]["label"] == "armed group"
    assert next(n for n in data["nodes"] if n["curie"] == "kge:bashar-al-assad")["wikidata"] == "Q44329"
    captured = next(
        e
        for e in data["edges"]
        if data["nodes"][e["from"]]["curie"] == "kge:hts" and data["predicates"][e["predicate"]]["id"] == "kg:captured"
    )
    claims = [data["claims"][c] for c in captured["claims"]]
    assert {c["reliability"] for c in claims} == {"B2", "C2"} and captured["reliability"] == "B2"
    assert {data["claimants"][c["claimant"]]["id"] for c in claims} >= {"Rami Abdel-Rahman"}
    assert all(data["sources"][c["source"]]["title"].startswith("Syrian Rebels Advance") for c in claims)
    assert all(c["quote"] and c["date"] == "2024-12-07" and not c.get("open") for c in claims)


def test_sources_and_claimants_come_as_legends(seed) -> None:
    data = embedded(seed.html)
    for rows, key in ((data["sources"], "source"), (data["claimants"], "claimant")):
        assert [row["label"].casefold() for row in rows] == sorted(row["label"].casefold() for row in rows)
        assert [row["count"] for row in rows] == [sum(c[key] == i for c in data["claims"]) for i in range(len(rows))]
        assert data["colours"]["mixed"] not in {row["color"] for row in rows}
    assert [row["label"] for row in data["sources"]] == [
        "Syrian Rebels Advance on Damascus as Government Forces Retreat"
    ]
    assert {"Rami Abdel-Rahman", "Iraqi state media"} <= {row["id"] for row in data["claimants"]}


def test_states_without_a_start_are_open_claims_and_spans(store: kg.Store) -> None:
    graph = to_networkx(store, inferred=True)
    heads = ("kge:bashar-al-assad", "kg:headOf", "kge:syrian-government")

    def head_of(data: dict) -> dict:
        return next(
            e
            for e in data["edges"]
            if (
                data["nodes"][e["from"]]["curie"],
                data["predicates"][e["predicate"]]["id"],
                data["nodes"][e["to"]]["curie"],
            )
            == heads
        )

    with_evidence = embedded(draw(store, inferred=True).html)
    (claim,) = [with_evidence["claims"][c] for c in head_of(with_evidence)["claims"]]
    assert claim["open"] is True and claim["date"] == "2024-12-08" and "until" not in claim
    # Without the evidence the edge's summary says the same: open, "since before" its date.
    assert head_of(embedded(render_html(graph)))["spans"] == [["2024-12-08", "", "C1", True]]


def test_the_slider_stops_the_day_after_a_claim_ends() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge(ENTITY + "a", ENTITY + "b", key="kg:controls", claims="kgc:x", claim_count=1, date="2024-12-01")
    claim = Claim(
        id="kgc:x", quote="A holds B", source="kgs:s", source_title="S", claimant="", date="2024-12-01",
        until="2024-12-20", reliability="B2", open=True,
    )  # fmt: skip
    data = page_data(graph, evidence={"kgc:x": claim})
    assert data["dates"] == ["2024-12-01", "2024-12-21"]
    assert data["claims"][0]["open"] and data["claimants"] == [
        {"id": "", "label": "(not named)", "color": "#1f77b4", "count": 1}
    ]


def test_the_page_loads_nothing_from_anywhere(seed) -> None:
    page = seed.html
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp
    policy = dict(rule.strip().split(" ", 1) for rule in html.unescape(csp[1]).split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"].count("'sha256-") == 2
    assert "unsafe" not in policy["script-src"] and set(policy) >= {"base-uri", "form-action"}
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", page, flags=re.DOTALL)
    assert not re.search(r"\b(src|href)=", markup)  # no resource outside the inline scripts and style
    assert "sourceMappingURL" not in page
    assert "vis.js may be distributed under either license" in page  # the licence header travels with it


def test_markup_in_the_data_cannot_leave_its_script_block(store: kg.Store) -> None:
    graph = to_networkx(store)
    graph.nodes[ENTITY + "hts"]["label"] = "</script><script>alert(1)</script><!--"
    page = render_html(graph, title="<b>title</b>")
    assert page.count("<script") == 3 and page.count("</script>") == 3
    assert "<title>&lt;b&gt;title&lt;/b&gt;</title>" in page
    assert any(n["label"] == "</script><script>alert(1)</script><!--" for n in embedded(page)["nodes"])


def test_the_app_script_never_parses_data_as_markup() -> None:
    from kg.page import app_script

    script = app_script("graph.js")  # as the page carries it: the shared dom.js, then graph.js
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)


def test_the_vendored_library_keeps_its_licence() -> None:
    folder = resources.files("kg") / "templates" / "vendor" / "vis-network"
    assert {"LICENSE-APACHE-2.0", "LICENSE-MIT", "README.md", "vis-network.min.js"} <= {
        f.name for f in folder.iterdir()
    }
    assert "10.1.5" in (folder / "vis-network.min.js").read_text(encoding="utf-8")[:400]


def test_ego_keeps_the_neighbourhood(store: kg.Store) -> None:
    drawing = draw(store, ego="Hezbollah")
    labels = {n["label"] for n in embedded(drawing.html)["nodes"]}
    assert labels == {"Hezbollah", "Lebanon", "Latakia", "Hermel region", "Syrian government"}
    assert draw(store, ego="Q41053", radius=0).nodes == 1


def test_narrowing_to_a_predicate_drops_entities_without_it(store: kg.Store) -> None:
    drawing = draw(store, predicates=["captured"])
    assert (drawing.nodes, drawing.edges) == (3, 2)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ego": "Asad"}, "no entity is called 'Asad'; did you mean: Bashar al-Assad"),
        ({"predicates": ["captrued"]}, "no predicate 'captrued' in the store; did you mean kg:captured"),
        ({"types": ["kg:ArmedGrup"]}, "no type 'kg:ArmedGrup' in the store; did you mean kg:ArmedGroup"),
        ({"ego": "Homs", "types": ["ArmedGroup"]}, "kge:homs is not in the graph being drawn"),
        ({"ego": "HTS", "radius": -1}, "radius -1 is negative"),
        ({"size_by": "betweenness"}, "cannot size nodes by 'betweenness'; use one of degree, pagerank"),
    ],
)
def test_wrong_options_are_explained(store: kg.Store, options: dict, message: str) -> None:
    with pytest.raises(kg.ParameterError, match=re.escape(message)):
        draw(store, **options)


def test_pagerank_sizes_follow_the_rank(store: kg.Store) -> None:
    data = embedded(draw(store, size_by="pagerank").html)
    assert data["sizeBy"] == "pagerank"
    assert sum(n["measure"] for n in data["nodes"]) == pytest.approx(1, abs=1e-4)
    by_rank = sorted(data["nodes"], key=lambda n: n["measure"])
    assert by_rank[0]["size"] < by_rank[-1]["size"]


def test_large_graphs_come_laid_out_with_physics_off() -> None:
    graph, claims = synthetic_graph(LAYOUT_THRESHOLD + 1)
    data = page_data(graph, evidence=claims)
    assert data["large"] and not data["physics"]
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == LAYOUT_THRESHOLD + 1
    assert page_data(graph.subgraph(list(graph)[:50]), evidence=claims)["physics"]


def test_the_layout_is_the_same_every_time() -> None:
    graph = nx.MultiDiGraph(nx.path_graph(30))
    assert layout(graph) == layout(graph)


def test_the_graph_given_is_left_as_it_was(store: kg.Store) -> None:
    graph = to_networkx(store)
    before = nx.node_link_data(graph, edges="edges")
    render_html(graph)
    assert nx.node_link_data(graph, edges="edges") == before


def test_save_writes_the_whole_page_or_nothing(seed, tmp_path: Path) -> None:
    target = seed.save(tmp_path / "graph.html")
    assert target.read_text(encoding="utf-8") == seed.html
    with pytest.raises(kg.KGError, match="cannot write .*missing"):
        seed.save(tmp_path / "missing" / "graph.html")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_notebooks_get_an_escaped_sandboxed_iframe(seed) -> None:
    frame = seed._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts' in frame
    srcdoc = frame.split('srcdoc="', 1)[1].split('"', 1)[0]
    assert html.unescape(srcdoc) == seed.html


def test_the_command_writes_the_page(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "hts.html"
    result = CliRunner().invoke(
        cli, ["--store", str(built_store), "viz", "--ego", "HTS", "--inferred", "--title", "HTS", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"Wrote {re.escape(str(out))}: 7 entities, 17 relations, \d+ KiB\n", result.stdout)
    page = out.read_text(encoding="utf-8")
    assert "<title>HTS</title>" in page and "within 1 relation of Hayat Tahrir al-Sham" in page


def test_the_command_writes_to_stdout(built_store: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built_store), "viz", "--predicate", "kg:captured", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert len(embedded(result.stdout)["edges"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ego", "Nobody"], "Error: no entity is called 'Nobody'\n"),
        (["--min-reliability", "Z9"], "Error: minimum reliability 'Z9' is not an Admiralty grade such as B2\n"),
    ],
)
def test_the_command_reports_errors_in_one_line(built_store: Path, tmp_path: Path, args, message) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built_store), "viz", *args, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and result.stderr == message
    assert not (tmp_path / "x.html").exists()


def test_drawing_as_of_a_day_keeps_states_since_before_unless_dated_only(store: kg.Store) -> None:
    day = dt.date(2024, 12, 1)
    every = draw(store, as_of=day)
    dated = draw(store, as_of=day, dated_only=True)
    assert every.edges == to_networkx(store, as_of=day).number_of_edges() == 32
    assert dated.edges == to_networkx(store, as_of=day, dated_only=True).number_of_edges() == 2
    assert "as of 2024-12-01, dated claims only" in dated.html
