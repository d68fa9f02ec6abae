"""Notebooks in a real Jupyter kernel (nbclient + ipykernel): every demo, opened as a notebook with jupytext, and a
teacher's lesson. What a learner sees is checked where they see it: the outputs' mime types (SVG for drawings,
HTML for traces and reports, PNG for plots, the ipywidgets bar for training), their numbers against values worked
out by hand, and the size of the saved notebook. The eight notebooks run concurrently, one kernel each."""

import asyncio
import functools
import html
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("dot") is None, reason="the drawings need the Graphviz program dot"),
]

ROOT = Path(__file__).resolve().parents[1]
DEMOS = sorted((ROOT / "demos").glob("0[1-7]_*.py"))
WIDGET = "application/vnd.jupyter.widget-view+json"

LESSON = [
    # 0: one neuron drawn (micrograd's: o = tanh(x1*w1 + x2*w2 + b))
    """from autograd_mini import Value, draw_dot
from autograd_mini.trace import trace_backward
x1, x2, w1, w2 = Value(2.0, label="x1"), Value(0.0, label="x2"), Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
o = (x1 * w1 + x2 * w2 + b).tanh()
o.label = "o"
o.backward()
draw_dot(o)""",
    # 1, 2: two traces in one notebook
    "trace_backward(o)",
    """a, c = Value(2.0, label="a"), Value(-3.0, label="c")
L = a * c + a
L.label = "L"
trace_backward(L)""",
    # 3: a cross-check report
    """from nn import MLP, fit
from nn.crosscheck import crosscheck
net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
crosscheck(net, [0.5, -1.0], [1.0, 0.0])""",
    # 4: training with the default progress display (33 parameters x 30 points x 25 epochs: a long run)
    """from nn.data import make_moons
X, y = make_moons(30, noise=0.1, seed=0)
model = MLP(2, [8, 1], seed=0)
history = fit(model, X, y, epochs=25)
history""",
    # 5: a library plot, then plain pyplot still shows inline
    """from nn.app.plots import plot_history
plot_history(history)""",
    """import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9])
plt.show()""",
    # 7: micrograd's MLP(2, [16, 16, 1]) forward graph
    """big = MLP(2, [16, 16, 1], seed=1)
draw_dot(big([0.5, -0.2]))""",
    "big",
]


def _run(cells_or_path, name, workdir):
    if isinstance(cells_or_path, Path):
        nb = jupytext.read(cells_or_path)  # the percent-format script, opened as a notebook
    else:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source) for source in cells_or_path]
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=240, resources={"metadata": {"path": str(workdir)}}
    )
    env = {**os.environ, "AUTOGRAD_MINI_FAST": "1", "AUTOGRAD_MINI_OUT": str(workdir / "out"), "PYTHONPATH": str(ROOT)}
    env.pop("MPLBACKEND", None)  # the kernel's own inline backend, as in Jupyter
    return name, client.async_execute(env=env)


@functools.cache
def executed():
    """{name: executed notebook} for every demo and the lesson, run once per session, concurrently."""
    base = Path(tempfile.mkdtemp(prefix="autograd-mini-notebooks-"))

    async def run_all():
        jobs = [_run(demo, demo.stem, base) for demo in DEMOS] + [_run(LESSON, "lesson", base)]
        names = [name for name, _ in jobs]
        results = await asyncio.gather(*(job for _, job in jobs))
        return dict(zip(names, results))

    try:
        return asyncio.run(run_all())
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def notebooks():
    if sys.platform == "win32":
        asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())
    return executed()


def outputs(nb):
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def mimes(cell):
    return [m for o in cell.outputs for m in o.get("data", {}) if m != "text/plain"]


def data(nb, mime):
    return [o["data"][mime] for o in outputs(nb) if mime in o.get("data", {})]


def streams(nb):
    return "".join(o.get("text", "") for o in outputs(nb) if o.output_type == "stream")


def test_every_demo_runs_as_a_notebook_without_errors(notebooks):
    for demo in DEMOS:
        nb = notebooks[demo.stem]
        assert not [o for o in outputs(nb) if o.output_type == "error"], demo.stem
        assert "\r" not in streams(nb), f"{demo.stem}: carriage-return progress output in a cell"


def test_demo_outputs_have_the_right_kinds(notebooks):
    kinds = {stem: sorted({m for cell in nb.cells for m in mimes(cell)}) for stem, nb in notebooks.items()}
    assert kinds["01_neuron"] == ["image/svg+xml", "text/html"]  # the drawing, the stepper
    assert kinds["02_chain"] == ["image/svg+xml", "text/html"]  # drawings: SVG, and in HTML with their words
    assert kinds["03_crosscheck"] == ["text/html", "text/latex"]  # the reports; the documents' formulas also as LaTeX
    # plots: a PNG, and the same PNG in an <img> with its alternative text (what JupyterLab and nbconvert show)
    assert kinds["04_moons"] == ["image/png", "text/html"]  # model and history tables, the decision boundary
    assert kinds["05_digits"] == ["image/png", "text/html"]
    assert kinds["06_finite_differences"] == ["image/png", "text/html"]
    assert kinds["07_four_ways"] == ["image/png", "text/html"]  # the cost picture
    assert len(data(notebooks["03_crosscheck"], "text/html")) == 4  # one sample, batch, 2.5.1, documents
    assert len(data(notebooks["05_digits"], "image/png")) == 2 and len(data(notebooks["06_finite_differences"],
                                                                            "image/png")) == 2  # fmt: skip


