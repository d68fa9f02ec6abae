"""The ``autograd-mini`` command: ``tour``, ``graph``, ``crosscheck`` and ``train``.

Installed as a console script (``autograd-mini = "nn.app.cli:main"``) and also run by ``python -m nn.app``.
This module only reads the command line and dispatches; the work is done where it belongs:

- ``tour``: ``nn.app.tour`` (one neuron drawn, the backward pass step by step, the documents' delta equations
  checked, finite differences, a small MLP trained on two moons; every picture written to a folder);
- ``graph``: ``autograd_mini.formula`` (the strict formula parser), the engine's ``backward()`` and
  ``autograd_mini.draw``;
- ``crosscheck``: ``nn.app.crosscheck_command``;
- ``train``: ``nn.app.train_command``;
- ``ways``: ``nn.app.ways_command`` (document 004's four ways to compute the gradient, side by side).

``main(argv)`` returns the exit status instead of exiting: 0 when all went well, 1 when the work failed (a formula
that cannot be computed, say), 2 for a bad command line (argparse's convention), so tests can call it directly.
"""

import argparse
import math
import os
import re
import sys
from pathlib import Path

PROG = "autograd-mini"

_MAIN_EPILOG = """\
examples:
  autograd-mini tour                                   the ten-minute walk through backpropagation
  autograd-mini tour --out my-tour --fast              a quicker tour into the folder my-tour
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88
  autograd-mini crosscheck --sizes 3,4,2 --activation sigmoid
  autograd-mini train --data moons --epochs 100 --save model.json --plot loss.png
  autograd-mini ways --sizes 2,4,1                     the gradient four ways, and what each costs

Each command has its own --help, e.g. autograd-mini graph --help.
"""

_TOUR_EPILOG = """\
examples:
  autograd-mini tour                          writes into ./autograd-mini-tour
  autograd-mini tour --out /tmp/tour --fast   fewer training epochs, same pictures

The tour prints what it does and, at the end, the folder with the pictures (graphs, the step-by-step HTML page,
loss curve, decision boundary, finite-difference error curve) and summary.md. No network is used.
"""

_GRAPH_EPILOG = """\
examples:
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88
  autograd-mini graph "x**2 * y + sin(y)" --x 3 --y 0.5 --out pics/f --steps
  autograd-mini graph "sigmoid(w*x)" --var x=1.5 --var w=-0.3 --edge-labels --highlight w

Variables are given as --NAME VALUE (or --NAME=VALUE, or --var NAME=VALUE for names that clash with the
options below). A formula that starts with '-' goes last, after --:  graph --x 3 -- "-x**2".
The formula may use numbers, variables, + - * / ** (right-associative), unary minus, parentheses and the
functions exp log sqrt tanh sigmoid relu abs sin cos; nothing else is accepted and no Python code is ever run.
The drawing is written as PATH.svg and PATH.png (or PATH.gv, the DOT source, when the Graphviz program `dot`
is not installed).
"""

_CROSSCHECK_EPILOG = """\
examples:
  autograd-mini crosscheck
  autograd-mini crosscheck --sizes 3,4,2 --activation sigmoid --loss half_sse --seed 1

Prints the table of gradients (autodiff, the closed-form delta equations, central finite differences) and the
report on the formulas printed in the lecture notes.
"""

_TRAIN_EPILOG = """\
examples:
  autograd-mini train                                    micrograd's moons demo: MLP(2, [16, 16, 1]), hinge loss
  autograd-mini train --data xor --hidden 8 --activation tanh --epochs 200 --save xor.json
  autograd-mini train --data moons --optimizer adam --lr 0.05 --plot loss.png --boundary boundary.png
  autograd-mini train --data digits --hidden 32 --epochs 10 --batch-size 32 --save digits.json
"""


