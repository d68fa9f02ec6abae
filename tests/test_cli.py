"""The `autograd-mini` command line: help and examples, exit code 2 on bad options, `graph` against published and
hand-worked gradients, `train` against an independent numpy forward pass of the model it saves, `crosscheck`'s
dispatch, the entry points. The tour has its own file (test_cli_tour.py: it runs once)."""

import json
import math
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import tomllib

from nn.app.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_root(path):
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), f"{path} is not an SVG"
    return root


# -- help and bad options -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, example",
    [
        (["--help"], 'autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88'),
        (["tour", "--help"], "autograd-mini tour --out /tmp/tour --fast"),
        (["graph", "--help"], 'autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88'),
        (["crosscheck", "--help"], "autograd-mini crosscheck --sizes 3,4,2"),
        (["train", "--help"], "autograd-mini train --data xor"),
    ],
)
def test_help_has_examples(argv, example, capsys):
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "examples:" in out and example in out
    assert out.startswith("usage: autograd-mini")


def test_version(capsys):
    from autograd_mini import __version__

    code, out, _ = run(["--version"], capsys)
    assert (code, out.strip()) == (0, f"autograd-mini {__version__}")


# The table of mistakes, each with its exact line and status, is in test_cli_mistakes.py.


# -- graph ---------------------------------------------------------------------------------------------------------


