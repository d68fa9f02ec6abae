"""The weights of a layer as a matrix, in the lecture notes' convention, and a numpy forward pass built on it.

Document 001, section 1.3 writes a layer as  a^l = sigma(W^l a^{l-1} + b^l)  with one ROW of W^l per neuron j of
layer l (the target) and one COLUMN per neuron i of layer l-1 (the source). So

    weight_matrix(model, l)[j, i] = model.layers[l-1].neurons[j].w[i]      (the parameter named L{l}.N{j}.w{i})

and the shape is (n_l, n_{l-1}). Layer numbers l start at 1 (layer 0 is the input), as in the documents.

The numpy forward pass (``network_arrays``, ``batch_forward``, ``forward_numpy``) evaluates a whole batch without
building a graph: the plots use it for a grid of points, and ``nn.crosscheck`` for its closed-form equations.
"""

# ruff: noqa: E741  (l is the layer index, as in every document)
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from autograd_mini import Value
from nn.module import MLP

__all__ = [
    "NUMPY_ACTIVATIONS",
    "NetworkArrays",
    "PerLayer",
    "batch_forward",
    "bias_grad_vector",
    "bias_vector",
    "forward_numpy",
    "linear",
    "linear_prime",
    "network_arrays",
    "numpy_activation",
    "relu",
    "relu_prime",
    "set_all_weights",
    "set_bias_vector",
    "set_weight_matrix",
    "sigmoid",
    "sigmoid_prime",
    "tanh_prime",
    "weight_grad_matrix",
    "weight_matrix",
]

Array = NDArray[np.floating[Any]]
# a list indexed by the layer l as the documents index it; None where a layer has no such quantity (the input layer)
PerLayer = list[Any]


def _layer(model: MLP, l: int, where: str) -> Any:
    if not isinstance(model, MLP):
        raise TypeError(f"{where} takes an nn.MLP, got {type(model).__name__}")
    L = len(model.layers)
    if isinstance(l, bool) or not isinstance(l, numbers.Integral) or not 1 <= l <= L:
        raise ValueError(
            f"{where}: layer l={l!r} does not exist; this model's layers of weights are numbered 1..{L} "
            f"(layer 0 is the input)"
        )
    return model.layers[int(l) - 1]


def weight_matrix(model: MLP, l: int) -> Array:
    """W^l as a numpy array of shape (n_l, n_{l-1}): row j = target neuron j, column i = source neuron i."""
    layer = _layer(model, l, "weight_matrix()")
    return np.array([[w.data for w in n.w] for n in layer.neurons], dtype=float)


def bias_vector(model: MLP, l: int) -> Array:
    """b^l as a numpy array of shape (n_l,)."""
    layer = _layer(model, l, "bias_vector()")
    return np.array([n.b.data for n in layer.neurons], dtype=float)


def weight_grad_matrix(model: MLP, l: int) -> Array:
    """dE/dW^l after ``backward()``, same layout as W^l (document 001, 2.7.2: dE/dW^l = [delta^l] (A^{l-1})^T)."""
    layer = _layer(model, l, "weight_grad_matrix()")
    return np.array([[w.grad for w in n.w] for n in layer.neurons], dtype=float)


def bias_grad_vector(model: MLP, l: int) -> Array:
    """dE/db^l after ``backward()`` (document 001, 2.4: dE/db_j^l = delta_j^l)."""
    layer = _layer(model, l, "bias_grad_vector()")
    return np.array([n.b.grad for n in layer.neurons], dtype=float)


def _checked(values: ArrayLike, shape: tuple[int, ...], what: str, where: str) -> Array:
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


def _assign_weights(layer: Any, W: Array) -> None:
    for j, n in enumerate(layer.neurons):
        for i, w in enumerate(n.w):
            w.data = float(W[j, i])


def _assign_biases(layer: Any, b: Array) -> None:
    for j, n in enumerate(layer.neurons):
        n.b.data = float(b[j])


def set_weight_matrix(model: MLP, l: int, W: ArrayLike) -> None:
    """Set W^l (shape (n_l, n_{l-1}), row = target neuron) into the model's Values; checked before any change."""
    layer = _layer(model, l, "set_weight_matrix()")
    _assign_weights(layer, _checked(W, (layer.nout, layer.nin), f"W^{l}", "set_weight_matrix()"))


