"""Gradients as values and as graphs: ``grad`` (any order, via ``create_graph``), ``hessian`` and ``hvp``."""

import numbers
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any, overload

from autograd_mini import modes
from autograd_mini.engine import Value, backward_steps, on_values, topological_order
from autograd_mini.errors import as_float
from autograd_mini.naming import check_arity


@overload
def grad(output: Value | float, inputs: Value, create_graph: bool = False) -> Value: ...
@overload
def grad(output: Value | float, inputs: Sequence[Value], create_graph: bool = False) -> list[Value]: ...


def grad(output: Value | float, inputs: Value | Sequence[Value], create_graph: bool = False) -> Value | list[Value]:
    """d output / d input for each input, as Values, without touching any ``.grad``.

    With ``create_graph=True`` the gradients are themselves graphs (built from the same op rules, evaluated on
    Values), so they can be differentiated again: ``grad(grad(y, x, create_graph=True)[0], x)`` is d2y/dx2.
    ``inputs`` may be one Value (the result is then one Value) or a sequence of Values (a list comes back).
    An input the output does not depend on gets 0, and so does every input of an output that is a plain number
    (a function that ignores its arguments), as in HIPS autograd and JAX (PyTorch's ``allow_unused=True``, with 0
    for its None). The same walk as ``backward()`` (``engine.backward_steps``), with the sums in a dict of its own.
    """
    single = isinstance(inputs, Value)
    xs = [inputs] if isinstance(inputs, Value) else list(inputs)
    for x in xs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values, got {type(x).__name__} {x!r}")
    if not isinstance(output, Value):  # a constant: d output / d x = 0 for every x
        as_float(output, "grad() output")
        zeros = [Value(0.0) for _ in xs]
        return zeros[0] if single else zeros
    grads: dict[Value, Any] = {output: Value(1.0) if create_graph else 1.0}
    anomaly = modes.anomaly_recorder()
    # the rules on Values must record their graph, also when called inside no_grad() (this thread only)
    recording = modes.enable_grad() if create_graph and not modes.is_grad_enabled() else nullcontext()
    with recording, modes.rules_on_values() if create_graph else nullcontext():
        for node, a, da, b, db in backward_steps(topological_order(output), on_values if create_graph else None):
            g = grads[node]
            for child, d in ((a, da), (b, db)) if b is not None else ((a, da),):
                contribution = g * d
                grads[child] = grads[child] + contribution if child in grads else contribution
                if anomaly is not None:
                    anomaly.backward(node, _data(g), _data(grads[child]))
    # 0 for an input the output does not depend on; + 0.0 as .grad starts at 0 (a sum of -0.0s is 0.0 there)
    result = [_as_value(grads.get(x, 0.0) if create_graph else grads.get(x, 0.0) + 0.0) for x in xs]
    return result[0] if single else result


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else Value(g)


def hessian(output_fn: Callable[..., Value], point: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d2f / dx_i dx_j of ``output_fn(*xs)`` at ``point`` (a list of numbers).

    Like ``torch.func.hessian``, it decides its own grad mode: an outer ``no_grad()`` does not change it."""
    xs = _leaves(point, "hessian")
    check_arity(output_fn, len(xs), "hessian()", "the point")
    with modes.enable_grad():  # f's graph is recorded, also inside a caller's no_grad()
        first = grad(output_fn(*xs), xs, create_graph=True)
        return [[g.data for g in grad(d, xs)] for d in first]


def hvp(output_fn: Callable[..., Value], point: Sequence[float], v: Sequence[float]) -> list[float]:
    """The Hessian-vector product H v of ``output_fn(*xs)`` at ``point``, without forming the Hessian H.

    Reverse over reverse: the gradient g = grad f as a graph (``create_graph=True``), then the gradient of the
    number g . v = sum_i g_i v_i, whose derivative by x_j is sum_i d2f/dx_j dx_i v_i = (H v)_j (H is symmetric).
    Two backward passes, whatever the number of inputs; ``hessian`` takes one per input. (HIPS autograd's
    ``make_hvp``, ``torch.autograd.functional.hvp``.)
    """
    xs = _leaves(point, "hvp")
    check_arity(output_fn, len(xs), "hvp()", "the point")
    v = [as_float(vi, "hvp() vector v") for vi in _sequence(v, "hvp", "the vector v")]
    if len(v) != len(xs):
        raise ValueError(
            f"hvp(): the vector v has {len(v)} entries, the point {len(xs)}; they must have the same length"
        )
    with modes.enable_grad():  # as torch.func: an outer no_grad() does not change the answer
        first = grad(output_fn(*xs), xs, create_graph=True)
        g_dot_v = sum((g * vi for g, vi in zip(first, v)), Value(0.0))
        return [h.data for h in grad(g_dot_v, xs)]


def _leaves(point: Sequence[float], where: str) -> list[Value]:
    """One fresh leaf x0, x1, ... per coordinate of the point (numbers, or Values taken by their data)."""
    return [
        Value(_data(p) if isinstance(p, Value) else as_float(p, f"{where}() point[{i}]"), label=f"x{i}")
        for i, p in enumerate(_sequence(point, where, "the point"))
    ]


def _sequence(items: Any, where: str, what: str) -> list[Any]:
    """A list or tuple of numbers as a list; a single number or a string is named as the mistake it is."""
    if isinstance(items, (str, bytes, Value)) or not hasattr(items, "__len__"):
        one = f" (for one input, write [{items!r:.20}])" if isinstance(items, (numbers.Real, Value)) else ""
        raise TypeError(
            f"{where}(): {what} must be a list of numbers, one per input of f; got {type(items).__name__} "
            f"{items!r:.60}{one}"
        )
    return list(items)
