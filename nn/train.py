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
"""

from __future__ import annotations

import math
import numbers
import random
import sys
import time

from autograd_mini import Value, gc_paused, no_grad
from nn.losses import LOSSES, _sum, get_loss
from nn.module import ACTIVATIONS
from nn.optim import SGD, Adam, Optimizer

__all__ = ["History", "accuracy", "add_arguments", "evaluate", "fit", "predict", "run"]

_SQUARED = ("half_sse", "sse", "mse")


class History:
    """Per-epoch records of a ``fit`` run: ``loss``, ``accuracy`` (training), ``val_loss``, ``val_accuracy``,
    ``lr`` and ``seconds``. ``accuracy`` entries are None when the targets are not class labels.

    ``loss`` is the objective the optimizer saw (mean data loss + the L2 term, averaged over the epoch's batches,
    each taken before its step); ``val_loss`` is the mean data loss alone, after the epoch, under ``no_grad()``.
    """

    def __init__(self):
        self.loss = []
        self.accuracy = []
        self.val_loss = []
        self.val_accuracy = []
        self.lr = []
        self.seconds = []

    @property
    def epochs(self):
        return len(self.loss)

    def as_dict(self):
        return {
            "epoch": list(range(1, self.epochs + 1)),
            "loss": list(self.loss),
            "accuracy": list(self.accuracy),
            "val_loss": list(self.val_loss),
            "val_accuracy": list(self.val_accuracy),
            "lr": list(self.lr),
            "seconds": list(self.seconds),
        }

    def __repr__(self):
        if not self.loss:
            return "History(epochs=0)"
        acc = self.accuracy[-1]
        acc = "n/a" if acc is None else f"{acc:.3f}"
        return f"History(epochs={self.epochs}, loss={self.loss[-1]:.6g}, accuracy={acc})"


# -- targets and decisions ---------------------------------------------------------------------------------------


def _loss_name(loss):
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
    return all(isinstance(v, numbers.Real) and v >= 0 for v in t) and abs(sum(t) - 1.0) < 1e-9


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
    X = list(X)
    y = list(y)
    if not X:
        raise ValueError(f"{where}: no samples (X is empty)")
    if len(X) != len(y):
        raise ValueError(f"{where}: {len(X)} samples in X but {len(y)} targets in y; they must pair up")
    return X, y


def predict(model, x, loss=None):
    """The class a model gives sample x: argmax for several outputs, else 0/1 by the threshold of ``loss``."""
    with no_grad():
        out = model(x)
    if isinstance(out, list):
        data = [o.data for o in out]
        return max(range(len(data)), key=data.__getitem__)
    name = _loss_name(loss) if loss is not None else None
    _, threshold = _decision(name, [0, 1], getattr(model, "output_activation", "linear"))
    return int(out.data > threshold)


def evaluate(model, X, y, loss="hinge"):
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


def accuracy(model, X, y, loss=None):
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


def _progress_bar(progress, epochs, work):
    """A tqdm bar over the epochs, or None. progress=None: on when stderr is a terminal and the run is long."""
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)()) and work >= 20_000
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if progress is True:
            raise ImportError("fit(progress=True) needs tqdm: pip install tqdm (or autograd-mini[plot])") from None
        return None
    return tqdm(total=epochs, desc="training", unit="epoch", file=sys.stderr, leave=True)


def _train_step(model, X, targets, batch, loss_fn, params, l2, optimizer, decision):
    """One optimizer step on one batch; returns (the batch loss, the number classified right before the step)."""
    outs = [model(X[k]) for k in batch]
    # E = 1/N sum_k E^k over the batch of N (document 001, section 2.2: the eta/N sum_k of the update), so that
    # after backward p.grad = 1/N sum_k dE^k/dp and SGD's p <- p - eta * p.grad is the notes' update.
    total = _sum([loss_fn(out, targets[k]) for out, k in zip(outs, batch)]) * (1.0 / len(batch))
    if l2:
        total = total + l2 * _sum([p * p for p in params])
    optimizer.zero_grad()
    total.backward()
    optimizer.step()
    correct = sum(_correct(out, targets[k], decision) for out, k in zip(outs, batch)) if decision else 0
    return total.data, correct


def fit(
    model,
    X,
    y,
    loss="hinge",
    optimizer=None,
    epochs=100,
    batch_size=None,
    seed=0,
    l2=0.0,
    progress=None,
    *,
    lr_schedule=None,
    validation=None,
    shuffle=True,
):
    """Train ``model`` on (X, y) and return a ``History``.

    loss: a name in ``nn.losses.LOSSES`` or a function (out, target) -> Value. optimizer: an ``nn.optim``
    optimizer over ``model.parameters()`` (default ``SGD(lr=0.1)``). batch_size: None for the whole data set in
    one batch. seed: the order of the samples in each epoch (a ``random.Random(seed)``, shuffled per epoch).
    l2: adds l2 * sum_p p^2 to every batch loss (micrograd's demo uses 1e-4). lr_schedule: epoch -> learning rate,
    set on the optimizer at the start of each epoch (epoch counts from 0; micrograd's demo:
    ``lambda k: 1.0 - 0.9 * k / 100`` with one batch per epoch). validation: (X_val, y_val), evaluated after every
    epoch under ``no_grad()``. progress: True, False, or None (a tqdm bar when stderr is a terminal and the run is
    long).
    """
    X, y = _check_data(X, y, "fit()")
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
    targets = _prepare_targets(y, name, _n_outputs(model), "fit()")
    decision = _decision(name, targets, getattr(model, "output_activation", "linear"))
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
            for first in range(0, n, batch_size):
                batch = order[first : first + batch_size]
                # The graph of a step has no reference cycles, so reference counting frees it; the cyclic
                # collector would only walk its tens of thousands of nodes in vain (autograd_mini.gc_paused).
                with gc_paused():
                    batch_loss, batch_correct = _train_step(
                        model, X, targets, batch, loss_fn, params, l2, optimizer, decision
                    )
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


# -- the ``autograd-mini train`` subcommand (nn/cli.py dispatches here) ---------------------------------------------

_DATASETS = ("moons", "xor", "circles", "digits")


def add_arguments(parser):
    """Options of ``autograd-mini train``."""
    parser.add_argument("--data", choices=_DATASETS, default="moons", help="data set (default: moons)")
    parser.add_argument("--n", type=int, default=100, help="number of points of moons/xor/circles (default: 100)")
    parser.add_argument("--noise", type=float, default=0.1, help="noise of moons/circles/xor (default: 0.1)")
    parser.add_argument("--hidden", default="16,16", help="hidden layer sizes, comma separated (default: 16,16)")
    parser.add_argument("--activation", default="relu", choices=sorted(ACTIVATIONS))
    parser.add_argument(
        "--loss", default=None, choices=sorted(LOSSES), help="loss (default: hinge, softmax_ce for digits)"
    )
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    parser.add_argument("--lr", type=float, default=None, help="learning rate (default: sgd 0.1, adam 0.01)")
    parser.add_argument("--momentum", type=float, default=0.0, help="SGD momentum (default: 0)")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=None, help="samples per step (default: all)")
    parser.add_argument("--l2", type=float, default=1e-4, help="weight of the L2 term sum p^2 (default: 1e-4)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the shuffling")
    parser.add_argument("--save", metavar="PATH", help="save the trained model as JSON (nn.io)")
    parser.add_argument("--plot", metavar="PATH", help="save the loss/accuracy curves as a PNG")
    parser.add_argument("--boundary", metavar="PATH", help="save the decision boundary as a PNG (2-D data)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args):
    """Run ``autograd-mini train`` with parsed ``args``; returns the exit status."""
    from nn import data as datasets
    from nn.module import MLP

    try:
        hidden = [int(h) for h in str(args.hidden).split(",") if h.strip()]
        if not hidden or min(hidden) < 1:
            raise ValueError
    except ValueError:
        print(f"autograd-mini train: --hidden must be sizes >= 1 like 16,16, got {args.hidden!r}", file=sys.stderr)
        return 2
    if args.boundary and args.data == "digits":  # said before training, not after
        print("autograd-mini train: --boundary needs 2-D data (moons, circles, xor), not digits", file=sys.stderr)
        return 2
    if args.data == "digits":
        X, y = datasets.load_digits()
        n_out, default_loss = 10, "softmax_ce"
    else:
        maker = {"moons": datasets.make_moons, "circles": datasets.make_circles, "xor": datasets.make_xor}[args.data]
        X, y = maker(args.n, noise=args.noise, seed=args.seed)
        n_out, default_loss = 1, "hinge"
    loss = args.loss or default_loss
    if n_out == 1 and loss == "softmax_ce":
        print(
            f"autograd-mini train: --loss softmax_ce needs one output per class; {args.data} has two classes and one "
            f"output: use hinge, bce, bce_logits or a squared error (half_sse, sse, mse)",
            file=sys.stderr,
        )
        return 2
    if n_out > 1 and loss in ("hinge", "bce", "bce_logits"):
        print(
            f"autograd-mini train: --loss {loss} is for two classes and one output; digits has {n_out} classes: use "
            f"softmax_ce or a squared error (half_sse, sse, mse)",
            file=sys.stderr,
        )
        return 2
    output_activation = "sigmoid" if loss == "bce" else "linear"
    model = MLP(
        len(X[0]), hidden + [n_out], activation=args.activation, output_activation=output_activation, seed=args.seed
    )
    lr = args.lr if args.lr is not None else (0.1 if args.optimizer == "sgd" else 0.01)
    if args.optimizer == "sgd":
        optimizer = SGD(model.parameters(), lr=lr, momentum=args.momentum)
    else:
        optimizer = Adam(model.parameters(), lr=lr)
    print(f"{model} on {args.data} ({len(X)} samples), loss {loss}, {optimizer}")
    history = fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        l2=args.l2,
        progress=False if args.no_progress else None,
    )
    step = max(1, args.epochs // 10)
    for k in range(0, history.epochs, step):
        acc = history.accuracy[k]
        print(f"epoch {k + 1:4d}  loss {history.loss[k]:.6f}" + ("" if acc is None else f"  accuracy {acc:.3f}"))
    final_loss, final_acc = evaluate(model, X, y, loss)
    print(f"after training: loss {final_loss:.6f}" + ("" if final_acc is None else f", accuracy {final_acc:.3f}"))
    if args.save:
        from nn import io

        io.save(model, args.save)
        print(f"saved the model to {args.save}")
    if args.plot:
        from nn import plots

        plots.plot_history(history, args.plot)
        print(f"saved the training curves to {args.plot}")
    if args.boundary:
        from nn import plots

        plots.plot_decision_boundary(model, X, y, args.boundary, loss=loss)
        print(f"saved the decision boundary to {args.boundary}")
    return 0
