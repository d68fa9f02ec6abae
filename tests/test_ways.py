"""Document 004's four ways to compute the gradient (nn.crosscheck.ways and `autograd-mini ways`): the comparison
against numbers worked out by hand, sympy's derivatives against the delta equations written out here, the cost
study's counts against hand counts, the command's output, mistakes and picture."""

import math
import re
import struct
from pathlib import Path

import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

from autograd_mini import Value
from nn import MLP
from nn.app.cli import main
from nn.crosscheck import ways as W
from nn.crosscheck.doc004_lecture import symbolic_delta_equations
from nn.crosscheck.ways_cost import cost_study


def sigma(t):
    return 1.0 / (1.0 + math.exp(-t))


# -- the comparison, by hand ---------------------------------------------------------------------------------------


def test_expression_ways_against_numbers_worked_out_by_hand():
    # f(x, y) = x*y + x**2 at x = 3, y = 2:  f = 6 + 9 = 15
    #   df/dx = y + 2x = 2 + 6 = 8,  df/dy = x = 3   (exact in floats for every exact way)
    report = W.expression_ways("x*y + x**2", {"x": 3.0, "y": 2.0})
    assert report.ways == ["reverse", "forward", "symbolic", "finite_differences"]
    for way in ("reverse", "forward", "symbolic"):
        assert report.values[way] == {"x": 8.0, "y": 3.0}, way
    # central differences of a quadratic have no truncation error; the step h = 1e-6 * max(1, |x|) = 3e-6 for x
    # leaves round-off of about 1e-16 * |f| / h = 1e-16 * 15 / 3e-6 ~ 5e-10
    assert report.values["finite_differences"]["x"] == pytest.approx(8.0, abs=1e-8)
    assert report.values["finite_differences"]["y"] == pytest.approx(3.0, abs=1e-8)
    assert report.max_abs_difference("forward") == 0.0 and report.max_abs_difference("symbolic") == 0.0
    assert 0.0 < report.max_abs_difference("finite_differences") < 1e-8
    # the formulas sympy finds, and their size: 2*x + y is one * and one + (2 ops), x none; the graph has
    # x*y, x**2 and their sum (3 ops)
    assert report.formulas == {"x": "2*x + y", "y": "x"}
    assert report.sizes == {"graph_ops": 3, "symbolic_ops": 2, "symbolic_ops_cse": 2}
    text = str(report)
    assert "d/dx = 2*x + y" in text and "③ symb. Diff. (sympy)" in text and "2 forward passes" in text


