"""A strict, safe parser for the small formulas of ``autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88``.

Hand-written: a tokenizer and a recursive-descent parser over this grammar (Python's precedence, so a formula
means what it would mean in Python; ``**`` binds tighter than unary minus on its left and is right-associative)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/" | "%") unary)*   # x * 7 % 3 = (x * 7) % 3,  -x % 3 = (-x) % 3
    unary  := ("-" | "+") unary | power
    power  := atom ("**" unary)?               # 2**3**2 = 2**(3**2) = 512,  -x**2 = -(x**2),  2**-1 = 0.5
    atom   := NUMBER | NAME | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

and nothing else: no attribute access, no calls other than the engine's functions, no strings, no keywords, no
indexing. The functions come from the op table (``ops.OPS``): every one-operand op by its name (``tanh(x)``,
``relu(x)``), and every two-operand op whose symbol is a name, called with two arguments as the drawing writes it
(``max(x, y)``, ``min(x, 2)``); a call must have exactly as many arguments as the op has operands. Python's
``eval`` and ``ast`` are never used, so no formula can run code. Nesting is limited (``MAX_DEPTH``), so no formula
can exhaust the stack, and the arithmetic is the engine's float arithmetic, so ``9**9**9`` overflows at once (a
clear error) instead of computing a huge integer.

Every problem is a ``FormulaError``: one line saying what is wrong and what to do, with the column, and
``err.show()`` adds the formula with a caret under the offending part::

    attribute access ('.') is not allowed: a formula has numbers, variables, operators and functions only
      x.__class__
       ^

The result is built with the engine: each variable is one leaf ``Value`` whose label is the variable's name
(used twice, it is the same leaf, so ``x*x`` has d/dx = 2x), and numbers stay numbers mixed into the op
(``x * 3`` is one node with operands (x, 3.0)), as the engine draws them.
"""

import keyword
import math
import operator
import re
from collections.abc import Mapping
from typing import Any

from autograd_mini import modes
from autograd_mini.engine import Value, backward_steps, topological_order
from autograd_mini.ops import OPS, Op

_CALLS: dict[str, Op] = {name: op for op in OPS.values() if op.arity == 1 and op.name != "neg" for name in op.names}
_CALLS.update(  # max(x, y) is maximum: a binary op by its symbol, when that is a name (and by its aliases: arctan2)
    (name, op)
    for op in OPS.values()
    if op.arity == 2 and op.symbol.isidentifier() and not op.reflected
    for name in (op.symbol, *op.aliases)
)

FUNCTIONS = tuple(name for name, op in _CALLS.items() if op.arity == 1)
"""The one-argument functions a formula may call: the engine's unary ops, by name (from the op table; -x is written
with a sign)."""

FUNCTIONS_OF_TWO = tuple(name for name, op in _CALLS.items() if op.arity == 2)
"""The two-argument functions: the op table's binary ops whose symbol is a name (``max``, ``min``), called as the
drawing writes them, ``max(x, y)``."""

OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "**": operator.pow,
}
"""The binary operators of the grammar, applied with Python's operators, so a Value picks its op from the table
(``3 - x`` is rsub, ``x ** y`` with a Value exponent is powv)."""

MAX_DEPTH = 40
"""Deepest nesting of parentheses, function calls, unary signs and powers a formula may have."""

MAX_LENGTH = 2000
"""Longest formula in characters; a drawing of anything longer would not be readable anyway."""

