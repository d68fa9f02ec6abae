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
of the page. ``cost_study`` measures it: reverse mode needs one forward and one backward pass for all P parameters;
forward mode and finite differences need one (two) passes per parameter, so P times the work; the symbolic
derivatives repeat the network's formula inside every one of the P derivatives, so the formulas swell.

    from nn.crosscheck.ways import expression_ways, network_ways, cost_study
    print(expression_ways("(x**2 - sin(y)) * x", {"x": 1.5, "y": 0.5}))    # document 004, page 6
    print(network_ways(MLP(2, [4, 1], activation="sigmoid", output_activation="sigmoid"), x, y))
    study = cost_study((2, 4, 1))       # widen the hidden layers, time each way; nn.app.plots.plot_four_ways(study)

``symbolic_delta_equations()`` shows the symbolic derivatives of document 004's network are its delta equations.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from nn.crosscheck.delta import (
    _engine_loss,
    autodiff_gradients,
    closed_form_gradients,
    finite_difference_gradients,
    network_arrays,
)

__all__ = [
    "LABELS",
    "WAYS",
    "CostStudy",
    "WaysReport",
    "cost_study",
    "expression_ways",
    "network_ways",
    "one_sided_slopes",
    "symbolic_delta_equations",
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

GROWTH = {"reverse": 1, "by_hand": 1, "forward": 2, "finite_differences": 2, "symbolic": 2.5}
"""How each way's time grows with the number of parameters P (as a power of P), to skip a size before it would
take longer than the budget: one pass over a graph of size ~P; P passes; formulas of size ~P^2 and more."""


def _symbolic_module() -> Any:
    """autograd_mini.symbolic, or None when sympy is not installed (the symbolic way is then left out, with a note)."""
    try:
        from autograd_mini import symbolic
    except ImportError:
        return None
    return symbolic


MISSING_SYMPY = "the symbolic way needs sympy: pip install 'autograd-mini[symbolic]'"


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


# ---------------------------------------------------------------------------------------------------------------
# The report: one gradient, every way.


class WaysReport:
    """The gradient by each way: ``values[way][name]``, ``seconds[way]``, the differences from reverse mode.

    ``formulas`` (expressions only): the symbolic derivative of each variable as text. ``sizes``: ``graph_ops``
    (the engine's graph: ops in the forward pass) and, where the symbolic way ran, ``symbolic_ops`` and
    ``symbolic_ops_cse`` (the written-out derivatives, without and with common-subexpression elimination).
    """

    def __init__(self, title, names, values, seconds, sizes=None, formulas=None, notes=(), passes=None):
        self.title = title
        self.names = list(names)
        self.values = values
        self.seconds = seconds
        self.sizes = dict(sizes or {})
        self.formulas = formulas or {}
        self.notes = list(notes)
        self.passes = passes or {}
        self.ways = [w for w in WAYS if w in values]
        self.kinks: dict[str, tuple[float, float, float]] = {}  # expressions: name -> (at, left, right slope)

    @property
    def reference(self):
        return self.values["reverse"]

    def max_abs_difference(self, way):
        """max over the entries of |way - reverse mode|."""
        return max((abs(self.values[way][n] - self.reference[n]) for n in self.names), default=0.0)

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
        if self.sizes:
            s = self.sizes
            text = f"size: the graph has {_ops(s['graph_ops'])}"
            if "symbolic_ops" in s:
                text += (
                    f"; the symbolic derivatives written out have {_ops(s['symbolic_ops'])} "
                    f"({s['symbolic_ops_cse']} after common-subexpression elimination)"
                )
            lines.append(text)
        if self.formulas:
            lines.append("the symbolic derivatives (sympy):")
            for n, f in self.formulas.items():
                lines.append(f"  d/d{n} = {f}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self):
        return f"WaysReport({self.title!r}, ways={self.ways}, entries={len(self.names)})"


def _ops(n):
    return f"{n} op" if n == 1 else f"{n} ops"


def _seconds(s):
    return f"{s * 1e3:9.3f} ms" if s < 1 else f"{s:9.3f} s "


def _graph_ops(output):
    from autograd_mini import topological_order

    return sum(1 for node in topological_order(output) if not node.is_leaf)


def _symbolic_sizes(symbolic, output, wrt):
    plain, shared = symbolic.expression_size(symbolic.gradient(output, wrt))
    return {"symbolic_ops": plain, "symbolic_ops_cse": shared}


# ---------------------------------------------------------------------------------------------------------------
# A formula of a few variables.


def expression_ways(formula, values, eps=1e-6, sizes=True):
    """The gradient of a formula (``autograd_mini.formula`` syntax) at ``values`` ({name: number}), four ways:
    reverse mode, forward mode, symbolic (sympy, left out with a note if it is missing), central differences."""
    from autograd_mini import forward_gradient, no_grad
    from autograd_mini.formula import parse
    from autograd_mini.gradcheck import numeric_gradient

    f = parse(formula)
    names = list(f.variables)
    f.evaluate(values)  # the formula's own errors (a missing variable, log of 0 ...) before any timing
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

    def differences():
        return dict(zip(names, numeric_gradient(lambda *vs: f.evaluate(dict(zip(names, vs)))[0], point, eps)))

    values_by, seconds, notes = {}, {}, []
    values_by["reverse"], seconds["reverse"] = _timed(reverse)
    values_by["forward"], seconds["forward"] = _timed(forward)
    out, _ = build()
    size = {"graph_ops": _graph_ops(out)}
    formulas = {}
    symbolic = _symbolic_module()
    if symbolic is None:
        notes.append(MISSING_SYMPY)
    else:
        values_by["symbolic"], seconds["symbolic"] = _timed(
            lambda: symbolic.gradient_values(build()[0], wrt=names), once=True
        )
        formulas = {n: symbolic.text(d) for n, d in symbolic.gradient(out, names).items()}
        if sizes:
            size.update(_symbolic_sizes(symbolic, out, names))
    values_by["finite_differences"], seconds["finite_differences"] = _timed(differences)
    kinks = {}
    with no_grad():
        for i, name in enumerate(names):
            slopes = one_sided_slopes(lambda *vs: f.evaluate(dict(zip(names, vs)))[0].data, point, i, eps)
            if slopes is not None:
                kinks[name] = (values[name], *slopes)
                notes.append(
                    f"{name} = {values[name]:g} is a kink of f: the slope is {slopes[0]:.6g} on the left and "
                    f"{slopes[1]:.6g} on the right, so d/d{name} has no single value there; central differences "
                    "give the mean of the two slopes, the other ways the value the engine defines there"
                )
    n = len(names)
    passes = {
        "reverse": "1 forward + 1 backward pass",
        "forward": f"{n} forward pass{'es' if n > 1 else ''} with dual numbers",
        "finite_differences": f"{2 * n} evaluations, step {eps:g} * max(1, |x|)",
    }
    at = ", ".join(f"{k} = {values[k]:g}" for k in names)
    title = f"Wie berechnet man nabla f?  f = {formula}  at {at}"
    report = WaysReport(title, names, values_by, seconds, size, formulas, notes, passes)
    report.kinks = kinks
    return report


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


def network_ways(model, x, y, loss="sse", eps=1e-6, ways=WAYS, sizes=True):
    """nabla K of an MLP's loss for one sample (x, y), by each of ``ways`` (default: all five).

    ``loss``: "sse" is document 004's K = ||z - zbar||^2 (also "half_sse", "mse"). The symbolic way reads the
    parameters' labels as symbol names (an MLP's are unique: ``L1.N0.w0`` ...); it is left out with a note when
    sympy is missing. ``sizes``: also measure the symbolic derivatives' size (not part of their time).
    """
    from autograd_mini import forward_gradient
    from nn.crosscheck.delta import _as_vector

    net = network_arrays(model)
    xv = _as_vector(x, net.sizes[0], "x", "network_ways()")
    yv = _as_vector(y, net.sizes[-1], "y", "network_ways()")
    names = net.parameter_names()
    params = net.parameters()
    unknown = [w for w in ways if w not in WAYS]
    if unknown or "reverse" not in ways:
        raise ValueError(f"network_ways(): ways must include 'reverse' and come from {WAYS}, got {list(ways)}")

    def loss_graph():
        return _engine_loss(model, xv, yv, loss)

    def forward():
        return dict(zip(names, forward_gradient(loss_graph(), params)))

    symbolic: Any = _symbolic_module() if "symbolic" in ways else None

    def by_symbols():
        labels = [p.label for p in params]
        got = symbolic.gradient_values(loss_graph(), wrt=labels)
        return {name: got[label] for name, label in zip(names, labels)}

    steps = {
        "reverse": lambda: autodiff_gradients(model, [xv], [yv], loss, net=net),
        "forward": forward,
        "symbolic": by_symbols,
        "by_hand": lambda: closed_form_gradients(net, xv, yv, loss),
        "finite_differences": lambda: finite_difference_gradients(model, [xv], [yv], loss, eps, net=net),
    }
    values_by, seconds, notes = {}, {}, []
    for way in WAYS:
        if way not in ways:
            continue
        if way == "symbolic" and symbolic is None:
            notes.append(MISSING_SYMPY)
            continue
        values_by[way], seconds[way] = _timed(steps[way], once=way == "symbolic")
    size = {"graph_ops": _graph_ops(loss_graph())}
    if sizes and "symbolic" in values_by:
        size.update(_symbolic_sizes(symbolic, loss_graph(), [p.label for p in params]))
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
    return WaysReport(title, names, values_by, seconds, size, None, notes, passes)


def _demo_network(sizes, seed):
    """An MLP of the given sizes (sigmoid throughout, as in document 004) with random biases, and one sample."""
    from nn import MLP

    model = MLP(sizes[0], list(sizes[1:]), activation="sigmoid", output_activation="sigmoid", seed=seed)
    rng = np.random.default_rng(seed)
    for name, p in model.named_parameters():  # nn starts biases at 0; random ones exercise the bias entries
        if name.endswith(".b"):
            p.data = float(rng.normal(0.0, 0.5))
    x = rng.normal(0.0, 1.0, sizes[0])
    y = rng.uniform(0.0, 1.0, sizes[-1])
    return model, x, y


def demo_network_ways(sizes=(2, 4, 1), seed=0, eps=1e-6, max_symbolic_parameters=70):
    """``network_ways`` on a sigmoid MLP of ``sizes`` with seeded weights and one seeded sample (the command's).
    Above ``max_symbolic_parameters`` the symbolic way is left out, with a note (sympy is slow on long formulas)."""
    model, x, y = _demo_network(sizes, seed)
    P = len(model.parameters())
    if P <= max_symbolic_parameters:
        return network_ways(model, x, y, "sse", eps)
    report = network_ways(model, x, y, "sse", eps, ways=[w for w in WAYS if w != "symbolic"])
    report.notes.append(f"symbolic: left out, {P} parameters is more than {max_symbolic_parameters} (sympy is slow)")
    return report


# ---------------------------------------------------------------------------------------------------------------
# The cost as the network grows.


class CostStudy:
    """Time and size of each way for networks of growing width.

    ``parameters[i]``, ``sizes[i]`` (the layer sizes), ``graph_ops[i]``; ``seconds[way][i]`` (None where the way
    was skipped); ``symbolic_ops[i]``, ``symbolic_ops_cse[i]`` (None where not measured); ``max_rel[way]``: the
    largest relative difference from reverse mode over all sizes; ``notes``: what was skipped and why.
    """

    def __init__(self, shape, budget):
        self.shape = tuple(shape)
        self.budget = budget
        self.sizes, self.parameters, self.graph_ops = [], [], []
        self.seconds: dict[str, list[float | None]] = {w: [] for w in WAYS}
        self.symbolic_ops, self.symbolic_ops_cse = [], []
        self.max_rel = {w: 0.0 for w in WAYS if w != "reverse"}
        self.notes = []

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
            times = "".join(f" {'-' if s[i] is None else _seconds(s[i]).strip():>13}" for s in self.seconds.values())
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


WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
"""The widths the hidden layers of ``cost_study`` take, step by step (about x1.5 each)."""


def cost_study(
    shape=(2, 4, 1), widths=WIDTHS, budget=2.0, max_symbolic_parameters=70, seed=0, limit_name="max_symbolic_parameters"
):
    """Time every way on networks like ``shape`` (its inputs, outputs and number of hidden layers) whose hidden
    layers all have width w, for each w in ``widths``.

    A way is skipped from the size on where its time, extrapolated from its last size with ``GROWTH``, would exceed
    ``budget`` seconds (after three sizes at least), and the symbolic way (sympy is slow on long formulas) above
    ``max_symbolic_parameters``; ``notes`` says so (and to raise ``limit_name``: a caller with its own name for the
    limit, such as the command's ``--max-symbolic``, gives it). The gradients of every way are compared with reverse
    mode at every size (``max_rel``).
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) < 3:
        raise ValueError(f"cost_study(): shape {list(shape)} has no hidden layer to widen; give e.g. (2, 4, 1)")
    study = CostStudy(shape, budget)
    last: dict[str, tuple[int, float]] = {}  # way -> (P, seconds) of its last measurement
    measured = dict.fromkeys(WAYS, 0)
    symbolic = _symbolic_module()
    if symbolic is None:
        study.notes.append(MISSING_SYMPY)
    else:  # sympy's first use imports its printers: not the symbolic way's cost, so paid here, untimed
        warm, _, _ = _demo_network((1, 1, 1), seed)
        symbolic.gradient_values(_engine_loss(warm, [0.5], [0.5], "sse"))
    stopped = set() if symbolic is not None else {"symbolic"}
    for w in widths:
        sizes = [shape[0]] + [int(w)] * (len(shape) - 2) + [shape[-1]]
        model, x, y = _demo_network(sizes, seed)
        P = len(model.parameters())
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
            if way in last and measured[way] >= 3:  # three sizes at least, for a slope
                P0, s0 = last[way]
                guess = s0 * (P / P0) ** GROWTH[way]
                if guess > budget:
                    study.notes.append(
                        f"{SHORT[way]}: stopped after {P0} parameters; {P} would take about {guess:.1f} s "
                        f"(budget {budget:g} s)"
                    )
                    stopped.add(way)
                    continue
            chosen.append(way)
        if "reverse" not in chosen:
            break
        report = network_ways(model, x, y, "sse", ways=chosen, sizes="symbolic" in chosen)
        study.sizes.append(sizes)
        study.parameters.append(P)
        study.graph_ops.append(report.sizes["graph_ops"])
        study.symbolic_ops.append(report.sizes.get("symbolic_ops"))
        study.symbolic_ops_cse.append(report.sizes.get("symbolic_ops_cse"))
        for way in WAYS:
            study.seconds[way].append(report.seconds.get(way))
            if way in report.seconds:
                last[way] = (P, report.seconds[way])
                measured[way] += 1
                if way != "reverse":
                    study.max_rel[way] = max(study.max_rel[way], report.max_rel_difference(way))
    return study


# ---------------------------------------------------------------------------------------------------------------
# The symbolic derivatives of document 004's network are its delta equations.


class DeltaRow:
    """One parameter: sympy's dK/dparameter written with y_j, z_k, the delta equation, and their difference."""

    __slots__ = ("parameter", "symbolic", "equation", "written", "difference", "printed")

    def __init__(self, parameter, symbolic, equation, written, difference, printed=None):
        self.parameter = parameter
        self.symbolic = symbolic  # sympy expression
        self.equation = equation  # sympy expression of the delta equation
        self.written = written  # the equation as document 004 writes it, e.g. "x_1 gamma_1  [4]"
        self.difference = difference  # simplify(symbolic - equation): 0 when they are the same formula
        self.printed = printed  # (written, difference) for the form the document prints, where it differs

    @property
    def agrees(self):
        return self.difference == 0


def symbolic_delta_equations(n_in=2, n_hidden=2, n_out=1, seed=0):
    """sympy's derivatives of document 004's K with respect to every parameter, next to the delta equations.

    The network of document 004, page 10: yhat = Vx + b, y = sigma(yhat), zhat = Wy + c, z = sigma(zhat),
    K = sum_k (z_k - zbar_k)^2 for one data point, built as an nn.MLP whose parameters are labelled v_ji, b_j,
    w_kj, c_k. Its cost is turned into a formula (``autograd_mini.symbolic.to_sympy``) and differentiated by sympy;
    in each derivative sigma(yhat_j) is written y_j and sigma(zhat_k) z_k. The equations, from page 10:

        [1] delta_k = dK/dz_k sigma'(zhat_k) = 2 (z_k - zbar_k) z_k (1 - z_k)
        [2] gamma_j = (W^T delta)_j sigma'(yhat_j) = sum_k w_kj delta_k y_j (1 - y_j)
        [3] dK/dc_k = delta_k,  dK/db_j = gamma_j
        [4] dK/dw_kj = y_j delta_k (the page prints gamma_j delta_k),  dK/dv_ji = x_i gamma_j

    Returns ``(rows, symbols)``: a ``DeltaRow`` per parameter (``difference`` is sympy's simplification of
    derivative minus equation: 0 when they agree) and the symbols used.
    """
    from autograd_mini import Value
    from autograd_mini.symbolic import sympy, to_sympy
    from nn import MLP

    for n, what in ((n_in, "n_in"), (n_hidden, "n_hidden"), (n_out, "n_out")):
        if not 1 <= n <= 9:
            raise ValueError(f"symbolic_delta_equations(): {what} = {n}; give 1..9 (one-digit indices)")
    rng = np.random.default_rng(seed)
    model = MLP(n_in, [n_hidden, n_out], activation="sigmoid", output_activation="sigmoid", seed=seed)
    hidden, output = model.layers
    for j, neuron in enumerate(hidden.neurons, start=1):
        for i, w in enumerate(neuron.w, start=1):
            w.label = f"v{j}{i}"
        neuron.b.label = f"b{j}"
    for k, neuron in enumerate(output.neurons, start=1):
        for j, w in enumerate(neuron.w, start=1):
            w.label = f"w{k}{j}"
        neuron.b.label = f"c{k}"
    xs = [Value(float(rng.normal()), label=f"x{i}") for i in range(1, n_in + 1)]
    zbar = [Value(float(rng.uniform()), label=f"zbar{k}") for k in range(1, n_out + 1)]
    y_nodes = hidden(xs)
    z_nodes = output(y_nodes)
    K = sum(((z - t) ** 2 for z, t in zip(z_nodes, zbar)), start=0.0)  # (5): K = ||z - zbar||^2, one data point

    sym = lambda name: sympy.Symbol(name, real=True)
    x = [sym(f"x{i}") for i in range(1, n_in + 1)]
    y = [sym(f"y{j}") for j in range(1, n_hidden + 1)]
    z = [sym(f"z{k}") for k in range(1, n_out + 1)]
    zb = [sym(f"zbar{k}") for k in range(1, n_out + 1)]
    W = [[sym(f"w{k}{j}") for j in range(1, n_hidden + 1)] for k in range(1, n_out + 1)]
    # sigma(yhat_j) -> y_j, sigma(zhat_k) -> z_k: the derivative in the document's letters
    named = {to_sympy(node): y[j] for j, node in enumerate(y_nodes)}
    named.update({to_sympy(node): z[k] for k, node in enumerate(z_nodes)})
    K_expr = to_sympy(K)

    delta = [2 * (z[k] - zb[k]) * z[k] * (1 - z[k]) for k in range(n_out)]  # [1]
    gamma = [sum(W[k][j] * delta[k] for k in range(n_out)) * y[j] * (1 - y[j]) for j in range(n_hidden)]  # [2]

    def difference(d, equation):
        # with sigma(...) renamed, both are polynomials in the symbols, and expand() writes a polynomial one way
        # only: 0 exactly when they are the same formula (simplify() is the fallback should a function remain)
        diff = sympy.expand(d - equation)
        return sympy.simplify(diff) if diff != 0 and diff.has(sympy.Function) else diff

    def row(parameter, equation, written, printed=None):
        d = sympy.diff(K_expr, sym(parameter)).xreplace(named)
        shown = None if printed is None else (printed[0], difference(d, printed[1]))
        return DeltaRow(parameter, sympy.factor(d), equation, written, difference(d, equation), shown)

    rows = []
    for j in range(n_hidden):
        for i in range(n_in):
            rows.append(row(f"v{j + 1}{i + 1}", x[i] * gamma[j], f"x_{i + 1} gamma_{j + 1}   [4]"))
        rows.append(row(f"b{j + 1}", gamma[j], f"gamma_{j + 1}   [3]"))
    for k in range(n_out):
        for j in range(n_hidden):
            rows.append(
                row(
                    f"w{k + 1}{j + 1}",
                    y[j] * delta[k],
                    f"y_{j + 1} delta_{k + 1}   [4], corrected",
                    printed=(f"gamma_{j + 1} delta_{k + 1}", gamma[j] * delta[k]),
                )
            )
        rows.append(row(f"c{k + 1}", delta[k], f"delta_{k + 1}   [3]"))
    return rows, {"x": x, "y": y, "z": z, "zbar": zb, "delta": delta, "gamma": gamma}
