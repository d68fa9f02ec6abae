"""Wie berechnet man nabla K? The four ways of document 004 (page 9), side by side on the same gradient.

Document 004 lists them on one page:

    ①  nabla K ~ (K(A + "ein bisschen") - K(A)) / "ein bisschen"    "produziert in der Praxis Zufallswerte"
    ②  nabla K per Hand berechnen              here: the delta equations [1]-[4] of page 10 (nn.crosscheck.delta)
    ③  nabla K durch "symb. Diff." bestimmen   here: sympy, on the formula read off the graph (autograd_mini.symbolic)
    ④  nabla K durch "automat. Diff." bestimmen  here twice: forward mode (dual numbers, autograd_mini.forward)
                                               and reverse mode (backward(), the engine)

① is computed as a central difference, (K(A + h) - K(A - h)) / 2h, the better of the two quotients
(``nn.crosscheck.fd_study`` compares them). All of them agree on the numbers, to rounding (and finite differences
to their truncation and round-off error); they differ in what they cost as the network grows, and that is the point
of the page: ``nn.crosscheck.ways_cost`` measures it.

    from nn.crosscheck.ways import expression_ways, network_ways
    print(expression_ways("(x**2 - sin(y)) * x", {"x": 1.5, "y": 0.5}))    # document 004, page 6
    print(network_ways(MLP(2, [4, 1], activation="sigmoid", output_activation="sigmoid"), x, y))

A way that gives no number at the point is left out with its reason (``WaysReport.missing``): sympy's formula for
d/dx x**y is x**y*y/x, which has no value at x = 0 where the engine takes torch's convention; central differences
need f a step away from the point, which 0**y does not have for y < 0; sympy's budgets (``autograd_mini.symbolic``).
``nn.crosscheck.doc004_lecture.symbolic_delta_equations()`` shows that the symbolic derivatives of document 004's
network are its delta equations.
"""

from __future__ import annotations

import functools
import math
import textwrap
import time
from typing import Any

import numpy as np

from nn.crosscheck.delta import (
    autodiff_gradients,
    closed_form_gradients,
    engine_loss,
    finite_difference_gradients,
    network_arrays,
)

__all__ = [
    "LABELS",
    "SHORT",
    "WAYS",
    "WaysReport",
    "demo_network",
    "demo_network_ways",
    "expression_ways",
    "network_ways",
    "one_sided_slopes",
    "symbolic_module",
]

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

MISSING_SYMPY = "the symbolic way needs sympy: pip install 'autograd-mini[symbolic]'"


def symbolic_module() -> Any:
    """``autograd_mini.symbolic``, or None when sympy is not installed (the symbolic way is left out, with a note)."""
    try:
        from autograd_mini import symbolic
    except ImportError:
        return None
    return symbolic


def _timed(fn, once=False):
    """(fn(), seconds): the best of up to five runs within about 0.3 s (timings on a shared machine are noisy).

    The cyclic garbage collector is paused, as in training (``autograd_mini.gc_paused``): its full passes over a
    process that has imported sympy and torch would land on whichever way happens to be running. ``once``: a single
    run (the symbolic way; sympy remembers results, so a second run would not redo the work)."""
    from autograd_mini import gc_paused

    with gc_paused():
        start = time.perf_counter()
        result = fn()
        best = time.perf_counter() - start
        spent = best
        runs = 1
        while not once and spent < 0.3 and runs < 5:
            start = time.perf_counter()
            fn()
            took = time.perf_counter() - start
            best = min(best, took)
            spent += took
            runs += 1
    return result, best


def own_grad_mode(fn):
    """``fn`` builds its graphs with grad mode on, whatever the caller's: the ways differentiate, and decide their
    own grad mode as torch.func's and JAX's transforms do (an outer ``no_grad()`` changes nothing)."""

    @functools.wraps(fn)
    def with_grad(*args, **kwargs):
        from autograd_mini.modes import enable_grad

        with enable_grad():
            return fn(*args, **kwargs)

    return with_grad


# ---------------------------------------------------------------------------------------------------------------
# The report: one gradient, every way.