def test_graph_micrograd_neuron(tmp_path, capsys):
    # Karpathy's micrograd lecture: o = tanh(x1*w1 + x2*w2 + b), x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432
    # gives o = 0.7071 and x1.grad = -1.5, w1.grad = 1.0, x2.grad = 0.5, w2.grad = 0.0, b.grad = 0.5.
    stem = tmp_path / "pics" / "neuron"
    code, out, err = run(
        [
            "graph",
            "tanh(x1*w1 + x2*w2 + b)",
            "--x1",
            "2",
            "--x2=0",
            "--w1",
            "-3",
            "--w2",
            "1",
            "--b",
            "6.8813735870195432",
            "--out",
            str(stem),
        ],
        capsys,
    )
    assert code == 0, err
    grads = {m[0]: float(m[1]) for m in re.findall(r"^  df/d(\w+)\s*= (\S+)$", out, re.M)}
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}, abs=1e-9)
    value = float(re.search(r"^\s*= (\S+)", out, re.M).group(1))
    assert value == pytest.approx(math.sqrt(0.5), abs=1e-9)
    # the drawing, at the path it prints
    assert f"drawing: {stem}.svg, {stem}.png" in out
    root = svg_root(f"{stem}.svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for label in ("x1", "w1", "x2", "w2", "b", "tanh", "grad -1.5", "grad 0.5"):
        assert label in text, label
    width, height = png_size(f"{stem}.png")
    assert width > 300 and height > 100


def test_graph_steps_and_negative_values(tmp_path, capsys):
    # f = x*y + sin(y) at x = -3, y = 0.5: df/dx = y = 0.5, df/dy = x + cos(y) = -3 + 0.8775825618903728
    stem = tmp_path / "f.svg"  # an extension is dropped: f.svg, f.png, f-steps.html
    code, out, err = run(["graph", "x*y + sin(y)", "--x=-3", "--var", "y=0.5", "--out", str(stem), "--steps"], capsys)
    assert code == 0, err
    grads = {m[0]: float(m[1]) for m in re.findall(r"^  df/d(\w+)\s*= (\S+)$", out, re.M)}
    assert grads == pytest.approx({"x": 0.5, "y": -3 + math.cos(0.5)}, abs=1e-9)
    assert "Backward pass from f" in out  # the step table
    html = (tmp_path / "f-steps.html").read_text()
    # f = n_mul + n_sin: three op nodes, so three steps and a seed frame
    assert len(re.findall(r'<div class="am-caption', html)) == 4
    assert (tmp_path / "f.svg").exists() and (tmp_path / "f.png").exists()


def test_graph_formula_starting_with_minus_and_name_clash(tmp_path, capsys):
    # -out**2 at out = 3: value -9, d/dout = -2*out = -6 ("out" is also an option: give it with --var)
    code, out, err = run(["graph", "--var", "out=3", "--no-draw", "--", "-out**2"], capsys)
    assert code == 0, err
    assert re.search(r"^\s*= -9\b", out, re.M)
    assert re.search(r"df/dout\s*= -6\b", out)


@pytest.mark.parametrize(
    "formula, where",
    [
        ("__import__('os').system('touch PWNED')", "^" * 10),
        ("x.__class__", " ^"),
        ("open(x)", "^^^^"),
        ("9**9**9 * x", "^^^^^^^"),
    ],
)
def test_graph_refuses_with_caret_and_runs_nothing(formula, where, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["graph", formula, "--x", "1", "--out", "g"], capsys)
    assert code in (1, 2)
    lines = err.rstrip("\n").split("\n")
    assert lines[-2].strip() == formula  # the formula ...
    assert lines[-1].rstrip().endswith(where) and lines[-1].strip().startswith("^")  # ... and the caret under it
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing run


def test_graph_without_dot_writes_source_and_says_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    code, out, err = run(["graph", "x*w", "--x", "2", "--w", "3", "--out", str(tmp_path / "g")], capsys)
    assert code == 0, err
    source = (tmp_path / "g.gv").read_text()
    assert source.startswith("digraph") and "data 6" in source
    assert "apt-get install graphviz" in out
    assert not (tmp_path / "g.svg").exists()


# -- train ---------------------------------------------------------------------------------------------------------


def _numpy_forward(model_json, X, activation):
    """An independent forward pass over the saved JSON: a = act(W a + b) per layer, last layer linear."""
    a = np.asarray(X, dtype=float).T
    layers = model_json["layers"]
    act = {"tanh": np.tanh, "relu": lambda t: np.maximum(t, 0.0)}[activation]
    for k, layer in enumerate(layers):
        z = np.asarray(layer["W"]) @ a + np.asarray(layer["b"])[:, None]
        a = z if k == len(layers) - 1 else act(z)
    return a[0]


def test_train_saves_a_model_that_reproduces_the_printed_accuracy(tmp_path, capsys):
    from nn.data import make_xor

    model, curves, boundary = tmp_path / "xor.json", tmp_path / "loss.png", tmp_path / "boundary.png"
    argv = ["train", "--data", "xor", "--n", "40", "--hidden", "8", "--activation", "tanh", "--epochs", "100"]
    argv += ["--optimizer", "adam", "--lr", "0.05", "--seed", "3", "--save", str(model), "--plot", str(curves)]
    argv += ["--boundary", str(boundary), "--no-progress"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    printed = float(re.search(r"after training: loss \S+, accuracy (\S+)", out).group(1))
    saved = json.loads(model.read_text())
    assert saved["sizes"] == [2, 8, 1] and saved["activation"] == "tanh"
    X, y = make_xor(40, seed=3, noise=0.1)  # the data the command trained on (--data xor --n 40 --seed 3)
    scores = _numpy_forward(saved, X, "tanh")
    assert np.mean((scores > 0) == (np.asarray(y) > 0)) == pytest.approx(printed, abs=1e-12)
    assert printed >= 0.95  # XOR is learnable by 8 tanh units in 100 Adam steps
    assert min(png_size(curves)) > 200 and min(png_size(boundary)) > 200


# -- crosscheck ----------------------------------------------------------------------------------------------------


def test_crosscheck_dispatch(capsys):
    code, out, err = run(["crosscheck", "--sizes", "2,3,1", "--batch", "0", "--no-documents", "--seed", "1"], capsys)
    assert code == 0, err
    # a 2-3-1 network has 3*2 + 3 + 1*3 + 1 = 13 parameters, one table row each
    rows = re.findall(r"^L\d\.N\d\.(?:w\d|b)\s", out, re.M)
    assert len(rows) == 13
    assert "ok: every entry agrees with autodiff" in out


# -- entry points --------------------------------------------------------------------------------------------------


def test_pyproject_console_script_is_nn_cli_main():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"autograd-mini": "nn.app.cli:main"}


def test_python_dash_m_and_the_console_script(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = ["graph", "x*x", "--x", "3", "--no-draw"]  # d/dx x^2 = 2x = 6
    via_m = subprocess.run([sys.executable, "-m", "nn.app", *argv], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=60)  # fmt: skip
    assert via_m.returncode == 0, via_m.stderr
    assert re.search(r"df/dx = 6\b", via_m.stdout)
    script = Path(sys.executable).parent / "autograd-mini"
    assert script.exists(), "the console script is not installed: pip install -e . (scripts/setup.sh does it)"
    via_script = subprocess.run([str(script), *argv], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert via_script.returncode == 0, (
        f"{script} failed (an install older than pyproject's [project.scripts]? pip install -e .): "
        f"{via_script.stderr[-500:]}"
    )
    assert via_script.stdout == via_m.stdout
    bad = subprocess.run([sys.executable, "-m", "nn.app", "graph"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "required: formula" in bad.stderr


def test_train_refuses_a_boundary_for_digits_before_training(capsys):
    # the digits are 64-dimensional: no 2-D decision boundary. Said at once (exit 2), not after the epochs.
    import time

    from nn.app.cli import main

    t0 = time.perf_counter()
    assert main(["train", "--data", "digits", "--boundary", "b.png", "--epochs", "50", "--no-progress"]) == 2
    assert time.perf_counter() - t0 < 2.0
    err = capsys.readouterr().err
    assert "--boundary needs 2-D data" in err and "digits" in err


def test_graphs_defaults_written_without_importing_graphviz_are_the_librarys():
    # the parser is built without importing graphviz, so graph_command writes these two numbers itself
    from autograd_mini.draw import DOT_TIME_LIMIT
    from autograd_mini.trace import DEFAULT_MAX_FRAMES
    from nn.app import graph_command

    assert (graph_command.DEFAULT_MAX_FRAMES, graph_command.DOT_TIME_LIMIT) == (DEFAULT_MAX_FRAMES, DOT_TIME_LIMIT)


def _on_a_terminal(argv, columns, cwd):
    """``python -m nn.app ARGV`` with standard output a terminal of ``columns`` columns (a pty, as a learner's
    terminal window is): what it printed."""
    import fcntl
    import pty
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "nn.app", *argv], stdout=secondary, stderr=subprocess.PIPE,
                            cwd=cwd, env=env)  # fmt: skip
    os.close(secondary)
    chunks = []
    with os.fdopen(primary, "rb", buffering=0) as terminal:
        while True:
            try:
                chunk = terminal.read(4096)
            except OSError:  # EIO: the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


NEURON_ARGS = [
    "tanh(x1*w1 + x2*w2 + b)",
    "--x1",
    "2",
    "--x2",
    "0",
    "--w1",
    "-3",
    "--w2",
    "1",
    "--b",
    "6.8813735870195432",
]


@pytest.mark.parametrize("columns", [80, 100])
def test_graph_steps_fits_the_terminal_it_prints_to(columns, tmp_path):
    # the whole step table of micrograd's neuron is 156 columns: in an 80- or 100-column terminal every row wrapped
    # onto two or three lines. There the tour's table is printed, made to fit; by hand, x1's row (step 5, n1 =
    # x1 * w1): x1's grad 0 + upstream 0.5 * local w1 = -3 = -1.5
    out = _on_a_terminal(["graph", *NEURON_ARGS, "--steps", "--no-draw"], columns, tmp_path)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns, [line for line in lines if len(line) > columns]
    assert any(
        re.fullmatch(r" +5  n1( = x1 \* w1)? +0\.5 \| x1 +-3  0 \+ 0\.5 \* -3 = -1\.5", line) for line in lines
    ), out
    assert "(the whole table is 156 columns wide: --steps writes it into a file, e.g. > steps.txt)" in " ".join(
        line.strip() for line in lines
    )


def test_graph_steps_writes_the_whole_table_into_a_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nn.app", "graph", *NEURON_ARGS, "--steps", "--no-draw"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # every column, the product too: 0.5 * -3 = -1.5, then before + product = after
    assert re.search(r"\| x1 +-3 +0\.5 \* -3 = -1\.5 +0 \+ -1\.5 = -1\.5$", proc.stdout, re.M), proc.stdout
