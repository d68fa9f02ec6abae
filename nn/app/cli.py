"""The ``autograd-mini`` command: ``tour``, ``graph``, ``crosscheck`` and ``train``.

Installed as a console script (``autograd-mini = "nn.app.cli:main"``) and also run by ``python -m nn.app``.
This module only reads the command line and dispatches; the work is done where it belongs:

- ``tour``: ``nn.app.tour`` (one neuron drawn, the backward pass step by step, the documents' delta equations
  checked, finite differences, a small MLP trained on two moons; every picture written to a folder);
- ``graph``: ``autograd_mini.formula`` (the strict formula parser), the engine's ``backward()`` and
  ``autograd_mini.draw``;
- ``crosscheck``: ``nn.app.crosscheck_command``;
- ``train``: ``nn.app.train_command``;
- ``ways``: ``nn.app.ways_command`` (document 004's four ways to compute the gradient, side by side);
- ``play``: ``nn.app.play_command`` (the playground: a local web page on the engine).

``main(argv)`` returns the exit status instead of exiting: 0 when all went well, 1 when the work failed (a formula
that parses but cannot be computed at the values given, say), 2 for a bad command line (argparse's convention; a
formula that does not parse is a bad argument too), so tests can call it directly.
A bad command line is one line on stderr, naming the option, the value and what is allowed; every option is
checked (ranges, lists, output paths, the extras an option needs, and the cost worked out from the sizes) before
any work starts. An error raised while the command works is one line too, unless ``--debug`` asks for the
traceback. Ctrl-C ends with status 130 and SIGTERM with 143, stopping Graphviz's ``dot`` if it runs; a closed stdout
(``autograd-mini crosscheck | head -1``) ends quietly with status 141, as a program killed by SIGPIPE would.
"""

import argparse
import contextlib
import math
import os
import re
import signal
import sys
import textwrap
from pathlib import Path

from nn.app.options import OptionError, add_var, formula_status, output_file, output_folder, real, shown, whole

PROG = "autograd-mini"

# How long `make tour` takes once .venv is set up: 9.1-12.4 s measured (six runs, a shared 2-core machine), most of
# it document 004's cost study, which times each way up to its 1 s budget. README.md and the tour say the same.
TOUR_TIME = "about 10 s"

_MAIN_EPILOG = f"""\
examples:
  autograd-mini tour                                   a walk through backpropagation ({TOUR_TIME})
  autograd-mini tour --out my-tour --fast              a quicker tour into the folder my-tour
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88
  autograd-mini crosscheck --sizes 3,4,2 --activation sigmoid
  autograd-mini train --data moons --epochs 100 --save model.json --plot loss.png
  autograd-mini ways --sizes 2,4,1                     the gradient four ways, and what each costs

Each command has its own --help, e.g. autograd-mini graph --help.

exit status: 0 all went well; 1 the work failed (a formula that parses but cannot be computed at the values given,
such as log(x) at x = 0; gradients that disagree); 2 a bad command line (one line naming the option; also a formula
that does not parse, or whose variables are not the ones given); 130 Ctrl-C, 143 terminated, 141 stdout closed.
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
  autograd-mini graph "max(x, y) * (x % 3) + min(x, 2)" --x 2.5 --y 1
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88 --code --no-draw

Variables are given as --NAME VALUE (or --NAME=VALUE, or --var NAME=VALUE for names that clash with the
options below). A formula may start with '-':  graph "-x**2" --x 3.
{grammar}
The drawing is written as PATH.svg and PATH.png (or PATH.gv, the DOT source, when the Graphviz program `dot`
is not installed).
"""

_CROSSCHECK_EPILOG = """\
examples:
  autograd-mini crosscheck
  autograd-mini crosscheck --sizes 3,4,2 --activation sigmoid --loss half_sse --seed 1

Prints the table of gradients (autodiff, the closed-form delta equations, central finite differences) and one line
per lecture-notes document with how many of its printed formulas agree (--documents full: every formula).
"""

