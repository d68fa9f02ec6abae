"""A neuron of the network page at one sample: z, a and delta with the numbers of their equations, typeset in
document 001's notation (MathML, offline), next to autodiff; and the "one sample" view, values forward and deltas
back.

The delta equations (document 001, sections 1.3, 2.4-2.5; E^k the sample's loss, the L2 term left out; w_{i,j}^l
the weight from neuron i of layer l-1 to neuron j of layer l, in row j, column i of the matrix W^l)::

    z_j^l = sum_i a_i^{l-1} w_{i,j}^l + b_j^l,   a_j^l = f(z_j^l),   a^0 = x
    delta^L = dE^k/da^L * f'(z^L)
    delta_j^l = [sum_i delta_i^{l+1} w_{j,i}^{l+1}] f'(z_j^l)      (vector form: (W^{l+1})^T delta^{l+1} (.) f'(z^l))

are ``nn.crosscheck.delta``'s (``forward``, and ``backward`` started from this loss's dE^k/da^L, written below from
each loss's definition); autodiff is the engine's graph of the same sample, ``backward()``, and ``z.grad`` of each
neuron. The page shows both and their difference.
"""

# ruff: noqa: E741  (l is the layer index, as in every document)
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_mini.modes import enable_grad
from nn.app.play import markup
from nn.app.play.network_view import Run, SettingsError
from nn.crosscheck.delta import backward, forward
from nn.losses import LOSSES
from nn.matrices import NUMPY_ACTIVATIONS, network_arrays

__all__ = ["autodiff", "closed_form", "flow", "loss_gradient", "neuron", "tex"]

TERMS_PER_PIECE = 1  # a sum is typeset a term per formula, so that the browser breaks the line where it must

# dE^k/ds of each loss at the output score s and target t, as the page writes it (LaTeX); loss_gradient computes it
LOSS_GRADIENTS = {"bce_logits": r"\sigma(s) - t", "hinge": r"-t\,[1 - t s > 0]", "mse": r"2\,(s - t)"}
# f(z) and f'(z) of each activation, as the page writes them
FUNCTIONS = {"tanh": r"\tanh", "sigmoid": r"\sigma", "relu": r"\mathrm{relu}", "linear": ""}
DERIVATIVES = {"tanh": "1 - (a{})^2", "sigmoid": "a{0} (1 - a{0})", "relu": "[z{} > 0]", "linear": "1"}


def loss_gradient(loss: str, s: float, t: float) -> float:
    """dE^k/ds of one sample's loss at the output score s, target t, from each loss's definition: logistic
    -[t log sigma(s) + (1 - t) log(1 - sigma(s))]: sigma(s) - t; hinge max(0, 1 - t s): -t where 1 - t s > 0, else
    0 (at the kink 0, as relu'(0) = 0 in torch); squared error (s - t)^2: 2 (s - t)."""
    if loss == "hinge":
        return -t if 1.0 - t * s > 0 else 0.0
    if loss == "bce_logits":  # sigma(s), written so that neither branch overflows
        return 1.0 / (1.0 + math.exp(-s)) - t if s >= 0 else math.exp(s) / (1.0 + math.exp(s)) - t
    return 2.0 * (s - t)


def closed_form(run: Run, k: int) -> dict[str, Any]:
    """z^l, a^l, f'(z^l), delta^l (l = 1..L) of sample k from the delta equations (``nn.crosscheck.delta``)."""
    net = network_arrays(run.model)
    z, a = forward(net, run.X[k])
    dE_da = loss_gradient(run.settings.loss, float(a[net.L][0]), run.targets[k])
    delta, _, _ = backward(net, z, a, None, dE_da=[dE_da])
    dsigma = [None] + [NUMPY_ACTIVATIONS[net.activation[l]][1](z[l]) for l in range(1, net.L + 1)]
    return {"net": net, "z": z, "a": a, "dsigma": dsigma, "delta": delta, "dE_da": dE_da}


