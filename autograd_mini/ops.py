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

``code`` is the same op once more as Python text, for ``autograd_mini.compile``, which writes a traced graph out as a
straight-line program: the forward expression, then one expression per local derivative, with ``{a}``, ``{b}`` and
``{out}`` standing for the operands and the result, and ``{f}`` for the op's own ``forward`` (used where a plain
expression would not raise the op's error or would lose its numerics: ``(-8.0) ** 0.5`` is a complex number in
Python, not an error). The expressions are evaluated in this module's namespace, so ``math`` and the helpers below
can be named. They must compute exactly the floats ``forward`` and ``partials`` compute (the tests hold them to it).

Operands: ``a`` is always a ``Value``. ``b`` is a second ``Value`` or a plain float (a number mixed into the op,
kept inside the op rather than as a node of its own). Ops whose number stands on the left (``3 - x``, ``3 / x``,
``2 ** x``) have their own "reflected" entry, so ``a`` is still the Value.

A learner's own op is made the same way, with ``unary(...)`` or ``binary(...)``, and called like a function:
``swish(x)`` is a new node whose op is ``swish`` (README, "Your own op"; demos/08_custom_op.py).
"""

import math
import numbers
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
    fields and nothing else, so a new op is one more record (and a Value method naming it, in engine.py). A record
    is also a function: ``op(x)`` or ``op(x, y)`` applies it to Values (a new node) or computes it on numbers.
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
    # the op as Python text for compile(): (forward, dout/da) or (forward, dout/da, dout/db); () means "not written
    # yet", and compile() refuses the op by name
    code: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Op({self.name!r}: {self.equation})"

    def write(self, a: str, b: str | None = None) -> str:
        """The op written with its operands' texts: ``a * b``, ``3 - a`` (reflected), ``tanh(a)``.

        An operand given as "" is left out: ``write("", "3")`` is ``* 3``, an op node's label with its number inside.
        Messages, method docstrings, the drawing and the step-by-step trace all write ops through here.
        """
        left, right = (b, a) if self.reflected else (a, b)
        if self.arity == 1 or self.symbol.isidentifier():  # a function: tanh(a), and max(a, b) for a named symbol
            return f"{self.symbol}({', '.join(text or '·' for text in (left, right) if text is not None)})"
        return " ".join(text for text in (left, self.symbol, right) if text)

    def describe(self, a: float, b: object = None) -> str:
        """The op written out with its operands' values, for messages: ``log(0.0)``, ``(-8.0) ** 0.5``."""
        if self.arity == 1:
            return self.write(repr(a))
        return self.write(_operand(a), _operand(b))

    def __call__(self, a: Any, b: Any = None) -> Any:
        """``op(x)``, ``op(x, y)``: a new node for a Value ``x`` (``x.apply(op, y)``); on numbers, just the value.

        On numbers the op is the plain function ``forward``, so a learner's partials may call ops (their own or the
        table's) and still work on floats and on Values alike.
        """
        if type(a) is float and b is None and self.arity == 1:  # the common case first: a rule's helper on floats
            return self.forward(a)
        if isinstance(a, numbers.Real):
            if self.arity == 1:
                return self.forward(float(a))
            if isinstance(b, numbers.Real):
                return self.forward(float(a), float(b))
        if not hasattr(type(a), "apply"):  # a Value has the method that makes the node (engine.py)
            raise TypeError(
                f"{self.name}() takes a Value or a number as its first operand, got {type(a).__name__} {a!r}"
            )
        return a.apply(self, b)


def unary(name, equation, forward, partials, *, symbol=None, domain="", code=()):
    """A one-operand op: ``forward(a)`` its value, ``partials(a, out)`` returns ``(dout/da,)``.

    Written ``symbol(a)``, symbol the name. ``domain``: what the operand must satisfy, said when ``forward`` raises
    a ValueError or ArithmeticError. The table below is made of these; so is a learner's own op::

        swish = unary("swish", "out = a sigmoid(a);  dout/da = sigmoid(a) + a sigmoid(a) (1 - sigmoid(a))",
                      lambda a: a * _sigmoid(a),
                      lambda a, out: (SIGMOID(a) + a * SIGMOID(a) * (1.0 - SIGMOID(a)),))
        y = swish(x)           # a node whose op is swish; backward(), grad(), draw_dot() ... all work
    """
    return _checked(Op(name, symbol or name, 1, equation, forward, partials, domain, code=tuple(code)))


