"""Headless Chromium for the page tests, the benchmark and the README screenshot, offline by construction.

Debian's ``chromium`` (``make test`` installs it) driven by Playwright; Playwright's own browser
downloads are never used. Every request that is not for a ``file:`` URL is aborted and
recorded, and console messages and uncaught errors are collected, so a test can assert that
a page made no request and logged nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx
    from playwright.sync_api import Browser, Page

    from kg.viz import Claim

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 850}
READY = "document.documentElement.dataset.state === 'ready'"


TRIG_PREFIXES = """\
@prefix kg: <https://w3id.org/conflict-kg/ontology#> . @prefix kge: <https://w3id.org/conflict-kg/id/> .
@prefix kgs: <https://w3id.org/conflict-kg/source/> . @prefix kgc: <https://w3id.org/conflict-kg/claim/> .
@prefix kgg: <https://w3id.org/conflict-kg/graph/> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
"""The prefixes of the hostile test data's TriG."""


@dataclass
class Visit:
    """A page opened offline, with what it asked of the network and what it logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    seconds: float = 0.0
    """From navigation to the first drawing with the layout done (``data-state="ready"``)."""

    def errors(self) -> list[str]:
        return [line for line in self.console if line.startswith(("error", "pageerror"))]


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, with the background services that phone home switched off."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def visit(browser: Browser, path: Path, *, ready: str | None = READY, timeout: float = 60.0) -> Visit:
    """Open ``path`` from ``file://`` with every other request aborted; wait for ``ready`` (a JS expression)."""
    page = browser.new_page(viewport=VIEWPORT)
    seen = Visit(page)

    def route(route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            seen.requests.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.console.append(f"pageerror: {error}"))
    start = time.perf_counter()
    page.goto(path.resolve().as_uri())
    if ready:
        wait_for(page, ready, start + timeout)
    seen.seconds = time.perf_counter() - start
    return seen


def wait_for(page: Page, ready: str, deadline: float) -> None:
    """Poll the JS expression ``ready`` from Python until it is true.

    Not ``page.wait_for_function``: its in-page polling compiles the expression with ``eval``,
    which kg's Content-Security-Policy forbids, so it fails on any page that is not ready at once.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    while not page.evaluate(ready):
        if time.perf_counter() > deadline:
            raise PlaywrightTimeout(f"{ready} still false after the timeout")
        time.sleep(0.05)


TYPES = (
    ("kg:ArmedGroup", "armed group", "actor"),
    ("kg:State", "state", "actor"),
    ("kg:Person", "person", "actor"),
    ("kg:Organisation", "organisation", "actor"),
    ("kg:City", "city", "place"),
    ("kg:Region", "region", "place"),
    ("kg:Facility", "facility", "place"),
    ("kg:Offensive", "offensive", "event"),
    ("kg:Weapon", "weapon", "weapon"),
)
PREDICATES = ("alliedWith", "opposes", "captured", "controls", "attacked", "locatedIn", "partOf", "supplied")


def synthetic_graph(nodes: int, *, edges_per_node: int = 3, seed: int = 1) -> tuple[nx.MultiDiGraph, dict[str, Claim]]:
    """A projection-shaped graph of ``nodes`` entities (preferential attachment) with one claim per edge.

    Node and edge attributes are those of :func:`kg.project.to_networkx`, and every claim has a
    quote of realistic length, so pages and timings are those of a real store of that size.
    """
    import networkx as nx

    from kg.viz import Claim

    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(nodes, edges_per_node, seed=seed)
    graph = nx.MultiDiGraph()
    for node in shape.nodes:
        kind_type, label, kind = TYPES[rng.randrange(len(TYPES))]
        graph.add_node(
            f"https://example.org/entity/{node}",
            label=f"Entity {node}",
            curie=f"kge:entity-{node}",
            type=kind_type,
            type_label=label,
            kind=kind,
            aliases=f"E{node}|alias {node}",
            wikidata="",
        )
    claims = {}
    start = dt.date(2024, 1, 1)
    for i, (a, b) in enumerate(shape.edges):
        source, target = (a, b) if rng.random() < 0.5 else (b, a)
        predicate = PREDICATES[rng.randrange(len(PREDICATES))]
        day = (start + dt.timedelta(days=rng.randrange(365))).isoformat()
        grade = f"{'ABCDEF'[rng.randrange(6)]}{rng.randrange(1, 7)}"
        claim = f"kgc:synthetic-{i}"
        claims[claim] = Claim(
            id=claim,
            quote=f"Entity {source} is reported to have {predicate} entity {target} in a statement issued that day.",
            source="kgs:synthetic",
            source_title="A synthetic source",
            claimant="a synthetic claimant",
            date=day,
            until="",
            reliability=grade,
        )
        graph.add_edge(
            f"https://example.org/entity/{source}",
            f"https://example.org/entity/{target}",
            key=f"kg:{predicate}",
            predicate=f"kg:{predicate}",
            predicate_label=predicate,
            inferred=False,
            claims=claim,
            claim_count=1,
            reliability=grade,
            date=day,
            end="",
        )
    return graph, claims


# --- Hostile data: a source whose every text is markup, for the page tests -------------------------

HOSTILE = '<img src=x onerror="window.__pwned=1"> href'
HOSTILE_TEXT = (
    f"Statement: {HOSTILE} Group captured Homs on Monday, says <b>the</b> bulletin.\n"
    "It was <script>window.__pwned=2</script> reported href=javascript:window.__pwned=3 again.\n"
)
HOSTILE_QUOTE = f"{HOSTILE} Group captured Homs on Monday"


def hostile_source(data: Path) -> None:
    """A small extra source whose entity label, quote, title and claimant are all markup: valid data all the same."""
    text = data / "sources" / "hostile.txt"
    text.write_text(HOSTILE_TEXT, encoding="utf-8")
    start = HOSTILE_TEXT.index(HOSTILE_QUOTE)
    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    ttl = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    (data / "hostile.trig").write_text(
        f"""{TRIG_PREFIXES}kgg:hostile {{
  kge:hostile-group a kg:ArmedGroup ; rdfs:label "{ttl} Group"@en ;
      skos:altLabel "</script><script>window.__pwned=4</script>"@en .
  kgs:hostile a kg:SourceDocument ; dct:title "<script>window.__pwned=5</script> href bulletin"@en ;
      kg:sourceKind kg:OfficialStatement ; dct:language "en"^^xsd:language ;
      kg:text <sources/hostile.txt> ; kg:sha256 "{sha}" ; kg:estimatedDate "2024-12-09"^^xsd:date .
  kgs:hostile-voice a kg:Reporter ; rdfs:label "<img src=y onerror=\\"window.__pwned=6\\"> voice"@en .
  kge:hostile-group kg:captured kge:homs .
  kgc:hostile-1 a kg:Claim ; rdf:subject kge:hostile-group ; rdf:predicate kg:captured ; rdf:object kge:homs ;
      kg:asserted true ; kg:polarity kg:Affirmed ; prov:wasDerivedFrom kgs:hostile ;
      prov:wasAttributedTo kgs:hostile-voice ; kg:reliability "F6" ;
      kg:gradeReason "<img src=z onerror=window.__pwned=7> made up for the test"@en ;
      kg:eventDate "2024-12-09"^^xsd:date ; kg:datePrecision kg:Day ;
      oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{ttl} Group captured Homs on Monday" ] ,
                     [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {start + len(HOSTILE_QUOTE)} ] .
}}
""",
        encoding="utf-8",
    )
