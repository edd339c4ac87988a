// Hi-MoE dashboard: polls /v1/dashboard once a second and redraws. No external library.
"use strict";

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function line(id, values) {
  const svg = document.getElementById(id);
  const max = Math.max(1e-9, ...values);
  const n = values.length;
  const pts = values.map((v, i) => {
    const x = n <= 1 ? 0 : (i / (n - 1)) * 300;
    const y = 78 - (v / max) * 74;
    return x.toFixed(1) + "," + y.toFixed(1);
  });
  svg.innerHTML = "";
  const pl = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  pl.setAttribute("points", pts.join(" "));
  svg.appendChild(pl);
  svg.dataset.points = String(n);
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
  line("chart-entropy", s.series.map(p => p.entropy));
  line("chart-drift", s.series.map(p => p.drift));
  line("chart-cv", s.series.map(p => p.load_balance_cv));
  line("chart-latency", s.series.map(p => p.latency_ms));

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
