"""Forward mode (dual numbers) and symbolic differentiation (sympy) against reverse mode, torch and sympy.

Oracles: the engine's reverse mode (a different walk over the same rules), torch.func.jvp in float64 (torch's own
forward mode, its own derivative rules), sympy.diff of each op's sympy form (a computer-algebra system's rules, not
the table's), and the delta equations of document 004 written out by hand in this file.
"""

import math

import pytest
import sympy
import torch
from examples import torch_jvp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_mini import OPS, Value, forward_gradient, grad, jvp
from autograd_mini import symbolic as S
from nn import MLP

# -- expression trees, evaluated by two interpreters: the engine (Values) and torch (float64 tensors) --------------

UNARY = ("neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos")
BINARY = ("add", "sub", "mul", "div", "pow", "powv", "rsub", "rdiv", "rpow")
NAMES = ("x", "y", "z")


def trees(depth):
    leaf = st.one_of(
        st.sampled_from(NAMES).map(lambda n: ("var", n)),
        # no 0: the engine takes d/dy 0**y as its limit 0 (ops.times_log) where sympy's 0**y * log(0) is nan
        st.floats(-3, 3, allow_nan=False).map(lambda c: ("num", round(c, 3))).filter(lambda t: t[1] != 0),
    )
    if depth == 0:
        return leaf
    sub = trees(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(st.sampled_from(UNARY), sub),
        st.tuples(st.sampled_from(BINARY), sub, sub),
        st.tuples(st.just("pow"), sub, st.sampled_from([2.0, 3.0, -1.0, 0.5])),
    )


SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "powv": "**", "rsub": "-", "rdiv": "/"}
SYMBOL["rpow"] = "**"
INFIX = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}
TORCH_UNARY = {
    "neg": torch.neg,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "abs": torch.abs,
    "sin": torch.sin,
    "cos": torch.cos,
}


def evaluate_tree(tree, env, number, unary):
    """One interpreter for both: ``number(c)`` makes a constant, ``unary(name, a)`` applies a function. Binary ops
    use Python's operators, so a Value meets a number the way user code does (x * 2.0, 2.0 ** x, 3 - x)."""
    kind = tree[0]
    if kind == "var":
        return env[tree[1]]
    if kind == "num":
        return number(tree[1])
    if kind in UNARY:
        return unary(kind, evaluate_tree(tree[1], env, number, unary))
    a = evaluate_tree(tree[1], env, number, unary)
    b = tree[2] if isinstance(tree[2], float) else evaluate_tree(tree[2], env, number, unary)
    if kind in ("rsub", "rdiv", "rpow"):  # the number (or the other operand) on the left
        a, b = b, a
    if isinstance(a, float) and isinstance(b, float):
        a = Value(a) if number is float else number(a)
    return INFIX[SYMBOL[kind]](a, b)


def _value_unary(name, a):
    a = a if isinstance(a, Value) else Value(a)
    return -a if name == "neg" else (abs(a) if name == "abs" else getattr(a, name)())


def on_values(tree, env):
    return evaluate_tree(tree, env, float, _value_unary)


def on_torch(tree, env):
    return evaluate_tree(tree, env, lambda c: torch.tensor(c, dtype=torch.float64), lambda n, a: TORCH_UNARY[n](a))


points = st.tuples(*[st.floats(-2.5, 2.5, allow_nan=False).filter(lambda v: abs(v) > 1e-3)] * 3)


def build(tree, point):
    """(output Value, leaves) or None where the engine refuses the point (a domain error, an overflow)."""
    leaves = {n: Value(v, label=n) for n, v in zip(NAMES, point)}
    try:
        out = on_values(tree, leaves)
    except (ArithmeticError, ValueError):
        return None
    if not isinstance(out, Value) or not math.isfinite(out.data) or abs(out.data) > 1e8:
        return None
    return out, leaves


def reverse(out, leaves):
    try:
        gs = [g.data for g in grad(out, list(leaves.values()))]
    except (ArithmeticError, ValueError):
        return None
    return gs if all(math.isfinite(g) and abs(g) < 1e8 for g in gs) else None


