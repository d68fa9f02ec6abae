"""Document 003, the German translation of "Deriving backpropagation equations 'natively' in tensor form".

The question (Data Science Stack Exchange 18279) writes a feed-forward network in its own notation,

    z^(k+1) = W^(k) a^(k) + b^(k),   a^(k+1) = f(z^(k+1)),   layers counted from k = 0 (the input),

first with scalar indices, W_ij^(k) from neuron i of layer k (source) to neuron j of layer k+1 (target), then in
vector form, where the matrix W^(k) therefore holds W_ij^(k) in row j, column i. The formula images did not
survive in the text we have; every entry is reconstructed from the question and says so.
"""

# ruff: noqa: E741, E501  (the transcriptions are kept on one line)
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nn.crosscheck.entries import Array, Entry, Reference, engine_reference
from nn.matrices import PerLayer, numpy_activation, tanh_prime

__all__ = ["DOC", "ENTRIES", "REMARKS", "Case", "make_case", "tensor_form_gradients"]

DOC = "003"

RECONSTRUCTED = (
    "reconstructed: the formula images of 003 did not survive; the formula is taken from the question the German "
    'text translates, Data Science Stack Exchange 18279, \'Deriving backpropagation equations "natively" in '
    "tensor form' (the '???' placeholders the asker left for the missing middle steps are not part of it)"
)


# The derivation, correct, in the question's notation.


def tensor_form_gradients(
    W: list[Array], b: list[Array], x: ArrayLike, grad_a_out: ArrayLike, f: str = "tanh"
) -> tuple[list[Any], list[Any], list[Any]]:
    """Document 003 (the question's vector form): z^(k+1) = W^(k) a^(k) + b^(k), a^(k+1) = f(z^(k+1)).

        nabla z^(k+1) = nabla a^(k+1) (.) f'(z^(k+1))
        nabla a^(k)   = W^(k)T nabla z^(k+1)
        nabla W^(k)   = nabla z^(k+1) (a^(k))^T          (and nabla b^(k) = nabla z^(k+1))
    Layers counted from k = 0 (the input); ``W[k]`` maps layer k to k+1. ``grad_a_out`` = dE/da at the output.
    Returns (nabla W, nabla b, nabla a) lists indexed by k.
    """
    fn, fprime = numpy_activation(f, "tensor_form_gradients()")
    K = len(W)
    a: PerLayer = [np.asarray(x, dtype=np.float64)]
    z: PerLayer = [None]
    for k in range(K):
        z.append(W[k] @ a[k] + b[k])
        a.append(fn(z[k + 1]))
    grad_a: PerLayer = [None] * (K + 1)
    grad_a[K] = np.asarray(grad_a_out, dtype=np.float64)
    gW: PerLayer = [None] * K
    gb: PerLayer = [None] * K
    for k in range(K - 1, -1, -1):
        gz = grad_a[k + 1] * fprime(z[k + 1])
        gW[k] = np.outer(gz, a[k])
        gb[k] = gz
        grad_a[k] = W[k].T @ gz
    return gW, gb, grad_a


# ---------------------------------------------------------------------------------------------------------------
# A case: a random network in the document's setting, and the engine's autodiff on it.


@dataclass
class Case:
    """Layers k = 0, 1, 2 of sizes 3, 4, 2, f = tanh, E = 1/2 ||a - y||^2; the vector form's W^(k) is ``M[k+1]``,
    its bias ``b[k+1]``; one sample ``x``, ``y``; autodiff ``r`` (indexed by layer, as the question's k + 1)."""

    sizes: list[int]
    M: list[Any]
    b: list[Any]
    x: Array
    y: Array
    r: Reference


def make_case(seed: int) -> Case:
    rng = np.random.default_rng(1003 + seed)
    sizes = [3, 4, 2]
    M = [None] + [rng.normal(0, 1, (sizes[l], sizes[l - 1])) for l in (1, 2)]
    b = [None] + [rng.normal(0, 0.5, sizes[l]) for l in (1, 2)]
    x = rng.normal(0, 1, 3)
    y = rng.uniform(-1, 1, 2)
    return Case(sizes, M, b, x, y, engine_reference(M, b, "tanh", x[:, None], y[:, None], "half_sse"))


# ---------------------------------------------------------------------------------------------------------------
# The printed formulas, evaluated on a case (each returns (label, printed, autodiff) triples).


