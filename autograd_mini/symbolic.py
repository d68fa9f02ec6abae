"""Symbolic differentiation: a ``Value`` graph as a sympy expression, differentiated as formulas are by hand.

Document 004 (page 9, "Wie berechnet man nabla K?") lists "nabla K durch symb. Diff. bestimmen" as the third way:
write the cost as one formula and let a computer-algebra system apply the differentiation rules to it. Here the
formula is read off the graph the engine built, so the same code that trains a network also gives its formula::

    from autograd_mini import Value
    from autograd_mini import symbolic
    x, y = Value(1.5, label="x"), Value(0.5, label="y")
    f = (x**2 - y.sin()) * x                   # document 004, page 6
    expr = symbolic.to_sympy(f)                # x*(x**2 - sin(y))
    d = symbolic.gradient(f)                   # {"x": 3*x**2 - sin(y), "y": -x*cos(y)}  (sympy.diff)
    symbolic.text(d["x"]), symbolic.latex(d["x"]), sympy.simplify(d["x"])
    symbolic.evaluate(d["x"], {"x": 1.5, "y": 0.5})       # a float

Rules: a leaf with a label becomes a real symbol of that name; a leaf without a label is a constant (its number);
numbers mixed into an op stay numbers (whole ones and simple fractions exact, others as floats). Each op of the
table maps to sympy through ``sympy_form(op)``: the arithmetic ops by the symbol they are written with, the
functions by their name in sympy, and the few sympy has under another name or not at all (sigmoid, ReLU, abs) in
``SPECIAL_FORMS`` below. An op with no sympy form is an error that says where to add one.

The catch, measured by ``expression_size``: a formula has no shared nodes. The derivative of a network's cost with
respect to each weight repeats the whole forward pass inside it, so the expressions swell with the network
(common-subexpression elimination, ``sympy.cse``, recovers the sharing a graph has from the start).

Budgets (``autograd_mini.symbolic_budget``): a formula over ``MAX_OPS`` operations written out or nested over
``MAX_DEPTH`` is refused before sympy runs, with one line naming the limit and the argument that raises it; a
derivative without a value at the point is a ``NoValueError`` naming it and the point.

sympy is an optional dependency: ``pip install 'autograd-mini[symbolic]'``.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import sys
from typing import Any

from autograd_mini import ops as _ops
from autograd_mini.engine import Value, topological_order
from autograd_mini.ops import OPS, Op, sign, step
from autograd_mini.symbolic_budget import (
    MAX_DEPTH,
    MAX_OPS,
    NoValueError,
    SymbolicBudgetError,
    expression_depth,
    refuse_deep,
    refuse_long,
    refuse_many,
    written_size,
)

try:
    import sympy
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "autograd_mini.symbolic needs sympy (computer algebra): pip install 'autograd-mini[symbolic]' "
        "(or pip install sympy)"
    ) from None

__all__ = [
    "MAX_DEPTH",
    "MAX_OPS",
    "SPECIAL_FORMS",
    "NoValueError",
    "SymbolicBudgetError",
    "derivative",
    "evaluate",
    "expression_size",
    "gradient",
    "gradient_values",
    "latex",
    "leaf_symbols",
    "sigmoid",
    "sympy_form",
    "text",
    "to_sympy",
    "written_size",
]

# -- the functions sympy does not have under the op's name ------------------------------------------------------


class sigmoid(sympy.Function):
    r"""sigma(x) = 1 / (1 + e^{-x}), kept as one function so that its derivative reads as the documents write it:
    sigma'(x) = sigma(x) (1 - sigma(x))  (document 001, section 2.3), not as a quotient of exponentials."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sympy.exp(-x))

    def _eval_evalf(self, prec):
        return self.rewrite(sympy.exp)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


