"""GDELT event files as records: GDELT 2.0 events (61 tab-separated columns) and GDELT 1.0 events (57 or 58).

A file may start with a row naming the columns (as BigQuery and pandas write them, separated by
tabs or commas); without one, the number of fields tells the layout. GDELT's other files are
refused by name: a 2.0 mentions file (16 fields: where events were mentioned) and the Global
Knowledge Graph (27 fields in 2.1, a named header in 1.0) say nothing kg reads as events.

CAMEO event codes are read as strings, since their leading zeros matter ("0874" is not
"874"). Mapping to relations (CAMEO's own names):

- ``192`` (occupy territory): Actor1 ``captured`` the action's place
- ``0874`` (retreat or surrender militarily): Actor1 ``withdrewFrom`` the action's place
- ``075`` (grant asylum): Actor1 ``sheltered`` Actor2
- ``062`` (cooperate militarily): Actor1 ``alliedWith`` Actor2
- ``072`` (provide military aid): Actor1 ``supplied`` Actor2
- ``046`` (engage in negotiation): Actor1 ``negotiatedWith`` Actor2
- ``0871`` (declare truce, ceasefire): Actor1 ``ceasefireWith`` Actor2
- ``163`` (impose embargo, boycott or sanctions), ``172`` (impose administrative sanctions):
  Actor1 ``sanctioned`` Actor2
- ``18``, ``180``, ``181``, ``183x``, ``186`` (assault, abduct, bomb, assassinate): Actor1
  ``attacked`` Actor2; ``1823`` (kill by physical assault) and ``202`` (engage in mass
  killings): Actor1 ``killed`` Actor2
- ``195`` (employ aerial weapons): Actor1 ``struckFromAir`` Actor2; ``194`` (fight with
  artillery and tanks): Actor1 ``shelled`` Actor2
- ``19x`` (fight): Actor1 ``opposes`` Actor2 as well

Relations need actors one can tell apart: an actor with a country (CAMEO's three-letter code,
"SYR") or a known group ("HZB"); "POLICE" or "PRESIDENT" with neither, or only a region ("AFR",
Africa), is some police or president, so such an actor takes part in no relation. An actor
that is a country itself (its code is the country code alone, whatever the name: "SYRIA",
"SYRIAN", "DAMASCUS") is that country as a state, and the same entity as the country as an
event's place; a country's people in a role ("SYRMIL") are named for both ("Syrian military",
or the name GDELT gives with the country: "Police (Iraq)"). Names in capitals get a sensible
case ("The EU").

GDELT is the claimant; the quote is the event code as it stands in the row; the article URL
is the record's source; the number of mentions becomes ``kg:mentions`` and sets the grade
(machine-coded, so source reliability F: it cannot be judged; information 3 when five or more
sources carried it, else 4). Every event keeps the action's place with its latitude, longitude
and geo-precision (``ActionGeo_Type``: 1 country, 2 and 5 a first-order division, 3 and 4 a
city or landmark); ``DATEADDED`` is the record's version.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from kg.errors import DataError
from kg.formats import textfile
from kg.formats.names import countries_in, country, display_name, join_key
from kg.formats.records import Actor, Location, Record, Relation

__all__ = ["COLUMNS", "COLUMNS_V1", "inter_codes", "parse", "read", "relate"]

COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
)
"""The 61 columns of a GDELT 2.0 event record, in order."""

COLUMNS_V1 = tuple(c for c in COLUMNS if not c.endswith("_ADM2Code"))
"""The 58 columns of a GDELT 1.0 event record (daily files since April 2013); the back file has 57, no SOURCEURL."""

LAYOUTS = {61: COLUMNS, 58: COLUMNS_V1, 57: COLUMNS_V1[:-1]}

TYPE_CLASSES = {
    "REB": "ArmedGroup",
    "INS": "ArmedGroup",
    "SEP": "ArmedGroup",
    "UAF": "ArmedGroup",
    "MIL": "MilitaryUnit",
    "SPY": "MilitaryUnit",
    "COP": "MilitaryUnit",
    "GOV": "Government",
    "REF": "PopulationGroup",
    "CVL": "PopulationGroup",
    "MED": "MediaOutlet",
    "NGO": "Organisation",
    "IGO": "Organisation",
}
ROLES = {
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "REB": "rebels",
    "INS": "insurgents",
    "SEP": "separatists",
    "OPP": "opposition",
    "UAF": "armed groups",
    "SPY": "intelligence services",
    "JUD": "judiciary",
    "LEG": "legislature",
    "CVL": "civilians",
    "REF": "refugees",
    "MED": "media",
    "BUS": "business",
    "EDU": "education sector",
    "HLH": "health sector",
    "LAB": "labour",
    "ELI": "elites",
    "CRM": "criminals",
}
"""What CAMEO's role codes call the people of a country in that role."""
GEO_CLASSES = {"1": "Country", "2": "Region", "3": "City", "4": "City", "5": "Region"}
GEO_PRECISION = {"1": "CountryLevel", "2": "RegionLevel", "3": "AtPlace", "4": "AtPlace", "5": "RegionLevel"}
PLACE_EVENTS = {"192": "captured", "0874": "withdrewFrom"}
ACTOR_EVENTS = {
    "075": "sheltered",
    "062": "alliedWith",
    "072": "supplied",
    "046": "negotiatedWith",
    "0871": "ceasefireWith",
    "163": "sanctioned",
    "172": "sanctioned",
    "1823": "killed",
    "202": "killed",
    "195": "struckFromAir",
    "194": "shelled",
    "18": "attacked",
    "180": "attacked",
    "181": "attacked",
    "183": "attacked",
    "1831": "attacked",
    "1832": "attacked",
    "1833": "attacked",
    "186": "attacked",
}
"""Actor-to-actor relations by CAMEO code; each is the code the ontology names for the relation
(``kg:cameoCode``), and every ``19x`` (fight) also makes the two actors ``opposes``."""


