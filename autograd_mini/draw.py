"""Drawing the computation graph with Graphviz: ``draw_dot(root)`` -> ``graphviz.Digraph``.

Each ``Value`` is a record box ``name | data | grad``, its name the one every view gives it (``naming.node_names``:
its label, or n1, n2 ... for the unlabelled, with what it computes beside it where that helps); each operation is
its own small node between its operands and its result, so the picture reads as the forward pass (left to right, or
top to bottom where that fits a screen better: ``layout.choose_rankdir``) and the chain rule backwards: for a node
``out = f(a, b)``

    dL/da += dL/dout * dout/da        dL/db += dL/dout * dout/db

and ``edge_labels=True`` writes the local derivative ``dout/da`` on the edge from ``a`` into the op, read from the
same op rule (``Value.local_grads()``, ``ops.py``) that ``backward()`` uses.

The drawing is deterministic: the boxes' ids come from the topological numbering of the graph (``v0`` is the first
input, the root has the largest number), never from ``id()``, so the same expression gives byte-identical DOT
source on every run. Building the ``Digraph`` needs only the ``graphviz`` Python package; rendering it (``.pipe()``,
``.render()``, Jupyter's inline display) needs the Graphviz program ``dot``, and says how to install it if missing.
``.pipe()`` stops ``dot`` after ``DOT_TIME_LIMIT`` seconds (``dot_time_limit(seconds)`` changes it for a block), and
``dot`` ends with the Python process that waits for it (on Ctrl-C, or any exception raised while it runs).
"""

import contextlib
import html
import shutil
import subprocess
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import graphviz

from autograd_mini.engine import Value
from autograd_mini.files import check_target, write_bytes, write_text
from autograd_mini.layout import BOX_HEIGHT, TB_RANKSEP, choose_rankdir, layout_widths
from autograd_mini.naming import (
    PARAMETER_LABEL,
    ROLE_COLORS,
    as_roots,
    expressions,
    graph_order,
    graph_roles,
    node_names,
    number_formatter,
    param_names,
)
from autograd_mini.text import escape_record, escape_text, printable

__all__ = ["DEFAULT_MAX_NODES", "DOT_TIME_LIMIT", "Drawing", "GraphTooLargeError", "GraphvizNotFoundError",
           "GraphvizTimeoutError", "PARAMETER_LABEL", "ROLE_COLORS", "SUMMARY_ABOVE", "dot_installed",
           "dot_time_limit", "draw_dot", "graph_roles", "node_names", "write_drawing"]  # fmt: skip

DEFAULT_MAX_NODES = 2000  # Values; the dot graph has about twice as many nodes (one op node per non-leaf)
DOT_TIME_LIMIT = 20.0  # seconds dot may take to lay out one drawing; then it is stopped (dot_time_limit changes it)
MAX_LEAF_USES = 8  # a leaf used more often is drawn again at each further use: dot slows badly on wide fan-out
# Above this many Values draw_dot draws a summary unless told summary=False: micrograd's MLP(2, [16, 16, 1]) has
# 687 Values in one forward pass, and drawn in full it is 14,000 pt wide (a 1.4 MB SVG), unreadable at any size.
SUMMARY_ABOVE = 300

_OP_FILL = "#ffffff"
_HIGHLIGHT = "#d62728"

INSTALL_GRAPHVIZ = (
    "Install the Graphviz program (the Python package `graphviz` alone is not enough): "
    "Debian/Ubuntu `sudo apt-get install graphviz`, Fedora `sudo dnf install graphviz`, "
    "macOS `brew install graphviz`, conda `conda install -c conda-forge graphviz`, "
    "Windows `winget install graphviz` (then put its bin folder on PATH). "
    "Without it the drawing's DOT text is still available as `.source`."
)


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Rendering needs the Graphviz program ``dot``, and it is not on PATH. Says how to install it."""

    def __init__(self, what):
        RuntimeError.__init__(
            self, f"{what} needs the Graphviz program `dot`, which was not found on PATH. " + INSTALL_GRAPHVIZ
        )


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: dot would run for minutes and draw an unreadable picture."""


class GraphvizTimeoutError(RuntimeError):
    """``dot`` took longer than the time limit (``DOT_TIME_LIMIT``, ``dot_time_limit``) and was stopped."""


