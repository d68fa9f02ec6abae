"""``autograd-mini train``: train an MLP on a toy data set or the digits, print the curve, save the model and plots.

The defaults of moons, xor and circles are micrograd's moons demo (Karpathy, micrograd/demo.ipynb): 100 points of
two moons with noise 0.1, MLP(2, [16, 16, 1]) with relu, hinge loss + 1e-4 * sum p^2, 100 steps of SGD on the whole
data set with the learning rate 1.0 - 0.9 * k / 100 in step k. It reaches 100% training accuracy. The digits'
defaults are demo 05's: MLP(64, [16, 10]), softmax cross-entropy, Adam with lr 0.01, batches of 16, 4 epochs.

Train output you can trust: each epoch line is printed (and flushed) as the epoch ends, so it reaches a pipe or a log
file as it happens; Ctrl-C stops at once, says which epoch it reached and saves the model of the last completed
epoch when ``--save`` was given (or says that nothing was saved). The time is estimated before training by a short
probe with the engine in use (``nn.probe.estimate_fit``), and ``--max-minutes`` refuses what would take longer.
"""

import random
import signal
import sys
import time
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
# Defaults that depend on the data: the 2-D sets are micrograd's moons demo, the digits demo 05 (92.7% held out)
DEFAULTS = {
    "2-D": {"hidden": [16, 16], "optimizer": "sgd", "epochs": 100, "batch_size": None, "l2": 1e-4, "holdout": 0.0},
    "digits": {"hidden": [16], "optimizer": "adam", "epochs": 4, "batch_size": 16, "l2": 0.0, "holdout": 0.2},
}


def add_arguments(parser):
    """Options of ``autograd-mini train``; the defaults are micrograd's moons demo (for digits: demo 05's)."""
    _data_options(parser)
    _training_options(parser)
    _output_options(parser)


def _data_options(parser):
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
        default=None,
        metavar="N1,N2,...",
        help="hidden layer sizes (default: 16,16; 16 for digits)",
    )


def _training_options(parser):
    parser.add_argument(
        "--activation", default="relu", choices=sorted(ACTIVATIONS), help="hidden layers' activation (default: relu)"
    )
    parser.add_argument(  # LOSS: the seven choices in the usage line were wider than an 80-column terminal
        "--loss",
        default=None,
        choices=sorted(LOSSES),
        metavar="LOSS",
        help=f"the loss: {', '.join(sorted(LOSSES))} (default: hinge; softmax_ce for digits)",
    )
    parser.add_argument(
        "--optimizer", default=None, choices=["sgd", "adam"], help="optimizer (default: sgd; adam for digits)"
    )
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
    parser.add_argument(
        "--epochs", type=whole(1), default=None, help="passes over the data (default: 100; 4 for digits)"
    )
    parser.add_argument(
        "--batch-size",
        type=whole(1),
        default=None,
        help="samples per step (default: all, one step per epoch; 16 for digits)",
    )
    parser.add_argument(
        "--l2",
        type=real(0.0, 10.0, what="an L2 weight"),
        default=None,
        help="weight of the L2 term sum p^2, 0 to 10 (default: 0.0001; 0 for digits)",
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


def _output_options(parser):
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
        help=f"refuse runs estimated (by a short measured probe) to take longer (default: {DEFAULT_MAX_MINUTES:g})",
    )


def _loss_and_outputs(args):
    if args.data == "digits":
        return args.loss or "softmax_ce", 10
    return args.loss or "hinge", 1


def _fill_defaults(args):
    """The options not given take the defaults of the data set (``DEFAULTS``)."""
    defaults = DEFAULTS["digits" if args.data == "digits" else "2-D"]
    for option, value in defaults.items():
        if getattr(args, option) is None:
            setattr(args, option, list(value) if isinstance(value, list) else value)


def check(args):
    """Everything that can be known before loading data or building the network (raises OptionError)."""
    _fill_defaults(args)
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
    n = DIGITS_SAMPLES if args.data == "digits" else args.n
    n_train = n - round(n * args.holdout)
    if n_train < 2:
        raise OptionError(f"--holdout {args.holdout:g}: leaves {n_train} of {n} samples to train on; keep at least 2")
    batch = min(args.batch_size or n_train, n_train)
    layers = [64 if args.data == "digits" else 2, *args.hidden, n_out]
    estimate = cost.train_cost(layers, n_train, args.epochs, batch, loss == "bce")
    refusal = estimate.too_big(args.max_values)
    if refusal:
        batch_option = f"--batch-size {args.batch_size}" if args.batch_size else f"--n {n} (one batch)"
        raise OptionError(f"--hidden {','.join(map(str, args.hidden))} {batch_option}: {refusal}")
    _check_program_size(args, layers, loss == "bce")
    if estimate.seconds > 60 * args.max_minutes:  # a lower bound from the sizes alone: refused before any work
        raise OptionError(
            f"--epochs {args.epochs}: {args.epochs} epochs over {n_train} samples of MLP{tuple(layers)} compute about "
            f"{estimate.total:.2g} Values, at least {cost.duration(estimate.seconds)} even at the compiled engine's "
            f"~{cost.FASTEST_SECONDS_PER_VALUE * 1e6:g} microseconds each; the limit is --max-minutes "
            f"{args.max_minutes:g}: use fewer epochs, samples or neurons, or raise --max-minutes"
        )


