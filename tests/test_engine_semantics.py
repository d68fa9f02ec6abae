"""What the engine promises besides the numbers (issue 2, "Value"): deep graphs, backward() twice, no_grad,
freeing by reference counting, stable children, which inputs Value() takes, and that numbers stay numbers."""

import gc
import math
from fractions import Fraction

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

import autograd_mini as am
from autograd_mini import Value, no_grad, topological_order

# -- the 1,000,000-deep chain ------------------------------------------------------------------------------------


def live_values():
    """How many Value objects exist right now.

    Sound because every Value is tracked by the cyclic collector (its __slots__ hold object references, so the
    class is a GC type; test_values_are_visible_to_the_collector checks it), and gc.get_objects() lists every
    tracked object whether or not a collection has run. The list is dropped before returning.
    """
    return sum(1 for o in gc.get_objects() if type(o) is Value)


@pytest.fixture
def collector_off():
    """Keep the cyclic collector off: whatever is freed meanwhile was freed by reference counting.

    (No gc.collect() first: garbage left by earlier tests stays as it is while the collector is off, so it is
    the same in every count and cancels out of the differences the tests look at.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


def test_values_are_visible_to_the_collector():
    # the precondition of live_values(): a Value is a GC-tracked object (else gc.get_objects() would not see it)
    v = Value(1.0)
    assert gc.is_tracked(v) and gc.is_tracked(v * 2.0)


@pytest.mark.slow
def test_a_million_deep_chain_builds_backprops_and_is_freed_without_recursion(collector_off):
    n = 1_000_000
    c = 1.0 + 2.0**-23  # the factor, chosen so that c - 1 = 2^-23 is exact
    before = live_values()
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * c
    y.backward()  # a recursive topological sort would hit RecursionError near depth 1000
    # y = c^n x, so dy/dx = c^n = exp(n log(1 + 2^-23)); the n roundings of the chain drift by ~sqrt(n) ulps
    expected = math.exp(n * math.log1p(2.0**-23))  # = e^0.1192... = 1.1266...
    assert y.data == pytest.approx(expected, rel=1e-9)
    assert x.grad == pytest.approx(expected, rel=1e-9)
    assert live_values() == before + n + 1
    del y  # a recursive deallocator would overflow the C stack here; CPython's trashcan unrolls it
    assert live_values() == before + 1  # only x is left, with the collector off: refcounting freed the chain
    assert x.grad == pytest.approx(expected, rel=1e-9)


# -- freeing by reference counting -------------------------------------------------------------------------------


def build_graph(n_inputs=20):
    xs = [Value(float(i) / 7 - 1.0, label=f"x{i}") for i in range(n_inputs)]
    h = [((x * w + 0.5).tanh() * x).sigmoid() for x, w in zip(xs, xs[::-1])]
    out = sum(h, Value(0.0)) + h[0] * h[-1] + (h[1] / (1 + h[2] ** 2)).exp() - h[3].log()
    return out


def test_a_dropped_graph_is_freed_by_reference_counting_alone(collector_off):
    before = live_values()
    out = build_graph()
    out.backward()
    grads = am.grad(out, topological_order(out)[:3], create_graph=True)  # a second graph pointing into the first
    during = live_values()
    assert during > before + 100  # the counter sees the graph
    del out, grads
    assert live_values() == before  # freed without a single collection: the graph had no reference cycle


def test_the_counter_would_see_a_graph_that_needs_the_collector(collector_off):
    # the control for the test above: micrograd 0.1.0 keeps a _backward closure that refers to its own output
    # node, a cycle per node, so its graphs stay alive until the collector runs (DESIGN.md, micrograd's weak spots)
    micrograd_engine = pytest.importorskip("micrograd.engine")
    mv = micrograd_engine.Value

    def count():
        return sum(1 for o in gc.get_objects() if type(o) is mv)

    before = count()
    a, b = mv(2.0), mv(-3.0)
    out = (a * b + a).relu() * b
    out.backward()
    del out, a, b
    assert count() > before  # still alive: refcounting alone cannot free a cycle
    gc.collect(0)  # the youngest generation is enough: with the collector off, everything made since is in it
    assert count() == before


# -- backward() twice --------------------------------------------------------------------------------------------


def shared_graph(a, b):
    """A graph with fan-out: c and d are each used twice."""
    c = a * b  # c = ab
    d = c + a  # d = ab + a
    e = d * c + d * 2.0  # e = (ab + a) ab + 2(ab + a)
    return e, [c, d]


def test_backward_twice_doubles_the_leaves_and_recomputes_the_interior():
    # small integers, so every product and sum below is exact and "exactly twice" can be checked with ==
    a, b = Value(2.0), Value(-3.0)
    e, interior = shared_graph(a, b)
    e.backward()
    # by hand at a = 2, b = -3: c = -6, d = -4, e = 24 - 8 = 16
    # de/dd = c + 2 = -4, de/dc = d + de/dd * 1 = -4 - 4 = -8 (c reaches e directly and through d)
    # de/da = de/dc * b + de/dd * 1 = 24 - 4 = 20;  de/db = de/dc * a = -16
    assert e.data == 16.0
    assert (a.grad, b.grad) == (20.0, -16.0)
    assert [n.grad for n in interior] == [-8.0, -4.0]
    e.backward()
    assert (a.grad, b.grad) == (40.0, -32.0)  # leaves accumulate, as in torch
    assert [n.grad for n in interior] == [-8.0, -4.0]  # interior nodes recomputed, not -16 and -8
    assert e.grad == 1.0


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_backward_twice_is_twice_backward_once_at_any_point(x, y):
    a, b = Value(x), Value(y)
    e, interior = shared_graph(a, b)
    e.backward()
    once = (a.grad, b.grad)
    inner = [n.grad for n in interior]
    e.backward()
    # a leaf sums its contributions: the second call gives (c1 + c2) + c1 + c2, which may differ from 2 (c1 + c2)
    # by a rounding of the contributions (up to ~27 |x|^3 here), more than one ulp of the sum when they cancel
    ulps = 1e-15 * (1 + abs(x) + abs(y)) ** 3
    assert a.grad == pytest.approx(2 * once[0], rel=1e-15, abs=ulps)
    assert b.grad == pytest.approx(2 * once[1], rel=1e-15, abs=ulps)
    assert [n.grad for n in interior] == inner  # recomputed from zero in the same order: bit for bit


def test_backward_of_two_outputs_adds_their_gradients_at_the_shared_leaf():
    x = Value(3.0)
    y1 = x * x  # dy1/dx = 2x = 6
    y2 = (x * 4.0).relu()  # dy2/dx = 4
    y1.backward()
    y2.backward()
    assert x.grad == 10.0


# -- no_grad -------------------------------------------------------------------------------------------------


def test_no_grad_builds_no_graph():
    x = Value(2.0)
    with no_grad():
        assert not am.is_grad_enabled()
        y = (x * 3 + 1).tanh()
        z = x**x
    assert am.is_grad_enabled()
    assert y.data == pytest.approx(math.tanh(7.0), rel=1e-15) and z.data == 4.0
    for v in (y, z):
        assert v.op is None and v.is_leaf and v.operands == () and v.children == ()
        assert topological_order(v) == [v]
    y.backward()
    assert x.grad == 0.0 and y.grad == 1.0  # nothing to flow back through
    w = x * 3  # and outside again, a graph
    assert w.op.name == "mul" and w.children == (x,)


def test_no_grad_restores_the_state_after_an_exception():
    x = Value(-1.0)
    with pytest.raises(ValueError, match="log"):
        with no_grad():
            x.log()  # an error raised by an op inside the block
    assert am.is_grad_enabled()
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("anything")
    assert am.is_grad_enabled()
    assert (x * 2).op is not None


def test_no_grad_nests_and_works_as_a_decorator():
    with no_grad():
        with no_grad():
            pass
        assert not am.is_grad_enabled()  # the inner block restores "off", not "on"
    assert am.is_grad_enabled()

    @no_grad()
    def evaluate(v):
        return v * v + 1

    x = Value(3.0)
    y = evaluate(x)
    assert y.data == 10.0 and y.op is None
    assert am.is_grad_enabled()


# -- children, order, fan-out ------------------------------------------------------------------------------------


def test_children_keep_operand_order_and_a_plus_a_has_two_edges():
    a, b = Value(5.0, label="a"), Value(2.0, label="b")
    assert (a - b).children == (a, b) and (b - a).children == (b, a)
    assert (a / b).children == (a, b) and (b**a).children == (b, a)
    s = a + a
    assert s.children == (a, a) and s.operands == (a, a)
    s.backward()
    assert a.grad == 2.0  # d(a + a)/da = 1 + 1, one per edge
    a.grad = 0.0
    p = a * a
    p.backward()
    assert a.grad == 10.0  # d(a a)/da = a + a = 2 * 5
    a.grad = 0.0
    q = a - a
    q.backward()
    assert q.data == 0.0 and a.grad == 0.0  # 1 - 1
    assert topological_order(s) == [a, s]  # a appears once in the order however many edges lead to it


@st.composite
def random_dag(draw):
    """A random expression over three inputs in which each new node takes its operands from all earlier ones."""
    nodes = [Value(draw(st.floats(-2, 2)), label=f"x{i}") for i in range(3)]
    for k in range(draw(st.integers(1, 25))):
        i = draw(st.integers(0, len(nodes) - 1))
        j = draw(st.integers(0, len(nodes) - 1))
        op = draw(st.sampled_from(["+", "*", "-", "tanh"]))
        a, b = nodes[i], nodes[j]
        node = a.tanh() if op == "tanh" else (a + b if op == "+" else a * b if op == "*" else a - b)
        node.label = f"n{k}"
        nodes.append(node)
    return nodes


@given(random_dag())
def test_topological_order_lists_each_node_once_children_first_root_last(nodes):
    root = nodes[-1]
    order = topological_order(root)
    position = {id(n): i for i, n in enumerate(order)}
    assert len(position) == len(order)  # no node twice
    assert order[-1] is root
    for n in order:
        for c in n.children:
            assert position[id(c)] < position[id(n)]
    # and it holds exactly the nodes reachable from the root, found here by a plain search
    reachable, stack = set(), [root]
    while stack:
        n = stack.pop()
        if id(n) not in reachable:
            reachable.add(id(n))
            stack.extend(n.children)
    assert set(position) == reachable


def test_the_same_expression_twice_gives_the_same_order():
    def build():
        a, b = Value(1.0, label="a"), Value(2.0, label="b")
        c = a * b
        c.label = "c"
        d = c + a
        d.label = "d"
        e = d * c + b
        e.label = "e"
        return e

    assert [n.label for n in topological_order(build())] == [n.label for n in topological_order(build())]


def test_a_subclass_of_value_is_a_node_like_any_other():
    # A learner (or nn) may subclass Value, e.g. to mark parameters. As the second operand of an op, such a node
    # must still be part of the graph: d(x p)/dp = x = 2, d(x p)/dx = p = 3.
    class Parameter(Value):
        __slots__ = ()

    x, p = Value(2.0), Parameter(3.0)
    y = x * p
    assert y.children == (x, p)
    assert p in topological_order(y)
    y.backward()
    assert type(x.grad) is float and x.grad == 3.0
    assert p.grad == 2.0


# -- what Value() takes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_, expected",
    [
        (3, 3.0),
        (-7, -7.0),
        (2.5, 2.5),
        (np.float32(0.1), 0.10000000149011612),  # the float32 nearest 0.1, exactly, as a Python float
        (np.float64(0.1), 0.1),
        (np.int64(-4), -4.0),
        (np.int32(9), 9.0),
        (np.float16(0.5), 0.5),
        (Fraction(1, 4), 0.25),
        (float("inf"), float("inf")),
    ],
    ids=lambda v: f"{type(v).__name__}({v})",
)
def test_value_takes_any_real_number_and_stores_a_python_float(given_, expected):
    v = Value(given_)
    assert type(v.data) is float and v.data == expected
    assert type(v.grad) is float and v.grad == 0.0


@pytest.mark.parametrize(
    "bad, shown",
    [
        ("1.0", "str '1.0'"),
        (None, "NoneType None"),
        ([1.0], "list [1.0]"),
        (1 + 2j, "complex (1+2j)"),
        (True, "bool True"),
        (np.bool_(False), "bool"),
        (np.complex128(1), "complex"),
        (np.array([1.0, 2.0]), "ndarray"),
    ],
    ids=lambda v: type(v).__name__,
)
def test_value_rejects_what_is_not_a_real_number_naming_it(bad, shown):
    with pytest.raises(TypeError) as info:
        Value(bad)
    message = str(info.value)
    assert "Value()" in message and shown in message


def test_the_label_must_be_text():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


# -- numbers mixed into ops stay numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", [3, 3.0, np.float32(3.0), np.float64(3.0), np.int64(3), Fraction(3)], ids=lambda v: type(v).__name__
)
def test_numbers_mixed_into_ops_are_stored_as_floats_not_nodes(number):
    x = Value(2.0, label="x")
    for y, op in ((x * number, "mul"), (number * x, "mul"), (x + number, "add"), (number - x, "rsub"),
                  (number / x, "rdiv"), (x**number, "pow"), (number**x, "rpow")):  # fmt: skip
        assert isinstance(y, Value), f"{op}: {type(y).__name__}"  # numpy's scalar did not take over
        assert y.op.name == op and y.children == (x,)
        assert y.operands == (x, 3.0) and type(y.operands[1]) is float
        assert topological_order(y) == [x, y]
    # a whole expression: three ops, two Values; the numbers 3, 1 and 2 are not nodes
    z = (x * number + 1) / 2
    assert len(topological_order(z)) == 4
    z.backward()
    assert x.grad == 1.5  # d/dx (3x + 1)/2 = 3/2


@pytest.mark.parametrize("bad", ["2", None, [1.0], 1j, True], ids=lambda v: type(v).__name__)
def test_ops_reject_what_is_not_a_number_naming_it(bad):
    x = Value(2.0)
    for apply in (lambda: x + bad, lambda: bad * x, lambda: x**bad, lambda: bad - x):
        with pytest.raises(TypeError) as info:
            apply()
        assert type(bad).__name__ in str(info.value)


# -- smaller promises ----------------------------------------------------------------------------------------------


def test_backward_takes_the_upstream_gradient_as_any_real_number():
    # y = x^2 at x = 3 with dL/dy = 2 given: dL/dx = 2 * 2x = 12
    x = Value(3.0)
    (x * x).backward(np.float64(2.0))
    assert x.grad == 12.0 and type(x.grad) is float
    with pytest.raises(TypeError) as info:
        (x * x).backward("1")
    assert "backward" in str(info.value) and "str" in str(info.value)


def test_grad_walks_a_deep_chain_without_recursion():
    # y = x + 1 + 1 + ... (100,000 times): dy/dx = 1, also through grad() and its create_graph variant
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    assert am.grad(y, x).data == 1.0
    g = am.grad(y, x, create_graph=True)
    assert g.data == 1.0 and am.grad(g, x).data == 0.0


def test_detach_cuts_the_graph():
    x = Value(2.0)
    y = (x * x).detach() * x  # d/dx of (constant 4) * x = 4
    y.backward()
    assert y.data == 8.0 and x.grad == 4.0


def test_gc_paused_restores_the_collector_even_after_an_exception():
    was_enabled = gc.isenabled()  # whatever the tests before left, put it back afterwards
    try:
        gc.enable()
        with pytest.raises(RuntimeError):
            with am.gc_paused():
                assert not gc.isenabled()
                raise RuntimeError("anything")
        assert gc.isenabled()
        gc.disable()
        with am.gc_paused():
            pass
        assert not gc.isenabled()  # it was off before, so it stays off
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_value_of_a_value_either_copies_it_or_says_what_it_takes():
    # Value(Value(2.0)): taking the number is as fine as refusing, but a refusal must not claim to take a Value
    try:
        v = Value(Value(2.0))
    except TypeError as err:
        assert "Value()" in str(err) and "or a Value" not in str(err), str(err)
    else:
        assert type(v.data) is float and v.data == 2.0 and v.is_leaf