_time_limit: list[float | None] = [DOT_TIME_LIMIT]


@contextlib.contextmanager
def dot_time_limit(seconds: float | None) -> Iterator[None]:
    """Within the block, ``Drawing.pipe`` stops ``dot`` after ``seconds`` (None: no limit)."""
    if seconds is not None and not seconds > 0:
        raise ValueError(f"dot_time_limit({seconds!r}): give a number of seconds > 0, or None for no limit")
    saved = _time_limit[0]
    _time_limit[0] = seconds
    try:
        yield
    finally:
        _time_limit[0] = saved


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering errors say how to install Graphviz when ``dot`` is missing, and whose
    ``.pipe(format=...)`` stops ``dot`` after the time limit (``GraphvizTimeoutError``).

    Everything else is graphviz's: ``.source``, ``.render(...)``, and inline display in Jupyter
    (``_repr_mimebundle_``, which goes through ``.pipe``).
    """

    def pipe(  # graphviz's pipe, with a time limit on the common call
        self, format: str | None = None, *args: Any, encoding: str | None = None, quiet: bool = False, **kwargs: Any
    ) -> Any:
        if args or kwargs:  # a renderer, a formatter ...: graphviz's own pipe, without a time limit
            kwargs.update(encoding=encoding, quiet=quiet)
            return _saying_how_to_install(super().pipe, "Digraph.pipe", (format, *args), kwargs)
        out = _run_dot([self.engine, f"-T{format or self.format}"], self.source.encode(self.encoding))
        return out if encoding is None else out.decode(encoding)

    def render(self, *args, **kwargs):
        return _saying_how_to_install(super().render, "Digraph.render", args, kwargs)

    alt_text = "A computation graph"  # draw_dot says what this one shows

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """graphviz's SVG for notebooks, and the same SVG in HTML with its alternative text (``role="img"``,
        ``aria-label``): what JupyterLab and nbconvert show, so that an exported notebook's picture says what it
        is (nbconvert writes a bare SVG as an ``<img>`` without ``alt``)."""
        bundle = super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        svg = bundle.get("image/svg+xml")
        if svg is not None and "text/html" not in (exclude or ()):
            label = html.escape(printable(self.alt_text))
            inline = svg[svg.find("<svg") :].replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
            bundle["text/html"] = f'<div class="am-drawing" style="overflow-x:auto">{inline}</div>'
        return bundle


def _saying_how_to_install(method, name, args, kwargs):
    """Call graphviz's ``method``; when ``dot`` is missing, raise ``GraphvizNotFoundError`` (how to install it)."""
    try:
        return method(*args, **kwargs)
    except graphviz.ExecutableNotFound as err:
        if isinstance(err, GraphvizNotFoundError):
            raise
        raise GraphvizNotFoundError(f"Rendering the drawing ({name})") from err


def _run_dot(cmd: list[str], source: bytes) -> bytes:
    """Run ``dot`` on ``source`` within the time limit; its output (bytes). ``subprocess.run`` kills ``dot`` when
    the limit passes or anything interrupts the wait (Ctrl-C, a signal handler's exception), so none is left."""
    limit = _time_limit[0]
    try:
        done = subprocess.run(cmd, input=source, capture_output=True, timeout=limit)
    except FileNotFoundError:
        raise GraphvizNotFoundError("Rendering the drawing (Digraph.pipe)") from None
    except subprocess.TimeoutExpired:
        raise GraphvizTimeoutError(
            f"dot did not finish laying out the drawing within {limit:g} s and was stopped; draw fewer nodes "
            f"(draw_dot(..., summary=True) draws one box of counts) or allow more time with dot_time_limit(seconds)"
        ) from None
    if done.returncode != 0:
        raise graphviz.CalledProcessError(done.returncode, cmd, output=done.stdout, stderr=done.stderr)
    return done.stdout


def dot_installed() -> bool:
    """True when the Graphviz program ``dot`` is on PATH: rendering needs it, building a drawing does not."""
    return shutil.which("dot") is not None


