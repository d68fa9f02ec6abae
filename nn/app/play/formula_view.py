"""The formula page's data: a typed formula's graph with every value and gradient, the backward pass step by step,
each node's chain-rule line, and the four ways.

Everything is computed by the project's public pieces: the strict parser (``autograd_mini.formula``, never
``eval``), the engine's ``backward()`` (through ``formula.differentiate``), ``trace_backward`` (steps, captions, the
adjoint program's lines, the highlight of each frame) and its frames (``draw_dot``'s SVG, laid out once by Graphviz's
``dot``), and ``nn.crosscheck.ways.expression_ways`` (central differences, sympy, forward and reverse mode).

For a node ``v`` used by the nodes ``u`` (its users) the page writes the chain rule with the numbers::

    dL/dv = sum over users u of  dL/du * du/dv

the sum of the contributions the trace recorded (``before + upstream * local = after``), in the order backward()
added them, so the line adds up to the gradient shown, float for float.
"""

from __future__ import annotations

import math
import re
from typing import Any

from autograd_mini.formula import FormulaError, differentiate, parse
from autograd_mini.trace import derivative, trace_backward

# Limits of one page, each with a one-line message (the formula parser has its own: formula.MAX_LENGTH, MAX_DEPTH).
MAX_FORMULA = 400  # characters: a formula a learner types; longer ones make a graph no window can show
MAX_STEPS = 60  # backward steps, so frames of the step-by-step view (each frame is one SVG of the whole graph)
MAX_VARIABLES = 12  # sliders
MAX_ABS_VALUE = 1e6  # a slider's value; the number box accepts up to this
WAYS_MAX_FORMULA = 160  # characters: sympy's derivatives of longer formulas can take seconds (issue 19)


class PageError(ValueError):
    """A request the page cannot answer: ``str(err)`` is the one line shown under the formula; ``caret`` (may be
    empty) is the formula with a caret under the place."""

    def __init__(self, message: str, caret: str = "") -> None:
        super().__init__(message)
        self.caret = caret


def _fmt(x: float) -> str:
    """A number as the captions write it (4 significant digits), -0 shown as 0."""
    if x == 0:
        return "0"
    return f"{x:.4g}"


def variables_of(formula: str) -> list[str]:
    """The formula's variables in order of first appearance (for the sliders), or a PageError with the caret."""
    check_formula(formula)
    try:
        return list(parse(formula).variables)
    except FormulaError as err:
        raise PageError(str(err), err.caret()) from None


def check_formula(formula: str) -> None:
    if len(formula) > MAX_FORMULA:
        raise PageError(f"the formula is {len(formula)} characters long; the page takes up to {MAX_FORMULA}")


def read_values(names: list[str], given: dict[str, str]) -> dict[str, float]:
    """Each variable's value from the request (text, as typed), 1.0 where none is given; a PageError names the
    variable and the text when it is not a finite number within +-MAX_ABS_VALUE."""
    if len(names) > MAX_VARIABLES:
        raise PageError(f"the formula has {len(names)} variables; the page has sliders for up to {MAX_VARIABLES}")
    values = {}
    for name in names:
        text = given.get(name, "1")
        try:
            value = float(text)
        except (TypeError, ValueError):
            raise PageError(f"the value of {name} must be a number, got {_shown(text)}") from None
        if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
            raise PageError(f"the value of {name} must be a finite number from -{MAX_ABS_VALUE:g} to {MAX_ABS_VALUE:g}")
        values[name] = value
    return values


def _shown(text: Any, limit: int = 40) -> str:
    text = str(text)
    text = text if len(text) <= limit else text[:limit] + "..."
    return repr(text)


_STRIP = re.compile(r"^.*?(?=<svg)|<!--.*?-->\n?|\s(?:xmlns|xmlns:xlink)=\"[^\"]*\"", re.S)


def inline_svg(svg: str) -> str:
    """dot's SVG document as an element for an HTML page: no XML prolog, DOCTYPE or comments (they name the W3C's
    addresses; an ``<svg>`` inside HTML needs neither), sized by the page's CSS from its viewBox."""
    return _STRIP.sub("", svg)


def formula_page(formula: str, given: dict[str, str]) -> dict[str, Any]:
    """Everything the formula page shows for ``formula`` at the values ``given`` ({name: text}).

    Returns a JSON-ready dict: ``variables`` and ``values``, the output's ``value``, ``grads`` per variable, ``nodes``
    (per drawing number: name, op, operands, local derivatives, gradient, the chain-rule line), ``steps`` (each with
    its caption lines and adjoint program lines) and ``frames`` (one SVG per frame: 0 the seed, k step k), and the
    ``practice`` order (output first). A PageError for anything the page cannot show."""
    names = variables_of(formula)
    values = read_values(names, given)
    try:
        out, leaves = differentiate(formula, values)
    except FormulaError as err:
        raise PageError(str(err), err.caret()) from None
    out.label = "f" if "o" in leaves else "o"  # the output, as micrograd's neuron calls it (f if o is a variable)
    trace = trace_backward(out)
    if len(trace.steps) > MAX_STEPS:
        raise PageError(
            f"the backward pass of this formula has {len(trace.steps)} steps; the page shows up to {MAX_STEPS}"
        )
    frames = [inline_svg(svg) for svg in trace.frames(captions=False)]
    root_name = trace.names[out]
    return {
        "formula": formula,
        "variables": names,
        "values": values,
        "output": root_name,
        "value": out.data,
        "grads": {name: leaf.grad for name, leaf in leaves.items()},
        "nodes": _nodes(trace),
        "steps": _steps(trace),
        "frames": frames,
        "practice": list(range(len(trace.order) - 1, -1, -1)),  # output first: reverse topological order
    }


