"""The graph as one interactive HTML page: offline, self-contained, safe to e-mail.

:func:`draw` projects the store (:func:`kg.project.to_networkx`), optionally narrows it to an
entity's neighbourhood, attaches each edge's evidence and hands the graph to
:func:`render_html`, which writes a page that:

- inlines vis-network (``templates/vendor/vis-network/``, Apache-2.0/MIT) and its own script,
  so it makes no network request and works from ``file://`` or as an e-mail attachment; a
  Content-Security-Policy allows only those two scripts (by hash) and no network loads;
- carries the data as JSON in a ``<script type="application/json">`` block with ``<``, ``>``
  and ``&`` escaped, and builds every tooltip, panel and legend with ``textContent``, so a
  label or quote such as ``<img src=x onerror=...>`` is shown as text and never runs;
- colours and shapes nodes by entity type and colours edges by predicate, with a legend that
  doubles as filters, and exposes the ``vis.Network`` as ``window.network``;
- above :data:`LAYOUT_THRESHOLD` nodes gets its positions from igraph's grid
  Fruchterman-Reingold layout (seconds for 20,000 nodes, where NetworkX's ``spring_layout``
  takes minutes) and draws with physics off; smaller graphs start from the same layout and
  let vis-network's physics settle it.

PyVis does not draw this page: every part of it the page would need is one of its measured
traps (escaping, CDN loads, ``from_nx`` mutating its input, quadratic ``add_edge``), and the
page model here is plain dictionaries. For those who want PyVis's own object to customise
(``show_buttons``, physics, their own ``write_html``), :func:`to_pyvis` builds a
``pyvis.network.Network`` from the same projection without those traps: the data HTML-escaped,
nodes and edges filled in bulk, and a page template of kg's that inlines vis-network, loads
nothing and runs only its own scripts (``draw(..., engine="pyvis")`` writes that page).
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from kg import queries
from kg.errors import ParameterError
from kg.namespaces import compact, expand
from kg.page import HtmlPage, app_script, inline, policy, script_json, template, without_source_map

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

    from kg.store import Store

__all__ = [
    "ENGINES",
    "LAYOUT_THRESHOLD",
    "SIZE_MEASURES",
    "VIS_NETWORK",
    "Claim",
    "Drawing",
    "draw",
    "layout",
    "load_evidence",
    "measure",
    "neighbourhood",
    "page_data",
    "render_html",
    "to_pyvis",
]

VIS_NETWORK = "10.1.5"
"""The vendored vis-network release (``kg/templates/vendor/vis-network/README.md``)."""

LAYOUT_THRESHOLD = 1000
"""Above this many nodes the page shows the Python layout as it is, with physics off."""

SIZE_MEASURES = ("degree", "pagerank")

ENGINES = ("kg", "pyvis")
"""Who draws the page: kg's own (search, filters, time slider, evidence panel) or PyVis (see :func:`to_pyvis`)."""

NODE_SIZE = (10.0, 40.0)
"""Smallest and largest node size in pixels; the measure is scaled by its square root in between."""

SPACING = 90.0
"""Pixels per node on the side of the square a layout is scaled to, so density is the same at every size."""

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd",
    "#c49c94", "#637939", "#d6616b", "#6b6ecf",
)  # fmt: skip
"""Categorical colours, for entity types and predicates alike; they repeat past twenty."""

MIXED = "#7f7f7f"
"""The colour of a relation whose claims in view come from several sources (or claimants), when
edges are coloured by source (or claimant); sources and claimants take :data:`PALETTE` without it."""

UNCLAIMED = "#c8c8c8"
"""The colour of a relation with no claim of its own (a transitive inference), coloured by source or claimant."""

SHAPES = {"actor": "dot", "place": "square", "event": "diamond", "weapon": "triangle"}
"""vis-network shape by kind of entity; colour then tells the type within a kind."""

_TEMPLATES = "templates"
_VENDOR = "vendor/vis-network/vis-network.min.js"


@dataclass(frozen=True)
class Claim:
    """The evidence behind an edge, as the page shows it: one claim of the store's ``claims`` table."""

    id: str
    quote: str
    source: str
    source_title: str
    claimant: str
    date: str
    """The claim's own date, else its source's (publication, else estimated): the date the projection filters on."""
    until: str
    """The last day the claim is in effect: its end, or the day before a capture or withdrawal ended it."""
    reliability: str
    reason: str = ""
    precision: str = ""
    start: int | None = None
    end: int | None = None
    open: bool = False
    """A state reported without a start: in effect "since before" ``date`` too (``kg:openStart``)."""


@dataclass(frozen=True)
class Drawing(HtmlPage):
    """A rendered graph page: ``str(drawing)`` is the HTML, ``save`` writes it, notebooks show it inline."""

    html: str = field(repr=False)
    nodes: int
    edges: int
    title: str
    SANDBOX: ClassVar[str] = "allow-scripts allow-popups allow-popups-to-escape-sandbox"


