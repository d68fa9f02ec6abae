"""What each of document 004's four ways to nabla K costs as the network grows: a timing study.

All ways give the same numbers (``nn.crosscheck.ways``); their cost differs, and that is the point of page 9.
Reverse mode needs one forward and one backward pass for all P parameters, and so do the delta equations (reverse
mode written as matrices); forward mode and finite differences need one (two) passes per parameter, so P times the
work; the symbolic derivatives repeat the network's formula inside every one of the P derivatives, so the formulas
swell (sympy's common-subexpression elimination recovers the sharing the graph has from the start).

    from nn.crosscheck.ways_cost import cost_study
    study = cost_study((2, 4, 1))       # widen the hidden layer, time each way
    print(study)                        # nn.plots.plot_four_ways(study) draws it
"""

from __future__ import annotations

from nn.crosscheck.delta import engine_loss
from nn.crosscheck.ways import MISSING_SYMPY, SHORT, WAYS, demo_network, network_ways, symbolic_module

__all__ = ["GROWTH", "WIDTHS", "CostStudy", "cost_study"]

GROWTH = {"reverse": 1, "by_hand": 1, "forward": 2, "finite_differences": 2, "symbolic": 2.5}
"""How each way's time grows with the number of parameters P (as a power of P), to skip a size before it would
take longer than the budget: one pass over a graph of size ~P; P passes; formulas of size ~P^2 and more."""

WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
"""The widths the hidden layers of ``cost_study`` take, step by step (about x1.5 each)."""