class relu(sympy.Function):
    """ReLU(x) = max(0, x); its derivative is the step 1 for x > 0, else 0 (the engine's value at the kink 0)."""

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return x if x > 0 else sympy.S.Zero

    def fdiff(self, argindex=1):
        return unit_step(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return rf"\operatorname{{ReLU}}\left({printer._print(self.args[0])}\right)"


def _piecewise_constant(name, numeric, latex_name):
    """A sympy function constant between its jumps, so its derivative is 0 (as the table's partials take it):
    ``numeric`` is the op table's own function, used for numbers and when an expression is evaluated."""

    def eval(cls, x):
        if x.is_Number and x.is_finite:
            return sympy.sympify(numeric(float(x)))
        return None

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def _latex(self, printer):
        return rf"\operatorname{{{latex_name}}}\left({printer._print(self.args[0])}\right)"

    return type(name, (sympy.Function,), {"eval": classmethod(eval), "fdiff": fdiff, "_latex": _latex})


unit_step = _piecewise_constant("unit_step", step, "step")  # 1 for x > 0, else 0: ReLU's derivative
sgn = _piecewise_constant("sgn", sign, "sign")  # -1, 0 or 1: the sign op (sympy's sign has a Dirac delta as derivative)
floor = _piecewise_constant("floor", math.floor, "floor")  # the floor op, constant between its jumps


class Abs(sympy.Function):
    """|x| with the derivative the table gives, sign(x) (0 at 0). sympy's own Abs differentiates through re() and
    im() wherever it cannot prove its argument real (as for (x**-1.392)**1.221), which no float evaluation reads.
    Named Abs, so sympy prints it as its own: Abs(x), and |x| in LaTeX."""

    @classmethod
    def eval(cls, x):
        if x.is_Number and x.is_finite:
            return abs(x)
        return None

    def fdiff(self, argindex=1):
        return sgn(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real


class floor_quotient(sympy.Function):
    """floor(a/b) as Python's ``a // b``, what the table's ``%`` uses (floor(1 / 0.1) is 10, but 1 // 0.1 is 9.0);
    constant between its jumps, so its derivative is 0. Printed ``floor(a/b)``."""

    @classmethod
    def eval(cls, a, b):
        if a.is_Number and b.is_Number and a.is_finite and b.is_finite and b != 0:
            return sympy.sympify(_ops.floor_quotient(float(a), float(b)))
        return None

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def _sympystr(self, printer):
        return f"floor({printer._print(self.args[0] / self.args[1])})"

    def _latex(self, printer):
        return rf"\left\lfloor{{{printer._print(self.args[0] / self.args[1])}}}\right\rfloor"


class Mod(sympy.Function):
    """a % b = a - b floor(a/b) (Python's remainder) as one function, so that ``x % 3.5 % 3.5 ...`` writes ``a`` once
    per ``%``, not twice; d/da = 1, d/db = -floor(a/b). Printed as sympy's own Mod: ``Mod(x, y)``, ``x % y``."""

    @classmethod
    def eval(cls, a, b):
        if a.is_Number and b.is_Number and a.is_finite and b.is_finite and b != 0:
            return sympy.sympify(float(a) % float(b))
        return None

    def fdiff(self, argindex=1):
        return sympy.S.One if argindex == 1 else -floor_quotient(*self.args)

    def _eval_is_real(self):
        return self.args[0].is_real and self.args[1].is_real


class zero_power(sympy.Function):
    """0**a (``0 ** x``): 1 at a = 0, 0 for a > 0; flat, so d/da = 0 as the engine and torch take it (sympy's own
    0**a * log(0) is nan). Printed ``0**a``."""

    @classmethod
    def eval(cls, a):
        if a.is_Number and a.is_finite and a >= 0:
            return sympy.S.One if a == 0 else sympy.S.Zero
        return None

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def _sympystr(self, printer):
        from sympy.printing.precedence import PRECEDENCE

        return f"0**{printer.parenthesize(self.args[0], PRECEDENCE['Pow'])}"

    def _latex(self, printer):
        return f"0^{{{printer._print(self.args[0])}}}"


def _number_power(a, b):
    """b ** a, b the number (rpow): sympy's power, but ``zero_power`` for the base 0."""
    return zero_power(a) if b == 0 else b**a


ceiling = _piecewise_constant("ceiling", math.ceil, "ceil")  # the ceil op, constant between its jumps


class _SympyMath:
    """``math`` as the op table's forward texts use it, on sympy expressions: ``math.tanh`` is ``sympy.tanh``, and
    the few that sympy spells otherwise are written out here. A function sympy has not (``math.copysign``) is a
    NotImplementedError naming it, not an AttributeError."""

    log1p = staticmethod(lambda a: sympy.log(1 + a))
    expm1 = staticmethod(lambda a: sympy.exp(a) - 1)
    log2 = staticmethod(lambda a: sympy.log(a, 2))
    log10 = staticmethod(lambda a: sympy.log(a, 10))
    hypot = staticmethod(lambda a, b: sympy.sqrt(a**2 + b**2))
    radians = staticmethod(lambda a: a * sympy.pi / 180)
    degrees = staticmethod(lambda a: a * 180 / sympy.pi)
    copysign = staticmethod(lambda a, b: Abs(a) * sgn(b))
    fabs = staticmethod(lambda a: Abs(a))

    def __getattr__(self, name: str) -> Any:
        found = getattr(sympy, name, None)
        if found is None:
            raise NotImplementedError(
                f"math.{name} has no sympy form: add it to _SympyMath in autograd_mini/symbolic.py (one line)"
            )
        return found


# The forward texts of the table (``ops.py``) are evaluated on sympy expressions with these in place of math's
# functions and of the table's helpers: ``"math.tanh(a)"`` becomes ``sympy.tanh(a)``, ``"sigmoid(a)"`` the sigmoid
# above. A new op written with math's functions and arithmetic needs nothing here.
MATH = _SympyMath()
HELPERS = {
    "math": MATH,
    "abs": Abs,
    "sign": sgn,
    "sigmoid": sigmoid,
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)),
    "logaddexp": lambda a, b: sympy.log(sympy.exp(a) + sympy.exp(b)),
    "logaddexp2": lambda a, b: sympy.log(2**a + 2**b, 2),
    "sinc": lambda a: sympy.sinc(sympy.pi * a),  # sympy's sinc is sin(x)/x; the table's is normalised
    "floor": floor,
    "ceil": ceiling,
    "maximum": sympy.Max,  # d/da max(a, b) = Heaviside(a - b): 1/2 at a tie, as the table takes it
    "minimum": sympy.Min,
    "power": operator.pow,
    "power_of_values": operator.pow,
    "exp_base": _number_power,  # b ** a, b the number: zero_power for the base 0
}
SPECIAL_FORMS = {
    "relu": relu,  # its forward branches on the value (0.0 if a <= 0.0 else a): one function instead
    "mod": Mod,  # its forward text a % b is Python's %: one function, so that a is written once
    "rmod": lambda a, b: Mod(b, a),  # b % a, b the number
}
"""Ops whose forward text cannot be read with sympy's functions; one line here each."""