def close(got, want, rel=1e-10):
    """Within 1e-10 relative to the gradient's size (its largest entry, at least 1e-3): single entries of a
    gradient may cancel to near 0, where an entry-wise relative error says nothing about the method."""
    scale = max([abs(w) for w in want] + [1e-3])
    return all(abs(g - w) <= rel * scale for g, w in zip(got, want))


def gradient_by(method, tree, point):
    """(gradient by ``method(out, leaves)``, reverse mode's), for a tree and point the engine can differentiate."""
    built = build(tree, point)
    assume(built is not None)
    want = reverse(*built)
    assume(want is not None)
    return method(*built), want


# -- forward mode -----------------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(tree=trees(4), point=points)
def test_forward_mode_equals_reverse_mode(tree, point):
    got, want = gradient_by(lambda out, leaves: forward_gradient(out, list(leaves.values())), tree, point)
    assert close(got, want), (tree, point, got, want)


@settings(max_examples=60)
@given(tree=trees(3), point=points, tangent=st.tuples(*[st.floats(-2, 2, allow_nan=False)] * 3))
def test_jvp_equals_torch_func_jvp_in_float64(tree, point, tangent):
    built = build(tree, point)
    assume(built is not None)
    assume(reverse(*built) is not None)

    def f(x, y, z):
        return on_values(tree, {"x": x, "y": y, "z": z})

    value, slope = jvp(lambda *vs: _as_value(f(*vs)), point, tangent)

    def g(x, y, z):
        return on_torch(tree, {"x": x, "y": y, "z": z})

    primals = tuple(torch.tensor(p, dtype=torch.float64) for p in point)
    tangents = tuple(torch.tensor(t, dtype=torch.float64) for t in tangent)
    t_value, t_slope = torch_jvp(g, primals, tangents)
    assume(math.isfinite(t_slope.item()))
    assert value == pytest.approx(t_value.item(), rel=1e-12, abs=1e-12)
    scale = max(1e-3, sum(abs(t) for t in tangent) * max(abs(v) for v in reverse(*built)))
    assert abs(slope - t_slope.item()) <= 1e-10 * scale, (tree, point, tangent, slope, t_slope.item())


def _as_value(v):
    return v if isinstance(v, Value) else Value(v)


def test_jvp_by_hand():
    # f(x, y) = x*y + sin(x) at (2, 3), direction (1, -2): grad f = (y + cos x, x) = (3 + cos 2, 2),
    # so the directional derivative is (3 + cos 2) * 1 + 2 * (-2) = cos 2 - 1 = -1.4161468365471424
    value, slope = jvp(lambda x, y: x * y + x.sin(), [2.0, 3.0], [1.0, -2.0])
    assert value == pytest.approx(6 + math.sin(2), rel=1e-15)
    assert slope == pytest.approx(math.cos(2) - 1, rel=1e-15)


