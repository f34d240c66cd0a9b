"""Who holds what, on a map, over time, with the evidence behind every marker: one offline HTML page.

:func:`draw` gathers what the store knows about places and writes a page in the spirit of
:mod:`kg.viz`: it opens from disk, makes no request of any kind, can be e-mailed, shows every
label and quote as text, and carries a Content-Security-Policy that lets only its own three
scripts run (by hash) and nothing load.

What the page shows, and where each part comes from:

- **Places** at their points (W3C WGS84 ``geo:lat``/``geo:long``, the saved query ``places``),
  each coloured by who holds it on the chosen day. The periods are those of
  :func:`kg.analysis.control` (captures open a holding, a later capture or the holder's own
  withdrawal closes it, a siege is not control, two unallied holders at once are *contested*),
  and the page applies the same ``as_of`` rule to them that ``control(as_of=...)`` does, so the
  holders shown on any day are the ones ``kg analyze control --as-of DAY`` lists. A place
  without a point of its own is drawn at its basemap area's inner point (countries and
  governorates, joined by GeoNames or Wikidata id) or at the centre of the places the sources
  put in it (``kg:locatedIn``); the page says which.
- **Events** (the saved query ``event-places``): every asserted event claim at a place, one
  point per row of an event dataset (ACLED, GDELT) or per relation of an article, in a window
  around the day, sized by fatalities where the row gives them and drawn by how precisely the
  point locates it (a town's own point, or one standing for a region or a country).
- **Movements**: ``withdrewTo``, ``fledTo`` and ``advancedOn`` as arrows. The origin is the
  ``withdrewFrom``/``fledFrom`` the same source gives the same actor on the same day; for an
  advance without one, the nearest place the actor held the day before, marked as inferred;
  otherwise the arrow only points into the place and says the origin is not reported.
- **The basemap**: Natural Earth admin-1 areas, clipped and simplified, inlined as TopoJSON
  (``templates/basemap/``, with the script that made it); no tiles.

Leaflet 1.9.4 and topojson-client 3.1.0 are vendored under ``templates/vendor/`` and inlined;
Leaflet's CSS rules that load its PNG icons are dropped (the page uses none), so the policy
needs no image source.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from kg.errors import DataError
from kg.namespaces import ONTOLOGY, compact
from kg.page import HtmlPage, app_script, inline, policy, script_json, template, without_source_map

if TYPE_CHECKING:
    import pandas as pd

    from kg.store import Store

__all__ = [
    "BASEMAP",
    "LEAFLET",
    "MOVEMENTS",
    "TOPOJSON_CLIENT",
    "WINDOW_DAYS",
    "MapPage",
    "content_security_policy",
    "draw",
    "load_basemap",
    "map_data",
    "render_html",
]

LEAFLET = "1.9.4"
"""The vendored Leaflet release (``kg/templates/vendor/leaflet/README.md``)."""

TOPOJSON_CLIENT = "3.1.0"
"""The vendored topojson-client release (``kg/templates/vendor/topojson-client/README.md``)."""

BASEMAP = "levant.topo.json"
"""The shipped basemap (``kg/templates/basemap/``): Syria, Lebanon and Iraq by governorate, their neighbours
as outlines, 34-49 E and 29-38.5 N."""

MOVEMENTS = {"withdrewTo": "withdrewFrom", "fledTo": "fledFrom", "advancedOn": None}
"""The relations drawn as arrows, each with the relation that names its origin in the same source."""

WINDOW_DAYS = 1
"""Events and movements are shown within this many days either side of the chosen day, unless the page says
otherwise (its window menu)."""

VIEW_DAYS = 30
"""The time slider's first span: this many days up to two days after the last dated change."""

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd", "#637939",
)  # fmt: skip
"""Holders' colours, in order of how many places each holds; past sixteen they repeat."""

KIND_PALETTE = (
    "#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214", "#35978f", "#8c510a", "#c51b7d",
    "#4d9221", "#542788", "#b35806", "#444444",
)  # fmt: skip
"""Event kinds' colours."""

