"""How the engine's objects show themselves in a notebook: the backward-pass stepper, formulas as MathML, and small
HTML helpers.

Jupyter (and VS Code, Colab, nbconvert) asks an object for ``_repr_html_()`` and shows the HTML it returns in the
cell's output. Nothing here imports IPython: the methods return strings, and any front end that understands the
convention displays them.

``stepper_html(trace)`` is what ``BackwardTrace._repr_html_`` returns: Previous/Next buttons (and the arrow keys),
one picture of the graph laid out once, the step's caption under it (its chain rule typeset as MathML), a colour key
and the whole table. The picture is one SVG; stepping changes its gradient texts and the highlight's classes, so a
page of a 300-step trace is the size of one drawing, not of 300. Several steppers can live in one notebook: every
id starts with a fresh random prefix, every style rule starts with that id, and the script looks up only its own
element. Where no script runs (GitHub's notebook preview, a front end that does not trust the output) the static
view remains: the final state, every gradient filled in, and the table.

The picture keeps its natural size (11 pt text, 9 pt edge labels) as far as it can. "whole graph" shows all of
it, scaled down only where it is wider than the output or taller than most of the window; "follow the step" keeps
the natural size and scrolls the picture to what each step is about (its node, op and the operands receiving). The
stepper starts on the whole graph when that costs the text at most 15% of its size, as it does for micrograd's
neuron at 1024 px (``draw_dot`` lays small graphs out to fit 1000 px). The captions, the key and the table are HTML
text at 15 px.

Formulas are MathML (``autograd_mini.mathml``): the captions' chain rule, and ``math_html`` and ``Math`` for LaTeX.
"""

from __future__ import annotations

import html
import json
import re
import uuid

from autograd_mini.frames import MAX_PAGE_BYTES, UNKNOWN, PageTooLargeError, check_bytes, grad_slots
from autograd_mini.mathml import chain_rule_mathml
from autograd_mini.naming import ROLE_COLORS
from autograd_mini.text import html_text, printable

__all__ = ["html_table", "live_picture", "stepper_html", "stepper_page", "unique_id"]


def unique_id(prefix="am"):
    """An id no other output in the notebook has: ``prefix-`` and 12 random hex digits (fresh per call, so two
    outputs of the same object, or outputs saved by an earlier session, never collide)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def html_table(head, rows, *, row_attrs=None, table_class="am-table", right=(), breaks=None):
    """An HTML table of text: ``head`` (strings) and ``rows`` (tuples of strings, escaped here).

    ``row_attrs``: one dict of attributes per row (``{"class": "am-bad", "data-step": "2"}``), or None.
    ``right``: the column indices to right-align (numbers that stand alone).
    ``breaks``: {column index: regular expression}: the only places a cell of that column may break onto a new line
    when the table is too wide (``= n3 + b`` over ``= x1*w1 + x2*w2 + b``); its other spaces never break.
    """
    breaks = breaks or {}

    def text(i, c):
        if i not in breaks or not c:
            return html_text(c)
        parts = breaks[i].split(c)  # the parts, with the (captured) separators between them
        return "".join(html_text(t) if k % 2 else f'<span style="white-space:nowrap">{html_text(t)}</span>'
                       for k, t in enumerate(parts))  # fmt: skip

    def cells(tag, row):
        def style(i):
            rules = ["text-align:right"] * (i in right) + ["white-space:normal"] * (i in breaks and tag == "td")
            return f' style="{";".join(rules)}"' if rules else ""

        return "".join(f"<{tag}{style(i)}>{text(i, c) if tag == 'td' else html_text(c)}</{tag}>"
                       for i, c in enumerate(row))  # fmt: skip

    lines = [f'<table class="{table_class}">', f"<thead><tr>{cells('th', head)}</tr></thead>", "<tbody>"]
    for j, row in enumerate(rows):
        attrs = row_attrs[j] if row_attrs else {}
        attr_text = "".join(f' {k}="{html_text(v)}"' for k, v in attrs.items())
        lines.append(f"<tr{attr_text}>{cells('td', row)}</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


# -- the stepper ---------------------------------------------------------------------------------------------


def _inline(svg):
    """An SVG document as an element to put inside HTML: no XML declaration, doctype or comments."""
    svg = svg[svg.find("<svg") :]
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)


def _key(colors):
    """The colour key as HTML text: the roles of the drawing, then the two highlights of a step (``colors``:
    ``BackwardTrace.COLORS``, the stroke and fill of the current node and of the receiving operands)."""

    def swatch(border, fill, text):
        return f'<span class="am-swatch" style="border-color:{border};background:{fill}"></span>{text}'

    roles = " ".join(swatch("#555", color, role) for role, color in ROLE_COLORS.items())
    return (
        f'<div class="am-key">{roles}<br>'
        + swatch(
            colors["current"][0], colors["current"][1], "this step's node, its op and edges: passes its gradient back"
        )
        + " "
        + swatch(
            colors["receiver"][0],
            colors["receiver"][1],
            "its operands: each receives upstream &times; local derivative",
        )
        + "</div>"
    )


def _caption(k, lines, rules, program, current):
    """Frame ``k``'s caption: the step's line of text, each contribution's chain rule typeset (MathML), the program's
    lines as code; only the current frame's caption is shown."""
    out = [f'<div class="am-head">{html_text(lines[0])}</div>']
    out += [chain_rule_mathml(rule) for rule in rules]
    if program:  # one line: "program: g_n1 = g_n3; g_n2 = g_n3" (two lines took the room a 768 px window lacks)
        out.append("<div>program: " + "; ".join(f"<code>{html_text(line)}</code>" for line in program) + "</div>")
    return f'<div class="am-caption{current}" data-step="{k}">' + "".join(out) + "</div>"