# Numerical values of the functions above when an expression is evaluated: the op table's own forward functions.
_NUMERIC = {
    "sigmoid": OPS["sigmoid"].forward,
    "relu": OPS["relu"].forward,
    "unit_step": step,
    "sgn": sign,
    "ceiling": math.ceil,
    "floor_quotient": _ops.floor_quotient,
    "zero_power": lambda a: OPS["rpow"].forward(a, 0.0),
}


@functools.cache
def sympy_form(op: Op) -> Any:
    """The op as a function of sympy expressions, read from its record: the forward text evaluated with sympy's
    functions (``HELPERS``), ``"b - a"`` as ``b - a``, ``"math.tanh(a)"`` as ``tanh(a)``. A call of another op of
    the table in a learner's text (``SIGMOID(a)``) is that op's form."""
    if op.name in SPECIAL_FORMS and OPS.get(op.name) is op:
        return SPECIAL_FORMS[op.name]
    if op.rule is None:
        raise NotImplementedError(
            f"the op {op.name!r} ({op.write('a', 'b')}) has no sympy form: its forward is a Python function, not "
            f"text; write it as text (unary(name, equation, 'a * SIGMOID(a)', ...)) or add it to SPECIAL_FORMS in "
            f"autograd_mini/symbolic.py"
        )
    called = {n.id for n in ast.walk(ast.parse(op.rule[0], mode="eval")) if isinstance(n, ast.Name)}
    namespace = {**HELPERS, **{name: sympy_form(_TABLE_NAMES[name]) for name in called & set(_TABLE_NAMES)}}
    operands = "a" if op.arity == 1 else "a, b"
    return eval(f"lambda {operands}: {op.rule[0]}", namespace)  # noqa: S307 (a checked rule, ops._checked_rule)


_TABLE_NAMES = {name: x for name, x in vars(_ops).items() if isinstance(x, Op) and name.isupper()}


# -- Value graph -> sympy ---------------------------------------------------------------------------------------


def _number(x):
    """A number mixed into an op, as sympy writes it: 2.0 -> 2, 0.25 -> 1/4 (exact), 0.1 -> 0.1 (a float)."""
    if x == x and abs(x) != float("inf") and (x * 1024).is_integer() and abs(x) < 2**40:
        return sympy.Rational(x)
    return sympy.Float(x)


