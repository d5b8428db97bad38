// The MNIST page: starts a comparison through the API and draws the
// metrics the server streams (Server-Sent Events).
"use strict";
const $ = (s) => document.querySelector(s);
const COLORS = ["#e6194b", "#0030c0", "#ff8c00", "#d020d0", "#101010", "#8b4513", "#00a0e0", "#707070"];
// colors are this comparison's run colours, from its begin event (those of
// report.html's charts); COLORS until one arrives.
let colors = COLORS;
let runs = [];   // per optimizer: {opt, total, steps: [[step, loss]], epochs: [metric]}
let source = null;
let status = ["idle", ""]; // the status line: a key of T and a suffix
let ended = null;          // the last run's end event, for its report line

// T holds the page's words; data-t (text), data-th (trusted HTML) and
// data-tp (placeholder) name them in mnist.html.
const T = {
  en: { title: "descent playground — MNIST", nav2d: "2-D functions", navmnist: "MNIST", optimizers: "Optimizers",
    optshint: "one spec per line, as <code>descent compare --opt</code> takes them (at most 8)", another: "another spec, e.g. rmsprop:lr=0.001",
    epochs: "Epochs", batch: "Batch", bfull: "full (gradient descent)", b1: "1 (SGD)", b100: "100 (mini-batch)", bother: "other…",
    subset: "Subset", subsethint: "training examples (0: all 60,000)", start: "start", cancel: "cancel", status: "Status",
    optimizer: "optimizer", step: "step", trainloss: "train loss", testloss: "test loss", testacc: "test accuracy",
    footer: "Every run is written to the run folder as <code>descent compare</code> writes it: report.html, report.md, metrics.csv, summary.json and the charts.",
    idle: "idle", loading: "loading MNIST…", training: "training ", done: "done", cancelled: "cancelled (partial report and checkpoint written)",
    failed: "failed", report: "report: ", resume: "checkpoint written; continue it with ", nocheckpoint: "no checkpoint: ",
    diverged: " (diverged)", losschart: "training loss (per step, log scale)", accchart: "test accuracy (per epoch)" },
  ja: { title: "descent プレイグラウンド — MNIST", nav2d: "2次元の関数", navmnist: "MNIST", optimizers: "オプティマイザ",
    optshint: "1 行に一つの指定。<code>descent compare --opt</code> と同じ形（8 個まで）", another: "別の指定。例: rmsprop:lr=0.001",
    epochs: "エポック数", batch: "バッチサイズ", bfull: "full（勾配降下法）", b1: "1（SGD）", b100: "100（ミニバッチ）", bother: "その他…",
    subset: "データ数", subsethint: "訓練データ（0: 全 60,000 個）", start: "開始", cancel: "中止", status: "状態",
    optimizer: "オプティマイザ", step: "ステップ", trainloss: "訓練損失", testloss: "テスト損失", testacc: "テスト正解率",
    footer: "どの実行も <code>descent compare</code> と同じ形で実行フォルダに書きます: report.html、report.md、metrics.csv、summary.json とグラフ。",
    idle: "待機中", loading: "MNIST を読み込み中…", training: "学習中: ", done: "完了", cancelled: "中止しました（途中までのレポートとチェックポイントを書きました）",
    failed: "失敗", report: "レポート: ", resume: "チェックポイントを書きました。続けるには ", nocheckpoint: "チェックポイントなし: ",
    diverged: "（発散）", losschart: "訓練損失（ステップごと、対数目盛）", accchart: "テスト正解率（エポックごと）" },
};
const query = new URLSearchParams(location.search);
let lang = query.get("lang") === "ja" ? "ja" : (query.get("lang") === "en" ? "en" : (navigator.language || "").startsWith("ja") ? "ja" : "en");
function tr(k) { return (T[lang] || T.en)[k] || k; }

function setStatus(key, suffix) { status = [key, suffix || ""]; $("#status").textContent = tr(key) + status[1]; }