def write_drawing(dot: graphviz.Digraph, stem: str | Path, *, render: bool | None = None) -> list[Path]:
    """Write the drawing ``dot`` as ``{stem}.svg`` and ``{stem}.png``; returns the paths written.

    Without the Graphviz program ``dot`` the pictures cannot be made: then the DOT source is written as
    ``{stem}.gv`` (one path returned, ending in ``.gv``; ``INSTALL_GRAPHVIZ`` says how to get ``dot``, and
    ``dot -Tsvg {stem}.gv -o {stem}.svg`` renders it afterwards). ``render``: True or False to decide instead of
    looking for ``dot`` on PATH.
    """
    stem = str(stem)
    if not (dot_installed() if render is None else render):
        return [write_text(f"{stem}.gv", dot.source)]
    pictures = {f"{stem}.{fmt}": dot.pipe(format=fmt) for fmt in ("svg", "png")}  # both, or none written
    for path in pictures:  # both or neither: a link or a folder at either name is refused before one is written
        check_target(path)
    return [write_bytes(path, data) for path, data in pictures.items()]  # never through a link (files.py)


# -- helpers ---------------------------------------------------------------------------------------------------


def op_label(node, fmt, hide_constants=True):
    """The op node's text: ``*``, ``tanh``; with a number mixed in and hidden, ``* 3`` or (reflected) ``3 -``."""
    op = node.op
    b = node.operands[1] if len(node.operands) == 2 else None
    if hide_constants and b is not None and not isinstance(b, Value):
        return op.write("", fmt(b))  # the Value's place left empty: "* 3", and for a reflected op "3 -"
    return op.symbol


def _depth(order):
    depth: dict[Value, int] = {}
    for node in order:
        depth[node] = 1 + max((depth[c] for c in node.children), default=0)
    return max(depth.values())


def _layer_lines(layers, order):
    """The summary's lines for ``layers`` ({name: the layer's parameters}): how many of each layer's parameters the
    graph uses. The caller knows what a layer is (``nn``'s ``MLP.layer_groups()`` says it for its networks)."""
    if layers is None:
        return []
    if not isinstance(layers, Mapping):
        raise TypeError(
            f"draw_dot(layers=...) takes a mapping {{layer name: its parameters (Values)}}, such as "
            f"model.layer_groups(); got {type(layers).__name__} {layers!r:.80}"
        )
    in_graph = set(order)
    lines = []
    for name, params in layers.items():
        count = sum(1 for p in params if p in in_graph)
        lines.append(f"  {name}, {count} parameter{'' if count == 1 else 's'}")
    return lines


def _summary(order, roots, roles, fmt, rankdir, title, layers):
    """One box of counts instead of the graph: what is in it, by role and by op, and the output's value."""
    ops = Counter(node.op.name for node in order if node.op is not None)
    by_role = Counter(roles.values())
    lines = [title] if title else []
    lines.append(f"computation graph: {len(order)} values, {sum(ops.values())} operations, depth {_depth(order)}")
    lines.append("  " + ", ".join(f"{n} {role}" for role in ROLE_COLORS if (n := by_role[role])))
    lines += _layer_lines(layers, order)
    lines.append("operations: " + ", ".join(f"{name} x{n}" for name, n in sorted(ops.items())))
    for r in roots[:10]:
        name = r.label or "output"
        lines.append(f"{name}: data {fmt(r.data)}, grad {fmt(r.grad)}")
    if len(roots) > 10:
        lines.append(f"... and {len(roots) - 10} more outputs")
    every = "summary=False" + (f", max_nodes={len(order)}" if len(order) > DEFAULT_MAX_NODES else "")
    lines.append(f"(a summary of {len(order)} values; draw_dot(..., {every}) draws every node)")
    dot = Drawing(name="autograd_mini", graph_attr={"rankdir": rankdir or "LR"})
    text = graphviz.nohtml("".join(escape_text(line) + r"\l" for line in lines))  # \l: the line left-aligned
    dot.node("summary", label=text, shape="note", fontname="Courier")
    dot.alt_text = "A summary of " + "; ".join(line.strip() for line in lines[int(bool(title)) : -1])
    return dot


# -- draw_dot --------------------------------------------------------------------------------------------------


