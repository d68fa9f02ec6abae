"""Errors a learner meets, with their messages (which op, which value, what to do), and the anomaly mode.

Issue 2: log of a value <= 0, a negative base with a fractional or Value exponent and division by zero raise
ValueError / ZeroDivisionError naming the op and the value; exp overflow raises OverflowError naming exp and the
value; never a bare "math domain error", never a complex number in ``data``. detect_anomaly() raises
FloatingPointError where a NaN or inf first appears, in forward or backward, naming the op and where the node was
created.
"""

import math
import os
import sys

import hypothesis.strategies as st
import pytest
from hypothesis import given
from test_engine_ops import CASE_IDS, CASES

import autograd_mini as am
from autograd_mini import Value

PYTHON_WORDING = ("math domain error", "math range error", "Numerical result out of range")


@pytest.mark.parametrize(
    "compute, error, shown",
    [
        (lambda: Value(0.0).log(), ValueError, ["log", "0.0", "positive"]),
        (lambda: Value(-2.5).log(), ValueError, ["log", "-2.5", "positive"]),
        (lambda: Value(-4.0).sqrt(), ValueError, ["sqrt", "-4.0"]),
        (lambda: Value(1.5) / 0, ZeroDivisionError, ["1.5 / 0.0", "div"]),
        (lambda: Value(1.5) / Value(0.0), ZeroDivisionError, ["1.5 / 0.0", "div"]),
        (lambda: 1 / Value(0.0), ZeroDivisionError, ["1.0 / 0.0", "rdiv"]),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, ["0.0 ** (-1.0)", "pow"]),
        (lambda: Value(-8.0) ** 0.5, ValueError, ["(-8.0) ** 0.5", "pow", "whole-number exponent"]),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, ["(-8.0) ** 0.333", "pow"]),
        (lambda: Value(-8.0) ** Value(2.0), ValueError, ["(-8.0) ** 2.0", "powv", "Value exponent"]),
        (lambda: (-8) ** Value(0.5), ValueError, ["(-8.0) ** 0.5", "rpow"]),
        (lambda: Value(1000.0).exp(), OverflowError, ["exp", "1000.0"]),
        (lambda: Value(709.79).exp(), OverflowError, ["exp", "709.79"]),  # e^709.78 is the largest float's
        (lambda: 10 ** Value(400.0), OverflowError, ["10.0 ** 400.0", "rpow"]),
        (lambda: Value(10.0) ** 400, OverflowError, ["10.0 ** 400.0", "pow"]),
        (lambda: Value(1e200) ** Value(2.0), OverflowError, ["1e+200 ** 2.0", "powv"]),
        # issue 11's ops, worded the same way
        (lambda: Value(2.0).asin(), ValueError, ["asin of 2.0 in Value.asin(): the argument must be in [-1, 1]"]),
        (lambda: Value(-1.5).acos(), ValueError, ["acos of -1.5 in Value.acos(): the argument must be in [-1, 1]"]),
        (lambda: Value(-1.0).log1p(), ValueError, ["log1p of -1.0 in Value.log1p(): the argument must be greater"]),
        (lambda: Value(0.0).log2(), ValueError, ["log2 of 0.0 in Value.log2(): the argument must be positive"]),
        (lambda: Value(-3.0).log10(), ValueError, ["log10 of -3.0 in Value.log10(): the argument must be positive"]),
        (lambda: Value(math.inf).tan(), ValueError, ["tan of inf in Value.tan(): the argument must be finite"]),
        (lambda: Value(1000.0).sinh(), OverflowError, ["sinh(1000.0) overflows", "Value.sinh"]),
        (lambda: Value(-1000.0).cosh(), OverflowError, ["cosh(-1000.0) overflows", "Value.cosh"]),
        (lambda: Value(1000.0).expm1(), OverflowError, ["expm1(1000.0) overflows", "Value.expm1"]),
        (lambda: Value(1.5) % 0, ZeroDivisionError, ["1.5 % 0.0", "Value.mod", "the divisor must not be 0"]),
        (lambda: Value(1.5) % Value(0.0), ZeroDivisionError, ["1.5 % 0.0", "Value.mod"]),
        (lambda: 3 % Value(0.0), ZeroDivisionError, ["3.0 % 0.0", "Value.rmod"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_errors_name_the_op_and_the_value(compute, error, shown):
    with pytest.raises(error) as info:
        compute()
    message = str(info.value)
    for text in shown:
        assert text in message, f"{text!r} not in {message!r}"
    assert not any(w in message for w in PYTHON_WORDING), message


def test_a_negative_base_never_gives_a_complex_number():
    assert isinstance((-8.0) ** (1 / 3), complex)  # what Python itself does with floats
    for base, exponent in ((-8.0, 1 / 3), (-2.0, 0.5), (-1e-3, 2.5), (-5.0, -0.5)):
        with pytest.raises(ValueError):
            Value(base) ** exponent
    # whole exponents of negative bases are real: (-2)^3 = -8, (-2)^-2 = 1/4
    assert (Value(-2.0) ** 3).data == -8.0 and (Value(-2.0) ** -2).data == 0.25


WIDE = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1e-300, -1e-300, 5e-324, 710.0, -745.0, 1e308]),
)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_any_real_input_gives_a_real_float_or_an_error_naming_the_op(case, data):
    # every op of the table, anywhere on the real line: the result is a Python float (inf allowed where the
    # true result overflows in a plain multiply), or one of the three documented errors, naming the op
    xs = [data.draw(WIDE, label=f"x{i}") for i in range(len(case.variables))]
    cs = [data.draw(WIDE, label=f"c{i}") for i in range(len(case.constants))]
    leaves = [Value(x) for x in xs]
    try:
        out = case.fn(*leaves, *cs)
    except (ValueError, ZeroDivisionError, OverflowError) as err:
        message = str(err)
        assert case.op in message and not any(w in message for w in PYTHON_WORDING), message
        return
    assert type(out.data) is float
    try:
        out.backward()
    except (ValueError, ZeroDivisionError, OverflowError) as err:
        message = str(err)
        assert "backward" in message and case.op in message, message
        assert not any(w in message for w in PYTHON_WORDING), message
        return
    assert all(type(v.grad) is float for v in leaves)


