// autograd-mini play, the formula page. The server computes everything (the engine, the trace, dot's SVG); this
// script asks for it on every change, shows it, and keeps the page's state in the address (a link to share).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { data: null, mode: "graph", step: 0, picked: null, practice: null, request: null, timer: null };

function fmt(x) {
  if (typeof x !== "number") return String(x);
  if (x === 0) return "0";
  return Number(x.toPrecision(4)).toString();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// -- the address ------------------------------------------------------------------------------------------------

function readAddress() {
  const params = new URLSearchParams(location.search);
  const values = {};
  for (const [k, v] of params) if (k !== "formula") values[k] = v;
  return { formula: params.get("formula"), values };
}

function query(formula, values) {
  const params = new URLSearchParams();
  params.set("formula", formula);
  for (const [k, v] of Object.entries(values)) params.set(k, v);
  return params.toString();
}

function currentValues() {
  const values = {};
  for (const box of document.querySelectorAll(".var input[type=number]")) values[box.dataset.name] = box.value;
  return values;
}

// -- asking the server ------------------------------------------------------------------------------------------

function refresh(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(load, delay || 0);
}

async function load() {
  const formula = $("formula").value;
  const values = currentValues();
  const q = query(formula, values);
  history.replaceState(null, "", "/?" + q);
  if (state.request) state.request.abort();
  const request = new AbortController();
  state.request = request;
  let reply, data;
  try {
    reply = await fetch("/api/formula?" + q, { signal: request.signal });
    data = await reply.json();
  } catch (err) {
    if (err.name !== "AbortError") showError({ error: "the server does not answer (is autograd-mini play still running?)" });
    return;
  }
  if (!reply.ok) { showError(data); return; }
  showError(null);
  state.data = data;
  makeSliders(data.variables, data.values);
  show();
}

function showError(data) {
  const box = $("error");
  box.replaceChildren();
  document.body.classList.toggle("has-error", !!data);
  if (!data) return;
  box.append(el("div", {}, data.error || "error"));
  if (data.caret) box.append(el("pre", {}, data.caret));
}

// -- sliders: one range and one number box per variable -----------------------------------------------------------

function makeSliders(names, values) {
  const box = $("vars");
  const have = [...box.querySelectorAll(".var")].map((v) => v.dataset.name);
  if (have.join(",") === names.join(",")) return;  // the same variables: keep the sliders (and the focus)
  box.replaceChildren();
  for (const name of names) {
    const value = Number(values[name]);
    const span = Math.max(5, Math.ceil(Math.abs(value) * 2));
    const range = el("input", { type: "range", min: -span, max: span, step: "any", value: value, "aria-label": name + " slider" });
    const number = el("input", { type: "number", step: "any", value: String(values[name]), "aria-label": name });
    number.dataset.name = name;
    range.addEventListener("input", () => { number.value = Number(range.value).toFixed(3).replace(/\.?0+$/, ""); refresh(0); });
    number.addEventListener("input", () => { if (number.value !== "") { range.value = number.value; refresh(120); } });
    box.append(el("div", { class: "var", "data-name": name }, el("label", {}, name), range, number));
  }
}

// -- what is shown ----------------------------------------------------------------------------------------------

function show() {
  const d = state.data;
  const result = $("result");
  result.replaceChildren(el("b", {}, `${d.output} = ${fmt(d.value)}`));
  for (const [name, g] of Object.entries(d.grads)) {
    result.append(el("span", { class: "mono grad", "data-name": name }, `d${d.output}/d${name} = ${fmt(g)}`));
  }
  if (state.step >= d.frames.length) state.step = d.frames.length - 1;
  if (state.mode === "practice" && (!state.practice || state.practice.formula !== d.formula + JSON.stringify(d.values))) startPractice();
  drawGraph();
  if (state.mode === "steps") showStep();
  if (state.mode === "practice") showPractice();
  if (state.picked !== null) showNode(state.picked);
  if (state.mode === "ways") loadWays();
}

function drawGraph() {
  const d = state.data;
  const frame = state.mode === "steps" ? state.step : (state.mode === "practice" ? 0 : d.frames.length - 1);
  const box = $("graph");
  box.innerHTML = d.frames[frame];  // dot's SVG from the server: every label in it is escaped there
  const svg = box.querySelector("svg");
  if (!svg) return;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  if (state.mode !== "steps") { const style = svg.querySelector("style"); if (style) style.remove(); }  // a frame's highlight
  if (state.mode === "practice") practiceTexts(svg);
  if (state.picked !== null) {
    const g = nodeGroup(svg, state.picked);
    if (g) g.classList.add("picked");
  }
}

function nodeGroup(svg, i) {
  return [...svg.querySelectorAll("g.node")].find((g) => nodeNumber(g) === i && !/op$/.test(g.id));
}

function nodeNumber(g) {
  const m = /(?:^|_)v(\d+)(op)?$/.exec(g.id);  // the drawing's box v{i} (draw_dot), its op v{i}op
  return m ? Number(m[1]) : null;
}

// -- a node: its op, operands, local derivatives and the chain rule --------------------------------------------------

function showNode(i) {
  const d = state.data;
  const n = d.nodes[i];
  const box = $("node-info");
  if (!n) { box.hidden = true; return; }
  box.hidden = false;
  box.replaceChildren(el("h3", {}, n.formula ? `${n.name} = ${n.formula}` : `${n.name} (a leaf: an input or parameter)`));
  const hidden = state.mode === "practice" && !state.practice.done.has(i);
  box.append(el("div", { class: "mono" }, `value ${fmt(n.data)},  gradient ${n.gradient} = ${hidden ? "?" : fmt(n.grad)}`));
  if (n.op) {
    box.append(el("div", { class: "mono" }, `op ${n.op}:  ${n.equation}`));
    const table = el("table", {}, el("tr", {}, el("th", {}, "operand"), el("th", {}, "value"), el("th", {}, "local derivative"), el("th", {}, "upstream x local")));
    for (const o of n.operands) {
      table.append(el("tr", {}, el("td", { class: "mono" }, o.name), el("td", { class: "num" }, fmt(o.data)),
        el("td", { class: "mono" }, `${o.local_name} = ${fmt(o.local)}`),
        el("td", { class: "mono" }, hidden ? "?" : `${fmt(n.upstream)} * ${fmt(o.local)} = ${fmt(o.product)}`)));
    }
    box.append(table);
    if (n.constants.length) box.append(el("div", { class: "mono" }, `numbers in the op (not nodes): ${n.constants.map(fmt).join(", ")}`));
  }
  box.append(el("div", { class: "mono chain" }, "chain rule: " + (hidden ? "(practice: your turn)" : n.chain)));
  if (n.program && n.program.length && !hidden) box.append(el("div", { class: "program" }, "program: " + n.program.join(";  ")));
}

$("graph").addEventListener("click", (event) => {
  const g = event.target.closest("g.node");
  if (!g) return;
  const i = nodeNumber(g);
  if (i === null || !state.data) return;
  // an op's small ellipse stands for the node it computes
  state.picked = i;
  drawGraph();
  showNode(i);
});

// -- step through the backward pass, as the stepper does ---------------------------------------------------------------

function showStep() {
  const d = state.data;
  const s = d.steps[state.step];
  $("step-count").textContent = `frame ${state.step} of ${d.frames.length - 1}` + (state.step === 0 ? " (the start: the seed)" : "");
  $("step-caption").textContent = s.caption.filter((line) => !line.startsWith("  program:")).join("\n");
  $("step-program").textContent = s.program.length ? "adjoint program: " + s.program.join(";  ") : "";
  $("prev").disabled = state.step === 0;
  $("next").disabled = state.step === d.frames.length - 1;
}

function go(delta) {
  if (!state.data) return;
  state.step = Math.max(0, Math.min(state.data.frames.length - 1, state.step + delta));
  drawGraph();
  showStep();
}

$("prev").addEventListener("click", () => go(-1));
$("next").addEventListener("click", () => go(1));
document.addEventListener("keydown", (event) => {
  if (state.mode !== "steps" || event.target.tagName === "INPUT") return;
  if (event.key === "ArrowRight") go(1);
  if (event.key === "ArrowLeft") go(-1);
});

// -- practice: gradients hidden, the learner fills them in output first --------------------------------------------------

function startPractice() {
  const d = state.data;
  state.practice = { formula: d.formula + JSON.stringify(d.values), order: d.practice, at: 0, done: new Set(), right: 0, tries: 0 };
}

function practiceTexts(svg) {
  // every gradient the learner has not found yet is "?"; the found ones show the engine's number
  for (const n of state.data.nodes) {
    const g = nodeGroup(svg, n.id);
    if (!g) continue;
    const texts = g.querySelectorAll("text");
    const last = texts[texts.length - 1];
    if (last) last.textContent = state.practice.done.has(n.id) ? "grad " + fmt(n.grad) : "grad ?";
  }
}

function showPractice() {
  const p = state.practice;
  const d = state.data;
  $("practice-score").textContent = `score: ${p.right} right of ${p.tries} tries, ${p.done.size} of ${p.order.length} gradients found`;
  if (p.at >= p.order.length) {
    $("practice-ask").textContent = "All gradients found. New point for another round.";
    $("practice-answer").disabled = true;
    return;
  }
  const n = d.nodes[p.order[p.at]];
  $("practice-answer").disabled = false;
  $("practice-ask").replaceChildren("Your turn: ", el("b", { class: "mono" }, n.gradient), " = ");
  state.picked = n.id;
}

function checkPractice() {
  const p = state.practice;
  const d = state.data;
  if (!p || p.at >= p.order.length) return;
  const n = d.nodes[p.order[p.at]];
  const text = $("practice-answer").value.trim();
  const given = Number(text);
  const box = $("practice-feedback");
  if (text === "" || !Number.isFinite(given)) {
    box.replaceChildren(el("span", { class: "wrong" }, `"${text.slice(0, 30)}" is not a number; type e.g. -1.5`));
    return;
  }
  p.tries += 1;
  if (Math.abs(given - n.grad) <= 1e-3 * Math.max(1, Math.abs(n.grad))) {
    p.right += 1;
    p.done.add(n.id);
    p.at += 1;
    box.replaceChildren(el("span", { class: "ok" }, `right: ${n.gradient} = ${fmt(n.grad)}`));
    $("practice-answer").value = "";
  } else {
    box.replaceChildren(el("span", { class: "wrong" }, `not ${text}. `), el("span", { class: "hint mono" }, "hint: " + n.hint));
  }
  showPractice();
  drawGraph();
  showNode(state.picked);
}

$("practice-check").addEventListener("click", checkPractice);
$("practice-answer").addEventListener("keydown", (event) => { if (event.key === "Enter") checkPractice(); });
$("practice-new").addEventListener("click", () => {
  for (const box of document.querySelectorAll(".var input[type=number]")) {
    const v = Math.round((Math.random() * 6 - 3) * 10) / 10;
    box.value = String(v);
    box.previousSibling.value = v;
  }
  state.practice = null;
  $("practice-feedback").replaceChildren();
  refresh(0);
});

// -- the four ways ----------------------------------------------------------------------------------------------------

async function loadWays() {
  const box = $("ways-box");
  box.replaceChildren(el("div", {}, "computing the gradient four ways ..."));
  const reply = await fetch("/api/ways?" + query($("formula").value, currentValues()));
  const data = await reply.json();
  if (!reply.ok) { box.replaceChildren(el("div", { class: "error" }, data.error)); return; }
  const head = el("tr", {}, el("th", {}, "way"), ...data.names.map((n) => el("th", {}, `d/d${n}`)), el("th", {}, "max |difference| from reverse"), el("th", {}, "time"));
  const table = el("table", {}, head);
  for (const w of data.ways) {
    table.append(el("tr", {}, el("td", {}, w.label), ...data.names.map((n) => el("td", { class: "num" }, Number(w.values[n]).toPrecision(12))),
      el("td", { class: "num" }, w.way === "reverse" ? "(the reference)" : Number(w.difference).toExponential(1)),
      el("td", { class: "num" }, (w.seconds * 1e3).toFixed(3) + " ms")));
  }
  box.replaceChildren(el("h3", {}, "Document 004: Wie berechnet man \u2207f? Four ways at this point"), table);
  for (const [n, f] of Object.entries(data.formulas)) box.append(el("div", { class: "mono" }, `sympy: d/d${n} = ${f}`));
  for (const note of data.notes) box.append(el("div", {}, "note: " + note));
}

// -- modes ------------------------------------------------------------------------------------------------------------

function setMode(mode) {
  state.mode = mode;
  for (const m of ["graph", "steps", "practice", "ways"]) $("mode-" + m).classList.toggle("on", m === mode);
  $("steps-box").hidden = mode !== "steps";
  $("practice-box").hidden = mode !== "practice";
  $("ways-box").hidden = mode !== "ways";
  if (mode === "steps") state.step = 0;
  if (mode === "practice") startPractice();
  if (state.data) show();
}

for (const m of ["graph", "steps", "practice", "ways"]) $("mode-" + m).addEventListener("click", () => setMode(m));
$("formula").addEventListener("input", () => refresh(250));
$("share").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText(location.href); $("share").textContent = "Copied"; }
  catch (err) { $("share").textContent = "Copy the address bar"; }
  setTimeout(() => { $("share").textContent = "Copy link"; }, 1500);
});

// -- start: the address, or micrograd's neuron ------------------------------------------------------------------------

(function start() {
  const { formula, values } = readAddress();
  if (formula !== null) $("formula").value = formula;
  if (Object.keys(values).length) {
    const box = $("vars");
    for (const [name, v] of Object.entries(values)) {
      const number = el("input", { type: "number", value: v });
      number.dataset.name = name;
      box.append(el("div", { class: "var pending", "data-name": "" }, number));
    }
  } else if (formula === null) {
    for (const [name, v] of Object.entries({ x1: "2", x2: "0", w1: "-3", w2: "1", b: "6.8813735870195432" })) {
      const number = el("input", { type: "number", value: v });
      number.dataset.name = name;
      $("vars").append(el("div", { class: "var pending", "data-name": "" }, number));
    }
  }
  load();
})();
