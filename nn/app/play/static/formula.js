// autograd-mini play, the formula page. The server computes everything (the engine, the trace, dot's SVG, the chain
// rule typeset as MathML); this script asks for it on every change, shows it, steps through the backward pass on the
// one picture (changing its gradient texts and highlight, as the notebook's stepper does), and keeps the page's state
// in the address (a link to share).
// What both pages' scripts use ($, fmt, el, markup) is in play.js.
"use strict";

const state = { data: null, mode: "graph", step: 0, picked: null, practice: null, timer: null, pending: null,
  keepError: false };
const SMALLEST = 0.8;  // the graph is shrunk to fit the window's width down to 80% of its size; beyond, it scrolls
const BESIDE = window.matchMedia("(min-width: 1200px)");  // play.css: the panels stand beside the graph, not above

// -- the address: ?formula=...&x1=2&... ---------------------------------------------------------------------------------

function readAddress() {
  const params = new URLSearchParams(location.search);
  const values = Object.create(null);  // no prototype: a variable may be called constructor or toString
  for (const [k, v] of params) if (k !== "formula") values[k] = v;
  return { formula: params.get("formula"), values };
}

function query(formula, values) {
  const params = new URLSearchParams();
  params.set("formula", formula);
  for (const k of Object.keys(values)) params.set(k, values[k]);
  return params.toString();
}

function currentValues() {
  if (state.pending) return state.pending;  // before the first answer: the values of the address
  const values = Object.create(null);
  for (const box of document.querySelectorAll(".var input.value")) values[box.dataset.name] = box.value.trim();
  return values;
}

// -- asking the server ------------------------------------------------------------------------------------------------

function refresh(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(load, delay || 0);
}

function oneAtATime(work) {
  // one request at a time: while one is on its way, a change only marks that the page must ask again when it is
  // answered (dragging a slider over a big formula never piles up work on the server)
  let busy = false, again = false;
  return async function run() {
    if (busy) { again = true; return; }
    busy = true;
    try { await work(); } finally {
      busy = false;
      if (again) { again = false; run(); }
    }
  };
}

const load = oneAtATime(ask);

async function ask() {
  const formula = $("formula").value;
  const q = query(formula, currentValues());
  history.replaceState(null, "", "/?" + q);
  let reply, data;
  try {
    reply = await fetch("/api/formula?" + q);
    data = await reply.json();
  } catch (err) {
    showError({ error: "the server does not answer (is autograd-mini play still running?)" });
    return;
  }
  if (!reply.ok) {
    showError(data);
    if (state.pending && !state.data && Object.keys(state.pending).length) {
      // a value of the address the page cannot use: the sliders come from the formula at its default values, and
      // the line under the formula says what was wrong
      state.pending = Object.create(null);
      state.keepError = true;
      refresh(0);
    }
    return;
  }
  if (!state.keepError) showError(null);
  state.keepError = false;
  state.pending = null;
  const sameGraph = state.data && state.data.formula === data.formula;
  state.data = data;
  if (!sameGraph) state.picked = null;
  makeSliders(data.variables, data.values);
  show();
}

function showError(data) {
  // the line under the formula; while it shows, what the page shows is the last formula and values it could use,
  // greyed (stale)
  const box = $("error");
  box.replaceChildren();
  document.body.classList.toggle("stale", !!data && !!state.data);
  if (!data) return;
  box.append(el("div", {}, data.error || "error"));
  if (data.caret) box.append(el("pre", {}, data.caret));
}

// -- sliders: one range and one number box per variable -------------------------------------------------------------------