def autodiff(run: Run, k: int) -> list[list[float]]:
    """dE^k/dz^l_j for every neuron by the engine: sample k's graph layer by layer, the loss, ``backward()``; the
    graph is recorded whatever the calling thread's grad mode (inside a notebook's ``no_grad()`` too)."""
    a: list[Any] = [float(v) for v in run.X[k]]
    zs = []
    with enable_grad():
        for layer in run.model.layers:
            a = layer(a)
            # a neuron's z is its output for a linear layer, else the activation's operand (a = f(z))
            zs.append([v if layer.activation == "linear" else v.operands[0] for v in a])
        loss = LOSSES[run.settings.loss](a[0], run.targets[k])
        run.model.zero_grad()  # the parameters' gradients: each training step sets them anew
        loss.backward()
    grads = [[v.grad for v in z] for z in zs]
    run.model.zero_grad()
    return grads


# -- the lines, in LaTeX and typeset ----------------------------------------------------------------------------


def tex(x: float, factor: bool = False) -> str:
    """A number as the lines write it: 4 significant digits, 10^n for very small or large ones; in parentheses when
    it is negative and ``factor`` (a factor of a product: 0.5 (-3), never 0.5 -3)."""
    x = float(x)
    if x == 0:
        return "0"
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return f"({text})" if factor and x < 0 else text


def _sum_pieces(first: str, terms: list[str], last: str) -> list[str]:
    """``first = t1 + t2 + ... + last`` in pieces of TERMS_PER_PIECE terms (each piece its own formula)."""
    pieces = []
    for start in range(0, len(terms), TERMS_PER_PIECE):
        chunk = " + ".join(terms[start : start + TERMS_PER_PIECE])
        pieces.append(("= " if start == 0 else "+ ") + chunk)
    pieces[-1] += " " + last
    return [first, *pieces]


def _at(j: Any, l: Any) -> str:
    """The index of neuron j of layer l, as the documents write it: _j^l."""
    return f"_{{{j}}}^{{{l}}}"


def _product(x: float, y: float) -> str:
    return f"{tex(x, True)} \\cdot {tex(y, True)}"


def _z_line(q: dict[str, Any], l: int, j: int) -> list[str]:
    """z_j^l = sum_i a_i^{l-1} w_{i,j}^l + b_j^l = (the products) + b = z."""
    net, a = q["net"], q["a"]
    terms = [_product(a[l - 1][i], net.W[l][j, i]) for i in range(net.W[l].shape[1])]
    first = rf"z{_at(j, l)} = \sum_i a_i^{{{l - 1}}}\, w{_at(f'i,{j}', l)} + b{_at(j, l)}"
    return _sum_pieces(first, terms, f"+ {tex(net.b[l][j], True)} = {tex(q['z'][l][j])}")


def _a_line(q: dict[str, Any], l: int, j: int) -> list[str]:
    """a_j^l = f(z_j^l) = f(z) = a, and f'(z_j^l) written with a (or z) and its number."""
    act, at = str(q["net"].activation[l]), _at(j, l)
    f = FUNCTIONS[act]
    if not f:  # linear: a = z, f' = 1
        return [rf"a{at} = z{at} = {tex(q['a'][l][j])},\quad f'(z{at}) = 1"]
    value = rf"a{at} = {f}(z{at}) = {f}({tex(q['z'][l][j])}) = {tex(q['a'][l][j])},\quad"
    return [value, rf"f'(z{at}) = {DERIVATIVES[act].format(at)} = {tex(q['dsigma'][l][j])}"]