ALLOWED = (
    f"numbers, variables, {' '.join(OPERATORS)}, parentheses and the functions {', '.join(FUNCTIONS)}, "
    + ", ".join(f"{name}(x, y)" for name in FUNCTIONS_OF_TWO)
)
"""What a formula may contain, in one line (for error messages and the command's help)."""

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t]+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/%(),])
    """,
    re.VERBOSE | re.ASCII,
)

# Characters people try, and what to tell them.
_EXPLAIN = {
    ".": "attribute access ('.') is not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "[": "indexing ('[') is not allowed",
    "]": "indexing (']') is not allowed",
    "{": "'{' is not allowed",
    "}": "'}' is not allowed",
    "^": "'^' is not allowed: write powers as x**2",
    "=": "'=' is not allowed: give variable values as options, e.g. --x 2",
    ";": "';' is not allowed: a formula is one expression",
    "\n": "a line break is not allowed: a formula is one line",
    "@": "'@' is not allowed",
    "_": "'_' is not allowed here",
}


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated: what is wrong, where (column), and what to do.

    ``str(err)`` is one line; ``err.show()`` adds the formula and a caret line under the offending part.
    """

    def __init__(self, reason, text="", column=None, width=1):
        self.reason = reason
        self.text = text
        self.column = column  # 0-based index into text, or None when the problem has no place in the formula
        self.width = max(1, width)
        where = f" (column {column + 1})" if column is not None else ""
        super().__init__(f"{reason}{where}")

    def caret(self, context=40):
        """The formula and a caret line under the offending part (empty when there is no place to point at).

        Only ``context`` characters either side of the part are shown (``...`` marks the cuts), and control
        characters are shown as ``?``, so a terminal never receives escape sequences or a megabyte of text."""
        if self.column is None or not self.text:
            return ""
        start = max(0, self.column - context)
        end = min(len(self.text), self.column + min(self.width, 2 * context) + context)
        line = "".join(ch if ch.isprintable() else "?" for ch in self.text[start:end])
        left = "..." if start else ""
        width = min(self.width, max(1, end - self.column))
        return f"  {left}{line}{'...' if end < len(self.text) else ''}\n  {' ' * (len(left) + self.column - start)}" + (
            "^" * width
        )

    def show(self):
        caret = self.caret()
        return f"{self}\n{caret}" if caret else str(self)


# -- tokens ---------------------------------------------------------------------------------------------------


class _Tok:
    __slots__ = ("kind", "text", "start", "end", "error")

    def __init__(self, kind, text, start, end):
        self.kind = kind  # "number", "name", "op", "end", or "bad" (with its FormulaError in .error)
        self.text = text
        self.start = start
        self.end = end
        self.error = None


