"""The five documents of ``seeds/``, each in its own notation, and every printed gradient formula checked.

Two parts:

1. Each document's derivation as numpy functions a reader can hold against the page, in the document's own
   letters and index order (``sanderson_*`` for 000, ``zollner_*`` for 001, ``reinbott_*`` for 002,
   ``tensor_form_*`` for 003, ``lecture_*`` for 004). These are the *correct* forms.

2. ``ENTRIES``: one entry per printed formula, transcribed exactly as printed (the LaTeX of the seed text where
   it survived), with document and section. ``documents_report()`` evaluates every entry on random networks and
   compares it with the engine's autodiff on the same network: agrees / does not agree, by how much, for which
   entries; where a formula does not agree, the entry also gives the corrected form, and the report shows that the
   corrected form agrees. The transcriptions are never adjusted to pass; the numbers decide.

Documents 000 and 003 lost their formula images in the text we have. Their entries are reconstructed from the
sources the documents name and say so: 000 from Grant Sanderson, 3Blue1Brown, "Backpropagation calculus" (Deep
learning, chapter 4), whose notation the document says it uses; 003 is the German translation of the Data Science
Stack Exchange question 18279, "Deriving backpropagation equations 'natively' in tensor form".

Index conventions differ between the documents, and every entry keeps its document's:

    000  w_jk^(L): j = neuron in layer L (target), k = neuron in layer L-1 (source)   [the matrix W of nn]
    001  w_{j,i}^l: j = neuron in layer l-1 (source), i = neuron in layer l (target)  (section 1.2: z_0^1 uses
         w_{0,0}^1, w_{1,0}^1), while the matrix W^l of section 1.3 has w_{j,i}^l in row i, column j
    002  W_1 in R^{l x n}, W_2 in R^{d x l}; W_{2,k,.} is row k; no biases
    003  W_ij^(k): i = neuron in layer k (source), j = neuron in layer k+1 (target); the vector form's matrix
         W^(k) therefore holds W_ij^(k) in row j, column i
    004  V (first layer), W (second), w_kj: k = output neuron, j = hidden neuron; v_ji: j hidden, i input
"""

# ruff: noqa: E741, E501  (l is the layer index, as in every document; the transcriptions are kept on one line)
from __future__ import annotations

import math

import numpy as np

from autograd_mini import Value

__all__ = [
    "ENTRIES",
    "DocumentsReport",
    "Entry",
    "EntryResult",
    "documents_report",
    "lecture_gradients",
    "reinbott_gradients",
    "sanderson_chain_gradients",
    "sanderson_general_gradients",
    "tensor_form_gradients",
    "zollner_batch_gradients",
    "zollner_gradients",
]

# ---------------------------------------------------------------------------------------------------------------
# The documents' sigma, written as each prints it.


def sigma(x):
    """sigma(x) = 1 / (1 + e^{-x})  (document 001, section 1.2 and 2.3; document 002, Satz 3)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def sigma_prime(x):
    """sigma'(x) = sigma(x) (1 - sigma(x))  (document 001, section 2.3, last line)."""
    s = sigma(x)
    return s * (1.0 - s)


def sigma_004(x):
    """sigma(x) = e^x / (1 + e^x)  (document 004, page 2, with the author's own question mark)."""
    e = np.exp(np.asarray(x, dtype=np.float64))
    return e / (1.0 + e)


def tanh_prime(x):
    return 1.0 - np.tanh(x) ** 2


# ---------------------------------------------------------------------------------------------------------------
# Part 1: each document's derivation, correct, in its own notation.


def sanderson_chain_gradients(w, b, x, y):
    """Document 000, simple network (one neuron per layer), Grant Sanderson's notation, sigmoid, C_0 = (a^(L) - y)^2.

    ``w[l]``, ``b[l]`` for l = 1..L (index 0 unused), input a^(0) = x. Returns (dC0/dw, dC0/db), lists by layer:

        z^(l) = w^(l) a^(l-1) + b^(l),   a^(l) = sigma(z^(l))
        dC0/da^(L) = 2 (a^(L) - y)
        dC0/dw^(l) = a^(l-1) sigma'(z^(l)) dC0/da^(l)      dC0/db^(l) = sigma'(z^(l)) dC0/da^(l)
        dC0/da^(l-1) = w^(l) sigma'(z^(l)) dC0/da^(l)      (the "Iteration" for L-1, L-2, ...)
    """
    L = len(w) - 1
    a, z = [float(x)] + [0.0] * L, [None] + [0.0] * L
    for l in range(1, L + 1):
        z[l] = w[l] * a[l - 1] + b[l]
        a[l] = float(sigma(z[l]))
    dC_da = 2.0 * (a[L] - y)
    dw, db = [None] * (L + 1), [None] * (L + 1)
    for l in range(L, 0, -1):
        sp = float(sigma_prime(z[l]))
        dw[l] = a[l - 1] * sp * dC_da
        db[l] = sp * dC_da
        dC_da = w[l] * sp * dC_da
    return dw, db


def sanderson_general_gradients(W, b, x, y):
    """Document 000, general network: z_j^(l) = sum_k w_jk^(l) a_k^(l-1) + b_j^(l), C_0 = sum_j (a_j^(L) - y_j)^2.

        dC0/dw_jk^(l) = a_k^(l-1) sigma'(z_j^(l)) dC0/da_j^(l)
        dC0/da_k^(l-1) = sum_j w_jk^(l) sigma'(z_j^(l)) dC0/da_j^(l)      ("die Summe aller Einfluesse")
    ``W[l][j, k] = w_jk^(l)``. Returns (dW, db) lists by layer.
    """
    L = len(W) - 1
    a, z = [np.asarray(x, dtype=np.float64)], [None]
    for l in range(1, L + 1):
        z.append(W[l] @ a[l - 1] + b[l])
        a.append(sigma(z[l]))
    dC_da = 2.0 * (a[L] - np.asarray(y, dtype=np.float64))
    dW, db = [None] * (L + 1), [None] * (L + 1)
    for l in range(L, 0, -1):
        s = sigma_prime(z[l]) * dC_da  # sigma'(z_j^(l)) dC0/da_j^(l), one number per j
        dW[l] = np.outer(s, a[l - 1])  # [j, k] = a_k^(l-1) sigma'(z_j^(l)) dC0/da_j^(l)
        db[l] = s
        dC_da = W[l].T @ s  # sum_j w_jk^(l) sigma'(z_j^(l)) dC0/da_j^(l)
    return dW, db


def zollner_gradients(W, b, x, y):
    """Document 001, one sample, in its scalar form (sections 2.4, 2.5.3); sigmoid, E = 1/2 sum_j (y_j - a_j^L)^2.

    ``W[l]`` is the matrix of section 1.3 (row i = neuron i of layer l), so w_{j,i}^l = W[l][i, j].

        delta_j^L = (a_j^L - y_j) sigma'(z_j^L)          (corrected: section 2.4 prints an extra (1 - sigma(z_j^L)))
        delta_j^l = [sum_i delta_i^{l+1} w_{j,i}^{l+1}] sigma'(z_j^l)
        dE/dw_{j,i}^l = delta_i^l a_j^{l-1},   dE/db_j^l = delta_j^l
    Returns (dE/dw as lists indexed [l][j][i] in the document's order, dE/db[l][j]).
    """
    L = len(W) - 1
    a, z = [np.asarray(x, dtype=np.float64)], [None]
    for l in range(1, L + 1):
        z.append(W[l] @ a[l - 1] + b[l])  # z^l = W^l a^{l-1} + b^l (section 1.3, with z and a in their places)
        a.append(sigma(z[l]))
    delta = [None] * (L + 1)
    delta[L] = (a[L] - y) * sigma_prime(z[L])
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


def zollner_batch_gradients(W, b, X, Y):
    """Document 001, sections 2.6-2.7, corrected: columns are samples k, E = sum_k E^k.

    A^l = sigma(W^l A^{l-1} + b^l)
    [delta^L] = (A^L - Y) (.) sigma'(Z^L)               (printed: (Z^L - Y^L) (.) sigma'(A^L))
    [delta^l] = (W^{l+1})^T [delta^{l+1}] (.) sigma'(Z^l)   (printed: sigma'(A^l))
    dE/dW^l = [delta^l] (A^{l-1})^T,   dE/db^l = [delta^l] 1   (printed: dE/dB^l = [delta^l])
    """
    L = len(W) - 1
    A, Z = [np.asarray(X, dtype=np.float64)], [None]
    for l in range(1, L + 1):
        Z.append(W[l] @ A[l - 1] + b[l][:, None])
        A.append(sigma(Z[l]))
    D = [None] * (L + 1)
    D[L] = (A[L] - Y) * sigma_prime(Z[L])
    for l in range(L - 1, 0, -1):
        D[l] = (W[l + 1].T @ D[l + 1]) * sigma_prime(Z[l])
    return [None] + [D[l] @ A[l - 1].T for l in range(1, L + 1)], [None] + [D[l].sum(axis=1) for l in range(1, L + 1)]


def reinbott_gradients(W1, W2, x, y):
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


