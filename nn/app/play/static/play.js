// autograd-mini play: what the formula and network pages' scripts share (loaded before each of them).
"use strict";

const $ = (id) => document.getElementById(id);

function fmt(x) {
  // a number as the captions write it: 4 significant digits (Python's .4g), -0 shown as 0
  if (typeof x !== "number") return String(x);
  if (x === 0) return "0";
  return Number(x.toPrecision(4)).toString();
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

function markup(html) {
  // MathML the server made (autograd_mini.mathml: every name and number in it escaped there), as an element
  const box = document.createElement("span");
  box.innerHTML = html;
  return box.firstElementChild || box;
}
