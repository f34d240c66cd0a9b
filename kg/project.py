"""RDF to NetworkX without losing what matters: predicates, evidence, types, direction.

The shortcut in ``rdflib.extras.external_graph_libs`` drops predicates, turns literals into
nodes and makes ``rdf:type`` classes into hubs that create false paths. Here instead:

- one node per entity (actor, place, event, weapon), keyed by its IRI, with ``label``,
  ``curie``, ``type`` (its primary asserted class), ``types``, ``classes`` (with
  superclasses), ``kind``, ``aliases`` and ``wikidata`` as attributes;
- one edge per relation triple in a ``MultiDiGraph``, keyed by the predicate's CURIE, so an
  actor that both opposes and encircles another keeps both edges; attributes ``predicate``,
  ``predicate_label``, ``inferred``, ``claims``, ``claim_count``, ``reliability`` (the best
  grade among its claims), ``date`` and ``end``;
- no literals, no classes, no claim or selector nodes.

Multi-valued attributes are ``|``-joined strings and missing values are ``""`` so the graph
exports to GraphML and GEXF as it is. Everything comes from a few SPARQL queries whose
results Oxigraph writes as CSV and pandas reads in C; no triple is walked in Python. The
queries are scans, or scans joined by hash (a claim's properties, each its own subquery),
never a lookup per triple: at 100k relations Oxigraph needed 46 s to join each triple to its
claims by lookups, and the triples meet their claims in pandas. Oxigraph's cost is mostly
decoding terms, so each query returns as few rows as it can (one per claim, not one per
claim property; no inferred edge unless asked for).

The way back: :func:`save_measures` writes computed node measures (PageRank, core number
...) into the named graph ``kgg:analysis`` with the properties of :data:`MEASURES`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import queries
from kg.errors import ParameterError
from kg.namespaces import ANALYSIS_GRAPH, ONTOLOGY, PREFIXES, PROV, WD, XSD, expand
from kg.store import Store, revise
from kg.terms import Term

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import pandas as pd

__all__ = [
    "GRADES",
    "KIND_ORDER",
    "MEASURES",
    "aggregate_claims",
    "check_grade",
    "claims_frame",
    "last_day",
    "compact_series",
    "edges_frame",
    "frame",
    "grade_key",
    "join_runs",
    "joined_sets",
    "nodes_frame",
    "run_starts",
    "save_measures",
    "to_networkx",
]

KIND_ORDER = ("actor", "place", "event", "weapon")
"""When an entity has several asserted types (Syria: country and state), the primary one is the first kind here."""

_GRADE = re.compile(r"^[A-F][1-6]$")
GRADES = tuple(f"{letter}{digit}" for letter in "ABCDEF" for digit in "123456")
"""Admiralty grades from best to worst: source letter first, then information digit."""


def grade_key(grade: str) -> tuple[str, int]:
    """Sort key for Admiralty grades: source letter first, then information digit ("A1" is best).

    >>> sorted(["C3", "B2", "B1", "D1"], key=grade_key)
    ['B1', 'B2', 'C3', 'D1']
    """
    return grade[0], int(grade[1])


def frame(store: Store, name: str, **values: Term) -> pd.DataFrame:
    """A kg-internal SELECT query, with ``values`` bound to its parameters, as a DataFrame of strings,
    through Oxigraph's CSV writer.

    From a remote store pandas reads the CSV straight off the connection.
    """
    import pandas as pd

    saved = queries.internal_query(f"internal/{name}")
    with store.open_results(saved, values, ox.QueryResultsFormat.CSV) as data:
        return pd.read_csv(data, dtype=str, keep_default_na=False)


def is_true(cells: pd.Series) -> pd.Series:
    """Which cells of a CSV column hold a SPARQL true: ``true`` (or ``1``, the same xsd:boolean), and ``1``
    from Virtuoso, which answers a boolean a query computes (``BIND(... AS ?flag)``) as the integer 1.

    >>> import pandas as pd
    >>> is_true(pd.Series(["true", "1", "false", "0", ""])).tolist()
    [True, True, False, False, False]
    """
    return cells.isin(("true", "1"))


_CURIE_PARTS = re.compile(r"^(.*[/#])([A-Za-z0-9_][A-Za-z0-9_.-]*)$")
"""A namespace ending in / or #, then a local name a CURIE can hold."""


