"""Which way to lay a drawing out: left to right or top to bottom, chosen from the graph's shape before ``dot`` runs.

A projector or a laptop's browser window shows about 1000 px. micrograd's neuron, drawn left to right, is about
1,400 pt wide (1,870 px) and three boxes high; top to bottom it is 630 pt wide. ``layout_widths`` estimates both
widths from the ranks ``dot`` will use and the text in each box, ``choose_rankdir`` picks one: left to right (the
forward pass reads as a sentence) when that fits, otherwise the narrower.
"""

from autograd_mini.engine import Value

__all__ = ["BOX_HEIGHT", "FIT_WIDTH", "TALLEST", "TB_RANKSEP", "choose_rankdir", "layout_widths", "text_width"]

# dot's rendering of Helvetica at 11 pt, measured (characters per em): most letters and digits 0.62, the narrow
# and wide ones below. Only to choose a layout: an estimate a few percent off changes nothing that matters.
_EM = {**dict.fromkeys("iljI'|", 0.28), **dict.fromkeys("frt()[]!,-./:; ", 0.38), **dict.fromkeys("*_`", 0.48),
       **dict.fromkeys("csvkzyF?L", 0.55), **dict.fromkeys("ABCKRVXZ&", 0.68), **dict.fromkeys("DGHNUOQ+=<>~^#", 0.8),
       **dict.fromkeys("mwMW@%", 0.95)}  # fmt: skip
FIT_WIDTH = 750  # points: 1000 px at 96 px per inch, what a projector or a laptop's browser window shows
_RANKSEP, _NODESEP, _MARGIN = 36.0, 18.0, 16.0  # dot's defaults, in points (0.5 in, 0.25 in, 2 x 4 pt)
# Top to bottom, the ranks closer than dot's 0.5 in, and the boxes lower (BOX_HEIGHT, dot's 0.5 in is 36 pt): the
# stepper's picture of micrograd's neuron is then 398 pt high (531 px) instead of 613 (469 with only the ranks closer),
# and a 1024 x 768 window shows it whole with the step's caption under it, its edges and their labels still clear of
# each other.
TB_RANKSEP = "0.2"
BOX_HEIGHT = "0.35"  # inches: 25 pt, room for a line of 11 pt text and its margins
TALLEST = 4000  # points: a top-to-bottom drawing higher than this (about seven screens) is drawn left to right


def text_width(text: str, size: float = 11.0) -> float:
    """About how wide dot draws ``text`` in Helvetica at ``size`` pt, in points."""
    return size * sum(_EM.get(c, 0.62 if ord(c) < 0x2E80 else 1.0) for c in text)


def _record_width(fields):
    return max(54.0, sum(text_width(f) + 16.0 for f in fields))  # 8 pt either side of each field; at least 0.75 in


def _op_width(text):
    return max(54.0, 1.45 * text_width(text) + 10.0)  # an ellipse around the text


def layout_widths(order, fields, op_texts, edge_texts):
    """(width left to right, width top to bottom, height top to bottom) of the drawing, estimated in points from
    the graph's shape.

    dot puts every node on a rank: a leaf just before the first op that uses it, an op one rank after its last
    operand, a result one after its op. Left to right, the ranks stand side by side (widest node of each, and the
    gap between them, wider where an edge into an op carries a label); top to bottom, a rank's nodes stand side by
    side, and the widest rank is the drawing's width."""
    rank: dict[Value, int] = {}
    first_use: dict[Value, int] = {}  # a leaf -> the rank of the first op that uses it
    for node in order:  # results and their ops; leaves after
        if node.op is not None:
            rank[node] = 2 + max((rank.get(c, 0) for c in node.children), default=0)
            for c in node.children:
                first_use[c] = min(first_use.get(c, rank[node] - 1), rank[node] - 1)
    for node in order:
        if node.op is None:
            rank[node] = first_use.get(node, 1) - 1
    columns: dict[int, list[float]] = {}
    labels: dict[int, float] = {}
    for node in order:
        columns.setdefault(rank[node], []).append(_record_width(fields[node]))
        if node.op is not None:
            columns.setdefault(rank[node] - 1, []).append(_op_width(op_texts[node]))
            for text in edge_texts.get(node, ()):
                labels[rank[node] - 1] = max(labels.get(rank[node] - 1, 0.0), text_width(text, 9.0) + 4.0)
    lr = sum(max(widths) for widths in columns.values()) + _RANKSEP * (len(columns) - 1) + sum(labels.values())
    tb = max(sum(ws) + _NODESEP * (len(ws) - 1) + (labels.get(r, 0.0) * len(ws) if r in labels else 0.0)
             for r, ws in columns.items())  # fmt: skip
    # top to bottom, a rank of boxes is BOX_HEIGHT high, a rank of ops 22 pt, and the ranks TB_RANKSEP apart
    box = 72 * float(BOX_HEIGHT)
    height = sum(22.0 if r % 2 else box for r in columns) + 72 * float(TB_RANKSEP) * (len(columns) - 1)
    return lr + _MARGIN, tb + _MARGIN, height + _MARGIN


def choose_rankdir(lr_width: float, tb_width: float, tb_height: float = 0.0, fit: float = FIT_WIDTH) -> str:
    """Left to right (the forward pass reads as a sentence) when that fits ``fit`` points; otherwise top to bottom
    when that is narrower and at most ``TALLEST`` high, else left to right: micrograd's neuron is about 1,400 pt wide
    left to right and 630 x 400 pt top to bottom; a chain of 300 sums is 28,000 pt either way, and dot takes ten
    times as long to make the tall PNG as the wide one."""
    if lr_width <= fit:
        return "LR"
    return "TB" if tb_width < lr_width and tb_height <= TALLEST else "LR"
