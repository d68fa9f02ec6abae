"""``autograd-mini ways``: document 004's four ways to compute the gradient, side by side (``nn.crosscheck.ways``,
the cost study ``nn.crosscheck.ways_cost``, sympy's derivatives of page 10 in ``nn.crosscheck.doc004_lecture``).

    autograd-mini ways "(x**2 - sin(y)) * x" --x 1.5 --y 0.5      a formula: reverse, forward, symbolic, FD
    autograd-mini ways --sizes 2,4,1                               an MLP: the five ways, then the cost as it grows

For a formula: the table of the gradient by each way, the differences from reverse mode, the time of each, and
the symbolic derivatives. For a network (sigmoid layers, K = ||z - zbar||^2 of one sample, as in document 004):
the same table with the delta equations as the fifth way, sympy's derivatives of a small network of document 004
next to its delta equations, and the cost study: the hidden layers widened step by step, every way timed (each
until it would take longer than --budget seconds; sympy until --max-symbolic parameters), written as one picture.
A way that gives no number at the point (sympy's formula undefined there, f undefined a step away, a formula over
sympy's budgets --max-symbolic-ops and --max-symbolic-depth) is left out and the report says why. An error is one
line, as for every command (--debug shows the traceback).
"""

from __future__ import annotations

import sys

from nn.app import cost
from nn.app.options import (
    OptionError,
    add_eps,
    add_var,
    formula_message,
    formula_status,
    output_file,
    real,
    shown,
    sizes,
    whole,
)

EPILOG = """\
examples:
  autograd-mini ways "(x**2 - sin(y)) * x" --x 1.5 --y 0.5      document 004's example gradient (page 6)
  autograd-mini ways "tanh(x*w + b)" --x 2 --w -3 --b 6.88 --latex
  autograd-mini ways --sizes 2,4,1                              five ways on an MLP, then the cost picture
  autograd-mini ways --sizes 3,4,4,2 --budget 5 --plot ways.png
  autograd-mini ways --sizes 2,4,1 --no-sweep                   the table only

Variables of a formula are given as --NAME VALUE (or --var NAME=VALUE for names that clash with the options).
The cost study widens the hidden layers of --sizes (inputs and outputs stay) and times each way until its next
size would take longer than --budget seconds; sympy stops at --max-symbolic parameters, since its formulas swell.
"""

# How close each way must come to reverse mode (relative to the largest entry) for the command to say "agree":
# the exact ways to rounding, central differences to their truncation and round-off error (nn.crosscheck.fd_study).
TOLERANCE = {"forward": 1e-10, "symbolic": 1e-10, "by_hand": 1e-10, "finite_differences": 1e-5}

# sympy's budgets, autograd_mini.symbolic.MAX_OPS and MAX_DEPTH (written here so that the parser is built without
# importing sympy; tests/test_ways.py holds them equal)
SYMBOLIC_OPS = 20_000
SYMBOLIC_DEPTH = 100
# How the command names the library's limits in its messages.
LIMIT_NAMES = {
    "max_ops": "--max-symbolic-ops",
    "max_depth": "--max-symbolic-depth",
    "max_symbolic_parameters": "--max-symbolic",
}

# The cost study's limits, and --fast's; an option given on the command line wins over either.
STUDY = {"budget": 2.0, "max_symbolic": 70}
FAST_STUDY = {"budget": 0.2, "max_symbolic": 13}
DEFAULT_PLOT = "autograd-mini-ways.png"


def add_parser(sub, formatter):
    """Register ``ways`` with the command line's subparsers."""
    parser = sub.add_parser(
        "ways",
        help="the gradient four ways (finite differences, by hand, symbolic, automatic) and what each costs",
        description="Document 004, page 9: 'Wie berechnet man nabla K?' Compute one gradient by finite differences, "
        "the delta equations (per Hand), symbolic differentiation (sympy) and automatic differentiation (forward "
        "and reverse mode); compare the numbers and measure the cost as the network grows.",
        epilog=EPILOG,
        formatter_class=formatter,
        allow_abbrev=False,  # every other --NAME is a variable
    )
    parser.takes_variables = True
    add_arguments(parser)
    parser.set_defaults(run=run)
    return parser


