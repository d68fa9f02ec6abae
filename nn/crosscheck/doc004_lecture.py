"""Document 004, the handwritten lecture notes, in their own notation.

A network with one hidden layer (page 2 and page 10):

    yhat = V x + b,   y = sigma(yhat),   zhat = W y + c,   z = sigma(zhat),   sigma(x) = e^x / (1 + e^x)
    K = sum_i ||z^(i) - zbar^(i)||^2 over the data points i                                    (page 5)

with w_kj: k = output neuron, j = hidden neuron; v_ji: j = hidden neuron, i = input. Page 10 derives the
gradient with the errors delta_k (output layer) and gamma_j (hidden layer). Page 9 asks how to compute nabla K and
lists four ways (``nn.crosscheck.ways`` runs them); for its third, symbolic differentiation,
``symbolic_delta_equations`` shows that sympy's derivatives of this network are page 10's delta equations.
"""

# ruff: noqa: E741, E501  (the transcriptions are kept on one line)
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from autograd_mini import Value
from nn.crosscheck.entries import Array, Entry, Reference, engine_reference
from nn.matrices import sigmoid_prime as sigma_prime

__all__ = [
    "DOC",
    "ENTRIES",
    "REMARKS",
    "Case",
    "DeltaRow",
    "lecture_gradients",
    "make_case",
    "sigma",
    "symbolic_delta_equations",
]

DOC = "004"


def sigma(x: ArrayLike) -> Array:
    """sigma(x) = e^x / (1 + e^x)  (page 2, with the author's own question mark), evaluated as printed."""
    e = np.exp(np.asarray(x, dtype=np.float64))
    return e / (1.0 + e)


# The derivation, correct, in the notes' notation.


def lecture_gradients(V: Array, b: Array, W: Array, c: Array, X: ArrayLike, Zbar: ArrayLike) -> dict[str, Array]:
    """Page 10, corrected; K = sum_i ||z^(i) - zbar^(i)||^2 over the data (columns of X, Zbar).

        yhat = V x + b, y = sigma(yhat), zhat = W y + c, z = sigma(zhat)
        [1] delta_k = dK/dz_k sigma'(zhat_k)      [2] gamma_j = (W^T delta)_j sigma'(yhat_j)
        [3] dK/dc_k = delta_k,  dK/db_j = gamma_j
        [4] dK/dw_kj = y_j delta_k (printed: gamma_j delta_k),  dK/dv_ji = x_i gamma_j
    with each data point's contribution summed. Returns a dict with "V", "b", "W", "c".
    """
    X, Zbar = np.asarray(X, dtype=np.float64), np.asarray(Zbar, dtype=np.float64)
    yhat = V @ X + b[:, None]
    y = sigma(yhat)
    zhat = W @ y + c[:, None]
    z = sigma(zhat)
    delta = 2.0 * (z - Zbar) * sigma_prime(zhat)  # [1], dK/dz_k = 2 (z_k - zbar_k)
    gamma = (W.T @ delta) * sigma_prime(yhat)  # [2]
    return {"V": gamma @ X.T, "b": gamma.sum(axis=1), "W": delta @ y.T, "c": delta.sum(axis=1)}


# ---------------------------------------------------------------------------------------------------------------
# A case: a random network in the notes' setting, and the engine's autodiff on it.


@dataclass
class Case:
    """3 inputs, 4 hidden, 2 outputs: ``V``, ``bb`` (the b of yhat = Vx + b), ``W``, ``c``; N = 3 data points
    ``X``, ``Zbar`` (columns); autodiff over all of them (``all``) and for data point 0 alone (``r``: page 10's
    deltas carry no data index). For the index typo of (26) a square first layer (``Vsq``, ``bsq``, ``xsq``: as
    many hidden neurons as inputs, both are "n" on the page); ``xs`` for sigma; ``grad_points`` for page 6."""

    n_in: int
    n_hid: int
    n_out: int
    V: Array
    bb: Array
    W: Array
    c: Array
    N: int
    X: Array
    Zbar: Array
    all: Reference
    r: Reference
    Vsq: Array
    bsq: Array
    xsq: Array
    xs: Array
    grad_points: list[tuple[float, float]]


