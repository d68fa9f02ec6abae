"""A small training loop: epochs, mini-batches shuffled from a seed, a progress bar, a history per epoch.

``fit`` is the loop; each step is taken by the engine's step object (``nn.step``: the interface and the node
engine; ``nn.compiled``: the traced program), guarded against NaN and infinity (``nn.guard``). One step on a batch
B of N samples (document 001, section 2.2):

    E = 1/N sum_{k in B} E^k  (+ l2 * sum_p p^2)        backward: p.grad = 1/N sum_k dE^k/dp (+ 2 l2 p)
    optimizer.step():  w -> w - eta/N * sum_k dE^k/dw   (plain SGD; momentum and Adam build on the same grads)

The per-sample loss E^k is one of ``nn.losses.LOSSES`` (each loss's own scaling over the output neurons: half_sse
1/2 sum_j, sse sum_j, mse 1/n sum_j, ...). The batch loss is always their mean, so the step size does not change
with the batch size. Targets are adapted to the loss (``nn.targets``: 0/1 labels become -1/+1 for the hinge loss,
class indices one-hot vectors for a squared error over several outputs).

The history (``nn.history.History``) holds, per epoch, the mean training loss and the training accuracy of the
forward passes the epoch made anyway (as Keras reports them), and, when ``validation=(X, y)`` is given,
``val_loss`` and ``val_accuracy`` measured after the epoch (``nn.metrics.evaluate``, no graph built, with the
engine of the training).

``fit`` decides its own grad mode, as the transforms of torch.func and JAX do: inside a caller's ``no_grad()`` it
still trains (grad mode is turned on for the training, in the calling thread only).

Nothing goes silently wrong: samples and targets with a NaN or infinite number are refused (``nn.data.check_data``),
and a NaN or infinite loss stops training with a ``TrainingDivergedError`` that names the epoch, the step and the
loss; the model keeps its last finite parameters.
"""

import math
import numbers
import random
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

from autograd_mini.modes import enable_grad
from nn.compiled import CompiledStep
from nn.data import check_data
from nn.guard import NonFinite, TrainingDivergedError, divergence
from nn.history import History
from nn.losses import Loss, get_loss
from nn.metrics import Model, accuracy, decision_threshold, evaluate, predict
from nn.optim import SGD, Optimizer
from nn.progress import progress_bar
from nn.step import NodeStep, Setup, Step
from nn.targets import correct, decision, loss_name, n_outputs, prepare_targets

__all__ = ["History", "TrainingDivergedError", "accuracy", "decision_threshold", "evaluate", "fit", "predict"]

ENGINES: dict[str, Callable[[Setup, str], Step]] = {"nodes": NodeStep, "compiled": CompiledStep}  # then step(batch)


