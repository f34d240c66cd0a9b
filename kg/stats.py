"""Counts that tell whether a build holds what it should: by type, by predicate, by graph."""

from __future__ import annotations

from dataclasses import dataclass

from kg import queries
from kg.results import SelectResult
from kg.store import Store

__all__ = ["Stats", "stats"]


@dataclass(frozen=True)
class Stats:
    """A store's vital counts; each table is a SELECT result from ``queries/stats/``."""

    totals: dict[str, int]
    graphs: SelectResult
    entities: SelectResult
    relations: SelectResult


def stats(store: Store) -> Stats:
    """Count quads, graphs, sources, claims, notes and entities; tabulate types, predicates and graphs."""
    group = queries.internal_group("stats")
    counts = store.run(group["claims"])
    graphs = store.run(group["graphs"])
    assert isinstance(counts, SelectResult) and isinstance(graphs, SelectResult)
    totals = {"quads": len(store), "namedGraphs": len(graphs)}
    totals |= {name: int(value) for name, value in counts.records()[0].items()}
    entities = store.run(group["entities-by-type"])
    relations = store.run(group["relations-by-predicate"])
    assert isinstance(entities, SelectResult) and isinstance(relations, SelectResult)
    return Stats(totals, graphs, entities, relations)
