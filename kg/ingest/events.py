"""Read an event dataset file (ACLED or GDELT) into its named graph, joining names to known entities."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import queries
from kg.errors import DataError, ParameterError
from kg.ingest import acled, gdelt
from kg.ingest.records import GraphWriter
from kg.namespaces import GRAPH, INFERRED_GRAPH
from kg.results import SelectResult

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["DATASETS", "read_events"]

DATASETS = {"acled": (acled.read, "ACLED"), "gdelt": (gdelt.read, "GDELT")}
"""Each dataset's reader and the claimant name its records are attributed to."""


def read_events(store: Store, path: Path, kind: str, graph_id: str) -> tuple[list[ox.Quad], int]:
    """The quads of one event file and how many claims they hold; names resolve against ``store``."""
    from kg.params import resolve_entity

    if kind not in DATASETS:
        raise DataError(f"unknown event dataset {kind!r}; known: {', '.join(DATASETS)}")
    reader, claimant = DATASETS[kind]

    graph, inferred = ox.NamedNode(GRAPH + graph_id), ox.NamedNode(INFERRED_GRAPH)

    @functools.cache
    def resolve(name: str) -> str | None:
        try:
            entity = resolve_entity(store, name)
        except ParameterError:
            return None  # unknown or ambiguous: the dataset's own entity stands
        # An entity declared only by an earlier import of this very file is declared again, not borrowed.
        declared = store.run(queries.internal_query("internal/declaring-graphs"), {"entity": entity})
        assert isinstance(declared, SelectResult)
        return entity.value if any(g not in (graph, inferred) for _, g in declared.rows) else None

    writer = GraphWriter(graph_id, claimant, resolve)
    try:
        quads = writer.write(reader(path))
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return quads, writer.claims