function makeSliders(names, values) {
  const box = $("vars");
  const have = [...box.querySelectorAll(".var")].map((v) => v.dataset.name);
  if (have.join(",") === names.join(",")) return;  // the same variables: keep the sliders (and the focus)
  box.replaceChildren();
  for (const name of names) {
    const value = Number(values[name]);
    const span = Math.max(5, Math.ceil(Math.abs(value) * 2));
    const range = el("input", { type: "range", min: -span, max: span, step: "any", value: value, "aria-label": name + " slider" });
    // text, not type=number: a browser empties a number box holding "1e400" or "nan" without a word; the server
    // answers such a value with one line under the formula
    const number = el("input", { type: "text", inputmode: "decimal", class: "value", value: String(values[name]),
      "aria-label": name, spellcheck: "false", autocomplete: "off" });
    number.dataset.name = name;
    range.addEventListener("input", () => { number.value = Number(range.value).toFixed(3).replace(/\.?0+$/, ""); refresh(0); });
    number.addEventListener("input", () => {
      const v = Number(number.value);
      if (number.value.trim() !== "" && Number.isFinite(v)) range.value = v;
      refresh(150);
    });
    box.append(el("div", { class: "var", "data-name": name }, el("label", { class: "mono" }, name), range, number));
  }
}

// -- what is shown --------------------------------------------------------------------------------------------------

function show() {
  const d = state.data;
  $("output-name").textContent = d.output;
  const result = $("result");
  result.replaceChildren(el("b", { class: "mono" }, `${d.output} = ${fmt(d.value)}`));
  state.step = Math.min(state.step, d.frames.length - 1);
  if (state.mode === "practice" && (!state.practice || state.practice.key !== practiceKey(d))) startPractice();
  showGrads();
  drawGraph();
  if (state.mode === "steps") showStep();
  if (state.mode === "practice") showPractice();
  showNode(state.picked);
  if (state.mode === "ways") loadWays();
}

function showGrads() {
  // each variable's gradient; in practice mode "?" until the learner has found it
  const d = state.data;
  const result = $("result");
  for (const old of result.querySelectorAll(".grad")) old.remove();
  const found = (name) => state.practice.done.has(d.nodes.findIndex((n) => n.name === name));
  for (const name of d.variables) {
    const hidden = state.mode === "practice" && !found(name);
    result.append(el("span", { class: "mono grad", "data-name": name }, `d${d.output}/d${name} = ${hidden ? "?" : fmt(d.grads[name])}`));
  }
}

function part(id) { return document.getElementById("fp-" + id); }  // the picture's elements: fp-v3, fp-g3, fp-e3_0

function drawGraph() {
  const d = state.data;
  const box = $("graph");
  box.innerHTML = d.picture;  // dot's SVG from the server: every label in it is escaped there
  const svg = box.querySelector("svg");
  if (!svg) return;
  fitGraph(svg);
  if (state.mode === "steps") paintFrames(state.step);
  if (state.mode === "practice") practiceTexts();
  if (state.picked !== null && part("v" + state.picked)) part("v" + state.picked).classList.add("picked");
}

function fitGraph(svg) {
  // at its own size (11 pt text) where it fits; shrunk to the box's width, and to the window's height below the form
  // (micrograd's neuron ended 35 px below a 1024 x 768 window and 70 px below 1280 x 720, o out of view), down to
  // SMALLEST of that; scrolls beyond
  const natural = svg.viewBox.baseVal.width * 4 / 3;  // dot's points at 96 px per inch
  const room = Math.min($("graph").clientWidth - 2, roomBelowForm() * svg.viewBox.baseVal.width / svg.viewBox.baseVal.height);
  const width = Math.max(Math.min(natural, room), natural * SMALLEST);
  svg.removeAttribute("height");
  svg.setAttribute("width", Math.round(width));
}

function roomBelowForm() {
  // the height the picture has from its top on the unscrolled page to the window's bottom, where only the form stands
  // above it; where a step's or practice's panel stands above it (and stays at the top), or the four ways' table, the
  // page scrolls instead (bringIntoView), and the height does not count
  const above = state.mode === "ways" || (!BESIDE.matches && (state.mode === "steps" || state.mode === "practice"));
  if (above) return Infinity;
  const box = $("graph");
  // below it: main's padding, and under 1200 px the grid's gap to the node panel's row (there even when it is hidden)
  const below = parseFloat(getComputedStyle(document.querySelector("main")).paddingBottom) +
    (BESIDE.matches ? 0 : parseFloat(getComputedStyle(box.parentNode).rowGap));
  return window.innerHeight - (box.getBoundingClientRect().top + window.scrollY) - box.clientTop * 2 - below;
}