_REGION_CLASSES = {ONTOLOGY + "Region", ONTOLOGY + "Country"}
_TEMPLATES = "templates"
_LEAFLET_JS = "vendor/leaflet/leaflet.js"
_LEAFLET_CSS = "vendor/leaflet/leaflet.css"
_TOPOJSON_JS = "vendor/topojson-client/topojson-client.min.js"
_IMAGE_RULE = re.compile(r"[^{}]*\{[^{}]*url\((?!data:)[^)]*\)[^{}]*\}")
"""A CSS rule that loads something by URL (Leaflet's marker and layer-control PNGs, IE's VML behaviour)."""


@dataclass(frozen=True)
class MapPage(HtmlPage):
    """A rendered map: ``str(page)`` is the HTML, ``save`` writes it, notebooks show it inline."""

    html: str = field(repr=False)
    places: int
    """Places drawn on the map (with a point of their own, an area's or a derived one)."""
    events: int
    movements: int
    title: str
    FRAME_HEIGHT: ClassVar[int] = 660


def draw(
    store: Store,
    *,
    as_of: dt.date | None = None,
    actor: str | None = None,
    place: str | None = None,
    min_reliability: str | None = None,
    dated_only: bool = False,
    title: str | None = None,
    basemap: Path | str | None = None,
) -> MapPage:
    """Draw who holds what on a map, the events around each day and the movements, with their evidence.

    ``as_of`` is the day the page opens on (default: the last day anything changed); the page's
    slider moves it. ``actor`` keeps the places the actor ever held, was present at or
    besieged (with every holder of them, so the page shows who took them), its events and its
    movements; ``place`` keeps that place and the places within it. Both name entities as
    queries do (label, alias, CURIE, IRI or Wikidata id). ``min_reliability`` ignores claims
    graded below it, in the holdings as in the events (as ``kg analyze control
    --min-reliability`` does); ``dated_only`` opens the page with states reported without a
    start counted from their date. ``basemap`` is a TopoJSON file made by
    ``templates/basemap/make-basemap.mjs`` for another region.

    >>> import kg
    >>> page = draw(kg.open_or_build(), as_of=dt.date(2024, 12, 8))
    >>> page.html.startswith("<!DOCTYPE html>"), page.places >= 6
    (True, True)
    """
    topology = load_basemap(basemap)
    data = map_data(
        store,
        as_of=as_of,
        actor=actor,
        place=place,
        min_reliability=min_reliability,
        dated_only=dated_only,
        topology=topology,
    )
    title = title or "kg map"
    subtitle = _describe(data["scope"], min_reliability=min_reliability)
    page = render_html(data, title=title, subtitle=subtitle, topology=topology)
    drawn = sum(1 for row in data["places"] if row.get("lat") is not None)
    return MapPage(page, drawn, len(data["events"]), len(data["movements"]), title)


def _describe(scope: Mapping[str, str], *, min_reliability: str | None) -> str:
    """One line saying what part of the store a map shows, for under its title.

    >>> _describe({"actor": "HTS", "place": ""}, min_reliability="b2")
    'places HTS held, was at or besieged · claims graded B2 or better'
    """
    parts = []
    if scope.get("place"):
        parts.append(f"{scope['place']} and the places in it")
    if scope.get("actor"):
        parts.append(f"places {scope['actor']} held, was at or besieged")
    if min_reliability:
        parts.append(f"claims graded {min_reliability.upper()} or better")
    return " · ".join(parts) or "every place in the store"


# --- Gathering ------------------------------------------------------------------------------


def _table(store: Store, name: str, **values: str) -> pd.DataFrame:
    """A saved query's answer as a DataFrame of strings (IRIs in full), read through Oxigraph's CSV writer."""
    import pandas as pd
    import pyoxigraph as ox

    data = store.results(name, format=ox.QueryResultsFormat.CSV, **values)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def _labels(store: Store) -> dict[str, str]:
    """Every entity's English label, by CURIE."""
    from kg.project import compact_series, frame

    labels = frame(store, "labels").drop_duplicates("entity")
    return dict(zip(compact_series(labels["entity"]), labels["label"], strict=True))


