"""Trace once, replay fast: a function of Values written out as its forward program and its adjoint.

``compile(f, example)`` calls ``f`` once on Values holding the example's numbers (the trace), and writes the graph it
built as straight-line Python: one assignment per node, inputs first (the forward program, a Wengert list), then,
from the output back, one line per operand that the chain rule adds to (the adjoint program)

    o = math.tanh(n)             # tanh
    ...
    g_o = 1.0
    g_n = g_o * (1.0 - o * o)    # tanh

where ``g_v`` is d output / d v. Each line is an op's ``code`` from the table in ``ops.py`` with the operands' names
put in, so the program computes the same floats as the node engine, in the same order: the forward value of every
node, and each operand's ``+= upstream * local`` of ``backward()``. The program is compiled once with Python's
``compile()`` (the numbers of the trace that are not arguments become literals, the arguments become parameters;
nothing the user wrote is evaluated as code), and every call replays it: no ``Value`` is made, no graph walked.

The limit of tracing (as ``torch.jit.trace`` and ``jax.jit``): the program is the path ``f`` took at the example.
Python control flow that looks at values (``if x.data > 0``, ``max(z.data for z in zs)``) is not in the graph, so
the program keeps the branch, or the number, of the example. ``step.check(points)`` replays ``f`` with the node engine
at other points and reports where the program differs; ops that branch inside themselves (``relu``, ``abs``) are
fine, their branch is part of their code.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import functools
import inspect
import keyword
import linecache
import math
import numbers as numbers_
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

from autograd_mini import ops
from autograd_mini.engine import Value
from autograd_mini.errors import as_float, derivative_error, op_error
from autograd_mini.naming import graph_order, node_names

__all__ = ["CheckReport", "CompiledStep", "Program", "compile", "compile_graph"]

_NAMESPACE = {name: value for name, value in vars(ops).items() if not name.startswith("__")}
_RESERVED = set(_NAMESPACE) | set(dir(builtins)) | set(keyword.kwlist) | {"args", "seed"}
_files = count(1)
_WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*")  # a name, not an attribute (math.sin: math)


# -- writing the program ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the program: its text, the node it belongs to, and whether it is forward or adjoint."""

    text: str
    node: Value | None
    phase: str  # "forward", "backward", or "" (the function's head, the seed, the return)


