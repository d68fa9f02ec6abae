"""Document 000, "Berechnung der partiellen Ableitung bezueglich eines Gewichts", in Grant Sanderson's notation.

The document (a theorem note after Thimm 2024, section 5.1.4, and Grant Sanderson, 3Blue1Brown, "Backpropagation
calculus", Deep learning chapter 4) lost its formula images in the text we have. Its formulas are reconstructed
from Sanderson, whose notation it says it uses, and every entry says so:

    z^(l) = w^(l) a^(l-1) + b^(l),   a^(l) = sigma(z^(l)),   C_0 = (a^(L) - y)^2                 (one neuron per layer)
    z_j^(l) = sum_k w_jk^(l) a_k^(l-1) + b_j^(l),   C_0 = sum_j (a_j^(L) - y_j)^2                (several per layer)

Index convention: w_jk^(l) with j = neuron in layer l (target), k = neuron in layer l-1 (source), so the matrix
W^(l)[j, k] = w_jk^(l) is the matrix W of ``nn.matrices``.
"""

# ruff: noqa: E741, E501  (l is the layer index, as in every document; the transcriptions are kept on one line)
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nn.crosscheck.entries import Array, Entry, Reference, engine_reference
from nn.matrices import PerLayer
from nn.matrices import sigmoid as sigma
from nn.matrices import sigmoid_prime as sigma_prime

__all__ = ["DOC", "ENTRIES", "REMARKS", "Case", "make_case", "sanderson_chain_gradients", "sanderson_general_gradients"]

DOC = "000"

RECONSTRUCTED = (
    "reconstructed: the formula images of 000 did not survive; the formula is taken from the source the document "
    "names and whose notation it says it uses, Grant Sanderson, 3Blue1Brown, 'Backpropagation calculus' (Deep "
    "learning, chapter 4)"
)


# The derivation, correct, in Sanderson's notation.


def sanderson_chain_gradients(w: list[Any], b: list[Any], x: float, y: float) -> tuple[list[Any], list[Any]]:
    """Document 000, simple network (one neuron per layer), Grant Sanderson's notation, sigmoid, C_0 = (a^(L) - y)^2.

    ``w[l]``, ``b[l]`` for l = 1..L (index 0 unused), input a^(0) = x. Returns (dC0/dw, dC0/db), lists by layer:

        z^(l) = w^(l) a^(l-1) + b^(l),   a^(l) = sigma(z^(l))
        dC0/da^(L) = 2 (a^(L) - y)
        dC0/dw^(l) = a^(l-1) sigma'(z^(l)) dC0/da^(l)      dC0/db^(l) = sigma'(z^(l)) dC0/da^(l)
        dC0/da^(l-1) = w^(l) sigma'(z^(l)) dC0/da^(l)      (the "Iteration" for L-1, L-2, ...)
    """
    L = len(w) - 1
    a: PerLayer = [float(x)] + [0.0] * L
    z: PerLayer = [None] + [0.0] * L
    for l in range(1, L + 1):
        z[l] = w[l] * a[l - 1] + b[l]
        a[l] = float(sigma(z[l]))
    dC_da = 2.0 * (a[L] - y)
    dw: PerLayer = [None] * (L + 1)
    db: PerLayer = [None] * (L + 1)
    for l in range(L, 0, -1):
        sp = float(sigma_prime(z[l]))
        dw[l] = a[l - 1] * sp * dC_da
        db[l] = sp * dC_da
        dC_da = w[l] * sp * dC_da
    return dw, db


def sanderson_general_gradients(W: list[Any], b: list[Any], x: ArrayLike, y: ArrayLike) -> tuple[list[Any], list[Any]]:
    """Document 000, general network: z_j^(l) = sum_k w_jk^(l) a_k^(l-1) + b_j^(l), C_0 = sum_j (a_j^(L) - y_j)^2.

        dC0/dw_jk^(l) = a_k^(l-1) sigma'(z_j^(l)) dC0/da_j^(l)
        dC0/da_k^(l-1) = sum_j w_jk^(l) sigma'(z_j^(l)) dC0/da_j^(l)      ("die Summe aller Einfluesse")
    ``W[l][j, k] = w_jk^(l)``. Returns (dW, db) lists by layer.
    """
    L = len(W) - 1
    a: PerLayer = [np.asarray(x, dtype=np.float64)]
    z: PerLayer = [None]
    for l in range(1, L + 1):
        z.append(W[l] @ a[l - 1] + b[l])
        a.append(sigma(z[l]))
    dC_da = 2.0 * (a[L] - np.asarray(y, dtype=np.float64))
    dW: PerLayer = [None] * (L + 1)
    db: PerLayer = [None] * (L + 1)
    for l in range(L, 0, -1):
        s = sigma_prime(z[l]) * dC_da  # sigma'(z_j^(l)) dC0/da_j^(l), one number per j
        dW[l] = np.outer(s, a[l - 1])  # [j, k] = a_k^(l-1) sigma'(z_j^(l)) dC0/da_j^(l)
        db[l] = s
        dC_da = W[l].T @ s  # sum_j w_jk^(l) sigma'(z_j^(l)) dC0/da_j^(l)
    return dW, db