def leaf_symbols(value):
    """{label: sympy Symbol} for every labelled leaf behind ``value``, in the order the graph reaches them."""
    symbols = {}
    owner: dict[str, Value] = {}
    for node in topological_order(value):
        if node.op is None and node.label:
            other = owner.setdefault(node.label, node)
            if other is not node:
                raise ValueError(
                    f"two different leaves are labelled {node.label!r} (values {other.data!r} and {node.data!r}); "
                    f"a symbol stands for one leaf, so give them different labels"
                )
            symbols[node.label] = sympy.Symbol(node.label, real=True)
    return symbols


def to_sympy(value, max_ops=None, max_depth=None):
    """The graph behind ``value`` as one sympy expression (labelled leaves as symbols, other leaves as numbers).

    Refused (``SymbolicBudgetError``) before sympy runs when the formula written out has more than ``max_ops``
    operations (default ``MAX_OPS``) or nests deeper than ``max_depth`` (default ``MAX_DEPTH``)."""
    if not isinstance(value, Value):
        raise TypeError(f"to_sympy() takes a Value, got {type(value).__name__} {value!r}")
    refuse_long(value, max_ops, "to_sympy()")
    symbols = leaf_symbols(value)
    expr = {}
    for node in topological_order(value):
        op = node.op
        if op is None:
            expr[node] = symbols[node.label] if node.label else _number(node.data)
        else:
            operands = [expr[x] if isinstance(x, Value) else _number(x) for x in node.operands]
            expr[node] = sympy_form(op)(*operands)
    refuse_deep(expr[value], max_depth, "to_sympy()")
    return expr[value]


def _diff(expr, symbol):
    """sympy.diff, with Python's recursion running out reported as the limit it is."""
    try:
        return sympy.diff(expr, symbol)
    except RecursionError:
        what, why = "the formula nests {} operations deep", "sympy differentiates recursively"
        depth, limit = expression_depth(expr), sys.getrecursionlimit()
        raise SymbolicBudgetError("sympy.diff()", what, depth, limit, "sys.setrecursionlimit", why) from None


def _symbol(wrt, symbols, where):
    """The symbol of a leaf Value or a label. A labelled leaf the graph does not reach gets its own symbol (the
    derivative is then 0, as ``grad`` gives); a label that names no leaf is refused (a typo, most likely)."""
    if isinstance(wrt, sympy.Symbol):
        return wrt
    if isinstance(wrt, Value):
        if not wrt.label:
            raise ValueError(f"{where}: the leaf {wrt!r} has no label, so no symbol; give it one (label='x')")
        return symbols.get(wrt.label) or sympy.Symbol(wrt.label, real=True)
    if wrt not in symbols:
        raise ValueError(
            f"{where}: {wrt!r} is not a labelled leaf of the graph; its symbols are {', '.join(symbols) or 'none'}"
        )
    return symbols[wrt]


def derivative(value, wrt, max_ops=None, max_depth=None):
    """d value / d wrt as a sympy expression; ``wrt`` a leaf Value or its label (budgets: ``to_sympy``)."""
    expr = to_sympy(value, max_ops, max_depth)
    return _diff(expr, _symbol(wrt, leaf_symbols(value), "derivative()"))


def gradient(value, wrt=None, max_ops=None, max_depth=None):
    """{label: d value / d leaf} for each labelled leaf (or for the leaf Values or labels in ``wrt``), by sympy.diff
    (budgets: ``to_sympy``)."""
    symbols = leaf_symbols(value)
    expr = to_sympy(value, max_ops, max_depth)
    wrt = list(symbols) if wrt is None else list(wrt)
    return {_name(w): _diff(expr, _symbol(w, symbols, "gradient()")) for w in wrt}


def _name(wrt):
    return wrt.label if isinstance(wrt, Value) else str(wrt)


def gradient_values(value, wrt=None, cse=False, max_ops=None, max_depth=None):
    """The gradient as numbers, the symbolic way: differentiate the formula, then evaluate every derivative at the
    leaves' current values (compiled once with ``sympy.lambdify``). ``{label: float}``.

    Where the floats fail (``exp(x)/(exp(x) + 1)`` at 800 overflows) a derivative is evaluated by sympy itself, in
    its arbitrary-precision numbers; one that has no real, finite value there is a ``NoValueError``. ``cse=True``
    evaluates with the common subexpressions taken out first (what a careful person would do by hand).
    """
    grads = gradient(value, wrt, max_ops, max_depth)
    symbols = leaf_symbols(value)
    at = {node.label: node.data for node in topological_order(value) if node.op is None and node.label}
    point = [at[name] for name in symbols]
    try:
        values = [float(v) for v in _evaluator(list(symbols.values()), list(grads.values()), cse)(*point)]
    except (ArithmeticError, ValueError, TypeError, RecursionError, SyntaxError, MemoryError):
        values = [math.nan] * len(grads)  # 0/0, overflow, a complex number; nested deeper than Python compiles
    exact = {symbols[name]: sympy.Float(v) for name, v in zip(symbols, point)}
    out = {}
    for (name, d), v in zip(grads.items(), values):
        out[name] = v if math.isfinite(v) else _exact_value(name, d, exact)
    return out


