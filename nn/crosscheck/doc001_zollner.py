"""Document 001, Tim Zollner, "Matrizen in Neuronalen Netzen" (17.02.2025), in its own notation.

Sigmoid everywhere, E = 1/2 sum_j (y_j - a_j^L)^2 (section 2.1); one sample in sections 2.1-2.5, a batch with one
column per sample (E = sum_k E^k) in sections 2.6-2.7.

Index convention: w_{j,i}^l with j = neuron in layer l-1 (source), i = neuron in layer l (target) (section 1.2:
z_0^1 uses w_{0,0}^1, w_{1,0}^1), while the matrix W^l of section 1.3 holds w_{j,i}^l in row i, column j (the
matrix W of ``nn.matrices``).
"""

# ruff: noqa: E741, E501  (l is the layer index, as in every document; the transcriptions are kept on one line)
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd_mini import Value
from autograd_mini.modes import enable_grad
from nn.crosscheck.entries import Array, Entry, Reference, d_dx, engine_reference, sigmoid_written_out
from nn.matrices import PerLayer
from nn.matrices import sigmoid as sigma
from nn.matrices import sigmoid_prime as sigma_prime

__all__ = ["DOC", "ENTRIES", "REMARKS", "Case", "make_case", "zollner_batch_gradients", "zollner_gradients"]

DOC = "001"


# The derivation, correct, in the document's notation.


def zollner_gradients(W: list[Any], b: list[Any], x: ArrayLike, y: ArrayLike) -> tuple[list[Any], list[Any]]:
    """Document 001, one sample, in its scalar form (sections 2.4, 2.5.3); sigmoid, E = 1/2 sum_j (y_j - a_j^L)^2.

    ``W[l]`` is the matrix of section 1.3 (row i = neuron i of layer l), so w_{j,i}^l = W[l][i, j].

        delta_j^L = (a_j^L - y_j) sigma'(z_j^L)          (corrected: section 2.4 prints an extra (1 - sigma(z_j^L)))
        delta_j^l = [sum_i delta_i^{l+1} w_{j,i}^{l+1}] sigma'(z_j^l)
        dE/dw_{j,i}^l = delta_i^l a_j^{l-1},   dE/db_j^l = delta_j^l
    Returns (dE/dw as lists indexed [l][j][i] in the document's order, dE/db[l][j]).
    """
    L = len(W) - 1
    a: PerLayer = [np.asarray(x, dtype=np.float64)]
    z: PerLayer = [None]
    for l in range(1, L + 1):
        z.append(W[l] @ a[l - 1] + b[l])  # z^l = W^l a^{l-1} + b^l (section 1.3, with z and a in their places)
        a.append(sigma(z[l]))
    delta: PerLayer = [None] * (L + 1)
    delta[L] = (a[L] - np.asarray(y, dtype=np.float64)) * sigma_prime(z[L])
    for l in range(L - 1, 0, -1):
        n_next = W[l + 1].shape[0]
        delta[l] = np.array(
            [
                sum(delta[l + 1][i] * W[l + 1][i, j] for i in range(n_next)) * sigma_prime(z[l][j])
                for j in range(W[l].shape[0])
            ]
        )
    dw = [None] + [
        [[delta[l][i] * a[l - 1][j] for i in range(W[l].shape[0])] for j in range(W[l].shape[1])]
        for l in range(1, L + 1)
    ]
    db = [None] + [list(delta[l]) for l in range(1, L + 1)]
    return dw, db


def zollner_batch_gradients(W: list[Any], b: list[Any], X: ArrayLike, Y: ArrayLike) -> tuple[list[Any], list[Any]]:
    """Document 001, sections 2.6-2.7, corrected: columns are samples k, E = sum_k E^k.

    A^l = sigma(W^l A^{l-1} + b^l)
    [delta^L] = (A^L - Y) (.) sigma'(Z^L)               (printed: (Z^L - Y^L) (.) sigma'(A^L))
    [delta^l] = (W^{l+1})^T [delta^{l+1}] (.) sigma'(Z^l)   (printed: sigma'(A^l))
    dE/dW^l = [delta^l] (A^{l-1})^T,   dE/db^l = [delta^l] 1   (printed: dE/dB^l = [delta^l])
    """
    L = len(W) - 1
    A: PerLayer = [np.asarray(X, dtype=np.float64)]
    Z: PerLayer = [None]
    for l in range(1, L + 1):
        Z.append(W[l] @ A[l - 1] + b[l][:, None])
        A.append(sigma(Z[l]))
    D: PerLayer = [None] * (L + 1)
    D[L] = (A[L] - np.asarray(Y, dtype=np.float64)) * sigma_prime(Z[L])
    for l in range(L - 1, 0, -1):
        D[l] = (W[l + 1].T @ D[l + 1]) * sigma_prime(Z[l])
    return [None] + [D[l] @ A[l - 1].T for l in range(1, L + 1)], [None] + [D[l].sum(axis=1) for l in range(1, L + 1)]


