"""ACLED exports as records: who took which place, who fought whom, where and when.

Layouts read (columns are found by name, in any order and case; unknown columns are kept in
the row's text and otherwise ignored):

- the current export (31 columns: ``event_id_cnty``, ``disorder_type``, ``civilian_targeting``,
  ``inter1`` as text such as "State forces", ``tags``, ``timestamp`` ...);
- the 2020 layout (``data_id``, ``iso``, ``event_id_no_cnty``, ``region``, ``source_scale``,
  ``timestamp``, ``iso3``), as the API and the export tool wrote it;
- the older layouts up to 2019, in capitals (``GWNO``, ``EVENT_ID_CNTY``, ``ALLY_ACTOR_1``,
  ``INTER1``; no sub-event type, event types such as "Battle-Government regains territory"),
  often Windows-1252 with CRLF line ends, zipped; and API output saved by pandas (an unnamed
  index column first, ``ally_actor_1``, ``data_id``).

Dates as ACLED has written them: ``2024-12-08``, ``08 December 2024``, ``8-Dec-24``,
``01-January-2015`` and ``08/12/2024`` (day first, as ACLED writes it; a file whose slashed
dates can only be month first is read so). Commas, semicolons or tabs separate the fields,
as the first row shows; a semicolon file may write decimal commas in coordinates.

What each event becomes, by ACLED's event types and sub-event types (the codebook's names).
Relations need armed or state actors on both sides: "armed" is ACLED's inter codes 1 (state
forces), 2 (rebel groups), 3 (political militias), 4 (identity militias) and 8
(external/other forces); 5 (rioters), 6 (protesters) and 7 (civilians) are not parties to a
fight but people acting or acted upon. Actors ACLED calls "Unidentified ..." stand for many
different groups under one name, so they take part in records but in no relation.

- **Battles** (a violent clash between two organised armed groups):
  "Armed clash": actor1 ``opposes`` actor2; "Government regains territory" and "Non-state
  actor overtakes territory" (control of a location changes hands by force): actor1
  ``captured`` the location, and ``opposes`` actor2.
- **Explosions/Remote violence** (one-sided violence at a distance): "Air/drone strike":
  actor1 ``struckFromAir`` actor2, or the location when actor2 is unnamed; "Shelling/
  artillery/missile attack": ``shelled``; "Chemical weapon", "Suicide bomb", "Remote
  explosive/landmine/IED", "Grenade": ``attacked``; and actor1 ``opposes`` actor2 when both
  are armed.
- **Violence against civilians** ("Sexual violence", "Attack", "Abduction/forced
  disappearance": armed actors against unarmed non-combatants): "Attack": actor1
  ``attacked`` the civilians (or the location); never ``opposes`` (civilians are not a side);
  the record keeps who, where, when and how many died.
- **Protests** ("Peaceful protest", "Protest with intervention", "Excessive force against
  protesters") and **Riots** ("Violent demonstration", "Mob violence"): records only.
- **Strategic developments** (non-violent, contextually important events): "Headquarters or
  base established": actor1 ``basedIn`` the location; "Non-violent transfer of territory"
  (control changes hands without a fight): actor1 ``controls`` the location; "Agreement",
  "Arrests", "Change to group/activity", "Disrupted weapons use", "Looting/property
  destruction", "Other": records only, but "Agreement" between two identified actors is
  actor1 ``negotiatedWith`` actor2.
- **Associated actors** (``assoc_actor_1``/``2``, earlier ``ALLY_ACTOR_1``/``2``) act alongside
  the main actor; for civilians, protesters and rioters they say who those people are (an
  ethnic group, teachers, a party's supporters), which is not an alliance. An associated
  actor is ``alliedWith`` its main actor only when both are armed (the associated actor as
  ACLED codes it wherever it appears as a main actor in the files read, else by its name:
  "Military Forces of", "Police Forces of", "Militia"); other associations become no relation.

Older event types are read as the current ones ("Battle-No change of territory" as an armed
clash, "Remote violence" as explosions/remote violence, "Riots/Protests" as riots or protests
by actor1's inter code, "Strategic development", "Non-violent transfer of territory" and
"Headquarters or base established" as strategic developments); an event type kg does not know
gives a record without relations.

Every event keeps its place (``location``; one place per name, ``admin1`` and ``country``, which
are its regions, so namesakes in different provinces stay apart), the row's latitude and
longitude, and ``geo_precision`` (1: the place itself, 2: near it or part of the area around
it, 3: only the region, its capital standing for it).
Actors are typed by their inter code (numeric or text) and name; ACLED is the claimant (B2),
the row's notes are the quote, ``time_precision`` gives the date precision (1 day, 2 week, 3
month), the outlets named in ``source`` are the record's citation, and ``timestamp`` (when
ACLED last changed the event) its version.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DataError
from kg.formats import textfile
from kg.formats.names import identity, join_key
from kg.formats.records import Actor, Location, Record, Relation

__all__ = ["ALIASES", "COLUMNS", "REQUIRED", "date_order", "inter_codes", "parse", "read", "relate"]

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
"""The columns of a current ACLED export, in order."""

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "location", "notes")
"""The columns an ACLED file must have, in any layout."""

ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
"""Older column names, as the current ones."""

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
ARMED = frozenset({1, 2, 3, 4, 8})
"""Inter codes of organised armed actors: state forces, rebels, militias, external/other forces."""

TERRITORY = {
    "non-state actor overtakes territory": "captured",
    "government regains territory": "captured",
    "non-violent transfer of territory": "controls",
    "headquarters or base established": "basedIn",
}
FIGHTS = {"battles", "explosions/remote violence"}
STRIKES = {
    "air/drone strike": "struckFromAir",
    "shelling/artillery/missile attack": "shelled",
    "remote explosive/landmine/ied": "attacked",
    "suicide bomb": "attacked",
    "grenade": "attacked",
    "chemical weapon": "attacked",
    "attack": "attacked",
}
"""One-sided violence by sub-event type: actor1 did this to actor2, or to the location when actor2 is
unnamed or not identified (each is the sub-event type the ontology names, ``kg:acledSubEventType``)."""
TALKS = {"agreement": "negotiatedWith"}
"""Strategic developments between two identified actors."""
OLD_TYPES = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": ("Battles", "Non-state actor overtakes territory"),
    "battle-non-state actors overtake territory": ("Battles", "Non-state actor overtakes territory"),
    "remote violence": ("Explosions/Remote violence", ""),
    "violence against civilians": ("Violence against civilians", ""),
    "strategic development": ("Strategic developments", ""),
    "non-violent transfer of territory": ("Strategic developments", "Non-violent transfer of territory"),
    "headquarters or base established": ("Strategic developments", "Headquarters or base established"),
}
EVENT_TYPES = frozenset(
    {
        "battles",
        "explosions/remote violence",
        "violence against civilians",
        "protests",
        "riots",
        "strategic developments",
    }
)
PRECISION = {"1": "Day", "2": "Week", "3": "Month"}
GEO_PRECISION = {"1": "AtPlace", "2": "NearPlace", "3": "RegionLevel"}

_ARMED_NAME = re.compile(
    r"\b(?:Military|Militias?|Army|Forces|Brigades?|Battalions?|Armed|Guards?|Rebels?|Insurgents?|Mujahideen)\b", re.I
)
_STATE_NAME = re.compile(r"^(?:Military|Police|Naval|Air) Forces of\b", re.I)
_GOVERNMENT_NAME = re.compile(r"^Government of\b", re.I)
_PEOPLE_NAME = re.compile(
    r"^(?:Civilians|Protesters|Rioters)\b|\b(?:Ethnic|Religious|Muslim|Christian|Labou?r|Women|Students?|Teachers?"
    r"|Health Workers|Journalists?|Farmers?|Refugees|IDPs|Prisoners?|Lawyers?|Pastoralists?)\b",
    re.I,
)
_MONTH_FIRST_FORMATS = ("%m/%d/%Y", "%m/%d/%y")
_DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d/%m/%y")
_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%b-%y", "%d-%B-%y", "%B %d, %Y")


@dataclass(frozen=True)
class Coding:
    """How ACLED coded one event: what :func:`relate` needs once every file of the dataset is read."""

    event_type: str
    """The current event type ("Battles"), whichever layout the row is in."""
    sub_event_type: str
    """The current sub-event type ("Armed clash"), or "" when an older layout does not say."""
    actor1: str
    inter1: int | None
    actor2: str
    inter2: int | None
    associated1: tuple[str, ...]
    associated2: tuple[str, ...]
    quote: tuple[int, int]


def _inter(value: str) -> int | None:
    code = value.strip()
    if code.isdigit():
        return int(code) if int(code) in INTER_CLASSES else None
    return INTER_NAMES.get(code.lower())


def _actor_class(name: str, inter: int | None) -> str:
    if _GOVERNMENT_NAME.search(name):
        return "Government"
    if _STATE_NAME.search(name):
        return "MilitaryUnit"
    if inter is not None:
        return INTER_CLASSES[inter]
    if _ARMED_NAME.search(name):
        return "ArmedGroup"
    return "PopulationGroup" if _PEOPLE_NAME.search(name) else "Organisation"


def _category(event_type: str, sub_event_type: str, inter1: int | None) -> tuple[str, str]:
    """The current event and sub-event type of a row in any layout."""
    lower = event_type.strip().lower()
    if lower in OLD_TYPES:
        return OLD_TYPES[lower]
    if lower == "riots/protests":
        return ("Riots" if inter1 == 5 else "Protests", "")
    return event_type.strip(), sub_event_type.strip()


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _rows(lines: Iterable[str], name: str) -> Iterator[tuple[int, str, list[str], list[str], str]]:
    """(line number, raw text, header, fields, delimiter) of each data row; the raw text is the row as written."""
    handle = iter(lines)
    buffer: list[str] = []
    first = next(handle, "")

    def read() -> Iterator[str]:
        for line in itertools.chain([first] if first else [], handle):
            buffer.append(line)
            yield line

    delimiter = _delimiter(first.split("\n", 1)[0])
    reader = csv.reader(read(), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{name}: empty file; an ACLED export starts with a row naming its columns") from None
    except csv.Error as exc:
        raise DataError(f"{name}:1: not CSV: {exc}") from None
    consumed = len(buffer)
    buffer.clear()
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(
                f"{name}:{consumed + 1}: not CSV: {exc} (a quote left open, or a stray NUL byte?)"
            ) from None
        raw = "".join(buffer).rstrip("\r\n")
        start = consumed + 1
        consumed += len(buffer)
        buffer.clear()
        yield start, raw, header, values, delimiter


def _header(header: list[str], name: str) -> dict[str, int]:
    """Column name -> index, names normalised (case, BOM, older names); refuses a file that is not ACLED's."""
    if len(header) in (57, 58, 61) and header[0].strip().isdigit():
        raise DataError(f"{name}: a GDELT event file, not an ACLED export; import it with `kg import gdelt`")
    columns: dict[str, int] = {}
    for index, column in enumerate(header):
        key = column.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")
        key = ALIASES.get(key, key)
        if not key or key.startswith("unnamed:"):
            continue
        if key in columns:
            raise DataError(f"{name}:1: column {key!r} appears twice (columns {columns[key] + 1} and {index + 1})")
        columns[key] = index
    missing = [c for c in REQUIRED if c not in columns]
    if not missing:
        return columns
    if "globaleventid" in columns:
        raise DataError(f"{name}: a GDELT event file, not an ACLED export; import it with `kg import gdelt`")
    known = {*COLUMNS, *ALIASES, "gwno", "event_id_no_cnty", "data_id", "iso3"}
    unknown = [c for c in header if c.strip() and c.strip().lstrip("\ufeff").lower() not in known]
    if unknown:
        listed = ", ".join(repr(c) for c in unknown[:6]) + (", ..." if len(unknown) > 6 else "")
        found = f"of which kg does not know {listed}"
    else:
        found = ", ".join(repr(c) for c in header[:8]) + (", ..." if len(header) > 8 else "")
    raise DataError(
        f"{name}:1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; an ACLED export names "
        f"its columns in its first row, in any order and case, among them {', '.join(REQUIRED)}; "
        f"this file's first row has {len(header)} field{'s' if len(header) != 1 else ''}, {found}"
    )