class _Parser(argparse.ArgumentParser):
    """argparse with our program name in every message; errors exit with status 2 (argparse's convention)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def build_parser():
    """The whole command line: ``autograd-mini {tour,graph,crosscheck,train} ...``."""
    from nn.app import crosscheck_command as crosscheck
    from nn.app import train_command as train

    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=PROG,
        description="Learn and check backpropagation with a scalar autodiff engine: draw graphs, follow the "
        "backward pass step by step, check hand-derived delta equations, train small networks.",
        epilog=_MAIN_EPILOG,
        formatter_class=formatter,
    )
    from autograd_mini import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    tour = sub.add_parser(
        "tour",
        help="the main job: one neuron, the backward pass, the documents' equations, training; pictures",
        description="Walk through backpropagation in about a minute and write every picture into a folder.",
        epilog=_TOUR_EPILOG,
        formatter_class=formatter,
    )
    tour.add_argument("--out", metavar="DIR", default="autograd-mini-tour", help="output folder (default: %(default)s)")
    tour.add_argument("--fast", action="store_true", help="train for fewer epochs (for tests and quick looks)")
    tour.add_argument("--no-progress", action="store_true", help="no progress bar while training")
    tour.set_defaults(run=_run_tour)

    graph = sub.add_parser(
        "graph",
        help='differentiate a formula: graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88',
        description="Parse a formula, build its graph with the engine, backpropagate, print every gradient and "
        "draw the graph.",
        epilog=_GRAPH_EPILOG,
        formatter_class=formatter,
        allow_abbrev=False,  # every other --NAME is a variable
    )
    graph.add_argument("formula", help='the formula, in quotes: "tanh(x*w + b)"')
    graph.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a variable's value (repeatable)"
    )
    graph.add_argument(
        "--out",
        metavar="PATH",
        default="autograd-mini-graph",
        help="where to write the drawing, without extension: PATH.svg, PATH.png (default: %(default)s)",
    )
    graph.add_argument("--edge-labels", action="store_true", help="write each local derivative on its edge")
    graph.add_argument("--highlight", metavar="NAME", help="draw the path from variable NAME to the output in red")
    graph.add_argument("--rankdir", choices=["LR", "TB"], default="LR", help="left to right (LR) or top to bottom")
    graph.add_argument(
        "--steps",
        action="store_true",
        help="also print the backward pass step by step and write PATH-steps.html (Previous/Next buttons)",
    )
    graph.add_argument("--no-draw", action="store_true", help="print the gradients only")
    graph.set_defaults(run=_run_graph)

    check = sub.add_parser(
        "crosscheck",
        help="the documents' delta equations against autodiff, number by number",
        description="Compute the gradients of an MLP with the closed-form delta equations (numpy) and compare "
        "them with autodiff and finite differences, parameter by parameter.",
        epilog=_CROSSCHECK_EPILOG,
        formatter_class=formatter,
    )
    crosscheck.add_arguments(check)
    check.set_defaults(run=crosscheck.run)

    fit = sub.add_parser(
        "train",
        help="train an MLP on moons, xor, circles or digits; save the model and the plots",
        description="Train an MLP built from Values, print the loss and accuracy, save the model (JSON) and plots.",
        epilog=_TRAIN_EPILOG,
        formatter_class=formatter,
    )
    train.add_arguments(fit)
    fit.set_defaults(run=train.run)

    from nn.app import ways_command as ways

    ways.add_parser(sub, formatter)
    return parser


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status (0, 1 or 2)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # the command line only writes files: should anything reach pyplot, no window (the library never chooses)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        if argv and argv[0] in ("graph", "ways"):
            argv, variables = _split_graph_variables(argv, *_formula_options(argv[0]))
        else:
            variables = None
        parser = build_parser()
        args = parser.parse_args(argv)
        if variables is not None:
            args.values = _graph_values(variables, args.var, argv[0])
        return int(args.run(args) or 0)
    except SystemExit as exit_:  # argparse: --help (0) and bad options (2)
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


# -- graph ------------------------------------------------------------------------------------------------------

_GRAPH_OPTIONS = {"--var", "--out", "--edge-labels", "--highlight", "--rankdir", "--steps", "--no-draw", "--help", "-h"}
_GRAPH_VALUED = ("--var", "--out", "--highlight", "--rankdir")  # options that take a value


def _formula_options(command):
    """(own options, the ones that take a value) of a command whose other --NAME VALUE are a formula's variables."""
    if command == "graph":
        return _GRAPH_OPTIONS, _GRAPH_VALUED
    from nn.app.ways_command import own_options

    return own_options()


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _usage_error(command, message):
    print(f"usage: {PROG} {command} ... (see {PROG} {command} --help)", file=sys.stderr)
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _split_graph_variables(argv, options=_GRAPH_OPTIONS, valued=_GRAPH_VALUED):
    """Take the variables (``--x 2``, ``--w=-3``) out of ``graph``'s (or ``ways``') arguments; argparse gets the rest.

    Done by hand because the names are the user's: any ``--NAME`` that is not one of graph's own options is a
    variable, and its value may be negative (``--w -3``), which argparse would take for an option. A formula that
    starts with '-' goes after ``--``: ``graph --x 3 -- "-x**2"``.
    """
    rest, variables, positional = [argv[0]], [], []
    i = 1
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if arg == "--":
            if i + 1 < len(argv):
                positional.append(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--") and name not in options:
            if "=" in arg:
                value = arg.split("=", 1)[1]
            elif i + 1 < len(argv):
                i += 1
                value = argv[i]
            else:
                _usage_error(argv[0], f"{name} needs a value, e.g. {name} 2.5")
            variables.append((name[2:], value, name))
        else:
            rest.append(arg)
            if name in valued and "=" not in arg and i + 1 < len(argv):
                i += 1
                rest.append(argv[i])  # the option's own value, even if it looks like a number
        i += 1
    if positional:
        rest += ["--", *positional]
    return rest, variables


def _graph_values(variables, var_options, command="graph"):
    values = {}
    given = list(variables)
    for item in var_options:
        if "=" not in item:
            _usage_error(command, f"--var takes NAME=VALUE, e.g. --var x=2, got {item!r}")
        name, value = item.split("=", 1)
        given.append((name.strip(), value.strip(), f"--var {item}"))
    for name, text, where in given:
        if not _NAME.match(name):
            _usage_error(command, f"{where}: {name!r} is not a variable name (letters, digits and _, a letter first)")
        try:
            value = float(text)
        except ValueError:
            _usage_error(command, f"{where} expects a number, got {text!r}")
        if not math.isfinite(value):
            _usage_error(command, f"{where} expects a finite number, got {text!r}")
        if name in values:
            _usage_error(command, f"the variable {name} is given twice")
        values[name] = value
    return values


def _run_graph(args):
    from autograd_mini.formula import FormulaError, differentiate

    try:
        out, leaves = differentiate(args.formula, args.values)
    except FormulaError as err:
        print(f"{PROG} graph: {err.show()}", file=sys.stderr)
        # a missing or superfluous variable is a command-line mistake (2); a formula that fails is an error (1)
        return 2 if err.reason.startswith(("no value for", "a value was given")) else 1
    if args.highlight is not None and args.highlight not in leaves:
        _usage_error("graph", f"--highlight {args.highlight}: not a variable of the formula ({', '.join(leaves)})")
    if not out.label:
        out.label = "f"
    f = out.label
    point = ", ".join(f"{name} = {_num(leaf.data)}" for name, leaf in leaves.items())
    print(f"{f} = {args.formula}")
    print(f"  = {_num(out.data)}   at {point}")
    print("gradients (one backward pass):")
    width = max(len(name) for name in leaves)
    for name, leaf in leaves.items():
        print(f"  d{f}/d{name:<{width}} = {_num(leaf.grad)}")
    if args.steps:
        from autograd_mini.trace import trace_backward

        print()
        print(trace_backward(out).table())
    if args.no_draw:
        return 0
    return _write_drawing(out, args)


def _num(x):
    return f"{x:.10g}"


def _write_drawing(out, args):
    from autograd_mini.draw import INSTALL_GRAPHVIZ, GraphvizNotFoundError, draw_dot, write_drawing

    stem = Path(args.out)
    if stem.suffix.lower() in (".svg", ".png", ".gv", ".dot", ".pdf"):
        stem = stem.with_suffix("")
    stem.parent.mkdir(parents=True, exist_ok=True)
    dot = draw_dot(
        out, rankdir=args.rankdir, edge_labels=args.edge_labels, highlight=args.highlight, title=args.formula
    )
    try:
        written = write_drawing(dot, stem)
        if written[0].suffix == ".gv":
            source = written[0]
            print(f"drawing: {source} (DOT source; the Graphviz program `dot` is not installed, so no SVG/PNG)")
            print(f"  {INSTALL_GRAPHVIZ}")
            print(f"  Then: dot -Tsvg {source} -o {stem}.svg")
            return 0
        if args.steps:
            from autograd_mini.trace import trace_backward

            html = trace_backward(out).write_html(Path(f"{stem}-steps.html"), title=f"Backward pass: {args.formula}")
            written.append(html)
    except GraphvizNotFoundError as err:  # dot vanished between the check and the call
        print(f"{PROG} graph: {err}", file=sys.stderr)
        return 1
    print("drawing: " + ", ".join(map(str, written)))
    return 0


# -- tour -------------------------------------------------------------------------------------------------------


def _run_tour(args):
    from nn.app.tour import run_tour

    run_tour(args.out, fast=args.fast, progress=not args.no_progress)
    return 0


if __name__ == "__main__":  # python nn/app/cli.py ... (the installed command and python -m nn.app call main)
    raise SystemExit(main())