class Program:
    """The forward and adjoint program of one traced graph: ``source`` and its ``lines``.

    ``outputs``: the Values the program returns. ``arguments``: the leaves that become its parameters, in order.
    ``wrt``: the arguments it returns gradients of (default: all). ``seed``: where the backward pass starts:
    ``"one"`` (d out / d out = 1), ``"number"`` (the function takes a second parameter ``seed``, the number d L / d out
    for one output), or ``"callback"`` (``seed`` is a function, called with the outputs' values, that returns d L / d
    output, one number per output: the program then backpropagates a loss computed outside it). ``accumulate``: the
    function takes a third parameter ``grads``, the gradients the ``wrt`` arguments start from, and adds to them, as
    ``backward()`` adds to the leaves' ``.grad`` (a loop over samples sums its gradients that way). ``per_sample``:
    the arguments that change from sample to sample (a model's inputs): the function becomes
    ``step(samples, params, seed, grads)`` and runs the program once for each sample inside one loop, the other
    arguments (``params``) unpacked once and each ``wrt`` gradient summed in one local over the samples; it returns the
    summed gradients (each sample's outputs reach only ``seed``, so it needs ``seed="callback"`` and ``accumulate``).
    ``names``: {node: name} to use instead of labels (the step-by-step trace passes its own). ``alias``: keep a
    gradient that is passed on unchanged (d/da = 1, an add) under the node's name (a comment line says so) instead of
    copying it; the step-by-step trace writes the copy (``g_n3 = g_f``), so each step's line names its own gradient.

    ``source`` starts with what the program calls (``import math``, the helpers and op functions of ``ops.py``), so
    it runs as it is when pasted into Python; ``CompiledStep`` runs that same text.
    """

    def __init__(
        self,
        outputs,
        arguments,
        wrt=None,
        seed="one",
        accumulate=False,
        name="step",
        names=None,
        per_sample=None,
        alias=True,
    ):
        outputs, arguments = list(outputs), list(arguments)
        wrt = arguments if wrt is None else list(wrt)
        self.outputs, self.arguments, self.wrt = outputs, arguments, wrt
        order = graph_order(outputs)
        self.order = order
        is_argument = set(arguments)
        if len(is_argument) != len(arguments):
            raise ValueError("compile: the same Value is given twice as an argument")
        if seed not in ("one", "number", "callback") or (seed == "number" and len(outputs) != 1):
            raise ValueError(f"compile: seed must be 'one', 'number' (one output) or 'callback', got {seed!r}")
        if accumulate and seed == "one":
            raise ValueError("compile: accumulate=True needs seed='number' or 'callback'")
        looped = per_sample is not None
        per_sample = list(per_sample or [])
        if looped and (seed != "callback" or not accumulate):
            raise ValueError("compile: per_sample (a loop over samples) needs seed='callback' and accumulate=True")
        if not is_argument.issuperset(per_sample) or set(per_sample) & set(wrt) or (looped and not per_sample):
            raise ValueError("compile: per_sample must be one or more arguments not in wrt (the gradients are summed)")
        self.per_sample = per_sample if looped else None
        self.ops = {node._op.name: node._op for node in order if node._op is not None}
        self.names = _variable_names(order, arguments, names, {f"f_{name}" for name in self.ops})
        constant = [k for k, v in enumerate(outputs, 1) if v not in self.names]
        if constant and seed != "one":
            raise ValueError(
                f"compile: output {constant[0]} is a constant (a Value made from no argument, "
                f"{outputs[constant[0] - 1]!r}): seed={seed!r} needs outputs computed from the arguments"
            )
        self._grad_names = _grad_names(self.names)
        needs = set(wrt)  # the nodes whose gradient the program has to compute: ancestors of a wrt argument
        for node in order:
            if node._op is not None and any(v in needs for v in _value_operands(node)):
                needs.add(node)
        self.lines: list[Line] = []
        self._called: set[str] = set()  # the names the program's code calls: math, helpers, f_pow ...
        self.backward_lines: dict[Value, list[str]] = {}
        self.forward_line: dict[Value, str] = {}

        emit = self._emit
        what = ", ".join(self._operand(v) for v in outputs) if len(outputs) < 4 else f"{len(outputs)} outputs"
        grad_names = [self._grad(v) for v in wrt]
        if looped:
            # the per-sample program inside a loop over the samples: the parameters are unpacked once, and each
            # parameter's gradient is one local that every sample adds to (as backward() adds to .grad)
            shared = [v for v in arguments if v not in set(per_sample)]
            emit(f"def {name}(samples, params, seed, grads):", None, "")
            emit(f'    """{what} of each sample (to seed) and the gradient summed over the samples."""', None, "")
            if shared:
                emit(_wrap("    ", "", [self.names[v] for v in shared], " = params"), None, "")
            if grad_names:
                emit(_wrap("    ", "", grad_names, " = grads"), None, "")
            emit(_wrap("    ", "for ", [self.names[v] for v in per_sample], " in samples:", parens=True), None, "")
            pad = "        "
        else:
            emit(f"def {name}(args{'' if seed == 'one' else ', seed'}{', grads' if accumulate else ''}):", None, "")
            emit(f'    """{what} and the gradient: the forward program, then its adjoint."""', None, "")
            if arguments:
                emit(_wrap("    ", "", [self.names[v] for v in arguments], " = args"), None, "")
            if accumulate and grad_names:
                emit(_wrap("    ", "", grad_names, " = grads"), None, "")
            pad = "    "
        emit(f"{pad}# forward: one line per node, each after its operands", None, "")
        for node in order:
            op = node._op
            if op is None or node in is_argument:
                continue
            code = _code(op)
            self._called |= _names_in(code[0], op.name)
            text = f"{self.names[node]} = " + code[0].format(
                a=self._operand(node._a), b=self._operand(node._b), f=f"f_{op.name}"
            )
            self.forward_line[node] = text
            emit(pad + text, node, "forward", op.name)
        emit(
            f"{pad}# backward: g_v = d {what} / d v, from the output back (each node's g is complete when used)",
            None,
            "",
        )
        # a gradient that is passed on unchanged (d/da = 1) to an operand used nowhere else is the same number: the
        # operand's gradient is kept under the node's name instead of copied (a comment line says so)
        uses = Counter(outputs)
        for node in order:
            if node._op is not None and node not in is_argument:
                uses.update(_value_operands(node))
        received: set[Value] = set(wrt) if accumulate else set()
        if seed == "callback":
            seeds = ", ".join(self._grad(v) for v in outputs)
            emit(f"{pad}{seeds} = seed({', '.join(self._operand(v) for v in outputs)})", None, "")
            received.update(outputs)
        elif seed == "number":
            emit(f"{pad}{self._grad(outputs[0])} = seed", None, "")
            received.update(outputs)
        else:
            for v in outputs:
                if v in needs:
                    emit(f"{pad}{self._grad(v)} = 1.0", None, "")
                    received.add(v)
        for node in reversed(order):
            op = node._op
            if op is None or node not in needs or node not in received or node in is_argument:
                continue
            code = _code(op)
            g = self._grad(node)
            mine = self.backward_lines.setdefault(node, [])
            operands = [(node._a, code[1])]
            if isinstance(node._b, Value):
                operands.append((node._b, code[2]))
            for operand, template in operands:
                if operand not in needs:
                    continue
                self._called |= _names_in(template, op.name)
                local = template.format(a=self._operand(node._a), b=self._operand(node._b), out=self.names[node])
                if alias and local == "1.0" and uses[operand] == 1 and operand not in received:
                    text = f"# g_{self.names[operand]} is {g} (passed on)"
                    self._grad_names[operand] = g
                else:
                    text = _accumulate(self._grad(operand), g, local, operand in received)
                received.add(operand)
                mine.append(text)
                emit(pad + text, node, "backward", op.name)
        grads = [self._grad(v) if v in received else "0.0" for v in wrt]
        result = "(" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")"
        if looped:
            emit(_wrap("    ", "return ", [result] if len(grads) < 2 else grads, ""), None, "")
        else:
            emit(_wrap("    ", "return ", f"{self._values(outputs)}, {result}".split(", "), ""), None, "")
        body = "\n".join(line.text for line in self.lines) + "\n"
        self.prelude = _prelude(self._called, self.ops)
        self.lines[:0] = [Line(text, None, "prelude") for text in self.prelude]
        self.source = "".join(f"{text}\n" for text in self.prelude) + body

    def _emit(self, text, node, phase, comment=""):
        if comment:
            text = f"{text:<{max(40, len(text) + 2)}}  # {comment}"
        self.lines.extend(Line(part, node, phase) for part in text.split("\n"))

    def _operand(self, x):
        """An operand as the program writes it: the variable of a node, or the number itself."""
        if x is None:
            return ""
        if isinstance(x, Value):
            if x in self.names:
                return self.names[x]
            x = x.data
        text = _literal(x)
        if "math." in text:  # math.nan, math.inf
            self._called.add("math")
        return text

    def _grad(self, node):
        return self._grad_names[node]

    def _values(self, outputs):
        texts = [self._operand(v) for v in outputs]
        return texts[0] if len(texts) == 1 else "(" + ", ".join(texts) + ")"

    def __repr__(self):
        return f"<Program: {len(self.forward_line)} forward lines, {self.source.count(chr(10))} lines in all>"


