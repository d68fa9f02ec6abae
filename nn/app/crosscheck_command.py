"""``autograd-mini crosscheck``: build an MLP from the options, cross-check one sample and a batch, report."""

import numpy as np

from nn.app import cost
from nn.app.options import OptionError, add_eps, add_max_values, sizes, whole
from nn.crosscheck.delta import ACTIVATIONS, LOSSES, crosscheck, crosscheck_batch


def _fd_count(text):
    """``--fd-params``: ``auto``, ``all`` or a whole number >= 0."""
    if text in ("auto", "all"):
        return text
    try:
        return whole(0)(text)
    except OptionError:
        raise OptionError(f"{text}: must be auto, all, or a whole number >= 0") from None


EPILOG = """\
examples:
  autograd-mini crosscheck
  autograd-mini crosscheck --sizes 3,4,2 --activation sigmoid --loss half_sse --seed 1

Prints the table of gradients (autodiff, the closed-form delta equations, central finite differences) and one line
per lecture-notes document with how many of its printed formulas agree (--documents full: every formula).
"""


def add_parser(sub, formatter):
    """Register ``crosscheck`` with the command line's subparsers."""
    parser = sub.add_parser(
        "crosscheck",
        help="the documents' delta equations against autodiff, number by number",
        description="Compute the gradients of an MLP with the closed-form delta equations (numpy) and compare "
        "them with autodiff and finite differences, parameter by parameter.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    add_arguments(parser)
    parser.set_defaults(run=run)
    return parser


def add_arguments(parser):
    """The options of ``autograd-mini crosscheck``."""

    parser.add_argument(
        "--sizes",
        default=[3, 4, 4, 2],
        type=sizes(2, "3,4,2"),
        metavar="N0,N1,...",
        help="layer sizes, inputs first, at least two (default: 3,4,4,2)",
    )
    parser.add_argument(
        "--activation", default="sigmoid", choices=sorted(ACTIVATIONS), help="hidden layers (default: sigmoid)"
    )
    parser.add_argument(
        "--output-activation", default="sigmoid", choices=sorted(ACTIVATIONS), help="output layer (default: sigmoid)"
    )
    parser.add_argument(
        "--loss", default="half_sse", choices=sorted(LOSSES), help="squared-error scaling (default: half_sse)"
    )
    parser.add_argument("--seed", type=whole(0), default=0, help="seed of the weights and the data (default: 0)")
    parser.add_argument(
        "--batch", type=whole(0), default=4, help="samples of the batch check, 0 to skip it (default: 4)"
    )
    add_eps(parser)
    parser.add_argument(
        "--fd-params",
        type=_fd_count,
        default="auto",
        metavar="N",
        help="finite differences on N parameters spread over the layers (each costs two forward passes); auto: "
        f"all of them when that stays under {cost.FD_BUDGET:.0e} Values of work, all: every one (default: auto)",
    )
    parser.add_argument(
        "--documents",
        choices=["summary", "full", "off"],
        default="summary",
        help="the report on the formulas the lecture notes print: one line per document, every formula, or "
        "nothing (default: summary)",
    )
    parser.add_argument(
        "--no-documents", dest="documents", action="store_const", const="off", help="the same as --documents off"
    )
    add_max_values(parser, cost.DEFAULT_MAX_VALUES)
    return parser


def check(args):
    """Everything that can be known before building the network: the cost (raises OptionError)."""
    n_fd = cost.parameters(args.sizes)
    activated = args.output_activation != "linear"
    if args.fd_params == "auto":
        n_fd = min(n_fd, cost.fd_parameters(args.sizes, 1 + args.batch, activated))
    elif args.fd_params != "all":
        n_fd = min(n_fd, args.fd_params)
    args.fd_count = n_fd
    refusal = cost.crosscheck_cost(args.sizes, args.batch, n_fd, activated).too_big(args.max_values)
    if refusal:
        raise OptionError(f"--sizes {','.join(map(str, args.sizes))} --batch {args.batch}: {refusal}")


def spread(names, k):
    """``k`` of ``names``, evenly spaced from the first to the last (every layer, weights and biases alike)."""
    if k >= len(names):
        return list(names)
    if k == 1:
        return [names[0]]
    step = (len(names) - 1) / (k - 1)
    return [names[round(i * step)] for i in range(k)]


def documents_summary(report, listing=" (--documents full lists every formula with its verdict)"):
    """One line per document: how many of its printed formulas agree with autodiff, and which do not; the first
    line ends with ``listing``, where the full list is."""
    by_doc: dict[str, list] = {}
    for r in report.results:
        by_doc.setdefault(r.entry.doc, []).append(r)
    wrong = report.wrong()
    lines = [
        f"What the lecture notes print, checked against autodiff: {len(report.results) - len(wrong)} of "
        f"{len(report.results)} formulas agree{listing}"
    ]
    for doc, results in by_doc.items():
        bad = [r.id.removeprefix(f"{doc} ") for r in results if not r.agrees]
        line = f"  document {doc}: {len(results) - len(bad):2d} of {len(results):2d} agree"
        if bad:
            line += f"; do not: {', '.join(bad)}"
        lines.append(line)
    return "\n".join(lines)


def run(args):
    """Build an MLP from the options, cross-check one sample and a batch, print the documents' report.

    Returns 0 when the closed form agrees with autodiff, 1 when it does not."""

    from nn import MLP

    check(args)  # before anything is built
    sizes_ = args.sizes
    model = MLP(
        sizes_[0], sizes_[1:], activation=args.activation, output_activation=args.output_activation, seed=args.seed
    )
    rng = np.random.default_rng(args.seed)
    for name, p in model.named_parameters():  # biases start at 0 in nn; random ones exercise the bias rows
        if name.endswith(".b"):
            p.data = float(rng.normal(0.0, 0.5))
    names = [name for name, _ in model.named_parameters()]
    fd = True if args.fd_count >= len(names) else (spread(names, args.fd_count) if args.fd_count else False)
    x = rng.normal(0.0, 1.0, sizes_[0])
    y = rng.uniform(0.0, 1.0, sizes_[-1])
    report = crosscheck(model, x, y, loss=args.loss, eps=args.eps, fd=fd)
    print(report)
    ok = report.ok
    if args.batch:
        X = rng.normal(0.0, 1.0, (args.batch, sizes_[0]))
        Y = rng.uniform(0.0, 1.0, (args.batch, sizes_[-1]))
        batch = crosscheck_batch(model, X, Y, loss=args.loss, eps=args.eps, fd=fd)
        print()
        print(batch.summary())
        ok = ok and batch.ok
    if fd is not True:
        print(
            f"(finite differences on {args.fd_count} of {len(names)} parameters, spread over the layers: each costs "
            f"two forward passes; --fd-params all checks every one)"
        )
    if args.documents != "off":
        from nn.crosscheck.documents import documents_report

        documents = documents_report()
        print()
        print(documents if args.documents == "full" else documents_summary(documents))
    return 0 if ok else 1
