"""autograd_mini.compile: the traced program against the node engine (hypothesis graphs over every op of the table,
fan-out, numbers mixed in), the one-neuron program against a Wengert list written by hand, the tracing limit and its
check, named errors, and fit(engine="compiled") against fit(engine="nodes")."""

import math
import re

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd_mini import OPS, Value, compile, grad
from autograd_mini.compiler import Program, compile_graph
from autograd_mini.engine import apply
from autograd_mini.ops import binary, unary
from nn import MLP, fit
from nn.app.cli import main
from nn.optim import SGD, Adam
from nn.programs import PerSample

# -- every op's program text is its rule ---------------------------------------------------------------------------


def domain_point(op):
    """A point inside the op's domain: (0.3, 0.7), or 1.5 for a first operand that must be at least 1 (acosh)."""
    return (1.5, 0.7) if op.name == "acosh" else (0.3, 0.7)


def test_every_op_in_the_table_is_written_as_its_rule_and_computes_its_floats():
    # the program text is made from the record's rule (a call of another op written as that op's forward text):
    # evaluated at a point with the program's helpers, it gives exactly the floats forward and local give
    import autograd_mini.ops as ops_module

    namespace = {**vars(ops_module), "math": math}
    for op in OPS.values():
        a, b = domain_point(op)
        out = op.forward(a) if op.arity == 1 else op.forward(a, b)
        texts = [t.format(a="a", b="b", out="out") for t in op.code]
        env = {**namespace, "a": a, "b": b, "out": out}
        assert eval(texts[0], env) == out, op.name  # noqa: S307
        assert tuple(eval(t, env) for t in texts[1:]) == op.local(a, None if op.arity == 1 else b, out), op.name
        assert "OPS" not in " ".join(texts) and not any(name in " ".join(texts) for name in ("SQRT(", "COS(", "SIN("))


def test_a_learners_op_given_as_functions_compiles_as_a_call():
    # the op's own functions, called by the program: f_square_plus for the value, p_square_plus for the partials
    square = binary("square_plus", "#", "out = a^2 + b", lambda a, b: a * a + b, lambda a, b, out: (2 * a, 1.0))
    x, y = Value(2.0, label="x"), Value(0.5, label="y")
    out = apply(square, x, y)
    step = compile_graph(out, [x, y])
    # x, y, then the op's node: n1, the first (and only) unlabelled node
    assert "f_square_plus(x, y)" in step.source and "p_square_plus(x, y, n1)[0]" in step.source
    # by hand at x = 2, y = 0.5: 2^2 + 0.5 = 4.5, d/dx = 2 x = 4, d/dy = 1
    assert step([2.0, 0.5]) == (4.5, (4.0, 1.0))
    assert step([-1.0, 3.0]) == (4.0, (-2.0, 1.0))


@pytest.mark.parametrize(
    "partials, shape", [(lambda a, out: 2.0, "float 2.0, not a tuple"), (lambda a, out: None, "NoneType None")]
)
def test_a_learners_partials_of_the_wrong_shape_are_named_by_the_compiled_step_as_by_backward(partials, shape):
    # the program calls p_double(x, n1)[0]: a bare number was "TypeError: 'float' object is not subscriptable", where
    # backward() names the op and the shape its partials must have
    double = unary("double", "out = 2a", lambda a: 2.0 * a, partials)
    x = Value(1.5, label="x")
    with pytest.raises(TypeError) as node_engine:
        (apply(double, x) * x).backward()
    step = compile(lambda x: apply(double, x) * x, [1.5])
    with pytest.raises(TypeError) as compiled:
        step([1.5])
    message = str(compiled.value)
    assert message.startswith(str(node_engine.value).split(" failed: ")[0]) and shape in str(node_engine.value)
    assert "partials(a, out) -> (dout/da,)" in message and "[compiled step, line" in message


def test_a_learners_op_given_as_text_is_inlined_like_the_tables():
    swish = unary("swish", "out = a sigmoid(a)", "a * SIGMOID(a)", "SIGMOID(a) + a * SIGMOID(a) * (1.0 - SIGMOID(a))")
    x = Value(0.7, label="x")
    out = swish(x)
    out.label = "s"
    step = compile_graph(out, [x])
    assert "s = x * sigmoid(x)" in step.source and "f_swish" not in step.source
    out.backward()
    assert step([0.7]) == (out.data, (x.grad,))


