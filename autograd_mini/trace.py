"""The backward pass, step by step: what ``root.backward()`` does, recorded so a learner can follow it.

``trace_backward(root)`` walks the graph with the walk ``Value.backward()`` uses (``engine.backward_steps``): the
nodes in reverse topological order (each node after every node that uses it, so its gradient is complete when its
turn comes), and for each node
``out = f(a, b)`` the chain rule

    dL/da += dL/dout * dout/da        dL/db += dL/dout * dout/db

with the local derivatives ``dout/da`` read from the op rules in ``ops.py``. One step per
node records the upstream gradient ``dL/dout``, each local derivative, each product, and the operand's running total
before and after, so a node used twice (fan-out, ``a + a``) visibly collects two contributions. The captions write
each contribution as the lecture writes the chain rule, ``do/dn1 = do/dn3 * ∂n3/∂n1 = 0.5 * 1 = 0.5`` (``ChainRule``),
every node by its one name (``naming.node_names``: its label, or n1, n2 ... for the unlabelled).

The record does not touch any ``.grad``; it starts from zero everywhere, as ``backward()`` does on a fresh graph
(``backward()`` also adds to whatever leaves already hold, which the trace leaves out). Three ways to look at it:

- ``trace.table()``: a text table to follow with pencil and paper;
- ``trace.write_frames(directory)``: ``step_000.svg`` ... one picture per step, the current node and its edges in
  red, the operands receiving a contribution in violet, each node's gradient as it stands after that step;
- ``trace.write_html(path)``: one self-contained HTML page, a stepper with Previous/Next buttons (one inline SVG whose
  texts and colours a script changes, no server, no network); in Jupyter a trace shows itself as the same stepper
  (``_repr_html_``, built by ``autograd_mini.notebook``). A page is held to ``MAX_PAGE_BYTES`` (``max_bytes=``),
  frames to ``DEFAULT_MAX_FRAMES`` (``max_frames=``): beyond, one line names the option (``PageTooLargeError``).
"""

import html
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd_mini.engine import Value, at_floats, backward_steps
from autograd_mini.files import check_target, make_folder, make_parents, write_text
from autograd_mini.frames import (
    CURRENT,
    CURRENT_FILL,
    DEFAULT_MAX_FRAMES,
    MAX_PAGE_BYTES,
    RECEIVER,
    RECEIVER_FILL,
    UNKNOWN,
    PageTooLargeError,
    check_bytes,
    frame_svg,
    grad_slots,
    size_text,
)
from autograd_mini.naming import (
    as_roots,
    expressions,
    graph_order,
    node_names,
    number_formatter,
    number_text,
    one_line,
    param_names,
)
from autograd_mini.program import MAX_NODES, Writer
from autograd_mini.text import printable

__all__ = ["BackwardTrace", "ChainRule", "Contribution", "PageTooLargeError", "Step", "trace_backward"]


@dataclass(frozen=True)
class Contribution:
    """What one operand receives in one step: ``after = before + product``, ``product = upstream * local``."""

    operand: Value
    name: str
    position: int  # 0 for the op's first operand, 1 for the second
    local: float  # d node / d operand, from the op's rule
    product: float  # upstream * local
    before: float  # the operand's gradient before this step
    after: float  # ... and after
    accumulates: bool  # True when the operand had already received a contribution (fan-out)


@dataclass(frozen=True)
class Step:
    """One node of the backward pass: its complete gradient ``upstream`` passed on to its operands."""

    number: int  # 1, 2, ... in the order backward() processes the nodes
    node: Value
    name: str
    index: int  # the node's topological number: its box in the drawing is v{index}
    formula: str  # how the node was computed, in names: "d * f", "tanh(n5)", "3 - y"
    upstream: float  # dL/dnode, complete at this point
    contributions: tuple[Contribution, ...]
    adjoint: tuple[str, ...] = ()  # the lines of the compiled program's adjoint this step is (autograd_mini.compile)


