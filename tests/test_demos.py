"""Every demo runs on its own, in fast mode (AUTOGRAD_MINI_FAST=1), and prints and writes what it says: numbers
compared with torch float64, published values, Taylor's theorem and independent forward passes; files checked as
real PNG/SVG. The seven scripts run concurrently (one module fixture) to keep the suite quick."""

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
import torch

ROOT = Path(__file__).resolve().parents[1]
DEMOS = sorted((ROOT / "demos").glob("0[0-9]_*.py"))


@functools.cache
def demo_runs():
    """Run every demo as a learner would (python demos/NN_name.py), all at once, in fast mode, once per session
    (test_readme.py uses the same runs): {stem: (exit code, stdout, stderr, output folder)}."""
    base = Path(tempfile.mkdtemp(prefix="autograd-mini-demos-"))
    atexit.register(shutil.rmtree, base, True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUTOGRAD_MINI_FAST": "1", "AUTOGRAD_MINI_OUT": str(base),
           "MPLBACKEND": "Agg"}  # fmt: skip
    procs = {
        demo.stem: subprocess.Popen(
            [sys.executable, str(demo)], cwd=base, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for demo in DEMOS
    }
    results = {}
    for stem, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        results[stem] = (proc.returncode, stdout, stderr, base / stem)
    return results


@pytest.fixture(scope="module")
def demos():
    return demo_runs()


def get(demos, stem):
    code, stdout, stderr, out = demos[stem]
    assert code == 0, f"demos/{stem}.py failed:\n{stderr[-3000:]}"
    return stdout, out


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def svg_text(path):
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), f"{path} is not an SVG"
    return " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))


def test_all_demos_are_there():
    assert [d.name[:3] for d in DEMOS] == ["01_", "02_", "03_", "04_", "05_", "06_", "07_", "08_"]


def test_01_neuron(demos):
    stdout, out = get(demos, "01_neuron")
    # micrograd's lecture: do/dx1 = -1.5, do/dw1 = 1.0, do/dx2 = 0.5, do/dw2 = 0.0, do/db = 0.5, by hand and autodiff
    rows = {m[0]: (float(m[1]), float(m[2])) for m in re.findall(r"^do/d(\w+)\s+(\S+)\s+(\S+)$", stdout, re.M)}
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
    assert set(rows) == set(expected)
    for name, value in expected.items():
        assert rows[name] == pytest.approx((value, value), abs=1e-6), name
    assert "autodiff: o = 0.7071" in stdout
    text = svg_text(out / "neuron.svg")
    assert all(label in text for label in ("x1", "w1", "x1*w1", "tanh", "grad -1.5"))
    assert min(png_size(out / "neuron.png")) > 100
    html = (out / "backward_steps.html").read_text()
    assert len(re.findall(r'<div class="am-caption', html)) == 6  # the seed and five ops


def test_02_chain_against_torch(demos):
    stdout, out = get(demos, "02_chain")
    # torch float64 on the demo's network: z_l = w_l a_{l-1} + b_l, a_l = sigmoid(z_l), C = (a_4 - y)^2
    x, y = 0.8, 1.0
    w = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.5, -0.7, 2.0, 1.2)]
    b = [-0.3, 0.4, -1.0, 0.5]
    a = torch.tensor(x, dtype=torch.float64)
    for wl, bl in zip(w, b):
        a = torch.sigmoid(wl * a + bl)
    cost = (a - y) ** 2
    cost.backward()
    oracle = w[0].grad.item()
    products = [float(v) for v in re.findall(r"^\s+product\s+=\s+(\S+)$", stdout, re.M)]
    backward = float(re.search(r"dC/dw1 by backward\(\)\s+=\s+(\S+)", stdout).group(1))
    assert len(products) == 2  # by hand, and along the path in the graph
    for value in [*products, backward]:
        assert value == pytest.approx(oracle, rel=1e-10)
    assert float(re.search(r"C = \(a4 - y\)\^2 = (\S+)", stdout).group(1)) == pytest.approx(cost.item(), abs=1e-6)
    # the path has 14 links: per layer *, + and sigmoid (12), then - y and ** 2
    assert len(re.findall(r"^\s+d\(.+\)/d\(.+\)\s+= ", stdout, re.M)) == 14
    assert "w1*a0" in svg_text(out / "chain.svg")
    assert 'stroke="#d62728"' in (out / "chain.svg").read_text()  # the highlighted path
    png_size(out / "chain.png")


