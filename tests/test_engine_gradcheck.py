"""gradcheck: central differences against autodiff. It must pass on correct functions and, on a wrong derivative
rule, fail with a table showing per input the analytic and the numeric value.

A wrong rule is made the way a learner would add an op: an ``Op`` record (``autograd_mini.ops.unary`` / ``binary``)
whose forward is right and whose partials are not, applied with the engine's own ``apply``. Nothing in the engine
is changed for it.
"""

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings
from test_engine_ops import CASE_IDS, CASES, draw_point

from autograd_mini import GradcheckError, Value, gradcheck
from autograd_mini.engine import apply
from autograd_mini.gradcheck import numeric_gradient
from autograd_mini.ops import TANH, binary, unary

# x^2 with the derivative a learner might write down too quickly: d/dx x^2 = x (it is 2x)
BAD_SQUARE = unary("bad_square", "out = a^2;  dout/da = a (wrong)", lambda a: a * a, lambda a, out: (a,), symbol="sq")
# a * b with d/da right (b) and d/db wrong (a + 1 instead of a)
BAD_MUL = binary(
    "bad_mul", "*", "out = a b;  dout/db = a + 1 (wrong)", lambda a, b: a * b, lambda a, b, out: (b, a + 1.0)
)
# x^2 with a derivative off by one part in ten million: inside gradcheck's default tolerance
NEARLY_SQUARE = unary(
    "nearly_square", "out = a^2;  dout/da = 2a (1 + 1e-7)", lambda a: a * a, lambda a, out: (2.0 * a * (1 + 1e-7),)
)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=20)
@given(data=st.data())
def test_gradcheck_passes_on_every_op(case, data):
    xs, cs = draw_point(data, case)  # inside the op's domain, away from the jumps of % and the kinks of max/min
    assert gradcheck(lambda *vs: case.fn(*vs, *cs), xs) is True


def test_gradcheck_passes_on_a_composite_of_several_inputs():
    def f(x, y, z):
        return (x * y).tanh() + x**y / (1 + z * z) - (z.sigmoid() * y).log()

    assert gradcheck(f, [0.5, 1.5, -0.3]) is True
    assert gradcheck(f, [Value(0.5), Value(1.5), Value(-0.3)]) is True  # Values are taken by their data


def test_gradcheck_catches_a_wrong_unary_rule_and_shows_both_numbers():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: apply(BAD_SQUARE, x), [3.0])
    err = info.value
    assert isinstance(err, AssertionError)  # so pytest reports it as a failed check
    ((name, x, analytic, numeric, diff, ok),) = err.rows
    # at x = 3 the rule says 3, the true slope of x^2 is 6 (central differences are exact for a parabola up to
    # rounding: ((3 + h)^2 - (3 - h)^2) / 2h = 6)
    assert (name, x, analytic, ok) == ("x0", 3.0, 3.0, False)
    assert numeric == pytest.approx(6.0, rel=1e-8) and diff == pytest.approx(3.0, rel=1e-8)
    message = str(err)
    assert "analytic" in message and "numeric" in message
    row = next(line for line in message.splitlines() if line.strip().startswith("x0"))
    assert "3" in row and "6" in row and "mismatch" in row


def test_gradcheck_points_at_the_input_whose_derivative_is_wrong():
    # f(x, y) = x y at (2, 5): d/dx = y = 5 (the rule is right), d/dy = x = 2 (the rule says x + 1 = 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: apply(BAD_MUL, x, y), [2.0, 5.0])
    rows = {r[0]: r for r in info.value.rows}
    assert rows["x0"][2] == 5.0 and rows["x0"][3] == pytest.approx(5.0, rel=1e-8) and rows["x0"][5] is True
    assert rows["x1"][2] == 3.0 and rows["x1"][3] == pytest.approx(2.0, rel=1e-8) and rows["x1"][5] is False
    lines = {line.split()[0]: line for line in str(info.value).splitlines()[2:]}
    assert "mismatch" not in lines["x0"] and "mismatch" in lines["x1"]


def test_gradcheck_catches_a_wrong_rule_deep_inside_a_function():
    # f(x) = tanh(bad_square(x)) + x: the wrong rule is one link of the chain
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: apply(BAD_SQUARE, x).tanh() + x, [0.8])


def test_gradcheck_catches_a_broken_rule_of_a_builtin_op():
    # tanh' written as 1 - tanh instead of 1 - tanh^2: the table's record with its rule changed
    broken = unary("tanh", TANH.equation, TANH.rule[0], "1.0 - out")
    assert gradcheck(lambda x: x.tanh(), [0.7]) is True
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: apply(broken, x), [0.7])


def test_gradcheck_tolerance_is_atol_plus_rtol_times_numeric():
    # a relative error of 1e-7 passes the default rtol = 1e-3, and fails rtol = 1e-9 with atol = 0
    assert gradcheck(lambda x: apply(NEARLY_SQUARE, x), [2.0]) is True
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: apply(NEARLY_SQUARE, x), [2.0], atol=0.0, rtol=1e-9)


def test_numeric_gradient_by_hand():
    # f(x, y) = x^3 y at (2, -1): df/dx = 3 x^2 y = -12, df/dy = x^3 = 8
    g = numeric_gradient(lambda x, y: x**3 * y, [2.0, -1.0])
    assert g == pytest.approx([-12.0, 8.0], rel=1e-8)


@pytest.mark.parametrize(
    "kwargs, shown",
    [({"eps": 0.0}, "eps"), ({"eps": -1e-6}, "eps"), ({"atol": -1.0}, "atol"), ({"rtol": float("nan")}, "rtol")],
)
def test_gradcheck_rejects_bad_settings_naming_them(kwargs, shown):
    with pytest.raises(ValueError) as info:
        gradcheck(lambda x: x * x, [1.0], **kwargs)
    assert "gradcheck" in str(info.value) and shown in str(info.value)


def test_gradcheck_wants_a_value_back():
    with pytest.raises(TypeError) as info:
        gradcheck(lambda x: 3.0, [1.0])
    assert "gradcheck" in str(info.value) and "float" in str(info.value)


@pytest.mark.parametrize(
    "f, x, slope",
    [
        (lambda v: v * 2, 1e9, 2.0),  # with a fixed step of 1e-6, the numeric slope came out 1.907
        (lambda v: v * 2, 1e12, 2.0),  # ... and 0: 1e12 + 1e-6 == 1e12 in float64
        (lambda v: v * v, 1e6, 2e6),  # d/dx x^2 = 2x
        (lambda v: v.exp(), 700.0, 1.0142320547350045e304),  # d/dx e^x = e^700
    ],
    ids=["2x at 1e9", "2x at 1e12", "x^2 at 1e6", "exp at 700"],
)
def test_gradcheck_passes_on_correct_functions_at_large_inputs(f, x, slope):
    assert gradcheck(f, [x]) is True
    assert numeric_gradient(f, [x]) == pytest.approx([slope], rel=1e-6)