def tensor_form_gradients(W, b, x, grad_a_out, f="tanh"):
    """Document 003 (the question's vector form): z^(k+1) = W^(k) a^(k) + b^(k), a^(k+1) = f(z^(k+1)).

        nabla z^(k+1) = nabla a^(k+1) (.) f'(z^(k+1))
        nabla a^(k)   = W^(k)T nabla z^(k+1)
        nabla W^(k)   = nabla z^(k+1) (a^(k))^T          (and nabla b^(k) = nabla z^(k+1))
    Layers counted from k = 0 (the input); ``W[k]`` maps layer k to k+1. ``grad_a_out`` = dE/da at the output.
    Returns (nabla W, nabla b, nabla a) lists indexed by k.
    """
    fn, fprime = (np.tanh, tanh_prime) if f == "tanh" else (sigma, sigma_prime)
    K = len(W)
    a, z = [np.asarray(x, dtype=np.float64)], [None]
    for k in range(K):
        z.append(W[k] @ a[k] + b[k])
        a.append(fn(z[k + 1]))
    grad_a = [None] * (K + 1)
    grad_a[K] = np.asarray(grad_a_out, dtype=np.float64)
    gW, gb = [None] * K, [None] * K
    for k in range(K - 1, -1, -1):
        gz = grad_a[k + 1] * fprime(z[k + 1])
        gW[k] = np.outer(gz, a[k])
        gb[k] = gz
        grad_a[k] = W[k].T @ gz
    return gW, gb, grad_a


def lecture_gradients(V, b, W, c, X, Zbar):
    """Document 004, page 10, corrected; K = sum_i ||z^(i) - zbar^(i)||^2 over the data (columns of X, Zbar).

        yhat = V x + b, y = sigma(yhat), zhat = W y + c, z = sigma(zhat)
        [1] delta_k = dK/dz_k sigma'(zhat_k)      [2] gamma_j = (W^T delta)_j sigma'(yhat_j)
        [3] dK/dc_k = delta_k,  dK/db_j = gamma_j
        [4] dK/dw_kj = y_j delta_k (printed: gamma_j delta_k),  dK/dv_ji = x_i gamma_j
    with each data point's contribution summed. Returns dict with "V", "b", "W", "c".
    """
    X, Zbar = np.asarray(X, dtype=np.float64), np.asarray(Zbar, dtype=np.float64)
    yhat = V @ X + b[:, None]
    y = sigma_004(yhat)
    zhat = W @ y + c[:, None]
    z = sigma_004(zhat)
    sp = lambda t: sigma_004(t) * (1.0 - sigma_004(t))
    delta = 2.0 * (z - Zbar) * sp(zhat)  # [1], dK/dz_k = 2 (z_k - zbar_k)
    gamma = (W.T @ delta) * sp(yhat)  # [2]
    return {"V": gamma @ X.T, "b": gamma.sum(axis=1), "W": delta @ y.T, "c": delta.sum(axis=1)}


# ---------------------------------------------------------------------------------------------------------------
# The autodiff reference: the same network built from engine Values, E (or C_0, d_MSE, K) summed over the samples,
# one backward pass. Every z and a is a node, so z.grad = dE/dz (the delta) and a.grad = dE/da come for free.

_VALUE_ACT = {"sigmoid": Value.sigmoid, "tanh": Value.tanh, "relu": Value.relu, "linear": None}


class _Ref:
    """Autodiff results as numpy arrays: z[l], a[l], delta[l] (= dE/dz^l), da[l] (= dE/da^l), dW[l], db[l], E."""


def _autodiff(W, b, act, X, Y, loss):
    """W[l] (n_l x n_{l-1}) for l = 1..L, b[l] or None (no biases), act: name for every layer, X, Y column-wise."""
    L = len(W) - 1
    X, Y = np.atleast_2d(X), np.atleast_2d(Y)
    N = X.shape[1]
    Wv = [None] + [[[Value(float(W[l][j, i])) for i in range(W[l].shape[1])] for j in range(W[l].shape[0])]
                   for l in range(1, L + 1)]  # fmt: skip
    bv = [None] + [None if b is None else [Value(float(v)) for v in b[l]] for l in range(1, L + 1)]
    f = _VALUE_ACT[act]
    zs = [[None] * N for _ in range(L + 1)]
    As = [[None] * N for _ in range(L + 1)]
    total = None
    for k in range(N):
        a = [Value(float(v)) for v in X[:, k]]
        As[0][k] = a
        for l in range(1, L + 1):
            z = []
            for j, row in enumerate(Wv[l]):
                s = row[0] * a[0]
                for i in range(1, len(row)):
                    s = s + row[i] * a[i]
                if bv[l] is not None:
                    s = s + bv[l][j]
                # z and a must be distinct nodes so that both grads are kept: a linear layer gets a = z * 1
                z.append(s)
            a = [f(s) if f is not None else s * 1.0 for s in z]
            zs[l][k], As[l][k] = z, a
        sq = [(aj - float(yj)) ** 2 for aj, yj in zip(a, Y[:, k], strict=True)]
        e = sq[0]
        for t in sq[1:]:
            e = e + t
        e = 0.5 * e if loss == "half_sse" else e
        total = e if total is None else total + e
    total.backward()
    r = _Ref()
    r.E = total.data
    grid = lambda nodes, attr: np.array([[getattr(v, attr) for v in col] for col in nodes]).T  # n x N
    r.z = [None] + [grid(zs[l], "data") for l in range(1, L + 1)]
    r.delta = [None] + [grid(zs[l], "grad") for l in range(1, L + 1)]
    r.a = [grid(As[l], "data") for l in range(L + 1)]
    r.da = [grid(As[l], "grad") for l in range(L + 1)]
    r.dW = [None] + [np.array([[w.grad for w in row] for row in Wv[l]]) for l in range(1, L + 1)]
    r.db = [None] + [None if bv[l] is None else np.array([v.grad for v in bv[l]]) for l in range(1, L + 1)]
    return r


def _d_dx(expr, x):
    """d expr / dx by autodiff, expr a function of one Value (for sigma' and the gradient example)."""
    v = Value(float(x))
    expr(v).backward()
    return v.grad


def _sigmoid_written_out(v):
    # 1 / (1 + e^{-x}) from exp, + and / (not the engine's sigmoid rule, which itself quotes document 001 section 2.3)
    return 1.0 / (1.0 + (-v).exp())


# ---------------------------------------------------------------------------------------------------------------
# Cases: random networks in each document's setting.


class _Case:
    pass


def _case_000(seed):
    rng = np.random.default_rng(1000 + seed)
    c = _Case()
    # simple network: a^(0) -> a^(1) -> a^(2) -> a^(3) = a^(L), one neuron each (3 weights, 3 biases, as in the video)
    c.w = [None] + list(rng.normal(0, 1.5, 3))
    c.b = [None] + list(rng.normal(0, 0.5, 3))
    c.x, c.y = float(rng.normal()), float(rng.uniform())
    c.chain = _autodiff([None] + [np.array([[w]]) for w in c.w[1:]], [None] + [np.array([v]) for v in c.b[1:]],
                        "sigmoid", np.array([[c.x]]), np.array([[c.y]]), "sse")  # fmt: skip
    # general network, sizes 3 -> 4 -> 3 -> 2
    sizes = [3, 4, 3, 2]
    c.W = [None] + [rng.normal(0, 1, (sizes[l], sizes[l - 1])) for l in range(1, 4)]
    c.bv = [None] + [rng.normal(0, 0.5, sizes[l]) for l in range(1, 4)]
    c.xv, c.yv = rng.normal(0, 1, 3), rng.uniform(0, 1, 2)
    c.gen = _autodiff(c.W, c.bv, "sigmoid", c.xv[:, None], c.yv[:, None], "sse")
    return c


def _case_001(seed):
    rng = np.random.default_rng(1001 + seed)
    c = _Case()
    # two inputs as in the picture of section 1.1 / the example of section 1.2; layers 1 and 2 of equal size so
    # that the bracket of section 2.4 can be read literally; N = 4 samples for the batch sections
    c.sizes = [2, 3, 3, 2]
    c.L = 3
    c.W = [None] + [rng.normal(0, 1, (c.sizes[l], c.sizes[l - 1])) for l in range(1, 4)]
    c.b = [None] + [rng.normal(0, 0.5, c.sizes[l]) for l in range(1, 4)]
    c.N = 4
    c.X = rng.normal(0, 1, (2, c.N))
    c.Y = rng.uniform(0, 1, (2, c.N))
    c.batch = _autodiff(c.W, c.b, "sigmoid", c.X, c.Y, "half_sse")
    c.per = [_autodiff(c.W, c.b, "sigmoid", c.X[:, k : k + 1], c.Y[:, k : k + 1], "half_sse") for k in range(c.N)]
    c.r = c.per[0]  # one sample (k = 0) for the per-sample sections
    return c


def _case_002(seed):
    rng = np.random.default_rng(1002 + seed)
    c = _Case()
    # n = l (3 inputs, hidden layer of 3) so that the printed W_{1,k,.} h (a row of W_1, length n, times h,
    # length l) is defined at all; d = 2 outputs
    c.n, c.l, c.d = 3, 3, 2
    c.W1 = rng.normal(0, 1, (c.l, c.n))
    c.W2 = rng.normal(0, 1, (c.d, c.l))
    c.x = rng.normal(0, 1, c.n)
    c.y = rng.uniform(0, 1, c.d)
    c.r = _autodiff([None, c.W1, c.W2], None, "sigmoid", c.x[:, None], c.y[:, None], "sse")
    c.h = c.r.a[1][:, 0]
    c.f = c.r.a[2][:, 0]
    return c