@functools.cache
def _names_in(template: str, op_name: str) -> frozenset[str]:
    """The names an op's code form calls (``power_rule``, ``math``, ``f_pow``), for the program's prelude."""
    text = template.format(a="", b="", out="", f=f"f_{op_name}")
    return frozenset(word for word in _WORD.findall(text) if word in _NAMESPACE or word == f"f_{op_name}")


def _prelude(called: set[str], used_ops: dict[str, ops.Op]) -> list[str]:
    """The lines before ``def step``: where each name the program calls comes from, only those it calls.

    ``import math``; ``from autograd_mini.ops import power_rule, sign`` (the helpers of the op table); and for an op
    whose code calls its own forward function (``{f}`` in its code form): ``f_pow = OPS["pow"].forward``, or, for a
    learner's op that is not in the table, ``f_softplus = softplus.forward`` (the op made with ``unary``/``binary``).
    """
    helpers = sorted(name for name in called if name in _NAMESPACE and name != "math")
    own = {f"f_{name}": op for name, op in used_ops.items() if f"f_{name}" in called}
    if any(ops.OPS.get(op.name) is op for op in own.values()) and "OPS" not in helpers:
        helpers = sorted([*helpers, "OPS"])
    prelude = ["import math"] if "math" in called else []
    if helpers:
        prelude.append(f"from autograd_mini.ops import {', '.join(helpers)}")
    if own:
        prelude.append("")
    for name, op in sorted(own.items()):
        value = op.equation.split(";")[0]
        if ops.OPS.get(op.name) is op:
            prelude.append(f'{name} = OPS["{op.name}"].forward  # the table\'s {op.name}: {value}')
        else:
            prelude.append(f"{name} = {op.name}.forward  # your own op {op.name!r} ({value}): define it before this")
    return [*prelude, "", ""] if prelude else []


