// llmgw dashboard: polls /ui/api/state every second (and /ui/api/keys every
// five) and redraws. Everything is built with DOM calls and textContent, never
// innerHTML: model names and key names come from clients and operators.
"use strict";

const POLL_MS = 1000;
const KEYS_POLL_MS = 5000;

let csrf = "";
let lastGraph = "";
let lastFile = "";
let charts = null;
let mlflow = null;

const $ = (id) => document.getElementById(id);

// el builds an element: el("td", {class: "num"}, "text", child…).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// Health colours: ok, warn or bad.
function pluginLevel(state) {
  switch (state) {
    case "serving": return "ok";
    case "starting": case "restarting": case "spooling": return "warn";
    case undefined: case null: case "": return "warn";
    default: return "bad";
  }
}
function breakerLevel(b) {
  return b === "open" ? "bad" : b === "half-open" ? "warn" : "ok";
}
function worst(...levels) {
  return levels.includes("bad") ? "bad" : levels.includes("warn") ? "warn" : "ok";
}

function fmtMs(v) {
  if (v === null || v === undefined) return "–";
  return v < 10 ? v.toFixed(2) + " ms" : v < 1000 ? v.toFixed(0) + " ms" : (v / 1000).toFixed(2) + " s";
}
function fmtUSD(v) {
  if (v === null || v === undefined) return "–";
  if (v === 0) return "$0";
  return v < 0.01 ? "$" + v.toPrecision(2) : "$" + v.toFixed(2);
}
function fmtDuration(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}
// One formatter for every time shown: Date.toLocaleTimeString builds a new
// one per call, which costs milliseconds each (300 rows: most of a second).
const timeFmt = new Intl.DateTimeFormat(undefined, {hour: "2-digit", minute: "2-digit", second: "2-digit"});
function sum(a) { return a.reduce((x, y) => x + (y || 0), 0); }

// --- the pipeline picture -------------------------------------------------

function pluginNode(kind, name, plugin, plugins, extra, level) {
  const p = plugins[plugin] || {};
  const lv = level || pluginLevel(p.state);
  return el("div", {class: "node " + lv, "data-kind": kind, "data-name": name, "data-plugin": plugin, "data-pid": p.pid || "", "data-state": p.state || ""},
    el("b", {}, name),
    el("span", {class: "sub"}, plugin),
    el("span", {class: "sub"}, `${p.state || "?"} · pid ${p.pid || "–"} · restarts ${p.restarts ?? 0}`),
    extra || null);
}

function drawGraph(graph, health) {
  const plugins = Object.fromEntries((health.plugins || []).map((p) => [p.name, p]));
  const providers = Object.fromEntries(graph.providers.map((p) => [p.name, p]));
  const box = $("graph");
  const svg = $("edges");
  box.replaceChildren(svg);
  const cols = [];
  graph.stages.forEach((group, i) => {
    const col = el("div", {class: "col"}, el("h3", {}, `stage ${i + 1}`));
    const g = el("div", {class: "group" + (group.length > 1 ? " parallel" : "")});
    for (const st of group) {
      const role = st.role ? ` · ${st.role}` : "";
      g.append(pluginNode("stage", st.name, st.plugin, plugins, el("span", {class: "sub"}, st.on_error + role)));
    }
    col.append(g);
    cols.push(col);
  });
  cols.push(el("div", {class: "col"}, el("h3", {}, "router"),
    el("div", {class: "node plain", "data-kind": "router"}, el("b", {}, "router"),
      el("span", {class: "sub"}, `${graph.models.length} models`),
      el("span", {class: "sub"}, `generation ${graph.generation}`))));
  const modelCol = el("div", {class: "col"}, el("h3", {}, "models"));
  for (const m of graph.models) {
    let level = "ok";
    const chips = el("div", {class: "chips"});
    m.targets.forEach((t, i) => {
      const pl = providers[t.provider] || {};
      const lv = worst(pluginLevel((plugins[pl.plugin] || {}).state), breakerLevel(pl.breaker));
      if (i === 0 || m.chain) level = i === 0 ? lv : level;
      chips.append(el("span", {class: "chip " + lv}, m.chain ? `${i + 1}. ${t.model}` : t.upstream || t.model));
    });
    modelCol.append(el("div", {class: "node " + level, "data-kind": "model", "data-name": m.name},
      el("b", {}, m.name), el("span", {class: "sub"}, m.chain ? "fallback chain" : "→ " + (m.targets[0] || {}).provider), chips));
  }
  cols.push(modelCol);
  const provCol = el("div", {class: "col"}, el("h3", {}, "providers"));
  for (const p of graph.providers) {
    const lv = worst(pluginLevel((plugins[p.plugin] || {}).state), breakerLevel(p.breaker));
    const n = pluginNode("provider", p.name, p.plugin, plugins, el("span", {class: "sub"}, "breaker " + p.breaker), lv);
    n.setAttribute("data-breaker", p.breaker);
    provCol.append(n);
  }
  cols.push(provCol);
  cols.forEach((c, i) => {
    // Models and providers are joined by the drawn edges instead.
    if (i > 0 && c !== provCol) box.append(el("span", {class: "arrow"}, "→"));
    box.append(c);
  });
  const tr = $("trackers");
  tr.replaceChildren(...graph.trackers.map((t) => {
    const p = plugins[t.plugin] || {};
    return pluginNode("tracker", "tracker " + t.name, t.plugin, plugins, el("span", {class: "sub"}, t.state || ""), pluginLevel(p.state));
  }));
  drawEdges(graph);
}

