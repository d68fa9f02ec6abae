"""Forward-mode automatic differentiation: dual numbers pushed through the same op table as ``backward()``.

A dual number carries a value and a tangent, ``(a, a')``: the value of a quantity and its derivative along one
chosen direction of the inputs. Each op maps dual numbers to a dual number with its forward value and the chain
rule, using the op's local partial derivatives from ``ops.py`` (the same rules the backward pass reads):

    out  = f(a, b)
    out' = df/da * a' + df/db * b'

Seed the inputs with tangents ``t`` (``x_i' = t_i``), evaluate, and the output's tangent is the directional
derivative ``grad f . t``: one forward pass gives one *column* of the Jacobian (a Jacobian-vector product, "jvp"),
where one backward pass gives the whole gradient of a scalar. So the full gradient of f(x_1, ..., x_n) takes n
forward passes (t = e_1, ..., e_n) but one backward pass: the reason networks with many parameters are trained in
reverse mode (document 004, page 9, way 4, "automat. Diff."; ``nn.crosscheck.ways`` measures it).

    from autograd_mini import jvp
    value, slope = jvp(lambda x, y: x * y + x.sin(), primals=[2.0, 3.0], tangents=[1.0, 0.0])   # d/dx
    # slope == 3 + cos(2)

The function is written for ``Value`` as usual. It is recorded once as a graph at the primals; the forward pass
then replays that graph with dual numbers, op by op (``apply``). Primals and tangents may be numbers (the replay is
then on floats) or Values: then the value and the tangent are Values too, graphs built on the given ones, so they
can be differentiated again, in either mode (forward over reverse: ``grad`` of a tangent; forward over forward: a
``jvp`` of a function that calls ``jvp``), as JAX's and HIPS autograd's ``check_grads(order=2, modes=["fwd", "rev"])``.
Like ``torch.func.jvp``, it decides its own grad mode: an outer ``no_grad()`` does not change its answer.
"""

from __future__ import annotations

import numbers
from contextlib import nullcontext
from typing import Any

from autograd_mini import modes
from autograd_mini.engine import Value, topological_order
from autograd_mini.errors import as_float, backward_failure
from autograd_mini.naming import check_arity

__all__ = ["Dual", "apply", "forward_gradient", "jvp", "push_forward"]


class Dual:
    """A dual number: ``primal`` (the value) and ``tangent`` (its derivative along the chosen direction), each a
    float or a Value."""

    __slots__ = ("primal", "tangent")

    def __init__(self, primal: Any, tangent: Any = 0.0) -> None:
        self.primal = primal
        self.tangent = tangent

    def __repr__(self) -> str:
        return f"Dual({self.primal!r}, {self.tangent!r})"


def apply(op, a, b=None):
    """``op`` on dual numbers: the value is ``op`` applied to the primals, the tangent the chain rule with the op's
    local derivatives, ``op.local`` (both on floats, or both on Values). ``a`` is a Dual; ``b`` a Dual, a plain
    number kept inside the op (tangent 0), or None."""
    bp = b.primal if isinstance(b, Dual) else b
    if isinstance(a.primal, Value) or isinstance(bp, Value):  # on Values: a graph, built on the given ones
        ap, bp = _node(a.primal), _node(bp) if isinstance(b, Dual) else bp
        out = op(ap) if op.arity == 1 else op(ap, bp)
        d = op.local(ap, bp, out)
    else:
        out = op.forward(a.primal) if op.arity == 1 else op.forward(a.primal, bp)
        d = op.local(a.primal, bp, out)
    tangent = _times(d[0], a.tangent)
    if isinstance(b, Dual):
        tangent = _plus(tangent, _times(d[1], b.tangent))
    return Dual(out, tangent)


