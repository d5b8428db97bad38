// The 2-D page of descent serve. It computes nothing the API does not
// return: paths, losses, distances and the contour bands come from the
// server; this file only lays them out and draws them.
"use strict";

const T = {
  en: { nav2d: "2-D functions", navmnist: "MNIST", function: "Function", steps: "Steps", start: "Start",
    clickhint: "click the map to move it", window: "Window", reset: "reset", add: "+ add an optimizer",
    download: "Download", copy: "copy the command", copied: "copied", play: "play", pause: "pause", step: "step",
    speed: "speed", method: "method", dup: "duplicate", remove: "remove", optimizer: "optimizer",
    final: "final loss", dist: "distance to a minimum", status: "status", diverged: "diverged at step ",
    ok: "finite", stepof: "step ", footer: "Every number on this page comes from the engine of descent trace.",
    note: "The study note's mistakes", active: "(this page runs variant=note for this method)", loss: "loss (log)", losslin: "loss" },
  ja: { nav2d: "2次元の関数", navmnist: "MNIST", function: "関数", steps: "ステップ数", start: "出発点",
    clickhint: "地図をクリックすると移動します", window: "表示範囲", reset: "元に戻す", add: "+ オプティマイザを追加",
    download: "ダウンロード", copy: "コマンドをコピー", copied: "コピーしました", play: "再生", pause: "一時停止", step: "1ステップ",
    speed: "速さ", method: "手法", dup: "複製", remove: "削除", optimizer: "オプティマイザ",
    final: "最終的な損失", dist: "最小点までの距離", status: "状態", diverged: "発散したステップ ",
    ok: "有限", stepof: "ステップ ", footer: "このページの数値はすべて descent trace と同じエンジンが計算しています。",
    note: "学習ノートの誤り", active: "（このページではこの手法を variant=note で実行しています）", loss: "損失（対数）", losslin: "損失" },
};

const $ = (s) => document.querySelector(s);
const api = { functions: null, methods: null, colors: [], methodColors: {}, maxOpt: 8, maxSteps: 10000 };

// pickColor is the colour of a new row of method: the method's own (as every
// picture of the lab draws it) unless another row (not row except) has it,
// else the first spare colour no row uses.
function pickColor(method, except) {
  const used = new Set(S.rows.filter((r, k) => k !== except).map((r) => r.color));
  const own = api.methodColors[method];
  if (own && !used.has(own)) return own;
  return api.colors.find((c) => !used.has(c)) || api.colors[S.rows.length % api.colors.length];
}
const S = { func: "rosenbrock", cond: null, start: null, steps: 200, xlim: null, ylim: null, rows: [], lang: "en", t: null };
let data = null;          // the last /api/trace answer
let seq = 0, shown = 0;   // request numbers: the newest sent, the newest drawn
let pendingT0 = null;     // performance.now() of the input that asked for the redraw
let playing = false;
const explainCache = new Map();

function tr(k) { return (T[S.lang] || T.en)[k] || k; }

function fnByName(name) { return api.functions.find((f) => f.name === name); }
function funcSpec() { return S.func === "quadratic" && S.cond ? "quadratic:cond=" + S.cond : S.func; }
function schemaOf(method) {
  return api.methods.find((m) => m.method === method) || (api.second || []).find((m) => m.method === method) || null;
}
function win() {
  const f = fnByName(S.func);
  const [x0, x1, y0, y1] = f.window;
  return { xmin: S.xlim ? S.xlim[0] : x0, xmax: S.xlim ? S.xlim[1] : x1, ymin: S.ylim ? S.ylim[0] : y0, ymax: S.ylim ? S.ylim[1] : y1 };
}
function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : String(+v.toPrecision(5));
}

// ----- spec <-> row -----
function rowFromSpec(spec, color) {
  const [name, rest] = spec.split(/:(.*)/s);
  const sch = schemaOf(name.trim());
  if (!sch) return null;
  const row = { method: name.trim(), values: {}, color };
  for (const p of sch.params) row.values[p.key] = p.default;
  if (rest) for (const kv of rest.split(",")) {
    const [k, v] = kv.split("=");
    if (k && v !== undefined) row.values[k.trim()] = v.trim();
  }
  return row;
}
function specOf(row) {
  const sch = schemaOf(row.method);
  const parts = [];
  for (const p of sch.params) {
    const v = row.values[p.key];
    if (v !== undefined && v !== p.default) parts.push(p.key + "=" + v);
  }
  return row.method + (parts.length ? ":" + parts.join(",") : "");
}

// ----- URL state -----
function query(extra) {
  const q = new URLSearchParams();
  q.set("func", funcSpec());
  if (S.start) q.set("start", S.start[0] + "," + S.start[1]);
  q.set("steps", String(S.steps));
  for (const r of S.rows) q.append("opt", specOf(r));
  if (extra) for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}