_TRAIN_EPILOG = """\
examples:
  autograd-mini train                                    micrograd's moons demo: MLP(2, [16, 16, 1]), 100% accuracy
  autograd-mini train --data xor --hidden 8 --activation tanh --epochs 200 --save xor.json
  autograd-mini train --data moons --optimizer adam --lr 0.05 --plot loss.png --boundary boundary.png
  autograd-mini train --data digits --hidden 32 --epochs 10 --batch-size 32 --save digits.json
"""


# argparse's own phrases after "argument --OPTION: "; the checks of nn.app.options start with the value instead
_ARGPARSE_PHRASES = ("invalid ", "expected ", "ignored ", "not allowed ")


def _one_line(prog, message):
    """The one line a mistake gets: ``autograd-mini train: error: --epochs 0: must be ... (see ... --help)``."""
    match = re.match(r"argument (\S+?): (.*)", message, re.S)
    if match:
        option, rest = match.group(1).split("/")[-1], match.group(2)
        message = f"{option}: {rest}" if rest.startswith(_ARGPARSE_PHRASES) else f"{option} {rest}"
    return f"{prog}: error: {' '.join(message.split())} (see {prog} --help)"


class _Parser(argparse.ArgumentParser):
    """argparse with our program name in every message; a mistake is one line and exit status 2."""

    def error(self, message):
        self.exit(2, _one_line(self.prog, message) + "\n")

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but words no command takes are blamed on the command they were given to
        (``autograd-mini tour: error: unrecognized arguments: --bogus (see autograd-mini tour --help)``)."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = next((a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)), {})
            parser = commands.get(str(getattr(namespace, "command", "")), self)
            parser.error(f"unrecognized arguments: {shown(' '.join(extras))}")
        return namespace


def _formula_grammar():
    """What a formula may contain, from the parser (whose functions come from the engine's op table), wrapped."""
    from autograd_mini.formula import ALLOWED

    text = f"The formula may use {ALLOWED}, with Python's precedence (** right-associative); nothing else is "
    return textwrap.fill(text + "accepted and no Python code is ever run.", width=110)


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
        description=f"Walk through backpropagation ({TOUR_TIME}) and write every picture into a folder.",
        epilog=_TOUR_EPILOG,
        formatter_class=formatter,
    )
    tour.add_argument("--out", metavar="DIR", default="autograd-mini-tour", help="output folder (default: %(default)s)")
    tour.add_argument(
        "--fast", action="store_true", help="train for fewer epochs, for tests and quick looks (default: off)"
    )
    tour.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar while training (default: a bar when stderr is a terminal)",
    )
    _add_common(tour)
    tour.set_defaults(run=_run_tour)

    graph = sub.add_parser(
        "graph",
        help='differentiate a formula: graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88',
        description="Parse a formula, build its graph with the engine, backpropagate, print every gradient and "
        "draw the graph.",
        epilog=_GRAPH_EPILOG.format(grammar=_formula_grammar()),
        formatter_class=formatter,
        allow_abbrev=False,  # every other --NAME is a variable
    )
    graph.add_argument("formula", help='the formula, in quotes: "tanh(x*w + b)"')
    add_var(graph)
    graph.add_argument(
        "--out",
        metavar="PATH",
        default="autograd-mini-graph",
        help="where to write the drawing, without extension: PATH.svg, PATH.png (default: %(default)s)",
    )
    graph.add_argument(
        "--edge-labels", action="store_true", help="write each local derivative on its edge (default: off)"
    )
    graph.add_argument(
        "--highlight", metavar="NAME", help="draw the path from variable NAME to the output in red (default: none)"
    )
    graph.add_argument(
        "--rankdir",
        choices=["LR", "TB"],
        help="left to right (LR) or top to bottom (TB) (default: left to right when that fits 1000 px, else the "
        "narrower of the two)",
    )
    graph.add_argument(
        "--steps",
        action="store_true",
        help="also print the backward pass step by step and write PATH-steps.html (Previous/Next buttons; "
        "default: off)",
    )
    graph.add_argument(
        "--code",
        action="store_true",
        help="also print the forward program and its adjoint as Python, what autograd_mini.compile runs (default: off)",
    )
    graph.add_argument(
        "--max-frames",
        type=whole(1),
        default=_DEFAULT_MAX_FRAMES,
        metavar="N",
        help=f"--steps refuses a backward pass of more steps than this (default: {_DEFAULT_MAX_FRAMES})",
    )
    graph.add_argument("--no-draw", action="store_true", help="print the gradients only (default: draw)")
    graph.add_argument(
        "--every-node",
        action="store_true",
        help="draw every node of a big graph (default: above 300 Values, one box of counts instead)",
    )
    graph.add_argument(
        "--dot-timeout",
        type=real(0.0, low_open=True, what="a number of seconds"),
        default=_DOT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"stop Graphviz's dot after this long (default: {_DOT_TIME_LIMIT:g})",
    )
    _add_common(graph)
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
    _add_common(check)
    check.set_defaults(run=crosscheck.run)

    fit = sub.add_parser(
        "train",
        help="train an MLP on moons, xor, circles or digits; save the model and the plots",
        description="Train an MLP built from Values, print the loss and accuracy, save the model (JSON) and plots.",
        epilog=_TRAIN_EPILOG,
        formatter_class=formatter,
    )
    train.add_arguments(fit)
    _add_common(fit)
    fit.set_defaults(run=train.run)

    from nn.app import ways_command as ways

    _add_common(ways.add_parser(sub, formatter))

    from nn.app import play_command as play

    _add_common(play.add_parser(sub, formatter))
    return parser