def _check_program_size(args, layers, output_activation):
    """--engine compiled writes the model's program as Python: refused here where compile would refuse it."""
    from autograd_mini.program import BYTES_PER_NODE, MAX_NODES

    nodes = cost.program_nodes(layers, output_activation)
    if args.engine == "compiled" and nodes > MAX_NODES:
        raise OptionError(
            f"--hidden {','.join(map(str, args.hidden))}: the compiled engine writes the program of MLP"
            f"{tuple(layers)}, about {nodes:,} nodes, and it writes at most {MAX_NODES:,} (about "
            f"{MAX_NODES * BYTES_PER_NODE / 1e9:.1f} GB to compile): use --engine nodes, or smaller layers"
        )


def split(X, y, holdout, seed):
    """(X_train, y_train, X_held_out, y_held_out): a shuffled ``holdout`` fraction kept out of training."""
    if not holdout:
        return X, y, [], []
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    k = round(len(X) * holdout)
    held, kept = order[:k], order[k:]
    return [X[i] for i in kept], [y[i] for i in kept], [X[i] for i in held], [y[i] for i in held]


def _data(args):
    from nn import data as datasets

    if args.data == "digits":
        X, y = datasets.load_digits()
    else:
        makers: dict[str, Callable[..., datasets.DataSet]] = {
            "moons": datasets.make_moons,
            "circles": datasets.make_circles,
            "xor": datasets.make_xor,
        }
        X, y = makers[args.data](args.n, noise=args.noise, seed=args.seed)
    return split(X, y, args.holdout, args.seed)


def _model_and_optimizer(args, n_in, n_out, loss):
    """The MLP, its optimizer, and the learning-rate schedule (micrograd's for SGD without --lr, else None)."""
    from nn.module import MLP
    from nn.optim import SGD, Adam, Optimizer

    output_activation = "sigmoid" if loss == "bce" else "linear"
    model = MLP(n_in, args.hidden + [n_out], activation=args.activation, output_activation=output_activation,
                seed=args.seed)  # fmt: skip
    optimizer: Optimizer
    if args.optimizer == "sgd":
        optimizer = SGD(model.parameters(), lr=args.lr or 1.0, momentum=args.momentum)
        return model, optimizer, micrograd_schedule(args.epochs) if args.lr is None else None
    return model, Adam(model.parameters(), lr=args.lr or 0.01), None


def _check_time(args, estimate, n_train, model):
    """--max-minutes against the measured estimate (the guard), before any training."""
    if estimate.seconds > 60 * args.max_minutes:
        raise OptionError(
            f"--epochs {args.epochs}: {args.epochs} epochs over {n_train} samples of MLP{tuple(model.sizes)} would "
            f"take about {cost.duration(estimate.seconds)} with --engine {args.engine} (measured: "
            f"{estimate.probe_steps} steps in {estimate.probe_seconds:.2g} s); the limit is --max-minutes "
            f"{args.max_minutes:g}: use fewer epochs, samples or neurons, or raise --max-minutes"
        )


