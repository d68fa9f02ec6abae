"""``autograd-mini graph``: differentiate a formula, print every gradient, draw the graph.

    autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88

The formula is read by ``autograd_mini.formula`` (a strict parser of its own, never Python's ``eval``), built with
the engine and backpropagated; each variable's gradient is printed, the graph drawn (``autograd_mini.draw``) as
PATH.svg and PATH.png (PATH.gv, the DOT source, without Graphviz's ``dot``), with ``--steps`` the backward pass step
by step (``autograd_mini.trace``) and PATH-steps.html, with ``--code`` the program ``autograd_mini.compile`` runs.
Every file is written whole or not at all and never through a link (``autograd_mini.files``); ``--out`` naming a
folder (``.``, ``..``, ``pics/``) writes ``autograd-mini-graph.*`` inside it.
"""

import os
import sys
from pathlib import Path

from nn.app.options import (
    OptionError,
    add_var,
    formula_message,
    formula_status,
    not_a_link,
    output_file,
    prepare,
    real,
    shown,
    whole,
)

PROG = "autograd-mini graph"

DEFAULT_OUT = "autograd-mini-graph"
DEFAULT_MAX_FRAMES = 300  # autograd_mini.trace.DEFAULT_MAX_FRAMES, without importing graphviz to build the parser
DOT_TIME_LIMIT = 20.0  # autograd_mini.draw.DOT_TIME_LIMIT, likewise (tests/test_cli.py holds them equal)

EPILOG = """\
examples:
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88
  autograd-mini graph "x**2 * y + sin(y)" --x 3 --y 0.5 --out pics/f --steps
  autograd-mini graph "sigmoid(w*x)" --var x=1.5 --var w=-0.3 --edge-labels --highlight w
  autograd-mini graph "max(x, y) * (x % 3) + min(x, 2)" --x 2.5 --y 1
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88 --code --no-draw

Variables are given as --NAME VALUE (or --NAME=VALUE, or --var NAME=VALUE for names that clash with the
options below). A formula may start with '-'; one that starts with '--' goes after --:
  autograd-mini graph "-x**2" --x 3
  autograd-mini graph --x 3 -- "--x*2"

{grammar}

The drawing is written as PATH.svg and PATH.png (or PATH.gv, the DOT source, when the Graphviz program `dot`
is not installed); --out naming a folder (., .., pics/) writes autograd-mini-graph.* in it.
"""


def _formula_grammar():
    """What a formula may contain, from the parser (whose functions come from the engine's op table); --help fills
    it to the terminal's width."""
    from autograd_mini.formula import ALLOWED

    text = f"The formula may use {ALLOWED}, with Python's precedence (** right-associative); nothing else is "
    return text + "accepted and no Python code is ever run."


def add_parser(sub, formatter):
    """Register ``graph`` with the command line's subparsers."""
    parser = sub.add_parser(
        "graph",
        help='differentiate a formula: graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88',
        description="Parse a formula, build its graph with the engine, backpropagate, print every gradient and "
        "draw the graph.",
        epilog=EPILOG.format(grammar=_formula_grammar()),
        formatter_class=formatter,
        allow_abbrev=False,  # every other --NAME is a variable
    )
    parser.takes_variables = True
    parser.add_argument("formula", help='the formula, in quotes: "tanh(x*w + b)"')
    add_var(parser)
    _add_drawing_options(parser)
    parser.add_argument(
        "--steps",
        action="store_true",
        help="also print the backward pass step by step and write PATH-steps.html (Previous/Next buttons; "
        "default: off)",
    )
    parser.add_argument(
        "--code",
        action="store_true",
        help="also print the forward program and its adjoint as Python, what autograd_mini.compile runs (default: off)",
    )
    parser.set_defaults(run=run)
    return parser


def _add_drawing_options(parser):
    """The options of ``graph`` that say where and how the drawing is made."""
    parser.add_argument(
        "--out",
        metavar="PATH",
        default=DEFAULT_OUT,
        help=f"where to write the drawing, without extension: PATH.svg, PATH.png; a folder (., pics/) gets "
        f"{DEFAULT_OUT}.* in it (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--edge-labels", action="store_true", help="write each local derivative on its edge (default: off)"
    )
    parser.add_argument(
        "--highlight", metavar="NAME", help="draw the path from NAME to the output in red (default: none)"
    )
    parser.add_argument(
        "--rankdir",
        choices=["LR", "TB"],
        help="left to right (LR) or top to bottom (TB) (default: left to right when that fits 1000 px, else the "
        "narrower of the two)",
    )
    parser.add_argument(
        "--max-frames",
        type=whole(1),
        default=DEFAULT_MAX_FRAMES,
        metavar="N",
        help=f"--steps refuses a backward pass of more steps than this (default: {DEFAULT_MAX_FRAMES})",
    )
    parser.add_argument("--no-draw", action="store_true", help="print the gradients only (default: draw)")
    parser.add_argument(
        "--every-node",
        action="store_true",
        help="draw every node of a big graph (default: above 300 Values, one box of counts instead)",
    )
    parser.add_argument(
        "--dot-timeout",
        type=real(0.0, low_open=True, what="a number of seconds"),
        default=DOT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"stop Graphviz's dot after this long (default: {DOT_TIME_LIMIT:g})",
    )


