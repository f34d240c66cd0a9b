"""GDELT 2.0 event exports (61 tab-separated columns, no header) as records.

CAMEO event codes are read as strings, since their leading zeros matter ("0874" is not
"874"). Mapping to relations:

- ``192`` (occupy territory): Actor1 ``captured`` the action's place
- ``0874`` (retreat or surrender militarily): Actor1 ``withdrewFrom`` the action's place
- ``075`` (grant asylum): Actor1 ``sheltered`` Actor2
- ``062`` and ``072`` (military cooperation, military aid): Actor1 ``alliedWith`` Actor2
- ``19x`` (fight): Actor1 ``opposes`` Actor2

GDELT is the claimant; the quote is the event code as it stands in the row; the article URL
is the record's source; the number of mentions becomes ``kg:mentions`` and sets the grade
(machine-coded, so source reliability F: it cannot be judged; information 3 when five or
more sources carried it, else 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from kg.errors import DataError
from kg.formats.records import Actor, Location, Record, Relation

__all__ = ["COLUMNS", "read"]

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

TYPE_CLASSES = {
    "REB": "ArmedGroup",
    "INS": "ArmedGroup",
    "SEP": "ArmedGroup",
    "UAF": "ArmedGroup",
    "MIL": "MilitaryUnit",
    "SPY": "MilitaryUnit",
    "GOV": "Government",
    "REF": "PopulationGroup",
    "CVL": "PopulationGroup",
    "MED": "MediaOutlet",
    "NGO": "Organisation",
    "IGO": "Organisation",
}
GEO_CLASSES = {"1": "Country", "2": "Region", "3": "City", "4": "City", "5": "Region"}
PLACE_EVENTS = {"192": "captured", "0874": "withdrewFrom"}
ACTOR_EVENTS = {"075": "sheltered", "062": "alliedWith", "072": "alliedWith"}


def _actor(row: dict[str, str], side: str) -> Actor | None:
    name = row[f"{side}Name"].strip()
    if not name:
        return None
    kind = TYPE_CLASSES.get(row[f"{side}Type1Code"].strip())
    if kind is None:
        is_country = row[f"{side}Code"].strip() == row[f"{side}CountryCode"].strip() != ""
        kind = "State" if is_country else "Organisation"
    return Actor(name.title() if name.isupper() else name, kind)


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def read(path: Path, *, dataset: str = "gdelt") -> Iterator[Record]:
    """The records of a GDELT 2.0 export; a row with the wrong number of fields or a bad date names its line."""
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, line in enumerate(handle, 1):
            raw = line.rstrip("\r\n")
            if not raw.strip():
                continue
            fields = raw.split("\t")
            if len(fields) != len(COLUMNS):
                raise DataError(
                    f"{path}:{line_no}: {len(fields)} tab-separated fields; a GDELT 2.0 event has {len(COLUMNS)}"
                )
            row = dict(zip(COLUMNS, fields, strict=True))
            try:
                if len(row["SQLDATE"]) != 8:
                    raise ValueError(row["SQLDATE"])
                day = dt.datetime.strptime(row["SQLDATE"], "%Y%m%d").date()
            except ValueError:
                raise DataError(f"{path}:{line_no}: SQLDATE {row['SQLDATE']!r} is not a date (YYYYMMDD)") from None
            code = row["EventCode"]
            offset = sum(len(f) + 1 for f in fields[: COLUMNS.index("EventCode")])
            quote = (offset, offset + len(code))
            actor1, actor2 = _actor(row, "Actor1"), _actor(row, "Actor2")
            # "Homs, Hims, Syria": the place, then the areas it lies in
            full = row["ActionGeo_FullName"] or row["ActionGeo_CountryCode"]
            name, *areas = (part.strip() for part in full.split(","))
            place = Location(
                name,
                GEO_CLASSES.get(row["ActionGeo_Type"], "Region"),
                _number(row["ActionGeo_Lat"]),
                _number(row["ActionGeo_Long"]),
                tuple(areas),
            )
            relations = []
            if actor1 and (predicate := PLACE_EVENTS.get(code)) and place.name:
                relations.append(Relation(actor1, predicate, place, quote))
            if (
                actor1
                and actor2
                and (predicate := ACTOR_EVENTS.get(code) or ("opposes" if code.startswith("19") else None))
            ):
                relations.append(Relation(actor1, predicate, actor2, quote))
            sources = int(row["NumSources"]) if row["NumSources"].isdigit() else 0
            mentions = int(row["NumMentions"]) if row["NumMentions"].isdigit() else None
            yield Record(
                dataset=dataset,
                identifier=row["GLOBALEVENTID"],
                line=raw,
                title=f"GDELT {row['GLOBALEVENTID']}: CAMEO {code} in {place.name or 'an unnamed place'}",
                date=day,
                precision="Day",
                reliability="F3" if sources >= 5 else "F4",
                reason=f"Machine-coded by GDELT from {sources} source(s), {row['NumArticles']} article(s), "
                f"{row['NumMentions']} mention(s).",
                event_type=f"CAMEO {code}",
                location=place,
                relations=relations,
                url=row["SOURCEURL"] or None,
                mentions=mentions,
            )
