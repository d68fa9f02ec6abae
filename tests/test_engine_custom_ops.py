"""A learner's own op (issue 11): defined by its forward value and local partials with ``unary``/``binary``, the
same shape as the table's records, and applied as ``op(x)``. It must work everywhere a built-in op does: backward,
grad(create_graph=True), the drawing with edge labels, the trace, gradcheck, anomaly mode and no_grad, and the error
messages. Oracles: torch float64 (torch.nn.functional.softplus, torch.hypot, torch.nn.functional.silu) and central
finite differences; a wrong derivative must be caught by gradcheck's per-input table.
"""

from __future__ import annotations

import math

import hypothesis.strategies as st
import pytest
import torch
from hypothesis import given, settings

import autograd_mini as am
from autograd_mini import GradcheckError, Value, binary, draw_dot, gradcheck, trace_backward, unary
from autograd_mini.ops import SIGMOID


def reals(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


# softplus as a learner writes it (the table has its own; this one is the learner's record, not the table's)
my_softplus = unary(
    "my_softplus",
    "out = log(1 + e^a);  dout/da = sigmoid(a)",
    lambda a: math.log1p(math.exp(-abs(a))) + max(a, 0.0),
    lambda a, out: (SIGMOID(a),),  # an op of the table: works on floats and on Values
)

# hypot(a, b) = sqrt(a^2 + b^2): a binary op of the learner's, written as a function (its symbol is a name)
hypot = binary(
    "hypot",
    "hypot",
    "out = sqrt(a^2 + b^2);  dout/da = a / out, dout/db = b / out",
    math.hypot,
    lambda a, b, out: (a / out, b / out),
    commutative=True,
)


def t64(x, grad=True):
    return torch.tensor(float(x), dtype=torch.float64, requires_grad=grad)


def close(a, b, rel=1e-12):
    return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


@settings(max_examples=50)
@given(x=reals(-30, 30))
def test_a_learners_unary_op_matches_torch_in_value_first_and_second_derivative(x):
    v = Value(x)
    y = my_softplus(v)
    assert y.op is my_softplus and y.children == (v,)
    y.backward()
    t = t64(x)
    ty = torch.nn.functional.softplus(t, threshold=40.0)  # torch's shortcut above its threshold kept out of the way
    (tg,) = torch.autograd.grad(ty, [t], create_graph=True)
    (tgg,) = torch.autograd.grad(tg, [t])
    assert close(y.data, ty.item()) and close(v.grad, tg.item())
    (g,) = am.grad(my_softplus(v), [v], create_graph=True)
    (gg,) = am.grad(g, [v])
    assert close(g.data, tg.item()) and close(gg.data, tgg.item(), rel=1e-9)


@settings(max_examples=50)
@given(a=st.one_of(reals(0.1, 10), reals(-10, -0.1)), b=reals(-10, 10))
def test_a_learners_binary_op_matches_torch_with_a_value_or_a_number_as_b(a, b):
    x, y = Value(a), Value(b)
    out = hypot(x, y)
    out.backward()
    ta, tb = t64(a), t64(b)
    t_out = torch.hypot(ta, tb)
    t_ga, t_gb = torch.autograd.grad(t_out, [ta, tb])
    assert close(out.data, t_out.item()) and close(x.grad, t_ga.item()) and close(y.grad, t_gb.item())
    # b a number: kept inside the op, as the table's ops keep theirs
    z = Value(a)
    out2 = hypot(z, b)
    assert out2.operands == (z, float(b)) and out2.children == (z,)
    out2.backward()
    assert close(z.grad, t_ga.item())
    assert x.apply(hypot, y).data == out.data  # op(x, y) is x.apply(op, y)


def test_gradcheck_passes_for_correct_learner_ops():
    assert gradcheck(lambda x: my_softplus(x * 2 - 1), [0.3])
    assert gradcheck(lambda x, y: hypot(x, y) * x, [1.5, -2.0])


def test_gradcheck_catches_a_wrong_derivative_with_the_per_input_table():
    # swish(x) = x sigmoid(x) with the product rule forgotten: dout/da = sigmoid(a) instead of
    # sigmoid(a) + a sigmoid(a) (1 - sigmoid(a)). At a = 2 * 0.5 - 1 + 1 = 1 (x = 0.5, y = 1, out = swish(2x - 1 + y)):
    # the true d/dx is 2 swish'(1) = 2 * 0.9276705118714869 (torch.nn.functional.silu below), the claimed one
    # 2 sigmoid(1) = 1.4621171572600098.
    wrong_swish = unary(
        "wrong_swish",
        "out = a sigmoid(a);  dout/da = sigmoid(a)  (the product rule forgotten)",
        lambda a: a / (1.0 + math.exp(-a)),
        lambda a, out: (SIGMOID(a),),
    )
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: wrong_swish(2 * x - 1 + y), [0.5, 1.0])
    tx, ty = t64(0.5), t64(1.0)
    t_grads = [g.item() for g in torch.autograd.grad(torch.nn.functional.silu(2 * tx - 1 + ty), [tx, ty])]
    rows = info.value.rows
    assert [r[0] for r in rows] == ["x0", "x1"] and [r[1] for r in rows] == [0.5, 1.0]
    assert rows[0][2] == pytest.approx(2 / (1 + math.exp(-1)), rel=1e-15)  # analytic: the wrong rule
    assert rows[1][2] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-15)
    for r, tg in zip(rows, t_grads):
        assert r[3] == pytest.approx(tg, rel=1e-8)  # numeric: the true derivative, torch's
        assert r[5] is False  # both inputs flagged
    message = str(info.value)
    assert message.count("<-- mismatch") == 2 and "analytic" in message and "numeric" in message