def _actor(row: dict[str, str], side: str) -> tuple[Actor | None, bool]:
    """The actor on one side of the event, and whether it can be told apart (and so take part in relations)."""
    name = row.get(f"{side}Name", "").strip()
    code = row.get(f"{side}Code", "").strip()
    if not name and not code:
        return None, False
    nation = country(row.get(f"{side}CountryCode", "").strip()) if row.get(f"{side}CountryCode", "").strip() else None
    group = row.get(f"{side}KnownGroupCode", "").strip()
    role = row.get(f"{side}Type1Code", "").strip()
    if nation is not None and code == row.get(f"{side}CountryCode", "").strip():
        # the country itself, as a state; a territory acting as a whole is its administration
        return Actor(nation.name, "State" if nation.state else "Government", country=nation), True
    cased = display_name(name) if name else code
    cls = TYPE_CLASSES.get(role) or ("ArmedGroup" if group else "Organisation")
    if nation is None:
        return Actor(cased, cls), bool(group)
    own_name = not name or join_key(name) in {join_key(n) for n in (nation.name, *nation.names, nation.adjective)}
    if group:
        label = cased
    elif own_name:
        noun = ROLES.get(role)
        label = f"{nation.adjective} {noun}" if noun and nation.adjective else f"{nation.name} ({role or code})"
    elif nation.code in countries_in(name):
        label = cased
    else:
        label = f"{cased} ({nation.name})"
    return Actor(label, cls, lookup=(cased,) if label != cased else ()), True


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _refuse_other_files(fields: list[str], first: str, name: str) -> None:
    """Refuse, by name, the GDELT files that are not event files, and an ACLED export."""
    if first.lower().startswith("date\tnumarts"):
        raise DataError(
            f"{name}: a GDELT 1.0 Global Knowledge Graph file (themes, people, tone per article), not events"
        )
    if len(fields) == 27 and re.fullmatch(r"\d{14}-T?\d+", fields[0]):
        raise DataError(
            f"{name}: a GDELT 2.1 Global Knowledge Graph file (27 fields: themes, people, tone per article), not "
            "events; import the events file (*.export.CSV)"
        )
    if len(fields) == 16 and len(fields) > 2 and re.fullmatch(r"\d{14}", fields[2] or ""):
        raise DataError(
            f"{name}: a GDELT 2.0 mentions file (16 fields: GLOBALEVENTID, EventTimeDate, MentionTimeDate, ...): it "
            "says where events were mentioned, not what happened; import the events file (*.export.CSV)"
        )
    if "event_id_cnty" in first.lower():
        raise DataError(f"{name}: an ACLED export, not a GDELT event file; import it with `kg import acled`")


