"""The weights of a layer as a matrix, in the lecture notes' convention, and a numpy forward pass built on it.

Document 001, section 1.3 writes a layer as  a^l = sigma(W^l a^{l-1} + b^l)  with one ROW of W^l per neuron j of
layer l (the target) and one COLUMN per neuron i of layer l-1 (the source). So

    weight_matrix(model, l)[j, i] = model.layers[l-1].neurons[j].w[i]      (the parameter named L{l}.N{j}.w{i})

and the shape is (n_l, n_{l-1}). Layer numbers l start at 1 (layer 0 is the input), as in the documents.
"""

from __future__ import annotations

import math

import numpy as np

from nn.module import MLP

__all__ = [
    "bias_grad_vector",
    "bias_vector",
    "forward_numpy",
    "set_all_weights",
    "set_bias_vector",
    "set_weight_matrix",
    "weight_grad_matrix",
    "weight_matrix",
]


def _layer(model, l, where):
    if not isinstance(model, MLP):
        raise TypeError(f"{where} takes an nn.MLP, got {type(model).__name__}")
    L = len(model.layers)
    if isinstance(l, bool) or not isinstance(l, (int, np.integer)) or not 1 <= l <= L:
        raise ValueError(
            f"{where}: layer l={l!r} does not exist; this model's layers of weights are numbered 1..{L} "
            f"(layer 0 is the input)"
        )
    return model.layers[int(l) - 1]


def weight_matrix(model, l):
    """W^l as a numpy array of shape (n_l, n_{l-1}): row j = target neuron j, column i = source neuron i."""
    layer = _layer(model, l, "weight_matrix()")
    return np.array([[w.data for w in n.w] for n in layer.neurons], dtype=float)


def bias_vector(model, l):
    """b^l as a numpy array of shape (n_l,)."""
    layer = _layer(model, l, "bias_vector()")
    return np.array([n.b.data for n in layer.neurons], dtype=float)


def weight_grad_matrix(model, l):
    """dE/dW^l after ``backward()``, same layout as W^l (document 001, 2.7.2: dE/dW^l = [delta^l] (A^{l-1})^T)."""
    layer = _layer(model, l, "weight_grad_matrix()")
    return np.array([[w.grad for w in n.w] for n in layer.neurons], dtype=float)


def bias_grad_vector(model, l):
    """dE/db^l after ``backward()`` (document 001, 2.4: dE/db_j^l = delta_j^l)."""
    layer = _layer(model, l, "bias_grad_vector()")
    return np.array([n.b.grad for n in layer.neurons], dtype=float)


def _checked(values, shape, what, where):
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {what} must be numbers of shape {shape}, got {values!r}") from None
    if arr.shape != shape:
        raise ValueError(f"{where}: {what} must have shape {shape} for this layer, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        at = tuple(int(k) for k in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{where}: {what} contains a NaN or infinity ({what}{list(at)} is {float(arr[at])!r})")
    return arr


def _assign_weights(layer, W):
    for j, n in enumerate(layer.neurons):
        for i, w in enumerate(n.w):
            w.data = float(W[j, i])


def _assign_biases(layer, b):
    for j, n in enumerate(layer.neurons):
        n.b.data = float(b[j])


def set_weight_matrix(model, l, W):
    """Set W^l (shape (n_l, n_{l-1}), row = target neuron) into the model's Values; checked before any change."""
    layer = _layer(model, l, "set_weight_matrix()")
    _assign_weights(layer, _checked(W, (layer.nout, layer.nin), f"W^{l}", "set_weight_matrix()"))


def set_bias_vector(model, l, b):
    """Set b^l (shape (n_l,)) into the model's Values; a single number sets every neuron's bias of the layer."""
    layer = _layer(model, l, "set_bias_vector()")
    if np.ndim(b) == 0:
        if not math.isfinite(float(b)):
            raise ValueError(f"set_bias_vector(): b^{l} is {b!r}; it must be finite")
        b = [float(b)] * layer.nout
    _assign_biases(layer, _checked(b, (layer.nout,), f"b^{l}", "set_bias_vector()"))


def set_all_weights(model, Ws, bs, where="set_all_weights()"):
    """Set every layer at once: ``Ws[l-1]`` is W^l and ``bs[l-1]`` is b^l for l = 1..L. All or nothing: every
    shape and number is checked (errors name ``where``) before any parameter changes."""
    if not isinstance(model, MLP):
        raise TypeError(f"{where} takes an nn.MLP, got {type(model).__name__}")
    Ws, bs = list(Ws), list(bs)
    L = len(model.layers)
    if len(Ws) != L or len(bs) != L:
        raise ValueError(f"{where}: the model has {L} layers of weights, got {len(Ws)} W's and {len(bs)} b's")
    checked = [
        (
            _checked(W, (layer.nout, layer.nin), f"W^{l}", where),
            _checked(b, (layer.nout,), f"b^{l}", where),
        )
        for l, (layer, W, b) in enumerate(zip(model.layers, Ws, bs), start=1)
    ]
    for layer, (W, b) in zip(model.layers, checked):
        _assign_weights(layer, W)
        _assign_biases(layer, b)


def forward_numpy(model, X):
    """The model's outputs for many samples at once with numpy (no graph): A^l = f(W^l A^{l-1} + b^l).

    Document 001, section 2.6 stacks the samples as the columns of A^l; here ``X`` has one sample per row (the
    usual data layout), so the result has shape (samples, n_L). Used for plots over a grid of points. The forward
    pass and its activations are those of ``nn.crosscheck.batch_forward`` (one numpy table in the package).
    """
    from nn.crosscheck.delta import batch_forward, network_arrays  # nn.crosscheck imports this module

    A = np.asarray(X, dtype=float)
    if A.ndim == 1:
        A = A[None, :]
    if A.ndim != 2 or A.shape[1] != model.sizes[0]:
        raise ValueError(f"forward_numpy(): X must have shape (samples, {model.sizes[0]}), got {A.shape}")
    _, As = batch_forward(network_arrays(model), A.T)  # columns = samples, as in document 001, section 2.6
    return As[-1].T