def draw(
    store: Store,
    *,
    ego: str | None = None,
    radius: int = 1,
    predicates: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
    inferred: bool = False,
    title: str | None = None,
    size_by: str = "degree",
    engine: str = "kg",
    dated_only: bool = False,
) -> Drawing:
    """Draw the store, or the part of it the options select, as an interactive page.

    ``ego`` names an entity as queries do (label, alias, CURIE, IRI or Wikidata id) and keeps
    what lies within ``radius`` relations of it, in either direction. ``predicates`` and
    ``types`` take CURIEs, IRIs or bare local names (``captured``, ``ArmedGroup``); the other
    filters are those of :func:`kg.project.to_networkx`. When a filter narrows the relations
    (``predicates``, ``as_of``, ``min_reliability``), entities left with none are not drawn.
    ``dated_only`` leaves out, with ``as_of``, states known only "since before" a later report.
    ``engine="pyvis"`` writes the page of :func:`to_pyvis`'s ``Network`` instead of kg's own.
    """
    if engine not in ENGINES:
        raise ParameterError(f"no drawing engine {engine!r}; use one of {', '.join(ENGINES)}")
    title = title or "kg graph"
    graph, scope = _select(
        store,
        ego=ego,
        radius=radius,
        predicates=predicates,
        types=types,
        as_of=as_of,
        min_reliability=min_reliability,
        inferred=inferred,
        dated_only=dated_only,
    )
    if engine == "pyvis":
        network = _pyvis_network(graph, evidence=load_evidence(store), title=title, size_by=size_by, physics=None)
        return Drawing(network.generate_html(), network.num_nodes(), network.num_edges(), title)
    page = render_html(graph, evidence=load_evidence(store), title=title, subtitle=scope, size_by=size_by)
    return Drawing(page, graph.number_of_nodes(), graph.number_of_edges(), title)


def _select(
    store: Store,
    *,
    ego: str | None,
    radius: int,
    predicates: Iterable[str] | None,
    types: Iterable[str] | None,
    as_of: dt.date | None,
    min_reliability: str | None,
    inferred: bool,
    dated_only: bool = False,
) -> tuple[nx.MultiDiGraph, str]:
    """The part of the store's projection that :func:`draw`'s options select, and a line saying which part."""
    from kg.params import resolve_entity
    from kg.project import to_networkx

    predicates = _known_terms(store, predicates, "predicate")
    types = _known_terms(store, types, "type")
    graph = to_networkx(
        store,
        predicates=predicates,
        inferred=inferred,
        as_of=as_of,
        min_reliability=min_reliability,
        types=types,
        dated_only=dated_only,
    )
    if predicates or as_of or min_reliability:
        # Narrowed to some relations: an entity with none of them is clutter, as in the page's own filters.
        graph.remove_nodes_from([node for node, degree in graph.degree() if degree == 0])
    center = None
    if ego is not None:
        center = resolve_entity(store, ego).value
        graph = neighbourhood(graph, center, radius)
    scope = _describe(
        ego=graph.nodes[center]["label"] if center else None,
        radius=radius,
        predicates=predicates,
        types=types,
        as_of=as_of,
        min_reliability=min_reliability,
        inferred=inferred,
        dated_only=dated_only,
    )
    return graph, scope


