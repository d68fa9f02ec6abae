"""Central finite differences against autodiff: the check every hand-derived or hand-coded gradient deserves."""

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd_mini.engine import Value
from autograd_mini.errors import as_float
from autograd_mini.higher_order import grad
from autograd_mini.modes import enable_grad, no_grad
from autograd_mini.naming import check_arity


class GradcheckError(AssertionError):
    """Autodiff and finite differences disagree; the message has the table, ``rows`` the numbers."""

    def __init__(self, message, rows):
        super().__init__(message)
        self.rows = rows


def numeric_gradient(f: Callable[..., Value], point: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / (2 h) for each coordinate i, on plain values.

    The step is h = eps * max(1, |x_i|), and the division is by the step actually taken after rounding: with a
    fixed h, x +- 1e-6 is x itself once |x| passes ~1e10 (and off by whole ulps well before), so a correct
    gradient of 2x at x = 1e12 would be "numerically" 0.
    """
    point = [float(p) for p in point]
    result = []
    with no_grad():
        for i in range(len(point)):
            h = eps * max(1.0, abs(point[i]))
            up, down = list(point), list(point)
            up[i] += h
            down[i] -= h
            f_up = _scalar(f(*[Value(v) for v in up]))
            f_down = _scalar(f(*[Value(v) for v in down]))
            result.append((f_up - f_down) / (up[i] - down[i]))
    return result


def _scalar(y):
    if isinstance(y, Value):
        return y.data
    return as_float(y, "gradcheck: the function's result")


def gradcheck(
    f: Callable[..., Value], inputs: Sequence[Any], eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> bool:
    """Compare autodiff's gradient of ``f(*inputs)`` with central finite differences.

    ``inputs``: numbers or Values (their ``data`` is used). ``eps``: the step of the central differences, times
    max(1, |x|) for each input (see ``numeric_gradient``). Passes when, for every input,
    ``|analytic - numeric| <= atol + rtol * |numeric|``; returns True. Otherwise raises ``GradcheckError`` whose
    message shows, per input, the analytic and the numeric value and their difference.
    """
    point = [x.data if isinstance(x, Value) else as_float(x, "gradcheck() input") for x in inputs]
    for name, v in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if not (isinstance(v, (int, float)) and v >= 0 and math.isfinite(v)) or (name == "eps" and v == 0):
            raise ValueError(f"gradcheck(): {name} must be a finite number > 0 (>= 0 for tolerances), got {v!r}")
    check_arity(f, len(point), "gradcheck()", "inputs")
    xs = [Value(p, label=f"x{i}") for i, p in enumerate(point)]
    with enable_grad():  # the analytic gradient needs f's graph, also inside a caller's no_grad() (as torch.func)
        y = f(*xs)
    if not isinstance(y, Value):
        raise TypeError(f"gradcheck(): f must return a Value, got {type(y).__name__} {y!r}")
    analytic = [g.data for g in grad(y, xs)]
    numeric = numeric_gradient(f, point, eps)
    rows = []
    bad = False
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        diff = abs(a - n)
        ok = diff <= atol + rtol * abs(n)
        bad |= not ok
        rows.append((f"x{i}", point[i], a, n, diff, ok))
    if bad:
        lines = [
            f"gradcheck failed (eps={eps:g}, atol={atol:g}, rtol={rtol:g}):",
            f"{'input':>6} {'value':>14} {'analytic':>16} {'numeric':>16} {'|difference|':>14}",
        ]
        for name, x, a, n, diff, ok in rows:
            flag = "" if ok else "   <-- mismatch"
            lines.append(f"{name:>6} {x:>14.6g} {a:>16.10g} {n:>16.10g} {diff:>14.3e}{flag}")
        raise GradcheckError("\n".join(lines), rows)
    return True
