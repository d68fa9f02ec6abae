"""A small training loop: epochs, mini-batches shuffled from a seed, a progress bar, a history per epoch.

One step on a batch B of N samples (document 001, section 2.2):

    E = 1/N sum_{k in B} E^k  (+ l2 * sum_p p^2)        backward: p.grad = 1/N sum_k dE^k/dp (+ 2 l2 p)
    optimizer.step():  w -> w - eta/N * sum_k dE^k/dw   (plain SGD; momentum and Adam build on the same grads)

The per-sample loss E^k is one of ``nn.losses.LOSSES`` (each loss's own scaling over the output neurons: half_sse
1/2 sum_j, sse sum_j, mse 1/n sum_j, ...). The batch loss is always their mean, so the step size does not change
with the batch size.

Targets are adapted to the loss: labels 0/1 become -1/+1 for ``hinge`` (and -1/+1 become 0/1 for ``bce`` and
``bce_logits``); for a model with several outputs and a squared-error loss, a class index c becomes the one-hot
vector (the lecture notes' targets y_j), and ``softmax_ce`` takes class indices as they are.

The history holds, per epoch, the mean training loss and the training accuracy of the forward passes the epoch
made anyway (as Keras reports them), and, when ``validation=(X, y)`` is given, ``val_loss`` and ``val_accuracy``
measured after the epoch under ``no_grad()`` (no graph is built). ``evaluate`` and ``accuracy`` also run under
``no_grad()``.

``engine="compiled"`` runs the same steps through the model's forward and adjoint program (``autograd_mini.compile``):
the model is traced once (per model shape), and each sample replays the program instead of building a graph. The
loss of each sample is still built from Values (a handful of nodes), so any loss works; it tells the program
dE^k/d output, and the program's adjoint takes it back to every parameter. Loss, gradients and the History agree
with ``engine="nodes"`` to rounding (the sums over a batch are added up in another order: differences ~1e-16).

Nothing goes silently wrong: samples and targets with a NaN or infinite number are refused (by ``fit``,
``evaluate``, ``accuracy`` and ``predict``, naming the sample), and ``fit`` checks the loss of every step: a NaN or
infinite loss stops training with a ``TrainingDivergedError`` that names the epoch, the step and the loss, and the
model keeps its last finite parameters.
"""

import importlib.util
import math
import numbers
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from autograd_mini import Value, gc_paused, no_grad
from autograd_mini.compiler import compile_graph
from nn.losses import LOSSES, STRAIGHT_LINE, Loss, get_loss, sum_values
from nn.optim import SGD, Optimizer
from nn.programs import PerSample, Seeded

__all__ = ["History", "TrainingDivergedError", "accuracy", "decision_threshold", "evaluate", "fit", "predict"]

_SQUARED = ("half_sse", "sse", "mse")


class Model(Protocol):
    """What ``fit`` trains: called on one sample, it gives a Value (or a list of Values); it has parameters."""

    def __call__(self, x: Sequence[Any]) -> Any: ...

    def parameters(self) -> list[Value]: ...


@dataclass(repr=False)
class History:
    """Per-epoch records of a ``fit`` run: ``loss``, ``accuracy`` (training), ``val_loss``, ``val_accuracy``,
    ``lr`` and ``seconds``. ``accuracy`` entries are None when the targets are not class labels.

    ``loss`` is the objective the optimizer saw (mean data loss + the L2 term, averaged over the epoch's batches,
    each taken before its step); ``val_loss`` is the mean data loss alone, after the epoch, under ``no_grad()``.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "epoch": list(range(1, self.epochs + 1)),
            "loss": list(self.loss),
            "accuracy": list(self.accuracy),
            "val_loss": list(self.val_loss),
            "val_accuracy": list(self.val_accuracy),
            "lr": list(self.lr),
            "seconds": list(self.seconds),
        }

    def _repr_html_(self):
        """Jupyter's rich display: the curves and a table of the epochs (``nn.display``)."""
        from nn.display import history_html

        return history_html(self)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(epochs=0)"
        last = self.accuracy[-1]
        acc = "n/a" if last is None else f"{last:.3f}"
        return f"History(epochs={self.epochs}, loss={self.loss[-1]:.6g}, accuracy={acc})"


