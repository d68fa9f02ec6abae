"""`autograd-mini tour`, run once per test session (``tour_run()`` is cached; test_readme.py uses the same run), and
checked against published numbers, hand-worked reasons and an independent numpy forward pass of the saved model."""

import atexit
import functools
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NARROW = 80  # the columns of the session's tour run


@functools.cache
def tour_run():
    """``python -m nn.app tour --out tour --fast`` in a fresh folder: (completed process, the folder tour)."""
    base = Path(tempfile.mkdtemp(prefix="autograd-mini-tour-test-"))
    atexit.register(shutil.rmtree, base, True)
    out = base / "tour"
    # an 80-column terminal (shutil.get_terminal_size reads COLUMNS when stdout is no terminal): the narrow case
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "COLUMNS": str(NARROW)}
    proc = subprocess.run(
        [sys.executable, "-m", "nn.app", "tour", "--out", "tour", "--fast"],  # the folder as a user names it
        capture_output=True,
        text=True,
        cwd=base,
        env=env,
        timeout=300,
    )
    return proc, out


@pytest.fixture(scope="module")
def tour():
    proc, out = tour_run()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, out


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


EXPECTED = [
    "summary.md",
    "01_neuron.svg",
    "01_neuron.png",
    "02_backward_steps.txt",
    "02_local_derivatives.svg",
    "02_local_derivatives.png",
    "02_backward_steps.html",
    "02_backward_steps/step_000.svg",
    "03_crosscheck.txt",
    "03_documents.txt",
    "04_fd_error.png",
    "05_model.json",
    "05_loss_curve.png",
    "05_decision_boundary.png",
]


def test_tour_writes_every_picture_and_names_the_folder(tour):
    stdout, out = tour
    for name in EXPECTED:
        assert (out / name).is_file(), name
    for png in out.glob("*.png"):
        width, height = png_size(png)
        assert width > 300 and height > 200, png
    for svg in [*out.glob("*.svg"), *out.glob("02_backward_steps/*.svg")]:
        assert ET.parse(svg).getroot().tag.endswith("svg"), svg
    # the end names the folder and the summary, and the tour's last line (wrapped, at 80 columns) the playground
    assert "Everything is in tour/ ; start with summary.md\n" in stdout
    assert stdout[stdout.index("Everything is in tour/") :].splitlines()[1].startswith("Next: autograd-mini play ")
    # the summary links every PNG, and every link is a file
    summary = (out / "summary.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", summary)
    assert sorted(links) == sorted(p.name for p in out.glob("*.png"))


def test_summary_names_the_files_the_tour_wrote_and_lists_them_all(tour):
    _, out = tour
    summary = (out / "summary.md").read_text()
    named = [name for name in re.findall(r"`([^`]+)`", summary) if " " not in name]  # files, not commands
    assert named and all((out / name).exists() for name in named), [n for n in named if not (out / n).exists()]
    # section 3 names both files: the table and the report on each printed formula
    section = summary[summary.index("## 3.") : summary.index("## 4.")]
    assert "`03_crosscheck.txt`" in section and "each formula the documents print: `03_documents.txt`" in section
    # the list at the end: every file and folder in the tour's folder, the frames' folder too
    listed = re.findall(r"^- `([^`]+)`$", summary[summary.index("## Files") :], re.M)
    assert sorted(listed) == sorted(p.name + ("/" if p.is_dir() else "") for p in out.iterdir())
    assert "02_backward_steps/" in listed


def test_no_progress_bar_when_stderr_is_not_a_terminal(tour):
    # the session's tour ran with stderr captured, as `make tour 2>log` would: no bar, no carriage returns
    proc, _ = tour_run()
    assert "\r" not in proc.stderr and "training:" not in proc.stderr


@pytest.mark.slow
def test_the_progress_bar_is_drawn_on_a_terminal(tmp_path):
    import fcntl
    import pty
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns (0: tqdm draws none)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    argv = [sys.executable, "-m", "nn.app", "tour", "--out", str(tmp_path / "t"), "--fast"]
    with os.fdopen(primary, "rb", buffering=0) as terminal:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=secondary, cwd=tmp_path, env=env)
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = terminal.read(4096)
            except OSError:  # the other end closed: the tour is done
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=300) == 0
    assert b"training" in seen and b"25/25" in seen  # tqdm's bar over the 25 epochs of the fast tour


def test_one_claim_of_the_tours_time_everywhere(capsys):
    # README, both --help texts and the tour's docstring state the same figure (nn.app.cli.TOUR_TIME)
    import nn.app.tour
    from nn.app.cli import TOUR_TIME, main

    readme = [line for line in (ROOT / "README.md").read_text().splitlines() if "tour" in line]
    texts = {"README.md": "\n".join(readme), "tour docstring": nn.app.tour.__doc__}
    for argv in (["--help"], ["tour", "--help"]):
        assert main(argv) == 0
        texts[" ".join(argv)] = " ".join(capsys.readouterr().out.split())
    for where, text in texts.items():
        claims = re.findall(r"about \d+(?:\.\d+)? s(?:econds)?\b", text)
        assert claims and set(claims) == {TOUR_TIME}, (where, claims)