def _code(op):
    if not op.code:
        raise NotImplementedError(
            f"compile: the op {op.name!r} has no code form: its record in ops.py needs code=(forward, "
            f"dout/da{', dout/db' if op.arity == 2 else ''}) as Python text, e.g. "
            f'code=("{{a}} * {{b}}", "{{b}}", "{{a}}") for mul'
        )
    return op.code


def _value_operands(node):
    return [v for v in (node._a, node._b) if isinstance(v, Value)]


def _accumulate(target, g, local, again):
    """``target += g * local`` (or ``=`` for the first contribution), written as simply as the floats allow.

    ``g * 1.0`` is exactly ``g`` and ``g * -1.0`` exactly ``-g``, so those are written without the product.
    """
    if local == "1.0":
        term, sign = g, "+"
    elif local == "-1.0":
        term, sign = g, "-"
    else:
        term, sign = f"{g} * {_atom(local)}", "+"
    if again:
        return f"{target} {sign}= {term}"
    return f"{target} = {'-' if sign == '-' else ''}{term}"


def _atom(expr):
    """``expr`` in parentheses unless it is one name, number or call, so ``g * (1.0 - o * o)`` multiplies by all."""
    node = ast.parse(expr, mode="eval").body
    if isinstance(node, (ast.Name, ast.Call, ast.Attribute)) or (
        isinstance(node, ast.Constant) and not expr.startswith("-")
    ):
        return expr
    return f"({expr})"


def _literal(x):
    """A number as Python text that gives exactly that float back: repr, parenthesised when negative."""
    x = float(x)
    if math.isnan(x):
        return "math.nan"
    if math.isinf(x):
        return "math.inf" if x > 0 else "(-math.inf)"
    return repr(x) if x >= 0 and not (x == 0 and math.copysign(1.0, x) < 0) else f"({x!r})"


def _identifier(name):
    name = re.sub(r"\W", "_", name)
    return f"_{name}" if not name or name[0].isdigit() else name


def _variable_names(order, arguments, preferred=None, reserved=()):
    """{node: variable}: arguments and nodes with an op, named after labels where there are labels (n{i} if none).

    Leaves that are not arguments are constants; the program writes their numbers in. Names are made Python
    identifiers (``L1.N0.w0`` -> ``L1_N0_w0``) that clash with nothing the program uses (``log`` -> ``log_``).
    """
    wanted = dict(preferred) if preferred else node_names(order)
    for v in arguments:
        wanted.setdefault(v, v.label or "x")
    taken = set(_RESERVED) | set(reserved)
    names = {}
    for node in [*arguments, *[n for n in order if n._op is not None]]:
        if node in names:
            continue
        base = _identifier(wanted[node])
        name = base if base not in taken else f"{base}_"
        k = 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        names[node] = name
    return names