# ---------------------------------------------------------------------------------------------------------------
# A case: random networks in the document's setting, and the engine's autodiff on them.


@dataclass
class Case:
    """The chain a^(0) -> a^(1) -> a^(2) -> a^(3) = a^(L), one neuron per layer (``w[l]``, ``b[l]``, ``x``, ``y``,
    autodiff ``chain``), and a general network 3 -> 4 -> 3 -> 2 (``W[l][j, k] = w_jk^(l)``, ``bv``, ``xv``,
    ``yv``, autodiff ``gen``); sigmoid everywhere, C_0 = sum_j (a_j^(L) - y_j)^2."""

    w: list[Any]
    b: list[Any]
    x: float
    y: float
    chain: Reference
    W: list[Any]
    bv: list[Any]
    xv: Array
    yv: Array
    gen: Reference


def make_case(seed: int) -> Case:
    rng = np.random.default_rng(1000 + seed)
    # the chain: 3 weights, 3 biases, as in the video
    w = [None] + list(rng.normal(0, 1.5, 3))
    b = [None] + list(rng.normal(0, 0.5, 3))
    x, y = float(rng.normal()), float(rng.uniform())
    chain = engine_reference([None] + [np.array([[v]]) for v in w[1:]], [None] + [np.array([v]) for v in b[1:]],
                             "sigmoid", np.array([[x]]), np.array([[y]]), "sse")  # fmt: skip
    sizes = [3, 4, 3, 2]
    W = [None] + [rng.normal(0, 1, (sizes[l], sizes[l - 1])) for l in range(1, 4)]
    bv = [None] + [rng.normal(0, 0.5, sizes[l]) for l in range(1, 4)]
    xv, yv = rng.normal(0, 1, 3), rng.uniform(0, 1, 2)
    gen = engine_reference(W, bv, "sigmoid", xv[:, None], yv[:, None], "sse")
    return Case(w, b, x, y, chain, W, bv, xv, yv, gen)


# ---------------------------------------------------------------------------------------------------------------
# The printed formulas, evaluated on a case (each returns (label, printed, autodiff) triples).


def _check_w_L(c):
    r = c.chain
    a, z = r.a, r.z
    printed = a[2][0, 0] * sigma_prime(z[3][0, 0]) * 2 * (a[3][0, 0] - c.y)
    return [("dC0/dw^(L)", printed, r.dW[3][0, 0])]


def _check_b_L(c):
    r = c.chain
    printed = sigma_prime(r.z[3][0, 0]) * 2 * (r.a[3][0, 0] - c.y)
    return [("dC0/db^(L)", printed, r.db[3][0])]


def _check_a_Lm1(c):
    r = c.chain
    printed = c.w[3] * sigma_prime(r.z[3][0, 0]) * 2 * (r.a[3][0, 0] - c.y)
    return [("dC0/da^(L-1)", printed, r.da[2][0, 0])]


def _check_iter(c):
    r = c.chain
    a, z = r.a, r.z
    out = []
    # dC0/dw^(L-1) = a^(L-2) sigma'(z^(L-1)) w^(L) sigma'(z^(L)) 2 (a^(L) - y), and one step further for w^(L-2)
    p1 = a[1][0, 0] * sigma_prime(z[2][0, 0]) * c.w[3] * sigma_prime(z[3][0, 0]) * 2 * (a[3][0, 0] - c.y)
    p2 = (
        a[0][0, 0]
        * sigma_prime(z[1][0, 0])
        * c.w[2]
        * sigma_prime(z[2][0, 0])
        * c.w[3]
        * sigma_prime(z[3][0, 0])
        * 2
        * (a[3][0, 0] - c.y)
    )
    out.append(("dC0/dw^(L-1)", p1, r.dW[2][0, 0]))
    out.append(("dC0/dw^(L-2)", p2, r.dW[1][0, 0]))
    return out