def test_03_crosscheck_verdicts(demos):
    stdout, out = get(demos, "03_crosscheck")
    verdicts = re.findall(r"^(ok: every entry agrees|NOT ok: \d+ entr(?:y|ies) disagree)", stdout, re.M)
    # one sample, the batch, section 2.5.1 as printed, section 2.4's form
    # the printed (z^L - y) sigma'(a^L) is wrong for every output parameter of a 3-4-2 net: 2*4 weights + 2 biases
    assert verdicts == ["ok: every entry agrees", "ok: every entry agrees", "NOT ok: 10 entries disagree",
                        "ok: every entry agrees"]  # fmt: skip
    assert "section 2.5.1 as printed does not agree (10 entries)" in stdout
    m = re.search(r"(\d+) of (\d+) printed formulas do not agree", stdout)
    assert 0 < int(m.group(1)) < int(m.group(2))
    report = (out / "documents_report.txt").read_text()
    assert "DOES NOT AGREE" in report and "AGREES" in report
    assert "corrected:" in report
    assert (out / "crosscheck.txt").read_text().count("autodiff") >= 4


def _forward(saved, X):
    a = np.asarray(X, dtype=float).T
    for k, layer in enumerate(saved["layers"]):  # ReLU hidden layers, linear output, written out independently
        z = np.asarray(layer["W"]) @ a + np.asarray(layer["b"])[:, None]
        a = z if k == len(saved["layers"]) - 1 else np.maximum(z, 0.0)
    return a


def test_04_moons_reaches_100_percent(demos):
    stdout, out = get(demos, "04_moons")
    assert "training accuracy: 100%" in stdout
    assert "reloaded model's accuracy: 100%" in stdout
    from nn.data import make_moons

    X, y = make_moons(50, noise=0.1, seed=1)  # the fast mode's data
    scores = _forward(json.loads((out / "model.json").read_text()), X)[0]
    assert np.all((scores > 0) == (np.asarray(y) == 1))  # 100%, checked without the engine
    losses = [float(v) for v in re.findall(r"^step\s+\d+\s+loss (\S+)", stdout, re.M)]
    assert losses[-1] < losses[0] / 5
    assert min(png_size(out / "loss_curve.png")) > 200 and min(png_size(out / "decision_boundary.png")) > 200


def test_05_digits_learns(demos):
    stdout, out = get(demos, "05_digits")
    m = re.search(r"held-out accuracy: ([\d.]+)% \((\d+) of (\d+) images right", stdout)
    accuracy, right, total = float(m.group(1)), int(m.group(2)), int(m.group(3))
    assert total == 200 and accuracy == pytest.approx(100 * right / total, abs=0.05)
    assert accuracy > 50  # chance is 10%; even the fast mode's 300 images and 3 epochs learn much more
    w, h = png_size(out / "misclassified.png")
    assert w > 500 and h > 100
    png_size(out / "training.png")


def test_06_finite_differences_follow_taylor(demos):
    stdout, out = get(demos, "06_finite_differences")
    # f(w) = (sigmoid(1.5 w - 0.5) - 1)^2 at w = 0.7; torch float64 gives f' and f''
    w = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    f = (torch.sigmoid(1.5 * w - 0.5) - 1) ** 2
    (d1,) = torch.autograd.grad(f, w, create_graph=True)
    (d2,) = torch.autograd.grad(d1, w)
    exact = float(re.search(r"df/dw at w = 0.7 is (\S+)", stdout).group(1))
    assert exact == pytest.approx(d1.item(), rel=1e-14)
    neuron_part = stdout.split("best step: forward eps")[0]  # the network study's table follows
    table = {float(e): (float(fe), float(ce)) for e, _, fe, _, ce in re.findall(
        r"^\s+(\de-\d\d)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", neuron_part, re.M)}  # fmt: skip
    assert len(table) == 12
    # Taylor: the forward difference's error is eps/2 |f''| + O(eps^2) where truncation dominates
    for eps in (1e-3, 1e-4):
        assert table[eps][0] == pytest.approx(eps / 2 * abs(d2.item()), rel=0.02)
    # ... and round-off takes over for tiny steps: the error at 1e-12 is far above the best one
    assert table[1e-12][0] > 100 * min(v[0] for v in table.values())
    assert min(table, key=lambda e: table[e][1]) in (1e-4, 1e-5, 1e-6)  # the best central step, theory ~5e-6
    assert math.isfinite(table[1e-1][1])
    png_size(out / "neuron_fd_error.png")
    png_size(out / "network_fd_error.png")