def test_the_drawing_writes_the_op_and_its_local_derivatives_on_the_edges():
    x, y = Value(3.0, label="x"), Value(4.0, label="y")
    out = hypot(x, y)  # 5; d/dx = 3/5 = 0.6, d/dy = 4/5 = 0.8
    source = draw_dot(out, edge_labels=True).source
    assert "label=hypot" in source
    assert "label=0.6" in source and "label=0.8" in source
    s = draw_dot(hypot(x, 2.0)).source  # the number inside the op: max(·, 2) style
    assert "hypot(·, 2)" in s
    z = my_softplus(x)
    assert "label=my_softplus" in draw_dot(z).source


def test_the_trace_reads_the_learners_rule():
    x = Value(0.0, label="x")
    y = my_softplus(x * 2.0)
    y.label = "y"
    trace = trace_backward(y)
    first = trace.steps[0]
    assert first.formula.startswith("my_softplus(")
    assert first.contributions[0].local == 0.5  # sigmoid(0) = 1/2
    assert trace.grad(x) == 1.0  # d/dx softplus(2x) = 2 sigmoid(0) = 1
    assert "my_softplus" in trace.table()


def test_anomaly_mode_and_no_grad_apply_to_learner_ops():
    explode = unary(
        "explode", "out = 1/a;  dout/da = -1/a^2", lambda a: 1 / a if a else math.inf, lambda a, out: (-out * out,)
    )
    with pytest.raises(FloatingPointError, match="explode"), am.detect_anomaly():
        explode(Value(0.0))
    with am.no_grad():
        y = my_softplus(Value(1.0))
    assert y.is_leaf and y.data == pytest.approx(math.log1p(math.e))


def test_on_numbers_an_op_is_its_forward_function():
    assert my_softplus(0.0) == math.log(2.0)
    assert hypot(3, 4) == 5.0
    assert am.OPS["tanh"](0.5) == math.tanh(0.5) and am.OPS["tanh"](Value(0.5)).op is am.OPS["tanh"]


def test_a_learners_domain_is_said_in_the_error():
    my_log = unary(
        "my_log",
        "out = log a;  dout/da = 1/a",
        math.log,
        lambda a, out: (1 / a,),
        domain="the argument must be positive",
    )
    with pytest.raises(ValueError, match=r"^my_log of -1.0 in the op 'my_log': the argument must be positive$"):
        my_log(Value(-1.0))