def set_bias_vector(model: MLP, l: int, b: ArrayLike) -> None:
    """Set b^l (shape (n_l,)) into the model's Values; a single number sets every neuron's bias of the layer."""
    layer = _layer(model, l, "set_bias_vector()")
    if np.ndim(b) == 0:
        number = float(b)  # type: ignore[arg-type]  # a 0-d array or a number
        if not math.isfinite(number):
            raise ValueError(f"set_bias_vector(): b^{l} is {b!r}; it must be finite")
        b = [number] * layer.nout
    _assign_biases(layer, _checked(b, (layer.nout,), f"b^{l}", "set_bias_vector()"))


def set_all_weights(
    model: MLP, Ws: Sequence[ArrayLike], bs: Sequence[ArrayLike], where: str = "set_all_weights()"
) -> None:
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


# ---------------------------------------------------------------------------------------------------------------
# The activations in numpy, sigma and sigma'. Written out here from the documents, not taken from the engine's op
# table (autograd_mini.ops): nn.crosscheck compares the engine with equations built on these, so they must not
# share its code. The Value activations of the network itself are nn.module.ACTIVATIONS.


def _floats(x: ArrayLike) -> Array:
    """x as a numpy array of floats: float64, or the float type it already has (fd_study computes in float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def sigmoid(x: ArrayLike) -> Array:
    """sigma(x) = 1 / (1 + e^{-x})  (document 001, section 1.2), evaluated without overflow for large |x|."""
    x = _floats(x)
    e = np.exp(-np.abs(x))  # e^{-|x|} <= 1 never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(x: ArrayLike) -> Array:
    """sigma'(x) = sigma(x) * (1 - sigma(x))  (document 001, section 2.3)."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_prime(x: ArrayLike) -> Array:
    """tanh'(x) = 1 - tanh(x)^2."""
    t = np.tanh(x)
    return 1.0 - t * t


def relu(x: ArrayLike) -> Array:
    """ReLU(x) = max(0, x)  (document 004, page 2: "Rectified Linear")."""
    return np.maximum(x, 0.0)


def relu_prime(x: ArrayLike) -> Array:
    """ReLU'(x) = 1 for x > 0, else 0 (at the kink x = 0 the value 0, as the engine and torch take it)."""
    return (np.asarray(x) > 0).astype(np.float64)


def linear(x: ArrayLike) -> Array:
    return _floats(x)


def linear_prime(x: ArrayLike) -> Array:
    return np.ones_like(np.asarray(x, dtype=np.float64))


ArrayFunction = Callable[[ArrayLike], Array]

# name -> (sigma, sigma'), the activations the nn package offers
NUMPY_ACTIVATIONS: dict[str, tuple[ArrayFunction, ArrayFunction]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (np.tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "linear": (linear, linear_prime),
}


def numpy_activation(name: str, where: str) -> tuple[ArrayFunction, ArrayFunction]:
    """(sigma, sigma') of the activation ``name``; a ValueError naming ``where`` for one without a numpy form."""
    try:
        return NUMPY_ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{where}: activation {name!r} has no closed form here; use one of {sorted(NUMPY_ACTIVATIONS)}"
        ) from None


# ---------------------------------------------------------------------------------------------------------------
# A network as numpy arrays, and its forward pass for a batch (document 001, section 2.6: one column per sample).


@dataclass(slots=True)
class NetworkArrays:
    """W[l] (n_l x n_{l-1}), b[l] (n_l,) and activation[l] for l = 1..L; index 0 is the input layer (None).

    ``names[l]`` = (weight names, n_l lists of n_{l-1}; bias names) and ``values[l]`` the model's Values in the same
    layout, when the arrays were read from a model (``network_arrays``); None otherwise.
    """

    W: PerLayer
    b: PerLayer
    activation: PerLayer
    names: PerLayer | None = None
    values: PerLayer | None = None

    @property
    def L(self) -> int:
        return len(self.W) - 1

    @property
    def sizes(self) -> list[int]:
        return [self.W[1].shape[1]] + [self.W[l].shape[0] for l in range(1, self.L + 1)]

    def parameter_names(self) -> list[str]:
        """The parameters' names in ``named_parameters()`` order (per layer, per neuron, w0..w{n-1} then b)."""
        return _in_parameter_order(self.names, self.L)

    def parameters(self) -> list[Value]:
        """The model's parameter Values, in the order of ``parameter_names()``."""
        return _in_parameter_order(self.values, self.L)


