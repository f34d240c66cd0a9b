"""Entity resolution: find entities that are probably one, and merge them for good.

Two sources naming one actor differently ("HTS", "Hayat Tahrir al-Sham", "Tahrir al-Sham")
should not split its evidence. :func:`duplicates` proposes pairs: entities linked to the same
Wikidata item, and entities whose names are near-identical once case, punctuation and the
Arabic article are set aside, unless the names or regions say they belong to different
countries ("Protesters (Iran)" and "Protesters (Iraq)"), to regimes that began in different years
("Military Forces of Syria (2000-2024)" and "(2024-)"), or to places far apart (villages of one
name in different provinces). :func:`merge` records the decision
as ``OTHER owl:sameAs KEEP`` in ``data/merges.trig`` (graph ``kgg:merges``), so every later build
repeats it, and applies it to the store now: OTHER's statements and claims move onto KEEP, and
OTHER's name becomes one of KEEP's aliases.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import merges, queries
from kg.errors import DataError
from kg.formats.names import countries_in, start_year
from kg.merges import smush
from kg.namespaces import ENTITY, GRAPH, OWL, compact
from kg.results import SelectResult

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["MERGES_FILE", "MERGES_GRAPH", "Duplicate", "duplicates", "merge", "normalise", "smush"]

MERGES_GRAPH = merges.MERGES_GRAPH
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


NAMESAKES_KM = 25.0
"""Two places of one name farther apart than this are namesakes (villages called Bani in three provinces)."""


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points.

    >>> round(_km((33.5138, 36.2765), (34.7324, 36.7137)))  # Damascus to Homs
    141
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


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
    countries: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[str]] = defaultdict(set)
    for entity, _, name in _rows(store, "internal/entity-names"):
        if entity.value.startswith(ENTITY):  # type: ignore[union-attr]
            names[entity.value].add(normalise(name.value))  # type: ignore[union-attr]
            countries[entity.value] |= countries_in(name.value)  # type: ignore[union-attr]
            if year := start_year(name.value):  # type: ignore[union-attr]
                years[entity.value].add(year)  # type: ignore[union-attr]
    for entity, region in _rows(store, "internal/entity-regions"):
        countries[entity.value] |= countries_in(region.value)  # type: ignore[union-attr]
    points = {
        entity.value: (float(lat.value), float(long.value))  # type: ignore[union-attr]
        for entity, lat, long in _rows(store, "internal/entity-points")
    }

    def apart(a: str, b: str) -> bool:
        """Different countries, regimes that began in different years, or places far apart: namesakes."""
        ca, cb, ya, yb = countries[a], countries[b], years[a], years[b]
        far = a in points and b in points and _km(points[a], points[b]) > NAMESAKES_KM
        return bool(ca and cb and not ca & cb) or bool(ya and yb and not ya & yb) or far

    blocks: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entity, variants in names.items():
        for variant in variants:
            blocks[variant[:3]].append((entity, variant))
    for members in blocks.values():
        for i, (a, name_a) in enumerate(members):
            for b, name_b in members[i + 1 :]:
                if a == b or not kinds[a] & kinds[b]:  # a prison and its prisoners are not one
                    continue
                pair = (min(a, b), max(a, b))
                if pair in found and found[pair].score >= 1.0 or apart(a, b):
                    continue
                ratio = difflib.SequenceMatcher(None, name_a, name_b).ratio()
                if ratio >= SIMILAR and (pair not in found or found[pair].score < ratio):
                    found[pair] = Duplicate(*pair, f"similar names: {name_a!r} and {name_b!r}", round(ratio, 3))
    return sorted(found.values(), key=lambda d: (-d.score, d.first, d.second))


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