def test_demo_outputs_show_the_numbers_worked_out_by_hand(notebooks):
    one = notebooks["01_neuron"]
    # micrograd's neuron: do/dx1 = w1 (1 - o^2) = -3 * 0.5 = -1.5, do/dw1 = x1 * 0.5 = 1
    (svg,) = data(one, "image/svg+xml")
    svg = html.unescape(svg)  # dot writes a minus as &#45;
    assert "grad -1.5" in svg and "grad 1</text>" in svg
    drawing, stepper = data(one, "text/html")  # the drawing in HTML with its words, then the stepper
    assert drawing.startswith('<div class="am-drawing"')
    assert 'aria-label="The computation graph of o = 0.7071' in drawing
    # the chain rule typeset (MathML), its words in the title of its line: do/dx1 = do/d(x1*w1) * w1
    assert 'title="do/dx1 = do/d(x1*w1) * ∂(x1*w1)/∂x1 = 0.5 * -3 = -1.5"' in stepper
    assert "do/d(x1*w1 + x2*w2) = 0.5" in stepper
    # demo 3: section 2.5.1 as printed is wrong for the 10 output parameters of its 3-4-2 network (2 * 4 + 2)
    reports = data(notebooks["03_crosscheck"], "text/html")
    assert "NOT ok: 10 entries disagree" in reports[2] and reports[2].count('class="am-bad"') == 10
    assert '<math alttext="\\vec{a}^l = W^l \\cdot \\vec{z}^{l-1} + \\vec{b}^l"' in reports[3]  # MathML, offline
    # demo 4: MLP(2, [16, 16, 1]) has 48 + 272 + 17 = 337 parameters
    assert "337 parameters" in data(notebooks["04_moons"], "text/html")[0]


def test_lesson_in_a_kernel(notebooks):
    nb = notebooks["lesson"]
    cells = nb.cells
    assert not [o for o in outputs(nb) if o.output_type == "error"]
    assert mimes(cells[0]) == ["image/svg+xml", "text/html"]
    assert "grad -1.5" in html.unescape(cells[0].outputs[0]["data"]["image/svg+xml"])
    # two traces, each with its own ids: no id of one appears in the other
    one, two = (c.outputs[0]["data"]["text/html"] for c in cells[1:3])
    ids = [set(re.findall(r' id="([^"]+)"', h)) for h in (one, two)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    # L = a*c + a: dL/da = c + 1 = -2 (a used twice: the second contribution adds), dL/dc = a = 2
    # in the chain rule's words, n1 = a*c: dL/da += dL/dn1 * dn1/da = 1 * -3 = -3, so far 1 + -3 = -2
    assert "dL/da += dL/dn1 * ∂n1/∂a = 1 * -3 = -3; so far 1 + -3 = -2 (a has 2 uses" in two
    assert 'title="dL/dc = dL/dn1 * ∂n1/∂c = 1 * 2 = 2"' in two
    assert mimes(cells[3]) == ["text/html"] and "ok: every entry agrees" in cells[3].outputs[0]["data"]["text/html"]
    # training: the ipywidgets bar, not carriage returns, then the history's table
    assert WIDGET in [m for o in cells[4].outputs for m in o.get("data", {})]
    assert "\r" not in streams(nb)
    assert "text/html" in mimes(cells[4]) and "History: 25 epochs" in cells[4].outputs[-1]["data"]["text/html"]
    # the library plot shows inline (with its alternative text), and plain pyplot afterwards still does
    assert mimes(cells[5]) == ["text/html", "image/png"]
    assert mimes(cells[6]) == ["image/png"]
    # the big MLP: a summary picture, and a warning that names the option that draws every node
    assert mimes(cells[7]) == ["image/svg+xml", "text/html"]
    assert "summary=False" in "".join(o.get("text", "") for o in cells[7].outputs if o.output_type == "stream")
    assert len(cells[7].outputs[-1]["data"]["image/svg+xml"]) < 20_000
    assert "337 parameters" in cells[8].outputs[0]["data"]["text/html"]
    saved = nbformat.writes(nb)
    assert len(saved.encode()) < 1_000_000, f"the saved lesson is {len(saved.encode()):,} bytes"


def test_exported_notebooks_show_alt_text_and_math_offline(notebooks):
    """nbconvert's HTML export, as a learner shares a notebook: every image our objects show has alternative text
    (nbconvert fills in "No description has been provided" and warns where one has none), and the formulas are
    MathML, which the browser typesets without the MathJax the export would fetch from the web."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    for name, nb in notebooks.items():
        if name == "lesson":  # its cell 6 is plain pyplot's plt.show(): matplotlib's image, not ours
            nb = nbformat.from_dict({**nb, "cells": [c for k, c in enumerate(nb.cells) if k != 6]})
        body, _ = exporter.from_notebook_node(nb)
        images = re.findall(r"<img\b[^>]*>", body)
        missing = [i[:80] for i in images if 'alt="No description' in i or "alt=" not in i]
        assert not missing, (name, missing)
        if name == "03_crosscheck":
            assert body.count("<math ") > 40 and "\\(\\vec" not in body


def test_report_of_sizes(notebooks, capsys):
    """Not a check: prints each notebook's outputs (mime type and bytes) for the record (pytest -s shows it)."""
    sizes = {}
    for name, nb in notebooks.items():
        rows = []
        for k, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            for o in cell.outputs:
                for m, v in o.get("data", {}).items():
                    if m != "text/plain":
                        rows.append((k, m, len(v if isinstance(v, str) else json.dumps(v))))
        sizes[name] = (len(nbformat.writes(nb).encode()), rows)
    with capsys.disabled():
        if os.environ.get("AUTOGRAD_MINI_NOTEBOOK_SIZES"):
            for name, (total, rows) in sizes.items():
                print(f"\n{name}: {total:,} bytes saved; " + ", ".join(f"[{k}] {m} {n:,}" for k, m, n in rows))
    assert all(total < 1_000_000 for total, _ in sizes.values())