_STYLE = """
#{id} {{ font-family: sans-serif; font-size: 15px; line-height: 1.4; color: #111; }}
#{id}:focus {{ outline: none; }}
#{id} .am-controls {{ display: none; padding: 0.4em 0; position: sticky; top: 0; z-index: 1; background: white; }}
#{id}.am-live .am-controls {{ display: block; }}
#{id}.am-live .am-static {{ display: none; }}
#{id} .am-controls button {{ font-size: 15px; padding: 0.25em 0.9em; }}
#{id} .am-controls label {{ margin-left: 1.2em; white-space: nowrap; }}
#{id} .am-counter {{ display: inline-block; min-width: 8em; text-align: center; }}
#{id} .am-caption {{ display: none; font-family: monospace; font-size: 15px; margin: 0.3em 0; }}
#{id} .am-caption.current {{ display: block; }}
#{id} .am-caption .am-head {{ font-weight: bold; }}
#{id} .am-caption .am-rule {{ font-size: 17px; margin: 0.2em 0 0.2em 1em; }}
#{id} .am-caption .am-rule math {{ margin-right: 0.05em; }}
#{id} .am-caption .am-sofar {{ font-size: 15px; }}
#{id} .am-caption code {{ font-size: 14px; white-space: nowrap; /* a line breaks between statements only */ }}
#{id} .am-view {{ display: flex; flex-wrap: wrap; align-items: flex-start; column-gap: 1.5em; }}
#{id} .am-aside {{ flex: 1 1 20em; min-width: 18em; }}
#{id} .am-picture {{ flex: 0 1 auto; min-width: 0; overflow: auto; max-width: 100%; max-height: {height}vh; }}
#{id} .am-picture svg {{ display: block; max-width: none; height: auto; }}
#{id}.am-whole .am-picture svg {{ max-width: 100%; max-height: {height}vh; }}
#{id} .am-key {{ margin: 0.3em 0; }}
#{id} .am-swatch {{ display: inline-block; width: 0.9em; height: 0.9em; vertical-align: middle; border: 2px solid;
  margin: 0 0.3em 0 0.6em; }}
#{id} .am-tablebox {{ overflow-x: auto; max-width: 100%; }}
#{id} table.am-table {{ border-collapse: collapse; font-family: monospace; font-size: 14px; margin-top: 0.5em; }}
#{id} table.am-table th, #{id} table.am-table td {{ border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left;
  white-space: nowrap; }}
#{id} table.am-table th {{ white-space: normal; vertical-align: bottom; }}
#{id} table.am-table td {{ vertical-align: baseline; }}
#{id} table.am-table tr.am-now td {{ background: #fee2e2; }}
#{id} .am-current > polygon, #{id} .am-current > ellipse {{ stroke: {current}; stroke-width: 3px;
  fill: {current_fill}; }}
#{id} .am-receiver > polygon {{ stroke: {receiver}; stroke-width: 3px; fill: {receiver_fill}; }}
#{id} .am-edge path {{ stroke: {current}; stroke-width: 2.5px; }}
#{id} .am-edge polygon {{ stroke: {current}; fill: {current}; }}
#{id} .am-edge text {{ fill: {current}; font-weight: bold; }}
"""

