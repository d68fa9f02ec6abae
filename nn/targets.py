"""How targets meet a loss and outputs meet a class: the targets as each loss wants them, and the class an output
names (for the accuracy of ``fit``, ``evaluate`` and ``accuracy``).

Targets are adapted to the loss: labels 0/1 become -1/+1 for ``hinge`` (and -1/+1 become 0/1 for ``bce`` and
``bce_logits``); for a model with several outputs and a squared-error loss, a class index c becomes the one-hot
vector (the lecture notes' targets y_j), and ``softmax_ce`` takes class indices as they are.

An output becomes a class by a *decision*: the argmax for several outputs, else a threshold that depends on the loss
(hinge and bce_logits: 0, micrograd's ``score > 0``; bce: 0.5; squared errors: halfway between the two label values;
no loss named: 0.5 for a sigmoid output, else 0).
"""

import numbers
from typing import Any

from autograd_mini import Value
from nn.losses import LOSSES, Loss, get_loss

__all__ = ["correct", "decision", "loss_name", "n_outputs", "prepare_targets"]

_SQUARED = ("half_sse", "sse", "mse")

Decision = tuple[str, float | None]  # ("binary", threshold), ("argmax", None) or ("argmax_vector", None)


def loss_name(loss: str | Loss) -> str | None:
    """The name in ``nn.losses.LOSSES`` of a loss given by name or as one of its functions; None for a user's own."""
    if isinstance(loss, str):
        get_loss(loss)  # raises for an unknown name
        return loss
    for name, fn in LOSSES.items():
        if fn is loss:
            return name
    return None  # a user's own callable: targets are passed as given


def n_outputs(model: Any) -> int | None:
    sizes = getattr(model, "sizes", None)
    return sizes[-1] if sizes else None


def _is_label(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and float(v).is_integer()


def prepare_targets(y: Any, name: str | None, n_out: int | None, where: str) -> list[Any]:
    """The targets as the loss ``name`` wants them (see the module docstring)."""
    y = list(y)
    scalar = all(isinstance(t, numbers.Real) and not isinstance(t, bool) for t in y)
    if name == "hinge" and scalar:
        values = {float(t) for t in y}
        if values <= {0.0, 1.0}:
            return [2.0 * t - 1.0 for t in y]
        if not values <= {-1.0, 1.0}:
            raise ValueError(f"{where}: the hinge loss needs labels 0/1 or -1/+1, got the values {sorted(values)}")
        return [float(t) for t in y]
    if name in ("bce", "bce_logits") and scalar and {float(t) for t in y} <= {-1.0, 1.0}:
        return [1.0 if t > 0 else 0.0 for t in y]
    if name in _SQUARED and scalar and n_out and n_out > 1 and all(_is_label(t) for t in y):
        classes = {int(t) for t in y}
        if min(classes) < 0 or max(classes) >= n_out:
            raise ValueError(f"{where}: class labels must be 0..{n_out - 1} for {n_out} outputs, got {sorted(classes)}")
        return [[1.0 if j == int(t) else 0.0 for j in range(n_out)] for t in y]
    return y


def _is_distribution(t: Any) -> bool:
    """A target vector that names a class: entries >= 0 that sum to 1 (one-hot, or probabilities)."""
    return all(isinstance(v, numbers.Real) and float(v) >= 0 for v in t) and abs(sum(t) - 1.0) < 1e-9


def decision(name: str | None, targets: list[Any], output_activation: str) -> Decision | None:
    """How an output becomes a class, for these (prepared) targets; None when they are not class labels."""
    first = targets[0]
    if isinstance(first, (list, tuple)):  # one-hot or probability vectors: argmax against argmax
        return ("argmax_vector", None) if all(_is_distribution(t) for t in targets) else None  # else regression
    if not all(_is_label(t) for t in targets):
        return None
    if name == "softmax_ce":
        return ("argmax", None)
    if name in ("hinge", "bce_logits"):
        return ("binary", 0.0)
    if name == "bce":
        return ("binary", 0.5)
    if name in _SQUARED:  # the nearer of the two label values: 0/1 -> 0.5, -1/+1 -> 0
        return ("binary", 0.0 if min(targets) < 0 else 0.5)
    return ("binary", 0.5 if output_activation == "sigmoid" else 0.0)


def correct(out: Any, target: Any, rule: Decision) -> bool:
    """Whether the output ``out`` (Values or numbers) names the class of ``target`` by the decision ``rule``."""
    kind, threshold = rule
    if isinstance(out, Value) or isinstance(out, numbers.Real):
        if kind != "binary":
            return False
        s: Any = out.data if isinstance(out, Value) else out
        return (s > threshold) == (target > 0)
    data = [o.data if isinstance(o, Value) else o for o in out]
    pred = max(range(len(data)), key=data.__getitem__)
    if kind == "argmax_vector":
        return pred == max(range(len(target)), key=target.__getitem__)
    return pred == int(target)