def test_07_four_ways_agree_and_cost_differently(demos):
    stdout, out = get(demos, "07_four_ways")
    # document 004, page 6: f = (x^2 - sin y) x = x^3 - x sin y at (1.5, 0.5):
    #   df/dx = 3x^2 - sin y = 6.75 - 0.479425538604203 = 6.270574461395797,  df/dy = -x cos y = -1.316373842835559
    rows = dict(re.findall(r"^([xy])\s+(\S+)", stdout, re.M))
    assert float(rows["x"]) == pytest.approx(6.270574461395797, rel=1e-13)
    assert float(rows["y"]) == pytest.approx(-1.5 * math.cos(0.5), rel=1e-13)
    assert "d/dx = 3*x**2 - sin(y)" in stdout
    slopes = [float(v) for v in re.findall(r"directional derivative = (\S+)", stdout)]
    assert slopes == pytest.approx([6.270574461395797, -1.5 * math.cos(0.5)], rel=1e-11)
    # the tanh neuron: do/dw = x (1 - tanh(b + w x)^2)
    assert "do/dw = x*(1 - tanh(b + w*x)**2)" in stdout
    assert stdout.count(" same\n") == 9 and "DIFFERENT" not in stdout
    assert "Cost of one nabla K" in stdout
    width, height = png_size(out / "four_ways.png")
    assert width > 1000 and height > 450


def test_08_custom_op_against_torch_silu(demos):
    stdout, out = get(demos, "08_custom_op")
    # torch's SiLU is the same function: y = silu(w x + b) at w = -0.8, x = 1.5, b = 0.4, float64
    w, x, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (-0.8, 1.5, 0.4))
    y = torch.nn.functional.silu(w * x + b)
    gw, gx, gb = torch.autograd.grad(y, [w, x, b])
    assert f"y = swish(w x + b) = {y.item():.12f}" in stdout
    assert f"dy/dw = {gw.item():.12f}   dy/dx = {gx.item():.12f}   dy/db = {gb.item():.12f}" in stdout
    assert "gradcheck(swish): passed" in stdout
    # the second derivative at 0.7, torch's double backward
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (d1,) = torch.autograd.grad(torch.nn.functional.silu(t), [t], create_graph=True)
    (d2,) = torch.autograd.grad(d1, [t])
    assert f"swish''(0.7) = {d2.item():.12f}" in stdout
    # the wrong derivative is caught, every input flagged in the table
    assert "gradcheck(swish_wrong) caught the mistake:" in stdout and stdout.count("<-- mismatch") == 3
    assert "swish" in svg_text(out / "swish.svg") and f"{gb.item():.4g}" in svg_text(out / "swish.svg")
    assert "= swish(z)" in (out / "trace.txt").read_text()


@pytest.mark.parametrize(
    "demo, planted",
    [
        ("03_crosscheck", "03_crosscheck/crosscheck.txt"),
        ("06_finite_differences", "06_finite_differences/neuron_fd_error.png"),
        ("08_custom_op", "08_custom_op/trace.txt"),
        ("02_chain", "02_chain"),  # the demo's own folder, a link to another
    ],
)
def test_a_demo_never_writes_through_a_link_planted_in_its_output_folder(demo, planted, tmp_path):
    # issue 19's "no write follows a symlink", for the demos' files too (they wrote with Path.write_text and
    # fig.savefig, which follow a link): the demo stops at the link, and the file the link points to keeps its bytes
    victim = tmp_path / "victim"
    victim.mkdir() if "/" not in planted else victim.write_text("precious\n")
    link = tmp_path / "out" / planted
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(victim)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUTOGRAD_MINI_FAST": "1", "AUTOGRAD_MINI_OUT": str(tmp_path / "out"),
           "MPLBACKEND": "Agg"}  # fmt: skip
    proc = subprocess.run([sys.executable, str(ROOT / "demos" / f"{demo}.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 1 and "UnsafeOutputError" in proc.stderr
    assert "is a symbolic link" in proc.stderr.splitlines()[-1] or "not a folder" in proc.stderr.splitlines()[-1]
    assert link.is_symlink()
    assert list(victim.iterdir()) == [] if victim.is_dir() else victim.read_text() == "precious\n"