def _node(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _times(d: Any, t: Any) -> Any:
    """d * t, leaving a zero tangent a plain 0.0 (a constant adds no node)."""
    return 0.0 if type(t) is float and t == 0.0 else d * t


def _plus(s: Any, t: Any) -> Any:
    if type(t) is float and t == 0.0:
        return s
    return t if type(s) is float and s == 0.0 else s + t


def push_forward(output, tangents, order=None, primals=None):
    """One forward pass with dual numbers over the graph behind ``output``: the output as a ``Dual``.

    ``tangents`` maps leaf Values to their tangent; every other leaf (a parameter or constant not named) has
    tangent 0. ``primals`` maps leaves to the value to replay them at (a number or a Value; default: the leaf's own
    value). ``order`` is ``topological_order(output)`` if the caller has it already (one pass per input reuses it).
    """
    order = topological_order(output) if order is None else order
    primals = primals or {}
    dual = {}
    for node in order:
        if node.op is None:
            dual[node] = Dual(primals.get(node, node.data), tangents.get(node, 0.0))
            continue
        a, *rest = node.operands
        b = (dual[rest[0]] if isinstance(rest[0], Value) else rest[0]) if rest else None
        try:
            dual[node] = apply(node.op, dual[a], b)
        except (TypeError, IndexError) as err:  # a learner's partials of the wrong shape: named as backward names it
            raise backward_failure(node, err, modes.thread.rules_on_values) from None
        except (ArithmeticError, ValueError) as err:
            bd = b.primal if isinstance(b, Dual) else b
            what = node.op.describe(_data(dual[a].primal), _data(bd) if bd is not None else None)
            raise type(err)(
                f"forward mode through {what} (Value.{node.op.name}) failed: {err}. The derivative is not "
                f"finite at this point."
            ) from None
    return dual[output]


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def forward_gradient(output, inputs):
    """d output / d input for each input (leaf Values), as floats: one forward pass per input, t = e_i.

    The result equals ``grad(output, inputs)``; what differs is the cost: n passes over the graph for n inputs,
    where reverse mode needs one.
    """
    if not isinstance(output, Value):
        raise TypeError(f"forward_gradient(): output must be a Value, got {type(output).__name__} {output!r}")
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"forward_gradient(): inputs must be Values, got {type(x).__name__} {x!r}")
    order = topological_order(output)
    return [push_forward(output, {x: 1.0}, order).tangent for x in inputs]


def jvp(f, primals, tangents):
    """``(f(primals), directional derivative of f at primals along tangents)`` by one forward pass.

    ``f`` takes Values (as many as ``primals``) and returns a Value; ``primals`` and ``tangents`` are sequences of
    numbers or Values of the same length. Like ``torch.func.jvp(f, primals, tangents)``, for scalars: numbers give
    two floats; where a primal or tangent is a Value, the two results are Values (graphs that can be
    differentiated again).
    """
    primals = _operands(primals, "primals")
    tangents = _operands(tangents, "tangents")
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp(): {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal (input)"
        )
    check_arity(f, len(primals), "jvp()", "primals")
    on_values = any(isinstance(v, Value) for v in (*primals, *tangents))
    xs = [Value(_data(p), label=f"x{i}") for i, p in enumerate(primals)]
    with modes.enable_grad():  # f's graph is recorded, also inside a caller's no_grad()
        out = f(*xs)
        if not isinstance(out, Value):
            if isinstance(out, numbers.Real) and not isinstance(out, bool):  # f does not depend on its inputs
                return (Value(float(out)), Value(0.0)) if on_values else (float(out), 0.0)
            raise TypeError(f"jvp(): f must return a Value (or a number), got {type(out).__name__} {out!r:.80}")
        with modes.rules_on_values() if on_values else nullcontext():  # (f itself may make numbers of Values)
            result = push_forward(out, dict(zip(xs, tangents)), primals=dict(zip(xs, primals)) if on_values else None)
    if on_values:
        return _node(result.primal), _node(result.tangent)
    return result.primal, result.tangent


def _operands(seq, what):
    """The primals or tangents: each a Value, or a number as a float (refusing what Value() refuses)."""
    if isinstance(seq, (str, bytes, Value)) or not hasattr(seq, "__iter__"):
        raise TypeError(f"jvp(): {what} must be a sequence of numbers, got {type(seq).__name__} {seq!r:.80}")
    return [v if isinstance(v, Value) else as_float(v, f"jvp(): {what}[{k}]") for k, v in enumerate(seq)]
