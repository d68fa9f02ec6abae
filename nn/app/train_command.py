"""``autograd-mini train``: train an MLP on a toy data set or the digits, print the curve, save the model and plots.

The defaults are micrograd's moons demo (Karpathy, micrograd/demo.ipynb): 100 points of two moons with noise 0.1,
MLP(2, [16, 16, 1]) with relu, hinge loss + 1e-4 * sum p^2, 100 steps of SGD on the whole data set with the learning
rate 1.0 - 0.9 * k / 100 in step k. It reaches 100% training accuracy.
"""

import random
import sys
from collections.abc import Callable

from nn.app import cost
from nn.app.examples import micrograd_schedule
from nn.app.options import OptionError, add_max_values, need_module, output_file, prepare, real, sizes, whole
from nn.losses import LOSSES
from nn.module import ACTIVATIONS

_DATASETS = ("moons", "xor", "circles", "digits")
DIGITS_SAMPLES = 1797  # the 8x8 digits scikit-learn ships (nn.data.load_digits), 64 pixels each
DEFAULT_MAX_MINUTES = 30.0
INSTALL_PLOT = "pip install 'autograd-mini[plot]'"


def add_arguments(parser):
    """Options of ``autograd-mini train``; every default is micrograd's moons demo."""
    parser.add_argument("--data", choices=_DATASETS, default="moons", help="data set (default: moons)")
    parser.add_argument(
        "--n", type=whole(2), default=100, help="number of points of moons, xor or circles (default: 100)"
    )
    parser.add_argument(
        "--noise", type=real(0.0, 10.0), default=0.1, help="noise of moons, circles or xor, 0 to 10 (default: 0.1)"
    )
    parser.add_argument(
        "--hidden",
        type=sizes(1, "16,16"),
        default=[16, 16],
        metavar="N1,N2,...",
        help="hidden layer sizes (default: 16,16)",
    )
    parser.add_argument(
        "--activation", default="relu", choices=sorted(ACTIVATIONS), help="hidden layers' activation (default: relu)"
    )
    parser.add_argument(
        "--loss", default=None, choices=sorted(LOSSES), help="loss (default: hinge; softmax_ce for digits)"
    )
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"], help="optimizer (default: sgd)")
    parser.add_argument(
        "--lr",
        type=real(0.0, 100.0, low_open=True, what="a learning rate"),
        default=None,
        help="a constant learning rate (default: SGD follows micrograd's demo, 1.0 - 0.9*k/EPOCHS in epoch k; "
        "Adam 0.01)",
    )
    parser.add_argument(
        "--momentum",
        type=real(0.0, 0.999, what="a momentum"),
        default=0.0,
        help="SGD momentum, 0 to 0.999 (default: 0)",
    )
    parser.add_argument("--epochs", type=whole(1), default=100, help="passes over the data (default: 100)")
    parser.add_argument(
        "--batch-size", type=whole(1), default=None, help="samples per step (default: all, one step per epoch)"
    )
    parser.add_argument(
        "--l2",
        type=real(0.0, 10.0, what="an L2 weight"),
        default=1e-4,
        help="weight of the L2 term sum p^2, 0 to 10 (default: 0.0001)",
    )
    parser.add_argument(
        "--holdout",
        type=real(0.0, 0.9, what="a fraction"),
        default=None,
        help="fraction of the samples kept out of training to measure accuracy on (default: 0.2 for digits, 0 else)",
    )
    parser.add_argument(
        "--seed", type=whole(0), default=0, help="seed of the data, the weights and the shuffling (default: 0)"
    )
    parser.add_argument("--save", metavar="PATH", help="save the trained model as JSON (default: not saved)")
    parser.add_argument("--plot", metavar="PATH", help="save the loss/accuracy curves as a PNG (default: none)")
    parser.add_argument(
        "--boundary", metavar="PATH", help="save the decision boundary as a PNG, 2-D data only (default: none)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (default: a bar on a terminal)")
    parser.add_argument(
        "--engine",
        choices=["compiled", "nodes"],
        default="compiled",
        help="compiled: the model's forward and adjoint program, traced once and replayed per sample (the same "
        "numbers, several times faster); nodes: a graph of Values per step (default: compiled)",
    )
    add_max_values(parser, cost.DEFAULT_MAX_VALUES)
    parser.add_argument(
        "--max-minutes",
        type=real(0.0, low_open=True),
        default=DEFAULT_MAX_MINUTES,
        help=f"refuse runs estimated to take longer (default: {DEFAULT_MAX_MINUTES:g})",
    )