def draw_dot(
    root: Value | Sequence[Value],
    *,
    rankdir: str | None = None,
    hide_constants: bool = True,
    color_roles: bool = True,
    edge_labels: bool = False,
    highlight: Value | str | None = None,
    number_format: str | Callable[[float], str] = ".4g",
    params: Any = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    summary: bool | None = None,
    title: str | None = None,
    show_grad: bool = True,
    key: bool = False,
    layers: Mapping[str, Any] | None = None,
    _grad_text: Callable[[Value], str] | None = None,
    _names: dict[Value, str] | None = None,
) -> "Drawing":
    """Draw the graph behind ``root`` (a Value, or a list of Values) as a ``graphviz.Digraph``.

    Every box is ``name | data | grad``: the node's label, or ``n1``, ``n2`` ... for the nodes without one
    (``naming.node_names``: the names the step-by-step trace and the compiled program use), and beside a numbered
    node the expression it stands for where that helps (``n3 = x1*w1 + x2*w2``).

    - ``rankdir``: ``"LR"`` (left to right), ``"TB"`` (top to bottom), or None (default): left to right when the
      drawing fits about 1000 px (``FIT_WIDTH`` points), otherwise the narrower of the two (``choose_rankdir``).
    - ``hide_constants``: numbers mixed into an op are written inside the op node (``* 3``, ``3 -``); with False
      each gets a small dashed box of its own.
    - ``color_roles``: fill boxes by role, inputs blue, parameters amber, intermediates grey, outputs green.
    - ``edge_labels``: write the local derivative d out / d operand on each edge into an op.
    - ``highlight``: a leaf (Value, or its label) whose path to the root is drawn in red: the chain of local
      derivatives whose product is d root / d leaf.
    - ``number_format``: format spec for data, grad and edge labels (default ``".4g"``) or a function float -> str.
    - ``params``: ``model.named_parameters()``, a model, a dict name -> Value, or Values: drawn as parameters, and
      named by these names where the Value has no label.
    - ``summary``: True draws one box of counts (values, ops by kind, depth, the output) instead of every node;
      False draws every node; None (default) draws every node up to ``SUMMARY_ABOVE`` (300) Values and the summary
      above that, with a warning that says ``summary=False`` draws every node. ``layers``: {layer name: its
      parameters}, e.g. ``model.layer_groups()`` of an ``nn`` network, adds a line per layer to the summary.
    - ``max_nodes``: a drawing of every node with more Values is refused (``GraphTooLargeError``).
      A leaf used more than ``MAX_LEAF_USES`` times is drawn again (dashed) at each further use: ``x+x+...+x``
      with one box and hundreds of edges would take dot minutes.
    - ``title``: a caption above the graph. ``show_grad``: include the grad field.
    - ``key``: add a colour key (input, parameter, intermediate, output) for pictures shown without the text.
    """
    roots = as_roots(root)
    _check_options(rankdir, max_nodes, key, color_roles)
    fmt = number_formatter(number_format)
    given = param_names(params)
    order = graph_order(roots)
    roles = graph_roles(order, roots, given)
    if _as_summary(summary, len(order), max_nodes):
        return _summary(order, roots, roles, fmt, rankdir, title, layers)
    names = _names if _names is not None else node_names(order, given)
    fields = _record_fields(order, names, fmt, _grad_text if show_grad else None, show_grad)
    locals_ = {node: node.local_grads() for node in order if node.op is not None} if edge_labels else {}
    if rankdir is None:
        op_texts = {node: op_label(node, fmt, hide_constants) for node in order if node.op is not None}
        edge_texts = {node: [fmt(g) for g in grads] for node, grads in locals_.items()}
        rankdir = choose_rankdir(*layout_widths(order, fields, op_texts, edge_texts))
    dot = Drawing(
        name="autograd_mini",
        graph_attr=_graph_attributes(rankdir, title, set(roles.values()) if key else None),
        node_attr={"fontname": "Helvetica", "fontsize": "11", "height": BOX_HEIGHT},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"},
    )
    path = _path_to_root(highlight, order, roots) if highlight is not None else set()
    _add_graph(dot, order, fields, roles if color_roles else None, path, locals_, rankdir in ("LR", "RL"), fmt,
               hide_constants)  # fmt: skip
    dot.alt_text = _alt_text(order, roots, names, roles, fmt)
    return dot


