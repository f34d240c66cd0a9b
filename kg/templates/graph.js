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

  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function clear(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  function definitions(pairs) {
    const list = el("dl");
    for (const [term, value] of pairs) {
      if (value === undefined || value === null || value === "") continue;
      list.append(el("dt", null, term));
      const dd = el("dd");
      dd.append(value instanceof Node ? value : document.createTextNode(String(value)));
      list.append(dd);
    }
    return list;
  }

  function button(text, onClick, className) {
    const b = el("button", className || "link", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // --- The network --------------------------------------------------------------------------

  // What the filters test, per edge: one [date, until, grade] per claim, or the edge's own summary.
  const spans = edges.map((edge) =>
    edge.spans || (edge.claims || []).map((c) => [data.claims[c].date, data.claims[c].until, data.claims[c].reliability]),
  );

  const incident = nodes.map(() => []);
  edges.forEach((edge, i) => {
    incident[edge.from].push(i);
    if (edge.to !== edge.from) incident[edge.to].push(i);
  });

  // Only what differs from the defaults in the options below is set per item: vis-network
  // merges every item's options on creation and update, which is most of the time a large graph
  // takes. So styles live in the options, and the neighbourhood highlight is painted over the
  // picture (see "Highlight") instead of restyling every other item.
  const nodeSet = new vis.DataSet(
    nodes.map((node, i) => {
      const type = data.types[node.type];
      return { id: i, label: node.label, shape: type.shape, color: type.color, size: node.size, x: node.x, y: node.y };
    }),
  );
  const edgeSet = new vis.DataSet(
    edges.map((edge, j) => {
      const item = { id: j, from: edge.from, to: edge.to, color: data.predicates[edge.predicate].color };
      if (!data.large) item.label = data.predicates[edge.predicate].label;
      if (edge.inferred) item.dashes = true;
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

  const state = { asOf: null, floor: null, selected: null };
  const typeOn = data.types.map(() => true);
  const predicateOn = data.predicates.map(() => true);
  let edgeShown = edges.map(() => true);
  let nodeShown = nodes.map(() => true);

  function spanHolds(span) {
    const [date, until, grade] = span;
    if (state.asOf !== null && !(date && date <= state.asOf && (!until || until >= state.asOf))) return false;
    if (state.floor !== null && !(grade && grade[0] <= state.floor[0] && grade[1] <= state.floor[1])) return false;
    return true;
  }

  // Mirrors kg.project.to_networkx: an edge stays when one of its claims passes every filter;
  // an edge without claims (a transitive inference) is timeless and has no grade.
  function edgeVisible(edge, j) {
    if (!predicateOn[edge.predicate] || !typeOn[nodes[edge.from].type] || !typeOn[nodes[edge.to].type]) return false;
    if (spans[j].length === 0) return state.floor === null;
    return spans[j].some(spanHolds);
  }

  function nodeVisible(i) {
    if (!typeOn[nodes[i].type]) return false;
    return incident[i].length === 0 || incident[i].some((j) => edgeShown[j]);
  }

  function changes(before, after) {
    const changed = [];
    after.forEach((shown, i) => {
      if (shown !== before[i]) changed.push({ id: i, hidden: !shown });
    });
    return changed;
  }

  function apply() {
    const nextEdges = edges.map(edgeVisible);
    const edgeChanges = changes(edgeShown, nextEdges);
    edgeShown = nextEdges;
    const nextNodes = nodes.map((_, i) => nodeVisible(i));
    const nodeChanges = changes(nodeShown, nextNodes);
    nodeShown = nextNodes;
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
  legend("predicate-legend", data.predicates, predicateOn, (row) => {
    const swatch = el("span", "swatch line");
    swatch.style.background = row.color;
    return swatch;
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
    let when = claim.date || "";
    if (claim.precision) when += ` (${claim.precision})`;
    if (claim.until) when += ` until ${claim.until}`;
    const grade = claim.reliability ? claim.reliability + (claim.reason ? ` \u2014 ${claim.reason}` : "") : "";
    const where = claim.start !== undefined ? `${claim.id}, characters ${claim.start}\u2013${claim.end}` : claim.id;
    const source = data.sources[claim.source];
    block.append(
      definitions([
        ["source", source.title ? `${source.title} (${source.id})` : source.id],
        ["claimant", data.claimants[claim.claimant]],
        ["date", when],
        ["reliability", grade],
        ["claim", where],
      ]),
    );
    return block;
  }

  function edgeSummary(edge) {
    return definitions([
      ["relation", data.predicates[edge.predicate].label + (edge.inferred ? " (inferred)" : "")],
      ["best grade", edge.reliability],
      ["date", edge.date ? edge.date + (edge.end ? ` until ${edge.end}` : "") : ""],
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
    if (!nodeShown[i]) panel.append(el("p", "note", "Hidden by the current filters."));
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
    panel.append(head, edgeSummary(edge));
    if (!edgeShown[j]) panel.append(el("p", "note", "Hidden by the current filters."));
    const claims = edge.claims || [];
    panel.append(el("h2", null, `Evidence: ${claims.length} claim${claims.length === 1 ? "" : "s"}`));
    for (const c of claims) panel.append(claimBlock(data.claims[c]));
    if (!claims.length) panel.append(el("p", "note", "No claim of its own: inferred from a chain of relations."));
  }

  function select(target, how) {
    state.selected = target;
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
      edgeSummary(edge),
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