def neighbourhood(graph: nx.MultiDiGraph, center: str, radius: int = 1) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``radius`` edges of ``center``, following edges either way.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    >>> sorted(neighbourhood(g, "a", 2))
    ['a', 'b', 'c']
    """
    import networkx as nx

    if radius < 0:
        raise ParameterError(f"radius {radius} is negative; use 0 for the entity alone, 1 for its neighbours, ...")
    if center not in graph:
        raise ParameterError(
            f"{compact(center)} is not in the graph being drawn: the filters (type, predicate, date, reliability) "
            "leave it out"
        )
    return nx.ego_graph(graph, center, radius=radius, undirected=True)


def _known_terms(store: Store, names: Iterable[str] | None, role: str) -> list[str] | None:
    """CURIEs for ``names``; a bare name is read in the ontology, and an unknown one is an error with suggestions."""
    if names is None:
        return None
    known = _drawable_terms(store)[role]
    found = []
    for name in names:
        curie = compact(expand(name) or name.strip("<>")) if ":" in name else f"kg:{name}"
        if curie not in known:
            close = difflib.get_close_matches(curie, sorted(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; `kg stats` lists the {role}s in the store"
            raise ParameterError(f"no {role} {name!r} in the store{hint}")
        found.append(curie)
    return found


def _drawable_terms(store: Store) -> dict[str, set[str]]:
    result = store.query(queries.internal("internal/viz-terms"))
    terms: dict[str, set[str]] = {"predicate": set(), "type": set()}
    for row in result:  # type: ignore[union-attr]
        terms[str(row["role"])].add(str(row["term"]))
    return terms


def _describe(
    *,
    ego: str | None,
    radius: int,
    predicates: Sequence[str] | None,
    types: Sequence[str] | None,
    as_of: dt.date | None,
    min_reliability: str | None,
    inferred: bool,
    dated_only: bool = False,
) -> str:
    """One line saying what part of the graph a drawing shows, for under its title.

    >>> _describe(ego="HTS", radius=2, predicates=None, types=None, as_of=None, min_reliability="b2", inferred=True)
    'within 2 relations of HTS · reliability B2 or better · with inferred relations'
    """
    parts = []
    if ego:
        parts.append(f"within {radius} relation{'s' if radius != 1 else ''} of {ego}")
    if predicates:
        parts.append("relations " + ", ".join(predicates))
    if types:
        parts.append("entities of type " + ", ".join(types))
    if as_of:
        parts.append(f"as of {as_of.isoformat()}" + (", dated claims only" if dated_only else ""))
    if min_reliability:
        parts.append(f"reliability {min_reliability.upper()} or better")
    parts.append("with inferred relations" if inferred else "asserted relations only")
    return " · ".join(parts)


def load_evidence(store: Store) -> dict[str, Claim]:
    """Every claim of the store by CURIE, with the source title and the date the projection gives it."""
    sources = {
        row["source"]: row
        for row in store.query(queries.internal("internal/viz-sources"))  # type: ignore[union-attr]
    }
    import pandas as pd

    from kg.project import last_day

    claims = {}
    rows = list(store.query("claims"))  # type: ignore[union-attr]
    lasts = last_day(
        pd.Series([_text(row["until"]) for row in rows], dtype=object),
        pd.Series([_text(row["ended_on"]) for row in rows], dtype=object),
    )
    for row, last in zip(rows, lasts, strict=True):
        source = sources.get(row["source"], {})
        claims[row["claim"]] = Claim(
            id=row["claim"],
            quote=row["quote"],
            source=row["source"],
            source_title=_text(source.get("title")),
            claimant=_text(row["claimant"]),
            date=_text(row["date"] or source.get("date")),
            until=last,
            reliability=_text(row["reliability"]),
            reason=_text(row["reason"]),
            precision=_text(row["precision"]),
            start=row["start"],
            end=row["end"],
            open=str(row["since"] or "").startswith("before "),
        )
    return claims


def _text(value: object) -> str:
    """A query value as page text: dates in ISO form, missing values empty."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def measure(graph: nx.MultiDiGraph, size_by: str = "degree") -> dict[str, float]:
    """Each node's size measure: its number of relations (``degree``) or its ``pagerank`` along the edges.

    >>> import networkx as nx
    >>> measure(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c")]))
    {'a': 2.0, 'b': 3.0, 'c': 1.0}
    """
    if size_by not in SIZE_MEASURES:
        raise ParameterError(f"cannot size nodes by {size_by!r}; use one of {', '.join(SIZE_MEASURES)}")
    if size_by == "degree":
        return {node: float(degree) for node, degree in graph.degree()}
    nodes, index, edges = _indexed(graph)
    if not nodes:
        return {}
    import igraph

    ranks = igraph.Graph(n=len(nodes), edges=edges, directed=True).pagerank(directed=True)
    return dict(zip(nodes, ranks, strict=True))


def _indexed(graph: nx.MultiDiGraph) -> tuple[list[str], dict[str, int], list[tuple[int, int]]]:
    """Nodes in order, their positions, and every edge as a pair of positions (for igraph)."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    return nodes, index, [(index[source], index[target]) for source, target in graph.edges()]


def layout(graph: nx.MultiDiGraph, *, seed: int = 1) -> dict[str, tuple[float, float]]:
    """Positions in page pixels: igraph's Fruchterman-Reingold (grid variant above 1,000 nodes), centred and scaled.

    The same graph and ``seed`` give the same picture: igraph draws its random numbers from a
    generator lent to it for this call only.
    """
    nodes, _, edges = _indexed(graph)
    if len(nodes) < 2:
        return {node: (0.0, 0.0) for node in nodes}
    import igraph

    shape = igraph.Graph(n=len(nodes), edges=edges, directed=False)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = shape.layout_fruchterman_reingold(grid="auto").coords
    finally:
        igraph.set_random_number_generator(random)
    xs, ys = [x for x, _ in coords], [y for _, y in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = SPACING * len(nodes) ** 0.5 / span
    return {
        node: (round((x - cx) * scale, 1), round((y - cy) * scale, 1))
        for node, (x, y) in zip(nodes, coords, strict=True)
    }


def _sizes(values: Mapping[str, float]) -> dict[str, float]:
    """Node sizes from a measure: square-root scaled between the bounds of :data:`NODE_SIZE`."""
    low, high = NODE_SIZE
    top = max(values.values(), default=0.0)
    if top <= 0:
        return {node: low for node in values}
    return {node: round(low + (high - low) * (value / top) ** 0.5, 1) for node, value in values.items()}


def _legend(rows: Mapping[str, tuple[str, int]], order: Sequence[str]) -> list[dict[str, Any]]:
    """Legend rows (``id``, ``label``, ``count``) in ``order``, each with its colour from :data:`PALETTE`."""
    return [
        {"id": key, "label": rows[key][0] or key, "color": PALETTE[i % len(PALETTE)], "count": rows[key][1]}
        for i, key in enumerate(order)
    ]


def _type_legend(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The entity types present, actors first, then places, events and weapons, with colour and shape."""
    found: dict[str, tuple[str, int]] = {}
    kinds: dict[str, str] = {}
    for _, attrs in graph.nodes(data=True):
        key = attrs.get("type", "")
        found[key] = (attrs.get("type_label", ""), found.get(key, ("", 0))[1] + 1)
        kinds[key] = attrs.get("kind", "")
    rank = {kind: i for i, kind in enumerate(SHAPES)}
    order = sorted(found, key=lambda t: (rank.get(kinds[t], len(SHAPES)), found[t][0] or t))
    rows = _legend(found, order)
    for row in rows:
        row["kind"] = kinds[row["id"]]
        row["shape"] = SHAPES.get(row["kind"], "star")
    return rows


