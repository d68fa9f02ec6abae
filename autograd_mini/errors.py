"""The errors a learner meets in the engine, worded once: which op, which value, and what to do."""

import math
import numbers
from typing import Any

from autograd_mini.ops import Op


def as_float(x: Any, where: str) -> float:
    """A real number as a float, or a TypeError that names where it was used and what it was."""
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
    if isinstance(err, ZeroDivisionError):
        return ZeroDivisionError(f"division by zero in {what} (Value.{op.name}): {op.domain or err}")
    if isinstance(err, OverflowError):
        return OverflowError(
            f"{what} overflows a float (Value.{op.name}): the result is larger than 1.8e308; "
            f"scale the input down or use a numerically stable formulation"
        )
    reason = op.domain or str(err)  # the table's words, not Python's ("math domain error")
    if op.arity == 1:
        return ValueError(f"{op.name} of {a!r} in Value.{op.name}(): {reason}")
    return ValueError(f"{what} is undefined (Value.{op.name}): {reason}")


def backward_failure(node: Any, err: Exception) -> Exception:
    """A local derivative that could not be taken (sqrt at 0, say): which op, at which values.

    The error is of the original type (ZeroDivisionError, ValueError ...) and carries the node as ``.node``, so a
    caller (the formula parser) can point at the sub-expression that failed.
    """
    failure = type(err)(
        f"backward through {node._op.describe(node._a.data, getattr(node._b, 'data', node._b))} "
        f"(d/d operand of {node._op.name}) failed: {err}. The derivative is not finite at this point."
    )
    failure.node = node  # type: ignore[attr-defined]
    return failure