def test_jvp_refuses_mismatched_lengths_and_non_numbers():
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        jvp(lambda x, y: x * y, [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match=r"tangents\[0\] takes a real number .* or a Value, got str"):
        jvp(lambda x: x, [1.0], ["a"])


def test_forward_mode_names_the_op_where_the_derivative_is_not_finite():
    with pytest.raises(ZeroDivisionError, match=r"forward mode through sqrt\(0.0\)"):
        jvp(lambda x: x.sqrt(), [0.0], [1.0])


@settings(max_examples=40)
@given(
    sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    activation=st.sampled_from(["sigmoid", "tanh", "relu"]),
    seed=st.integers(0, 1000),
)
def test_forward_and_symbolic_gradients_of_small_mlps_equal_reverse_mode(sizes, activation, seed):
    model = MLP(sizes[0], sizes[1:], activation=activation, output_activation="sigmoid", seed=seed)
    x = [0.3 * (k + 1) * (-1) ** k for k in range(sizes[0])]
    outs = model(x)
    outs = [outs] if isinstance(outs, Value) else outs
    K = sum(((o - 0.25) ** 2 for o in outs), start=Value(0.0))
    params = model.parameters()
    want = [g.data for g in grad(K, params)]
    assert close(forward_gradient(K, params), want)
    if seed % 4 == 0 and len(params) <= 12:  # sympy is slow: a quarter of the smaller networks go the symbolic way
        got = S.gradient_values(K, wrt=[p.label for p in params])
        assert close([got[p.label] for p in params], want)


# -- symbolic ---------------------------------------------------------------------------------------------------


@settings(max_examples=70)
@given(tree=trees(3), point=points)
def test_symbolic_gradient_equals_reverse_mode(tree, point):
    def symbolic(out, leaves):
        got = S.gradient_values(out, wrt=list(leaves.values()))
        return [got[n] for n in NAMES]

    got, want = gradient_by(symbolic, tree, point)
    assert close(got, want), (tree, point, got, want)


# A point of each op's domain, (a, b): b is a number mixed into the op, or a second operand for add/sub/mul/div/powv.
POINTS = {
    "add": (0.7, 1.3),
    "sub": (0.7, 1.3),
    "rsub": (0.7, 2.5),
    "mul": (0.7, -1.3),
    "div": (0.7, -1.3),
    "rdiv": (0.7, 2.5),
    "pow": (0.7, 3.0),
    "powv": (0.7, 1.3),
    "rpow": (0.7, 2.5),
    "mod": (2.7, 1.3),
    "rmod": (0.7, 2.5),
    "maximum": (0.7, 1.3),
    "minimum": (0.7, 1.3),
    "hypot": (0.7, -1.3),
    "atan2": (0.7, -1.3),
    "logaddexp": (0.7, -1.3),
    "logaddexp2": (0.7, -1.3),
    "acosh": (1.5, None),
}
VALUE_PAIRS = [name for name, op in OPS.items() if len(op.code) == 3]  # two partials: b a Value, not a number


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_has_a_sympy_form_whose_derivative_is_the_tables_partial(name):
    """A new op without a sympy form fails here; one whose form and partials disagree fails too (sympy.diff is the
    oracle for the hand-written partials)."""
    op = OPS[name]
    form = S.sympy_form(op)
    a_sym, b_sym = sympy.symbols("a b", real=True)
    a, b = POINTS.get(name, (0.7, None))
    if op.arity == 1:
        expr = form(a_sym)
        out = op.forward(a)
        partials = op.partials(a, out)
        assert float(expr.subs(a_sym, a).evalf()) == pytest.approx(out, rel=1e-14)
        assert float(sympy.diff(expr, a_sym).subs(a_sym, a).evalf()) == pytest.approx(partials[0], rel=1e-13)
        return
    two_values = name in VALUE_PAIRS
    expr = form(a_sym, b_sym if two_values else sympy.Float(b))
    out = op.forward(a, b)
    partials = op.partials(a, b, out)
    at = {a_sym: a, b_sym: b}
    assert float(expr.subs(at).evalf()) == pytest.approx(out, rel=1e-14)
    assert float(sympy.diff(expr, a_sym).subs(at).evalf()) == pytest.approx(partials[0], rel=1e-13)
    if two_values:
        assert float(sympy.diff(expr, b_sym).subs(at).evalf()) == pytest.approx(partials[1], rel=1e-13)


def test_an_op_sympy_does_not_know_fails_loudly():
    from autograd_mini.ops import unary

    # a learner's op (issue 11) under a name sympy does not have
    bent = unary("bent", "out = a + sqrt(a^2 + 1)", lambda a: a + math.hypot(a, 1.0), lambda a, out: (0.0,))
    with pytest.raises(NotImplementedError, match="'bent'.*SPECIAL_FORMS in autograd_mini/symbolic.py"):
        S.sympy_form(bent)


def test_a_learners_op_written_with_any_of_maths_functions_has_its_sympy_form():
    from autograd_mini.ops import unary

    # math.erf had no sympy form (a raw AttributeError of a SimpleNamespace): sympy has erf under the same name.
    # d/dx erf(x) = 2/sqrt(pi) e^(-x^2), at 0.7 torch float64 says 0.6912748604105386
    erf = unary("erf", "out = erf a", "math.erf(a)", "2.0 / math.sqrt(PI) * EXP(-a * a)")
    x = Value(0.7, label="x")
    d = S.gradient(erf(x))["x"]
    assert sympy.simplify(d - 2 * sympy.exp(-(sympy.Symbol("x", real=True) ** 2)) / sympy.sqrt(sympy.pi)) == 0
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.erf(t), [t])
    assert S.gradient_values(erf(x))["x"] == pytest.approx(tg.item(), rel=1e-15)
    # a function sympy has under no name: said so, with where to add it
    fmod = unary("my_fmod", "out = fmod(a, 3)", "math.fmod(a, 3.0)", "1.0")
    with pytest.raises(NotImplementedError, match=r"math\.fmod has no sympy form: add it to _SympyMath in"):
        S.to_sympy(fmod(x))


