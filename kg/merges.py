"""Recorded merges applied to a store: every write repeats the decisions ``kg merge`` recorded.

``kg merge`` records OTHER owl:sameAs KEEP in ``data/merges.trig`` (graph ``kgg:merges``). A
build applies them after loading everything; an ingest or an import applies them after writing
its graphs, since what it writes may name OTHER again (an event file's actor that was merged
into the gazetteer's), so the store they leave is the one a build of the data folder gives.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg import queries
from kg.errors import DataError
from kg.namespaces import GRAPH, OWL

__all__ = ["MERGES_GRAPH", "recorded", "smush"]

MERGES_GRAPH = GRAPH + "merges"


def smush(store: ox.Store, *, rounds: int = 10) -> int:
    """Apply every recorded merge in ``store``, chains included; returns the rounds it took."""
    for done in range(rounds):
        if not store.query(queries.internal("internal/merge-pending")):
            return done
        store.update(queries.update("merge-entities"))
    raise DataError("the merges in data/merges.trig form a cycle (A same as B, B same as A); remove one of them")


def recorded(store: ox.Store) -> set[ox.NamedNode]:
    """Both sides of every recorded merge: what applying them can change the inferences of."""
    return {
        node
        for quad in store.quads_for_pattern(None, ox.NamedNode(OWL + "sameAs"), None, ox.NamedNode(MERGES_GRAPH))
        for node in (quad.subject, quad.object)
        if isinstance(node, ox.NamedNode)
    }
