"""compile() attacked as an attacker and a careless learner would (issue 19): labels and op fields that are hostile
text, numbers that are not floats, an outer no_grad(), duplicate outputs, and graphs too large to write.

The oracle is the node engine (its value and backward()'s gradients, bit for bit), whose ops are checked against torch
float64 in test_engine_ops.py, and numbers worked out by hand in the comments."""

import keyword
import math

import numpy as np
import pytest
from examples import while_another_thread_is_in_no_grad
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd_mini.ops as ops_module
from autograd_mini import OPS, Value, compile, grad, no_grad
from autograd_mini.compiler import compile_graph
from autograd_mini.engine import apply
from autograd_mini.ops import unary

# -- labels: whatever their text, the program computes the node engine's floats ---------------------------------------

HOSTILE_LABELS = [
    "x", "y", "𝐱", "ｘ", "ｙ", "x²", "w₁", "½", "", " ", "\n", "a\nimport os", "'''", '"""', "# comment", "x; y",
    "\\", "{a}", "{}", "%s", "g_x", "g_n1", "n1", "n2", "args", "seed", "grads", "step", "math", "power_rule",
    "power", "sigmoid", "abs", "max", "print", "__class__", "__import__", "exec", "None", "True", "lambda", "def",
    "match", "_", "L1.N0.w0", "1x", "x-1", "é", "ﬁ", "Å", "Å", "\u200b", "\u2028", "\x00", "🙂",
    *keyword.kwlist[:8],
]  # fmt: skip
_labels = st.sampled_from(HOSTILE_LABELS) | st.text(max_size=6)
_NUMBER = st.floats(-3.0, 3.0, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def labelled_graphs(draw):
    """(point, steps, labels): a graph over 3 inputs as in test_compile.py's strategy, every node labelled with text
    drawn from hostile unicode, keywords, the program's own helper and parameter names, and duplicates."""
    point = [draw(_NUMBER.filter(lambda v: abs(v) > 0.05)) for _ in range(3)]
    steps = []
    for _ in range(draw(st.integers(1, 10))):
        op = draw(st.sampled_from(sorted(OPS)))
        i, j = draw(st.integers(0, 2 + len(steps))), draw(st.integers(0, 2 + len(steps)))
        with_value = len(OPS[op].code) == 3 and draw(st.booleans())
        steps.append((op, i, j if with_value else None, draw(_NUMBER)))
    labels = draw(st.lists(_labels, min_size=3 + len(steps), max_size=3 + len(steps)))
    return point, steps, labels


def _build(point, steps, labels):
    xs = [Value(v, label=label) for v, label in zip(point, labels)]
    nodes = list(xs)
    for (name, i, j, number), label in zip(steps, labels[3:]):
        op = OPS[name]
        b = None if op.arity == 1 else nodes[j] if j is not None else _number_for(name, number)
        node = apply(op, nodes[i], b)
        node.label = label
        nodes.append(node)
    out = nodes[-1]
    for n in nodes[3:-1]:  # every node counts
        out = out + n
    return xs, out


def _number_for(name, number):
    return float(round(number)) if name == "pow" else abs(number) + 0.5 if name == "rpow" else number


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labelled_graphs())
def test_hostile_labels_compile_to_the_node_engines_floats_bit_for_bit(graph):
    point, steps, labels = graph
    try:
        xs, out = _build(point, steps, labels)
        out.backward()
    except (ArithmeticError, ValueError):
        assume(False)
    assume(math.isfinite(out.data) and all(math.isfinite(x.grad) for x in xs))
    step = compile_graph(out, xs)
    value, grads = step(point)
    expected = [g.data for g in grad(out, xs)]  # the same walk in the same order: the same floats
    assert value == out.data
    assert list(grads) == expected
    assert [math.copysign(1.0, g) for g in grads] == [math.copysign(1.0, g) for g in expected]  # zeros' signs too
    assert list(grads) == pytest.approx([x.grad for x in xs], rel=1e-12, abs=1e-12)  # backward(): its own order
    namespace: dict = {}
    exec(step.source, namespace)  # the source, pasted as it is, runs (the labels became names or comments)
    assert namespace["step"](point) == (value, grads)
    for line in step.source.splitlines():  # no label's text reached the program but as a name or a repr comment
        assert "\n" not in line and "\u2028" not in line