def _predicate_labels(store: Store) -> dict[str, str]:
    """Each relation's label, by local name (``captured``: "captured")."""
    from kg.project import frame

    rows = frame(store, "project-predicates").drop_duplicates("predicate")
    return {
        iri.removeprefix(ONTOLOGY): label or iri.removeprefix(ONTOLOGY)
        for iri, label in zip(rows["predicate"], rows["label"], strict=True)
    }


def _passes(grade: str, floor: str | None) -> bool:
    """A grade at least as good as the floor, letter and digit both (as ``control(min_reliability=...)`` reads it).

    >>> _passes("B2", "C3"), _passes("B4", "C3"), _passes("", None)
    (True, False, True)
    """
    if floor is None:
        return True
    return len(grade) == 2 and grade[0] <= floor[0] and grade[1] <= floor[1]


def _day(value: str) -> str:
    """An ISO day from a query value ("" for none; a dateTime loses its time)."""
    return value[:10] if value else ""


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points.

    >>> round(_distance_km((34.724, 36.726), (33.510, 36.291)))  # Homs to Damascus
    141
    """
    (lat1, lon1), (lat2, lon2) = (tuple(math.radians(x) for x in p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class _Claim:
    quote: str
    source: str
    title: str
    claimant: str
    date: str
    grade: str
    reason: str
    open: bool


def _claims(store: Store) -> dict[str, _Claim]:
    """Every claim's evidence by CURIE, as ``kg viz``'s panel shows it: the saved query ``claims`` read as CSV.

    The date is the claim's own, else its source's (publication, else estimated), as the projection dates it.
    """
    from kg.project import compact_series, frame

    rows = _table(store, "claims")
    sources = frame(store, "viz-sources").drop_duplicates("source")
    titles = dict(zip(sources["source"], sources["title"], strict=True))
    dates = dict(zip(sources["source"], sources["date"], strict=True))
    columns = ["quote", "source", "claimant", "date", "reliability", "reason", "since"]
    return {
        claim: _Claim(
            quote,
            short,
            titles.get(source, ""),
            claimant,
            _day(date or dates.get(source, "")),
            grade,
            reason,
            since.startswith("before "),
        )
        for claim, short, (quote, source, claimant, date, grade, reason, since) in zip(
            compact_series(rows["claim"]),
            compact_series(rows["source"]),
            zip(*(rows[c] for c in columns), strict=True),
            strict=True,
        )
    }


class _Evidence:
    """The claims a page cites, each stored once; sources, claimants and grade reasons as indexes into lists."""

    def __init__(self, evidence: Mapping[str, _Claim]) -> None:
        self.evidence = evidence
        self.claims: list[dict[str, Any]] = []
        self.sources: list[dict[str, str]] = []
        self.claimants: list[str] = []
        self.reasons: list[str] = []
        self._claims: dict[str, int] = {}
        self._indexes: dict[tuple[str, str], int] = {}

    def _index(self, kind: str, value: str, table: list) -> int:
        key = (kind, value)
        if key not in self._indexes:
            self._indexes[key] = len(table)
            table.append(value)
        return self._indexes[key]

    def cite(self, curies: Iterable[str]) -> list[int]:
        refs = []
        for curie in curies:
            claim = self.evidence.get(curie)
            if claim is None:
                continue
            if curie not in self._claims:
                self._claims[curie] = len(self.claims)
                if ("source", claim.source) not in self._indexes:
                    self._indexes[("source", claim.source)] = len(self.sources)
                    self.sources.append({"id": claim.source, "title": claim.title or claim.source})
                row: dict[str, Any] = {
                    "id": curie,
                    "quote": claim.quote,
                    "source": self._indexes[("source", claim.source)],
                    "claimant": self._index("claimant", claim.claimant, self.claimants),
                    "date": claim.date,
                    "grade": claim.grade,
                }
                if claim.reason:
                    row["reason"] = self._index("reason", claim.reason, self.reasons)
                if claim.open:
                    row["open"] = True
                self.claims.append(row)
            refs.append(self._claims[curie])
        return refs


def map_data(
    store: Store,
    *,
    as_of: dt.date | None = None,
    actor: str | None = None,
    place: str | None = None,
    min_reliability: str | None = None,
    dated_only: bool = False,
    topology: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-ready data (see :func:`draw` for the options).

    Lists refer to each other by index: ``places`` (with their point, where it came from and
    how precise it is, and the basemap area they are drawn as), ``actors`` (holders first, with
    their colours), ``periods`` (the rows of :func:`kg.analysis.control`, all of them, which the
    page filters by day with control's own rule), ``events``, ``movements``, ``kinds`` (of
    event), ``claims`` and ``sources``. ``range`` gives the first and last dated day and the
    slider's opening span; ``day`` the day the page opens on.
    """
    from kg.analysis import control
    from kg.params import resolve_entity
    from kg.project import check_grade, compact_series

    floor = check_grade(min_reliability) if min_reliability is not None else None
    topology = topology if topology is not None else load_basemap(None)
    labels = _labels(store)
    predicate_labels = _predicate_labels(store)
    evidence = _Evidence(_claims(store))

    places = _places(store, topology, labels)
    index = {row["id"]: i for i, row in enumerate(places)}
    periods = control(store, min_reliability=min_reliability)
    rows = _table(store, "event-places")
    for column in ("claim", "subject", "place", "source"):
        rows[column] = compact_series(rows[column])
    rows["predicate"] = rows["predicate"].str.removeprefix(ONTOLOGY)
    rows = rows[[_passes(grade, floor) for grade in rows["reliability"]]]

    scope = {"actor": "", "place": ""}
    if place is not None:
        focus = compact(resolve_entity(store, place).value)
        scope["place"] = labels.get(focus, focus)
        kept = {row["id"] for row in places if row["id"] == focus or focus in row["within"]}
        periods = periods[periods["place"].isin(kept)]
        rows = rows[rows["place"].isin(kept)]
    if actor is not None:
        who = compact(resolve_entity(store, actor).value)
        scope["actor"] = labels.get(who, who)
        involved = set(periods.loc[periods["actor"] == who, "place"])
        periods = periods[periods["place"].isin(involved)]
        rows = rows[rows["subject"] == who]

    actors = _Actors(labels, periods)
    period_rows = _periods(periods, index, actors, evidence, predicate_labels)
    for i, period in enumerate(period_rows):
        places[period["place"]]["periods"].append(i)
    movements, used = _movements(rows, periods, places, index, actors, evidence, predicate_labels, labels)
    events, kinds, types = _events(rows[~rows["claim"].isin(used)], places, index, actors, evidence, predicate_labels)
    for i, event in enumerate(events):
        places[event["p"]]["events"].append(i)

    if place is not None or actor is not None:  # keep the places the map is about, and those its arrows touch
        wanted = {p["place"] for p in period_rows} | {e["p"] for e in events}
        wanted |= {m["to"] for m in movements} | {m["from"] for m in movements if m.get("from") is not None}
        places, period_rows, events, movements = _keep_places(places, wanted, period_rows, events, movements)

    days = _days(period_rows, events, movements)
    last_change = days[-1] if days else (as_of or dt.date.today()).isoformat()
    first = days[0] if days else last_change
    end = _shift(last_change, 2)
    start = max(first, _shift(end, -VIEW_DAYS))
    opening = as_of.isoformat() if as_of else last_change
    start, end = min(start, opening), max(end, opening)
    records = [evidence.claimants[evidence.claims[e["c"][0]]["claimant"]] for e in events if "y" in e and e["c"]]
    return {
        "places": places,
        "actors": actors.rows(),
        "periods": period_rows,
        "events": events,
        "movements": movements,
        "kinds": kinds,
        "claims": evidence.claims,
        "sources": evidence.sources,
        "claimants": evidence.claimants,
        "reasons": evidence.reasons,
        "types": types,
        "range": {"first": first, "last": end if end > last_change else last_change, "start": start, "end": end},
        "day": opening,
        "datedOnly": dated_only,
        "window": WINDOW_DAYS,
        "datasets": sorted(set(records)),
        "scope": scope,
    }