def _case_003(seed):
    rng = np.random.default_rng(1003 + seed)
    c = _Case()
    c.sizes = [3, 4, 2]  # layers k = 0, 1, 2
    c.M = [None] + [rng.normal(0, 1, (c.sizes[l], c.sizes[l - 1])) for l in (1, 2)]  # vector-form W^(k) at [k+1]
    c.b = [None] + [rng.normal(0, 0.5, c.sizes[l]) for l in (1, 2)]
    c.x = rng.normal(0, 1, 3)
    c.y = rng.uniform(-1, 1, 2)
    c.r = _autodiff(c.M, c.b, "tanh", c.x[:, None], c.y[:, None], "half_sse")
    return c


def _case_004(seed):
    rng = np.random.default_rng(1004 + seed)
    c = _Case()
    c.n_in, c.n_hid, c.n_out = 3, 4, 2
    c.V = rng.normal(0, 1, (c.n_hid, c.n_in))
    c.bb = rng.normal(0, 0.5, c.n_hid)
    c.W = rng.normal(0, 1, (c.n_out, c.n_hid))
    c.c = rng.normal(0, 0.5, c.n_out)
    c.N = 3
    c.X = rng.normal(0, 1, (c.n_in, c.N))
    c.Zbar = rng.uniform(0, 1, (c.n_out, c.N))
    c.all = _autodiff([None, c.V, c.W], [None, c.bb, c.c], "sigmoid", c.X, c.Zbar, "sse")
    # one data point i = 0: K^(0) = ||z^(0) - zbar^(0)||^2, the term that page 10's per-input deltas belong to
    c.r = _autodiff([None, c.V, c.W], [None, c.bb, c.c], "sigmoid", c.X[:, :1], c.Zbar[:, :1], "sse")
    # the square case for the index typo of (26): as many hidden neurons as inputs (both are "n" on the page)
    c.Vsq = rng.normal(0, 1, (3, 3))
    c.bsq = rng.normal(0, 0.5, 3)
    c.xsq = rng.normal(0, 1, 3)
    c.xs = np.linspace(-8.0, 8.0, 9)
    c.grad_points = [tuple(p) for p in rng.uniform(-2, 2, (4, 2))]
    return c


_CASES = {"000": _case_000, "001": _case_001, "002": _case_002, "003": _case_003, "004": _case_004}

# ---------------------------------------------------------------------------------------------------------------
# Entries.


class Entry:
    """One printed formula: where it is, how it is printed, how to evaluate it, and (if wrong) the corrected form.

    ``check(case)`` returns a list of (label, printed value(s), autodiff value(s)); arrays are compared element by
    element, and an element that disagrees is reported as ``label[index]``. ``corrected_check`` likewise for the
    corrected form; ``variants`` are (description, check) pairs of partial corrections, reported too.
    """

    def __init__(self, doc, section, printed, check, *, what="", corrected=None, corrected_check=None,
                 note="", reconstructed=None, variants=()):  # fmt: skip
        self.doc = doc
        self.section = section
        self.printed = printed
        self.check = check
        self.what = what
        self.corrected = corrected
        self.corrected_check = corrected_check
        self.note = note
        self.reconstructed = reconstructed
        self.variants = tuple(variants)

    @property
    def id(self):
        return f"{self.doc} {self.section}"

    def __repr__(self):
        return f"Entry({self.id!r}, {self.printed!r})"


_RECON_000 = (
    "reconstructed: the formula images of 000 did not survive; the formula is taken from the source the document "
    "names and whose notation it says it uses, Grant Sanderson, 3Blue1Brown, 'Backpropagation calculus' (Deep "
    "learning, chapter 4)"
)
_RECON_003 = (
    "reconstructed: the formula images of 003 did not survive; the formula is taken from the question the German "
    'text translates, Data Science Stack Exchange 18279, \'Deriving backpropagation equations "natively" in '
    "tensor form' (the '???' placeholders the asker left for the missing middle steps are not part of it)"
)


def _sp(z):
    return sigma_prime(z)


# -- 000 ---------------------------------------------------------------------------------------------------------


def _c000_w_L(c):
    r = c.chain
    a, z = r.a, r.z
    printed = a[2][0, 0] * _sp(z[3][0, 0]) * 2 * (a[3][0, 0] - c.y)
    return [("dC0/dw^(L)", printed, r.dW[3][0, 0])]


def _c000_b_L(c):
    r = c.chain
    printed = _sp(r.z[3][0, 0]) * 2 * (r.a[3][0, 0] - c.y)
    return [("dC0/db^(L)", printed, r.db[3][0])]


def _c000_a_Lm1(c):
    r = c.chain
    printed = c.w[3] * _sp(r.z[3][0, 0]) * 2 * (r.a[3][0, 0] - c.y)
    return [("dC0/da^(L-1)", printed, r.da[2][0, 0])]


def _c000_iter(c):
    r = c.chain
    a, z = r.a, r.z
    out = []
    # dC0/dw^(L-1) = a^(L-2) sigma'(z^(L-1)) w^(L) sigma'(z^(L)) 2 (a^(L) - y), and one step further for w^(L-2)
    p1 = a[1][0, 0] * _sp(z[2][0, 0]) * c.w[3] * _sp(z[3][0, 0]) * 2 * (a[3][0, 0] - c.y)
    p2 = a[0][0, 0] * _sp(z[1][0, 0]) * c.w[2] * _sp(z[2][0, 0]) * c.w[3] * _sp(z[3][0, 0]) * 2 * (a[3][0, 0] - c.y)
    out.append(("dC0/dw^(L-1)", p1, r.dW[2][0, 0]))
    out.append(("dC0/dw^(L-2)", p2, r.dW[1][0, 0]))
    return out


def _c000_gen_w(c):
    r = c.gen
    a, z = r.a, r.z
    L = 3
    printed = np.array(
        [
            [a[L - 1][k, 0] * _sp(z[L][j, 0]) * 2 * (a[L][j, 0] - c.yv[j]) for k in range(a[L - 1].shape[0])]
            for j in range(a[L].shape[0])
        ]
    )
    return [("dC0/dw_jk^(L) [j, k]", printed, r.dW[L])]


def _c000_gen_a(c):
    r = c.gen
    a, z = r.a, r.z
    L = 3
    printed = np.array(
        [
            sum(c.W[L][j, k] * _sp(z[L][j, 0]) * 2 * (a[L][j, 0] - c.yv[j]) for j in range(a[L].shape[0]))
            for k in range(a[L - 1].shape[0])
        ]
    )
    return [("dC0/da_k^(L-1) [k]", printed, r.da[L - 1][:, 0])]


def _c000_gen_any(c):
    r = c.gen
    out = []
    for l in (1, 2):
        # dC0/dw_jk^(l) = a_k^(l-1) sigma'(z_j^(l)) dC0/da_j^(l), with dC0/da_j^(l) from autodiff
        printed = np.outer(_sp(r.z[l][:, 0]) * r.da[l][:, 0], r.a[l - 1][:, 0])
        out.append((f"dC0/dw_jk^({l}) [j, k]", printed, r.dW[l]))
    return out


# -- 001 ---------------------------------------------------------------------------------------------------------


def _w001(c, l, j, i):
    """w_{j,i}^l of document 001: j = neuron of layer l-1, i = neuron of layer l; section 1.3 puts it at W^l[i, j]."""
    return c.W[l][i, j]


def _c001_12_example(c):
    r = c.r
    a0 = r.a[0][:, 0]
    # z_0^1 = a_0^0 w_{0,0}^1 + a_1^0 w_{1,0}^1 + b^1, reading b^1 as the bias of neuron 0 of layer 1
    printed = a0[0] * _w001(c, 1, 0, 0) + a0[1] * _w001(c, 1, 1, 0) + c.b[1][0]
    return [("z_0^1", printed, r.z[1][0, 0])]


def _c001_13_forward(c):
    r = c.r
    # a^l = W^l z^{l-1} + b^l, for l >= 2 (z^0 does not exist: layer 0 has only the input a^0)
    return [(f"a^{l}", c.W[l] @ r.z[l - 1][:, 0] + c.b[l], r.a[l][:, 0]) for l in range(2, c.L + 1)]


def _c001_13_forward_fixed(c):
    r = c.r
    return [(f"a^{l}", sigma(c.W[l] @ r.a[l - 1][:, 0] + c.b[l]), r.a[l][:, 0]) for l in range(1, c.L + 1)]


def _c001_21(c):
    r = c.r
    return [("dE_j/da_j^L [j]", r.a[c.L][:, 0] - c.Y[:, 0], r.da[c.L][:, 0])]


def _c001_23(c):
    xs = np.linspace(-6.0, 6.0, 13)
    e = np.exp(-xs)
    ref = np.array([_d_dx(_sigmoid_written_out, x) for x in xs])
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


def _c001_24_dw(c):
    r = c.r
    out = []
    for l in range(1, c.L + 1):
        n_src, n_tgt = c.sizes[l - 1], c.sizes[l]
        # printed[j, i] = delta_i^l a_j^{l-1}; autodiff's dE/dw_{j,i}^l sits at dW^l[i, j] (row i = target)
        printed = np.array([[r.delta[l][i, 0] * r.a[l - 1][j, 0] for i in range(n_tgt)] for j in range(n_src)])
        out.append((f"dE/dw_{{j,i}}^{l} [j, i]", printed, r.dW[l].T))
    return out


