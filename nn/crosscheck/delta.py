"""The delta equations of the lecture notes, in numpy, checked against the engine's autodiff number by number.

A learner derives backpropagation by hand (the documents in ``seeds/`` do exactly that) and wants to know whether
the equations are right. This module computes every gradient of an MLP twice more, independently of the engine:

* the closed form, in numpy float64, written from the documents (sigma, sigma', the deltas), never calling the
  engine's op rules;
* a central finite difference of the loss, (E(w + eps) - E(w - eps)) / (2 eps), evaluated with the engine's
  forward pass only (no derivatives involved);

and lays them next to autodiff in one table::

    from nn import MLP
    from nn.crosscheck import crosscheck
    report = crosscheck(MLP(3, [4, 2], activation="sigmoid"), x=[0.5, -1.0, 2.0], y=[1.0, 0.0])
    print(report)            # one row per parameter: autodiff, closed form, finite difference, difference
    report.ok, report.max_abs_error, report.max_rel_error

The equations, per sample (document 001 sections 2.4-2.5, in vector form; W^l has one row per neuron of layer l
and one column per neuron of layer l-1, the convention of document 001 section 1.3):

    z^l = W^l a^{l-1} + b^l,   a^l = sigma(z^l),   a^0 = x
    delta^L = dE/da^L (.) sigma'(z^L)
    delta^l = (W^{l+1})^T delta^{l+1} (.) sigma'(z^l)
    dE/dW^l = delta^l (a^{l-1})^T,   dE/db^l = delta^l

and for a batch (document 001 sections 2.6-2.7: one column per sample, E = sum_k E^k)

    A^l = sigma(W^l A^{l-1} + b^l)
    [delta^L] = dE/dA^L (.) sigma'(Z^L),   [delta^l] = (W^{l+1})^T [delta^{l+1}] (.) sigma'(Z^l)
    dE/dW^l = [delta^l] (A^{l-1})^T,   dE/db^l = [delta^l] 1   (the bias gradient is summed over the batch)

Checking your own formula: pass ``formula=`` a function of the network's quantities (``q.z``, ``q.a``, ``q.W``,
``q.b``, ``q.delta``, ``q.dsigma``, ...; see ``Quantities``) that returns gradients, and the table compares your
numbers with autodiff and points at the entries that disagree. ``crosscheck_batch(model, X, Y)`` does the same for
the batch matrix form. The printed formulas of the five documents are checked the same way in
``nn.crosscheck.documents`` (``documents_report()``, also importable from ``nn.crosscheck``); ``nn.crosscheck.fd_study``
measures how far finite differences can be trusted.
"""

# ruff: noqa: E741  (l is the layer index, as in every document)
import math
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd_mini import Value, no_grad
from autograd_mini.modes import enable_grad
from nn.crosscheck.report import CrosscheckReport, Row, build_report
from nn.losses import LOSSES as NN_LOSSES
from nn.losses import sum_values
from nn.matrices import NUMPY_ACTIVATIONS as ACTIVATIONS
from nn.matrices import NetworkArrays, PerLayer, batch_forward, network_arrays
from nn.module import MLP

# sigma and sigma' come from nn.matrices' numpy table, written from the documents and independent of the engine's op
# table: the closed form below is an oracle for the engine, so it shares none of the engine's derivative rules.

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "CrosscheckReport",
    "Quantities",
    "Row",
    "autodiff_gradients",
    "backward",
    "batch_backward",
    "batch_forward",
    "batch_gradients",
    "closed_form_gradients",
    "crosscheck",
    "closed_form_loss",
    "crosscheck_batch",
    "engine_loss",
    "finite_difference_gradients",
    "forward",
    "network_arrays",
]

# ---------------------------------------------------------------------------------------------------------------
# The squared-error losses of the documents: the value E(a, y) and dE/da for one sample (vectors a, y), or for a
# batch (matrices, one column per sample, E summed over the columns).