def tokenize(text):
    """The formula's tokens (numbers, names, operators), or a FormulaError at the first character that is none."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is {len(text)} characters long; the limit is {MAX_LENGTH} (formula.MAX_LENGTH)",
            text,
            MAX_LENGTH,
        )
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            reason = _EXPLAIN.get(ch) or f"the character {ch!r} is not allowed"
            bad = _Tok("bad", ch, pos, pos + 1)
            bad.error = FormulaError(f"{reason}: a formula has {ALLOWED} only", text, pos)
            tokens.append(bad)  # the parser raises this when it gets here, so the leftmost problem is reported
            return tokens
        kind = m.lastgroup
        if kind == "number":
            end = m.end()
            if end < len(text) and (text[end].isalpha() or text[end] == "_"):  # 2x, 1e, 3abc
                bad = _Tok("bad", text[m.start() : end + 1], m.start(), end + 1)
                bad.error = FormulaError(
                    f"a number runs into a name ({text[m.start() : end + 1]!r}): write multiplication as 2*x",
                    text,
                    m.start(),
                    end + 1 - m.start(),
                )
                tokens.append(bad)
                return tokens
        if kind != "space":
            tokens.append(_Tok(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    tokens.append(_Tok("end", "", len(text), len(text)))
    return tokens


# -- the tree -------------------------------------------------------------------------------------------------
# Nodes are tuples: ("num", value, start, end), ("var", name, start, end), ("neg", child, start, end),
# ("call", name, arguments, start, end) with a tuple of argument nodes, ("bin", symbol, left, right, start, end)
# where start:end is the span in the formula of the whole sub-expression (for carets), and for "bin" the operator's
# own position is kept too.


class Formula:
    """A parsed formula: ``variables`` (names in order of first appearance) and ``evaluate(values)``."""

    def __init__(self, text, tree, variables, first_use):
        self.text = text
        self.tree = tree
        self.variables = tuple(variables)
        self._first_use = first_use  # name -> (start, end) of its first occurrence

    def __repr__(self):
        return f"Formula({self.text!r}, variables={self.variables!r})"

    def evaluate(self, values, allow_unused=False, _spans=None):
        """The formula's value as a ``Value`` graph, with one labelled leaf per variable.

        ``values`` maps each variable name to a number (a new leaf ``Value(number, label=name)`` is made) or to a
        ``Value`` (used as it is). Returns ``(output, leaves)``: the output node and a dict name -> leaf Value.
        """
        missing = [name for name in self.variables if name not in values]
        if missing:
            start, end = self._first_use[missing[0]]
            options = " ".join(f"--{name} VALUE" for name in missing)
            raise FormulaError(
                f"no value for the variable{'s' if len(missing) > 1 else ''} {', '.join(missing)}: give {options}",
                self.text,
                start,
                end - start,
            )
        unused = [name for name in values if name not in self.variables]
        if unused and not allow_unused:
            raise FormulaError(
                f"a value was given for {', '.join(map(repr, unused))}, which the formula does not use "
                f"(its variables: {', '.join(self.variables) or 'none'})"
            )
        leaves = {}
        for name in self.variables:
            v = values[name]
            if not isinstance(v, Value):
                try:
                    v = Value(v, label=name)
                except TypeError as err:
                    raise FormulaError(f"the value of {name} must be a number: {err}") from None
            if not math.isfinite(v.data):
                raise FormulaError(f"the value of {name} must be a finite number, got {v.data!r}")
            leaves[name] = v
        out = _Evaluator(self.text, leaves, _spans).eval(self.tree)
        if not isinstance(out, Value):
            raise FormulaError(
                f"the formula has no variables (it is the constant {out!r}): nothing to differentiate; "
                "use a name, e.g. x*2",
                self.text,
                0,
                len(self.text),
            )
        return out, leaves


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.variables = []
        self.first_use = {}

    # helpers
    def peek(self):
        tok = self.tokens[self.i]
        if tok.error is not None:
            raise tok.error
        return tok

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def error(self, reason, tok_or_start, width=None):
        if isinstance(tok_or_start, _Tok):
            start, width = tok_or_start.start, max(1, tok_or_start.end - tok_or_start.start)
        else:
            start = tok_or_start
        return FormulaError(reason, self.text, start, width or 1)

    def enter(self, tok):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the formula nests deeper than {MAX_DEPTH} levels (formula.MAX_DEPTH); simplify it", tok)

    def leave(self):
        self.depth -= 1

    # grammar
    def parse(self):
        if self.peek().kind == "end":
            raise FormulaError(f"the formula is empty: write an expression of {ALLOWED}", self.text, 0)
        tree = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            if tok.text == ")":
                raise self.error("unmatched ')': there is no '(' for it", tok)
            if tok.text == ",":
                raise self.error(_COMMA_OUTSIDE_CALL, tok)
            if tok.kind == "name" and (keyword.iskeyword(tok.text) or keyword.issoftkeyword(tok.text)):
                raise self.error(f"{tok.text!r} is a Python keyword, not allowed in a formula of {ALLOWED}", tok)
            raise self.error(f"unexpected {_describe(tok)} after a complete expression: is an operator missing?", tok)
        return Formula(self.text, tree, self.variables, self.first_use)

    def expr(self):
        left = self.term()
        while self.peek().text in ("+", "-") and self.peek().kind == "op":
            op = self.take()
            right = self.term()
            left = ("bin", op.text, left, right, _start(left), _end(right), op.start)
        return left

    def term(self):
        left = self.unary()
        while self.peek().text in ("*", "/", "%") and self.peek().kind == "op":
            op = self.take()
            right = self.unary()
            left = ("bin", op.text, left, right, _start(left), _end(right), op.start)
        return left

    def unary(self):
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("-", "+"):
            self.take()
            self.enter(tok)
            child = self.unary()
            self.leave()
            if tok.text == "+":
                return child
            return ("neg", child, tok.start, _end(child))
        return self.power()

    def power(self):
        base = self.atom()
        tok = self.peek()
        if tok.kind == "op" and tok.text == "**":
            self.take()
            self.enter(tok)
            exponent = self.unary()  # right-associative: a**b**c = a**(b**c); 2**-1 allowed
            self.leave()
            return ("bin", "**", base, exponent, _start(base), _end(exponent), tok.start)
        return base

    def atom(self):
        tok = self.take()
        if tok.kind == "number":
            value = float(tok.text)
            if not math.isfinite(value):
                raise self.error(f"the number {tok.text} is too large for a float (above 1.8e308)", tok)
            return ("num", value, tok.start, tok.end)
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "op" and tok.text == "(":
            self.enter(tok)
            inner = self.expr()
            self.leave()
            close = self.take()
            if close.text == "," and close.kind == "op":
                raise self.error(_COMMA_OUTSIDE_CALL, close)
            if close.text != ")" or close.kind != "op":
                raise self.error(f"'(' is never closed: expected ')' but found {_describe(close)}", tok)
            return _respan(inner, tok.start, close.end)  # the span of "(...)" includes its parentheses
        if tok.kind == "end":
            raise self.error("the formula ends where a number, variable or '(' was expected", tok.start)
        if tok.text == ")":
            raise self.error("')' where a number, variable or '(' was expected", tok)
        if tok.text == "**":
            raise self.error("'**' needs a number or variable on its left", tok)
        raise self.error(f"{_describe(tok)} needs a number or variable on its left", tok)

    def name(self, tok):
        name = tok.text
        if keyword.iskeyword(name) or keyword.issoftkeyword(name):
            raise self.error(f"{name!r} is a Python keyword, not allowed in a formula of {ALLOWED}", tok)
        if name.startswith("_"):
            raise self.error(f"names starting with '_' ({name!r}) are not allowed: variables are plain names", tok)
        following = self.peek()
        calls = following.kind == "op" and following.text == "("
        if calls:
            return self.call(tok)
        if name in _CALLS:
            raise self.error(f"{name} is a function: call it with parentheses, e.g. {_example(name)}", tok)
        if name not in self.first_use:
            self.variables.append(name)
            self.first_use[name] = (tok.start, tok.end)
        return ("var", name, tok.start, tok.end)

    def call(self, tok):
        """name(argument, ...) for a function of the op table, with exactly as many arguments as the op's operands."""
        name = tok.text
        op = _CALLS.get(name)
        if op is None:
            functions = ", ".join((*FUNCTIONS, *FUNCTIONS_OF_TWO))
            raise self.error(f"calling {name!r} is not allowed: the functions are {functions}", tok)
        open_ = self.take()
        self.enter(tok)
        arguments = []
        surplus = None  # the ',' that starts the first argument too many
        if not self.at(")"):
            arguments.append(self.expr())
            while self.at(","):
                comma = self.take()
                if len(arguments) == op.arity and surplus is None:
                    surplus = comma
                arguments.append(self.expr())
        self.leave()
        close = self.take()
        if not (close.kind == "op" and close.text == ")"):
            if close.kind == "end":
                raise self.error(f"'(' of {name}( is never closed", open_)
            expected = "',' or ')'" if op.arity > 1 else "')'"
            raise self.error(f"{name}(...): expected {expected} but found {_describe(close)}", close)
        if len(arguments) != op.arity:
            # too many: the caret under the surplus arguments; too few: under the ')' that comes too early
            start = surplus.start if surplus is not None else close.start
            end = _end(arguments[-1]) if surplus is not None else close.end
            raise self.error(
                f"{name}() takes {op.arity} argument{'s' if op.arity > 1 else ''}, got {len(arguments)}: "
                f"write {_example(name)}",
                start,
                end - start,
            )
        return ("call", name, tuple(arguments), tok.start, close.end)

    def at(self, text):
        tok = self.peek()
        return tok.kind == "op" and tok.text == text