# -- targets and decisions ---------------------------------------------------------------------------------------


def _loss_name(loss: str | Loss) -> str | None:
    if isinstance(loss, str):
        get_loss(loss)  # raises for an unknown name
        return loss
    for name, fn in LOSSES.items():
        if fn is loss:
            return name
    return None  # a user's own callable: targets are passed as given


def _n_outputs(model):
    sizes = getattr(model, "sizes", None)
    return sizes[-1] if sizes else None


def _is_label(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and float(v).is_integer()


def _prepare_targets(y, loss_name, n_out, where):
    """The targets as the loss wants them (see the module docstring)."""
    y = list(y)
    scalar = all(isinstance(t, numbers.Real) and not isinstance(t, bool) for t in y)
    if loss_name == "hinge" and scalar:
        values = {float(t) for t in y}
        if values <= {0.0, 1.0}:
            return [2.0 * t - 1.0 for t in y]
        if not values <= {-1.0, 1.0}:
            raise ValueError(f"{where}: the hinge loss needs labels 0/1 or -1/+1, got the values {sorted(values)}")
        return [float(t) for t in y]
    if loss_name in ("bce", "bce_logits") and scalar and {float(t) for t in y} <= {-1.0, 1.0}:
        return [1.0 if t > 0 else 0.0 for t in y]
    if loss_name in _SQUARED and scalar and n_out and n_out > 1 and all(_is_label(t) for t in y):
        classes = {int(t) for t in y}
        if min(classes) < 0 or max(classes) >= n_out:
            raise ValueError(f"{where}: class labels must be 0..{n_out - 1} for {n_out} outputs, got {sorted(classes)}")
        return [[1.0 if j == int(t) else 0.0 for j in range(n_out)] for t in y]
    return y


def _is_distribution(t):
    """A target vector that names a class: entries >= 0 that sum to 1 (one-hot, or probabilities)."""
    return all(isinstance(v, numbers.Real) and float(v) >= 0 for v in t) and abs(sum(t) - 1.0) < 1e-9


def _decision(loss_name, targets, output_activation):
    """How an output becomes a class: returns (kind, threshold, truth) for accuracy, or None (not a classifier)."""
    first = targets[0]
    if isinstance(first, (list, tuple)):  # one-hot or probability vectors: argmax against argmax
        return ("argmax_vector", None) if all(_is_distribution(t) for t in targets) else None  # else regression
    if not all(_is_label(t) for t in targets):
        return None
    if loss_name == "softmax_ce":
        return ("argmax", None)
    if loss_name in ("hinge", "bce_logits"):
        return ("binary", 0.0)
    if loss_name == "bce":
        return ("binary", 0.5)
    if loss_name in _SQUARED:  # the nearer of the two label values: 0/1 -> 0.5, -1/+1 -> 0
        return ("binary", 0.0 if min(targets) < 0 else 0.5)
    return ("binary", 0.5 if output_activation == "sigmoid" else 0.0)


def _correct(out, target, decision):
    kind, threshold = decision
    if isinstance(out, Value) or isinstance(out, numbers.Real):
        if kind != "binary":
            return False
        s = out.data if isinstance(out, Value) else out
        return (s > threshold) == (target > 0)
    data = [o.data if isinstance(o, Value) else o for o in out]
    pred = max(range(len(data)), key=data.__getitem__)
    if kind == "argmax_vector":
        return pred == max(range(len(target)), key=target.__getitem__)
    return pred == int(target)


def _check_data(X, y, where):
    """X and y as lists that pair up, every number in them finite (a NaN would silently spread into the weights)."""
    X = _as_list(X, "X", "the samples", where)
    y = _as_list(y, "y", "the targets, one per sample", where)
    if not X:
        raise ValueError(f"{where}: no samples (X is empty)")
    if len(X) != len(y):
        raise ValueError(f"{where}: {len(X)} samples in X but {len(y)} targets in y; they must pair up")
    for name, items in (("X", X), ("y", y)):
        for k, item in enumerate(items):
            _check_finite(item, f"{name}[{k}]", where)
    return X, y


def _as_list(items, name, what, where):
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{where}: {name} must be a sequence ({what}), got {type(items).__name__} {items!r:.80}")
    return list(items)


def _check_finite(item, name, where):
    """Raise ValueError naming the first NaN or infinite number in a sample or target (nested lists included)."""
    if isinstance(item, Value):
        item = item.data
    if isinstance(item, numbers.Real) and not isinstance(item, bool):
        try:
            finite = math.isfinite(item)
        except OverflowError:  # an int beyond 1.8e308
            finite = False
        if not finite:
            raise ValueError(
                f"{where}: {name} is {item!r:.40}; samples and targets must be finite numbers "
                f"(drop or fill in missing values, and clip or rescale huge ones)"
            )
    elif isinstance(item, (list, tuple)) or hasattr(item, "__array__"):
        for k, part in enumerate(item):
            _check_finite(part, f"{name}[{k}]", where)


def predict(model: Model, x: Sequence[Any], loss: str | Loss | None = None) -> int:
    """The class a model gives sample x: argmax for several outputs, else 0/1 by the threshold of ``loss``."""
    _check_finite(x, "x", "predict()")
    with no_grad():
        out = model(x)
    if isinstance(out, list):
        data = [o.data for o in out]
        return max(range(len(data)), key=data.__getitem__)
    return int(out.data > decision_threshold(model, [0, 1], loss))


def decision_threshold(model: Model, y: Sequence[Any], loss: str | Loss | None = None) -> float:
    """The output value at which a one-output model's answer turns from class 0 to class 1, for labels ``y``, by
    the rule of ``accuracy`` (so a picture of the decision boundary agrees with it); 0.0 if y are not labels."""
    name = _loss_name(loss) if loss is not None else None
    decision = _decision(name, [float(v) for v in y], getattr(model, "output_activation", "linear"))
    return decision[1] if decision and decision[1] is not None else 0.0


def evaluate(
    model: Model, X: Sequence[Sequence[Any]], y: Sequence[Any], loss: str | Loss = "hinge"
) -> tuple[float, float | None]:
    """(mean loss, accuracy) over a data set, under ``no_grad()``. accuracy is None if y are not class labels."""
    X, y = _check_data(X, y, "evaluate()")
    name = _loss_name(loss)
    fn = get_loss(loss)
    targets = _prepare_targets(y, name, _n_outputs(model), "evaluate()")
    decision = _decision(name, targets, getattr(model, "output_activation", "linear"))
    total = 0.0
    correct = 0
    with no_grad():
        for x, t in zip(X, targets):
            out = model(x)
            total += float(_data(fn(out, t)))
            if decision:
                correct += _correct(out, t, decision)
    return total / len(X), (correct / len(X) if decision else None)


def accuracy(model: Model, X: Sequence[Sequence[Any]], y: Sequence[Any], loss: str | Loss | None = None) -> float:
    """The fraction of samples classified right, under ``no_grad()``.

    Several outputs: the argmax is the class (y: class indices or one-hot vectors). One output: positive when the
    output is above the threshold of ``loss`` (hinge, bce_logits: 0; bce: 0.5; squared errors: halfway between the
    labels); with ``loss=None``, 0.5 for a sigmoid output and 0 otherwise (micrograd's ``score > 0``). A label
    counts as positive when it is > 0 (so 0/1 and -1/+1 labels both work).
    """
    X, y = _check_data(X, y, "accuracy()")
    name = _loss_name(loss) if loss is not None else None
    targets = _prepare_targets(y, name, _n_outputs(model), "accuracy()") if name else list(y)
    decision = _decision(name, targets, getattr(model, "output_activation", "linear"))
    if decision is None:
        raise ValueError("accuracy(): y must be class labels (whole numbers) or one-hot vectors")
    with no_grad():
        correct = sum(_correct(model(x), t, decision) for x, t in zip(X, targets))
    return correct / len(X)


def _data(v):
    return v.data if isinstance(v, Value) else v


def _in_notebook():
    """True inside a Jupyter kernel (a notebook, JupyterLab, VS Code, Colab), where stderr is a cell's output."""
    ipython = sys.modules.get("IPython")  # never imported here: only when the user already runs under IPython
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None  # the terminal's IPython has no kernel


def _progress_bar(progress, epochs, work):
    """A tqdm bar over the epochs, or None. progress=None: on for a long run (``work``, the number of parameter
    uses, 20,000 or more) in a notebook with ipywidgets (a widget that updates in place, ``tqdm.auto``), or in a
    terminal when stderr is one; never ``\r`` updates written into a notebook cell or a log file."""
    notebook = _in_notebook()
    widgets = notebook and importlib.util.find_spec("ipywidgets") is not None
    if progress is None:
        progress = work >= 20_000 and (widgets if notebook else bool(getattr(sys.stderr, "isatty", lambda: False)()))
    if not progress:
        return None
    if notebook and not widgets:
        warnings.warn(
            "fit(progress=True): a progress bar in a notebook needs ipywidgets (pip install ipywidgets, or "
            "autograd-mini[plot]); training without one",
            stacklevel=3,
        )
        return None
    try:
        if notebook:
            from tqdm.auto import tqdm  # the notebook widget
        else:
            from tqdm import tqdm
    except ImportError:
        if progress is True:
            raise ImportError("fit(progress=True) needs tqdm: pip install tqdm (or autograd-mini[plot])") from None
        return None
    return tqdm(total=epochs, desc="training", unit="epoch", file=None if notebook else sys.stderr, leave=True)


class TrainingDivergedError(FloatingPointError):
    """The loss (or a parameter) of a ``fit`` step became NaN or infinite; training stopped there.

    The model keeps its parameters from before that step, the last finite ones. ``epoch`` and ``step`` count from
    1; ``loss`` is the batch loss of that step (None when an op overflowed before it was computed); ``history``
    holds the epochs completed before it.
    """

    def __init__(self, message, epoch, step, loss, history):
        super().__init__(message)
        self.epoch, self.step, self.loss, self.history = epoch, step, loss, history


class _NonFinite(Exception):
    """Raised by ``_train_step``, turned by ``fit`` into a ``TrainingDivergedError`` that says where."""

    def __init__(self, loss, parameter=None, error=None):
        self.loss = loss  # the batch loss (None if it could not be computed)
        self.parameter = parameter  # the index of the first non-finite parameter after the step, or None
        self.error = error  # an op's OverflowError or ZeroDivisionError on the way, or None


class _StepGuard:
    """What every step of ``fit`` promises, whichever engine takes it (``with _StepGuard(params) as guard:``).

    A NaN or infinite loss (``guard.check_loss``), or an op that overflows, stops training before the step; a step
    that makes a parameter NaN or infinite is undone. Either way the model is left at its last finite parameters, and
    ``_NonFinite`` is raised. (Any other error, an interrupt included, also leaves the parameters as they were.)
    """

    def __init__(self, params):
        self.params = params
        self.before = [p.data for p in params]
        self.loss = None  # the batch loss, once known

    def check_loss(self, loss):
        self.loss = loss
        if not math.isfinite(loss):
            raise _NonFinite(loss)

    def __enter__(self):
        return self

    def __exit__(self, kind, err, traceback):
        if err is None:
            bad = next((k for k, p in enumerate(self.params) if not math.isfinite(p.data)), None)
            if bad is None:
                return False
            err = _NonFinite(self.loss, bad)
        for p, data in zip(self.params, self.before):
            p.data = data
        if isinstance(err, (OverflowError, ZeroDivisionError)):
            raise _NonFinite(self.loss, error=err) from err
        if isinstance(err, _NonFinite) and kind is None:
            raise err
        return False


def _train_step(model, X, targets, batch, loss_fn, params, l2, optimizer, decision):
    """One optimizer step on one batch; returns (the batch loss, the number classified right before the step).
    Guarded by ``_StepGuard``."""
    with _StepGuard(params) as guard:
        outs = [model(X[k]) for k in batch]
        # E = 1/N sum_k E^k over the batch of N (document 001, section 2.2: the eta/N sum_k of the update), so that
        # after backward p.grad = 1/N sum_k dE^k/dp and SGD's p <- p - eta * p.grad is the notes' update.
        total = sum_values([loss_fn(out, targets[k]) for out, k in zip(outs, batch)]) * (1.0 / len(batch))
        if l2:
            total = total + l2 * sum_values([p * p for p in params])
        guard.check_loss(total.data)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
    correct = sum(_correct(out, targets[k], decision) for out, k in zip(outs, batch)) if decision else 0
    return total.data, correct


class _CompiledModel:
    """The model's forward and adjoint program for ``fit(engine="compiled")``: traced once, replayed per sample.

    The program takes a batch's inputs and the parameters' values and, for each sample, runs the model forward, calls
    ``seed`` with the outputs (the loss returns dE/d output), and runs the adjoint back to the parameters, adding to
    their gradients: one call per step.
    """

    def __init__(self, model, x, params):
        xs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
        with gc_paused():
            out = model(xs)
        self.several = isinstance(out, list)
        self.step = compile_graph(out, [*xs, *params], wrt=params, signature=PerSample(xs))
        self.n_inputs = len(xs)

    def check_path(self, model, x, params, where):
        """Tracing limit, guarded: the model must take the same path at another sample (no control flow on values)."""
        xs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
        again = compile_graph(model(xs), [*xs, *params], wrt=params, signature=PerSample(xs))
        if again.source != self.step.source:
            raise ValueError(
                f"{where}: engine='compiled' needs a model whose forward pass is the same graph for every sample, "
                f"but this model's graph depends on the input values (Python control flow on .data); "
                f"use engine='nodes'"
            )


_COMPILED_MODELS: dict[
    tuple[Any, ...], _CompiledModel
] = {}  # (model type, sizes, activations) -> _CompiledModel: an MLP's program depends on its shape only


def _compiled_model(model, X, params, where):
    sizes, acts = getattr(model, "sizes", None), getattr(model, "activations", None)
    key = (type(model), tuple(sizes), tuple(acts)) if sizes and acts else None
    compiled = _COMPILED_MODELS.get(key) if key else None
    if compiled is None:
        compiled = _CompiledModel(model, X[0], params)
        for k in {len(X) // 2, len(X) - 1} - {0}:
            compiled.check_path(model, X[k], params, where)
        if key:
            if len(_COMPILED_MODELS) >= 8:
                _COMPILED_MODELS.pop(next(iter(_COMPILED_MODELS)))
            _COMPILED_MODELS[key] = compiled
    return compiled


class _LossSeed:
    """The compiled model's ``seed``: E^k at the outputs, and d E / d output = 1/N * dE^k/d output.

    A straight-line loss (``nn.losses.STRAIGHT_LINE``) is compiled once per target (the target's numbers are
    constants of its graph), the others are built from Values for every sample, with backward seeded by 1/N: either
    way the numbers of the node engine's batch graph. ``pending`` gives each sample's (target, key) in turn: set it to
    the batch's before the program runs.
    """

    _MAX_PROGRAMS = 64  # more distinct targets than this (regression): the rest are built from Values

    def __init__(self, loss_fn, name, several):
        self.loss_fn, self.several = loss_fn, several
        self.programs: dict[Any, Any] | None = {} if name in STRAIGHT_LINE else None
        self.pending: Any = iter(())
        self.inv = 1.0
        self.seen: list[tuple[float, Any]] = []  # (E^k, outputs) of each sample of the batch

    def __call__(self, *outs):
        target, key = next(self.pending)
        programs = self.programs
        step = programs.get(key) if programs is not None else None
        if step is None and programs is not None and len(programs) < self._MAX_PROGRAMS:
            leaves = [Value(o, label=f"out{j}") for j, o in enumerate(outs)]
            loss = self.loss_fn(leaves if self.several else leaves[0], target)
            step = programs[key] = compile_graph(loss, leaves, signature=Seeded())
        if step is not None:
            try:
                loss, grads = step.function(outs, self.inv)
            except (ArithmeticError, ValueError) as err:
                raise step.named_error(err) from None
            self.seen.append((loss, outs if self.several else outs[0]))
            return grads if self.several else grads[0]
        # E^k from Values at the outputs, backward seeded with 1/N: dE/d out as the node engine's batch graph has it
        leaves = [Value(o) for o in outs]
        loss = self.loss_fn(leaves if self.several else leaves[0], target)
        loss.backward(self.inv)
        self.seen.append((loss.data, outs if self.several else outs[0]))
        return tuple(v.grad for v in leaves) if self.several else leaves[0].grad


def _train_step_compiled(compiled, X, targets, keys, batch, seed, params, l2_step, optimizer, decision):
    """``_train_step`` through the compiled program: the same loss, gradients and step (see the module docstring)."""
    seed.inv = inv = 1.0 / len(batch)
    seen: list[tuple[float, Any]] = []
    seed.seen = seen
    seed.pending = iter([(targets[k], keys[k]) for k in batch])
    pdata = [p.data for p in params]
    zeros = [0.0] * len(params)  # zero_grad(); each sample adds its contributions, as backward() does
    with _StepGuard(params) as guard:
        try:
            grads = compiled.step.function([X[k] for k in batch], pdata, seed, zeros)
        except (ArithmeticError, ValueError) as err:
            raise compiled.step.named_error(err) from None
        total = sum_values([loss for loss, _ in seen]) * inv  # E = 1/N sum_k E^k, in the order _train_step adds
        if l2_step is not None:  # + l2 sum_p p^2, and its gradient added to the same sums
            value, grads = l2_step.function(pdata, 1.0, grads)
            total = total + value
        guard.check_loss(total)
        for p, g in zip(params, grads):
            p.grad = g
        optimizer.step()
    correct = sum(_correct(out, targets[k], decision) for (_, out), k in zip(seen, batch)) if decision else 0
    return total, correct


def _input_rows(X, n, where):
    rows = []
    for k, x in enumerate(X):
        if len(x) != n:
            raise ValueError(f"{where}: sample {k} has {len(x)} inputs, the model takes {n}")
        try:
            rows.append([float(v) for v in x])
        except (TypeError, ValueError):
            raise TypeError(f"{where}: sample {k} must be numbers, got {x!r:.80}") from None
    return rows


def _divergence(model, optimizer, history, stop, epoch, step, steps, batch_size):
    """The error for a non-finite loss or parameter at (epoch, step): what happened, what was kept, the likely cause."""
    at = f"epoch {epoch + 1}, step {step} of {steps} (batches of {batch_size})"
    if stop.error is not None:
        what = f"at {at}: {stop.error}"
    elif stop.parameter is None:
        what = f"the loss is {stop.loss!r} at {at}"
    else:
        name = _parameter_name(model, stop.parameter)
        what = f"the step at {at} made parameter {name} NaN or infinite (the loss before it was {stop.loss:.6g})"
    if epoch == 0 and step == 1 and stop.parameter is None:  # no step taken yet: not the learning rate
        cause = "the data (a huge feature or target) or the loss function, since no step was taken yet"
    else:
        cause = f"a learning rate too large (lr={optimizer.lr:g}): try a smaller one"
    message = (
        f"fit(): {what}; training stopped, and the model keeps its parameters from before this step (the last "
        f"finite ones). Likely cause: {cause}; or features of very different sizes (rescale them)"
    )
    return TrainingDivergedError(message, epoch + 1, step, stop.loss, history)


def _parameter_name(model, k):
    named = getattr(model, "named_parameters", None)
    if named is not None:
        names = [name for name, _ in named()]
        if k < len(names):
            return names[k]
    return f"#{k}"


def _check_optimizer(optimizer, params):
    """The optimizer must step this model's parameters; one built over another model's would train nothing."""
    mine = set(params)
    strangers = sum(1 for p in optimizer.params if p not in mine)
    if strangers:
        raise ValueError(
            f"fit(): {strangers} of the optimizer's {len(optimizer.params)} parameters are not parameters of this "
            f"model, so its steps would not train it; build the optimizer over this model: "
            f"{type(optimizer).__name__}(model.parameters(), lr=...)"
        )


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
) -> History:
    """Train ``model`` on (X, y) and return a ``History``.

    loss: a name in ``nn.losses.LOSSES`` or a function (out, target) -> Value. optimizer: an ``nn.optim``
    optimizer over ``model.parameters()`` (default ``SGD(lr=0.1)``). batch_size: None for the whole data set in
    one batch. seed: the order of the samples in each epoch (a ``random.Random(seed)``, shuffled per epoch).
    l2: adds l2 * sum_p p^2 to every batch loss (micrograd's demo uses 1e-4). lr_schedule: epoch -> learning rate,
    set on the optimizer at the start of each epoch (epoch counts from 0; micrograd's demo:
    ``lambda k: 1.0 - 0.9 * k / 100`` with one batch per epoch). validation: (X_val, y_val), evaluated after every
    epoch under ``no_grad()``. progress: True, False, or None (for a long run, a tqdm bar: in a notebook the
    ipywidgets bar, in a terminal on stderr when stderr is one). engine: "nodes" (each step builds its graph and
    walks it back) or "compiled" (the model's forward and adjoint program, traced once and replayed per sample: the
    same numbers, several times faster; the model's graph must not depend on the input values, which ``fit`` checks
    at two more samples).

    A step whose loss is NaN or infinite (or that would make a parameter so) raises ``TrainingDivergedError``,
    with the model left at the parameters from before that step.
    """
    X, y = _check_data(X, y, "fit()")
    if engine not in ("nodes", "compiled"):
        raise ValueError(f"fit(): engine must be 'nodes' or 'compiled', got {engine!r}")
    name = _loss_name(loss)
    loss_fn = get_loss(loss)
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"fit(): epochs must be a whole number >= 1, got {epochs!r}")
    n = len(X)
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"fit(): batch_size must be a whole number >= 1 (or None for all samples), got {batch_size!r}")
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not l2 >= 0 or math.isinf(l2):
        raise ValueError(f"fit(): l2 (the weight of sum p^2) must be a finite number >= 0, got {l2!r}")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=0.1)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit(): optimizer must be an nn.optim optimizer such as SGD(model.parameters(), lr=0.1), got {optimizer!r}"
        )
    else:
        _check_optimizer(optimizer, params)
    targets = _prepare_targets(y, name, _n_outputs(model), "fit()")
    decision = _decision(name, targets, getattr(model, "output_activation", "linear"))
    if engine == "compiled":
        n_in = model.sizes[0] if getattr(model, "sizes", None) else len(X[0])
        X = _input_rows(X, n_in, "fit()")
        compiled = _compiled_model(model, X, params, "fit()")
        loss_seed = _LossSeed(loss_fn, name, compiled.several)
        keys = [tuple(t) if isinstance(t, list) else t for t in targets]
        # the L2 term l2 * sum_p p^2 is a graph of the parameters alone: compiled once, run once per step
        l2_term = l2 * sum_values([p * p for p in params]) if l2 else None
        l2_step = compile_graph(l2_term, params, signature=Seeded(given_grads=True)) if l2_term is not None else None
    rng = random.Random(seed)
    order = list(range(n))
    history = History()
    bar = _progress_bar(progress, epochs, epochs * n * max(1, len(params)))
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            if lr_schedule is not None:
                lr = lr_schedule(epoch)
                try:
                    optimizer.lr = lr  # the optimizer checks it
                except ValueError as err:
                    raise ValueError(f"fit(): lr_schedule({epoch}) gave {lr!r}: {err}") from None
            if shuffle:
                rng.shuffle(order)
            epoch_loss = 0.0
            correct = 0
            steps = -(-n // batch_size)
            for step, first in enumerate(range(0, n, batch_size), start=1):
                batch = order[first : first + batch_size]
                # The graph of a step has no reference cycles, so reference counting frees it; the cyclic
                # collector would only walk its tens of thousands of nodes in vain (autograd_mini.gc_paused).
                try:
                    with gc_paused():
                        if engine == "compiled":
                            batch_loss, batch_correct = _train_step_compiled(
                                compiled, X, targets, keys, batch, loss_seed, params, l2_step, optimizer, decision
                            )
                        else:
                            batch_loss, batch_correct = _train_step(
                                model, X, targets, batch, loss_fn, params, l2, optimizer, decision
                            )
                except _NonFinite as stop:
                    raise _divergence(model, optimizer, history, stop, epoch, step, steps, batch_size) from stop.error
                epoch_loss += batch_loss * len(batch)
                correct += batch_correct
            history.loss.append(epoch_loss / n)
            history.accuracy.append(correct / n if decision else None)
            history.lr.append(optimizer.lr)
            if validation is not None:
                vl, va = evaluate(model, validation[0], validation[1], loss)
                history.val_loss.append(vl)
                history.val_accuracy.append(va)
            history.seconds.append(time.perf_counter() - start)
            if bar is not None:
                post = {"loss": f"{history.loss[-1]:.4g}"}
                if decision:
                    post["acc"] = f"{history.accuracy[-1]:.3f}"
                bar.set_postfix(post, refresh=False)
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return history