# ---------------------------------------------------------------------------------------------------------------
# A case: a random network in the document's setting, and the engine's autodiff on it.


@dataclass
class Case:
    """Sizes 2-3-3-2 (two inputs as in the picture of section 1.1 and the example of section 1.2; layers 1 and 2 of
    equal size so that the bracket of section 2.4 can be read literally), ``W[l]`` and ``b[l]`` as in section 1.3,
    N = 4 samples ``X``, ``Y`` (columns) for the batch sections; autodiff for the batch (``batch``), for each
    sample (``per``) and for sample k = 0 (``r``), which the per-sample sections use."""

    sizes: list[int]
    L: int
    W: list[Any]
    b: list[Any]
    N: int
    X: Array
    Y: Array
    batch: Reference
    per: list[Reference]
    r: Reference


def make_case(seed: int) -> Case:
    rng = np.random.default_rng(1001 + seed)
    sizes = [2, 3, 3, 2]
    W = [None] + [rng.normal(0, 1, (sizes[l], sizes[l - 1])) for l in range(1, 4)]
    b = [None] + [rng.normal(0, 0.5, sizes[l]) for l in range(1, 4)]
    N = 4
    X = rng.normal(0, 1, (2, N))
    Y = rng.uniform(0, 1, (2, N))
    batch = engine_reference(W, b, "sigmoid", X, Y, "half_sse")
    per = [engine_reference(W, b, "sigmoid", X[:, k : k + 1], Y[:, k : k + 1], "half_sse") for k in range(N)]
    return Case(sizes, 3, W, b, N, X, Y, batch, per, per[0])


def _w(c: Case, l: int, j: int, i: int) -> float:
    """w_{j,i}^l of document 001: j = neuron of layer l-1, i = neuron of layer l; section 1.3 puts it at W^l[i, j]."""
    return float(c.W[l][i, j])


# ---------------------------------------------------------------------------------------------------------------
# The printed formulas, evaluated on a case (each returns (label, printed, autodiff) triples).


def _check_12_example(c):
    r = c.r
    a0 = r.a[0][:, 0]
    # z_0^1 = a_0^0 w_{0,0}^1 + a_1^0 w_{1,0}^1 + b^1, reading b^1 as the bias of neuron 0 of layer 1
    printed = a0[0] * _w(c, 1, 0, 0) + a0[1] * _w(c, 1, 1, 0) + c.b[1][0]
    return [("z_0^1", printed, r.z[1][0, 0])]


def _check_13_forward(c):
    r = c.r
    # a^l = W^l z^{l-1} + b^l, for l >= 2 (z^0 does not exist: layer 0 has only the input a^0)
    return [(f"a^{l}", c.W[l] @ r.z[l - 1][:, 0] + c.b[l], r.a[l][:, 0]) for l in range(2, c.L + 1)]


def _check_13_forward_fixed(c):
    r = c.r
    return [(f"a^{l}", sigma(c.W[l] @ r.a[l - 1][:, 0] + c.b[l]), r.a[l][:, 0]) for l in range(1, c.L + 1)]


def _check_21(c):
    r = c.r
    return [("dE_j/da_j^L [j]", r.a[c.L][:, 0] - c.Y[:, 0], r.da[c.L][:, 0])]