window.addEventListener("resize", () => { const svg = $("graph").querySelector("svg"); if (svg) fitGraph(svg); });

function paintFrames(k) {
  // frame k: the grad texts as they stand after step k, the step's node and edges red, its operands violet
  const d = state.data;
  const texts = {};
  for (let j = 0; j <= k; j++) for (const [i, text] of d.frames[j].g) texts[i] = text;
  for (let i = 0; i < d.nodes.length; i++) {
    const t = part("g" + i);
    if (t) t.textContent = i in texts ? texts[i] : d.unknown;
  }
  const f = d.frames[k];
  if (f.c !== null) for (const id of ["v" + f.c, "v" + f.c + "op"]) if (part(id)) part(id).classList.add("current");
  for (const i of f.r) if (part("v" + i)) part("v" + i).classList.add("receiver");
  for (const id of f.e) if (part(id)) part(id).classList.add("lit");
}

function stickyPanels() {
  // the height the step's or practice's panel takes at the window's top when it stays there (under 1200 px)
  const panels = $("mode-panels");
  return getComputedStyle(panels).position === "sticky" && !BESIDE.matches ? panels.getBoundingClientRect().height : 0;
}

function bringIntoView(ids) {
  // the page scrolls so that the step's boxes stand below the panels that stay at the top (sticky) and above the
  // window's bottom edge
  const parts = ids.map(part).filter(Boolean);
  if (!parts.length) return;
  const boxes = parts.map((p) => p.getBoundingClientRect());
  const top = Math.min(...boxes.map((b) => b.top)), bottom = Math.max(...boxes.map((b) => b.bottom));
  const panels = $("mode-panels").getBoundingClientRect();
  const covered = getComputedStyle($("mode-panels")).position === "sticky" && panels.left < boxes[0].right ? panels.bottom : 0;
  if (top < covered + 8) window.scrollBy(0, top - covered - 8);
  else if (bottom > window.innerHeight - 8) window.scrollBy(0, Math.min(bottom - window.innerHeight + 8, top - covered - 8));
}

// -- a node: its op, operands, local derivatives and the chain rule ---------------------------------------------------------

function completeAfter(i) {
  // the step after which node i's gradient is complete: the last frame that changes its text in the picture
  let last = 0;
  state.data.frames.forEach((f, j) => { if (f.g.some(([k]) => k === i)) last = j; });
  return last;
}

function showNode(i) {
  const d = state.data;
  const box = $("node-info");
  const n = i === null ? null : d.nodes[i];
  if (!n) { box.hidden = true; return; }
  box.hidden = false;
  // stepping, a gradient the picture still shows as "?" (or as the part that has arrived) is not given in full here
  const until = state.mode === "steps" ? completeAfter(i) : 0;
  const hidden = until > state.step || (state.mode === "practice" && !state.practice.done.has(i));
  box.replaceChildren(el("h3", { class: "mono" }, n.formula ? `${n.name} = ${n.formula}` : `${n.name}: a variable (a leaf of the graph)`));
  box.append(el("div", { class: "mono" }, `value ${fmt(n.data)},  gradient ${n.gradient} = ${hidden ? "?" : fmt(n.grad)}`));
  if (n.op) {
    box.append(el("div", { class: "mono" }, `op ${n.op}: ${n.equation}`));
    const table = el("table", {}, el("tr", {}, el("th", {}, "operand"), el("th", {}, "value"), el("th", {}, "local derivative"), el("th", {}, "upstream \u00d7 local")));
    for (const o of n.operands) {
      table.append(el("tr", {}, el("td", { class: "mono" }, o.name), el("td", { class: "num" }, fmt(o.data)),
        el("td", { class: "mono" }, `${o.local_name} = ${fmt(o.local)}`),
        el("td", { class: "mono" }, hidden ? "?" : `${fmt(n.upstream)} \u00d7 ${fmt(o.local)} = ${fmt(o.product)}`)));
    }
    box.append(table);
    if (n.constants.length) box.append(el("div", { class: "mono" }, `numbers in the op (not nodes): ${n.constants.map(fmt).join(", ")}`));
  }
  box.append(el("div", { class: "label" }, "chain rule:"));
  if (until > state.step) box.append(el("div", { class: "mono" }, `(complete after step ${until}; the picture shows what has arrived by step ${state.step})`));
  else if (hidden) box.append(el("div", { class: "mono" }, "(practice: your turn)"));
  else if (n.rules.length) {
    for (const rule of n.rules) box.append(markup(rule));
    if (n.rules.length > 1) box.append(el("div", { class: "mono" }, `in all: ${n.gradient} = ${fmt(n.grad)}`));
  } else box.append(el("div", { class: "mono" }, n.chain));
  box.dataset.chain = n.chain;  // the whole line as text (for a screen reader and the tests)
  if (n.program && n.program.length && !hidden) box.append(programLine("program: ", n.program));
}