def _as_summary(summary, size, max_nodes):
    """Whether to draw one box of counts: as asked, or (None) above ``SUMMARY_ABOVE`` Values, saying so; a drawing of
    every node over ``max_nodes`` Values is refused."""
    if summary is None and size > SUMMARY_ABOVE:
        warnings.warn(
            f"draw_dot: the graph has {size} values, too many to read in one picture, so it is drawn as a "
            f"summary (counts by role and op, the output). Pass summary=False to draw every node.",
            stacklevel=3,
        )
        return True
    if not summary and size > max_nodes:
        raise GraphTooLargeError(
            f"draw_dot: the graph behind this Value has {size} nodes (Values), more than "
            f"max_nodes={max_nodes}; dot would take a long time and the picture would be unreadable. "
            f"Pass max_nodes={size} to draw it anyway, or summary=True for one box of counts."
        )
    return bool(summary)


def _check_options(rankdir, max_nodes, key, color_roles):
    if rankdir not in (None, "LR", "TB", "RL", "BT"):
        raise ValueError(
            f"draw_dot(rankdir={rankdir!r}): use 'LR' (left to right), 'TB' (top to bottom) or None (by the shape)"
        )
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_dot(max_nodes={max_nodes!r}) must be a positive whole number")
    if key and not color_roles:
        raise ValueError("draw_dot(key=True) explains the role colours; it needs color_roles=True")


def _record_fields(order, names, fmt, grad_text, show_grad):
    """{node: the texts of its box}: its name (with the expression beside a numbered node where that helps), its
    data, and its grad (``grad_text(node)`` where the trace gives one)."""
    shown = expressions(order, names)
    fields = {}
    for node in order:
        grad = (grad_text(node) if grad_text is not None else f"grad {fmt(node.grad)}") if show_grad else None
        name = f"{names[node]} = {shown[node]}" if node in shown else names[node]
        fields[node] = [text for text in (name, f"data {fmt(node.data)}", grad) if text is not None]
    return fields


def _graph_attributes(rankdir, title, key_roles):
    """The graph's own attributes: the layout, and the title above it, with the colour key of ``key_roles``."""
    attributes = {"rankdir": rankdir, "fontname": "Helvetica"}
    if rankdir in ("TB", "BT"):
        attributes["ranksep"] = TB_RANKSEP
    if key_roles is not None:
        # a picture with its key is made to stand alone (README, slides): an opaque background for dark themes
        attributes.update(label=_key_label(title, key_roles), labelloc="t", bgcolor="white")
    elif title:
        attributes.update(label=escape_text(title), labelloc="t")
    return attributes


def _alt_text(order, roots, names, roles, fmt):
    """The drawing in words: what it computes from what, for a screen reader and an exported notebook."""
    ops = sum(1 for node in order if node.op is not None)
    outputs = ", ".join(f"{names[r]} = {fmt(r.data)}" for r in roots[:5])
    words = [f"The computation graph of {outputs}: {len(order)} values, {ops} operation{'' if ops == 1 else 's'}"]
    for role in ("input", "parameter"):
        leaves = [names[node] for node in order if roles[node] == role]
        if leaves:
            more = f" and {len(leaves) - 10} more" if len(leaves) > 10 else ""
            words.append(f"{role}s {', '.join(leaves[:10])}{more}")
    return "; ".join(words)


