// The page script of a kg map: reads the JSON data and basemap blocks, draws them with Leaflet,
// and wires the day slider, the legends that filter, the tooltips and the evidence panel.
//
// Safety rule: data reaches the page only as text (textContent, properties of elements made
// here), never as markup, so a label or quote that looks like HTML is shown, not run. Leaflet's
// tooltips are handed elements built here, never strings (it would set a string as innerHTML).
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const topology = JSON.parse(document.getElementById("kg-basemap").textContent);
  const places = data.places;
  const actors = data.actors;
  const periods = data.periods;
  const events = data.events;
  const movements = data.movements;
  const claims = data.claims;
  const AGGREGATE_ABOVE = 1500; // events in view above this are drawn as clusters
  const CELL = 44; // cluster cell size, pixels
  const FAN = 24; // events at one place drawn one by one around it; more are one badge with their number
  const UNKNOWN = "#bdbdbd";
  const STATUS_WORDS = { held: "holds", contested: "holds, contested", encircled: "besieges", present: "present" };
  const MOVE_STYLE = { advancedOn: "", withdrewTo: "9 6", fledTo: "2 6" };

  // --- Small DOM helpers: text only -------------------------------------------------------

  const { el, clear, definitions, button } = kgDom; // kg/templates/dom.js, ahead of this script

  function placed(p) {
    return p.lat !== undefined && p.lat !== null;
  }

  function swatch(colour, className) {
    const s = el("span", "swatch" + (className ? " " + className : ""));
    s.style.background = colour;
    s.style.color = colour;
    return s;
  }

  // --- Days -----------------------------------------------------------------------------------

  function addDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function daysBetween(a, b) {
    return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 86400000);
  }

  function longDay(day) {
    const d = new Date(day + "T00:00:00Z");
    return d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  // --- State ----------------------------------------------------------------------------------

  const state = {
    day: data.day,
    datedOnly: Boolean(data.datedOnly),
    window: String(data.window),
    spanStart: data.range.start,
    spanEnd: data.range.end,
    hiddenHolders: new Set(), // actor indices, and -1 for "no known holder"
    hiddenKinds: new Set(),
    hiddenMoves: new Set(),
    selected: null, // {type: "place"|"event"|"movement", index}
    playing: null,
  };

  // Every day something starts or stops, for the previous/next-change buttons.
  const changes = Array.from(
    new Set(
      [].concat(
        periods.map((p) => p.from),
        periods.map((p) => p.until),
        events.map((e) => e.d),
        movements.map((m) => m.date),
      ),
    ),
  )
    .filter(Boolean)
    .sort();

  // --- Who holds what on a day: kg.analysis.control's as_of rule -----------------------------

  function inForce(period, day) {
    const begun = period.from <= day || (period.reported && !state.datedOnly);
    return begun && (!period.until || period.until > day);
  }

  function situation(index, day) {
    const s = { held: [], contested: [], encircled: [], present: [], rows: [] };
    for (const p of places[index].periods) {
      const period = periods[p];
      if (!inForce(period, day)) continue;
      s.rows.push(p);
      if (!s[period.status].includes(period.actor)) s[period.status].push(period.actor);
    }
    // control() marks a whole period "contested" when it overlaps an unallied holder's on some day; the
    // marker says contested only on the days two such holders are in force (the list shows control's status).
    s.holders = s.contested.concat(s.held.filter((a) => !s.contested.includes(a)));
    s.kind = s.contested.length > 1
      ? "contested"
      : s.holders.length
        ? s.encircled.length
          ? "held besieged"
          : "held"
        : s.encircled.length
          ? "unknown besieged"
          : s.present.length
            ? "present"
            : "unknown";
    return s;
  }

  function fill(colours) {
    if (!colours.length) return "#fff";
    if (colours.length === 1) return colours[0];
    const step = 100 / colours.length;
    return "conic-gradient(" + colours.map((c, i) => `${c} ${i * step}% ${(i + 1) * step}%`).join(", ") + ")";
  }

  // What an event is, in words: a dataset row's own type, else "actor relation place".
  function eventText(e) {
    const where = places[e.p].label;
    if (e.y !== undefined) return data.types[e.y] + " at " + where;
    return `${actors[e.a].label} ${data.kinds[e.k].label} ${where}`;
  }

  function names(list) {
    return list.map((a) => actors[a].label).join(", ");
  }

  function summary(s) {
    const parts = [];
    if (s.kind === "contested") parts.push("contested by " + names(s.holders));
    else if (s.holders.length) parts.push("held by " + names(s.holders));
    if (s.encircled.length) parts.push("besieged by " + names(s.encircled));
    if (s.present.length) parts.push(names(s.present) + " present");
    return parts.length ? parts.join("; ") : "no known holder";
  }

  function placeShown(index, s) {
    if (!s.holders.length) return !state.hiddenHolders.has(-1);
    return s.holders.some((a) => !state.hiddenHolders.has(a));
  }

  // --- The map and its basemap ----------------------------------------------------------------

  const map = L.map("map", { zoomSnap: 0.25, minZoom: 3, maxZoom: 13, worldCopyJump: false });
  window.map = map;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: Natural Earth (public domain)");
  const usesGeoNames = places.some((p) => p.from && p.from.kind === "geonames");
  if (usesGeoNames) map.attributionControl.addAttribution("Places: GeoNames (CC BY 4.0)");
  const datasets = data.datasets || [];
  if (datasets.includes("ACLED")) {
    map.attributionControl.addAttribution("Events: Armed Conflict Location &amp; Event Data (ACLED), acleddata.com");
  }
  if (datasets.includes("GDELT")) map.attributionControl.addAttribution("Events: the GDELT Project");
  const attributionNote = document.getElementById("attribution-note");
  attributionNote.textContent =
    "Sources of the map: boundaries from Natural Earth" +
    (usesGeoNames ? "; place coordinates from GeoNames (geonames.org, CC BY 4.0)" : "") +
    (datasets.includes("ACLED") ? "; event rows from ACLED (acleddata.com), whose terms ask for this attribution" : "") +
    (datasets.includes("GDELT") ? "; event rows from the GDELT Project" : "") +
    ".";

  const NoteControl = L.Control.extend({
    onAdd: function () {
      const box = el("div", "map-note", "Boundaries as Natural Earth draws them, de facto: the Golan inside Israel, Lebanon's pre-2014 governorates.");
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  new NoteControl({ position: "topright" }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);

  // The basemap sits in a pane of its own below the overlays, so the events' canvas and the arrows' SVG
  // are drawn over its opaque land.
  map.createPane("basemap").style.zIndex = 250;
  const basemapRenderer = L.svg({ pane: "basemap" });
  const canvas = L.canvas({ padding: 0.3 });
  const countries = topology.objects.countries ? topojson.feature(topology, topology.objects.countries) : null;
  const areas = topology.objects.areas ? topojson.feature(topology, topology.objects.areas) : null;
  const areaPlace = new Map(); // basemap key -> place index
  places.forEach((p, i) => {
    if (p.area) areaPlace.set(p.area, i);
  });
  const areaLayers = new Map(); // place index -> Leaflet layer

  function basemapLayer(collection, layer, code, style) {
    return L.geoJSON(collection, {
      style: style,
      pane: "basemap",
      renderer: basemapRenderer,
      interactive: true,
      onEachFeature: function (feature, shape) {
        const key = layer + ":" + feature.properties[code];
        const index = areaPlace.get(key);
        if (index === undefined) {
          shape.options.interactive = false;
          return;
        }
        areaLayers.set(index, shape);
        shape.bindTooltip(() => placeTip(index), { sticky: true, className: "kg-tip" });
        shape.on("click", () => select({ type: "place", index: index }));
      },
    });
  }

  if (countries) {
    basemapLayer(countries, "countries", "a3", { color: "#8f8a80", weight: 1.3, fillColor: "#f6f3ec", fillOpacity: 1 }).addTo(map);
  }
  if (areas) {
    basemapLayer(areas, "areas", "iso", { color: "#bdb6a8", weight: 0.7, fill: true, fillOpacity: 0 }).addTo(map);
  }
  if (countries) {
    for (const feature of countries.features) {
      const label = feature.properties.label;
      if (!label) continue;
      L.tooltip({ permanent: true, direction: "center", className: "country-label", interactive: false })
        .setLatLng([label[1], label[0]])
        .setContent(el("span", null, feature.properties.name))
        .addTo(map);
    }
  }
  const bbox = topology.bbox || [34, 29, 49, 38.5];
  // Open on what the data is about: the places with a holding or an event, and the places arrows join
  // (but not the countries they point at, whose inner points would pull the view wide).
  const moved = new Set([].concat(movements.map((m) => m.to), movements.filter((m) => m.from !== undefined).map((m) => m.from)));
  const inBox = (p) => p.lon >= bbox[0] && p.lat >= bbox[1] && p.lon <= bbox[2] && p.lat <= bbox[3];
  const busy = places.filter(
    (p, i) => placed(p) && (p.periods.length || p.events.length || (moved.has(i) && p.precision !== "area")),
  );
  // Places beyond the basemap (Moscow, where Assad fled) stay reachable from the list, outside the first view.
  const focus = busy.some(inBox) ? busy.filter(inBox) : busy;
  if (focus.length) {
    map.fitBounds(L.latLngBounds(focus.map((p) => [p.lat, p.lon])).pad(0.3), { maxZoom: 9 });
  } else {
    map.fitBounds([
      [bbox[1], bbox[0]],
      [bbox[3], bbox[2]],
    ]);
  }

  // --- Places ---------------------------------------------------------------------------------

  const markers = []; // by place index: {marker, root, dot, ring}
  const placeLayer = L.layerGroup().addTo(map);
  places.forEach((p, i) => {
    if (!placed(p)) return;
    // A country or region drawn at its area's or a derived point gets a marker only when it is held or besieged:
    // otherwise its outline (or nothing) stands for it, and arrows and events still use the point.
    if ((p.precision === "area" || p.precision === "derived") && !p.periods.length) return;
    const root = el("div", "kg-place-inner");
    root.dataset.place = p.id;
    const dot = el("span", "dot");
    const ring = el("span", "ring");
    root.append(ring, dot, el("span", "name", p.label));
    const icon = L.divIcon({ className: "kg-place", html: root, iconSize: [18, 18], iconAnchor: [9, 9] });
    const marker = L.marker([p.lat, p.lon], { icon: icon, keyboard: true, title: "", riseOnHover: true });
    marker.bindTooltip(() => placeTip(i), { direction: "top", offset: [0, -10], className: "kg-tip" });
    marker.on("click", () => select({ type: "place", index: i }));
    markers[i] = { marker: marker, root: root, dot: dot, ring: ring, shown: false };
  });

  function drawPlaces() {
    const day = state.day;
    let drawn = 0;
    places.forEach((p, i) => {
      const m = markers[i];
      const s = situation(i, day);
      const shown = placeShown(i, s);
      if (m) {
        m.dot.style.background = fill(s.holders.map((a) => actors[a].color));
        m.ring.style.borderColor = s.encircled.length ? actors[s.encircled[0]].color : "";
        m.root.className = "kg-place-inner " + s.kind + (isSelected("place", i) ? " selected" : "");
        m.root.dataset.state = s.kind;
        if (shown && !m.shown) placeLayer.addLayer(m.marker);
        if (!shown && m.shown) placeLayer.removeLayer(m.marker);
        m.shown = shown;
        if (shown) drawn += 1;
      }
      const area = areaLayers.get(i);
      if (area && p.periods.length) {
        const colours = s.holders.map((a) => actors[a].color);
        area.setStyle({ fillColor: colours[0] || "#f6f3ec", fillOpacity: colours.length ? 0.25 : area.options.fillOpacity });
      }
    });
    document.getElementById("map").classList.toggle("no-labels", drawn > 80 && map.getZoom() < 8);
  }

  // --- Events ---------------------------------------------------------------------------------

  const eventLayer = L.layerGroup().addTo(map);

  function inWindow(first, last) {
    if (state.window === "all") return true;
    const w = Number(state.window);
    return first <= addDays(state.day, w) && (last || first) >= addDays(state.day, -w);
  }

  function visibleEvents() {
    const shown = [];
    events.forEach((e, i) => {
      if (!state.hiddenKinds.has(e.k) && inWindow(e.d, e.l)) shown.push(i);
    });
    return shown;
  }

  function eventStyle(e) {
    const p = places[e.p];
    const colour = data.kinds[e.k].color;
    const radius = e.f ? Math.min(24, 4 + 2 * Math.sqrt(e.f)) : 4.5;
    const style = { renderer: canvas, radius: radius, color: colour, fillColor: colour, weight: 1.5, fillOpacity: 0.75, bubblingMouseEvents: false };
    if (p.precision === "region") Object.assign(style, { radius: radius + 4, fill: false, weight: 2.5 });
    else if (p.precision === "area" || p.precision === "derived") Object.assign(style, { radius: radius + 6, fill: false, weight: 2, dashArray: "3 4" });
    return style;
  }

  function drawEvents() {
    eventLayer.clearLayers();
    const shown = visibleEvents();
    const bounds = map.getBounds().pad(0.25);
    const inView = shown.filter((i) => bounds.contains([places[events[i].p].lat, places[events[i].p].lon]));
    if (inView.length > AGGREGATE_ABOVE) {
      drawClusters(inView);
    } else {
      // Events at one place fan out around it, so none hides another.
      const byPlace = new Map();
      for (const i of inView) {
        const list = byPlace.get(events[i].p) || [];
        list.push(i);
        byPlace.set(events[i].p, list);
      }
      for (const [p, list] of byPlace) {
        if (list.length > FAN) {
          eventLayer.addLayer(clusterMarker(list, () => select({ type: "place", index: p })));
          continue;
        }
        const centre = map.latLngToLayerPoint([places[p].lat, places[p].lon]);
        // Around the place's marker (not on it): the first at its upper right, the rest round the circle.
        list.forEach((i, k) => {
          const angle = (2 * Math.PI * k) / list.length - Math.PI / 4;
          const r = 14 + 2 * (list.length - 1);
          const at = map.layerPointToLatLng(centre.add([r * Math.cos(angle), r * Math.sin(angle)]));
          const marker = L.circleMarker(at, eventStyle(events[i]));
          marker.bindTooltip(() => eventTip(i), { className: "kg-tip" });
          marker.on("click", () => select({ type: "event", index: i }));
          eventLayer.addLayer(marker);
        });
      }
    }
    document.getElementById("map").dataset.events = String(shown.length);
    document.getElementById("map").dataset.aggregated = String(inView.length > AGGREGATE_ABOVE);
  }

  function drawClusters(indices) {
    const cells = new Map();
    for (const i of indices) {
      const e = events[i];
      const point = map.latLngToLayerPoint([places[e.p].lat, places[e.p].lon]);
      const key = Math.floor(point.x / CELL) + ":" + Math.floor(point.y / CELL);
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { members: [], x: 0, y: 0 }));
      cell.members.push(i);
      cell.x += point.x;
      cell.y += point.y;
    }
    for (const cell of cells.values()) {
      const n = cell.members.length;
      const at = map.layerPointToLatLng([cell.x / n, cell.y / n]);
      eventLayer.addLayer(
        clusterMarker(cell.members, () => {
          const bounds = L.latLngBounds(cell.members.map((i) => [places[events[i].p].lat, places[events[i].p].lon]));
          map.fitBounds(bounds.pad(0.2), { maxZoom: map.getZoom() + 3 });
        }, at),
      );
    }
  }

  // A disc with the number of events it stands for: a cell of the grid at low zoom, or one busy place.
  function clusterMarker(members, onClick, at) {
    const n = members.length;
    const first = places[events[members[0]].p];
    const size = Math.round(Math.min(54, 18 + 5 * Math.sqrt(n)));
    const face = el("span", null, n > 999 ? Math.round(n / 100) / 10 + "k" : String(n));
    const icon = L.divIcon({ className: "kg-cluster", html: face, iconSize: [size, size] });
    const marker = L.marker(at || [first.lat, first.lon], { icon: icon, keyboard: false });
    marker.bindTooltip(() => clusterTip(members), { className: "kg-tip" });
    marker.on("click", onClick);
    return marker;
  }

  // --- Movements ------------------------------------------------------------------------------

  const moveLayer = L.layerGroup().addTo(map);

  function visibleMovements() {
    const shown = [];
    movements.forEach((m, i) => {
      if (!state.hiddenMoves.has(m.kind) && inWindow(m.date, m.last)) shown.push(i);
    });
    return shown;
  }

  function drawMovements() {
    moveLayer.clearLayers();
    const seen = new Map(); // arrows between the same two points are drawn side by side
    for (const i of visibleMovements()) {
      const m = movements[i];
      let to = map.latLngToLayerPoint([places[m.to].lat, places[m.to].lon]);
      let from;
      if (m.from !== undefined && m.from !== null) from = map.latLngToLayerPoint([places[m.from].lat, places[m.from].lon]);
      else from = to.add([0, -52]);
      const length = Math.max(1, from.distanceTo(to));
      const ux = (to.x - from.x) / length;
      const uy = (to.y - from.y) / length;
      const pair = m.to + ":" + (m.from === undefined ? "" : m.from);
      const k = seen.get(pair) || 0;
      seen.set(pair, k + 1);
      const side = k === 0 ? 0 : (k % 2 ? 1 : -1) * 6 * Math.ceil(k / 2);
      from = from.add([-uy * side, ux * side]);
      to = to.add([-uy * side, ux * side]);
      const start = from.add([ux * 12, uy * 12]);
      const tip = to.add([-ux * 12, -uy * 12]);
      const base = tip.add([-ux * 13, -uy * 13]);
      const colour = actors[m.actor].holder ? actors[m.actor].color : "#333";
      const options = { color: colour, weight: 3.5, opacity: 0.9, dashArray: MOVE_STYLE[m.kind] || null, bubblingMouseEvents: false };
      const line = L.polyline([map.layerPointToLatLng(start), map.layerPointToLatLng(base)], options);
      const head = L.polygon(
        [tip, base.add([-uy * 7, ux * 7]), base.add([uy * 7, -ux * 7])].map((p) => map.layerPointToLatLng(p)),
        { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.95, bubblingMouseEvents: false },
      );
      for (const shape of [line, head]) {
        shape.bindTooltip(() => movementTip(i), { sticky: true, className: "kg-tip" });
        shape.on("click", () => select({ type: "movement", index: i }));
        moveLayer.addLayer(shape);
      }
    }
  }

  // --- Tooltips -------------------------------------------------------------------------------

  function placeTip(index) {
    const p = places[index];
    const s = situation(index, state.day);
    const box = el("div");
    const head = el("div");
    head.append(el("span", "who", p.label), el("span", "status", p.type));
    box.append(head, el("div", null, state.day + ": " + summary(s)));
    if (p.from) box.append(el("div", "status", "point: " + p.from.text));
    const count = p.periods.length;
    box.append(el("div", "status", `${count} control period${count === 1 ? "" : "s"}, ${p.events.length} events · click for the evidence`));
    return box;
  }

  function eventTip(index) {
    const e = events[index];
    const box = el("div");
    box.append(el("div", "who", eventText(e)));
    const facts = [e.d + (e.l && e.l !== e.d ? " to " + e.l : ""), data.kinds[e.k].label];
    if (e.f !== undefined) facts.push(e.f + " killed");
    facts.push(e.c.length + " claim" + (e.c.length === 1 ? "" : "s"));
    box.append(el("div", "status", facts.join(" · ")));
    const first = claims[e.c[0]];
    if (first) box.append(el("blockquote", null, first.quote));
    return box;
  }

  function clusterTip(members) {
    const counts = new Map();
    for (const i of members) counts.set(events[i].k, (counts.get(events[i].k) || 0) + 1);
    const box = el("div");
    box.append(el("div", "who", members.length + " events here"));
    for (const [k, n] of Array.from(counts).sort((a, b) => b[1] - a[1]).slice(0, 6)) {
      box.append(el("div", "status", n + " " + data.kinds[k].label));
    }
    const here = new Set(members.map((i) => events[i].p));
    box.append(el("div", "status", here.size === 1 ? "at " + places[events[members[0]].p].label + ": click for them all" : "click to zoom in"));
    return box;
  }

  function movementTip(index) {
    const m = movements[index];
    const box = el("div");
    box.append(el("div", "who", `${actors[m.actor].label} ${m.label} ${places[m.to].label}`));
    box.append(el("div", "status", m.date + " · " + originText(m)));
    return box;
  }

  function originText(m) {
    if (m.origin === "stated") return "from " + places[m.from].label + ", as the same source says";
    if (m.origin === "inferred") return "from " + places[m.from].label + ": not stated; the nearest place it held the day before";
    return "from where, the sources do not say";
  }

  // --- The evidence panel --------------------------------------------------------------------

  const details = document.getElementById("details");

  function isSelected(type, index) {
    return state.selected && state.selected.type === type && state.selected.index === index;
  }

  function select(choice) {
    state.selected = choice;
    showDetails();
    drawPlaces();
    markRows();
  }

  function claimBlock(c) {
    const claim = claims[c];
    const box = el("div", "claim");
    box.append(el("blockquote", null, claim.quote));
    const source = data.sources[claim.source];
    const claimant = data.claimants[claim.claimant];
    const meta = [claimant || "(claimant not named)", source ? source.title : "", claim.date, claim.grade].filter(Boolean);
    box.append(el("div", "meta", meta.join(" · ")));
    if (claim.reason !== undefined) box.append(el("div", "meta", "grade: " + data.reasons[claim.reason]));
    box.append(el("div", "meta", claim.id + (claim.open ? " · reported without a start: since before " + claim.date : "")));
    return box;
  }

  function periodText(period) {
    const from = period.reported ? "since before " + period.from : "from " + period.from;
    return from + (period.until ? " until " + period.until : "");
  }

  function showDetails() {
    clear(details);
    const choice = state.selected;
    if (!choice) {
      details.append(el("p", "hint", "Hover over a place, an event or an arrow for a summary; click it for its control periods and every claim behind them."));
      return;
    }
    if (choice.type === "place") showPlace(choice.index);
    else if (choice.type === "event") showEvent(choice.index);
    else showMovement(choice.index);
  }

  function showPlace(index) {
    const p = places[index];
    const s = situation(index, state.day);
    details.append(el("h3", null, p.label));
    const point =
      p.lat !== undefined && p.lat !== null
        ? `${p.lat.toFixed(3)}, ${p.lon.toFixed(3)}` + (p.from ? " (" + p.from.text + ")" : "")
        : "not on the map: no point, no basemap area";
    details.append(
      definitions([
        ["type", p.type],
        ["on " + state.day, summary(s)],
        ["point", point],
        ["note", p.note],
        ["GeoNames", p.geonames],
        ["Wikidata", p.wikidata],
        ["id", p.id],
      ]),
    );
    details.append(el("h4", null, "Control periods"));
    if (!p.periods.length) details.append(el("p", "hint", "No capture, control, siege or withdrawal here is claimed."));
    for (const i of p.periods) {
      const period = periods[i];
      const now = inForce(period, state.day);
      const box = el("div", "period" + (now ? " now" : " off"));
      const head = el("div", "head");
      head.append(swatch(actors[period.actor].color), document.createTextNode(" " + actors[period.actor].label + " "));
      head.append(el("span", "badge", STATUS_WORDS[period.status] || period.status), el("span", "badge", period.grade));
      if (now) head.append(el("span", "badge", "on " + state.day));
      box.append(head);
      box.append(el("div", "meta", periodText(period) + " · by " + period.basis));
      if (period.rivals) box.append(el("div", "meta", "contested with " + names(period.rivals)));
      for (const c of period.claims) box.append(claimBlock(c));
      if (period.ended) {
        box.append(el("div", "meta", "ended: " + period.ended.how));
        for (const c of period.ended.claims) box.append(claimBlock(c));
      }
      details.append(box);
    }
    const here = p.events.slice();
    if (here.length) details.append(el("h4", null, "Events here"));
    for (const i of here) {
      const e = events[i];
      const box = el("div", "event-row" + (inWindow(e.d, e.l) ? "" : " off"));
      box.append(el("div", "head", e.d + " · " + eventText(e)));
      for (const c of e.c) box.append(claimBlock(c));
      details.append(box);
    }
    const moves = movements.map((m, i) => i).filter((i) => movements[i].to === index || movements[i].from === index);
    if (moves.length) details.append(el("h4", null, "Movements"));
    for (const i of moves) {
      const m = movements[i];
      const box = el("div", "event-row" + (inWindow(m.date, m.last) ? "" : " off"));
      box.append(el("div", "head", `${m.date} · ${actors[m.actor].label} ${m.label} ${places[m.to].label}`));
      box.append(el("div", "meta", originText(m)));
      for (const c of m.claims) box.append(claimBlock(c));
      details.append(box);
    }
  }

  function showEvent(index) {
    const e = events[index];
    const p = places[e.p];
    details.append(el("h3", null, eventText(e)));
    details.append(
      definitions([
        ["when", e.d + (e.l && e.l !== e.d ? " to " + e.l : "")],
        ["kind", data.kinds[e.k].label],
        ["where", p.label],
        ["point", p.from ? p.from.text + " (" + p.precision + ")" : p.precision],
        ["fatalities", e.f],
        ["from a dataset row", e.y !== undefined ? "yes" : ""],
      ]),
    );
    details.append(button("show " + p.label, () => select({ type: "place", index: e.p })));
    for (const c of e.c) details.append(claimBlock(c));
  }

  function showMovement(index) {
    const m = movements[index];
    details.append(el("h3", null, `${actors[m.actor].label} ${m.label} ${places[m.to].label}`));
    details.append(definitions([["when", m.date + (m.last !== m.date ? " to " + m.last : "")], ["origin", originText(m)]]));
    for (const c of m.claims) details.append(claimBlock(c));
  }

  // --- Legends --------------------------------------------------------------------------------

  function checkbox(label, colour, count, checked, onChange, swatchClass) {
    const li = el("li");
    const lab = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.autocomplete = "off";
    box.addEventListener("change", () => onChange(box.checked));
    lab.append(box, swatch(colour, swatchClass), el("span", "name", label));
    if (count !== undefined) lab.append(el("span", "count", count));
    li.append(lab);
    return li;
  }

  function buildLegends() {
    const holders = document.getElementById("holder-legend");
    actors.forEach((a, i) => {
      if (!a.holder) return;
      const count = new Set(periods.filter((p) => p.actor === i && (p.status === "held" || p.status === "contested")).map((p) => p.place)).size;
      holders.append(
        checkbox(a.label, a.color, count, true, (on) => {
          if (on) state.hiddenHolders.delete(i);
          else state.hiddenHolders.add(i);
          update();
        }),
      );
    });
    holders.append(
      checkbox("no known holder", UNKNOWN, undefined, true, (on) => {
        if (on) state.hiddenHolders.delete(-1);
        else state.hiddenHolders.add(-1);
        update();
      }),
    );
    const key = document.getElementById("status-key");
    for (const [text, className] of [
      ["held (split when held jointly)", "held"],
      ["contested: two holders, not allied", "contested"],
      ["besieged: dotted ring in the besieger's colour", "held besieged"],
      ["present only (withdrew there)", "present"],
      ["no known holder", "unknown"],
    ]) {
      const li = el("li");
      const icon = el("span", "kg-place-inner " + className);
      const dot = el("span", "dot");
      dot.style.background = className === "unknown" || className === "present" ? "#fff" : className === "held" ? fill(["#1f77b4", "#d62728"]) : "#888";
      icon.append(el("span", "ring"), dot);
      li.append(icon, el("span", null, text));
      key.append(li);
    }
    const kinds = document.getElementById("kind-legend");
    data.kinds.forEach((k, i) => {
      kinds.append(
        checkbox(k.label, k.color, k.count, true, (on) => {
          if (on) state.hiddenKinds.delete(i);
          else state.hiddenKinds.add(i);
          drawEvents();
        }),
      );
    });
    if (!data.kinds.length) kinds.append(el("li", "note", "No event at a place with a point."));
    const precision = document.getElementById("precision-key");
    for (const text of [
      "filled: at the place's own point; size by fatalities where known",
      "ring: a point standing for a region",
      "dashed ring: an area's or a derived point",
    ]) {
      precision.append(el("li", null, text));
    }
    const moveKinds = Array.from(new Set(movements.map((m) => m.kind)));
    const moves = document.getElementById("movement-legend");
    for (const kind of moveKinds) {
      const m = movements.find((x) => x.kind === kind);
      const count = movements.filter((x) => x.kind === kind).length;
      const style = MOVE_STYLE[kind] === "" ? "" : MOVE_STYLE[kind] === "2 6" ? "dotted" : "dashed";
      moves.append(
        checkbox(m.label, "#333", count, true, (on) => {
          if (on) state.hiddenMoves.delete(kind);
          else state.hiddenMoves.add(kind);
          drawMovements();
        }, "line " + style),
      );
    }
    if (!moveKinds.length) moves.append(el("li", "note", "No withdrawal, flight or advance to a place with a point."));
    const origins = document.getElementById("origin-key");
    origins.append(
      el("li", null, "An arrow starts where the same source says the actor came from; an advance without one starts at the nearest place the actor held the day before (marked as inferred); a short arrow from above means the origin is not reported."),
    );
  }

  // --- The places list ------------------------------------------------------------------------

  const tbody = document.querySelector("#places tbody");
  const rows = [];

  function buildPlaces() {
    places.forEach((p, i) => {
      if (!p.periods.length && !p.events.length && !movements.some((m) => m.to === i || m.from === i)) return;
      const tr = el("tr");
      tr.dataset.place = p.id;
      const name = el("td");
      name.append(button(p.label, () => {
        select({ type: "place", index: i });
        if (p.lat !== undefined && p.lat !== null) map.panTo([p.lat, p.lon]);
      }));
      if (p.lat === undefined || p.lat === null) name.append(el("span", "status", "not on the map"));
      const who = el("td");
      tr.append(name, who);
      tbody.append(tr);
      rows.push({ index: i, tr: tr, who: who });
    });
    const unplaced = places.filter((p) => p.lat === undefined || p.lat === null).map((p) => p.label);
    document.getElementById("unplaced").textContent = unplaced.length
      ? "Not on the map (no point and no basemap area): " + unplaced.join(", ") + ". kg geocode proposes points."
      : "";
  }

  function drawRows() {
    document.getElementById("places-day").textContent = state.day;
    for (const row of rows) {
      const s = situation(row.index, state.day);
      clear(row.who);
      const list = el("ul");
      for (const status of ["contested", "held", "encircled", "present"]) {
        for (const a of s[status]) {
          const li = el("li", "holder");
          li.dataset.status = status;
          li.append(swatch(actors[a].color), document.createTextNode(" "), el("span", "who", actors[a].label), el("span", "status", STATUS_WORDS[status]));
          list.append(li);
        }
      }
      if (!list.firstChild) list.append(el("li", "status none", "no known holder"));
      row.who.append(list);
      row.tr.classList.toggle("hidden", !placeShown(row.index, s));
    }
    markRows();
  }

  function markRows() {
    for (const row of rows) row.tr.classList.toggle("selected", isSelected("place", row.index));
  }

  // --- Time controls --------------------------------------------------------------------------

  const slider = document.getElementById("day");
  const output = document.getElementById("day-value");
  const spanStart = document.getElementById("span-start");
  const spanEnd = document.getElementById("span-end");

  function setSpan(start, end) {
    if (end < start) [start, end] = [end, start];
    state.spanStart = start;
    state.spanEnd = end;
    spanStart.value = start;
    spanEnd.value = end;
    slider.max = String(daysBetween(start, end));
    if (state.day < start) state.day = start;
    if (state.day > end) state.day = end;
    slider.value = String(daysBetween(start, state.day));
  }

  function setDay(day) {
    if (day < state.spanStart || day > state.spanEnd) setSpan(day < state.spanStart ? day : state.spanStart, day > state.spanEnd ? day : state.spanEnd);
    state.day = day;
    slider.value = String(daysBetween(state.spanStart, day));
    update();
  }

  let pending = false;
  slider.addEventListener("input", () => {
    state.day = addDays(state.spanStart, Number(slider.value));
    output.textContent = longDay(state.day);
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        update();
      });
    }
  });
  document.getElementById("step-back").addEventListener("click", () => setDay(addDays(state.day, -1)));
  document.getElementById("step-forward").addEventListener("click", () => setDay(addDays(state.day, 1)));
  document.getElementById("prev-change").addEventListener("click", () => {
    const before = changes.filter((d) => d < state.day);
    if (before.length) setDay(before[before.length - 1]);
  });
  document.getElementById("next-change").addEventListener("click", () => {
    const after = changes.find((d) => d > state.day);
    if (after) setDay(after);
  });
  const play = document.getElementById("play");
  function stop() {
    if (state.playing) clearTimeout(state.playing);
    state.playing = null;
    play.setAttribute("aria-pressed", "false");
    play.textContent = "\u25B6 play";
  }
  function tick() {
    if (state.day >= state.spanEnd) return stop();
    setDay(addDays(state.day, 1));
    state.playing = setTimeout(tick, 800);
  }
  play.addEventListener("click", () => {
    if (state.playing) return stop();
    if (state.day >= state.spanEnd) setDay(state.spanStart);
    play.setAttribute("aria-pressed", "true");
    play.textContent = "\u275A\u275A pause";
    state.playing = setTimeout(tick, 800);
  });
  spanStart.addEventListener("change", () => spanStart.value && (setSpan(spanStart.value, state.spanEnd), update()));
  spanEnd.addEventListener("change", () => spanEnd.value && (setSpan(state.spanStart, spanEnd.value), update()));
  document.getElementById("span-all").addEventListener("click", () => {
    setSpan(data.range.first < state.spanStart ? data.range.first : state.spanStart, data.range.last > state.spanEnd ? data.range.last : state.spanEnd);
    update();
  });
  const datedOnly = document.getElementById("dated-only");
  datedOnly.checked = state.datedOnly;
  datedOnly.addEventListener("change", () => {
    state.datedOnly = datedOnly.checked;
    update();
  });
  const windowSelect = document.getElementById("window");
  windowSelect.value = state.window;
  windowSelect.addEventListener("change", () => {
    state.window = windowSelect.value;
    update();
  });

  // --- Drawing everything for the day ----------------------------------------------------------

  function update() {
    output.textContent = longDay(state.day);
    drawPlaces();
    drawEvents();
    drawMovements();
    drawRows();
    if (state.selected) showDetails();
    document.documentElement.dataset.day = state.day;
  }

  // A zoom ends with a move too: events (aggregated by screen cells) are redrawn once, on the move.
  map.on("zoomend", () => {
    drawMovements();
    drawPlaces();
  });
  map.on("moveend", drawEvents);

  buildLegends();
  buildPlaces();
  setSpan(state.spanStart, state.spanEnd);
  update();
  // A small API for notebooks and tests: the Leaflet map is window.map; this moves the day and opens a place.
  window.kgMap = {
    setDay: setDay,
    day: () => state.day,
    select: (id) => {
      const index = places.findIndex((p) => p.id === id);
      if (index >= 0) select({ type: "place", index: index });
    },
  };
  document.documentElement.dataset.state = "ready";
})();
