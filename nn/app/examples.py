"""The worked examples that the tour and the demos share, written once: micrograd's neuron and its moons demo.

``demos/01_neuron.py`` and the tour's step 1 use ``neuron`` and ``neuron_by_hand``; ``demos/04_moons.py`` and the
tour's step 5 use ``train_moons``. The tour's drawings of the neuron, which README.md shows (``make pictures``,
``docs/make_pictures.py``), are ``neuron_drawing`` and ``local_derivatives_drawing``.
"""

import math
from collections.abc import Callable

from autograd_mini import Value
from nn.data import DataSet
from nn.module import MLP
from nn.optim import SGD
from nn.train import History, fit

__all__ = ["NEURON", "local_derivatives_drawing", "neuron", "neuron_by_hand", "neuron_drawing", "train_moons"]

# micrograd's neuron (Karpathy, "The spelled-out intro to neural networks and backpropagation"): the bias is chosen
# so that n = 0.8814 and o = tanh(n) = 0.7071, which makes do/dn = 1 - o^2 = 0.5 a round number.
NEURON = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}


def neuron() -> tuple[Value, dict[str, Value]]:
    """o = tanh(x1*w1 + x2*w2 + b) built from Values, every node labelled for the drawing; -> (o, the leaves)."""
    v = {name: Value(value, label=name) for name, value in NEURON.items()}
    x1w1 = v["x1"] * v["w1"]
    x1w1.label = "x1*w1"
    x2w2 = v["x2"] * v["w2"]
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + v["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, v


def neuron_drawing(o: Value):
    """The neuron's graph, top to bottom with the colour key: narrow enough to read at the width of a page or a
    slide (the tour's 01_neuron, README's docs/neuron.png)."""
    from autograd_mini.draw import draw_dot  # graphviz, only when drawing

    return draw_dot(o, rankdir="TB", key=True, title="one neuron: o = tanh(x1*w1 + x2*w2 + b)")


def local_derivatives_drawing(o: Value, w1: Value):
    """Every edge labelled with its local derivative, the path from w1 to o in red: do/dw1 is the product of the
    numbers along it (the tour's 02_local_derivatives, README's docs/local_derivatives.png)."""
    from autograd_mini.draw import draw_dot

    title = "local derivatives on the edges; do/dw1 is the product along the red path"
    return draw_dot(o, rankdir="TB", key=True, edge_labels=True, highlight=w1, title=title)


def neuron_by_hand() -> dict[str, tuple[str, float]]:
    """Every gradient of the neuron by hand with the chain rule, in plain floats (no engine involved):
    {name: (the formula, its value)}.

        do/dn  = 1 - tanh(n)^2 = 1 - o^2          (the derivative of tanh)
        dn/dw1 = x1, dn/dx1 = w1, dn/dw2 = x2, dn/dx2 = w2, dn/db = 1
        do/dw1 = do/dn * dn/dw1, and so on.
    """
    x1, x2, w1, w2, b = (NEURON[k] for k in ("x1", "x2", "w1", "w2", "b"))
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    do_dn = 1.0 - o**2
    return {
        "x1": ("(1 - o^2) * w1", do_dn * w1),
        "w1": ("(1 - o^2) * x1", do_dn * x1),
        "x2": ("(1 - o^2) * w2", do_dn * w2),
        "w2": ("(1 - o^2) * x2", do_dn * x2),
        "b": ("(1 - o^2) * 1", do_dn),
    }


def micrograd_schedule(steps: int) -> Callable[[int], float]:
    """micrograd's learning rate in step k of ``steps``: 1.0 - 0.9 * k / steps, from 1.0 down towards 0.1."""
    return lambda k: 1.0 - 0.9 * k / steps  # micrograd: learning_rate = 1.0 - 0.9*k/100


def train_moons(data: DataSet, steps: int, progress: bool | None = False) -> tuple[MLP, History]:
    """micrograd's ``demo.ipynb``, kept: MLP(2, [16, 16, 1]) (ReLU hidden layers, a linear output, seed 1) learns
    the moons ``data`` with the SVM "max-margin" loss + L2,

        loss = mean_i max(0, 1 - y_i * score_i)  +  1e-4 * sum_p p^2

    in ``steps`` steps of gradient descent on the whole data set, learning rate 1.0 - 0.9 * k / steps in step k.
    Labels 0/1 (``fit`` turns them into -1/+1 for the hinge loss). -> (the trained model, its history).
    """
    X, y = data
    model = MLP(2, [16, 16, 1], seed=1)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer=SGD(model.parameters(), lr=1.0),
        epochs=steps,
        l2=1e-4,
        lr_schedule=micrograd_schedule(steps),
        progress=progress,
        engine="compiled",  # the network's program traced once and replayed: the node engine's numbers, faster
    )
    return model, history
