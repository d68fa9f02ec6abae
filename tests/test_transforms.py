"""The function transforms (jvp, grad, hvp, hessian, gradcheck) composed and attacked: forward mode over Values, so
forward over reverse and forward over forward work (JAX's and HIPS autograd's check_grads(order=2, modes=["fwd",
"rev"])); each transform decides its own grad mode, as torch.func and JAX do; their mistakes are named.

Oracles: torch.func in float64 (jvp of jvp, jvp of grad), reverse over reverse (grad of grad, another walk over the
same rules), and second derivatives worked out by hand in the comments."""

import math

import pytest
import torch
from examples import torch_jvp, while_another_thread_is_in_no_grad
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mini import GradcheckError, Value, grad, gradcheck, hessian, hvp, jvp, no_grad
from autograd_mini.ops import unary


def f(x, y):
    return x * x * y + y.sin()


def f_torch(x, y):
    return x * x * y + torch.sin(y)


def t64(v):
    return torch.tensor(float(v), dtype=torch.float64)


# -- forward mode over Values -----------------------------------------------------------------------------------------


def test_jvp_on_values_gives_values_with_the_numbers_of_jvp_on_numbers():
    x, y = Value(1.5, label="x"), Value(0.5, label="y")
    value, tangent = jvp(f, [x, y], [1.0, -2.0])
    assert isinstance(value, Value) and isinstance(tangent, Value)
    assert (value.data, tangent.data) == jvp(f, [1.5, 0.5], [1.0, -2.0])


def test_forward_over_reverse_is_the_hessian_vector_product():
    # d/dt grad f(p + t v) at t = 0 = H v. By hand at (x, y) = (1.5, 0.5), v = (1, -2): f = x^2 y + sin y,
    # H = [[2y, 2x], [2x, -sin y]] = [[1, 3], [3, -sin 0.5]], H v = (1 - 6, 3 + 2 sin 0.5) = (-5, 3 + 2 sin 0.5)
    def df(i):
        return lambda x, y: grad(f(x, y), [x, y], create_graph=True)[i]

    hv = [jvp(df(i), [1.5, 0.5], [1.0, -2.0])[1] for i in range(2)]
    assert hv == pytest.approx([-5.0, 3.0 + 2.0 * math.sin(0.5)], abs=1e-14)
    assert hv == pytest.approx(hvp(f, [1.5, 0.5], [1.0, -2.0]), abs=1e-14)  # reverse over reverse agrees
    (_, t_hv) = torch_jvp(torch.func.grad(f_torch, argnums=(0, 1)), (t64(1.5), t64(0.5)), (t64(1.0), t64(-2.0)))
    assert hv == pytest.approx([t.item() for t in t_hv], abs=1e-14)


def test_forward_over_forward_is_the_second_directional_derivative():
    # g(x) = exp(x) sin(x): g'' = 2 exp(x) cos(x) (by hand: g' = e^x (sin x + cos x), g'' = e^x (cos x - sin x +
    # cos x - ... ) = 2 e^x cos x)
    def g(x):
        return x.exp() * x.sin()

    def g_prime(x):
        return jvp(g, [x], [1.0])[1]  # x is a Value here (the outer jvp records g_prime at one)

    value, second = jvp(g_prime, [0.7], [1.0])
    assert value == pytest.approx(math.exp(0.7) * (math.sin(0.7) + math.cos(0.7)), rel=1e-14)
    assert second == pytest.approx(2 * math.exp(0.7) * math.cos(0.7), rel=1e-14)
    t_second = torch_jvp(lambda x: torch.func.jvp(lambda z: z.exp() * z.sin(), (x,), (t64(1.0),))[1],
                              (t64(0.7),), (t64(1.0),))[1]  # fmt: skip
    assert second == pytest.approx(t_second.item(), rel=1e-14)


def test_reverse_over_forward_differentiates_a_tangent():
    # d/dx of the tangent of f along (1, 0): d/dx (2 x y) = 2 y = 1 at y = 0.5; d/dy = 2 x = 3
    x, y = Value(1.5, label="x"), Value(0.5, label="y")
    _, tangent = jvp(f, [x, y], [1.0, 0.0])
    assert [g.data for g in grad(tangent, [x, y])] == pytest.approx([1.0, 3.0], abs=1e-15)


_UNARY = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "atan", "asinh", "sinh", "expm1", "sinc"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_UNARY), min_size=1, max_size=5), st.floats(-1.5, 1.5), st.floats(-2, 2))
def test_every_order_of_modes_gives_the_same_second_derivative(chain, x0, c):
    # check_grads(order=2, modes=["fwd", "rev"]): h(x) = op_k(... op_1(c * x) ...); h'' by forward over forward,
    # forward over reverse, reverse over forward and reverse over reverse: four walks, one number
    def h(x):
        for name in chain:
            x = getattr(x * c if name == chain[0] else x, name)()
        return x

    ff = jvp(lambda x: jvp(h, [x], [1.0])[1], [x0], [1.0])[1]
    fr = jvp(lambda x: grad(h(x), x, create_graph=True), [x0], [1.0])[1]
    x = Value(x0)
    rf = grad(jvp(h, [x], [1.0])[1], x).data
    x = Value(x0)
    rr = grad(grad(h(x), x, create_graph=True), x).data
    scale = 1.0 + abs(rr)
    for other in (ff, fr, rf):
        assert abs(other - rr) <= 1e-9 * scale, (chain, x0, c, ff, fr, rf, rr)