class WaysReport:
    """The gradient by each way: ``values[way][name]``, ``seconds[way]``, the differences from reverse mode.

    ``missing``: {way: why it gives no number here, one line}. ``formulas``
    (expressions only): the symbolic derivative of each variable as text. ``sizes``: ``graph_ops`` (the engine's
    graph: ops in the forward pass) and, where the symbolic way ran, ``symbolic_ops`` and ``symbolic_ops_cse`` (the
    written-out derivatives, without and with common-subexpression elimination).
    """

    def __init__(self, title, names, values, seconds, sizes=None, formulas=None, notes=(), passes=None, missing=None):
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


def graph_ops(output):
    """The operations of the graph behind ``output`` (its nodes that are not leaves)."""
    from autograd_mini import topological_order

    return sum(1 for node in topological_order(output) if not node.is_leaf)


def _symbolic_sizes(symbolic, output, wrt, limits):
    """The written-out size of the symbolic derivatives, or nothing when they are too big to count."""
    try:
        plain, shared = symbolic.expression_size(symbolic.gradient(output, wrt, **limits), limits.get("max_ops"))
    except symbolic.SymbolicBudgetError:
        return {}
    return {"symbolic_ops": plain, "symbolic_ops_cse": shared}


def _symbolic_way(symbolic, build, names, limits, limit_names):
    """(values, seconds) of the symbolic way, or (None, why it gives no number): over a budget of sympy's (named as
    ``limit_names`` says: {"max_ops": "--max-symbolic-ops"} for a command), or no value at this point."""
    try:
        return _timed(lambda: symbolic.gradient_values(build(), wrt=names, **limits), once=True)
    except symbolic.SymbolicBudgetError as err:
        name = (limit_names or {}).get(err.argument)
        return None, err.message(f"{name} {err.limit}", "raise it to go on") if name else str(err)
    except symbolic.NoValueError as err:
        return None, str(err)


# ---------------------------------------------------------------------------------------------------------------
# A formula of a few variables.


@own_grad_mode
def expression_ways(formula, values, eps=1e-6, sizes=True, max_ops=None, max_depth=None, limit_names=None):
    """The gradient of a formula (``autograd_mini.formula`` syntax) at ``values`` ({name: number}), four ways:
    reverse and forward mode, symbolic (left out with the reason where sympy is missing, over its budgets
    ``max_ops``/``max_depth`` (``limit_names``: the caller's names for them) or without a value here), central
    differences (left out where f has no value a step away). What ``graph`` refuses raises its ``FormulaError``."""
    from autograd_mini import forward_gradient
    from autograd_mini.formula import differentiate, parse

    f = parse(formula)
    names = list(f.variables)
    differentiate(formula, values)  # what `graph` checks: the value and every derivative finite, before any timing
    point = [values[n] for n in names]

    def build():
        return f.evaluate(values)

    def reverse():
        out, leaves = build()
        out.backward()
        return {n: leaves[n].grad for n in names}

    def forward():
        out, leaves = build()
        return dict(zip(names, forward_gradient(out, [leaves[n] for n in names])))

    values_by, seconds, notes, missing = {}, {}, [], {}
    values_by["reverse"], seconds["reverse"] = _timed(reverse)
    values_by["forward"], seconds["forward"] = _timed(forward)
    out, _ = build()
    size, formulas = {"graph_ops": graph_ops(out)}, {}
    limits = {"max_ops": max_ops, "max_depth": max_depth}
    symbolic = symbolic_module()
    if symbolic is None:
        notes.append(MISSING_SYMPY)
    else:
        got, took = _symbolic_way(symbolic, lambda: build()[0], names, limits, limit_names)
        if got is None:
            missing["symbolic"] = took
        else:
            values_by["symbolic"], seconds["symbolic"] = got, took
            formulas = {n: symbolic.text(d) for n, d in symbolic.gradient(out, names, **limits).items()}
            if sizes:
                size.update(_symbolic_sizes(symbolic, out, names, limits))
    fd = _central_differences(f, names, point, eps)
    if isinstance(fd, str):
        missing["finite_differences"] = fd
    else:
        values_by["finite_differences"], seconds["finite_differences"] = fd
    n = len(names)
    passes = {
        "reverse": "1 forward + 1 backward pass",
        "forward": f"{n} forward pass{'es' if n > 1 else ''} with dual numbers",
        "finite_differences": f"{2 * n} evaluations, step {eps:g} * max(1, |x|)",
    }
    at = ", ".join(f"{k} = {values[k]:g}" for k in names)
    title = f"Wie berechnet man nabla f?  f = {formula}  at {at}"
    kinks = _kinks(f, names, point, eps, notes)
    report = WaysReport(title, names, values_by, seconds, size, formulas, notes, passes, missing)
    report.kinks = kinks
    return report


