"""Materialise what the ontology implies into a graph of its own.

The rules (symmetric, inverse and transitive properties, the class and property hierarchies)
are SPARQL CONSTRUCT queries in ``queries/inference/``, driven by the ontology rather than by
a list in code, and run until nothing new appears. Their output goes to the inferred graph
only, so ``GRAPH kgg:inferred`` tells an inferred triple from an asserted one, and the
evidence for an inferred triple is the claim behind the triple it came from.

One rule reads across resources: a capture of a place ends other actors' holds on it
(:mod:`kg.holdings`, kept in Python because Oxigraph joins its pairs slowly). It runs once,
after the other rules have reached their fixpoint, so it sees every inferred date and alliance;
and an update re-runs it, replacing what it wrote before, for every place the change concerns (a
hold, capture or withdrawal whose claim, actor or place the change names: a new capture can end a
hold that no quad of the change mentions, but never a hold of a place it does not name).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from kg import queries, sparql
from kg.holdings import replace_holding_ends
from kg.namespaces import DCT, INFERRED_GRAPH, ONTOLOGY, OWL, PROV, RDF, RDFS

__all__ = ["MAX_ROUNDS", "READS", "Reads", "materialise", "touched_by", "update"]

log = logging.getLogger(__name__)

RDF_TYPE = RDF + "type"
Node = ox.NamedNode | ox.BlankNode

MAX_ROUNDS = 50
"""A bound on fixpoint rounds; each round at least doubles the length of transitive chains it closes."""


@dataclass(frozen=True)
class Reads:
    """What a rule reads besides the ontology, so a round reruns only the rules the last round fed.

    A rule reads triples of the ``predicates`` named, ``rdf:type`` triples of the ``classes``
    named (``any_class``: of every class), and, for a rule over ``?s ?p ?o``, the triples of the
    properties the ontology declares ``properties`` (symmetric, inverse, transitive, with a super-
    property). A ``closed`` rule's output never gives it more to find (the hierarchies are followed
    with ``+`` paths; the reverse of a symmetric or inverse triple is already there), so its own
    output does not rerun it.
    """

    predicates: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    any_class: bool = False
    properties: str | None = None
    closed: bool = True


READS: dict[str, Reads] = {
    "subclass": Reads(frozenset({RDFS + "subClassOf"}), any_class=True),
    "subproperty": Reads(frozenset({RDFS + "subPropertyOf"}), properties="subproperty"),
    "symmetric": Reads(classes=frozenset({OWL + "SymmetricProperty"}), properties="symmetric"),
    "inverse": Reads(frozenset({OWL + "inverseOf"}), properties="inverse"),
    "transitive": Reads(classes=frozenset({OWL + "TransitiveProperty"}), properties="transitive", closed=False),
    "claim-dates": Reads(
        frozenset(
            {PROV + "wasDerivedFrom", DCT + "date"}
            | {ONTOLOGY + name for name in ("eventDate", "eventStart", "estimatedDate", "effectiveDate")}
        ),
        frozenset({ONTOLOGY + "Claim"}),
    ),
    "open-start": Reads(
        frozenset({RDF + "predicate"} | {ONTOLOGY + name for name in ("eventDate", "eventStart", "openStart")}),
        frozenset({ONTOLOGY + "Claim", ONTOLOGY + "StateRelation"}),
    ),
}
"""What each rule in ``queries/inference/`` reads. A rule missing here reruns whenever a round found anything."""


def _properties(store: ox.Store) -> dict[str, set[ox.NamedNode]]:
    """The properties the ontology declares symmetric, transitive, inverse of another, or under another."""
    kind = ox.NamedNode(RDF_TYPE)

    def typed(cls: str) -> set[ox.NamedNode]:
        return {q.subject for q in store.quads_for_pattern(None, kind, ox.NamedNode(OWL + cls))}  # type: ignore[misc]

    inverse = list(store.quads_for_pattern(None, ox.NamedNode(OWL + "inverseOf"), None))
    return {
        "symmetric": typed("SymmetricProperty"),
        "transitive": typed("TransitiveProperty"),
        "subproperty": {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "subPropertyOf"), None)},  # type: ignore[misc]
        "inverse": {q.subject for q in inverse} | {q.object for q in inverse},  # type: ignore[misc]
    }


Summary = tuple[set[ox.NamedNode], set[ox.NamedNode]]
"""What one rule found in a round: the predicates of its triples, and the classes of its rdf:type triples."""


def _summary(triples: set[ox.Triple]) -> Summary:
    kind = ox.NamedNode(RDF_TYPE)
    predicates = {t.predicate for t in triples}
    classes = {t.object for t in triples if t.predicate == kind} if kind in predicates else set()
    return predicates, classes  # type: ignore[return-value]


_PREDICATE = re.compile(rb"^<[^>]*> <([^>]*)> ", re.MULTILINE)
_TYPED = re.compile(rb"^<[^>]*> <" + re.escape(RDF_TYPE.encode()) + rb"> (.*) \.$", re.MULTILINE)


def _summary_of(ntriples: bytes) -> Summary:
    """:func:`_summary` of a rule's output as Oxigraph writes it in N-Triples, without a Python object per triple.

    Every subject is an IRI here (output naming a blank node is never read this way: see :func:`_round`);
    output with a line the patterns do not read (a triple term, say) is parsed whole instead.

    >>> t = b'<http://e/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> .\\n'
    >>> sorted(map(str, _summary_of(t)[0])), sorted(map(str, _summary_of(t)[1]))
    (['<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>'], ['<http://e/C>'])
    """
    found = _PREDICATE.findall(ntriples)
    if len(found) != ntriples.count(b"\n"):
        return _summary(set(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)))  # type: ignore[arg-type]
    predicates = {ox.NamedNode(iri.decode()) for iri in set(found)}
    if ox.NamedNode(RDF_TYPE) not in predicates:
        return predicates, set()
    objects = set(_TYPED.findall(ntriples))
    classes = {ox.NamedNode(o[1:-1].decode()) for o in objects if o.startswith(b"<")}
    others = [o for o in objects if not o.startswith(b"<")]  # a literal typed as a class: parsed as what it is
    if others:
        lines = b"".join(b"<urn:x> <urn:y> " + o + b" .\n" for o in others)
        classes |= {t.object for t in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)}  # type: ignore[misc]
    return predicates, classes


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    """How many triples ``graph`` holds, counted inside Oxigraph (as Python quads: 0.18 s for 128k)."""
    rows = store.query(queries.internal("internal/graph-size"), substitutions={ox.Variable("graph"): graph})
    row = next(iter(rows), None)  # an empty graph: no group, no row
    return int(row["quads"].value) if row else 0


def _round(
    store: ox.Store, pool: ThreadPoolExecutor, rules: dict[str, queries.SavedQuery], graph: ox.NamedNode
) -> tuple[dict[str, Summary], int]:
    """Run ``rules`` side by side over what ``store`` holds now, then add what they found to ``graph``; return
    what each rule found (:data:`Summary`) and how many triples were new.

    Each rule's output stays in Oxigraph's N-Triples and is bulk-loaded into the graph: made into
    Python objects, set, made into quads and added, it took 0.45 s more of CPU at a million quads
    (96k triples: 0.99 against 0.87 s to run the rules, 0.72 against 0.40 s to add them). A bulk
    load names blank nodes afresh, though, so a round whose output names one is run again and
    added as Python terms, as before. Every rule leaves out what the store holds already (the
    triple itself, or for a claim's date or open start any value), so the graph grows by exactly
    the new triples.
    """

    def written(rule: queries.SavedQuery) -> bytes:
        return store.query(rule.text, use_default_graph_as_union=True).serialize(format=ox.RdfFormat.N_TRIPLES)

    found = dict(zip(rules, pool.map(written, rules.values()), strict=True))
    for name, output in found.items():
        log.debug("rule %s: %d triples", name, output.count(b"\n"))
    if any(b"_:" in output for output in found.values()):  # a blank node (or a literal holding "_:")

        def triples(rule: queries.SavedQuery) -> set[ox.Triple]:
            return set(store.query(rule.text, use_default_graph_as_union=True))

        named = dict(zip(rules, pool.map(triples, rules.values()), strict=True))
        new: set[ox.Triple] = set().union(*named.values())
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
        return {name: _summary(output) for name, output in named.items()}, len(new)
    before = _count(store, graph)
    for output in found.values():
        if output:
            store.bulk_load(output, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    return {name: _summary_of(output) for name, output in found.items()}, _count(store, graph) - before


def _fed(name: str, found: dict[str, Summary], properties: dict[str, set[ox.NamedNode]]) -> bool:
    """Whether what the rules found in the last round (by rule) gives rule ``name`` anything new to read."""
    reads = READS.get(name)
    if reads is None:
        return any(predicates for predicates, _ in found.values())
    predicates = {ox.NamedNode(iri) for iri in reads.predicates} | properties.get(reads.properties or "", set())
    classes = {ox.NamedNode(iri) for iri in reads.classes}
    for rule, (their_predicates, their_classes) in found.items():
        if rule == name and reads.closed:
            continue
        if their_predicates & predicates or their_classes & classes or (reads.any_class and their_classes):
            return True
    return False


def materialise(store: ox.Store, *, holds: bool = True) -> int:
    """Add every inferable triple to the inferred graph; return how many were added.

    ``holds=False`` leaves out the ends of holds (:mod:`kg.holdings`), for a partial copy of the
    store where that rule would see only part of what it needs. Rounds run until nothing new
    appears, each running only the rules the last one fed (:data:`READS`): on kg's data the first
    round finds everything, and the check that a second would find nothing costs no query (it
    cost 0.58 s at a million triples as a round).
    """
    graph = ox.NamedNode(INFERRED_GRAPH)
    rules = queries.internal_group("inference")
    total = 0
    pending = list(rules)
    # The rules of a round only read, and Oxigraph lets go of the GIL while it evaluates: run them side by side
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="kg-infer") as pool:
        for round_no in range(1, MAX_ROUNDS + 1):
            summaries, new = _round(store, pool, {name: rules[name] for name in pending}, graph)
            log.debug("round %d: %d new triples from %s", round_no, new, ", ".join(pending))
            if not new:
                break
            total += new
            properties = _properties(store)
            pending = [name for name in rules if _fed(name, summaries, properties)]
            if not pending:
                break
        else:
            log.warning("inference stopped after %d rounds with triples still appearing", MAX_ROUNDS)
    if holds:
        total += replace_holding_ends(store)
    return total


def touched_by(quads: Iterable[ox.Quad]) -> set[Node]:
    """The resources whose inferences added or removed ``quads`` can change: their subjects and objects,
    except the classes they type things with (typing x as a C changes what follows about x, not about C).

    >>> q = ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode(RDF_TYPE), ox.NamedNode("http://e/C"))
    >>> sorted(str(node) for node in touched_by([q]))
    ['<http://e/x>']
    """
    kind = ox.NamedNode(RDF_TYPE)
    nodes: set[Node] = set()
    for quad in quads:
        nodes.add(quad.subject)  # type: ignore[arg-type]
        if isinstance(quad.object, ox.NamedNode | ox.BlankNode) and quad.predicate != kind:
            nodes.add(quad.object)
    return nodes


def update(store: ox.Store, touched: Iterable[Node]) -> tuple[int, int]:
    """Bring the inferred graph up to date after some quads mentioning ``touched`` changed.

    Deletion and rederivation: every inferred triple about a touched resource, or about a place
    or body linked to one through a transitive relation, is deleted; then the rules run again,
    over the part of the store that change can reach (see :func:`_reach`) copied into memory,
    and what they find is written back. Only the neighbourhood of the change is deleted, which
    matters because deleting from an on-disk store costs far more per quad than adding; and only
    its neighbourhood is re-inferred, which matters because a full pass over a million quads on
    disk takes seconds (7 s at 1M, against well under one for the neighbourhood of an article).
    Returns (re-derived, removed).
    """
    graph = ox.NamedNode(INFERRED_GRAPH)
    # Terms of the ontology (every class and relation a quad names) are not data; ingest never changes them
    nodes = {node for node in touched if not (isinstance(node, ox.NamedNode) and node.value.startswith(ONTOLOGY))}
    seeds = sorted((node for node in nodes if isinstance(node, ox.NamedNode)), key=lambda n: n.value)
    if not nodes:
        return materialise(store), 0
    affected: set[Node] = set(nodes)
    if seeds:
        affected_query = queries.internal("internal/transitive-neighbourhood")
        rows = store.query(sparql.bind_column(affected_query, "seed", seeds), use_default_graph_as_union=True)
        affected |= {row["node"] for row in rows}
    # A claim's date follows from its source's (claim-dates): a claim and its source are derived again together,
    # whichever of the two the change named (a re-import that changes a source's date or a claim alone)
    derived = ox.NamedNode(PROV + "wasDerivedFrom")
    affected |= {q.object for node in list(affected) for q in store.quads_for_pattern(node, derived, None)}  # type: ignore[misc]
    affected |= {q.subject for node in list(affected) for q in store.quads_for_pattern(None, derived, node)}  # type: ignore[misc]
    stale = {q for node in affected for q in store.quads_for_pattern(node, None, None, graph)}
    stale |= {q for node in affected for q in store.quads_for_pattern(None, None, node, graph)}
    for quad in stale:
        store.remove(quad)
    part = _reach(store, affected)
    known = set(part.quads_for_pattern(None, None, None, graph))
    materialise(part, holds=False)
    found = [quad for quad in part.quads_for_pattern(None, None, None, graph) if quad not in known]
    store.extend(found)
    return len(found) + replace_holding_ends(store, affected), len(stale)


def _reach(store: ox.Store, affected: set[Node]) -> ox.Store:
    """An in-memory copy of what the inferences about ``affected`` resources follow from.

    That is the ontology (the default graph: the class and property hierarchies, which
    properties are symmetric, inverse or transitive); every quad about an affected resource, as
    subject or object, that a rule reads (:func:`_read`: a claim's rdf:subject or an event's
    actor, which no rule reads, are most of the quads that lead to a busy actor or place); and
    the transitive-relation quads of the resources one such step away from an affected one.
    Their chains were left closed (they are not affected), so one step more is all the transitive
    rule needs to rebuild the affected resources' closure. Each rule joins only through the
    resource it is about, but for a claim's date, read through its source: :func:`update` makes a
    claim's source and a source's claims affected with it, so both sides' quads are here; the
    tests compare the result with a full build's.
    """
    part = ox.Store()
    part.bulk_extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    transitive = {
        quad.subject
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "TransitiveProperty"))
    }
    read = _read(store)
    looked_up = [n for n in affected if isinstance(n, ox.NamedNode)] if read is not None else []
    own = _about(store, sorted(looked_up, key=lambda n: n.value), read) if looked_up else []
    for node in affected.difference(looked_up):  # blank nodes (a quote's selectors) are no query's constants
        own += [*store.quads_for_pattern(node, None, None), *store.quads_for_pattern(None, None, node)]
    part.bulk_extend(own)
    around = {end for q in own if q.predicate in transitive for end in (q.subject, q.object)} - affected
    for node in around:
        for relation in transitive:
            part.bulk_extend(store.quads_for_pattern(node, relation, None))  # type: ignore[arg-type]
            part.bulk_extend(store.quads_for_pattern(None, relation, node))  # type: ignore[arg-type]
    return part


def _read(store: ox.Store) -> list[ox.NamedNode] | None:
    """The predicates of every triple a rule reads (:data:`READS`: those it names, and the properties the ontology
    declares symmetric, inverse, transitive or under another), with rdf:type; None when a rule is not in READS,
    so what it reads is unknown."""
    rules = queries.internal_group("inference")
    if any(name not in READS for name in rules):
        return None
    properties = _properties(store)
    read = {ox.NamedNode(RDF_TYPE)}
    for name in rules:
        reads = READS[name]
        read |= {ox.NamedNode(iri) for iri in reads.predicates} | properties.get(reads.properties or "", set())
    return sorted(read, key=lambda n: n.value)


def _about(store: ox.Store, nodes: list[ox.NamedNode], read: list[ox.NamedNode]) -> list[ox.Quad]:
    """The quads of named graphs with one of ``nodes`` as subject or object and one of ``read`` as predicate.

    The default graph (the ontology) is copied whole by :func:`_reach`.
    """
    found = []
    for name, columns in (("reach-from", ("node", "p", "o")), ("reach-to", ("s", "p", "node"))):
        text = sparql.bind_column(sparql.fill_in(queries.internal(f"internal/{name}"), "p", read), "node", nodes)
        found += [ox.Quad(*(row[c] for c in columns), row["g"]) for row in store.query(text)]  # type: ignore[misc]
    return found
