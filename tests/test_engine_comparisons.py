"""Comparisons by value, and nodes by identity (issue 11).

``< <= > >= == !=`` compare values, as ``bool(torch.tensor(a) < torch.tensor(b))`` and HIPS autograd's boxes do,
so ``max``, ``min`` and ``sorted`` work on Values. The hash is the node's identity (as a torch tensor's), so sets and
dicts hold nodes: the graph walks (backward, topological order, grad, the trace, the drawing) must never take two
different nodes with equal values for one. Each test below builds exactly such graphs; the expected gradients are
worked out by hand in the comments.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction

import hypothesis.strategies as st
import pytest
import torch
from hypothesis import given

import autograd_mini as am
from autograd_mini import Value, draw_dot, trace_backward

COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]
NUMBERS = st.one_of(st.floats(allow_nan=False), st.sampled_from([0.0, -0.0, 1.0, 0.5, math.inf, -math.inf]))


@pytest.mark.parametrize("compare", COMPARISONS, ids=lambda c: c.__name__)
@given(a=NUMBERS, b=NUMBERS)
def test_comparisons_are_the_values_comparisons_as_bools_like_torch(compare, a, b):
    expected = compare(a, b)
    assert compare(torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)).item() is expected
    for result in (compare(Value(a), Value(b)), compare(Value(a), b), compare(a, Value(b))):
        assert result is expected, (compare.__name__, a, b, result)


def test_comparisons_with_other_numbers_and_nan():
    import numpy as np

    assert Value(2.0) > 1 and Value(2.0) < np.float64(3.0) and np.float64(3.0) > Value(2.0)
    assert (Value(2.0) < np.int64(3)) is True and (Value(1e308) < 10**400) is True  # exact, as float < int is
    assert Value(0.5) == Fraction(1, 2) and Value(0.1) != Fraction(1, 10)  # 0.1 is not exactly 1/10
    assert Value(2.0) == 2 and Value(0.5) == Value(0.5) and Value(0.0) == Value(-0.0)
    nan = Value(math.nan)
    # NaN equals nothing, itself included, as float('nan') and torch.tensor(nan) (nan == nan is tensor(False))
    assert not (nan == nan) and nan != nan and not (nan < 1.0) and not (nan >= 1.0)
    assert nan in [nan]  # a list finds the very object first (identity), as Python does for float('nan')


def test_a_value_is_never_equal_to_what_is_not_a_number_and_not_ordered_against_it():
    v = Value(1.0)
    assert v != "1.0" and v != None and v != [1.0]  # noqa: E711
    with pytest.raises(TypeError, match="'<' not supported between instances of 'Value' and 'str'"):
        v < "a"  # noqa: B015


def test_max_min_sorted_pick_values_which_stay_in_their_graphs():
    a, b, c = Value(3.0, label="a"), Value(-1.0, label="b"), Value(2.0, label="c")
    assert max(a, b, c) is a and min(a, b, c) is b
    assert [v.label for v in sorted([a, b, c])] == ["b", "c", "a"]
    assert sorted([a, b, 0.5, 2]) == [-1.0, 0.5, 2, 3.0]  # mixed with numbers, by value
    # the builtin max returns a node, so the gradient flows to it: d max(a, b) ** 2 / da = 2a = 6, d/db = 0
    y = max(a, b) ** 2
    y.backward()
    assert (a.grad, b.grad) == (6.0, 0.0)
    # at a tie the builtin max returns its first argument (Python's rule); the op Value.maximum splits 1/2 : 1/2
    p, q = Value(1.0), Value(1.0)
    assert max(p, q) is p
    p.maximum(q).backward()
    assert (p.grad, q.grad) == (0.5, 0.5)


def test_the_hash_is_identity_so_sets_and_dicts_hold_nodes():
    a, b = Value(0.5), Value(0.5)
    assert a == b and a is not b
    assert len({a, b}) == 2 and len({a: 1, b: 2}) == 2
    assert hash(a) != hash(b) and hash(a) == hash(a)
    d = {a: "a"}
    assert b not in d and a in d and {a, b} - {a} == {b}


# -- graphs with different nodes of equal value ------------------------------------------------------------------


def twins():
    """x = 2, y = 2 (a different leaf of the same value); u = x * 1 and w = y * 1 (equal-valued interior nodes)."""
    x, y = Value(2.0, label="x"), Value(2.0, label="y")
    u, w = x * 1.0, y * 1.0
    out = u * x + w  # out = x^2 + y: d/dx = 2x = 4, d/dy = 1
    return x, y, u, w, out


def test_backward_and_topological_order_keep_equal_valued_nodes_apart():
    x, y, u, w, out = twins()
    order = am.topological_order(out)
    assert len(order) == 6  # x, y, u, w, u * x, out: six different nodes, though four of them are 2.0
    assert len({id(n) for n in order}) == 6
    assert all(any(n is m for n in order) for m in (x, y, u, w, out))
    out.backward()
    assert (x.grad, y.grad) == (4.0, 1.0)


def test_grad_keeps_equal_valued_nodes_apart_also_with_create_graph():
    x, y, u, w, out = twins()
    assert [g.data for g in am.grad(out, [x, y, u, w])] == [4.0, 1.0, 2.0, 1.0]  # d/du = x = 2, d/dw = 1
    gx, gy = am.grad(out, [x, y], create_graph=True)
    assert [h.data for h in am.grad(gx, [x, y])] == [2.0, 0.0]  # d2/dx2 = 2, d2/dxdy = 0


def test_the_trace_keeps_equal_valued_nodes_apart():
    x, y, u, w, out = twins()
    trace = trace_backward(out)
    assert len(trace) == 4  # u = x * 1, w = y * 1, u * x, out: one step per op node
    assert (trace.grad(x), trace.grad(y), trace.grad(u), trace.grad(w)) == (4.0, 1.0, 2.0, 1.0)
    assert len(set(trace.names.values())) == 6  # six names for six nodes


def test_the_drawing_keeps_equal_valued_nodes_apart():
    x, y, u, w, out = twins()
    out.backward()
    source = draw_dot(out, edge_labels=True, rankdir="LR").source
    assert source.count("shape=record") == 6  # one box per Value: x, y, u, w (all data 2), u * x, out
    assert source.count("data 2 |") == 4
    assert "{ x | data 2 | grad 4 }" in source and "{ y | data 2 | grad 1 }" in source
    assert source.count("-> v2op") == 2  # u * x: two edges, from u and from x, not one from "the node 2.0"


def test_many_equal_valued_leaves_each_get_their_own_gradient():
    # out = sum_i c_i * x_i with every x_i = 1.0: d out / d x_i = c_i for each of the 100 different leaves
    xs = [Value(1.0) for _ in range(100)]
    out = sum((x * float(i) for i, x in enumerate(xs)), Value(0.0))
    out.backward()
    assert [x.grad for x in xs] == [float(i) for i in range(100)]
    assert [g.data for g in am.grad(out, xs)] == [float(i) for i in range(100)]