# -- grad mode: each transform decides its own, as torch.func and JAX -----------------------------------------------


@pytest.mark.parametrize(
    "transform",
    [
        lambda: jvp(f, [1.5, 0.5], [1.0, -2.0]),
        lambda: hvp(f, [1.5, 0.5], [1.0, -2.0]),
        lambda: hessian(f, [1.5, 0.5]),
        lambda: gradcheck(f, [1.5, 0.5]),
    ],
    ids=["jvp", "hvp", "hessian", "gradcheck"],
)
def test_an_outer_no_grad_does_not_change_a_transform(transform):
    # issue 19: inside no_grad() jvp returned tangent 0, hvp and hessian zeros, gradcheck blamed the op. torch.func
    # and JAX are unaffected by an outer no-grad: these take a function and record its graph themselves. (grad()
    # takes a graph the caller built: inside no_grad() there is none, as with torch.autograd.grad.)
    outside = transform()
    with no_grad():
        inside = transform()
    assert inside == outside and outside not in ((1.5 * 1.5 * 0.5 + math.sin(0.5), 0.0), [0.0, 0.0])


def test_a_formulas_gradients_inside_no_grad_are_its_gradients():
    from autograd_mini.formula import differentiate

    # by hand: d/dx x^2 y = 2 x y = 6 at (3, 1), d/dy = x^2 = 9 (outside no_grad(), and inside it: not zeros)
    with no_grad():
        _, leaves = differentiate("x**2 * y", {"x": 3.0, "y": 1.0})
    assert (leaves["x"].grad, leaves["y"].grad) == (6.0, 9.0)


def test_a_transform_in_one_thread_while_another_is_in_no_grad():
    hess = while_another_thread_is_in_no_grad(lambda: hessian(f, [1.5, 0.5]))
    # by hand: H = [[2y, 2x], [2x, -sin y]] at (1.5, 0.5)
    assert hess[0] == pytest.approx([1.0, 3.0], abs=1e-15)
    assert hess[1] == pytest.approx([3.0, -math.sin(0.5)], abs=1e-15)


# -- mistakes, named ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "partials, message",
    [
        (lambda a, out: None, r"partials of op 'odd' .* returned NoneType None, not a tuple \(dout/da,\)"),
        (lambda a, out: ("1",), r"returned the local derivative str '1', not a number or Value"),
        (lambda a, out: (1.0, 2.0), r"returned tuple \(1.0, 2.0\), not a tuple \(dout/da,\)"),
    ],
    ids=["None", "a string", "two partials for one operand"],
)
def test_a_learners_partials_of_the_wrong_shape_are_named_in_every_mode(partials, message):
    # issue 19: jvp gave a raw TypeError or "not finite", backward silently took the first of two partials
    odd = unary("odd", "out = 2 a", lambda a: 2.0 * a, partials)
    for run in (
        lambda: odd(Value(1.0)).backward(),
        lambda: grad(odd(Value(1.0)), Value(1.0)),
        lambda: jvp(lambda x: odd(x), [1.0], [1.0]),
    ):
        with pytest.raises(TypeError, match=message):
            run()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: jvp(f, [10**400, 1.0], [1.0, 0.0]), OverflowError, r"jvp\(\): primals\[0\]: the int 1e400 .about."),
        (lambda: jvp(f, 1.5, [1.0]), TypeError, r"jvp\(\): primals must be a sequence of numbers, got float 1.5"),
        (lambda: hvp(lambda x: x * x, 2.0, [1.0]), TypeError, r"hvp\(\): the point must be a list .* write \[2.0\]"),
        (lambda: hessian(lambda x: x * x, 2.0), TypeError, r"hessian\(\): the point must be a list of numbers"),
        # a string is no number: no advice to write ['2'], which is refused too
        (lambda: hvp(lambda x: x * x, "2", [1.0]), TypeError, r"hvp\(\): the point must be a list .* got str '2'$"),
        (lambda: hvp(lambda x: x * x, [2.0], 1.0), TypeError, r"hvp\(\): the vector v must be a list of numbers"),
        (lambda: hessian(lambda x: x * x, ["a"]), TypeError, r"hessian\(\) point\[0\] takes a real number"),
    ],
)  # fmt: skip
def test_transform_mistakes_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: jvp(f, [1.0], [1.0]), r"^jvp\(\): f takes 2 arguments \(x, y\), primals has 1 number \(one per"),
        (lambda: hvp(f, [1.0, 2.0, 3.0], [1, 0, 0]), r"^hvp\(\): f takes 2 arguments \(x, y\), the point has 3"),
        (lambda: hessian(f, [1.0]), r"^hessian\(\): f takes 2 arguments \(x, y\), the point has 1 number"),
        (lambda: gradcheck(f, [1.0]), r"^gradcheck\(\): f takes 2 arguments \(x, y\), inputs has 1 number"),
    ],
)  # fmt: skip
def test_a_function_given_the_wrong_number_of_inputs_is_named_as_compile_names_it(call, message):
    # was Python's "<lambda>() missing 1 required positional argument: 'y'", naming neither the transform nor the list
    with pytest.raises(TypeError, match=message):
        call()


def test_gradcheck_still_catches_a_wrong_rule_inside_no_grad():
    wrong = unary("wrong", "out = a^2", "a * a", "a")  # d/da a^2 is 2a, not a
    with no_grad(), pytest.raises(GradcheckError):
        gradcheck(lambda x: wrong(x), [1.5])
