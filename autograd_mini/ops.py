"""The primitive operations, each stated once: its equation, its forward value and its local derivatives.

An op is one record, and its rules are written as the formulas they are::

    TANH = unary("tanh", "out = tanh a;  dout/da = 1 - tanh(a)^2 = 1 - out^2", "math.tanh(a)", "1.0 - out * out")
    MUL = binary("mul", "*", "out = a * b;  dout/da = b, dout/db = a", "a * b", ("b", "a"), commutative=True)

The forward is an expression over the operands ``a`` (and ``b``); the local derivatives are expressions over ``a``,
``b`` and the result ``out``, one per operand (``dout/da``, ``dout/db``). The record turns the text into functions
once, and everything else reads this one statement of the op:

- ``backward()`` evaluates the derivatives on floats, ``grad(..., create_graph=True)`` the same expressions on
  Values (so the derivative is itself a graph: second derivatives, Hessians);
- forward mode (``forward.py``) evaluates them on dual numbers, symbolic differentiation (``symbolic.py``) evaluates
  the forward with sympy's functions in place of ``math``'s;
- ``compile()`` writes the same text into its program with the operands' names put in, so the program computes
  the node engine's floats bit for bit; the drawing's edge labels and the step-by-step trace show their numbers.

The expressions may use arithmetic, ``math``'s functions, the helpers below (``power_rule``, ``sign`` ...) and the
other ops of the table, which are functions on floats and on Values alike (``SQRT(1.0 - a * a)``, ``COS(a)``). They
are checked when the record is made: one expression, names from that list only, nothing else is run. The partials
are also evaluated on Values (second derivatives), so there the table's ops stand for ``math``'s functions, which
take numbers: ``math.exp(a)`` of a Value is refused (``Node.__float__``), ``EXP(a)`` is a node.

Operands: ``a`` is always a ``Value``. ``b`` is a second ``Value`` or a plain float (a number mixed into the op, kept
inside the op rather than as a node of its own). Ops whose number stands on the left (``3 - x``, ``3 / x``,
``2 ** x``) have their own "reflected" entry, so ``a`` is still the Value.

A learner's own op is made the same way, with ``unary(...)`` or ``binary(...)``, its rules written as text or as
Python functions, and called like a function: ``swish(x)`` is a new node whose op is ``swish`` (README, "Your own
op"; demos/08_custom_op.py). Every op whose symbol is a name is also a method of ``Value``: ``x.tanh()``.
"""