def _add_common(parser):
    parser.add_argument(
        "--debug", action="store_true", help="show the Python traceback of an error instead of one line (default: off)"
    )


class Terminated(BaseException):
    """SIGTERM arrived: raised in the main thread so that everything unwinds (and ``dot`` is stopped)."""


@contextlib.contextmanager
def _terminate_by_exception():
    """While the command runs, SIGTERM raises ``Terminated`` (the default would end Python at once and leave a
    running ``dot`` behind); the previous handler is restored afterwards."""

    def handler(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals cannot be caught here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout():
    """After a closed pipe: point stdout at /dev/null, so that Python's final flush does not complain again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status (0, 1, 2, 130, 141, 143)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # the command line only writes files: should anything reach pyplot, no window (the library never chooses)
    os.environ.setdefault("MPLBACKEND", "Agg")
    command = argv[0] if argv and not argv[0].startswith("-") else ""
    prog = f"{PROG} {command}".strip()
    with _terminate_by_exception():
        try:
            parser = build_parser()
            if command in ("graph", "ways"):
                argv, variables = _split_graph_variables(argv, *_own_options(parser, command))
            else:
                variables = None
            args = parser.parse_args(argv)
            if variables is not None:
                args.values = _graph_values(variables, args.var)
            return int(args.run(args) or 0)
        except SystemExit as exit_:  # argparse: --help (0) and bad options (2)
            code = exit_.code
            return code if isinstance(code, int) else (0 if code is None else 2)
        except OptionError as err:
            print(_one_line(prog, str(err)), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted", file=sys.stderr)
            return 130
        except Terminated:
            print(f"{PROG}: terminated", file=sys.stderr)
            return 143
        except BrokenPipeError:  # the reader went away (| head): nothing more to say, and no one to say it to
            _silence_stdout()
            return 141
        except Exception as err:
            if "--debug" in argv:
                raise
            lines = str(err).strip().splitlines() or [""]
            more = " ..." if len(lines) > 1 else ""
            print(
                f"{prog}: error: {type(err).__name__}: {shown(lines[0], 300)}{more} (--debug shows the traceback)",
                file=sys.stderr,
            )
            return 1


# -- graph ------------------------------------------------------------------------------------------------------

_DEFAULT_MAX_FRAMES = 300  # autograd_mini.trace.DEFAULT_MAX_FRAMES, without importing graphviz to build the parser
_DOT_TIME_LIMIT = 20.0  # autograd_mini.draw.DOT_TIME_LIMIT, likewise
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _own_options(parser, command):
    """(every option string of ``command``, those that take a value), read off its parser: any other --NAME VALUE
    on a graph or ways command line is a formula's variable."""
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    actions = subparsers.choices[command]._option_string_actions
    return set(actions), {name for name, action in actions.items() if action.nargs != 0}


def _split_graph_variables(argv, options, valued):
    """Take the variables (``--x 2``, ``--w=-3``) out of ``graph``'s (or ``ways``') arguments; argparse gets the rest.

    Done by hand because the names are the user's: any ``--NAME`` that is not one of graph's own options is a
    variable, and its value may be negative (``--w -3``), which argparse would take for an option. A formula that
    starts with '-' (``graph "-x**2" --x 3``) is the formula: graph has no one-letter options but -h.
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
        if arg.startswith("-") and not arg.startswith("--") and arg not in ("-", "-h"):
            positional.append(arg)  # "-x**2", "-3*x": a formula, not an option
        elif arg.startswith("--") and name not in options:
            if "=" in arg:
                value = arg.split("=", 1)[1]
            elif i + 1 < len(argv):
                i += 1
                value = argv[i]
            else:
                raise OptionError(f"{shown(name)} needs a value, e.g. {shown(name)} 2.5")
            variables.append((name[2:], value, f"{name} {value}"))
        else:
            rest.append(arg)
            if name in valued and "=" not in arg and i + 1 < len(argv):
                i += 1
                rest.append(argv[i])  # the option's own value, even if it looks like a number
        i += 1
    if positional:
        rest += ["--", *positional]
    return rest, variables


def _graph_values(variables, var_options):
    values = {}
    given = list(variables)
    for item in var_options:
        if "=" not in item:
            raise OptionError(f"--var {shown(item)}: give NAME=VALUE, e.g. --var x=2")
        name, value = item.split("=", 1)
        given.append((name.strip(), value.strip(), f"--var {item}"))
    for name, text, where in given:
        if not _NAME.match(name):
            raise OptionError(
                f"{shown(where)}: {shown(name)!r} is not a variable name (letters, digits and _, a letter first)"
            )
        try:
            value = float(text)
        except ValueError:
            raise OptionError(f"{shown(where)}: must be a number") from None
        if not math.isfinite(value):
            raise OptionError(f"{shown(where)}: must be a finite number")
        if name in values:
            raise OptionError(f"the variable {name} is given twice")
        values[name] = value
    return values


def _graph_outputs(args):
    """The files ``graph`` writes: PATH.svg and PATH.png (PATH.gv without dot), PATH-steps.html with --steps."""
    stem = Path(args.out)
    if stem.suffix.lower() in (".svg", ".png", ".gv", ".dot", ".pdf"):
        stem = stem.with_suffix("")
    names = [f"{stem}.svg", f"{stem}.png", f"{stem}.gv"] + ([f"{stem}-steps.html"] if args.steps else [])
    return stem, names


def _check_graph(args):
    if not args.no_draw:
        for name in _graph_outputs(args)[1]:
            output_file("--out", name)


def _run_graph(args):
    from autograd_mini.engine import topological_order
    from autograd_mini.formula import FormulaError, differentiate
    from autograd_mini.trace import node_names

    _check_graph(args)
    try:
        out, leaves = differentiate(args.formula, args.values)
    except FormulaError as err:
        print(f"{PROG} graph: error: {err.show()}", file=sys.stderr)
        return formula_status(args.formula, args.values)
    if args.highlight is not None and args.highlight not in leaves:
        raise OptionError(f"--highlight {shown(args.highlight)}: not a variable of the formula ({', '.join(leaves)})")
    if not out.label:
        out.label = "f"
    order = topological_order(out)
    for node, name in node_names(order).items():  # n1, n3 ...: the same names in the table and the drawing
        node.label = node.label or name
    trace = None
    if args.steps:
        from autograd_mini.trace import trace_backward

        trace = trace_backward(out)
        if len(trace.steps) + 1 > args.max_frames and not args.no_draw:
            raise OptionError(
                f"--steps: the backward pass of this formula has {len(trace.steps)} steps, a page of "
                f"{len(trace.steps) + 1} pictures; the limit is --max-frames {args.max_frames}: raise it "
                f"(--max-frames {len(trace.steps) + 1}), or add --no-draw for the table alone"
            )
    f = out.label
    point = ", ".join(f"{name} = {_num(leaf.data)}" for name, leaf in leaves.items())
    print(f"{f} = {args.formula}")
    print(f"  = {_num(out.data)}   at {point}")
    print("gradients (one backward pass):")
    width = max(len(name) for name in leaves)
    for name, leaf in leaves.items():
        print(f"  d{f}/d{name:<{width}} = {_num(leaf.grad)}")
    if args.code:
        from autograd_mini.compiler import Program

        print()
        print("the forward program and its adjoint (g_v = d f / d v), as autograd_mini.compile writes it:")
        print(Program([out], list(leaves.values())).source, end="")
    if trace is not None:
        print()
        print(trace.table())
    if args.no_draw:
        return 0
    return _write_drawing(out, trace, args)


def _num(x):
    return f"{x:.10g}"


def _write_drawing(out, trace, args):
    from autograd_mini.draw import (
        INSTALL_GRAPHVIZ,
        SUMMARY_ABOVE,
        GraphvizNotFoundError,
        GraphvizTimeoutError,
        dot_time_limit,
        draw_dot,
        write_drawing,
    )
    from autograd_mini.engine import topological_order

    stem, _ = _graph_outputs(args)
    stem.parent.mkdir(parents=True, exist_ok=True)
    size = len(topological_order(out))
    summary = size > SUMMARY_ABOVE and not args.every_node
    if summary:
        print(f"note: the graph has {size} Values, so the drawing is one box of counts; --every-node draws them all")
    dot = draw_dot(
        out,
        rankdir=args.rankdir,
        edge_labels=args.edge_labels,
        highlight=args.highlight,
        title=args.formula,
        summary=summary,
    )
    try:
        with dot_time_limit(args.dot_timeout):
            written = write_drawing(dot, stem)
            if written[0].suffix == ".gv":
                source = written[0]
                print(f"drawing: {source} (DOT source; the Graphviz program `dot` is not installed, so no SVG/PNG)")
                print(f"  {INSTALL_GRAPHVIZ}")
                print(f"  Then: dot -Tsvg {source} -o {stem}.svg")
                return 0
            if trace is not None:
                html = trace.write_html(
                    Path(f"{stem}-steps.html"),
                    title=f"Backward pass: {args.formula}",
                    max_frames=args.max_frames,
                    rankdir=args.rankdir,
                )
                written.append(html)
    except GraphvizNotFoundError as err:  # dot vanished between the check and the call
        print(f"{PROG} graph: {err}", file=sys.stderr)
        return 1
    except GraphvizTimeoutError:
        print(
            f"{PROG} graph: error: Graphviz's dot did not finish the drawing within --dot-timeout {args.dot_timeout:g} "
            f"s and was stopped; the gradients above are complete. Allow more time (--dot-timeout "
            f"{max(60, 4 * args.dot_timeout):g}), or leave the drawing out (--no-draw)",
            file=sys.stderr,
        )
        return 1
    print("drawing: " + ", ".join(map(str, written)))
    return 0


# -- tour -------------------------------------------------------------------------------------------------------


def _check_tour(args):
    output_folder("--out", args.out)


def _run_tour(args):
    from nn.app.tour import run_tour

    _check_tour(args)
    run_tour(args.out, fast=args.fast, progress=False if args.no_progress else None)
    return 0


if __name__ == "__main__":  # python nn/app/cli.py ... (the installed command and python -m nn.app call main)
    raise SystemExit(main())
