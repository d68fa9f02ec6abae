"""The backward pass, step by step: what ``root.backward()`` does, recorded so a learner can follow it.

``trace_backward(root)`` walks the graph with the walk ``Value.backward()`` uses (``engine.backward_steps``): the
nodes in reverse topological order (each node after every node that uses it, so its gradient is complete when its
turn comes), and for each node
``out = f(a, b)`` the chain rule

    dL/da += dL/dout * dout/da        dL/db += dL/dout * dout/db

with the local derivatives ``dout/da`` read from the op rules in ``ops.py``. One step per
node records the upstream gradient ``dL/dout``, each local derivative, each product, and the operand's running total
before and after, so a node used twice (fan-out, ``a + a``) visibly collects two contributions.

The record does not touch any ``.grad``; it starts from zero everywhere, as ``backward()`` does on a fresh graph
(``backward()`` also adds to whatever leaves already hold, which the trace leaves out). Three ways to look at it:

- ``trace.table()``: a text table to follow with pencil and paper;
- ``trace.write_frames(directory)``: ``step_000.svg`` ... one picture per step, the current node and its edges in
  red, the operands receiving a contribution in violet, each node's gradient as it stands after that step;
- ``trace.write_html(path)``: one self-contained HTML page with the same pictures and Previous/Next buttons
  (inline SVG and JavaScript, no server, no network); in Jupyter a trace shows itself as the same stepper
  (``_repr_html_``, built by ``autograd_mini.notebook``).
"""

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd_mini.engine import Value, at_floats, backward_steps
from autograd_mini.files import make_folder, write_text
from autograd_mini.naming import as_roots, graph_order, node_names, number_formatter, param_names
from autograd_mini.program import Writer
from autograd_mini.text import printable

__all__ = ["BackwardTrace", "Contribution", "Step", "trace_backward"]

DEFAULT_MAX_FRAMES = 300  # pictures beyond this are refused: the HTML page would be hundreds of megabytes

_CURRENT = "#d62728"  # the node being processed, its op and edges
_CURRENT_FILL = "#fecaca"
_RECEIVER = "#7c3aed"  # operands that receive a contribution in this step: violet, unlike every role colour
_RECEIVER_FILL = "#ede9fe"


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
    index: int  # the node's topological number, as in the drawing (n{index})
    formula: str  # how the node was computed, in names: "d * f", "tanh(n5)", "3 - y"
    upstream: float  # dL/dnode, complete at this point
    contributions: tuple[Contribution, ...]
    adjoint: tuple[str, ...] = ()  # the lines of the compiled program's adjoint this step is (autograd_mini.compile)