// drawEdges joins each model to the providers it is sent to.
function drawEdges(graph) {
  const box = $("graph");
  const svg = $("edges");
  svg.replaceChildren();
  if (getComputedStyle(svg).display === "none") return;
  const origin = box.getBoundingClientRect();
  svg.setAttribute("width", box.scrollWidth);
  svg.setAttribute("height", box.scrollHeight);
  const find = (kind, name) => box.querySelector(`.node[data-kind="${kind}"][data-name="${CSS.escape(name)}"]`);
  // Every position is read before any path is added: adding one would make
  // the next read lay the page out again.
  const paths = [];
  for (const m of graph.models) {
    const from = find("model", m.name);
    for (const t of m.targets) {
      const to = find("provider", t.provider);
      if (!from || !to) continue;
      const a = from.getBoundingClientRect(), b = to.getBoundingClientRect();
      const x1 = a.right - origin.left + box.scrollLeft, y1 = a.top + a.height / 2 - origin.top;
      const x2 = b.left - origin.left + box.scrollLeft, y2 = b.top + b.height / 2 - origin.top;
      const mid = (x1 + x2) / 2;
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`);
      if (m.chain) path.setAttribute("class", "chain");
      paths.push(path);
    }
  }
  svg.append(...paths);
}

// --- traffic --------------------------------------------------------------

function chartOpts(width, series) {
  return {
    width, height: 170,
    legend: {show: true, live: false},
    cursor: {drag: {x: false, y: false}},
    scales: {x: {time: true}},
    axes: [{size: 30}, {size: 50}],
    series: [{}, ...series],
  };
}

function makeCharts() {
  const w = (id) => Math.max(240, $(id).clientWidth || 300);
  return {
    rps: new uPlot(chartOpts(w("c-rps"), [
      {label: "req/s", stroke: "#2f5fd0", width: 1.5},
      {label: "errors", stroke: "#d0342c", width: 1},
      {label: "fallbacks", stroke: "#c27c0e", width: 1},
      {label: "blocked", stroke: "#7c3aed", width: 1},
    ]), [[], [], [], [], []], $("c-rps")),
    lat: new uPlot(chartOpts(w("c-lat"), [
      // Points too: a second with traffic between idle ones has no line.
      {label: "p50", stroke: "#1f9d55", width: 1.5, points: {show: true, size: 4}},
      {label: "p99", stroke: "#d0342c", width: 1.5, points: {show: true, size: 4}},
    ]), [[], [], []], $("c-lat")),
    cost: new uPlot(chartOpts(w("c-cost"), [
      {label: "USD/min", stroke: "#0e7490", width: 1.5, fill: "rgba(14,116,144,.08)"},
    ]), [[], []], $("c-cost")),
  };
}

function resizeCharts() {
  if (!charts) return;
  for (const [id, c] of [["c-rps", charts.rps], ["c-lat", charts.lat], ["c-cost", charts.cost]]) {
    c.setSize({width: Math.max(240, $(id).clientWidth), height: 170});
  }
}

function countTable(id, counts) {
  const rows = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]);
  const body = $(id).tBodies[0];
  body.replaceChildren(...(rows.length ? rows.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {class: "num"}, v)))
    : [el("tr", {}, el("td", {class: "muted"}, "none"), el("td", {}, ""))]));
}

function drawTraffic(t) {
  const labels = {1: "1 s", 5: "5 s", 60: "1 min"};
  $("traffic-window").textContent = `last ${fmtDuration(t.t.length * t.step_s)}, one point per ${labels[t.step_s] || t.step_s + " s"}`;
  const n = t.rps.length;
  const tail = Math.min(n, Math.max(1, Math.round(10 / t.step_s)));
  $("t-rps").textContent = (sum(t.rps.slice(n - tail)) / tail).toFixed(1);
  $("t-p50").textContent = fmtMs(t.p50_all_ms);
  $("t-p99").textContent = fmtMs(t.p99_all_ms);
  $("t-total").textContent = t.total;
  $("t-errors").textContent = sum(t.errors);
  $("t-fallbacks").textContent = sum(t.fallbacks);
  $("t-blocked").textContent = sum(t.blocked);
  // Requests a stage answered itself (the cache), as a share of all.
  const hits = sum(t.answered), all = sum(t.rps) * t.step_s;
  $("t-cache").textContent = all > 0 ? `${hits} (${(100 * hits / all).toFixed(0)} %)` : "0";
  $("t-cost").textContent = fmtUSD(t.cost_usd / Math.max(1, t.t.length * t.step_s / 60));
  countTable("errors-by-code", t.errors_by_code);
  countTable("blocked-by-category", t.blocked_by_category);
  if (typeof uPlot === "undefined") return;
  if (!charts) charts = makeCharts();
  const scale = t.step_s; // per-point counts → per second for the rate chart
  charts.rps.setData([t.t, t.rps, t.errors.map((v) => v / scale), t.fallbacks.map((v) => v / scale), t.blocked.map((v) => v / scale)]);
  charts.lat.setData([t.t, t.p50_ms, t.p99_ms]);
  charts.cost.setData([t.t, t.cost_per_min]);
}

// --- recent requests ------------------------------------------------------

function traceLink(r) {
  if (!mlflow || !r.event_id) return "";
  return el("a", {href: `/ui/trace/${encodeURIComponent(r.event_id)}`, target: "_blank", rel: "noopener noreferrer"}, "MLflow");
}

let lastRecent = "";
function drawRecent(recent) {
  // Redrawn only when a request finished since the last poll.
  const sig = recent.length + (recent.length ? recent[0].request_id + recent[0].time : "") + (mlflow ? "m" : "");
  if (sig === lastRecent) return;
  lastRecent = sig;
  $("recent-count").textContent = `(${recent.length})`;
  $("recent-rows").replaceChildren(...recent.map((r) => el("tr", {class: r.status >= 400 ? "err" : "", "data-request-id": r.request_id},
    el("td", {}, timeFmt.format(new Date(r.time))),
    el("td", {}, r.key_id || "–"),
    el("td", {}, r.model),
    el("td", {}, r.model_used || "–"),
    el("td", {}, r.provider || "–"),
    el("td", {class: "num"}, r.attempts),
    el("td", {class: "status", title: r.code || ""}, r.status + (r.code ? " " + r.code : "")),
    el("td", {class: "num"}, fmtMs(r.latency_ms)),
    el("td", {class: "num"}, r.cost_usd === null ? "–" : fmtUSD(r.cost_usd)),
    el("td", {}, traceLink(r)))));
}

// --- keys -----------------------------------------------------------------

// budgetBar draws a key's or a team's spend against its budget; attr names
// it ({"data-key": id} or {"data-team": name}).
function budgetBar(k, attr) {
  const spend = Number(k.spend_usd || 0);
  if (k.budget_usd === null || k.budget_usd === undefined) {
    return el("span", {}, `${fmtUSD(spend)} (no budget)`);
  }
  const budget = Number(k.budget_usd);
  const frac = budget > 0 ? Math.min(1, spend / budget) : 1;
  const bar = el("div", {class: "bar" + (frac >= 1 ? " full" : frac >= 0.8 ? " high" : ""), ...attr, title: `${spend} of ${budget} USD`},
    el("i"), el("span", {}, `${fmtUSD(spend)} / ${fmtUSD(budget)}${k.budget_period ? " per " + k.budget_period : ""}`));
  bar.firstChild.style.width = (frac * 100).toPrecision(3) + "%";
  return bar;
}

async function pollKeys() {
  try {
    const r = await fetch("/ui/api/keys", {credentials: "same-origin"});
    if (r.status === 401) return location.reload();
    const body = await r.json();
    $("keys-none").hidden = body.available;
    $("keys-table").hidden = !body.available;
    $("keys-rows").replaceChildren(...body.data.map((k) => el("tr", {"data-key": k.id},
      el("td", {}, el("b", {}, k.name || k.id), el("div", {class: "muted"}, k.id + (k.team ? " · team " + k.team : ""))),
      el("td", {}, k.status),
      el("td", {}, budgetBar(k, {"data-key": k.id})))));
    const teams = body.teams || [];
    $("teams-table").hidden = teams.length === 0;
    $("teams-rows").replaceChildren(...teams.map((t) => el("tr", {"data-team": t.name},
      el("td", {}, el("b", {}, t.name)),
      el("td", {}, String((t.keys || []).length)),
      el("td", {}, budgetBar(t, {"data-team": t.name})))));
  } catch (e) { /* the next poll tries again */ }
}

// --- the pipeline file and reload -----------------------------------------

function drawFile(p) {
  $("file-path").textContent = p.path;
  const lr = p.last_reload || {};
  const when = lr.at ? new Date(lr.at).toLocaleString() : "–";
  $("reload-status").replaceChildren(lr.ok
    ? el("span", {class: "okmsg"}, `Last load: generation ${lr.generation} at ${when}`)
    : el("span", {class: "errmsg"}, `Last reload failed at ${when} (still serving generation ${lr.generation}):\n${lr.error || ""}`));
  const text = p.read_error ? "cannot read the file: " + p.read_error : p.text;
  if (text !== lastFile) {
    lastFile = text;
    $("file-text").textContent = text;
  }
}

async function reload() {
  const btn = $("reload");
  btn.disabled = true;
  $("reload-result").textContent = "reloading…";
  try {
    const r = await fetch("/ui/api/reload", {method: "POST", credentials: "same-origin", headers: {"X-CSRF-Token": csrf}});
    const body = await r.json();
    $("reload-result").replaceChildren(r.ok
      ? el("span", {class: "okmsg"}, `reloaded: generation ${body.generation}`)
      : el("span", {class: "errmsg"}, (body.error && body.error.message) || `reload failed (${r.status})`));
  } catch (e) {
    $("reload-result").textContent = "reload failed: " + e;
  } finally {
    btn.disabled = false;
    poll();
  }
}

async function signOut() {
  await fetch("/ui/logout", {method: "POST", credentials: "same-origin", headers: {"X-CSRF-Token": csrf}});
  location.reload();
}

// --- polling --------------------------------------------------------------

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try {
    const r = await fetch("/ui/api/state?window=" + encodeURIComponent($("window").value), {credentials: "same-origin"});
    if (r.status === 401) return location.reload();
    const s = await r.json();
    csrf = s.csrf;
    mlflow = s.mlflow || null;
    const st = $("status");
    st.textContent = s.health.status;
    st.className = "pill " + (s.health.status === "ok" ? "ok" : "bad");
    $("generation").textContent = s.generation;
    $("uptime").textContent = fmtDuration(s.uptime_s);
    $("inflight").textContent = s.inflight;
    const sig = JSON.stringify([s.graph, s.health.plugins]);
    if (sig !== lastGraph) {
      lastGraph = sig;
      drawGraph(s.graph, s.health);
    }
    // The series start at the gateway's start (the server leaves out the
    // points before it).
    drawTraffic(s.traffic);
    drawRecent(s.recent);
    drawFile(s.pipeline);
    document.body.dataset.updated = s.now;
    if (!performance.getEntriesByName("llmgw-data").length) performance.mark("llmgw-data");
  } catch (e) {
    $("status").textContent = "unreachable";
    $("status").className = "pill bad";
  } finally {
    polling = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("reload").addEventListener("click", reload);
  $("signout").addEventListener("click", signOut);
  $("window").addEventListener("change", poll);
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { resizeCharts(); lastGraph = ""; poll(); }, 150);
  });
  poll();
  pollKeys();
  setInterval(poll, POLL_MS);
  setInterval(pollKeys, KEYS_POLL_MS);
});