// saveURL writes the state into the address bar, at most every 200 ms: a
// dragged slider changes it dozens of times a second, and replaceState is
// not free. writeURL writes it at once.
let urlTimer = 0;
function saveURL() {
  if (!urlTimer) urlTimer = setTimeout(writeURL, 200);
}
function writeURL() {
  clearTimeout(urlTimer); urlTimer = 0;
  const q = query();
  if (S.xlim) q.set("xlim", S.xlim.join(","));
  if (S.ylim) q.set("ylim", S.ylim.join(","));
  for (const r of S.rows) q.append("color", r.color.replace("#", ""));
  q.set("lang", S.lang);
  if (S.t !== null) q.set("t", String(S.t));
  history.replaceState(null, "", "?" + q.toString());
}
function loadURL() {
  const q = new URLSearchParams(location.search);
  const fs = q.get("func") || "rosenbrock";
  const [fname, fopt] = fs.split(":");
  S.func = fnByName(fname) ? fname : "rosenbrock";
  if (fopt && fopt.startsWith("cond=")) S.cond = fopt.slice(5);
  const pair = (s) => { if (!s) return null; const v = s.split(",").map(Number); return v.length === 2 && v.every(isFinite) ? v : null; };
  S.start = pair(q.get("start"));
  if (q.get("steps") !== null && isFinite(+q.get("steps"))) S.steps = +q.get("steps");
  S.xlim = pair(q.get("xlim")); S.ylim = pair(q.get("ylim"));
  S.lang = q.get("lang") === "ja" ? "ja" : (q.get("lang") === "en" ? "en" : (navigator.language || "").startsWith("ja") ? "ja" : "en");
  const colors = q.getAll("color");
  S.rows = [];
  q.getAll("opt").forEach((spec, i) => {
    const r = rowFromSpec(spec, colors[i] ? "#" + colors[i] : pickColor(spec.split(":")[0].trim()));
    if (r) S.rows.push(r);
  });
  if (q.get("t") !== null) S.t = +q.get("t");
  if (!S.rows.length) {
    const f = fnByName(S.func);
    S.steps = q.get("steps") ? S.steps : 300;
    ["sgd:lr=0.001", "momentum:lr=0.001", "adam:lr=0.05", "adam:lr=0.05,variant=note"].forEach((s) => S.rows.push(rowFromSpec(s, pickColor(s.split(":")[0]))));
    if (!f) S.func = "rosenbrock";
  }
}

