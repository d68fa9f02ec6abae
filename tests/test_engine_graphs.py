"""Random expression graphs with fan-out, evaluated by the engine and by torch in float64.

Hypothesis draws a small program: three inputs, then up to 30 instructions, each an op applied to earlier nodes
(often the newest one, so chains get deep; often one drawn from all earlier nodes, so nodes are reused; sometimes
the same node twice, ``a + a``, ``a * a``, ``a - a``). The program is run once on Values and once on torch
tensors; every node's value and every input's gradient must agree.

While drawing, the program is also run on plain floats with ``math`` (a third, separate evaluation), only to keep
it inside float64's comfortable range: an instruction that would leave [-1e6, 1e6] is replaced by a tanh. That
decision is made before either engine runs, so both get exactly the same program.
"""

import math

import hypothesis.strategies as st
import pytest
import torch
from hypothesis import given

import autograd_mini as am
from autograd_mini import Value

# name: (how it reads, how it runs on Values and tensors alike, how it runs on floats). Each takes two operands
# (unary ones ignore the second) and a number c drawn with it.
INSTRUCTIONS = {
    "add": ("{a} + {b}", lambda a, b, c: a + b, lambda a, b, c: a + b),
    "sub": ("{a} - {b}", lambda a, b, c: a - b, lambda a, b, c: a - b),
    "mul": ("{a} * {b}", lambda a, b, c: a * b, lambda a, b, c: a * b),
    "div": ("{a} / (1 + {b}*{b})", lambda a, b, c: a / (1 + b * b), lambda a, b, c: a / (1 + b * b)),
    "affine": ("{c} * {a} + 1", lambda a, b, c: c * a + 1, lambda a, b, c: c * a + 1),
    "rsub": ("{c} - {a}", lambda a, b, c: c - a, lambda a, b, c: c - a),
    "rdiv": ("{c} / ({a}*{a} + 1)", lambda a, b, c: c / (a * a + 1), lambda a, b, c: c / (a * a + 1)),
    "neg": ("-{a}", lambda a, b, c: -a, lambda a, b, c: -a),
    "square": ("{a} ** 2", lambda a, b, c: a**2, lambda a, b, c: a**2),
    "cube": ("{a} ** 3", lambda a, b, c: a**3, lambda a, b, c: a**3),
    "rpow": ("2 ** tanh({a})", lambda a, b, c: 2 ** a.tanh(), lambda a, b, c: 2 ** math.tanh(a)),
    "powv": (
        "({a}*{a} + 1) ** tanh({b})",
        lambda a, b, c: (a * a + 1) ** b.tanh(),
        lambda a, b, c: (a * a + 1) ** math.tanh(b),
    ),
    "exp": ("exp({a})", lambda a, b, c: a.exp(), lambda a, b, c: math.exp(a) if a < 50 else math.inf),
    "log": ("log({a}*{a} + 1)", lambda a, b, c: (a * a + 1).log(), lambda a, b, c: math.log(a * a + 1)),
    "sqrt": ("sqrt({a}*{a} + 1)", lambda a, b, c: (a * a + 1).sqrt(), lambda a, b, c: math.sqrt(a * a + 1)),
    "tanh": ("tanh({a})", lambda a, b, c: a.tanh(), lambda a, b, c: math.tanh(a)),
    "sigmoid": ("sigmoid({a})", lambda a, b, c: a.sigmoid(), lambda a, b, c: 1 / (1 + math.exp(-a)) if a > -50 else 0),
    "relu": ("relu({a})", lambda a, b, c: a.relu(), lambda a, b, c: max(a, 0.0)),
    "abs": ("abs({a})", lambda a, b, c: abs(a), lambda a, b, c: abs(a)),
    "sin": ("sin({a})", lambda a, b, c: a.sin(), lambda a, b, c: math.sin(a)),
    "cos": ("cos({a})", lambda a, b, c: a.cos(), lambda a, b, c: math.cos(a)),
}
LIMIT = 1e6


@st.composite
def programs(draw):
    inputs = [draw(st.floats(-2, 2), label=f"x{i}") for i in range(3)]
    floats = list(inputs)
    program = []
    for _ in range(draw(st.integers(1, 30), label="length")):
        n = len(floats)
        newest = st.just(n - 1)
        i = draw(st.one_of(newest, st.integers(0, n - 1)), label="a")
        j = draw(st.one_of(st.just(i), newest, st.integers(0, n - 1)), label="b")  # b = a: a + a, a * a ...
        name = draw(st.sampled_from(sorted(INSTRUCTIONS)), label="op")
        c = draw(st.floats(-3, 3), label="c")
        try:
            value = INSTRUCTIONS[name][2](floats[i], floats[j], c)
        except (ArithmeticError, ValueError):
            value = math.inf
        if not abs(value) <= LIMIT:
            name = "tanh"
            value = math.tanh(floats[i])
        program.append((name, i, j, c))
        floats.append(value)
    # the output adds the last node and a few others, so several nodes reach it along more than one path
    extra = draw(st.lists(st.integers(0, len(floats) - 1), max_size=4), label="outputs")
    return inputs, program, extra