def _exact_value(name, d, point):
    """d at ``point`` ({symbol: sympy Float}) in sympy's own numbers, which do not overflow; a ``NoValueError`` where
    the formula has no real, finite value (0/0 is nan, 1/0 is zoo, log of a negative number complex)."""
    try:
        value = sympy.N(d.xreplace(point))
    except RecursionError:
        what = "d/d" + name.replace("{", "{{").replace("}", "}}") + " nests {} operations deep"  # a label's braces
        limit, why, depth = sys.getrecursionlimit(), "sympy evaluates recursively", expression_depth(d)
        raise SymbolicBudgetError("gradient_values()", what, depth, limit, "sys.setrecursionlimit", why) from None
    if value.is_Number and value.is_finite and value.is_real:
        return float(value)
    shown = {str(k): float(v) for k, v in point.items() if k in d.free_symbols}
    raise NoValueError(name, text(d), shown, text(value))


def _evaluator(symbols, exprs, cse):
    """A Python function of the symbols' values computing ``exprs`` (sympy.lambdify, math functions, and the op
    table's own forward functions for sigmoid and ReLU). Labels such as ``L1.N0.w0`` are no Python names, so the
    symbols are renamed first, in one pass (lambdify would rename them one symbol and one pass at a time). The
    formula's numbers are passed in as arguments too: lambdify writes 15 digits (-1000.000000000001 became -1000)."""
    many = isinstance(exprs, list)
    exprs = exprs if many else [exprs]
    constants = sorted(set().union(*(e.atoms(sympy.Float) for e in exprs)), key=float)
    plain = {s: sympy.Symbol(f"s{k}", real=True) for k, s in enumerate(symbols)}
    plain.update({c: sympy.Symbol(f"c{k}", real=True) for k, c in enumerate(constants)})
    renamed = [e.xreplace(plain) for e in exprs]
    f = sympy.lambdify(list(plain.values()), renamed if many else renamed[0], modules=[_NUMERIC, "math"], cse=cse)
    numbers = [float(c) for c in constants]
    return lambda *values: f(*values, *numbers)


def evaluate(expr, values):
    """The number ``expr`` stands for, with ``values`` mapping symbol names (or Symbols) to numbers."""
    expr = sympy.sympify(expr)
    given = {(k.name if isinstance(k, sympy.Symbol) else str(k)): float(v) for k, v in values.items()}
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    missing = [s.name for s in free if s.name not in given]
    if missing:
        raise ValueError(f"evaluate(): no value for {', '.join(missing)}; give values={{name: number, ...}}")
    return float(_evaluator(free, expr, False)(*[given[s.name] for s in free]))


def text(expr):
    """The expression as one line of text (sympy's ``str``)."""
    return sympy.sstr(expr)


def latex(expr):
    """The expression in LaTeX (sigma as \\sigma)."""
    return sympy.latex(expr)


def expression_size(exprs, max_ops=None):
    """``(operations, operations after CSE)`` of an expression or a list of them (a gradient).

    Operations are ``sympy.count_ops``: every +, *, function call ... of the written-out formula, a repeated
    subexpression counted each time it is written. After common-subexpression elimination (``sympy.cse``) each
    repeated piece is written once, as an auxiliary variable, and counted once. Counting walks the formula written
    out, so expressions of more than ``max_ops`` nodes written out (default ``MAX_OPS`` x 10) are refused
    (``SymbolicBudgetError``) after a count that costs only their distinct parts.
    """
    exprs = list(exprs.values()) if isinstance(exprs, dict) else (exprs if isinstance(exprs, list) else [exprs])
    refuse_many([sympy.sympify(e) for e in exprs], max_ops, "expression_size()")
    plain = sum(sympy.count_ops(e) for e in exprs)
    replacements, reduced = sympy.cse(exprs)
    shared = sum(sympy.count_ops(rhs) for _, rhs in replacements) + sum(sympy.count_ops(e) for e in reduced)
    return int(plain), int(shared)