def _grad_names(names):
    taken = set(_RESERVED) | set(names.values())
    out = {}
    for node, name in names.items():
        g, k = f"g_{name}", 1
        while g in taken:
            g, k = f"g_{name}_{k}", k + 1
        taken.add(g)
        out[node] = g
    return out


def _wrap(pad, head, items, tail, width=116, parens=False):
    """``a, b, c = args``, ``return ...`` or ``for x0, x1 in samples:``; when longer than ``width``, the items in rows
    inside parentheses. One item to unpack keeps its comma (``x, = args``), or is parenthesised (``for (x,) in``)."""
    items = list(items)
    if len(items) == 1 and tail:
        items = [f"({items[0]},)"] if parens else [f"{items[0]},"]
    line = f"{pad}{head}{', '.join(items)}{tail}"
    if len(line) <= width:
        return line
    rows, row = [], pad + "    "
    for item in items:
        if len(row) + len(item) + 2 > width and row.strip():
            rows.append(row.rstrip())
            row = pad + "    "
        row += item.rstrip(",") + ", "
    rows.append(row.rstrip())
    body = "\n".join(rows)
    return f"{pad}{head}(\n{body}\n{pad}){tail}"


# -- compiling and calling ---------------------------------------------------------------------------------------


class CompiledStep:
    """A traced function compiled to Python: ``value, grads = step(numbers)``.

    ``source``: the program; ``function``: the compiled Python function itself (``function(numbers)``, no checks,
    for loops that call it many times); ``names``: the argument names; ``trace_seconds`` and ``compile_seconds``:
    what tracing and writing + compiling took.
    """

    def __init__(self, program, f=None, trace_seconds=0.0):
        t0 = time.perf_counter()
        self.program = program
        self.source = program.source
        self.names = tuple(program.names[v] for v in program.arguments)
        self.filename = f"<autograd_mini.compile #{next(_files)}>"
        # the source runs as it is (its first lines import what it calls); a learner's own op, not in the table, is
        # the one name it expects to find defined
        namespace: dict[str, Any] = {"__name__": "autograd_mini.compiled"}
        namespace.update({name: op for name, op in program.ops.items() if ops.OPS.get(name) is not op})
        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        exec(builtins.compile(self.source, self.filename, "exec"), namespace)
        self.function = namespace["step"]
        self._f = f
        self.trace_seconds = trace_seconds
        self.compile_seconds = time.perf_counter() - t0

    def __call__(self, numbers: Sequence[float]) -> tuple[Any, tuple[float, ...]]:
        if self.program.per_sample is not None:
            raise TypeError(
                "compiled step: a program with a loop over samples is called as "
                "step.function(samples, params, seed, grads)"
            )
        try:
            wrong = len(numbers) != len(self.names)
        except TypeError:
            raise TypeError(
                f"compiled step: takes a list of {len(self.names)} numbers ({', '.join(self.names)}), got "
                f"{type(numbers).__name__} {numbers!r:.60}"
            ) from None
        if wrong:
            raise ValueError(
                f"compiled step: takes {len(self.names)} numbers ({', '.join(self.names)}), got {len(numbers)}"
            )
        try:
            return self.function(numbers)
        except (ArithmeticError, ValueError) as err:
            raise self.named_error(err) from None
        except TypeError:  # the numbers are looked at only now, so a call with good numbers pays nothing for it
            for k, (x, name) in enumerate(zip(numbers, self.names), 1):
                if isinstance(x, bool) or not isinstance(x, numbers_.Real):
                    raise TypeError(
                        f"compiled step: argument {k} ({name}) must be a number, got {type(x).__name__} {x!r:.60}"
                    ) from None
            raise

    def named_error(self, err: Exception) -> Exception:
        """The error a failing line of the program raised, reworded as the node engine words it: which op, at which
        values (the operands are read from the failing call's variables), and which line of the program."""
        tb, frame, lineno = err.__traceback__, None, 0
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                frame, lineno = tb.tb_frame, tb.tb_lineno
            tb = tb.tb_next
        if frame is None or not 1 <= lineno <= len(self.program.lines):
            return err
        line = self.program.lines[lineno - 1]
        node = line.node
        if node is None or line.phase not in ("forward", "backward"):
            return err
        a, b = (_value_in(frame, self.program, v) for v in (node._a, node._b))
        made = op_error if line.phase == "forward" else derivative_error
        named = made(node._op, a, b, err)
        return type(named)(f"{named} [compiled step, line {lineno}: {_code_of(line.text)}]")

    def check(self, points: Sequence[Sequence[float]], tol: float = 1e-12) -> CheckReport:
        """Replay ``f`` with the node engine at each point and compare: the program it traces there (the same
        lines?), its value and every gradient (within ``tol``, relative to the larger of 1 and the node engine's
        number). A difference means the program took another path than ``f`` would: control flow on values."""
        if self._f is None:
            raise TypeError("check(): this step was compiled from a graph, not a function: there is nothing to retrace")
        differences = []
        points = [list(p) for p in points]
        for point in points:
            where = f"at {tuple(point)}"
            xs = _leaves(point, self.names, "check()")
            out = self._f(*xs)
            if not isinstance(out, Value):
                differences.append(f"{where}: f returned {type(out).__name__}, not a Value")
                continue
            retraced = Program([out], xs)
            if retraced.source != self.source:
                differences.append(f"{where}: f takes another path: {_another_path(self.program, retraced)}")
            for x in xs:
                x.grad = 0.0
            out.backward()
            try:
                value, grads = self(point)
            except (ArithmeticError, ValueError) as err:
                differences.append(f"{where}: the compiled step fails where the node engine does not: {err}")
                continue
            pairs = [("the value", value, out.data)]
            pairs += [(f"d/d{name}", g, x.grad) for name, g, x in zip(self.names, grads, xs)]
            for what, mine, theirs in pairs:
                if not _close(mine, theirs, tol):
                    differences.append(f"{where}: {what} is {mine!r} compiled, {theirs!r} with the node engine")
        return CheckReport(len(points), tuple(differences))

    def __repr__(self):
        lines = self.source.count("\n")
        return f"<CompiledStep({', '.join(self.names)}): {lines} lines; print(step.source) to read them>"


