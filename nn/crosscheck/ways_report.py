"""The report of the four ways (``nn.crosscheck.ways``): one gradient by every way, the differences from reverse
mode, their times, and whether a way agrees (``WaysReport.within``, with what central differences can resolve).
"""

from __future__ import annotations

import math
import textwrap

__all__ = ["LABELS", "SHORT", "WAYS", "WaysReport", "central_difference_floor"]

WAYS = ("reverse", "forward", "symbolic", "by_hand", "finite_differences")
"""The ways, reverse mode (the reference the others are compared with) first."""

LABELS = {
    "finite_differences": "① finite differences, (K(A + h) - K(A - h)) / 2h",
    "by_hand": "② per Hand: the delta equations",
    "symbolic": "③ symb. Diff. (sympy)",
    "forward": "④ automat. Diff., forward mode (dual numbers)",
    "reverse": "④ automat. Diff., reverse mode (backward)",
}
"""Each way as document 004 (page 9) numbers and names it."""

SHORT = {
    "reverse": "reverse mode",
    "forward": "forward mode",
    "symbolic": "symbolic",
    "by_hand": "delta eqs.",
    "finite_differences": "central FD",
}


class WaysReport:
    """The gradient by each way: ``values[way][name]``, ``seconds[way]``, the differences from reverse mode.

    ``missing``: {way: why it gives no number here, one line}. ``formulas``
    (expressions only): the symbolic derivative of each variable as text. ``sizes``: ``graph_ops`` (the engine's
    graph: ops in the forward pass) and, where the symbolic way ran, ``symbolic_ops`` and ``symbolic_ops_cse`` (the
    written-out derivatives, without and with common-subexpression elimination).
    """

    def __init__(
        self, title, names, values, seconds, sizes=None, formulas=None, notes=(), passes=None, missing=None, floors=None
    ):
        self.title = title
        self.names = list(names)
        self.values = values
        self.seconds = seconds
        self.sizes = dict(sizes or {})
        self.formulas = formulas or {}
        self.notes = list(notes)
        self.passes = passes or {}
        self.missing: dict[str, str] = dict(missing or {})
        self.ways = [w for w in WAYS if w in values]
        self.kinks: dict[str, tuple[float, float, float]] = {}  # expressions: name -> (at, left, right slope)
        self.floors: dict[str, float] = dict(floors or {})  # {way: the smallest difference it resolves}

    @property
    def reference(self):
        return self.values["reverse"]

    def max_abs_difference(self, way):
        """max over the entries of |way - reverse mode| (NaN where an entry is NaN: never hidden by max)."""
        gaps = [abs(self.values[way][n] - self.reference[n]) for n in self.names]
        return math.nan if any(math.isnan(g) for g in gaps) else max(gaps, default=0.0)

    def max_rel_difference(self, way):
        """max |way - reverse mode| relative to the largest entry of the gradient (0 when the gradient is 0)."""
        scale = max((abs(self.reference[n]) for n in self.names), default=0.0)
        return self.max_abs_difference(way) / scale if scale > 0 else self.max_abs_difference(way)

    def within(self, way, tolerance):
        """Whether ``way`` gives reverse mode's gradient: max |way - reverse| <= ``tolerance`` times the gradient's
        largest entry (1 when it is 0), plus what the way cannot resolve (``floors``). A NaN never agrees."""
        scale = max((abs(self.reference[n]) for n in self.names), default=0.0) or 1.0
        return self.max_abs_difference(way) <= tolerance * scale + self.floors.get(way, 0.0)

    def as_dict(self):
        return {
            "title": self.title,
            "names": self.names,
            "values": self.values,
            "seconds": self.seconds,
            "sizes": self.sizes,
            "formulas": self.formulas,
            "notes": self.notes,
            "missing": self.missing,
            "max_abs_difference": {w: self.max_abs_difference(w) for w in self.ways},
        }

    def __str__(self):
        w = max([len("entry")] + [len(n) for n in self.names])
        head = f"{'entry':<{w}}" + "".join(f"  {SHORT[way]:>22}" for way in self.ways)
        lines = [self.title, head, "-" * len(head)]
        for n in self.names:
            lines.append(f"{n:<{w}}" + "".join(f"  {self.values[way][n]:>22.15g}" for way in self.ways))
        lines.append("-" * len(head))
        lines.append("difference from reverse mode (max over the entries), time for the whole gradient:")
        for way in self.ways:
            diff = (
                "(the reference)"
                if way == "reverse"
                else f"abs {self.max_abs_difference(way):.1e}, rel {self.max_rel_difference(way):.1e}"
            )
            passes = f", {self.passes[way]}" if way in self.passes else ""
            lines.append(f"  {LABELS[way]:<50} {diff:<26} {_seconds(self.seconds[way])}{passes}")
        for way, why in self.missing.items():  # the reason may be long: wrapped under the way's name
            lines += [f"  {LABELS[way]}: no number here"]
            lines += textwrap.wrap(why, 100, initial_indent=" " * 4, subsequent_indent=" " * 4)
        if self.sizes:
            lines.append(self._size_line())
        if self.formulas:
            lines.append("the symbolic derivatives (sympy):")
            for n, f in self.formulas.items():
                lines.append(f"  d/d{n} = {f}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _size_line(self):
        s = self.sizes
        text = f"size: the graph has {_ops(s['graph_ops'])}"
        if "symbolic_ops" in s:
            text += (
                f"; the symbolic derivatives written out have {_ops(s['symbolic_ops'])} "
                f"({s['symbolic_ops_cse']} after common-subexpression elimination)"
            )
        return text

    def __repr__(self):
        return f"WaysReport({self.title!r}, ways={self.ways}, entries={len(self.names)})"


def _ops(n):
    return f"{n} op" if n == 1 else f"{n} ops"


def _seconds(s):
    return f"{s * 1e3:9.3f} ms" if s < 1 else f"{s:9.3f} s "


def central_difference_floor(f_value, h):
    """The smallest difference central differences resolve: f(x + h) and f(x - h) each carry rounding of a few
    units in the last place of |f| (2^-52 |f| each; 8 of them allowed for the ops that computed f), and their
    difference is divided by 2h. A gradient smaller than this (1000 + 1e-9 x) is below what they can see."""
    return 8 * 2.0**-52 * abs(f_value) / h