def binary(name, symbol, equation, forward, partials, *, domain="", reflected=False, commutative=False, code=()):
    """A two-operand op: ``forward(a, b)`` its value, ``partials(a, b, out)`` returns ``(dout/da, dout/db)``.

    ``b`` is a Value or a number mixed in (then only ``dout/da`` is used; an op that only ever has a number as ``b``
    may return ``(dout/da,)``). Written ``a symbol b`` (``a % b``), or ``symbol(a, b)`` when the symbol is a name
    (``max(a, b)``). ``reflected``: the number stands on the left (``b - a``); ``commutative``: a op b == b op a.
    """
    return _checked(Op(name, symbol, 2, equation, forward, partials, domain, reflected, commutative, tuple(code)))


def _checked(op):
    """The record, after checking the fields a learner fills in, so a mistake shows here rather than in backward."""
    for field in ("name", "symbol", "equation", "domain"):
        if not isinstance(getattr(op, field), str):
            raise TypeError(f"op {field} must be a str, got {type(getattr(op, field)).__name__} {getattr(op, field)!r}")
    if not op.name.isidentifier():
        raise ValueError(f"op name must be a Python name such as 'softplus', got {op.name!r}")
    for field in ("forward", "partials"):
        if not callable(getattr(op, field)):
            raise TypeError(f"op {op.name!r}: {field} must be a function, got {getattr(op, field)!r}")
    return op


def _operand(x):
    """An operand as written in a message: negative numbers in parentheses, so -8.0 ** 0.5 reads as (-8.0) ** 0.5."""
    return f"({x!r})" if isinstance(x, (int, float)) and x < 0 else repr(x)


LOG_OF_2 = math.log(2.0)
LOG_OF_10 = math.log(10.0)

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


def larger(a, b):
    """d/da max(a, b): 1.0 where a > b, 0.0 where a < b, and 0.5 at a tie, where torch.maximum splits the gradient
    evenly between the two operands (torch 2.13); with a NaN, 1.0 as in torch. A constant, derivative 0."""
    a, b = _data(a), _data(b)
    return 0.5 if a == b else (0.0 if a < b else 1.0)


def floor_quotient(a, b):
    """floor(a / b) as Python's ``a // b`` and torch's floor division compute it: the whole number q with
    a % b = a - q b. A constant (a staircase), derivative 0."""
    return _data(a) // _data(b)


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


def _softplus(a):
    # log(1 + e^a) = log(1 + e^-|a|) + max(a, 0): e^-|a| <= 1 never overflows, and log1p keeps its precision when
    # e^-|a| is tiny (a large and positive: softplus(a) = a + e^-a, not a + 0 after rounding 1 + e^-a to 1)
    return math.log1p(math.exp(-abs(a))) + (a if a > 0 else 0.0)


def _maximum(a, b):
    return a if a > b else (b if b >= a else math.nan)  # a NaN operand gives NaN, as torch.maximum


def _minimum(a, b):
    return a if a < b else (b if b <= a else math.nan)


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
# A rule may call another op of the table (SQRT(1 - a * a), COSH(a)): an op is a function on floats and Values.
# In a binary op ``b`` may be a number mixed in (kept inside the op); the ops that only ever see a number as ``b``
# (rsub, rdiv, pow, rpow) give one partial, dout/da.

