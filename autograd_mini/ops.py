"""The primitive operations: each one's forward value and local partial derivatives, stated once.

Every op is one ``Op`` record. ``forward`` computes the result from plain floats: ``forward(a, b)`` for a binary
op, ``forward(a)`` for a unary one; where Python already has the function (``operator.mul``, ``math.tanh``) it is
used as it is, which also keeps the hot path free of an extra Python call. ``partials(a, b, out)`` returns the
local derivatives ``(d out / d a, d out / d b)`` of the op, one per operand (``b`` is None for a unary op).

The partials are written with ordinary arithmetic and with the helpers below (``log``, ``cos`` ...), so the same
rule works on floats (the fast backward pass) and on ``Value`` nodes (``grad(..., create_graph=True)``, where the
derivative itself becomes a graph that can be differentiated again). Backward, higher-order gradients, the edge
labels of the drawing, the step-by-step trace and the gradient tests all read this one table.

Operands: ``a`` is always a ``Value``. ``b`` is a second ``Value``, a plain float (a number mixed into the op,
kept inside the op rather than as a node of its own), or ``None`` for unary ops. Ops whose number stands on the
left (``3 - x``, ``3 / x``, ``2 ** x``) have their own "reflected" entry, so ``a`` is still the Value.
"""

from __future__ import annotations

import math
import operator


class Op:
    """One primitive: a name, how it is written, its forward value and its local partial derivatives."""

    __slots__ = ("name", "symbol", "forward", "partials", "arity", "domain", "reflected", "commutative")

    def __init__(self, name, symbol, arity, forward, partials, domain="", *, reflected=False, commutative=False):
        self.name = name  # short name, also the Value method's: "mul", "tanh", "rsub"
        self.symbol = symbol  # how the op is written and drawn: "*", "tanh", "**" ...
        self.arity = arity  # 1 (unary) or 2 (binary: the second operand a Value or a number)
        self.forward = forward  # (a, b) -> float or (a) -> float, on floats
        self.partials = partials  # (a, b, out) -> tuple of local derivatives, on floats or Values
        self.domain = domain  # what the operand must satisfy, for error messages ("" if any number will do)
        self.reflected = reflected  # the number b stands on the left: b - a, b / a, b ** a
        self.commutative = commutative  # a op b == b op a, so the drawing need not tell the operands apart

    def __repr__(self):
        return f"Op({self.name!r})"

    def write(self, a, b=None):
        """The op written with its operands' texts: ``a * b``, ``3 - a`` (reflected), ``tanh(a)``.

        An operand given as "" is left out: ``write("", "3")`` is ``* 3``, an op node's label with its number inside.
        Messages, method docstrings, the drawing and the step-by-step trace all write ops through here.
        """
        if self.arity == 1:
            return f"{self.symbol}({a})"
        left, right = (b, a) if self.reflected else (a, b)
        return " ".join(text for text in (left, self.symbol, right) if text)

    def describe(self, a, b):
        """The op written out with its operands' values, for messages: ``log(0.0)``, ``(-8.0) ** 0.5``."""
        if self.arity == 1:
            return self.write(repr(a))
        return self.write(_operand(a), _operand(b))


def _operand(x):
    """An operand as written in a message: negative numbers in parentheses, so -8.0 ** 0.5 reads as (-8.0) ** 0.5."""
    return f"({x!r})" if isinstance(x, (int, float)) and x < 0 else repr(x)


# ---------------------------------------------------------------------------------------------------------------
# Helpers that work on floats and on Values alike (a Value has methods of the same names).


def _data(x):
    return x if isinstance(x, (int, float)) else x.data


def log(x):
    return math.log(x) if isinstance(x, (int, float)) else x.log()


def sin(x):
    return math.sin(x) if isinstance(x, (int, float)) else x.sin()


def cos(x):
    return math.cos(x) if isinstance(x, (int, float)) else x.cos()


def step(x):
    """Heaviside step of x's value: 0.0 where x <= 0, else 1.0 (also at NaN, as torch's relu passes the gradient
    on there). A constant, so its own derivative is 0."""
    return 0.0 if _data(x) <= 0 else 1.0


def sign(x):
    """Sign of x's value (0.0 at 0, the subgradient torch uses). A constant, derivative 0."""
    v = _data(x)
    return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)


def times_log(out, base):
    """out * log(base), taken as 0 where out or base is 0: d/dy base**y.

    base 0 passes the forward only with y >= 0: for y > 0 out is 0 (the limit of 0**y * log 0 is 0); at y = 0 the
    derivative does not exist and we take 0, as torch does (log 0 would raise a bare "math domain error").
    """
    if math.isnan(_data(out)):  # a NaN stays NaN (log 0 would raise), as in torch
        return math.nan
    if _data(out) == 0.0 or _data(base) == 0.0:
        return 0.0
    return out * log(base)


