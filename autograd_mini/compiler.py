"""Trace once, replay fast: a function of Values written out as its forward program and its adjoint.

``compile(f, example)`` calls ``f`` once on Values holding the example's numbers (the trace), writes the graph it built
as straight-line Python (``program.py``: the forward program, then its adjoint, each line an op's rule from the
table), and compiles it (``compiled.py``): ``value, grads = step(numbers)`` replays it without making a Value.
``step.check(points)`` tells where ``f`` takes another path than the traced one (``pathcheck.py``): the limit of
tracing, as with ``torch.jit.trace`` and ``jax.jit``. Like ``torch.func`` and JAX's transforms, ``compile`` decides
its own grad mode: an outer ``no_grad()`` does not change the program.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence

from autograd_mini import modes
from autograd_mini.compiled import CompiledStep
from autograd_mini.engine import Value
from autograd_mini.errors import as_float
from autograd_mini.naming import check_arity
from autograd_mini.pathcheck import CheckReport
from autograd_mini.program import BYTES_PER_NODE, CALL, MAX_NODES, Program, Signature

__all__ = [
    "BYTES_PER_NODE",
    "MAX_NODES",
    "CheckReport",
    "CompiledStep",
    "Program",
    "Signature",
    "compile",
    "compile_graph",
]


def compile_graph(
    outputs: Value | Sequence[Value],
    arguments: Sequence[Value],
    *,
    wrt: Sequence[Value] | None = None,
    signature: Signature = CALL,
    max_nodes: int = MAX_NODES,
) -> CompiledStep:
    """Compile a graph already built: ``outputs`` (a Value or a list), ``arguments`` the leaves that become the
    program's inputs, ``wrt`` the arguments it returns gradients of (default: all), ``signature`` how it is called
    (default: ``value, grads = step(numbers)``). See ``program.Program``."""
    outputs = [outputs] if isinstance(outputs, Value) else list(outputs)
    for v in [*outputs, *arguments, *(wrt or ())]:
        if not isinstance(v, Value):
            raise TypeError(f"compile_graph() takes Values (outputs, arguments, wrt), got {type(v).__name__} {v!r:.60}")
    return CompiledStep(Program(outputs, arguments, wrt, signature, max_nodes=max_nodes))


def compile(  # noqa: A001 (the issue's name)
    f: Callable[..., Value], example: Sequence[float], *, max_nodes: int = MAX_NODES
) -> CompiledStep:
    """Trace ``f`` (a function of Values returning a Value) once at ``example`` (one number per argument) and
    compile its forward and adjoint program: ``value, grads = step(numbers)``, ``print(step.source)``.

    The arguments are named after ``f``'s parameters (``x0, x1 ...`` for ``*args``). The program is the path ``f``
    took at the example: see ``step.check(points)``. ``max_nodes``: the largest graph written out (``MAX_NODES``).
    """
    if not callable(f):
        raise TypeError(f"compile() takes a function of Values, got {type(f).__name__} {f!r:.60}")
    if isinstance(example, (int, float, str)) or not hasattr(example, "__len__"):
        raise TypeError(f"compile(f, example): example is a list of numbers, one per argument of f, got {example!r}")
    check_arity(f, len(example), "compile()", "example")
    names = _parameter_names(f, len(example))
    t0 = time.perf_counter()
    xs = [Value(as_float(x, f"compile: example {name}"), label=name) for x, name in zip(example, names)]
    with modes.enable_grad():  # the trace records its graph, also inside a caller's no_grad()
        out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(
            f"compile(): f must return one Value (the output or loss), got {type(out).__name__} {out!r:.60}"
        )
    trace_seconds = time.perf_counter() - t0
    return CompiledStep(Program([out], xs, max_nodes=max_nodes), f, trace_seconds)


def _parameter_names(f, n):
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= n and all(p.kind != p.VAR_POSITIONAL for p in params[:n]):
        return positional[:n]
    return [f"x{i}" for i in range(n)]