// ----- controls -----
function sliderRange(p) {
  if (p.log) return p.key === "eps" ? [1e-12, 1] : [1e-5, 10];
  if (p.key === "history") return [1, 50];
  if (p.key === "increase") return [1.1, 20];
  let lo = p.min ?? 0, hi = p.max ?? Math.max(1, 4 * +p.default);
  if (p.max_open) hi = +(hi - 0.001).toFixed(3);
  return [lo, hi];
}
function toSlider(p, v) { const [lo, hi] = sliderRange(p); return p.log ? (Math.log10(Math.max(+v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * 1000 : (+v - lo) / (hi - lo) * 1000; }
function fromSlider(p, s) {
  const [lo, hi] = sliderRange(p);
  let v = p.log ? Math.pow(10, Math.log10(lo) + (Math.log10(hi) - Math.log10(lo)) * s / 1000) : lo + (hi - lo) * s / 1000;
  if (p.integer || p.key === "history") return String(Math.round(v));
  return String(+v.toPrecision(p.log ? 2 : 3));
}

function methodOptions(sel, current) {
  sel.innerHTML = "";
  for (const m of api.methods.concat(api.second)) {
    const o = document.createElement("option");
    o.value = o.textContent = m.method;
    sel.appendChild(o);
  }
  sel.value = current;
}

function renderRows() {
  const box = $("#rows");
  box.innerHTML = "";
  S.rows.forEach((row, i) => {
    const sch = schemaOf(row.method);
    const el = document.createElement("div");
    el.className = "row";
    el.style.setProperty("--c", row.color);
    el.dataset.index = i;
    const head = document.createElement("div");
    head.className = "head";
    const sel = document.createElement("select");
    sel.setAttribute("aria-label", tr("method"));
    methodOptions(sel, row.method);
    sel.onchange = () => {
      // A row in its method's own colour takes the new method's.
      const c = row.color === api.methodColors[row.method] ? pickColor(sel.value, i) : row.color;
      S.rows[i] = rowFromSpec(sel.value, c); renderRows(); changed(); renderExplain();
    };
    const col = document.createElement("input");
    col.type = "color"; col.value = row.color; col.setAttribute("aria-label", "colour");
    col.oninput = () => { row.color = col.value; el.style.setProperty("--c", row.color); drawAll(); saveURL(); };
    const dup = document.createElement("button");
    dup.type = "button"; dup.innerHTML = '<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><rect x="1" y="4" width="8" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5"/><rect x="5" y="1" width="8" height="9" rx="1.5" fill="#fff" stroke="currentColor" stroke-width="1.5"/></svg>'; dup.title = tr("dup"); dup.className = "dup";
    dup.disabled = S.rows.length >= api.maxOpt;
    dup.onclick = () => { S.rows.splice(i + 1, 0, { ...row, values: { ...row.values }, color: pickColor(row.method) }); renderRows(); changed(); };
    const rm = document.createElement("button");
    rm.type = "button"; rm.textContent = "✕"; rm.title = tr("remove"); rm.className = "remove";
    rm.disabled = S.rows.length <= 1;
    rm.onclick = () => { S.rows.splice(i, 1); renderRows(); changed(); renderExplain(); };
    head.append(sel, col, dup, rm);
    el.appendChild(head);
    const grid = document.createElement("div");
    grid.className = "params";
    for (const p of sch.params) {
      const lab = document.createElement("label");
      lab.textContent = p.key;
      lab.title = p.doc + " (" + p.allowed + ")";
      if (p.kind === "number") {
        const rg = document.createElement("input");
        rg.type = "range"; rg.min = 0; rg.max = 1000; rg.step = 1; rg.dataset.key = p.key;
        rg.value = toSlider(p, row.values[p.key]);
        rg.setAttribute("aria-label", p.key);
        const nb = document.createElement("input");
        nb.type = "number"; nb.step = "any"; nb.value = row.values[p.key]; nb.dataset.key = p.key;
        nb.setAttribute("aria-label", p.key);
        rg.addEventListener("input", () => { pendingT0 = performance.now(); row.values[p.key] = fromSlider(p, +rg.value); nb.value = row.values[p.key]; changed(); });
        nb.addEventListener("input", () => { if (nb.value === "") return; pendingT0 = performance.now(); row.values[p.key] = nb.value; rg.value = toSlider(p, nb.value); changed(); });
        grid.append(lab, rg, nb);
      } else if (p.kind === "bool") {
        const cb = document.createElement("input");
        cb.type = "checkbox"; cb.checked = row.values[p.key] === "true"; cb.dataset.key = p.key;
        const w = document.createElement("span"); w.className = "flag"; w.appendChild(cb);
        cb.onchange = () => { pendingT0 = performance.now(); row.values[p.key] = String(cb.checked); changed(); };
        lab.htmlFor = cb.id = "r" + i + p.key;
        grid.append(lab, w);
      } else {
        const s = document.createElement("select");
        for (const v of p.values) { const o = document.createElement("option"); o.value = o.textContent = v; s.appendChild(o); }
        s.value = row.values[p.key]; s.dataset.key = p.key;
        const w = document.createElement("span"); w.className = "flag"; w.appendChild(s);
        s.onchange = () => { pendingT0 = performance.now(); row.values[p.key] = s.value; changed(); renderExplain(); };
        grid.append(lab, w);
      }
    }
    el.appendChild(grid);
    const err = document.createElement("div");
    err.className = "rowerr";
    el.appendChild(err);
    box.appendChild(el);
  });
  $("#add").disabled = S.rows.length >= api.maxOpt;
}

// ----- fetching and drawing -----
// changed re-runs the engine at once; answers that arrive after a newer
// one has been drawn are dropped (see show), so a dragged slider never
// waits for a frame.
function changed() {
  update();
  saveURL();
}

function update() {
  ask({ q: query(), my: ++seq, t0: pendingT0 ?? performance.now() });
  pendingT0 = null;
}

// ----- asking the engine -----
// The page asks over a WebSocket, /api/trace.ws, whose answers are
// /api/trace.bin's bytes: a fetch costs the browser 7–13 ms however small
// the answer, a message on an open socket 1–2 ms. While the socket is not
// open (the first query, a server that closed it) the page fetches
// /api/trace.bin. One query is on the socket at a time; a newer one waits
// for its answer, replacing any other waiting query, so that a dragged
// slider never queues stale work. A request req is {q, my, t0}: the
// query, its number, and the time of the input that asked for it.
const sock = { ws: null, open: false, busy: null, next: null, tried: -Infinity };
function openSocket() {
  if (sock.ws || !littleEndian || typeof WebSocket !== "function" || performance.now() - sock.tried < 1000) return;
  sock.tried = performance.now();
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/trace.ws");
  ws.binaryType = "arraybuffer";
  sock.ws = ws;
  ws.onopen = () => { sock.open = true; };
  ws.onmessage = (e) => {
    const req = sock.busy, tf = performance.now();
    sock.busy = null;
    if (req) {
      if (typeof e.data === "string") show(req, false, JSON.parse(e.data), tf, "ws");
      else show(req, true, readTrace(e.data), tf, "ws");
    }
    if (sock.next) { const n = sock.next; sock.next = null; send(n); }
  };
  ws.onclose = () => {
    const req = sock.next || sock.busy;
    Object.assign(sock, { ws: null, open: false, busy: null, next: null });
    if (req) fetchTrace(req); // closed under a query: ask it by fetch
  };
}
function ask(req) {
  openSocket();
  if (!sock.open) fetchTrace(req);
  else if (sock.busy) sock.next = req;
  else send(req);
}
function send(req) { sock.busy = req; sock.ws.send(req.q.toString()); }
async function fetchTrace(req) {
  let res, body, tf;
  try {
    res = await fetch((littleEndian ? "/api/trace.bin?" : "/api/trace?") + req.q.toString());
    tf = performance.now();
    body = !res.ok ? await res.json() : littleEndian ? readTrace(await res.arrayBuffer()) : fromJSON(await res.json());
  } catch (e) { showError(String(e)); return; }
  show(req, res.ok, body, tf, "http");
}

// show draws the answer body to req (or its error, ok false), unless a
// newer answer is already drawn; tf is when the answer arrived, via how.
function show(req, ok, body, tf, via) {
  const my = req.my, q = req.q, t0 = req.t0;
  if (my < shown) return;
  shown = my;
  if (!ok) { showError(body.error); return; }
  showError("");
  const prevSteps = data ? data.steps : null;
  data = body;
  window.__lastQuery = q.toString();
  if (S.t === null || S.t > data.steps || prevSteps !== data.steps) S.t = data.steps;
  $("#scrub").max = data.steps;
  $("#scrub").value = S.t;
  setText($("#cmd"), data.command);
  for (const f of ["csv", "png", "gif"]) {
    const dq = query({ format: f });
    if (S.xlim) dq.set("xlim", S.xlim.join(",")); if (S.ylim) dq.set("ylim", S.ylim.join(","));
    $("#dl-" + f).href = "/api/download?" + dq.toString();
  }
  drawAll();
  renderTable();
  const t1 = performance.now();
  // The redraw is finished when the frame that shows it is painted: a
  // task queued from the next animation frame runs after that paint.
  requestAnimationFrame(() => setTimeout(() => {
    const t2 = performance.now();
    window.__redraw = { ms: t2 - t0, seq: my, fetch: tf - t0, draw: t1 - tf, paint: t2 - t1, via };
    window.__ready = true;
    dispatchEvent(new Event("redrawn"));
  }));
}

// The page asks for /api/trace.bin, the answer of /api/trace with its
// points as little-endian float64 (see playground.appendTraceBinary): a
// Float64Array views them without parsing a number. Each path of data has
// xyl, its points as x, y, loss, x, y, loss, ..., and n, their number.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function readTrace(buf) {
  const len = new DataView(buf).getUint32(0, true);
  const d = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, len)));
  let off = 4 + len;
  for (const p of d.paths) { p.xyl = new Float64Array(buf, off, 3 * p.n); off += 24 * p.n; }
  return d;
}
function fromJSON(d) {
  for (const p of d.paths) { p.n = p.points.length; p.xyl = Float64Array.from(p.points.flat()); delete p.points; }
  return d;
}
// asJSON is data as /api/trace writes it (the browser test compares them).
function asJSON(d) {
  return JSON.stringify({ ...d, paths: d.paths.map(({ xyl, n, ...p }) => ({ opt: p.opt,
    points: Array.from({ length: n }, (_, k) => [xyl[3 * k], xyl[3 * k + 1], xyl[3 * k + 2]]),
    diverged: p.diverged, final_loss: p.final_loss, distance: p.distance })) });
}

