"""Materialise what the ontology implies into a graph of its own.

The rules (symmetric, inverse and transitive properties, the class and property hierarchies)
are SPARQL CONSTRUCT queries in ``queries/inference/``, driven by the ontology rather than by
a list in code, and run until nothing new appears. Their output goes to the inferred graph
only, so ``GRAPH kgg:inferred`` tells an inferred triple from an asserted one, and the
evidence for an inferred triple is the claim behind the triple it came from.
"""

from __future__ import annotations

import logging

import pyoxigraph as ox

from kg import queries
from kg.namespaces import INFERRED_GRAPH

__all__ = ["MAX_ROUNDS", "materialise"]

log = logging.getLogger(__name__)

MAX_ROUNDS = 50
"""A bound on fixpoint rounds; each round at least doubles the length of transitive chains it closes."""


def materialise(store: ox.Store) -> int:
    """Add every inferable triple to the inferred graph; return how many were added."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    rules = queries.internal_group("inference")
    total = 0
    for round_no in range(1, MAX_ROUNDS + 1):
        new: set[ox.Triple] = set()
        for name, rule in rules.items():
            found = set(store.query(rule.text, use_default_graph_as_union=True))
            log.debug("round %d rule %s: %d triples", round_no, name, len(found))
            new |= found
        if not new:
            break
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
        total += len(new)
    else:
        log.warning("inference stopped after %d rounds with triples still appearing", MAX_ROUNDS)
    return total
