// Hi-MoE dashboard: polls /v1/dashboard once a second and redraws. No external library.
"use strict";

function text(id, value) {
  document.getElementById(id).textContent = value;
}

const SVG = "http://www.w3.org/2000/svg";
// Plot area inside each chart's 320 x 130 view box: room on the left for the value axis and
// below for the time axis.
const PLOT = {left: 52, right: 312, top: 8, bottom: 98};

function svgEl(name, attrs, content) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, v);
  }
  if (content !== undefined) {
    e.textContent = content;
  }
  return e;
}

// The smallest of 1, 2, 5 times a power of ten at or above v (v > 0).
function niceCeil(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) {
    if (m * p >= v * (1 - 1e-9)) {
      return m * p;
    }
  }
  return 10 * p;
}

function clock(ms) {
  return new Date(ms).toTimeString().slice(0, 8);
}

// A line chart of points[field] over time, with a value axis (0, half, top; in the chart's unit),
// a time axis (first and last point's local time) and the current value in the caption.
// spec: {unit, digits, max (a fixed top, or undefined to fit the data)}
function chart(id, points, field, spec) {
  const svg = document.getElementById(id);
  const values = points.map(p => p[field]);
  const n = values.length;
  const top = spec.max !== undefined ? spec.max : niceCeil(Math.max(1e-9, ...values));
  const w = PLOT.right - PLOT.left;
  const h = PLOT.bottom - PLOT.top;
  const t0 = n > 0 ? points[0].at : 0;
  const span = n > 1 ? Math.max(1, points[n - 1].at - t0) : 1;
  svg.innerHTML = "";
  for (const f of [0, 0.5, 1]) {
    const y = (PLOT.bottom - f * h).toFixed(1);
    svg.appendChild(svgEl("line", {class: f === 0 ? "axis" : "grid", x1: PLOT.left, x2: PLOT.right, y1: y, y2: y}));
    svg.appendChild(svgEl("text", {class: "y-tick", x: PLOT.left - 4, y: y, "text-anchor": "end", "dominant-baseline": "middle"},
        (f * top).toFixed(spec.digits)));
  }
  svg.appendChild(svgEl("line", {class: "axis", x1: PLOT.left, x2: PLOT.left, y1: PLOT.top, y2: PLOT.bottom}));
  svg.appendChild(svgEl("text", {class: "unit", x: 10, y: (PLOT.top + h / 2).toFixed(1), "text-anchor": "middle",
      transform: "rotate(-90 10 " + (PLOT.top + h / 2).toFixed(1) + ")"}, spec.unit));
  if (n > 0) {
    svg.appendChild(svgEl("text", {class: "x-tick", x: PLOT.left, y: PLOT.bottom + 14, "text-anchor": "start"}, clock(t0)));
    svg.appendChild(svgEl("text", {class: "x-tick", x: PLOT.right, y: PLOT.bottom + 14, "text-anchor": "end"},
        clock(points[n - 1].at)));
  }
  svg.appendChild(svgEl("text", {class: "x-title", x: PLOT.left + w / 2, y: PLOT.bottom + 28, "text-anchor": "middle"},
      "time (local), one point a request"));
  const pts = values.map((v, i) => {
    const x = n <= 1 ? PLOT.right : PLOT.left + ((points[i].at - t0) / span) * w;
    const y = PLOT.bottom - (Math.min(v, top) / top) * h;
    return x.toFixed(1) + "," + y.toFixed(1);
  });
  svg.appendChild(svgEl("polyline", {points: pts.join(" ")}));
  svg.dataset.points = String(n);
  svg.dataset.yMax = String(top);
  const now = document.getElementById(id + "-now");
  now.textContent = n > 0 ? "now " + values[n - 1].toFixed(spec.digits) + " " + spec.unit : "no requests yet";
}

function cell(tr, value) {
  const td = document.createElement("td");
  if (value instanceof Node) {
    td.appendChild(value);
  } else {
    td.textContent = value;
  }
  tr.appendChild(td);
}

function bar(share) {
  const span = document.createElement("span");
  const b = document.createElement("span");
  b.className = "bar";
  b.style.width = Math.round(share * 120) + "px";
  span.appendChild(b);
  span.appendChild(document.createTextNode((share * 100).toFixed(1) + "%"));
  return span;
}

function render(s) {
  text("requests", s.budget.requests);
  text("errors", s.budget.errors);
  text("cost", s.budget.cost_units.toFixed(3));
  text("timeused", (s.budget.mean_time_used * 100).toFixed(1) + "%");
  chart("chart-entropy", s.series, "entropy", {unit: "nats", digits: 2});
  chart("chart-drift", s.series, "drift", {unit: "TV distance", digits: 2, max: 1});
  chart("chart-cv", s.series, "load_balance_cv", {unit: "σ/μ", digits: 2});
  chart("chart-latency", s.series, "latency_ms", {unit: "ms", digits: 0});

  const eb = document.querySelector("#experts tbody");
  eb.innerHTML = "";
  for (const [name, f] of Object.entries(s.experts)) {
    const tr = document.createElement("tr");
    cell(tr, name);
    cell(tr, bar(f.utilisation));
    cell(tr, f.calls);
    cell(tr, f.failures);
    cell(tr, f.p50_ms);
    cell(tr, f.p95_ms);
    cell(tr, f.p99_ms);
    eb.appendChild(tr);
  }

  const sb = document.querySelector("#shadows tbody");
  sb.innerHTML = "";
  for (const [name, f] of Object.entries(s.shadows)) {
    const tr = document.createElement("tr");
    cell(tr, name);
    cell(tr, f.runs);
    cell(tr, f.wins);
    cell(tr, (f.win_rate * 100).toFixed(1) + "%");
    sb.appendChild(tr);
  }

  const ol = document.getElementById("decisions");
  if (s.decisions_hidden) {
    ol.replaceChildren();
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "Decisions are hidden without an API key: open this page as /#key=YOUR_KEY";
    ol.appendChild(li);
    return;
  }
  ol.innerHTML = "";
  for (const d of s.decisions) {
    const li = document.createElement("li");
    li.className = d.ok ? "ok" : "failed";
    li.dataset.trace = d.trace_id;
    const head = document.createElement("div");
    head.textContent = (d.router ? "[" + d.router + "] " : "") + d.input + "  →  " + d.answer;
    const meta = document.createElement("div");
    meta.className = "muted";
    meta.textContent = d.trace_id + " · " + d.latency_ms + " ms · cost " + d.cost_units.toFixed(3);
    const why = document.createElement("div");
    why.className = "why";
    why.textContent = d.explanation.join("\n");
    li.append(head, meta, why);
    ol.appendChild(li);
  }
}

// With API keys configured, the decision feed needs one: open the page as /#key=YOUR_KEY (kept
// in this tab's session storage, never sent anywhere but this server).
function apiKey() {
  const m = location.hash.match(/key=([^&]+)/);
  if (m) {
    sessionStorage.setItem("himoe-key", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("himoe-key");
}

async function tick() {
  try {
    const key = apiKey();
    const headers = key ? {"Authorization": "Bearer " + key} : {};
    const r = await fetch("/v1/dashboard", {cache: "no-store", headers});
    if (!r.ok) {
      throw new Error("HTTP " + r.status);
    }
    render(await r.json());
    text("status", "live · updated " + new Date().toLocaleTimeString());
  } catch (e) {
    text("status", "disconnected: " + e.message);
  }
}

tick();
setInterval(tick, 1000);