// showEnd writes the report line of the run's end event d (none: empty).
function showEnd(d) {
  ended = d;
  if (!d) { $("#report").textContent = ""; return; }
  const a = document.createElement("a"); a.href = d.report; a.textContent = tr("report") + d.dir; a.target = "_blank";
  $("#report").replaceChildren(a);
  if (d.resume) { const c = document.createElement("code"); c.textContent = d.resume; $("#report").append(document.createElement("br"), tr("resume"), c); }
  if (d.checkpoint_error) $("#report").append(document.createElement("br"), tr("nocheckpoint") + d.checkpoint_error);
}

function applyLang() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = tr(el.dataset.t);
  for (const el of document.querySelectorAll("[data-th]")) el.innerHTML = tr(el.dataset.th);
  for (const el of document.querySelectorAll("[data-tp]")) el.placeholder = tr(el.dataset.tp);
  $("#lang-en").setAttribute("aria-pressed", lang === "en");
  $("#lang-ja").setAttribute("aria-pressed", lang === "ja");
  $("nav a[href^='/']:not([href^='/mnist'])").href = "/?lang=" + lang; // the 2-D page opens in the same language
  setStatus(status[0], status[1]);
  showEnd(ended);
  draw();
}

function setLang(l) {
  lang = l;
  const u = new URL(location.href); u.searchParams.set("lang", l); history.replaceState(null, "", u);
  applyLang();
}

function showError(msg) { $("#error").hidden = !msg; $("#error").textContent = msg || ""; }

function fmt(v) { return v === null || v === undefined ? "—" : (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(3) : String(+v.toPrecision(4))); }

function size(c) {
  const w = Math.max(200, Math.floor(c.clientWidth));
  const h = Math.round(Math.max(170, Math.min(280, w * 0.42)));
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
}

function chart(c, title, series, xmax, logY, yfmt) {
  size(c);
  const g = c.getContext("2d"), W = c.width, H = c.height, L = 50, R = 10, T = 22, B = 22;
  g.clearRect(0, 0, W, H);
  g.font = "12px system-ui, sans-serif"; g.fillStyle = "#1d2430"; g.fillText(title, L, 15);
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const [, y] of s.pts) if (y !== null && (!logY || y > 0)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
  if (!isFinite(lo)) return;
  const f = logY ? Math.log10 : (v) => v;
  let a = f(lo), b = f(hi); if (!(b > a)) { a -= 0.5; b += 0.5; }
  const X = (x) => L + (W - L - R) * x / Math.max(1e-9, xmax), Y = (y) => T + (H - T - B) * (1 - (f(y) - a) / (b - a));
  g.strokeStyle = "#e1e5ea"; g.fillStyle = "#4a5567"; g.font = "11px system-ui, sans-serif";
  for (let k = 0; k <= 4; k++) { const v = a + (b - a) * k / 4, y = T + (H - T - B) * (1 - k / 4); g.beginPath(); g.moveTo(L, y); g.lineTo(W - R, y); g.stroke(); g.fillText(yfmt(logY ? Math.pow(10, v) : v), 2, y + 4); }
  g.fillText("0", L, H - 6); g.fillText(String(+xmax.toPrecision(4)), W - R - 30, H - 6);
  series.forEach((s) => {
    g.strokeStyle = s.color; g.lineWidth = 1.8; g.beginPath();
    let first = true;
    for (const [x, y] of s.pts) { if (y === null || (logY && !(y > 0))) continue; if (first) g.moveTo(X(x), Y(y)); else g.lineTo(X(x), Y(y)); first = false; }
    g.stroke();
    if (s.dots) for (const [x, y] of s.pts) { g.beginPath(); g.arc(X(x), Y(y), 3, 0, 7); g.fillStyle = s.color; g.fill(); }
  });
}