function showError(msg) {
  const e = $("#error");
  e.hidden = !msg;
  e.textContent = msg || "";
}

let fieldKey = "";
// sizeCanvases fits the canvases to the layout. It reads the layout only
// after the layout changed (sizesDirty, set by a ResizeObserver), so that a
// redraw after a slider change never forces a layout of the whole page.
let sizesDirty = true;
function sizeCanvases() {
  if (!sizesDirty) return;
  sizesDirty = false;
  const wrap = $("#mapwrap");
  const w = Math.max(200, Math.floor(wrap.clientWidth));
  const h = Math.round(Math.min(w * 0.75, Math.max(260, window.innerHeight * 0.62)));
  for (const id of ["#field", "#paths"]) { const c = $(id); if (c.width !== w || c.height !== h) { c.width = w; c.height = h; } }
  const lc = $("#loss");
  const lw = Math.max(200, Math.floor(lc.clientWidth || w));
  const lh = Math.round(Math.max(150, Math.min(230, lw * 0.3)));
  if (lc.width !== lw || lc.height !== lh) { lc.width = lw; lc.height = lh; }
}

function toPx(x, y, W, H, w) { return [(x - w.xmin) / (w.xmax - w.xmin) * W, (w.ymax - y) / (w.ymax - w.ymin) * H]; }
function toWorld(px, py, W, H, w) { return [w.xmin + px / W * (w.xmax - w.xmin), w.ymax - py / H * (w.ymax - w.ymin)]; }

