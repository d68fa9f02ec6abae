// autograd-mini play, the network page: TensorFlow Playground's job on the project's MLP, trained on the server with
// the compiled step; this script draws the network, the decision boundary and the curves, and asks for a neuron's
// delta (the documents' equations, typeset by the server as MathML, next to autodiff). $, fmt, el and markup: play.js.
"use strict";

const FIELDS = ["data", "points", "noise", "hidden", "activation", "loss", "optimizer", "lr", "l2", "batch", "seed"];
const net = { run: null, state: null, playing: false, picked: null, wall: null, flow: null };
const POSITIVE = "#2563eb";  // a weight > 0, and class 1
const NEGATIVE = "#ea580c";  // a weight < 0, and class 0
const W = 480, H = 290;  // the network's picture (its viewBox)

function svgEl(parent, tag, attrs, text) {
  // an SVG element in the namespace of the page's own <svg> (parent)
  const node = document.createElementNS(parent.namespaceURI, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}

function showError(message) { $("error").textContent = message || ""; }

function sample() {
  // the sample as typed goes to the server (which answers a wrong one in one line); the pictures mark it if it is one
  return encodeURIComponent($("sample").value.trim());
}

function sampleNumber() {
  const text = $("sample").value.trim();
  return /^\d{1,6}$/.test(text) ? Number(text) : -1;
}

// -- settings <-> the address ---------------------------------------------------------------------------------------

function settings() {
  const s = {};
  for (const f of FIELDS) s[f] = $(f).value.trim();
  s.hidden = s.hidden === "" ? [] : s.hidden.split(",").map((t) => (t.trim() === "" ? t : Number(t)));
  return s;
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  for (const f of FIELDS) if (params.has(f)) $(f).value = params.get(f);
}

function writeAddress() {
  const params = new URLSearchParams();
  for (const f of FIELDS) params.set(f, $(f).value);
  history.replaceState(null, "", "/network?" + params.toString());
}

// -- the server -------------------------------------------------------------------------------------------------------

async function ask(path, options) {
  let reply, data;
  try {
    reply = await fetch(path, options);
    data = await reply.json();
  } catch (err) {
    throw new Error("the server does not answer (is autograd-mini play still running?)");
  }
  if (!reply.ok) throw new Error(data.error);
  return data;
}

function post(path, body) {
  return ask(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

async function reset() {
  pause();
  writeAddress();
  try {
    const data = await post("/api/net/new", settings());
    net.run = data.run;
    net.flow = null;
    net.wall = null;
    showError("");
    render(data);
    if (net.picked) showNeuron(net.picked.l, net.picked.j);
  } catch (err) { showError(err.message); }
}

async function trainOnce(step) {
  const run = net.run;
  const data = await post("/api/net/train", { run, step: !!step });
  if (run === net.run) render(data);  // not a slice of a run that Reset has replaced meanwhile
  return data;
}

async function playLoop() {
  while (net.playing) {
    try {
      const data = await trainOnce(false);
      const now = performance.now();
      if (!net.wall) net.wall = { time: now, steps: data.steps };
      else net.wall.rate = (data.steps - net.wall.steps) / ((now - net.wall.time) / 1000);
    } catch (err) { showError(err.message); pause(); }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

function play() {
  if (!net.run) return;
  net.playing = true;
  net.flow = null;
  $("play").textContent = "\u275A\u275A Pause";
  $("play").classList.add("on");
  playLoop();
}

function pause() {
  net.playing = false;
  net.wall = null;
  $("play").textContent = "\u25B6 Play";
  $("play").classList.remove("on");
  if (net.picked && net.state) showNeuron(net.picked.l, net.picked.j);
}

// -- drawing ----------------------------------------------------------------------------------------------------------

function render(data) {
  net.state = data;
  drawNetwork(data);
  drawHeatmap(data);
  drawCurves(data.curves);
  const rate = data.steps_per_second ? `, ${Math.round(data.steps_per_second)} steps/s` : "";
  const wall = net.wall && net.wall.rate ? ` (${Math.round(net.wall.rate)} with drawing)` : "";
  const numbers = data.loss === null ? "" : `, loss ${fmt(data.loss)}, accuracy ${(100 * data.accuracy).toFixed(1)}%`;
  $("stats").textContent = `epoch ${data.epochs}, step ${data.steps}${numbers}${rate}${wall}`;
  $("stats").dataset.accuracy = data.accuracy === null ? "" : String(data.accuracy);
  showSample();
  if (data.stopped) showError(data.stopped);
}

function showSample() {
  const d = net.state;
  const k = sampleNumber();
  $("sample-info").textContent = k >= 0 && k < d.points.length
    ? `x = (${d.points[k].map(fmt).join(", ")}), class ${d.labels[k]}` : `a sample is a whole number from 0 to ${d.points.length - 1}`;
}

function positions(sizes) {
  const padX = 40, top = 22, bottom = 44;
  return sizes.map((n, l) => {
    const x = padX + (W - 2 * padX) * l / (sizes.length - 1);
    const gap = Math.min(42, (H - top - bottom) / Math.max(1, n - 1));
    return Array.from({ length: n }, (_, j) => ({ x, y: top + (H - top - bottom) / 2 + (j - (n - 1) / 2) * gap }));
  });
}

function drawNetwork(data) {
  const svg = $("net-svg");
  svg.replaceChildren();
  const pos = positions(data.sizes);
  let biggest = 1e-9;
  for (const M of data.weights) for (const row of M) for (const w of row) biggest = Math.max(biggest, Math.abs(w));
  data.weights.forEach((M, l) => M.forEach((row, j) => row.forEach((w, i) => {
    const a = pos[l][i], b = pos[l + 1][j];
    svgEl(svg, "line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: w >= 0 ? POSITIVE : NEGATIVE,
      "stroke-width": (0.4 + 5 * Math.abs(w) / biggest).toFixed(2), "stroke-opacity": 0.75 });
  })));
  const r = Math.min(12, Math.max(7, 0.45 * (H - 52) / Math.max(...data.sizes)));
  pos.forEach((layer, l) => layer.forEach((p, j) => {
    const g = svgEl(svg, "g", { class: l > 0 ? "neuron" : "input", "data-layer": l, "data-neuron": j });
    const picked = net.picked && net.picked.l === l && net.picked.j === j;
    svgEl(g, "circle", { cx: p.x, cy: p.y, r, fill: l === 0 ? "#dbeafe" : (l === pos.length - 1 ? "#bbf7d0" : "#f3f4f6"),
      stroke: picked ? "#7c3aed" : "#374151", "stroke-width": picked ? 4 : 1.5 });
    svgEl(g, "text", { x: p.x, y: p.y + 4, "text-anchor": "middle", "font-size": r > 9 ? 11 : 9 }, l === 0 ? `x${j}` : `${j}`);
    if (net.flow) drawFlowValue(svg, l, j, p, r);
  }));
  data.sizes.forEach((n, l) => {  // under each layer its name, and its activation on a second line
    const last = l === data.sizes.length - 1;
    const name = l === 0 ? "input" : (last ? "output" : `layer ${l}`);
    svgEl(svg, "text", { x: pos[l][0].x, y: H - 20, "text-anchor": "middle", "font-size": 12, fill: "#374151" }, name);
    if (l > 0) svgEl(svg, "text", { x: pos[l][0].x, y: H - 6, "text-anchor": "middle", "font-size": 11, fill: "#6b7280" }, data.activations[l - 1]);
  });
}

function drawFlowValue(svg, l, j, p, r) {
  // one sample: a^l written beside each neuron as the values flow forward, then delta^l as the deltas flow back
  const f = net.flow;
  const forward = f.phase === "forward";
  const value = forward ? (l <= f.layer ? f.a[l][j] : null) : (l >= f.layer && l > 0 ? f.delta[l][j] : null);
  if (value === null) return;
  // beside the neuron (a layer's neurons stand closer than a line of text is high), above the output neuron
  const last = l === net.state.sizes.length - 1;
  const at = last ? { x: p.x, y: p.y - r - 5, "text-anchor": "middle" } : { x: p.x + r + 3, y: p.y + 4, "text-anchor": "start" };
  svgEl(svg, "text", { ...at, "font-size": 11, fill: forward ? "#111827" : "#d62728", class: "flow", "paint-order": "stroke",
    stroke: "white", "stroke-width": 3 }, (forward ? "a " : "\u03B4 ") + fmt(value));
}

function drawHeatmap(data) {
  const canvas = $("heatmap");
  const ctx = canvas.getContext("2d");
  const n = data.grid.length, size = canvas.width;
  // the score on a grid of n x n points, one pixel each, then drawn at the canvas's size with smoothing
  const small = document.createElement("canvas");
  small.width = small.height = n;
  const sctx = small.getContext("2d");
  const image = sctx.createImageData(n, n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const t = Math.tanh(data.grid[r][c] - data.threshold);
    const alpha = 0.15 + 0.55 * Math.abs(t);
    const rgb = (t >= 0 ? [37, 99, 235] : [234, 88, 12]).map((v) => Math.round(255 - alpha * (255 - v)));  // on white, opaque
    image.data.set([...rgb, 255], 4 * (r * n + c));
  }
  sctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, n, n, 0, 0, size, size);
  const [x0, x1, y0, y1] = data.extent;
  const k0 = sampleNumber();
  data.points.forEach((p, k) => {
    const px = (p[0] - x0) / (x1 - x0) * size, py = (y1 - p[1]) / (y1 - y0) * size;
    ctx.beginPath();
    ctx.arc(px, py, k === k0 ? 6 : 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = data.labels[k] === 1 ? POSITIVE : NEGATIVE;
    ctx.fill();
    ctx.lineWidth = k === k0 ? 2.5 : 0.8;
    ctx.strokeStyle = k === k0 ? "#111827" : "white";
    ctx.stroke();
  });
}

$("heatmap").addEventListener("click", (event) => {
  // the point nearest to the click becomes the sample
  const d = net.state;
  if (!d) return;
  const box = $("heatmap").getBoundingClientRect();
  const [x0, x1, y0, y1] = d.extent;
  const x = x0 + (event.clientX - box.left) / box.width * (x1 - x0), y = y1 - (event.clientY - box.top) / box.height * (y1 - y0);
  let best = 0;
  d.points.forEach((p, k) => { if ((p[0] - x) ** 2 + (p[1] - y) ** 2 < (d.points[best][0] - x) ** 2 + (d.points[best][1] - y) ** 2) best = k; });
  $("sample").value = String(best);
  sampleChanged();
});

function ticks(top) {
  // 0, top/2, top as short numbers
  return [0, top / 2, top];
}

function drawCurves(c) {
  // the loss (left axis, from 0 to its largest value) and the training accuracy (right axis, 0 to 100%) per epoch
  const svg = $("curves");
  svg.replaceChildren();
  const left = 40, right = 262, top = 20, bottom = 140;
  const n = c.epoch.length;
  const first = n ? c.epoch[0] : 0, last = n ? c.epoch[n - 1] : 1;
  const top_loss = n ? Math.max(...c.loss.filter(Number.isFinite), 1e-12) : 1;
  const x = (e) => left + (last === first ? 0 : (e - first) / (last - first)) * (right - left);
  const yLoss = (v) => bottom - (bottom - top) * Math.min(1, v / top_loss);
  const yAcc = (v) => bottom - (bottom - top) * v;
  svgEl(svg, "rect", { x: left, y: top, width: right - left, height: bottom - top, fill: "white", stroke: "#9ca3af" });
  for (const v of ticks(top_loss)) {
    svgEl(svg, "text", { x: left - 4, y: yLoss(v) + 4, "text-anchor": "end", "font-size": 11 }, fmt(Number(v.toPrecision(2))));
  }
  for (const v of [0, 0.5, 1]) {
    svgEl(svg, "text", { x: right + 4, y: yAcc(v) + 4, "font-size": 11, fill: "#15803d" }, `${100 * v}%`);
    if (v > 0) svgEl(svg, "line", { x1: left, x2: right, y1: yAcc(v), y2: yAcc(v), stroke: "#e5e7eb" });
  }
  for (const e of n ? [first, last] : []) {
    svgEl(svg, "text", { x: x(e), y: bottom + 14, "text-anchor": e === first ? "start" : "end", "font-size": 11 }, String(e));
  }
  svgEl(svg, "text", { x: (left + right) / 2, y: bottom + 27, "text-anchor": "middle", "font-size": 11, fill: "#4b5563" }, "epoch");
  svgEl(svg, "text", { x: left, y: 13, "font-size": 12, "font-weight": 600 }, "loss");
  svgEl(svg, "text", { x: right, y: 13, "text-anchor": "end", "font-size": 12, "font-weight": 600, fill: "#15803d" }, "accuracy");
  if (!n) return;
  const line = (values, y) => values.map((v, k) => `${x(c.epoch[k]).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  svgEl(svg, "polyline", { points: line(c.loss, yLoss), fill: "none", stroke: "#111827", "stroke-width": 1.5 });
  svgEl(svg, "polyline", { points: line(c.accuracy, yAcc), fill: "none", stroke: "#15803d", "stroke-width": 1.5 });
}

// -- a neuron: z, a and delta in the documents' notation, against autodiff -------------------------------------------------

async function showNeuron(l, j) {
  net.picked = { l, j };
  const box = $("neuron-info");
  try {
    const d = await ask(`/api/net/neuron?run=${encodeURIComponent(net.run)}&layer=${l}&neuron=${j}&sample=${sample()}`);
    box.hidden = false;
    $("neuron-hint").hidden = true;
    box.replaceChildren(el("h3", {}, `neuron ${j} of layer ${l} at sample ${d.sample}: x = (${d.x.map(fmt).join(", ")}), class ${d.label}`),
      el("div", { class: "muted" }, "document 001, \u00a7 1.3 and 2.4\u20132.5 (the vector form: ", markup(d.rule), ")"));
    for (const pieces of d.math) box.append(el("div", { class: "eq" }, ...pieces.map(markup)));
    const ok = d.difference <= 1e-9 * Math.max(1, Math.abs(d.autodiff));
    box.append(el("div", {}, "autodiff (the engine's backward()) against the delta equations: ",
      el("span", { class: ok ? "ok" : "wrong", id: "delta-verdict" }, ok ? "they agree" : "they DISAGREE")));
    box.dataset.delta = String(d.delta);
    box.dataset.autodiff = String(d.autodiff);
    drawNetwork(net.state);
  } catch (err) { showError(err.message); }
}

$("net-svg").addEventListener("click", (event) => {
  const g = event.target.closest("g.neuron");
  // its panel, under the picture, ended below a 1024 x 768 window before its delta line
  if (!g) return;
  const [l, j] = [Number(g.dataset.layer), Number(g.dataset.neuron)];
  showNeuron(l, j).then(() => reveal($("neuron-info"), $("net-svg").querySelector(`g.neuron[data-layer="${l}"][data-neuron="${j}"]`)));
});

// -- one sample: values forward, then deltas back, a layer at a time --------------------------------------------------------

async function oneSample() {
  pause();
  try {
    const d = await ask(`/api/net/flow?run=${encodeURIComponent(net.run)}&sample=${sample()}`);
    const L = d.a.length - 1;
    const frames = [];
    for (let l = 0; l <= L; l++) frames.push({ phase: "forward", layer: l });
    for (let l = L; l >= 1; l--) frames.push({ phase: "backward", layer: l });
    for (const f of frames) {
      net.flow = { ...d, ...f };
      drawNetwork(net.state);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (err) { showError(err.message); }
}

function sampleChanged() {
  if (!net.state) return;
  drawHeatmap(net.state);
  if (net.flow) {  // the other sample's values are gone from the picture (redrawn only then: a click on a neuron
    net.flow = null;  // that ends the typing in the sample box must find its neuron still there)
    drawNetwork(net.state);
  }
  showSample();
  if (net.picked) showNeuron(net.picked.l, net.picked.j);
}

$("play").addEventListener("click", () => (net.playing ? pause() : play()));
$("step").addEventListener("click", async () => { pause(); try { await trainOnce(true); } catch (err) { showError(err.message); } });
$("reset").addEventListener("click", reset);
$("flow").addEventListener("click", oneSample);
$("sample").addEventListener("change", sampleChanged);
for (const f of FIELDS) $(f).addEventListener("change", reset);

readAddress();
reset();