def _value_in(frame, program, x):
    if x is None:
        return None
    if isinstance(x, Value):
        name = program.names.get(x)
        return frame.f_locals.get(name, x.data) if name else x.data
    return x


def _close(mine, theirs, tol):
    if mine == theirs or (math.isnan(mine) and math.isnan(theirs)):
        return True
    return abs(mine - theirs) <= tol * max(1.0, abs(theirs))


def _code_of(line):
    """A line of the program without its indentation and its comment."""
    return line.split("  #")[0].strip()


def _another_path(compiled, retraced):
    """In words, where the program ``f`` traces at another point first differs from the compiled one: a constant
    returned there, or the first lines of code that differ (the docstring and comments, which name the output, left
    out), with the compiled program's line numbers."""
    mine, theirs = _code_lines(compiled), _code_lines(retraced)
    constant = [v for v in retraced.outputs if v not in retraced.names]
    if constant:
        returned = ", ".join(compiled._operand(v) for v in compiled.outputs)
        return (
            f"f returns the constant {constant[0].data!r} there (a Value made from none of the arguments: "
            f"every gradient is 0 there), where the compiled program returns {returned}"
        )
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=[t for _, t in mine], b=[t for _, t in theirs]).get_opcodes():
        if tag == "equal":
            continue
        n = mine[i1][0] if i1 < len(mine) else len(compiled.lines)
        ours = f"`{mine[i1][1]}`" if i1 < len(mine) else "the end"
        there = f"`{theirs[j1][1]}`" if j1 < len(theirs) else "the end"
        more = (
            f" ({_count(i2 - i1, 'line')} against {_count(j2 - j1, 'line')} differ here)"
            if max(i2 - i1, j2 - j1) > 1
            else ""
        )
        if tag == "insert":
            return f"f's program there has {there} before line {n} of the compiled program ({ours}){more}"
        if tag == "delete":
            return f"line {n} of the compiled program, {ours}, is not in f's program there{more}"
        return f"at line {n} the compiled program has {ours} where f's program there has {there}{more}"
    return "the same lines of code"


