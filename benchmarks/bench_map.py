"""How long a `kg map` page with 20,000 events takes to write and to draw, through the real path.

Writes a synthetic ACLED export (every row a change of territory at one of a few hundred
synthetic places scattered over Syria, so every row is an event at a place with a point and a
holding that :func:`kg.analysis.control` resolves), builds a store from it with the seed as
``kg build`` would, then measures:

- **write**: :func:`kg.map.draw` on that store (the saved queries ``places`` and
  ``event-places``, ``control``, the evidence of every claim, the page) and the page's size;
- **draw**: opening the page offline in headless Chromium until it is ready (every place drawn
  for the opening day, events in the window), then with every event shown ("at any date": the
  canvas aggregates them into clusters at low zoom), then zoomed in on the busiest place until
  the events in view are few enough to draw one by one (a place with more than two dozen stays
  one disc with their number), then dragging the day across the span.

Every place name, actor pairing and coordinate here is synthetic and says so; nothing is
asserted about timing (``tests/test_map_browser.py`` runs it at 2,500 rows so it cannot rot).
Run from the checkout::

    .venv/bin/python -m benchmarks.bench_map                 # 20,000 events
    .venv/bin/python -m benchmarks.bench_map --events 2000

The latest run (2 cores, shared; 20,000 rows, 411 places):

| 20,000 synthetic ACLED rows | |
|---|---:|
| `kg build` (the seed and the rows) | 19.7 s |
| write the page (`kg.map.draw`): of it, `kg.analysis.control` 7 s, the claims' evidence 5 s | 18.4 s |
| page size | 12.4 MB |
| open in headless Chromium until drawn (opening day, events within a day) | 0.98 s |
| show every event (aggregated on the canvas) | 0.27 s |
| zoom in on the busiest place (zoom 11) until its neighbours' events are points | 0.10 s |
| one step of the day slider (7-day window), drawn | 118 ms |
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.formats.acled import COLUMNS
from tests.browser import chromium, visit, wait_for

ACTORS = (
    ("Military Forces of Syria (2000-2024)", "1"),
    ("Hayat Tahrir al-Sham", "2"),
    ("Syrian National Army", "2"),
    ("Syrian Democratic Forces", "2"),
    ("Islamic State (Syria)", "2"),
)
SUB_EVENTS = (
    ("Strategic developments", "Non-state actor overtakes territory"),
    ("Strategic developments", "Government regains territory"),
)
"""ACLED's sub-event types that the importer reads as captures: each row an event at its place, and a holding."""
BOX = (35.8, 32.4, 41.9, 37.2)
"""West, south, east, north: inside Syria, within the shipped basemap."""


