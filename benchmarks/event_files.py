"""ACLED- and GDELT-shaped files of any size, written a row at a time, for the import benchmark.

    .venv/bin/python -m benchmarks.event_files acled 1000000 /tmp/big.acled.csv
    .venv/bin/python -m benchmarks.event_files gdelt 100000 /tmp/big.gdelt.tsv

The rows look like the real exports where the importer cares: every ACLED event type and the
sub-event types kg relates (clashes, territory changing hands, strikes, attacks on civilians,
agreements, protests), main and associated actors with their inter codes (state forces, rebels,
militias, civilians), thousands of places in a few dozen regions with their points and
geo-precision, notes of a real length (a few hundred characters), a version stamp per row; GDELT
rows with CAMEO actor codes, event codes across the fight, assault, aid and talks families, and
an action place. A file is generated from its seed alone, so two runs write the same bytes, and
memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

from kg.formats import acled, gdelt

__all__ = ["acled_file", "gdelt_file"]

_ARMED = (
    ("Military Forces of Syria (2000-2024)", "1"),
    ("Police Forces of Syria (2000-2024)", "1"),
    ("Hayat Tahrir al-Sham", "2"),
    ("Syrian National Army", "2"),
    ("Syrian Democratic Forces", "2"),
    ("Islamic State (Syria)", "2"),
    ("Military Forces of Turkey (2016-)", "8"),
    ("Military Forces of Russia (2000-)", "8"),
    ("NDF: National Defence Forces", "3"),
    ("Unidentified Armed Group (Syria)", "3"),
    *((f"Synthetic Brigade {i}", "2") for i in range(1, 41)),
    *((f"Synthetic Tribal Militia {i}", "4") for i in range(1, 21)),
)
_CIVILIANS = (("Civilians (Syria)", "7"), ("Protesters (Syria)", "6"), ("Rioters (Syria)", "5"))
_TYPES = (
    # event type, sub-event type, weight, whether actor2 is armed, civilians or absent
    ("Battles", "Armed clash", 30, "armed"),
    ("Battles", "Non-state actor overtakes territory", 4, "armed"),
    ("Battles", "Government regains territory", 3, "armed"),
    ("Explosions/Remote violence", "Air/drone strike", 12, "armed"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 16, "armed"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 5, "none"),
    ("Violence against civilians", "Attack", 10, "civilians"),
    ("Violence against civilians", "Abduction/forced disappearance", 3, "civilians"),
    ("Protests", "Peaceful protest", 8, "none"),
    ("Riots", "Violent demonstration", 2, "civilians"),
    ("Strategic developments", "Agreement", 2, "armed"),
    ("Strategic developments", "Headquarters or base established", 2, "none"),
    ("Strategic developments", "Non-violent transfer of territory", 2, "none"),
    ("Strategic developments", "Looting/property destruction", 1, "none"),
)
_REGIONS = tuple(f"Synthetic governorate {i}" for i in range(1, 15))
_OUTLETS = ("SANA", "Syrian Observatory for Human Rights", "Enab Baladi", "North Press Agency", "Reuters", "AFP")
_WORDS = (
    "reportedly near the village outskirts after an exchange of fire lasting several hours while local sources "
    "said the situation remained tense and residents fled towards neighbouring areas amid continued shelling"
).split()


def _places(rng: random.Random, count: int) -> list[tuple[str, str, float, float]]:
    return [
        (
            f"Synthetic place {i}",
            rng.choice(_REGIONS),
            round(rng.uniform(32.4, 37.2), 4),
            round(rng.uniform(35.8, 41.9), 4),
        )
        for i in range(count)
    ]


def acled_file(path: Path, rows: int, *, seed: int = 1, places: int = 3000, first_id: int = 1) -> Path:
    """Write an ACLED export (the current 31-column layout) of ``rows`` events to ``path``."""
    rng = random.Random(seed)
    spots = _places(rng, places)
    weights = [1 / (i + 1) ** 0.5 for i in range(places)]
    kinds = [t[:2] + (t[3],) for t in _TYPES]
    kind_weights = [t[2] for t in _TYPES]
    start = dt.date(2023, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(acled.COLUMNS)
        for i in range(rows):
            name, region, lat, lon = rng.choices(spots, weights)[0]
            event_type, sub_event, other = rng.choices(kinds, kind_weights)[0]
            actor1, inter1 = rng.choice(_CIVILIANS[1:]) if event_type in ("Protests", "Riots") else rng.choice(_ARMED)
            actor2, inter2 = ("", "")
            if other == "armed":
                actor2, inter2 = rng.choice(_ARMED)
            elif other == "civilians":
                actor2, inter2 = _CIVILIANS[0]
            assoc1 = rng.choice(_ARMED)[0] if inter1 in "1238" and rng.random() < 0.15 else ""
            day = start + dt.timedelta(days=rng.randrange(730))
            words = " ".join(rng.choices(_WORDS, k=rng.randrange(12, 40)))
            row = {
                "event_id_cnty": f"SYN{first_id + i}",
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": rng.choice("1112"),
                "disorder_type": "Political violence" if event_type != "Protests" else "Demonstrations",
                "event_type": event_type,
                "sub_event_type": sub_event,
                "actor1": actor1,
                "assoc_actor_1": assoc1,
                "inter1": inter1,
                "actor2": actor2,
                "inter2": inter2,
                "interaction": f"{inter1}{inter2 or '0'}",
                "iso": "760",
                "region": "Middle East",
                "country": "Syria",
                "admin1": region,
                "admin2": f"{region} district",
                "location": name,
                "latitude": f"{lat:.4f}",
                "longitude": f"{lon:.4f}",
                "geo_precision": rng.choice("1112"),
                "source": "; ".join(rng.sample(_OUTLETS, rng.randrange(1, 3))),
                "source_scale": "National",
                "notes": f"On {day:%d %B %Y}, {actor1} {sub_event.lower()} in {name} ({region}) {words}.",
                "fatalities": rng.choice(["0", "0", "0", "1", "2", "3", "5", "12"]),
                "timestamp": str(1700000000 + i),
            }
            writer.writerow([row.get(column, "") for column in acled.COLUMNS])
    return path


_GDELT_ACTORS = (
    ("SYRREB", "SYRIAN REBELS", "SYR", "REB"),
    ("SYRMIL", "SYRIAN SOLDIERS", "SYR", "MIL"),
    ("SYRGOV", "DAMASCUS", "SYR", "GOV"),
    ("TURMIL", "TURKISH ARMY", "TUR", "MIL"),
    ("RUSMIL", "RUSSIAN MILITARY", "RUS", "MIL"),
    ("IRQ", "IRAQ", "IRQ", ""),
    ("SYRCVL", "CIVILIAN", "SYR", "CVL"),
    ("SYRCOP", "POLICE", "SYR", "COP"),
)
_CAMEO = ("190", "193", "194", "195", "180", "1823", "202", "070", "073", "040", "043", "0871", "163", "172")


def gdelt_file(path: Path, rows: int, *, seed: int = 1, places: int = 2000, first_id: int = 1_300_000_000) -> Path:
    """Write a GDELT 2.0 event file (61 tab-separated columns, no header) of ``rows`` events to ``path``."""
    rng = random.Random(seed)
    spots = _places(rng, places)
    start = dt.date(2023, 1, 1)
    index = {column: n for n, column in enumerate(gdelt.COLUMNS)}
    with path.open("w", encoding="utf-8", newline="") as handle:
        for i in range(rows):
            one, two = rng.sample(_GDELT_ACTORS, 2)
            code = rng.choice(_CAMEO)
            name, region, lat, lon = rng.choice(spots)
            day = start + dt.timedelta(days=rng.randrange(730))
            fields = [""] * len(gdelt.COLUMNS)
            values = {
                "GLOBALEVENTID": str(first_id + i),
                "SQLDATE": f"{day:%Y%m%d}",
                "MonthYear": f"{day:%Y%m}",
                "Year": str(day.year),
                "FractionDate": f"{day.year + day.timetuple().tm_yday / 365:.4f}",
                "Actor1Code": one[0],
                "Actor1Name": one[1],
                "Actor1CountryCode": one[2],
                "Actor1Type1Code": one[3],
                "Actor2Code": two[0],
                "Actor2Name": two[1],
                "Actor2CountryCode": two[2],
                "Actor2Type1Code": two[3],
                "IsRootEvent": "1",
                "EventCode": code,
                "EventBaseCode": code[:3],
                "EventRootCode": code[:2],
                "QuadClass": "4" if code[:2] in ("18", "19", "20") else "1",
                "GoldsteinScale": "-9.5",
                "NumMentions": str(rng.randrange(1, 30)),
                "NumSources": str(rng.randrange(1, 8)),
                "NumArticles": str(rng.randrange(1, 30)),
                "AvgTone": f"{rng.uniform(-9, 2):.2f}",
                "ActionGeo_Type": "4",
                "ActionGeo_FullName": f"{name}, {region}, Syria",
                "ActionGeo_CountryCode": "SY",
                "ActionGeo_ADM1Code": "SY" + str(10 + _REGIONS.index(region)),
                "ActionGeo_Lat": f"{lat:.4f}",
                "ActionGeo_Long": f"{lon:.4f}",
                "ActionGeo_FeatureID": str(-2500000 - spots.index((name, region, lat, lon))),
                "DATEADDED": f"{day:%Y%m%d}{rng.randrange(24):02d}0000",
                "SOURCEURL": f"https://example.org/synthetic/{first_id + i}",
            }
            for column, value in values.items():
                fields[index[column]] = value
            handle.write("\t".join(fields) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("acled", "gdelt"))
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    (acled_file if args.kind == "acled" else gdelt_file)(args.out, args.rows, seed=args.seed)
    print(f"wrote {args.rows:,} {args.kind} rows to {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