def _count(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _code_lines(program):
    """(line number, code) for each line of the program's code: no prelude, docstring, comment or blank line."""
    return [
        (k, _code_of(line.text))
        for k, line in enumerate(program.lines, 1)
        if line.phase != "prelude" and _code_of(line.text) and not _code_of(line.text).startswith(("#", '"""'))
    ]


@dataclass(frozen=True)
class CheckReport:
    """What ``CompiledStep.check`` found: ``ok`` when the program agrees with the node engine at every point."""

    points: int
    differences: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.differences

    def __str__(self):
        if self.ok:
            return f"the compiled step agrees with the node engine at all {self.points} points"
        head = f"the compiled step differs from the node engine ({len(self.differences)} differences):"
        return "\n".join([head, *(f"  {d}" for d in self.differences)])


def _leaves(numbers, names, where):
    return [Value(as_float(x, f"compile: {where} {name}"), label=name) for x, name in zip(numbers, names)]


def compile_graph(outputs, arguments, *, wrt=None, seed="one", accumulate=False, per_sample=None) -> CompiledStep:
    """Compile a graph already built: ``outputs`` (a Value or a list), ``arguments`` the leaves that become the
    program's inputs. See ``Program`` for ``wrt``, ``seed``, ``accumulate`` and ``per_sample``."""
    outputs = [outputs] if isinstance(outputs, Value) else list(outputs)
    return CompiledStep(Program(outputs, arguments, wrt, seed, accumulate, per_sample=per_sample))


def compile(f: Callable[..., Value], example: Sequence[float]) -> CompiledStep:  # noqa: A001 (the issue's name)
    """Trace ``f`` (a function of Values returning a Value) once at ``example`` (one number per argument) and
    compile its forward and adjoint program: ``value, grads = step(numbers)``, ``print(step.source)``.

    The arguments are named after ``f``'s parameters (``x0, x1 ...`` for ``*args``). The program is the path ``f``
    took at the example: see the module docstring, and ``step.check(points)``.
    """
    if not callable(f):
        raise TypeError(f"compile() takes a function of Values, got {type(f).__name__} {f!r:.60}")
    if isinstance(example, (int, float)) or not hasattr(example, "__len__"):
        raise TypeError(f"compile(f, example): example is a list of numbers, one per argument of f, got {example!r}")
    _check_arity(f, len(example))
    names = _parameter_names(f, len(example))
    t0 = time.perf_counter()
    xs = _leaves(example, names, "example")
    out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(
            f"compile(): f must return one Value (the output or loss), got {type(out).__name__} {out!r:.60}"
        )
    trace_seconds = time.perf_counter() - t0
    return CompiledStep(Program([out], xs), f, trace_seconds)


def _check_arity(f, n):
    """A named error when ``f`` cannot take ``n`` positional arguments (a Python function whose signature says so)."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # a builtin without a signature: calling it will tell
        return
    try:
        signature.bind(*range(n))
    except TypeError:
        params = list(signature.parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        required = [p for p in positional if p.default is p.empty]
        if any(p.kind == p.KEYWORD_ONLY and p.default is p.empty for p in params):
            takes = "has keyword-only parameters without defaults (compile passes the example's numbers by position)"
        elif any(p.kind == p.VAR_POSITIONAL for p in params):
            takes = f"takes at least {_count(len(required), 'argument')}"
        elif len(required) == len(positional):
            takes = f"takes {_count(len(positional), 'argument')}"
        else:
            takes = f"takes {len(required)} to {len(positional)} arguments"
        names = ", ".join(p.name for p in positional)
        raise TypeError(
            f"compile(): f {takes}{f' ({names})' if names and 'keyword' not in takes else ''}, example has "
            f"{_count(n, 'number')} (one per argument)"
        ) from None


def _parameter_names(f, n):
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= n and all(p.kind != p.VAR_POSITIONAL for p in params[:n]):
        return positional[:n]
    return [f"x{i}" for i in range(n)]