def make_case(seed: int) -> Case:
    rng = np.random.default_rng(1004 + seed)
    n_in, n_hid, n_out = 3, 4, 2
    V = rng.normal(0, 1, (n_hid, n_in))
    bb = rng.normal(0, 0.5, n_hid)
    W = rng.normal(0, 1, (n_out, n_hid))
    c = rng.normal(0, 0.5, n_out)
    N = 3
    X = rng.normal(0, 1, (n_in, N))
    Zbar = rng.uniform(0, 1, (n_out, N))
    every = engine_reference([None, V, W], [None, bb, c], "sigmoid", X, Zbar, "sse")
    # one data point i = 0: K^(0) = ||z^(0) - zbar^(0)||^2, the term that page 10's per-input deltas belong to
    first = engine_reference([None, V, W], [None, bb, c], "sigmoid", X[:, :1], Zbar[:, :1], "sse")
    Vsq = rng.normal(0, 1, (3, 3))
    bsq = rng.normal(0, 0.5, 3)
    xsq = rng.normal(0, 1, 3)
    xs = np.linspace(-8.0, 8.0, 9)
    grad_points = [(float(p[0]), float(p[1])) for p in rng.uniform(-2, 2, (4, 2))]
    return Case(n_in, n_hid, n_out, V, bb, W, c, N, X, Zbar, every, first, Vsq, bsq, xsq, xs, grad_points)


def _grad_f(p):
    x, y = Value(p[0]), Value(p[1])
    ((x**2 - y.sin()) * x).backward()
    return np.array([x.grad, y.grad])


# ---------------------------------------------------------------------------------------------------------------
# The printed formulas, evaluated on a case (each returns (label, printed, autodiff) triples).


def _check_sigma(c):
    ref = np.array([Value(float(x)).sigmoid().data for x in c.xs])  # the engine's sigmoid, 1/(1+e^-x)
    return [("sigma(x) at x = -8..8", sigma(c.xs), ref)]


def _check_26(c):
    # with as many hidden neurons as inputs (the page calls both n), the last row n = 3 as printed:
    # yhat_n = V_{n1} x_n + V_{n2} x_n + ... + V_{ni} x_i + b_n, with i = n = 3 (no terms hidden in the dots)
    V, x, b = c.Vsq, c.xsq, c.bsq
    n = 3
    printed = V[n - 1, 0] * x[n - 1] + V[n - 1, 1] * x[n - 1] + V[n - 1, 2] * x[2] + b[n - 1]
    ref = engine_reference([None, V], [None, b], "linear", x[:, None], np.zeros((3, 1)), "sse").z[1][n - 1, 0]
    return [("yhat_n (n = 3)", printed, ref)]


def _check_26_fixed(c):
    V, x, b = c.Vsq, c.xsq, c.bsq
    ref = engine_reference([None, V], [None, b], "linear", x[:, None], np.zeros((3, 1)), "sse").z[1][:, 0]
    return [("yhat_n [n]", np.array([sum(V[n, i] * x[i] for i in range(3)) + b[n] for n in range(3)]), ref)]


def _check_grad_example(c):
    out = []
    for p in c.grad_points:
        x, y = p
        ref = _grad_f(p)
        out.append((f"(df/dx, df/dy) at ({x:.2f}, {y:.2f})", np.array([2 * x - math.sin(y), -x * math.cos(y)]), ref))
    return out


def _check_grad_example_fixed(c):
    out = []
    for p in c.grad_points:
        x, y = p
        ref = _grad_f(p)
        out.append((f"(df/dx, df/dy) at ({x:.2f}, {y:.2f})", np.array([3 * x**2 - math.sin(y), -x * math.cos(y)]), ref))
    return out


def _check_1(c):
    r = c.r
    dK_dz = r.da[2][:, 0]  # dK/dz_k from autodiff
    return [("delta_k [k]", dK_dz * sigma_prime(r.z[2][:, 0]), r.delta[2][:, 0])]