def _check_gen_w(c):
    r = c.gen
    a, z = r.a, r.z
    L = 3
    printed = np.array(
        [
            [a[L - 1][k, 0] * sigma_prime(z[L][j, 0]) * 2 * (a[L][j, 0] - c.yv[j]) for k in range(a[L - 1].shape[0])]
            for j in range(a[L].shape[0])
        ]
    )
    return [("dC0/dw_jk^(L) [j, k]", printed, r.dW[L])]


def _check_gen_a(c):
    r = c.gen
    a, z = r.a, r.z
    L = 3
    printed = np.array(
        [
            sum(c.W[L][j, k] * sigma_prime(z[L][j, 0]) * 2 * (a[L][j, 0] - c.yv[j]) for j in range(a[L].shape[0]))
            for k in range(a[L - 1].shape[0])
        ]
    )
    return [("dC0/da_k^(L-1) [k]", printed, r.da[L - 1][:, 0])]


def _check_gen_any(c):
    r = c.gen
    out = []
    for l in (1, 2):
        # dC0/dw_jk^(l) = a_k^(l-1) sigma'(z_j^(l)) dC0/da_j^(l), with dC0/da_j^(l) from autodiff
        printed = np.outer(sigma_prime(r.z[l][:, 0]) * r.da[l][:, 0], r.a[l - 1][:, 0])
        out.append((f"dC0/dw_jk^({l}) [j, k]", printed, r.dW[l]))
    return out


# The entries: each printed formula exactly as printed (never adjusted to pass), in the order of the document.

ENTRIES = [
    Entry(
        "000",
        "Simples Netzwerk, Ableitung nach w^(L)",
        r"\frac{\partial C_0}{\partial w^{(L)}} = \frac{\partial z^{(L)}}{\partial w^{(L)}} \frac{\partial a^{(L)}}{\partial z^{(L)}} \frac{\partial C_0}{\partial a^{(L)}} = a^{(L-1)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _check_w_L,
        what="last weight of the one-neuron-per-layer chain",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "000",
        "Simples Netzwerk, Ableitung nach b^(L)",
        r"\frac{\partial C_0}{\partial b^{(L)}} = 1 \cdot \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _check_b_L,
        what="last bias of the chain",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "000",
        "Simples Netzwerk, Ableitung nach a^(L-1)",
        r"\frac{\partial C_0}{\partial a^{(L-1)}} = w^{(L)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _check_a_Lm1,
        what="sensitivity to the previous activation",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "000",
        "Iteration fuer L-1, L-2, ...",
        r"\frac{\partial C_0}{\partial w^{(L-1)}} = a^{(L-2)} \sigma'(z^{(L-1)}) \, w^{(L)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _check_iter,
        what="the chain one and two layers further back",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "000",
        "Generelles Netzwerk, Ableitung nach w_jk^(L)",
        r"\frac{\partial C_0}{\partial w_{jk}^{(L)}} = a_k^{(L-1)} \sigma'(z_j^{(L)}) 2(a_j^{(L)} - y_j)",
        _check_gen_w,
        what="several neurons per layer, C_0 = sum_j (a_j^(L) - y_j)^2",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "000",
        "Generelles Netzwerk, Ableitung nach a_k^(L-1)",
        r"\frac{\partial C_0}{\partial a_k^{(L-1)}} = \sum_{j=0}^{n_L - 1} w_{jk}^{(L)} \sigma'(z_j^{(L)}) 2(a_j^{(L)} - y_j)",
        _check_gen_a,
        what="the sum of all influences",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "000",
        "Bezueglich eines beliebigen Layers",
        r"\frac{\partial C_0}{\partial w_{jk}^{(l)}} = a_k^{(l-1)} \sigma'(z_j^{(l)}) \frac{\partial C_0}{\partial a_j^{(l)}}",
        _check_gen_any,
        what="any layer l (dC0/da_j^(l) taken from autodiff)",
        reconstructed=RECONSTRUCTED,
    ),
]

# Printed things that are not a formula to evaluate, or whose reading the numbers cannot decide.
REMARKS = [
    (
        "The theorem itself ('in unserer Schreibweise', the last line of the proof) is lost with the images; only "
        "Grant Sanderson's form can be reconstructed, and is checked above."
    ),
]