def _c001_24_db(c):
    r = c.r
    return [(f"dE/db_j^{l} [j]", r.delta[l][:, 0], r.db[l]) for l in range(1, c.L + 1)]


def _c001_24_deltaL(c):
    r = c.r
    L = c.L
    a, z, y = r.a[L][:, 0], r.z[L][:, 0], c.Y[:, 0]
    return [("delta_j^L [j]", (a - y) * sigma_prime(z) * (1 - sigma(z)), r.delta[L][:, 0])]


def _c001_24_deltaL_fixed(c):
    r = c.r
    L = c.L
    return [("delta_j^L [j]", (r.a[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.z[L][:, 0]), r.delta[L][:, 0])]


def _c001_24_da_dz(c):
    r = c.r
    out = []
    for l in range(1, c.L + 1):
        zs = r.z[l][:, 0]
        out.append((f"da_j^{l}/dz_j^{l} [j]", sigma_prime(zs), np.array([_d_dx(_sigmoid_written_out, z) for z in zs])))
    return out


def _c001_24_dE_da(c):
    r = c.r
    out = []
    for l in range(1, c.L):
        n_next = c.sizes[l + 1]
        printed = np.array(
            [sum(r.delta[l + 1][i, 0] * _w001(c, l + 1, j, i) for i in range(n_next)) for j in range(c.sizes[l])]
        )
        out.append((f"dE/da_j^{l} [j]", printed, r.da[l][:, 0]))
    return out


def _c001_24_dz_da(c):
    out = []
    for l in range(1, c.L):
        # autodiff of z_i^{l+1} = sum_p a_p^l w_{p,i}^{l+1} + b_i^{l+1} with respect to the a_j^l (as leaves)
        a = [Value(float(v)) for v in c.r.a[l][:, 0]]
        jac = np.zeros((c.sizes[l + 1], c.sizes[l]))
        for i in range(c.sizes[l + 1]):
            zi = c.b[l + 1][i] + sum(
                (a[p] * _w001(c, l + 1, p, i) for p in range(1, len(a))), a[0] * _w001(c, l + 1, 0, i)
            )
            for v in a:
                v.grad = 0.0
            zi.backward()
            jac[i] = [v.grad for v in a]
        printed = np.array([[_w001(c, l + 1, j, i) for j in range(c.sizes[l])] for i in range(c.sizes[l + 1])])
        out.append((f"dz_i^{l + 1}/da_j^{l} [i, j]", printed, jac))
    return out


def _c001_24_bracket(c):
    r = c.r
    # the bracket as printed, read literally: sum over p of (a_p^l w_{p,i}^{l+1} + b_p^{l+1}), p over the
    # neurons of layer l (here n^1 = n^2 = 3, so b_p^{2} exists for every p)
    l = 1
    a = r.a[l][:, 0]
    printed = np.array(
        [sum(a[p] * _w001(c, l + 1, p, i) + c.b[l + 1][p] for p in range(c.sizes[l])) for i in range(c.sizes[l + 1])]
    )
    return [("z_i^2 [i]", printed, r.z[l + 1][:, 0])]


def _c001_24_bracket_fixed(c):
    r = c.r
    l = 1
    a = r.a[l][:, 0]
    printed = np.array(
        [sum(a[p] * _w001(c, l + 1, p, i) for p in range(c.sizes[l])) + c.b[l + 1][i] for i in range(c.sizes[l + 1])]
    )
    return [("z_i^2 [i]", printed, r.z[l + 1][:, 0])]


def _c001_24_delta_l(c):
    r = c.r
    out = []
    for l in range(1, c.L):
        printed = np.array(
            [
                sum(r.delta[l + 1][i, 0] * _w001(c, l + 1, j, i) for i in range(c.sizes[l + 1]))
                * sigma_prime(r.z[l][j, 0])
                for j in range(c.sizes[l])
            ]
        )
        out.append((f"delta_j^{l} [j]", printed, r.delta[l][:, 0]))
    return out


def _c001_251_scalar(c):
    r = c.r
    L = c.L
    return [("delta_j^L [j]", (r.z[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.a[L][:, 0]), r.delta[L][:, 0])]


def _c001_251_vector(c):
    r = c.r
    L = c.L
    return [("delta^L", (r.z[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.a[L][:, 0]), r.delta[L][:, 0])]


def _c001_251_fixed(c):
    r = c.r
    L = c.L
    return [("delta^L", (r.a[L][:, 0] - c.Y[:, 0]) * sigma_prime(r.z[L][:, 0]), r.delta[L][:, 0])]


def _c001_253_rows(c):
    r = c.r
    out = []
    for l in range(1, c.L):
        d = r.delta[l + 1][:, 0]
        n = c.sizes[l + 1]
        # delta_0^l = (delta_0^{l+1} w_{0,0}^{l+1} + delta_1^{l+1} w_{0,1}^{l+1} + ... + delta_i^{l+1} w_{0,i}^{l+1}) sigma'(z_0^l)
        d0 = sum(d[i] * _w001(c, l + 1, 0, i) for i in range(n)) * sigma_prime(r.z[l][0, 0])
        d1 = sum(d[i] * _w001(c, l + 1, 1, i) for i in range(n)) * sigma_prime(r.z[l][1, 0])
        out.append((f"delta_0^{l}", d0, r.delta[l][0, 0]))
        out.append((f"delta_1^{l}", d1, r.delta[l][1, 0]))
    return out


def _c001_253_vector(c):
    r = c.r
    return [
        (f"delta^{l}", (c.W[l + 1].T @ r.delta[l + 1][:, 0]) * sigma_prime(r.z[l][:, 0]), r.delta[l][:, 0])
        for l in range(1, c.L)
    ]


def _c001_26(c):
    r = c.batch
    return [(f"A^{l}", sigma(c.W[l] @ r.a[l - 1] + c.b[l][:, None]), r.a[l]) for l in range(1, c.L + 1)]


def _c001_271_deltaL(c):
    r = c.batch
    L = c.L
    return [("[delta^L]", (r.z[L] - c.Y) * sigma_prime(r.a[L]), r.delta[L])]


def _c001_271_deltaL_fixed(c):
    r = c.batch
    L = c.L
    return [("[delta^L]", (r.a[L] - c.Y) * sigma_prime(r.z[L]), r.delta[L])]


def _c001_271_delta_l(c):
    r = c.batch
    return [(f"[delta^{l}]", (c.W[l + 1].T @ r.delta[l + 1]) * sigma_prime(r.a[l]), r.delta[l]) for l in range(1, c.L)]


def _c001_271_delta_l_fixed(c):
    r = c.batch
    return [(f"[delta^{l}]", (c.W[l + 1].T @ r.delta[l + 1]) * sigma_prime(r.z[l]), r.delta[l]) for l in range(1, c.L)]


def _c001_271_dB(c):
    r = c.batch
    # printed: dE/dB^l = [delta^l], an n_l x N matrix; the gradient dE/db^l of E = sum_k E^k is one vector. Each
    # column of the printed matrix is compared with it.
    return [(f"dE/dB^{l} [j, k]", r.delta[l], np.repeat(r.db[l][:, None], c.N, axis=1)) for l in range(1, c.L + 1)]


def _c001_271_dB_fixed(c):
    r = c.batch
    return [(f"dE/db^{l} [j]", r.delta[l] @ np.ones(c.N), r.db[l]) for l in range(1, c.L + 1)]


def _c001_272_dw_k(c):
    out = []
    for k, p in enumerate(c.per):
        for l in range(2, c.L + 1):  # z^{l-1} exists from l = 2 on
            printed = np.array(
                [[p.delta[l][i, 0] * p.z[l - 1][j, 0] for i in range(c.sizes[l])] for j in range(c.sizes[l - 1])]
            )
            out.append((f"dE^{k}/dw_{{j,i}}^{l} [j, i]", printed, p.dW[l].T))
    return out


def _c001_272_dw_k_fixed(c):
    out = []
    for k, p in enumerate(c.per):
        for l in range(1, c.L + 1):
            printed = np.array(
                [[p.delta[l][i, 0] * p.a[l - 1][j, 0] for i in range(c.sizes[l])] for j in range(c.sizes[l - 1])]
            )
            out.append((f"dE^{k}/dw_{{j,i}}^{l} [j, i]", printed, p.dW[l].T))
    return out


def _c001_272_sums(c):
    r = c.batch
    out = []
    for l in range(1, c.L + 1):
        d, a = r.delta[l], r.a[l - 1]
        out.append((f"dE/dw_{{0,0}}^{l}", sum(d[0, k] * a[0, k] for k in range(c.N)), r.dW[l][0, 0]))
        out.append((f"dE/dw_{{1,0}}^{l}", sum(d[0, k] * a[1, k] for k in range(c.N)), r.dW[l][0, 1]))
    return out


def _c001_272_matrix(c):
    r = c.batch
    return [(f"dE/dW^{l}", r.delta[l] @ r.a[l - 1].T, r.dW[l]) for l in range(1, c.L + 1)]


# -- 002 ---------------------------------------------------------------------------------------------------------


def _c002_jacobian(c):
    xs = np.linspace(-6.0, 6.0, 7)
    printed = np.diag(np.exp(-xs) * sigma(xs) ** 2)
    ref = np.diag([_d_dx(_sigmoid_written_out, x) for x in xs])  # d sigma(x_i)/dx_j is 0 for i != j
    return [("J_sigma(x) [i, j]", printed, ref)]


def _c002_W2(c):
    h, f, W2 = c.h, c.f, c.W2
    printed = np.array([2 * (f[k] - c.y[k]) * np.exp(-W2[k] @ h) * sigma(W2[k] @ h) ** 2 * h for k in range(c.d)])
    return [("d/dW_{2,k,.} [k, .]", printed, c.r.dW[2])]


def _c002_W1_with(c, column, argument):
    h, f, W1, W2, x = c.h, c.f, c.W1, c.W2, c.x
    J2 = np.diag(np.exp(-(W2 @ h)) * sigma(W2 @ h) ** 2)
    g = 2 * (f - c.y) @ J2
    rows = []
    for k in range(c.l):
        col = np.ones(c.d) if column == "1_d" else W2[:, k]
        t = W1[k] @ (h if argument == "h" else x)
        rows.append((g @ col) * np.exp(-t) * sigma(t) ** 2 * x)
    return [("d/dW_{1,k,.} [k, .]", np.array(rows), c.r.dW[1])]


# -- 003 ---------------------------------------------------------------------------------------------------------


def _c003_s1(c):
    r = c.r
    return [(f"nabla z_j^({k + 1}) [j]", r.da[k + 1][:, 0] * tanh_prime(r.z[k + 1][:, 0]), r.delta[k + 1][:, 0])
            for k in (0, 1)]  # fmt: skip


def _c003_s2(c):
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


def _c003_s3(c):
    r = c.r
    out = []
    for k in (0, 1):
        printed = np.array(
            [[r.delta[k + 1][j, 0] * r.a[k][i, 0] for j in range(c.sizes[k + 1])] for i in range(c.sizes[k])]
        )
        out.append((f"nabla W_ij^({k}) [i, j]", printed, c.r.dW[k + 1].T))
    return out


def _c003_vforward(c):
    r = c.r
    return [(f"z^({k + 1})", c.M[k + 1] @ r.a[k][:, 0] + c.b[k + 1], r.z[k + 1][:, 0]) for k in (0, 1)]


def _c003_v1(c):
    r = c.r
    return [(f"nabla z^({k + 1})", r.da[k + 1][:, 0] * tanh_prime(r.z[k + 1][:, 0]), r.delta[k + 1][:, 0])
            for k in (0, 1)]  # fmt: skip


def _c003_v2(c):
    r = c.r
    return [(f"nabla a^({k})", c.M[k + 1].T @ r.delta[k + 1][:, 0], r.da[k][:, 0]) for k in (0, 1)]


def _c003_v3(c):
    r = c.r
    return [(f"nabla W^({k})", np.outer(r.delta[k + 1][:, 0], r.a[k][:, 0]), r.dW[k + 1]) for k in (0, 1)]


# -- 004 ---------------------------------------------------------------------------------------------------------


def _c004_sigma(c):
    ref = np.array([Value(float(x)).sigmoid().data for x in c.xs])  # the engine's sigmoid, 1/(1+e^-x)
    return [("sigma(x) at x = -8..8", sigma_004(c.xs), ref)]


def _c004_26(c):
    # with as many hidden neurons as inputs (the page calls both n), the last row n = 3 as printed:
    # yhat_n = V_{n1} x_n + V_{n2} x_n + ... + V_{ni} x_i + b_n, with i = n = 3 (no terms hidden in the dots)
    V, x, b = c.Vsq, c.xsq, c.bsq
    n = 3
    printed = V[n - 1, 0] * x[n - 1] + V[n - 1, 1] * x[n - 1] + V[n - 1, 2] * x[2] + b[n - 1]
    ref = _autodiff([None, V], [None, b], "linear", x[:, None], np.zeros((3, 1)), "sse").z[1][n - 1, 0]
    return [("yhat_n (n = 3)", printed, ref)]


def _c004_26_fixed(c):
    V, x, b = c.Vsq, c.xsq, c.bsq
    ref = _autodiff([None, V], [None, b], "linear", x[:, None], np.zeros((3, 1)), "sse").z[1][:, 0]
    return [("yhat_n [n]", np.array([sum(V[n, i] * x[i] for i in range(3)) + b[n] for n in range(3)]), ref)]


def _grad_f(p):
    x, y = Value(p[0]), Value(p[1])
    ((x**2 - y.sin()) * x).backward()
    return np.array([x.grad, y.grad])


def _c004_grad_example(c):
    out = []
    for p in c.grad_points:
        x, y = p
        ref = _grad_f(p)
        out.append((f"(df/dx, df/dy) at ({x:.2f}, {y:.2f})", np.array([2 * x - math.sin(y), -x * math.cos(y)]), ref))
    return out


def _c004_grad_example_fixed(c):
    out = []
    for p in c.grad_points:
        x, y = p
        ref = _grad_f(p)
        out.append((f"(df/dx, df/dy) at ({x:.2f}, {y:.2f})", np.array([3 * x**2 - math.sin(y), -x * math.cos(y)]), ref))
    return out


def _sp004(t):
    return sigma_004(t) * (1.0 - sigma_004(t))


def _c004_1(c):
    r = c.r
    dK_dz = r.da[2][:, 0]  # dK/dz_k from autodiff
    return [("delta_k [k]", dK_dz * _sp004(r.z[2][:, 0]), r.delta[2][:, 0])]


def _c004_2(c):
    r = c.r
    return [("gamma_j [j]", (c.W.T @ r.delta[2][:, 0]) * _sp004(r.z[1][:, 0]), r.delta[1][:, 0])]


def _c004_3c(c):
    r = c.r
    return [("dK/dc_k [k]", r.delta[2][:, 0], r.db[2])]


def _c004_3b(c):
    r = c.r
    return [("dK/db_j [j]", r.delta[1][:, 0], r.db[1])]


def _c004_4w(c):
    r = c.r
    gamma, delta = r.delta[1][:, 0], r.delta[2][:, 0]
    return [("dK/dw_kj [k, j]", np.outer(delta, gamma), r.dW[2])]


def _c004_4w_fixed(c):
    r = c.r
    y, delta = r.a[1][:, 0], r.delta[2][:, 0]
    out = [("dK/dw_kj [k, j]", np.outer(delta, y), r.dW[2])]
    # and summed over the data (K = sum_i ...): sum_i y_j^(i) delta_k^(i)
    out.append(("dK/dw_kj over the data [k, j]", c.all.delta[2] @ c.all.a[1].T, c.all.dW[2]))
    return out


def _c004_4v(c):
    r = c.r
    return [("dK/dv_ji [j, i]", np.outer(r.delta[1][:, 0], c.X[:, 0]), r.dW[1])]


# -- the list ----------------------------------------------------------------------------------------------------

ENTRIES = [
    # 000: Grant Sanderson's notation, C_0 = (a^(L) - y)^2, sigmoid
    Entry(
        "000",
        "Simples Netzwerk, Ableitung nach w^(L)",
        r"\frac{\partial C_0}{\partial w^{(L)}} = \frac{\partial z^{(L)}}{\partial w^{(L)}} \frac{\partial a^{(L)}}{\partial z^{(L)}} \frac{\partial C_0}{\partial a^{(L)}} = a^{(L-1)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _c000_w_L,
        what="last weight of the one-neuron-per-layer chain",
        reconstructed=_RECON_000,
    ),
    Entry(
        "000",
        "Simples Netzwerk, Ableitung nach b^(L)",
        r"\frac{\partial C_0}{\partial b^{(L)}} = 1 \cdot \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _c000_b_L,
        what="last bias of the chain",
        reconstructed=_RECON_000,
    ),
    Entry(
        "000",
        "Simples Netzwerk, Ableitung nach a^(L-1)",
        r"\frac{\partial C_0}{\partial a^{(L-1)}} = w^{(L)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _c000_a_Lm1,
        what="sensitivity to the previous activation",
        reconstructed=_RECON_000,
    ),
    Entry(
        "000",
        "Iteration fuer L-1, L-2, ...",
        r"\frac{\partial C_0}{\partial w^{(L-1)}} = a^{(L-2)} \sigma'(z^{(L-1)}) \, w^{(L)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
        _c000_iter,
        what="the chain one and two layers further back",
        reconstructed=_RECON_000,
    ),
    Entry(
        "000",
        "Generelles Netzwerk, Ableitung nach w_jk^(L)",
        r"\frac{\partial C_0}{\partial w_{jk}^{(L)}} = a_k^{(L-1)} \sigma'(z_j^{(L)}) 2(a_j^{(L)} - y_j)",
        _c000_gen_w,
        what="several neurons per layer, C_0 = sum_j (a_j^(L) - y_j)^2",
        reconstructed=_RECON_000,
    ),
    Entry(
        "000",
        "Generelles Netzwerk, Ableitung nach a_k^(L-1)",
        r"\frac{\partial C_0}{\partial a_k^{(L-1)}} = \sum_{j=0}^{n_L - 1} w_{jk}^{(L)} \sigma'(z_j^{(L)}) 2(a_j^{(L)} - y_j)",
        _c000_gen_a,
        what="the sum of all influences",
        reconstructed=_RECON_000,
    ),
    Entry(
        "000",
        "Bezueglich eines beliebigen Layers",
        r"\frac{\partial C_0}{\partial w_{jk}^{(l)}} = a_k^{(l-1)} \sigma'(z_j^{(l)}) \frac{\partial C_0}{\partial a_j^{(l)}}",
        _c000_gen_any,
        what="any layer l (dC0/da_j^(l) taken from autodiff)",
        reconstructed=_RECON_000,
    ),
    # 001: Zollner, E = 1/2 sum (y_j - a_j^L)^2, sigmoid
    Entry(
        "001",
        "§1.2 (example)",
        r"z_0^1 = a_0^0 \cdot w_{0,0}^1 + a_1^0 \cdot w_{1,0}^1 + b^1",
        _c001_12_example,
        what="forward: the raw input of neuron 0 of layer 1 (b^1 read as b_0^1)",
    ),
    Entry(
        "001",
        "§1.3",
        r"\vec{a}^l = W^l \cdot \vec{z}^{l-1} + \vec{b}^l",
        _c001_13_forward,
        what="forward, vector form (checked for l >= 2: z^0 is not defined)",
        corrected=r"\vec{z}^l = W^l \cdot \vec{a}^{l-1} + \vec{b}^l, \quad \vec{a}^l = \sigma(\vec{z}^l)",
        corrected_check=_c001_13_forward_fixed,
        note="z and a are swapped; the expanded matrix lines repeat it",
    ),
    Entry("001", "§2.1", r"\frac{dE_j}{da_j^L} = (a_j^L - y_j)", _c001_21, what="derivative of the loss"),
    Entry(
        "001",
        "§2.3",
        r"\frac{d}{dx} \sigma(x) = \frac{0 \cdot (1 + e^{-x}) - 1 \cdot e^{-x} \cdot -1}{(1 + e^{-x})^2} = \dots = \sigma(x) \cdot (1 - \sigma(x))",
        _c001_23,
        what="every line of the sigmoid derivation, against autodiff of 1/(1 + exp(-x))",
    ),
    Entry(
        "001",
        "§2.4 (weights)",
        r"\frac{\partial E}{\partial w_{j,i}^l} = \delta_i^l \cdot a_j^{l-1}",
        _c001_24_dw,
        what="weight gradient; w_{j,i}^l from neuron j of layer l-1 to neuron i of layer l",
    ),
    Entry("001", "§2.4 (biases)", r"\frac{\partial E}{\partial b_j^l} = \delta_j^l", _c001_24_db, what="bias gradient"),
    Entry(
        "001",
        "§2.4 (delta^L)",
        r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L) \cdot (1 - \sigma(z_j^L))",
        _c001_24_deltaL,
        what="error of the last layer",
        corrected=r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L)",
        corrected_check=_c001_24_deltaL_fixed,
        note="the factor (1 - sigma(z_j^L)) is already inside sigma'(z_j^L) = sigma(z_j^L)(1 - sigma(z_j^L)); "
        "as printed it appears twice",
    ),
    Entry(
        "001",
        "§2.4 (da/dz)",
        r"\frac{\partial a_j^l}{\partial z_j^l} = \sigma'(z_j^l)",
        _c001_24_da_dz,
        what="derivative of the activation",
    ),
    Entry(
        "001",
        "§2.4 (dz/da)",
        r"\frac{\partial z_i^{l+1}}{\partial a_j^l} = w_{j,i}^{l+1}",
        _c001_24_dz_da,
        what="the result of the bracket's derivative",
    ),
    Entry(
        "001",
        "§2.4 (the bracket)",
        r"\sum_{p=0}^{n^{l+1}} a_p^l \cdot w_{p,i}^{l+1} + b_p^{l+1}",
        _c001_24_bracket,
        what="the expression differentiated, read as z_i^{l+1} (p over the neurons of layer l; n^1 = n^2 here)",
        corrected=r"z_i^{l+1} = \sum_{p} a_p^l \cdot w_{p,i}^{l+1} + b_i^{l+1}",
        corrected_check=_c001_24_bracket_fixed,
        note="b_p^{l+1} carries the summation index, so the sum adds the biases of every neuron; the bias of "
        "neuron i belongs outside the sum. Its derivative with respect to a_j^l (the entry above) is "
        "unaffected. The upper limit n^{l+1} counts layer l+1, the sum runs over layer l",
    ),
    Entry(
        "001",
        "§2.4 (dE/da)",
        r"\frac{\partial E}{\partial a_j^l} = \sum_{i=0}^{n^{l+1}} \delta_i^{l+1} \cdot w_{j,i}^{l+1}",
        _c001_24_dE_da,
        what="sensitivity to an activation of a hidden layer",
    ),
    Entry(
        "001",
        "§2.4 (delta^l)",
        r"\delta_j^l = \left[\sum_{i=0}^{n^{l+1}} \delta_i^{l+1} \cdot w_{j,i}^{l+1} \right] \cdot \sigma'(z_j^l)",
        _c001_24_delta_l,
        what="error of a hidden layer (also printed in §2.5.3)",
    ),
    Entry(
        "001",
        "§2.5.1 (scalar)",
        r"\delta_j^L = (z_j^L - y_j) \cdot \sigma'(a_j^L)",
        _c001_251_scalar,
        what="error of the last layer",
        corrected=r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L)",
        corrected_check=_c001_24_deltaL_fixed,
        note="z and a are swapped",
    ),
    Entry(
        "001",
        "§2.5.1 (vector)",
        r"\vec{\delta}^L = (\vec{z}^L - \vec{y}^L) \odot \sigma'(\vec{a}^L)",
        _c001_251_vector,
        what="error of the last layer, vector form",
        corrected=r"\vec{\delta}^L = (\vec{a}^L - \vec{y}) \odot \sigma'(\vec{z}^L)",
        corrected_check=_c001_251_fixed,
        note="z and a are swapped, as in the scalar line",
    ),
    Entry(
        "001",
        "§2.5.3 (rows)",
        r"\delta_0^l = (\delta_0^{l+1} \cdot w_{0,0}^{l+1} + \delta_1^{l+1} \cdot w_{0,1}^{l+1} + \dots + \delta_i^{l+1} \cdot w_{0,i}^{l+1}) \cdot \sigma'(z_0^l), \quad \delta_1^l = \dots",
        _c001_253_rows,
        what="the expanded rows for neurons 0 and 1",
    ),
    Entry(
        "001",
        "§2.5.3 (vector)",
        r"\vec{\delta}^l = (W^{l+1})^T \cdot \vec{\delta}^{l+1} \odot \sigma'(\vec{z}^l)",
        _c001_253_vector,
        what="error of a hidden layer, vector form",
    ),
    Entry(
        "001",
        "§2.6",
        r"A^l = \sigma(W^l \cdot A^{l-1} + \vec{b}^l)",
        _c001_26,
        what="forward, batch (columns are samples, b^l added to every column)",
    ),
    Entry(
        "001",
        "§2.7.1 ([delta^L])",
        r"[\delta^L] = (Z^L - Y^L) \odot \sigma'(A^L)",
        _c001_271_deltaL,
        what="error of the last layer, batch",
        corrected=r"[\delta^L] = (A^L - Y) \odot \sigma'(Z^L)",
        corrected_check=_c001_271_deltaL_fixed,
        note="Z and A are swapped, as in §2.5.1",
    ),
    Entry(
        "001",
        "§2.7.1 ([delta^l])",
        r"[\delta^l] = (W^{l+1})^T \cdot [\delta^{l+1}] \odot \sigma'(A^l)",
        _c001_271_delta_l,
        what="error of a hidden layer, batch ([delta^{l+1}] from autodiff)",
        corrected=r"[\delta^l] = (W^{l+1})^T \cdot [\delta^{l+1}] \odot \sigma'(Z^l)",
        corrected_check=_c001_271_delta_l_fixed,
        note="sigma' takes the raw input Z^l (as in the vector form of §2.5.3), not the activation A^l. "
        "(sigma'(A^l) would be right only if it meant A^l (.) (1 - A^l), which is not how section 2.3 "
        "defines sigma')",
    ),
    Entry(
        "001",
        "§2.7.1 (dE/dB)",
        r"\Rightarrow \frac{\partial E}{\partial B^l} = [\delta^l]",
        _c001_271_dB,
        what="bias gradient of the batch, E = sum_k E^k",
        corrected=r"\frac{\partial E}{\partial \vec{b}^l} = [\delta^l] \cdot \vec{1} = \sum_k \vec{\delta}^{l,k}",
        corrected_check=_c001_271_dB_fixed,
        note="[delta^l] has one column per sample; its column k is dE^k/db^l, the gradient of one sample. "
        "The bias is one vector shared by the whole batch, so its gradient sums the columns, as §2.7.2 "
        "sums over k for the weights. With a single sample the two coincide",
    ),
    Entry(
        "001",
        "§2.7.2 (per sample)",
        r"\frac{\partial E^k}{\partial w_{j,i}^l} = \delta_i^{l,k} \cdot z_j^{l-1,k}",
        _c001_272_dw_k,
        what="weight gradient of sample k (checked for l >= 2: z^0 is not defined)",
        corrected=r"\frac{\partial E^k}{\partial w_{j,i}^l} = \delta_i^{l,k} \cdot a_j^{l-1,k}",
        corrected_check=_c001_272_dw_k_fixed,
        note="the activation a^{l-1}, not the raw input z^{l-1}, multiplies the weight (§2.4 has it right, and "
        "so do the two example sums and the matrix form below). For l = 1, reading z^0 as the input a^0 "
        "it would agree",
    ),
    Entry(
        "001",
        "§2.7.2 (example sums)",
        r"\frac{\partial E}{\partial w_{0,0}^l} = \sum_{k=0}^N \delta_0^{l,k} \cdot a_0^{l-1,k}, \quad \frac{\partial E}{\partial w_{1,0}^l} = \sum_{k=0}^N \delta_0^{l,k} \cdot a_1^{l-1,k}",
        _c001_272_sums,
        what="summed over the samples of the batch (k over the N samples)",
    ),
    Entry(
        "001",
        "§2.7.2 (matrix)",
        r"\Rightarrow \frac{\partial E}{\partial W^l} = [\delta^l] \cdot (A^{l-1})^T",
        _c001_272_matrix,
        what="weight gradient of the batch; entry [i, j] is dE/dw_{j,i}^l, as W^l in §1.3",
    ),
    # 002: Reinbott, f(x) = sigma_2(W_2 sigma_1(W_1 x)), no biases, ||f(x) - y||^2
    Entry(
        "002",
        "Satz 3, Beweis (Jakobimatrix)",
        r"J_{\sigma_i}(x) = \mathrm{diag}(\exp(-x_1)\sigma(x_1)^2, \dots, \exp(-x_n)\sigma(x_n)^2)",
        _c002_jacobian,
        what="Jacobian of the elementwise sigmoid, against autodiff of 1/(1 + exp(-x))",
    ),
    Entry(
        "002",
        "Satz 3, Beweis (W_2)",
        r"\frac{d}{dW_{2,k,.}} d_{MSE}(f_W(X_i), Y_i) = 2((f_W(X_i))_k - Y_{i,k}) \exp(-W_{2,k,.} h) \sigma(W_{2,k,.} h)^2 h",
        _c002_W2,
        what="gradient for row k of W_2",
    ),
    Entry(
        "002",
        "Satz 3, Beweis (W_1)",
        r"\frac{d}{dW_{1,k,.}} d_{MSE}(f_W(X_i), Y_i) = 2(f_W(X_i) - Y_i)^T J_{\sigma_2}(W_2 h) \mathbb{1}_d \exp(-W_{1,k,.} h) \sigma(W_{1,k,.} h)^2 X_i^T",
        lambda c: _c002_W1_with(c, "1_d", "h"),
        what="gradient for row k of W_1 (evaluated with n = l: otherwise W_{1,k,.} h is not even defined)",
        corrected=r"2(f_W(X_i) - Y_i)^T J_{\sigma_2}(W_2 h) W_{2,.,k} \exp(-W_{1,k,.} X_i) \sigma(W_{1,k,.} X_i)^2 X_i^T",
        corrected_check=lambda c: _c002_W1_with(c, "W2col", "x"),
        variants=[
            ("only 1_d -> W_{2,.,k} (h kept)", lambda c: _c002_W1_with(c, "W2col", "h")),
            ("only W_{1,k,.} h -> W_{1,k,.} X_i (1_d kept)", lambda c: _c002_W1_with(c, "1_d", "x")),
        ],
        note="two slips: h_k depends on row k of W_1 and reaches every output through column k of W_2, so "
        "W_{2,.,k} belongs where 1_d (a sum over all columns' worth of ones) stands; and the sigmoid of "
        "hidden neuron k is taken at W_{1,k,.} X_i, its raw input, not at W_{1,k,.} h (a row of length n "
        "times a vector of length l). Each slip alone already breaks the formula",
    ),
    # 003: the vectorised question (reconstructed)
    Entry(
        "003",
        "scalar 1",
        r"\nabla z_j^{(k+1)} = \frac{\partial E}{\partial a_j^{(k+1)}} \frac{\partial a_j^{(k+1)}}{\partial z_j^{(k+1)}} = \nabla a_j^{(k+1)} f'(z_j^{(k+1)})",
        _c003_s1,
        what="f = tanh here",
        reconstructed=_RECON_003,
    ),
    Entry(
        "003",
        "scalar 2",
        r"\nabla a_i^{(k)} = \sum_j \nabla z_j^{(k+1)} W_{ij}^{(k)}",
        _c003_s2,
        reconstructed=_RECON_003,
    ),
    Entry("003", "scalar 3", r"\nabla W_{ij}^{(k)} = \nabla z_j^{(k+1)} a_i^{(k)}", _c003_s3, reconstructed=_RECON_003),
    Entry(
        "003",
        "vector forward",
        r"\mathbf{z}^{(k+1)} = \mathbf{W}^{(k)} \mathbf{a}^{(k)} + \mathbf{b}^{(k)}",
        _c003_vforward,
        reconstructed=_RECON_003,
        what="the matrix W^(k) holds W_ij^(k) at row j, column i (the transpose of the scalar index order)",
    ),
    Entry(
        "003",
        "vector 1",
        r"\nabla \mathbf{z}^{(k+1)} = \nabla \mathbf{a}^{(k+1)} \odot f'(\mathbf{z}^{(k+1)})",
        _c003_v1,
        reconstructed=_RECON_003,
    ),
    Entry(
        "003",
        "vector 2",
        r"\nabla \mathbf{a}^{(k)} = \mathbf{W}^{(k)T} \nabla \mathbf{z}^{(k+1)}",
        _c003_v2,
        reconstructed=_RECON_003,
    ),
    Entry(
        "003",
        "vector 3",
        r"\nabla \mathbf{W}^{(k)} = \nabla \mathbf{z}^{(k+1)} \mathbf{a}^{(k)T}",
        _c003_v3,
        reconstructed=_RECON_003,
    ),
    # 004: the lecture notes, yhat = Vx + b, zhat = Wy + c, K = sum_i ||z^(i) - zbar^(i)||^2
    Entry(
        "004",
        "page 2, ①",
        r"\sigma(x) = \frac{e^x}{1+e^x}",
        _c004_sigma,
        what="forward: the logistic function, against the engine's 1/(1 + e^-x) (overflows as printed for "
        "x > 709, a matter of evaluation only)",
    ),
    Entry(
        "004",
        "page 2, (26)",
        r"\hat{y}_n = V_{n1}x_n + V_{n2}x_n + \dots + V_{ni}x_i + b_n",
        _c004_26,
        what="forward, row n of yhat = Vx + b (checked with n = 3 hidden neurons and 3 inputs, i = n)",
        corrected=r"\hat{y}_n = V_{n1}x_1 + V_{n2}x_2 + \dots + V_{ni}x_i + b_n",
        corrected_check=_c004_26_fixed,
        note="the first two terms multiply x_n where x_1 and x_2 belong",
    ),
    Entry(
        "004",
        "page 6, ⑥ (gradient example)",
        r"f(x, y) = (x^2 - \sin(y)) \cdot x, \quad (\nabla f)(x, y) = \begin{pmatrix} 2x - \sin(y) \\ -x \cos(y) \end{pmatrix}",
        _c004_grad_example,
        what="the example gradient, against the engine's autodiff (sin, cos)",
        corrected=r"(\nabla f)(x, y) = \begin{pmatrix} 3x^2 - \sin(y) \\ -x \cos(y) \end{pmatrix}",
        corrected_check=_c004_grad_example_fixed,
        note="f = x^3 - x sin(y), so df/dx = 3x^2 - sin(y); the printed 2x - sin(y) differentiates only the x^2 "
        "inside the bracket. df/dy = -x cos(y) is right",
    ),
    Entry(
        "004",
        "page 10, [1]",
        r"\delta_k = \frac{\partial K}{\partial z_k} \sigma'(\hat{z}_k)",
        _c004_1,
        what="per data point (K for one input; over the data every term below is summed)",
    ),
    Entry("004", "page 10, [2]", r"\gamma_j = (W^T \delta)_j \cdot \sigma'(\hat{y}_j)", _c004_2),
    Entry("004", "page 10, [3] (c)", r"\frac{\partial K}{\partial c_k} = \delta_k", _c004_3c),
    Entry("004", "page 10, [3] (b)", r"\frac{\partial K}{\partial b_j} = \gamma_j", _c004_3b),
    Entry(
        "004",
        "page 10, [4] (w)",
        r"\frac{\partial K}{\partial w_{kj}} = \gamma_j \delta_k",
        _c004_4w,
        corrected=r"\frac{\partial K}{\partial w_{kj}} = y_j \delta_k",
        corrected_check=_c004_4w_fixed,
        note="w_kj multiplies y_j in zhat_k = sum_j w_kj y_j + c_k, so its gradient is y_j delta_k (the pattern "
        "of dK/dv_ji = x_i gamma_j one layer down); gamma_j is the error of hidden neuron j, not its output",
    ),
    Entry("004", "page 10, [4] (v)", r"\frac{\partial K}{\partial v_{ji}} = x_i \gamma_j", _c004_4v),
]