def _add_graph(dot, order, fields, roles, path, locals_, horizontal, fmt, hide_constants):
    """Each Value as a record box ``v{i}`` (i its topological number), each op as an ellipse ``v{i}op`` between its
    operands and its result; the edge from operand k into the op is ``e{i}_{k}``, from the op to its result
    ``e{i}_out``. ``path`` (the highlighted nodes) in red; ``locals_`` {node: local derivatives} on the edges."""
    index = {node: i for i, node in enumerate(order)}
    boxes = {}  # node -> its box's attributes, for the copies of a leaf used more than MAX_LEAF_USES times
    uses: Counter[Value] = Counter()
    red = {"color": _HIGHLIGHT, "penwidth": "2.5"}
    for i, node in enumerate(order):
        nid = f"v{i}"
        record = " | ".join(escape_record(text) for text in fields[node])
        attrs = {"shape": "record", "id": nid, "label": graphviz.nohtml("{ " + record + " }" if horizontal else record)}
        if roles is not None:
            attrs.update(style="filled", fillcolor=ROLE_COLORS[roles[node]])
        dot.node(nid, **attrs, **(red if node in path else {}))
        boxes[node] = attrs
        if node.op is None:
            continue
        oid = f"v{i}op"
        op_attrs = {"id": oid, "label": escape_text(op_label(node, fmt, hide_constants)), "shape": "ellipse"}
        op_attrs.update(style="filled", fillcolor=_OP_FILL, margin="0.05,0.02", height="0.3")
        dot.node(oid, **op_attrs, **(red if node in path else {}))
        dot.edge(oid, nid, id=f"e{i}_out", **(red if node in path else {}))
        # a - b, a / b, a ** b of two Values: the edges say which operand is which
        two_values = not node.op.commutative and len(node.children) == 2
        for k, operand in enumerate(node.operands):
            eid = f"e{i}_{k}"
            if not isinstance(operand, Value):
                if not hide_constants:  # a number mixed into the op, drawn as its own small box
                    cid = f"v{i}c"
                    dot.node(cid, id=cid, label=escape_text(fmt(operand)), shape="box", style="dashed", fontsize="10")
                    dot.edge(cid, oid, id=eid, style="dashed")
                continue
            tags = (["ab"[k]] if two_values else []) + ([fmt(locals_[node][k])] if node in locals_ else [])
            attrs = {"id": eid}
            if tags:
                attrs["label"] = escape_text(": ".join(tags))
            if node in path and operand in path:
                attrs.update(red, fontcolor=_HIGHLIGHT)
            source = f"v{index[operand]}"
            uses[operand] += 1
            if operand.op is None and uses[operand] > MAX_LEAF_USES:
                # the same leaf once more, dashed: one box with hundreds of edges takes dot minutes to lay out
                copy = f"{source}_{uses[operand]}"
                style = "filled,dashed" if roles is not None else "dashed"
                dot.node(copy, **{**boxes[operand], "id": copy, "style": style})
                source = copy
            dot.edge(source, oid, **attrs)


def _key_label(title, present):
    """The graph's label as a Graphviz HTML-like table: the title, and below it the role colours in the graph."""
    cells = "".join(f'<td bgcolor="{color}">{role}</td>' for role, color in ROLE_COLORS.items() if role in present)
    key = f'<table border="0" cellborder="1" cellspacing="0" cellpadding="3"><tr>{cells}</tr></table>'
    rows = f"<tr><td>{html.escape(title, quote=False)}</td></tr>" if title else ""
    rows += f"<tr><td>{key}</td></tr>"
    return f'<<table border="0" cellspacing="4">{rows}</table>>'


def _path_to_root(highlight, order, roots):
    """The nodes on some path from the leaf ``highlight`` to a root: the leaf and everything computed from it.

    Document 000 (section "Simples Netzwerk") follows exactly such a chain: by the chain rule the derivative of the
    error with respect to a weight is the product of the local derivatives along the inputs' order, weight ->
    weighted input -> activation -> error (in Grant Sanderson's notation dC/dw = dz/dw * da/dz * dC/da). With
    ``edge_labels=True`` those local derivatives stand on the red edges; where several paths lead from the leaf to
    the root, d root / d leaf is the sum over the paths of these products.
    """
    if isinstance(highlight, str):
        matches = [node for node in order if node.label == highlight]
        if len(matches) != 1:
            leaves = sorted({node.label for node in order if node.op is None and node.label})
            what = "no node" if not matches else f"{len(matches)} nodes"
            raise ValueError(
                f"draw_dot(highlight={highlight!r}): {what} in the graph has this label; pass the Value itself, "
                f"or one of the leaf labels {leaves[:20]}"
            )
        highlight = matches[0]
    if not isinstance(highlight, Value):
        raise TypeError(
            f"draw_dot(highlight=...) takes a Value in the graph or its label, got "
            f"{type(highlight).__name__} {highlight!r:.80}"
        )
    path = {highlight}
    found = False
    for node in order:
        if node is highlight:
            found = True
        elif found and any(c in path for c in node.children):
            path.add(node)
    if not found:
        raise ValueError(
            f"draw_dot(highlight={highlight!r}): this Value is not in the graph behind the root, so the root does "
            f"not depend on it; pass a leaf the root was computed from"
        )
    return path