def fit(
    model: Model,
    X: Sequence[Sequence[Any]],
    y: Sequence[Any],
    loss: str | Loss = "hinge",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    l2: float = 0.0,
    progress: bool | None = None,
    *,
    lr_schedule: Callable[[int], float] | None = None,
    validation: tuple[Sequence[Sequence[Any]], Sequence[Any]] | None = None,
    shuffle: bool = True,
    engine: str = "nodes",
    on_epoch_end: Callable[[History], Any] | None = None,
) -> History:
    """Train ``model`` on (X, y) and return a ``History`` (the module docstring has the step and the guards).

    loss: a name in ``nn.losses.LOSSES`` or a function (out, target) -> Value. optimizer: over ``model.parameters()``
    (default ``SGD(lr=0.1)``). batch_size: None for all samples. seed: the shuffling (``random.Random(seed)``, per
    epoch). l2: adds l2 * sum_p p^2 to every batch loss. lr_schedule: epoch (from 0) -> learning rate. validation:
    (X_val, y_val), evaluated after every epoch. progress: True, False, or None (a bar for a long run where one can
    update in place). engine: "nodes" (a graph per step) or "compiled" (the model's program, traced once: the same
    numbers, several times faster; see ``nn.compiled``). on_epoch_end: called with the History after each epoch.
    """
    setup, rule, batch_size = prepare(
        model, X, y, loss=loss, optimizer=optimizer, epochs=epochs, batch_size=batch_size, l2=l2, engine=engine
    )
    n, optimizer = len(setup.X), setup.optimizer
    rng, order, history = random.Random(seed), list(range(n)), History()
    bar = progress_bar(progress, epochs, epochs * n * max(1, len(setup.params)))
    with enable_grad(), bar if bar is not None else nullcontext():
        step = ENGINES[engine](setup, "fit()")
        for epoch in range(epochs):
            start = time.perf_counter()
            _set_learning_rate(optimizer, lr_schedule, epoch)
            if shuffle:
                rng.shuffle(order)
            total, right = 0.0, 0
            for k, first in enumerate(range(0, n, batch_size), start=1):
                batch = order[first : first + batch_size]
                try:
                    batch_loss, outputs = step(batch)
                except NonFinite as stop:
                    where = (epoch, k, -(-n // batch_size), batch_size)
                    raise divergence(model, optimizer, history, stop, where) from stop.error
                total += batch_loss * len(batch)
                right += sum(correct(out, setup.targets[i], rule) for out, i in zip(outputs, batch)) if rule else 0
            history.loss.append(total / n)
            history.accuracy.append(right / n if rule else None)
            history.lr.append(optimizer.lr)
            if validation is not None:
                _validate(history, model, validation, loss, engine)
            history.seconds.append(time.perf_counter() - start)
            _end_epoch(bar, history, on_epoch_end)
    return history


def prepare(model, X, y, *, loss, optimizer, epochs, batch_size, l2, engine, where="fit()"):
    """The checked arguments of ``fit`` as a step's ``Setup``, the decision for the accuracy (``nn.targets``; None
    when y are not class labels) and the batch size (all samples for None)."""
    X, y = check_data(X, y, where)
    if engine not in ENGINES:
        raise ValueError(f"{where}: engine must be 'nodes' or 'compiled', got {engine!r}")
    name = loss_name(loss)
    loss_fn = get_loss(loss)
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"{where}: epochs must be a whole number >= 1, got {epochs!r}")
    if batch_size is None:
        batch_size = len(X)
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or int(batch_size) < 1:
        raise ValueError(
            f"{where}: batch_size must be a whole number >= 1 (or None for all samples), got {batch_size!r}"
        )
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not float(l2) >= 0 or math.isinf(l2):
        raise ValueError(f"{where}: l2 (the weight of sum p^2) must be a finite number >= 0, got {l2!r}")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=0.1)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: optimizer must be an nn.optim optimizer such as SGD(model.parameters(), lr=0.1), got "
            f"{optimizer!r}"
        )
    else:
        _check_optimizer(optimizer, params, where)
    targets = prepare_targets(y, name, n_outputs(model), where)
    rule = decision(name, targets, getattr(model, "output_activation", "linear"))
    return Setup(model, X, targets, loss_fn, name, params, optimizer, float(l2)), rule, int(batch_size)


def _check_optimizer(optimizer, params, where):
    """The optimizer must step this model's parameters; one built over another model's would train nothing."""
    mine = set(params)
    strangers = sum(1 for p in optimizer.params if p not in mine)
    if strangers:
        raise ValueError(
            f"{where}: {strangers} of the optimizer's {len(optimizer.params)} parameters are not parameters of this "
            f"model, so its steps would not train it; build the optimizer over this model: "
            f"{type(optimizer).__name__}(model.parameters(), lr=...)"
        )


def _set_learning_rate(optimizer, lr_schedule, epoch):
    if lr_schedule is not None:
        lr = lr_schedule(epoch)
        try:
            optimizer.lr = lr  # the optimizer checks it
        except ValueError as err:
            raise ValueError(f"fit(): lr_schedule({epoch}) gave {lr!r}: {err}") from None


def _validate(history, model, validation, loss, engine):
    """The validation loss and accuracy after an epoch (``nn.metrics.evaluate``, with the engine of the training)."""
    val_loss, val_accuracy = evaluate(model, validation[0], validation[1], loss, engine=engine)
    history.val_loss.append(val_loss)
    history.val_accuracy.append(val_accuracy)


def _end_epoch(bar, history, on_epoch_end):
    """The epoch on the progress bar (if there is one), with its loss and accuracy; then the caller's callback."""
    if bar is not None:
        post = {"loss": f"{history.loss[-1]:.4g}"}
        if history.accuracy[-1] is not None:
            post["acc"] = f"{history.accuracy[-1]:.3f}"
        bar.set_postfix(post, refresh=False)
        bar.update(1)
    if on_epoch_end is not None:
        on_epoch_end(history)