# -- compiled against the node engine on drawn graphs ---------------------------------------------------------------

_NUMBER = st.floats(-3.0, 3.0, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def graphs(draw):
    """(point, instructions): a graph over 3 inputs, each instruction an op of the table applied to earlier nodes
    (any of them: fan-out) or to a number mixed in."""
    point = [draw(_NUMBER.filter(lambda v: abs(v) > 0.05)) for _ in range(3)]
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(sorted(OPS)))
        i = draw(st.integers(0, 2 + len(steps)))
        j = draw(st.integers(0, 2 + len(steps)))
        number = draw(_NUMBER)
        with_value = OPS[op].arity == 2 and len(OPS[op].code) == 3 and draw(st.booleans())
        steps.append((op, i, j if with_value else None, number))
    return point, steps


def _build(point, steps):
    xs = [Value(v, label=name) for v, name in zip(point, "xyz")]
    nodes = list(xs)
    for op_name, i, j, number in steps:
        op = OPS[op_name]
        if op.arity == 1:
            b = None
        elif j is not None:
            b = nodes[j]
        else:  # a number mixed into the op; pow's exponent a small whole number, so negative bases stay real
            b = float(round(number)) if op_name == "pow" else (abs(number) + 0.5 if op_name == "rpow" else number)
        nodes.append(apply(op, nodes[i], b))
    # the output adds every node that is used nowhere else, so the whole graph counts
    used = {id(n._a) for n in nodes} | {id(n._b) for n in nodes}
    out = nodes[-1]
    for n in nodes[3:-1]:
        if id(n) not in used:
            out = out + n
    return xs, out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_compiled_graph_equals_the_node_engine(graph):
    point, steps = graph
    try:
        xs, out = _build(point, steps)
        expected = grad(out, xs)  # the walk of backward(), sums kept in a dict, in topological order
    except (ArithmeticError, ValueError):
        assume(False)
    assume(all(math.isfinite(g.data) for g in expected) and math.isfinite(out.data))
    step = compile_graph(out, xs)
    value, grads = step([x.data for x in xs])
    assert value == out.data  # the same float operations, so the same floats
    assert list(grads) == [g.data for g in expected]
    out.backward()  # backward()'s own order of the nodes: the sums may be added up in another order
    for g, x in zip(grads, xs):
        assert g == pytest.approx(x.grad, rel=1e-12, abs=1e-12)


def test_every_op_of_the_table_compiles_and_replays():
    # the strategy above draws from OPS itself; here each op once more, at a point in every op's domain, so an op
    # added to the table whose program computes other floats fails by name
    for name, op in OPS.items():
        second = [None] if op.arity == 1 else ([0.7] if len(op.code) == 2 else [0.7, "value"])
        point = domain_point(op)
        for b in second:
            x, y = Value(point[0], label="x"), Value(point[1], label="y")
            out = apply(op, x, y if b == "value" else b)
            expected = grad(out, [x, y])
            value, grads = compile_graph(out, [x, y])(list(point))
            assert value == out.data, name
            assert list(grads) == [g.data for g in expected], name


def test_numbers_and_constants_become_literals_and_arguments_parameters():
    c = Value(-2.0, label="c")  # a Value made inside f, not an argument: a constant of the program

    def f(x, y):
        return (x * 3 - y) * c + 2 ** (x - 1) + y**-1.0

    step = compile(f, [1.0, 4.0])
    assert "(-2.0)" in step.source and "* 3.0" in step.source and "power(y, (-1.0))" in step.source
    for point in ([1.0, 4.0], [0.5, 2.0], [-1.5, 0.25]):
        xs = [Value(v) for v in point]
        out = f(*xs)
        out.backward()
        value, grads = step(point)
        assert value == out.data
        assert list(grads) == [x.grad for x in xs]