def _check_2(c):
    r = c.r
    return [("gamma_j [j]", (c.W.T @ r.delta[2][:, 0]) * sigma_prime(r.z[1][:, 0]), r.delta[1][:, 0])]


def _check_3c(c):
    r = c.r
    return [("dK/dc_k [k]", r.delta[2][:, 0], r.db[2])]


def _check_3b(c):
    r = c.r
    return [("dK/db_j [j]", r.delta[1][:, 0], r.db[1])]


def _check_4w(c):
    r = c.r
    gamma, delta = r.delta[1][:, 0], r.delta[2][:, 0]
    return [("dK/dw_kj [k, j]", np.outer(delta, gamma), r.dW[2])]


def _check_4w_fixed(c):
    r = c.r
    y, delta = r.a[1][:, 0], r.delta[2][:, 0]
    out = [("dK/dw_kj [k, j]", np.outer(delta, y), r.dW[2])]
    # and summed over the data (K = sum_i ...): sum_i y_j^(i) delta_k^(i)
    out.append(("dK/dw_kj over the data [k, j]", c.all.delta[2] @ c.all.a[1].T, c.all.dW[2]))
    return out


def _check_4v(c):
    r = c.r
    return [("dK/dv_ji [j, i]", np.outer(r.delta[1][:, 0], c.X[:, 0]), r.dW[1])]


# The entries: each printed formula exactly as printed (never adjusted to pass), in the order of the document.

ENTRIES = [
    Entry(
        "004",
        "page 2, ①",
        r"\sigma(x) = \frac{e^x}{1+e^x}",
        _check_sigma,
        what="forward: the logistic function, against the engine's 1/(1 + e^-x) (overflows as printed for "
        "x > 709, a matter of evaluation only)",
    ),
    Entry(
        "004",
        "page 2, (26)",
        r"\hat{y}_n = V_{n1}x_n + V_{n2}x_n + \dots + V_{ni}x_i + b_n",
        _check_26,
        what="forward, row n of yhat = Vx + b (checked with n = 3 hidden neurons and 3 inputs, i = n)",
        corrected=r"\hat{y}_n = V_{n1}x_1 + V_{n2}x_2 + \dots + V_{ni}x_i + b_n",
        corrected_check=_check_26_fixed,
        note="the first two terms multiply x_n where x_1 and x_2 belong",
    ),
    Entry(
        "004",
        "page 6, ⑥ (gradient example)",
        r"f(x, y) = (x^2 - \sin(y)) \cdot x, \quad (\nabla f)(x, y) = \begin{pmatrix} 2x - \sin(y) \\ -x \cos(y) \end{pmatrix}",
        _check_grad_example,
        what="the example gradient, against the engine's autodiff (sin, cos)",
        corrected=r"(\nabla f)(x, y) = \begin{pmatrix} 3x^2 - \sin(y) \\ -x \cos(y) \end{pmatrix}",
        corrected_check=_check_grad_example_fixed,
        note="f = x^3 - x sin(y), so df/dx = 3x^2 - sin(y); the printed 2x - sin(y) differentiates only the x^2 "
        "inside the bracket. df/dy = -x cos(y) is right",
    ),
    Entry(
        "004",
        "page 10, [1]",
        r"\delta_k = \frac{\partial K}{\partial z_k} \sigma'(\hat{z}_k)",
        _check_1,
        what="per data point (K for one input; over the data every term below is summed)",
    ),
    Entry("004", "page 10, [2]", r"\gamma_j = (W^T \delta)_j \cdot \sigma'(\hat{y}_j)", _check_2),
    Entry("004", "page 10, [3] (c)", r"\frac{\partial K}{\partial c_k} = \delta_k", _check_3c),
    Entry("004", "page 10, [3] (b)", r"\frac{\partial K}{\partial b_j} = \gamma_j", _check_3b),
    Entry(
        "004",
        "page 10, [4] (w)",
        r"\frac{\partial K}{\partial w_{kj}} = \gamma_j \delta_k",
        _check_4w,
        corrected=r"\frac{\partial K}{\partial w_{kj}} = y_j \delta_k",
        corrected_check=_check_4w_fixed,
        note="w_kj multiplies y_j in zhat_k = sum_j w_kj y_j + c_k, so its gradient is y_j delta_k (the pattern "
        "of dK/dv_ji = x_i gamma_j one layer down); gamma_j is the error of hidden neuron j, not its output",
    ),
    Entry("004", "page 10, [4] (v)", r"\frac{\partial K}{\partial v_{ji}} = x_i \gamma_j", _check_4v),
]