def _in_parameter_order(per_layer: PerLayer | None, L: int) -> list[Any]:
    """Flatten per-layer (weights per neuron, bias per neuron) tables in named_parameters() order: per layer, per
    neuron, w0..w{n-1} then b. Serves the names (net.names) and the Values (net.values) alike."""
    if per_layer is None:
        raise ValueError("NetworkArrays: these arrays were not read from a model (network_arrays(model))")
    out = []
    for l in range(1, L + 1):
        ws, bs = per_layer[l]
        for j in range(len(bs)):
            out.extend(ws[j])
            out.append(bs[j])
    return out


def network_arrays(model: MLP | NetworkArrays) -> NetworkArrays:
    """The model's parameters as numpy arrays, in the documents' convention.

    ``W[l][j, i] = model.layers[l-1].neurons[j].w[i].data`` (row j = neuron j of layer l, column i = neuron i of
    layer l-1; document 001 section 1.3), ``b[l][j] = ...neurons[j].b.data``, ``activation[l]`` the layer's
    activation name. Layer 0 is the input, as in the lecture notes, so ``W[0]`` is None. The parameter names are
    those of ``model.named_parameters()``.
    """
    if isinstance(model, NetworkArrays):
        return model
    if not isinstance(model, MLP):
        raise TypeError(f"network_arrays(): expected an nn.MLP, got {type(model).__name__}")
    name_of = {id(p): name for name, p in model.named_parameters()}
    W: PerLayer = [None]
    b: PerLayer = [None]
    acts: PerLayer = [None]
    names: PerLayer = [None]
    values: PerLayer = [None]
    for l, layer in enumerate(model.layers, start=1):
        neurons = layer.neurons
        act_names = {n.activation for n in neurons}
        if len(act_names) != 1:
            raise ValueError(
                f"network_arrays(): layer {l} mixes activations {sorted(act_names)}; the delta equations take one "
                f"sigma per layer"
            )
        act = act_names.pop()
        numpy_activation(act, f"network_arrays() layer {l}")
        W.append(weight_matrix(model, l))
        b.append(bias_vector(model, l))
        acts.append(act)
        values.append(([list(n.w) for n in neurons], [n.b for n in neurons]))
        names.append(([[name_of[id(w)] for w in n.w] for n in neurons], [name_of[id(n.b)] for n in neurons]))
    return NetworkArrays(W, b, acts, names, values)


def batch_forward(net: NetworkArrays, X: ArrayLike) -> tuple[PerLayer, PerLayer]:
    """Z[l], A[l] (n_l x N) for l = 0..L; A^l = sigma(W^l A^{l-1} + b^l), A^0 = X (one column per sample).

    Computed in float64, or in float32 when X, W and b are float32 (``nn.crosscheck.fd_study``)."""
    Z: PerLayer = [None]
    A: PerLayer = [_floats(X)]
    for l in range(1, net.L + 1):
        sigma, _ = NUMPY_ACTIVATIONS[net.activation[l]]
        Z.append(net.W[l] @ A[l - 1] + net.b[l][:, None])  # "Matrix + Vektor": b^l added to every column
        A.append(sigma(Z[l]))
    return Z, A


def forward_numpy(model: MLP, X: ArrayLike) -> Array:
    """The model's outputs for many samples at once with numpy (no graph): A^l = f(W^l A^{l-1} + b^l).

    Document 001, section 2.6 stacks the samples as the columns of A^l; here ``X`` has one sample per row (the
    usual data layout), so the result has shape (samples, n_L). Used for plots over a grid of points.
    """
    A = np.asarray(X, dtype=float)
    if A.ndim == 1:
        A = A[None, :]
    if A.ndim != 2 or A.shape[1] != model.sizes[0]:
        raise ValueError(f"forward_numpy(): X must have shape (samples, {model.sizes[0]}), got {A.shape}")
    _, As = batch_forward(network_arrays(model), A.T)  # columns = samples, as in document 001, section 2.6
    out: Array = As[-1].T
    return out