# what one step of a trace holds (its numbers, its program lines, its caption's pieces): measured on a 200,000-op
# chain, 557 MB at the peak of trace_backward, its table and its notebook display (compile's program: 5 KB a node)
BYTES_PER_STEP = 2_800


def trace_backward(
    root: Value | Sequence[Value], grad: float = 1.0, *, params: Any = None, max_steps: int = MAX_NODES
) -> "BackwardTrace":
    """Record the backward pass from ``root`` (seeded with d root / d root = ``grad``) step by step.

    Returns a ``BackwardTrace``; ``.grads`` holds the result, equal to what ``root.backward()`` puts in ``.grad``
    on a graph whose leaves start at 0. ``params`` (e.g. ``model.named_parameters()``) names unlabelled nodes.
    ``max_steps``: the largest backward pass recorded (compile's ``MAX_NODES``: each step keeps its program lines).
    """
    roots = as_roots(root, "trace_backward")
    if len(roots) != 1:
        raise TypeError(
            "trace_backward() takes one Value (the output or loss); for several outputs, trace their sum or a loss"
        )
    root = roots[0]
    if isinstance(grad, bool) or not isinstance(grad, (int, float)) or not math.isfinite(grad):
        raise ValueError(f"trace_backward(grad={grad!r}) must be a finite number (the seed d root / d root)")
    names = param_names(params, "trace_backward")
    order = graph_order([root])
    if (count := sum(1 for node in order if node.op is not None)) > max_steps:
        raise MemoryError(
            f"trace_backward: the backward pass has {count:,} steps, more than max_steps={max_steps:,}: its trace "
            f"would take about {count * BYTES_PER_STEP / 1e9:.1f} GB; pass max_steps= to record it anyway, or use "
            f"backward(), which handles graphs of millions of nodes"
        )
    index = {node: i for i, node in enumerate(order)}
    label = node_names(order, names)
    totals = {root: float(grad)}
    received = {root}
    steps: list[Step] = []
    # the program's names and lines, one step at a time: each gradient written out (g_n3 = g_f where an add passes
    # its gradient on; compile() keeps one name for both), so each step's line names the gradient its caption gives
    leaves = [n for n in order if n.op is None]
    program = Writer(order, leaves, leaves, names=label, alias=False)
    program.received.update([root, *leaves])  # seeded; the leaves' gradients start at 0, as .grad does
    numbers_and_text = lambda op, a, b, out: tuple(zip(at_floats(op, a, b, out), program.as_text(op, a, b, out)))
    for node, a, da, b, db in backward_steps(order, numbers_and_text):  # the walk backward() takes: the same
        upstream = totals.get(node, 0.0)  # local derivatives, each with its program text
        operands = ((0, a, *da), (1, b, *db)) if b is not None else ((0, a, *da),)
        lines = program.adjoint(node, a, da[1], b, db[1] if b is not None else "")
        contributions = []
        for k, operand, local, _ in operands:
            before = totals.get(operand, 0.0)
            product = upstream * local
            after = before + product  # the same floating-point operations as backward(): a.grad += g * da
            totals[operand] = after
            contributions.append(
                Contribution(operand, label[operand], k, local, product, before, after, operand in received)
            )
            received.add(operand)
        steps.append(
            Step(
                len(steps) + 1,
                node,
                label[node],
                index[node],
                _formula(node, label),
                upstream,
                tuple(contributions),
                tuple(lines),
            )
        )
    return BackwardTrace(root, float(grad), order, label, tuple(steps), {node: totals.get(node, 0.0) for node in order})


def _formula(node, label):
    """The op written with its operands' names: ``d * f``, ``tanh(n4)``, ``3 - y``, ``-x``."""
    op = node.op
    texts = [label[v] if isinstance(v, Value) else number_text(v) for v in node.operands]
    if op.arity == 1:
        return f"-{texts[0]}" if op.name == "neg" else op.write(texts[0])  # "-x", as a learner writes it, not "-(x)"
    return op.write(*texts)


