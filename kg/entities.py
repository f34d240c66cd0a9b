"""Entity resolution: find entities that are probably one, and merge them for good.

Two sources naming one actor differently ("HTS", "Hayat Tahrir al-Sham", "Tahrir al-Sham")
should not split its evidence. :func:`duplicates` proposes pairs: entities linked to the same
Wikidata item, and entities whose names are near-identical once case, punctuation and the
Arabic article are set aside. :func:`merge` records the decision as ``OTHER owl:sameAs KEEP``
in ``data/merges.trig`` (graph ``kgg:merges``), so every later build repeats it, and applies it
to the store now: OTHER's statements and claims move onto KEEP, and OTHER's name becomes one
of KEEP's aliases.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import queries
from kg.errors import DataError
from kg.namespaces import ENTITY, GRAPH, OWL, compact
from kg.results import SelectResult

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["MERGES_FILE", "MERGES_GRAPH", "Duplicate", "duplicates", "merge", "normalise", "smush"]

MERGES_GRAPH = GRAPH + "merges"
MERGES_FILE = "merges.trig"
SIMILAR = 0.88
"""Name similarity (difflib ratio of normalised names) from which two entities are listed as likely one."""


@dataclass(frozen=True)
class Duplicate:
    """Two entities that are probably the same, and why."""

    first: str
    second: str
    reason: str
    score: float


def normalise(name: str) -> str:
    """A name with case, accents, punctuation and Arabic articles set aside.

    >>> normalise("Hay'at Tahrir al-Sham") == normalise("Hayat Tahrir Al Sham")
    True
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"['’`]", "", plain)
    plain = re.sub(r"\b(al|el|ad|ash|as)[- ]", "", plain)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _rows(store: Store, name: str) -> list[tuple]:
    result = store.run(queries.internal_query(name))
    assert isinstance(result, SelectResult)
    return result.rows


def duplicates(store: Store) -> list[Duplicate]:
    """Likely duplicate entities: the same Wikidata item, or near-identical names (compared within blocks
    of the same first letters, so large gazetteers stay fast)."""
    found: dict[tuple[str, str], Duplicate] = {}
    for a, b, item in _rows(store, "internal/duplicate-candidates"):
        pair = (a.value, b.value)  # type: ignore[union-attr]
        found[pair] = Duplicate(*pair, f"same Wikidata item {compact(item.value)}", 1.0)  # type: ignore[union-attr]
    kinds: dict[str, set[str]] = defaultdict(set)
    for entity, top in _rows(store, "internal/entity-kinds"):
        kinds[entity.value].add(top.value)  # type: ignore[union-attr]
    names: dict[str, set[str]] = defaultdict(set)
    for entity, _, name in _rows(store, "internal/entity-names"):
        if entity.value.startswith(ENTITY):  # type: ignore[union-attr]
            names[entity.value].add(normalise(name.value))  # type: ignore[union-attr]
    blocks: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entity, variants in names.items():
        for variant in variants:
            blocks[variant[:3]].append((entity, variant))
    for members in blocks.values():
        for i, (a, name_a) in enumerate(members):
            for b, name_b in members[i + 1 :]:
                if a == b or not kinds[a] & kinds[b]:  # a prison and its prisoners are not one
                    continue
                ratio = difflib.SequenceMatcher(None, name_a, name_b).ratio()
                pair = (min(a, b), max(a, b))
                if ratio >= SIMILAR and (pair not in found or found[pair].score < ratio):
                    found[pair] = Duplicate(*pair, f"similar names: {name_a!r} and {name_b!r}", round(ratio, 3))
    return sorted(found.values(), key=lambda d: (-d.score, d.first, d.second))


def smush(store: ox.Store, *, rounds: int = 10) -> int:
    """Apply every recorded merge in ``store``, chains included; returns the rounds it took."""
    for done in range(rounds):
        if not store.query(queries.internal("internal/merge-pending")):
            return done
        store.update(queries.update("merge-entities"))
    raise DataError("the merges in data/merges.trig form a cycle (A same as B, B same as A); remove one of them")


def merge(
    keep: str, other: str, *, store_path: Path | str | None = None, data_dir: Path | None = None
) -> tuple[str, str]:
    """Merge OTHER into KEEP: record it in the data folder and apply it to the store; returns their IRIs."""
    from kg import config, inference
    from kg.ingest.apply import local_root
    from kg.params import resolve_entity
    from kg.store import open_store, revise

    root = local_root(store_path)
    data = data_dir or config.project_root() / "data"
    store = open_store(root)
    kept, merged = resolve_entity(store, keep), resolve_entity(store, other)
    if kept == merged:
        raise DataError(f"{keep!r} and {other!r} are the same entity already")
    record = ox.Quad(merged, ox.NamedNode(OWL + "sameAs"), kept, ox.NamedNode(MERGES_GRAPH))
    path = data / MERGES_FILE
    existing = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG)) if path.exists() else []
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_bytes(
        b"# Entities merged by `kg merge`: OTHER owl:sameAs KEEP. Every build applies them.\n"
        + ox.serialize(
            list(dict.fromkeys([*existing, record])),
            format=ox.RdfFormat.TRIG,
            prefixes={"kge": ENTITY, "owl": OWL, "kgg": GRAPH},
        )
    )
    try:
        with revise(root) as writable:
            writable.add(record)
            smush(writable)
            inference.update(writable, {kept, merged})
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    staged.replace(path)
    return kept.value, merged.value