def _steps(trace: Any) -> list[dict[str, Any]]:
    captions = trace.captions()
    steps = [{"node": None, "caption": captions[0], "program": [], "highlight": _highlight(trace, 0)}]
    for k, s in enumerate(trace.steps, start=1):
        steps.append(
            {"node": s.index, "caption": captions[k], "program": list(s.adjoint), "highlight": _highlight(trace, k)}
        )
    return steps


def _highlight(trace: Any, k: int) -> dict[str, Any]:
    current, receivers, edges = trace.highlight(k)
    return {"current": current, "receivers": receivers, "edges": edges}


def _nodes(trace: Any) -> list[dict[str, Any]]:
    """One entry per node, in drawing order (``v{i}`` in the SVG is entry i)."""
    r = trace.names[trace.root]
    received: dict[Any, list[tuple[Any, Any]]] = {}  # operand -> [(step, contribution)] in the order of the walk
    by_node = {}
    for s in trace.steps:
        by_node[s.node] = s
        for c in s.contributions:
            received.setdefault(c.operand, []).append((s, c))
    out = []
    for i, node in enumerate(trace.order):
        name = trace.names[node]
        entry: dict[str, Any] = {
            "id": i,
            "name": name,
            "data": node.data,
            "grad": trace.grads[node],
            "gradient": derivative(r, name),
            "chain": _chain_line(trace, node, received.get(node, [])),
            "hint": _chain_line(trace, node, received.get(node, []), result=False),
        }
        s = by_node.get(node)
        if s is not None:
            entry.update(_op_details(trace, s))
        out.append(entry)
    return out


def _op_details(trace: Any, s: Any) -> dict[str, Any]:
    node = s.node
    operands = []
    for c in s.contributions:
        operands.append(
            {
                "name": c.name,
                "data": c.operand.data,
                "local": c.local,
                "local_name": derivative(s.name, c.name),
                "product": c.product,
            }
        )
    numbers = [x for x in node.operands if not hasattr(x, "data")]
    return {
        "op": node.op.name,
        "equation": node.op.equation,
        "formula": s.formula,
        "upstream": s.upstream,
        "operands": operands,
        "constants": numbers,
        "program": list(s.adjoint),
    }


def _chain_line(trace: Any, node: Any, contributions: list[tuple[Any, Any]], result: bool = True) -> str:
    """``dL/dv = dL/du * du/dv + ... = 0.5 * -3 + ... = -1.5``: the chain rule with this node's numbers (without
    the final ``= -1.5`` for ``result=False``: practice mode's hint, upstream x local with the numbers)."""
    r = trace.names[trace.root]
    name = trace.names[node]
    if node is trace.root:
        return (
            f"{derivative(r, r)} = {_fmt(trace.seed)} (the seed)" if result else "the output's own gradient: the seed"
        )
    if not contributions:
        return f"{derivative(r, name)} = 0 (the output does not depend on {name})"
    symbols = " + ".join(f"{derivative(r, s.name)} * {derivative(s.name, name)}" for s, _ in contributions)
    products = " + ".join(f"{_fmt(s.upstream)} * {_fmt(c.local)}" for s, c in contributions)
    line = f"{derivative(r, name)} = {symbols} = {products}"
    return f"{line} = {_fmt(trace.grads[node])}" if result else line


def ways_page(formula: str, given: dict[str, str]) -> dict[str, Any]:
    """The four ways at this point (``nn.crosscheck.ways.expression_ways``): per way the gradient, its largest
    difference from reverse mode and its time; sympy's derivatives as text; the notes (a kink, sympy missing)."""
    from nn.crosscheck.ways import LABELS, expression_ways

    if len(formula) > WAYS_MAX_FORMULA:
        raise PageError(
            f"the four ways take formulas up to {WAYS_MAX_FORMULA} characters (sympy's derivatives of longer ones "
            f"can take minutes); this one has {len(formula)}"
        )
    names = variables_of(formula)
    values = read_values(names, given)
    try:
        report = expression_ways(formula, values, sizes=False)
    except FormulaError as err:
        raise PageError(str(err), err.caret()) from None
    return {
        "names": report.names,
        "ways": [
            {
                "way": way,
                "label": LABELS[way],
                "values": report.values[way],
                "difference": report.max_abs_difference(way),
                "seconds": report.seconds[way],
            }
            for way in report.ways
        ],
        "formulas": report.formulas,
        "notes": report.notes,
    }