def compact_series(series: pd.Series) -> pd.Series:
    """Shorten IRIs with the known prefixes, as :func:`kg.namespaces.compact` does, over the distinct values.

    An IRI whose namespace is not a known one, or whose local name is not a plain name, stays whole.
    One compiled match per distinct IRI: ``Series.str.extract`` took 1.6x as long per value (the claims
    of a 100k-triple store, by hand 2026-11-30), and the claims of a million triples are 49,000 IRIs.

    >>> import pandas as pd
    >>> compact_series(pd.Series(["https://w3id.org/conflict-kg/ontology#Actor", "http://e/x", ""])).tolist()
    ['kg:Actor', 'http://e/x', '']
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series)
    prefixes = {namespace: prefix for prefix, namespace in PREFIXES.items()}
    short = np.empty(len(uniques), dtype=object)
    for at, iri in enumerate(uniques):
        parts = _CURIE_PARTS.search(iri)
        prefix = prefixes.get(parts[1]) if parts else None
        short[at] = iri if prefix is None else f"{prefix}:{parts[2]}"
    return pd.Series(short[codes] if len(uniques) else [], index=series.index, dtype=object)


def _class_iri(reference: str) -> str:
    return expand(reference) or reference.strip("<>")


def nodes_frame(store: Store, *, types: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per entity with its attributes, indexed by IRI; ``types`` keeps instances of those classes."""
    rows = frame(store, "project-nodes")
    names = frame(store, "project-node-names").set_index("node")
    rows["rank"] = rows["kind"].map({kind: i for i, kind in enumerate(KIND_ORDER)})
    # Every column in the key, so the row kept for an entity with two English labels is the same in every run.
    rows = rows.sort_values(["node", "rank", "type", "label", "wikidata", "typeLabel"])
    rows["type_curie"] = compact_series(rows["type"])
    nodes = rows.drop_duplicates("node").set_index("node")[["label", "type_curie", "typeLabel", "kind", "wikidata"]]
    nodes = nodes.rename(columns={"type_curie": "type", "typeLabel": "type_label"})
    nodes["types"] = joined_sets(rows["node"], rows["type_curie"]).reindex(nodes.index)
    nodes["wikidata"] = nodes["wikidata"].str.removeprefix(WD)
    nodes["curie"] = compact_series(nodes.index.to_series())
    nodes["aliases"] = names["aliases"].reindex(nodes.index).fillna("")
    classes = names["classes"].str.split("|").explode()  # one row per (node, class IRI)
    short = compact_series(classes)
    nodes["classes"] = joined_sets(short.index.to_series(), short).reindex(nodes.index).fillna("")
    nodes["label"] = nodes["label"].where(nodes["label"] != "", nodes["curie"])
    if types is not None:
        wanted = {_class_iri(t) for t in types}
        nodes = nodes[nodes.index.isin(classes[classes.isin(wanted)].index)]
    return nodes


def joined_sets(keys: pd.Series, values: pd.Series) -> pd.Series:
    """The distinct values of each key, sorted and "|"-joined, indexed by key (sorted): one sort and one
    :func:`join_runs` rather than a Python call per key.

    >>> import pandas as pd
    >>> joined_sets(pd.Series(["b", "a", "b", "b"]), pd.Series(["y", "x", "z", "y"])).to_dict()
    {'a': 'x', 'b': 'y|z'}
    """
    import pandas as pd

    pairs = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()}).drop_duplicates()
    pairs = pairs.sort_values(["key", "value"], ignore_index=True)
    starts = run_starts(pairs, ["key"])
    return pd.Series(join_runs(pairs["value"], starts).to_numpy(), index=pairs["key"].iloc[starts].to_numpy())


def check_grade(grade: str) -> str:
    grade = grade.strip().upper()
    if not _GRADE.match(grade):
        raise ParameterError(f"minimum reliability {grade!r} is not an Admiralty grade such as B2")
    return grade


def claims_frame(store: Store) -> pd.DataFrame:
    """Asserted claims, one row each: claim, subject, predicate, object (IRIs), reliability, date, start, end,
    open, ended_on, ended_by, last.

    ``date`` is the claim's ``kg:effectiveDate``, which the build infers (its event date, else its
    start, else its source's publication or estimated date); ``start`` and ``end`` are its event
    start and end, "" when not given. ``open`` is true for a state reported without a start
    (``kg:openStart``: in effect "since before" ``date``); ``ended_on`` and ``ended_by`` say when
    and by which claim a capture ended a holding (``kg:endedOn``, ``kg:endedBy``); ``last`` is
    the last day the claim is in effect ("" while open-ended): its end, or the day before the
    capture that ended it. These are the rules of time in one place for every view.
    Read as one row per claim, whose properties Oxigraph joins by hash (``project-claims.rq``);
    a claim stated in more than one graph is kept once.
    """
    wide = frame(store, "project-claims").drop_duplicates("claim")
    wide = wide[is_true(wide["asserted"])]
    wide = wide.assign(open=is_true(wide["openStart"]), last=last_day(wide["end"], wide["endedOn"]))
    columns = ["claim", "subject", "predicate", "object", "reliability", "date", "eventStart", "end", "open"]
    return wide[[*columns, "endedOn", "endedBy", "last"]].rename(
        columns={"eventStart": "start", "endedOn": "ended_on", "endedBy": "ended_by"}
    )