def _check_23(c):
    xs = np.linspace(-6.0, 6.0, 13)
    e = np.exp(-xs)
    ref = np.array([d_dx(sigmoid_written_out, x) for x in xs])
    s = 1.0 / (1.0 + e)
    lines = [
        (0 * (1 + e) - 1 * e * -1) / (1 + e) ** 2,
        e / (1 + e) ** 2,
        (1 + e - 1) / (1 + e) ** 2,
        (1 + e) / (1 + e) ** 2 - 1 / (1 + e) ** 2,
        1 / (1 + e) - 1 / (1 + e) ** 2,
        1 / (1 + e) * (1 - 1 / (1 + e)),
        s * (1 - s),
    ]
    return [(f"line {n + 1} at x = -6..6", v, ref) for n, v in enumerate(lines)]


def _check_24_dw(c):
    r = c.r
    out = []
    for l in range(1, c.L + 1):
        n_src, n_tgt = c.sizes[l - 1], c.sizes[l]
        # printed[j, i] = delta_i^l a_j^{l-1}; autodiff's dE/dw_{j,i}^l sits at dW^l[i, j] (row i = target)
        printed = np.array([[r.delta[l][i, 0] * r.a[l - 1][j, 0] for i in range(n_tgt)] for j in range(n_src)])
        out.append((f"dE/dw_{{j,i}}^{l} [j, i]", printed, r.dW[l].T))
    return out


def _check_24_db(c):
    r = c.r
    return [(f"dE/db_j^{l} [j]", r.delta[l][:, 0], r.db[l]) for l in range(1, c.L + 1)]


def _check_24_deltaL(c):
    r = c.r
    L = c.L
    a, z, y = r.a[L][:, 0], r.z[L][:, 0], c.Y[:, 0]
    return [("delta_j^L [j]", (a - y) * sigma_prime(z) * (1 - sigma(z)), r.delta[L][:, 0])]