function drawField() {
  const c = $("#field"), w = win();
  const key = [funcSpec(), w.xmin, w.xmax, w.ymin, w.ymax, c.width, c.height].join("|");
  if (key === fieldKey) return;
  fieldKey = key;
  const img = new Image();
  img.onload = () => { if (fieldKey !== key) return; const g = c.getContext("2d"); g.drawImage(img, 0, 0); decorate(g, c.width, c.height, w); window.__fieldDrawn = key; };
  img.src = "/api/field?" + new URLSearchParams({ func: funcSpec(), xlim: w.xmin + "," + w.xmax, ylim: w.ymin + "," + w.ymax, w: c.width, h: c.height });
}

// decorate draws the ticks and the known minima over the bands.
function decorate(g, W, H, w) {
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "rgba(20,24,32,.85)";
  g.strokeStyle = "rgba(20,24,32,.5)";
  for (const [lo, hi, horiz] of [[w.xmin, w.xmax, true], [w.ymin, w.ymax, false]]) {
    for (const v of ticks(lo, hi, horiz ? Math.max(3, W / 90) : Math.max(3, H / 70))) {
      const [px, py] = horiz ? toPx(v, w.ymin, W, H, w) : toPx(w.xmin, v, W, H, w);
      if (horiz ? px < 24 || px > W - 30 : py < 14 || py > H - 24) continue; // keep the corners clear
      g.beginPath();
      if (horiz) { g.moveTo(px, H); g.lineTo(px, H - 5); g.stroke(); g.fillText(fmtTick(v), px + 2, H - 6); }
      else { g.moveTo(0, py); g.lineTo(5, py); g.stroke(); g.fillText(fmtTick(v), 7, py - 2); }
    }
  }
  const f = fnByName(S.func);
  for (const [mx, my] of f.minima) {
    const [px, py] = toPx(mx, my, W, H, w);
    star(g, px, py);
  }
}
function star(g, x, y) {
  g.save(); g.beginPath();
  for (let k = 0; k < 10; k++) { const r = k % 2 ? 3.2 : 8, a = -Math.PI / 2 + k * Math.PI / 5; g.lineTo(x + r * Math.cos(a), y + r * Math.sin(a)); }
  g.closePath(); g.fillStyle = "#fff"; g.strokeStyle = "#222"; g.lineWidth = 1.2; g.fill(); g.stroke(); g.restore();
}
function ticks(lo, hi, n) {
  const span = hi - lo, step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
function fmtTick(v) { return String(+v.toPrecision(6)); }

function drawPaths() {
  const c = $("#paths"), g = c.getContext("2d"), W = c.width, H = c.height, w = win();
  g.clearRect(0, 0, W, H);
  if (!data) return;
  const t = S.t ?? data.steps;
  data.paths.forEach((p, i) => {
    const color = S.rows[i] ? S.rows[i].color : "#000";
    const n = Math.min(p.n, t + 1), xyl = p.xyl;
    g.lineJoin = g.lineCap = "round";
    g.strokeStyle = color; g.lineWidth = 2.2;
    g.beginPath();
    g.moveTo(...toPx(xyl[0], xyl[1], W, H, w));
    const kx = W / (w.xmax - w.xmin), ky = H / (w.ymax - w.ymin);
    lineThrough(g, n, (k) => (xyl[3 * k] - w.xmin) * kx, (k) => (w.ymax - xyl[3 * k + 1]) * ky);
    g.stroke();
    const [sx, sy] = toPx(xyl[0], xyl[1], W, H, w);
    g.beginPath(); g.arc(sx, sy, 5, 0, 2 * Math.PI); g.lineWidth = 2; g.stroke();
    const [ex, ey] = toPx(xyl[3 * n - 3], xyl[3 * n - 2], W, H, w);
    g.beginPath(); g.arc(ex, ey, 4, 0, 2 * Math.PI); g.fillStyle = color; g.fill();
  });
}

// lineThrough adds to g's path, already at point 0, the points 1…n−1 at
// (x(k), y(k)) pixels, leaving out a point within half a pixel of the
// last one drawn (never the last): the picture is the same, and a path of
// thousands of steps that has settled costs the canvas a few segments.
function lineThrough(g, n, x, y) {
  let lx = x(0), ly = y(0);
  for (let k = 1; k < n; k++) {
    const px = x(k), py = y(k);
    if (k < n - 1 && Math.abs(px - lx) < 0.5 && Math.abs(py - ly) < 0.5) continue;
    g.lineTo(px, py); lx = px; ly = py;
  }
}

function drawLoss() {
  const c = $("#loss"), g = c.getContext("2d"), W = c.width, H = c.height;
  g.clearRect(0, 0, W, H);
  if (!data) return;
  let lo = Infinity, hi = -Infinity, positive = true;
  for (const p of data.paths) for (let k = 2; k < 3 * p.n; k += 3) { const v = p.xyl[k]; if (v < lo) lo = v; if (v > hi) hi = v; if (!(v > 0)) positive = false; }
  const log = positive;
  const f = log ? Math.log10 : (v) => v;
  let a = f(lo), b = f(hi);
  if (!(b > a)) { a -= 1; b += 1; }
  const L = 52, R = 10, Tp = 10, B = 24, steps = Math.max(1, data.steps);
  const X = (k) => L + (W - L - R) * k / steps, Y = (v) => Tp + (H - Tp - B) * (1 - (f(v) - a) / (b - a));
  g.font = "11px system-ui, sans-serif"; g.fillStyle = "#4a5567"; g.strokeStyle = "#e1e5ea"; g.lineWidth = 1;
  const yt = log ? ticks(Math.floor(a), Math.ceil(b), 4).filter((v) => v >= a - 1e-9 && v <= b + 1e-9 && Number.isInteger(v)).map((v) => Math.pow(10, v)) : ticks(a, b, 4);
  for (const v of yt) { const y = Y(v); g.beginPath(); g.moveTo(L, y); g.lineTo(W - R, y); g.stroke(); g.fillText(log ? "1e" + Math.round(Math.log10(v)) : fmtTick(v), 4, y + 4); }
  for (const k of ticks(0, steps, Math.max(3, W / 110))) { const x = X(k); g.fillText(String(k), x - 6, H - 8); }
  g.fillText(log ? tr("loss") : tr("losslin"), W - R - g.measureText(tr("loss")).width - 4, Tp + 10);
  const t = S.t ?? data.steps;
  data.paths.forEach((p, i) => {
    g.strokeStyle = S.rows[i] ? S.rows[i].color : "#000"; g.lineWidth = 1.8;
    g.beginPath();
    g.moveTo(X(0), Y(p.xyl[2]));
    lineThrough(g, p.n, X, (k) => Y(p.xyl[3 * k + 2]));
    g.stroke();
  });
  g.strokeStyle = "rgba(0,0,0,.45)"; g.setLineDash([4, 3]);
  g.beginPath(); g.moveTo(X(t), Tp); g.lineTo(X(t), H - B); g.stroke(); g.setLineDash([]);
}

function drawAll() {
  sizeCanvases();
  drawField();
  drawPaths();
  drawLoss();
  setText($("#stepno"), data ? tr("stepof") + (S.t ?? data.steps) + " / " + data.steps : "");
  setText($("#start"), data ? "(" + fmt(data.start[0]) + ", " + fmt(data.start[1]) + ")" : "");
}

// setText changes an element's text only when it differs, so that a
// redraw does not invalidate the layout of what did not change.
function setText(el, v) { if (el.textContent !== v) el.textContent = v; }

// renderTable writes the results into the table, reusing its rows.
function renderTable() {
  if (!data) return;
  const head = [tr("optimizer"), tr("final"), tr("dist"), tr("status")];
  const thead = $("#results thead");
  if (!thead.rows.length) thead.insertRow().append(...head.map(() => document.createElement("th")));
  head.forEach((v, k) => setText(thead.rows[0].cells[k], v));
  const tb = $("#results tbody");
  while (tb.rows.length > data.paths.length) tb.deleteRow(-1);
  data.paths.forEach((p, i) => {
    let row = tb.rows[i];
    if (!row) {
      row = tb.insertRow();
      const name = row.insertCell();
      const sw = document.createElement("span"); sw.className = "swatch";
      name.append(sw, " ", document.createElement("span"));
      for (let k = 0; k < 3; k++) row.insertCell().className = k < 2 ? "num" : "";
    }
    const c = S.rows[i] ? S.rows[i].color : "#000";
    const sw = row.cells[0].firstChild;
    if (sw.dataset.c !== c) { sw.dataset.c = c; sw.style.background = c; }
    setText(row.cells[0].lastChild, p.opt);
    setText(row.cells[1], fmt(p.final_loss));
    setText(row.cells[2], fmt(p.distance));
    setText(row.cells[3], p.diverged ? tr("diverged") + p.diverged : tr("ok"));
  });
}

// ----- explanations -----
async function renderExplain() {
  const box = $("#explain");
  const methods = [...new Set(S.rows.map((r) => r.method === "gd" ? "sgd" : r.method).filter((m) => api.methods.some((x) => x.method === m)))];
  const lang = S.lang;
  const parts = await Promise.all(methods.map(async (m) => {
    const key = m + "/" + lang;
    if (!explainCache.has(key)) {
      const r = await fetch("/api/explain?" + new URLSearchParams({ method: m, lang }));
      explainCache.set(key, await r.json());
    }
    return explainCache.get(key);
  }));
  if (lang !== S.lang) return;
  box.innerHTML = "";
  for (const e of parts) {
    if (!e || e.error) continue;
    const noted = S.rows.some((r) => (r.method === e.method) && r.values.variant === "note");
    const a = document.createElement("article");
    a.dataset.method = e.method;
    const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
    const paras = (ps) => ps.map((p) => p.startsWith("$ ") ? "<pre>" + esc(p.slice(2)) + "</pre>" : "<p>" + esc(p.replace(/^- /, "• ")) + "</p>").join("");
    a.innerHTML =
      "<h2>" + esc(e.method) + " — " + esc(e.summary) + "</h2>" +
      "<h3>" + esc(e.headings.formula) + "</h3><div class=legend>" + esc(e.legend) + "</div>" +
      e.formula.map((f) => "<div class=eq>" + f.html + "</div>").join("") +
      "<h3>" + esc(e.headings.hyper) + "</h3><table><tr><th>" + esc(e.headings.key) + "</th><th>" + esc(e.headings.default) + "</th><th>" + esc(e.headings.allowed) + "</th></tr>" +
      e.params.map((p) => "<tr title=\"" + esc(p.doc) + "\"><td><code>" + esc(p.key) + "</code></td><td>" + esc(p.default) + "</td><td>" + esc(p.allowed) + "</td></tr>").join("") + "</table>" +
      "<h3>" + esc(e.headings.pseudocode) + "</h3><pre>" + esc(e.pseudocode) + "</pre>" +
      "<details><summary>" + esc(e.headings.behaviour) + "</summary>" + paras(e.behaviour) + "</details>" +
      "<div class=\"note" + (noted ? " active" : "") + "\"><h3>" + esc(e.headings.note) + (noted ? " " + esc(tr("active")) : "") + "</h3>" + paras(e.note) +
      "<h3>" + esc(e.headings.variant) + "</h3>" + paras(e.variant) + "</div>";
    box.appendChild(a);
  }
  window.__explained = lang;
}

function applyLang() {
  document.documentElement.lang = S.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = tr(el.dataset.t);
  $("#lang-en").setAttribute("aria-pressed", S.lang === "en");
  $("#lang-ja").setAttribute("aria-pressed", S.lang === "ja");
  $("nav a[href^='/mnist']").href = "/mnist?lang=" + S.lang; // the MNIST page opens in the same language
  $("#play").textContent = playing ? tr("pause") : tr("play");
  renderTable();
  drawAll();
}

// ----- playback -----
function tick() {
  if (!playing || !data) return;
  S.t = Math.min(data.steps, (S.t >= data.steps ? 0 : S.t) + +$("#speed").value);
  $("#scrub").value = S.t;
  drawPaths(); drawLoss();
  $("#stepno").textContent = tr("stepof") + S.t + " / " + data.steps;
  if (S.t >= data.steps) { playing = false; $("#play").textContent = tr("play"); saveURL(); return; }
  requestAnimationFrame(tick);
}

// ----- map interaction: click sets the start, drag pans, wheel zooms -----
function setupMap() {
  const c = $("#paths");
  let down = null;
  c.addEventListener("pointerdown", (e) => { down = { x: e.offsetX, y: e.offsetY, w: win(), moved: false }; c.setPointerCapture(e.pointerId); });
  c.addEventListener("pointermove", (e) => {
    if (!down) return;
    const dx = e.offsetX - down.x, dy = e.offsetY - down.y;
    if (!down.moved && Math.hypot(dx, dy) < 5) return;
    down.moved = true;
    const w = down.w, sx = (w.xmax - w.xmin) / c.width, sy = (w.ymax - w.ymin) / c.height;
    S.xlim = [w.xmin - dx * sx, w.xmax - dx * sx];
    S.ylim = [w.ymin + dy * sy, w.ymax + dy * sy];
    drawAll(); saveURL();
  });
  c.addEventListener("pointerup", (e) => {
    if (!down) return;
    const d = down; down = null;
    if (d.moved) return;
    const [x, y] = toWorld(e.offsetX, e.offsetY, c.width, c.height, win());
    S.start = [+x.toPrecision(4), +y.toPrecision(4)];
    pendingT0 = performance.now();
    changed();
  });
  c.addEventListener("wheel", (e) => {
    e.preventDefault();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, e.offsetX / c.width, e.offsetY / c.height);
  }, { passive: false });
}
function zoom(k, fx = 0.5, fy = 0.5) {
  const w = win();
  const cx = w.xmin + fx * (w.xmax - w.xmin), cy = w.ymax - fy * (w.ymax - w.ymin);
  S.xlim = [cx - (cx - w.xmin) * k, cx + (w.xmax - cx) * k];
  S.ylim = [cy - (cy - w.ymin) * k, cy + (w.ymax - cy) * k];
  drawAll(); saveURL();
}