def test_labels_that_python_folds_together_stay_two_variables():
    # issue 19: t = x * y labelled "𝐱" (NFKC: x) once rebound x. By hand at x = 2, y = 3: t + x = 6 + 2 = 8,
    # d/dx = y + 1 = 4, d/dy = x = 2
    def f(x, y):
        t = x * y
        t.label = "𝐱"
        return t + x

    step = compile(f, [2.0, 3.0])
    assert step([2.0, 3.0]) == (8.0, (4.0, 2.0))
    assert "# x_ is labelled '𝐱'" in step.source


@pytest.mark.parametrize("label", ["x²", "w₁", "½", "x y", "1st", "", "__class__"])
def test_labels_that_are_not_names_become_names_or_numbers(label):
    x = Value(1.5, label=label)
    out = x * x
    out.label = label
    step = compile_graph(out, [x])
    assert step([1.5]) == (2.25, (3.0,))  # by hand: 1.5^2 and 2 * 1.5
    assert all(name.isidentifier() for name in step.names)


def test_a_label_that_is_not_text_is_named():
    x = Value(1.0, label="x")
    y = x * 2
    y.label = 3  # labels are text; a slot takes anything
    with pytest.raises(TypeError, match="label must be text .str., got int 3"):
        compile_graph(y, [x])


# -- op records: their text is never run ---------------------------------------------------------------------------


def test_an_equation_with_newlines_stays_a_comment(tmp_path):
    # issue 19: an equation with a newline went into a comment and its second line ran when compile executed it
    marker = tmp_path / "ran"
    evil = unary(
        "evil",
        f"out = 2 a\nopen({str(marker)!r}, 'w').write('x')\n  ",  # an innocent two-line equation would do too
        lambda a: 2.0 * a,
        lambda a, out: (2.0,),
    )
    x = Value(1.5, label="x")
    step = compile_graph(apply(evil, x), [x])
    assert step([1.5]) == (3.0, (2.0,))
    assert not marker.exists()
    assert "open(" not in "".join(line.split("#")[0] for line in step.source.splitlines())


@pytest.mark.parametrize(
    "rule, message",
    [
        ("a +", "is not a Python expression"),
        ("__import__('os')", "'__import__' is not an operand"),
        ("a.__class__", "only math's functions may be named with a dot"),
        ("open('x')", "'open' is not an operand"),
        ("[a for a in (1,)]", "ListComp is not allowed"),
        ("'text'", "the constant 'text' is not a number"),
        ("lambda: 0", "Lambda is not allowed"),
        ("a\nimport os", "is not a Python expression"),
    ],
)
def test_a_rule_that_is_not_one_expression_of_known_names_is_refused_when_made(rule, message):
    with pytest.raises(ValueError, match=message):
        unary("bad", "out = ?", rule, "1.0")
    with pytest.raises(ValueError, match=message):
        unary("bad", "out = ?", "a", rule)


def test_learners_ops_that_share_a_name_call_their_own_functions():
    # issue 19: a second op named "pow" called the first one's function. By hand at x = 3: 3^2 = 9 (d/dx 6), the
    # other "pow" 3 + 1 = 4 (d/dx 1), the table's x ** 2.0 = 9 (d/dx 6): 22, d/dx 13
    square = unary("pow", "out = a^2", lambda a: a * a, lambda a, out: (2.0 * a,))
    plus_one = unary("pow", "out = a + 1", lambda a: a + 1.0, lambda a, out: (1.0,))
    x = Value(3.0, label="x")
    out = apply(square, x) + apply(plus_one, x) + x**2.0  # and the table's pow
    step = compile_graph(out, [x])
    assert step([3.0]) == (22.0, (13.0,))
    assert "f_pow_, p_pow_ = pow_.forward, pow_.partials" in step.source and "define it as pow_ " in step.source


