"""What the command line says to the mistakes people type (issue 20, item 6; issue 19), each run as a user runs it:
``python -m nn.app ...`` in its own process, stderr read as it arrives on the terminal.

Every message is one line (a formula's has its caret lines under it), names the option or word, and says what was
likely meant: a command or option close to the one typed (difflib), the option a value-less ``--x`` was missing its
value for, ``--x 2`` for ``x=2``, ``--`` before a formula that starts with ``--``. The expected lines are written
here by hand from what each mistake is (they are the specification, not a copy of a run).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}

GRAPH_HELP = "autograd-mini graph --help lists the functions and operators"
MESSAGES = [
    # a misspelt command or option: the likely one
    (
        ["grpah"],
        "autograd-mini: error: 'grpah' is not a command; did you mean graph? (the commands: tour, graph, "
        "crosscheck, train, ways, play) (see autograd-mini --help)",
    ),
    (
        ["--verison"],
        "autograd-mini: error: --verison: autograd-mini takes --help, --version or a command first; did "
        "you mean --version? (see autograd-mini --help)",
    ),
    (
        ["crosscheck", "--sizs", "3,4"],
        "autograd-mini crosscheck: error: unrecognized arguments: --sizs 3,4; did you "
        "mean --sizes? (see autograd-mini crosscheck --help)",
    ),
    (
        ["graph", "x", "--x", "1", "--ot", "a"],
        "autograd-mini graph: error: --ot a: must be a number; or did you mean "
        "the option --out? (see autograd-mini graph --help)",
    ),
    # a misspelt switch is not taken for a variable without its value ("--edge-label needs a value, e.g.
    # --edge-label 2.5" came first): no variable has a '-' in its name; one that could be a variable is asked both
    (
        ["graph", "x", "--x", "1", "--edge-label"],
        "autograd-mini graph: error: --edge-label is not an option of autograd-mini graph; did you mean "
        "--edge-labels? (see autograd-mini graph --help)",
    ),
    (
        ["graph", "x", "--x", "1", "--step"],
        "autograd-mini graph: error: --step: did you mean the option --steps? (a variable step needs a value, "
        "e.g. --step 2.5) (see autograd-mini graph --help)",
    ),
    (
        ["graph", "x", "--x", "1", "--foo-bar"],
        "autograd-mini graph: error: --foo-bar is not an option of autograd-mini graph (see autograd-mini graph "
        "--help)",
    ),
    # a missing value, wherever it is missing
    (
        ["graph", "x*y", "--x", "--y", "3"],
        "autograd-mini graph: error: --x needs a value, e.g. --x 2.5 (see autograd-mini graph --help)",
    ),
    (
        ["graph", "x*y", "--x", "2", "--y"],
        "autograd-mini graph: error: --y needs a value, e.g. --y 2.5 (see autograd-mini graph --help)",
    ),
    (
        ["graph", "x", "--out", "--x", "1"],
        "autograd-mini graph: error: --out needs a value, e.g. --out "
        "autograd-mini-graph (see autograd-mini graph --help)",
    ),
    (
        ["crosscheck", "--eps"],
        "autograd-mini crosscheck: error: --eps needs a value, e.g. --eps 1e-06 (see autograd-mini crosscheck --help)",
    ),
    (
        ["train", "--save"],
        "autograd-mini train: error: --save needs a value, e.g. --save PATH (see autograd-mini train --help)",
    ),
    (
        ["ways", "x", "--x"],
        "autograd-mini ways: error: --x needs a value, e.g. --x 2.5 (see autograd-mini ways --help)",
    ),
    # the example is one the option takes as typed: its default or the one its help names, a list as the command
    # line writes it (was "--sizes [3, 4, 4, 2]", "--epochs VALUE", "--seed VALUE": a default of 0 was not shown)
    (
        ["crosscheck", "--sizes"],
        "autograd-mini crosscheck: error: --sizes needs a value, e.g. --sizes 3,4,4,2 (see autograd-mini crosscheck "
        "--help)",
    ),
    (
        ["train", "--epochs"],
        "autograd-mini train: error: --epochs needs a value, e.g. --epochs 100 (see autograd-mini train --help)",
    ),
    (
        ["train", "--seed"],
        "autograd-mini train: error: --seed needs a value, e.g. --seed 0 (see autograd-mini train --help)",
    ),
    (
        ["train", "--hidden"],
        "autograd-mini train: error: --hidden needs a value, e.g. --hidden 16,16 (see autograd-mini train --help)",
    ),
    (
        ["train", "--loss"],
        "autograd-mini train: error: --loss needs a value, e.g. --loss hinge (see autograd-mini train --help)",
    ),
    (
        ["graph", "x", "--x", "1", "--rankdir"],
        "autograd-mini graph: error: --rankdir needs a value, e.g. --rankdir LR (see autograd-mini graph --help)",
    ),
    # a value written as in Python
    (
        ["graph", "x*y", "x=2", "y=3"],
        "autograd-mini graph: error: x=2: give a variable's value as --x 2 (or --var "
        "x=2) (see autograd-mini graph --help)",
    ),
    (
        ["crosscheck", "eps=0.1"],
        "autograd-mini crosscheck: error: unrecognized arguments: eps=0.1; options start "
        "with --: --eps 0.1 (see autograd-mini crosscheck --help)",
    ),
    # a formula that starts with -- (issue 19: was "'x*2' is not a variable name")
    (
        ["graph", "--x*2"],
        "autograd-mini graph: error: --x*2: a formula that starts with '--' goes after --, e.g. "
        "autograd-mini graph --x 2 -- '--x*2' (see autograd-mini graph --help)",
    ),
]


@pytest.mark.parametrize("argv, line", MESSAGES, ids=[" ".join(a) for a, _ in MESSAGES])
def test_each_mistake_is_one_line_saying_what_was_meant(argv, line, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nn.app", *argv], capture_output=True, text=True, env=ENV,
                          cwd=tmp_path, timeout=60)  # fmt: skip
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", line + "\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "formula, line, caret",
    [
        # the hint first; the 23 functions only on request (--help), where the line used to list them all
        ("x^2", f"'^' is not allowed: write powers as x**2 (column 2; {GRAPH_HELP})", "   ^"),
        ("tnh(x)", f"'tnh' is not a function of the engine; did you mean tanh? (column 1; {GRAPH_HELP})", "  ^^^"),
        ("x.real", f"attribute access ('.') is not allowed (column 2; {GRAPH_HELP})", "   ^"),
    ],
)
def test_a_formula_mistake_shows_the_hint_and_leaves_the_list_to_help(formula, line, caret, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nn.app", "graph", formula, "--x", "2"], capture_output=True,
                          text=True, env=ENV, cwd=tmp_path, timeout=60)  # fmt: skip
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.splitlines() == [f"autograd-mini graph: error: {line}", f"  {formula}", caret]
    assert len(proc.stderr.splitlines()[0]) < 160  # was 330 characters with every function listed
    helped = subprocess.run([sys.executable, "-m", "nn.app", "graph", "--help"], capture_output=True, text=True,
                            env=ENV, cwd=tmp_path, timeout=60)  # fmt: skip
    assert "softplus" in helped.stdout and "max(x, y)" in helped.stdout  # ... which lists them


def test_a_formula_that_starts_with_two_minuses_goes_after_the_double_dash(tmp_path):
    # --x*2 is -(-x) * 2 = 2x: at x = 3 the value 6 and df/dx = 2
    proc = subprocess.run([sys.executable, "-m", "nn.app", "graph", "--x", "3", "--no-draw", "--", "--x*2"],
                          capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "  = 6   at x = 3" in proc.stdout and "df/dx = 2" in proc.stdout


def test_the_suggestions_leave_short_names_alone():
    from nn.app.options import suggestion

    # compared without their dashes: --x is not --latex, --w not --out; --ot is --out, --sizs --sizes
    options = ["--latex", "--out", "--sizes", "--var", "--steps"]
    assert [suggestion(w, options) for w in ("--x", "--w", "--ot", "--sizs")] == [
        "",
        "",
        "; did you mean --out?",
        "; did you mean --sizes?",
    ]


def test_every_missing_value_example_is_a_value_the_option_takes():
    # "--sizes [3, 4, 4, 2]" and "--epochs VALUE" were the examples: the first is refused as typed, the second is no
    # example. Every option's example now goes through the option's own check (its type and choices); only a path
    # or a name, which the option cannot know, stays its placeholder.
    import argparse

    from nn.app.cli import build_parser
    from nn.app.options import example_value

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    placeholders = {"PATH", "NAME", "NAME=VALUE"}
    checked = 0
    for command, parser in commands.items():
        for action in parser._actions:
            if not action.option_strings or action.nargs == 0:
                continue
            example = example_value(action)
            if example in placeholders and example == action.metavar:
                continue
            assert example not in ("VALUE", action.metavar), (command, action.option_strings)
            value = action.type(example) if callable(action.type) else example
            assert action.choices is None or value in action.choices, (command, action.option_strings, example)
            checked += 1
    assert checked > 35


@pytest.mark.parametrize("command", ["", "tour", "graph", "crosscheck", "train", "ways", "play"])
def test_help_fits_an_80_column_terminal_and_keeps_commands_whole(command, tmp_path):
    # the prose under the options was written 110 columns wide: ragged in an 80-column terminal, and graph's
    # '--x 3 -- "--x*2"' fell across two lines. Prose is filled to the terminal; a command line is kept whole.
    argv = [sys.executable, "-m", "nn.app", *([command] if command else []), "--help"]
    proc = subprocess.run(argv, capture_output=True, text=True, env={**ENV, "COLUMNS": "80"}, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    commands = [line for line in lines if line.startswith(("  autograd-mini", "  /?"))]
    assert [line for line in lines if len(line) > 80 and line not in commands] == []
    assert commands and all(line.split()[0] in ("autograd-mini", "/?formula=") or "/?" in line for line in commands)
    if command == "graph":
        assert '  autograd-mini graph --x 3 -- "--x*2"' in lines and '  autograd-mini graph "-x**2" --x 3' in lines