def _places(store: Store, topology: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every place with the point it is drawn at: its own, its basemap area's, or the centre of the places in it."""
    from kg.project import compact_series

    rows = _table(store, "places").rename(columns={"class": "kind", "from": "origin"})
    rows["id"] = compact_series(rows["place"])
    areas = _areas(topology)
    places: list[dict[str, Any]] = []
    for row in rows.itertuples(index=False):
        entry: dict[str, Any] = {
            "id": row.id,
            "label": row.label or row.id,
            "type": row.type,
            "within": [compact(iri) for iri in row.within.split("|") if iri],
            "periods": [],
            "events": [],
        }
        geonames = row.geonames.rstrip("/").rsplit("/", 1)[-1] if row.geonames else ""
        wikidata = row.wikidata.rsplit("/", 1)[-1] if row.wikidata else ""
        entry |= {k: v for k, v in (("geonames", geonames), ("wikidata", wikidata), ("note", row.note)) if v}
        area = areas.get(("geonames", geonames)) or areas.get(("wikidata", wikidata))
        if area is not None:
            entry["area"] = area["key"]
        if row.lat and row.long:
            entry |= {"lat": float(row.lat), "lon": float(row.long)}
            entry["precision"] = "region" if row.kind in _REGION_CLASSES else "point"
            entry["from"] = _origin(row.origin, labels)
        elif area is not None and area.get("label"):
            lon, lat = area["label"]
            entry |= {"lat": lat, "lon": lon, "precision": "area"}
            entry["from"] = {"kind": "area", "text": f"inside the Natural Earth outline of {area['name']}"}
        places.append(entry)
    _derive_points(places, labels)
    return places


def _origin(iri: str, labels: Mapping[str, str]) -> dict[str, str]:
    """Where a point came from, for the page: a GeoNames feature, or the import (named graph) that gave it."""
    if match := re.match(r"^https://sws\.geonames\.org/(\d+)/?$", iri):
        return {"kind": "geonames", "text": f"GeoNames {match[1]}", "id": match[1]}
    curie = compact(iri) if iri else ""
    return {"kind": "import", "text": f"given by {labels.get(curie, curie) or 'its source'}"}


def _derive_points(places: list[dict[str, Any]], labels: Mapping[str, str]) -> None:
    """A region with no point of its own is drawn at the centre of the places the sources put in it."""
    by_id = {row["id"]: row for row in places}
    for row in places:
        if "lat" in row:
            continue
        inside = [
            other
            for other in places
            if row["id"] in other["within"] and other.get("precision") == "point" and other is not row
        ]
        if not inside:
            continue
        row["lat"] = round(sum(p["lat"] for p in inside) / len(inside), 3)
        row["lon"] = round(sum(p["lon"] for p in inside) / len(inside), 3)
        row["precision"] = "derived"
        labels_in = sorted(by_id[p["id"]]["label"] for p in inside)
        names = ", ".join(labels_in[:-1]) + " and " + labels_in[-1] if len(labels_in) > 1 else labels_in[0]
        row["from"] = {"kind": "derived", "text": f"the centre of {names}, which the sources place in it"}


def _areas(topology: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The basemap's countries and areas by GeoNames and Wikidata id, each with a key the page draws it by."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for layer, code in (("areas", "iso"), ("countries", "a3")):
        for geometry in topology["objects"].get(layer, {}).get("geometries", []):
            props = geometry.get("properties", {})
            entry = {"key": f"{layer}:{props.get(code)}", "name": props.get("name", ""), "label": props.get("label")}
            if props.get("geonames"):
                found[("geonames", str(props["geonames"]))] = entry
            if props.get("wikidata"):
                found[("wikidata", props["wikidata"])] = entry
    return found


class _Actors:
    """Actors by index: holders first, by how many places they hold, each with a colour; others grey."""

    def __init__(self, labels: Mapping[str, str], periods: pd.DataFrame) -> None:
        self.labels = labels
        held = periods[periods["status"].isin(["held", "contested"])]
        counts = held.groupby("actor")["place"].nunique()
        order = sorted(counts.index, key=lambda a: (-counts[a], labels.get(a, a).casefold()))
        self.entries: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        for i, curie in enumerate(order):
            self.add(curie, PALETTE[i % len(PALETTE)], holder=True)

    def add(self, curie: str, colour: str = "#666666", *, holder: bool = False) -> int:
        if curie not in self.index:
            self.index[curie] = len(self.entries)
            self.entries.append(
                {"id": curie, "label": self.labels.get(curie, curie), "color": colour, "holder": holder}
            )
        return self.index[curie]

    def rows(self) -> list[dict[str, Any]]:
        return self.entries


def _periods(
    periods: pd.DataFrame,
    index: Mapping[str, int],
    actors: _Actors,
    evidence: _Evidence,
    predicate_labels: Mapping[str, str],
) -> list[dict[str, Any]]:
    """:func:`kg.analysis.control`'s rows for the page: place and actor by index, claims cited, the end explained."""
    rows = []
    for period in periods.rename(columns={"from": "start"}).itertuples(index=False):
        if period.place not in index:
            continue
        row: dict[str, Any] = {
            "place": index[period.place],
            "actor": actors.add(period.actor),
            "status": period.status,
            "from": _day(period.start),
            "reported": period.from_kind == "reported",
            "until": _day(period.until),
            "basis": predicate_labels.get(period.basis, period.basis),
            "grade": period.reliability,
            "claims": evidence.cite(period.claims.split("|")),
        }
        if period.ended_by:
            how, _, claim = period.ended_by.rpartition(" ")
            if claim.startswith("kgc:"):
                row["ended"] = {"how": how.rstrip(","), "claims": evidence.cite([claim])}
            else:
                row["ended"] = {"how": period.ended_by, "claims": []}
        if period.contested_with:
            row["rivals"] = [actors.add(rival) for rival in period.contested_with.split("|")]
        rows.append(row)
    return rows


def _movements(
    rows: pd.DataFrame,
    periods: pd.DataFrame,
    places: list[dict[str, Any]],
    index: Mapping[str, int],
    actors: _Actors,
    evidence: _Evidence,
    predicate_labels: Mapping[str, str],
    labels: Mapping[str, str],
) -> tuple[list[dict[str, Any]], set[str]]:
    """Arrows for withdrawals, flights and advances, with their origins; and the claims they use up."""
    from kg.project import is_true

    moving = rows[rows["predicate"].isin(list(MOVEMENTS)) & ~is_true(rows["record"])]
    origins = rows[rows["predicate"].isin([o for o in MOVEMENTS.values() if o])]
    used: set[str] = set()
    arrows: dict[tuple[str, str, str, str | None, str], dict[str, Any]] = {}
    for claim in moving.itertuples(index=False):
        if claim.place not in index or "lat" not in places[index[claim.place]]:
            continue
        day = _day(claim.date)
        origin, how, origin_claims = None, "unknown", []
        pair = MOVEMENTS[claim.predicate]
        if pair:
            stated = origins[
                (origins["predicate"] == pair)
                & (origins["subject"] == claim.subject)
                & (origins["source"] == claim.source)
                & (origins["date"] == claim.date)
            ]
            stated = stated[[p in index and "lat" in places[index[p]] for p in stated["place"]]]
            if len(stated):
                origin, how = stated["place"].iloc[0], "stated"
                origin_claims = list(stated.loc[stated["place"] == origin, "claim"])
        elif day:
            origin = _nearest_holding(periods, claim.subject, _shift(day, -1), places, index, claim.place)
            how = "inferred" if origin else "unknown"
        key = (claim.predicate, claim.subject, claim.place, origin, day)
        arrow = arrows.setdefault(
            key,
            {
                "kind": claim.predicate,
                "label": predicate_labels.get(claim.predicate, claim.predicate),
                "actor": actors.add(claim.subject),
                "to": index[claim.place],
                "origin": how,
                "date": day,
                "last": _day(claim.end) or day,
                "claims": [],
            },
        )
        if origin is not None:
            arrow["from"] = index[origin]
        arrow["claims"] = sorted(set(arrow["claims"]) | set(evidence.cite([claim.claim, *origin_claims])))
        used.add(claim.claim)
        used.update(origin_claims)
    return list(arrows.values()), used


def _nearest_holding(
    periods: pd.DataFrame, actor: str, day: str, places: list[dict[str, Any]], index: Mapping[str, int], to: str
) -> str | None:
    """The place nearest ``to`` that ``actor`` held on ``day`` (control's rule, "since before" included)."""
    mine = periods[(periods["actor"] == actor) & periods["status"].isin(["held", "contested"])]
    begun = (mine["from"] <= day) | (mine["from_kind"] == "reported")
    mine = mine[begun & ((mine["until"] == "") | (mine["until"] > day))]
    target = places[index[to]]
    held = [p for p in mine["place"] if p != to and p in index and "lat" in places[index[p]]]
    if not held:
        return None
    return min(
        held,
        key=lambda p: _distance_km((places[index[p]]["lat"], places[index[p]]["lon"]), (target["lat"], target["lon"])),
    )


def _events(
    rows: pd.DataFrame,
    places: list[dict[str, Any]],
    index: Mapping[str, int],
    actors: _Actors,
    evidence: _Evidence,
    predicate_labels: Mapping[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Event points: one per row of an event dataset, one per relation (subject, predicate, place, day) otherwise.

    Each event has its place ``p``, day ``d``, last day ``l``, kind ``k``, actor ``a`` and claims ``c``; a
    dataset row also its type ``y`` (an index into the returned types: "Battles / Armed clash") and its
    fatalities ``f`` where the row gives them. The kinds are the types' first parts for dataset rows and the
    relations' labels otherwise, most frequent first.
    """
    from kg.project import is_true

    rows = rows[[p in index and "lat" in places[index[p]] for p in rows["place"]]]
    flagged = is_true(rows["record"])
    records, claims = rows[flagged], rows[~flagged]
    firsts = records.drop_duplicates("source")
    cited = records.groupby("source", sort=False)["claim"].agg(list)
    kinds: dict[str, int] = {}
    types: dict[str, int] = {}
    events: list[dict[str, Any]] = []
    for row in firsts.itertuples(index=False):
        kind = row.eventType.split(" / ")[0] or predicate_labels.get(row.predicate, row.predicate)
        kinds[kind] = kinds.get(kind, 0) + 1
        event = {
            "p": index[row.place],
            "d": _day(row.date),
            "l": _day(row.end) or _day(row.date),
            "k": kind,
            "a": actors.add(row.subject),
            "y": types.setdefault(row.eventType or kind, len(types)),
            "c": evidence.cite(cited[row.source]),
        }
        if row.fatalities:
            event["f"] = int(row.fatalities)
        events.append(event)
    key = ["predicate", "subject", "place", "date", "end"]
    for (predicate, subject, place, date, end), group in claims.groupby(key, sort=False)["claim"]:
        kind = predicate_labels.get(predicate, predicate)
        kinds[kind] = kinds.get(kind, 0) + 1
        events.append(
            {
                "p": index[place],
                "d": _day(date),
                "l": _day(end) or _day(date),
                "k": kind,
                "a": actors.add(subject),
                "c": evidence.cite(group),
            }
        )
    order = sorted(kinds, key=lambda k: (-kinds[k], k.casefold()))
    number = {kind: i for i, kind in enumerate(order)}
    for event in events:
        event["k"] = number[event["k"]]
    events.sort(key=lambda e: (e["d"], e["p"]))
    legend = [
        {"label": kind, "count": kinds[kind], "color": KIND_PALETTE[i % len(KIND_PALETTE)]}
        for i, kind in enumerate(order)
    ]
    return events, legend, list(types)


def _keep_places(
    places: list[dict[str, Any]],
    wanted: set[int],
    periods: list[dict[str, Any]],
    events: list[dict[str, Any]],
    movements: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Only the places in ``wanted``, renumbered everywhere they are referred to."""
    keep = sorted(wanted)
    new = {old: i for i, old in enumerate(keep)}
    kept = [places[old] | {"periods": [], "events": []} for old in keep]
    for i, period in enumerate(periods):
        period["place"] = new[period["place"]]
        kept[period["place"]]["periods"].append(i)
    for i, event in enumerate(events):
        event["p"] = new[event["p"]]
        kept[event["p"]]["events"].append(i)
    for movement in movements:
        movement["to"] = new[movement["to"]]
        if movement.get("from") is not None:
            movement["from"] = new[movement["from"]]
    return kept, periods, events, movements


def _days(periods: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]], movements) -> list[str]:
    """Every day something starts or stops, sorted: what the slider spans."""
    days = {p["from"] for p in periods} | {p["until"] for p in periods}
    days |= {e["d"] for e in events} | {m["date"] for m in movements}
    return sorted(day for day in days if day)


# --- Rendering ------------------------------------------------------------------------------


def load_basemap(path: Path | str | None = None) -> dict[str, Any]:
    """A basemap TopoJSON (the shipped one by default), checked for the two layers the page draws."""
    try:
        if path is None:
            text = (resources.files(__package__) / _TEMPLATES / "basemap" / BASEMAP).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        topology = json.loads(text)
    except OSError as exc:
        raise DataError(f"cannot read the basemap {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: the basemap is not JSON ({exc.msg})") from None
    objects = topology.get("objects") if isinstance(topology, dict) else None
    if topology.get("type") != "Topology" or not isinstance(objects, dict) or "countries" not in objects:
        raise DataError(
            f"{path or BASEMAP}: not a kg basemap (a TopoJSON Topology with a 'countries' object, and 'areas'); "
            "make one with kg/templates/basemap/make-basemap.mjs"
        )
    return topology


def content_security_policy() -> str:
    """The policy a server should send with a page from :func:`draw` (the page also carries it in a meta tag)."""
    leaflet, topojson, app, _ = _assets()
    return policy([leaflet, topojson, app], images="'none'")  # the map draws no image, so it loads none


def render_html(
    data: Mapping[str, Any], *, title: str = "kg map", subtitle: str = "", topology: Mapping[str, Any] | None = None
) -> str:
    """The page for ``data`` (from :func:`map_data`) as one HTML string."""
    leaflet, topojson, app, css = _assets()
    topology = topology if topology is not None else load_basemap(None)
    placed = sum(1 for row in data["places"] if row.get("lat") is not None)
    counts = (
        f"{placed:,} places on the map · {len(data['events']):,} events · {len(data['movements']):,} movements · "
        f"{len(data['claims']):,} claims"
    )
    return template("map.html.j2").render(
        title=title,
        subtitle=subtitle,
        counts=counts,
        csp=policy([leaflet, topojson, app], images="'none'"),
        css=inline(css, "style"),
        leaflet_js=inline(leaflet, "script"),
        topojson_js=inline(topojson, "script"),
        app_js=inline(app, "script"),
        data_json=inline(script_json(data), "script"),
        basemap_json=inline(script_json(topology), "script"),
        leaflet_version=LEAFLET,
        topojson_version=TOPOJSON_CLIENT,
    )


def _without_images(css: str) -> str:
    """Leaflet's CSS without the rules that load images by URL: the page draws no image, and the policy loads none.

    >>> _without_images(".a{color:red}.leaflet-default-icon-path{background-image:url(images/marker-icon.png)}")
    '.a{color:red}'
    """
    return _IMAGE_RULE.sub("", css)


@cache
def _assets() -> tuple[str, str, str, str]:
    """Leaflet, topojson-client and the page script (source-map comments dropped), and the page's CSS."""
    folder = resources.files(__package__) / _TEMPLATES
    leaflet = without_source_map((folder / _LEAFLET_JS).read_text(encoding="utf-8"))
    topojson = without_source_map((folder / _TOPOJSON_JS).read_text(encoding="utf-8"))
    app = app_script("map.js")
    css = _without_images((folder / _LEAFLET_CSS).read_text(encoding="utf-8"))
    return leaflet, topojson, app, css + "\n" + (folder / "map.css").read_text(encoding="utf-8")
