"""Export an MLP to PyTorch and back, for learners who outgrow the scalar engine.

``to_torch(model)`` is a ``torch.nn.Sequential`` of ``Linear`` layers (float64) each followed by its activation
module (``ReLU``, ``Tanh``, ``Sigmoid``; nothing after a linear layer). ``Linear.weight`` has the same layout as
the documents' W^l (row = target neuron, column = source neuron), so the weights copy over unchanged.
``from_torch(seq)`` reads such a Sequential back into an MLP. torch is imported only when these are called.
"""

from typing import Any

from nn.matrices import bias_vector, set_all_weights, weight_matrix
from nn.module import MLP

__all__ = ["from_torch", "to_torch"]


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError(
            "nn.torch_bridge needs PyTorch, which is not installed: pip install torch (the CPU build is enough)"
        ) from None
    return torch


def _modules(torch):
    return {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


def to_torch(model: MLP) -> Any:
    """A ``torch.nn.Sequential`` (float64) computing the same function with the same weights as ``model``."""
    torch = _torch()
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch() takes an nn.MLP, got {type(model).__name__}")
    modules = []
    for l, layer in enumerate(model.layers, start=1):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weight_matrix(model, l), dtype=torch.float64))
            linear.bias.copy_(torch.tensor(bias_vector(model, l), dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(_modules(torch)[layer.activation]())
    return torch.nn.Sequential(*modules)


def from_torch(seq: Any) -> MLP:
    """An MLP from a ``torch.nn.Sequential`` of ``Linear`` layers, each optionally followed by ReLU, Tanh,
    Sigmoid or Identity. All hidden layers must share one activation (an MLP has one hidden activation)."""
    torch = _torch()
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(f"from_torch() takes a torch.nn.Sequential, got {type(seq).__name__}")
    names = {cls: name for name, cls in _modules(torch).items()}
    names[torch.nn.Identity] = "linear"
    linears: list[Any] = []
    activations: list[str] = []
    for k, m in enumerate(seq):
        if isinstance(m, torch.nn.Linear):
            if m.bias is None:
                raise ValueError(f"from_torch(): module {k} is a Linear without bias; every neuron here has a bias")
            if linears and linears[-1].out_features != m.in_features:
                raise ValueError(
                    f"from_torch(): module {k} is Linear({m.in_features} -> {m.out_features}) but the layer before "
                    f"gives {linears[-1].out_features} outputs"
                )
            linears.append(m)
            activations.append("linear")
        elif type(m) in names:
            if k == 0 or not isinstance(seq[k - 1], torch.nn.Linear):
                raise ValueError(f"from_torch(): module {k} ({type(m).__name__}) must directly follow a Linear")
            activations[-1] = names[type(m)]
        else:
            raise ValueError(
                f"from_torch(): module {k} is a {type(m).__name__}; only Linear, ReLU, Tanh, Sigmoid and Identity "
                f"have an MLP counterpart"
            )
    if not linears:
        raise ValueError("from_torch(): the Sequential has no Linear layer")
    hidden = set(activations[:-1])
    if len(hidden) > 1:
        raise ValueError(
            f"from_torch(): the hidden layers use different activations {activations[:-1]}; an nn.MLP has one "
            f"activation for all hidden layers"
        )
    activation = hidden.pop() if hidden else "relu"
    sizes = [linears[0].in_features] + [m.out_features for m in linears]
    model = MLP(sizes[0], sizes[1:], activation=activation, output_activation=activations[-1], seed=0)
    set_all_weights(  # every layer checked (shapes, finite numbers) before any is set
        model,
        [m.weight.detach().to(torch.float64).cpu().numpy() for m in linears],
        [m.bias.detach().to(torch.float64).cpu().numpy() for m in linears],
        "from_torch()",
    )
    return model