def test_several_outputs_and_an_output_that_is_an_argument():
    step = compile(lambda x: x, [2.0])
    assert step([5.0]) == (5.0, (1.0,))
    x = Value(3.0, label="x")
    y = Value(0.5, label="y")
    a, b = x * y, (x + y).exp()
    # several outputs: their values, and the gradient of their sum (each output seeded with 1, as
    # torch.autograd.grad([a, b], [x, y], grad_outputs=[1, 1])): d/dx (a + b) = y + e^(x+y), d/dy = x + e^(x+y)
    (va, vb), (gx, gy) = compile_graph([a, b], [x, y])([3.0, 0.5])
    assert (va, vb) == (1.5, math.exp(3.5))
    assert gx == pytest.approx(0.5 + math.exp(3.5), rel=1e-15) and gy == pytest.approx(3.0 + math.exp(3.5), rel=1e-15)


def test_an_output_given_twice_counts_twice_as_in_torch():
    # torch.autograd.grad([o, o], x, grad_outputs=[1, 1]) is 2 do/dx: o = x^2 at 3, so 2 * 6 = 12 (by hand)
    x = Value(3.0, label="x")
    o = x * x
    (v1, v2), (gx,) = compile_graph([o, o], [x])([3.0])
    assert (v1, v2, gx) == (9.0, 9.0, 12.0)
    t = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad([t * t, t * t], [t])
    assert gx == tg.item()


# -- the one-neuron example, against a Wengert list written by hand ----------------------------------------------------


def neuron(x1, w1, x2, w2, b):
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1w1x2w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


# The forward program (the Wengert list: one op per line, each after its operands) and its adjoint, g_v = do/dv,
# written from the chain rule by hand: do/dn = 1 - o^2; an add passes its gradient on unchanged (d/da = d/db = 1),
# so the operands of n and of x1w1x2w2 share g_n; a mul a*b sends g*b to a and g*a to b. The arguments' gradients
# start at 0 and are added to, as backward() adds into .grad. The program starts with what it calls (tanh from
# math), so it runs when pasted into Python as it is.
WENGERT = [
    ("import math", ""),
    ("", ""),
    ("", ""),
    ("def step(args):", ""),
    ('"""o and the gradient: the forward program, then its adjoint."""', ""),
    ("x1, w1, x2, w2, b = args", ""),
    ("# forward: one line per node, each after its operands", ""),
    ("x1w1 = x1 * w1", "mul"),
    ("x2w2 = x2 * w2", "mul"),
    ("x1w1x2w2 = x1w1 + x2w2", "add"),
    ("n = x1w1x2w2 + b", "add"),
    ("o = math.tanh(n)", "tanh"),
    ("# backward: g_v = d o / d v, from the output back (each node's g is complete when used)", ""),
    ("g_x1 = g_w1 = g_x2 = g_w2 = g_b = 0.0", ""),
    ("g_o = 1.0", ""),
    ("g_n = g_o * (1.0 - o * o)", "tanh"),
    ("# g_x1w1x2w2 is g_n (passed on)", "add"),
    ("g_b += g_n", "add"),
    ("# g_x1w1 is g_n (passed on)", "add"),
    ("# g_x2w2 is g_n (passed on)", "add"),
    ("g_x2 += g_n * w2", "mul"),
    ("g_w2 += g_n * x2", "mul"),
    ("g_x1 += g_n * w1", "mul"),
    ("g_w1 += g_n * x1", "mul"),
    ("return o, (g_x1, g_w1, g_x2, g_w2, g_b)", ""),
]


def _split(line):
    code, sep, op = line.strip().rpartition("  # ")
    return (code.strip(), op) if sep and op.isidentifier() else (line.strip(), "")


def test_the_one_neuron_program_line_by_line():
    point = [2.0, -3.0, 0.0, 1.0, 6.8813735870195432]  # micrograd's lecture: o = tanh(n) = 1/sqrt 2
    step = compile(neuron, point)
    lines = [_split(line) for line in step.source.splitlines()]
    assert lines == WENGERT
    o, (gx1, gw1, gx2, gw2, gb) = step(point)
    # by hand: o = tanh(0.8813735870195432) = 0.70710678; do/dn = 1 - o^2 = 0.5; dx1 = w1/2, dw1 = x1/2 ...
    assert o == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    assert (gx1, gw1, gx2, gw2, gb) == pytest.approx((-1.5, 1.0, 0.5, 0.0, 0.5), abs=1e-12)
    # the program really is Python that runs: exec it on its own, in a namespace of nothing
    namespace: dict = {}
    exec(step.source, namespace)
    assert namespace["step"](point) == (o, (gx1, gw1, gx2, gw2, gb))