def power_rule(a, b):
    """d/da a**b = b * a**(b - 1); 0 at a = b = 0 (where a**-1 is undefined; a**0 = 1 is flat, torch gives 0).

    On floats a**(b - 1) can overflow where a**b did not (x**-1 at x = 1e-300). Python's ** raises there where
    * and / give inf, so the derivative is taken as inf with its sign: what 1/x's rule gives at the same point,
    and torch. (b = 0 gives 0: the flat x**0, not 0 * inf.)
    """
    if _data(a) == 0.0 and _data(b) == 0.0:
        return 0.0
    if type(a) is float:
        if b == 0.0:
            return 0.0
        try:
            return b * a ** (b - 1)
        except OverflowError:  # |a| ** (b - 1) > 1.8e308; a < 0 only with a whole b, so (b - 1) % 2 is 0 or 1
            return b * (-math.inf if a < 0 and (b - 1) % 2 == 1 else math.inf)
    return b * a ** (b - 1)


# ---------------------------------------------------------------------------------------------------------------
# Forward functions with a domain to respect. They raise; engine._op_error turns the error into a message naming
# the op, its operands and the op's domain.


def _sigmoid(a):
    # sigma(x) = 1 / (1 + e^-x), written so that e^(+-x) never overflows (document 001, section 2.3)
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _power(a, b):
    # inf is allowed ((-2.0) ** inf = inf is real); a NaN exponent gives NaN, as in torch
    if a < 0 and not (math.isinf(b) or math.isnan(b) or b.is_integer()):
        raise ValueError("a negative base needs a whole-number exponent (the result would be complex)")
    return a**b


def _power_of_values(a, b):
    if a < 0:
        raise ValueError("a negative base cannot be raised to a Value exponent (d/dy a**y needs log a)")
    return a**b


def _exp_base(a, b):  # b ** a: the number b raised to the Value a
    if b < 0:
        raise ValueError("a negative base cannot be raised to a Value exponent (d/dy b**y needs log b)")
    return b**a


# ---------------------------------------------------------------------------------------------------------------
# The table. forward on floats; partials(a, b, out) on floats or Values.

ADD = Op("add", "+", 2, operator.add, lambda a, b, out: (1.0, 1.0), commutative=True)
SUB = Op("sub", "-", 2, operator.sub, lambda a, b, out: (1.0, -1.0))
RSUB = Op("rsub", "-", 2, lambda a, b: b - a, lambda a, b, out: (-1.0,), reflected=True)  # b - a, b a number
MUL = Op("mul", "*", 2, operator.mul, lambda a, b, out: (b, a), commutative=True)
# a / b: d/da = 1/b, d/db = -a/b^2 = -out/b
DIV = Op("div", "/", 2, operator.truediv, lambda a, b, out: (1.0 / b, -out / b), "the divisor must not be 0")
# b / a, b a number: d/da = -b/a^2 = -out/a
RDIV = Op(
    "rdiv", "/", 2, lambda a, b: b / a, lambda a, b, out: (-out / a,), "the divisor must not be 0", reflected=True
)
# a ** b, b a number: d/da = b * a^(b-1)
POW = Op("pow", "**", 2, _power, lambda a, b, out: (power_rule(a, b),))
# a ** b, both Values: d/da = b * a^(b-1), d/db = a^b * log a
POWV = Op("powv", "**", 2, _power_of_values, lambda a, b, out: (power_rule(a, b), times_log(out, a)))
# b ** a, b a number: d/da = b^a * log b
RPOW = Op("rpow", "**", 2, _exp_base, lambda a, b, out: (times_log(out, b),), reflected=True)
NEG = Op("neg", "-", 1, operator.neg, lambda a, b, out: (-1.0,))
EXP = Op("exp", "exp", 1, math.exp, lambda a, b, out: (out,))  # overflow: engine._op_error says so
LOG = Op("log", "log", 1, math.log, lambda a, b, out: (1.0 / a,), "the argument must be positive")
SQRT = Op("sqrt", "sqrt", 1, math.sqrt, lambda a, b, out: (0.5 / out,), "the argument must not be negative")
# tanh'(x) = 1 - tanh(x)^2
TANH = Op("tanh", "tanh", 1, math.tanh, lambda a, b, out: (1.0 - out * out,))
# sigma'(x) = sigma(x) * (1 - sigma(x))  (document 001, section 2.3)
SIGMOID = Op("sigmoid", "sigmoid", 1, _sigmoid, lambda a, b, out: (out * (1.0 - out),))
RELU = Op("relu", "ReLU", 1, lambda a: 0.0 if a <= 0 else a, lambda a, b, out: (step(a),))
ABS = Op("abs", "abs", 1, abs, lambda a, b, out: (sign(a),))
SIN = Op("sin", "sin", 1, math.sin, lambda a, b, out: (cos(a),), "the argument must be finite")
COS = Op("cos", "cos", 1, math.cos, lambda a, b, out: (-sin(a),), "the argument must be finite")

OPS = {
    op.name: op
    for op in (ADD, SUB, RSUB, MUL, DIV, RDIV, POW, POWV, RPOW, NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, ABS, SIN, COS)
}