import ast
import functools
import math
import numbers
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograd_mini.pyparse import parse


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive: how it is written, its forward value, its local partial derivatives, and its equation.

    ``forward`` and ``partials`` are functions made from the record's rules (or given as functions by a learner):

        unary:  forward(a) -> out       partials(a, out) -> (dout/da,)
        binary: forward(a, b) -> out    partials(a, b, out) -> (dout/da, dout/db)

    ``local(a, b, out)`` is ``partials`` with one signature for both (``b`` None for a unary op): what the reverse
    walk calls. ``code`` is the rule as program text with ``{a}``, ``{b}``, ``{out}`` for the operands and the result
    (``{f}``, ``{p}``: the op's own functions, for rules given as functions): what ``compile()`` writes.
    A record is also a function: ``op(x)`` or ``op(x, y)`` applies it to Values (a new node) or computes it on numbers.
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
    aliases: tuple[str, ...] = ()  # other names learners know it by (numpy's arcsinh for asinh)
    rule: tuple[str, ...] | None = None  # the forward and the partials as written, or None (given as functions)
    local: Callable[..., tuple[Any, ...]] = field(init=False, repr=False)  # local(a, b, out): partials, one shape

    def __post_init__(self) -> None:
        if self.rule is not None:  # made from the text: one function of (a, b, out) for both shapes
            local = _partials_function(("a", "b", "out"), self.rule[1:])
        else:  # a learner's function, checked at each call (the table's rules are right by construction)
            local = _checked_partials(self)
        object.__setattr__(self, "local", local)

    @functools.cached_property
    def code(self) -> tuple[str, ...]:
        """(forward, dout/da[, dout/db]) as program text, made when first asked for (compile)."""
        return _code(self)

    def __repr__(self) -> str:
        return f"Op({self.name!r}: {self.equation})"

    @property
    def names(self) -> tuple[str, ...]:
        """The op's name and its aliases: the Value methods and the formula functions that stand for it."""
        return (self.name, *self.aliases)

    def write(self, a: str, b: str | None = None) -> str:
        """The op written with its operands' texts: ``a * b``, ``3 - a`` (reflected), ``tanh(a)``.

        An operand given as "" is left out: ``write("", "3")`` is ``* 3``, an op node's label with its number inside.
        Messages, method docstrings, the drawing and the step-by-step trace all write ops through here.
        """
        left, right = (b, a) if self.reflected else (a, b)
        if self.arity == 1 or self.symbol.isidentifier():  # a function: tanh(a), and max(a, b) for a named symbol
            return f"{self.symbol}({', '.join(text or '·' for text in (left, right) if text is not None)})"
        return " ".join(text for text in (left, self.symbol, right) if text)

    def operands_error(self) -> str:
        """What a call with another number of operands is told: ``tanh() takes 1 operand: tanh(a)``."""
        return f"{self.name}() takes {self.arity} operand{'s' if self.arity > 1 else ''}: {self.write('a', 'b')}"

    def describe(self, a: float, b: object = None) -> str:
        """The op written out with its operands' values, for messages: ``log(0.0)``, ``(-8.0) ** 0.5``."""
        if self.arity == 1:
            return self.write(repr(a))
        return self.write(_operand(a), _operand(b))

    def __call__(self, a: Any, b: Any = None) -> Any:
        """``op(x)``, ``op(x, y)``: a new node for a Value ``x`` (``x.apply(op, y)``); on numbers, just the value.

        On numbers the op is the plain function ``forward``, so a rule may call ops (the table's or a learner's)
        and still work on floats and on Values alike.
        """
        if type(a) is float and b is None and self.arity == 1:  # the common case first: a rule's helper on floats
            return self.forward(a)
        if (b is None) != (self.arity == 1):
            raise TypeError(self.operands_error())
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


def unary(name, equation, forward, partials, *, symbol=None, domain="", aliases=()):
    """A one-operand op. ``forward``: its value, as text over ``a`` (``"math.tanh(a)"``) or a function ``f(a)``;
    ``partials``: dout/da, as text over ``a`` and ``out`` (``"1.0 - out * out"``) or a function returning
    ``(dout/da,)``. Written ``symbol(a)``, symbol the name. ``domain``: what the operand must satisfy, said when the
    forward raises a ValueError or ArithmeticError. The table below is made of these; so is a learner's own op::

        swish = unary("swish", "out = a sigmoid(a);  dout/da = sigmoid(a) + a sigmoid(a) (1 - sigmoid(a))",
                      "a * SIGMOID(a)", "SIGMOID(a) + a * SIGMOID(a) * (1.0 - SIGMOID(a))")
        y = swish(x)           # a node whose op is swish; backward(), grad(), draw_dot(), compile() ... all work
    """
    return _record(name, symbol or name, 1, equation, forward, (partials,), domain, False, False, aliases)


def binary(name, symbol, equation, forward, partials, *, domain="", reflected=False, commutative=False, aliases=()):
    """A two-operand op. ``forward``: text over ``a`` and ``b`` (``"a * b"``) or a function ``f(a, b)``;
    ``partials``: ``(dout/da, dout/db)`` as two texts over ``a``, ``b``, ``out`` or a function returning them.

    ``b`` is a Value or a number mixed in (then only ``dout/da`` is used; an op that only ever has a number as ``b``
    may give ``dout/da`` alone). Written ``a symbol b`` (``a % b``), or ``symbol(a, b)`` when the symbol is a name
    (``max(a, b)``). ``reflected``: the number stands on the left (``b - a``); ``commutative``: a op b == b op a.
    """
    partials = (partials,) if isinstance(partials, str) or callable(partials) else partials
    return _record(name, symbol, 2, equation, forward, partials, domain, reflected, commutative, aliases)


def _record(name, symbol, arity, equation, forward, partials, domain, reflected, commutative, aliases):
    """The Op, after checking what a learner fills in, so that a mistake shows here rather than in backward."""
    for what, text in (("name", name), ("symbol", symbol), ("equation", equation), ("domain", domain)):
        if not isinstance(text, str):
            raise TypeError(f"op {what} must be a str, got {type(text).__name__} {text!r}")
    if not name.isidentifier():
        raise ValueError(f"op name must be a Python name such as 'softplus', got {name!r}")
    if not symbol.isprintable() or not symbol.strip():  # it is written in messages, tables and captions
        raise ValueError(f"op symbol must be one line of printable text such as '**' or 'hypot', got {symbol!r}")
    if not domain.isprintable():  # it ends a one-line error message ("log of 0.0 in Value.log(): ...")
        raise ValueError(f"op domain must be one line of printable text such as 'must be positive', got {domain!r}")
    aliases = tuple(aliases)
    if not all(isinstance(alias, str) and alias.isidentifier() for alias in aliases):
        raise ValueError(f"op {name!r}: aliases must be Python names, got {aliases!r}")
    operands = ("a",) if arity == 1 else ("a", "b")
    written = [isinstance(rule, str) for rule in (forward, *partials)]
    if all(written):  # the op stated as formulas: checked, then made into its functions once
        rule = tuple(_checked_rule(name, text, operands if k == 0 else (*operands, "out")) for k, text in
                     enumerate((forward, *partials)))  # fmt: skip
        if not 1 <= len(rule) - 1 <= arity:  # one partial for an op whose b is always a number (rsub)
            raise ValueError(f"op {name!r}: give one local derivative per operand ({arity}), got {len(rule) - 1}")
        forward = _forward_function(rule[0], operands)
        partials = _partials_function((*operands, "out"), rule[1:])
    elif any(written):
        raise TypeError(f"op {name!r}: give the forward and the partials both as text or both as functions")
    else:
        rule = None
        (partials,) = partials if len(partials) == 1 else (None,)
        for what, fn in (("forward", forward), ("partials", partials)):
            if not callable(fn):
                raise TypeError(f"op {name!r}: {what} must be a function or an expression (text), got {fn!r}")
    return Op(name, symbol, arity, equation, forward, partials, domain, reflected, commutative, aliases, rule)


def _checked_partials(op: Op) -> Callable[..., tuple[Any, ...]]:
    """A learner's ``partials`` as ``local(a, b, out)``, refusing what is not one derivative per operand."""
    partials, shape = op.partials, "(dout/da,)" if op.arity == 1 else "(dout/da, dout/db)"

    def local(a: Any, b: Any, out: Any) -> tuple[Any, ...]:
        result = partials(a, out) if op.arity == 1 else partials(a, b, out)
        if not isinstance(result, tuple) or not 1 <= len(result) <= op.arity:
            raise TypeError(f"returned {type(result).__name__} {result!r:.60}, not a tuple {shape}")
        for d in result:
            if isinstance(d, bool) or not (isinstance(d, numbers.Real) or hasattr(d, "apply")):
                raise TypeError(f"returned the local derivative {type(d).__name__} {d!r:.60}, not a number or Value")
        return result

    return local


def _operand(x):
    """An operand as written in a message: negative numbers in parentheses, so -8.0 ** 0.5 reads as (-8.0) ** 0.5."""
    return f"({x!r})" if isinstance(x, (int, float)) and x < 0 else repr(x)


# ---------------------------------------------------------------------------------------------------------------
# How a rule's text becomes its functions and its program text. A rule is one expression of the operands, math's
# functions and the names in RULE_NAMES (the helpers and ops of this module): checked when the record is made (the
# table's own records at the end of this module, as SIN's rule names COS, defined after it). The text is compiled
# with this module's namespace, so the names are looked up when the rule runs.

RULE_NAMES: frozenset[str] | None = None  # set at the end of the module, once the table's records and helpers exist
_NOT_ALLOWED = (ast.Lambda, ast.NamedExpr, ast.Starred, ast.Await, ast.Yield, ast.YieldFrom, ast.JoinedStr,
                ast.FormattedValue, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Dict, ast.Set,
                ast.List, ast.Tuple, ast.Subscript, ast.Slice)  # fmt: skip
_ALLOWED = (ast.Expression, ast.expr, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _checked_rule(op_name: str, text: str, operands: tuple[str, ...]) -> str:
    """The rule's text as one line (``ast.unparse``), after checking that it is one expression of known names."""
    try:
        tree = parse(text.strip())
    except SyntaxError as err:
        raise ValueError(f"op {op_name!r}: the rule {text!r} is not a Python expression ({err.msg})") from None
    for node in ast.walk(tree):
        bad = None
        if isinstance(node, _NOT_ALLOWED) or not isinstance(node, _ALLOWED):
            bad = f"{type(node).__name__} is not allowed in a rule"
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            bad = f"the constant {node.value!r} is not a number"
        elif isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "math" and hasattr(math, node.attr)):
                bad = f"only math's functions may be named with a dot, not {ast.unparse(node)!r}"
        elif isinstance(node, ast.Call) and isinstance(op := globals().get(called := ast.unparse(node.func)), Op):
            if len(node.args) != op.arity or node.keywords:  # (an op defined later: the check at the module's end)
                bad = f"{called} takes {op.arity} operand{'s' if op.arity > 1 else ''}, not {len(node.args)}"
        elif isinstance(node, ast.Name) and node.id not in (*operands, "math") and RULE_NAMES is not None:
            if node.id not in RULE_NAMES:
                bad = (
                    f"{node.id!r} is not an operand ({', '.join(operands)}), an op of the table nor a helper of ops.py"
                )
        if bad:
            raise ValueError(f"op {op_name!r}: the rule {text!r}: {bad}")
    return ast.unparse(tree)


def _function(parameters: tuple[str, ...], body: str) -> Callable[..., Any]:
    """``lambda <parameters>: <body>``, compiled once in this module's namespace (the body is a checked rule)."""
    return eval(compile(f"lambda {', '.join(parameters)}: {body}", "<op rule>", "eval"), globals())  # noqa: S307


def _partials_function(parameters: tuple[str, ...], texts: tuple[str, ...]) -> Callable[..., tuple[Any, ...]]:
    return _function(parameters, f"({', '.join(texts)},)")


_OPERATORS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.Mod: "mod", ast.Pow: "pow"}