ADD = binary(
    "add",
    "+",
    "out = a + b;  dout/da = 1, dout/db = 1",
    operator.add,
    lambda a, b, out: (1.0, 1.0),
    commutative=True,
    code=("{a} + {b}", "1.0", "1.0"),
)
SUB = binary(
    "sub",
    "-",
    "out = a - b;  dout/da = 1, dout/db = -1",
    operator.sub,
    lambda a, b, out: (1.0, -1.0),
    code=("{a} - {b}", "1.0", "-1.0"),
)
RSUB = binary(
    "rsub",
    "-",
    "out = b - a (b a number);  dout/da = -1",
    lambda a, b: b - a,
    lambda a, b, out: (-1.0,),
    reflected=True,
    code=("{b} - {a}", "-1.0"),
)
MUL = binary(
    "mul",
    "*",
    "out = a * b;  dout/da = b, dout/db = a",
    operator.mul,
    lambda a, b, out: (b, a),
    commutative=True,
    code=("{a} * {b}", "{b}", "{a}"),
)
DIV = binary(
    "div",
    "/",
    "out = a / b;  dout/da = 1/b, dout/db = -a/b^2 = -out/b",
    operator.truediv,
    lambda a, b, out: (1.0 / b, -out / b),
    domain="the divisor must not be 0",
    code=("{a} / {b}", "1.0 / {b}", "-{out} / {b}"),
)
RDIV = binary(
    "rdiv",
    "/",
    "out = b / a (b a number);  dout/da = -b/a^2 = -out/a",
    lambda a, b: b / a,
    lambda a, b, out: (-out / a,),
    domain="the divisor must not be 0",
    reflected=True,
    code=("{b} / {a}", "-{out} / {a}"),
)
POW = binary(
    "pow",
    "**",
    "out = a ** b (b a number);  dout/da = b * a^(b-1)",
    _power,
    lambda a, b, out: (power_rule(a, b),),
    code=("{f}({a}, {b})", "power_rule({a}, {b})"),
)
POWV = binary(
    "powv",
    "**",
    "out = a ** b;  dout/da = b * a^(b-1), dout/db = a^b * log a",
    _power_of_values,
    lambda a, b, out: (power_rule(a, b), times_log(out, a)),
    code=("{f}({a}, {b})", "power_rule({a}, {b})", "times_log({out}, {a})"),
)
RPOW = binary(
    "rpow",
    "**",
    "out = b ** a (b a number);  dout/da = b^a * log b",
    _exp_base,
    lambda a, b, out: (times_log(out, b),),
    reflected=True,
    code=("{f}({a}, {b})", "times_log({out}, {b})"),
)
NEG = unary("neg", "out = -a;  dout/da = -1", operator.neg, lambda a, out: (-1.0,), symbol="-", code=("-{a}", "-1.0"))
EXP = unary("exp", "out = e^a;  dout/da = e^a = out", math.exp, lambda a, out: (out,), code=("math.exp({a})", "{out}"))
LOG = unary(
    "log",
    "out = log a;  dout/da = 1/a",
    math.log,
    lambda a, out: (1.0 / a,),
    domain="the argument must be positive",
    code=("math.log({a})", "1.0 / {a}"),
)
SQRT = unary(
    "sqrt",
    "out = sqrt a;  dout/da = 1 / (2 sqrt a) = 0.5/out",
    math.sqrt,
    lambda a, out: (0.5 / out,),
    domain="the argument must not be negative",
    code=("math.sqrt({a})", "0.5 / {out}"),
)
TANH = unary(
    "tanh",
    "out = tanh a;  dout/da = 1 - tanh(a)^2 = 1 - out^2",
    math.tanh,
    lambda a, out: (1.0 - out * out,),
    code=("math.tanh({a})", "1.0 - {out} * {out}"),
)
# document 001, section 2.3: sigma'(x) = sigma(x) (1 - sigma(x))
SIGMOID = unary(
    "sigmoid",
    "out = 1 / (1 + e^-a);  dout/da = out (1 - out)",
    _sigmoid,
    lambda a, out: (out * (1.0 - out),),
    code=("{f}({a})", "{out} * (1.0 - {out})"),
)
RELU = unary(
    "relu",
    "out = max(a, 0);  dout/da = 1 if a > 0 else 0",
    lambda a: 0.0 if a <= 0 else a,  # NaN passes through, as in torch
    lambda a, out: (step(a),),
    symbol="ReLU",
    code=("0.0 if {a} <= 0.0 else {a}", "0.0 if {a} <= 0.0 else 1.0"),
)
ABS = unary(
    "abs",
    "out = |a|;  dout/da = sign a (0 at 0)",
    abs,
    lambda a, out: (sign(a),),
    code=("abs({a})", "sign({a})"),
)
SIN = unary(
    "sin",
    "out = sin a;  dout/da = cos a",
    math.sin,
    lambda a, out: (cos(a),),
    domain="the argument must be finite",
    code=("math.sin({a})", "math.cos({a})"),
)
COS = unary(
    "cos",
    "out = cos a;  dout/da = -sin a",
    math.cos,
    lambda a, out: (-sin(a),),
    domain="the argument must be finite",
    code=("math.cos({a})", "-math.sin({a})"),
)

