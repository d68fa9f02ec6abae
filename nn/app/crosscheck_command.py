"""``autograd-mini crosscheck``: build an MLP from the options, cross-check one sample and a batch, report."""

import argparse
import sys

import numpy as np

from nn.crosscheck.delta import ACTIVATIONS, LOSSES, crosscheck, crosscheck_batch


def _sizes(text):
    try:
        sizes = [int(s) for s in text.replace("-", ",").split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"--sizes {text!r}: give whole numbers, e.g. 3,4,4,2 (inputs, hidden..., outputs)") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"--sizes {text!r}: need at least an input and an output size, each >= 1, e.g. 3,4,2")
    return sizes


def add_arguments(parser):
    """The options of ``autograd-mini crosscheck``."""

    parser.add_argument("--sizes", default="3,4,4,2", help="layer sizes, inputs first (default 3,4,4,2)")
    parser.add_argument("--activation", default="sigmoid", choices=sorted(ACTIVATIONS), help="hidden layers")
    parser.add_argument(
        "--output-activation", default="sigmoid", choices=sorted(ACTIVATIONS), help="output layer (default sigmoid)"
    )
    parser.add_argument("--loss", default="half_sse", choices=sorted(LOSSES), help="squared-error scaling")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the data (default 0)")
    parser.add_argument("--batch", type=int, default=4, help="samples of the batch check (0: skip it; default 4)")
    parser.add_argument("--eps", type=float, default=1e-6, help="step of the central finite differences")
    parser.add_argument(
        "--documents",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print the report on the formulas the documents print (default on; --no-documents to skip)",
    )
    return parser


def run(args):
    """Build an MLP from the options, cross-check one sample and a batch, print the documents' report.

    Returns 0 when the closed form agrees with autodiff, 1 when it does not, 2 on bad options."""

    from nn import MLP

    try:
        sizes = _sizes(args.sizes)
        if args.batch < 0:
            raise ValueError(f"--batch {args.batch}: give 0 (skip the batch check) or a positive number of samples")
    except ValueError as err:
        print(f"autograd-mini crosscheck: {err}", file=sys.stderr)
        return 2
    model = MLP(
        sizes[0], sizes[1:], activation=args.activation, output_activation=args.output_activation, seed=args.seed
    )
    rng = np.random.default_rng(args.seed)
    for name, p in model.named_parameters():  # biases start at 0 in nn; random ones exercise the bias rows
        if name.endswith(".b"):
            p.data = float(rng.normal(0.0, 0.5))
    x = rng.normal(0.0, 1.0, sizes[0])
    y = rng.uniform(0.0, 1.0, sizes[-1])
    report = crosscheck(model, x, y, loss=args.loss, eps=args.eps)
    print(report)
    ok = report.ok
    if args.batch:
        X = rng.normal(0.0, 1.0, (args.batch, sizes[0]))
        Y = rng.uniform(0.0, 1.0, (args.batch, sizes[-1]))
        batch = crosscheck_batch(model, X, Y, loss=args.loss, eps=args.eps)
        print()
        print(batch.summary())
        ok = ok and batch.ok
    if args.documents:
        from nn.crosscheck.documents import documents_report

        print()
        print(documents_report())
    return 0 if ok else 1