function draw() {
  const maxSteps = Math.max(1, ...runs.map((r) => r.total || 1));
  chart($("#losschart"), tr("losschart"), runs.map((r, i) => ({ color: colors[i], pts: r.steps })), maxSteps, true, (v) => fmt(v));
  const maxEp = Math.max(1, ...runs.map((r) => r.epochs.length ? r.epochs[r.epochs.length - 1].epoch : 1));
  chart($("#accchart"), tr("accchart"), runs.map((r, i) => ({ color: colors[i], dots: true, pts: [[0, null]].concat(r.epochs.map((m) => [m.epoch, m.test_accuracy])) })), maxEp, false, (v) => (100 * v).toFixed(1) + "%");
  const tb = $("#table tbody"); tb.innerHTML = "";
  runs.forEach((r, i) => {
    const m = r.epochs[r.epochs.length - 1] || {};
    const last = r.steps[r.steps.length - 1];
    const row = document.createElement("tr");
    row.innerHTML = "<td><span class=swatch style=\"background:" + colors[i] + "\"></span> </td><td class=num></td><td class=num></td><td class=num></td><td class=num></td>";
    row.cells[0].append(r.opt + (r.diverged ? tr("diverged") : ""));
    row.cells[1].textContent = last ? last[0] + " / " + r.total : "—";
    row.cells[2].textContent = fmt(m.train_loss ?? (last ? last[1] : null));
    row.cells[3].textContent = fmt(m.test_loss);
    row.cells[4].textContent = m.test_accuracy !== undefined ? (100 * m.test_accuracy).toFixed(2) + "%" : "—";
    tb.appendChild(row);
  });
}

function listen() {
  if (source) source.close();
  runs = [];
  source = new EventSource("/api/train/events");
  const on = (name, fn) => source.addEventListener(name, (e) => { fn(JSON.parse(e.data)); draw(); });
  on("begin", (d) => { colors = d.colors || COLORS; setStatus("loading"); showEnd(null); });
  on("start", (d) => { runs[d.index] = { opt: d.opt, total: d.total_steps, steps: [], epochs: [] }; setStatus("training", d.opt); });
  on("step", (d) => { runs[d.index].steps.push([d.step, d.loss]); });
  on("epoch", (d) => { runs[d.index].epochs.push(d); });
  on("diverged", (d) => { runs[d.index].diverged = true; });
  on("finish", () => {});
  const end = (key) => (d) => {
    setStatus(key);
    showEnd(d);
    $("#start").disabled = false; $("#cancel").disabled = true;
  };
  on("done", end("done"));
  on("cancelled", end("cancelled"));
  on("failed", (d) => { showError(d.error); setStatus("failed"); });
  source.addEventListener("end", () => { source.close(); source = null; $("#start").disabled = false; $("#cancel").disabled = true; });
}

$("#batch").onchange = () => { $("#batchn").hidden = $("#batch").value !== "custom"; };
$("#form").onsubmit = async (e) => {
  e.preventDefault();
  showError("");
  const opts = [...document.querySelectorAll("#opts input")].map((i) => i.value.trim()).filter(Boolean);
  const batch = $("#batch").value === "custom" ? $("#batchn").value : $("#batch").value;
  const body = { opts, epochs: +$("#epochs").value, batch, subset: +$("#subset").value };
  const r = await fetch("/api/train", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const d = await r.json();
  if (!r.ok) { showError(d.error); return; }
  $("#start").disabled = true; $("#cancel").disabled = false;
  document.body.dataset.run = d.id;
  listen();
};
$("#cancel").onclick = async () => { await fetch("/api/train/cancel", { method: "POST" }); };
$("#lang-en").onclick = () => setLang("en");
$("#lang-ja").onclick = () => setLang("ja");
window.addEventListener("resize", draw);
fetch("/api/train").then((r) => r.json()).then((s) => { if (s.running) { $("#start").disabled = true; $("#cancel").disabled = false; } if (s.id) listen(); });
applyLang();
