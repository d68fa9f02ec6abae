"""Loss functions for ONE sample, built from ``Value`` ops, so every loss can be drawn and differentiated.

Each function takes the model's output (a Value, or a list of Values for several output neurons) and the target
of one sample, and returns a Value. Over a batch, ``nn.train.fit`` takes the mean of these per-sample losses
(E = 1/N sum_k E^k), which makes plain gradient descent the update of document 001, section 2.2.

The lecture notes scale the squared error three ways; each is one name away:

    half_sse   E = 1/2 sum_j (y_j - a_j^L)^2      document 001, section 2.1 (dE_j/da_j^L = a_j^L - y_j)
    sse        E = sum_j (a_j - y_j)^2            documents 000, 002 (d_MSE(x, y) = ||x - y||_2^2) and 004
    mse        E = 1/n sum_j (a_j - y_j)^2        the mean over the n output neurons (torch's MSELoss)

Over several output neurons, ``bce`` and ``bce_with_logits`` add up the per-neuron losses (as ``sse`` does);
``mse`` is the only one that averages over the outputs.

Numerical stability: ``bce_with_logits`` never takes exp of a positive number and never log of a number below 1;
``softmax_cross_entropy`` subtracts the largest logit (a constant) first; ``bce`` of a sigmoid node goes through
``bce_with_logits`` of the sigmoid's input. So logits of +-1000 give finite losses and gradients, no overflow and
no log(0).
"""

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from autograd_mini import Value
from autograd_mini.ops import SIGMOID

# What a loss takes: the model's output (a Value, or a list for several output neurons) and the target of one sample
Output = Value | float | Sequence[Value | float]
Target = Any  # a number, a list of numbers, or (softmax_cross_entropy) a class index
Loss = Callable[[Any, Any], Value]

__all__ = [
    "LOSSES",
    "Loss",
    "bce",
    "bce_with_logits",
    "get_loss",
    "half_sse",
    "hinge",
    "mse",
    "softmax_cross_entropy",
    "sse",
    "sum_values",
]


def _as_list(out: Any, where: str) -> list[Any]:
    if isinstance(out, Value):
        return [out]
    if isinstance(out, numbers.Real) and not isinstance(out, bool):
        return [out]
    try:
        out = list(out)
    except TypeError:
        raise TypeError(f"{where}: the output must be a Value or a list of Values, got {type(out).__name__}") from None
    if not out:
        raise ValueError(f"{where}: the output is empty")
    return out


def _targets(y: Target, n: int, where: str) -> list[float]:
    """The target as a list of n floats (a number is accepted for a single output)."""
    if isinstance(y, Value):
        y = [y.data]
    elif isinstance(y, numbers.Real) and not isinstance(y, bool):
        y = [y]
    else:
        try:
            y = list(y)
        except TypeError:
            raise TypeError(f"{where}: the target must be a number or a list of numbers, got {y!r}") from None
    if len(y) != n:
        raise ValueError(f"{where}: {n} outputs but {len(y)} targets ({y!r}); give one target per output neuron")
    result = []
    for yj in y:
        if isinstance(yj, Value):
            yj = yj.data
        if isinstance(yj, bool) or not isinstance(yj, numbers.Real) or not math.isfinite(yj):
            raise ValueError(f"{where}: targets must be finite real numbers, got {yj!r}")
        result.append(float(yj))
    return result