def _central_differences(f, names, point, eps):
    """(values, seconds) of central differences, or why there are none: f has no value a step away."""
    from autograd_mini.formula import FormulaError
    from autograd_mini.gradcheck import numeric_gradient

    def differences():
        return dict(zip(names, numeric_gradient(lambda *vs: f.evaluate(dict(zip(names, vs)))[0], point, eps)))

    try:
        return _timed(differences)
    except FormulaError as err:
        return f"f has no value a step h away from the point: {err.reason}"
    except (ArithmeticError, ValueError) as err:
        return f"f has no value a step h away from the point: {err}"


def _kinks(f, names, point, eps, notes):
    """{name: (at, left slope, right slope)} for each variable at a kink of f (notes say so); see one_sided_slopes."""
    from autograd_mini import no_grad
    from autograd_mini.formula import FormulaError

    kinks = {}
    with no_grad():
        for i, name in enumerate(names):
            try:
                slopes = one_sided_slopes(lambda *vs: f.evaluate(dict(zip(names, vs)))[0].data, point, i, eps)
            except (FormulaError, ArithmeticError, ValueError):  # no value a step away: no slopes to compare
                continue
            if slopes is not None:
                kinks[name] = (point[i], *slopes)
                notes.append(
                    f"{name} = {point[i]:g} is a kink of f: the slope is {slopes[0]:.6g} on the left and "
                    f"{slopes[1]:.6g} on the right, so d/d{name} has no single value there; central differences "
                    "give the mean of the two slopes, the other ways the value the engine defines there"
                )
    return kinks


def one_sided_slopes(f, point, i, eps=1e-6):
    """(left, right) slopes of ``f`` (plain floats in, a float out) in coordinate ``i`` at ``point`` when ``point``
    is a kink there (relu(x) at 0, abs(x) at 0, max(x, y) where x = y); None where ``f`` is smooth.

    The one-sided quotients (f(x) - f(x - h)) / h and (f(x + h) - f(x)) / h differ by about h f''(x) where f is
    smooth, so their gap shrinks tenfold with h; at a kink it stays the jump of the slope. A kink: a gap above
    1e-5 (relative to the slopes) at h = eps * max(1, |x|) that is still more than half as large at h / 10."""

    def slopes(h):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        here = f(*point)
        return (here - f(*down)) / (point[i] - down[i]), (f(*up) - here) / (up[i] - point[i])

    h = eps * max(1.0, abs(point[i]))
    left, right = slopes(h)
    finer = slopes(h / 10)
    gap, finer_gap = abs(right - left), abs(finer[1] - finer[0])
    if gap > 1e-5 * max(1.0, abs(left), abs(right)) and finer_gap > 0.5 * gap:
        return left, right
    return None


# ---------------------------------------------------------------------------------------------------------------
# A network: the five ways (the delta equations as well).


