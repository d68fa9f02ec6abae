"""A program compiled to a Python function, and called: ``value, grads = step(numbers)``.

The program's source (``program.py``) is compiled once with Python's ``compile()`` and executed in a namespace of
its own; every call replays it, no ``Value`` made, no graph walked. The numbers a call gets are converted by the
engine's own rule (``Value()``'s): a number becomes a float, anything else is refused by name. A line that fails
raises the node engine's error, found from the traceback and reworded with the operands read from the failing
call's variables.
"""

from __future__ import annotations

import builtins
import linecache
import numbers as numbers_
import time
import weakref
from collections.abc import Sequence
from itertools import count
from typing import Any

from autograd_mini.errors import as_float, backward_failure, op_error
from autograd_mini.program import Program, op_holder

__all__ = ["CompiledStep"]

_files = count(1)


class CompiledStep:
    """A traced function compiled to Python: ``value, grads = step(numbers)``.

    ``source``: the program; ``function``: the compiled Python function itself (``function(numbers)``, no checks,
    for loops that call it many times); ``names``: the argument names; ``trace_seconds`` and ``compile_seconds``:
    what tracing and writing + compiling took. ``check(points)``: see ``pathcheck``.
    """

    def __init__(self, program: Program, f: Any = None, trace_seconds: float = 0.0) -> None:
        t0 = time.perf_counter()
        self.program = program
        self.source = program.source
        self.names = tuple(program.names[v] for v in program.arguments)
        self.filename = f"<autograd_mini.compile #{next(_files)}>"
        # the source runs as it is (its first lines import what it calls); a learner's op given as functions is
        # the one name it expects to find defined
        namespace: dict[str, Any] = {"__name__": "autograd_mini.compiled"}
        namespace.update({op_holder(op, program.functions): op for op in program.functions})
        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        weakref.finalize(self, linecache.cache.pop, self.filename, None)  # the source, for tracebacks, while used
        exec(builtins.compile(self.source, self.filename, "exec"), namespace)  # noqa: S102 (our own text)
        self.function = namespace[program.name]
        self._f = f
        self.trace_seconds = trace_seconds
        self.compile_seconds = time.perf_counter() - t0

    def __call__(self, numbers: Sequence[float]) -> tuple[Any, tuple[float, ...]]:
        if not program_called_with_args(self.program):
            parameters = ", ".join(self.program.signature.parameters)
            raise TypeError(f"compiled step: this program is called as step.function({parameters})")
        try:
            return self.function(self.floats(numbers, "compiled step"))
        except (ArithmeticError, ValueError, TypeError, IndexError) as err:  # (the last two: a learner's functions)
            raise self.named_error(err) from None

    def floats(self, numbers: Any, where: str) -> list[float]:
        """One float per argument, by ``Value()``'s rule: ints, numpy numbers and the like as floats; a string, a
        complex number, a set, an array in place of a number ... refused, naming the argument."""
        n = len(self.names)
        if isinstance(numbers, (str, bytes, set, frozenset, dict)) or not hasattr(numbers, "__len__"):
            raise TypeError(
                f"{where}: takes a list of {n} numbers ({', '.join(self.names)}), got "
                f"{type(numbers).__name__} {numbers!r:.60}"
            )
        if len(numbers) != n:
            raise ValueError(f"{where}: takes {n} numbers ({', '.join(self.names)}), got {len(numbers)}")
        out = []
        for k, (x, name) in enumerate(zip(numbers, self.names), 1):
            if type(x) is not float:
                if isinstance(x, bool) or not isinstance(x, numbers_.Real):  # what Value() refuses
                    raise TypeError(
                        f"{where}: argument {k} ({name}) must be a number, got {type(x).__name__} {x!r:.60}"
                    )
                x = as_float(x, f"{where}: argument {k} ({name})")  # an int too large for a float is named there
            out.append(x)
        return out

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
        if node is None or node.op is None or line.phase not in ("forward", "backward"):
            return err
        a, b = (_value_in(frame, self.program, v) for v in (*node.operands, None)[:2])
        if line.phase == "forward":
            named = op_error(node.op, a, b, err)
        else:  # as backward() words it; a learner's partials of the wrong shape by the check backward() calls
            out = _value_in(frame, self.program, node)
            named = backward_failure(node, _partials_error(node.op, a, b, out, err), values=(a, b))
        code = line.text.split("  #")[0].strip()
        return type(named)(f"{named} [compiled step, line {lineno}: {code}]")

    def check(self, points: Sequence[Sequence[float]], tol: float = 1e-12) -> Any:
        """Replay ``f`` with the node engine at each point and compare (``pathcheck.check``)."""
        from autograd_mini.pathcheck import check

        return check(self, points, tol)

    def __repr__(self) -> str:
        return f"<CompiledStep({', '.join(self.names)}): {self.source.count(chr(10))} lines; print(step.source)>"


def program_called_with_args(program: Program) -> bool:
    return program.signature.parameters == ("args",)


def _partials_error(op: Any, a: float, b: Any, out: float, err: Exception) -> Exception:
    """For a TypeError or IndexError of a learner's partials (``p_swish(x, n1)[0]``), what the checked ``op.local``
    that backward() calls says of the same numbers (returned a float, not a tuple ...); otherwise ``err``."""
    if isinstance(err, (TypeError, IndexError)) and op.rule is None:
        try:
            op.local(a, b, out)
        except (TypeError, IndexError) as checked:
            return checked
    return err


def _value_in(frame: Any, program: Program, x: Any) -> Any:
    if x is None:
        return None
    name = program.names.get(x) if hasattr(x, "data") else None
    if name:
        return frame.f_locals.get(name, x.data)
    return getattr(x, "data", x)
