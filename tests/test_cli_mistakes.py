"""The command line's answers to mistakes, cost it cannot afford, and interruptions (issue 13).

Each bad invocation gets exactly one line on stderr, naming the option, the value and what is allowed, and exit
status 2, before any work starts. The cost guards answer from the sizes in well under a second. Graphviz's `dot` is
stopped at the time limit and when the command is terminated; a closed stdout ends quietly. The expected lines are
written here by hand from what each option allows (they are the specification, not a copy of a run).
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nn.app import cost
from nn.app.cli import build_parser, main
from nn.app.crosscheck_command import spread

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def see(command):
    return f" (see autograd-mini {command} --help)"


# -- the table: invocation, the one line it must give (after "autograd-mini CMD: error: "), status 2 ----------------

CC, TR, GR, TO, WA = "crosscheck", "train", "graph", "tour", "ways"


def _proc_refusal():
    """What the OS answers when a file is created in /proc ("No such file or directory" as root)."""
    try:
        with open("/proc/.autograd-mini-test", "xb"):
            pass
    except OSError as err:
        return err.strerror
    raise AssertionError("a file could be created in /proc")


PROC = _proc_refusal() if Path("/proc/self").exists() else "No such file or directory"
LIMIT = "the limit is --max-values 10000000 (about 1.2 GB): make the sizes smaller, or raise --max-values"
MISTAKES = [
    # crosscheck: the step of the finite differences (was: ZeroDivisionError, or accepted and blamed on the engine)
    ([CC, "--eps", "0"], "--eps 0: must be a finite-difference step from 1e-12 to 0.1"),
    ([CC, "--eps", "-1"], "--eps -1: must be a finite-difference step from 1e-12 to 0.1"),
    ([CC, "--eps", "nan"], "--eps nan: must be a finite-difference step from 1e-12 to 0.1"),
    ([CC, "--eps", "1"], "--eps 1: must be a finite-difference step from 1e-12 to 0.1"),
    # lists (were: 3,,2 accepted as 3,2 and 3,-2 as 3,2)
    ([CC, "--sizes", "3,,2"], "--sizes 3,,2: an empty entry between commas; give sizes like 3,4,2"),
    ([CC, "--sizes", "3,-2"], "--sizes 3,-2: every size must be a whole number >= 1, like 3,4,2"),
    ([CC, "--sizes", "3"], "--sizes 3: give at least 2 sizes, like 3,4,2"),
    ([CC, "--sizes", "3,x"], "--sizes 3,x: x is not a whole number; give sizes like 3,4,2"),
    ([CC, "--batch", "-1"], "--batch -1: must be a whole number >= 0"),
    ([CC, "--fd-params", "some"], "--fd-params some: must be auto, all, or a whole number >= 0"),
    ([CC, "--loss", "l1"], "--loss: invalid choice: 'l1' (choose from 'half_sse', 'mse', 'sse')"),
    # cost guards. MLP(3, [10^9]) has 4*10^9 parameters; one sample's graph 10^9 * (2*3 + 1) Values plus the loss
    # (5 per output); with the batch of 4 and the parameters: 4e9 + 4 * (7e9 + 5e9) = 5.2e10 Values, 6.24 TB
    (
        [CC, "--sizes", "3,1000000000"],
        "--sizes 3,1000000000 --batch 4: the cross-check of MLP(3, 1000000000) with a batch of 4 would hold about "
        f"5.2e+10 Values at once (about 6.24 TB); {LIMIT}",
    ),
    (
        [CC, "--batch", "1000000000"],
        "--sizes 3,4,4,2 --batch 1000000000: the cross-check of MLP(3, 4, 4, 2) with a batch of 1000000000 would "
        f"hold about 9.3e+10 Values at once (about 11.2 TB); {LIMIT}",
    ),
    # train: numbers in range (were: tracebacks from fit() and the optimizers)
    ([TR, "--epochs", "0"], "--epochs 0: must be a whole number >= 1"),
    ([TR, "--epochs", "many"], "--epochs many: must be a whole number >= 1"),
    ([TR, "--lr", "-1"], "--lr -1: must be a learning rate > 0 and at most 100"),
    ([TR, "--lr", "nan"], "--lr nan: must be a learning rate > 0 and at most 100"),
    ([TR, "--lr", "inf"], "--lr inf: must be a learning rate > 0 and at most 100"),
    ([TR, "--momentum", "1.5"], "--momentum 1.5: must be a momentum from 0 to 0.999"),
    ([TR, "--n", "0"], "--n 0: must be a whole number >= 2"),
    ([TR, "--noise", "-1"], "--noise -1: must be a number from 0 to 10"),
    ([TR, "--batch-size", "0"], "--batch-size 0: must be a whole number >= 1"),
    ([TR, "--l2", "-1"], "--l2 -1: must be an L2 weight from 0 to 10"),
    ([TR, "--holdout", "0.95"], "--holdout 0.95: must be a fraction from 0 to 0.9"),
    ([TR, "--hidden", "16,,16"], "--hidden 16,,16: an empty entry between commas; give sizes like 16,16"),
    ([TR, "--hidden", "0"], "--hidden 0: every size must be a whole number >= 1, like 16,16"),
    ([TR, "--hidden=-3"], "--hidden -3: every size must be a whole number >= 1, like 16,16"),
    ([TR, "--data", "mnist"], "--data: invalid choice: 'mnist' (choose from 'moons', 'xor', 'circles', 'digits')"),
    (
        [TR, "--loss", "softmax_ce"],
        "--loss softmax_ce needs one output per class; moons has two classes and one output: use hinge, bce, "
        "bce_logits or a squared error (half_sse, sse, mse)",
    ),
    (
        [TR, "--data", "digits", "--loss", "hinge"],
        "--loss hinge is for two classes and one output; digits has 10 classes: use softmax_ce or a squared error "
        "(half_sse, sse, mse)",
    ),
    ([TR, "--data", "digits", "--boundary", "b.png"], "--boundary needs 2-D data (moons, circles, xor), not digits"),
    (
        [TR, "--optimizer", "adam", "--momentum", "0.9"],
        "--momentum 0.9 is for --optimizer sgd (Adam keeps its own moments)",
    ),
    # train's cost guards. MLP(2, [10^9, 1]): 4e9 parameters (3 per hidden neuron + 10^9 + 1 for the output);
    # one sample 10^9 * (2*2 + 1) + 2*10^9 + 5 + 1 Values = 7e9; one step of 100 samples plus parameters and the
    # L2 term (2 per parameter): 3 * 4e9 + 100 * 7e9 = 7.1e11 Values, 85.4 TB
    (
        [TR, "--hidden", "1000000000"],
        "--hidden 1000000000 --n 100 (one batch): one training step of MLP(2, 1000000000, 1) on a batch of 100 would "
        f"hold about 7.1e+11 Values at once (about 85.4 TB); {LIMIT}",
    ),
    (
        [TR, "--n", "1000000000"],
        "--hidden 16,16 --n 1000000000 (one batch): one training step of MLP(2, 16, 16, 1) on a batch of 1000000000 "
        f"would hold about 6.5e+11 Values at once (about 77.5 TB); {LIMIT}",
    ),
    # 100 epochs * 10^6 samples * 706 Values per sample (640 of the network, 5 of the hinge loss, 1 of the sum,
    # see cost.forward_values) + 100 * 10^5 steps * 674 (L2) = 7.1e10 Values, at the compiled engine's floor of
    # 0.03 microseconds each at least 2130 s = 36 min: refused from the sizes, before any data is made
    (
        [TR, "--n", "1000000", "--batch-size", "10"],
        "--epochs 100: 100 epochs over 1000000 samples of MLP(2, 16, 16, 1) compute about 7.1e+10 Values, at least "
        "36 min even at the compiled engine's ~0.03 microseconds each; the limit is --max-minutes 30: use fewer "
        "epochs, samples or neurons, or raise --max-minutes",
    ),
    # outputs: checked before training (was: the model lost after training), special files refused
    ([TR, "--save", "/proc/x/m.json"], f"--save /proc/x/m.json: cannot write in /proc ({PROC})"),
    ([TR, "--save", "/dev/null"], "--save /dev/null: is a special file (device, pipe or socket); give a file name"),
    ([TR, "--plot", "/tmp"], "--plot /tmp: is a folder; give a file name, e.g. /tmp/out"),
    ([TR, "--boundary", "./"], "--boundary ./: is a folder; give a file name, e.g. ./out"),  # (was .//out)
    ([TO, "--out", "/proc/forbidden"], f"--out /proc/forbidden: cannot write in /proc ({PROC})"),
    ([TO, "--out", "/etc/passwd"], "--out /etc/passwd: exists and is not a folder; name a folder to write into"),
    # words no command takes are blamed on the command, whose --help is named (was: "autograd-mini: error: ...")
    ([TO, "--bogus"], "unrecognized arguments: --bogus"),
    ([CC, "--sizes", "3,4,2", "--x", "1,2"], "unrecognized arguments: --x 1,2"),
    ([GR, "x", "--x", "1", "extra"], "unrecognized arguments: extra"),
    # ways: a picture that would not be written is refused (was: exit 0, no picture, no note)
    (
        [WA, "--sizes", "2,4,1", "--no-sweep", "--plot", "foo.png"],
        "--plot foo.png: --no-sweep leaves out the cost study, so there is no picture to write",
    ),
    (
        [WA, "--sizes", "2,1", "--plot", "foo.png"],
        "--plot foo.png: a network without a hidden layer to widen gets no cost study, so there is no picture to write",
    ),
    (
        [WA, "x*y", "--x", "1", "--y", "2", "--plot", "foo.png"],
        "--plot foo.png: a formula gets no cost study, so there is no picture to write",
    ),
    ([WA, "--plot", "foo.png", "--no-plot"], "--plot foo.png and --no-plot: give one of them"),
    # graph
    ([GR], "the following arguments are required: formula"),
    ([GR, "x*w", "--x", "2", "--w", "three"], "--w three: must be a number"),
    ([GR, "x*w", "--x", "2", "--w", "nan"], "--w nan: must be a finite number"),
    ([GR, "x*w", "--x", "2", "--w"], "--w needs a value, e.g. --w 2.5"),
    ([GR, "x", "--x", "1", "--x", "2"], "the variable x is given twice"),
    ([GR, "x", "--var", "x2"], "--var x2: give NAME=VALUE, e.g. --var x=2"),
    ([GR, "x", "--x", "1", "--highlight", "q"], "--highlight q: not a variable of the formula (x)"),
    ([GR, "x", "--x-y", "1"], "--x-y 1: 'x-y' is not a variable name (letters, digits and _, a letter first)"),
    ([GR, "x", "--x", "1", "--rankdir", "XY"], "--rankdir: invalid choice: 'XY' (choose from 'LR', 'TB')"),
    ([GR, "x", "--x", "1", "--dot-timeout", "0"], "--dot-timeout 0: must be a finite number of seconds > 0"),
    ([GR, "x", "--x", "1", "--max-frames", "0"], "--max-frames 0: must be a whole number >= 1"),
    ([GR, "x", "--x", "1", "--out", "/proc/x/g"], f"--out /proc/x/g.svg: cannot write in /proc ({PROC})"),
    # x*x*...*x with 321 factors: 320 multiplications, so 320 steps and 321 pictures (the seed and one per step)
    (
        [GR, "*".join(["x"] * 321), "--x", "1", "--steps"],
        "--steps: the backward pass of this formula has 320 steps, a page of 321 pictures; the limit is "
        "--max-frames 300: raise it (--max-frames 321), or add --no-draw for the table alone",
    ),
]


@pytest.mark.parametrize("argv, line", MISTAKES, ids=[" ".join(a)[:60] for a, _ in MISTAKES])
def test_each_mistake_is_one_line_and_exit_2(argv, line, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = argv[0]
    start = time.perf_counter()
    code, out, err = run(argv, capsys)
    seconds = time.perf_counter() - start
    assert (code, err) == (2, f"autograd-mini {command}: error: {line}{see(command)}\n")
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing started
    assert seconds < 1.0  # the cost guards answer from the sizes, before anything is built


# -- formulas: one that does not parse is a bad argument (2), one that cannot be computed there failed work (1) -----
# The caret lines point at the column the reason names (1-based in the message, 0-based under the two-space indent).

# The hint comes first; the list of what a formula may use (23 functions) is left to --help ("{help}" below).
HELP = "autograd-mini {command} --help lists the functions and operators"
FORMULA_MISTAKES = [
    ("x**", "the formula ends where a number, variable or '(' was expected (column 4)", ["  x**", "     ^"]),
    ("2x", "a number runs into a name ('2x'): write multiplication as 2*x (column 1)", ["  2x", "  ^^"]),
    ("x^2", "'^' is not allowed: write powers as x**2 (column 2; {help})", ["  x^2", "   ^"]),
    ("foo(x)", "'foo' is not a function of the engine; did you mean floor? (column 1; {help})", ["  foo(x)", "  ^^^"]),
    ("tnh(x)", "'tnh' is not a function of the engine; did you mean tanh? (column 1; {help})", ["  tnh(x)", "  ^^^"]),
    ("x y", "unexpected 'y' after a complete expression: is an operator missing? (column 3)", ["  x y", "    ^"]),
    ("", "the formula is empty: write an expression such as x*y + sin(x) ({help})", []),
    ("2*3", "a value was given for 'x', which the formula does not use (its variables: none)", []),
]


@pytest.mark.parametrize("command", [GR, WA])
@pytest.mark.parametrize("formula, reason, caret", FORMULA_MISTAKES, ids=[m[0] or "empty" for m in FORMULA_MISTAKES])
def test_a_formula_that_does_not_parse_is_a_bad_argument(
    command, formula, reason, caret, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run([command, formula, "--x", "3"], capsys)
    lines = err.splitlines()
    assert (code, out) == (2, "")
    assert lines[0] == f"autograd-mini {command}: error: " + reason.format(help=HELP.format(command=command))
    assert lines[1:] == caret
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [GR, WA])
def test_a_formula_that_cannot_be_computed_at_the_values_is_failed_work(command, capsys, tmp_path, monkeypatch):
    # log(x) parses; at x = 0 there is no value (log 0 = -inf): the command line was fine, the work failed
    monkeypatch.chdir(tmp_path)
    code, out, err = run([command, "log(x)", "--x", "0"], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"autograd-mini {command}: error: log(x) cannot be computed: log of 0.0 in Value.log(): the argument must be "
        "positive (column 1)",
        "  log(x)",
        "  ^^^^^^",
    ]


def test_the_exit_statuses_are_explained_in_the_help(capsys):
    code, out, err = run(["--help"], capsys)
    text = " ".join(out.split())
    assert code == 0
    assert "exit status: 0 all went well; 1 the work failed" in text
    assert "2 a bad command line" in text and "a formula that does not parse" in text


def test_the_top_level_mistakes(capsys):
    assert run([], capsys)[2] == (
        "autograd-mini: error: the following arguments are required: COMMAND (see autograd-mini --help)\n"
    )
    assert run(["fly"], capsys)[2] == (
        "autograd-mini: error: 'fly' is not a command (the commands: tour, graph, crosscheck, train, ways, play) "
        "(see autograd-mini --help)\n"
    )


@pytest.mark.parametrize(
    "argv",
    [["crosscheck", "--eps", "0"], ["train", "--epochs", "0"], ["tour", "--out", "/proc/forbidden"]],
)
def test_as_a_user_runs_it_one_line_no_traceback(argv, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nn.app", *argv], capture_output=True, text=True, env=ENV,
                          cwd=tmp_path, timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"autograd-mini {argv[0]}: error: {argv[1]} {argv[2]}: ")


# -- the cost model against node counts of real graphs -------------------------------------------------------------


def test_parameter_count_is_micrograds():
    # micrograd's demo notebook prints "number of parameters 337" for MLP(2, [16, 16, 1])
    assert cost.parameters([2, 16, 16, 1]) == 337


@pytest.mark.parametrize("sizes, activation", [([2, 16, 16, 1], "linear"), ([3, 5, 2], "sigmoid"), ([4, 1], "relu")])
def test_forward_values_bound_the_real_graph(sizes, activation):
    from autograd_mini.engine import topological_order
    from nn import MLP
    from nn.losses import LOSSES

    model = MLP(sizes[0], sizes[1:], output_activation=activation, seed=0)
    loss = LOSSES["half_sse"](model([0.5] * sizes[0]), [0.3] * sizes[-1] if sizes[-1] > 1 else 0.3)
    built = sum(1 for v in topological_order(loss) if v._op is not None)  # computed Values, not the leaves
    estimate = cost.forward_values(sizes, activation != "linear")
    # the network's part is exact (module docstring: 16*(2*2+1) + 16*(2*16+1) + 1*(2*16) = 640 for 2-16-16-1)
    network = sum(n * (2 * m + 1) for m, n in zip(sizes, sizes[1:])) - (sizes[-1] if activation == "linear" else 0)
    assert estimate - network == cost.LOSS_VALUES_PER_OUTPUT * sizes[-1] + 1
    assert network <= built <= estimate  # half_sse: (a - y)**2 is 2 Values per output, their sum and the 1/2


def test_finite_differences_are_sampled_beyond_the_budget_and_spread_over_layers():
    # MLP(3, [2000]): 8000 parameters; one forward pass 2000 * 7 + 5 * 2000 + 1 = 24001 Values; over 1 + 4 samples
    # one parameter costs 2 * 5 * 24001 = 240010, so the budget of 1e7 affords 41 parameters
    assert cost.fd_parameters([3, 2000], 5) == 10_000_000 // 240_010 == 41
    assert cost.fd_parameters([3, 4, 4, 2], 5) == cost.parameters([3, 4, 4, 2])  # small networks: every one
    names = [f"L{l}.N{j}.w{i}" for l in (1, 2) for j in range(10) for i in range(10)]
    picked = spread(names, 5)
    assert picked[0] == names[0] and picked[-1] == names[-1] and len(set(picked)) == 5
    assert {p[:2] for p in picked} == {"L1", "L2"}


@pytest.mark.slow
def test_crosscheck_of_a_wide_layer_finishes_and_says_it_sampled(capsys):
    # was 124 s with no output (finite differences on all 8000 parameters, each two forward passes of 8000); now
    # about 7 s. CPU time, not wall-clock: on a shared 2-core machine under load the same run took 31 s of wall-clock
    # time and failed a 30 s bound that is there to catch the 124 s.
    start = time.process_time()
    code, out, err = run(["crosscheck", "--sizes", "3,2000", "--documents", "off"], capsys)
    assert code == 0, err
    assert time.process_time() - start < 30
    assert "central finite differences (eps 1e-06) on 41 of 8000 parameters vs autodiff" in out
    assert "--fd-params all checks every one" in out


# -- Graphviz: the time limit, the fan-out, and no dot left behind --------------------------------------------------

FAN_300 = "+".join(["x"] * 300)  # one leaf with 300 edges: dot took over 120 s on 100 of them


@pytest.mark.slow
def test_fan_out_of_300_uses_is_drawn_in_under_20_s(tmp_path, capsys):
    start = time.perf_counter()
    code, out, err = run(["graph", FAN_300, "--x", "1.5", "--out", str(tmp_path / "fan")], capsys)
    assert code == 0, err
    assert time.perf_counter() - start < 20
    assert re.search(r"df/dx = 300$", out, re.M)  # d/dx (x + x + ... + x) = 300
    svg = (tmp_path / "fan.svg").read_text()
    assert svg.count("stroke-dasharray") > 250  # the leaf drawn again (dashed) at its later uses


def test_a_big_formula_is_drawn_as_a_summary_unless_every_node_is_asked_for(tmp_path, capsys):
    # x+x+...+x with 400 uses: the leaf and 399 sums, 400 Values, above draw.SUMMARY_ABOVE = 300
    start = time.perf_counter()
    code, out, err = run(["graph", "+".join(["x"] * 400), "--x", "1", "--out", str(tmp_path / "big")], capsys)
    assert code == 0, err
    assert "note: the graph has 400 Values, so the drawing is one box of counts; --every-node draws them all" in out
    assert time.perf_counter() - start < 10 and err == ""


def test_dot_is_stopped_at_the_time_limit_and_nothing_half_written(tmp_path, capsys):
    # the same graph as PNG takes dot seconds; half a second is not enough, and neither file may be left
    start = time.perf_counter()
    code, out, err = run(["graph", FAN_300, "--x", "1", "--out", str(tmp_path / "g"), "--dot-timeout", "0.5"], capsys)
    assert time.perf_counter() - start < 10
    assert code == 1
    assert err == (
        "autograd-mini graph: error: Graphviz's dot did not finish the drawing within --dot-timeout 0.5 s and was "
        "stopped; the gradients above are complete. Allow more time (--dot-timeout 60), or leave the drawing out "
        "(--no-draw)\n"
    )
    assert "df/dx = 300" in out
    assert list(tmp_path.iterdir()) == []


def _children(pid):
    """Pids whose parent is ``pid`` (from /proc)."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_the_command_ends_dot_too(signum, status, tmp_path):
    formula = "+".join(["x"] * 999)  # dot needs many seconds for this one
    argv = [sys.executable, "-m", "nn.app", "graph", formula, "--x", "1", "--out", "g", "--every-node"]
    # SIGINT as a terminal delivers it: a test suite started in the background (nohup make test &, some CI runners)
    # has SIGINT ignored, which the command would inherit, and then it ran on to exit 0
    proc = subprocess.Popen(argv, cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        dots = []
        while not dots and time.monotonic() < deadline:
            dots = [k for k in _children(proc.pid) if "dot" in Path(f"/proc/{k}/cmdline").read_bytes().decode()]
            time.sleep(0.05)
        assert dots, "dot never started"
        proc.send_signal(signum)
        assert proc.wait(timeout=30) == status
        time.sleep(0.2)
        assert not any(_alive(k) for k in dots), "dot outlived the command"
        assert "Traceback" not in proc.stderr.read()
        assert not (tmp_path / "g.svg").exists()
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(
    "argv", [["crosscheck", "--no-documents"], ["train", "--epochs", "2", "--n", "20", "--no-progress"]]
)
def test_a_closed_stdout_ends_quietly(argv, tmp_path):
    # autograd-mini crosscheck | head -1: the reader leaves after one line
    proc = subprocess.Popen([sys.executable, "-m", "nn.app", *argv], cwd=tmp_path, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141  # as a program ended by SIGPIPE
    assert err == ""


# -- errors inside a command ---------------------------------------------------------------------------------------


def test_an_error_inside_a_command_is_one_line_unless_debug(monkeypatch, capsys):
    import nn.train

    def broken(*args, **kwargs):
        raise ValueError("fit(): something went wrong\nwith a second line")

    monkeypatch.setattr(nn.train, "fit", broken)
    argv = ["train", "--epochs", "1", "--n", "10", "--no-progress"]
    code, out, err = run(argv, capsys)
    assert code == 1
    assert err == (
        "autograd-mini train: error: ValueError: fit(): something went wrong ... (--debug shows the traceback)\n"
    )
    with pytest.raises(ValueError, match="something went wrong"):
        main([*argv, "--debug"])


# -- graph ---------------------------------------------------------------------------------------------------------


def test_a_formula_may_start_with_minus(capsys):
    # -x**2 = -(x**2) at x = 3: -9, d/dx = -2x = -6
    code, out, err = run(["graph", "-x**2", "--x", "3", "--no-draw"], capsys)
    assert code == 0, err
    assert "  = -9   at x = 3" in out and re.search(r"df/dx = -6$", out, re.M)


def test_negative_base_names_the_undefined_derivative(capsys):
    # (-2)**2 = 4 exists; d/dx x**y = y x**(y-1) = -4 exists too; d/dy x**y = x**y log(x) needs log(-2): undefined
    code, out, err = run(["graph", "x**y", "--x", "-2", "--y", "2", "--no-draw"], capsys)
    assert code == 1
    first = err.splitlines()[0]
    assert "at x = -2, y = 2: the value is 4, but the derivative with respect to the exponent, d/dy" in first
    assert "write the exponent as a number (x**2)" in first


def test_the_caret_line_shows_no_control_characters_and_no_megabytes(capsys):
    code, out, err = run(["graph", "x\x1b[31m + y", "--x", "1", "--y", "2"], capsys)
    assert code == 2 and "\x1b" not in err  # does not parse: a bad argument
    assert err.splitlines()[-2:] == ["  x?[31m + y", "   ^"]
    code, out, err = run(["graph", "x+" * 500_000 + "x", "--x", "1"], capsys)  # 1 MB
    assert code == 2 and len(err) < 1000


def test_the_table_and_the_drawing_name_nodes_alike(tmp_path, capsys):
    # f = x*y + z: topological order x, y, x*y (n1, the first unlabelled node), z, f; the table's n1 is the drawing's
    code, out, err = run(["graph", "x*y + z", "--x", "1", "--y", "2", "--z", "3", "--steps", "--out",
                          str(tmp_path / "g")], capsys)  # fmt: skip
    assert code == 0, err
    assert re.search(r"^\s+1\s+f\s+= n1 \+ z", out, re.M)
    svg = (tmp_path / "g.svg").read_text()
    assert ">n1</text>" in svg


# -- crosscheck ----------------------------------------------------------------------------------------------------


def test_crosscheck_prints_a_short_documents_summary_by_default(capsys):
    code, out, err = run(["crosscheck", "--batch", "0"], capsys)
    assert code == 0, err
    tail = out[out.index("What the lecture notes print") :].splitlines()
    head = re.match(r"What the lecture notes print, checked against autodiff: (\d+) of (\d+) formulas agree", tail[0])
    docs = [re.match(r"  document (\d{3}): +(\d+) of +(\d+) agree", line) for line in tail[1:]]
    assert [d.group(1) for d in docs] == ["000", "001", "002", "003", "004"]  # the five seeds, one line each
    assert sum(int(d.group(2)) for d in docs) == int(head.group(1))
    assert sum(int(d.group(3)) for d in docs) == int(head.group(2))
    assert len(out.splitlines()) < 60  # was ~300 lines with every formula printed
    code, full, err = run(["crosscheck", "--batch", "0", "--documents", "full"], capsys)
    assert "printed:" in full and len(full.splitlines()) > 200


def test_a_disagreement_with_a_large_step_blames_the_step(capsys):
    # central differences err by about eps^2/6 * f''': at eps = 0.1 that is ~1e-3, far beyond the 1e-5 tolerance
    code, out, err = run(["crosscheck", "--eps", "0.1", "--batch", "0", "--no-documents"], capsys)
    assert "(DISAGREE beyond" in out
    assert "the step eps=0.1 is the likely cause; try 1e-6" in out
    assert "check the engine" not in out


def test_zeros_print_as_0(capsys):
    # relu network whose hidden units are all dead for this input: every weight into them has gradient exactly 0
    code, out, err = run(["crosscheck", "--sizes", "3,8,2", "--activation", "relu", "--seed", "1", "--batch", "0",
                          "--no-documents"], capsys)  # fmt: skip
    assert code == 0, err
    assert "-0.000" not in out and "0.000000000000e+00" not in out
    assert re.search(r"^L1\.N\d\.w\d\s+0\s+0\s", out, re.M)


# -- train ---------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_train_default_is_micrograds_demo_and_reaches_100_percent(capsys):
    # micrograd's demo.ipynb: MLP(2, [16, 16, 1]), hinge + 1e-4 L2, lr 1.0 - 0.9*k/100, 100 steps: accuracy 100%
    code, out, err = run(["train", "--no-progress"], capsys)
    assert code == 0, err
    assert "parameters=337" in out and "1.0 - 0.9*k/100" in out
    assert re.search(r"^epoch  100 ", out, re.M)  # the last epoch is always shown
    assert re.search(r"^after training: loss \S+, accuracy 1\.000$", out, re.M)


def test_digits_reports_held_out_accuracy(capsys):
    pytest.importorskip("sklearn")
    argv = ["train", "--data", "digits", "--hidden", "8", "--epochs", "2", "--batch-size", "64", "--no-progress"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    # 1797 images, 20% held out: round(359.4) = 359 held out, 1438 to train on
    assert "(1438 samples, 359 held out)" in out
    held = float(re.search(r"held out \(359 samples\): loss \S+, accuracy (\S+)$", out, re.M).group(1))
    assert held > 0.3  # ten classes: chance is 0.1


def test_every_help_line_shows_its_default():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        for action in command._actions:
            if action.dest in ("help", "formula") or action.help == "the same as --documents off":
                continue
            assert "default" in (action.help or ""), f"{name} {action.option_strings}: {action.help!r}"


def test_outputs_are_checked_before_training_and_folders_created_alike(tmp_path, capsys, monkeypatch):
    import importlib.util

    monkeypatch.chdir(tmp_path)
    find_spec = importlib.util.find_spec
    with monkeypatch.context() as patch:  # as if matplotlib were not installed
        patch.setattr(
            importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else find_spec(name, *a)
        )
        code, out, err = run(["train", "--plot", "p.png", "--epochs", "1"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("autograd-mini train: error: --plot needs matplotlib, which is not installed: pip install")
    argv = ["train", "--epochs", "1", "--n", "10", "--hidden", "2", "--no-progress", "--save", "a/b/m.json"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert (tmp_path / "a" / "b" / "m.json").is_file()  # missing folders are created, as for --plot
