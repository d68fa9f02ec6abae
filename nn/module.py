"""Neurons, layers and multi-layer perceptrons, made of ``Value``s so that every gradient can be drawn and checked.

Notation (document 001, section 1.2): layer 0 is the input, layers 1..L hold weights. Neuron j of layer l computes

    z_j^l = b_j^l + sum_i w_{j,i}^l * a_i^{l-1}        a_j^l = f(z_j^l)

with i running over the neurons of layer l-1 (the documents write the pair of indices in either order; here, as in
the weight matrix W^l of ``nn.matrices``, the first index j is the target neuron and the second index i the source).
The parameters carry the labels ``L{l}.N{j}.w{i}`` and ``L{l}.N{j}.b``, so a drawn graph names every weight.

Initialisation (``init="fan_in"``, the default): weights uniform in (-r, r) with r scaled by the fan-in n = nin,

    relu:                    r = sqrt(6 / n)   (He/Kaiming: Var w = r^2/3 = 2/n, keeps the variance of z through
                                                relu layers, which zero half of their inputs)
    tanh, sigmoid, linear:   r = sqrt(3 / n)   (LeCun: Var w = 1/n, keeps Var z ~ Var a in the near-linear middle
                                                of tanh and sigmoid)

The fan-in alone, not the Glorot average of fan-in and fan-out, because a neuron knows only its own inputs.
``init="micrograd"`` draws every weight from uniform(-1, 1) in micrograd's order, so with the same generator state
a model is weight for weight micrograd's. Biases start at 0 (as in micrograd): the random weights already break the
symmetry between neurons, and a zero bias puts every pre-activation in the middle of its activation at the start.

Randomness comes only from the ``rng`` (a ``random.Random`` or an int seed) or ``seed`` argument: nothing reads or
changes Python's global random state, so one seed reproduces a run. ``None`` means a fresh, unseeded generator.
"""

import math
import numbers
import random
from collections.abc import Callable, Mapping, Sequence

from autograd_mini import Value

# Activation name -> the function that applies it to a neuron's z (None: the identity): the Value method of that
# name, whose rule is in the engine's op table.
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": lambda z: z.relu(),
    "tanh": lambda z: z.tanh(),
    "sigmoid": lambda z: z.sigmoid(),
    "linear": None,
}

# the built-in activations as defined here, each one op of the engine's table (or none); a learner may register
# others in ACTIVATIONS, or replace these, and neurons made after that use the learner's functions
_ENGINE_ACTIVATIONS = tuple(ACTIVATIONS.values())

INITS = ("fan_in", "micrograd")