# Printed things that are not a formula to evaluate, or whose reading the numbers cannot decide.
REMARKS = [
    (
        "page 10, [1]-[4]: delta_k and gamma_j carry no data index, so the page works with one input; they are "
        "checked with K for one data point. For K summed over the data (page 5) each right-hand side of [3] and [4] "
        "is summed over the data points (the corrected [4] (w) entry checks that sum too, and lecture_gradients() "
        "computes all four that way)."
    ),
    (
        "page 5, ⑤: K = sum_i ||zhat^(i) - zbar^(i)||^2 is written with the hat, while page 10 defines "
        "z = sigma(zhat) as the output and [1] differentiates K through z; the checks take K on the output z."
    ),
    (
        "page 9, ⑨: the forward difference (K(A + h) - K(A)) / h 'produces random values in practice': "
        "nn.crosscheck.fd_study measures it (truncation error ~ h, round-off ~ 1e-16 / h; central differences do better)."
    ),
]


# ---------------------------------------------------------------------------------------------------------------
# Page 9, ③ "symb. Diff.": sympy's derivatives of the page-10 network are its delta equations.


class DeltaRow:
    """One parameter: sympy's dK/dparameter written with y_j, z_k, the delta equation, and their difference."""

    __slots__ = ("parameter", "symbolic", "equation", "written", "difference", "printed")

    def __init__(self, parameter, symbolic, equation, written, difference, printed=None):
        self.parameter = parameter
        self.symbolic = symbolic  # sympy expression
        self.equation = equation  # sympy expression of the delta equation
        self.written = written  # the equation as document 004 writes it, e.g. "x_1 gamma_1  [4]"
        self.difference = difference  # simplify(symbolic - equation): 0 when they are the same formula
        self.printed = printed  # (written, difference) for the form the document prints, where it differs

    @property
    def agrees(self):
        return self.difference == 0


def _labelled_network(n_in, n_hidden, n_out, seed):
    """Page 10's network as an ``nn.MLP`` with the page's parameter names (v_ji, b_j, w_kj, c_k) as labels, one
    data point x, zbar and its K = sum_k (z_k - zbar_k)^2: ``(K, y nodes, z nodes)``."""
    from nn.module import MLP

    rng = np.random.default_rng(seed)
    model = MLP(n_in, [n_hidden, n_out], activation="sigmoid", output_activation="sigmoid", seed=seed)
    hidden, output = model.layers
    for j, neuron in enumerate(hidden.neurons, start=1):
        for i, w in enumerate(neuron.w, start=1):
            w.label = f"v{j}{i}"
        neuron.b.label = f"b{j}"
    for k, neuron in enumerate(output.neurons, start=1):
        for j, w in enumerate(neuron.w, start=1):
            w.label = f"w{k}{j}"
        neuron.b.label = f"c{k}"
    xs = [Value(float(rng.normal()), label=f"x{i}") for i in range(1, n_in + 1)]
    zbar = [Value(float(rng.uniform()), label=f"zbar{k}") for k in range(1, n_out + 1)]
    y_nodes = hidden(xs)
    z_nodes = output(y_nodes)
    K = sum(((z - t) ** 2 for z, t in zip(z_nodes, zbar)), start=0.0)  # (5): K = ||z - zbar||^2, one data point
    return K, y_nodes, z_nodes