def test_mistakes_in_defining_an_op_are_named():
    with pytest.raises(TypeError, match=r"op 'f': forward must be a function or an expression \(text\), got 3"):
        unary("f", "out = 3", 3, lambda a, out: (0.0,))
    with pytest.raises(ValueError, match="op name must be a Python name"):
        unary("my op", "", abs, lambda a, out: (1.0,))
    with pytest.raises(TypeError, match="op equation must be a str"):
        unary("f", None, abs, lambda a, out: (1.0,))
    # a rule calling an op of the table with another number of operands: TANH(a, a) was tanh(a) on floats (the second
    # operand dropped without a word) and an error on Values; refused when the op is made, and by the op itself
    with pytest.raises(ValueError, match=r"the rule 'TANH\(a, a\)': TANH takes 1 operand, not 2"):
        unary("f", "", "TANH(a, a)", "1.0")
    with pytest.raises(ValueError, match=r"the rule 'MUL\(a\)': MUL takes 2 operands, not 1"):
        unary("f", "", "a", "MUL(a)")
    for call in (lambda: SIGMOID(0.5, 1.0), lambda: SIGMOID(Value(0.5), 1.0), lambda: am.ops.MUL(2.0)):
        with pytest.raises(TypeError, match=r"(sigmoid|mul)\(\) takes (1 operand|2 operands): "):
            call()
    # the symbol is how the op is written in messages, tables and captions: one line of text (a line break split the
    # trace's table and the one-line errors, an escape sequence reached the terminal)
    for symbol in ("my\nop", "\x1b[31m*", "", "\ud800"):
        with pytest.raises(ValueError, match=r"op symbol must be one line of printable text such as '\*\*'"):
            binary("f", symbol, "", lambda a, b: a * b, lambda a, b, out: (b, a))
    # the domain ends a one-line error message: a line break in it split the message (found in review)
    with pytest.raises(ValueError, match=r"op domain must be one line of printable text .* got 'positive\\nplease'"):
        unary("f", "", "a", "1.0", domain="positive\nplease")
    # partials returning a bare number instead of a tuple: named with the shape it must have, at backward
    bare = unary("bare", "out = 2a;  dout/da = 2", lambda a: 2 * a, lambda a, out: 2.0)
    with pytest.raises(TypeError, match=r"partials of op 'bare' .* partials\(a, out\) -> \(dout/da,\)"):
        bare(Value(1.0)).backward()
    one_partial = binary("one", "one", "", lambda a, b: a * b, lambda a, b, out: (b,))
    with pytest.raises(TypeError, match=r"partials of op 'one' .* partials\(a, b, out\) -> \(dout/da, dout/db\)"):
        one_partial(Value(1.0), Value(2.0)).backward()
    # forward returning something that is no number
    with pytest.raises(TypeError, match="the forward of op 'text' must return a float, got str"):
        unary("text", "", lambda a: "1", lambda a, out: (0.0,))(Value(1.0))
    whole = unary("whole", "out = round a", lambda a: round(a), lambda a, out: (0.0,))(Value(1.6))
    assert type(whole.data) is float and whole.data == 2.0
    # applied with the wrong number of operands, or to something that is no Value
    with pytest.raises(TypeError, match=r"my_softplus\(\) takes 1 operand"):
        my_softplus(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match=r"hypot\(\) takes 2 operands"):
        hypot(Value(1.0))
    with pytest.raises(TypeError, match=r"my_softplus\(\) takes a Value or a number as its first operand, got str"):
        my_softplus("x")


# -- an op written as text: one record, and every reader of the table has it ---------------------------------------

# silu (swish) as a learner writes it in the table's own form: its forward and partial as formulas
silu = unary(
    "silu",
    "out = a sigmoid(a);  dout/da = sigmoid(a) (1 + a (1 - sigmoid(a)))",
    "a * SIGMOID(a)",
    "SIGMOID(a) * (1.0 + a * (1.0 - SIGMOID(a)))",
)


