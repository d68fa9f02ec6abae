"""Gradients as values and as graphs: ``grad`` (any order, via ``create_graph``) and ``hessian``."""

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any, overload

from autograd_mini import modes
from autograd_mini.engine import Value, backward_steps, topological_order


@overload
def grad(output: Value, inputs: Value, create_graph: bool = False) -> Value: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Value]: ...


def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False) -> Value | list[Value]:
    """d output / d input for each input, as Values, without touching any ``.grad``.

    With ``create_graph=True`` the gradients are themselves graphs (built from the same op rules, evaluated on
    Values), so they can be differentiated again: ``grad(grad(y, x, create_graph=True)[0], x)`` is d2y/dx2.
    ``inputs`` may be one Value (the result is then one Value) or a sequence of Values (a list comes back).
    The same walk as ``backward()`` (``engine.backward_steps``), with the sums kept in a dict of its own.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() output must be a Value, got {type(output).__name__} {output!r}")
    single = isinstance(inputs, Value)
    xs = [inputs] if isinstance(inputs, Value) else list(inputs)
    for x in xs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values, got {type(x).__name__} {x!r}")
    grads: dict[Value, Any] = {output: Value(1.0) if create_graph else 1.0}
    anomaly = modes.anomaly_recorder()
    # the rules on Values must record their graph, also when called inside no_grad() (this thread only)
    recording = modes.enable_grad() if create_graph and not modes.is_grad_enabled() else nullcontext()
    with recording:
        for node, a, da, b, db in backward_steps(topological_order(output), on_values=create_graph):
            g = grads[node]
            for child, d in ((a, da), (b, db)) if b is not None else ((a, da),):
                contribution = g * d
                grads[child] = grads[child] + contribution if child in grads else contribution
                if anomaly is not None:
                    anomaly.backward(node, _data(g), _data(grads[child]))
    result = [_as_value(grads.get(x, 0.0)) for x in xs]
    return result[0] if single else result


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else Value(g)


def hessian(output_fn: Callable[..., Value], point: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d2f / dx_i dx_j of ``output_fn(*xs)`` at ``point`` (a list of numbers)."""
    xs = [Value(_data(p), label=f"x{i}") for i, p in enumerate(point)]  # numbers, or Values taken by their data
    first = grad(output_fn(*xs), xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]