def _forward_function(text: str, operands: tuple[str, ...]) -> Callable[..., float]:
    """The forward as a function. Where the text is one operator or one call on the operands in order (``a * b``,
    ``math.tanh(a)``, ``sigmoid(a)``), that operator or function itself: the hot path then makes no extra Python
    call. Otherwise the text as a function, ``lambda a, b: b - a``."""
    body = parse(text).body
    in_order = lambda args: [getattr(x, "id", None) for x in args] == list(operands)  # noqa: E731
    if isinstance(body, ast.BinOp) and type(body.op) in _OPERATORS and in_order([body.left, body.right]):
        return getattr(operator, _OPERATORS[type(body.op)])
    if isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.USub) and in_order([body.operand]):
        return operator.neg
    if isinstance(body, ast.Call) and not body.keywords and in_order(body.args):
        return eval(compile(ast.Expression(body.func), "<op rule>", "eval"), globals())  # noqa: S307
    return _function(operands, text)


def _code(op: Op) -> tuple[str, ...]:
    """The op as program text: the forward, then one text per local derivative, with ``{a}``, ``{b}``, ``{out}``
    where the operands and the result go. A call of another op of the table is written as that op's own forward
    text (``SQRT(x)`` as ``math.sqrt(x)``): the same float, without the detour through the record. A rule given as
    functions is a call of them: ``{f}({a})``, ``{p}({a}, {out})[0]``."""
    if op.rule is None:
        args = "{a}" if op.arity == 1 else "{a}, {b}"
        return (f"{{f}}({args})", *(f"{{p}}({args}, {{out}})[{k}]" for k in range(op.arity)))
    return tuple(ast.unparse(_Template().visit(parse(text))) for text in op.rule)