def _slash_order(rows: Iterable[tuple[int, str]], name: str) -> tuple[str, ...]:
    """Day first (as ACLED writes 08/12/2024) unless some date can only be month first; both at once is an error."""
    day_first = month_first = None
    for line_no, value in rows:
        parts = value.strip().split("/")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            continue
        if int(parts[0]) > 12 and day_first is None:
            day_first = (line_no, value)
        if int(parts[1]) > 12 and month_first is None:
            month_first = (line_no, value)
    if day_first and month_first:
        raise DataError(
            f"{name}:{month_first[0]}: event_date {month_first[1]!r} is month first, but line {day_first[0]} has "
            f"{day_first[1]!r}, day first; a file's dates must be written one way"
        )
    return _MONTH_FIRST_FORMATS if month_first else _DAY_FIRST_FORMATS


@functools.lru_cache(maxsize=65_536)
def _date(value: str, slashed: tuple[str, ...]) -> dt.date:
    """The date ``value`` writes. Cached: an export repeats a few thousand dates over its rows, and
    ``strptime`` of each was a fifth of reading the file."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", text):  # pandas' datetimes
        text = text[:10]
    for pattern in (*_FORMATS, *slashed):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _coordinate(value: str, column: str, where: str, delimiter: str, limit: float) -> float | None:
    text = value.strip()
    if not text:
        return None
    if delimiter == ";":
        text = text.replace(",", ".")  # a semicolon file from a locale that writes decimal commas
    try:
        number = float(text)
    except ValueError:
        raise DataError(f"{where}: {column} {value!r} is not a number") from None
    if not -limit <= number <= limit:
        raise DataError(f"{where}: {column} {value!r} is out of range (-{limit:g} to {limit:g})")
    return number


def _span(raw: str, notes: str) -> tuple[int, int]:
    """Where the notes stand in the raw row, as written (doubled quotes and all); the whole row if absent."""
    for written in (notes, notes.replace('"', '""')):
        start = raw.find(written) if written else -1
        if start >= 0:
            return start, start + len(written)
    return 0, len(raw)


Lines = str | Callable[[], Iterable[str]]
"""A file's text, or a function giving its lines afresh (:meth:`kg.formats.textfile.Source.lines`) for one too
big to hold."""


def _opener(text: Lines) -> Callable[[], Iterable[str]]:
    return (lambda: io.StringIO(text, newline="")) if isinstance(text, str) else text


def date_order(text: Lines, *, name: str) -> tuple[str, ...]:
    """How the file's slashed dates read (day or month first), from every row: a pass of its own over a large file."""
    rows = _rows(_opener(text)(), name)
    first = next(rows, None)
    if first is None:
        return _DAY_FIRST_FORMATS
    columns = _header(first[2], name)
    width = len(first[2])
    index = columns["event_date"]
    dates = (
        (line_no, values[index].strip())
        for line_no, _, _, values, _ in itertools.chain([first], rows)
        if len(values) == width and any(v.strip() for v in values)
    )
    return _slash_order(dates, name)