# -- anomaly mode ------------------------------------------------------------------------------------------------

HERE = os.path.basename(__file__)


def line():
    """The line number of the caller's current line."""
    return sys._getframe(1).f_lineno


def test_anomaly_reports_inf_times_0_where_it_happens():
    x = Value(float("inf"))
    with pytest.raises(FloatingPointError) as info:
        with am.detect_anomaly():
            where = line() + 1
            x * 0  # inf * 0 = nan
    message = str(info.value)
    assert "mul" in message and "nan" in message and "inf * 0.0" in message
    assert f"{HERE}:{where}" in message and "test_anomaly_reports_inf_times_0_where_it_happens" in message


def test_anomaly_reports_the_first_op_whose_result_is_not_finite():
    big = Value(1e308)
    with pytest.raises(FloatingPointError) as info:
        with am.detect_anomaly():
            a = big * 1.5  # 1.5e308, fine (the largest float is 1.797e308)
            where = line() + 1
            b = a + big  # 2.5e308 overflows to inf: the first anomaly
            b - b  # inf - inf = nan would be the second; never reached
    message = str(info.value)
    assert "add" in message and "= inf" in message and f"{HERE}:{where}" in message
    assert "sub" not in message


def build(x, op):
    # forward 1/1e-300 = 1e300 is finite, d/dx = -1/x^2 = -1e600 is not;
    # at x = 5e-324: log x = -744.4 is finite, d/dx = 1/x = inf is not
    return (1 / x) * 2.0 if op == "rdiv" else x.log() * 2.0


@pytest.mark.parametrize("op, at", [("rdiv", 1e-300), ("log", 5e-324)])
def test_anomaly_in_backward_names_the_op_and_where_its_node_was_made(op, at):
    x = Value(at, label="x")
    with pytest.raises(FloatingPointError) as info:
        with am.detect_anomaly():
            where = line() + 1
            y = (1 / x) * 2.0 if op == "rdiv" else x.log() * 2.0
            assert math.isfinite(y.data)  # nothing wrong in forward
            y.backward()
    message = str(info.value)
    assert op in message and "backward" in message and "inf" in message
    assert f"{HERE}:{where}" in message  # the line that built the node

    # the control: without anomaly mode the same graph passes the inf on silently
    x.grad = 0.0
    y = build(x, op)
    y.backward()
    assert math.isinf(x.grad)


def test_detect_anomaly_is_off_again_after_it_raised():
    with pytest.raises(FloatingPointError):
        with am.detect_anomaly():
            Value(float("inf")) * 0
    assert math.isnan((Value(float("inf")) * 0).data)  # outside, nan is just a value


def test_anomaly_mode_covers_the_backward_pass_of_grad_too():
    # grad() is a backward pass like backward() (gradcheck and hessian use it): the inf of d(1/x)/dx at x = 1e-300
    # must be reported there as well, naming the op and the line that made its node
    x = Value(1e-300, label="x")
    with pytest.raises(FloatingPointError) as info:
        with am.detect_anomaly():
            where = line() + 1
            y = 1 / x
            am.grad(y, x)
    message = str(info.value)
    assert "rdiv" in message and "inf" in message and f"{HERE}:{where}" in message


def test_anomaly_names_the_creation_site_of_a_script_in_a_folder_called_autograd_mini(tmp_path):
    # A learner's checkout or notebook folder may well be called autograd_mini. Frames of the engine are the
    # package's own files; a script that merely lives under some other autograd_mini/ folder is the learner's code.
    import runpy

    script = tmp_path / "autograd_mini" / "learner.py"
    script.parent.mkdir()
    script.write_text(
        "import autograd_mini as am\n"
        "from autograd_mini import Value\n"
        "with am.detect_anomaly():\n"
        "    y = Value(float('inf')) * 0\n"
    )
    with pytest.raises(FloatingPointError) as info:
        runpy.run_path(str(script))
    assert "learner.py:4" in str(info.value), str(info.value)
