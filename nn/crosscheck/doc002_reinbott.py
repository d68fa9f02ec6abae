"""Document 002, Felix Reinbott, "Backpropagation, das lernen eines Neuronalen Netzes aus Daten" (2020).

In its own notation: a network with one hidden layer and no biases,

    f_W(x) = sigma_2(W_2 sigma_1(W_1 x)),   W_1 in R^{l x n},   W_2 in R^{d x l}         (Definition 1)
    d_MSE(x, y) = ||x - y||_2^2                                                         (Definition 2)

and the gradient of Satz 3, row by row: W_{2,k,.} is row k of W_2, W_{2,.,k} its column k.
"""

# ruff: noqa: E741, E501  (l is the hidden layer's size, as in the document; the transcriptions are kept on one line)
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nn.crosscheck.entries import Array, Entry, Reference, d_dx, engine_reference, sigmoid_written_out
from nn.matrices import sigmoid as sigma

__all__ = ["DOC", "ENTRIES", "REMARKS", "Case", "make_case", "reinbott_gradients"]

DOC = "002"


# The derivation, correct, in the document's notation.


def reinbott_gradients(W1: Array, W2: Array, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """Document 002, corrected: f(x) = sigma_2(W_2 sigma_1(W_1 x)), no biases, d_MSE = ||f(x) - y||_2^2.

        J_sigma(x) = diag(exp(-x_i) sigma(x_i)^2),   h = sigma_1(W_1 x)
        d/dW_{2,k,.} = 2 ((f)_k - y_k) exp(-W_{2,k,.} h) sigma(W_{2,k,.} h)^2 h
        d/dW_{1,k,.} = 2 (f - y)^T J_{sigma_2}(W_2 h) W_{2,.,k} exp(-W_{1,k,.} x) sigma(W_{1,k,.} x)^2 x^T
                       (printed: 1_d where the column W_{2,.,k} belongs, and W_{1,k,.} h where W_{1,k,.} x belongs)
    Returns (dW1, dW2) as matrices of the shapes of W1, W2 (row k = the gradient for row k).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    h = sigma(W1 @ x)
    f = sigma(W2 @ h)
    J2 = np.diag(np.exp(-(W2 @ h)) * sigma(W2 @ h) ** 2)
    dW2 = np.array([2.0 * (f[k] - y[k]) * np.exp(-W2[k] @ h) * sigma(W2[k] @ h) ** 2 * h for k in range(W2.shape[0])])
    g = 2.0 * (f - y) @ J2  # the row vector 2 (f - y)^T J_{sigma_2}(W_2 h)
    dW1 = np.array([(g @ W2[:, k]) * np.exp(-W1[k] @ x) * sigma(W1[k] @ x) ** 2 * x for k in range(W1.shape[0])])
    return dW1, dW2


# ---------------------------------------------------------------------------------------------------------------
# A case: a random network in the document's setting, and the engine's autodiff on it.


@dataclass
class Case:
    """n = l = 3 (3 inputs, a hidden layer of 3: only then is the printed W_{1,k,.} h, a row of W_1 of length n
    times h of length l, defined at all) and d = 2 outputs; ``W1``, ``W2``, one sample ``x``, ``y``; autodiff
    ``r``, and from it h = sigma_1(W_1 x) and f = f_W(x)."""

    n: int
    l: int
    d: int
    W1: Array
    W2: Array
    x: Array
    y: Array
    r: Reference
    h: Array
    f: Array


def make_case(seed: int) -> Case:
    rng = np.random.default_rng(1002 + seed)
    n, l, d = 3, 3, 2
    W1 = rng.normal(0, 1, (l, n))
    W2 = rng.normal(0, 1, (d, l))
    x = rng.normal(0, 1, n)
    y = rng.uniform(0, 1, d)
    r = engine_reference([None, W1, W2], None, "sigmoid", x[:, None], y[:, None], "sse")
    return Case(n, l, d, W1, W2, x, y, r, r.a[1][:, 0], r.a[2][:, 0])


# ---------------------------------------------------------------------------------------------------------------
# The printed formulas, evaluated on a case (each returns (label, printed, autodiff) triples).


def _check_jacobian(c):
    xs = np.linspace(-6.0, 6.0, 7)
    printed = np.diag(np.exp(-xs) * sigma(xs) ** 2)
    ref = np.diag([d_dx(sigmoid_written_out, x) for x in xs])  # d sigma(x_i)/dx_j is 0 for i != j
    return [("J_sigma(x) [i, j]", printed, ref)]


def _check_W2(c):
    h, f, W2 = c.h, c.f, c.W2
    printed = np.array([2 * (f[k] - c.y[k]) * np.exp(-W2[k] @ h) * sigma(W2[k] @ h) ** 2 * h for k in range(c.d)])
    return [("d/dW_{2,k,.} [k, .]", printed, c.r.dW[2])]


def _check_W1_with(c, column, argument):
    h, f, W1, W2, x = c.h, c.f, c.W1, c.W2, c.x
    J2 = np.diag(np.exp(-(W2 @ h)) * sigma(W2 @ h) ** 2)
    g = 2 * (f - c.y) @ J2
    rows = []
    for k in range(c.l):
        col = np.ones(c.d) if column == "1_d" else W2[:, k]
        t = W1[k] @ (h if argument == "h" else x)
        rows.append((g @ col) * np.exp(-t) * sigma(t) ** 2 * x)
    return [("d/dW_{1,k,.} [k, .]", np.array(rows), c.r.dW[1])]


# The entries: each printed formula exactly as printed (never adjusted to pass), in the order of the document.

ENTRIES = [
    Entry(
        "002",
        "Satz 3, Beweis (Jakobimatrix)",
        r"J_{\sigma_i}(x) = \mathrm{diag}(\exp(-x_1)\sigma(x_1)^2, \dots, \exp(-x_n)\sigma(x_n)^2)",
        _check_jacobian,
        what="Jacobian of the elementwise sigmoid, against autodiff of 1/(1 + exp(-x))",
    ),
    Entry(
        "002",
        "Satz 3, Beweis (W_2)",
        r"\frac{d}{dW_{2,k,.}} d_{MSE}(f_W(X_i), Y_i) = 2((f_W(X_i))_k - Y_{i,k}) \exp(-W_{2,k,.} h) \sigma(W_{2,k,.} h)^2 h",
        _check_W2,
        what="gradient for row k of W_2",
    ),
    Entry(
        "002",
        "Satz 3, Beweis (W_1)",
        r"\frac{d}{dW_{1,k,.}} d_{MSE}(f_W(X_i), Y_i) = 2(f_W(X_i) - Y_i)^T J_{\sigma_2}(W_2 h) \mathbb{1}_d \exp(-W_{1,k,.} h) \sigma(W_{1,k,.} h)^2 X_i^T",
        lambda c: _check_W1_with(c, "1_d", "h"),
        what="gradient for row k of W_1 (evaluated with n = l: otherwise W_{1,k,.} h is not even defined)",
        corrected=r"2(f_W(X_i) - Y_i)^T J_{\sigma_2}(W_2 h) W_{2,.,k} \exp(-W_{1,k,.} X_i) \sigma(W_{1,k,.} X_i)^2 X_i^T",
        corrected_check=lambda c: _check_W1_with(c, "W2col", "x"),
        variants=(
            ("only 1_d -> W_{2,.,k} (h kept)", lambda c: _check_W1_with(c, "W2col", "h")),
            ("only W_{1,k,.} h -> W_{1,k,.} X_i (1_d kept)", lambda c: _check_W1_with(c, "1_d", "x")),
        ),
        note="two slips: h_k depends on row k of W_1 and reaches every output through column k of W_2, so "
        "W_{2,.,k} belongs where 1_d (a sum over all columns' worth of ones) stands; and the sigmoid of "
        "hidden neuron k is taken at W_{1,k,.} X_i, its raw input, not at W_{1,k,.} h (a row of length n "
        "times a vector of length l). Each slip alone already breaks the formula",
    ),
]

# Printed things that are not a formula to evaluate, or whose reading the numbers cannot decide.
REMARKS = [
    (
        "Definition 2 calls ||x - y||_2^2 the 'Mean Squared Error'; it is the sum of squares (no mean over "
        "the d outputs). Bemerkung 4 steps along -grad_W f_W(X_i); the gradient meant is that of the loss "
        "d_MSE(f_W(X_i), Y_i), as in Satz 3."
    ),
]