@pytest.mark.parametrize("name", ["abs", "max", "math", "sigmoid", "power", "floor", "if", "lambda", "step", "args"])
def test_a_learners_op_named_like_a_builtin_helper_or_keyword_calls_its_own_functions(name):
    # an op given as functions is expected under its name when the program runs; a name the program itself uses
    # (the builtin abs of the table's |x|, an imported helper, math, a keyword) shadowed it or did not parse: an op
    # "abs" doubling its operand made abs(x) double too. By hand at x = -1.5: double(x) = -3, |x| = 1.5,
    # sigmoid(x) = 1 / (1 + e^1.5), x^2 = 2.25, floor(x) = -2, max(x, x/2) = -0.75, tanh(x); the node engine's floats
    # bit for bit
    double = unary(name, "out = 2 a", lambda a: 2.0 * a, lambda a, out: (2.0,))

    def f(x):
        return double(x) + abs(x) + x.sigmoid() + x**2.0 + x.floor() + x.maximum(x * 0.5) + x.tanh()

    xs = [Value(-1.5)]
    out = f(*xs)
    assert out.data == -3.0 + 1.5 + 1.0 / (1.0 + math.exp(1.5)) + 2.25 - 2.0 - 0.75 + math.tanh(-1.5)
    assert compile(f, [-1.5])([-1.5]) == (out.data, tuple(g.data for g in grad(out, xs)))


# -- what a step takes: Value()'s numbers, nothing else --------------------------------------------------------------


@pytest.fixture(scope="module")
def product():
    return compile(lambda x, y: x * y, [1.0, 2.0])


def test_numpy_and_int_numbers_are_taken_as_floats(product):
    # numpy's uint8 would wrap: 200 * 200 = 64 in uint8; as floats, 40000 (by hand), as the node engine computes
    assert product([np.uint8(200), np.uint8(200)]) == (40000.0, (200.0, 200.0))
    assert type(product([np.float32(1.5), 2])[0]) is float
    big = 2**60 + 1  # an int the engine takes as float(2**60 + 1) = 2**60: the same here
    assert product([big, 1]) == (float(big), (1.0, float(big)))


@pytest.mark.parametrize(
    "numbers, message",
    [
        (["a", "b"], r"argument 1 \(x\) must be a number, got str 'a'"),
        ([1j, 2.0], r"argument 1 \(x\) must be a number, got complex"),
        ([np.array([1.0, 2.0]), 2.0], r"argument 1 \(x\) must be a number, got ndarray"),
        ([True, 2.0], r"argument 1 \(x\) must be a number, got bool"),
        ({1.0, 2.0}, r"takes a list of 2 numbers \(x, y\), got set"),
        ("ab", r"takes a list of 2 numbers \(x, y\), got str"),
        ([10**400, 1.0], r"argument 1 \(x\): the int 1e400 \(about\) does not fit a float"),
    ],
)
def test_what_value_refuses_a_step_refuses(product, numbers, message):
    with pytest.raises((TypeError, ValueError, OverflowError), match=message):
        product(numbers)


def test_a_numpy_array_of_numbers_is_a_list_of_numbers(product):
    assert product(np.array([3.0, 4.0])) == (12.0, (4.0, 3.0))


# -- grad mode: compile decides its own, as torch.func and JAX do -----------------------------------------------------


def test_compile_inside_no_grad_traces_the_graph_as_outside():
    # issue 19: inside no_grad() compile made a constant program. torch.func.grad and jax.grad are unaffected by an
    # outer no_grad: so is compile. By hand: x^2 y at (3, 2) = 18, d/dx = 2 x y = 12, d/dy = x^2 = 9
    with no_grad():
        step = compile(lambda x, y: x * x * y, [3.0, 2.0])
    assert step([3.0, 2.0]) == (18.0, (12.0, 9.0))