def test_a_learners_op_written_as_text_reaches_every_reader_of_the_table():
    # torch.nn.functional.silu in float64 is the oracle for the value, the first and the second derivative
    from autograd_mini import compile, jvp
    from autograd_mini.symbolic import derivative, evaluate, to_sympy

    t = t64(0.7)
    first = torch.autograd.grad(torch.nn.functional.silu(t), t, create_graph=True)[0]
    second = torch.autograd.grad(first, t)[0].item()
    x = Value(0.7, label="x")
    y = silu(x)
    y.backward()
    assert close(y.data, torch.nn.functional.silu(t).item()) and close(x.grad, first.item())  # backward()
    (g,) = am.grad(silu(x), [x], create_graph=True)
    assert close(am.grad(g, x).data, second)  # grad(create_graph=True): the rule on Values
    assert jvp(silu, [0.7], [1.0]) == (y.data, x.grad)  # forward mode, on floats
    _, tangent = jvp(silu, [x], [1.0])
    assert close(am.grad(tangent, x).data, second)  # forward mode on Values, then reverse
    step = compile(lambda x: silu(x), [0.7])
    assert step([0.7]) == (y.data, (x.grad,)) and "x * sigmoid(x)" in step.source  # inlined, not called
    assert close(evaluate(derivative(y, "x"), {"x": 0.7}), x.grad)  # sympy's form, read from the forward text
    assert "sigma" in str(to_sympy(y)) or "sigmoid" in str(to_sympy(y))
    assert gradcheck(silu, [0.7]) and "silu" in draw_dot(y, edge_labels=True).source
    assert trace_backward(y).steps[0].contributions[0].local == x.grad


# -- a rule that makes a Value a plain number ------------------------------------------------------------------------

# erf as a learner writes it, its derivative with math's exp: fine on floats, but math.exp(a) of a Value is a number
# (Value.__float__), so the derivative would no longer depend on a, and every second derivative would silently be 0
erf_with_math = unary(
    "erf_with_math", "out = erf a;  dout/da = 2/sqrt(pi) e^(-a^2)", "math.erf(a)",
    "2.0 / math.sqrt(PI) * math.exp(-a * a)",
)  # fmt: skip
erf_with_ops = unary(
    "erf_with_ops", "out = erf a;  dout/da = 2/sqrt(pi) e^(-a^2)", "math.erf(a)", "2.0 / math.sqrt(PI) * EXP(-a * a)"
)
sin_with_math = unary("sin_with_math", "out = sin a;  dout/da = cos a", math.sin, lambda a, out: (math.cos(a),))


@pytest.mark.parametrize("x", [0.7, -0.4])
def test_a_rule_with_the_tables_ops_differentiates_twice_as_torch(x):
    t = t64(x)
    (tg,) = torch.autograd.grad(torch.erf(t), [t], create_graph=True)
    (tgg,) = torch.autograd.grad(tg, [t])
    v = Value(x)
    (g,) = am.grad(erf_with_ops(v), [v], create_graph=True)
    assert close(g.data, tg.item()) and close(am.grad(g, v).data, tgg.item())
    assert close(erf_with_math(v).local_grads()[0], tg.item())  # on floats, math's functions are fine


@pytest.mark.parametrize("op", [erf_with_math, sin_with_math], ids=["text", "functions"])
def test_a_derivative_that_turns_a_value_into_a_number_is_refused_on_values_as_jax_refuses_a_concrete_tracer(op):
    # the silent answer was d2/dx2 = 0 (torch: -0.9678 for erf at 0.7, -sin(0.7) for sin); JAX raises
    # ConcretizationTypeError where a traced value is made a Python float, and so do we, naming the op and the cure
    v = Value(0.7)
    message = rf"partials of op '{op.name}' cannot work on Values .* instead of math\.exp and the like"
    with pytest.raises(TypeError, match=message):
        am.grad(am.grad(op(v), v, create_graph=True), v)
    with pytest.raises(TypeError, match=message):
        am.hessian(lambda x: op(x), [0.7])
    with pytest.raises(TypeError, match=message):
        am.jvp(lambda x: op(x), [Value(0.7)], [1.0])
    assert close(am.grad(op(v), v).data, op.local(0.7, None, op.forward(0.7))[0])  # first derivatives: floats, fine
    assert float(v) == 0.7  # and float() of a Value outside a derivative is its number, as before
