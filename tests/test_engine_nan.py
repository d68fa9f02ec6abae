"""NaN stays visible, and numbers too large for a float are named (issue 14, items 2 and 5).

Oracle: torch in float64. Every row of the op table (``test_engine_ops.CASES``) is run with a NaN in one operand
(a Value or a number mixed into the op) and the others drawn from the row's own domain; value and gradients must
be what torch gives. Before issue 14, ``Value(nan).relu()`` was 0.0 (torch: nan) and its gradient 0 (torch: 1),
and ``(-2.0) ** nan`` raised "a negative base needs a whole-number exponent" (torch: nan).
"""

from __future__ import annotations

import math
from fractions import Fraction

import hypothesis.strategies as st
import pytest
import torch
from hypothesis import given
from test_engine_ops import CASE_IDS, CASES, close, draw_point, engine, oracle

import autograd_mini as am
from autograd_mini import Value

NAN = float("nan")


def same(ours, theirs):
    """Both NaN, or equal up to a few roundings."""
    if math.isnan(theirs):
        return math.isnan(ours)
    return not math.isnan(ours) and close(ours, theirs, scale=1.0)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_a_nan_operand_gives_what_torch_float64_gives(case, data):
    xs, cs = draw_point(data, case)
    slot = data.draw(st.integers(0, len(xs) + len(cs) - 1), label="slot")
    if slot < len(xs):
        xs[slot] = NAN
    else:
        cs[slot - len(xs)] = NAN
    value, grads, _, _ = engine(case, xs, cs)
    t_value, t_grads = oracle(case, xs, cs)
    assert same(value, t_value), (xs, cs, value, t_value)
    for g, t in zip(grads, t_grads):
        assert same(g, t), (xs, cs, grads, t_grads)


@pytest.mark.parametrize(
    "name, fn, point",
    [
        # the corners where the engine has rules of its own (x^0 flat, 0^y, a whole exponent of a negative base)
        ("nan ** 0", lambda x, y: x**y, [NAN, 0.0]),
        ("0 ** nan", lambda x, y: x**y, [0.0, NAN]),
        ("1 ** nan", lambda x, y: x**y, [1.0, NAN]),
        ("nan ** nan", lambda x, y: x**y, [NAN, NAN]),
        ("relu(nan)", lambda x: x.relu(), [NAN]),
        ("abs(nan)", lambda x: abs(x), [NAN]),
        ("nan * 0", lambda x, y: x * y, [NAN, 0.0]),
    ],
)
def test_nan_at_the_corners_of_the_rules(name, fn, point):
    vs = [Value(p) for p in point]
    out = fn(*vs)
    out.backward()
    ts = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
    t_out = fn(*ts)
    t_grads = torch.autograd.grad(t_out, ts)
    assert same(out.data, t_out.item())
    for v, t in zip(vs, t_grads):
        assert same(v.grad, t.item()), (name, [v.grad for v in vs], [t.item() for t in t_grads])


def test_a_negative_base_to_a_nan_number_is_nan_as_in_torch():
    # torch.pow(-2., nan) = nan; the engine raised "needs a whole-number exponent" before issue 14
    t = torch.pow(torch.tensor(-2.0, dtype=torch.float64), NAN).item()
    assert math.isnan(t) and math.isnan((Value(-2.0) ** NAN).data)


def test_relu_of_nan_is_caught_by_detect_anomaly():
    # relu(nan) was 0.0, so anomaly mode never saw the NaN
    with am.detect_anomaly(), pytest.raises(FloatingPointError, match="relu"):
        Value(NAN).relu()


def test_nan_reaches_the_loss_of_a_network():
    # one NaN feature used to vanish in relu (0.0): the output is NaN now, as torch's would be
    from nn import MLP

    model = MLP(2, [4, 1], seed=0)
    assert math.isnan(model([1.0, NAN]).data)


# -- numbers that do not fit a float (item 5) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "compute, where, size",
    [
        (lambda x: Value(10**400), "Value()", "1e400"),
        (lambda x: x + 10**400, "Value +", "1e400"),
        (lambda x: 10**400 - x, "Value -", "1e400"),
        (lambda x: x * -(10**5000), "Value *", "-1e5000"),  # beyond Python's 4300-digit str() limit
        (lambda x: x**10**309, "Value **", "1e309"),
        (lambda x: Value(Fraction(10**400, 3)), "Value()", "1e400"),  # log10(10**400 // 3) = 399.5 -> 1e400
        (lambda x: x.backward(10**400), "backward(grad=...)", "1e400"),
    ],
)
def test_a_number_too_large_for_a_float_is_named(compute, where, size):
    with pytest.raises(OverflowError) as info:
        compute(Value(2.0))
    message = str(info.value)
    assert message.startswith(where + ":"), message
    assert f" {size} " in message and "does not fit a float" in message, message
    assert "int too large to convert" not in message


def test_the_largest_integers_that_fit_are_taken_as_floats():
    # 10**308 < 1.797e308 (the largest float): fits, and is stored as the float 1e308
    assert Value(10**308).data == 1e308
    assert (Value(0.0) + 10**308).data == 1e308
