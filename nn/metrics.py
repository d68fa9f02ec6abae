"""How well a model does on data: ``evaluate`` (mean loss and accuracy), ``accuracy``, ``predict`` and the
``decision_threshold`` a picture of the decision boundary uses. Each runs the model under ``no_grad()``: no graph is
built, so a data set costs forward passes only. Classes are read off the outputs by ``nn.targets.decision``.
"""

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from autograd_mini import Value, no_grad
from nn.compiled import forward
from nn.data import check_data, check_finite
from nn.losses import Loss, get_loss
from nn.targets import correct, decision, loss_name, n_outputs, prepare_targets

__all__ = ["Model", "accuracy", "decision_threshold", "evaluate", "predict"]


class Model(Protocol):
    """What ``fit`` trains: called on one sample, it gives a Value (or a list of Values); it has parameters."""

    def __call__(self, x: Sequence[Any]) -> Any: ...

    def parameters(self) -> list[Value]: ...


def _output_activation(model: Model) -> str:
    return getattr(model, "output_activation", "linear")


def predict(model: Model, x: Sequence[Any], loss: str | Loss | None = None) -> int:
    """The class a model gives sample x: argmax for several outputs, else 0/1 by the threshold of ``loss``."""
    check_finite(x, "x", "predict()")
    with no_grad():
        out = model(x)
    if isinstance(out, list):
        data = [o.data for o in out]
        return max(range(len(data)), key=data.__getitem__)
    return int(out.data > decision_threshold(model, [0, 1], loss))


def decision_threshold(model: Model, y: Sequence[Any], loss: str | Loss | None = None) -> float:
    """The output value at which a one-output model's answer turns from class 0 to class 1, for labels ``y``, by
    the rule of ``accuracy`` (so a picture of the decision boundary agrees with it); 0.0 if y are not labels."""
    name = loss_name(loss) if loss is not None else None
    rule = decision(name, [float(v) for v in y], _output_activation(model))
    return rule[1] if rule and rule[1] is not None else 0.0


def _outputs(model: Model, X: list[Any], engine: str, where: str) -> Iterator[Any]:
    """The model's output at each sample: Values under ``no_grad()`` (engine "nodes"), or the numbers of its traced
    program (engine "compiled", ``nn.compiled.forward``: bit for bit the same, several times faster)."""
    if engine == "compiled":
        for out in forward(model, X, where):
            yield [Value(o) for o in out] if isinstance(out, list) else Value(out)
    elif engine == "nodes":
        for x in X:
            yield model(x)
    else:
        raise ValueError(f"{where}: engine must be 'nodes' or 'compiled', got {engine!r}")


def evaluate(
    model: Model, X: Sequence[Sequence[Any]], y: Sequence[Any], loss: str | Loss = "hinge", *, engine: str = "nodes"
) -> tuple[float, float | None]:
    """(mean loss, accuracy) over a data set, under ``no_grad()``. accuracy is None if y are not class labels.
    engine: "nodes" or "compiled", as for ``fit`` (the same numbers)."""
    X, y = check_data(X, y, "evaluate()")
    name = loss_name(loss)
    fn = get_loss(loss)
    targets = prepare_targets(y, name, n_outputs(model), "evaluate()")
    rule = decision(name, targets, _output_activation(model))
    total = 0.0
    right = 0
    outputs = _outputs(model, X, engine, "evaluate()")
    with no_grad():
        for out, t in zip(outputs, targets):
            e = fn(out, t)
            total += float(e.data if isinstance(e, Value) else e)
            if rule:
                right += correct(out, t, rule)
    return total / len(X), (right / len(X) if rule else None)


def accuracy(model: Model, X: Sequence[Sequence[Any]], y: Sequence[Any], loss: str | Loss | None = None) -> float:
    """The fraction of samples classified right, under ``no_grad()``.

    Several outputs: the argmax is the class (y: class indices or one-hot vectors). One output: positive when the
    output is above the threshold of ``loss`` (hinge, bce_logits: 0; bce: 0.5; squared errors: halfway between the
    labels); with ``loss=None``, 0.5 for a sigmoid output and 0 otherwise (micrograd's ``score > 0``). A label
    counts as positive when it is > 0 (so 0/1 and -1/+1 labels both work).
    """
    X, y = check_data(X, y, "accuracy()")
    name = loss_name(loss) if loss is not None else None
    targets = prepare_targets(y, name, n_outputs(model), "accuracy()") if name else list(y)
    rule = decision(name, targets, _output_activation(model))
    if rule is None:
        raise ValueError("accuracy(): y must be class labels (whole numbers) or one-hot vectors")
    with no_grad():
        right = sum(correct(model(x), t, rule) for x, t in zip(X, targets))
    return right / len(X)