_COMMA_OUTSIDE_CALL = "',' outside a function call: ',' separates the two arguments of " + (
    " and ".join(f"{name}(x, y)" for name in FUNCTIONS_OF_TWO) or "a function of two arguments"
)


def _example(name):
    """A call of the function with the right number of arguments: tanh(x), max(x, y)."""
    return f"{name}({', '.join(('x', 'y')[: _CALLS[name].arity])})"


def _describe(tok):
    if tok.kind == "end":
        return "the end of the formula"
    return f"{tok.text!r}"


def _start(node):
    return node[-3] if node[0] == "bin" else node[-2]


def _end(node):
    return node[-2] if node[0] == "bin" else node[-1]


def _respan(node, start, end):
    if node[0] == "bin":
        return (*node[:-3], start, end, node[-1])
    return (*node[:-2], start, end)


# -- evaluation with the engine -------------------------------------------------------------------------------


class _Evaluator:
    """Builds the Value graph; any engine error becomes a FormulaError pointing at the sub-expression."""

    def __init__(self, text, leaves, spans=None):
        self.text = text
        self.leaves = leaves
        self.spans = {} if spans is None else spans  # id(node) -> (start, end) of the sub-expression it computes

    def fail(self, node, err):
        start, end = _start(node), _end(node)
        part = self.text[start:end]
        message = str(err) or type(err).__name__
        return FormulaError(f"{part} cannot be computed: {message}", self.text, start, end - start)

    def negative_base(self, node, a, b):
        """a**b with a < 0 and a variable exponent: the value may exist ((-2)**2 = 4), d/db = a**b * log(a) does not."""
        whole, base, exponent = (self.text[_start(n) : _end(n)] for n in (node, node[2], node[3]))
        try:
            value = f"the value is {math.pow(a, b):g}, but"
        except (ValueError, OverflowError):
            value = "it is not a real number, and"
        return FormulaError(
            f"{whole} at {base} = {a:g}, {exponent} = {b:g}: {value} the derivative with respect to the exponent, "
            f"d/d{exponent} = {whole} * log({base}), is undefined for {base} < 0; the engine takes a power with a "
            f"variable exponent only for a base >= 0: choose {base} >= 0"
            + (f", or write the exponent as a number ({base}**{b:g})" if float(b).is_integer() else ""),
            self.text,
            _start(node),
            _end(node) - _start(node),
        )

    def check(self, node, result):
        value = result.data if isinstance(result, Value) else result
        if not math.isfinite(value):
            start, end = _start(node), _end(node)
            raise FormulaError(
                f"{self.text[start:end]} = {value!r} is not a finite number (float overflow); use smaller values",
                self.text,
                start,
                end - start,
            )
        if isinstance(result, Value) and not result.is_leaf:
            self.spans.setdefault(id(result), (_start(node), _end(node)))
        return result

    def eval(self, node):
        # Recursion depth is bounded: the parser refused anything nested deeper than MAX_DEPTH, and the long flat
        # chains (a + b + c ...) are left-deep but at most MAX_LENGTH / 2 long; we walk those iteratively below.
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "var":
            return self.leaves[node[1]]
        if kind == "bin" and node[1] != "**":
            return self.chain(node)
        try:
            if kind == "neg":
                x = self.eval(node[1])
                result = -x
            elif kind == "call":
                result = _call(_CALLS[node[1]], *(self.eval(argument) for argument in node[2]))
            else:  # "**"
                a, b = self.eval(node[2]), self.eval(node[3])
                if isinstance(a, Value) and isinstance(b, Value) and a.data < 0:
                    raise self.negative_base(node, a.data, b.data)
                result = _apply("**", a, b)
        except (ArithmeticError, ValueError) as err:
            if isinstance(err, FormulaError):
                raise
            raise self.fail(node, err) from None
        return self.check(node, result)

    def chain(self, node):
        # a + b - c * d ...: a left-deep spine of + - * / nodes, evaluated bottom-up without recursion along it
        spine = []
        while node[0] == "bin" and node[1] != "**":
            spine.append(node)
            node = node[2]
        acc = self.eval(node)
        for link in reversed(spine):
            right = self.eval(link[3])
            try:
                result = _apply(link[1], acc, right)
            except (ArithmeticError, ValueError) as err:
                if isinstance(err, FormulaError):
                    raise
                raise self.fail(link, err) from None
            acc = self.check(link, result)
        return acc


