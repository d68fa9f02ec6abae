"""The formula page's data: a typed formula's graph with every value and gradient, the backward pass step by step,
each node's chain-rule lines, and the four ways.

Everything is computed by the project's public pieces: the strict parser (``autograd_mini.formula``, never
``eval``), the engine's ``backward()`` (through ``formula.differentiate``), ``trace_backward`` (steps, captions, the
adjoint program's lines), the stepper's one picture (``autograd_mini.notebook.live_picture``: ``draw_dot``'s SVG laid
out once by Graphviz's ``dot``, by the graph's shape to fit a 1000 px window, each node by its one name, n1, n2 ...
with ``n3 = x1*w1 + x2*w2`` beside it) with what each frame changes in it, the chain rule as the lecture writes it,
typeset as MathML (``autograd_mini.mathml.chain_rule_mathml``), and ``nn.crosscheck.ways.expression_ways`` (central
differences, sympy, forward and reverse mode).

For a node ``v`` used by the nodes ``u`` (its users) the page writes the chain rule with the numbers::

    dL/dv = sum over users u of  dL/du * du/dv

one line per use, in the order backward() adds them (``before + upstream * local = after``), so the lines add up to
the gradient shown, float for float.
"""

from __future__ import annotations

import math
import re
from typing import Any

from autograd_mini.formula import FormulaError, differentiate, parse
from autograd_mini.mathml import chain_rule_mathml
from autograd_mini.notebook import live_picture
from autograd_mini.trace import derivative, trace_backward
from nn.app.play.markup import inline

# Limits of one page, each with a one-line message (the formula parser has its own: formula.MAX_LENGTH, MAX_DEPTH).
MAX_FORMULA = 400  # characters: a formula a learner types; longer ones make a graph no window can show
MAX_STEPS = 60  # backward steps, so frames of the step-by-step view (each frame is one SVG of the whole graph)
MAX_VARIABLES = 12  # sliders
MAX_ABS_VALUE = 1e6  # a slider's value; the number box accepts up to this
WAYS_MAX_FORMULA = 160  # characters: sympy's derivatives of longer formulas can take seconds (issue 19)
RESERVED = "formula"  # the address's name for the formula itself, so no variable's
OUTPUT_NAMES = ("o", "f", "y", "out", "output")  # the output's name: the first that is not a variable
PICTURE = "fp"  # the ids of the picture's elements start with this: fp-v3 (a box), fp-g3 (its grad), fp-e3_0


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
        names = list(parse(formula).variables)
    except FormulaError as err:
        raise PageError(str(err), err.caret()) from None
    if RESERVED in names:
        column = next(m.start() for m in re.finditer(rf"\b{RESERVED}\b", formula))
        reserved = FormulaError(
            f"a variable may not be called {RESERVED}: the page's address uses that name for the formula itself; "
            "rename it",
            formula,
            column,
            len(RESERVED),
        )
        raise PageError(str(reserved), reserved.caret())
    return names


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
            value = float(text.replace("\u2212", "-"))  # the minus sign of typeset text, copied, is a minus too
        except (TypeError, ValueError):
            comma = "; write the decimal point as a point, 2.5" if "," in text else ""
            raise PageError(f"the value of {name} must be a number, got {_shown(text)}{comma}") from None
        if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
            raise PageError(f"the value of {name} must be a finite number from -{MAX_ABS_VALUE:g} to {MAX_ABS_VALUE:g}")
        values[name] = value
    return values


def _shown(text: Any, limit: int = 40) -> str:
    text = str(text)
    text = text if len(text) <= limit else text[:limit] + "..."
    return repr(text)