def test_document_004_gradient_example_symbolically():
    # document 004, page 6: f(x, y) = (x^2 - sin y) x = x^3 - x sin y, so df/dx = 3x^2 - sin y, df/dy = -x cos y
    # (the page prints 2x - sin y for df/dx; nn.crosscheck.documents reports it)
    x, y = Value(1.5, label="x"), Value(0.5, label="y")
    f = (x**2 - y.sin()) * x
    X, Y = sympy.symbols("x y", real=True)
    d = S.gradient(f)
    assert sympy.simplify(d["x"] - (3 * X**2 - sympy.sin(Y))) == 0
    assert sympy.simplify(d["y"] - (-X * sympy.cos(Y))) == 0
    assert S.text(d["y"]) == "-x*cos(y)"
    assert S.latex(d["x"]) == r"3 x^{2} - \sin{\left(y \right)}"
    # at (1.5, 0.5): 3 * 2.25 - sin(0.5) = 6.75 - 0.479425538604203 = 6.270574461395797
    assert S.evaluate(d["x"], {"x": 1.5, "y": 0.5}) == pytest.approx(6.270574461395797, rel=1e-15)


def test_constants_stay_numbers_and_sigmoid_prints_as_sigma():
    x = Value(0.5, label="x")
    f = (x * 2.0 + 0.1).sigmoid() + Value(3.0)  # an unlabelled leaf is a constant
    expr = S.to_sympy(f)
    assert expr.free_symbols == {sympy.Symbol("x", real=True)}
    assert S.text(expr) == "sigmoid(2*x + 0.1) + 3"
    assert S.latex(S.derivative(f, x)).startswith("2 \\left(1 - \\sigma\\left(2 x + 0.1\\right)\\right)")


def test_two_leaves_with_one_label_are_refused():
    a, b = Value(1.0, label="w"), Value(2.0, label="w")
    with pytest.raises(ValueError, match="two different leaves are labelled 'w' \\(values 1.0 and 2.0\\)"):
        S.to_sympy(a * b)


def test_evaluate_names_a_missing_value():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    with pytest.raises(ValueError, match="no value for y"):
        S.evaluate(S.to_sympy(x * y), {"x": 1.0})


def test_expression_size_by_hand():
    # d/dx (x^2 - sin y) x = 3*x**2 - sin(y): *, **, - and sin = 4 ops; d/dy = -x*cos(y): -, *, cos = 3 ops
    x, y = Value(1.5, label="x"), Value(0.5, label="y")
    assert S.expression_size(S.gradient((x**2 - y.sin()) * x)) == (7, 7)


def test_a_missing_sympy_is_a_clear_import_error(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "sympy", None)
    monkeypatch.delitem(sys.modules, "autograd_mini.symbolic")
    with pytest.raises(ImportError, match=r"needs sympy .*pip install 'autograd-mini\[symbolic\]'"):
        importlib.import_module("autograd_mini.symbolic")
