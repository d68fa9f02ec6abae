"""Every op, value and derivative, against two oracles the engine did not produce: torch in float64 and central
finite differences of the engine's own forward values.

One table (``CASES``) drives all checks, as minitorch's tests do: each row is written once as a function that
works on ``Value`` and on a torch tensor alike (``x.tanh()``, ``3 - x``, ``x ** y`` are the same code for both),
with hypothesis strategies that stay inside the op's domain. The domain edges are tested one by one at the end.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import hypothesis.strategies as st
import pytest
import torch
from hypothesis import assume, given, settings

import autograd_mini as am
from autograd_mini import Value, no_grad


def reals(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


ANY = reals(-10, 10)
WIDE = reals(-30, 30)  # exp(30) = 1.1e13, sigmoid'(-30) = 9.4e-14: still well inside float64
NONZERO = st.one_of(reals(0.1, 10), reals(-10, -0.1))  # divisors
AWAY_FROM_0 = st.one_of(reals(1e-3, 10), reals(-10, -1e-3))  # relu and abs have a kink at 0 (tested at the edge)
POSITIVE = reals(1e-3, 1e3)  # log, sqrt
BASE = reals(0.1, 10)  # bases of real powers
EXPONENT = reals(-3, 3)
WHOLE_EXPONENT = st.integers(-3, 4)  # a negative base needs a whole-number exponent
UNIT = reals(-0.999, 0.999)  # asin, acos: the slope 1 / sqrt(1 - x^2) is infinite at +-1 (tested at the edge)
ABOVE_1 = reals(1.001, 1e3)  # acosh: the slope 1 / sqrt(x^2 - 1) is infinite at 1 (tested at the edge)


def off_whole_numbers(x, *_):
    """floor and ceil jump at whole numbers; keep 0.01 away, far more than a finite-difference step."""
    return abs(x - round(x)) > 0.01


def away_from_origin(x, y):
    """hypot and atan2 have no derivative at (0, 0)."""
    return abs(x) + abs(y) > 1e-3


def off_the_cut(y, x):
    """atan2(y, x) jumps from pi to -pi where the point (x, y) crosses the negative x axis (y = 0, x < 0)."""
    return away_from_origin(x, y) and not (abs(y) < 1e-3 and x < 0)


def off_the_jumps(a, b):
    """a % b jumps where a / b is a whole number; keep 0.05 of a period away, far more than a finite-difference step."""
    q = a / b
    return abs(q - round(q)) > 0.05


def untied(a, b):
    """max and min have a kink where a = b (torch's split of the tie is tested at the edge)."""
    return abs(a - b) > 1e-3


def as_tensor(c):
    return torch.tensor(float(c), dtype=torch.float64)


@dataclass(frozen=True)
class Case:
    name: str  # how the row reads, and its test id
    op: str  # the name of the op the engine must record at the root (contract: reflected ops start with "r")
    fn: Callable  # fn(*variables, *constants), for Values and torch tensors alike
    variables: tuple  # strategies for the inputs we differentiate with respect to (they become Values)
    constants: tuple = ()  # strategies for plain numbers mixed into the op (they must not become nodes)
    torch_fn: Callable | None = None  # torch's spelling, where it is not the same code as fn's
    where: Callable | None = None  # where(*variables, *constants): the points to keep, away from jumps and kinks
    # how much a derivative formula magnifies the roundings of its terms, where it divides a difference by a small
    # number (sinc' = (cos(pi x) - sinc x) / x near 0, torch's as much as ours): times the size of the numbers
    conditioning: Callable | None = None

    def on_torch(self, *args):
        return (self.torch_fn or self.fn)(*args)


CASES = [
    Case("v + w", "add", lambda x, y: x + y, (ANY, ANY)),
    Case("v + c", "add", lambda x, c: x + c, (ANY,), (ANY,)),
    Case("c + v", "add", lambda x, c: c + x, (ANY,), (ANY,)),
    Case("v - w", "sub", lambda x, y: x - y, (ANY, ANY)),
    Case("v - c", "sub", lambda x, c: x - c, (ANY,), (ANY,)),
    Case("c - v", "rsub", lambda x, c: c - x, (ANY,), (ANY,)),
    Case("v * w", "mul", lambda x, y: x * y, (ANY, ANY)),
    Case("v * c", "mul", lambda x, c: x * c, (ANY,), (ANY,)),
    Case("c * v", "mul", lambda x, c: c * x, (ANY,), (ANY,)),
    Case("v / w", "div", lambda x, y: x / y, (ANY, NONZERO)),
    Case("v / c", "div", lambda x, c: x / c, (ANY,), (NONZERO,)),
    Case("c / v", "rdiv", lambda x, c: c / x, (NONZERO,), (ANY,)),
    Case("v % w", "mod", lambda x, y: x % y, (ANY, NONZERO), where=off_the_jumps),
    Case("v % c", "mod", lambda x, c: x % c, (ANY,), (NONZERO,), where=off_the_jumps),
    # torch has no derivative for a number % tensor (aten::remainder(Scalar, Tensor)); the number as a tensor has
    Case(
        "c % v",
        "rmod",
        lambda x, c: c % x,
        (NONZERO,),
        (ANY,),
        torch_fn=lambda x, c: torch.remainder(as_tensor(c), x),
        where=lambda x, c: off_the_jumps(c, x),
    ),
    Case("max(v, w)", "maximum", lambda x, y: x.maximum(y), (ANY, ANY), where=untied),
    Case(
        "max(v, c)",
        "maximum",
        lambda x, c: x.maximum(c),
        (ANY,),
        (ANY,),
        torch_fn=lambda x, c: x.maximum(as_tensor(c)),
        where=untied,
    ),
    Case("min(v, w)", "minimum", lambda x, y: x.minimum(y), (ANY, ANY), where=untied),
    Case(
        "min(v, c)",
        "minimum",
        lambda x, c: x.minimum(c),
        (ANY,),
        (ANY,),
        torch_fn=lambda x, c: x.minimum(as_tensor(c)),
        where=untied,
    ),
    Case("hypot(v, w)", "hypot", lambda x, y: x.hypot(y), (ANY, ANY), where=away_from_origin),
    Case(
        "hypot(v, c)", "hypot", lambda x, c: x.hypot(c), (ANY,), (NONZERO,), torch_fn=lambda x, c: x.hypot(as_tensor(c))
    ),
    Case("atan2(v, w)", "atan2", lambda x, y: x.atan2(y), (ANY, ANY), where=off_the_cut),
    Case(
        "atan2(v, c)",
        "atan2",
        lambda x, c: x.atan2(c),
        (ANY,),
        (NONZERO,),
        torch_fn=lambda x, c: x.atan2(as_tensor(c)),
        where=off_the_cut,
    ),
    Case("logaddexp(v, w)", "logaddexp", lambda x, y: x.logaddexp(y), (WIDE, WIDE)),
    Case(
        "logaddexp(v, c)",
        "logaddexp",
        lambda x, c: x.logaddexp(c),
        (WIDE,),
        (WIDE,),
        torch_fn=lambda x, c: x.logaddexp(as_tensor(c)),
    ),
    Case("logaddexp2(v, w)", "logaddexp2", lambda x, y: x.logaddexp2(y), (WIDE, WIDE)),
    Case("v ** c", "pow", lambda x, c: x**c, (BASE,), (EXPONENT,)),
    Case("v ** k (any sign, whole k)", "pow", lambda x, k: x**k, (NONZERO,), (WHOLE_EXPONENT,)),
    Case("c ** v", "rpow", lambda x, c: c**x, (reals(-5, 5),), (BASE,)),
    Case("v ** w", "powv", lambda x, y: x**y, (BASE, EXPONENT)),
    Case("-v", "neg", lambda x: -x, (ANY,)),
    Case("abs(v)", "abs", lambda x: abs(x), (AWAY_FROM_0,)),
    Case("v.sign()", "sign", lambda x: x.sign(), (AWAY_FROM_0,)),
    Case("v.floor()", "floor", lambda x: x.floor(), (ANY,), where=off_whole_numbers),
    Case("v.ceil()", "ceil", lambda x: x.ceil(), (ANY,), where=off_whole_numbers),
    Case("v.exp()", "exp", lambda x: x.exp(), (WIDE,)),
    Case("v.expm1()", "expm1", lambda x: x.expm1(), (WIDE,)),
    Case("v.exp2()", "exp2", lambda x: x.exp2(), (WIDE,)),
    Case("v.log()", "log", lambda x: x.log(), (POSITIVE,)),
    Case("v.log1p()", "log1p", lambda x: x.log1p(), (reals(-0.999, 1e3),)),
    Case("v.log2()", "log2", lambda x: x.log2(), (POSITIVE,)),
    Case("v.log10()", "log10", lambda x: x.log10(), (POSITIVE,)),
    Case("v.sqrt()", "sqrt", lambda x: x.sqrt(), (POSITIVE,)),
    Case("v.sin()", "sin", lambda x: x.sin(), (ANY,)),
    Case("v.cos()", "cos", lambda x: x.cos(), (ANY,)),
    Case("v.tan()", "tan", lambda x: x.tan(), (reals(-1.5, 1.5),)),  # tan(+-pi/2) is a pole
    Case("v.asin()", "asin", lambda x: x.asin(), (UNIT,)),
    Case("v.acos()", "acos", lambda x: x.acos(), (UNIT,)),
    Case("v.atan()", "atan", lambda x: x.atan(), (WIDE,)),
    Case("v.sinh()", "sinh", lambda x: x.sinh(), (reals(-20, 20),)),
    Case("v.cosh()", "cosh", lambda x: x.cosh(), (reals(-20, 20),)),
    Case("v.tanh()", "tanh", lambda x: x.tanh(), (reals(-20, 20),)),
    Case("v.asinh()", "asinh", lambda x: x.asinh(), (reals(-1e3, 1e3),)),
    Case("v.acosh()", "acosh", lambda x: x.acosh(), (ABOVE_1,)),
    Case("v.atanh()", "atanh", lambda x: x.atanh(), (UNIT,)),
    # near 0 both sinc' formulas divide a vanishing difference by x (0 itself is tested at the edge)
    Case(
        "v.sinc()", "sinc", lambda x: x.sinc(), (ANY,), where=lambda x: abs(x) > 0.01, conditioning=lambda x: 1 / abs(x)
    ),
    Case("v.deg2rad()", "deg2rad", lambda x: x.deg2rad(), (reals(-720, 720),)),
    Case("v.rad2deg()", "rad2deg", lambda x: x.rad2deg(), (ANY,)),
    Case("v.sigmoid()", "sigmoid", lambda x: x.sigmoid(), (WIDE,)),
    Case("v.relu()", "relu", lambda x: x.relu(), (AWAY_FROM_0,)),
    # torch's softplus returns x itself above its threshold (default 20: off by e^-20 = 2e-9); above 30 the true
    # log(1 + e^x) rounds to x anyway, so a threshold of 40 makes torch compute the formula everywhere here
    Case(
        "v.softplus()",
        "softplus",
        lambda x: x.softplus(),
        (WIDE,),
        torch_fn=lambda x: torch.nn.functional.softplus(x, threshold=40.0),
    ),
]
CASE_IDS = [c.name for c in CASES]


def test_the_table_covers_every_op_of_the_engine():
    # a new op in ops.OPS without a row here would go untested
    assert {c.op for c in CASES} == set(am.OPS)


# -- the two engines and the finite differences --------------------------------------------------------------


def draw_point(data, case):
    xs = [data.draw(s, label=f"x{i}") for i, s in enumerate(case.variables)]
    cs = [data.draw(s, label=f"c{i}") for i, s in enumerate(case.constants)]
    if case.where is not None:
        assume(case.where(*xs, *cs))
    return xs, cs


def engine(case, xs, cs):
    """(value, [d out / d x_i] by backward(), the root node, the leaves)."""
    leaves = [Value(x) for x in xs]
    out = case.fn(*leaves, *cs)
    out.backward()
    return out.data, [v.grad for v in leaves], out, leaves


def oracle(case, xs, cs):
    """torch float64: (value, [d out / d x_i])."""
    ts = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    out = case.on_torch(*ts, *cs)
    return out.item(), [g.item() for g in torch.autograd.grad(out, ts)]


def central_difference(case, xs, cs, i):
    """(f(x + h e_i) - f(x - h e_i)) / (2h) on the engine's forward values alone (no derivative rule involved)."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    with no_grad():
        f_up = case.fn(*[Value(x) for x in up], *cs).data
        f_down = case.fn(*[Value(x) for x in down], *cs).data
    return (f_up - f_down) / (up[i] - down[i])  # the step actually taken, after rounding


def close(a, b, scale=0.0, rel=1e-12):
    """Equal up to a few float64 roundings of the numbers involved.

    torch and Python evaluate the same formulas with their own libm, which may differ in the last bit. Where a
    formula cancels (tanh'(7) = 1 - tanh(7)^2 = 3.3e-6 from tanh(7) = 0.9999983), one ulp of its inputs is a
    large relative change of the result; ``scale`` is the size of those inputs, and 1e-15 * scale (a few ulps of
    them) is allowed on top of the relative tolerance.
    """
    return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=1e-15 * scale)


def size(xs, cs, value, case=None):
    """The size of the numbers a derivative formula is computed from, for close(): inputs, constants, result (and
    the case's conditioning, where its formula divides by a small number)."""
    numbers = 1.0 + sum(abs(x) for x in xs) + sum(abs(c) for c in cs) + abs(value)
    return numbers * max(1.0, case.conditioning(*xs, *cs)) if case is not None and case.conditioning else numbers


# -- the properties ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_value_and_derivative_match_torch_float64(case, data):
    # three ways to the derivative, each against torch: backward() into .grad; grad(), which evaluates the same
    # rules on floats and leaves .grad alone; grad(create_graph=True), which evaluates them on Values
    xs, cs = draw_point(data, case)
    value, grads, out, _ = engine(case, xs, cs)
    t_value, t_grads = oracle(case, xs, cs)
    scale = size(xs, cs, t_value, case)
    assert type(value) is float
    assert close(value, t_value, scale), f"{case.name} at {xs}, {cs}: value {value!r}, torch {t_value!r}"
    for i, (g, tg) in enumerate(zip(grads, t_grads)):
        assert close(g, tg, scale), f"{case.name} at {xs}, {cs}: backward() d/dx{i} {g!r}, torch {tg!r}"

    leaves = [Value(x) for x in xs]
    out = case.fn(*leaves, *cs)
    plain = am.grad(out, leaves)
    graph = am.grad(out, leaves, create_graph=True)
    for i, tg in enumerate(t_grads):
        g, gg = plain[i].data, graph[i].data
        assert close(g, tg, scale), f"{case.name} at {xs}, {cs}: grad() d/dx{i} {g!r}, torch {tg!r}"
        assert close(gg, tg, scale), f"{case.name} at {xs}, {cs}: grad(create_graph) d/dx{i} {gg!r}, torch {tg!r}"
    assert all(v.grad == 0.0 for v in leaves) and out.grad == 0.0


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_derivative_matches_central_finite_differences(case, data):
    xs, cs = draw_point(data, case)
    value, grads, _, _ = engine(case, xs, cs)
    for i, g in enumerate(grads):
        numeric = central_difference(case, xs, cs, i)
        # error of the central difference: truncation h^2 |f'''| / 6 plus rounding ~ 1e-16 |f| / h, with
        # h = 1e-6 max(1, |x|); both are far below this bound for the ranges the strategies draw from
        tolerance = 1e-6 * (abs(numeric) + abs(value)) + 1e-9
        assert abs(g - numeric) <= tolerance, f"{case.name} at {xs}, {cs}: d/dx{i} {g!r}, numeric {numeric!r}"


def oracle_second(case, xs, cs):
    """torch float64: the matrix d2 out / dx_i dx_j, by differentiating torch's gradient again."""
    ts = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    first = torch.autograd.grad(case.on_torch(*ts, *cs), ts, create_graph=True)
    rows = []
    for g in first:
        if not g.requires_grad:  # a constant derivative (sign, the staircase of %): its derivative is 0
            rows.append([0.0] * len(ts))
            continue
        rows.append(
            [h.item() for h in torch.autograd.grad(g, ts, retain_graph=True, allow_unused=True, materialize_grads=True)]
        )
    return rows


def engine_first(case, xs, cs):
    """[d out / d x_i] at a point, by backward() (checked against torch and finite differences above)."""
    return engine(case, xs, cs)[1]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=40)
@given(data=st.data())
def test_second_derivatives_match_torch_and_finite_differences_of_the_first(case, data):
    # grad(create_graph=True) evaluates each op's partials on Values, so the first derivative is a graph of its
    # own; differentiating it again gives row i of the Hessian. Two oracles: torch's double backward, and central
    # differences of the (already checked) first derivative
    xs, cs = draw_point(data, case)
    leaves = [Value(x) for x in xs]
    first = am.grad(case.fn(*leaves, *cs), leaves, create_graph=True)
    ours = [[h.data for h in am.grad(g, leaves)] for g in first]
    torch_rows = oracle_second(case, xs, cs)
    g1 = engine_first(case, xs, cs)
    scale = size(xs, cs, max(abs(g) for g in g1), case)
    for i in range(len(xs)):
        for j in range(len(xs)):
            h, th = ours[i][j], torch_rows[i][j]
            # torch's x ** y sets d/dx = y x^(y-1) to 0 wherever y = 0 (also for its own derivative), so its
            # d2/dy dx there is 0 instead of x^(y-1) + y x^(y-1) log x = 1/x; the finite differences below judge
            torch_is_off = case.op == "powv" and (i, j) == (0, 1) and xs[1] == 0.0
            # torch differentiates its own backward formulas, which may be written differently (1 + tan^2 against
            # 1 / cos^2): equal up to a few roundings of the numbers involved
            assert torch_is_off or math.isclose(h, th, rel_tol=1e-9, abs_tol=1e-12 * scale**2), (
                f"{case.name} at {xs}, {cs}: d2/dx{i}dx{j} {h!r}, torch {th!r}"
            )
            step = 1e-6 * max(1.0, abs(xs[j]))
            up, down = list(xs), list(xs)
            up[j] += step
            down[j] -= step
            numeric = (engine_first(case, up, cs)[i] - engine_first(case, down, cs)[i]) / (up[j] - down[j])
            tolerance = 1e-5 * (abs(numeric) + max(abs(g) for g in g1)) + 1e-7
            assert abs(h - numeric) <= tolerance, f"{case.name} at {xs}, {cs}: d2/dx{i}dx{j} {h!r}, numeric {numeric!r}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=15)  # the structure does not depend on the numbers; a few points suffice
@given(data=st.data())
def test_one_node_per_op_numbers_stay_numbers_and_local_grads_are_the_partials(case, data):
    xs, cs = draw_point(data, case)
    t_value, t_grads = oracle(case, xs, cs)
    _, _, out, leaves = engine(case, xs, cs)
    assert out.op is am.OPS[case.op] and out.op.name == case.op
    # the Values first (in the order written for commutative ops, the Value first for reflected ones), then the
    # numbers, stored as Python floats inside the op rather than as nodes of their own
    assert out.operands[: len(leaves)] == tuple(leaves)
    assert out.children == tuple(leaves)
    numbers = out.operands[len(leaves) :]
    assert [type(n) for n in numbers] == [float] * len(cs)
    assert list(numbers) == [float(c) for c in cs]
    assert am.topological_order(out) == [*leaves, out]
    assert all(v.is_leaf for v in leaves) and not out.is_leaf
    # for a single op, the local derivative d out / d x_i is the whole derivative: torch's
    local = out.local_grads()
    assert len(local) == len(out.children)  # one entry per Value operand, in operand order; a number gets none
    for i, tg in enumerate(t_grads):
        assert close(local[i], tg, size(xs, cs, t_value, case)), (
            f"{case.name}: local_grads()[{i}] {local[i]!r}, torch {tg!r}"
        )


# -- the domain edges, one by one --------------------------------------------------------------------------------


def softplus(x, threshold=1e308):
    """softplus on a Value, and torch's, by default with its threshold out of the way (see the table above)."""
    return torch.nn.functional.softplus(x, threshold=threshold) if torch.is_tensor(x) else x.softplus()


def torch_grad(fn, *xs):
    ts = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    out = fn(*ts)
    return out.item(), [g.item() for g in torch.autograd.grad(out, ts)]


def engine_grad(fn, *xs):
    vs = [Value(x) for x in xs]
    out = fn(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


@pytest.mark.parametrize(
    "name, fn, xs",
    [
        # kinks and flat points: torch's subgradient choices, which the engine follows
        ("relu at 0", lambda x: x.relu(), [0.0]),
        ("abs at 0", lambda x: abs(x), [0.0]),
        ("x ** 0 at 0 (constant 1)", lambda x: x**0, [0.0]),
        ("0 ** y at y = 0", lambda y: 0.0**y, [0.0]),
        ("x ** y at x = y = 0", lambda x, y: x**y, [0.0, 0.0]),
        ("x ** 2 at 0", lambda x: x**2, [0.0]),
        ("x ** y at x = 0, y = 2", lambda x, y: x**y, [0.0, 2.0]),
        ("0 ** y at y = 3", lambda y: 0.0**y, [3.0]),
        # whole exponents of negative bases
        ("(-2) ** 3", lambda x: x**3, [-2.0]),
        ("(-2) ** -1", lambda x: x**-1, [-2.0]),
        # the ends of the float range
        ("log of the smallest subnormal", lambda x: x.log(), [5e-324]),  # d/dx = 1/5e-324 overflows to inf
        ("log at 1", lambda x: x.log(), [1.0]),
        ("exp at 709.78 (largest finite)", lambda x: x.exp(), [709.78]),
        ("exp at -745 (underflow to 0)", lambda x: x.exp(), [-746.0]),
        ("sigmoid at 1e308", lambda x: x.sigmoid(), [1e308]),
        ("sigmoid at -1e308", lambda x: x.sigmoid(), [-1e308]),
        ("tanh at 1e308", lambda x: x.tanh(), [1e308]),
        ("tanh at -1e308", lambda x: x.tanh(), [-1e308]),
        ("sigmoid at -800 (e^800 would overflow)", lambda x: x.sigmoid(), [-800.0]),
        ("1 / tiny", lambda x: 1 / x, [1e-300]),
        ("sqrt of the smallest subnormal", lambda x: x.sqrt(), [5e-324]),
        # ties of max and min: torch.maximum and torch.minimum split the gradient 1/2 : 1/2 (torch 2.13 float64)
        ("max(v, w) at a tie", lambda x, y: x.maximum(y), [1.5, 1.5]),
        ("min(v, w) at a tie", lambda x, y: x.minimum(y), [-2.0, -2.0]),
        ("max(v, w) at a tie at 0", lambda x, y: x.maximum(y), [0.0, 0.0]),
        ("max(v, c) at a tie", lambda x: x.maximum(as_tensor(3.0) if torch.is_tensor(x) else 3.0), [3.0]),
        ("min(v, c) at a tie", lambda x: x.minimum(as_tensor(3.0) if torch.is_tensor(x) else 3.0), [3.0]),
        ("sign at 0", lambda x: x.sign(), [0.0]),
        ("sign at -0.0", lambda x: x.sign(), [-0.0]),
        # % at a jump: 2 % 2 = 0 (the right-hand limit), d/da = 1, d/db = -floor(2/2) = -1
        ("v % w where v / w is whole", lambda x, y: x % y, [2.0, 2.0]),
        ("v % w, negative divisor", lambda x, y: x % y, [7.5, -2.0]),  # Python's and torch's sign: -0.5
        ("v % w, negative dividend", lambda x, y: x % y, [-7.5, 2.0]),  # 0.5, d/dw = -floor(-3.75) = 4
        ("softplus at 0", lambda x: softplus(x), [0.0]),  # log 2, sigmoid(0) = 1/2
        # far out, torch's default threshold (x itself above 20) is the exact answer in float64
        ("softplus at 1000 (e^1000 would overflow)", lambda x: softplus(x, 20.0), [1000.0]),
        ("softplus at -1000", lambda x: softplus(x, 20.0), [-1000.0]),
        ("softplus at 36.7 (1 + e^-36.7 rounds to 1)", lambda x: softplus(x), [36.7]),
        ("log1p of a tiny number", lambda x: x.log1p(), [1e-20]),  # log(1 + 1e-20) would be 0
        ("expm1 of a tiny number", lambda x: x.expm1(), [1e-20]),  # e^1e-20 - 1 would be 0
        ("log1p near -1", lambda x: x.log1p(), [-1.0 + 1e-15]),
        ("tan at the float nearest pi/2", lambda x: x.tan(), [math.pi / 2]),
        ("cosh at 710 (above exp's limit, still finite)", lambda x: x.cosh(), [710.0]),
        ("asin at 0", lambda x: x.asin(), [0.0]),
        ("atan at 1e308", lambda x: x.atan(), [1e308]),
        ("asinh at 1e200 (a^2 overflows: slope 1/inf = 0)", lambda x: x.asinh(), [1e200]),
        ("asinh at -3", lambda x: x.asinh(), [-3.0]),
        ("atanh at 0", lambda x: x.atanh(), [0.0]),
        ("sinc at 0 (1, slope 0)", lambda x: x.sinc(), [0.0]),
        ("sinc at 1 (a zero of sin(pi x))", lambda x: x.sinc(), [1.0]),
        ("floor at a whole number (slope 0)", lambda x: x.floor(), [2.0]),
        ("ceil at a whole number (slope 0)", lambda x: x.ceil(), [-2.0]),
        ("floor at -0.5", lambda x: x.floor(), [-0.5]),
        ("exp2 at -1080 (underflow to 0)", lambda x: x.exp2(), [-1080.0]),
        ("exp2 at 10", lambda x: x.exp2(), [10.0]),
        ("logaddexp at a tie (1/2 each)", lambda x, y: x.logaddexp(y), [3.0, 3.0]),
        ("logaddexp far apart (e^1000 would overflow)", lambda x, y: x.logaddexp(y), [1000.0, 0.0]),
        ("logaddexp2 at a tie", lambda x, y: x.logaddexp2(y), [-2.0, -2.0]),
        ("logaddexp of -1000 and -1001", lambda x, y: x.logaddexp(y), [-1000.0, -1001.0]),
        ("hypot at (3, 4)", lambda x, y: x.hypot(y), [3.0, 4.0]),
        ("hypot at (1e200, 1e200) (a^2 would overflow)", lambda x, y: x.hypot(y), [1e200, 1e200]),
        ("atan2 at (0, -1): pi", lambda x, y: x.atan2(y), [0.0, -1.0]),
        ("atan2 at (-0.0, -1): -pi", lambda x, y: x.atan2(y), [-0.0, -1.0]),
        ("atan2 at (1, 0)", lambda x, y: x.atan2(y), [1.0, 0.0]),
    ],
)
def test_domain_edges_match_torch(name, fn, xs):
    value, grads = engine_grad(fn, *xs)
    t_value, t_grads = torch_grad(fn, *xs)
    assert close(value, t_value), f"{name}: value {value!r}, torch {t_value!r}"
    for g, tg in zip(grads, t_grads):
        assert close(g, tg), f"{name}: grad {g!r}, torch {tg!r}"


@pytest.mark.parametrize("x", [1e-20, -1e-9, 1e-7, 1e-5, -3e-4, 9.99e-4, 1e-3, 2e-3, 0.01, 0.3])
def test_sincs_first_and_second_derivative_near_0_are_its_not_rounding(x):
    # sinc' = (cos(pi x) - sinc x) / x subtracts two numbers that agree to most of their digits near 0: at 1e-9 the
    # second derivative was -pi^2 (torch's 0.0), where it is -pi^2 / 3 (sinc x = 1 - (pi x)^2 / 6 + ...). The
    # oracle: mpmath's derivatives of sin(pi x) / (pi x) with 50 digits, independent of both formulas
    import mpmath

    mpmath.mp.dps = 50
    exact = [float(mpmath.diff(lambda z: mpmath.sin(mpmath.pi * z) / (mpmath.pi * z), x, k)) for k in (1, 2)]
    v = Value(x)
    (d1,) = am.grad(v.sinc(), [v], create_graph=True)
    d2 = am.grad(d1, v)
    assert d1.data == pytest.approx(exact[0], rel=1e-10, abs=1e-300)
    assert d2.data == pytest.approx(exact[1], rel=1e-10)


def test_sigmoid_and_tanh_stay_in_range_at_the_float_limits():
    for x in (1e308, -1e308, 710.0, -710.0, 5e-324, -5e-324):
        s, t = Value(x).sigmoid().data, Value(x).tanh().data
        assert 0.0 <= s <= 1.0 and -1.0 <= t <= 1.0, (x, s, t)
    # sigma(x) = 1 / (1 + e^-x): at +-1e308 exactly 1 and 0, tanh exactly +-1
    assert (Value(1e308).sigmoid().data, Value(-1e308).sigmoid().data) == (1.0, 0.0)
    assert (Value(1e308).tanh().data, Value(-1e308).tanh().data) == (1.0, -1.0)


@pytest.mark.parametrize(
    "fn, op, at",
    [
        (lambda x: x.sqrt(), "sqrt", 0.0),
        (lambda x: x**0.5, "pow", 0.0),
        (lambda x: x**0.25, "pow", 0.0),
        (lambda x: x.asin(), "asin", 1.0),  # d/dx asin x = 1 / sqrt(1 - x^2)
        (lambda x: x.asin(), "asin", -1.0),
        (lambda x: x.acos(), "acos", 1.0),
        (lambda x: x.acosh(), "acosh", 1.0),  # d/dx acosh x = 1 / sqrt(x^2 - 1)
    ],
    ids=["sqrt", "x ** 0.5", "x ** 0.25", "asin at 1", "asin at -1", "acos at 1", "acosh at 1"],
)
def test_an_infinite_slope_raises_in_backward_naming_the_op(fn, op, at):
    # d/dx sqrt(x) = 1 / (2 sqrt x) is infinite at 0 (torch returns inf; so are asin' and acos' at +-1). The
    # forward value is fine; backward refuses with a message naming the op and the point rather than passing an
    # inf on
    x = Value(at)
    y = fn(x)
    t_value, (t_grad,) = torch_grad(fn, at)
    assert y.data == t_value and math.isinf(t_grad)
    with pytest.raises(ZeroDivisionError) as info:
        y.backward()
    message = str(info.value)
    assert op in message and repr(at) in message and "not finite" in message


def test_hypot_has_no_derivative_at_the_origin_and_says_so():
    # d/dx hypot(x, y) = x / hypot(x, y) is 0 / 0 at (0, 0): torch returns NaN there; the engine refuses, as it
    # does for sqrt at 0, naming the op and the point
    t_value, t_grads = torch_grad(lambda x, y: x.hypot(y), 0.0, 0.0)
    assert all(math.isnan(g) for g in t_grads)
    x, y = Value(0.0), Value(0.0)
    out = x.hypot(y)
    assert out.data == t_value
    with pytest.raises(ZeroDivisionError, match=r"hypot\(0.0, 0.0\).*not finite"):
        out.backward()


@pytest.mark.parametrize("a, b", [(0.0, 0.0), (-0.0, 0.0), (1e-200, 1e-200), (0.0, 1e-200), (1e-200, 0.0)])
def test_atan2_takes_torchs_zero_where_a_squared_plus_b_squared_is_zero(a, b):
    # d/da atan2(a, b) = b / (a^2 + b^2) would be 0 * inf where a^2 + b^2 is (or underflows to) 0: torch 2.13 gives
    # 0 and -0 there (backward() adds into .grad, which starts at +0.0, so its zeros are +0.0: 0.0 + -0.0 = 0.0)
    t_value, t_grads = torch_grad(lambda x, y: x.atan2(y), a, b)
    value, grads = engine_grad(lambda x, y: x.atan2(y), a, b)
    assert value == t_value and grads == t_grads == [0.0, 0.0]


@pytest.mark.parametrize("x", [1.0, -1.0, 1.5])
def test_atanh_at_or_beyond_1_is_refused_by_the_forward_naming_the_domain(x):
    # torch gives +-inf at +-1 and NaN beyond; the engine treats atanh as it treats log at 0: a named error
    with pytest.raises(ValueError, match=rf"atanh of {x!r} in Value.atanh\(\): the argument must be between -1 and 1"):
        Value(x).atanh()


def test_exp2_overflow_is_named_as_exp_is():
    with pytest.raises(OverflowError, match=r"exp2\(1100.0\) overflows a float \(Value.exp2\)"):
        Value(1100.0).exp2()


@pytest.mark.parametrize(
    "alias, name",
    [("arcsinh", "asinh"), ("arccosh", "acosh"), ("arctanh", "atanh"), ("arcsin", "asin"), ("arccos", "acos"),
     ("arctan", "atan"), ("arctan2", "atan2"), ("radians", "deg2rad"), ("degrees", "rad2deg")],
)  # fmt: skip
def test_numpy_names_are_aliases_that_record_the_same_op(alias, name):
    # HIPS autograd's learners write np.arcsinh(x), np.radians(x): the same op under numpy's name
    x = Value(1.5 if name in ("acosh", "rad2deg", "deg2rad", "atan", "asinh") else 0.5)
    args = (Value(0.25),) if name == "atan2" else ()
    out = getattr(x, alias)(*args)
    assert out.op is am.OPS[name] and out.data == getattr(x, name)(*args).data
