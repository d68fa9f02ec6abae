"""The primitive operations: each one's forward value and local partial derivatives, stated once.

Every op is one ``Op`` record. ``forward`` computes the result from plain floats: ``forward(a, b)`` for a binary
op, ``forward(a)`` for a unary one; where Python already has the function (``operator.mul``, ``math.tanh``) it is
used as it is, which also keeps the hot path free of an extra Python call. ``partials`` returns the local
derivatives, one per operand: ``partials(a, out)`` is ``(dout/da,)`` for a unary op, ``partials(a, b, out)`` is
``(dout/da, dout/db)`` for a binary one.

The partials are written with ordinary arithmetic and with the helpers below (``log``, ``cos`` ...), so the same
rule works on floats (the fast backward pass) and on ``Value`` nodes (``grad(..., create_graph=True)``, where the
derivative itself becomes a graph that can be differentiated again). Backward, higher-order gradients, the edge
labels of the drawing, the step-by-step trace and the gradient tests all read this one table.

Operands: ``a`` is always a ``Value``. ``b`` is a second ``Value``, a plain float (a number mixed into the op,
kept inside the op rather than as a node of its own). Ops whose number stands on the
left (``3 - x``, ``3 / x``, ``2 ** x``) have their own "reflected" entry, so ``a`` is still the Value.
"""

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive: how it is written, its forward value, its local partial derivatives, and its equation.

    ``forward`` and ``partials`` take one operand for a unary op and two for a binary one:

        unary:  forward(a) -> out       partials(a, out) -> (dout/da,)
        binary: forward(a, b) -> out    partials(a, b, out) -> (dout/da, dout/db)

    A record is all an op is: backward, ``grad(create_graph=True)``, the drawing, the trace and the tests read these
    fields and nothing else, so a new op is one more record (and a Value method naming it, in engine.py).
    """

    name: str  # short name, also the Value method's: "mul", "tanh", "rsub"
    symbol: str  # how the op is written and drawn: "*", "tanh", "**" ...
    arity: int  # 1 (unary) or 2 (binary: the second operand a Value or a number)
    equation: str  # the op and its local derivatives in one line, for people: "out = a * b;  dout/da = b, dout/db = a"
    forward: Callable[..., float]  # on floats
    partials: Callable[..., tuple[Any, ...]]  # on floats, or on Values (then the derivative is itself a graph)
    domain: str = ""  # what the operand must satisfy, for error messages ("" if any number will do)
    reflected: bool = False  # the number b stands on the left: b - a, b / a, b ** a
    commutative: bool = False  # a op b == b op a, so the drawing need not tell the operands apart

    def __repr__(self) -> str:
        return f"Op({self.name!r}: {self.equation})"

    def write(self, a: str, b: str | None = None) -> str:
        """The op written with its operands' texts: ``a * b``, ``3 - a`` (reflected), ``tanh(a)``.

        An operand given as "" is left out: ``write("", "3")`` is ``* 3``, an op node's label with its number inside.
        Messages, method docstrings, the drawing and the step-by-step trace all write ops through here.
        """
        if self.arity == 1:
            return f"{self.symbol}({a})"
        left, right = (b, a) if self.reflected else (a, b)
        return " ".join(text for text in (left, self.symbol, right) if text)

    def describe(self, a: float, b: object = None) -> str:
        """The op written out with its operands' values, for messages: ``log(0.0)``, ``(-8.0) ** 0.5``."""
        if self.arity == 1:
            return self.write(repr(a))
        return self.write(_operand(a), _operand(b))


def unary(name, equation, forward, partials, *, symbol=None, domain=""):
    """A one-operand op: ``partials(a, out)`` returns ``(dout/da,)``. Written ``symbol(a)``, symbol the name."""
    return Op(name, symbol or name, 1, equation, forward, partials, domain)


def binary(name, symbol, equation, forward, partials, *, domain="", reflected=False, commutative=False):
    """A two-operand op: ``partials(a, b, out)`` returns ``(dout/da, dout/db)``, or ``(dout/da,)`` when the op
    only ever has a number as ``b``."""
    return Op(name, symbol, 2, equation, forward, partials, domain, reflected, commutative)


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
# Forward functions with a domain to respect. They raise; errors.op_error turns the error into a message naming
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
# The table: each op's equation, its forward value on floats, its local derivatives on floats or Values.
# In a binary op ``b`` may be a number mixed in (kept inside the op); the ops that only ever see a number as ``b``
# (rsub, rdiv, pow, rpow) give one partial, dout/da.