# The same program inside a loop over samples (what fit runs): the parameters unpacked once, each parameter's
# gradient one local that every sample adds to, as backward() adds to .grad. y = w*x + b, written by hand.
LOOPED = [
    ("def step(samples, params, seed, grads):", ""),
    ('"""y of each sample (to seed) and the gradient summed over the samples."""', ""),
    ("w, b = params", ""),
    ("g_w, g_b = grads", ""),
    ("for (x,) in samples:", ""),
    ("# forward: one line per node, each after its operands", ""),
    ("wx = w * x", "mul"),
    ("y = wx + b", "add"),
    ("# backward: g_v = d y / d v, from the output back (each node's g is complete when used)", ""),
    ("g_y = seed(y)", ""),
    ("# g_wx is g_y (passed on)", "add"),
    ("g_b += g_y", "add"),
    ("g_w += g_y * x", "mul"),
    ("return g_w, g_b", ""),
]


def test_a_loop_over_samples_sums_the_gradients():
    x, w, b = Value(1.0, label="x"), Value(2.0, label="w"), Value(0.5, label="b")
    wx = w * x
    wx.label = "wx"
    y = wx + b
    y.label = "y"
    step = compile_graph(y, [x, w, b], wrt=[w, b], signature=PerSample([x]))
    assert [_split(line) for line in step.source.splitlines()] == LOOPED
    seen = []

    def seed(value):  # L = sum_k 1/2 y_k^2, so dL/dy_k = y_k
        seen.append(value)
        return value

    # by hand at w = 2, b = 0.5: y = 2.5, 4.5, 6.5 at x = 1, 2, 3; dL/dw = sum y_k x_k = 2.5 + 9 + 19.5 = 31,
    # dL/db = sum y_k = 13.5; the sums start from the grads passed in (1, -1), as .grad keeps what it had
    assert step.function([[1.0], [2.0], [3.0]], [2.0, 0.5], seed, [1.0, -1.0]) == (32.0, 12.5)
    assert seen == [2.5, 4.5, 6.5]
    with pytest.raises(TypeError, match=r"step.function\(samples, params, seed, grads\)"):
        step([1.0, 2.0, 0.5])
    with pytest.raises(ValueError, match="the inputs must be arguments of the program, and not in wrt"):
        compile_graph(y, [x, w, b], signature=PerSample([x]))
    with pytest.raises(ValueError, match="the loop needs the inputs"):
        PerSample([])


def test_a_failing_line_inside_the_loop_names_the_op_and_the_sample_values():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    step = compile_graph((w * x).log(), [x, w], wrt=[w], signature=PerSample([x]))
    # d log(w x) / dw = 1/w = 0.5 at each sample, summed over the two: 1.0
    assert step.function([[1.0], [0.5]], [2.0], lambda out: 1.0, [0.0]) == (1.0,)
    with pytest.raises(ValueError) as info:
        try:
            step.function([[1.0], [0.0]], [2.0], lambda out: 1.0, [0.0])  # the second sample: log(2 * 0)
        except ValueError as err:
            raise step.named_error(err) from None
    with pytest.raises(ValueError) as expected:
        (Value(2.0) * Value(0.0)).log()
    assert str(info.value).startswith(str(expected.value)) and "[compiled step, line " in str(info.value)


def test_names_become_identifiers_that_clash_with_nothing():
    x = Value(1.5, label="power_rule")  # the name of a helper the program may call
    w = Value(2.0, label="L1.N0.w0")
    g = Value(0.5, label="g_power_rule")  # would clash with the gradient of "power_rule"
    out = (x * w) ** 2 * g
    step = compile_graph(out, [x, w, g])
    assert "L1_N0_w0" in step.source
    assert step.names == ("power_rule_", "L1_N0_w0", "g_power_rule")
    value, grads = step([1.5, 2.0, 0.5])
    out.backward()
    assert value == out.data and list(grads) == [x.grad, w.grad, g.grad]


# -- the tracing limit and its check --------------------------------------------------------------------------------