def trace_backward(root: Value | Sequence[Value], grad: float = 1.0, *, params: Any = None) -> "BackwardTrace":
    """Record the backward pass from ``root`` (seeded with d root / d root = ``grad``) step by step.

    Returns a ``BackwardTrace``; ``.grads`` holds the result, equal to what ``root.backward()`` puts in ``.grad``
    on a graph whose leaves start at 0. ``params`` (e.g. ``model.named_parameters()``) names unlabelled nodes.
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
    op, operands = node.op, node.operands
    if len(operands) == 1:
        return f"-{label[operands[0]]}" if op.name == "neg" else op.write(label[operands[0]])  # "-x", not "-(x)"
    a, b = operands
    return op.write(label[a], label[b] if isinstance(b, Value) else _short(b))


def _short(x):
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


_NAME = re.compile(r"^[A-Za-z_][\w.#\[\]]*$")


def derivative(top, bottom):
    """``dtop/dbottom`` for plain names (``do/dx1``); with parentheses when either is an expression, so that
    ``d(o)/d(x1*w1 + x2*w2)`` cannot be misread as ``do/dx1*w1 + x2*w2``. A side already in parentheses, such as
    ``(node)``, stays as it is."""
    if _NAME.match(top) and (_NAME.match(bottom) or bottom.startswith("(")):
        return f"d{top}/d{bottom}"
    return "d{}/d{}".format(*(t if t.startswith("(") else f"({t})" for t in (top, bottom)))


def _same(formula, name):
    """True when the formula only repeats the label (``x1*w1`` computed as ``x1 * w1``): nothing to say."""
    return formula.replace(" ", "") == name.replace(" ", "")


class BackwardTrace:
    """The recorded backward pass: ``steps`` (a tuple of ``Step``), ``grads`` ({node: d root / d node})."""

    # the highlights of a frame, (stroke, fill): red for the step's node, violet for the operands it passes to
    COLORS = {"current": (_CURRENT, _CURRENT_FILL), "receiver": (_RECEIVER, _RECEIVER_FILL)}

    def __init__(self, root, seed, order, names, steps, grads):
        self.root = root
        self.seed = seed
        self.order = order  # topological order: n{i} is order[i]
        self.names = names  # {node: name used in the table}
        self.steps = steps
        self.grads = grads

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

    def rows(self, number_format=".6g", where="BackwardTrace.rows"):
        """The table's heading and rows (tuples of 8 strings, one row per operand; the step's own cells only on
        its first row), for the text table and the notebook's HTML table alike.

        A node whose label already is its formula (``x1*w1 + x2*w2``) gets no ``= computed as`` cell: the row
        would only say ``x1*w1 + x2*w2 = x1*w1 + x2*w2``."""
        fmt = number_formatter(number_format, where)
        r = self.names[self.root]
        head = (
            "step",
            "node",
            "= computed as",
            f"upstream {derivative(r, '(node)')}",
            "operand",
            "local d(node)/d(operand)",
            "product",
            "operand's grad: before + product = after",
        )
        rows = []
        for s in self.steps:
            for j, c in enumerate(s.contributions):
                first = j == 0
                sum_text = f"{fmt(c.before)} + {fmt(c.product)} = {fmt(c.after)}"
                if c.accumulates:
                    sum_text += "   (adds to an earlier contribution)"
                rows.append(
                    (
                        str(s.number) if first else "",
                        s.name if first else "",
                        f"= {s.formula}" if first and not _same(s.formula, s.name) else "",
                        fmt(s.upstream) if first else "",
                        c.name,
                        fmt(c.local),
                        f"{fmt(s.upstream)} * {fmt(c.local)} = {fmt(c.product)}",
                        sum_text,
                    )
                )
        return head, rows

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
            f"Backward pass from {r} = {fmt(self.root.data)}, seeded with {derivative(r, r)} = {fmt(self.seed)}.",
            "Each step takes the next node in reverse topological order (its gradient is complete by then) and adds",
            "upstream * local derivative to each operand's gradient.",
            "",
            line(head),
            line(tuple("-" * w for w in widths)),
        ]
        out += [line(row) for row in rows]
        leaves = [node for node in self.order if node._op is None]
        out.append("")
        grads = ", ".join(f"{self.names[n]} = {fmt(self.grads[n])}" for n in leaves)
        out.append(f"gradients {derivative(r, '(leaf)')}: {grads}")
        return "\n".join(out)

    def __str__(self):
        return self.table()

    def __repr__(self):
        return f"<BackwardTrace of {self.names[self.root]}: {len(self.steps)} steps, {len(self.order)} nodes>"

    # -- pictures ------------------------------------------------------------------------------------------

    def captions(self, number_format=".4g"):
        """For frame 0 (the seed) and each step, the lines of text written under its picture."""
        fmt = number_formatter(number_format, "BackwardTrace.captions")
        r = self.names[self.root]
        total = len(self.steps)
        out = [[f"Start: {derivative(r, r)} = {fmt(self.seed)} (the seed). The other gradients are not known yet (?)."]]
        for s in self.steps:
            computed = "" if _same(s.formula, s.name) else f" = {s.formula}"  # no "x1*w1 = x1*w1"
            lines = [
                f"Step {s.number} of {total}: {s.name}{computed}, its gradient {derivative(r, s.name)} = "
                f"{fmt(s.upstream)}"
            ]
            for c in s.contributions:
                again = " (fan-out: adds to an earlier contribution)" if c.accumulates else ""
                lines.append(
                    f"  {c.name}: local {derivative(s.name, c.name)} = {fmt(c.local)}; "
                    f"{fmt(s.upstream)} * {fmt(c.local)} = {fmt(c.product)}; "
                    f"grad {c.name} = {fmt(c.before)} + {fmt(c.product)} = {fmt(c.after)}{again}"
                )
            lines += [f"  program: {line}" for line in s.adjoint]
            out.append(lines)
        return out

    def frames(
        self,
        *,
        number_format=".4g",
        rankdir="LR",
        max_frames=DEFAULT_MAX_FRAMES,
        captions=True,
        id_prefix="",
        **draw_options,
    ):
        """One SVG document (a str) per frame: frame 0 the seed, frame k step k.

        The graph is laid out once by ``dot`` (so nothing moves between frames); each frame then colours the
        current node, its op node and edges red, the operands that receive a contribution violet, and shows every
        gradient as it stands after that step ("?" for nodes not reached yet). ``draw_options`` go to ``draw_dot``.
        ``captions=False`` leaves the caption lines out of the picture (the HTML stepper writes them as text);
        ``id_prefix`` starts every id, so that several traces can share one page.
        """
        if len(self.steps) + 1 > max_frames:
            raise ValueError(
                f"BackwardTrace.frames: {len(self.steps) + 1} frames (one per step) is more than "
                f"max_frames={max_frames}; a page of that many pictures is too big to be useful. "
                f"Trace a smaller expression, or pass max_frames={len(self.steps) + 1}."
            )
        from autograd_mini.draw import DEFAULT_MAX_NODES, draw_dot  # graphviz, only when drawing

        fmt = number_formatter(number_format, "BackwardTrace.frames")
        draw_options.setdefault("edge_labels", True)  # the local derivatives on the edges, as in the captions
        index = {node: i for i, node in enumerate(self.order)}
        # the gradient text of every node after every frame
        state = {self.root: f"grad {fmt(self.seed)}"}
        texts = [dict(state)]
        for s in self.steps:
            for c in s.contributions:
                state[c.operand] = f"grad {fmt(c.after)}"
            texts.append(dict(state))
        unknown = "grad ?"
        widest: dict[Value, str] = {}
        for t in texts:
            for node in self.order:
                text = t.get(node, unknown)
                if len(text) > len(widest.get(node, "")):
                    widest[node] = text
        base = draw_dot(
            self.root,
            number_format=number_format,
            rankdir=rankdir,
            max_nodes=draw_options.pop("max_nodes", DEFAULT_MAX_NODES),
            summary=False,
            _grad_text=lambda node: widest[node],  # every box as wide as its widest gradient text
            _names=self.names,  # the names the captions use, n{i} for unlabelled nodes
            **draw_options,
        ).pipe(format="svg", encoding="utf-8")
        lines = self.captions(number_format) if captions else None
        # every node's grad text sits at the same place in every frame: cut base there once, then each frame is
        # one join of the fixed pieces and that frame's texts (not a search and copy of the SVG per node and frame)
        nodes, pieces = _grad_slots(base, self.order, index)
        frames = []
        for k, t in enumerate(texts):
            parts = [pieces[0]]
            for node, piece in zip(nodes, pieces[1:]):
                parts.append(html.escape(printable(t.get(node, unknown)), quote=False))
                parts.append(piece)
            svg = "".join(parts)
            current, receivers, edges = self.highlight(k, index)
            frames.append(_frame(svg, f"{id_prefix}s{k}_", current, receivers, edges, lines[k] if lines else ()))
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
        directory = make_folder(directory)  # a link planted at the folder's name is refused, not followed
        frames = self.frames(**options)
        width = max(3, len(str(len(frames) - 1)))
        paths = []
        for k, svg in enumerate(frames):
            path = directory / f"{prefix}_{k:0{width}d}.svg"
            write_text(path, svg)
            paths.append(path)
        return paths

    def html(self, title=None, **options):
        """One self-contained HTML page: the stepper of ``_repr_html_`` (every frame inline, Previous/Next
        buttons and the arrow keys, the captions and the table as text) under a title."""
        from autograd_mini.notebook import stepper_page

        r = self.names[self.root]
        return stepper_page(self, title or f"Backward pass through {r}, step by step", **options)

    def _repr_html_(self):
        """Jupyter's rich display: the stepper, its ids, styles and script confined to its own output."""
        from autograd_mini.notebook import stepper_html

        return stepper_html(self)

    def write_html(self, path, title=None, **options):
        """Write ``html()`` to ``path`` (UTF-8); returns the path. Open it in any browser."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_text(path, self.html(title, **options))  # whole or not at all, never through a link


# -- SVG surgery on dot's output -------------------------------------------------------------------------------


def _grad_slots(svg, order, index):
    """Where each node's grad text stands in ``svg``: the last text of its group ``n{i}`` (the record's grad field).

    Returns the nodes in the order their slots appear and the pieces of ``svg`` around the slots (one more piece
    than nodes), so that ``pieces[0] + text_0 + pieces[1] + ... + text_last + pieces[-1]`` is ``svg`` with the grad
    texts replaced by ``text_0 ...`` (escaped by the caller).
    """
    slots = []
    for node in order:
        node_id = f"n{index[node]}"
        start = svg.find(f'<g id="{node_id}" class="node">')
        if start < 0:
            raise ValueError(f"trace frames: node {node_id} not found in dot's SVG output")
        end = svg.find("</g>", start)
        cut = svg.rfind("<text", start, end)
        slots.append((svg.find(">", cut) + 1, svg.find("</text>", cut, end), node))
    slots.sort(key=lambda slot: slot[0])
    pieces, last = [], 0
    for begin, stop, _ in slots:
        pieces.append(svg[last:begin])
        last = stop
    pieces.append(svg[last:])
    return [node for _, _, node in slots], pieces


_SVG_HEAD = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([\d.\s-]+)"')


def _frame(svg, p, current, receivers, edges, caption):
    """One frame: ids made unique (prefixed ``p``, e.g. ``s3_``), highlight styles, the caption below the graph."""
    svg = svg.replace(' id="', f' id="{p}')
    rules = []
    if current is not None:
        rules.append(
            f"#{p}n{current} > polygon, #{p}n{current}op > ellipse "
            f"{{ stroke: {_CURRENT}; stroke-width: 3px; fill: {_CURRENT_FILL}; }}"
        )
    for i in receivers:
        rules.append(f"#{p}n{i} > polygon {{ stroke: {_RECEIVER}; stroke-width: 3px; fill: {_RECEIVER_FILL}; }}")
    for e in edges:
        rules.append(f"#{p}{e} path {{ stroke: {_CURRENT}; stroke-width: 2.5px; }}")
        rules.append(f"#{p}{e} polygon {{ stroke: {_CURRENT}; fill: {_CURRENT}; }}")
        rules.append(f"#{p}{e} text {{ fill: {_CURRENT}; font-weight: bold; }}")
    style = "<style>\n" + "\n".join(rules) + "\n</style>\n"
    if not caption:
        open_end = svg.find(">", svg.find("<svg")) + 1
        return svg[:open_end] + "\n" + style + svg[open_end:]
    # the caption: lines of monospace text in a band added below the drawing
    m = _SVG_HEAD.search(svg)
    if m is None:
        raise ValueError("trace frames: unexpected SVG header from dot (no width/height/viewBox)")
    width, height = float(m.group(1)), float(m.group(2))
    line_height, char_width, pad = 15.0, 7.3, 8.0
    new_width = max(width, max(len(line) for line in caption) * char_width + 2 * pad)
    new_height = height + pad + line_height * len(caption) + pad
    size = f'width="{new_width:.2f}pt" height="{new_height:.2f}pt"'
    head = f'<svg {size} viewBox="0.00 0.00 {new_width:.2f} {new_height:.2f}"'
    band = [f'<rect x="0" y="0" width="{new_width:.2f}" height="{new_height:.2f}" fill="white"/>']
    texts = []
    for j, line in enumerate(caption):
        y = height + pad + line_height * (j + 0.8)
        weight = ' font-weight="bold"' if j == 0 else ""
        texts.append(
            f'<text class="caption" x="{pad:.2f}" y="{y:.2f}" font-family="monospace" font-size="12"{weight} '
            f'xml:space="preserve">{html.escape(printable(line), quote=False)}</text>'
        )
    open_end = svg.find(">", m.end()) + 1
    svg = svg[: m.start()] + head + svg[m.end() : open_end] + "\n" + style + band[0] + svg[open_end:]
    close = svg.rfind("</svg>")
    return svg[:close] + "\n".join(texts) + "\n" + svg[close:]