def _rows(text: str | Callable[[], Iterable[str]], name: str) -> Iterator[tuple[int, str, list[str], tuple[str, ...]]]:
    """(line number, raw text, fields, columns) of each event row."""
    columns: tuple[str, ...] | None = None
    delimiter = "\t"
    seen = events = 0
    lines = io.StringIO(text, newline="") if isinstance(text, str) else text()
    for line_no, line in enumerate(lines, 1):
        raw = line.rstrip("\r\n")
        if not raw.strip():
            continue
        if not seen:
            seen = line_no
            delimiter = "\t" if "\t" in raw else ","
            if raw.split(delimiter, 1)[0].strip().strip('"').lower() == "globaleventid":
                names = [f.strip() for f in next(csv.reader([raw], delimiter=delimiter))]
                lookup = {c.lower(): c for c in COLUMNS}
                unknown = [f for f in names if f.lower() not in lookup]
                if unknown:
                    listed = ", ".join(repr(f) for f in unknown[:5])
                    verb = "are not columns" if len(unknown) > 1 else "is not a column"
                    raise DataError(f"{name}:{line_no}: {listed} {verb} of GDELT's event files")
                columns = tuple(lookup[f.lower()] for f in names)
                missing = [c for c in ("GLOBALEVENTID", "SQLDATE", "EventCode") if c not in columns]
                if missing:
                    raise DataError(
                        f"{name}:{line_no}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
                    )
                continue
            delimiter = "\t"
            _refuse_other_files(raw.split("\t"), raw, name)
        if delimiter == "\t":
            fields = raw.split("\t")
            layout = columns or LAYOUTS.get(len(fields))
            if layout is None or len(fields) != len(layout):
                raise DataError(
                    f"{name}:{line_no}: {len(fields)} tab-separated fields; a GDELT 2.0 event has {len(COLUMNS)} "
                    f"(GDELT 1.0: {len(COLUMNS_V1)}, or 57 without SOURCEURL)"
                )
        else:
            assert columns is not None
            try:
                fields = next(csv.reader([raw], delimiter=","))
            except csv.Error as exc:
                raise DataError(f"{name}:{line_no}: not CSV: {exc}") from None
            layout = columns
            if len(fields) != len(layout):
                raise DataError(f"{name}:{line_no}: {len(fields)} fields where the header has {len(layout)}")
        events += 1
        yield line_no, raw, fields, layout
    if not seen:
        raise DataError(
            f"{name}: empty file; a GDELT event file has one event per line, {len(COLUMNS)} tab-separated fields "
            f"(GDELT 2.0) or {len(COLUMNS_V1)} (GDELT 1.0)"
        )
    if not events:
        raise DataError(f"{name}: a header and no events; nothing to import")


def _span(raw: str, fields: Sequence[str], index: int, delimiter: str) -> tuple[int, int]:
    """Where field ``index`` stands in the raw row: counted when no field before it is quoted, else searched."""
    value = fields[index]
    start = sum(len(f) + 1 for f in fields[:index])
    if value and raw[start : start + len(value)] == value:
        return start, start + len(value)
    found = raw.find(f"{delimiter}{value}{delimiter}") if value else -1
    if found >= 0:
        return found + 1, found + 1 + len(value)
    return 0, len(raw)