@own_grad_mode
def network_ways(
    model, x, y, loss="sse", eps=1e-6, ways=WAYS, sizes=True, max_ops=None, max_depth=None, limit_names=None
):
    """nabla K of an MLP's loss for one sample (x, y), by each of ``ways`` (default: all five).

    ``loss``: "sse" is document 004's K = ||z - zbar||^2 (also "half_sse", "mse"). The symbolic way reads the
    parameters' labels (``L1.N0.w0`` ...) as symbols; it is left out with the reason when sympy is missing or the
    formula is over its budgets (``max_ops``, ``max_depth``; ``limit_names``: the caller's names for them).
    ``sizes``: also measure the symbolic derivatives' size (not part of their time)."""
    from autograd_mini import forward_gradient

    net = network_arrays(model)
    xv, yv = np.asarray(x, dtype=np.float64).reshape(-1), np.asarray(y, dtype=np.float64).reshape(-1)
    if (xv.size, yv.size) != (net.sizes[0], net.sizes[-1]):
        raise ValueError(
            f"network_ways(): x has {xv.size} entries and y {yv.size}; the network takes {net.sizes[0]} inputs "
            f"and gives {net.sizes[-1]} outputs"
        )
    names, params = net.parameter_names(), net.parameters()
    if any(w not in WAYS for w in ways) or "reverse" not in ways:
        raise ValueError(f"network_ways(): ways must include 'reverse' and come from {WAYS}, got {list(ways)}")
    limits, labels = {"max_ops": max_ops, "max_depth": max_depth}, [p.label for p in params]

    def loss_graph():
        return engine_loss(model, xv, yv, loss)

    steps = {
        "reverse": lambda: autodiff_gradients(model, [xv], [yv], loss, net=net),
        "forward": lambda: dict(zip(names, forward_gradient(loss_graph(), params))),
        "by_hand": lambda: closed_form_gradients(net, xv, yv, loss),
        "finite_differences": lambda: finite_difference_gradients(model, [xv], [yv], loss, eps, net=net),
    }
    values_by, seconds, notes, missing = {}, {}, [], {}
    symbolic: Any = symbolic_module() if "symbolic" in ways else None
    for way in (w for w in WAYS if w in ways):
        if way != "symbolic":
            values_by[way], seconds[way] = _timed(steps[way])
        elif symbolic is None:
            notes.append(MISSING_SYMPY)
        else:
            got, took = _symbolic_way(symbolic, loss_graph, labels, limits, limit_names)
            if got is None:
                missing[way] = took
            else:
                values_by[way], seconds[way] = dict(zip(names, (got[label] for label in labels))), took
    size = {"graph_ops": graph_ops(loss_graph())}
    if sizes and "symbolic" in values_by:
        size.update(_symbolic_sizes(symbolic, loss_graph(), labels, limits))
    P = len(names)
    passes = {
        "reverse": "1 forward + 1 backward pass",
        "by_hand": "numpy: one forward, one backward sweep",
        "forward": f"{P} forward passes with dual numbers",
        "finite_differences": f"{2 * P} forward passes, step {eps:g}",
    }
    title = (
        f"Wie berechnet man nabla K?  MLP {net.sizes} ({'/'.join(net.activation[1:])}), {P} parameters, "
        f"K = {loss} of one sample"
    )
    return WaysReport(title, names, values_by, seconds, size, None, notes, passes, missing)


def demo_network(sizes, seed=0):
    """An MLP of the given sizes (sigmoid throughout, as in document 004) with random biases, and one sample:
    ``(model, x, y)``."""
    from nn.module import MLP

    model = MLP(sizes[0], list(sizes[1:]), activation="sigmoid", output_activation="sigmoid", seed=seed)
    rng = np.random.default_rng(seed)
    for name, p in model.named_parameters():  # nn starts biases at 0; random ones exercise the bias entries
        if name.endswith(".b"):
            p.data = float(rng.normal(0.0, 0.5))
    x = rng.normal(0.0, 1.0, sizes[0])
    y = rng.uniform(0.0, 1.0, sizes[-1])
    return model, x, y


def demo_network_ways(sizes=(2, 4, 1), seed=0, eps=1e-6, max_symbolic_parameters=70, limit_names=None, **limits):
    """``network_ways`` on a sigmoid MLP of ``sizes`` with seeded weights and one seeded sample (the command's).
    Above ``max_symbolic_parameters`` the symbolic way is left out, with a note (sympy is slow on long formulas);
    ``limits``: sympy's budgets, ``max_ops`` and ``max_depth``; ``limit_names``: how the caller names all three."""
    model, x, y = demo_network(sizes, seed)
    P = len(model.parameters())
    if P <= max_symbolic_parameters:
        return network_ways(model, x, y, "sse", eps, limit_names=limit_names, **limits)
    report = network_ways(model, x, y, "sse", eps, ways=[w for w in WAYS if w != "symbolic"])
    name = (limit_names or {}).get("max_symbolic_parameters", "max_symbolic_parameters")
    report.missing["symbolic"] = f"{P} parameters is more than {name} {max_symbolic_parameters} (sympy is slow)"
    return report