# The stepper's script. DATA: the frames, each {g: [[node number, grad text] ...] (what the frame changes), c: the
# current node's number or null, r: the receiving nodes' numbers, e: the ids of the highlighted edges}; n: the number
# of nodes. Every element it touches has an id starting with the stepper's own (ID-v3, ID-g3, ID-e3_0).
_SCRIPT = """(function () {
  var root = document.getElementById("ID");
  if (!root || root.classList.contains("am-live")) { return; }
  var data = DATA;
  var box = root.querySelector(".am-picture");
  var captions = root.querySelectorAll(".am-caption");
  var rows = root.querySelectorAll("tr[data-step]");
  var prev = root.querySelector(".am-prev");
  var next = root.querySelector(".am-next");
  var counter = root.querySelector(".am-counter");
  var whole = root.querySelector(".am-view-whole");
  var follow = root.querySelector(".am-view-follow");
  var k = 0;
  function element(id) { return document.getElementById("ID-" + id); }
  function ids(frame) {
    var out = frame.c === null ? [] : ["v" + frame.c, "v" + frame.c + "op"];
    return out.concat(frame.r.map(function (i) { return "v" + i; }));
  }
  function paint(frame, on) {
    function mark(id, name) { var e = element(id); if (e) { e.classList.toggle(name, on); } }
    if (frame.c !== null) { mark("v" + frame.c, "am-current"); mark("v" + frame.c + "op", "am-current"); }
    frame.r.forEach(function (i) { mark("v" + i, "am-receiver"); });
    frame.e.forEach(function (id) { mark(id, "am-edge"); });
  }
  // Following the step, a picture larger than its box scrolls to what the step is about: the bounding box of its
  // node, op node and operands, left-aligned (top-aligned) with a margin; when that box is wider (taller) than the
  // view, its left (top) part. The browser clamps the scroll position to the picture's ends.
  function scrollToStep(frame) {
    if (root.classList.contains("am-whole")) { return; }
    var left = Infinity, top = Infinity, bottom = -Infinity;
    ids(frame).forEach(function (id) {
      var e = element(id);
      if (e) {
        var r = e.getBoundingClientRect();
        left = Math.min(left, r.left);
        top = Math.min(top, r.top);
        bottom = Math.max(bottom, r.bottom);
      }
    });
    if (left === Infinity) { return; }
    var view = box.getBoundingClientRect();
    if (box.scrollWidth > box.clientWidth) { box.scrollLeft += left - (view.left + box.clientLeft) - 16; }
    if (box.scrollHeight > box.clientHeight) {
      var inside = top - (view.top + box.clientTop), below = bottom - (view.top + box.clientTop);
      if (inside < 0 || below > box.clientHeight) { box.scrollTop += inside - 16; }
    }
  }
  function show(i) {
    paint(data.frames[k], false);
    k = Math.max(0, Math.min(data.frames.length - 1, i));
    var state = {};
    for (var j = 0; j <= k; j++) {
      data.frames[j].g.forEach(function (change) { state[change[0]] = change[1]; });
    }
    for (var n = 0; n < data.n; n++) {
      var text = element("g" + n);
      if (text) { text.textContent = n in state ? state[n] : data.unknown; }
    }
    paint(data.frames[k], true);
    for (var c = 0; c < captions.length; c++) { captions[c].classList.toggle("current", c === k); }
    for (var r = 0; r < rows.length; r++) { rows[r].classList.toggle("am-now", rows[r].dataset.step === String(k)); }
    counter.textContent = "step " + k + " of " + (data.frames.length - 1);
    scrollToStep(data.frames[k]);
    prev.disabled = k === 0;
    next.disabled = k === data.frames.length - 1;
  }
  // The whole graph, scaled down only if it must be, or the picture at its natural size following the step.
  function view(wholeGraph) {
    root.classList.toggle("am-whole", wholeGraph);
    whole.checked = wholeGraph;
    follow.checked = !wholeGraph;
    if (wholeGraph) { box.scrollLeft = 0; box.scrollTop = 0; } else { scrollToStep(data.frames[k]); }
  }
  prev.addEventListener("click", function () { show(k - 1); });
  next.addEventListener("click", function () { show(k + 1); });
  whole.addEventListener("change", function () { view(true); });
  follow.addEventListener("change", function () { view(false); });
  root.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      show(k + (e.key === "ArrowRight" ? 1 : -1));
      e.preventDefault();
      e.stopPropagation();
    }
  });
  root.classList.add("am-live");
  // start on the whole graph when it fits at FIT of its natural size or more (text at least that large)
  var picture = box.querySelector("svg");
  var size = picture.getBoundingClientRect();
  view(size.width * FIT <= box.clientWidth && size.height * FIT <= window.innerHeight * HEIGHT / 100);
  show(0);
  if (root.hasAttribute("data-autofocus")) { root.focus({ preventScroll: true }); }
})();"""