def add_arguments(parser):
    """The options of ``autograd-mini ways``."""
    parser.add_argument("formula", nargs="?", help='a formula in quotes, e.g. "(x**2 - sin(y)) * x" (else a network)')
    add_var(parser)
    parser.add_argument(
        "--sizes",
        type=sizes(2, "2,4,1"),
        metavar="N0,N1,...",
        help="layer sizes of the MLP, inputs first (default: 2,4,1)",
    )
    parser.add_argument("--seed", type=whole(0), default=0, help="seed of the weights and the sample (default: 0)")
    add_eps(parser)
    parser.add_argument("--plot", metavar="PATH", help=f"the cost picture (default: {DEFAULT_PLOT})")
    parser.add_argument("--no-plot", action="store_true", help="no picture (default: off)")
    parser.add_argument("--no-sweep", action="store_true", help="the table only, no cost study (default: off)")
    parser.add_argument(
        "--budget",
        type=real(0, 600, low_open=True, what="a number of seconds"),
        metavar="SECONDS",
        help=f"time limit per way and size in the cost study (default: {STUDY['budget']:g}; with --fast "
        f"{FAST_STUDY['budget']:g})",
    )
    parser.add_argument(
        "--max-symbolic",
        type=whole(1, 1000),
        metavar="P",
        help=f"largest network sympy gets, in parameters (default: {STUDY['max_symbolic']}; with --fast "
        f"{FAST_STUDY['max_symbolic']})",
    )
    parser.add_argument(
        "--max-symbolic-ops",
        type=whole(1),
        default=SYMBOLIC_OPS,
        metavar="N",
        help="sympy gets formulas of at most N operations written out, each use of a shared part counted "
        f"(default: {SYMBOLIC_OPS})",
    )
    parser.add_argument(
        "--max-symbolic-depth",
        type=whole(1),
        default=SYMBOLIC_DEPTH,
        metavar="N",
        help=f"sympy gets formulas nested at most N operations deep (default: {SYMBOLIC_DEPTH})",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help=f"a quick study: --budget {FAST_STUDY['budget']:g} --max-symbolic {FAST_STUDY['max_symbolic']} unless "
        "given (default: off)",
    )
    parser.add_argument(
        "--latex", action="store_true", help="also print the symbolic derivatives in LaTeX (default: off)"
    )
    return parser


# The table runs forward mode (P passes) and finite differences (2P passes) over the network: about 3P forward
# passes of F Values each. Above this many Values that is more than a few seconds (nn.app.cost), so it is refused.
TABLE_BUDGET = cost.FD_BUDGET


def run(args):
    """Compare the ways; 0 when every way agrees with reverse mode (within ``TOLERANCE``), 1 when not, 2 on bad
    options (``OptionError``, one line)."""
    _check_plot(args)
    if args.formula is not None:
        if args.sizes is not None:
            raise OptionError("give a formula or --sizes (a network), not both")
        return _run_formula(args)
    if args.values:
        names = ", ".join(f"--{name}" for name in args.values)
        raise OptionError(f'{names}: variables need a formula, e.g. ways "x*y" --x 2 --y 3')
    sizes_ = args.sizes or [2, 4, 1]
    work = 3 * cost.parameters(sizes_) * cost.forward_values(sizes_)
    if work > TABLE_BUDGET:
        raise OptionError(
            f"--sizes {','.join(map(str, sizes_))}: the table's forward mode and finite differences would compute "
            f"about {work:.2g} Values ({cost.parameters(sizes_)} parameters, about 3 forward passes each); the limit "
            f"is {TABLE_BUDGET:.0e}: give smaller sizes (the cost study widens them anyway)"
        )
    return _run_network(args, sizes_)


def _check_plot(args):
    """--plot names the cost study's picture: refused where no study runs, checked where one does."""
    if args.plot is not None:
        if args.no_plot:
            raise OptionError(f"--plot {shown(args.plot)} and --no-plot: give one of them")
        reason = (
            "a formula gets no cost study"
            if args.formula is not None
            else "--no-sweep leaves out the cost study"
            if args.no_sweep
            else "a network without a hidden layer to widen gets no cost study"
            if args.sizes is not None and len(args.sizes) < 3
            else None
        )
        if reason:
            raise OptionError(f"--plot {shown(args.plot)}: {reason}, so there is no picture to write")
    else:
        args.plot = DEFAULT_PLOT
    if not args.no_plot and not args.no_sweep and args.formula is None:
        output_file("--plot", args.plot)


def _limits(args):
    return {"max_ops": args.max_symbolic_ops, "max_depth": args.max_symbolic_depth, "limit_names": LIMIT_NAMES}