def test_network_ways_against_the_delta_equations_worked_out_by_hand():
    # A 1-1-1 sigmoid network, document 004's letters: yhat = v x + b, y = sigma(yhat), zhat = w y + c,
    # z = sigma(zhat), K = (z - zbar)^2, with v = 0.5, b = 0, w = -1, c = 0.25, x = 2, zbar = 1:
    #   yhat = 1, y = sigma(1);  zhat = 0.25 - sigma(1);  z = sigma(zhat)
    #   [1] delta = 2 (z - zbar) z (1 - z)      [2] gamma = w delta y (1 - y)
    #   [3] dK/dc = delta, dK/db = gamma        [4] dK/dw = y delta, dK/dv = x gamma
    model = MLP(1, [1, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    (v,), b = model.layers[0].neurons[0].w, model.layers[0].neurons[0].b
    (w,), c = model.layers[1].neurons[0].w, model.layers[1].neurons[0].b
    v.data, b.data, w.data, c.data = 0.5, 0.0, -1.0, 0.25
    y = sigma(1.0)
    z = sigma(0.25 - y)
    delta = 2 * (z - 1.0) * z * (1 - z)
    gamma = -1.0 * delta * y * (1 - y)
    want = {"L1.N0.w0": 2.0 * gamma, "L1.N0.b": gamma, "L2.N0.w0": y * delta, "L2.N0.b": delta}
    report = W.network_ways(model, [2.0], [1.0])
    assert report.ways == list(W.WAYS)
    for way in W.WAYS:
        tol = 1e-8 if way == "finite_differences" else 1e-14
        for name, value in want.items():
            assert report.values[way][name] == pytest.approx(value, rel=tol, abs=tol), (way, name)
    assert "4 forward passes with dual numbers" in str(report) and "8 forward passes" in str(report)


def test_without_sympy_the_symbolic_way_is_left_out_with_a_note(monkeypatch):
    monkeypatch.setattr(W, "symbolic_module", lambda: None)
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=1)
    report = W.network_ways(model, [0.5, -1.0], [0.3])
    assert "symbolic" not in report.ways
    assert any("pip install 'autograd-mini[symbolic]'" in note for note in report.notes)
    assert "note: the symbolic way needs sympy" in str(report)


# -- the symbolic derivatives are the delta equations ---------------------------------------------------------------


def test_sympys_derivatives_of_document_004s_network_are_its_delta_equations():
    rows, _ = symbolic_delta_equations(n_in=2, n_hidden=2, n_out=2)
    s = lambda name: sympy.Symbol(name, real=True)
    # page 10, written out here for 2 inputs, 2 hidden, 2 outputs; sigma'(zhat_k) = z_k (1 - z_k)
    delta = {k: 2 * (s(f"z{k}") - s(f"zbar{k}")) * s(f"z{k}") * (1 - s(f"z{k}")) for k in (1, 2)}
    gamma = {j: (s(f"w1{j}") * delta[1] + s(f"w2{j}") * delta[2]) * s(f"y{j}") * (1 - s(f"y{j}")) for j in (1, 2)}
    mine = {}
    for j in (1, 2):
        mine[f"b{j}"] = gamma[j]
        for i in (1, 2):
            mine[f"v{j}{i}"] = s(f"x{i}") * gamma[j]
    for k in (1, 2):
        mine[f"c{k}"] = delta[k]
        for j in (1, 2):
            mine[f"w{k}{j}"] = s(f"y{j}") * delta[k]
    assert sorted(r.parameter for r in rows) == sorted(mine)
    for r in rows:
        assert sympy.simplify(sympy.expand(r.symbolic - mine[r.parameter])) == 0, r.parameter
        assert r.agrees
        # only sigma(yhat) and sigma(zhat) were renamed: the derivative is in the document's letters
        assert not r.symbolic.has(sympy.Function("sigmoid"))
        assert {str(x) for x in r.symbolic.free_symbols} <= {"x1", "x2", "y1", "y2", "z1", "z2", "zbar1", "zbar2"} | {
            f"w{k}{j}" for k in (1, 2) for j in (1, 2)
        }
    printed = [r for r in rows if r.printed is not None]
    # the page prints dK/dw_kj = gamma_j delta_k: sympy says it is not the derivative
    assert sorted(r.parameter for r in printed) == ["w11", "w12", "w21", "w22"]
    assert all(r.printed[1] != 0 for r in printed)


# -- the cost study ------------------------------------------------------------------------------------------------


def test_cost_study_counts_and_swell():
    study = cost_study((1, 2, 1), widths=(1, 2, 4), budget=5.0, max_symbolic_parameters=10)
    # 1-w-1: w weights and w biases in the hidden layer, w weights and 1 bias at the output: P = 3w + 1
    assert study.parameters == [4, 7, 13]
    # the graph: per hidden neuron w*x, + b, sigmoid (3w); the output b + w_1 y_1 + ... (2w) and its sigmoid (1);
    # K = (z - zbar)**2: one - and one ** (2): 5w + 3
    assert study.graph_ops == [8, 13, 23]
    assert study.symbolic_ops[2] is None and any("stopped above 10 parameters" in n for n in study.notes)
    # swell: the written-out derivatives outgrow the graph
    r0, r1 = (study.symbolic_ops[i] / study.graph_ops[i] for i in (0, 1))
    assert r1 > r0 > 1
    assert all(study.symbolic_ops_cse[i] < study.symbolic_ops[i] for i in (0, 1))
    assert all(all(s is not None and s > 0 for s in study.seconds[w]) for w in ("reverse", "forward", "by_hand"))
    assert max(study.max_rel["forward"], study.max_rel["symbolic"], study.max_rel["by_hand"]) < 1e-12
    assert study.max_rel["finite_differences"] < 1e-6
    assert "1-w-1" not in str(study) and "[1, 4, 1]" in str(study)


def test_cost_study_refuses_a_network_without_hidden_layers():
    with pytest.raises(ValueError, match=r"shape \[2, 1\] has no hidden layer to widen"):
        cost_study((2, 1))


# -- the command ---------------------------------------------------------------------------------------------------


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_ways_formula_command(capsys):
    code, out, err = run(["ways", "x*y + x**2", "--x", "3", "--y=2", "--latex"], capsys)
    assert code == 0, err
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith(("x ", "y "))}
    assert [float(v) for v in rows["x"][:3]] == [8.0, 8.0, 8.0]  # reverse, forward, symbolic
    assert float(rows["x"][3]) == pytest.approx(8.0, abs=1e-8)  # central differences
    assert [float(v) for v in rows["y"][:3]] == [3.0, 3.0, 3.0]
    assert "d/dx = 2*x + y" in out and r"\frac{\partial f}{\partial x} = 2 x + y" in out
    assert "agree: every way gives reverse mode's gradient" in out