# Printed things that are not a formula to evaluate, or whose reading the numbers cannot decide.
REMARKS = [
    (
        "000",
        "The theorem itself ('in unserer Schreibweise', the last line of the proof) is lost with the images; only "
        "Grant Sanderson's form can be reconstructed, and is checked above.",
    ),
    (
        "001",
        "§1.2 and §2.4: sums run 'from 0 to n^1' (or n^{l+1}) over the neurons of the previous layer; with "
        "neurons numbered from 0 the upper limit should be the previous layer's size minus one. Read as 'over "
        "all neurons of that layer' (as the example line of §1.2 does), the sums are checked above.",
    ),
    (
        "001",
        "§2.2: w -> w - eta/N sum_{k=0}^N dE^k/dw (also §2.7.2's example sums) lists k = 0..N, N + 1 samples "
        "for N = 'Anzahl der Trainingsbeispiele'; k = 0..N-1 is meant. With that, the step is gradient descent "
        "on the mean loss 1/N sum_k E^k.",
    ),
    (
        "002",
        "Definition 2 calls ||x - y||_2^2 the 'Mean Squared Error'; it is the sum of squares (no mean over "
        "the d outputs). Bemerkung 4 steps along -grad_W f_W(X_i); the gradient meant is that of the loss "
        "d_MSE(f_W(X_i), Y_i), as in Satz 3.",
    ),
    (
        "004",
        "page 10, [1]-[4]: delta_k and gamma_j carry no data index, so the page works with one input; they are "
        "checked with K for one data point. For K summed over the data (page 5) each right-hand side of [3] and [4] "
        "is summed over the data points (the corrected [4] (w) entry checks that sum too, and lecture_gradients() "
        "computes all four that way).",
    ),
    (
        "004",
        "page 5, ⑤: K = sum_i ||zhat^(i) - zbar^(i)||^2 is written with the hat, while page 10 defines "
        "z = sigma(zhat) as the output and [1] differentiates K through z; the checks take K on the output z.",
    ),
    (
        "004",
        "page 9, ⑨: the forward difference (K(A + h) - K(A)) / h 'produces random values in practice': "
        "nn.crosscheck.fd_study measures it (truncation error ~ h, round-off ~ 1e-16 / h; central differences do better).",
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# Evaluation and the report.


def _compare(comparisons, atol, rtol):
    """-> (max abs diff, max rel diff, [labels of the elements that disagree], number of elements, {label: [wrong,
    total]} summed over the cases)."""
    max_abs = max_rel = 0.0
    bad, count, tally = [], 0, {}
    for case, label, printed, ref in comparisons:
        p = np.asarray(printed, dtype=np.float64)
        r = np.asarray(ref, dtype=np.float64)
        if p.shape != r.shape:
            raise ValueError(f"documents check {label!r}: printed shape {p.shape} vs autodiff {r.shape}")
        diff = np.abs(p - r)
        count += diff.size
        max_abs = max(max_abs, float(diff.max()))
        max_rel = max(max_rel, float((diff / np.maximum(np.maximum(np.abs(r), np.abs(p)), 1e-300)).max()))
        wrong = ~(diff <= atol + rtol * np.abs(r))
        t = tally.setdefault(label, [0, 0])
        t[0] += int(wrong.sum())
        t[1] += wrong.size
        prefix = f"case {case}: "
        if p.ndim == 0:
            if wrong:
                bad.append(prefix + label)
        else:
            for idx in zip(*np.nonzero(wrong), strict=True):
                bad.append(f"{prefix}{label}[{', '.join(str(int(i)) for i in idx)}]")
    return max_abs, max_rel, bad, count, tally


class EntryResult:
    """The verdict for one entry: ``agrees``, ``max_abs_diff``, ``max_rel_diff``, ``disagreeing`` (element labels),
    and for the corrected form ``corrected_agrees``, ``corrected_max_abs_diff``; ``variants``: [(desc, agrees, diff)]."""

    def __init__(self, entry, agrees, max_abs, max_rel, disagreeing, count, corrected, variants, tally):
        self.entry = entry
        self.tally = tally
        self.agrees = agrees
        self.max_abs_diff = max_abs
        self.max_rel_diff = max_rel
        self.disagreeing = disagreeing
        self.count = count
        self.corrected_agrees, self.corrected_max_abs_diff = corrected
        self.variants = variants

    @property
    def id(self):
        return self.entry.id

    def which(self):
        """The quantities that disagree, with how many of their numbers do (over all cases): 'delta^L (6/6)'."""
        parts = [f"{label} ({w}/{t})" for label, (w, t) in self.tally.items() if w]
        right = [label for label, (w, _) in self.tally.items() if not w]
        text = ", ".join(parts)
        return text + (f"; right: {', '.join(right)}" if right and parts else "")

    def __repr__(self):
        return f"EntryResult({self.id!r}, agrees={self.agrees}, max_abs_diff={self.max_abs_diff:.3e})"


def evaluate(entry, seeds=(0, 1, 2), atol=1e-10, rtol=1e-8):
    """Evaluate one entry on the random cases of its document; -> EntryResult."""
    cases = [_CASES[entry.doc](s) for s in seeds]

    def run(check):
        comps = []
        for n, c in enumerate(cases):
            comps += [(n, lab, p, r) for lab, p, r in check(c)]
        return _compare(comps, atol, rtol)

    max_abs, max_rel, bad, count, tally = run(entry.check)
    corrected = (None, None)
    if entry.corrected_check is not None:
        ca, _, cbad, _, _ = run(entry.corrected_check)
        corrected = (not cbad, ca)
    variants = []
    for desc, check in entry.variants:
        va, _, vbad, _, _ = run(check)
        variants.append((desc, not vbad, va))
    return EntryResult(entry, not bad, max_abs, max_rel, bad, count, corrected, variants, tally)


class DocumentsReport:
    """Every printed formula's verdict. ``results`` (EntryResult list), ``result(id)``, ``wrong()``; prints."""

    def __init__(self, results, remarks, seeds):
        self.results = results
        self.remarks = remarks
        self.seeds = seeds

    def result(self, entry_id):
        for r in self.results:
            if r.id == entry_id:
                return r
        raise KeyError(
            f"DocumentsReport.result(): no entry {entry_id!r}; the entries are {[r.id for r in self.results]}"
        )

    def wrong(self):
        return [r for r in self.results if not r.agrees]

    def __str__(self):
        n_wrong = len(self.wrong())
        lines = [
            "What the documents print, checked against autodiff "
            f"({len(self.results)} formulas, {len(self.seeds)} random networks each; "
            f"{len(self.results) - n_wrong} agree, {n_wrong} do not)",
        ]
        doc = None
        for r in self.results:
            e = r.entry
            if e.doc != doc:
                doc = e.doc
                lines.append("")
                lines.append(f"== document {doc} " + "=" * 60)
            lines.append(f"{e.doc} {e.section}" + (f"  ({e.what})" if e.what else ""))
            lines.append(f"    printed:   {e.printed}")
            if e.reconstructed:
                lines.append(f"    ({e.reconstructed})")
            if r.agrees:
                lines.append(f"    AGREES with autodiff: max abs diff {r.max_abs_diff:.1e} over {r.count} numbers")
            else:
                lines.append(
                    f"    DOES NOT AGREE: max abs diff {r.max_abs_diff:.3e} (rel {r.max_rel_diff:.2e}); "
                    f"{len(r.disagreeing)} of {r.count} numbers wrong"
                )
                lines.append(f"    wrong entries: {r.which()}")
            if e.note:
                lines.append(f"    note: {e.note}")
            if e.corrected:
                verdict = "agrees" if r.corrected_agrees else "DOES NOT AGREE"
                lines.append(f"    corrected: {e.corrected}")
                lines.append(f"               -> {verdict} with autodiff (max abs diff {r.corrected_max_abs_diff:.1e})")
            for desc, ok, diff in r.variants:
                lines.append(
                    f"    partial fix, {desc}: {'agrees' if ok else 'still does not agree'} (max abs diff {diff:.2e})"
                )
        lines.append("")
        lines.append("Remarks (printed things the numbers do not decide):")
        for d, text in self.remarks:
            lines.append(f"  {d}: {text}")
        return "\n".join(lines)

    def _repr_html_(self):
        """Jupyter's rich display: the formulas typeset, a verdict and the corrected form for each."""
        from nn.crosscheck.display import documents_html

        return documents_html(self)

    def summary(self):
        """One line per entry: id, verdict."""
        return "\n".join(
            f"{r.id:<45} {'agrees' if r.agrees else f'DOES NOT AGREE (max abs diff {r.max_abs_diff:.2e})'}"
            + ("" if r.agrees else f"; corrected form {'agrees' if r.corrected_agrees else 'does not agree'}")
            for r in self.results
        )


def documents_report(seeds=(0, 1, 2), docs=None, atol=1e-10, rtol=1e-8):
    """Evaluate every entry (or those of ``docs``, e.g. ``["001"]``) and return a DocumentsReport."""
    entries = [e for e in ENTRIES if docs is None or e.doc in docs]
    if not entries:
        raise ValueError(f"documents_report(): no entries for docs={docs!r}; the documents are 000, 001, 002, 003, 004")
    return DocumentsReport([evaluate(e, seeds, atol, rtol) for e in entries],
                           [r for r in REMARKS if docs is None or r[0] in docs], tuple(seeds))  # fmt: skip
