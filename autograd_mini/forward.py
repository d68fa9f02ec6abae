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

The function is written for ``Value`` as usual. It is recorded once as a graph at the primals; the forward passes
then replay that graph with dual numbers, op by op (``apply``, the one place that reads the op table), so any
function of Values works, a network's loss included (``forward_gradient(loss, model.parameters())``).
"""

from __future__ import annotations

import numbers

from autograd_mini.engine import Value, topological_order

__all__ = ["Dual", "apply", "forward_gradient", "jvp", "push_forward"]


class Dual:
    """A dual number: ``primal`` (the value) and ``tangent`` (its derivative along the chosen direction)."""

    __slots__ = ("primal", "tangent")

    def __init__(self, primal, tangent=0.0):
        self.primal = primal
        self.tangent = tangent

    def __repr__(self):
        return f"Dual({self.primal!r}, {self.tangent!r})"


def apply(op, a, b=None):
    """``op`` on dual numbers: the forward value from ``op.forward``, the tangent by the chain rule from
    ``op.partials``. ``a`` is a Dual; ``b`` a Dual, a plain number kept inside the op (tangent 0), or None."""
    if op.arity == 1:
        out = op.forward(a.primal)
        (da,) = op.partials(a.primal, out)
        return Dual(out, da * a.tangent)
    if isinstance(b, Dual):
        out = op.forward(a.primal, b.primal)
        da, db = op.partials(a.primal, b.primal, out)
        return Dual(out, da * a.tangent + db * b.tangent)
    out = op.forward(a.primal, b)  # b is a number: it has no tangent, only d out / da counts
    return Dual(out, op.partials(a.primal, b, out)[0] * a.tangent)


def push_forward(output, tangents, order=None):
    """One forward pass with dual numbers over the graph behind ``output``: the output as a ``Dual``.

    ``tangents`` maps leaf Values to their tangent; every other leaf (a parameter or constant not named) has
    tangent 0. The values are recomputed from the leaves' values with each op's forward rule. ``order`` is
    ``topological_order(output)`` if the caller has it already (one pass per input reuses it).
    """
    order = topological_order(output) if order is None else order
    dual = {}
    for node in order:
        if node._op is None:
            dual[node] = Dual(node.data, tangents.get(node, 0.0))
        else:
            a, b = dual[node._a], node._b
            try:
                dual[node] = apply(node._op, a, dual[b] if isinstance(b, Value) else b)
            except (ArithmeticError, ValueError) as err:
                what = node._op.describe(a.primal, b.data if isinstance(b, Value) else b)
                raise type(err)(
                    f"forward mode through {what} (Value.{node._op.name}) failed: {err}. The derivative is not "
                    f"finite at this point."
                ) from None
    return dual[output]


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
    numbers of the same length. Like ``torch.func.jvp(f, primals, tangents)``, for scalars.
    """
    primals = _numbers(primals, "primals")
    tangents = _numbers(tangents, "tangents")
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp(): {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal (input)"
        )
    xs = [Value(p, label=f"x{i}") for i, p in enumerate(primals)]
    out = f(*xs)
    if not isinstance(out, Value):
        if isinstance(out, numbers.Real) and not isinstance(out, bool):  # f does not depend on its inputs
            return float(out), 0.0
        raise TypeError(f"jvp(): f must return a Value (or a number), got {type(out).__name__} {out!r}")
    result = push_forward(out, {x: t for x, t in zip(xs, tangents)})
    return result.primal, result.tangent


def _numbers(seq, what):
    try:
        items = list(seq)
    except TypeError:
        raise TypeError(f"jvp(): {what} must be a sequence of numbers, got {type(seq).__name__} {seq!r}") from None
    out = []
    for k, v in enumerate(items):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"jvp(): {what}[{k}] must be a real number, got {type(v).__name__} {v!r}")
        out.append(float(v))
    return out
