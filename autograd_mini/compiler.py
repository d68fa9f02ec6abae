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
import inspect
import keyword
import linecache
import math
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
    ``backward()`` adds to the leaves' ``.grad`` (a loop over samples sums its gradients that way). ``names``:
    {node: name} to use instead of labels (the step-by-step trace passes its own).
    """

    def __init__(self, outputs, arguments, wrt=None, seed="one", accumulate=False, name="step", names=None):
        outputs, arguments = list(outputs), list(arguments)
        wrt = arguments if wrt is None else list(wrt)
        self.outputs, self.arguments, self.wrt = outputs, arguments, wrt
        order = graph_order(outputs)
        self.order = order
        is_argument = set(arguments)
        if len(is_argument) != len(arguments):
            raise ValueError("compile: the same Value is given twice as an argument")
        self.names = _variable_names(order, arguments, names)
        self._grad_names = _grad_names(self.names)
        needs = set(wrt)  # the nodes whose gradient the program has to compute: ancestors of a wrt argument
        for node in order:
            if node._op is not None and any(v in needs for v in _value_operands(node)):
                needs.add(node)
        self.lines: list[Line] = []
        self.backward_lines: dict[Value, list[str]] = {}
        self.forward_line: dict[Value, str] = {}

        emit = self._emit
        params = ", ".join(self.names[v] for v in arguments)
        if seed not in ("one", "number", "callback") or (seed == "number" and len(outputs) != 1):
            raise ValueError(f"compile: seed must be 'one', 'number' (one output) or 'callback', got {seed!r}")
        if accumulate and seed == "one":
            raise ValueError("compile: accumulate=True needs seed='number' or 'callback'")
        emit(f"def {name}(args{'' if seed == 'one' else ', seed'}{', grads' if accumulate else ''}):", None, "")
        what = ", ".join(self.names[v] for v in outputs) if len(outputs) < 4 else f"{len(outputs)} outputs"
        emit(f'    """{what} and the gradient: the forward program, then its adjoint."""', None, "")
        if arguments:
            emit(_wrap(f"    {params}{',' if len(arguments) == 1 else ''} = args"), None, "")
        if accumulate:
            names = ", ".join(self._grad(v) for v in wrt)
            emit(_wrap(f"    {names}{',' if len(wrt) == 1 else ''} = grads"), None, "")
        emit("    # forward: one line per node, each after its operands", None, "")
        for node in order:
            op = node._op
            if op is None or node in is_argument:
                continue
            code = _code(op)
            text = f"    {self.names[node]} = " + code[0].format(
                a=self._operand(node._a), b=self._operand(node._b), f=f"f_{op.name}"
            )
            self.forward_line[node] = text.strip()
            emit(text, node, "forward", op.name)
        emit(
            f"    # backward: g_v = d {what} / d v, from the output back (each node's g is complete when used)",
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
            emit(f"    {seeds} = seed({', '.join(self._operand(v) for v in outputs)})", None, "")
            received.update(outputs)
        elif seed == "number":
            emit(f"    {self._grad(outputs[0])} = seed", None, "")
            received.update(outputs)
        else:
            for v in outputs:
                if v in needs:
                    emit(f"    {self._grad(v)} = 1.0", None, "")
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
                local = template.format(a=self._operand(node._a), b=self._operand(node._b), out=self.names[node])
                if local == "1.0" and uses[operand] == 1 and operand not in received:
                    text = f"    # g_{self.names[operand]} is {g}"
                    self._grad_names[operand] = g
                else:
                    text = _accumulate(self._grad(operand), g, local, operand in received)
                received.add(operand)
                mine.append(text.strip())
                emit(text, node, "backward", op.name)
        grads = [self._grad(v) if v in received else "0.0" for v in wrt]
        result = "(" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")"
        emit(_wrap(f"    return {self._values(outputs)}, {result}"), None, "")
        self.source = "\n".join(line.text for line in self.lines) + "\n"
        self.ops = {node._op.name: node._op for node in order if node._op is not None}

    def _emit(self, text, node, phase, comment=""):
        if comment:
            text = f"{text:<{max(40, len(text) + 2)}}  # {comment}"
        self.lines.extend(Line(part, node, phase) for part in text.split("\n"))

    def _operand(self, x):
        """An operand as the program writes it: the variable of a node, or the number itself."""
        if x is None:
            return ""
        if isinstance(x, Value):
            return self.names[x] if x in self.names else _literal(x.data)
        return _literal(x)

    def _grad(self, node):
        return self._grad_names[node]

    def _values(self, outputs):
        texts = [self._operand(v) for v in outputs]
        return texts[0] if len(texts) == 1 else "(" + ", ".join(texts) + ")"

    def __repr__(self):
        return f"<Program: {len(self.forward_line)} forward lines, {self.source.count(chr(10))} lines in all>"


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
        return f"    {target} {sign}= {term}"
    return f"    {target} = {'-' if sign == '-' else ''}{term}"


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


def _variable_names(order, arguments, preferred=None):
    """{node: variable}: arguments and nodes with an op, named after labels where there are labels (n{i} if none).

    Leaves that are not arguments are constants; the program writes their numbers in. Names are made Python
    identifiers (``L1.N0.w0`` -> ``L1_N0_w0``) that clash with nothing the program uses (``log`` -> ``log_``).
    """
    wanted = dict(preferred) if preferred else node_names(order)
    for v in arguments:
        wanted.setdefault(v, v.label or "x")
    taken = set(_RESERVED)
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


def _wrap(line, width=116):
    """A long ``a, b, c, ... = args`` or ``return ...`` line broken after commas, inside parentheses."""
    if len(line) <= width:
        return line
    head, sep, tail = (
        line.partition(" = ") if line.rstrip().endswith(("= args", "= grads")) else line.partition("return ")
    )
    if not sep:
        return line
    items = (head if sep == " = " else tail).strip().rstrip(",").split(", ")
    rows, row = [], "        "
    for item in items:
        if len(row) + len(item) + 2 > width and row.strip():
            rows.append(row.rstrip())
            row = "        "
        row += item + ", "
    rows.append(row.rstrip())
    body = "\n".join(rows)
    if sep == " = ":
        return f"    (\n{body}\n    ) = {tail.strip()}"
    return f"    return (\n{body}\n    )"


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
        namespace = dict(_NAMESPACE)
        namespace.update({f"f_{name}": op.forward for name, op in program.ops.items()})
        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        exec(builtins.compile(self.source, self.filename, "exec"), namespace)
        self.function = namespace["step"]
        self._f = f
        self.trace_seconds = trace_seconds
        self.compile_seconds = time.perf_counter() - t0

    def __call__(self, numbers: Sequence[float]) -> tuple[Any, tuple[float, ...]]:
        if len(numbers) != len(self.names):
            raise ValueError(
                f"compiled step: takes {len(self.names)} numbers ({', '.join(self.names)}), got {len(numbers)}"
            )
        try:
            return self.function(numbers)
        except (ArithmeticError, ValueError) as err:
            raise self.named_error(err) from None

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
                differences.append(f"{where}: f takes another path: {_first_difference(self.source, retraced.source)}")
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


def _first_difference(old, new):
    for k, (a, b) in enumerate(zip(old.splitlines(), new.splitlines()), 1):
        if a != b:
            return f"line {k} is `{_code_of(b)}` there, `{_code_of(a)}` in the compiled program"
    return "the programs differ in length"


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


def compile_graph(outputs, arguments, *, wrt=None, seed="one", accumulate=False) -> CompiledStep:
    """Compile a graph already built: ``outputs`` (a Value or a list), ``arguments`` the leaves that become the
    program's inputs. See ``Program`` for ``wrt``, ``seed`` and ``accumulate``."""
    outputs = [outputs] if isinstance(outputs, Value) else list(outputs)
    return CompiledStep(Program(outputs, arguments, wrt, seed, accumulate))


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


def _parameter_names(f, n):
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= n and all(p.kind != p.VAR_POSITIONAL for p in params[:n]):
        return positional[:n]
    return [f"x{i}" for i in range(n)]
