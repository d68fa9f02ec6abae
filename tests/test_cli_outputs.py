"""No write of any command follows a symbolic link or leaves a file outside the folder it was given (issue 19).

For every command and every name it writes, a link is planted at that name pointing at a file outside the output
folder (or at nothing): the command refuses with one line naming the file, exit status 2 before any work (the
outputs are checked first) or 1 when the link appears while it works (the check skipped here, as a link planted
between the check and the write would be); the file the link points to keeps its bytes, and the link stays a link.
And `--out ""`, `.` and `..` never write hidden `..svg`-style files.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nn.app.cli import main
from nn.app.tour import DRAWINGS, FILES

ROOT = Path(__file__).resolve().parents[1]
PRECIOUS = "precious: not to be overwritten\n"

TOUR_NAMES = [f"{FILES[k]}.{ext}" for k in DRAWINGS for ext in ("svg", "png", "gv")] + [
    name for key, name in FILES.items() if key not in DRAWINGS and key != "steps_frames"
]
TRAIN = ["train", "--epochs", "1", "--n", "10", "--hidden", "2", "--no-progress"]
# (the command line, the name a link is planted at); the outputs are written into the folder "out"
CASES = [
    *[(["graph", "x*y", "--x", "2", "--y", "3", "--out", "out/g", "--steps"], f"out/g.{e}") for e in ("svg", "png")],
    (["graph", "x*y", "--x", "2", "--y", "3", "--out", "out/g", "--steps"], "out/g-steps.html"),
    (["graph", "x*y", "--x", "2", "--y", "3", "--out", "out/g"], "out/g.gv"),  # the DOT source, without Graphviz
    (["graph", "x*y", "--x", "2", "--y", "3", "--out", "out/"], "out/autograd-mini-graph.svg"),
    (["ways", "--sizes", "1,1,1", "--fast", "--plot", "out/w.png"], "out/w.png"),
    ([*TRAIN, "--save", "out/m.json"], "out/m.json"),
    ([*TRAIN, "--plot", "out/c.png"], "out/c.png"),
    ([*TRAIN, "--boundary", "out/b.png"], "out/b.png"),
    *[(["tour", "--out", "out", "--fast", "--no-progress"], f"out/{name}") for name in TOUR_NAMES],
    (["tour", "--out", "out", "--fast", "--no-progress"], "out/02_backward_steps/step_000.svg"),
]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def plant(tmp_path, name, dangling=False):
    """A link at ``name`` (relative to ``tmp_path``) to a file outside the output folder: (link, the file)."""
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text(PRECIOUS)
    link = tmp_path / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(victim)
    return link, victim


def untouched(link, victim, dangling=False):
    assert link.is_symlink() and os.readlink(link) == str(victim)
    assert not victim.exists() if dangling else victim.read_text() == PRECIOUS


@pytest.mark.parametrize("argv, name", CASES, ids=[f"{a[0]} {n}" for a, n in CASES])
def test_a_link_planted_at_an_output_is_refused_before_any_work(argv, name, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    link, victim = plant(tmp_path, name, dangling=name.endswith(".gv"))
    code, out, err = run(argv, capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"autograd-mini {argv[0]}: error: --")
    assert f"{name}: is a symbolic link, not a regular file" in err
    untouched(link, victim, dangling=name.endswith(".gv"))


def test_the_frames_folder_planted_as_a_link_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "02_backward_steps").symlink_to(elsewhere)
    code, out, err = run(["tour", "--out", "out", "--fast", "--no-progress"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "autograd-mini tour: error: --out out: out/02_backward_steps is not a real folder (a symbolic link or a "
        "file); remove it (see autograd-mini tour --help)\n"
    )
    assert list(elsewhere.iterdir()) == []


# A link that appears after the check (the race a check alone cannot close): the writer itself refuses it.
RACES = [
    (["graph", "x*y", "--x", "2", "--y", "3", "--out", "out/g", "--steps"], "out/g-steps.html", "graph_command.check"),
    (["ways", "--sizes", "1,1,1", "--fast", "--plot", "out/w.png"], "out/w.png", "ways_command.output_file"),
    ([*TRAIN, "--save", "out/m.json"], "out/m.json", "train_command.output_file"),
    ([*TRAIN, "--boundary", "out/b.png"], "out/b.png", "train_command.output_file"),
    (["tour", "--out", "out", "--fast", "--no-progress"], "out/summary.md", "tour.check"),
]


@pytest.mark.parametrize("argv, name, check", RACES, ids=[f"{a[0]} {n}" for a, n, _ in RACES])
def test_a_link_that_appears_while_the_command_works_is_refused_by_the_writer(
    argv, name, check, tmp_path, capsys, monkeypatch
):
    import importlib

    monkeypatch.chdir(tmp_path)
    module, function = check.split(".")
    monkeypatch.setattr(importlib.import_module(f"nn.app.{module}"), function, lambda *args: None)
    link, victim = plant(tmp_path, name)
    code, out, err = run(argv, capsys)
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{str(Path(name))!r}" in err and "the path is a symbolic link, not a regular file" in err
    untouched(link, victim)


@pytest.mark.parametrize("out", [".", "..", "./", "pics/"])
def test_graph_out_naming_a_folder_writes_the_default_name_in_it(out, tmp_path, capsys, monkeypatch):
    here = tmp_path / "here"
    (here / "pics").mkdir(parents=True)
    monkeypatch.chdir(here)
    code, printed, err = run(["graph", "x*y", "--x", "2", "--y", "3", "--out", out], capsys)
    assert code == 0, err
    folder = (here / out).resolve()
    assert (folder / "autograd-mini-graph.svg").is_file() and (folder / "autograd-mini-graph.png").is_file()
    hidden = [p for p in tmp_path.rglob(".*") if p.is_file()]
    assert hidden == []  # no "..svg", "...png" or a temporary file left anywhere


@pytest.mark.parametrize(
    "argv, line",
    [
        (
            ["graph", "x", "--x", "1", "--out", ""],
            "--out '': give a path without extension, e.g. --out autograd-mini-graph",
        ),
        (["tour", "--out", ""], "--out '': give a folder, e.g. --out out (or --out . for this one)"),
        (["train", "--save", ""], "--save '': give a file name"),
        (["ways", "--sizes", "1,1,1", "--plot", ""], "--plot '': give a file name"),
    ],
)
def test_an_empty_output_name_is_refused(argv, line, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert (code, out, err) == (2, "", f"autograd-mini {argv[0]}: error: {line} (see autograd-mini {argv[0]} --help)\n")
    assert list(tmp_path.iterdir()) == []


def test_as_a_user_runs_it_a_planted_link_is_one_line(tmp_path):
    # the whole command in its own process: the line a user sees, the status, the file the link points to
    link, victim = plant(tmp_path, "xor.json")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-m", "nn.app", *TRAIN, "--save", "xor.json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "autograd-mini train: error: --save xor.json: is a symbolic link, not a regular file; only a new file or an "
        "earlier regular file is replaced (never written through a link): choose another path (see autograd-mini "
        "train --help)\n"
    )
    untouched(link, victim)


def test_the_tour_folder_given_as_a_link_is_refused_before_any_work_naming_the_option(tmp_path, capsys, monkeypatch):
    # the tour writes only into a real folder (files.make_folder); --out naming a link was refused only when the tour
    # started, as "'out': the path is a symbolic link ... (--debug shows the traceback)", exit status 1
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    code, out, err = run(["tour", "--out", "out", "--fast", "--no-progress"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"autograd-mini tour: error: --out out: is a symbolic link, and the tour writes only into a real folder "
        f"(never through a link): give the folder itself, {elsewhere} (see autograd-mini tour --help)\n"
    )
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("given", ["out/", "out/."])
def test_graphs_folder_given_as_a_link_is_refused_as_the_tours_is(given, tmp_path, capsys, monkeypatch):
    # --out naming a folder (pics/, ., ..) writes the default name into it; a folder that is a link was written
    # through (out/ -> elsewhere/autograd-mini-graph.svg), where the tour refuses it
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    code, out, err = run(["graph", "x*y", "--x", "2", "--y", "3", "--out", given], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"autograd-mini graph: error: --out {given}: is a symbolic link, and graph writes only into a real folder "
        f"(never through a link): give the folder itself, {elsewhere} (see autograd-mini graph --help)\n"
    )
    assert list(elsewhere.iterdir()) == []
