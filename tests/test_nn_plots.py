"""nn.plots by matplotlib's conventions (issue 20, item 7), as pandas, seaborn and scikit-learn's displays behave:
``ax=`` draws into a learner's own Axes; without it the picture goes to pyplot's current figure (so ``plt.gcf()``
is it, and ``plt.show()`` would show it); the Figure is returned; the backend is never switched; ``nn.app.plots``
stays an import path. The drawn data are checked against the numbers given (worked out in the comments).
Tests run with the Agg backend (conftest.py)."""

import math
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

plt = pytest.importorskip("matplotlib.pyplot")
import matplotlib  # noqa: E402

from nn import MLP, History  # noqa: E402
from nn.matrices import set_bias_vector, set_weight_matrix  # noqa: E402
from nn.plots import plot_decision_boundary, plot_history  # noqa: E402


def _history(val=False):
    h = History()
    h.loss, h.accuracy = [1.0, 0.5, 0.2, 0.1], [0.2, 0.6, 0.9, 1.0]
    if val:
        h.val_loss, h.val_accuracy = [1.1, 0.7, 0.4, 0.3], [0.1, 0.5, 0.8, 0.9]
    return h


def _ydata(line):
    return list(np.asarray(line.get_ydata(), dtype=float))


def test_draws_into_a_learners_own_axes_and_returns_their_figure():
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
    ax_loss.set_title("my title")
    open_before = plt.get_fignums()
    got = plot_history(_history(val=True), ax=(ax_loss, ax_acc))
    assert got is fig and plt.get_fignums() == open_before  # no figure of its own
    assert [_ydata(line) for line in ax_loss.get_lines()] == [[1.0, 0.5, 0.2, 0.1], [1.1, 0.7, 0.4, 0.3]]
    assert [_ydata(line) for line in ax_acc.get_lines()] == [[0.2, 0.6, 0.9, 1.0], [0.1, 0.5, 0.8, 0.9]]
    assert fig.get_figwidth() == 8 and fig._suptitle is None  # the learner's figure keeps its size, no suptitle