def sum_values(terms: Sequence[Any]) -> Any:
    """t_0 + t_1 + ... without a leading ``0 +`` node."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def half_sse(out: Output, y: Target) -> Value:
    """E = 1/2 sum_j (y_j - a_j^L)^2   (document 001, section 2.1)."""
    a = _as_list(out, "half_sse()")
    y = _targets(y, len(a), "half_sse()")
    return 0.5 * sum_values([(aj - yj) ** 2 for aj, yj in zip(a, y)])


def sse(out: Output, y: Target) -> Value:
    """E = sum_j (a_j - y_j)^2, the squared Euclidean distance ||a - y||_2^2 (documents 000, 002, 004)."""
    a = _as_list(out, "sse()")
    y = _targets(y, len(a), "sse()")
    return sum_values([(aj - yj) ** 2 for aj, yj in zip(a, y)])


def mse(out: Output, y: Target) -> Value:
    """E = 1/n sum_j (a_j - y_j)^2, the mean over the n output neurons."""
    a = _as_list(out, "mse()")
    y = _targets(y, len(a), "mse()")
    return sum_values([(aj - yj) ** 2 for aj, yj in zip(a, y)]) * (1.0 / len(a))


def hinge(score: Output, label: Target) -> Value:
    """max(0, 1 - y * s) for a score s and a label y of -1 or +1 (micrograd's demo: ``(1 + -y*s).relu()``)."""
    s = _as_list(score, "hinge()")
    if len(s) != 1:
        raise ValueError(f"hinge(): needs one score (a model with one output neuron), got {len(s)}")
    (y,) = _targets(label, 1, "hinge()")
    if y not in (-1.0, 1.0):
        raise ValueError(
            f"hinge(): the label must be -1 or +1, got {y!r}; labels 0/1 become -1/+1 with 2*y - 1 "
            f"(nn.train.fit does this for you)"
        )
    return (1.0 - s[0] * y).relu()


def _bce_logit(z: Value | float, y: float) -> Value:
    # -[y log sigma(z) + (1-y) log(1 - sigma(z))] = max(z, 0) - z*y + log(1 + e^-|z|)
    # The max and |z| are settled by the sign of z's value, a constant choice (like the max in log-sum-exp): for
    # z >= 0 the expression is z*(1-y) + log(1 + e^-z), for z < 0 it is -z*y + log(1 + e^z). Both are exactly the
    # loss, their derivative is sigma(z) - y on either side (also at z = 0), e^(...) never exceeds 1 and the log
    # never sees less than 1.
    if not isinstance(z, Value):
        z = Value(z)
    if z.data >= 0:
        return z * (1.0 - y) + (1.0 + (-z).exp()).log()
    return z * (-y) + (1.0 + z.exp()).log()


def bce_with_logits(logit: Output, y: Target) -> Value:
    """Binary cross-entropy of sigma(z) against y in [0, 1], computed from the logit z (stable at any z)."""
    z = _as_list(logit, "bce_with_logits()")
    y = _targets(y, len(z), "bce_with_logits()")
    _check_probabilities(y, "bce_with_logits()")
    return sum_values([_bce_logit(zj, yj) for zj, yj in zip(z, y)])


_LOG_FLOOR = -100.0  # torch's BCELoss clamps log(p) at -100 in the same way


def _log_clamped(p: Value) -> Value:
    """log p, or the constant -100 when p <= e^-100 (including p = 0): never log(0)."""
    if p.data <= math.exp(_LOG_FLOOR):
        return Value(_LOG_FLOOR)
    return p.log()


def bce(prob: Output, y: Target) -> Value:
    """Binary cross-entropy -[y log p + (1 - y) log(1 - p)] of a probability p against y in [0, 1].

    If p is a sigmoid node (``z.sigmoid()``, a model with ``output_activation="sigmoid"``), the loss is computed
    as ``bce_with_logits`` of z, which is exactly the same function of z but cannot hit log(0) when sigma(z)
    rounds to 0.0 or 1.0. Otherwise log p and log(1 - p) are clamped at -100 (as torch's BCELoss does).
    """
    p = _as_list(prob, "bce()")
    y = _targets(y, len(p), "bce()")
    _check_probabilities(y, "bce()")
    terms = []
    for pj, yj in zip(p, y):
        if not isinstance(pj, Value):
            pj = Value(pj)
        if not 0.0 <= pj.data <= 1.0:
            raise ValueError(
                f"bce(): the prediction must be a probability in [0, 1], got {pj.data!r}; "
                f"for a raw score use bce_with_logits()"
            )
        if pj.op is SIGMOID:
            terms.append(_bce_logit(pj.operands[0], yj))
            continue
        # -[y log p + (1 - y) log(1 - p)], a term left out where its factor y or 1 - y is 0
        if yj == 0.0:
            terms.append(_log_clamped(1.0 - pj) * (yj - 1.0))
        elif yj == 1.0:
            terms.append(_log_clamped(pj) * (-yj))
        else:
            terms.append(_log_clamped(pj) * (-yj) + _log_clamped(1.0 - pj) * (yj - 1.0))
    return sum_values(terms)


def _check_probabilities(y: list[float], where: str) -> None:
    for yj in y:
        if not 0.0 <= yj <= 1.0:
            raise ValueError(f"{where}: targets must lie in [0, 1] (class 1 = 1.0, class 0 = 0.0), got {yj!r}")


def softmax_cross_entropy(logits: Output, class_index: Target) -> Value:
    """-log softmax(z)_c = log sum_i e^(z_i) - z_c, for the logits z and the index c of the true class.

    Computed as log sum_i e^(z_i - m) - (z_c - m) with m = max_i z_i taken as a constant (its value, no node):
    the largest term is e^0 = 1, so no exp overflows and the sum is at least 1, never log(0). The gradient is
    softmax(z) - onehot(c), unchanged by the shift. ``class_index`` may also be a one-hot (or any probability)
    vector t: then the loss is -sum_i t_i log softmax(z)_i.
    """
    z = _as_list(logits, "softmax_cross_entropy()")
    if len(z) < 2:
        raise ValueError(
            "softmax_cross_entropy(): needs at least 2 logits (one per class); for 2 classes with one "
            "output use bce_with_logits()"
        )
    soft = None
    if not isinstance(class_index, numbers.Real) and hasattr(class_index, "__len__"):
        soft = _targets(class_index, len(z), "softmax_cross_entropy()")
        _check_probabilities(soft, "softmax_cross_entropy()")
        if abs(sum(soft) - 1.0) > 1e-9:
            raise ValueError(f"softmax_cross_entropy(): a target vector must sum to 1 (one-hot), got {soft!r}")
    elif isinstance(class_index, bool) or not isinstance(class_index, numbers.Integral):
        if isinstance(class_index, numbers.Real) and float(class_index).is_integer():
            class_index = int(float(class_index))
        else:
            raise TypeError(f"softmax_cross_entropy(): the class must be an int index, got {class_index!r}")
    z = [zi if isinstance(zi, Value) else Value(zi) for zi in z]
    m = max(zi.data for zi in z)
    shifted = [zi - m for zi in z]
    lse = sum_values([s.exp() for s in shifted]).log()
    if soft is not None:  # -sum_i t_i (z_i - m - lse) = lse - sum_i t_i (z_i - m), as sum_i t_i = 1
        return lse - sum_values([s * t for s, t in zip(shifted, soft) if t != 0.0])
    c = int(class_index)
    if not 0 <= c < len(z):
        raise ValueError(
            f"softmax_cross_entropy(): class index {c} is out of range for {len(z)} logits (0..{len(z) - 1})"
        )
    return lse - shifted[c]


# The losses whose graph, for a given target, is the same whatever the output's values (no Python control flow on
# .data): fit(engine="compiled") compiles each of them once per target. bce, bce_with_logits and
# softmax_cross_entropy choose a branch or a shift from the values (for numerical stability), so fit builds them from
# Values for every sample.
STRAIGHT_LINE = frozenset({"half_sse", "sse", "mse", "hinge"})

LOSSES: dict[str, Loss] = {
    "half_sse": half_sse,
    "sse": sse,
    "mse": mse,
    "hinge": hinge,
    "bce": bce,
    "bce_logits": bce_with_logits,
    "softmax_ce": softmax_cross_entropy,
}


def get_loss(loss: str | Loss) -> Loss:
    """A loss function from its name in ``LOSSES`` (or a callable, returned as is)."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[loss]