def last_day(end: pd.Series, ended_on: pd.Series) -> pd.Series:
    """The last day in effect: the end the source gives, or the day before a capture ended it, if earlier."""
    import pandas as pd

    before = pd.to_datetime(ended_on.replace("", None), format="%Y-%m-%d") - pd.Timedelta(days=1)
    before = before.dt.strftime("%Y-%m-%d").fillna("")
    earlier = (before != "") & ((end == "") | (before < end))
    return end.where(~earlier, before)


def _evidence(claims: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """Each asserted claim under every triple it supports: its own and the mirrors that symmetry and inverses imply."""
    import pandas as pd

    claims = claims.drop(columns=["start", "end", "ended_on", "ended_by"])
    claims = claims.rename(columns={"subject": "source", "object": "target", "last": "end"})
    mirrored = claims.rename(columns={"source": "target", "target": "source"})
    symmetric = set(relations.loc[is_true(relations["symmetric"]), "predicate"])
    inverses = relations.loc[relations["inverse"] != "", ["predicate", "inverse"]].drop_duplicates()
    inverse = mirrored.merge(inverses, on="predicate").drop(columns="predicate")
    inverse = inverse.rename(columns={"inverse": "predicate"})
    evidence = pd.concat([claims, mirrored[mirrored["predicate"].isin(symmetric)], inverse], ignore_index=True)
    return evidence.drop_duplicates(["source", "predicate", "target", "claim"])


def run_starts(rows: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Where each run of equal ``key`` values starts in ``rows``, which must be sorted by ``key``."""
    import numpy as np

    runs = rows.groupby(key, sort=False).ngroup().to_numpy()
    return np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]]) if len(rows) else np.array([], dtype=np.int64)


def join_runs(values: pd.Series, starts: np.ndarray) -> pd.Series:
    """The strings of each run "|"-joined, by one ``numpy.add.reduceat`` instead of a Python call per run."""
    import numpy as np
    import pandas as pd

    if not len(values):
        return pd.Series([], dtype=object)
    return pd.Series(np.add.reduceat((values + "|").to_numpy(dtype=object), starts), dtype=object).str[:-1]


def aggregate_claims(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Per triple: its claims ("|"-joined), how many, the best grade, earliest date, latest end
    ("" when any claim is open-ended) and, given an ``open`` column, the earliest date of a claim
    with a known start (``dated``: "" when every claim is a state reported without a start).

    Sorted rows make each triple a run, so numpy's ``reduceat`` aggregates every run in C;
    pandas would call Python once per triple for string minima in pandas 3.
    """
    import numpy as np
    import pandas as pd

    rows = rows.sort_values([*key, "claim"])
    starts = run_starts(rows, key)
    out = rows[key].iloc[starts].reset_index(drop=True)
    if not len(rows):
        # Typed, so that filters comparing them with strings work when no claim passes (a float column would not)
        texts = ["claims", "reliability", "date", "end", *(["dated"] if "open" in rows else [])]
        return out.assign(claim_count=pd.Series([], dtype=int), **{c: pd.Series([], dtype=object) for c in texts})[
            [*key, "claims", "claim_count", *texts[1:]]
        ]
    out["claims"] = join_runs(rows["claim"], starts)
    out["claim_count"] = np.diff(np.r_[starts, len(rows)])
    ranks = pd.Categorical(rows["reliability"], categories=GRADES).codes.astype(int)
    ranks[ranks < 0] = len(GRADES)  # ungraded sorts last
    out["reliability"] = np.array([*GRADES, ""], dtype=object)[np.minimum.reduceat(ranks, starts)]
    never = np.iinfo(np.int64).max  # no date sorts last for the earliest, and an open end outlasts every end
    columns = {"date": rows["date"], "end": rows["end"]}
    if "open" in rows:
        columns["dated"] = rows["date"].where(~rows["open"].astype(bool), "")
    for column, values in columns.items():
        reduce = np.maximum if column == "end" else np.minimum
        days = pd.to_datetime(values.replace("", None), format="%Y-%m-%d").to_numpy("datetime64[D]")
        found = reduce.reduceat(np.where(np.isnat(days), never, days.astype(np.int64)), starts)
        text = np.datetime_as_string(np.where(found == never, 0, found).astype("datetime64[D]"), unit="D")
        out[column] = np.where(found == never, "", text)
    return out


def edges_frame(
    store: Store,
    *,
    predicates: Iterable[str] | None = None,
    inferred: bool = False,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
    dated_only: bool = False,
) -> pd.DataFrame:
    """One row per relation triple that passes the filters, with its evidence aggregated.

    ``as_of`` keeps a triple when one of its claims is in effect that day: begun on or before
    it (the claim's event date or start, else its source's date), or a state reported without
    a start ("since before" its date; not with ``dated_only``), and not ended before it (its
    end, or a capture that ended the holding); inferred triples without claims of their own
    (transitive chains) are timeless. ``min_reliability`` keeps claims at least as good in
    both letter and digit ("B2" keeps A1, B2, A2, B1) and drops triples with no graded claim.
    The attributes come from the claims that pass: ``reliability`` is the best grade (grades
    sort as strings: "A1" < "B2" < "C1"), ``date`` the earliest date, ``end`` the last day in
    effect ("" while any claim is open-ended), ``dated`` the earliest date of a claim with a
    known start, and ``since_before`` whether the triple is there only as "since before" (on
    ``as_of``, or at all without it): the page draws such an edge dashed.
    """
    return _edges_frame(
        store,
        lambda: claims_frame(store),
        predicates=predicates,
        inferred=inferred,
        as_of=as_of,
        min_reliability=min_reliability,
        dated_only=dated_only,
    )


def _edges_frame(
    store: Store,
    claims: Callable[[], pd.DataFrame],
    *,
    predicates: Iterable[str] | None,
    inferred: bool,
    as_of: dt.date | None,
    min_reliability: str | None,
    dated_only: bool,
) -> pd.DataFrame:
    """:func:`edges_frame`, with the claims from ``claims``, called once the edges are read: a scan already
    started on another thread, or the scan itself."""
    floor = check_grade(min_reliability) if min_reliability is not None else None
    relations = frame(store, "project-predicates")
    rows = frame(store, "project-edges", with_inferred=ox.Literal(inferred))
    rows["inferred"] = is_true(rows["inferred"])
    if predicates is not None:
        rows = rows[rows["predicate"].isin({_class_iri(p) for p in predicates})]
    key = ["source", "predicate", "target"]
    # An asserted triple wins over the same triple inferred again from elsewhere.
    rows = rows.sort_values([*key, "inferred"]).drop_duplicates(key, keep="first")
    rows = rows.merge(_evidence(claims(), relations), on=key, how="left").fillna("")
    rows["open"] = rows["open"].eq(True)
    claimed = rows["claim"] != ""
    keep = claimed | rows["inferred"]
    if as_of is not None:
        day = as_of.isoformat()
        begun = ((rows["date"] != "") & (rows["date"] <= day)) | (rows["open"] & (not dated_only))
        in_effect = begun & ((rows["end"] == "") | (rows["end"] >= day))
        keep &= ~claimed | in_effect
    if floor is not None:
        good = (rows["reliability"].str[0] <= floor[0]) & (rows["reliability"].str[1] <= floor[1])
        keep &= claimed & good
    rows = rows[keep].assign(claim=lambda frame: compact_series(frame["claim"]))
    edges = rows[[*key, "inferred"]].drop_duplicates(key).set_index(key)
    evidence = aggregate_claims(rows[rows["claim"] != ""], key).set_index(key)
    edges = edges.join(evidence).reset_index()
    texts = ["claims", "reliability", "date", "end", "dated"]
    edges[texts] = edges[texts].fillna("")
    edges["claim_count"] = edges["claim_count"].fillna(0).astype(int)
    dated_by = as_of.isoformat() if as_of is not None else "9999-12-31"
    edges["since_before"] = (edges["claim_count"] > 0) & ((edges["dated"] == "") | (edges["dated"] > dated_by))
    labels = relations.drop_duplicates("predicate").set_index("predicate")["label"]
    edges["predicate_label"] = edges["predicate"].map(labels).fillna("")
    edges["predicate"] = compact_series(edges["predicate"])
    edges["predicate_label"] = edges["predicate_label"].where(edges["predicate_label"] != "", edges["predicate"])
    return edges.sort_values(key).reset_index(drop=True)


def to_networkx(
    store: Store,
    *,
    predicates: Iterable[str] | None = None,
    inferred: bool = False,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
    types: Iterable[str] | None = None,
    dated_only: bool = False,
) -> nx.MultiDiGraph:
    """The store as a ``networkx.MultiDiGraph`` of entities and relations (see the module docstring).

    ``predicates`` and ``types`` take CURIEs (``kg:alliedWith``, ``kg:Actor``) or IRIs; edges
    whose ends are filtered out go too. Isolated entities stay, so node counts match the
    store's entities.
    """
    import networkx as nx

    # Oxigraph lets go of the GIL while it answers, so on an embedded store the claims (the largest
    # scan) are read on a second thread while the entities and edges are read and joined on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        claims = pool.submit(claims_frame, store).result if store.endpoint is None else lambda: claims_frame(store)
        nodes = nodes_frame(store, types=types)
        edges = _edges_frame(
            store,
            claims,
            predicates=predicates,
            inferred=inferred,
            as_of=as_of,
            min_reliability=min_reliability,
            dated_only=dated_only,
        )
    edges = edges[edges["source"].isin(nodes.index) & edges["target"].isin(nodes.index)]
    graph = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else "",
        inferred=inferred,
        min_reliability=min_reliability or "",
        dated_only=dated_only,
    )
    graph.add_nodes_from(zip(nodes.index.tolist(), _records(nodes), strict=True))
    attributes = _records(edges.drop(columns=["source", "target"]))
    graph.add_edges_from(
        zip(edges["source"].tolist(), edges["target"].tolist(), edges["predicate"].tolist(), attributes, strict=True)
    )
    return graph


def _records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The rows as dicts of Python values, as ``to_dict("records")`` gives them, from one ``tolist`` per
    column: ``to_dict`` boxes every cell on its own, a third of the projection's pandas time at 1M triples."""
    columns = list(table.columns)
    return [dict(zip(columns, row, strict=True)) for row in zip(*(table[c].tolist() for c in columns), strict=True)]


MEASURES = {
    "degree": "degreeCentrality",
    "betweenness": "betweennessCentrality",
    "pagerank": "pageRank",
    "eigenvector": "eigenvectorCentrality",
    "core": "coreNumber",
}
"""Columns of an analysis that :func:`save_measures` writes back, and their property in the kg ontology."""


def _measure_quads(measures: pd.DataFrame, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """One quad per entity and measure: a double, or an integer for the core number."""
    for column, local in MEASURES.items():
        if column not in measures:
            continue
        predicate = ox.NamedNode(ONTOLOGY + local)
        datatype = ox.NamedNode(XSD + ("integer" if column == "core" else "double"))
        for node, value in zip(measures.index, measures[column].tolist(), strict=True):
            literal = str(int(value)) if column == "core" else repr(float(value))
            yield ox.Quad(ox.NamedNode(node), predicate, ox.Literal(literal, datatype=datatype), graph)


def save_measures(measures: pd.DataFrame, *, path: Path | str | None = None) -> int:
    """Write per-entity measures into the store's analysis graph, replacing earlier values of the same measures.

    ``measures`` is indexed by entity IRI with columns named as in :data:`MEASURES` (others
    are ignored). The change is made on a copy of the store that goes live only when all of
    it is written (:func:`kg.store.revise`), so a failure leaves the store as it was. Other
    measures saved earlier stay; a rebuild drops them all. Returns the number of values written.
    """
    saved = [column for column in MEASURES if column in measures]
    if not saved:
        raise ParameterError(f"nothing to save: no column of {', '.join(MEASURES)}")
    graph = ox.NamedNode(ANALYSIS_GRAPH)
    with revise(path) as inner:
        for column in saved:
            predicate = ox.NamedNode(ONTOLOGY + MEASURES[column])
            for quad in list(inner.quads_for_pattern(None, predicate, None, graph)):
                inner.remove(quad)
        generated = ox.NamedNode(PROV + "generatedAtTime")
        for quad in list(inner.quads_for_pattern(graph, generated, None, graph)):
            inner.remove(quad)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        inner.add(ox.Quad(graph, generated, ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")), graph))
        quads = list(_measure_quads(measures, graph))
        inner.extend(quads)
    return len(quads)