_NAME = re.compile(r"^[A-Za-z_][\w.#\[\]]*$")


def derivative(top, bottom, d="d"):
    """``dtop/dbottom`` for plain names (``do/dx1``); a side that is an expression in parentheses, so that
    ``do/d(x1*w1 + x2*w2)`` cannot be misread as ``do/dx1*w1 + x2*w2``. A side already in parentheses, such as
    ``(node)``, stays as it is. ``d="∂"`` writes a partial derivative, ``∂n3/∂n1``."""
    top, bottom = (t if _NAME.match(t) or t.startswith("(") else f"({t})" for t in (top, bottom))
    return f"{d}{top}/{d}{bottom}"


@dataclass(frozen=True)
class ChainRule:
    """One contribution as the lecture writes the chain rule: ``do/dn1 = do/dn3 * ∂n3/∂n1 = 0.5 * 1 = 0.5``.

    The local derivative is a partial (``∂n3/∂n1``: the op's own slope, its other operand held fixed), which keeps
    it apart from the gradient ``dL/dv`` of the whole graph when the node is the root itself (``∂o/∂n`` in
    ``do/dn = do/do * ∂o/∂n``). An operand used more than once collects a contribution per use: ``+=``, and the
    sum so far. The numbers are text, already formatted. ``text()`` writes it for the table and the frames; the
    stepper writes the same parts as MathML (``mathml.chain_rule_mathml``)."""

    root: str
    node: str
    operand: str
    upstream: str
    local: str
    product: str
    uses: int = 1  # how many contributions the operand collects in the whole pass
    so_far: str = ""  # before + product = after, for an operand with several uses

    def text(self) -> str:
        whole = f"{derivative(self.root, self.node)} * {derivative(self.node, self.operand, '∂')}"
        sign = "+=" if self.uses > 1 else "="
        line = f"{derivative(self.root, self.operand)} {sign} {whole} = {self.upstream} * {self.local} = {self.product}"
        if self.uses > 1:
            line += f"; so far {self.so_far} ({self.operand} has {self.uses} uses, each adds its part)"
        return line


def _same(formula, name):
    """True when the formula only repeats the label (``x1*w1`` computed as ``x1 * w1``): nothing to say."""
    return formula.replace(" ", "") == name.replace(" ", "")