def _half_sse(a, y):
    # E = 1/2 sum_j (y_j - a_j^L)^2  (document 001, section 2.1)
    return 0.5 * float(np.sum((y - a) ** 2))


def _half_sse_grad(a, y):
    # dE_j/da_j^L = (a_j^L - y_j)  (document 001, section 2.1)
    return a - y


def _sse(a, y):
    # C_0 = sum_j (a_j^(L) - y_j)^2  (document 000, Grant Sanderson); ||f(x) - y||^2 (002); ||z - z_bar||^2 (004)
    return float(np.sum((a - y) ** 2))


def _sse_grad(a, y):
    # dC_0/da_j^(L) = 2 (a_j^(L) - y_j)
    return 2.0 * (a - y)


def _mse(a, y):
    # E = 1/n sum_j (a_j - y_j)^2, n = number of outputs (per sample; a batch sums the samples' E); divided in the
    # precision of a (float32 in nn.crosscheck.fd_study), like the sums above
    return float(np.sum((a - y) ** 2) / a.shape[0])


def _mse_grad(a, y):
    return 2.0 * (a - y) / a.shape[0]


# name -> (E(a, y), dE/da(a, y)); the names of nn.losses.LOSSES
LOSSES = {
    "half_sse": (_half_sse, _half_sse_grad),
    "sse": (_sse, _sse_grad),
    "mse": (_mse, _mse_grad),
}


def _times_dsigma(g, z, activation):
    """g (.) sigma'(z) for the layer's activation: sigma' = 1 for linear (nothing to multiply), the step z > 0 for
    relu (multiplied as a boolean mask, no float array of ones and zeros built), else the derivative above."""
    if activation == "linear":
        return g
    if activation == "relu":
        return g * (z > 0)
    return g * ACTIVATIONS[activation][1](z)


def closed_form_loss(name: str, where: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(E(a, y), dE/da(a, y)) of the squared-error loss ``name``; a ValueError naming ``where`` for any other."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{where}: loss {name!r} is not one of the squared-error losses the delta equations are written for; "
            f"use one of {sorted(LOSSES)}"
        ) from None