WHOLE_GRAPH_FIT = 0.85  # the stepper starts on the whole graph when it shows at 85% of its natural size or more
PICTURE_HEIGHT = 85  # percent of the window's height: the most the picture takes, so the buttons stay in reach


def _json(value):
    """JSON to put inside a <script>: no "</script>", "<!--" or "]]>" can appear in it (user text is in there)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def live_picture(trace, root_id, options):
    """The stepper's one SVG, in its final state (every gradient filled in, for a view without script), every id
    prefixed with ``root_id`` (``{root_id}-v{i}`` a node's box, ``{root_id}-v{i}op`` its op, ``{root_id}-e{i}_0`` an
    edge), each node's grad text with the id ``{root_id}-g{i}``; and the frames' data (see ``_SCRIPT``). ``options``
    go to ``trace.picture``. The playground's formula page steps the same picture with its own script."""
    svg, changes = trace.picture(**options)
    index = {node: i for i, node in enumerate(trace.order)}
    nodes, pieces = grad_slots(svg, trace.order, index)
    state = {}
    for change in changes:
        state.update(change)
    parts = []
    for node, piece in zip(nodes, pieces):
        cut = piece.rfind("<text") + len("<text")  # the grad text's own tag ends the piece before its text
        parts += [piece[:cut], f' id="g{index[node]}"', piece[cut:], html.escape(printable(state[node]), quote=False)]
    parts.append(pieces[-1])
    picture = _inline("".join(parts)).replace(' id="', f' id="{root_id}-')
    frames = []
    for k, change in enumerate(changes):
        current, receivers, edges = trace.highlight(k, index)
        texts = [[index[node], printable(text)] for node, text in change.items()]
        frames.append({"g": texts, "c": current, "r": receivers, "e": edges})
    return picture, {"frames": frames, "n": len(trace.order), "unknown": printable(UNKNOWN)}


def stepper_html(trace, *, autofocus=False, fallback=False, max_frames=None, max_bytes=None, **options):
    """The backward pass of ``trace`` as one self-contained HTML element (see the module docstring).

    ``options`` go to ``trace.picture`` (``number_format``, ``rankdir``, draw_dot's options). ``autofocus``: take
    the keyboard focus on load, so that the arrow keys step at once (the stand-alone page does; a notebook
    output must not steal the focus from the cells). ``max_frames`` (None: any number) and ``max_bytes`` (default
    ``MAX_PAGE_BYTES``) bound the page: beyond them ``PageTooLargeError`` names the option, or with ``fallback``
    (a notebook's display, where no option can be given) a note saying why and how, then the table.
    """
    from autograd_mini.draw import GraphTooLargeError, GraphvizNotFoundError, GraphvizTimeoutError

    max_bytes = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    try:
        if max_frames is not None:
            trace.check_size(len(trace.steps) + 1, max_frames, "BackwardTrace.html")
        page = _stepper(trace, autofocus, options)
        check_bytes(len(page.encode("utf-8")), max_bytes, "BackwardTrace.html")
        return page
    except (PageTooLargeError, GraphTooLargeError, GraphvizNotFoundError, GraphvizTimeoutError) as err:
        if not fallback:
            raise
        return _table_instead(trace, err, options.get("number_format", ".6g"))


TABLE_ROWS = 2000  # rows of the table shown instead of a stepper too big for a page; the rest are counted


def _table_instead(trace, err, number_format):
    """What a notebook shows of a trace it cannot show as a stepper: why, how to get the pictures, and the table."""
    box = unique_id("am-trace")
    head, rows = trace.rows(number_format, "BackwardTrace._repr_html_")
    more = len(rows) - TABLE_ROWS
    rest = f" The table below lists the first {TABLE_ROWS} rows; {more} more follow." if more > 0 else ""
    note = (
        f"<p><b>{html_text(repr(trace))}</b>: the step-by-step pictures are not shown here. "
        f"{html_text(err)}</p><p>To make them anyway, write the page with that option, e.g. "
        f"<code>trace.write_html(&quot;steps.html&quot;, max_bytes=...)</code>, or print <code>trace.table()</code>."
        f"{rest}</p>"
    )
    style = (
        f"#{box} table {{ border-collapse: collapse; font-family: monospace; }} "
        f"#{box} td, #{box} th {{ padding: 1px 8px; border-bottom: 1px solid #ddd; white-space: nowrap; }}"
    )
    table = html_table(head, rows[:TABLE_ROWS], right=(0, 3))
    return f'<div id="{box}"><style>{style}</style>{note}<div style="overflow-x:auto">{table}</div></div>'