class BackwardTrace:
    """The recorded backward pass: ``steps`` (a tuple of ``Step``), ``grads`` ({node: d root / d node})."""

    # the highlights of a frame, (stroke, fill): red for the step's node, violet for the operands it passes to
    COLORS = {"current": (CURRENT, CURRENT_FILL), "receiver": (RECEIVER, RECEIVER_FILL)}

    def __init__(self, root, seed, order, names, steps, grads):
        self.root = root
        self.seed = seed
        self.order = order  # topological order: the drawing's box v{i} is order[i]
        self.names = names  # {node: its name, the same in the drawing, the captions, the table and the program}
        self.steps = steps
        self.grads = grads
        # beside a numbered node, what it computes in named inputs where that helps: n3 = x1*w1 + x2*w2
        self.expressions = expressions(order, names)

    def __len__(self):
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def grad(self, node):
        """d root / d node as the trace computed it."""
        try:
            return self.grads[node]
        except KeyError:
            raise KeyError(f"BackwardTrace.grad: {node!r} is not in the graph behind the root") from None

    # -- text ----------------------------------------------------------------------------------------------

    def computed_as(self, step):
        """How the step's node was computed, for the table and the captions: ``n1 + n2 = x1*w1 + x2*w2`` (the op
        with its operands' names, then the expression in named inputs where that says more); "" where the name
        already says it (a node labelled ``x1*w1``, computed as ``x1 * w1``)."""
        if _same(step.formula, step.name):
            return ""
        expression = self.expressions.get(step.node)
        return step.formula + (f" = {expression}" if expression else "")

    def rows(self, number_format=".6g", where="BackwardTrace.rows"):
        """The table's heading and rows (tuples of 8 strings, one row per operand; the step's own cells only on
        its first row), for the text table and the notebook's HTML table alike."""
        fmt = number_formatter(number_format, where)
        r = self.names[self.root]
        head = (
            "step",
            "node",
            "= computed as",
            f"upstream {derivative(r, '(node)')}",
            "operand",
            "local ∂(node)/∂(operand)",
            "product",
            "operand's grad: before + product = after",
        )
        rows = []
        for s in self.steps:
            computed = self.computed_as(s)
            for j, c in enumerate(s.contributions):
                first = j == 0
                sum_text = f"{fmt(c.before)} + {fmt(c.product)} = {fmt(c.after)}"
                if c.accumulates:
                    sum_text += "   (adds to an earlier contribution)"
                row = (
                    str(s.number) if first else "",
                    s.name if first else "",
                    f"= {computed}" if first and computed else "",
                    fmt(s.upstream) if first else "",
                    c.name,
                    fmt(c.local),
                    f"{fmt(s.upstream)} * {fmt(c.local)} = {fmt(c.product)}",
                    sum_text,
                )
                rows.append(tuple(one_line(cell) for cell in row))  # a label's line break would split the row
        return tuple(one_line(cell) for cell in head), rows

    def table(self, number_format=".6g"):
        """The steps as a text table: one line per operand, ``before + product = after`` written out."""
        fmt = number_formatter(number_format, "BackwardTrace.table")
        r = self.names[self.root]
        head, rows = self.rows(number_format, "BackwardTrace.table")
        widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
        right = {0, 3}  # numbers right-aligned where they stand alone

        def line(row):
            cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
            return ("  ".join(cells[:4]) + " | " + "  ".join(cells[4:])).rstrip()

        out = [
            one_line(
                f"Backward pass from {r} = {fmt(self.root.data)}, seeded with {derivative(r, r)} = {fmt(self.seed)}."
            ),
            "Each step takes the next node in reverse topological order (its gradient is complete by then) and adds",
            "upstream * local derivative to each operand's gradient.",
            "",
            line(head),
            line(tuple("-" * w for w in widths)),
        ]
        out += [line(row) for row in rows]
        leaves = [node for node in self.order if node.op is None]
        out.append("")
        grads = ", ".join(f"{self.names[n]} = {fmt(self.grads[n])}" for n in leaves)
        out.append(one_line(f"gradients {derivative(r, '(leaf)')}: {grads}"))
        return "\n".join(out)

    def __str__(self):
        return self.table()

    def __repr__(self):
        return f"<BackwardTrace of {self.names[self.root]}: {len(self.steps)} steps, {len(self.order)} nodes>"

    def chain_rules(self, number_format=".4g"):
        """For frame 0 (none) and each step, its contributions as ``ChainRule``: what the captions write."""
        fmt = number_formatter(number_format, "BackwardTrace.captions")
        r = self.names[self.root]
        uses = Counter(c.operand for s in self.steps for c in s.contributions)
        out: list[list[ChainRule]] = [[]]
        for s in self.steps:
            out.append(
                [
                    ChainRule(
                        r,
                        s.name,
                        c.name,
                        fmt(s.upstream),
                        fmt(c.local),
                        fmt(c.product),
                        uses[c.operand],
                        f"{fmt(c.before)} + {fmt(c.product)} = {fmt(c.after)}",
                    )  # fmt: skip
                    for c in s.contributions
                ]
            )
        return out

    def captions(self, number_format=".4g"):
        """For frame 0 (the seed) and each step, the lines of text written with its picture: the step's node, then
        each operand's gradient by the chain rule (``ChainRule``), then the program's lines."""
        fmt = number_formatter(number_format, "BackwardTrace.captions")
        r = self.names[self.root]
        rules = self.chain_rules(number_format)
        start = f"Start: {derivative(r, r)} = {fmt(self.seed)} (the seed). The other gradients are not known yet (?)."
        out = [[one_line(start)]]
        for s in self.steps:
            computed = self.computed_as(s)
            lines = [
                f"Step {s.number} of {len(self.steps)}: {s.name}{' = ' + computed if computed else ''}, its gradient "
                f"{derivative(r, s.name)} = {fmt(s.upstream)}"
            ]
            lines += ["  " + rule.text() for rule in rules[s.number]]
            lines += [f"  program: {line}" for line in s.adjoint]
            out.append([one_line(line) for line in lines])  # each a line, whatever the labels hold
        return out

    # -- pictures ------------------------------------------------------------------------------------------

    def grad_texts(self, number_format=".4g"):
        """The grad field of every node after each frame: frame 0 the seed, frame k step k (``grad ?`` for a node
        the pass has not reached), as [{node: text}] listing only the nodes whose text frame k changes."""
        fmt = number_formatter(number_format, "BackwardTrace.frames")
        changes = [{self.root: f"grad {fmt(self.seed)}"}]
        for s in self.steps:
            changes.append({c.operand: f"grad {fmt(c.after)}" for c in s.contributions})
        return changes

    def drawing(self, *, number_format=".4g", rankdir=None, **draw_options):
        """The graph as every frame shows it: (the ``draw_dot`` drawing in its final state, every gradient filled
        in; ``grad_texts``). Every box is as wide as its widest gradient text, so nothing moves between frames.
        ``draw_options`` go to ``draw_dot`` (``edge_labels`` is on unless given)."""
        from autograd_mini.draw import DEFAULT_MAX_NODES, draw_dot  # graphviz, only when drawing

        changes = self.grad_texts(number_format)
        widest = {node: UNKNOWN for node in self.order}
        for frame in changes:
            for node, text in frame.items():
                if len(text) > len(widest[node]):
                    widest[node] = text
        draw_options.setdefault("edge_labels", True)  # the local derivatives on the edges, as in the captions
        dot = draw_dot(
            self.root,
            number_format=number_format,
            rankdir=rankdir,
            max_nodes=draw_options.pop("max_nodes", DEFAULT_MAX_NODES),
            summary=False,
            _grad_text=lambda node: widest[node],  # every box as wide as its widest gradient text
            _names=self.names,  # the names the captions use
            **draw_options,
        )
        return dot, changes

    def picture(self, **options):
        """``drawing(**options)`` laid out once by ``dot``: (its SVG, ``grad_texts``)."""
        dot, changes = self.drawing(**options)
        return dot.pipe(format="svg", encoding="utf-8"), changes

    def check_size(self, frames, max_frames=DEFAULT_MAX_FRAMES, what="BackwardTrace.frames"):
        """Refuse ``frames`` pictures beyond ``max_frames``, before any is drawn (one line naming the option)."""
        if frames > max_frames:
            raise PageTooLargeError(
                f"{what}: {frames} frames (one per step of {len(self.steps)}) is more than max_frames={max_frames}; "
                f"pass max_frames={frames} to draw them anyway, or trace a smaller expression"
            )

    def frames(
        self,
        *,
        number_format=".4g",
        rankdir=None,
        max_frames=DEFAULT_MAX_FRAMES,
        max_bytes=MAX_PAGE_BYTES,
        captions=True,
        id_prefix="",
        **draw_options,
    ):
        """One SVG document (a str) per frame: frame 0 the seed, frame k step k.

        The graph is laid out once by ``dot`` (``picture``); each frame then colours the current node, its op node
        and edges red, the operands that receive a contribution violet, and shows every gradient as it stands after
        that step ("?" for nodes not reached yet). ``draw_options`` go to ``draw_dot``. ``captions=False`` leaves
        the caption lines out of the picture; ``id_prefix`` starts every id. More than ``max_frames`` frames, or
        more than ``max_bytes`` of SVG in all, are refused with a message naming the option.
        """
        self.check_size(len(self.steps) + 1, max_frames)
        base, changes = self.picture(number_format=number_format, rankdir=rankdir, **draw_options)
        total = len(base) * len(changes)
        check_bytes(total, max_bytes, "BackwardTrace.frames", f"{len(changes)} frames of {size_text(len(base))}")
        lines = self.captions(number_format) if captions else None
        index = {node: i for i, node in enumerate(self.order)}
        # every node's grad text sits at the same place in every frame: cut base there once, then each frame is
        # one join of the fixed pieces and that frame's texts (not a search and copy of the SVG per node and frame)
        nodes, pieces = grad_slots(base, self.order, index)
        state = dict.fromkeys(self.order, UNKNOWN)
        frames = []
        for k, change in enumerate(changes):
            state.update(change)
            parts = [pieces[0]]
            for node, piece in zip(nodes, pieces[1:]):
                parts.append(html.escape(printable(state[node]), quote=False))
                parts.append(piece)
            current, receivers, edges = self.highlight(k, index)
            svg = "".join(parts)
            frames.append(frame_svg(svg, f"{id_prefix}s{k}_", current, receivers, edges, lines[k] if lines else ()))
        return frames

    def highlight(self, k: int, index: dict[Any, int] | None = None) -> tuple[int | None, list[int], list[str]]:
        """What frame ``k`` is about, as drawing ids: (the current node's number or None, the numbers of the nodes
        receiving a contribution, the ids of the edges it passes the gradient along). Frame 0, the seed: the root
        receives d root / d root, nothing is passed back yet. The frames colour these; the stepper scrolls to them."""
        if index is None:
            index = {node: i for i, node in enumerate(self.order)}
        if k == 0:
            return None, [index[self.root]], []
        s = self.steps[k - 1]
        receivers = sorted({index[c.operand] for c in s.contributions})
        return s.index, receivers, [f"e{s.index}_out"] + [f"e{s.index}_{c.position}" for c in s.contributions]

    def write_frames(self, directory, prefix="step", **options):
        """Write the frames as ``{prefix}_000.svg``, ``{prefix}_001.svg`` ... into ``directory``; returns the paths."""
        frames = self.frames(**options)
        directory = make_folder(directory)  # a link planted at the folder's name is refused, not followed
        width = max(3, len(str(len(frames) - 1)))
        paths = [directory / f"{prefix}_{k:0{width}d}.svg" for k in range(len(frames))]
        for path in paths:  # all or none: a link or a folder at any of the names is refused before one is written
            check_target(path)
        return [write_text(path, svg) for path, svg in zip(paths, frames)]

    def html(self, title=None, **options):
        """One self-contained HTML page: the stepper of ``_repr_html_`` (the picture, Previous/Next buttons and the
        arrow keys, a choice between the whole graph and following the step, the captions and the table as text)
        under a title. ``max_frames`` and ``max_bytes`` (default ``MAX_PAGE_BYTES``) bound the page; ``options``
        also go to ``draw_dot`` (``number_format``, ``rankdir`` ...)."""
        from autograd_mini.notebook import stepper_page

        r = self.names[self.root]
        return stepper_page(self, title or f"Backward pass through {r}, step by step", **options)

    def _repr_html_(self):
        """Jupyter's rich display: the stepper, its ids, styles and script confined to its own output; for a trace
        too big for a page, or without Graphviz, a note saying why and the table of the steps (never a traceback)."""
        from autograd_mini.notebook import stepper_html

        return stepper_html(self, fallback=True)

    def write_html(self, path, title=None, **options):
        """Write ``html()`` to ``path`` (UTF-8); returns the path. Open it in any browser."""
        make_parents(path)
        return write_text(path, self.html(title, **options))  # whole or not at all, never through a link