def _loss_and_outputs(args):
    if args.data == "digits":
        return args.loss or "softmax_ce", 10
    return args.loss or "hinge", 1


def check(args):
    """Everything that can be known before loading data or building the network (raises OptionError)."""
    loss, n_out = _loss_and_outputs(args)
    if args.boundary and args.data == "digits":
        raise OptionError("--boundary needs 2-D data (moons, circles, xor), not digits")
    if n_out == 1 and loss == "softmax_ce":
        raise OptionError(
            f"--loss softmax_ce needs one output per class; {args.data} has two classes and one output: use hinge, "
            f"bce, bce_logits or a squared error (half_sse, sse, mse)"
        )
    if n_out > 1 and loss in ("hinge", "bce", "bce_logits"):
        raise OptionError(
            f"--loss {loss} is for two classes and one output; digits has {n_out} classes: use softmax_ce or a "
            f"squared error (half_sse, sse, mse)"
        )
    if args.momentum and args.optimizer != "sgd":
        raise OptionError(f"--momentum {args.momentum:g} is for --optimizer sgd (Adam keeps its own moments)")
    for option in ("save", "plot", "boundary"):
        if getattr(args, option) is not None:  # "" too: refused by name, not taken for "not given"
            output_file(f"--{option}", getattr(args, option))
    for option in ("plot", "boundary"):
        if getattr(args, option):
            need_module(f"--{option}", "matplotlib", INSTALL_PLOT)
    if args.data == "digits":
        need_module("--data digits", "sklearn", f"scikit-learn ships the digits: {INSTALL_PLOT}")
    if args.holdout is None:
        args.holdout = 0.2 if args.data == "digits" else 0.0
    n = DIGITS_SAMPLES if args.data == "digits" else args.n
    n_train = n - round(n * args.holdout)
    if n_train < 2:
        raise OptionError(f"--holdout {args.holdout:g}: leaves {n_train} of {n} samples to train on; keep at least 2")
    batch = min(args.batch_size or n_train, n_train)
    n_in = 64 if args.data == "digits" else 2
    layers = [n_in, *args.hidden, n_out]
    estimate = cost.train_cost(layers, n_train, args.epochs, batch, loss == "bce")
    refusal = estimate.too_big(args.max_values)
    if refusal:
        batch_option = f"--batch-size {args.batch_size}" if args.batch_size else f"--n {n} (one batch)"
        raise OptionError(f"--hidden {','.join(map(str, args.hidden))} {batch_option}: {refusal}")
    if estimate.seconds > 60 * args.max_minutes:
        raise OptionError(
            f"--epochs {args.epochs}: {args.epochs} epochs over {n_train} samples of MLP{tuple(layers)} compute about "
            f"{estimate.total:.2g} Values, about {cost.duration(estimate.seconds)} at ~1 microsecond each; the limit "
            f"is --max-minutes {args.max_minutes:g}: use fewer epochs, samples or neurons, or raise --max-minutes"
        )
    args.estimate = estimate


def split(X, y, holdout, seed):
    """(X_train, y_train, X_held_out, y_held_out): a shuffled ``holdout`` fraction kept out of training."""
    if not holdout:
        return X, y, [], []
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    k = round(len(X) * holdout)
    held, kept = order[:k], order[k:]
    return [X[i] for i in kept], [y[i] for i in kept], [X[i] for i in held], [y[i] for i in held]