$("graph").addEventListener("click", (event) => {
  const g = event.target.closest("g.node");
  const m = g && /^fp-v(\d+)(op)?$/.exec(g.id);  // a box fp-v{i}; an op's ellipse fp-v{i}op stands for its node
  if (!m || !state.data) return;
  state.picked = Number(m[1]);
  drawGraph();
  showNode(state.picked);
  reveal($("node-info"), part("v" + state.picked), stickyPanels());  // under the graph below 1200 px: began below 768 px
});

function programLine(title, statements) {
  // the program's statements of a node or a step on one line, broken between statements only (not inside g_x1 += ...)
  const line = el("div", { class: "program" }, title);
  statements.forEach((statement, k) => line.append(k ? ";  " : "", el("span", { class: "statement" }, statement)));
  return line;
}

// -- step through the backward pass, as the notebook's stepper does -------------------------------------------------------

function showStep() {
  const d = state.data;
  const s = d.steps[state.step];
  $("step-count").textContent = `step ${state.step} of ${d.frames.length - 1}`;
  const caption = $("step-caption");
  caption.replaceChildren(el("div", { class: "head" }, s.head));
  for (const rule of s.rules) caption.append(markup(rule));
  caption.dataset.text = [s.head, ...s.text].join("\n");
  $("step-program").replaceChildren(...(s.program.length ? programLine("adjoint program: ", s.program).childNodes : []));
  $("prev").disabled = state.step === 0;
  $("next").disabled = state.step === d.frames.length - 1;
}

function go(delta) {
  if (!state.data) return;
  state.step = Math.max(0, Math.min(state.data.frames.length - 1, state.step + delta));
  drawGraph();
  showStep();
  showNode(state.picked);
  const f = state.data.frames[state.step];
  bringIntoView(f.c === null ? f.r.map((i) => "v" + i) : ["v" + f.c, "v" + f.c + "op", ...f.r.map((i) => "v" + i)]);
}

$("prev").addEventListener("click", () => go(-1));
$("next").addEventListener("click", () => go(1));
document.addEventListener("keydown", (event) => {
  if (state.mode !== "steps" || event.target.tagName === "INPUT") return;
  if (event.key === "ArrowRight") { go(1); event.preventDefault(); }
  if (event.key === "ArrowLeft") { go(-1); event.preventDefault(); }
});

// -- practice: gradients hidden, the learner fills them in output first ------------------------------------------------------

function practiceKey(d) { return d.formula + JSON.stringify(d.values); }

function startPractice() {
  const d = state.data;
  state.practice = { key: practiceKey(d), order: d.practice, at: 0, done: new Set(), right: 0, tries: 0 };
  $("practice-feedback").replaceChildren();
}