def _delta_line(run: Run, q: dict[str, Any], l: int, j: int) -> list[str]:
    """delta^L from the loss's dE^k/da^L (the output neuron), or delta_j^l = [sum_i delta_i^{l+1} w_{j,i}^{l+1}] f'."""
    net, delta, L = q["net"], q["delta"], q["net"].L
    slope = tex(q["dsigma"][l][j], True)
    if l == L:
        dE = rf"\frac{{\partial E^k}}{{\partial a^{{{L}}}}}"
        return [
            rf"\delta{_at(0, L)} = {dE}\, f'(z{_at(0, L)}),",
            rf"{dE} = {LOSS_GRADIENTS[run.settings.loss]} = {tex(q['dE_da'])}",
            rf"(s = {tex(float(q['a'][L][0]))},\ t = {tex(q['t'])}):",
            rf"\delta{_at(0, L)} = {_product(q['dE_da'], q['dsigma'][L][0])} = {tex(delta[L][0])}",
        ]
    terms = [_product(delta[l + 1][i], net.W[l + 1][i, j]) for i in range(net.W[l + 1].shape[0])]
    bracket = rf"\Big[\sum_i \delta_i^{{{l + 1}}}\, w{_at(f'{j},i', l + 1)}\Big]"
    pieces = _sum_pieces(rf"\delta{_at(j, l)} = {bracket}\, f'(z{_at(j, l)})", terms, "")
    pieces[1] = "= [" + pieces[1][2:]
    pieces[-1] = pieces[-1].rstrip() + rf"] \cdot {slope} = {tex(delta[l][j])}"
    return pieces


def neuron(run: Run, l: int, j: int, k: int) -> dict[str, Any]:
    """Neuron j of layer l (1..L) at sample k: z, a, f'(z) and delta with the numbers of their equations (LaTeX
    pieces and their MathML), and the delta by autodiff with the difference."""
    sizes = [2, *run.settings.hidden, 1]
    L = len(sizes) - 1
    if not (1 <= l <= L and 0 <= j < sizes[l] and 0 <= k < len(run.X)):
        raise SettingsError(
            f"no neuron {j} in layer {l} or no sample {k}: layers 1..{L}, neurons 0..{sizes[min(max(l, 1), L)] - 1}, "
            f"samples 0..{len(run.X) - 1}"
        )
    q = closed_form(run, k)
    q["t"] = run.targets[k]
    auto = autodiff(run, k)[l - 1][j]
    closed = float(q["delta"][l][j])
    lines = [_z_line(q, l, j), _a_line(q, l, j), _delta_line(run, q, l, j)]
    lines.append(
        [
            rf"\frac{{\partial E^k}}{{\partial z_{{{j}}}^{{{l}}}}} = {tex(auto)}",
            rf"\left|\delta_{{{j}}}^{{{l}}} - \frac{{\partial E^k}}{{\partial z_{{{j}}}^{{{l}}}}}\right| = "
            rf"{tex(abs(closed - auto))}",
        ]
    )
    return {
        "layer": l,
        "neuron": j,
        "sample": k,
        "x": run.X[k],
        "label": run.y[k],
        "z": float(q["z"][l][j]),
        "a": float(q["a"][l][j]),
        "delta": closed,
        "autodiff": auto,
        "difference": abs(closed - auto),
        "lines": [" ".join(pieces) for pieces in lines],  # the LaTeX, for a reader who copies it
        "math": [[markup.math(piece) for piece in pieces] for pieces in lines],
        "rule": markup.math(r"\delta^l = (W^{l+1})^T \delta^{l+1} \odot f'(z^l)"),
    }


def flow(run: Run, k: int) -> dict[str, Any]:
    """Sample k's values forward (a^0 ... a^L) and its deltas backward (delta^L ... delta^1): the "one sample" view."""
    if not 0 <= k < len(run.X):
        raise SettingsError(f"sample {k}: the data set has samples 0..{len(run.X) - 1}")
    q = closed_form(run, k)
    return {
        "sample": k,
        "a": [np.asarray(v).tolist() for v in q["a"]],
        "delta": [None] + [np.asarray(v).tolist() for v in q["delta"][1:]],
    }