def run(program, leaves):
    nodes = list(leaves)
    for name, i, j, c in program:
        nodes.append(INSTRUCTIONS[name][1](nodes[i], nodes[j], c))
    out = nodes[-1]
    return nodes, out


def describe(inputs, program, extra):
    lines = [f"x0, x1, x2 = {inputs}"]
    for k, (name, i, j, c) in enumerate(program):
        text = INSTRUCTIONS[name][0].format(a=f"n{i}", b=f"n{j}", c=repr(c))
        lines.append(f"n{k + 3} = {text}")
    lines.append(f"out = n{len(program) + 2} + " + " + ".join(f"n{e}" for e in extra))
    return "\n".join(lines)


def add_outputs(nodes, extra):
    out = nodes[-1]
    for e in extra:
        out = out + nodes[e]
    return out


@given(programs())
def test_random_graphs_with_fan_out_match_torch(prog):
    inputs, program, extra = prog
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    nodes, _ = run(program, leaves)
    out = add_outputs(nodes, extra)
    out.backward()

    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    t_nodes, _ = run(program, tensors)
    t_out = add_outputs(t_nodes, extra)
    t_grads = torch.autograd.grad(t_out, tensors, allow_unused=True)
    t_grads = [0.0 if g is None else g.item() for g in t_grads]

    where = describe(inputs, program, extra)
    # roundings compound along the graph, and torch's libm may differ from Python's in the last bit, so the
    # tolerance is relative 1e-9 plus 1e-12 of the largest number in play (a few ulps of it after ~30 ops)
    scale = 1.0 + max(abs(t.item()) for t in t_nodes) + max(abs(g) for g in t_grads)
    for k, (v, t) in enumerate(zip(nodes, t_nodes)):
        assert math.isclose(v.data, t.item(), rel_tol=1e-9, abs_tol=1e-12 * scale), f"n{k}\n{where}"
    assert math.isclose(out.data, t_out.item(), rel_tol=1e-9, abs_tol=1e-12 * scale), where
    for i, (leaf, tg) in enumerate(zip(leaves, t_grads)):
        assert math.isclose(leaf.grad, tg, rel_tol=1e-9, abs_tol=1e-12 * scale), f"d out/d x{i}\n{where}"
    # grad() walks the same graph without touching .grad: same numbers as torch
    for i, (g, tg) in enumerate(zip(am.grad(out, leaves), t_grads)):
        assert math.isclose(g.data, tg, rel_tol=1e-9, abs_tol=1e-12 * scale), f"grad() d out/d x{i}\n{where}"


def test_a_diamond_by_hand():
    # x feeds two paths that meet again: y = (x * 3) * (x + 1); dy/dx = 3 (x + 1) + 3 x = 6x + 3
    # at x = 2: y = 6 * 3 = 18, dy/dx = 15
    x = Value(2.0)
    a = x * 3
    b = x + 1
    y = a * b
    y.backward()
    assert (y.data, x.grad, a.grad, b.grad) == (18.0, 15.0, 3.0, 6.0)


def test_deep_sharing_doubles_per_level():
    # y_0 = x, y_{k+1} = y_k + y_k: each level reuses its node twice, so y_n = 2^n x and dy_n/dx = 2^n.
    # A traversal that walked paths instead of nodes would take 2^n steps; this one takes n.
    x = Value(1.0)
    y = x
    for _ in range(60):
        y = y + y
    y.backward()
    assert y.data == 2.0**60 and x.grad == 2.0**60
    assert len(am.topological_order(y)) == 61


@pytest.mark.parametrize("n", [1, 2, 7])
def test_a_sum_of_products_sharing_one_input(n):
    # out = sum_k x * w_k with x shared by n products: d out / d x = sum_k w_k, d out / d w_k = x
    x = Value(1.5)
    ws = [Value(float(k) - 2.5) for k in range(n)]
    out = sum((x * w for w in ws), Value(0.0))
    out.backward()
    assert x.grad == sum(float(k) - 2.5 for k in range(n))
    assert [w.grad for w in ws] == [1.5] * n