function practiceTexts() {
  // every gradient the learner has not found yet is "grad ?"; the found ones show the engine's number
  for (const n of state.data.nodes) {
    const t = part("g" + n.id);
    if (t) t.textContent = state.practice.done.has(n.id) ? "grad " + fmt(n.grad) : state.data.unknown;
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
  const given = Number(/^-?\d+,\d+$/.test(text) ? text.replace(",", ".") : text);  // -1,5 as written in German too
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
    box.replaceChildren(el("span", { class: "wrong" }, `not ${text.slice(0, 30)}. `), el("span", { class: "hint mono" }, "hint: " + n.hint));
  }
  showPractice();
  showGrads();
  drawGraph();
  showNode(state.picked);
  bringIntoView(["v" + state.picked]);
  $("practice-answer").focus();
}

$("practice-check").addEventListener("click", checkPractice);
$("practice-answer").addEventListener("keydown", (event) => { if (event.key === "Enter") checkPractice(); });
$("practice-new").addEventListener("click", () => {
  for (const v of document.querySelectorAll(".var")) {
    const x = Math.round((Math.random() * 6 - 3) * 10) / 10;
    v.querySelector("input.value").value = String(x);
    v.querySelector("input[type=range]").value = x;
  }
  state.practice = null;
  refresh(0);
});

// -- the four ways ------------------------------------------------------------------------------------------------------

const loadWays = oneAtATime(askWays);

async function askWays() {
  const box = $("ways-box");
  box.replaceChildren(el("div", {}, "computing the gradient four ways ..."));
  let reply, data;
  try {
    reply = await fetch("/api/ways?" + query($("formula").value, currentValues()));
    data = await reply.json();
  } catch (err) { box.replaceChildren(el("div", { class: "error" }, "the server does not answer (is autograd-mini play still running?)")); return; }
  if (!reply.ok) { box.replaceChildren(el("div", { class: "error" }, data.error)); return; }
  const head = el("tr", {}, el("th", {}, "way"), ...data.names.map((n) => el("th", { class: "mono" }, `d/d${n}`)), el("th", {}, "max |difference| from reverse"), el("th", {}, "time"));
  const table = el("table", {}, head);
  for (const w of data.ways) {
    table.append(el("tr", {}, el("td", {}, w.label), ...data.names.map((n) => el("td", { class: "num" }, Number(w.values[n]).toPrecision(12))),
      el("td", { class: "num" }, w.way === "reverse" ? "(the reference)" : Number(w.difference).toExponential(1)),
      el("td", { class: "num" }, (w.seconds * 1e3).toFixed(3) + "\u00a0ms")));  // not "0.021" / "ms" on two lines
  }
  box.replaceChildren(el("h3", {}, "Document 004: Wie berechnet man \u2207f? Four ways at this point"), el("div", { class: "scroll" }, table));
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
  document.body.dataset.mode = mode;
  if (mode === "steps") state.step = 0;
  if (mode === "practice" && state.data) startPractice();
  state.picked = null;
  if (state.data) show();
  if (mode === "practice") {
    $("practice-answer").focus();
    if (state.data) bringIntoView(["v" + state.picked]);
  }
}

for (const m of ["graph", "steps", "practice", "ways"]) $("mode-" + m).addEventListener("click", () => setMode(m));
$("formula").addEventListener("input", () => refresh(250));
$("share").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText(location.href); $("share").textContent = "Copied"; }
  catch (err) { $("share").textContent = "Copy the address bar"; }
  setTimeout(() => { $("share").textContent = "Copy link"; }, 1500);
});

// -- start: the address, or micrograd's neuron at micrograd's point ------------------------------------------------------------

(function start() {
  const { formula, values } = readAddress();
  if (formula !== null) $("formula").value = formula;
  const neuron = { x1: "2", x2: "0", w1: "-3", w2: "1", b: "6.8813735870195432" };
  state.pending = Object.keys(values).length || formula !== null ? values : Object.assign(Object.create(null), neuron);
  load();
})();
