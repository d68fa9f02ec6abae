"""How the drawing, the step-by-step trace and the compiled program name things: the graph's numbering, one name
per node (``node_names``) and the expression beside it (``expressions``), each node's role and its colour, number
formats and argument checks.

``draw.py``, ``trace.py``, ``notebook.py`` and ``compiler.py`` all use these, so they live here and none imports
another's private parts.
"""

import inspect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from autograd_mini.engine import Value, topological_order


def number_formatter(number_format: str | Callable[[float], str], where: str = "draw_dot") -> Callable[[float], str]:
    """A function float -> str from a format spec (".4g", ".3f") or a callable; checked once, here."""
    if callable(number_format):
        fmt = number_format
    elif isinstance(number_format, str):

        def fmt(x):
            return format(x, number_format)

    else:
        raise TypeError(
            f"{where}(number_format=...) takes a format spec such as '.4g' or '.3f', or a function float -> str; "
            f"got {type(number_format).__name__} {number_format!r}"
        )
    try:
        text = fmt(1.5)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"{where}(number_format={number_format!r}) cannot format a float ({err}); "
            f"use a format spec such as '.4g' or '.3f'"
        ) from None
    if not isinstance(text, str):
        raise TypeError(f"{where}(number_format=...) must return a str, got {type(text).__name__} {text!r}")
    return fmt