def parse(
    text: Lines, *, name: str, file: str = "", dataset: str = "acled", slashed: tuple[str, ...] | None = None
) -> Iterator[Record]:
    """The events of an ACLED file's text, as records with their coding and no relations yet (see :func:`relate`).

    ``name`` is how messages name the file; ``file`` is its name in the data folder. Rows are
    read as they come, never all at once; ``slashed`` is :func:`date_order` when the caller
    already has it (else it is found first, a pass of its own).
    """
    lines = _opener(text)
    rows = _rows(lines(), name)
    first = next(rows, None)
    if first is None:
        raise DataError(f"{name}: a header and no events; nothing to import")
    columns = _header(first[2], name)
    width = len(first[2])
    if slashed is None:
        slashed = date_order(lines, name=name)

    def value(values: list[str], column: str) -> str:
        index = columns.get(column)
        return values[index].strip() if index is not None and index < len(values) else ""

    events = 0
    for line_no, raw, _, values, delimiter in itertools.chain([first], rows):
        if not any(v.strip() for v in values):
            continue
        events += 1
        where = f"{name}:{line_no}"
        if len(values) != width:
            raise DataError(
                f"{where}: {len(values)} fields where the header has {width} "
                "(a quote left open, or the file cut short?)"
            )
        identifier = value(values, "event_id_cnty")
        if not identifier and value(values, "data_id"):
            identifier = f"data_id-{value(values, 'data_id')}"  # ACLED's row id, where it left the event id out
        if not identifier:
            raise DataError(f"{where}: event_id_cnty (column {columns['event_id_cnty'] + 1}) is empty")
        try:
            day = _date(value(values, "event_date"), slashed)
        except ValueError:
            raise DataError(
                f"{where}: event_date (column {columns['event_date'] + 1}) {value(values, 'event_date')!r} is not a "
                "date; ACLED writes 2024-12-08, 08 December 2024, 8-Dec-24 or 08/12/2024"
            ) from None
        notes = value(values, "notes")
        quote = _span(raw, notes)
        country = value(values, "country")
        # the areas that tell the place from its namesakes (lower ones vary between exports; the row keeps them)
        regions = tuple(r for r in (value(values, "admin1"), country) if r)
        latitude = _coordinate(value(values, "latitude"), "latitude", where, delimiter, 90)
        longitude = _coordinate(value(values, "longitude"), "longitude", where, delimiter, 180)
        has_position = latitude is not None and longitude is not None
        location_name = value(values, "location")
        place = (
            Location(
                location_name,
                "City",
                latitude if has_position else None,
                longitude if has_position else None,
                regions,
                key="|".join(join_key(p) for p in (location_name, value(values, "admin1"), country)),
                precision=GEO_PRECISION.get(value(values, "geo_precision")),
            )
            if location_name
            else None
        )
        inter1, inter2 = _inter(value(values, "inter1")), _inter(value(values, "inter2"))
        event_type, sub_event_type = _category(value(values, "event_type"), value(values, "sub_event_type"), inter1)
        actor1, actor2 = value(values, "actor1"), value(values, "actor2")
        associated1 = tuple(filter(None, (n.strip() for n in value(values, "assoc_actor_1").split(";"))))
        associated2 = tuple(filter(None, (n.strip() for n in value(values, "assoc_actor_2").split(";"))))
        fatalities = value(values, "fatalities")
        stamp = value(values, "timestamp")
        precision_code = value(values, "time_precision")
        geo_code = value(values, "geo_precision")
        written_type = value(values, "event_type")
        written_sub = value(values, "sub_event_type")
        yield Record(
            dataset=dataset,
            identifier=identifier,
            line=raw,
            title=f"ACLED {identifier}: {written_sub or written_type} in {location_name or 'an unnamed place'}"
            + (f", {country}" if country else ""),
            date=day,
            precision=PRECISION.get(precision_code, "Day"),
            reliability="B2",
            reason=f"An ACLED-coded event from {value(values, 'source') or 'unnamed outlets'}; time precision "
            f"{precision_code or '?'}, geo precision {geo_code or '?'}.",
            event_type=f"{written_type} / {written_sub}" if written_sub else written_type,
            location=place,
            cites=value(values, "source") or None,
            fatalities=int(fatalities) if fatalities.isdigit() else None,
            version=int(stamp) if stamp.isdigit() else None,
            version_text=stamp if stamp.isdigit() else None,
            file=file or name,
            line_no=line_no,
            fingerprint=(
                day,
                event_type.lower(),
                sub_event_type.lower(),
                actor1,
                associated1,
                actor2,
                associated2,
                location_name,
                latitude,
                longitude,
                fatalities,
                notes,
            ),
            coding=Coding(event_type, sub_event_type, actor1, inter1, actor2, inter2, associated1, associated2, quote),
        )
    if not events:
        raise DataError(f"{name}: a header and no events; nothing to import")