def _apply(symbol, a, b):
    if isinstance(a, Value) or isinstance(b, Value):
        return OPERATORS[symbol](a, b)  # a Value's operator picks the op: 3 - x is rsub, 3 % x is rmod
    # two numbers: computed by the engine on a throwaway leaf (the same domain checks and messages, float arithmetic)
    return _apply(symbol, Value(a), b).data


def _call(op, a, b=None):
    """op(a) or op(a, b) applied by the engine, the Value first (max(2, x) is max(x, 2): the op is commutative)."""
    if isinstance(a, Value):
        return a.apply(op, b)
    if isinstance(b, Value):
        return b.apply(op, a) if op.commutative else Value(a).apply(op, b)
    # numbers only: computed by the engine on a throwaway leaf (the same domain checks and messages)
    return Value(a).apply(op, b).data


# -- the public functions -------------------------------------------------------------------------------------


def parse(text: str) -> Formula:
    """Parse a formula (syntax only, no values needed): a ``Formula`` or a ``FormulaError``."""
    return _Parser(text).parse()


def build(text: str, values: Mapping[str, Any], allow_unused: bool = False) -> tuple[Value, dict[str, Value]]:
    """Parse ``text`` and build its graph with the engine: ``(output, leaves)``, leaves a dict name -> Value."""
    return parse(text).evaluate(values, allow_unused=allow_unused)