def _check_24_deltaL_fixed(c):
    r = c.r
    L = c.L
    return [("delta_j^L [j]", (r.a[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.z[L][:, 0]), r.delta[L][:, 0])]


def _check_24_da_dz(c):
    r = c.r
    out = []
    for l in range(1, c.L + 1):
        zs = r.z[l][:, 0]
        out.append((f"da_j^{l}/dz_j^{l} [j]", sigma_prime(zs), np.array([d_dx(sigmoid_written_out, z) for z in zs])))
    return out


def _check_24_dE_da(c):
    r = c.r
    out = []
    for l in range(1, c.L):
        n_next = c.sizes[l + 1]
        printed = np.array(
            [sum(r.delta[l + 1][i, 0] * _w(c, l + 1, j, i) for i in range(n_next)) for j in range(c.sizes[l])]
        )
        out.append((f"dE/da_j^{l} [j]", printed, r.da[l][:, 0]))
    return out


@enable_grad()  # it differentiates: an outer no_grad() changes nothing, as for torch.func's transforms
def _check_24_dz_da(c):
    out = []
    for l in range(1, c.L):
        # autodiff of z_i^{l+1} = sum_p a_p^l w_{p,i}^{l+1} + b_i^{l+1} with respect to the a_j^l (as leaves)
        a = [Value(float(v)) for v in c.r.a[l][:, 0]]
        jac = np.zeros((c.sizes[l + 1], c.sizes[l]))
        for i in range(c.sizes[l + 1]):
            zi = c.b[l + 1][i] + sum((a[p] * _w(c, l + 1, p, i) for p in range(1, len(a))), a[0] * _w(c, l + 1, 0, i))
            for v in a:
                v.grad = 0.0
            zi.backward()
            jac[i] = [v.grad for v in a]
        printed = np.array([[_w(c, l + 1, j, i) for j in range(c.sizes[l])] for i in range(c.sizes[l + 1])])
        out.append((f"dz_i^{l + 1}/da_j^{l} [i, j]", printed, jac))
    return out


def _check_24_bracket(c):
    r = c.r
    # the bracket as printed, read literally: sum over p of (a_p^l w_{p,i}^{l+1} + b_p^{l+1}), p over the
    # neurons of layer l (here n^1 = n^2 = 3, so b_p^{2} exists for every p)
    l = 1
    a = r.a[l][:, 0]
    printed = np.array(
        [sum(a[p] * _w(c, l + 1, p, i) + c.b[l + 1][p] for p in range(c.sizes[l])) for i in range(c.sizes[l + 1])]
    )
    return [("z_i^2 [i]", printed, r.z[l + 1][:, 0])]


def _check_24_bracket_fixed(c):
    r = c.r
    l = 1
    a = r.a[l][:, 0]
    printed = np.array(
        [sum(a[p] * _w(c, l + 1, p, i) for p in range(c.sizes[l])) + c.b[l + 1][i] for i in range(c.sizes[l + 1])]
    )
    return [("z_i^2 [i]", printed, r.z[l + 1][:, 0])]


def _check_24_delta_l(c):
    r = c.r
    out = []
    for l in range(1, c.L):
        printed = np.array(
            [
                sum(r.delta[l + 1][i, 0] * _w(c, l + 1, j, i) for i in range(c.sizes[l + 1]))
                * sigma_prime(r.z[l][j, 0])
                for j in range(c.sizes[l])
            ]
        )
        out.append((f"delta_j^{l} [j]", printed, r.delta[l][:, 0]))
    return out


def _check_251_scalar(c):
    r = c.r
    L = c.L
    return [("delta_j^L [j]", (r.z[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.a[L][:, 0]), r.delta[L][:, 0])]


def _check_251_vector(c):
    r = c.r
    L = c.L
    return [("delta^L", (r.z[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.a[L][:, 0]), r.delta[L][:, 0])]


def _check_251_fixed(c):
    r = c.r
    L = c.L
    return [("delta^L", (r.a[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.z[L][:, 0]), r.delta[L][:, 0])]


def _check_253_rows(c):
    r = c.r
    out = []
    for l in range(1, c.L):
        d = r.delta[l + 1][:, 0]
        n = c.sizes[l + 1]
        # delta_0^l = (delta_0^{l+1} w_{0,0}^{l+1} + delta_1^{l+1} w_{0,1}^{l+1} + ... + delta_i^{l+1} w_{0,i}^{l+1}) sigma'(z_0^l)
        d0 = sum(d[i] * _w(c, l + 1, 0, i) for i in range(n)) * sigma_prime(r.z[l][0, 0])
        d1 = sum(d[i] * _w(c, l + 1, 1, i) for i in range(n)) * sigma_prime(r.z[l][1, 0])
        out.append((f"delta_0^{l}", d0, r.delta[l][0, 0]))
        out.append((f"delta_1^{l}", d1, r.delta[l][1, 0]))
    return out


def _check_253_vector(c):
    r = c.r
    return [
        (f"delta^{l}", (c.W[l + 1].T @ r.delta[l + 1][:, 0]) * sigma_prime(r.z[l][:, 0]), r.delta[l][:, 0])
        for l in range(1, c.L)
    ]


def _check_26(c):
    r = c.batch
    return [(f"A^{l}", sigma(c.W[l] @ r.a[l - 1] + c.b[l][:, None]), r.a[l]) for l in range(1, c.L + 1)]


def _check_271_deltaL(c):
    r = c.batch
    L = c.L
    return [("[delta^L]", (r.z[L] - c.Y) * sigma_prime(r.a[L]), r.delta[L])]


def _check_271_deltaL_fixed(c):
    r = c.batch
    L = c.L
    return [("[delta^L]", (r.a[L] - c.Y) * sigma_prime(r.z[L]), r.delta[L])]


def _check_271_delta_l(c):
    r = c.batch
    return [(f"[delta^{l}]", (c.W[l + 1].T @ r.delta[l + 1]) * sigma_prime(r.a[l]), r.delta[l]) for l in range(1, c.L)]


def _check_271_delta_l_fixed(c):
    r = c.batch
    return [(f"[delta^{l}]", (c.W[l + 1].T @ r.delta[l + 1]) * sigma_prime(r.z[l]), r.delta[l]) for l in range(1, c.L)]


def _check_271_dB(c):
    r = c.batch
    # printed: dE/dB^l = [delta^l], an n_l x N matrix; the gradient dE/db^l of E = sum_k E^k is one vector. Each
    # column of the printed matrix is compared with it.
    return [(f"dE/dB^{l} [j, k]", r.delta[l], np.repeat(r.db[l][:, None], c.N, axis=1)) for l in range(1, c.L + 1)]


def _check_271_dB_fixed(c):
    r = c.batch
    return [(f"dE/db^{l} [j]", r.delta[l] @ np.ones(c.N), r.db[l]) for l in range(1, c.L + 1)]


def _check_272_dw_k(c):
    out = []
    for k, p in enumerate(c.per):
        for l in range(2, c.L + 1):  # z^{l-1} exists from l = 2 on
            printed = np.array(
                [[p.delta[l][i, 0] * p.z[l - 1][j, 0] for i in range(c.sizes[l])] for j in range(c.sizes[l - 1])]
            )
            out.append((f"dE^{k}/dw_{{j,i}}^{l} [j, i]", printed, p.dW[l].T))
    return out


def _check_272_dw_k_fixed(c):
    out = []
    for k, p in enumerate(c.per):
        for l in range(1, c.L + 1):
            printed = np.array(
                [[p.delta[l][i, 0] * p.a[l - 1][j, 0] for i in range(c.sizes[l])] for j in range(c.sizes[l - 1])]
            )
            out.append((f"dE^{k}/dw_{{j,i}}^{l} [j, i]", printed, p.dW[l].T))
    return out


def _check_272_sums(c):
    r = c.batch
    out = []
    for l in range(1, c.L + 1):
        d, a = r.delta[l], r.a[l - 1]
        out.append((f"dE/dw_{{0,0}}^{l}", sum(d[0, k] * a[0, k] for k in range(c.N)), r.dW[l][0, 0]))
        out.append((f"dE/dw_{{1,0}}^{l}", sum(d[0, k] * a[1, k] for k in range(c.N)), r.dW[l][0, 1]))
    return out


def _check_272_matrix(c):
    r = c.batch
    return [(f"dE/dW^{l}", r.delta[l] @ r.a[l - 1].T, r.dW[l]) for l in range(1, c.L + 1)]


# The entries: each printed formula exactly as printed (never adjusted to pass), in the order of the document.

ENTRIES = [
    Entry(
        "001",
        "§1.2 (example)",
        r"z_0^1 = a_0^0 \cdot w_{0,0}^1 + a_1^0 \cdot w_{1,0}^1 + b^1",
        _check_12_example,
        what="forward: the raw input of neuron 0 of layer 1 (b^1 read as b_0^1)",
    ),
    Entry(
        "001",
        "§1.3",
        r"\vec{a}^l = W^l \cdot \vec{z}^{l-1} + \vec{b}^l",
        _check_13_forward,
        what="forward, vector form (checked for l >= 2: z^0 is not defined)",
        corrected=r"\vec{z}^l = W^l \cdot \vec{a}^{l-1} + \vec{b}^l, \quad \vec{a}^l = \sigma(\vec{z}^l)",
        corrected_check=_check_13_forward_fixed,
        note="z and a are swapped; the expanded matrix lines repeat it",
    ),
    Entry("001", "§2.1", r"\frac{dE_j}{da_j^L} = (a_j^L - y_j)", _check_21, what="derivative of the loss"),
    Entry(
        "001",
        "§2.3",
        r"\frac{d}{dx} \sigma(x) = \frac{0 \cdot (1 + e^{-x}) - 1 \cdot e^{-x} \cdot -1}{(1 + e^{-x})^2} = \dots = \sigma(x) \cdot (1 - \sigma(x))",
        _check_23,
        what="every line of the sigmoid derivation, against autodiff of 1/(1 + exp(-x))",
    ),
    Entry(
        "001",
        "§2.4 (weights)",
        r"\frac{\partial E}{\partial w_{j,i}^l} = \delta_i^l \cdot a_j^{l-1}",
        _check_24_dw,
        what="weight gradient; w_{j,i}^l from neuron j of layer l-1 to neuron i of layer l",
    ),
    Entry(
        "001", "§2.4 (biases)", r"\frac{\partial E}{\partial b_j^l} = \delta_j^l", _check_24_db, what="bias gradient"
    ),
    Entry(
        "001",
        "§2.4 (delta^L)",
        r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L) \cdot (1 - \sigma(z_j^L))",
        _check_24_deltaL,
        what="error of the last layer",
        corrected=r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L)",
        corrected_check=_check_24_deltaL_fixed,
        note="the factor (1 - sigma(z_j^L)) is already inside sigma'(z_j^L) = sigma(z_j^L)(1 - sigma(z_j^L)); "
        "as printed it appears twice",
    ),
    Entry(
        "001",
        "§2.4 (da/dz)",
        r"\frac{\partial a_j^l}{\partial z_j^l} = \sigma'(z_j^l)",
        _check_24_da_dz,
        what="derivative of the activation",
    ),
    Entry(
        "001",
        "§2.4 (dz/da)",
        r"\frac{\partial z_i^{l+1}}{\partial a_j^l} = w_{j,i}^{l+1}",
        _check_24_dz_da,
        what="the result of the bracket's derivative",
    ),
    Entry(
        "001",
        "§2.4 (the bracket)",
        r"\sum_{p=0}^{n^{l+1}} a_p^l \cdot w_{p,i}^{l+1} + b_p^{l+1}",
        _check_24_bracket,
        what="the expression differentiated, read as z_i^{l+1} (p over the neurons of layer l; n^1 = n^2 here)",
        corrected=r"z_i^{l+1} = \sum_{p} a_p^l \cdot w_{p,i}^{l+1} + b_i^{l+1}",
        corrected_check=_check_24_bracket_fixed,
        note="b_p^{l+1} carries the summation index, so the sum adds the biases of every neuron; the bias of "
        "neuron i belongs outside the sum. Its derivative with respect to a_j^l (the entry above) is "
        "unaffected. The upper limit n^{l+1} counts layer l+1, the sum runs over layer l",
    ),
    Entry(
        "001",
        "§2.4 (dE/da)",
        r"\frac{\partial E}{\partial a_j^l} = \sum_{i=0}^{n^{l+1}} \delta_i^{l+1} \cdot w_{j,i}^{l+1}",
        _check_24_dE_da,
        what="sensitivity to an activation of a hidden layer",
    ),
    Entry(
        "001",
        "§2.4 (delta^l)",
        r"\delta_j^l = \left[\sum_{i=0}^{n^{l+1}} \delta_i^{l+1} \cdot w_{j,i}^{l+1} \right] \cdot \sigma'(z_j^l)",
        _check_24_delta_l,
        what="error of a hidden layer (also printed in §2.5.3)",
    ),
    Entry(
        "001",
        "§2.5.1 (scalar)",
        r"\delta_j^L = (z_j^L - y_j) \cdot \sigma'(a_j^L)",
        _check_251_scalar,
        what="error of the last layer",
        corrected=r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L)",
        corrected_check=_check_24_deltaL_fixed,
        note="z and a are swapped",
    ),
    Entry(
        "001",
        "§2.5.1 (vector)",
        r"\vec{\delta}^L = (\vec{z}^L - \vec{y}^L) \odot \sigma'(\vec{a}^L)",
        _check_251_vector,
        what="error of the last layer, vector form",
        corrected=r"\vec{\delta}^L = (\vec{a}^L - \vec{y}) \odot \sigma'(\vec{z}^L)",
        corrected_check=_check_251_fixed,
        note="z and a are swapped, as in the scalar line",
    ),
    Entry(
        "001",
        "§2.5.3 (rows)",
        r"\delta_0^l = (\delta_0^{l+1} \cdot w_{0,0}^{l+1} + \delta_1^{l+1} \cdot w_{0,1}^{l+1} + \dots + \delta_i^{l+1} \cdot w_{0,i}^{l+1}) \cdot \sigma'(z_0^l), \quad \delta_1^l = \dots",
        _check_253_rows,
        what="the expanded rows for neurons 0 and 1",
    ),
    Entry(
        "001",
        "§2.5.3 (vector)",
        r"\vec{\delta}^l = (W^{l+1})^T \cdot \vec{\delta}^{l+1} \odot \sigma'(\vec{z}^l)",
        _check_253_vector,
        what="error of a hidden layer, vector form",
    ),
    Entry(
        "001",
        "§2.6",
        r"A^l = \sigma(W^l \cdot A^{l-1} + \vec{b}^l)",
        _check_26,
        what="forward, batch (columns are samples, b^l added to every column)",
    ),
    Entry(
        "001",
        "§2.7.1 ([delta^L])",
        r"[\delta^L] = (Z^L - Y^L) \odot \sigma'(A^L)",
        _check_271_deltaL,
        what="error of the last layer, batch",
        corrected=r"[\delta^L] = (A^L - Y) \odot \sigma'(Z^L)",
        corrected_check=_check_271_deltaL_fixed,
        note="Z and A are swapped, as in §2.5.1",
    ),
    Entry(
        "001",
        "§2.7.1 ([delta^l])",
        r"[\delta^l] = (W^{l+1})^T \cdot [\delta^{l+1}] \odot \sigma'(A^l)",
        _check_271_delta_l,
        what="error of a hidden layer, batch ([delta^{l+1}] from autodiff)",
        corrected=r"[\delta^l] = (W^{l+1})^T \cdot [\delta^{l+1}] \odot \sigma'(Z^l)",
        corrected_check=_check_271_delta_l_fixed,
        note="sigma' takes the raw input Z^l (as in the vector form of §2.5.3), not the activation A^l. "
        "(sigma'(A^l) would be right only if it meant A^l (.) (1 - A^l), which is not how section 2.3 "
        "defines sigma')",
    ),
    Entry(
        "001",
        "§2.7.1 (dE/dB)",
        r"\Rightarrow \frac{\partial E}{\partial B^l} = [\delta^l]",
        _check_271_dB,
        what="bias gradient of the batch, E = sum_k E^k",
        corrected=r"\frac{\partial E}{\partial \vec{b}^l} = [\delta^l] \cdot \vec{1} = \sum_k \vec{\delta}^{l,k}",
        corrected_check=_check_271_dB_fixed,
        note="[delta^l] has one column per sample; its column k is dE^k/db^l, the gradient of one sample. "
        "The bias is one vector shared by the whole batch, so its gradient sums the columns, as §2.7.2 "
        "sums over k for the weights. With a single sample the two coincide",
    ),
    Entry(
        "001",
        "§2.7.2 (per sample)",
        r"\frac{\partial E^k}{\partial w_{j,i}^l} = \delta_i^{l,k} \cdot z_j^{l-1,k}",
        _check_272_dw_k,
        what="weight gradient of sample k (checked for l >= 2: z^0 is not defined)",
        corrected=r"\frac{\partial E^k}{\partial w_{j,i}^l} = \delta_i^{l,k} \cdot a_j^{l-1,k}",
        corrected_check=_check_272_dw_k_fixed,
        note="the activation a^{l-1}, not the raw input z^{l-1}, multiplies the weight (§2.4 has it right, and "
        "so do the two example sums and the matrix form below). For l = 1, reading z^0 as the input a^0 "
        "it would agree",
    ),
    Entry(
        "001",
        "§2.7.2 (example sums)",
        r"\frac{\partial E}{\partial w_{0,0}^l} = \sum_{k=0}^N \delta_0^{l,k} \cdot a_0^{l-1,k}, \quad \frac{\partial E}{\partial w_{1,0}^l} = \sum_{k=0}^N \delta_0^{l,k} \cdot a_1^{l-1,k}",
        _check_272_sums,
        what="summed over the samples of the batch (k over the N samples)",
    ),
    Entry(
        "001",
        "§2.7.2 (matrix)",
        r"\Rightarrow \frac{\partial E}{\partial W^l} = [\delta^l] \cdot (A^{l-1})^T",
        _check_272_matrix,
        what="weight gradient of the batch; entry [i, j] is dE/dw_{j,i}^l, as W^l in §1.3",
    ),
]

# Printed things that are not a formula to evaluate, or whose reading the numbers cannot decide.
REMARKS = [
    (
        "§1.2 and §2.4: sums run 'from 0 to n^1' (or n^{l+1}) over the neurons of the previous layer; with "
        "neurons numbered from 0 the upper limit should be the previous layer's size minus one. Read as 'over "
        "all neurons of that layer' (as the example line of §1.2 does), the sums are checked above."
    ),
    (
        "§2.2: w -> w - eta/N sum_{k=0}^N dE^k/dw (also §2.7.2's example sums) lists k = 0..N, N + 1 samples "
        "for N = 'Anzahl der Trainingsbeispiele'; k = 0..N-1 is meant. With that, the step is gradient descent "
        "on the mean loss 1/N sum_k E^k."
    ),
]