TAN = unary(
    "tan",
    "out = tan a;  dout/da = 1 / cos(a)^2 = 1 + out^2",
    math.tan,
    lambda a, out: (1.0 + out * out,),
    domain="the argument must be finite",
    code=("math.tan({a})", "1.0 + {out} * {out}"),
)
SINH: Op = unary(
    "sinh",
    "out = sinh a = (e^a - e^-a) / 2;  dout/da = cosh a",
    math.sinh,
    lambda a, out: (COSH(a),),
    code=("math.sinh({a})", "math.cosh({a})"),
)
COSH: Op = unary(
    "cosh",
    "out = cosh a = (e^a + e^-a) / 2;  dout/da = sinh a",
    math.cosh,
    lambda a, out: (SINH(a),),
    code=("math.cosh({a})", "math.sinh({a})"),
)
ASIN = unary(
    "asin",
    "out = asin a;  dout/da = 1 / sqrt(1 - a^2)",
    math.asin,
    lambda a, out: (1.0 / SQRT(1.0 - a * a),),
    domain="the argument must be in [-1, 1]",
    code=("math.asin({a})", "1.0 / math.sqrt(1.0 - {a} * {a})"),
)
ACOS = unary(
    "acos",
    "out = acos a;  dout/da = -1 / sqrt(1 - a^2)",
    math.acos,
    lambda a, out: (-1.0 / SQRT(1.0 - a * a),),
    domain="the argument must be in [-1, 1]",
    code=("math.acos({a})", "-1.0 / math.sqrt(1.0 - {a} * {a})"),
)
ATAN = unary(
    "atan",
    "out = atan a;  dout/da = 1 / (1 + a^2)",
    math.atan,
    lambda a, out: (1.0 / (1.0 + a * a),),
    code=("math.atan({a})", "1.0 / (1.0 + {a} * {a})"),
)
LOG1P = unary(
    "log1p",
    "out = log(1 + a), exact for tiny a;  dout/da = 1 / (1 + a)",
    math.log1p,
    lambda a, out: (1.0 / (1.0 + a),),
    domain="the argument must be greater than -1",
    code=("math.log1p({a})", "1.0 / (1.0 + {a})"),
)
EXPM1 = unary(
    "expm1",
    "out = e^a - 1, exact for tiny a;  dout/da = e^a = out + 1",
    math.expm1,
    lambda a, out: (out + 1.0,),
    code=("math.expm1({a})", "{out} + 1.0"),
)
LOG2 = unary(
    "log2",
    "out = log2 a = log a / log 2;  dout/da = 1 / (a log 2)",
    math.log2,
    lambda a, out: (1.0 / (a * LOG_OF_2),),
    domain="the argument must be positive",
    code=("math.log2({a})", "1.0 / ({a} * LOG_OF_2)"),
)
LOG10 = unary(
    "log10",
    "out = log10 a = log a / log 10;  dout/da = 1 / (a log 10)",
    math.log10,
    lambda a, out: (1.0 / (a * LOG_OF_10),),
    domain="the argument must be positive",
    code=("math.log10({a})", "1.0 / ({a} * LOG_OF_10)"),
)
SIGN = unary("sign", "out = sign a (-1, 0 or 1);  dout/da = 0", sign, lambda a, out: (0.0,), code=("sign({a})", "0.0"))
SOFTPLUS = unary(
    "softplus",
    "out = log(1 + e^a) = log1p(e^-|a|) + max(a, 0);  dout/da = e^a / (1 + e^a) = sigmoid(a)",
    _softplus,
    lambda a, out: (SIGMOID(a),),
    code=("{f}({a})", "_sigmoid({a})"),
)
MOD = binary(
    "mod",
    "%",
    "out = a % b = a - b floor(a/b);  dout/da = 1, dout/db = -floor(a/b)",
    operator.mod,
    lambda a, b, out: (1.0, -floor_quotient(a, b)),
    domain="the divisor must not be 0",
    code=("{a} % {b}", "1.0", "-floor_quotient({a}, {b})"),
)
RMOD = binary(
    "rmod",
    "%",
    "out = b % a (b a number) = b - a floor(b/a);  dout/da = -floor(b/a)",
    lambda a, b: b % a,
    lambda a, b, out: (-floor_quotient(b, a),),
    domain="the divisor must not be 0",
    reflected=True,
    code=("{b} % {a}", "-floor_quotient({b}, {a})"),
)
MAXIMUM = binary(
    "maximum",
    "max",
    "out = max(a, b);  dout/da = 1 if a > b, 0 if a < b, 1/2 at a tie (torch's split); dout/db likewise",
    _maximum,
    lambda a, b, out: (larger(a, b), larger(b, a)),
    commutative=True,
    code=("{f}({a}, {b})", "larger({a}, {b})", "larger({b}, {a})"),
)
MINIMUM = binary(
    "minimum",
    "min",
    "out = min(a, b);  dout/da = 1 if a < b, 0 if a > b, 1/2 at a tie (torch's split); dout/db likewise",
    _minimum,
    lambda a, b, out: (larger(b, a), larger(a, b)),
    commutative=True,
    code=("{f}({a}, {b})", "larger({b}, {a})", "larger({a}, {b})"),
)

OPS = {
    op.name: op
    for op in (
        *(ADD, SUB, RSUB, MUL, DIV, RDIV, MOD, RMOD, POW, POWV, RPOW, MAXIMUM, MINIMUM, NEG, ABS, SIGN),
        *(EXP, EXPM1, LOG, LOG1P, LOG2, LOG10, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH),
        *(SIGMOID, RELU, SOFTPLUS),
    )
}