class CostStudy:
    """Time and size of each way for networks of growing width.

    ``parameters[i]``, ``sizes[i]`` (the layer sizes), ``graph_ops[i]``; ``seconds[way][i]`` (None where the way
    was skipped); ``symbolic_ops[i]``, ``symbolic_ops_cse[i]`` (None where not measured); ``max_rel[way]``: the
    largest relative difference from reverse mode over all sizes; ``notes``: what was skipped and why.
    """

    def __init__(self, shape, budget):
        self.shape = tuple(shape)
        self.budget = budget
        self.sizes: list[list[int]] = []
        self.parameters: list[int] = []
        self.graph_ops: list[int] = []
        self.seconds: dict[str, list[float | None]] = {w: [] for w in WAYS}
        self.symbolic_ops: list[int | None] = []
        self.symbolic_ops_cse: list[int | None] = []
        self.max_rel = {w: 0.0 for w in WAYS if w != "reverse"}
        self.notes: list[str] = []

    def ratio(self, way, i):
        """seconds of ``way`` over seconds of reverse mode at size i (None where not measured)."""
        s, r = self.seconds[way][i], self.seconds["reverse"][i]
        return None if s is None or not r else s / r

    def as_dict(self):
        return {
            "shape": list(self.shape),
            "budget": self.budget,
            "sizes": self.sizes,
            "parameters": self.parameters,
            "graph_ops": self.graph_ops,
            "seconds": self.seconds,
            "symbolic_ops": self.symbolic_ops,
            "symbolic_ops_cse": self.symbolic_ops_cse,
            "max_rel": self.max_rel,
            "notes": self.notes,
        }

    def __str__(self):
        head = (
            f"{'layer sizes':<16} {'P':>6} {'graph ops':>9}"
            + "".join(f" {SHORT[w]:>13}" for w in WAYS)
            + f" {'symb. ops':>10} {'with CSE':>9}"
        )
        lines = [
            f"Cost of one nabla K as the hidden layers of {list(self.shape)} widen (seconds per gradient; "
            f"- = skipped, budget {self.budget:g} s):",
            head,
            "-" * len(head),
        ]
        for i, P in enumerate(self.parameters):
            times = "".join(f" {'-' if s[i] is None else seconds_text(s[i]):>13}" for s in self.seconds.values())
            ops = self.symbolic_ops[i]
            cse = self.symbolic_ops_cse[i]
            lines.append(
                f"{str(self.sizes[i]):<16} {P:>6} {self.graph_ops[i]:>9}{times}"
                f" {'-' if ops is None else ops:>10} {'-' if cse is None else cse:>9}"
            )
        lines.append("-" * len(head))
        agree = ", ".join(f"{SHORT[w]} {r:.0e}" for w, r in self.max_rel.items())
        lines.append(f"largest difference from reverse mode, relative to the largest entry: {agree}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def seconds_text(s):
    """A time as the study's table writes it: ``0.042 ms``, ``1.234 s``."""
    return f"{s * 1e3:.3f} ms" if s < 1 else f"{s:.3f} s"


def cost_study(shape=(2, 4, 1), widths=WIDTHS, budget=2.0, max_symbolic_parameters=70, seed=0, limit_names=None):
    """Time every way on networks like ``shape`` (its inputs, outputs and number of hidden layers) whose hidden
    layers all have width w, for each w in ``widths``.

    A way is skipped from the size on where its time, extrapolated from its last size with ``GROWTH``, would exceed
    ``budget`` seconds (after three sizes at least), and the symbolic way (sympy is slow on long formulas) above
    ``max_symbolic_parameters`` or where its formula is over sympy's budgets; ``notes`` says so, and how to raise
    the limit (``limit_names``: a caller's own names for the limits, {"max_symbolic_parameters": "--max-symbolic"}).
    The gradients of every way are compared with reverse mode at every size (``max_rel``).
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) < 3:
        raise ValueError(f"cost_study(): shape {list(shape)} has no hidden layer to widen; give e.g. (2, 4, 1)")
    study = CostStudy(shape, budget)
    last: dict[str, tuple[int, float]] = {}  # way -> (P, seconds) of its last measurement
    stopped: set[str] = set()
    symbolic = symbolic_module()
    if symbolic is None:
        study.notes.append(MISSING_SYMPY)
        stopped.add("symbolic")
    else:  # sympy's first use imports its printers: not the symbolic way's cost, so paid here, untimed
        warm, _, _ = demo_network((1, 1, 1), seed)
        symbolic.gradient_values(engine_loss(warm, [0.5], [0.5], "sse"))
    for w in widths:
        sizes = [shape[0]] + [int(w)] * (len(shape) - 2) + [shape[-1]]
        model, x, y = demo_network(sizes, seed)
        P = len(model.parameters())
        name = (limit_names or {}).get("max_symbolic_parameters", "max_symbolic_parameters")
        chosen = _ways_to_time(study, P, last, stopped, max_symbolic_parameters, name)
        if "reverse" not in chosen:
            break
        report = network_ways(model, x, y, "sse", ways=chosen, sizes="symbolic" in chosen, limit_names=limit_names)
        if "symbolic" in report.missing:
            study.notes.append(f"symbolic: stopped at {P} parameters: {report.missing['symbolic']}")
            stopped.add("symbolic")
        _record(study, report, sizes, P, last)
    return study


def _ways_to_time(study, P, last, stopped, max_symbolic_parameters, limit_name):
    """The ways still within their budgets at P parameters; those that are not are stopped, with a note."""
    chosen = []
    for way in WAYS:
        if way in stopped:
            continue
        if way == "symbolic" and P > max_symbolic_parameters:
            study.notes.append(
                f"symbolic: stopped above {max_symbolic_parameters} parameters (sympy's formulas swell; "
                f"raise {limit_name} to go on)"
            )
            stopped.add(way)
            continue
        measured = sum(s is not None for s in study.seconds[way])
        if way in last and measured >= 3:  # three sizes at least, for a slope
            P0, s0 = last[way]
            guess = s0 * (P / P0) ** GROWTH[way]
            if guess > study.budget:
                study.notes.append(
                    f"{SHORT[way]}: stopped after {P0} parameters; {P} would take about {guess:.1f} s "
                    f"(budget {study.budget:g} s)"
                )
                stopped.add(way)
                continue
        chosen.append(way)
    return chosen


def _record(study, report, sizes, P, last):
    """One size's row of the study: times, sizes, and the differences from reverse mode."""
    study.sizes.append(sizes)
    study.parameters.append(P)
    study.graph_ops.append(report.sizes["graph_ops"])
    study.symbolic_ops.append(report.sizes.get("symbolic_ops"))
    study.symbolic_ops_cse.append(report.sizes.get("symbolic_ops_cse"))
    for way in WAYS:
        study.seconds[way].append(report.seconds.get(way))
        if way in report.seconds:
            last[way] = (P, report.seconds[way])
            if way != "reverse":
                study.max_rel[way] = max(study.max_rel[way], report.max_rel_difference(way))
