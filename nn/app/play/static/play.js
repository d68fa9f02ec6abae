// autograd-mini play: what the formula and network pages' scripts share (loaded before each of them).
"use strict";

const $ = (id) => document.getElementById(id);

function fmt(x) {
  // a number as the picture and the captions write it: Python's format(x, ".4g") (2.36e-06, 1.235e+04, 0.7071)
  if (typeof x !== "number" || !Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const [mantissa, exponent] = x.toExponential(3).split("e");
  const e = Number(exponent);
  if (e < -4 || e >= 4) {
    const digits = mantissa.replace(/\.?0+$/, "");
    return `${digits}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(4)));
}

function el(tag, attrs, ...children) {
  // an HTML element; every child that is not an element is text (never markup)
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function reveal(panel, keep, covered = 0) {
  // a panel that opened below the window's bottom (a click seemed to do nothing): the page scrolls until its end is in
  // view, never so far that the clicked element `keep` goes above the window's top, or under the `covered` px at the
  // top that a sticky panel takes
  const bottom = panel.getBoundingClientRect().bottom;
  if (bottom <= window.innerHeight || !keep) return;
  const room = keep.getBoundingClientRect().top - covered - 8;
  if (room > 0) window.scrollBy(0, Math.min(bottom - window.innerHeight + 8, room));
}

function markup(html) {
  // MathML the server made (autograd_mini.mathml: every name and number in it escaped there), as an element
  const box = document.createElement("span");
  box.innerHTML = html;
  return box.firstElementChild || box;
}