def run(args):
    """Run ``autograd-mini train`` with parsed and checked ``args``; returns the exit status."""
    from nn.probe import estimate_fit
    from nn.train import TrainingDivergedError

    check(args)  # before any data is made or network built
    loss, n_out = _loss_and_outputs(args)
    X, y, X_held, y_held = _data(args)
    model, optimizer, schedule = _model_and_optimizer(args, len(X[0]), n_out, loss)
    validation = (X_held, y_held) if X_held else None
    settings = {"loss": loss, "optimizer": optimizer, "epochs": args.epochs, "batch_size": args.batch_size,
                "l2": args.l2, "validation": validation, "engine": args.engine}  # fmt: skip
    try:
        estimate = estimate_fit(model, X, y, **settings)
    except KeyboardInterrupt:
        print("autograd-mini train: interrupted before training began; nothing was saved", file=sys.stderr)
        return 130
    _check_time(args, estimate, len(X), model)
    held = f", {len(X_held)} held out" if X_held else ""
    l2 = f" + {args.l2:g} * sum p^2" if args.l2 else ", no L2 term"  # digits read "softmax_ce + 0 * sum p^2"
    print(f"{model} on {args.data} ({len(X)} samples{held}), loss {loss}{l2}, {optimizer}")
    if schedule:
        print(f"  learning rate 1.0 - 0.9*k/{args.epochs} in epoch k (micrograd's schedule)")
    print(f"  estimated training time: {cost.duration(estimate.seconds)} (a probe of {estimate.probe_steps} steps with "
          f"--engine {args.engine} took {estimate.probe_seconds:.2g} s)")  # fmt: skip
    print("epoch lines: loss (with the L2 term) and accuracy of the forward passes made during the epoch, each")
    print("batch before its step; the final line evaluates the trained weights, loss without the L2 term", flush=True)
    done: dict = {"last": (0, None)}  # the last completed epoch and, for --save, its model's parameters
    try:
        history, seconds, cpu = _train(args, model, X, y, settings, schedule, done)
        print(f"trained {history.epochs} epochs in {cost.duration(seconds)} ({cost.duration(cpu)} of CPU time; "
              f"estimated {cost.duration(estimate.seconds)})")  # fmt: skip
        _report(model, X, y, X_held, y_held, loss, args.engine)
        return _write_outputs(args, model, history, X, y, loss)
    except TrainingDivergedError as err:  # the work failed: one line, nothing saved or plotted
        print(f"autograd-mini train: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return _interrupted(args, model, done)


def _epoch_line(history, k):
    acc, held = history.accuracy[k], history.val_accuracy[k] if history.val_accuracy else None
    line = f"epoch {k + 1:4d}  loss {history.loss[k]:.6f}" + ("" if acc is None else f"  accuracy {acc:.3f}")
    return line + ("" if held is None else f"  held-out accuracy {held:.3f}")


def _train(args, model, X, y, settings, schedule, done):
    """``fit``, printing the epoch lines as the epochs end (one in ten, and the last; flushed, so that they reach a
    pipe or a log file as they happen) and noting each completed epoch in ``done``; returns (history, seconds, CPU
    seconds: less than seconds when other programs kept the processor busy)."""
    from nn.progress import write_line
    from nn.train import fit

    every = max(1, args.epochs // 10)

    def on_epoch_end(history):
        k = history.epochs
        done["last"] = (k, model.state_dict() if args.save else None)  # one assignment: a Ctrl-C sees both or none
        if (k - 1) % every == 0 or k == args.epochs:
            write_line(_epoch_line(history, k - 1))

    progress = False if args.no_progress else None
    start, start_cpu = time.perf_counter(), time.process_time()
    history = fit(model, X, y, seed=args.seed, progress=progress, lr_schedule=schedule, on_epoch_end=on_epoch_end,
                  **settings)  # fmt: skip
    return history, time.perf_counter() - start, time.process_time() - start_cpu


def _interrupted(args, model, done):
    """Ctrl-C: say the epoch reached; with --save, save the model of the last completed epoch (the step under way
    was undone by fit, and the rest of that epoch is dropped), or say that nothing was saved."""
    k, state = done["last"]
    if k < args.epochs:
        said = f"autograd-mini train: interrupted in epoch {k + 1} of {args.epochs}"
    else:
        said = f"autograd-mini train: interrupted after the last epoch ({k} of {args.epochs})"
    if not args.save:
        print(f"{said}; nothing was saved (no --save given)", file=sys.stderr)
    elif state is None:
        print(f"{said}; nothing was saved: no epoch was completed", file=sys.stderr)
    else:
        model.load_state_dict(state)
        if _save(args, model):
            return 1
        print(f"{said}; saved the model as it was after epoch {k} to {args.save}", file=sys.stderr)
    return 130


class _sigint_ignored:
    """Ctrl-C ignored inside the block (in the main thread; elsewhere signals cannot be set and none arrive)."""

    def __enter__(self):
        try:
            self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:
            self.previous = None

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _save(args, model):
    """Save the model to --save; on failure say so (one line) and return True."""
    from nn import io

    try:
        with _sigint_ignored():  # a Ctrl-C now would not stop the save (nn.io.save writes a whole file or none)
            io.save(model, prepare(args.save))
    except (ValueError, OSError) as err:  # changed since the check: the message names the path and what is wrong
        print(f"autograd-mini train: error: --save: {err}", file=sys.stderr)
        return True
    return False


def _report(model, X, y, X_held, y_held, loss, engine):
    from nn.metrics import evaluate

    final_loss, final_acc = evaluate(model, X, y, loss, engine=engine)
    line = f"after training: loss {final_loss:.6f}" + ("" if final_acc is None else f", accuracy {final_acc:.3f}")
    if X_held:
        held_loss, held_acc = evaluate(model, X_held, y_held, loss, engine=engine)
        line += f"; held out ({len(X_held)} samples): loss {held_loss:.6f}"
        line += "" if held_acc is None else f", accuracy {held_acc:.3f}"
    print(line)


def _write_outputs(args, model, history, X, y, loss):
    """--save, --plot and --boundary; returns the exit status."""
    if args.save:
        if _save(args, model):
            return 1
        print(f"saved the model to {args.save}")
    if args.plot or args.boundary:
        import matplotlib.pyplot as plt  # the command's figures are closed once written

        from nn import plots

        if args.plot:
            plt.close(plots.plot_history(history, prepare(args.plot)))
            print(f"saved the training curves to {args.plot}")
        if args.boundary:
            plt.close(plots.plot_decision_boundary(model, X, y, prepare(args.boundary), loss=loss))
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
