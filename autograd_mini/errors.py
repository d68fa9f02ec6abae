"""The errors a learner meets in the engine, worded once: which op, which value, and what to do."""

import math
import numbers
from typing import Any

from autograd_mini.node import Node
from autograd_mini.ops import OPS, Op


def as_float(x: Any, where: str) -> float:
    """A real number as a float, or a TypeError that names where it was used and what it was."""
    if isinstance(x, Node) and where == "Value()":
        raise TypeError(
            f"Value() takes a real number (int, float, numpy scalar), got the Value {x!r}: use it as it is to stay "
            f"in its graph, or .detach() for a new leaf with the same value"
        )
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        takes = "a real number (int, float, numpy scalar)" + ("" if where == "Value()" else " or a Value")
        raise TypeError(f"{where} takes {takes}, got {type(x).__name__} {x!r}")
    try:
        return float(x)
    except OverflowError:  # an int or Fraction beyond 1.8e308, described by its size (it may have 5000 digits)
        size = f"{'-' if x < 0 else ''}1e{math.log10(abs(math.trunc(x))):.0f}"  # math.log10 takes ints of any size
        raise OverflowError(
            f"{where}: the {type(x).__name__} {size} (about) does not fit a float (the largest float is about "
            f"1.8e308); scale the number down, or work with its logarithm"
        ) from None


def op_error(op: Op, a: float, b: float | None, err: Exception) -> Exception:
    """The forward value could not be computed (``log(0.0)``, ``1 / 0``, ``exp(1000)``): which op, at which values."""
    what = op.describe(a, b)
    where = f"Value.{op.name}" if OPS.get(op.name) is op else f"the op {op.name!r}"  # the table's, or a learner's
    if isinstance(err, ZeroDivisionError):
        return ZeroDivisionError(f"division by zero in {what} ({where}): {op.domain or err}")
    if isinstance(err, OverflowError):
        return OverflowError(
            f"{what} overflows a float ({where}): the result is larger than 1.8e308; "
            f"scale the input down or use a numerically stable formulation"
        )
    reason = op.domain or str(err)  # the table's words, not Python's ("math domain error")
    if op.arity == 1:
        return ValueError(f"{op.name} of {a!r} in {where}{'()' if where.startswith('Value') else ''}: {reason}")
    return ValueError(f"{what} is undefined ({where}): {reason}")


def backward_failure(node: Any, err: Exception, on_values: bool = False, values: Any = None) -> Exception:
    """A local derivative that could not be taken (sqrt at 0, say): which op, at which values.

    The error is of the original type (ZeroDivisionError, ValueError ...) and carries the node as ``.node``, so a
    caller (the formula parser) can point at the sub-expression that failed. A learner's op whose partials return
    the wrong shape, or cannot work on Values (``on_values``: ``grad(create_graph=True)``), is told so. ``values``:
    the operands' numbers where they are not the node's own (a compiled step's call).
    """
    op = node.op
    values = [getattr(x, "data", x) for x in node.operands] if values is None else [v for v in values if v is not None]
    what = op.describe(*values)
    shape = "partials(a, out) -> (dout/da,)" if op.arity == 1 else "partials(a, b, out) -> (dout/da, dout/db)"
    if isinstance(err, (TypeError, IndexError)) or "unpack" in str(err):
        if on_values and isinstance(err, TypeError) and "Value" in str(err):
            failure: Exception = TypeError(
                f"the partials of op {op.name!r} cannot work on Values (as grad(create_graph=True), hessian, hvp and "
                f"jvp on Values evaluate them; at {what}): {err}. "
                f"Write them with arithmetic and functions that take Values too (a.exp(), a.sigmoid(), another "
                f"op such as ops.SIGMOID(a)) instead of math.exp and the like"
            )
        else:
            failure = TypeError(
                f"the partials of op {op.name!r} at {what} failed: {err}. They must return a tuple with one local "
                f"derivative per operand: {shape}"
            )
    else:
        failure = derivative_error(op, values[0], values[1] if len(values) == 2 else None, err)
    failure.node = node  # type: ignore[attr-defined]
    return failure


def derivative_error(op: Op, a: float, b: Any, err: Exception) -> Exception:
    """The words of ``backward_failure`` for an op and its operands' values (also the compiled step's)."""
    return type(err)(
        f"backward through {op.describe(a, b)} (d/d operand of {op.name}) failed: {err}. "
        f"The derivative is not finite at this point."
    )


def check_operands(op: Any, a: Any, b: Any) -> None:
    """``apply(op, a, b)``'s arguments, as a learner may get them wrong: an Op, a Value first, the op's arity."""
    if not isinstance(op, Op):
        raise TypeError(f"apply() takes an Op (made with unary(...) or binary(...)), got {type(op).__name__} {op!r}")
    if not isinstance(a, Node):
        raise TypeError(f"{op.name}(): the first operand must be a Value, got {type(a).__name__} {a!r}")
    if (b is None) != (op.arity == 1):
        raise TypeError(op.operands_error())


def forward_result(op: Op, data: Any) -> float:
    """A learner's forward that returned an int or a numpy number: as a float; anything else: a named TypeError."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real) or isinstance(data, Node):
        raise TypeError(
            f"the forward of op {op.name!r} must return a float, got {type(data).__name__} {data!r}: "
            f"it is given plain numbers and computes on them (the partials are what may work on Values)"
        )
    return float(data)
