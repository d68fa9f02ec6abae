"""``autograd-mini train``: train an MLP on a toy data set or the digits, print the curve, save the model and plots."""

import sys
from collections.abc import Callable

from nn.losses import LOSSES
from nn.module import ACTIVATIONS
from nn.optim import SGD, Adam, Optimizer
from nn.train import TrainingDivergedError, evaluate, fit

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
        makers: dict[str, Callable[..., datasets.DataSet]] = {
            "moons": datasets.make_moons,
            "circles": datasets.make_circles,
            "xor": datasets.make_xor,
        }
        X, y = makers[args.data](args.n, noise=args.noise, seed=args.seed)
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
    optimizer: Optimizer
    if args.optimizer == "sgd":
        optimizer = SGD(model.parameters(), lr=lr, momentum=args.momentum)
    else:
        optimizer = Adam(model.parameters(), lr=lr)
    print(f"{model} on {args.data} ({len(X)} samples), loss {loss}, {optimizer}")
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
        )
    except TrainingDivergedError as err:  # the work failed: one line, nothing saved or plotted
        print(f"autograd-mini train: {err}", file=sys.stderr)
        return 1
    step = max(1, args.epochs // 10)
    for k in range(0, history.epochs, step):
        acc = history.accuracy[k]
        print(f"epoch {k + 1:4d}  loss {history.loss[k]:.6f}" + ("" if acc is None else f"  accuracy {acc:.3f}"))
    final_loss, final_acc = evaluate(model, X, y, loss)
    print(f"after training: loss {final_loss:.6f}" + ("" if final_acc is None else f", accuracy {final_acc:.3f}"))
    if args.save:
        from nn import io

        try:
            io.save(model, args.save)
        except (ValueError, OSError) as err:  # the message names the path and what is wrong with it
            print(f"autograd-mini train: --save: {err}", file=sys.stderr)
            return 2
        print(f"saved the model to {args.save}")
    if args.plot:
        from nn.app import plots

        plots.plot_history(history, args.plot)
        print(f"saved the training curves to {args.plot}")
    if args.boundary:
        from nn.app import plots

        plots.plot_decision_boundary(model, X, y, args.boundary, loss=loss)
        print(f"saved the decision boundary to {args.boundary}")
    return 0