def run(args):
    """Run ``autograd-mini train`` with parsed and checked ``args``; returns the exit status."""
    from nn import data as datasets
    from nn.module import MLP
    from nn.optim import SGD, Adam, Optimizer
    from nn.train import TrainingDivergedError, evaluate, fit

    check(args)  # before any data is made or network built
    loss, n_out = _loss_and_outputs(args)
    if args.data == "digits":
        X, y = datasets.load_digits()
    else:
        makers: dict[str, Callable[..., datasets.DataSet]] = {
            "moons": datasets.make_moons,
            "circles": datasets.make_circles,
            "xor": datasets.make_xor,
        }
        X, y = makers[args.data](args.n, noise=args.noise, seed=args.seed)
    X, y, X_held, y_held = split(X, y, args.holdout, args.seed)
    output_activation = "sigmoid" if loss == "bce" else "linear"
    model = MLP(
        len(X[0]),
        args.hidden + [n_out],
        activation=args.activation,
        output_activation=output_activation,
        seed=args.seed,
    )
    schedule = None
    optimizer: Optimizer
    if args.optimizer == "sgd":
        optimizer = SGD(model.parameters(), lr=args.lr or 1.0, momentum=args.momentum)
        if args.lr is None:
            schedule = micrograd_schedule(args.epochs)
    else:
        optimizer = Adam(model.parameters(), lr=args.lr or 0.01)
    rate = f"learning rate 1.0 - 0.9*k/{args.epochs} in epoch k (micrograd's schedule)" if schedule else ""
    held = f", {len(X_held)} held out" if X_held else ""
    print(f"{model} on {args.data} ({len(X)} samples{held}), loss {loss} + {args.l2:g} * sum p^2, {optimizer}")
    if rate:
        print(f"  {rate}")
    if args.estimate.seconds > 20:
        print(f"  estimated time: about {cost.duration(args.estimate.seconds)}")
    try:
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
            lr_schedule=schedule,
            validation=(X_held, y_held) if X_held else None,
            engine=args.engine,
        )
    except TrainingDivergedError as err:  # the work failed: one line, nothing saved or plotted
        print(f"autograd-mini train: error: {err}", file=sys.stderr)
        return 1
    print("epoch lines: loss (with the L2 term) and accuracy of the forward passes made during the epoch, each")
    print("batch before its step; the final line evaluates the trained weights, loss without the L2 term")
    step = max(1, args.epochs // 10)
    shown = sorted(set(range(0, history.epochs, step)) | {history.epochs - 1})  # the last epoch always
    for k in shown:
        acc = history.accuracy[k]
        line = f"epoch {k + 1:4d}  loss {history.loss[k]:.6f}" + ("" if acc is None else f"  accuracy {acc:.3f}")
        if X_held and history.val_accuracy[k] is not None:
            line += f"  held-out accuracy {history.val_accuracy[k]:.3f}"
        print(line)
    final_loss, final_acc = evaluate(model, X, y, loss)
    line = f"after training: loss {final_loss:.6f}" + ("" if final_acc is None else f", accuracy {final_acc:.3f}")
    if X_held:
        held_loss, held_acc = evaluate(model, X_held, y_held, loss)
        line += f"; held out ({len(X_held)} samples): loss {held_loss:.6f}"
        line += "" if held_acc is None else f", accuracy {held_acc:.3f}"
    print(line)
    if args.save:
        from nn import io

        try:
            io.save(model, prepare(args.save))
        except (ValueError, OSError) as err:  # changed since the check: the message names the path and what is wrong
            print(f"autograd-mini train: error: --save: {err}", file=sys.stderr)
            return 1
        print(f"saved the model to {args.save}")
    if args.plot:
        from nn.app import plots

        plots.plot_history(history, prepare(args.plot))
        print(f"saved the training curves to {args.plot}")
    if args.boundary:
        from nn.app import plots

        plots.plot_decision_boundary(model, X, y, prepare(args.boundary), loss=loss)
        print(f"saved the decision boundary to {args.boundary}")
    return 0


EPILOG = """\
examples:
  autograd-mini train                                    micrograd's moons demo: MLP(2, [16, 16, 1]), 100% accuracy
  autograd-mini train --data xor --hidden 8 --activation tanh --epochs 200 --save xor.json
  autograd-mini train --data moons --optimizer adam --lr 0.05 --plot loss.png --boundary boundary.png
  autograd-mini train --data digits --hidden 32 --epochs 10 --batch-size 32 --save digits.json
"""


def add_parser(sub, formatter):
    """Register ``train`` with the command line's subparsers."""
    parser = sub.add_parser(
        "train",
        help="train an MLP on moons, xor, circles or digits; save the model and the plots",
        description="Train an MLP built from Values, print the loss and accuracy, save the model (JSON) and plots.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    add_arguments(parser)
    parser.set_defaults(run=run)
    return parser