def test_tour_finishes_in_under_a_minute(tour):
    stdout, _ = tour
    seconds = float(re.search(r"Done in ([\d.]+) s", stdout).group(1))
    assert seconds < 60


def test_tour_neuron_matches_micrograd(tour):
    # Karpathy's micrograd lecture: o = tanh(x1*w1 + x2*w2 + b) = 0.7071 with x1=2, x2=0, w1=-3, w2=1,
    # b=6.8813735870195432: do/dx1 = -1.5, do/dw1 = 1.0, do/dx2 = 0.5, do/dw2 = 0.0, do/db = 0.5.
    stdout, _ = tour
    rows = re.findall(r"do/d(\w+)\s+= .* = +(\S+)\s+autodiff\s+(\S+)$", stdout, re.M)
    want = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
    assert {name: float(hand) for name, hand, _ in rows} == pytest.approx(want, abs=1e-6)
    assert {name: float(auto) for name, _, auto in rows} == pytest.approx(want, abs=1e-6)
    assert "o = tanh(n) = 0.707107" in stdout


def test_tour_backward_steps(tour):
    stdout, out = tour
    # the neuron has five op nodes (two *, two +, tanh): five steps, and the page has the seed frame plus five
    table = (out / "02_backward_steps.txt").read_text()
    assert re.findall(r"^\s+(\d) ", table, re.M) == ["1", "2", "3", "4", "5"]
    html = (out / "02_backward_steps.html").read_text()
    assert len(re.findall(r'<div class="am-caption', html)) == 6
    assert len(list((out / "02_backward_steps").glob("step_*.svg"))) == 6
    # the terminal's table: step 5 is x1*w1 passing 0.5 on: x1 gets 0 + 0.5 * w1 = 0.5 * -3 = -1.5, w1 0.5 * x1 = 1
    assert re.search(r"^ +5  x1\*w1 +0\.5 \| x1 +-3  0 \+ 0\.5 \* -3 = -1\.5$", stdout, re.M)
    assert re.search(r"^ +\| w1 +2  0 \+ 0\.5 \* 2 = 1$", stdout, re.M)
    text = " ".join(stdout.split())
    assert "6 frames, frame 0 is the start (only do/do = 1 is known), frame k shows step k of the table" in text


def test_tour_documents_verdicts(tour):
    stdout, out = tour
    text = " ".join(stdout.split())
    assert "all 17: the delta equations and autodiff agree" in text  # document 001's delta equations, sigmoid MLP
    # the names are explained where they first appear
    assert "named like L1.N0.w0 (layer 1, neuron 0, the weight from input 0: w^1_00, row 0 of W^1)" in text
    # the per-document summary of `autograd-mini crosscheck`, not 49 verdicts: one line per document
    assert re.search(r"checked against autodiff: (\d+) of 49 formulas agree", text)
    assert len(re.findall(r"document \d{3}: +\d+ of +\d+ agree", text)) == 5
    # f(x, y) = (x^2 - sin y) x = x^3 - x sin y, so df/dx = 3x^2 - sin y; document 004 prints 2x - sin y.
    # z_k = sum_j w_kj y_j + c_k, so dK/dw_kj = delta_k y_j; document 004 prints gamma_j delta_k.
    assert "document 004: 6 of 9 agree; do not: page 2, (26), page 6, ⑥ (gradient example), page 10, [4] (w)" in text
    # document 001 section 2.5.1 swaps z and a: (z^L - y) sigma'(a^L) instead of (a^L - y) sigma'(z^L).
    assert re.search(r"document 001: +\d+ of 23 agree; do not: [^\n]*§2\.5\.1 \(vector\)", text)
    documents = (out / "03_documents.txt").read_text()
    block = documents[documents.index("004 page 10, [2]") : documents.index("004 page 10, [3]")]
    assert "AGREES with autodiff" in block  # gamma_j = (W^T delta)_j sigma'(yhat_j): the chain rule, it holds


def test_tour_finite_differences(tour):
    stdout, _ = tour
    # theory: the best forward step is near sqrt(u) ~ 1e-8, the best central step near u^(1/3) ~ 5e-6
    best = re.search(r"best h: forward (\S+), central (\S+);", stdout)
    assert 1e-9 <= float(best.group(1)) <= 1e-7
    assert 1e-6 <= float(best.group(2)) <= 1e-4


def test_tour_four_ways_and_the_cost_sketch(tour):
    stdout, _ = tour
    # document 004, page 6: f = (x^2 - sin y) x, df/dx = 3x^2 - sin y = 6.75 - sin(0.5), df/dy = -x cos y
    found = re.findall(r"^ +(\w[\w ]*?) +(\S+) +(\S+) +\S+ ms$", stdout, re.M)
    rows = {m[0]: (float(m[1]), float(m[2])) for m in found}
    want = (6.75 - math.sin(0.5), -1.5 * math.cos(0.5))
    for way in ("reverse mode", "forward mode", "symbolic"):
        assert rows[way] == pytest.approx(want, rel=1e-14), way
    assert rows["central FD"] == pytest.approx(want, rel=1e-8)
    # the sketch: 2-w-1 networks of w = 1, 4, 16 have 4w + 1 = 5, 17, 65 parameters
    assert [int(p) for p in re.findall(r"^ +(\d+) +\S+ ms +\S+ ms", stdout, re.M)] == [5, 17, 65]
    assert "autograd-mini ways --sizes 2,4,1" in " ".join(stdout.split())