@pytest.mark.parametrize(
    "argv, says",
    [
        (["ways", "x*y", "--x", "1"], "no value for the variable y"),
        (["ways", "x*y", "--x", "1", "--y", "2", "--sizes", "2,4,1"], "a formula or --sizes"),
        (["ways", "--sizes", "2,x"], "--sizes 2,x: x is not a whole number"),
        (["ways", "--budget", "0"], "--budget 0: must be a number of seconds > 0"),
        (["ways", "--eps", "-1"], "--eps -1: must be a finite-difference step from 1e-12 to 0.1"),
        (["ways", "--x", "1"], "--x: variables need a formula"),
        (["ways", "x", "--x", "abc"], "--x abc: must be a number"),
        # 2000*(2+1) + 1*(2000+1) = 8001 parameters, about 3 forward passes each of ~12,000 Values: ~3e8 > 1e7
        (["ways", "--sizes", "2,2000,1"], "the table's forward mode and finite differences would compute about"),
        (["ways", "--plot", "/proc/no/x.png"], "--plot /proc/no/x.png: cannot write in /proc"),
    ],
)
def test_ways_mistakes_exit_2_with_one_line(argv, says, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert says in err and "Traceback" not in err
    assert out == ""


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_ways_network_command_prints_the_five_ways_the_delta_equations_and_draws_the_cost(tmp_path, capsys):
    picture = tmp_path / "pics" / "ways.png"
    code, out, err = run(["ways", "--sizes", "2,3,1", "--fast", "--plot", str(picture)], capsys)
    assert code == 0, err
    assert "MLP [2, 3, 1] (sigmoid/sigmoid), 13 parameters" in out
    for label in W.LABELS.values():
        assert label in out
    assert out.count("same formula") == 9 and out.count("a different formula") == 2
    assert "Cost of one nabla K as the hidden layers of [2, 3, 1] widen" in out
    assert f"picture: {picture}" in out
    width, height = png_size(picture)
    assert width > 1000 and 450 < height < 800


def test_ways_network_command_no_sweep_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["ways", "--sizes", "1,1", "--no-sweep"], capsys)
    assert code == 0
    assert "MLP [1, 1]" in out and "Cost of one" not in out
    assert list(tmp_path.iterdir()) == []


def test_a_kink_is_named_where_the_ways_disagree(capsys):
    # relu(x) = max(0, x): slope 0 left of 0, 1 right of it. Central differences at 0 give (h - 0) / 2h = 1/2,
    # the engine's relu'(0) = 0: a disagreement of 1/2 that is no one's fault, and the command must say why
    code, out, err = run(["ways", "relu(x)", "--x", "0"], capsys)
    assert code == 1, err
    assert "DISAGREE: ① finite differences" in out
    assert (
        "  x = 0 is a kink of f (slope 0 on the left, 1 on the right): d/dx has no single value there, so the ways "
        "need not agree; elsewhere they would"
    ) in out
    assert "note: x = 0 is a kink of f: the slope is 0 on the left and 1 on the right" in out
    # away from the kink (x = 2: slope 1 on both sides) every way agrees and no kink is mentioned
    code, out, err = run(["ways", "relu(x)", "--x", "2"], capsys)
    assert code == 0 and "kink" not in out


@pytest.mark.parametrize(
    "f, point, i, slopes",
    [
        (lambda x: abs(x), [0.0], 0, (-1.0, 1.0)),  # |x|: slopes -1 and 1 by hand
        (lambda x, y: max(x, y), [1.5, 1.5], 1, (0.0, 1.0)),  # d/dy max(x, y) at y = x: 0 below, 1 above
        (lambda x: 3 * x - 2 if x > 1 else x, [1.0], 0, (1.0, 3.0)),  # a line bent at x = 1 (both give 1 there)
        (lambda x: math.exp(10 * x), [0.0], 0, None),  # smooth, f'' = 100: the one-sided gap shrinks with h
        (lambda x: x**2, [0.0], 0, None),
        (lambda x: 1e6 * x, [5.0], 0, None),  # a straight line: no gap at all
    ],
)
def test_one_sided_slopes_find_kinks_and_only_kinks(f, point, i, slopes):
    got = W.one_sided_slopes(f, point, i)
    if slopes is None:
        assert got is None
    else:
        assert got == pytest.approx(slopes, abs=1e-6)


def test_the_size_line_counts_one_op_in_the_singular(capsys):
    # exp(x) is one op in the graph, and its derivative exp(x) one op written out
    code, out, err = run(["ways", "exp(x)", "--x", "0"], capsys)
    assert code == 0, err
    assert "size: the graph has 1 op; the symbolic derivatives written out have 1 op" in out