def _identified(name: str) -> bool:
    return bool(name) and not name.lower().startswith("unidentified")


def inter_codes(record: Record) -> tuple[tuple[str, int], ...]:
    """The inter codes a row gives its main actors, by actor identity: what :func:`relate` gathers from every row."""
    coding: Coding = record.coding
    return tuple(
        (identity(actor), inter)
        for actor, inter in ((coding.actor1, coding.inter1), (coding.actor2, coding.inter2))
        if actor and inter is not None
    )


def relate(
    records: Iterable[Record],
    known_armed: Callable[[str], bool | None] | None = None,
    codes: Mapping[str, set[int]] | None = None,
) -> None:
    """Fill in each record's actors and relations, knowing every actor's inter code across ``records``
    (or across the dataset: ``codes``, gathered with :func:`inter_codes`, for records relating a few at a time).

    An associated actor has no inter code of its own in its row; it has one wherever it is a
    main actor, which is why relating waits until every file of the dataset has been read.
    Failing that, ``known_armed`` says whether the known entity a name joins is an armed or
    state actor (None: it joins none), and failing that the name does.
    """
    if codes is None:
        records = list(records)
        codes = defaultdict(set)
        for record in records:
            for name, inter in inter_codes(record):
                codes[name].add(inter)

    def code_of(name: str, inter: int | None = None) -> int | None:
        """The row's own code, else the lowest code the actor has anywhere (armed before unarmed)."""
        return inter if inter is not None else min(codes.get(identity(name), ()), default=None)  # type: ignore[union-attr]

    def armed(name: str, inter: int | None = None) -> bool:
        if inter is not None:
            return inter in ARMED
        if identity(name) in codes:
            return bool(codes[identity(name)] & ARMED)
        known = known_armed(name) if known_armed else None
        return known if known is not None else bool(_ARMED_NAME.search(name))

    def actor(name: str, inter: int | None = None) -> Actor:
        return Actor(name, _actor_class(name, code_of(name, inter)))

    for record in records:
        coding = record.coding
        main1 = actor(coding.actor1, coding.inter1) if coding.actor1 else None
        main2 = actor(coding.actor2, coding.inter2) if coding.actor2 else None
        record.actors = [
            a
            for a in (
                main1,
                *(actor(n) for n in coding.associated1),
                main2,
                *(actor(n) for n in coding.associated2),
            )
            if a is not None
        ]
        relations: list[Relation] = []
        quote = coding.quote
        event_type, sub_event_type = coding.event_type.lower(), coding.sub_event_type.lower()
        if event_type not in EVENT_TYPES:
            record.relations = relations
            continue
        place = record.location
        one = main1 if main1 and _identified(main1.name) else None
        two = main2 if main2 and _identified(main2.name) else None
        if one and place and (predicate := TERRITORY.get(sub_event_type)):
            relations.append(Relation(one, predicate, place, quote))
        if one and (predicate := STRIKES.get(sub_event_type)) and (two or place):
            relations.append(Relation(one, predicate, two or place, quote))
        if one and two and (predicate := TALKS.get(sub_event_type)):
            relations.append(Relation(one, predicate, two, quote))
        if (
            event_type in FIGHTS
            and one
            and two
            and armed(coding.actor1, coding.inter1)
            and armed(coding.actor2, coding.inter2)
        ):
            relations.append(Relation(one, "opposes", two, quote))
        for lead, lead_inter, associated in (
            (one, coding.inter1, coding.associated1),
            (two, coding.inter2, coding.associated2),
        ):
            if lead is None or not armed(lead.name, lead_inter):
                continue
            for name in associated:
                if _identified(name) and armed(name):
                    relations.append(Relation(actor(name), "alliedWith", lead, quote))
        record.relations = relations


def read(path: Path, *, encoding: str | None = None, name: str | None = None) -> list[Record]:
    """The records of one ACLED file, related among themselves; a malformed row is an error naming file and line."""
    shown = name or str(path)
    text = textfile.read(path, encoding=encoding, display=shown)
    records = list(parse(text.text, name=shown, file=path.name))
    relate(records)
    return records