def _check_s1(c):
    r = c.r
    return [(f"nabla z_j^({k + 1}) [j]", r.da[k + 1][:, 0] * tanh_prime(r.z[k + 1][:, 0]), r.delta[k + 1][:, 0])
            for k in (0, 1)]  # fmt: skip


def _check_s2(c):
    r = c.r
    out = []
    for k in (0, 1):
        # W_ij^(k) connects neuron i of layer k to neuron j of layer k+1: the vector form's matrix holds it at [j, i]
        Wij = c.M[k + 1].T
        printed = np.array(
            [sum(r.delta[k + 1][j, 0] * Wij[i, j] for j in range(c.sizes[k + 1])) for i in range(c.sizes[k])]
        )
        out.append((f"nabla a_i^({k}) [i]", printed, r.da[k][:, 0]))
    return out


def _check_s3(c):
    r = c.r
    out = []
    for k in (0, 1):
        printed = np.array(
            [[r.delta[k + 1][j, 0] * r.a[k][i, 0] for j in range(c.sizes[k + 1])] for i in range(c.sizes[k])]
        )
        out.append((f"nabla W_ij^({k}) [i, j]", printed, c.r.dW[k + 1].T))
    return out


def _check_vforward(c):
    r = c.r
    return [(f"z^({k + 1})", c.M[k + 1] @ r.a[k][:, 0] + c.b[k + 1], r.z[k + 1][:, 0]) for k in (0, 1)]


def _check_v1(c):
    r = c.r
    return [(f"nabla z^({k + 1})", r.da[k + 1][:, 0] * tanh_prime(r.z[k + 1][:, 0]), r.delta[k + 1][:, 0])
            for k in (0, 1)]  # fmt: skip


def _check_v2(c):
    r = c.r
    return [(f"nabla a^({k})", c.M[k + 1].T @ r.delta[k + 1][:, 0], r.da[k][:, 0]) for k in (0, 1)]


def _check_v3(c):
    r = c.r
    return [(f"nabla W^({k})", np.outer(r.delta[k + 1][:, 0], r.a[k][:, 0]), r.dW[k + 1]) for k in (0, 1)]


# The entries: each printed formula exactly as printed (never adjusted to pass), in the order of the document.

ENTRIES = [
    Entry(
        "003",
        "scalar 1",
        r"\nabla z_j^{(k+1)} = \frac{\partial E}{\partial a_j^{(k+1)}} \frac{\partial a_j^{(k+1)}}{\partial z_j^{(k+1)}} = \nabla a_j^{(k+1)} f'(z_j^{(k+1)})",
        _check_s1,
        what="f = tanh here",
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "003",
        "scalar 2",
        r"\nabla a_i^{(k)} = \sum_j \nabla z_j^{(k+1)} W_{ij}^{(k)}",
        _check_s2,
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "003", "scalar 3", r"\nabla W_{ij}^{(k)} = \nabla z_j^{(k+1)} a_i^{(k)}", _check_s3, reconstructed=RECONSTRUCTED
    ),
    Entry(
        "003",
        "vector forward",
        r"\mathbf{z}^{(k+1)} = \mathbf{W}^{(k)} \mathbf{a}^{(k)} + \mathbf{b}^{(k)}",
        _check_vforward,
        reconstructed=RECONSTRUCTED,
        what="the matrix W^(k) holds W_ij^(k) at row j, column i (the transpose of the scalar index order)",
    ),
    Entry(
        "003",
        "vector 1",
        r"\nabla \mathbf{z}^{(k+1)} = \nabla \mathbf{a}^{(k+1)} \odot f'(\mathbf{z}^{(k+1)})",
        _check_v1,
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "003",
        "vector 2",
        r"\nabla \mathbf{a}^{(k)} = \mathbf{W}^{(k)T} \nabla \mathbf{z}^{(k+1)}",
        _check_v2,
        reconstructed=RECONSTRUCTED,
    ),
    Entry(
        "003",
        "vector 3",
        r"\nabla \mathbf{W}^{(k)} = \nabla \mathbf{z}^{(k+1)} \mathbf{a}^{(k)T}",
        _check_v3,
        reconstructed=RECONSTRUCTED,
    ),
]

# Printed things that are not a formula to evaluate, or whose reading the numbers cannot decide.
REMARKS: list[str] = []