def _stepper(trace, autofocus, options):
    root_id = unique_id("am-trace")
    picture, data = live_picture(trace, root_id, options)
    captions = trace.captions(options.get("number_format", ".4g"))
    rules = trace.chain_rules(options.get("number_format", ".4g"))
    last = len(captions) - 1
    head, rows = trace.rows(options.get("number_format", ".6g"), "BackwardTrace._repr_html_")
    steps: list[str] = []
    for row in rows:  # the step number stands on a step's first row only
        steps.append(row[0] or steps[-1])
    # At 1024 px the table was 1,316 px wide, "before + product = after" behind a sideways scroll: the headings
    # wrap (the partial as the fraction it is, over its '/'); "= computed as", the product and the sum may break
    # before an '=' (long numbers: "2.45765e-05 * -3" over "= -7.37296e-05"), the sum before its note too
    before_equals = re.compile(r"( )(?==)")
    breaks = {2: before_equals, 6: before_equals, 7: re.compile(r"( +)(?=[=(])")}
    head = (*head[:2], head[2].replace("= ", "=\u00a0", 1), *head[3:])  # never "=" alone on a line
    table = html_table(head, rows, row_attrs=[{"data-step": k} for k in steps], right=(0, 3), breaks=breaks)
    table = table.replace(")/∂(", ")/<wbr>∂(", 1)
    colors = trace.COLORS
    style = _STYLE.format(id=root_id, current=colors["current"][0], current_fill=colors["current"][1],
                          receiver=colors["receiver"][0], receiver_fill=colors["receiver"][1],
                          height=PICTURE_HEIGHT)  # fmt: skip
    script = _SCRIPT.replace("DATA", _json(data)).replace("FIT", repr(WHOLE_GRAPH_FIT))
    script = script.replace("HEIGHT", str(PICTURE_HEIGHT)).replace("ID", root_id)
    autofocus_attr = " data-autofocus" if autofocus else ""
    return "\n".join(
        [
            f'<div class="am-stepper" id="{root_id}" tabindex="0"{autofocus_attr}>',
            "<style>" + style + "</style>",
            '<div class="am-controls"><button type="button" class="am-prev">&#9664; Previous</button> '
            f'<span class="am-counter">step {last} of {last}</span> '
            '<button type="button" class="am-next">Next &#9654;</button>'
            f'<label><input type="radio" name="{root_id}-view" class="am-view-whole"> whole graph</label>'
            f'<label><input type="radio" name="{root_id}-view" class="am-view-follow"> follow the step</label></div>',
            f'<p class="am-static">After all {last} steps: every gradient filled in. (Previous/Next need a front end '
            "that runs the output's script; the table below lists every step.)</p>",
            '<div class="am-view">',
            f'<div class="am-picture" role="img" aria-label="{html_text(_alt(trace))}">{picture}</div>',
            '<div class="am-aside">',
            *[
                _caption(k, lines, rules[k], trace.steps[k - 1].adjoint if k else (), " current" if k == last else "")
                for k, lines in enumerate(captions)
            ],
            "</div></div>",
            _key(colors),
            f'<div class="am-tablebox">{table}</div>',
            "<script>" + script + "</script>",
            "</div>",
        ]
    )


def _alt(trace):
    """The picture described in words, for a screen reader (the captions and the table give the numbers)."""
    r = trace.names[trace.root]
    return (
        f"The computation graph of {r}, {len(trace.order)} values, with each gradient as it stands at the step "
        f"shown; the backward pass takes {len(trace.steps)} steps"
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 0.5em 2em; font-family: sans-serif; }}
h1 {{ font-size: 1.4em; margin: 0.2em 0; }}
</style>
</head>
<body>
<h1>{title}</h1>
{stepper}
</body>
</html>
"""


def stepper_page(trace, title, *, max_bytes=None, **options):
    """A whole HTML page around ``stepper_html``: the title, then the stepper (which takes the keyboard focus). The
    page, all of it, is held to ``max_bytes`` (default ``MAX_PAGE_BYTES``)."""
    stepper = stepper_html(trace, autofocus=True, max_bytes=float("inf"), **options)
    page = _PAGE.format(title=html_text(title), stepper=stepper)
    check_bytes(len(page.encode("utf-8")), MAX_PAGE_BYTES if max_bytes is None else max_bytes, "BackwardTrace.html")
    return page