def _check_activation(activation: str, where: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    return activation


def _check_size(n: int, what: str, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{where}: {what} must be a whole number >= 1, got {n!r}")
    return int(n)


def make_rng(rng: random.Random | int | None, where: str = "rng") -> random.Random:
    """A ``random.Random`` from None (fresh, unseeded), an int seed, or an existing ``random.Random`` (used as is)."""
    if rng is None:
        return random.Random()
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return random.Random(int(rng))
    raise TypeError(f"{where} must be None, an int seed or a random.Random, got {type(rng).__name__} {rng!r}")


def init_bound(nin: int, activation: str, init: str = "fan_in") -> float:
    """The r of uniform(-r, r) for a weight of a neuron with ``nin`` inputs (see the module docstring)."""
    if init == "micrograd":
        return 1.0
    if init != "fan_in":
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    return math.sqrt((6.0 if activation == "relu" else 3.0) / nin)


class Module:
    """Anything with parameters: ``parameters()``, ``named_parameters()``, ``zero_grad()``, and a state dict."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """[(name, Value)], in a fixed order: per neuron its weights w0, w1, ... then its bias b."""
        return []

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (gradients accumulate across ``backward()`` calls until you do)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        return len(self.named_parameters())

    def _repr_html_(self):
        """Jupyter's rich display: a table of the layers, their sizes, activations and parameters (``nn.display``)."""
        from nn.display import module_html

        return module_html(self)

    def state_dict(self) -> dict[str, float]:
        """{name: value} for every parameter, as plain floats (a copy: changing it changes nothing here)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from ``state`` ({name: number}); all or nothing.

        Every name and value is checked before any parameter changes, so a state of another shape (a missing or
        an extra parameter name) or a bad value raises ``ValueError`` naming the parameter and leaves the model
        as it was.
        """
        cls = type(self).__name__
        if not isinstance(state, Mapping):
            raise TypeError(f"{cls}.load_state_dict() takes a dict {{name: number}}, got {type(state).__name__}")
        named = self.named_parameters()
        names = [n for n, _ in named]
        missing = [n for n in names if n not in state]
        expected = set(names)
        unexpected = [n for n in state if n not in expected]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(
                    f"missing parameter {missing[0]!r}" + (f" (and {len(missing) - 1} more)" * (len(missing) > 1))
                )
            if unexpected:
                parts.append(
                    f"unexpected parameter {unexpected[0]!r}"
                    + (f" (and {len(unexpected) - 1} more)" * (len(unexpected) > 1))
                )
            raise ValueError(
                f"{cls}.load_state_dict(): the state does not fit this model ({self!r}): {'; '.join(parts)}. "
                f"Nothing was changed; build a model of the same sizes as the one the state came from"
            )
        values: list[float] = []
        for n in names:
            v = state[n]
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
                raise ValueError(
                    f"{cls}.load_state_dict(): parameter {n!r} must be a finite real number, got {v!r}. "
                    f"Nothing was changed"
                )
            values.append(float(v))
        for (_, p), v in zip(named, values):
            p.data = v


class Neuron(Module):
    """z = b + sum_i w_i * x_i, then the activation: ``a = f(z)``. ``.w`` (list of Values), ``.b`` (Value)."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        rng: random.Random | int | None = None,
        *,
        init: str = "fan_in",
        prefix: str = "",
    ) -> None:
        nin = _check_size(nin, "nin (the number of inputs)", "Neuron()")
        self.activation = _check_activation(activation, "Neuron()")
        rng = make_rng(rng, "Neuron(rng=...)")
        r = init_bound(nin, activation, init)
        self.nin = nin
        self.prefix = prefix  # "L1.N0." in an MLP: the parameters' names, and their labels to start with
        self.w = [Value(rng.uniform(-r, r), label=f"{prefix}w{i}") for i in range(nin)]
        self.b = Value(0.0, label=f"{prefix}b")
        self._act = ACTIVATIONS[activation]

    def __call__(self, x: Sequence[Value | float]) -> Value:
        if len(x) != self.nin:
            raise ValueError(f"Neuron({self.nin} inputs) got {len(x)} inputs: {list(x)!r}")
        # z = b + w_0 x_0 + w_1 x_1 + ...: started from b, so no extra "0 +" node; a number x_i stays inside the
        # mul node (w_i * 0.5 is one node), only given Values become edges.
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        act = self._act
        return z if act is None else act(z)

    def named_parameters(self) -> list[tuple[str, Value]]:
        # names from the neuron's place, not from the Values' labels: relabelling a Value for a drawing must not
        # rename its parameter in state_dict() or in a saved model
        return [(f"{self.prefix}w{i}", p) for i, p in enumerate(self.w)] + [(f"{self.prefix}b", self.b)]

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs. Calling it always returns a list (one Value per neuron)."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        rng: random.Random | int | None = None,
        *,
        init: str = "fan_in",
        prefix: str = "",
    ) -> None:
        nin = _check_size(nin, "nin (the number of inputs)", "Layer()")
        nout = _check_size(nout, "nout (the number of neurons)", "Layer()")
        _check_activation(activation, "Layer()")
        rng = make_rng(rng, "Layer(rng=...)")
        self.activation = activation
        self.nin, self.nout = nin, nout
        self.neurons = [Neuron(nin, activation, rng, init=init, prefix=f"{prefix}N{j}.") for j in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [item for n in self.neurons for item in n.named_parameters()]

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is 2 inputs, two hidden layers of 16, one output.

    ``activation`` is used in the hidden layers, ``output_activation`` in the last one. The defaults follow
    micrograd (relu, linear output); the lecture notes' sigmoid network is
    ``MLP(nin, nouts, activation="sigmoid", output_activation="sigmoid")``.
    ``seed`` (an int or a ``random.Random``) makes the initial weights reproducible.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        seed: random.Random | int | None = None,
        *,
        init: str = "fan_in",
    ) -> None:
        nin = _check_size(nin, "nin (the number of inputs)", "MLP()")
        if isinstance(nouts, numbers.Integral) or not hasattr(nouts, "__len__") or len(nouts) == 0:
            raise ValueError(f"MLP(): nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1], got {nouts!r}")
        nouts = [_check_size(n, f"layer size nouts[{k}]", "MLP()") for k, n in enumerate(nouts)]
        _check_activation(activation, "MLP(activation=...)")
        _check_activation(output_activation, "MLP(output_activation=...)")
        if init not in INITS:
            raise ValueError(f"MLP(): unknown init {init!r}; choose one of {', '.join(INITS)}")
        rng = make_rng(seed, "MLP(seed=...)")
        self.sizes = [nin] + nouts
        self.activation = activation
        self.output_activation = output_activation
        self.init = init
        L = len(nouts)
        self.layers = [
            Layer(
                self.sizes[l - 1],
                self.sizes[l],
                output_activation if l == L else activation,
                rng,
                init=init,
                prefix=f"L{l}.",
            )
            for l in range(1, L + 1)
        ]

    @property
    def activations(self) -> list[str]:
        """The activation of each layer of weights, layer 1 first."""
        return [layer.activation for layer in self.layers]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        if len(x) != self.sizes[0]:
            raise ValueError(f"MLP expects {self.sizes[0]} inputs (sizes {self.sizes}), got {len(x)}: {list(x)!r}")
        # numbers become floats once here (the fast path of the mul op); Values are used as they are
        a: Sequence[Value | float] = [xi if isinstance(xi, Value) else _input_float(xi, k) for k, xi in enumerate(x)]
        out: list[Value] = []
        for layer in self.layers:
            a = out = layer(a)
        return out[0] if len(out) == 1 else out

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [item for layer in self.layers for item in layer.named_parameters()]

    def layer_groups(self) -> dict[str, list[Value]]:
        """{"layer 1: 16 neurons": the layer's parameters, ...}: what ``draw_dot(..., layers=...)`` lists, a line
        per layer, in the summary of a graph too big to draw node by node."""
        return {
            f"layer {l}: {layer.nout} neuron{'s' if layer.nout > 1 else ''}": layer.parameters()
            for l, layer in enumerate(self.layers, start=1)
        }

    def __repr__(self) -> str:
        sizes = " -> ".join(str(n) for n in self.sizes)
        return (
            f"MLP({sizes}, activation={self.activation!r}, output_activation={self.output_activation!r}, "
            f"parameters={self.num_parameters()})"
        )


def _input_float(v: object, k: int) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"MLP input x[{k}] must be a real number or a Value, got {type(v).__name__} {v!r}")
    return float(v)


def same_graph_for_every_input(model: object) -> bool:
    """True when ``model`` is an ``MLP`` computing with nn's own forward passes (the ``__call__`` of MLP, Layer and
    Neuron, none overridden) and the engine's activations (relu, tanh, sigmoid, linear): its graph has the same
    shape for every input, whatever the numbers (relu's branch lives inside its op). A subclass with a forward of its
    own, or an activation function of a learner's, may look at the numbers (``if z.data > 0``): not this."""
    if not isinstance(model, MLP) or type(model).__call__ is not MLP.__call__:
        return False
    for layer in model.layers:
        if type(layer).__call__ is not Layer.__call__:
            return False
        for neuron in layer.neurons:
            if type(neuron).__call__ is not Neuron.__call__:
                return False
            if not any(neuron._act is act for act in _ENGINE_ACTIVATIONS):
                return False
    return True
