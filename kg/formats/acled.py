"""ACLED exports (CSV, 31 columns) as records: who took which place, who fought whom, where and when.

Mapping of an event to relations (``event_type`` / ``sub_event_type``):

- "Non-state actor overtakes territory", "Government regains territory": actor1 ``captured`` the location
- "Non-violent transfer of territory": actor1 ``controls`` the location
- "Headquarters or base established": actor1 ``basedIn`` the location
- Battles, explosions and violence against civilians with a second actor: actor1 ``opposes`` actor2
- each associated actor is ``alliedWith`` the actor it is associated with

Actors are typed by their ``inter`` code (numeric or text); ACLED is the claimant, the row's
notes are the quote, ``time_precision`` gives the date precision, and the outlets named in
``source`` are kept as the record's citation.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from kg.errors import DataError
from kg.formats.records import Actor, Location, Record, Relation

__all__ = ["COLUMNS", "REQUIRED", "read"]

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
"""The columns of an ACLED export, in order."""

REQUIRED = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "actor2",
    "inter2",
    "location",
    "country",
    "notes",
)

INTER_CLASSES = {
    1: "MilitaryUnit",
    2: "ArmedGroup",
    3: "ArmedGroup",
    4: "ArmedGroup",
    5: "PopulationGroup",
    6: "PopulationGroup",
    7: "PopulationGroup",
    8: "Organisation",
}
INTER_NAMES = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}
TERRITORY = {
    "Non-state actor overtakes territory": "captured",
    "Government regains territory": "captured",
    "Non-violent transfer of territory": "controls",
    "Headquarters or base established": "basedIn",
}
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
PRECISION = {"1": "Day", "2": "Week", "3": "Month"}


def _date(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _actor_class(inter: str) -> str:
    code = inter.strip()
    number = int(code) if code.isdigit() else INTER_NAMES.get(code.lower(), 8)
    return INTER_CLASSES.get(number, "Organisation")


def _rows(path: Path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(line number, raw text, fields) of each data row; the raw text is the row as written."""
    with path.open(encoding="utf-8", newline="") as handle:
        buffer: list[str] = []

        def lines() -> Iterator[str]:
            for line in handle:
                buffer.append(line)
                yield line

        reader = csv.reader(lines())
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{path}: empty file; an ACLED export starts with a header row") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise DataError(
                f"{path}:1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"an ACLED export has {', '.join(COLUMNS)}"
            )
        consumed = len(buffer)  # physical lines read so far (a quoted field may span several)
        buffer.clear()
        for values in reader:
            raw = "".join(buffer).rstrip("\r\n")
            start = consumed + 1
            consumed += len(buffer)
            buffer.clear()
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise DataError(f"{path}:{start}: {len(values)} fields where the header has {len(header)}")
            yield start, raw, dict(zip(header, values, strict=True))


def _span(raw: str, notes: str) -> tuple[int, int]:
    """Where the notes stand in the raw row, as written (doubled quotes and all); the whole row if absent."""
    for written in (notes, notes.replace('"', '""')):
        start = raw.find(written) if written else -1
        if start >= 0:
            return start, start + len(written)
    return 0, len(raw)


def read(path: Path, *, dataset: str = "acled") -> Iterator[Record]:
    """The records of an ACLED export; a malformed row is an error naming the file and line."""
    for line_no, raw, row in _rows(path):
        where = f"{path}:{line_no}"
        try:
            day = _date(row["event_date"])
        except ValueError:
            raise DataError(
                f"{where}: event_date {row['event_date']!r} is not a date (YYYY-MM-DD or 07 December 2024)"
            ) from None
        notes = row["notes"].strip()
        quote = _span(raw, notes)
        regions = tuple(
            r for r in (row.get("admin3", ""), row.get("admin2", ""), row.get("admin1", ""), row["country"]) if r
        )
        try:
            latitude, longitude = float(row.get("latitude") or "nan"), float(row.get("longitude") or "nan")
        except ValueError:
            raise DataError(
                f"{where}: latitude/longitude {row.get('latitude')!r}, {row.get('longitude')!r} are not numbers"
            ) from None
        has_position = latitude == latitude and longitude == longitude  # NaN is not equal to itself
        place = Location(
            row["location"],
            "Region" if row.get("geo_precision") == "3" else "City",
            latitude if has_position else None,
            longitude if has_position else None,
            regions,
        )
        actor1 = Actor(row["actor1"].strip(), _actor_class(row["inter1"]))
        actor2 = Actor(row["actor2"].strip(), _actor_class(row["inter2"])) if row["actor2"].strip() else None
        relations = []
        if (predicate := TERRITORY.get(row["sub_event_type"])) and actor1.name:
            relations.append(Relation(actor1, predicate, place, quote))
        if row["event_type"] in VIOLENT and actor1.name and actor2:
            relations.append(Relation(actor1, "opposes", actor2, quote))
        for column, lead in (("assoc_actor_1", actor1), ("assoc_actor_2", actor2)):
            for name in filter(None, (n.strip() for n in row.get(column, "").split(";"))):
                if lead is not None and lead.name:
                    relations.append(Relation(Actor(name, lead.cls), "alliedWith", lead, quote))
        fatalities = row.get("fatalities", "").strip()
        precision = PRECISION.get(row.get("time_precision", "1").strip(), "Day")
        yield Record(
            dataset=dataset,
            identifier=row["event_id_cnty"],
            line=raw,
            title=f"ACLED {row['event_id_cnty']}: {row['sub_event_type']} in {row['location']}, {row['country']}",
            date=day,
            precision=precision,
            reliability="B2",
            reason=f"An ACLED-coded event from {row.get('source') or 'unnamed outlets'}; time precision "
            f"{row.get('time_precision') or '?'}, geo precision {row.get('geo_precision') or '?'}.",
            event_type=f"{row['event_type']} / {row['sub_event_type']}",
            location=place,
            relations=relations,
            cites=row.get("source") or None,
            fatalities=int(fatalities) if fatalities.isdigit() else None,
        )