def test_one_axes_gets_the_loss_and_the_accuracy_on_a_second_y_axis():
    fig, ax = plt.subplots()
    assert plot_history(_history(), ax=ax) is fig
    assert len(fig.axes) == 2  # ax and its twin (ax.twinx()): the accuracy's own scale, 0..1
    twin = next(a for a in fig.axes if a is not ax)
    assert _ydata(ax.get_lines()[0]) == [1.0, 0.5, 0.2, 0.1] and _ydata(twin.get_lines()[0]) == [0.2, 0.6, 0.9, 1.0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["loss, training", "accuracy, training"]  # the one legend says which line is which


def test_without_ax_the_picture_is_pyplots_current_figure():
    fig = plot_history(_history())
    assert plt.gcf() is fig  # so plot_history(h); plt.show() shows it, and a notebook's backend shows it
    assert fig.number in plt.get_fignums() and len(fig.axes) == 2  # loss and accuracy side by side
    second = plot_history(_history())
    assert second is not fig and plt.gcf() is second  # the current figure had a picture: a new one
    mine = plt.figure(figsize=(7, 2))  # an empty figure a learner made first: the picture goes there
    assert plot_decision_boundary(_line_model(), [[1.0, 0.0], [0.0, 1.0]], [1, 0]) is mine
    assert mine.get_figwidth() == 7


def test_the_backend_is_never_switched():
    backend = matplotlib.get_backend()
    plot_history(_history())
    plot_history(_history(), ax=plt.subplots()[1])
    assert matplotlib.get_backend() == backend
    for module in ("nn/plots.py", "nn/display.py", "nn/app/plots.py"):
        source = (Path(__file__).resolve().parents[1] / module).read_text()
        assert "matplotlib.use(" not in source and "switch_backend" not in source


def _line_model():
    # s = x0 - x1: class 1 below the diagonal
    model = MLP(2, [1], seed=0)
    set_weight_matrix(model, 1, [[1.0, -1.0]])
    set_bias_vector(model, 1, [0.0])
    return model


def test_decision_boundary_in_a_learners_axes_puts_the_points_where_they_are():
    fig, ax = plt.subplots()
    X, y = [[1.0, 0.0], [0.0, 1.0], [0.8, 0.1]], [1, 0, 1]
    assert plot_decision_boundary(_line_model(), X, y, ax=ax) is fig
    from matplotlib.collections import PathCollection

    negative, positive = (np.asarray(c.get_offsets()) for c in ax.collections if type(c) is PathCollection)
    assert negative.tolist() == [[0.0, 1.0]] and positive.tolist() == [[1.0, 0.0], [0.8, 0.1]]
    assert ax.get_title().startswith("decision boundary of MLP 2-1")


def test_a_wrong_ax_is_named():
    with pytest.raises(TypeError, match=r"plot_history\(ax=...\) takes an Axes or a sequence of 2 .*got str 'left'"):
        plot_history(_history(), ax="left")
    fig, axes = plt.subplots(1, 3)
    with pytest.raises(TypeError, match=r"plot_decision_boundary\(ax=...\) takes an Axes \(such as"):
        plot_decision_boundary(_line_model(), [[0.0, 1.0]], [0], ax=axes)


def test_losses_of_plus_minus_1e308_are_drawn_in_units_of_1e308():
    # max - min = 2e308 overflows a float (and matplotlib's ticks with it): the axis counts in 1e308s instead,
    # so the points are 1e308 / 1e308 = 1, -1 and 5 / 1e308 = 5e-308
    h = History()
    h.loss, h.accuracy = [1e308, -1e308, 5.0], [None, None, None]
    fig = plot_history(h)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "loss / 1e+308"
    assert _ydata(ax.get_lines()[0]) == pytest.approx([1.0, -1.0, 5e-308], abs=1e-320)
    assert all(math.isfinite(v) for v in ax.get_ylim())


def test_four_ways_into_two_axes_of_a_learner():
    from nn.app.plots import plot_four_ways

    ways = ("reverse", "by_hand", "forward", "finite_differences", "symbolic")
    study = SimpleNamespace(parameters=[10, 100], seconds={w: [1e-4, 1e-3] for w in ways}, max_rel={},
                            graph_ops=[50, 500], symbolic_ops=[60, None], symbolic_ops_cse=[40, None])  # fmt: skip
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_four_ways(study, ax=(left, right)) is fig
    assert _ydata(right.get_lines()[0]) == [50.0, 500.0]  # the graph's ops against P
    with pytest.raises(TypeError, match=r"plot_four_ways\(ax=...\) takes a sequence of 2"):
        plot_four_ways(study, ax=left)


def test_the_app_import_path_is_the_library_module():
    import nn.app.plots
    import nn.plots

    assert nn.app.plots.plot_history is nn.plots.plot_history
    assert nn.app.plots.plot_decision_boundary is nn.plots.plot_decision_boundary


@pytest.mark.slow
def test_in_a_notebook_each_picture_shows_once():
    """In a real kernel with Jupyter's inline backend: ``fig = plot_history(h)`` shows (pyplot's backend shows its
    figures at the end of the cell), a bare ``plot_history(h)`` shows once, not twice, and ``fig`` in a later
    cell shows it again; plain pyplot afterwards still works."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    cells = [
        "from nn import History\nfrom nn.plots import plot_history\nh = History()\n"
        "h.loss, h.accuracy = [1.0, 0.5, 0.2], [0.2, 0.6, 0.9]\nfig = plot_history(h)",
        "plot_history(h)",
        "fig",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("MPLBACKEND", None)  # the kernel's own inline backend, as in Jupyter
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute(env=env)
    pngs = [sum("image/png" in o.get("data", {}) for o in cell.outputs) for cell in nb.cells]
    errors = [o for cell in nb.cells for o in cell.outputs if o.output_type == "error"]
    assert not errors and pngs == [1, 1, 1, 1], pngs