// ----- start -----
async function main() {
  const [fs, os] = await Promise.all([fetch("/api/functions").then((r) => r.json()), fetch("/api/optimizers").then((r) => r.json())]);
  api.functions = fs; api.methods = os.methods; api.second = os.second_order; api.colors = os.colors;
  api.methodColors = os.method_colors || {};
  api.maxOpt = os.max_optimizers; api.maxSteps = os.max_steps;
  loadURL();
  const fsel = $("#func");
  for (const f of fs) { const o = document.createElement("option"); o.value = o.textContent = f.name; fsel.appendChild(o); }
  fsel.value = S.func;
  const setFunc = () => {
    const f = fnByName(S.func);
    $("#formula").textContent = f.formula;
    $("#cond-field").hidden = S.func !== "quadratic";
    $("#cond").value = S.cond || (f.options ? f.options[0].default : "");
  };
  setFunc();
  fsel.onchange = () => { S.func = fsel.value; S.start = null; S.xlim = S.ylim = null; S.cond = null; setFunc(); pendingT0 = performance.now(); changed(); };
  $("#cond").oninput = () => { if (+$("#cond").value >= 1) { S.cond = $("#cond").value; pendingT0 = performance.now(); changed(); } };
  $("#steps").value = S.steps;
  $("#steps").oninput = () => { const v = +$("#steps").value; if (Number.isInteger(v) && v >= 0 && v <= api.maxSteps) { S.steps = v; S.t = null; pendingT0 = performance.now(); changed(); } };
  $("#zoom-in").onclick = () => zoom(0.8);
  $("#zoom-out").onclick = () => zoom(1.25);
  $("#reset-view").onclick = () => { S.xlim = S.ylim = null; drawAll(); saveURL(); };
  $("#add").onclick = () => {
    if (S.rows.length >= api.maxOpt) return;
    S.rows.push(rowFromSpec("adam:lr=0.05", pickColor("adam")));
    renderRows(); changed(); renderExplain();
  };
  $("#play").onclick = () => { playing = !playing; $("#play").textContent = playing ? tr("pause") : tr("play"); if (playing) requestAnimationFrame(tick); };
  $("#step1").onclick = () => { if (!data) return; playing = false; S.t = Math.min(data.steps, (S.t ?? 0) + 1); $("#scrub").value = S.t; drawAll(); saveURL(); };
  $("#scrub").oninput = () => { S.t = +$("#scrub").value; drawPaths(); drawLoss(); $("#stepno").textContent = tr("stepof") + S.t + " / " + data.steps; saveURL(); };
  $("#copy-cmd").onclick = async () => {
    try { await navigator.clipboard.writeText($("#cmd").textContent); $("#copy-cmd").textContent = tr("copied"); }
    catch { const r = document.createRange(); r.selectNodeContents($("#cmd")); getSelection().removeAllRanges(); getSelection().addRange(r); }
    setTimeout(() => { $("#copy-cmd").textContent = tr("copy"); }, 1500);
  };
  $("#lang-en").onclick = () => { S.lang = "en"; applyLang(); renderExplain(); saveURL(); };
  $("#lang-ja").onclick = () => { S.lang = "ja"; applyLang(); renderExplain(); saveURL(); };
  const resized = () => { sizesDirty = true; drawAll(); };
  window.addEventListener("resize", resized);
  let viewWidth = 0;
  new ResizeObserver((es) => { const w = es[0].contentRect.width; if (w !== viewWidth) { viewWidth = w; resized(); } }).observe($("#view"));
  setupMap();
  renderRows();
  applyLang();
  update();
  renderExplain();
}

main().catch((e) => showError(String(e)));
