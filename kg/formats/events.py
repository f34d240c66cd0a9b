"""Read an event dataset file (ACLED or GDELT) into its named graph, joining names to known entities."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg import queries
from kg.errors import DataError
from kg.formats import acled, gdelt
from kg.formats.records import GraphWriter, slug
from kg.namespaces import GRAPH
from kg.queries import Runner
from kg.results import SelectResult

__all__ = ["DATASETS", "EVENT_SUFFIXES", "event_graph_id", "event_kind", "read_events"]

EVENT_SUFFIXES = {".acled.csv": "acled", ".gdelt.tsv": "gdelt"}
"""Event dataset files, by how their names end; each becomes one named graph of records."""

DATASETS = {"acled": (acled.read, "ACLED"), "gdelt": (gdelt.read, "GDELT")}
"""Each dataset's reader and the claimant name its records are attributed to."""


def event_kind(path: Path) -> str | None:
    """``acled`` or ``gdelt`` for an event dataset file, else None."""
    return next((kind for suffix, kind in EVENT_SUFFIXES.items() if path.name.lower().endswith(suffix)), None)


def event_graph_id(path: Path) -> str:
    """The graph id of an event file: ``acled-syria-2024`` for ``syria-2024.acled.csv``."""
    kind = event_kind(path)
    stem = path.name[: -len(next(s for s, k in EVENT_SUFFIXES.items() if k == kind))]
    return f"{kind}-{slug(stem)}"


def read_events(store: Runner, path: Path, kind: str, graph_id: str) -> tuple[list[ox.Quad], int]:
    """The quads of one event file and how many claims they hold; names resolve against ``store``.

    A dataset names thousands of actors and places, so names are looked up in one index read
    with a single query, not one query each. A name that several entities share, or none, gets
    the dataset's own entity; so does one that only an earlier import of this file declared.
    """
    if kind not in DATASETS:
        raise DataError(f"unknown event dataset {kind!r}; known: {', '.join(DATASETS)}")
    reader, claimant = DATASETS[kind]
    names: dict[str, set[str]] = defaultdict(set)
    rows = store.run(queries.internal_query("internal/names-by-graph"))
    assert isinstance(rows, SelectResult)
    own = GRAPH + graph_id
    for entity, name, graph in rows.rows:
        if graph.value != own:  # type: ignore[union-attr]
            names[name.value.lower()].add(entity.value)  # type: ignore[union-attr]

    def resolve(name: str) -> str | None:
        found = names.get(name.lower(), set())
        return next(iter(found)) if len(found) == 1 else None

    writer = GraphWriter(graph_id, claimant, resolve)
    try:
        quads = writer.write(reader(path))
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return quads, writer.claims