def outputs(args):
    """The files ``graph`` writes: (the stem, [PATH.svg, PATH.png, PATH.gv] and PATH-steps.html with --steps).

    ``--out`` without an extension is the stem; a known extension is dropped (``f.svg`` -> ``f``); a folder
    (``.``, ``..``, ``pics/``: what ends in a separator, ``.`` or ``..``) gets the default name inside it, so no
    hidden ``..svg`` is ever written. An empty ``--out`` is refused."""
    text = args.out
    if not text.strip():
        raise OptionError(f"--out {text!r}: give a path without extension, e.g. --out {DEFAULT_OUT}")
    if text.endswith(("/", os.sep)) or os.path.basename(text) in (".", ".."):
        not_a_link("--out", text, "graph")  # a folder given: a real one, as the tour's
        stem = Path(text) / DEFAULT_OUT
    else:
        stem = Path(text)
        if stem.suffix.lower() in (".svg", ".png", ".gv", ".dot", ".pdf", ".html"):
            stem = stem.with_suffix("")
    names = [f"{stem}.svg", f"{stem}.png", f"{stem}.gv"] + ([f"{stem}-steps.html"] if args.steps else [])
    return stem, names


def check(args):
    """Before any work: the outputs (never a link, a folder or a device at their names)."""
    if not args.no_draw:
        for name in outputs(args)[1]:
            output_file("--out", name)


def run(args):
    """Differentiate, print, draw: 0, or 1 when the formula cannot be computed at the values (or dot fails)."""
    from autograd_mini.engine import topological_order
    from autograd_mini.formula import FormulaError, differentiate
    from autograd_mini.trace import node_names

    check(args)
    try:
        out, leaves = differentiate(args.formula, args.values)
    except FormulaError as err:
        print(f"{PROG}: error: {formula_message(err)}", file=sys.stderr)
        return formula_status(args.formula, args.values)
    if args.highlight is not None and args.highlight not in leaves:
        raise OptionError(f"--highlight {shown(args.highlight)}: not a variable of the formula ({', '.join(leaves)})")
    if not out.label:
        out.label = "f"
    for node, name in node_names(topological_order(out)).items():  # n1, n3 ...: the same names in table and drawing
        node.label = node.label or name
    trace = _trace(out, args) if args.steps else None
    _print_gradients(out, leaves, args)
    if args.code:
        from autograd_mini.compiler import Program

        print()
        print("the forward program and its adjoint (g_v = d f / d v), as autograd_mini.compile writes it:")
        print(Program([out], list(leaves.values())).source, end="")
    if trace is not None:
        print()
        print(_steps_table(trace, args))
    if args.no_draw:
        return 0
    return _write_drawing(out, trace, args)


def _steps_table(trace, args):
    """The backward pass as ``--steps`` prints it: the whole table (``BackwardTrace.table()``) into a pipe, a file or
    a terminal wide enough for it (the neuron's is 150 columns); in a narrower terminal, the table of the tour, made
    to fit it (step, node = formula, upstream, and per operand its local derivative and ``before + upstream *
    local = after``), and where the whole one is."""
    from nn.app.tour_tables import step_table, terminal_columns, unbroken, wrapped

    text = trace.table()
    lines = text.splitlines()
    width = terminal_columns()
    full = max(len(line) for line in lines)
    if width is None or full <= width:
        return text
    where = "the step page shows it, and " if not args.no_draw else ""
    out = [*wrapped(lines[0], width), *wrapped(f"{lines[1]} {lines[2]}", width), ""]
    out += [line.rstrip() for line in step_table(trace.steps, width)]
    out += ["", *wrapped(lines[-1], width)]
    redirect = unbroken("e.g. > steps.txt")
    out += wrapped(f"(the whole table is {full} columns wide: {where}--steps writes it into a file, {redirect})", width)
    return "\n".join(out)


def _trace(out, args):
    from autograd_mini.trace import trace_backward

    trace = trace_backward(out)
    if len(trace.steps) + 1 > args.max_frames and not args.no_draw:
        raise OptionError(
            f"--steps: the backward pass of this formula has {len(trace.steps)} steps, a page of "
            f"{len(trace.steps) + 1} pictures; the limit is --max-frames {args.max_frames}: raise it "
            f"(--max-frames {len(trace.steps) + 1}), or add --no-draw for the table alone"
        )
    return trace


def _print_gradients(out, leaves, args):
    f = out.label
    point = ", ".join(f"{name} = {_num(leaf.data)}" for name, leaf in leaves.items())
    print(f"{f} = {args.formula}")
    print(f"  = {_num(out.data)}   at {point}")
    print("gradients (one backward pass):")
    width = max(len(name) for name in leaves)
    for name, leaf in leaves.items():
        print(f"  d{f}/d{name:<{width}} = {_num(leaf.grad)}")


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

    stem, _ = outputs(args)
    prepare(stem)
    size = len(topological_order(out))
    summary = size > SUMMARY_ABOVE and not args.every_node
    if summary:
        print(f"note: the graph has {size} Values, so the drawing is one box of counts; --every-node draws them all")
    dot = draw_dot(
        out, rankdir=args.rankdir, edge_labels=args.edge_labels, highlight=args.highlight, title=args.formula,
        summary=summary,
    )  # fmt: skip
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
                title = f"Backward pass: {args.formula}"
                page = trace.write_html(
                    Path(f"{stem}-steps.html"), title=title, max_frames=args.max_frames, rankdir=args.rankdir
                )
                written.append(page)
    except GraphvizNotFoundError as err:  # dot vanished between the check and the call
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except GraphvizTimeoutError:
        print(
            f"{PROG}: error: Graphviz's dot did not finish the drawing within --dot-timeout {args.dot_timeout:g} "
            f"s and was stopped; the gradients above are complete. Allow more time (--dot-timeout "
            f"{max(60, 4 * args.dot_timeout):g}), or leave the drawing out (--no-draw)",
            file=sys.stderr,
        )
        return 1
    print("drawing: " + ", ".join(map(str, written)))
    return 0