def symbolic_delta_equations(n_in=2, n_hidden=2, n_out=1, seed=0):
    """sympy's derivatives of document 004's K with respect to every parameter, next to the delta equations.

    The network of page 10: yhat = Vx + b, y = sigma(yhat), zhat = Wy + c, z = sigma(zhat), K = sum_k (z_k -
    zbar_k)^2 for one data point, built as an nn.MLP whose parameters are labelled v_ji, b_j, w_kj, c_k. Its cost is
    turned into a formula (``autograd_mini.symbolic.to_sympy``) and differentiated by sympy; in each derivative
    sigma(yhat_j) is written y_j and sigma(zhat_k) z_k. The equations, from page 10:

        [1] delta_k = dK/dz_k sigma'(zhat_k) = 2 (z_k - zbar_k) z_k (1 - z_k)
        [2] gamma_j = (W^T delta)_j sigma'(yhat_j) = sum_k w_kj delta_k y_j (1 - y_j)
        [3] dK/dc_k = delta_k,  dK/db_j = gamma_j
        [4] dK/dw_kj = y_j delta_k (the page prints gamma_j delta_k),  dK/dv_ji = x_i gamma_j

    Returns ``(rows, symbols)``: a ``DeltaRow`` per parameter (``difference`` is sympy's simplification of
    derivative minus equation: 0 when they agree) and the symbols used.
    """
    from autograd_mini.symbolic import sympy, to_sympy

    for n, what in ((n_in, "n_in"), (n_hidden, "n_hidden"), (n_out, "n_out")):
        if not 1 <= n <= 9:
            raise ValueError(f"symbolic_delta_equations(): {what} = {n}; give 1..9 (one-digit indices)")
    K, y_nodes, z_nodes = _labelled_network(n_in, n_hidden, n_out, seed)
    sym = lambda name: sympy.Symbol(name, real=True)
    x = [sym(f"x{i}") for i in range(1, n_in + 1)]
    y = [sym(f"y{j}") for j in range(1, n_hidden + 1)]
    z = [sym(f"z{k}") for k in range(1, n_out + 1)]
    zb = [sym(f"zbar{k}") for k in range(1, n_out + 1)]
    W = [[sym(f"w{k}{j}") for j in range(1, n_hidden + 1)] for k in range(1, n_out + 1)]
    # sigma(yhat_j) -> y_j, sigma(zhat_k) -> z_k: the derivative in the document's letters
    named = {to_sympy(node): y[j] for j, node in enumerate(y_nodes)}
    named.update({to_sympy(node): z[k] for k, node in enumerate(z_nodes)})
    K_expr = to_sympy(K)
    delta = [2 * (z[k] - zb[k]) * z[k] * (1 - z[k]) for k in range(n_out)]  # [1]
    gamma = [sum(W[k][j] * delta[k] for k in range(n_out)) * y[j] * (1 - y[j]) for j in range(n_hidden)]  # [2]

    def row(parameter, equation, written, printed=None):
        d = sympy.diff(K_expr, sym(parameter)).xreplace(named)
        shown = None if printed is None else (printed[0], _difference(sympy, d, printed[1]))
        return DeltaRow(parameter, sympy.factor(d), equation, written, _difference(sympy, d, equation), shown)

    rows = []
    for j in range(n_hidden):
        rows += [row(f"v{j + 1}{i + 1}", x[i] * gamma[j], f"x_{i + 1} gamma_{j + 1}   [4]") for i in range(n_in)]
        rows.append(row(f"b{j + 1}", gamma[j], f"gamma_{j + 1}   [3]"))
    for k in range(n_out):
        for j in range(n_hidden):
            printed = (f"gamma_{j + 1} delta_{k + 1}", gamma[j] * delta[k])
            rows.append(row(f"w{k + 1}{j + 1}", y[j] * delta[k], f"y_{j + 1} delta_{k + 1}   [4], corrected", printed))
        rows.append(row(f"c{k + 1}", delta[k], f"delta_{k + 1}   [3]"))
    return rows, {"x": x, "y": y, "z": z, "zbar": zb, "delta": delta, "gamma": gamma}


def _difference(sympy, d, equation):
    """d - equation as sympy writes it: 0 exactly when they are the same formula. With sigma(...) renamed both are
    polynomials in the symbols, and expand() writes a polynomial one way only (simplify() is the fallback should a
    function remain)."""
    diff = sympy.expand(d - equation)
    return sympy.simplify(diff) if diff != 0 and diff.has(sympy.Function) else diff
