"""How the drawing and the step-by-step trace name things: the graph's numbering, node names, number formats.

Both ``draw.py`` and ``trace.py`` use these, so they live here and neither imports the other's private parts.
"""

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


def node_names(order: Sequence[Value], params: dict[Value, str] | None = None) -> dict[Value, str]:
    """{node: name} for tables: its label (or its name in ``params``), ``n{i}`` when it has none, and
    ``label#i`` when several nodes share a label; ``i`` is the node's topological number, as in the drawing."""
    params = params or {}
    labels = [node.label or params.get(node, "") for node in order]
    counts = Counter(label for label in labels if label)
    return {
        node: (label if counts[label] == 1 else f"{label}#{i}") if label else f"n{i}"
        for i, (node, label) in enumerate(zip(order, labels))
    }
