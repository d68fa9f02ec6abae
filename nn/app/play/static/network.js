// autograd-mini play, the network page: TensorFlow Playground's job on the project's MLP, trained on the server with
// the compiled step; this script draws the network, the decision boundary and the curves, and asks for a neuron's
// delta (the documents' equations next to autodiff).
"use strict";

const $ = (id) => document.getElementById(id);
const FIELDS = ["data", "points", "noise", "hidden", "activation", "loss", "optimizer", "lr", "l2", "batch", "seed"];
const net = { run: null, state: null, playing: false, picked: null, wall: null, flow: null };
const POSITIVE = "#2563eb";  // a weight > 0, and class 1
const NEGATIVE = "#ea580c";  // a weight < 0, and class 0

function svgEl(tag, attrs, text) {
  // SVG elements in the SVG namespace: the namespace is the one the page's own <svg> already has
  const node = document.createElementNS($("net-svg").namespaceURI, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fmt(x) { return x === 0 ? "0" : Number(Number(x).toPrecision(4)).toString(); }

function showError(message) { $("error").textContent = message || ""; }

// -- settings <-> the address ---------------------------------------------------------------------------------------

function settings() {
  const s = {};
  for (const f of FIELDS) s[f] = $(f).value;
  s.hidden = s.hidden.split(",").map((t) => t.trim()).filter((t) => t !== "").map(Number);
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

async function post(path, body) {
  const reply = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await reply.json();
  if (!reply.ok) throw new Error(data.error);
  return data;
}

async function get(path) {
  const reply = await fetch(path);
  const data = await reply.json();
  if (!reply.ok) throw new Error(data.error);
  return data;
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
  const data = await post("/api/net/train", { run: net.run, step: !!step });
  render(data);
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

function play() { if (!net.run) return; net.playing = true; $("play").textContent = "\u275A\u275A Pause"; $("play").classList.add("on"); playLoop(); }
function pause() { net.playing = false; net.wall = null; $("play").textContent = "\u25B6 Play"; $("play").classList.remove("on"); }

// -- drawing ----------------------------------------------------------------------------------------------------------

function render(data) {
  net.state = data;
  drawNetwork(data);
  drawHeatmap(data);
  drawCurves(data);
  const acc = data.accuracy.length ? data.accuracy[data.accuracy.length - 1] : null;
  const loss = data.loss.length ? data.loss[data.loss.length - 1] : null;
  const rate = data.steps_per_second ? `${Math.round(data.steps_per_second)} steps/s` : "";
  const wall = net.wall && net.wall.rate ? ` (${Math.round(net.wall.rate)} with drawing)` : "";
  $("stats").textContent = `epoch ${data.epochs}, step ${data.steps}` + (loss === null ? "" : `, loss ${fmt(loss)}, accuracy ${(100 * acc).toFixed(1)}%`) + (rate ? `, ${rate}${wall}` : "");
  $("stats").dataset.accuracy = acc === null ? "" : String(acc);
  if (net.picked && !net.playing) showNeuron(net.picked.l, net.picked.j);
}

function positions(sizes) {
  const W = 640, H = 360, pad = 40;
  return sizes.map((n, l) => {
    const x = pad + (W - 2 * pad) * l / (sizes.length - 1);
    return Array.from({ length: n }, (_, j) => ({ x, y: H / 2 + (j - (n - 1) / 2) * Math.min(40, (H - 2 * pad) / Math.max(1, n - 1)) }));
  });
}

function drawNetwork(data) {
  const svg = $("net-svg");
  svg.replaceChildren();
  const pos = positions(data.sizes);
  let biggest = 1e-9;
  for (const W of data.weights) for (const row of W) for (const w of row) biggest = Math.max(biggest, Math.abs(w));
  data.weights.forEach((W, l) => W.forEach((row, j) => row.forEach((w, i) => {
    const a = pos[l][i], b = pos[l + 1][j];
    svg.append(svgEl("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: w >= 0 ? POSITIVE : NEGATIVE,
      "stroke-width": (0.4 + 5 * Math.abs(w) / biggest).toFixed(2), "stroke-opacity": 0.75 }));
  })));
  pos.forEach((layer, l) => layer.forEach((p, j) => {
    const g = svgEl("g", { class: l > 0 ? "neuron" : "input", "data-layer": l, "data-neuron": j });
    const picked = net.picked && net.picked.l === l && net.picked.j === j;
    g.append(svgEl("circle", { cx: p.x, cy: p.y, r: 13, fill: l === 0 ? "#dbeafe" : (l === pos.length - 1 ? "#bbf7d0" : "#f3f4f6"),
      stroke: picked ? "#7c3aed" : "#374151", "stroke-width": picked ? 4 : 1.5 }));
    g.append(svgEl("text", { x: p.x, y: p.y + 4, "text-anchor": "middle", "font-size": 10 }, l === 0 ? `x${j}` : `${j}`));
    if (net.flow) {
      const value = net.flow.phase === "forward" ? (l <= net.flow.layer ? net.flow.a[l][j] : null)
        : (l >= net.flow.layer && l > 0 ? net.flow.delta[l][j] : null);
      if (value !== null) g.append(svgEl("text", { x: p.x, y: p.y - 17, "text-anchor": "middle", "font-size": 11,
        fill: net.flow.phase === "forward" ? "#111827" : "#d62728", class: "flow" }, (net.flow.phase === "forward" ? "a " : "\u03B4 ") + fmt(value)));
    }
    svg.append(g);
  }));
  data.sizes.forEach((n, l) => svg.append(svgEl("text", { x: pos[l][0].x, y: 352, "text-anchor": "middle", "font-size": 11, fill: "#4b5563" },
    l === 0 ? "input" : (l === data.sizes.length - 1 ? `output (${data.activations[l - 1]})` : `layer ${l} (${data.activations[l - 1]})`))));
}

function drawHeatmap(data) {
  const canvas = $("heatmap");
  const ctx = canvas.getContext("2d");
  const n = data.grid.length, size = canvas.width, cell = size / n;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const t = Math.tanh(data.grid[r][c] - data.threshold);
    const alpha = 0.15 + 0.55 * Math.abs(t);
    const rgb = (t >= 0 ? [37, 99, 235] : [234, 88, 12]).map((v) => Math.round(255 - alpha * (255 - v)));  // on white, opaque
    ctx.fillStyle = `rgb(${rgb.join(",")})`;
    ctx.fillRect(Math.floor(c * cell), Math.floor(r * cell), Math.ceil(cell) + 1, Math.ceil(cell) + 1);
  }
  const [x0, x1, y0, y1] = data.extent;
  data.points.forEach((p, k) => {
    const px = (p[0] - x0) / (x1 - x0) * size, py = (y1 - p[1]) / (y1 - y0) * size;
    ctx.beginPath();
    ctx.arc(px, py, k === Number($("sample").value) ? 6 : 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = data.labels[k] === 1 ? POSITIVE : NEGATIVE;
    ctx.fill();
    ctx.lineWidth = k === Number($("sample").value) ? 2.5 : 0.8;
    ctx.strokeStyle = k === Number($("sample").value) ? "#7c3aed" : "white";
    ctx.stroke();
  });
}

function drawCurves(data) {
  const svg = $("curves");
  svg.replaceChildren();
  const W = 300, H = 120, n = data.loss.length;
  if (!n) return;
  const top = Math.max(...data.loss.filter(Number.isFinite), 1e-12);
  const x = (k) => (n === 1 ? 0 : k / (n - 1)) * (W - 8) + 4;
  const loss = data.loss.map((v, k) => `${x(k).toFixed(1)},${(H - 4 - (H - 8) * Math.min(1, v / top)).toFixed(1)}`).join(" ");
  const acc = data.accuracy.map((v, k) => `${x(k).toFixed(1)},${(H - 4 - (H - 8) * v).toFixed(1)}`).join(" ");
  svg.append(svgEl("polyline", { points: loss, fill: "none", stroke: "#111827", "stroke-width": 1.5 }));
  svg.append(svgEl("polyline", { points: acc, fill: "none", stroke: "#15803d", "stroke-width": 1.5 }));
}

// -- a neuron: z, a and delta in the documents' notation, against autodiff -------------------------------------------------

async function showNeuron(l, j) {
  net.picked = { l, j };
  const box = $("neuron-info");
  try {
    const d = await get(`/api/net/neuron?run=${encodeURIComponent(net.run)}&layer=${l}&neuron=${j}&sample=${Number($("sample").value) || 0}`);
    box.hidden = false;
    box.replaceChildren(el("h3", {}, `neuron ${j} of layer ${l}, sample ${d.sample} (x = ${d.x.map(fmt).join(", ")}, class ${d.label})`));
    for (const line of d.lines) box.append(el("div", { class: "mono" }, line));
    const ok = d.difference <= 1e-9 * Math.max(1, Math.abs(d.autodiff));
    box.append(el("div", { class: "mono" }, `autodiff (the engine's backward()): dE/dz^${l}_${j} = ${fmt(d.autodiff)}; delta equations: ${fmt(d.delta)}; `,
      el("span", { class: ok ? "ok" : "wrong", id: "delta-verdict" }, `difference ${Number(d.difference).toExponential(1)} (${ok ? "agree" : "DISAGREE"})`)));
    box.dataset.delta = String(d.delta);
    box.dataset.autodiff = String(d.autodiff);
    drawNetwork(net.state);
  } catch (err) { showError(err.message); }
}

$("net-svg").addEventListener("click", (event) => {
  const g = event.target.closest("g.neuron");
  if (g) showNeuron(Number(g.dataset.layer), Number(g.dataset.neuron));
});

// -- one sample: values forward, then deltas back, a layer at a time --------------------------------------------------------

async function oneSample() {
  pause();
  try {
    const d = await get(`/api/net/flow?run=${encodeURIComponent(net.run)}&sample=${Number($("sample").value) || 0}`);
    const L = d.a.length - 1;
    const frames = [];
    for (let l = 0; l <= L; l++) frames.push({ phase: "forward", layer: l });
    for (let l = L; l >= 1; l--) frames.push({ phase: "backward", layer: l });
    for (const f of frames) {
      net.flow = { ...d, ...f };
      drawNetwork(net.state);
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
  } catch (err) { showError(err.message); }
}

$("play").addEventListener("click", () => (net.playing ? pause() : play()));
$("step").addEventListener("click", async () => { pause(); try { await trainOnce(true); } catch (err) { showError(err.message); } });
$("reset").addEventListener("click", reset);
$("flow").addEventListener("click", oneSample);
$("sample").addEventListener("change", () => { if (net.state) { drawHeatmap(net.state); if (net.picked) showNeuron(net.picked.l, net.picked.j); } });
for (const f of FIELDS) $(f).addEventListener("change", reset);

readAddress();
reset();