def count_of(n: int, noun: str) -> str:
    """``1 line``, ``3 lines``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_arity(f: Any, n: int, where: str, given: str) -> None:
    """A named error when ``f`` cannot take ``n`` positional arguments (a Python function whose signature says so):
    ``jvp(): f takes 2 arguments (x, y), primals has 1 number (one per argument)``. ``given``: what holds the n."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # a builtin without a signature: calling it will tell
        return
    try:
        signature.bind(*range(n))
    except TypeError:
        params = list(signature.parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        required = [p for p in positional if p.default is p.empty]
        if any(p.kind == p.KEYWORD_ONLY and p.default is p.empty for p in params):
            takes = f"has keyword-only parameters without defaults ({where} passes {given}'s numbers by position)"
        elif any(p.kind == p.VAR_POSITIONAL for p in params):
            takes = f"takes at least {count_of(len(required), 'argument')}"
        elif len(required) == len(positional):
            takes = f"takes {count_of(len(positional), 'argument')}"
        else:
            takes = f"takes {len(required)} to {len(positional)} arguments"
        names = ", ".join(p.name for p in positional)
        raise TypeError(
            f"{where}: f {takes}{f' ({names})' if names and 'keyword' not in takes else ''}, {given} has "
            f"{count_of(n, 'number')} (one per argument)"
        ) from None


def as_roots(root: Any, where: str = "draw_dot") -> list[Value]:
    roots = [root] if isinstance(root, Value) else list(root) if isinstance(root, (list, tuple)) else None
    if not roots or not all(isinstance(r, Value) for r in roots):
        raise TypeError(
            f"{where}() takes a Value (or a non-empty list of Values, e.g. an MLP's outputs), "
            f"got {type(root).__name__} {root!r:.80}"
        )
    return roots


def graph_order(roots: Sequence[Value]) -> list[Value]:
    """All nodes behind the roots, children before parents: the stable numbering used for node names."""
    if len(roots) == 1:
        return topological_order(roots[0])
    order, seen = [], set()
    for r in roots:
        for node in topological_order(r):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def param_names(params: Any, where: str = "draw_dot") -> dict[Value, str]:
    """{Value: name} from model.named_parameters(), a model, a dict name -> Value, pairs, or plain Values."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        params = params.named_parameters()
    if isinstance(params, dict):
        params = params.items()
    names = {}
    for item in params:
        if isinstance(item, Value):
            names[item] = item.label
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Value):
            names[item[1]] = str(item[0])
        else:
            raise TypeError(
                f"{where}(params=...) takes model.named_parameters() (pairs of name and Value), a dict "
                f"name -> Value, or a list of Values; got an item {type(item).__name__} {item!r:.80}"
            )
    return names


# A leaf whose label (its last dotted part) looks like a weight or a bias is a parameter: w, w2, w_12, W, b, b1,
# weight, bias, theta, and the nn package's names L1.N0.w2, L1.N0.b.
PARAMETER_LABEL = re.compile(r"(?:^|\.)(?:w|W|b|weight|bias|theta|θ)(?:[\d_\[].*)?$")

ROLE_COLORS = {
    "input": "#dbeafe",  # light blue: data fed in
    "parameter": "#fde68a",  # amber: weights and biases, what training changes
    "intermediate": "#f3f4f6",  # light grey
    "output": "#bbf7d0",  # light green: the root (output or loss)
}


def graph_roles(order, roots, params=None):
    """{node: role} with role one of "input", "parameter", "intermediate", "output".

    The roots are outputs; leaves are parameters when passed in ``params`` (a set or dict of Values) or when their
    label looks like a weight or bias (``PARAMETER_LABEL``), inputs otherwise; all other nodes are intermediate.
    """
    params = params or {}
    out = set(roots)
    roles = {}
    for node in order:
        if node in out:
            roles[node] = "output"
        elif node.op is not None:
            roles[node] = "intermediate"
        elif node in params or PARAMETER_LABEL.search(node.label):
            roles[node] = "parameter"
        else:
            roles[node] = "input"
    return roles


def one_line(text: str) -> str:
    """``text`` for a line of text (a table's cell, a caption, a message): every character that is not printable
    (line breaks, tabs, terminal escapes, lone surrogates) written as ``repr`` writes it (``\\n``, ``\\x1b``,
    ``\\ud800``). A table stays a table, a terminal prints text, not escape sequences. (A drawing keeps a label's
    line breaks: ``text.escape_record``.)"""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def node_names(order: Sequence[Value], params: dict[Value, str] | None = None) -> dict[Value, str]:
    """{node: the one name every view gives it}: the drawing's boxes, the trace's captions and table, the step page
    and the compiled program (``compile`` makes identifiers of these names).

    A node is called by its label (or its name in ``params``); the nodes without one are numbered ``n1``, ``n2`` ...
    in topological order, without gaps (a number a label already uses is skipped); several nodes sharing a label
    are ``label#1``, ``label#2`` ... in topological order."""
    params = params or {}
    for node in order:  # a label set after the fact (v.label = 3): the slot takes anything; every view reads it here
        if not isinstance(node.label, str):
            raise TypeError(f"a label must be text (str), got {type(node.label).__name__} {node.label!r:.40}")
    labels = [node.label or params.get(node, "") for node in order]
    counts = Counter(label for label in labels if label)
    taken = {label for label, n in counts.items() if n == 1}
    names: dict[Value, str] = {}
    numbers: Counter[str] = Counter()  # per label shared by several nodes, and "" for the unlabelled
    for node, label in zip(order, labels):
        if label and counts[label] == 1:
            names[node] = label
            continue
        while True:
            numbers[label] += 1
            name = f"{label}#{numbers[label]}" if label else f"n{numbers[label]}"
            if name not in taken:
                break
        taken.add(name)
        names[node] = name
    return names


# How tightly an operator binds, for writing an expression with the parentheses it needs and no more: Python's
# precedence (``-x`` binds less than ``**`` and more than ``*``). A function call or a name is an atom.
_BINDING = {"+": 1, "-": 1, "*": 2, "/": 2, "%": 2, "**": 4}
_NEGATION = 3
_ATOM = 5
_NUMBERED = re.compile(r"n\d+")
EXPRESSION_WIDTH = 28  # characters: a longer expression is not written beside a name (the name alone says more)


def _operand_text(text: str, binding: int, need: int) -> str:
    return f"({text})" if binding < need else text


def number_text(x: float) -> str:
    """3 for 3.0, 0.5 for 0.5: a number mixed into an op, as a learner writes it."""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def expressions(order: Sequence[Value], names: dict[Value, str], width: int = EXPRESSION_WIDTH) -> dict[Value, str]:
    """{node: what it computes, written in its named inputs}, for the numbered nodes (``n3``) where that says more
    than the op with its operands' names: for ``n3 = n1 + n2`` with ``n1 = x1 * w1`` and ``n2 = x2 * w2`` it is
    ``x1*w1 + x2*w2``. Numbered operands are written out, labelled ones by their names (a label is the learner's
    own name for what is under it); an expression longer than ``width`` characters is left out, and a node whose
    operands are all labelled needs none (``n1 = x1 * w1`` already says it)."""
    written: dict[Value, tuple[str, int]] = {}  # node -> (text, binding) of the numbered nodes written out
    out: dict[Value, str] = {}
    for node in order:
        op = node.op
        if op is None or not _NUMBERED.fullmatch(names[node]):
            continue
        operands = node.operands
        texts = []
        for operand in operands:
            if not isinstance(operand, Value):
                texts.append((number_text(operand), _ATOM if operand >= 0 else _NEGATION))
            else:
                texts.append(written.get(operand, (names[operand], _ATOM)))
        text, binding = _write(op, texts)
        if len(text) <= width:
            written[node] = (text, binding)
            if any(isinstance(v, Value) and v in written for v in operands):
                out[node] = text
    return out


def _write(op: Any, texts: list[tuple[str, int]]) -> tuple[str, int]:
    """The op written with its operands' (text, binding): ``x1*w1 + x2*w2``, ``tanh(n)``, ``-x``, ``3 - y``."""
    if op.reflected:
        texts = texts[::-1]
    if op.name == "neg":
        return "-" + _operand_text(*texts[0], _NEGATION), _NEGATION
    binding = _BINDING.get(op.symbol)
    if binding is None:  # a function: tanh(a), max(a, b)
        return f"{op.symbol}({', '.join(text for text, _ in texts)})", _ATOM
    (left, lb), (right, rb) = texts
    # ** groups from the right: (a ** b) ** c needs its parentheses; - / % from the left: a - (b - c) needs them
    need_left, need_right = (binding + 1, binding) if op.symbol == "**" else (binding, binding + 1)
    if op.symbol in ("+", "*"):
        need_right = binding
    gap = "" if binding >= 2 and op.symbol != "%" else " "
    return f"{_operand_text(left, lb, need_left)}{gap}{op.symbol}{gap}{_operand_text(right, rb, need_right)}", binding