def _predicate_legend(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The predicates present, by label, with colour."""
    found: dict[str, tuple[str, int]] = {}
    for _, _, key, attrs in graph.edges(keys=True, data=True):
        predicate = attrs.get("predicate", key)
        found[predicate] = (attrs.get("predicate_label", ""), found.get(predicate, ("", 0))[1] + 1)
    return _legend(found, sorted(found, key=lambda p: found[p][0] or p))


def _curves(edges: Sequence[tuple[str, str]]) -> list[float]:
    """How much to bend each edge so parallel edges between two nodes stay apart: 0 for the first,
    then alternately to either side and further out. Positive bends clockwise along the edge's
    direction, so an edge drawn the other way round flips its sign to land on the same side.

    >>> _curves([("a", "b"), ("b", "a"), ("a", "b"), ("a", "c")])
    [0.0, -0.25, -0.25, 0.0]
    """
    seen: dict[tuple[str, str], int] = {}
    bends = []
    for source, target in edges:
        pair = (source, target) if source <= target else (target, source)
        k = seen.get(pair, 0)
        seen[pair] = k + 1
        side = 1 if k % 2 else -1
        if (source, target) != pair:
            side = -side
        bends.append(0.25 * ((k + 1) // 2) * side if k else 0.0)
    return bends


def _present(**fields: Any) -> dict[str, Any]:
    """The fields that say something (not empty, false or zero), to keep the page's JSON small.

    >>> _present(a="", b=[], c=False, d=0.0, e="x", f=[1])
    {'e': 'x', 'f': [1]}
    """
    return {key: value for key, value in fields.items() if value}


class _EvidenceTable:
    """The claims a page cites, each stored once; sources and claimants too, referred to by index.

    Call :meth:`legends` once every edge is cited: it orders sources (by title) and claimants (by
    name) for their legends, renumbers the claims' references to match and counts the claims of each.
    """

    def __init__(self, evidence: Mapping[str, Claim]) -> None:
        self.evidence = evidence
        self.claims: list[dict[str, Any]] = []
        self.sources: list[dict[str, str]] = []
        self.claimants: list[str] = []
        self._claims: dict[str, int] = {}
        self._sources: dict[str, int] = {}
        self._claimants: dict[str, int] = {}

    def cite(self, curies: str) -> list[int]:
        """Indexes of the ``|``-joined claims that the evidence covers, adding those not yet cited."""
        refs = []
        for curie in curies.split("|"):
            claim = self.evidence.get(curie)
            if claim is None:
                continue
            if curie not in self._claims:
                self._claims[curie] = len(self.claims)
                self.claims.append(self._row(claim))
            refs.append(self._claims[curie])
        return refs

    def legends(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The source and claimant legend rows (``id``, ``label``, ``color``, ``count`` of claims), in legend order."""
        source_order = sorted(
            range(len(self.sources)), key=lambda i: (self.sources[i].get("title", "").casefold(), self.sources[i]["id"])
        )
        claimant_order = sorted(range(len(self.claimants)), key=lambda i: self.claimants[i].casefold())
        source_at = {old: new for new, old in enumerate(source_order)}
        claimant_at = {old: new for new, old in enumerate(claimant_order)}
        sources = [0] * len(self.sources)
        claimants = [0] * len(self.claimants)
        for claim in self.claims:
            claim["source"] = source_at[claim["source"]]
            claim["claimant"] = claimant_at[claim["claimant"]]
            sources[claim["source"]] += 1
            claimants[claim["claimant"]] += 1
        colours = [colour for colour in PALETTE if colour != MIXED]
        source_rows = [
            self.sources[old] | {"label": self.sources[old].get("title") or self.sources[old]["id"]}
            for old in source_order
        ]
        claimant_rows = [
            {"id": self.claimants[old], "label": self.claimants[old] or "(not named)"} for old in claimant_order
        ]
        for rows, counts in ((source_rows, sources), (claimant_rows, claimants)):
            for i, row in enumerate(rows):
                row |= {"color": colours[i % len(colours)], "count": counts[i]}
        return source_rows, claimant_rows

    def _row(self, claim: Claim) -> dict[str, Any]:
        if claim.source not in self._sources:
            self._sources[claim.source] = len(self.sources)
            self.sources.append(_present(id=claim.source, title=claim.source_title))
        if claim.claimant not in self._claimants:
            self._claimants[claim.claimant] = len(self.claimants)
            self.claimants.append(claim.claimant)
        offsets = {"start": claim.start, "end": claim.end} if claim.start is not None else {}
        return (
            {"id": claim.id, "quote": claim.quote, "source": self._sources[claim.source]}
            | {"claimant": self._claimants[claim.claimant]}
            | _present(
                date=claim.date,
                until=claim.until,
                open=claim.open,
                reliability=claim.reliability,
                reason=claim.reason,
                precision=claim.precision,
            )
            | offsets
        )


def _summary_spans(attrs: Mapping[str, Any]) -> list[list[Any]]:
    """The spans (date, last day, grade, open) the page filters an edge by when its claims are not at hand.

    From the projection's summary: one span for its claims with a known start (from ``dated``),
    and one open span ("since before" ``date``) when some claim is a state reported without a
    start, which the summary shows as ``dated`` empty or later than ``date``. An edge drawn from a
    graph without ``dated`` (not from :func:`kg.project.to_networkx`) counts all claims as dated.
    A claimed edge without any date gets an undated span: shown at all dates, on no single day.

    >>> _summary_spans({"claim_count": 2, "date": "2024-12-01", "dated": "2024-12-07", "end": "", "reliability": "B2"})
    [['2024-12-07', '', 'B2', False], ['2024-12-01', '', 'B2', True]]
    >>> _summary_spans({"claim_count": 1, "date": "2024-12-07", "end": "2024-12-09", "reliability": "C3"})
    [['2024-12-07', '2024-12-09', 'C3', False]]
    """
    if not attrs.get("claim_count"):
        return []
    date, end, grade = attrs.get("date", ""), attrs.get("end", ""), attrs.get("reliability", "")
    dated = attrs.get("dated", date)
    spans = [[dated, end, grade, False]] if dated else []
    if date and (not dated or date < dated):
        spans.append([date, end, grade, True])
    return spans or [["", end, grade, False]]


def _day_after(day: str) -> str:
    """The day after an ISO date ("" for none): when a claim that lasts until ``day`` is no longer in effect."""
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat() if day else ""


def page_data(
    graph: nx.MultiDiGraph,
    *,
    evidence: Mapping[str, Claim] | None = None,
    size_by: str = "degree",
    physics: bool | None = None,
) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-ready data.

    Nodes, edges, claims, sources and claimants are lists that refer to each other by index;
    sources and claimants are legend rows (``id``, ``label``, ``color``, ``count`` of claims) as
    types and predicates are. An edge's ``claims`` are the claims it cites that ``evidence``
    covers, each with its ``date``, last day (``until``) and ``open`` ("since before" its date);
    an edge whose claims it does not cover carries ``spans`` (date, last day, grade, open) from
    the edge's summary instead (see :func:`_summary_spans`), so the page's filters work either
    way. ``dates`` are the days the time slider stops at: every claim's date and the day after
    every last day, when it stops being in effect.
    """
    large = graph.number_of_nodes() > LAYOUT_THRESHOLD
    values = measure(graph, size_by)
    sizes = _sizes(values)
    positions = layout(graph)
    types = _type_legend(graph)
    predicates = _predicate_legend(graph)
    type_index = {row["id"]: i for i, row in enumerate(types)}
    predicate_index = {row["id"]: i for i, row in enumerate(predicates)}
    node_index = {node: i for i, node in enumerate(graph.nodes)}

    nodes = []
    for node, attrs in graph.nodes(data=True):
        x, y = positions[node]
        row = {
            "label": attrs.get("label") or compact(node),
            "curie": attrs.get("curie") or compact(node),
            "type": type_index[attrs.get("type", "")],
            "measure": round(values[node], 6),
            "size": sizes[node],
            "x": x,
            "y": y,
        }
        aliases = [alias for alias in attrs.get("aliases", "").split("|") if alias]
        nodes.append(row | _present(aliases=aliases, wikidata=attrs.get("wikidata", "")))

    table = _EvidenceTable(evidence or {})
    edges = []
    edge_rows = list(graph.edges(keys=True, data=True))
    bends = _curves([(source, target) for source, target, _, _ in edge_rows])
    for (source, target, key, attrs), bend in zip(edge_rows, bends, strict=True):
        refs = table.cite(attrs.get("claims", ""))
        row = {
            "from": node_index[source],
            "to": node_index[target],
            "predicate": predicate_index[attrs.get("predicate", key)],
        }
        optional = _present(
            inferred=bool(attrs.get("inferred")),
            reliability=attrs.get("reliability", ""),
            date=attrs.get("date", ""),
            end=attrs.get("end", ""),
            claims=refs,
            spans=[] if refs else _summary_spans(attrs),
            bend=bend,
        )
        edges.append(row | optional)

    sources, claimants = table.legends()
    spans = [span for edge in edges for span in edge.get("spans", [])]
    days = {claim.get("date", "") for claim in table.claims} | {span[0] for span in spans}
    days |= {_day_after(claim.get("until", "")) for claim in table.claims} | {_day_after(span[1]) for span in spans}
    return {
        "nodes": nodes,
        "edges": edges,
        "claims": table.claims,
        "sources": sources,
        "claimants": claimants,
        "types": types,
        "predicates": predicates,
        "colours": {"mixed": MIXED, "unclaimed": UNCLAIMED},
        "dates": sorted(day for day in days if day),
        "sizeBy": size_by,
        "physics": not large if physics is None else physics,
        "large": large,
    }


def render_html(
    graph: nx.MultiDiGraph,
    *,
    evidence: Mapping[str, Claim] | None = None,
    title: str = "kg graph",
    subtitle: str = "",
    size_by: str = "degree",
    physics: bool | None = None,
) -> str:
    """The page for ``graph`` (a :func:`kg.project.to_networkx` projection) as one HTML string.

    ``evidence`` maps claim CURIEs to :class:`Claim` (see :func:`load_evidence`); without it edges
    show their summary only. ``physics`` forces vis-network's physics on or off; by default it
    is on up to :data:`LAYOUT_THRESHOLD` nodes.
    """
    data = page_data(graph, evidence=evidence, size_by=size_by, physics=physics)
    vis_js, app_js, css = _assets()
    return template("graph.html.j2").render(
        title=title,
        subtitle=subtitle,
        counts=f"{len(data['nodes']):,} entities · {len(data['edges']):,} relations",
        csp=policy([vis_js, app_js]),
        css=inline(css, "style"),
        vis_js=inline(vis_js, "script"),
        app_js=inline(app_js, "script"),
        data_json=inline(script_json(data), "script"),
        vis_version=VIS_NETWORK,
    )


def content_security_policy() -> str:
    """The policy a server should send with a page from :func:`draw` (the page also carries it in a meta tag)."""
    vis_js, app_js, _ = _assets()
    return policy([vis_js, app_js])


@cache
def _assets() -> tuple[str, str, str]:
    """The vendored vis-network (its source-map comment dropped: no file to fetch), the page script and CSS."""
    folder = resources.files(__package__) / _TEMPLATES
    vis_js = without_source_map((folder / _VENDOR).read_text(encoding="utf-8"))
    return vis_js, app_script("graph.js"), (folder / "graph.css").read_text(encoding="utf-8")


# PyVis ---------------------------------------------------------------------------------------

TOOLTIP_CLAIMS = 8
"""Claims quoted in a PyVis edge tooltip (its only place for evidence); the rest are counted."""

_PYVIS_PAGE = "pyvis.html.j2"
_PYVIS_LIB = "templates/lib"


def to_pyvis(
    source: Store | nx.MultiDiGraph,
    *,
    ego: str | None = None,
    radius: int = 1,
    predicates: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
    inferred: bool = False,
    title: str | None = None,
    size_by: str = "degree",
    evidence: Mapping[str, Claim] | None = None,
    physics: bool | None = None,
    dated_only: bool = False,
) -> Network:
    """A ``pyvis.network.Network`` of the store (filtered as :func:`draw` filters) or of a projection-shaped graph.

    For those who customise PyVis (``net.show_buttons()``, ``net.barnes_hut(...)``,
    ``net.write_html(path)``); ``kg viz`` stays the safer default. Unlike PyVis's own
    ``from_nx``, this:

    - HTML-escapes every string from the data (labels, tooltips with their quotes, the heading,
      node ids) before PyVis sees it, because PyVis pastes the heading and node ids into HTML and a
      node title containing ``href`` into ``innerHTML``; the page template decodes them back to
      text for vis-network, which shows labels and titles as text, never as markup;
    - gives the network kg's page template (``net.templateEnv``), which inlines vis-network and
      PyVis's own helper scripts, references no URL (PyVis's template loads Bootstrap from a CDN
      even with ``cdn_resources="in_line"``) and carries a Content-Security-Policy that lets only
      its own scripts run and nothing load, so ``net.write_html`` writes a page that works offline;
    - fills ``net.nodes``, ``net.node_ids``, ``net.node_map`` and ``net.edges`` in one pass,
      where ``add_edge`` scans the node list for every edge (minutes at 20,000 nodes);
    - above :data:`LAYOUT_THRESHOLD` nodes places them at :func:`layout`'s positions with physics
      off; smaller graphs start there with physics on (``physics`` forces either).

    Node ids are CURIEs (``kge:hts``), so ``net.get_node("kge:hts")`` and ``net.add_edge`` work as
    PyVis documents. Given a graph (``kg.project.to_networkx``'s shape), ``ego`` is a node of it
    (IRI, CURIE or exact label) and ``evidence`` (see :func:`load_evidence`) adds quotes to the edge
    tooltips; the filters that read claims (``predicates``, ``types``, ``as_of``,
    ``min_reliability``, ``inferred``) need the store.

    >>> import networkx as nx
    >>> graph = nx.MultiDiGraph()
    >>> graph.add_node("https://w3id.org/conflict-kg/id/a", label="<img src=x onerror=alert(1)>")
    >>> graph.add_edge("https://w3id.org/conflict-kg/id/a", "https://w3id.org/conflict-kg/id/b", key="kg:opposes")
    'kg:opposes'
    >>> net = to_pyvis(graph, title="A & B")
    >>> net.num_nodes(), net.num_edges(), net.heading
    (2, 1, 'A &amp; B')
    >>> net.get_node("kge:a")["label"]
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    import networkx as nx

    if isinstance(source, nx.Graph):
        store_only = {
            "predicates": predicates,
            "types": types,
            "as_of": as_of,
            "min_reliability": min_reliability,
            "inferred": inferred,
            "dated_only": dated_only,
        }
        given = [name for name, value in store_only.items() if value]
        if given:
            raise ParameterError(
                f"{', '.join(given)} filter the store's claims, which a graph no longer has: pass the store, "
                "or filter with kg.project.to_networkx before drawing"
            )
        graph = neighbourhood(source, _graph_node(source, ego), radius) if ego is not None else source
    else:
        graph, _ = _select(
            source,
            ego=ego,
            radius=radius,
            predicates=predicates,
            types=types,
            as_of=as_of,
            min_reliability=min_reliability,
            inferred=inferred,
            dated_only=dated_only,
        )
        if evidence is None:
            evidence = load_evidence(source)
    return _pyvis_network(graph, evidence=evidence or {}, title=title or "kg graph", size_by=size_by, physics=physics)


def _graph_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node of ``graph`` that ``name`` is: the node itself, its CURIE, or the one node with that label."""
    if name in graph:
        return name
    iri = expand(name) if ":" in name else None
    if iri is not None and iri in graph:
        return iri
    labelled = [node for node, label in graph.nodes(data="label") if label == name or compact(str(node)) == name]
    if len(labelled) == 1:
        return labelled[0]
    found = "several nodes" if labelled else "no node"
    raise ParameterError(f"{found} of the graph being drawn is {name!r}; give its IRI or CURIE")


def _escape(text: object) -> str:
    """Text from the data, inert in HTML wherever a template puts it (element, attribute or ``innerHTML``)."""
    return html.escape(str(text), quote=True)


def _pyvis_network(
    graph: nx.MultiDiGraph, *, evidence: Mapping[str, Claim], title: str, size_by: str, physics: bool | None
) -> Network:
    """The ``Network`` of :func:`to_pyvis`, for a graph already selected."""
    from pyvis.network import Network

    large = graph.number_of_nodes() > LAYOUT_THRESHOLD
    values = measure(graph, size_by)
    sizes = _sizes(values)
    positions = layout(graph)
    types = {row["id"]: row for row in _type_legend(graph)}
    predicates = {row["id"]: row for row in _predicate_legend(graph)}
    names = [_node_name(str(node)) for node in graph.nodes]
    if len(set(names)) < len(names):  # two nodes that compact alike (a graph not from kg): keep them apart
        names = [str(node) for node in graph.nodes]
    names_of = dict(zip(graph.nodes, names, strict=True))
    ids = {node: _escape(name) for node, name in names_of.items()}
    labels = {node: str(attrs.get("label") or compact(str(node))) for node, attrs in graph.nodes(data=True)}

    nodes = []
    for node, attrs in graph.nodes(data=True):
        kind = types[attrs.get("type", "")]
        x, y = positions[node]
        tooltip = _node_tooltip(labels[node], names_of[node], attrs, kind["label"], size_by, values[node])
        nodes.append(
            {
                "id": ids[node],
                "label": _escape(labels[node]),
                "shape": kind["shape"],
                "color": kind["color"],
                "size": sizes[node],
                "x": x,
                "y": y,
                "title": _escape(tooltip),
            }
        )
    edges = []
    rows = list(graph.edges(keys=True, data=True))
    bends = _curves([(source, target) for source, target, _, _ in rows])
    for (source, target, key, attrs), bend in zip(rows, bends, strict=True):
        predicate = predicates[attrs.get("predicate", key)]
        tooltip = _edge_tooltip(labels[source], predicate["label"], labels[target], attrs, evidence)
        edge: dict[str, Any] = {
            "from": ids[source],
            "to": ids[target],
            "arrows": "to",
            "color": predicate["color"],
            "title": _escape(tooltip),
        }
        if not large:  # thousands of edge labels are unreadable and slow to draw
            edge["label"] = _escape(predicate["label"])
            if bend:
                side = "curvedCW" if bend > 0 else "curvedCCW"
                edge["smooth"] = {"enabled": True, "type": side, "roundness": abs(bend)}
        if attrs.get("inferred"):
            edge["dashes"] = True
        edges.append(edge)

    network = Network(height="85vh", width="100%", directed=True, heading=_escape(title), cdn_resources="in_line")
    # What add_node and add_edge would build, without add_edge's scan of the node list per edge.
    network.nodes = nodes
    network.node_ids = [node["id"] for node in nodes]
    network.node_map = {node["id"]: node for node in nodes}
    network.edges = edges
    network.toggle_physics(not large if physics is None else physics)
    network.force_atlas_2based(gravity=-80, spring_length=120, overlap=0.5)  # kg's page settles with these
    network.options.edges.smooth.enabled = False  # PyVis's "dynamic" default adds a physics node per edge
    network.options.interaction.hover = True
    network.options.interaction.hideEdgesOnDrag = large
    environment = _pyvis_environment()
    network.templateEnv = environment
    network.path = _PYVIS_PAGE
    network.template = environment.get_template(_PYVIS_PAGE)  # what write_html(notebook=True) renders
    return network


def _node_name(node: str) -> str:
    """A node's id in the network: its CURIE (``kge:hts``), else the IRI or name as it is.

    >>> _node_name("https://w3id.org/conflict-kg/id/hts"), _node_name("https://example.org/x")
    ('kge:hts', 'https://example.org/x')
    """
    curie = compact(node)
    return node if curie.startswith("<") else curie


def _node_tooltip(label: str, name: str, attrs: Mapping[str, Any], type_label: str, size_by: str, value: float) -> str:
    """What hovering over an entity shows: label, type, CURIE, aliases, Wikidata id, its size measure."""
    lines = [label, " · ".join(part for part in (type_label, name) if part)]
    aliases = [alias for alias in str(attrs.get("aliases", "")).split("|") if alias]
    if aliases:
        lines.append("also: " + ", ".join(aliases))
    if attrs.get("wikidata"):
        lines.append(f"Wikidata: {attrs['wikidata']}")
    lines.append(f"{value:g} relations" if size_by == "degree" else f"PageRank {value:.4f}")
    return "\n".join(lines)


def _edge_tooltip(
    subject: str, predicate: str, obj: str, attrs: Mapping[str, Any], evidence: Mapping[str, Claim]
) -> str:
    """What hovering over a relation shows: the statement, its grade and dates, the first quotes and who says them."""
    lines = [f"{subject} {predicate} {obj}"]
    date, end = attrs.get("date", ""), attrs.get("end", "")
    facts = [
        f"best grade {attrs['reliability']}" if attrs.get("reliability") else "",
        f"{date or '?'} to {end}" if end else f"from {date}" if date else "",
        "inferred" if attrs.get("inferred") else "",
    ]
    if any(facts):
        lines.append(" · ".join(fact for fact in facts if fact))
    cited = [evidence[curie] for curie in str(attrs.get("claims", "")).split("|") if curie in evidence]
    for claim in cited[:TOOLTIP_CLAIMS]:
        said = [claim.claimant, claim.source_title or claim.source, claim.date, claim.reliability]
        lines += ["", f"“{claim.quote}”", "  " + " · ".join(part for part in said if part)]
    if len(cited) > TOOLTIP_CLAIMS:
        lines += ["", f"and {len(cited) - TOOLTIP_CLAIMS} more claims (kg viz shows them all)"]
    elif not cited and attrs.get("claim_count"):
        lines.append(f"{attrs['claim_count']} claims")
    return "\n".join(lines)


def _unescaped(text: object) -> str:
    """Text that kg escaped into a ``Network``, back as text, for the template to escape once where it lands."""
    return html.unescape(str(text))


@cache
def _pyvis_environment() -> Any:
    """The Jinja environment PyVis renders with: kg's page template, vis-network and PyVis's helper scripts."""
    import jinja2
    import pyvis

    lib = Path(pyvis.__file__).parent / _PYVIS_LIB
    vis_js, _, _ = _assets()
    tom_js = without_source_map((lib / "tom-select/tom-select.complete.min.js").read_text(encoding="utf-8"))
    tom_css = without_source_map((lib / "tom-select/tom-select.css").read_text(encoding="utf-8"))
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / _TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["content_security_policy"] = policy
    environment.filters["text"] = _unescaped
    environment.globals.update(
        vis_js=inline(vis_js, "script"),
        utils_js=inline((lib / "bindings/utils.js").read_text(encoding="utf-8"), "script"),
        tom_select_js=inline(tom_js, "script"),
        tom_select_css=inline(tom_css, "style"),
        vis_version=VIS_NETWORK,
    )
    return environment