def test_ways_says_its_own_option_where_sympy_stops_and_given_limits_win_over_fast(capsys):
    # 2-w-1 networks have 4w + 1 parameters (w = 1, 2, ...: 5, 9, ...): with --max-symbolic 5 sympy runs at 5 and
    # stops before 9, though --fast alone would allow 13
    argv = ["ways", "--sizes", "2,4,1", "--fast", "--max-symbolic", "5", "--budget", "0.02", "--no-plot"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert "note: symbolic: stopped above 5 parameters (sympy's formulas swell; raise --max-symbolic to go on)" in out
    assert "max_symbolic_parameters" not in out


def test_value_labels_become_symbols_in_the_report():
    x = Value(2.0, label="x")
    assert W.expression_ways("sigmoid(x)", {"x": x.data}).formulas == {"x": "(1 - sigmoid(x))*sigmoid(x)"}


def test_the_readmes_swell_figures_are_what_the_code_measures():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    m = re.search(r"at (\d+) parameters \((\d)-(\d+)-(\d)\) they have (\d+) operations where\s+the graph has (\d+) "
                  r"\(common-subexpression elimination brings them down to (\d+)", readme)  # fmt: skip
    assert m, "README: the sentence with the expression-swell figures changed; update this test"
    P, n_in, width, n_out, ops, graph, cse = map(int, m.groups())
    # the cost study's network of that size (seed 0; the sample's numbers enter the formula as constants)
    model, x, y = W.demo_network((n_in, width, n_out), 0)
    assert len(model.parameters()) == P
    report = W.network_ways(model, x, y, ways=("reverse", "symbolic"))
    assert report.sizes == {"graph_ops": graph, "symbolic_ops": ops, "symbolic_ops_cse": cse}


# -- where graph answers, ways answers (issue 19) -------------------------------------------------------------------


def _torch_gradient(f, point):
    import torch

    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    f(*xs).backward()
    return [x.grad.item() for x in xs]


def test_ways_at_0_0_of_x_to_the_y_leaves_out_the_ways_without_a_number_and_says_why(capsys):
    # torch float64: d/dx x**y and d/dy x**y at (0, 0) are both 0 (its convention: 0**0 = 1 is flat there). sympy's
    # d/dx = x**y*y/x is 0/0 at x = 0, and central differences need 0**(-h), which has no value
    code, out, err = run(["ways", "x**y", "--x", "0", "--y", "0"], capsys)
    assert (code, err) == (0, "")
    assert _torch_gradient(lambda x, y: x**y, [0.0, 0.0]) == [0.0, 0.0]
    rows = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in out.splitlines()[3:5]}
    assert rows == {"x": [0.0, 0.0], "y": [0.0, 0.0]}  # reverse and forward mode
    text = " ".join(out.split())
    assert "③ symb. Diff. (sympy): no number here d/dx = x**y*y/x has no value at x = 0, y = 0 (sympy: nan)" in text
    assert "① finite differences, (K(A + h) - K(A - h)) / 2h: no number here f has no value a step h away" in text
    assert "agree: every way that gives a number here gives reverse mode's gradient" in text


def test_ways_of_softplus_at_800_evaluates_sympys_derivative_without_overflow(capsys):
    # d/dx log(1 + e^x) = e^x / (1 + e^x) = 1 / (1 + e^-800) = 1 in float64 (e^-800 underflows to 0); the formula's
    # e^800 overflows a float, so sympy's own numbers evaluate it
    code, out, err = run(["ways", "softplus(x)", "--x", "800"], capsys)
    assert (code, err) == (0, "")
    row = next(line for line in out.splitlines() if line.startswith("x "))
    assert [float(v) for v in row.split()[1:]] == [1.0, 1.0, 1.0, 1.0]
    assert "d/dx = exp(x)/(exp(x) + 1)" in out


def test_where_graph_refuses_ways_refuses_with_the_same_line(capsys):
    # x % y at 1e300, 1e-300: d/dy = -floor(x/y) = -inf; graph names the sub-expression, and so does ways
    code_g, _, err_g = run(["graph", "x % y", "--x", "1e300", "--y", "1e-300", "--no-draw"], capsys)
    code_w, out_w, err_w = run(["ways", "x % y", "--x", "1e300", "--y", "1e-300"], capsys)
    assert code_g == code_w == 1 and out_w == ""
    assert err_w == err_g.replace("autograd-mini graph", "autograd-mini ways")
    assert err_w.startswith("autograd-mini ways: error: the derivative of x % y is not finite at this point")


