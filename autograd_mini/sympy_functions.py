"""The functions the op table has and sympy has not under the op's name, as sympy functions whose derivatives are
the table's: sigmoid (sigma' = sigma (1 - sigma), document 001, section 2.3), ReLU, |x| and sign with the table's
subgradients, floor, ceil and floor(a/b) constant between their jumps, Python's remainder, and 0**a flat.
``autograd_mini.symbolic`` reads the table's forward texts with these (its ``HELPERS``); nothing here reads a graph.
"""

from __future__ import annotations

import math

import sympy

from autograd_mini import ops as _ops
from autograd_mini.ops import sign, step

__all__ = [
    "Abs",
    "Mod",
    "ceiling",
    "floor",
    "floor_quotient",
    "number_power",
    "relu",
    "sgn",
    "sigmoid",
    "unit_step",
    "zero_power",
]


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


def number_power(a, b):
    """b ** a, b the number (rpow): sympy's power, but ``zero_power`` for the base 0."""
    return zero_power(a) if b == 0 else b**a


ceiling = _piecewise_constant("ceiling", math.ceil, "ceil")  # the ceil op, constant between its jumps