def test_the_tour_fits_the_terminal_one_screen_a_step(tour):
    stdout, _ = tour
    lines = stdout.splitlines()
    assert max(len(line) for line in lines) <= NARROW  # the session's run had an 80-column terminal
    assert len(lines) <= 115  # about 100 (101 at 100 columns, measured; narrower wraps a few more)
    sections = re.split(r"^== \d/5 ", stdout, flags=re.M)[1:]
    assert len(sections) == 5 and max(len(s.splitlines()) for s in sections) <= 42


def test_the_tours_commands_and_formulas_are_never_broken_across_lines(tour):
    # at 80 columns the tour printed "autograd-mini ways" and "--sizes 2,4,1" on two lines, "(z1 -" and "1)*(z1 -
    # zbar1)", "max(1," and "|p|)": a command that cannot be copied, formulas that cannot be read off the screen
    stdout, _ = tour
    lines = stdout.splitlines()
    for whole in (
        "(the full study and its picture: autograd-mini ways --sizes 2,4,1)",
        "dK/dv11 = 2*w11*x1*y1*z1*(y1 - 1)*(z1 - 1)*(z1 - zbar1)",
        "(f(p + h) - f(p - h)) / 2h",
        "h = 1e-6 * max(1, |p|)",
        "hinge loss + 1e-4 * sum p^2",
        "E = 1/2 sum_j (y_j - a_j^L)^2",
        "(the bracket)",
        "Next: autograd-mini play",
    ):
        if whole.startswith("(the full"):  # the parentheses' text may start a line of its own
            whole = "autograd-mini ways --sizes 2,4,1)"
        assert any(whole in line for line in lines), whole


def test_wrapping_keeps_short_groups_and_marked_parts_whole():
    from nn.app.tour_tables import unbroken, wrapped

    text = f"one two three (four five) six {unbroken('seven eight nine')} ten"
    for width in range(20, 60):  # wider than the longest part with its indent
        lines = wrapped(text, width)
        assert " ".join(line.strip() for line in lines) == text.replace("\ue000", " ")
        assert any("(four five)" in line for line in lines) and any("seven eight nine" in line for line in lines)
        assert all(len(line) <= width for line in lines), (width, lines)


def test_the_tour_takes_at_most_100_columns_and_the_terminals_fewer(monkeypatch):
    from nn.app.tour import terminal_width

    for columns, width in (("300", 100), ("100", 100), ("72", 72)):
        monkeypatch.setenv("COLUMNS", columns)
        assert terminal_width() == width


def test_tour_model_reproduces_the_printed_accuracy(tour):
    stdout, out = tour
    from nn.data import make_moons

    printed = float(re.search(r"training accuracy (\d+)%", stdout).group(1)) / 100
    saved = json.loads((out / "05_model.json").read_text())
    assert saved["sizes"] == [2, 16, 16, 1]
    X, y = make_moons(100, noise=0.1, seed=1)  # the tour's data (nn.app.tour.MOONS)
    a = np.asarray(X).T
    for k, layer in enumerate(saved["layers"]):  # ReLU hidden layers, a linear output, written out independently
        z = np.asarray(layer["W"]) @ a + np.asarray(layer["b"])[:, None]
        a = z if k == len(saved["layers"]) - 1 else np.maximum(z, 0.0)
    accuracy = np.mean((a[0] > 0) == (np.asarray(y) == 1))
    assert round(accuracy * 100) == round(printed * 100)
    assert accuracy > 0.85  # even the fast tour's 25 epochs separate the moons mostly


def test_tour_without_dot_writes_dot_source(tmp_path, monkeypatch):
    # the one optional piece: without Graphviz's `dot`, drawings are written as DOT source with install advice
    import io

    from autograd_mini import Value, draw_dot
    from nn.app.tour import _Tour

    tour = _Tour(tmp_path, fast=True, progress=False, stream=io.StringIO())
    tour.has_dot = False
    x = Value(2.0, label="x")
    tour.draw(draw_dot(x * 3), "g", "test")
    assert (tmp_path / "g.gv").read_text().startswith("digraph")
    assert not (tmp_path / "g.svg").exists()
    assert tour.result.files == ["g.gv"]


def test_the_tour_in_a_callers_no_grad(tmp_path):
    # run_tour differentiates whatever grad mode its caller is in: the neuron's gradients are still micrograd's
    import io

    from autograd_mini import no_grad
    from nn.app.tour import run_tour

    stream = io.StringIO()
    with no_grad():
        result = run_tour(tmp_path / "t", fast=True, progress=False, stream=stream, width=NARROW)
    assert result.facts["neuron"]["grads"] == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5})
    lines = stream.getvalue().splitlines()
    assert max(len(line) for line in lines if not line.startswith("Everything is in ")) <= NARROW
