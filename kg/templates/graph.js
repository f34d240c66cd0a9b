// The page script of a kg graph: reads the JSON data block, draws it with vis-network and
// wires the search box, filters, tooltips and evidence panel.
//
// Safety rule: data reaches the page only as text (textContent, properties of elements made
// here), never as markup, so a label or quote that looks like HTML is shown, not run.
(function () {
  "use strict";

  performance.mark("kg:start");
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg:parsed");
  const nodes = data.nodes;
  const edges = data.edges;
  const LABEL = "#222";
  const VEIL = "rgba(255, 255, 255, 0.85)";

  // --- Small DOM helpers: text only -------------------------------------------------------

  const { el, clear, definitions, button } = kgDom; // kg/templates/dom.js, ahead of this script

  // --- The network --------------------------------------------------------------------------

  // What the filters test, per edge: one span per claim it cites, or the spans of its summary
  // (date, last day, grade, open) when the page does not have its claims (source and claimant -1).
  const spans = edges.map((edge) =>
    edge.claims
      ? edge.claims.map((c) => {
          const claim = data.claims[c];
          return {
            date: claim.date || "",
            until: claim.until || "",
            grade: claim.reliability || "",
            open: Boolean(claim.open),
            source: claim.source,
            claimant: claim.claimant,
          };
        })
      : (edge.spans || []).map(([date, until, grade, open]) => ({
          date: date || "",
          until: until || "",
          grade: grade || "",
          open: Boolean(open),
          source: -1,
          claimant: -1,
        })),
  );

  // --- What is in view ------------------------------------------------------------------------

  // The filters' state; the view below is computed from it and the data, and apply() hands the
  // differences to vis-network.
  const state = {
    asOf: null,
    datedOnly: false,
    floor: null,
    selected: null,
    hideIsolated: true,
    colourBy: "predicate",
  };
  const typeOn = data.types.map(() => true);
  const predicateOn = data.predicates.map(() => true);
  const sourceOn = data.sources.map(() => true);
  const claimantOn = data.claimants.map(() => true);

  // Inferred relations are dashed; relations in view only as "since before" (every claim of
  // theirs in view is a state reported without a start) are dotted; both, dash-dot.
  const DASH_INFERRED = [6, 5];
  const DASH_SINCE_BEFORE = [2, 6];
  const DASH_BOTH = [10, 4, 2, 4];

  function dashesOf(edge, sinceBefore) {
    if (edge.inferred) return sinceBefore ? DASH_BOTH : DASH_INFERRED;
    return sinceBefore ? DASH_SINCE_BEFORE : false;
  }

  // A claim is in effect on day D when it has begun, by its own date or as "since before" a
  // date (unless dated only), and has not ended: (date <= D || (open && !datedOnly)) && (!until
  // || until >= D). The rule of kg.project.edges_frame(as_of=D, dated_only=...).
  function spanHolds(span, narrowed) {
    if (state.asOf !== null) {
      const begun = (span.date !== "" && span.date <= state.asOf) || (span.open && !state.datedOnly);
      if (!begun || (span.until !== "" && span.until < state.asOf)) return false;
    }
    if (state.floor !== null && !(span.grade && span.grade[0] <= state.floor[0] && span.grade[1] <= state.floor[1])) {
      return false;
    }
    // A span from a summary has no known source or claimant: it passes only while none is unchecked.
    if (span.source < 0 ? narrowed.sources : !sourceOn[span.source]) return false;
    if (span.claimant < 0 ? narrowed.claimants : !claimantOn[span.claimant]) return false;
    return true;
  }

  // One colour for the claims in view: theirs when they agree, MIXED when they do not.
  function colourOf(passing, key, rows) {
    let found = -1;
    for (const span of passing) {
      if (span[key] < 0) continue;
      if (found >= 0 && span[key] !== found) return data.colours.mixed;
      found = span[key];
    }
    return found >= 0 ? rows[found].color : data.colours.unclaimed;
  }

  // Mirrors kg.project.to_networkx: an edge stays when one of its claims passes every filter
  // (time, reliability, source, claimant); an edge without claims (a transitive inference) is
  // timeless, has no grade, no source and no claimant. It is "since before" when no claim in
  // view has a start of its own (the projection's since_before); `since` is then the earliest
  // date of those claims ("" if none has one), else null.
  function edgeView(edge, j, narrowed) {
    const hidden = { shown: false, since: null, colour: null };
    if (!predicateOn[edge.predicate] || !typeOn[nodes[edge.from].type] || !typeOn[nodes[edge.to].type]) return hidden;
    const predicateColour = data.predicates[edge.predicate].color;
    if (spans[j].length === 0) {
      const shown = state.floor === null && !narrowed.sources && !narrowed.claimants;
      const colour = state.colourBy === "predicate" ? predicateColour : data.colours.unclaimed;
      return shown ? { shown, since: null, colour } : hidden;
    }
    const passing = spans[j].filter((span) => spanHolds(span, narrowed));
    if (passing.length === 0) return hidden;
    let since = null;
    if (!passing.some((span) => !span.open && span.date !== "")) {
      since = passing.reduce((first, span) => (span.date && (!first || span.date < first) ? span.date : first), "");
    }
    let colour = predicateColour;
    if (state.colourBy === "source") colour = colourOf(passing, "source", data.sources);
    else if (state.colourBy === "claimant") colour = colourOf(passing, "claimant", data.claimants);
    return { shown: true, since, colour };
  }

  const incident = nodes.map(() => []);
  edges.forEach((edge, i) => {
    incident[edge.from].push(i);
    if (edge.to !== edge.from) incident[edge.to].push(i);
  });

  // With "hide entities with no relation in view" on (the default), an entity is shown when its
  // type is checked and at least one of its relations is shown; off, whenever its type is checked.
  function nodeVisible(i, edgeShown) {
    if (!typeOn[nodes[i].type]) return false;
    return !state.hideIsolated || incident[i].some((j) => edgeShown[j]);
  }

  function computeView() {
    const narrowed = { sources: sourceOn.includes(false), claimants: claimantOn.includes(false) };
    const views = edges.map((edge, j) => edgeView(edge, j, narrowed));
    const shownEdges = views.map((v) => v.shown);
    return {
      edges: shownEdges,
      since: views.map((v) => v.since),
      colours: views.map((v) => v.colour),
      nodes: nodes.map((_, i) => nodeVisible(i, shownEdges)),
    };
  }

  // What vis-network has now: apply() sends it only what changed.
  const initial = computeView();
  let edgeShown = initial.edges;
  let nodeShown = initial.nodes;
  let edgeSince = initial.since;
  const edgeDashes = edges.map((edge, j) => dashesOf(edge, edgeSince[j] !== null));
  const edgeColour = initial.colours.map((colour, j) => colour || data.predicates[edges[j].predicate].color);

  // Only what differs from the defaults in the options below is set per item: vis-network
  // merges every item's options on creation and update, which is most of the time a large graph
  // takes. So styles live in the options, and the neighbourhood highlight is painted over the
  // picture (see "Highlight") instead of restyling every other item.
  const nodeSet = new vis.DataSet(
    nodes.map((node, i) => {
      const type = data.types[node.type];
      const item = { id: i, label: node.label, shape: type.shape, color: type.color, size: node.size, x: node.x, y: node.y };
      if (!nodeShown[i]) item.hidden = true;
      return item;
    }),
  );
  const edgeSet = new vis.DataSet(
    edges.map((edge, j) => {
      const item = { id: j, from: edge.from, to: edge.to, color: edgeColour[j] };
      if (!data.large) item.label = data.predicates[edge.predicate].label;
      if (edgeDashes[j]) item.dashes = edgeDashes[j];
      if (!edgeShown[j]) item.hidden = true;
      if (!data.large && edge.bend) {
        item.smooth = { enabled: true, type: edge.bend > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(edge.bend) };
      }
      return item;
    }),
  );

  const options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 1 },
    nodes: {
      borderWidth: 1,
      borderWidthSelected: 3,
      font: { size: 14, color: LABEL, strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { drawThreshold: 7 } },
    },
    edges: {
      width: 1.5,
      smooth: false,
      arrows: { to: { enabled: true, scaleFactor: 0.6 } },
      font: { size: 11, color: "#444", align: "middle", strokeWidth: 3, strokeColor: "#ffffff" },
    },
    interaction: {
      hover: true,
      tooltipDelay: 3600000, // items have no title, so vis-network's popup never shows; the page draws its own
      hideEdgesOnDrag: data.large,
      hideEdgesOnZoom: data.large,
      keyboard: false,
    },
    physics: data.physics
      ? {
          enabled: true,
          solver: "forceAtlas2Based",
          forceAtlas2Based: { gravitationalConstant: -80, springLength: 120, avoidOverlap: 0.5 },
          stabilization: { enabled: true, iterations: 400, updateInterval: 50, fit: true },
        }
      : { enabled: false },
  };

  const network = new vis.Network(
    document.getElementById("graph"),
    { nodes: nodeSet, edges: edgeSet },
    options,
  );
  window.network = network;
  performance.mark("kg:network");

  // Ready (for readers and tests) at the first frame drawn with the final layout; vis-network
  // draws it on its own at the next animation frame.
  function ready() {
    network.once("afterDrawing", () => {
      performance.mark("kg:ready");
      document.documentElement.dataset.state = "ready";
      window.dispatchEvent(new Event("kg:ready"));
    });
    network.body.emitter.emit("_requestRedraw");
  }

  if (data.physics && nodes.length > 0) {
    network.once("stabilizationIterationsDone", () => {
      // Freeze the settled picture: dragging moves one node, the rest stays where the reader left it.
      network.setOptions({ physics: { enabled: false } });
      ready();
    });
  } else {
    network.fit({ animation: false });
    ready();
  }

  // --- Filters --------------------------------------------------------------------------------

  function apply() {
    const view = computeView();
    const edgeChanges = [];
    view.edges.forEach((shown, j) => {
      const change = { id: j };
      let changed = false;
      if (shown !== edgeShown[j]) {
        change.hidden = !shown;
        changed = true;
      }
      if (shown) {
        // A hidden edge keeps its last style: nobody sees it, and vis-network merges every update.
        const dashes = dashesOf(edges[j], view.since[j] !== null);
        if (dashes !== edgeDashes[j]) {
          change.dashes = dashes;
          edgeDashes[j] = dashes;
          changed = true;
        }
        if (view.colours[j] !== edgeColour[j]) {
          change.color = view.colours[j];
          edgeColour[j] = view.colours[j];
          changed = true;
        }
      }
      if (changed) edgeChanges.push(change);
    });
    const nodeChanges = [];
    view.nodes.forEach((shown, i) => {
      if (shown !== nodeShown[i]) nodeChanges.push({ id: i, hidden: !shown });
    });
    edgeShown = view.edges;
    edgeSince = view.since;
    nodeShown = view.nodes;
    edgeSet.update(edgeChanges);
    nodeSet.update(nodeChanges);
    showCounts();
    if (state.selected) select(state.selected, { focus: false });
  }

  function showCounts() {
    const n = nodeShown.filter(Boolean).length;
    const m = edgeShown.filter(Boolean).length;
    document.getElementById("shown").textContent =
      `Showing ${n.toLocaleString("en")} of ${nodes.length.toLocaleString("en")} entities, ` +
      `${m.toLocaleString("en")} of ${edges.length.toLocaleString("en")} relations`;
  }

  function legend(listId, rows, on, swatch) {
    const list = document.getElementById(listId);
    const boxes = [];
    const actions = el("li", "legend-actions");
    const setAll = (value) => {
      boxes.forEach((box, i) => {
        box.checked = value;
        on[i] = value;
      });
      apply();
    };
    actions.append(button("all", () => setAll(true)), button("none", () => setAll(false)));
    list.append(actions);
    rows.forEach((row, i) => {
      const item = el("li");
      const label = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.addEventListener("change", () => {
        on[i] = box.checked;
        apply();
      });
      boxes.push(box);
      label.append(box, swatch(row), el("span", "name", row.label), el("span", "count", row.count));
      label.title = row.id;
      item.append(label);
      list.append(item);
    });
  }

  const GLYPHS = { dot: "\u25cf", square: "\u25a0", diamond: "\u25c6", triangle: "\u25b2", star: "\u2605" };
  legend("type-legend", data.types, typeOn, (row) => {
    const swatch = el("span", "swatch", GLYPHS[row.shape] || GLYPHS.star);
    swatch.style.color = row.color;
    return swatch;
  });
  const lineSwatch = (row) => {
    const swatch = el("span", "swatch line");
    swatch.style.background = row.color;
    return swatch;
  };
  legend("predicate-legend", data.predicates, predicateOn, lineSwatch);
  legend("source-legend", data.sources, sourceOn, lineSwatch);
  legend("claimant-legend", data.claimants, claimantOn, lineSwatch);
  // A page without cited claims (drawn from a graph alone) has no sources or claimants to filter by.
  document.getElementById("sources").hidden = data.sources.length === 0;
  document.getElementById("claimants").hidden = data.claimants.length === 0;

  // The line styles, drawn with the dash patterns vis-network draws the edges with.
  function dashSwatch(pattern) {
    const canvas = el("canvas", "swatch dash");
    const ratio = window.devicePixelRatio || 1;
    canvas.width = 30 * ratio;
    canvas.height = 6 * ratio;
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1.5;
    ctx.setLineDash(pattern);
    ctx.beginPath();
    ctx.moveTo(0, 3);
    ctx.lineTo(30, 3);
    ctx.stroke();
    return canvas;
  }
  const lineKey = document.getElementById("line-key");
  for (const [pattern, text] of [
    [[], "claimed, with a date of its own"],
    [DASH_SINCE_BEFORE, "since before: only states reported without a start"],
    [DASH_INFERRED, "inferred"],
    [DASH_BOTH, "inferred, since before"],
  ]) {
    const item = el("li");
    item.append(dashSwatch(pattern), el("span", "name", text));
    lineKey.append(item);
  }

  // Colour by predicate, source or claimant: the chosen legend shows its colours, the others none.
  const colourBy = document.getElementById("colour-by");
  const LEGEND_OF = { predicate: "predicate-legend", source: "source-legend", claimant: "claimant-legend" };
  const mixedKey = document.getElementById("colour-key");
  function showColourKey() {
    for (const [by, id] of Object.entries(LEGEND_OF)) {
      document.getElementById(id).classList.toggle("keyed", by === state.colourBy);
    }
    clear(mixedKey);
    mixedKey.hidden = state.colourBy === "predicate";
    if (mixedKey.hidden) return;
    const several = state.colourBy === "source" ? "several sources" : "several claimants";
    for (const [colour, text] of [
      [data.colours.mixed, `${several} among its claims in view`],
      [data.colours.unclaimed, "no claim of its own (inferred from a chain)"],
    ]) {
      const item = el("li");
      item.append(lineSwatch({ color: colour }), el("span", "name", text));
      mixedKey.append(item);
    }
  }
  // The controls start from the state, whatever a browser restores into a reloaded form.
  colourBy.value = state.colourBy;
  document.getElementById("dated-only").checked = state.datedOnly;
  document.getElementById("hide-isolated").checked = state.hideIsolated;
  colourBy.addEventListener("change", () => {
    state.colourBy = colourBy.value;
    showColourKey();
    apply();
  });
  showColourKey();

  document.getElementById("hide-isolated").addEventListener("change", (event) => {
    state.hideIsolated = event.target.checked;
    apply();
  });

  const slider = document.getElementById("as-of");
  const sliderValue = document.getElementById("as-of-value");
  slider.max = String(data.dates.length);
  slider.value = String(data.dates.length);
  slider.disabled = data.dates.length === 0;
  let sliding = false;
  slider.addEventListener("input", () => {
    const i = Number(slider.value);
    state.asOf = i < data.dates.length ? data.dates[i] : null;
    sliderValue.textContent = state.asOf || "all dates";
    // A dragged slider fires faster than a large graph can follow: apply once per frame.
    if (sliding) return;
    sliding = true;
    requestAnimationFrame(() => {
      sliding = false;
      apply();
    });
  });

  document.getElementById("dated-only").addEventListener("change", (event) => {
    state.datedOnly = event.target.checked;
    apply();
  });

  document.getElementById("min-reliability").addEventListener("change", (event) => {
    state.floor = event.target.value || null;
    apply();
  });

  document.getElementById("size-note").textContent =
    `Node size: ${data.sizeBy === "pagerank" ? "PageRank" : "number of relations (degree)"}.` +
    (data.large ? " Layout computed in advance; physics off." : "");

  // --- Highlight, selection and the evidence panel ------------------------------------------

  // The selected item and its neighbourhood, drawn again on top of a white veil after each
  // frame: a click costs the size of the neighbourhood, not of the graph. This reaches into
  // vis-network's drawing objects (body.nodes[i].draw, body.edges[j].draw/drawArrows), which the
  // vendored version pins and the browser tests check.
  let focus = null;

  network.on("afterDrawing", (ctx) => {
    if (focus === null) return;
    const canvas = ctx.canvas;
    const topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    const bottomRight = network.DOMtoCanvas({ x: canvas.clientWidth, y: canvas.clientHeight });
    ctx.save();
    ctx.fillStyle = VEIL;
    ctx.fillRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    ctx.restore();
    const body = network.body;
    const keptEdges = [...focus.edges].filter((j) => edgeShown[j] && body.edges[j]);
    for (const j of keptEdges) body.edges[j].draw(ctx);
    const labels = [];
    for (const i of focus.nodes) {
      if (!nodeShown[i] || !body.nodes[i]) continue;
      const later = body.nodes[i].draw(ctx);
      if (later.drawExternalLabel) labels.push(later.drawExternalLabel);
    }
    for (const j of keptEdges) body.edges[j].drawArrows(ctx);
    for (const draw of labels) draw();
  });

  function highlight(keepNodes, keepEdges) {
    focus = keepNodes === null ? null : { nodes: keepNodes, edges: keepEdges };
    network.body.emitter.emit("_requestRedraw"); // next frame, once; network.redraw() would draw now
  }

  function claimBlock(claim) {
    const block = el("div", "claim");
    block.append(el("blockquote", null, claim.quote));
    let when = claim.open ? `since before ${claim.date || "its source's date"}` : claim.date || "";
    if (claim.precision) when += ` (${claim.precision})`;
    if (claim.until) when += ` until ${claim.until}`;
    const grade = claim.reliability ? claim.reliability + (claim.reason ? ` \u2014 ${claim.reason}` : "") : "";
    const where = claim.start !== undefined ? `${claim.id}, characters ${claim.start}\u2013${claim.end}` : claim.id;
    const source = data.sources[claim.source];
    block.append(
      definitions([
        ["source", source.title ? `${source.title} (${source.id})` : source.id],
        ["claimant", data.claimants[claim.claimant].id],
        ["date", when],
        ["reliability", grade],
        ["claim", where],
      ]),
    );
    return block;
  }

  // "since before DATE" while the relation is in view only through states reported without a start.
  function sinceBefore(j) {
    if (edgeSince[j] === null) return null;
    return edgeSince[j] ? `since before ${edgeSince[j]}` : "since before its source's date";
  }

  function edgeSummary(edge, j) {
    const until = edge.end ? ` until ${edge.end}` : "";
    const since = sinceBefore(j);
    return definitions([
      ["relation", data.predicates[edge.predicate].label + (edge.inferred ? " (inferred)" : "")],
      ["best grade", edge.reliability],
      ["date", since ? since + until : edge.date ? edge.date + until : ""],
    ]);
  }

  function nodeLink(i) {
    return button(nodes[i].label, () => select({ kind: "node", id: i }, { focus: true }));
  }

  function showNode(i) {
    const node = nodes[i];
    const panel = document.getElementById("details");
    clear(panel);
    panel.append(el("h3", null, node.label));
    let wikidata = null;
    if (node.wikidata && /^Q[1-9][0-9]*$/.test(node.wikidata)) {
      wikidata = el("a", null, node.wikidata);
      wikidata.href = "https://www.wikidata.org/wiki/" + node.wikidata;
      wikidata.target = "_blank";
      wikidata.rel = "noopener noreferrer";
    }
    panel.append(
      definitions([
        ["type", data.types[node.type].label],
        ["id", node.curie],
        ["aliases", (node.aliases || []).join(", ")],
        ["Wikidata", wikidata],
        [data.sizeBy === "pagerank" ? "PageRank" : "relations", node.measure],
      ]),
    );
    if (!nodeShown[i]) panel.append(el("p", "note hidden-note", HIDDEN_NOTE));
    const around = incident[i];
    const shown = around.filter((j) => edgeShown[j]);
    panel.append(
      el(
        "h2",
        null,
        `Relations: ${shown.length}` + (shown.length < around.length ? ` (${around.length - shown.length} filtered out)` : ""),
      ),
    );
    for (const j of shown) {
      const edge = edges[j];
      const item = el("div", "relation");
      const head = el("div", "head");
      const outgoing = edge.from === i;
      head.append(
        document.createTextNode(`${outgoing ? "\u2192" : "\u2190"} ${data.predicates[edge.predicate].label} `),
        nodeLink(outgoing ? edge.to : edge.from),
      );
      if (edge.inferred) head.append(el("span", "badge", "inferred"));
      const since = sinceBefore(j);
      if (since) head.append(el("span", "badge", since));
      if (edge.reliability) head.append(el("span", "badge", edge.reliability));
      item.append(head);
      for (const c of edge.claims || []) item.append(claimBlock(data.claims[c]));
      if (!(edge.claims || []).length) item.append(el("p", "note", "No claim of its own: inferred from a chain of relations."));
      panel.append(item);
    }
  }

  function showEdge(j) {
    const edge = edges[j];
    const panel = document.getElementById("details");
    clear(panel);
    const head = el("h3");
    head.append(nodeLink(edge.from), document.createTextNode(` ${data.predicates[edge.predicate].label} `), nodeLink(edge.to));
    panel.append(head, edgeSummary(edge, j));
    if (!edgeShown[j]) panel.append(el("p", "note hidden-note", HIDDEN_NOTE));
    const claims = edge.claims || [];
    panel.append(el("h2", null, `Evidence: ${claims.length} claim${claims.length === 1 ? "" : "s"}`));
    for (const c of claims) panel.append(claimBlock(data.claims[c]));
    if (!claims.length) panel.append(el("p", "note", "No claim of its own: inferred from a chain of relations."));
  }

  const HIDDEN_NOTE =
    "Hidden by the current filters, so nothing is highlighted; it is highlighted again when the filters show it.";

  // The selection stays when the filters hide it, but its highlight does not: a veil over the
  // whole graph with nothing lifted out of it would fade everything that is shown.
  function select(target, how) {
    state.selected = target;
    const hidden = target.kind === "node" ? !nodeShown[target.id] : !edgeShown[target.id];
    if (hidden) {
      highlight(null, null);
      network.unselectAll();
      if (target.kind === "node") showNode(target.id);
      else showEdge(target.id);
      return;
    }
    if (target.kind === "node") {
      const i = target.id;
      const keepEdges = new Set(incident[i].filter((j) => edgeShown[j]));
      const keepNodes = new Set([i]);
      keepEdges.forEach((j) => keepNodes.add(edges[j].from).add(edges[j].to));
      highlight(keepNodes, keepEdges);
      network.selectNodes([i]);
      showNode(i);
      if (how.focus && nodeShown[i]) {
        network.focus(i, {
          scale: Math.max(network.getScale(), 1),
          // Each frame of an animation redraws every edge: too slow to animate a large graph.
          animation: data.large ? false : { duration: 400, easingFunction: "easeInOutQuad" },
        });
      }
    } else {
      const edge = edges[target.id];
      highlight(new Set([edge.from, edge.to]), new Set([target.id]));
      network.selectEdges([target.id]);
      showEdge(target.id);
    }
  }

  function unselect() {
    state.selected = null;
    highlight(null, null);
    network.unselectAll();
    const panel = document.getElementById("details");
    clear(panel);
    panel.append(el("p", "hint", "Hover over an entity or a relation for a summary; click it for its evidence."));
  }

  network.on("click", (event) => {
    if (event.nodes.length) select({ kind: "node", id: event.nodes[0] }, { focus: false });
    else if (event.edges.length) select({ kind: "edge", id: event.edges[0] }, { focus: false });
    else unselect();
  });

  // --- Tooltips ------------------------------------------------------------------------------

  const tooltip = document.getElementById("tooltip");
  const canvasBox = document.getElementById("graph");

  function showTooltip(content, pointer) {
    clear(tooltip);
    tooltip.append(...content);
    tooltip.hidden = false;
    const box = canvasBox.getBoundingClientRect();
    const left = Math.min(box.left + pointer.x + 14, window.innerWidth - tooltip.offsetWidth - 8);
    const top = Math.min(box.top + pointer.y + 14, window.innerHeight - tooltip.offsetHeight - 8);
    tooltip.style.left = `${Math.max(0, left)}px`;
    tooltip.style.top = `${Math.max(0, top)}px`;
  }

  function hideTooltip() {
    tooltip.hidden = true;
  }

  network.on("hoverNode", (event) => {
    const node = nodes[event.node];
    showTooltip(
      [
        el("strong", null, node.label),
        definitions([
          ["type", data.types[node.type].label],
          ["aliases", (node.aliases || []).join(", ")],
          ["Wikidata", node.wikidata],
        ]),
      ],
      event.pointer.DOM,
    );
  });

  network.on("hoverEdge", (event) => {
    const edge = edges[event.edge];
    const claims = edge.claims || [];
    const content = [
      el("strong", null, `${nodes[edge.from].label} \u2192 ${data.predicates[edge.predicate].label} \u2192 ${nodes[edge.to].label}`),
      edgeSummary(edge, event.edge),
    ];
    for (const c of claims.slice(0, 2)) content.push(claimBlock(data.claims[c]));
    if (claims.length > 2) content.push(el("p", "note", `and ${claims.length - 2} more: click for all`));
    showTooltip(content, event.pointer.DOM);
  });

  for (const name of ["blurNode", "blurEdge", "dragStart", "zoom", "click"]) network.on(name, hideTooltip);
  canvasBox.addEventListener("mouseleave", hideTooltip);

  // --- Search ----------------------------------------------------------------------------------

  const names = nodes.map((node) => [node.label, ...(node.aliases || [])].map((name) => name.toLowerCase()));
  const search = document.getElementById("search");
  const matchList = document.getElementById("matches");
  let matches = [];

  // Best first: an exact name, then a name that starts with the text, then one that contains it;
  // at each level the label before an alias, then shorter names first.
  function find(text) {
    const query = text.trim().toLowerCase();
    if (!query) return [];
    const found = [];
    names.forEach((list, i) => {
      let best = Infinity;
      let via = null;
      list.forEach((name, k) => {
        const level = name === query ? 0 : name.startsWith(query) ? 1 : name.includes(query) ? 2 : null;
        if (level === null) return;
        const score = level * 2 + (k === 0 ? 0 : 1);
        if (score < best) {
          best = score;
          via = k === 0 ? null : nodes[i].aliases[k - 1];
        }
      });
      if (best < Infinity) found.push({ i, score: best, via });
    });
    const label = (match) => nodes[match.i].label;
    found.sort((a, b) => a.score - b.score || label(a).length - label(b).length || label(a).localeCompare(label(b)));
    return found.slice(0, 10);
  }

  function choose(match) {
    search.value = nodes[match.i].label;
    clear(matchList);
    matches = [];
    select({ kind: "node", id: match.i }, { focus: true });
  }

  search.addEventListener("input", () => {
    matches = find(search.value);
    clear(matchList);
    for (const match of matches) {
      const item = el("li");
      const choice = button("", () => choose(match), "choice");
      choice.append(el("span", null, nodes[match.i].label));
      const aside = [data.types[nodes[match.i].type].label];
      if (match.via) aside.unshift(`also "${match.via}"`);
      if (!nodeShown[match.i]) aside.push("hidden by filters");
      choice.append(el("span", "aside", ` \u2014 ${aside.join(", ")}`));
      item.append(choice);
      matchList.append(item);
    }
    if (search.value.trim() && !matches.length) matchList.append(el("li", "muted", "no entity by that name"));
  });

  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && matches.length) {
      event.preventDefault();
      choose(matches[0]);
    } else if (event.key === "Escape") {
      search.value = "";
      clear(matchList);
      matches = [];
    }
  });

  showCounts();
})();