def test_check_inside_no_grad_retraces_as_outside():
    # check() retraces f with the node engine: inside no_grad() it built no graph and reported every point as
    # "another path" with gradients 0. By hand, tanh(x y): at (0.2, 0.1) d/dx = y (1 - tanh^2(0.02)), at any point the
    # same program: no difference, in or out of no_grad()
    step = compile(lambda x, y: (x * y).tanh(), [0.5, 0.3])
    with no_grad():
        report = step.check([[0.2, 0.1], [1.0, 2.0]])
    assert report.ok, str(report)


def test_compile_in_a_thread_while_another_is_in_no_grad():
    assert while_another_thread_is_in_no_grad(lambda: compile(lambda x: x * x, [3.0])([3.0])) == (9.0, (6.0,))


# -- check(), budgets -----------------------------------------------------------------------------------------------


def test_check_with_a_point_of_the_wrong_length_names_the_point():
    step = compile(lambda x, y: x * y, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"check\(\): point 2: takes 2 numbers \(x, y\), got 3"):
        step.check([[1.0, 2.0], [1.0, 2.0, 3.0]])


def test_check_with_no_points_is_refused_not_reported_as_agreeing():
    # torch.jit.trace's check_inputs=[] checks nothing and says nothing; here a report of 0 points would print ok
    step = compile(lambda x, y: x * y, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"check\(\): no points given; .* e\.g\. step\.check\(\[\[0\.5, 0\.5\]\]\)"):
        step.check([])
    with pytest.raises(ValueError, match="no points given"):
        step.check(iter(()))


def test_check_does_not_call_labels_another_path():
    # labels chosen from the values (a learner's f may do this): another program text, the same path
    def f(x):
        y = x * x
        y.label = "big" if x.data > 1 else "small"
        return y

    step = compile(f, [2.0])
    assert step.check([[0.5], [3.0]]).ok


def test_a_graph_beyond_max_nodes_is_refused_with_the_limit_and_how_to_raise_it():
    x = Value(1.0, label="x")
    y = x
    for _ in range(60):
        y = y * 1.01
    with pytest.raises(MemoryError, match=r"more than max_nodes=50: .* pass max_nodes= to write it anyway"):
        compile_graph(y, [x], max_nodes=50)
    value, (g,) = compile_graph(y, [x], max_nodes=100)([1.0])
    assert value == y.data and g == pytest.approx(1.01**60, rel=1e-12)


def test_the_program_calls_only_helpers_of_the_op_table():
    # every name a program imports is a helper of ops.py's rules, never something a label or an op name brought
    step = compile(lambda x: (x * 2).sigmoid() ** 2 + x.atan2(x + 1), [0.5])
    imported = [line for line in step.source.splitlines() if line.startswith("from autograd_mini.ops import")]
    for name in imported[0].split(" import ")[1].split(", "):
        assert name in ops_module.RULE_NAMES


def test_compiled_steps_and_learners_ops_are_freed_when_no_longer_used():
    # a notebook that defines an op and compiles in a loop kept every op (a functools.cache of the names a rule
    # calls, keyed by the op) and every program's source (linecache, for tracebacks) for the life of the process
    import gc
    import linecache
    import weakref

    before = sum(1 for name in linecache.cache if name.startswith("<autograd_mini.compile"))

    def compiled_once(k):
        op = unary(f"op{k}", "out = 2 a", lambda a: 2.0 * a, lambda a, out: (2.0,))
        step = compile(lambda x: op(x) * x, [1.0])
        assert step([3.0]) == (18.0, (12.0,))  # by hand: 2 x^2 = 18, d/dx = 4 x = 12
        return weakref.ref(op)

    alive = [compiled_once(k) for k in range(20)]
    gc.collect()
    assert [r for r in alive if r() is not None] == []
    assert sum(1 for name in linecache.cache if name.startswith("<autograd_mini.compile")) == before