def test_control_flow_on_values_traces_one_path_and_check_finds_it():
    def f(x, y):
        if x.data > 0:  # Python looks at the value: the trace keeps the branch of the example
            return x * y
        return -x + y

    step = compile(f, [1.0, 2.0])
    assert step([-3.0, 2.0])[0] == -6.0  # the traced branch x*y, not -x + y = 5
    report = step.check([[2.0, 5.0], [-3.0, 2.0]])
    assert not report.ok
    assert any("at (-3.0, 2.0): f takes another path" in d for d in report.differences)
    assert any("the value is -6.0 compiled, 5.0 with the node engine" in d for d in report.differences)
    assert not any("(2.0, 5.0)" in d for d in report.differences)


def test_a_number_computed_from_values_is_baked_in_and_check_finds_it():
    def shifted(x, y):
        m = max(x.data, y.data)  # a constant of the trace, as softmax's shift
        return (x - m).exp() + (y - m).exp()

    step = compile(shifted, [1.0, 2.0])
    report = step.check([[1.0, 2.0], [3.0, 0.0]])
    assert [d.split(":")[0] for d in report.differences][:1] == ["at (3.0, 0.0)"]
    assert "another path" in report.differences[0] and "the value" in str(report)


def test_a_constant_returned_on_another_path_is_reported_in_words():
    # max() of Python compares the values: at 1.0 it returns x itself, at 0.2 the constant Value(0.5)
    step = compile(lambda x: max(x, Value(0.5)), [1.0])
    report = step.check([[0.2], [2.0]])
    assert not report.ok
    # by hand at 0.2: max(0.2, 0.5) = 0.5, a constant, so d/dx = 0; the program (return x) gives 0.2 and d/dx = 1
    assert report.differences == (
        "at (0.2,): f takes another path: f returns the constant 0.5 there (a Value made from none of the "
        "arguments: every gradient is 0 there), where the compiled program returns x",
        "at (0.2,): the value is 0.2 compiled, 0.5 with the node engine",
        "at (0.2,): d/dx is 1.0 compiled, 0.0 with the node engine",
    )
    # traced at 0.2 instead, the program returns the constant: 0.5 and d/dx = 0 wherever it is called
    constant = compile(lambda x: max(x, Value(0.5)), [0.2])
    assert constant([3.0]) == (0.5, (0.0,))
    assert "return 0.5, (0.0,)" in constant.source
    assert "another path" in constant.check([[3.0]]).differences[0]


def test_another_path_names_the_first_differing_line_of_code_not_the_docstring():
    step = compile(lambda x: x if x.data > 0 else -x, [1.0])
    # the program at 1.0 returns x itself; its lines of code: def, x, = args, g_x = 1.0 (line 6), return
    assert step.source.splitlines()[5].strip() == "g_x = 1.0"
    first = step.check([[-1.0]]).differences[0]
    assert first.startswith(
        "at (-1.0,): f takes another path: at line 6 the compiled program has `g_x = 1.0` where f's program "
        "there has `n1 = -x`"
    )
    assert '"""' not in first and "#" not in first


def test_ops_that_branch_inside_are_not_control_flow():
    step = compile(lambda x, y: (x * y).relu() + abs(x - y), [1.0, 2.0])
    report = step.check([[1.0, 2.0], [-1.0, 2.0], [3.0, -0.5], [0.0, 0.0]])
    assert report.ok, str(report)
    assert "agrees with the node engine at all 4 points" in str(report)


# -- errors are named as the node engine names them ----------------------------------------------------------------


def _node_error(f, point):
    xs = [Value(v) for v in point]
    with pytest.raises((ArithmeticError, ValueError)) as info:
        f(*xs).backward()
    return info.value


@pytest.mark.parametrize(
    "f,good,bad",
    [
        (lambda x, y: (x * y).log(), [1.0, 2.0], [0.0, 2.0]),  # log of 0.0
        (lambda x, y: (x - y) ** 0.5, [3.0, 2.0], [1.0, 2.0]),  # (-1.0) ** 0.5: complex in plain Python
        (lambda x, y: x / (y - 1), [1.0, 3.0], [1.0, 1.0]),  # division by zero
        (lambda x, y: (x * y).sqrt(), [1.0, 2.0], [0.0, 2.0]),  # sqrt' at 0: the backward line fails
        (lambda x, y: (x * y).exp(), [1.0, 2.0], [30.0, 30.0]),  # exp(900) overflows
    ],
)
def test_a_failing_line_says_which_op_at_which_values(f, good, bad):
    step = compile(f, good)
    expected = _node_error(f, bad)
    with pytest.raises(type(expected)) as info:
        step(bad)
    message = str(info.value)
    assert message.startswith(str(expected)), (message, str(expected))
    assert "[compiled step, line " in message