def _as_vector(v, n, what, where):
    """x or y of one sample as a float vector of n entries (numbers or Values)."""
    items = [v] if isinstance(v, Value) or np.ndim(v) == 0 else list(v)
    try:
        arr = np.array([x.data if isinstance(x, Value) else x for x in items], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {what} must be numbers (or a list of numbers), got {v!r}") from None
    if arr.shape != (n,):
        raise ValueError(f"{where}: {what} has {arr.size} entries, the network needs {n}")
    return arr


# ---------------------------------------------------------------------------------------------------------------
# Per sample, vector form (document 001, sections 1.3, 2.4, 2.5).


def forward(net, x):
    """z[l], a[l] for l = 0..L; z^l = W^l a^{l-1} + b^l, a^l = sigma(z^l), a^0 = x (z[0] is None)."""
    z: PerLayer = [None]
    a: PerLayer = [np.asarray(x, dtype=np.float64)]
    for l in range(1, net.L + 1):
        sigma, _ = ACTIVATIONS[net.activation[l]]
        z.append(net.W[l] @ a[l - 1] + net.b[l])  # z^l = W^l a^{l-1} + b^l
        a.append(sigma(z[l]))  # a^l = sigma(z^l)
    return z, a


def backward(net, z, a, y, loss="half_sse", *, dE_da=None):
    """delta[l], dW[l], db[l] for l = 1..L (index 0 None), from the forward quantities of one sample.

    ``dE_da``: dE/da^L, the start of the recursion, when it is given (a vector of n_L numbers: the gradient of a loss
    outside the squared errors above, such as the playground's logistic or hinge loss); ``y`` and ``loss`` are then
    not used. Without it, dE/da^L is the squared-error loss's ``loss`` at (a^L, y)."""
    if dE_da is None:
        dE_da = closed_form_loss(loss, "backward()")[1](a[net.L], y)
    else:
        dE_da = np.asarray(dE_da, dtype=np.float64)
        if dE_da.shape != a[net.L].shape:
            raise ValueError(f"backward(): dE_da has shape {dE_da.shape}; dE/da^L has shape {a[net.L].shape}")
    L = net.L
    delta: PerLayer = [None] * (L + 1)
    delta[L] = _times_dsigma(dE_da, z[L], net.activation[L])  # delta^L = dE/da^L (.) sigma'(z^L)
    for l in range(L - 1, 0, -1):
        # delta^l = (W^{l+1})^T delta^{l+1} (.) sigma'(z^l)
        delta[l] = _times_dsigma(net.W[l + 1].T @ delta[l + 1], z[l], net.activation[l])
    dW = [None] + [np.outer(delta[l], a[l - 1]) for l in range(1, L + 1)]  # dE/dW^l = delta^l (a^{l-1})^T
    db = [None] + [delta[l].copy() for l in range(1, L + 1)]  # dE/db^l = delta^l
    return delta, dW, db


# ---------------------------------------------------------------------------------------------------------------
# Batch, matrix form (document 001, sections 2.6, 2.7): one column per sample.


def batch_backward(net, Z, A, Y, loss="half_sse"):
    """[delta^l], dE/dW^l, dE/db^l for E = sum_k E^k over the columns (document 001, section 2.7)."""
    _, dE_da = closed_form_loss(loss, "batch_backward()")
    L = net.L
    D: PerLayer = [None] * (L + 1)
    D[L] = _times_dsigma(dE_da(A[L], Y), Z[L], net.activation[L])  # [delta^L] = dE/dA^L (.) sigma'(Z^L)
    for l in range(L - 1, 0, -1):
        # [delta^l] = (W^{l+1})^T [delta^{l+1}] (.) sigma'(Z^l)
        D[l] = _times_dsigma(net.W[l + 1].T @ D[l + 1], Z[l], net.activation[l])
    dW = [None] + [D[l] @ A[l - 1].T for l in range(1, L + 1)]  # dE/dW^l = [delta^l] (A^{l-1})^T
    db = [None] + [D[l].sum(axis=1) for l in range(1, L + 1)]  # dE/db^l = sum_k delta^{l,k}
    return D, dW, db


def batch_gradients(net, X, Y, loss="half_sse"):
    """The fast path: (dW, db) lists of the summed batch gradient. X, Y: one column per sample (n x N)."""
    net = network_arrays(net)
    Z, A = batch_forward(net, X)
    _, dW, db = batch_backward(net, Z, A, Y, loss)
    return dW, db


# ---------------------------------------------------------------------------------------------------------------
# The three ways of computing the gradient, as {parameter name: float}.


def _flatten(net, dW, db):
    out = {}
    for l in range(1, net.L + 1):
        wn, bn = net.names[l]
        for j in range(len(bn)):
            for i in range(len(wn[j])):
                out[wn[j][i]] = float(dW[l][j, i])
            out[bn[j]] = float(db[l][j])
    return out


def _samples(net, X, Y, where):
    """X (N samples of n_0 numbers), Y (N targets, numbers or lists of n_L) -> matrices n x N, one column each."""
    if np.ndim(X) == 1 and net.sizes[0] != 1:
        raise ValueError(
            f"{where}: X must be a list of samples (each a list of {net.sizes[0]} numbers); for one sample use "
            f"crosscheck(model, x, y)"
        )
    Xs = [_as_vector(x, net.sizes[0], f"sample {k}'s x", where) for k, x in enumerate(X)]
    Ys = [_as_vector(y, net.sizes[-1], f"sample {k}'s y", where) for k, y in enumerate(Y)]
    if len(Xs) != len(Ys):
        raise ValueError(f"{where}: {len(Xs)} inputs but {len(Ys)} targets; give one target per input")
    if not Xs:
        raise ValueError(f"{where}: the batch is empty; give at least one (x, y) pair")
    return np.stack(Xs, axis=1), np.stack(Ys, axis=1)


def closed_form_gradients(
    model: MLP | NetworkArrays, x: ArrayLike, y: ArrayLike, loss: str = "half_sse"
) -> dict[str, float]:
    """{name: dE/dparameter} from the per-sample delta equations (numpy, independent of the engine)."""
    net = network_arrays(model)
    x = _as_vector(x, net.sizes[0], "x", "closed_form_gradients()")
    y = _as_vector(y, net.sizes[-1], "y", "closed_form_gradients()")
    z, a = forward(net, x)
    _, dW, db = backward(net, z, a, y, loss)
    return _flatten(net, dW, db)


def engine_loss(model: MLP, x: Any, y: Any, loss: str = "half_sse") -> Value:
    """The loss of one sample as the library computes it: ``model(x)``, then ``nn.losses`` (a graph of Values).
    ``x`` and ``y``: sequences of numbers of the network's input and output sizes (not checked here: the callers
    check them once, not once per evaluation); ``loss``: a key of ``LOSSES``. What the cross-check's autodiff side
    and ``nn.crosscheck.ways`` differentiate."""
    out = model([float(v) for v in x])
    ys = [float(v) for v in y]
    return NN_LOSSES[loss](out, ys if len(ys) > 1 else ys[0])


@enable_grad()  # it differentiates: an outer no_grad() changes nothing, as for torch.func's transforms
def autodiff_gradients(
    model: MLP, X: Sequence[ArrayLike], Y: Sequence[ArrayLike], loss: str = "half_sse", net: NetworkArrays | None = None
) -> dict[str, float]:
    """{name: dE/dparameter} from the engine's backward, E = sum over the samples (X, Y lists of samples).
    ``net``: ``network_arrays(model)`` if the caller has it already (it is read from the model otherwise)."""
    net = network_arrays(model) if net is None else net
    closed_form_loss(loss, "autodiff_gradients()")
    params = net.parameters()
    saved = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    total = sum_values([engine_loss(model, x, y, loss) for x, y in zip(X, Y, strict=True)])
    try:
        total.backward()
        grads = {name: p.grad for name, p in zip(net.parameter_names(), params, strict=True)}
    finally:
        for p, g in zip(params, saved, strict=True):
            p.grad = g  # the caller's gradients are left as they were
    return grads


def finite_difference_gradients(
    model: MLP,
    X: Sequence[ArrayLike],
    Y: Sequence[ArrayLike],
    loss: str = "half_sse",
    eps: float = 1e-6,
    net: NetworkArrays | None = None,
    names: Collection[str] | None = None,
) -> dict[str, float]:
    """{name: (E(p + eps) - E(p - eps)) / (2 eps)}, E evaluated by the engine's forward pass, summed over samples.
    ``net``: ``network_arrays(model)`` if the caller has it already (it is read from the model otherwise).
    ``names``: only these parameters (each costs two forward passes, so all of them cost P forward passes of P)."""
    net = network_arrays(model) if net is None else net
    closed_form_loss(loss, "finite_difference_gradients()")

    def E():
        with no_grad():
            return math.fsum(engine_loss(model, x, y, loss).data for x, y in zip(X, Y, strict=True))

    out = {}
    for name, p in zip(net.parameter_names(), net.parameters(), strict=True):
        if names is not None and name not in names:
            continue
        p0 = p.data
        try:
            p.data = p0 + eps
            up = E()
            p.data = p0 - eps
            down = E()
        finally:
            p.data = p0  # the model is left exactly as it was, even if a forward pass fails
        out[name] = (up - down) / (2.0 * eps)
    return out


# ---------------------------------------------------------------------------------------------------------------
# A user's own formula: the quantities it may use.


class Quantities:
    """What a formula may use, for one sample (vectors) or a batch (matrices, one column per sample).

    Index l runs over layers, 0 = input, L = output (``q.L``); lists have a None where a quantity does not exist.

    ``x``, ``y``: input and target (``X``, ``Y`` for a batch: the same arrays)
    ``W[l]`` (n_l x n_{l-1}), ``b[l]``: the parameters, document 001's convention (row = neuron of layer l)
    ``z[l]``, ``a[l]``: raw input and activation; ``a[0] = x``; in a batch also ``Z``, ``A``
    ``sigma[l]``, ``dsigma[l]``: the layer's activation and its derivative, numpy functions
    ``dE_da``: dE/da^L at the output (for the loss in use)
    ``delta[l]``: dE/dz^l from the closed form above (a correct reference; recompute it yourself to check yours)
    ``loss``: the loss name; ``batch``: True for a batch
    """

    def __init__(self, net, x, y, loss, batch):
        self.batch = batch
        self.loss = loss
        self.L = net.L
        self.W = net.W
        self.b = net.b
        self.sigma = [None] + [ACTIVATIONS[net.activation[l]][0] for l in range(1, net.L + 1)]
        self.dsigma = [None] + [ACTIVATIONS[net.activation[l]][1] for l in range(1, net.L + 1)]
        self.x = self.X = x
        self.y = self.Y = y
        if batch:
            self.z, self.a = batch_forward(net, x)
            self.delta, _, _ = batch_backward(net, self.z, self.a, y, loss)
        else:
            self.z, self.a = forward(net, x)
            self.delta, _, _ = backward(net, self.z, self.a, y, loss)
        self.Z, self.A = self.z, self.a
        self.dE_da = LOSSES[loss][1](self.a[net.L], y)


def _formula_gradients(net, formula, q, where):
    """Call the user's formula and turn its answer into {name: float} (only the entries it gives)."""
    try:
        got = formula(q)
    except Exception as err:
        raise RuntimeError(f"{where}: your formula raised {type(err).__name__}: {err}") from err
    if not isinstance(got, dict):
        raise TypeError(
            f"{where}: your formula must return a dict such as {{'W2': matrix, 'b2': vector}} or "
            f"{{'L1.N0.w2': number}}, got {type(got).__name__}"
        )
    out = {}
    for key, val in got.items():
        key = str(key)
        if key[:1] in "Wb" and key[1:].isdigit():
            l = int(key[1:])
            if not 1 <= l <= net.L:
                raise ValueError(f"{where}: your formula returned {key!r}, but the layers are 1..{net.L}")
            wn, bn = net.names[l]
            arr = np.asarray(val, dtype=np.float64)
            want: tuple[int, ...] = (len(bn), len(wn[0])) if key[0] == "W" else (len(bn),)
            if key[0] == "b" and arr.ndim == 2 and arr.shape[0] == len(bn) and arr.shape[1] == 1:
                arr = arr[:, 0]
            if arr.shape != want:
                raise ValueError(
                    f"{where}: your formula's {key} has shape {arr.shape}; dE/d{key} has shape {want} "
                    f"(rows = neurons of layer {l}"
                    + (", columns = neurons of layer {l - 1})" if key[0] == "W" else ")")
                )
            if key[0] == "W":
                for j in range(want[0]):
                    for i in range(want[1]):
                        out[wn[j][i]] = float(arr[j, i])
            else:
                for j in range(want[0]):
                    out[bn[j]] = float(arr[j])
        else:
            if key not in set(net.parameter_names()):
                raise ValueError(
                    f"{where}: your formula returned {key!r}, which is neither a parameter name such as "
                    f"{net.parameter_names()[0]!r} nor 'W<l>'/'b<l>'"
                )
            out[key] = float(val)
    return out


def _fd_names(fd: bool | Collection[str]) -> set[str] | None:
    return None if isinstance(fd, bool) else set(fd)


Formula = Callable[["Quantities"], dict[str, Any]]


def crosscheck(
    model: MLP,
    x: ArrayLike,
    y: ArrayLike,
    loss: str = "half_sse",
    formula: Formula | None = None,
    eps: float = 1e-6,
    atol: float = 1e-10,
    rtol: float = 1e-8,
    fd: bool | Collection[str] = True,
    fd_tol: float | None = None,
) -> CrosscheckReport:
    """Closed-form delta equations (or your ``formula``) against autodiff for one sample (x, y).

    ``loss``: "half_sse" (E = 1/2 sum (y - a)^2, document 001), "sse" (sum (a - y)^2, documents 000, 002, 004)
    or "mse" (mean over the outputs). ``formula(q)`` (optional) gets a ``Quantities`` and returns a dict of
    gradients, by layer (``{"W2": ..., "b2": ...}``) or by parameter name (``{"L2.N0.w1": ...}``).
    ``fd``: also compute central finite differences with step ``eps`` (2 forward passes per parameter); True for
    every parameter, or a collection of parameter names for those only.
    """
    net = network_arrays(model)
    closed_form_loss(loss, "crosscheck()")
    xv = _as_vector(x, net.sizes[0], "x", "crosscheck()")
    yv = _as_vector(y, net.sizes[-1], "y", "crosscheck()")
    auto = autodiff_gradients(model, [xv], [yv], loss, net=net)
    if formula is None:
        mine = closed_form_gradients(net, xv, yv, loss)
        title = f"crosscheck: delta equations vs autodiff, one sample, loss {loss}, sizes {net.sizes}"
    else:
        mine = _formula_gradients(net, formula, Quantities(net, xv, yv, loss, False), "crosscheck(formula=...)")
        title = f"crosscheck: your formula vs autodiff, one sample, loss {loss}, sizes {net.sizes}"
    fdg = finite_difference_gradients(model, [xv], [yv], loss, eps, net=net, names=_fd_names(fd)) if fd else None
    return build_report(title, net, auto, mine, fdg, atol, rtol, fd_tol, eps, formula)


def crosscheck_batch(
    model: MLP,
    X: ArrayLike,
    Y: ArrayLike,
    loss: str = "half_sse",
    formula: Formula | None = None,
    eps: float = 1e-6,
    atol: float = 1e-10,
    rtol: float = 1e-8,
    fd: bool | Collection[str] = True,
    fd_tol: float | None = None,
) -> CrosscheckReport:
    """The batch matrix form (document 001, sections 2.6-2.7) against autodiff of E = sum_k E^k.

    ``X``: a list of N inputs, ``Y``: a list of N targets (numbers or lists). Your ``formula(q)`` gets matrices
    with one column per sample (``q.A[l]``, ``q.Z[l]``, ``q.delta[l]``, ``q.X``, ``q.Y``).
    """
    net = network_arrays(model)
    closed_form_loss(loss, "crosscheck_batch()")
    Xm, Ym = _samples(net, X, Y, "crosscheck_batch()")
    cols_x, cols_y = list(Xm.T), list(Ym.T)
    auto = autodiff_gradients(model, cols_x, cols_y, loss, net=net)
    if formula is None:
        dW, db = batch_gradients(net, Xm, Ym, loss)
        mine = _flatten(net, dW, db)
        title = (
            f"crosscheck_batch: matrix form vs autodiff, {Xm.shape[1]} samples (E summed), loss {loss}, "
            f"sizes {net.sizes}"
        )
    else:
        q = Quantities(net, Xm, Ym, loss, True)
        mine = _formula_gradients(net, formula, q, "crosscheck_batch(formula=...)")
        title = f"crosscheck_batch: your formula vs autodiff, {Xm.shape[1]} samples (E summed), loss {loss}"
    fdg = finite_difference_gradients(model, cols_x, cols_y, loss, eps, net=net, names=_fd_names(fd)) if fd else None
    return build_report(title, net, auto, mine, fdg, atol, rtol, fd_tol, eps, formula)