def differentiate(text: str, values: Mapping[str, Any], allow_unused: bool = False) -> tuple[Value, dict[str, Value]]:
    """Build the formula, run ``backward()`` and return ``(output, leaves)`` with each leaf's ``.grad`` filled.

    A derivative that is not finite at the given point (sqrt at 0, log near 0 ...) is a FormulaError pointing at
    the sub-expression whose local derivative fails. Like the other transforms, it decides its own grad mode: an
    outer ``no_grad()`` does not turn its gradients into zeros.
    """
    formula = parse(text)
    spans: dict[int, tuple[int, int]] = {}
    with modes.enable_grad():
        out, leaves = formula.evaluate(values, allow_unused=allow_unused, _spans=spans)
    try:
        out.backward()
    except (ArithmeticError, ValueError) as err:
        raise _backward_error(out, spans, formula.text, err) from None
    bad = [name for name, leaf in leaves.items() if not math.isfinite(leaf.grad)]
    if bad:
        raise _backward_error(out, spans, formula.text, None, bad)
    return out, leaves


def _backward_error(out, spans, text, err, bad=None):
    """The FormulaError for a failed backward pass: it points at the first node, in the order backward() passes
    gradients back, whose local derivative is not finite (or does not exist) at this point."""
    node: Any = None
    try:
        for step in backward_steps(topological_order(out)):  # the walk backward() takes
            _, _, da, b, db = step
            if not (math.isfinite(da) and (b is None or math.isfinite(db))):
                node = step[0]
                break
    except (ArithmeticError, ValueError) as failure:  # the derivative does not exist here; the walk names the node
        node = getattr(failure, "node", None)
    if node is not None:
        start, end = spans.get(id(node), (0, len(text)))
        return FormulaError(
            f"the derivative of {text[start:end]} is not finite at this point "
            f"({node.op.name} at {node.operands[0].data!r}); choose other values",
            text,
            start,
            end - start,
        )
    what = f"the gradients of {', '.join(bad)} are not finite" if bad else str(err)
    return FormulaError(f"backward failed: {what}; choose other values", text, 0, len(text))