def synthetic_acled(path: Path, events: int, *, places: int = 400, seed: int = 1) -> Path:
    """An ACLED export of ``events`` synthetic rows of territory changing hands at ``places`` synthetic places."""
    rng = random.Random(seed)
    spots = [
        (f"Synthetic place {i}", round(rng.uniform(BOX[1], BOX[3]), 4), round(rng.uniform(BOX[0], BOX[2]), 4))
        for i in range(places)
    ]
    weights = [1 / (i + 1) ** 0.5 for i in range(places)]  # a few busy places and a long tail, as reporting has
    start = dt.date(2024, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(events):
            name, lat, lon = rng.choices(spots, weights)[0]
            actor, inter = ACTORS[rng.randrange(len(ACTORS))]
            event_type, sub_event = SUB_EVENTS[rng.randrange(len(SUB_EVENTS))]
            day = (start + dt.timedelta(days=rng.randrange(366))).isoformat()
            precision = rng.choice("1112")
            fatalities = rng.choice(["0", "0", "1", "2", "5", "12", "40"])
            row = {
                "event_id_cnty": f"SYN{i + 1}",
                "event_date": day,
                "year": day[:4],
                "time_precision": "1",
                "disorder_type": "Political violence",
                "event_type": event_type,
                "sub_event_type": sub_event,
                "actor1": actor,
                "inter1": inter,
                "interaction": "20",
                "iso": "760",
                "region": "Middle East",
                "country": "Syria",
                "admin1": "Synthetic governorate",
                "location": name,
                "latitude": str(lat),
                "longitude": str(lon),
                "geo_precision": precision,
                "source": "Synthetic fixture",
                "source_scale": "Other",
                "notes": f"[synthetic benchmark row {i + 1}] {actor} took control of {name}.",
                "fatalities": fatalities,
                "timestamp": "1733000000",
            }
            writer.writerow([row.get(column, "") for column in COLUMNS])
    return path


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def frames(page, n: int = 2) -> None:
    page.evaluate(
        "n => new Promise(done => { const step = k => (k ? requestAnimationFrame(() => step(k - 1)) : done()); "
        "step(n); })",
        n,
    )


def run(events: int, folder: Path, *, browser=None) -> dict[str, float | int | str]:
    """Build, write and draw a map of ``events`` synthetic rows in ``folder`` (in ``browser``, else a new Chromium)."""
    import kg
    from kg.map import draw
    from tests.helpers import ROOT

    data = folder / "data"
    shutil.copytree(ROOT / "data", data)
    synthetic_acled(data / "synthetic.acled.csv", events)
    build_s, _ = timed(lambda: kg.build([ROOT / "ontology", data], store_path=folder / "store"))
    store = kg.open_store(folder / "store")
    write_s, page = timed(lambda: draw(store, title=f"{events:,} synthetic events"))
    path = page.save(folder / "map.html")  # type: ignore[union-attr]
    result: dict[str, float | int | str] = {
        "events": page.events,  # type: ignore[union-attr]
        "places": page.places,  # type: ignore[union-attr]
        "build_s": build_s,
        "write_s": write_s,
        "size_mb": path.stat().st_size / 1e6,
    }
    if browser is None:
        with chromium() as started:
            return result | measure(started, path)
    return result | measure(browser, path)


def measure(browser, path: Path) -> dict[str, float | int | str]:
    """Open the page, show every event, zoom in, move the day: the timings, and what was drawn."""
    result: dict[str, float | int | str] = {}
    seen = visit(browser, path, timeout=300)
    result["open_s"] = seen.seconds
    page_ = seen.page
    start = time.perf_counter()
    page_.select_option("#window", "all")
    frames(page_)
    result["all_events_s"] = time.perf_counter() - start
    result["aggregated"] = page_.evaluate("document.getElementById('map').dataset.aggregated")
    busiest = page_.evaluate(
        """() => { const d = JSON.parse(document.getElementById('kg-data').textContent);
                   const p = d.places.reduce((a, b) => (b.events.length > a.events.length ? b : a));
                   return [p.lat, p.lon]; }"""
    )
    start = time.perf_counter()
    page_.evaluate("([lat, lon]) => { map.setView([lat, lon], 11, {animate: false}); }", busiest)
    wait_for(page_, "document.getElementById('map').dataset.aggregated === 'false'", time.perf_counter() + 120)
    frames(page_)
    result["zoom_in_s"] = time.perf_counter() - start
    result["zoomed_events"] = page_.evaluate(
        "() => { let n = 0; map.eachLayer(l => { if (l instanceof L.CircleMarker) n += 1; }); return n; }"
    )
    page_.select_option("#window", "7")
    maximum = int(page_.get_attribute("#day", "max") or 0)
    start = time.perf_counter()
    steps = 0
    for value in range(0, maximum + 1, max(1, maximum // 30)):
        page_.fill("#day", str(value))
        frames(page_)
        steps += 1
    result["slider_step_ms"] = 1000 * (time.perf_counter() - start) / max(1, steps)
    assert seen.requests == [] and seen.errors() == [], (seen.requests, seen.errors())
    page_.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-map-") as folder:
        result = run(args.events, Path(folder))
    print(f"| {args.events:,} synthetic ACLED rows | |")
    print("|---|---:|")
    print(f"| events drawn / places | {result['events']:,} / {result['places']:,} |")
    print(f"| `kg build` (the seed and the rows) | {result['build_s']:.1f} s |")
    print(f"| write the page (`kg.map.draw`) | {result['write_s']:.1f} s |")
    print(f"| page size | {result['size_mb']:.1f} MB |")
    print(f"| open in headless Chromium until drawn (opening day, events within a day) | {result['open_s']:.2f} s |")
    print(f"| show every event (aggregated: {result['aggregated']}) | {result['all_events_s']:.2f} s |")
    print(
        f"| zoom in on the busiest place (zoom 11): events drawn one by one ({result['zoomed_events']:,}), "
        f"a busy place as one disc | {result['zoom_in_s']:.2f} s |"
    )
    print(f"| one step of the day slider (7-day window), drawn | {result['slider_step_ms']:.0f} ms |")


if __name__ == "__main__":
    main()
