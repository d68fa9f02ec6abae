"""The budgets of the symbolic way (``autograd_mini.symbolic``): how long and how deep a formula is, counted before
sympy is asked to write it, and the errors that name a limit or a point where a derivative has no value.

A formula has no shared parts: every use of a node of the graph is written out again, so ``t = tanh(t) + t`` doubles
the formula per step while the graph grows by two nodes. ``written_size`` counts the formula on the graph, once per
node (10^30 operations cost no more to count than the graph), and ``expression_depth``/``tree_size`` count a sympy
expression once per distinct part (sympy shares equal subexpressions). Nothing here imports sympy.
"""

from __future__ import annotations

from typing import Any

from autograd_mini.engine import Value, topological_order

__all__ = [
    "MAX_DEPTH",
    "MAX_OPS",
    "NoValueError",
    "SymbolicBudgetError",
    "expression_depth",
    "refuse_deep",
    "refuse_long",
    "refuse_many",
    "tree_size",
    "written_size",
]

MAX_OPS = 20_000
"""The most operations a formula may have written out (each use of a shared node counted), and an expression
``expression_size`` counts; ``max_ops=`` raises it per call. 20,000 keeps sympy to seconds: the gradient of a
2-17-1 network (227 operations, 69 parameters) is about 26,000 operations and takes about a second."""

MAX_DEPTH = 100
"""The deepest nesting of a formula sympy is given (``max_depth=`` raises it per call): sympy differentiates and
Python's compiler reads a formula recursively, and with Python's default recursion limit (1000) both fail at about
150 (a chain of 100 tanh takes about 3 s)."""


class SymbolicBudgetError(ValueError):
    """A formula too big or too deep for sympy: ``size`` is more than ``limit``, which the keyword argument
    ``argument`` raises. ``str(err)`` is one line naming all of it; ``message(limit, how)`` is the same line in a
    caller's words (a command names its option)."""

    def __init__(self, where, what, size, limit, argument, why):
        self.where, self.what, self.size, self.limit, self.argument, self.why = where, what, size, limit, argument, why
        if argument == "sys.setrecursionlimit":  # Python's own limit, not one of ours
            super().__init__(self.message(f"Python's recursion limit, {limit}", f"raise it ({argument}) to go on"))
        else:
            super().__init__(self.message(f"{argument}={limit}", f"pass a larger {argument}= to go on"))

    def message(self, limit, how):
        return f"{self.where}: {self.what.format(f'{self.size:,}')} ({self.why}); the limit is {limit}: {how}"


class NoValueError(ValueError):
    """A derivative whose formula has no real, finite value at the point: ``name`` (d/dname), ``formula`` (text),
    ``point`` ({symbol: number}) and ``value`` (what sympy makes of it: nan, zoo, a complex number)."""

    def __init__(self, name, formula, point, value):
        self.name, self.formula, self.point, self.value = name, formula, point, value
        at = ", ".join(f"{k} = {v:g}" for k, v in point.items())
        super().__init__(
            f"d/d{name} = {formula} has no value at {at} (sympy: {value}); the engine takes the limit or torch's "
            "convention there"
        )


def written_size(value):
    """(operations, depth) of the formula behind ``value`` written out: every use of a node counts its operations
    again (``t = x.tanh(); t * t`` writes ``tanh(x)`` twice), as a formula has no shared parts. Counted on the graph,
    once per node, so a formula of 10^30 operations costs no more than its graph."""
    size: dict[Value, int] = {}
    depth: dict[Value, int] = {}
    for node in topological_order(value):
        own = 0 if node.is_leaf else 1
        size[node] = own + sum(size[v] for v in node.children)
        depth[node] = own + max((depth[v] for v in node.children), default=0)
    return size[value], depth[value]


def expression_depth(expr):
    """How deep ``expr`` nests (a symbol or number: 0), iteratively: a shared subexpression is measured once."""
    depth: dict[Any, int] = {}
    stack = [(expr, False)]
    while stack:
        e, done = stack.pop()
        if e in depth:
            continue
        if done or not e.args:
            depth[e] = 1 + max((depth[a] for a in e.args), default=-1)
            continue
        stack.append((e, True))
        stack.extend((a, False) for a in e.args if a not in depth)
    return depth[expr]


def tree_size(exprs):
    """Nodes of ``exprs`` written out as trees (each use of a subexpression counted), in time linear in the
    number of distinct subexpressions."""
    size: dict[Any, int] = {}
    for expr in exprs:
        stack = [(expr, False)]
        while stack:
            e, done = stack.pop()
            if e in size:
                continue
            if done or not e.args:
                size[e] = 1 + sum(size[a] for a in e.args)
                continue
            stack.append((e, True))
            stack.extend((a, False) for a in e.args if a not in size)
    return sum(size[e] for e in exprs)


def _limit(given, default):
    return default if given is None else given


def refuse_long(value, max_ops=None, where="to_sympy()"):
    """Refuse the formula behind ``value`` when written out it has more than ``max_ops`` operations (default
    ``MAX_OPS``), before it is built."""
    size, _ = written_size(value)
    limit = _limit(max_ops, MAX_OPS)
    if size > limit:
        what, why = "the formula written out has {} operations", "each use of a shared node is written again"
        raise SymbolicBudgetError(where, what, size, limit, "max_ops", why)


def refuse_deep(expr, max_depth=None, where="to_sympy()"):
    """Refuse a sympy expression nested deeper than ``max_depth`` (default ``MAX_DEPTH``), before sympy recurses."""
    depth = expression_depth(expr)
    limit = _limit(max_depth, MAX_DEPTH)
    if depth > limit:
        what, why = "the formula nests {} operations deep", "sympy differentiates and Python compiles it recursively"
        raise SymbolicBudgetError(where, what, depth, limit, "max_depth", why)


def refuse_many(exprs, max_ops=None, where="expression_size()"):
    """Refuse sympy expressions of more than ``max_ops`` nodes written out (default ``MAX_OPS`` x 10), counted once
    per distinct part: what counting them one by one would walk."""
    nodes = tree_size(exprs)
    limit = _limit(max_ops, 10 * MAX_OPS)
    if nodes > limit:
        what, why = "the expressions written out have {} nodes", "each use of a shared subexpression is counted again"
        raise SymbolicBudgetError(where, what, nodes, limit, "max_ops", why)
