"""sympy under budgets (issue 19): a formula can be exponentially longer than its graph and sympy recurses, so the
symbolic way refuses, before sympy runs and in well under a second, what would take minutes or end in a
RecursionError; the message is one line naming the limit and the argument that raises it. Raised, the limits let
the work through, and the numbers are torch float64's. Where the derivative's formula has no value, the error says
so (never a bare ``float division by zero``).
"""

import math
import time

import pytest
import torch

from autograd_mini import Value
from autograd_mini import symbolic as S


def doubling(n):
    """t = tanh(t) + t, n times from t = x: the graph has 2n operations, the formula 2^(n+1) - 2 (each level writes
    the one below twice: size(n) = 2 size(n - 1) + 2, size(0) = 0)."""
    x = Value(0.3, label="x")
    t = x
    for _ in range(n):
        t = t.tanh() + t
    return t, x


def chain(n):
    """y = y*x + x, n times from y = x: 2n operations nested 2n deep."""
    x = Value(0.3, label="x")
    y = x
    for _ in range(n):
        y = y * x + x
    return y, x


def test_written_size_counts_each_use_again():
    t, _ = doubling(20)
    assert S.written_size(t) == (2**21 - 2, 40)
    y, _ = chain(100)
    assert S.written_size(y) == (200, 200)


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda: doubling(20)[0],
            "to_sympy(): the formula written out has 2,097,150 operations (each use of a shared node is written "
            "again); the limit is max_ops=20000: pass a larger max_ops= to go on",
        ),
        (
            lambda: chain(100)[0],  # was a RecursionError inside sympy.diff
            "to_sympy(): the formula nests 200 operations deep (sympy differentiates and Python compiles it "
            "recursively); the limit is max_depth=100: pass a larger max_depth= to go on",
        ),
    ],
    ids=["size", "depth"],
)
@pytest.mark.parametrize("call", [S.to_sympy, S.gradient, S.gradient_values], ids=lambda f: f.__name__)
def test_over_a_budget_is_refused_at_once_in_one_line(build, message, call):
    value = build()
    start = time.perf_counter()
    with pytest.raises(S.SymbolicBudgetError) as caught:
        call(value)
    assert time.perf_counter() - start < 1.0
    assert str(caught.value) == message


def test_raised_limits_let_the_work_through_and_the_numbers_are_torchs():
    # tanh nested 30 deep: over max_depth=29; with max_depth=30 sympy's derivative, evaluated, is torch's
    x = Value(0.3, label="x")
    y = x
    for _ in range(30):
        y = y.tanh()
    with pytest.raises(S.SymbolicBudgetError, match="nests 30 operations deep .* the limit is max_depth=29"):
        S.gradient_values(y, max_depth=29)
    got = S.gradient_values(y, max_depth=30)["x"]
    t = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    u = t
    for _ in range(30):
        u = torch.tanh(u)
    u.backward()
    assert got == pytest.approx(t.grad.item(), rel=1e-12)
    # 10 doublings: 2046 operations written out; over max_ops=2000, through at 2046, and again torch's number
    t10, x10 = doubling(10)
    with pytest.raises(S.SymbolicBudgetError, match="has 2,046 operations .* the limit is max_ops=2000"):
        S.gradient(t10, max_ops=2000)
    tt = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    v = tt
    for _ in range(10):
        v = torch.tanh(v) + v
    v.backward()
    assert S.gradient_values(t10, max_ops=2046)["x"] == pytest.approx(tt.grad.item(), rel=1e-12)


def test_expression_size_refuses_a_swollen_expression_after_counting_only_its_distinct_parts():
    # sympy shares subexpressions: e = f(e) * e 40 times is about 80 distinct nodes but 2.7e12 written out, which
    # count_ops and cse would walk one by one (a 20-op chain of this kind once took over 30 s)
    x = S.sympy.Symbol("x", real=True)
    f = S.sympy.Function("f")
    e = x
    for _ in range(40):
        e = f(e) * e
    start = time.perf_counter()
    with pytest.raises(S.SymbolicBudgetError, match=r"expression_size\(\): the expressions written out have"):
        S.expression_size(e)
    assert time.perf_counter() - start < 1.0
    # d/dx (x^2 - sin y) x = 3x^2 - sin y (4 ops) and d/dy = -x cos y (3 ops), as counted by hand
    y = S.sympy.Symbol("y", real=True)
    assert S.expression_size([3 * x**2 - S.sympy.sin(y), -x * S.sympy.cos(y)]) == (7, 7)


def test_a_derivative_without_a_value_is_named_with_the_point():
    x, y = Value(0.0, label="x"), Value(0.0, label="y")
    with pytest.raises(S.NoValueError) as caught:
        S.gradient_values(x**y)
    assert str(caught.value) == (
        "d/dx = x**y*y/x has no value at x = 0, y = 0 (sympy: nan); the engine takes the limit or torch's "
        "convention there"
    )


def test_where_floats_overflow_sympys_numbers_evaluate_the_derivative():
    # d/dx log(1 + e^x) at 800 = 1 / (1 + e^-800) = 1 in float64; e^800 overflows a float, not sympy's numbers
    x = Value(800.0, label="x")
    assert S.gradient_values(x.softplus()) == {"x": 1.0}
    with pytest.raises(OverflowError):
        math.exp(800.0)  # what the floats alone would have done
