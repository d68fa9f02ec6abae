"""The limit of tracing, checked: does ``f`` take the path the program was traced on at other points?

A program is the path ``f`` took at its example (as ``torch.jit.trace`` and ``jax.jit``): Python control flow that
looks at values (``if x.data > 0``, ``max(z.data for z in zs)``) is not in the graph. ``check(step, points)``
replays ``f`` with the node engine at each point, traces it there, and reports any other path (the same ops on the
same operands, whatever the labels) and any difference of value or gradient. Ops that branch inside themselves
(``relu``, ``abs``) are part of the program, so they are fine.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd_mini.engine import Value
from autograd_mini.modes import enable_grad
from autograd_mini.naming import count_of
from autograd_mini.program import Program

__all__ = ["CheckReport", "check"]


@dataclass(frozen=True)
class CheckReport:
    """What ``CompiledStep.check`` found: ``ok`` when the program agrees with the node engine at every point."""

    points: int
    differences: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.differences

    def __str__(self) -> str:
        if self.ok:
            return f"the compiled step agrees with the node engine at all {self.points} points"
        head = f"the compiled step differs from the node engine ({len(self.differences)} differences):"
        return "\n".join([head, *(f"  {d}" for d in self.differences)])


@enable_grad()  # it retraces f and differentiates: an outer no_grad() changes nothing, as for compile
def check(step: Any, points: Sequence[Sequence[float]], tol: float = 1e-12) -> CheckReport:
    """Replay ``step``'s ``f`` with the node engine at each point and compare: the path it traces there, its value
    and every gradient (within ``tol``, relative to the larger of 1 and the node engine's number)."""
    if step._f is None:
        raise TypeError("check(): this step was compiled from a graph, not a function: there is nothing to retrace")
    differences = []
    points = [list(p) if hasattr(p, "__len__") and not isinstance(p, str) else p for p in points]
    if not points:  # a report of 0 points would read as "agrees" having compared nothing
        example = ", ".join(["0.5"] * len(step.names))
        raise ValueError(f"check(): no points given; give the points to replay f at, e.g. step.check([[{example}]])")
    for k, point in enumerate(points, 1):
        xs = [Value(x, label=name) for x, name in zip(step.floats(point, f"check(): point {k}"), step.names)]
        where = f"at {tuple(point)}"
        out = step._f(*xs)
        if not isinstance(out, Value):
            differences.append(f"{where}: f returned {type(out).__name__}, not a Value")
            continue
        retraced = Program([out], xs)
        if structure(retraced) != structure(step.program):
            differences.append(f"{where}: f takes another path: {_another_path(step.program, retraced)}")
        out.backward()
        try:
            value, grads = step(point)
        except (ArithmeticError, ValueError) as err:
            differences.append(f"{where}: the compiled step fails where the node engine does not: {err}")
            continue
        pairs = [("the value", value, out.data)]
        pairs += [(f"d/d{name}", g, x.grad) for name, g, x in zip(step.names, grads, xs)]
        differences += [
            f"{where}: {what} is {mine!r} compiled, {theirs!r} with the node engine"
            for what, mine, theirs in pairs
            if not _close(mine, theirs, tol)
        ]
    return CheckReport(len(points), tuple(differences))


def structure(program: Program) -> tuple[Any, ...]:
    """The program's path, whatever its names: each computed node's op and operands (an argument's position, an
    earlier node's, or a number), then the outputs. Two programs with the same structure compute the same floats."""
    place = {v: ("argument", k) for k, v in enumerate(program.arguments)}
    place.update({v: ("node", k) for k, v in enumerate(program.nodes)})

    def ref(x: Any) -> Any:
        if isinstance(x, Value):
            return place.get(x, ("constant", x.data))
        return ("number", x)

    nodes = tuple((v.op, tuple(ref(x) for x in v.operands)) for v in program.nodes)
    return nodes, tuple(ref(v) for v in program.outputs)


def _close(mine: float, theirs: float, tol: float) -> bool:
    if mine == theirs or (math.isnan(mine) and math.isnan(theirs)):
        return True
    return abs(mine - theirs) <= tol * max(1.0, abs(theirs))


def _another_path(compiled: Program, retraced: Program) -> str:
    """In words, where the program ``f`` traces at another point first differs from the compiled one: a constant
    returned there, or the first lines of code that differ (the docstring and comments, which name the output, left
    out), with the compiled program's line numbers."""
    constant = [v for v in retraced.outputs if v not in retraced.names]
    if constant:
        returned = ", ".join(compiled.operand(v) for v in compiled.outputs)
        return (
            f"f returns the constant {constant[0].data!r} there (a Value made from none of the arguments: "
            f"every gradient is 0 there), where the compiled program returns {returned}"
        )
    mine, theirs = _code_lines(compiled), _code_lines(retraced)
    matcher = difflib.SequenceMatcher(a=[t for _, t in mine], b=[t for _, t in theirs])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        n = mine[i1][0] if i1 < len(mine) else len(compiled.lines)
        ours = f"`{mine[i1][1]}`" if i1 < len(mine) else "the end"
        there = f"`{theirs[j1][1]}`" if j1 < len(theirs) else "the end"
        more = (
            f" ({count_of(i2 - i1, 'line')} against {count_of(j2 - j1, 'line')} differ here)"
            if max(i2 - i1, j2 - j1) > 1
            else ""
        )
        if tag == "insert":
            return f"f's program there has {there} before line {n} of the compiled program ({ours}){more}"
        if tag == "delete":
            return f"line {n} of the compiled program, {ours}, is not in f's program there{more}"
        return f"at line {n} the compiled program has {ours} where f's program there has {there}{more}"
    return "the same lines of code, with other numbers in them"


def _code_lines(program: Program) -> list[tuple[int, str]]:
    """(line number, code) for each line of the program's code: no prelude, docstring, comment or blank line."""
    lines = []
    for k, line in enumerate(program.lines, 1):
        code = line.text.split("  #")[0].strip()
        if line.phase != "prelude" and code and not code.startswith(("#", '"""')):
            lines.append((k, code))
    return lines