def test_ways_debug_shows_the_traceback_of_an_error_inside(monkeypatch, capsys):
    import nn.crosscheck.ways

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(nn.crosscheck.ways, "expression_ways", broken)
    code, out, err = run(["ways", "x*y", "--x", "1", "--y", "2"], capsys)
    assert code == 1
    assert err == (
        "autograd-mini ways: error: ZeroDivisionError: float division by zero (--debug shows the traceback)\n"
    )
    with pytest.raises(ZeroDivisionError):
        main(["ways", "x*y", "--x", "1", "--y", "2", "--debug"])


def test_ways_of_22_remainders_finishes_in_seconds(capsys):
    # x % 3.5 % 3.5 ... (22 times): each % has d/da = 1, so df/dx = 1 (was past 60 s: a - b floor(a/b) wrote a twice)
    import time

    start = time.perf_counter()
    code, out, err = run(["ways", "x" + " % 3.5" * 22, "--x", "100"], capsys)
    assert (code, err) == (0, "")
    assert time.perf_counter() - start < 10
    row = next(line for line in out.splitlines() if line.startswith("x "))
    assert [float(v) for v in row.split()[1:4]] == [1.0, 1.0, 1.0]


def test_ways_names_its_own_option_when_sympy_is_over_budget(capsys):
    # x*y + x: 2 operations written out (* and +), more than --max-symbolic-ops 1
    code, out, err = run(["ways", "x*y + x", "--x", "1", "--y", "2", "--max-symbolic-ops", "1"], capsys)
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "③ symb. Diff. (sympy): no number here to_sympy(): the formula written out has 2 operations (each use of a "
        "shared node is written again); the limit is --max-symbolic-ops 1: raise it to go on"
    ) in text


# -- the symbolic derivative agrees with the engine where the table has a convention (issue 19) ---------------------


@given(
    a=st.floats(-1e6, 1e6, allow_nan=False).filter(lambda a: a != 0),
    b=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3),
    k=st.integers(-1000, 1000),
)
@example(a=1.0, b=0.1, k=0)  # 1 // 0.1 = 9, but floor(1 / 0.1) = floor(10.0) = 10: the quotient rounds up
@example(a=0.3, b=0.1, k=0)
def test_rmod_symbolically_is_the_engines_floor_quotient_near_whole_quotients(a, b, k):
    # f(x) = c % x (c a number) has df/dx = -floor(c/x) as Python's // computes it, which exact rational arithmetic
    # (fractions.Fraction) confirms; c = k*b + a*1e-12 puts the quotient near the whole number k
    from fractions import Fraction

    from autograd_mini import symbolic

    for c in (a, k * b + a * 1e-12):
        x = Value(b, label="x")
        f = c % x
        f.backward()
        want = -float(Fraction(c) // Fraction(b))
        assert x.grad == want
        assert symbolic.gradient_values(f) == {"x": want}


@pytest.mark.parametrize("x", [0.0, 0.5, 2.0])
def test_zero_to_the_x_symbolically_has_the_engines_and_torchs_derivative(x):
    # 0**x is 1 at x = 0 and 0 for x > 0: flat, so d/dx = 0 (torch float64 says 0 at all three); sympy's own
    # 0**x gives 0**x * log(0) = nan, which the report once took for agreement
    from autograd_mini import symbolic

    v = Value(x, label="x")
    f = 0.0**v
    f.backward()
    assert v.grad == 0.0 == _torch_gradient(lambda t: 0.0**t, [x])[0]
    assert symbolic.gradient_values(f) == {"x": 0.0}
    assert symbolic.text(symbolic.to_sympy(f)) == "0**x"


def test_the_commands_symbolic_budgets_are_the_librarys():
    from autograd_mini import symbolic
    from nn.app import ways_command

    assert (ways_command.SYMBOLIC_OPS, ways_command.SYMBOLIC_DEPTH) == (symbolic.MAX_OPS, symbolic.MAX_DEPTH)


def test_the_ways_decide_their_own_grad_mode_as_torch_func_does():
    # f = x*y + x**2 at (3, 2): df/dx = y + 2x = 8, df/dy = x = 3, inside a caller's no_grad() too, and in a thread
    import threading

    from autograd_mini import no_grad

    results = []

    def ways():
        with no_grad():
            results.append(W.expression_ways("x*y + x**2", {"x": 3.0, "y": 2.0}).values["reverse"])

    ways()
    thread = threading.Thread(target=ways)
    thread.start()
    thread.join()
    assert results == [{"x": 8.0, "y": 3.0}] * 2