def test_compile_refuses_what_it_cannot_trace():
    with pytest.raises(TypeError, match="f must return one Value"):
        compile(lambda x: 3.0, [1.0])
    with pytest.raises(TypeError, match="example is a list of numbers"):
        compile(lambda x: x, 1.0)
    with pytest.raises(TypeError, match="compile: example x"):
        compile(lambda x: x, ["one"])
    step = compile(lambda x, y: x * y, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"takes 2 numbers \(x, y\), got 3"):
        step([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="compiled from a graph"):
        compile_graph(Value(1.0) * 2, []).check([[]])


def test_api_mistakes_are_named():
    with pytest.raises(TypeError) as info:
        compile(neuron, [1.0, 2.0])
    assert str(info.value) == (
        "compile(): f takes 5 arguments (x1, w1, x2, w2, b), example has 2 numbers (one per argument)"
    )
    with pytest.raises(TypeError, match=r"f takes 1 to 2 arguments \(x, y\), example has 3 numbers"):
        compile(lambda x, y=2.0: x * y, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="f takes at least 1 argument .x., example has 0 numbers"):
        compile(lambda x, *more: x, [])
    step = compile(neuron, [2.0, -3.0, 0.0, 1.0, 6.8813735870195432])
    with pytest.raises(TypeError) as info:
        step([1.0, 2.0, 3, 4, "a"])
    assert str(info.value) == "compiled step: argument 5 (b) must be a number, got str 'a'"
    with pytest.raises(TypeError, match=r"argument 2 \(w1\) must be a number, got NoneType None"):
        step([1.0, None, 3, 4, 5])
    with pytest.raises(TypeError, match=r"takes a list of 5 numbers \(x1, w1, x2, w2, b\), got float 3.0"):
        step(3.0)
    # ints are numbers: tanh(1*1 + 0*0 + 0) by hand, d/dw1 = x1 (1 - tanh(1)^2)
    value, grads = step([1, 1, 0, 0, 0])
    assert value == pytest.approx(math.tanh(1.0), abs=1e-15)
    assert grads[1] == pytest.approx(1.0 - math.tanh(1.0) ** 2, abs=1e-15)


# -- training: fit(engine="compiled") against fit(engine="nodes") ------------------------------------------------


def _moons(n=40):
    from nn.data import make_moons

    return make_moons(n, noise=0.1, seed=3)


@pytest.mark.parametrize(
    "sizes,activation,output_activation,loss,batch_size,l2,optimizer",
    [
        ([8, 8, 1], "relu", "linear", "hinge", None, 1e-4, "sgd"),  # micrograd's demo, smaller
        ([6, 1], "tanh", "sigmoid", "bce", 7, 0.0, "adam"),  # a loss built from Values for every sample
        ([5, 2], "sigmoid", "linear", "half_sse", 8, 1e-3, "sgd"),  # one-hot targets: one program per class
        ([6, 3], "relu", "linear", "softmax_ce", 5, 0.0, "adam"),  # the constant shift of softmax: Values
        ([4, 1], "relu", "linear", "mse", 1, 0.0, "sgd"),
    ],
)
def test_compiled_training_equals_node_training(sizes, activation, output_activation, loss, batch_size, l2, optimizer):
    X, y = _moons()
    if sizes[-1] == 3:
        y = [int(t) + (1 if x[0] > 1.0 else 0) for x, t in zip(X, y)]  # three classes
    runs = []
    for engine in ("nodes", "compiled"):
        model = MLP(2, sizes, activation=activation, output_activation=output_activation, seed=5)
        opt = SGD(model.parameters(), lr=0.2, momentum=0.5) if optimizer == "sgd" else Adam(model.parameters(), 0.02)
        history = fit(model, X, y, loss=loss, optimizer=opt, epochs=4, batch_size=batch_size, seed=1, l2=l2,
                      validation=(X[:10], y[:10]), engine=engine)  # fmt: skip
        runs.append((history, [p.data for p in model.parameters()]))
    (h_nodes, w_nodes), (h_compiled, w_compiled) = runs
    assert h_compiled.loss == pytest.approx(h_nodes.loss, rel=1e-12, abs=1e-12)
    assert h_compiled.accuracy == h_nodes.accuracy
    assert h_compiled.val_loss == pytest.approx(h_nodes.val_loss, rel=1e-12, abs=1e-12)
    assert h_compiled.lr == h_nodes.lr
    assert w_compiled == pytest.approx(w_nodes, rel=1e-12, abs=1e-12)
    assert h_nodes.loss[-1] < h_nodes.loss[0]  # it trained


def test_compiled_training_refuses_a_model_whose_graph_depends_on_values():
    class Branchy(MLP):
        def __call__(self, x):
            out = super().__call__(x)
            return out.tanh() if out.data > 0 else out  # control flow on a value

    X, y = _moons(20)
    model = Branchy(2, [4, 1], seed=0)
    outs = [model(x).data > 0 for x in X]
    assert len(set(outs)) == 2  # both branches occur in the data
    with pytest.raises(ValueError, match="engine='compiled' needs a model whose forward pass is the same graph"):
        fit(model, X, y, epochs=1, engine="compiled")
    with pytest.raises(ValueError, match="engine must be 'nodes' or 'compiled', got 'jit'"):
        fit(MLP(2, [1]), X, y, engine="jit")


def test_a_compiled_training_error_is_the_node_engines_and_keeps_the_parameters():
    from nn.train import TrainingDivergedError

    y = [0.5, 0.25]
    big = [[1e200, 1e200], [1e200, 1e200]]  # (1.5e200 - 0.5) ** 2 overflows in the loss of the first sample
    messages = []
    for engine in ("nodes", "compiled"):
        model = MLP(2, [1], activation="relu", seed=0)
        before = [p.data for p in model.parameters()]
        with pytest.raises(TrainingDivergedError) as info:
            fit(model, big, y, loss="half_sse", epochs=1, engine=engine)
        assert [p.data for p in model.parameters()] == before
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert re.search(r"e\+200 \*\* 2.0 overflows a float \(Value.pow\)", messages[1])


# -- where a learner sees it: graph --code, the step-by-step trace ----------------------------------------------


def test_graph_command_prints_the_program(capsys):
    code = main(["graph", "tanh(x*w + b)", "--x", "2", "--w", "-3", "--b", "6.88", "--code", "--no-draw"])
    out = capsys.readouterr().out
    assert code == 0
    program = out.split("as autograd_mini.compile writes it:\n")[1]
    lines = [_split(line) for line in program.splitlines()]
    # the unlabelled nodes numbered without gaps, as in the drawing and the trace: n1 = x * w, n2 = n1 + b; the add
    # passes g_n2 on to n1 unchanged, so the multiply reads g_n2
    assert ("f = math.tanh(n2)", "tanh") in lines
    assert ("g_n2 = g_f * (1.0 - f * f)", "tanh") in lines
    assert ("g_w += g_n2 * x", "mul") in lines
    assert lines[-1] == ("return f, (g_x, g_w, g_b)", "")
    namespace: dict = {}
    exec(program, namespace)  # the printed program runs as it is and gives the printed gradients
    f, (gx, gw, gb) = namespace["step"]([2.0, -3.0, 6.88])
    assert f"df/dw = {gw:.10g}" in out and f"df/dx = {gx:.10g}" in out and f"df/db = {gb:.10g}" in out


def test_the_source_names_where_each_helper_comes_from_and_runs_pasted():
    # f = x^2 y + sin y at x = 3, y = 0.5; by hand: df/dx = 2 x y = 3, df/dy = x^2 + cos y = 9 + cos 0.5
    x, y = Value(3.0, label="x"), Value(0.5, label="y")
    f = x**2 * y + y.sin()
    f.label = "f"
    step = compile_graph(f, [x, y])
    head = step.source.split("\n\n\ndef step")[0].splitlines()
    assert head == [
        "import math",  # sin, cos
        "from autograd_mini.ops import power, power_rule",  # only what the program calls
    ]
    namespace: dict = {}
    exec(step.source, namespace)  # pasted into a fresh Python
    value, (gx, gy) = namespace["step"]([3.0, 0.5])
    assert value == pytest.approx(4.5 + math.sin(0.5), abs=1e-15)
    assert (gx, gy) == pytest.approx((3.0, 9.0 + math.cos(0.5)), abs=1e-14)
    assert namespace["step"]([3.0, 0.5]) == step([3.0, 0.5])  # the same source is what the step runs
    with pytest.raises(ValueError, match="negative base needs a whole-number exponent"):  # the engine's own check
        namespace["power"](-8.0, 0.5)
    # the one-neuron program calls tanh only: one import, no helpers
    assert compile(neuron, [1.0] * 5).source.startswith("import math\n\n\ndef step(args):")


def test_a_learners_own_op_in_the_source_is_named_as_theirs():
    cube = binary(
        "cube_plus",
        "cube_plus",
        "out = a^3 + b;  dout/da = 3 a^2, dout/db = 1",
        lambda a, b: a**3 + b,
        lambda a, b, out: (3.0 * a * a, 1.0),
    )
    x, y = Value(2.0, label="x"), Value(1.0, label="y")
    step = compile_graph(apply(cube, x, y), [x, y])
    assert "f_cube_plus, p_cube_plus = cube_plus.forward, cube_plus.partials" in step.source
    assert (
        "# your own op 'cube_plus': 'out = a^3 + b;  dout/da = 3 a^2, dout/db = 1'; define it as cube_plus"
        in step.source
    )
    namespace = {"cube_plus": cube}  # the learner's definition, before the pasted program
    exec(step.source, namespace)
    # by hand at x = 2, y = 1: 2^3 + 1 = 9, d/dx = 3 * 4 = 12, d/dy = 1
    assert namespace["step"]([2.0, 1.0]) == step([2.0, 1.0]) == (9.0, (12.0, 1.0))


def test_each_trace_step_knows_its_adjoint_lines():
    from autograd_mini.trace import trace_backward

    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    f = (x * y + x).tanh()
    f.label = "f"
    trace = trace_backward(f)
    # by hand: f = tanh(n2), n2 = n1 + x, n1 = x * y. Each step's line multiplies the gradient its caption names:
    # the add's pass-through is written out (g_n1 = g_n2), so step 3, "n1 = x * y, its gradient df/dn1", reads g_n1
    assert [s.adjoint for s in trace.steps] == [
        ("g_n2 = g_f * (1.0 - f * f)",),
        ("g_n1 = g_n2", "g_x += g_n2"),
        ("g_x += g_n1 * y", "g_y += g_n1 * x"),
    ]
    captions = trace.captions()
    assert captions[3][0].startswith("Step 3 of 3: n1 = x * y, its gradient df/dn1 = ")
    assert "  program: g_x += g_n1 * y" in captions[3]


def test_each_step_of_the_page_multiplies_the_gradient_its_caption_gives():
    from autograd_mini.formula import build
    from autograd_mini.trace import trace_backward

    out, _ = build("x**2 * y + sin(y)", {"x": 3.0, "y": 0.5})
    out.label = "f"
    trace = trace_backward(out)
    # the add f = n2 + n3 hands g_f on to both operands: step 1 writes them out, and step 3 (n2 = n1 * y, whose
    # caption says df/dn2) multiplies g_n2, not g_f
    assert trace.steps[0].adjoint == ("g_n2 = g_f", "g_n3 = g_f")
    for s in trace.steps:
        for line, c in zip(s.adjoint, s.contributions):
            target, _, rhs = line.partition(" = ") if " += " not in line else line.partition(" += ")
            assert target == f"g_{c.name}" and rhs.split(" * ")[0] == f"g_{s.name}", (s.number, line)
    caption = trace.captions()[3]
    assert caption[0].startswith("Step 3 of 4: n2 = n1 * y = x**2*y, its gradient df/dn2 = 1")
    assert caption[-2:] == ["  program: g_n1 = g_n2 * y", "  program: g_y += g_n2 * n1"]


def test_unlabelled_nodes_are_named_as_in_the_drawing():
    xs = [Value(v) for v in (1.0, 2.0)]
    program = Program([(xs[0] * xs[1]).exp()], xs)
    # n1, n2 ... in topological order without gaps: the names draw_dot and the trace give unlabelled nodes
    assert "    n1, n2 = args\n" in program.source
    assert "    n3 = n1 * n2" in program.source and "    n4 = math.exp(n3)" in program.source
