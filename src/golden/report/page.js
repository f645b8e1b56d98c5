/* golden's report: draws the charts and runs the controls from the JSON embedded in the page.
   Plain JavaScript, no libraries, nothing fetched. Record values are only ever set as text. */
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const COLOURS = { agree: "#2e7d32", disagree: "#c62828", total: "#37474f",
                    prior: "#78909c", accent: "#1565c0", line: "#d5dbe0" };

  // DOM helpers ------------------------------------------------------------------------------
  function add(node, kids) {
    for (const kid of kids) {
      if (kid === null || kid === undefined || kid === false) continue;
      if (Array.isArray(kid)) add(node, kid);
      else node.append(kid instanceof Node ? kid : String(kid));
    }
    return node;
  }
  function attrs(node, props) {
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    return node;
  }
  const el = (tag, props, ...kids) => add(attrs(document.createElement(tag), props), kids);
  const svg = (tag, props, ...kids) => add(attrs(document.createElementNS(NS, tag), props), kids);
  const byId = (id) => document.getElementById(id);

  // numbers ----------------------------------------------------------------------------------
  const count = (n) => Number(n).toLocaleString("en-US");
  const share = (x) => (x === null || !isFinite(x) ? "—" : x.toFixed(3));
  const signed = (w, digits) => (w >= 0 ? "+" : "") + w.toFixed(digits);
  const probability = (w) => 1 / (1 + Math.pow(2, -w));
  const f1 = (p, r) => (p + r > 0 ? (2 * p * r) / (p + r) : NaN);
  function table(head, rows, options) {
    const o = options || {};
    return el("table", { class: o.cls },
      o.caption ? el("caption", null, o.caption) : null,
      el("thead", null, el("tr", null, head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", null, rows));
  }
  const td = (value, cls) => el("td", { class: cls }, value === null ? "" : value);

  // the threshold --------------------------------------------------------------------------
  const H = D.histogram;
  const nBins = H.pairs.length;
  const suffix = (values) => {
    const out = new Array(values.length + 1).fill(0);
    for (let i = values.length - 1; i >= 0; i--) out[i] = out[i + 1] + values[i];
    return out;
  };
  const keptAt = suffix(H.pairs);
  const expectedAt = suffix(H.probability);
  const matchesAt = H.matches ? suffix(H.matches) : null;
  let edge = H.start;
  const weightAt = (k) => (k < H.edges.length ? H.edges[k] : Infinity);
  const isKept = (pair) => pair.w >= weightAt(edge);

  function figuresAt(k) {
    const kept = keptAt[k];
    const precision = kept ? expectedAt[k] / kept : NaN;
    const recall = expectedAt[0] > 0 ? expectedAt[k] / expectedAt[0] : NaN;
    const w = weightAt(k);
    const out = { kept: count(kept), weight: signed(w, 2), probability: probability(w).toFixed(4),
                  "est-precision": share(precision), "est-recall": share(recall),
                  "est-f1": share(f1(precision, recall)) };
    if (matchesAt && D.truth) {
      const tp = matchesAt[k];
      const p = kept ? tp / kept : NaN;
      const r = D.truth.n_true ? tp / D.truth.n_true : NaN;
      Object.assign(out, { "true-precision": share(p), "true-recall": share(r),
                           "true-f1": share(f1(p, r)) });
    }
    return out;
  }

  const listeners = [];
  function setThreshold(k) {
    edge = Math.max(0, Math.min(nBins, k));
    const figures = figuresAt(edge);
    for (const [key, value] of Object.entries(figures)) {
      const node = byId("t-" + key);
      if (node) node.textContent = value;
    }
    const slider = byId("threshold-slider");
    slider.value = String(edge);
    slider.setAttribute("aria-valuetext",
      `match weight ${figures.weight} bits, probability ${figures.probability}, ` +
      `${figures.kept} pairs kept`);
    listeners.forEach((f) => f());
  }

  function histogramChart() {
    const width = 900, height = 340, left = 72, right = 16, top = 48, bottom = 52;
    const x0 = H.edges[0], x1 = H.edges[H.edges.length - 1];
    const x = (w) => left + ((w - x0) / (x1 - x0 || 1)) * (width - left - right);
    const most = Math.max(1, ...H.pairs);
    const logMax = Math.log10(most + 1);
    const y = (n) => height - bottom - (Math.log10(n + 1) / logMax) * (height - top - bottom);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
      "aria-label": "Histogram of candidate pairs by match weight, log scale, with the threshold" });
    const bars = svg("g");
    for (let i = 0; i < nBins; i++) {
      const a = x(H.edges[i]) + 0.5, b = Math.max(x(H.edges[i + 1]) - 0.5, a + 0.8);
      const matches = H.matches ? H.matches[i] : 0;
      const others = H.pairs[i] - matches;
      if (others > 0) {
        bars.append(svg("rect", { x: a, width: b - a, y: y(others), height: y(0) - y(others),
          fill: H.matches ? COLOURS.disagree : COLOURS.total, "fill-opacity": 0.55,
          "data-bin": i }));
      }
      if (matches > 0) {
        bars.append(svg("rect", { x: a, width: b - a, y: y(matches), height: y(0) - y(matches),
          fill: COLOURS.agree, "fill-opacity": 0.8 }));
      }
    }
    chart.append(bars);
    const axis = svg("g", { stroke: "#546e7a" });
    axis.append(svg("line", { x1: left, x2: width - right, y1: y(0), y2: y(0) }));
    axis.append(svg("line", { x1: left, x2: left, y1: top, y2: y(0) }));
    chart.append(axis);
    const span = x1 - x0, tick = span > 120 ? 20 : span > 60 ? 10 : span > 20 ? 5 : 2;
    for (let t = Math.ceil(x0 / tick) * tick; t <= x1; t += tick) {
      chart.append(svg("line", { x1: x(t), x2: x(t), y1: y(0), y2: y(0) + 5, stroke: "#546e7a" }));
      chart.append(svg("text", { x: x(t), y: y(0) + 20, "text-anchor": "middle" }, String(t)));
    }
    for (let p = 1; p <= most * 10; p *= 10) {
      if (p > most) break;
      chart.append(svg("line", { x1: left - 5, x2: width - right, y1: y(p), y2: y(p),
        stroke: COLOURS.line, "stroke-dasharray": "2 3" }));
      chart.append(svg("text", { x: left - 8, y: y(p) + 4, "text-anchor": "end" }, count(p)));
    }
    chart.append(svg("text", { x: (left + width - right) / 2, y: height - 10,
      "text-anchor": "middle" }, "match weight (bits)"));
    chart.append(svg("text", { x: 16, y: (top + height - bottom) / 2, "text-anchor": "middle",
      transform: `rotate(-90 16 ${(top + height - bottom) / 2})` }, "pairs (log scale)"));
    const line = svg("line", { y1: top - 6, y2: y(0), stroke: COLOURS.accent,
      "stroke-width": 2, "stroke-dasharray": "6 3" });
    const label = svg("text", { y: top - 10, "text-anchor": "middle" });
    chart.append(line, label);
    const legend = H.matches
      ? [["true matches", COLOURS.agree], ["non-matches", COLOURS.disagree]]
      : [["candidate pairs", COLOURS.total]];
    legend.forEach(([text, colour], i) => {  // above the plot, clear of the bars
      const gx = width - right - 300 + i * 150, gy = 16;
      chart.append(svg("rect", { x: gx, y: gy - 10, width: 12, height: 12, fill: colour,
        "fill-opacity": 0.7 }));
      chart.append(svg("text", { x: gx + 18, y: gy }, text));
    });
    listeners.push(() => {
      const w = Math.min(weightAt(edge), x1);
      line.setAttribute("x1", x(w));
      line.setAttribute("x2", x(w));
      label.setAttribute("x", Math.min(Math.max(x(w), left + 60), width - right - 60));
      label.textContent = `threshold ${signed(w, 1)} bits`;
    });
    chart.addEventListener("click", (event) => {  // click a weight to move the threshold there
      const box = chart.getBoundingClientRect();
      const w = x0 + ((event.clientX - box.left) * (width / box.width) - left)
        / (width - left - right) * (x1 - x0);
      setThreshold(Math.round((w - x0) / H.step));
    });
    return chart;
  }

  // pairs ------------------------------------------------------------------------------------
  const P = D.pairs;
  const comparisons = D.model.comparisons;
  const columns = D.records.columns;
  const recordOf = (key) => D.records.values[key] || null;
  const levelLabel = (j, gamma) => {
    const level = comparisons[j].levels.find((lv) => lv.gamma === gamma);
    return level ? level.label : String(gamma);
  };

  function waterfallSteps(pair) {
    const steps = [{ name: "prior", label: "prior (λ)", weight: D.model.prior, kind: "prior" }];
    comparisons.forEach((c, j) => steps.push({ name: c.name, label: levelLabel(j, pair.g[j]),
      weight: pair.mw[j] }));
    if (pair.dep !== null && pair.dep !== undefined) {
      steps.push({ name: "dependence", label: "comparisons agreeing together", weight: pair.dep });
    }
    let running = 0;
    for (const step of steps) { step.from = running; running += step.weight; step.to = running; }
    steps.push({ name: "total", label: "match weight", weight: running, from: 0, to: running,
                 kind: "total" });
    return steps;
  }

  function waterfallChart(pair) {
    const steps = waterfallSteps(pair);
    const row = 30, top = 12, bottom = 46, nameWidth = 150, plotLeft = 160, plotRight = 560;
    const width = 900, height = top + steps.length * row + bottom;
    const ends = steps.flatMap((s) => [s.from, s.to]).concat([0]);
    let lo = Math.min(...ends), hi = Math.max(...ends);
    const pad = (hi - lo) * 0.05 || 1;
    lo -= pad; hi += pad;
    const x = (w) => plotLeft + ((w - lo) / (hi - lo)) * (plotRight - plotLeft);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
      "aria-label": `Waterfall: match weight ${signed(steps[steps.length - 1].weight, 1)} bits` });
    chart.append(svg("line", { x1: x(0), x2: x(0), y1: top - 4, y2: height - bottom + 4,
      stroke: "#546e7a" }));
    steps.forEach((s, i) => {
      const y = top + i * row;
      const colour = s.kind === "total" ? COLOURS.total : s.kind === "prior" ? COLOURS.prior
        : s.weight >= 0 ? COLOURS.agree : COLOURS.disagree;
      const a = Math.min(x(s.from), x(s.to)), b = Math.max(x(s.from), x(s.to));
      const name = s.name.length > 20 ? s.name.slice(0, 19) + "…" : s.name;
      chart.append(svg("text", { x: nameWidth, y: y + row / 2 + 4, "text-anchor": "end",
        "font-weight": s.kind === "total" ? 700 : 400 }, svg("title", null, s.name), name));
      chart.append(svg("rect", { x: a, y: y + 5, width: Math.max(b - a, 1.5), height: row - 10,
        fill: colour }));
      if (i < steps.length - 2) {
        chart.append(svg("line", { x1: x(s.to), x2: x(s.to), y1: y + row - 5, y2: y + row + 5,
          stroke: "#78909c", "stroke-dasharray": "2 2" }));
      }
      const text = `${signed(s.weight, 1)}  ${s.label}`;
      chart.append(svg("text", { x: plotRight + 14, y: y + row / 2 + 4 },
        svg("title", null, text), text.length > 46 ? text.slice(0, 45) + "…" : text));
    });
    const axisY = height - bottom + 8;
    const span = hi - lo, tick = span > 80 ? 20 : span > 30 ? 10 : span > 12 ? 5 : 2;
    for (let t = Math.ceil(lo / tick) * tick; t <= hi; t += tick) {
      chart.append(svg("text", { x: x(t), y: axisY + 14, "text-anchor": "middle" }, String(t)));
      chart.append(svg("line", { x1: x(t), x2: x(t), y1: axisY - 4, y2: axisY + 1,
        stroke: "#546e7a" }));
    }
    chart.append(svg("line", { x1: plotLeft, x2: plotRight, y1: axisY - 4, y2: axisY - 4,
      stroke: "#546e7a" }));
    chart.append(svg("text", { x: (plotLeft + plotRight) / 2, y: axisY + 34,
      "text-anchor": "middle" }, "match weight (bits)"));
    return chart;
  }

  const truthTag = (pair) => (pair.same === null ? null
    : el("span", { class: "tag " + (pair.same ? "match" : "nonmatch") },
      pair.same ? "same entity" : "different entities"));

  function pairDetail(index) {
    const pair = P.rows[index];
    const left = recordOf(pair.l), right = recordOf(pair.r);
    const fields = columns.map((c, i) => {
      const a = left ? left[i] : null, b = right ? right[i] : null;
      const differs = a !== b;
      return el("tr", null, el("th", { scope: "row" }, c), td(a, differs ? "differs" : null),
        td(b, differs ? "differs" : null));
    });
    const steps = waterfallSteps(pair).map((s) => el("tr", null, el("th", { scope: "row" },
      s.name), td(s.label), td(signed(s.weight, 2), "num")));
    return [
      el("h3", { id: "pair-title" }, `${pair.l} ~ ${pair.r}: match weight ${signed(pair.w, 2)} ` +
        `bits, probability ${pair.p.toFixed(4)} `, truthTag(pair)),
      el("p", { class: "note" }, `Found by blocking rule: ${pair.rule || "—"}. ` +
        (isKept(pair) ? "Kept" : "Not kept") + " at the threshold set above."),
      el("div", { class: "chart", id: "waterfall" }, waterfallChart(pair)),
      el("div", { class: "table-wrap" }, table(["step", "level", "weight (bits)"], steps,
        { caption: "The waterfall as a table" })),
      el("div", { class: "table-wrap" }, table(["column", pair.l, pair.r], fields,
        { caption: "Both records side by side (differences shaded)" })),
    ];
  }

  function pairExplorer() {
    const root = byId("pair-explorer");
    const sets = [["sample", `sample across weights (${P.sample.length})`]];
    if (D.truth) {
      sets.push(["false_positives", `false positives (${P.false_positives.length})`]);
      sets.push(["false_negatives", `false negatives (${P.false_negatives.length})`]);
    }
    sets.push(["all", `all embedded pairs, with cluster links (${P.rows.length})`]);
    const setSelect = el("select", { id: "pair-set" },
      sets.map(([v, t]) => el("option", { value: v }, t)));
    const comparisonSelect = el("select", { id: "pair-comparison" },
      el("option", { value: "" }, "any comparison"),
      comparisons.map((c, j) => el("option", { value: j }, c.name)));
    const levelSelect = el("select", { id: "pair-level", disabled: true },
      el("option", { value: "" }, "any level"));
    const search = el("input", { type: "search", id: "pair-search", placeholder: "e.g. crm:0001" });
    const summary = el("p", { class: "note", id: "pair-count", "aria-live": "polite" });
    const body = el("tbody");
    const list = el("div", { class: "list" }, el("table", null, el("thead", null, el("tr", null,
      ["", "records", "weight", "probability", "at threshold", D.truth ? "truth" : null]
        .filter((h) => h !== null).map((h) => el("th", { scope: "col" }, h)))), body));
    const detail = el("div", { class: "detail", id: "pair-detail", "aria-live": "polite" });
    let selected = null;

    comparisonSelect.addEventListener("change", () => {
      levelSelect.replaceChildren(el("option", { value: "" }, "any level"));
      const j = comparisonSelect.value;
      levelSelect.disabled = j === "";
      if (j !== "") {
        comparisons[j].levels.forEach((lv) =>
          levelSelect.append(el("option", { value: lv.gamma }, lv.label)));
      }
      render();
    });
    [setSelect, levelSelect].forEach((s) => s.addEventListener("change", render));
    search.addEventListener("input", render);

    function shown() {
      const set = setSelect.value;
      let indices = set === "all" ? P.rows.map((_, i) => i) : P[set];
      const j = comparisonSelect.value, level = levelSelect.value, text = search.value.trim();
      if (j !== "" && level !== "") {
        indices = indices.filter((i) => P.rows[i].g[j] === Number(level));
      }
      if (text) {
        const needle = text.toLowerCase();
        indices = indices.filter((i) => P.rows[i].l.toLowerCase().includes(needle)
          || P.rows[i].r.toLowerCase().includes(needle));
      }
      return indices;
    }

    function render() {
      const indices = shown();
      summary.textContent = `${count(indices.length)} pairs shown.`;
      body.replaceChildren(...indices.map((i) => {
        const pair = P.rows[i];
        const row = el("tr", { class: i === selected ? "selected" : null, "data-pair": i },
          el("td", null, el("button", { class: "pick", type: "button",
            "aria-label": `explain ${pair.l} and ${pair.r}`, onclick: () => open(i) }, "Explain")),
          td(`${pair.l} ~ ${pair.r}`), td(signed(pair.w, 2), "num"),
          td(pair.p.toFixed(4), "num"), td(isKept(pair) ? "kept" : "—"),
          D.truth ? el("td", null, truthTag(pair)) : null);
        return row;
      }));
    }

    function open(i, scroll) {
      selected = i;
      detail.replaceChildren(...pairDetail(i));
      body.querySelectorAll("tr").forEach((r) =>
        r.classList.toggle("selected", Number(r.dataset.pair) === i));
      if (scroll) byId("pairs").scrollIntoView();
    }

    listeners.push(() => { render(); if (selected !== null) open(selected); });
    root.append(
      el("div", { class: "controls" },
        el("label", null, "Pairs", setSelect),
        el("label", null, "Comparison", comparisonSelect),
        el("label", null, "Level", levelSelect),
        el("label", null, "Record id contains", search)),
      summary, list, detail);
    render();
    if (P.rows.length) open(P.sample.length ? P.sample[0] : 0);
    return open;
  }

  // clusters ---------------------------------------------------------------------------------
  function clusterBrowser(openPair) {
    const C = D.clusters;
    const root = byId("cluster-browser");
    const setSelect = el("select", { id: "cluster-set" },
      [["", `all embedded (${C.rows.length})`], ["largest", "largest"],
       ["weakest-linked", "weakest-linked"], ["sample", "sample"]]
        .map(([v, t]) => el("option", { value: v }, t)));
    const search = el("input", { type: "search", id: "cluster-search",
      placeholder: "e.g. web:000123" });
    const summary = el("p", { class: "note", id: "cluster-count", "aria-live": "polite" });
    const body = el("tbody");
    const list = el("div", { class: "list" }, el("table", null, el("thead", null, el("tr", null,
      ["", "entity", "records", "weakest link (bits)", "why shown"]
        .map((h) => el("th", { scope: "col" }, h)))), body));
    const detail = el("div", { class: "detail", id: "cluster-detail", "aria-live": "polite" });
    let selected = null;

    function render() {
      const text = search.value.trim().toLowerCase();
      const indices = C.rows.map((_, i) => i).filter((i) => {
        const c = C.rows[i];
        if (setSelect.value && c.why !== setSelect.value) return false;
        return !text || c.records.some((k) => k.toLowerCase().includes(text))
          || String(c.id).toLowerCase() === text;
      });
      summary.textContent = indices.length ? `${count(indices.length)} entities shown.`
        : "No embedded entity holds that record (only a sample of entities is embedded).";
      body.replaceChildren(...indices.map((i) => {
        const c = C.rows[i];
        return el("tr", { class: i === selected ? "selected" : null, "data-cluster": i },
          el("td", null, el("button", { class: "pick", type: "button",
            "aria-label": `open entity ${c.id}`, onclick: () => open(i) }, "Open")),
          td(String(c.id)), td(count(c.size), "num"),
          td(c.weakest === null ? "—" : signed(c.weakest, 2), "num"), td(c.why));
      }));
    }

    function open(i) {
      selected = i;
      const c = C.rows[i];
      const parts = [el("h3", { id: "cluster-title" },
        `Entity ${c.id}: ${count(c.size)} record${c.size === 1 ? "" : "s"}`)];
      const home = D.households && D.households.of_entity[String(c.id)];
      if (home) {
        parts.push(el("p", null, `Household ${home.household}: ${home.composition}, ` +
          `${home.size} ${home.size === 1 ? "person" : "people"}.`));
      }
      const golden = D.golden && D.golden.records[String(c.id)];
      if (golden) {
        parts.push(el("div", { class: "table-wrap" }, table(["attribute", "golden value"],
          D.golden.columns.map((col, j) => el("tr", null, el("th", { scope: "row" }, col),
            td(golden[j]))), { caption: "Golden record" })));
        const origin = D.golden.provenance[String(c.id)] || [];
        if (origin.length) {
          parts.push(el("div", { class: "table-wrap" }, table(D.golden.provenance_columns,
            origin.map((r) => el("tr", null, r.map((v) => td(v)))),
            { caption: "Where each golden value came from" })));
        }
      }
      const rows = c.records.map((key) => {
        const values = recordOf(key) || columns.map(() => null);
        return el("tr", null, el("th", { scope: "row" }, key), values.map((v) => td(v)));
      });
      parts.push(el("div", { class: "table-wrap" }, table(["record", ...columns], rows,
        { caption: c.records.length < c.size
          ? `The first ${c.records.length} of ${count(c.size)} records` : "Its records" })));
      if (c.links.length) {
        const links = c.links.map((p, n) => {
          const pair = P.rows[p];
          const weakest = n === c.links.length - 1;
          return el("tr", null,
            el("td", null, el("button", { class: "pick", type: "button",
              "aria-label": `explain ${pair.l} and ${pair.r}`,
              onclick: () => openPair(p, true) }, "Explain")),
            td(pair.l), td(pair.r), td(signed(pair.w, 2), "num"), td(pair.p.toFixed(4), "num"),
            el("td", null, weakest ? el("span", { class: "tag weak" }, "weakest") : null));
        });
        parts.push(el("div", { class: "table-wrap" }, table(
          ["", "record", "record", "weight", "probability", ""], links,
          { caption: "The links holding it together (its strongest spanning tree; the last " +
            "is the one it hangs on)" })));
      } else if (c.size > 1) {
        parts.push(el("p", { class: "note" }, "No scored pair inside it (joined by decision)."));
      }
      detail.replaceChildren(...parts);
      body.querySelectorAll("tr").forEach((r) =>
        r.classList.toggle("selected", Number(r.dataset.cluster) === i));
    }

    setSelect.addEventListener("change", render);
    search.addEventListener("input", render);
    root.append(el("div", { class: "controls" },
      el("label", null, "Entities", setSelect),
      el("label", null, "Record id contains", search)), summary, list, detail);
    render();
    if (C.rows.length) open(0);
  }

  // start ------------------------------------------------------------------------------------
  document.querySelectorAll(".needs-js").forEach((n) => { n.hidden = false; });
  document.querySelectorAll(".static-only").forEach((n) => { n.hidden = true; });
  byId("histogram").append(histogramChart());
  const slider = byId("threshold-slider");
  slider.addEventListener("input", () => setThreshold(Number(slider.value)));
  const openPair = pairExplorer();
  clusterBrowser(openPair);
  setThreshold(H.start);
})();