class _Template(ast.NodeTransformer):
    """A rule's text as a template: the operands as ``{a}``, ``{b}``, ``{out}``; calls of the table's ops inlined."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        op = globals().get(node.func.id) if isinstance(node.func, ast.Name) else None  # an op of the table
        if isinstance(op, Op) and op.rule is not None and len(node.args) == op.arity:
            forward = parse(op.rule[0]).body
            return _Substitute(dict(zip(("a", "b"), node.args))).visit(forward)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(id="{" + node.id + "}") if node.id in ("a", "b", "out") else node


class _Substitute(ast.NodeTransformer):
    def __init__(self, by: dict[str, ast.expr]) -> None:
        self.by = by

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self.by.get(node.id, node)


# ---------------------------------------------------------------------------------------------------------------
# Helpers the rules call: each works on floats and on Values alike, and the constants they use.

LOG_OF_2 = math.log(2.0)
LOG_OF_10 = math.log(10.0)
PI = math.pi
RADIAN = math.radians(1.0)  # one degree in radians, pi / 180: d/da radians(a)
DEGREE = math.degrees(1.0)  # one radian in degrees, 180 / pi: d/da degrees(a)


def _data(x):
    return x if isinstance(x, (int, float)) else x.data


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


def reciprocal_or_0(x):
    """1 / x, and 0 where x is 0: torch's choice where a derivative would be 0 * inf (atan2 at the origin, and
    where a^2 + b^2 underflows to 0)."""
    return 0.0 if _data(x) == 0.0 else 1.0 / x


def sinc_slope(a, out):
    """d/da sinc(a) = (cos(pi a) - sinc a) / a. Near 0 the two terms agree in most of their digits and what is left
    is rounding (at 1e-9 the second derivative came out as -pi^2, not -pi^2/3), so there its series, from
    sinc a = sum_k (-1)^k (pi a)^(2k) / (2k+1)!:  -pi^2 a / 3 + pi^4 a^3 / 30 - pi^6 a^5 / 840, whose next term is
    below 1e-16 of it for |a| < 1e-3. It is 0 at 0, torch's slope there, and on Values its derivative is the
    series of sinc'' (-pi^2 / 3 at 0, where torch gives nan)."""
    if abs(_data(a)) < 1e-3:
        aa = a * a
        return a * (-PI * PI / 3.0 + aa * (PI**4 / 30.0 - aa * PI**6 / 840.0))
    return (COS(PI * a) - out) / a


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
    return out * LOG(base)


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
# Forward functions with a domain to respect or a formula that needs care. They raise; errors.op_error turns the
# error into a message naming the op, its operands and the op's domain.


def sigmoid(a):
    # sigma(x) = 1 / (1 + e^-x), written so that e^(+-x) never overflows (document 001, section 2.3)
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def softplus(a):
    # log(1 + e^a) = log(1 + e^-|a|) + max(a, 0): e^-|a| <= 1 never overflows, and log1p keeps its precision when
    # e^-|a| is tiny (a large and positive: softplus(a) = a + e^-a, not a + 0 after rounding 1 + e^-a to 1)
    return math.log1p(math.exp(-abs(a))) + (a if a > 0 else 0.0)


def logaddexp(a, b, log_of_base=1.0):
    # log(e^a + e^b) = max(a, b) + log(1 + e^-|a - b|): no overflow (numpy's and torch's formula). Equal operands
    # (the infinities too) give a + log 2; a NaN gives NaN. log_of_base = log 2 for logaddexp2 (base 2)
    if a == b:
        return a + LOG_OF_2 / log_of_base
    if a != a or b != b:
        return math.nan
    return max(a, b) + math.log1p(math.exp(-abs(a - b) * log_of_base)) / log_of_base


def logaddexp2(a, b):
    return logaddexp(a, b, LOG_OF_2)


def sinc(a):
    # sin(pi a) / (pi a), 1 at 0: numpy's and torch's normalised sinc
    return 1.0 if a == 0.0 else math.sin(PI * a) / (PI * a)


def _whole(rounding):
    def whole(a):  # math.floor gives an int and refuses inf and NaN; torch keeps them
        return float(rounding(a)) if math.isfinite(a) else a

    return whole


floor, ceil = _whole(math.floor), _whole(math.ceil)


def maximum(a, b):
    return a if a > b else (b if b >= a else math.nan)  # a NaN operand gives NaN, as torch.maximum


def minimum(a, b):
    return a if a < b else (b if b <= a else math.nan)


def power(a, b):
    # inf is allowed ((-2.0) ** inf = inf is real); a NaN exponent gives NaN, as in torch
    if a < 0 and not (math.isinf(b) or math.isnan(b) or b.is_integer()):
        raise ValueError("a negative base needs a whole-number exponent (the result would be complex)")
    return a**b


def power_of_values(a, b):
    if a < 0:
        raise ValueError("a negative base cannot be raised to a Value exponent (d/dy a**y needs log a)")
    return a**b


def exp_base(a, b):  # b ** a: the number b raised to the Value a
    if b < 0:
        raise ValueError("a negative base cannot be raised to a Value exponent (d/dy b**y needs log b)")
    return b**a


# ---------------------------------------------------------------------------------------------------------------
# The table: each op's equation, its forward value, its local derivatives. A rule may call another op of the table
# (SQRT(1.0 - a * a), COSH(a)): an op is a function on floats and Values. In a binary op ``b`` may be a number mixed
# in (kept inside the op); the ops that only ever see a number as ``b`` (rsub, rdiv, pow, rpow) give one partial.
# Adding an op is one record here: it is in OPS, a Value method (when its symbol is a name), a function of the
# formula parser, compiled, drawn and traced from this line alone.

ADD = binary("add", "+", "out = a + b;  dout/da = 1, dout/db = 1", "a + b", ("1.0", "1.0"), commutative=True)
SUB = binary("sub", "-", "out = a - b;  dout/da = 1, dout/db = -1", "a - b", ("1.0", "-1.0"))
RSUB = binary("rsub", "-", "out = b - a (b a number);  dout/da = -1", "b - a", "-1.0", reflected=True)
MUL = binary("mul", "*", "out = a * b;  dout/da = b, dout/db = a", "a * b", ("b", "a"), commutative=True)
DIV = binary(
    "div", "/", "out = a / b;  dout/da = 1/b, dout/db = -a/b^2 = -out/b", "a / b", ("1.0 / b", "-out / b"),
    domain="the divisor must not be 0",
)  # fmt: skip
RDIV = binary(
    "rdiv", "/", "out = b / a (b a number);  dout/da = -b/a^2 = -out/a", "b / a", "-out / a",
    domain="the divisor must not be 0", reflected=True,
)  # fmt: skip
MOD = binary(
    "mod", "%", "out = a % b = a - b floor(a/b);  dout/da = 1, dout/db = -floor(a/b)",
    "a % b", ("1.0", "-floor_quotient(a, b)"), domain="the divisor must not be 0",
)  # fmt: skip
RMOD = binary(
    "rmod", "%", "out = b % a (b a number) = b - a floor(b/a);  dout/da = -floor(b/a)",
    "b % a", "-floor_quotient(b, a)", domain="the divisor must not be 0", reflected=True,
)  # fmt: skip
POW = binary("pow", "**", "out = a ** b (b a number);  dout/da = b * a^(b-1)", "power(a, b)", "power_rule(a, b)")
POWV = binary(
    "powv", "**", "out = a ** b;  dout/da = b * a^(b-1), dout/db = a^b * log a",
    "power_of_values(a, b)", ("power_rule(a, b)", "times_log(out, a)"),
)  # fmt: skip
RPOW = binary(
    "rpow", "**", "out = b ** a (b a number);  dout/da = b^a * log b", "exp_base(a, b)", "times_log(out, b)",
    reflected=True,
)  # fmt: skip
MAXIMUM = binary(
    "maximum", "max",
    "out = max(a, b);  dout/da = 1 if a > b, 0 if a < b, 1/2 at a tie (torch's split); dout/db likewise",
    "maximum(a, b)", ("larger(a, b)", "larger(b, a)"), commutative=True,
)  # fmt: skip
MINIMUM = binary(
    "minimum", "min",
    "out = min(a, b);  dout/da = 1 if a < b, 0 if a > b, 1/2 at a tie (torch's split); dout/db likewise",
    "minimum(a, b)", ("larger(b, a)", "larger(a, b)"), commutative=True,
)  # fmt: skip
HYPOT = binary(
    "hypot", "hypot", "out = sqrt(a^2 + b^2);  dout/da = a/out, dout/db = b/out", "math.hypot(a, b)",
    ("a / out", "b / out"), commutative=True,
)  # fmt: skip
ATAN2 = binary(
    "atan2", "atan2",
    "out = atan2(a, b), the angle of the point (b, a);  dout/da = b/(a^2 + b^2), dout/db = -a/(a^2 + b^2), 0 at (0, 0)",
    "math.atan2(a, b)", ("b * reciprocal_or_0(a * a + b * b)", "-a * reciprocal_or_0(a * a + b * b)"),
    aliases=("arctan2",),
)  # fmt: skip
LOGADDEXP = binary(
    "logaddexp", "logaddexp",
    "out = log(e^a + e^b);  dout/da = e^a / (e^a + e^b) = sigmoid(a - b), dout/db = sigmoid(b - a)",
    "logaddexp(a, b)", ("SIGMOID(a - b)", "SIGMOID(b - a)"), commutative=True,
)  # fmt: skip
LOGADDEXP2 = binary(
    "logaddexp2", "logaddexp2",
    "out = log2(2^a + 2^b);  dout/da = 2^a / (2^a + 2^b) = sigmoid((a - b) log 2), dout/db likewise",
    "logaddexp2(a, b)", ("SIGMOID((a - b) * LOG_OF_2)", "SIGMOID((b - a) * LOG_OF_2)"), commutative=True,
)  # fmt: skip

NEG = unary("neg", "out = -a;  dout/da = -1", "-a", "-1.0", symbol="-")
ABS = unary("abs", "out = |a|;  dout/da = sign a (0 at 0)", "abs(a)", "sign(a)")
SIGN = unary("sign", "out = sign a (-1, 0 or 1);  dout/da = 0", "sign(a)", "0.0")
FLOOR = unary("floor", "out = floor a, the whole number at or below a;  dout/da = 0", "floor(a)", "0.0")
CEIL = unary("ceil", "out = ceil a, the whole number at or above a;  dout/da = 0", "ceil(a)", "0.0")
EXP = unary("exp", "out = e^a;  dout/da = e^a = out", "math.exp(a)", "out")
EXPM1 = unary("expm1", "out = e^a - 1, exact for tiny a;  dout/da = e^a = out + 1", "math.expm1(a)", "out + 1.0")
EXP2 = unary("exp2", "out = 2^a;  dout/da = 2^a log 2 = out log 2", "2.0 ** a", "out * LOG_OF_2")
LOG = unary("log", "out = log a;  dout/da = 1/a", "math.log(a)", "1.0 / a", domain="the argument must be positive")
LOG1P = unary(
    "log1p", "out = log(1 + a), exact for tiny a;  dout/da = 1 / (1 + a)", "math.log1p(a)", "1.0 / (1.0 + a)",
    domain="the argument must be greater than -1",
)  # fmt: skip
LOG2 = unary(
    "log2", "out = log2 a = log a / log 2;  dout/da = 1 / (a log 2)", "math.log2(a)", "1.0 / (a * LOG_OF_2)",
    domain="the argument must be positive",
)  # fmt: skip
LOG10 = unary(
    "log10", "out = log10 a = log a / log 10;  dout/da = 1 / (a log 10)", "math.log10(a)", "1.0 / (a * LOG_OF_10)",
    domain="the argument must be positive",
)  # fmt: skip
SQRT = unary(
    "sqrt", "out = sqrt a;  dout/da = 1 / (2 sqrt a) = 0.5/out", "math.sqrt(a)", "0.5 / out",
    domain="the argument must not be negative",
)  # fmt: skip
SIN = unary("sin", "out = sin a;  dout/da = cos a", "math.sin(a)", "COS(a)", domain="the argument must be finite")
COS = unary("cos", "out = cos a;  dout/da = -sin a", "math.cos(a)", "-SIN(a)", domain="the argument must be finite")
TAN = unary(
    "tan", "out = tan a;  dout/da = 1 / cos(a)^2 = 1 + out^2", "math.tan(a)", "1.0 + out * out",
    domain="the argument must be finite",
)  # fmt: skip
ASIN = unary(
    "asin", "out = asin a;  dout/da = 1 / sqrt(1 - a^2)", "math.asin(a)", "1.0 / SQRT(1.0 - a * a)",
    domain="the argument must be in [-1, 1]", aliases=("arcsin",),
)  # fmt: skip
ACOS = unary(
    "acos", "out = acos a;  dout/da = -1 / sqrt(1 - a^2)", "math.acos(a)", "-1.0 / SQRT(1.0 - a * a)",
    domain="the argument must be in [-1, 1]", aliases=("arccos",),
)  # fmt: skip
ATAN = unary(
    "atan", "out = atan a;  dout/da = 1 / (1 + a^2)", "math.atan(a)", "1.0 / (1.0 + a * a)", aliases=("arctan",)
)
SINH = unary("sinh", "out = sinh a = (e^a - e^-a) / 2;  dout/da = cosh a", "math.sinh(a)", "COSH(a)")
COSH = unary("cosh", "out = cosh a = (e^a + e^-a) / 2;  dout/da = sinh a", "math.cosh(a)", "SINH(a)")
TANH = unary("tanh", "out = tanh a;  dout/da = 1 - tanh(a)^2 = 1 - out^2", "math.tanh(a)", "1.0 - out * out")
ASINH = unary(
    "asinh", "out = asinh a = log(a + sqrt(a^2 + 1));  dout/da = 1 / sqrt(a^2 + 1)", "math.asinh(a)",
    "1.0 / SQRT(a * a + 1.0)", aliases=("arcsinh",),
)  # fmt: skip
ACOSH = unary(
    "acosh", "out = acosh a = log(a + sqrt(a^2 - 1));  dout/da = 1 / sqrt(a^2 - 1)", "math.acosh(a)",
    "1.0 / SQRT(a * a - 1.0)", domain="the argument must be at least 1", aliases=("arccosh",),
)  # fmt: skip
ATANH = unary(
    "atanh", "out = atanh a = log((1 + a) / (1 - a)) / 2;  dout/da = 1 / (1 - a^2)", "math.atanh(a)",
    "1.0 / (1.0 - a * a)", domain="the argument must be between -1 and 1 (not at them)", aliases=("arctanh",),
)  # fmt: skip
# document 001, section 2.3: sigma'(x) = sigma(x) (1 - sigma(x))
SIGMOID = unary("sigmoid", "out = 1 / (1 + e^-a);  dout/da = out (1 - out)", "sigmoid(a)", "out * (1.0 - out)")
RELU = unary(
    "relu", "out = max(a, 0);  dout/da = 1 if a > 0 else 0", "0.0 if a <= 0.0 else a",  # NaN passes, as in torch
    "0.0 if a <= 0.0 else 1.0", symbol="ReLU",
)  # fmt: skip
SOFTPLUS = unary(
    "softplus", "out = log(1 + e^a) = log1p(e^-|a|) + max(a, 0);  dout/da = e^a / (1 + e^a) = sigmoid(a)",
    "softplus(a)", "SIGMOID(a)",
)  # fmt: skip
SINC = unary(
    "sinc", "out = sin(pi a) / (pi a), 1 at 0;  dout/da = (cos(pi a) - out) / a, its series near 0 (0 at 0)",
    "sinc(a)", "sinc_slope(a, out)", domain="the argument must be finite",
)  # fmt: skip
DEG2RAD = unary(
    "deg2rad", "out = a pi / 180 (degrees to radians);  dout/da = pi / 180", "math.radians(a)", "RADIAN",
    aliases=("radians",),
)  # fmt: skip
RAD2DEG = unary(
    "rad2deg", "out = a 180 / pi (radians to degrees);  dout/da = 180 / pi", "math.degrees(a)", "DEGREE",
    aliases=("degrees",),
)  # fmt: skip

# every record above, in the order written: the table the engine, the parser, the compiler and the tests read
OPS: dict[str, Op] = {op.name: op for op in list(globals().values()) if isinstance(op, Op)}

# what a rule may name besides its operands and math's functions: the ops above, the helpers and constants
RULE_NAMES = frozenset(
    [name for name, x in globals().items() if isinstance(x, Op)]
    + ["abs", "max", "min", "step", "sign", "larger", "reciprocal_or_0", "floor_quotient", "times_log", "power_rule"]
    + ["sinc_slope"]
    + ["LOG_OF_2", "LOG_OF_10", "PI", "RADIAN", "DEGREE"]
    + ["sigmoid", "softplus", "logaddexp", "logaddexp2", "sinc", "floor", "ceil", "maximum", "minimum"]
    + ["power", "power_of_values", "exp_base"]
)
for _op in OPS.values():  # the table's rules, checked now that every name they may use exists
    for _text, _operands in zip(_op.rule or (), [("a", "b")] + [("a", "b", "out")] * _op.arity):
        _checked_rule(_op.name, _text, _operands)
