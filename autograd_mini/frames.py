"""The pictures of a step-by-step trace, cut from one drawing: where each node's gradient text stands in dot's SVG,
one frame's highlight and caption, and the budgets that keep a page of them from exploding.

``trace.py`` (the frames as SVG files) and ``notebook.py`` (the stepper, one SVG whose texts a script changes) both
use these, so they live here and neither imports the other's private parts.
"""

import html
import re

from autograd_mini.text import printable

__all__ = [
    "CURRENT",
    "CURRENT_FILL",
    "DEFAULT_MAX_FRAMES",
    "MAX_PAGE_BYTES",
    "PageTooLargeError",
    "RECEIVER",
    "RECEIVER_FILL",
    "UNKNOWN",
    "check_bytes",
    "frame_svg",
    "grad_slots",
]

DEFAULT_MAX_FRAMES = 300  # SVG files of frames (write_frames) beyond this are refused: each is the whole graph
MAX_PAGE_BYTES = 20_000_000  # a step page or a notebook's stepper beyond this is refused (shown as its table instead)

CURRENT = "#d62728"  # the node being processed, its op and edges
CURRENT_FILL = "#fecaca"
RECEIVER = "#7c3aed"  # operands that receive a contribution in this step: violet, unlike every role colour
RECEIVER_FILL = "#ede9fe"
UNKNOWN = "grad ?"  # a gradient the backward pass has not reached yet


class PageTooLargeError(ValueError):
    """A page or a set of frames over its budget (``max_frames``, ``max_bytes``): the message names the option."""


def size_text(n):
    """A number of bytes for people: ``840 kB``, ``209.0 MB``."""
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def check_bytes(size, max_bytes, what, detail=""):
    """Refuse ``size`` bytes beyond ``max_bytes``, in one line naming the limit and how to raise it."""
    if size > max_bytes:
        raise PageTooLargeError(
            f"{what}: about {size_text(size)}{' (' + detail + ')' if detail else ''}, more than "
            f"max_bytes={max_bytes} ({size_text(max_bytes)}); pass max_bytes={size} to make it anyway, or trace a "
            f"smaller expression"
        )


# -- SVG surgery on dot's output -------------------------------------------------------------------------------


def grad_slots(svg, order, index):
    """Where each node's grad text stands in ``svg``: the last text of its group ``v{i}`` (the record's grad field).

    Returns the nodes in the order their slots appear and the pieces of ``svg`` around the slots (one more piece
    than nodes), so that ``pieces[0] + text_0 + pieces[1] + ... + text_last + pieces[-1]`` is ``svg`` with the grad
    texts replaced by ``text_0 ...`` (escaped by the caller).
    """
    slots = []
    for node in order:
        node_id = f"v{index[node]}"
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


def frame_svg(svg, p, current, receivers, edges, caption):
    """One frame: ids made unique (prefixed ``p``, e.g. ``s3_``), highlight styles, the caption below the graph."""
    svg = svg.replace(' id="', f' id="{p}')
    rules = []
    if current is not None:
        rules.append(
            f"#{p}v{current} > polygon, #{p}v{current}op > ellipse "
            f"{{ stroke: {CURRENT}; stroke-width: 3px; fill: {CURRENT_FILL}; }}"
        )
    for i in receivers:
        rules.append(f"#{p}v{i} > polygon {{ stroke: {RECEIVER}; stroke-width: 3px; fill: {RECEIVER_FILL}; }}")
    for e in edges:
        rules.append(f"#{p}{e} path {{ stroke: {CURRENT}; stroke-width: 2.5px; }}")
        rules.append(f"#{p}{e} polygon {{ stroke: {CURRENT}; fill: {CURRENT}; }}")
        rules.append(f"#{p}{e} text {{ fill: {CURRENT}; font-weight: bold; }}")
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