def parse(
    text: str | Callable[[], Iterable[str]], *, name: str, file: str = "", dataset: str = "gdelt"
) -> Iterator[Record]:
    """The events of a GDELT file's text (or a function giving its lines, for a file too big to hold).

    A row with the wrong number of fields or a bad date names its line.
    """
    for line_no, raw, fields, layout in _rows(text, name):
        row = dict(zip(layout, fields, strict=True))
        where = f"{name}:{line_no}"
        identifier = row.get("GLOBALEVENTID", "").strip()
        if not identifier:
            raise DataError(f"{where}: GLOBALEVENTID (column {layout.index('GLOBALEVENTID') + 1}) is empty")
        sqldate = row.get("SQLDATE", "").strip()
        try:
            if len(sqldate) != 8:
                raise ValueError(sqldate)
            day = dt.datetime.strptime(sqldate, "%Y%m%d").date()
        except ValueError:
            raise DataError(
                f"{where}: SQLDATE (column {layout.index('SQLDATE') + 1}) {sqldate!r} is not a date (YYYYMMDD)"
            ) from None
        code = row.get("EventCode", "").strip()
        quote = _span(raw, fields, layout.index("EventCode"), "\t" if "\t" in raw else ",")
        actor1, known1 = _actor(row, "Actor1")
        actor2, known2 = _actor(row, "Actor2")
        full = row.get("ActionGeo_FullName", "").strip()
        geo_type = row.get("ActionGeo_Type", "").strip()
        latitude, longitude = _number(row.get("ActionGeo_Lat", "")), _number(row.get("ActionGeo_Long", ""))
        if latitude is not None and not -90 <= latitude <= 90 or longitude is not None and not -180 <= longitude <= 180:
            latitude = longitude = None
        place = None
        if full:
            # "Homs, Hims, Syria": the place, then the areas it lies in
            place_name, *areas = (part.strip() for part in full.split(","))
            nation = (country(full) or country(place_name)) if geo_type == "1" else None
            place = Location(
                nation.name if nation else place_name,
                GEO_CLASSES.get(geo_type, "Region"),
                latitude,
                longitude,
                tuple(areas),
                key=join_key(full),
                precision=GEO_PRECISION.get(geo_type),
                country=nation,
            )
        relations = []
        if actor1 and known1 and (predicate := PLACE_EVENTS.get(code)) and place:
            relations.append(Relation(actor1, predicate, place, quote))
        if actor1 and actor2 and known1 and known2:
            predicates = [ACTOR_EVENTS.get(code), "opposes" if code.startswith("19") else None]
            relations += [Relation(actor1, predicate, actor2, quote) for predicate in predicates if predicate]
        sources = int(row["NumSources"]) if row.get("NumSources", "").isdigit() else 0
        mentions = int(row["NumMentions"]) if row.get("NumMentions", "").isdigit() else None
        added = row.get("DATEADDED", "").strip()
        version = int(added.ljust(14, "0")) if added.isdigit() and len(added) in (8, 14) else None
        url = row.get("SOURCEURL", "").strip()
        yield Record(
            dataset=dataset,
            identifier=identifier,
            line=raw,
            title=f"GDELT {identifier}: CAMEO {code} in {place.name if place else 'an unnamed place'}",
            date=day,
            precision="Day",
            reliability="F3" if sources >= 5 else "F4",
            reason=f"Machine-coded by GDELT from {sources} source(s), {row.get('NumArticles') or '?'} article(s), "
            f"{row.get('NumMentions') or '?'} mention(s).",
            event_type=f"CAMEO {code}",
            location=place,
            relations=relations,
            url=url if re.match(r"https?://\S+$", url) else None,
            mentions=mentions,
            actors=[a for a, known in ((actor1, known1), (actor2, known2)) if a is not None and known],
            version=version,
            version_text=added or None,
            file=file or name,
            line_no=line_no,
            fingerprint=tuple(fields[: layout.index("DATEADDED")] if "DATEADDED" in layout else fields),
        )


def inter_codes(record: Record) -> tuple[tuple[str, int], ...]:
    """GDELT rows carry no codes that relate other rows."""
    return ()


def relate(records: Iterable[Record], known_armed: object = None, codes: object = None) -> None:
    """GDELT rows are related as they are read; nothing waits for the rest of the dataset."""


def read(path: Path, *, encoding: str | None = None, name: str | None = None) -> list[Record]:
    """The records of one GDELT event file."""
    shown = name or str(path)
    text = textfile.read(path, encoding=encoding, display=shown)
    return list(parse(text.text, name=shown, file=path.name))