def _verdict(report):
    """0 when every way that gives a number agrees with reverse mode (a NaN never does), 1 when not."""
    bad = [w for w in report.ways if w != "reverse" and not report.max_rel_difference(w) <= TOLERANCE[w]]
    if bad:
        from nn.crosscheck.ways import LABELS

        print("DISAGREE: " + ", ".join(f"{LABELS[w]} (rel. {report.max_rel_difference(w):.1e})" for w in bad))
        for name, (at, left, right) in report.kinks.items():
            print(
                f"  {name} = {at:g} is a kink of f (slope {left:.6g} on the left, {right:.6g} on the right): "
                f"d/d{name} has no single value there, so the ways need not agree; elsewhere they would"
            )
        return 1
    tolerances = ", ".join(f"{w.replace('_', ' ')} {TOLERANCE[w]:g}" for w in report.ways if w != "reverse")
    which = "every way that gives a number here" if report.missing else "every way"
    print(f"agree: {which} gives reverse mode's gradient (relative tolerances: {tolerances})")
    return 0


def _run_formula(args):
    from autograd_mini.formula import FormulaError
    from nn.crosscheck.ways import expression_ways

    try:
        report = expression_ways(args.formula, args.values, eps=args.eps, **_limits(args))
    except FormulaError as err:  # what `graph` says too: no parse, no value, a derivative not finite here
        print(f"autograd-mini ways: error: {formula_message(err, 'autograd-mini ways')}", file=sys.stderr)
        return formula_status(args.formula, args.values)
    print(report)
    if args.latex and report.formulas:
        from autograd_mini.formula import build
        from autograd_mini.symbolic import gradient, latex

        out, _ = build(args.formula, args.values)
        print("in LaTeX:")
        limits = {"max_ops": args.max_symbolic_ops, "max_depth": args.max_symbolic_depth}
        for name, d in gradient(out, list(report.names), **limits).items():
            print(f"  \\frac{{\\partial f}}{{\\partial {name}}} = {latex(d)}")
    return _verdict(report)


def _run_network(args, sizes):
    from nn.crosscheck.ways import demo_network_ways

    limits = FAST_STUDY if args.fast else STUDY
    budget = limits["budget"] if args.budget is None else args.budget
    max_symbolic = limits["max_symbolic"] if args.max_symbolic is None else args.max_symbolic
    report = demo_network_ways(sizes, args.seed, args.eps, max(max_symbolic, 17), **_limits(args))
    print(report)
    status = _verdict(report)
    print()
    _print_delta_equations(args.latex)
    if args.no_sweep:
        return status
    if len(sizes) < 3:
        print("\n(no cost study: the network has no hidden layer to widen)")
        return status
    from nn.crosscheck.ways_cost import cost_study

    print()
    print(f"cost study: widening the hidden layers of {sizes}, each way until it would take > {budget:g} s ...")
    study = cost_study(sizes, budget=budget, max_symbolic_parameters=max_symbolic, seed=args.seed,
                       limit_names=LIMIT_NAMES)  # fmt: skip
    print(study)
    if not args.no_plot:
        try:
            from nn.app.plots import plot_four_ways

            plot_four_ways(study, args.plot)
        except ImportError as err:  # matplotlib missing
            print(f"(no picture: {err})")
        else:
            print(f"picture: {args.plot}")
    return status


def _print_delta_equations(latex):
    from nn.crosscheck.doc004_lecture import symbolic_delta_equations

    try:
        rows, _ = symbolic_delta_equations()
    except ImportError as err:
        print(f"(no symbolic derivatives: {err})")
        return
    print("③ = ②: sympy's derivatives of document 004's K = (z_1 - zbar_1)^2 for a 2-2-1 network, with")
    print("sigma(yhat_j) written y_j and sigma(zhat_k) written z_k, are the delta equations of page 10:")
    print("  delta_k = 2 (z_k - zbar_k) z_k (1 - z_k)   [1],   gamma_j = (W^T delta)_j y_j (1 - y_j)   [2]")
    from autograd_mini.symbolic import latex as to_latex
    from autograd_mini.symbolic import text

    for r in rows:
        verdict = "same formula" if r.agrees else f"NOT the same (difference {text(r.difference)})"
        shown = to_latex(r.symbolic) if latex else text(r.symbolic)
        print(f"  dK/d{r.parameter:<4} = {shown:<52} = {r.written:<36} {verdict}")
        if r.printed is not None:
            same = "the same formula" if r.printed[1] == 0 else "a different formula"
            print(f"  {'':<9}   {'':<52}   page 10 prints {r.printed[0]} [4]: {same}")