def formula_page(formula: str, given: dict[str, str]) -> dict[str, Any]:
    """Everything the formula page shows for ``formula`` at the values ``given`` ({name: text}).

    Returns a JSON-ready dict: ``variables`` and ``values``, the ``output``'s name and ``value``, ``grads`` per
    variable, ``picture`` (the graph, every gradient filled in) and ``frames`` (what frame k changes in it: the grad
    texts ``g``, the current node ``c``, the receiving nodes ``r``, the edges ``e``; frame 0 the seed, k step k),
    ``steps`` (each with its caption: the step's line, each contribution's chain rule as MathML, the adjoint program's
    lines), ``nodes`` (per drawing number: name, op, operands, local derivatives, gradient, the chain-rule lines)
    and the ``practice`` order (output first). A PageError for anything the page cannot show."""
    names = variables_of(formula)
    values = read_values(names, given)
    try:
        out, leaves = differentiate(formula, values)
    except FormulaError as err:
        raise PageError(str(err), err.caret()) from None
    out.label = next((name for name in OUTPUT_NAMES if name not in leaves), OUTPUT_NAMES[0])
    trace = trace_backward(out)
    if len(trace.steps) > MAX_STEPS:
        raise PageError(
            f"the backward pass of this formula has {len(trace.steps)} steps; the page shows up to {MAX_STEPS}"
        )
    picture, stepping = live_picture(trace, PICTURE, {})
    rules = trace.chain_rules()
    return {
        "formula": formula,
        "variables": names,
        "values": values,
        "output": trace.names[out],
        "value": out.data,
        "grads": {name: leaf.grad for name, leaf in leaves.items()},
        "picture": inline(picture),
        "frames": stepping["frames"],
        "unknown": stepping["unknown"],
        "steps": _steps(trace, rules),
        "nodes": _nodes(trace, rules),
        "practice": list(range(len(trace.order) - 1, -1, -1)),  # output first: reverse topological order
    }


def _steps(trace: Any, rules: list[list[Any]]) -> list[dict[str, Any]]:
    """Frame 0 (the seed) and each step: its node's drawing number, the caption's first line, each contribution's
    chain rule (MathML, and as text), the adjoint program's lines."""
    captions = trace.captions()
    steps = [{"node": None, "head": captions[0][0], "rules": [], "text": [], "program": []}]
    for s in trace.steps:
        steps.append(
            {
                "node": s.index,
                "head": captions[s.number][0],
                "rules": [chain_rule_mathml(rule) for rule in rules[s.number]],
                "text": [rule.text() for rule in rules[s.number]],
                "program": list(s.adjoint),
            }
        )
    return steps


def _nodes(trace: Any, rules: list[list[Any]]) -> list[dict[str, Any]]:
    """One entry per node, in drawing order (``fp-v{i}`` in the picture is entry i)."""
    received: dict[Any, list[tuple[Any, Any, Any]]] = {}  # operand -> [(step, contribution, its chain rule)]
    by_node = {}
    for s in trace.steps:
        by_node[s.node] = s
        for c, rule in zip(s.contributions, rules[s.number]):
            received.setdefault(c.operand, []).append((s, c, rule))
    out = []
    for i, node in enumerate(trace.order):
        uses = received.get(node, [])
        entry: dict[str, Any] = {
            "id": i,
            "name": trace.names[node],
            "data": node.data,
            "grad": trace.grads[node],
            "gradient": derivative(trace.names[trace.root], trace.names[node]),
            "chain": _chain_line(trace, node, uses),
            "hint": _chain_line(trace, node, uses, result=False),
            "rules": [chain_rule_mathml(rule) for _, _, rule in uses],
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
                "local_name": derivative(s.name, c.name, "∂"),
                "product": c.product,
            }
        )
    numbers = [x for x in node.operands if not hasattr(x, "data")]
    return {
        "op": node.op.name,
        "equation": node.op.equation,
        "formula": trace.computed_as(s) or s.formula,
        "upstream": s.upstream,
        "operands": operands,
        "constants": numbers,
        "program": list(s.adjoint),
    }


def _chain_line(trace: Any, node: Any, uses: list[tuple[Any, Any, Any]], result: bool = True) -> str:
    """``do/dx1 = do/dn1 * ∂n1/∂x1 + ... = 0.5 * -3 + ... = -1.5``: the chain rule with this node's numbers, one
    term per use (without the final ``= -1.5`` for ``result=False``: practice mode's hint, upstream x local with the
    numbers)."""
    r = trace.names[trace.root]
    name = trace.names[node]
    if node is trace.root:
        return (
            f"{derivative(r, r)} = {_fmt(trace.seed)} (the seed)" if result else "the output's own gradient: the seed"
        )
    if not uses:
        return f"{derivative(r, name)} = 0 (the output does not depend on {name})"
    symbols = " + ".join(f"{derivative(r, s.name)} * {derivative(s.name, name, '∂')}" for s, _, _ in uses)
    products = " + ".join(f"{_fmt(s.upstream)} * {_fmt(c.local)}" for s, c, _ in uses)
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