ADD = binary(
    "add", "+", "out = a + b;  dout/da = 1, dout/db = 1", operator.add, lambda a, b, out: (1.0, 1.0), commutative=True
)
SUB = binary("sub", "-", "out = a - b;  dout/da = 1, dout/db = -1", operator.sub, lambda a, b, out: (1.0, -1.0))
RSUB = binary(
    "rsub",
    "-",
    "out = b - a (b a number);  dout/da = -1",
    lambda a, b: b - a,
    lambda a, b, out: (-1.0,),
    reflected=True,
)
MUL = binary(
    "mul", "*", "out = a * b;  dout/da = b, dout/db = a", operator.mul, lambda a, b, out: (b, a), commutative=True
)
DIV = binary(
    "div",
    "/",
    "out = a / b;  dout/da = 1/b, dout/db = -a/b^2 = -out/b",
    operator.truediv,
    lambda a, b, out: (1.0 / b, -out / b),
    domain="the divisor must not be 0",
)
RDIV = binary(
    "rdiv",
    "/",
    "out = b / a (b a number);  dout/da = -b/a^2 = -out/a",
    lambda a, b: b / a,
    lambda a, b, out: (-out / a,),
    domain="the divisor must not be 0",
    reflected=True,
)
POW = binary(
    "pow", "**", "out = a ** b (b a number);  dout/da = b * a^(b-1)", _power, lambda a, b, out: (power_rule(a, b),)
)
POWV = binary(
    "powv",
    "**",
    "out = a ** b;  dout/da = b * a^(b-1), dout/db = a^b * log a",
    _power_of_values,
    lambda a, b, out: (power_rule(a, b), times_log(out, a)),
)
RPOW = binary(
    "rpow",
    "**",
    "out = b ** a (b a number);  dout/da = b^a * log b",
    _exp_base,
    lambda a, b, out: (times_log(out, b),),
    reflected=True,
)
NEG = unary("neg", "out = -a;  dout/da = -1", operator.neg, lambda a, out: (-1.0,), symbol="-")
EXP = unary("exp", "out = e^a;  dout/da = e^a = out", math.exp, lambda a, out: (out,))
LOG = unary(
    "log", "out = log a;  dout/da = 1/a", math.log, lambda a, out: (1.0 / a,), domain="the argument must be positive"
)
SQRT = unary(
    "sqrt",
    "out = sqrt a;  dout/da = 1 / (2 sqrt a) = 0.5/out",
    math.sqrt,
    lambda a, out: (0.5 / out,),
    domain="the argument must not be negative",
)
TANH = unary("tanh", "out = tanh a;  dout/da = 1 - tanh(a)^2 = 1 - out^2", math.tanh, lambda a, out: (1.0 - out * out,))
# document 001, section 2.3: sigma'(x) = sigma(x) (1 - sigma(x))
SIGMOID = unary(
    "sigmoid", "out = 1 / (1 + e^-a);  dout/da = out (1 - out)", _sigmoid, lambda a, out: (out * (1.0 - out),)
)
RELU = unary(
    "relu",
    "out = max(a, 0);  dout/da = 1 if a > 0 else 0",
    lambda a: 0.0 if a <= 0 else a,  # NaN passes through, as in torch
    lambda a, out: (step(a),),
    symbol="ReLU",
)
ABS = unary("abs", "out = |a|;  dout/da = sign a (0 at 0)", abs, lambda a, out: (sign(a),))
SIN = unary(
    "sin", "out = sin a;  dout/da = cos a", math.sin, lambda a, out: (cos(a),), domain="the argument must be finite"
)
COS = unary(
    "cos", "out = cos a;  dout/da = -sin a", math.cos, lambda a, out: (-sin(a),), domain="the argument must be finite"
)

OPS = {
    op.name: op
    for op in (ADD, SUB, RSUB, MUL, DIV, RDIV, POW, POWV, RPOW, NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, ABS, SIN, COS)
}
