"""How the engine's objects show themselves in a notebook: the backward-pass stepper, and small HTML helpers.

Jupyter (and VS Code, Colab, nbconvert) asks an object for ``_repr_html_()`` and shows the HTML it returns in the
cell's output. Nothing here imports IPython: the methods return strings, and any front end that understands the
convention displays them.

``stepper_html(trace)`` is what ``BackwardTrace._repr_html_`` returns: one picture per step of the backward pass,
the step's caption above it as text, Previous/Next buttons, a colour key and the whole table below. Several can
live in one notebook: every id starts with a fresh random prefix, every style rule starts with that id, and the
script looks up only its own element. Where no script runs (GitHub's notebook preview, a front end that does not
trust the output) the static view remains: the final state, every gradient filled in, and the table.

The pictures keep their natural size (11 pt text, 9 pt edge labels): on a narrow screen or a projector the picture
scrolls sideways instead of shrinking its text, and each step scrolls it to what the step is about (its node, op
and the operands receiving, the operands first when they do not all fit); the captions, the key and the table are
HTML text at 15 px.
"""

from __future__ import annotations

import html
import re
import uuid

__all__ = ["html_table", "stepper_html", "stepper_page", "unique_id"]


def unique_id(prefix="am"):
    """An id no other output in the notebook has: ``prefix-`` and 12 random hex digits (fresh per call, so two
    outputs of the same object, or outputs saved by an earlier session, never collide)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def html_table(head, rows, *, row_attrs=None, table_class="am-table", right=()):
    """An HTML table of text: ``head`` (strings) and ``rows`` (tuples of strings, escaped here).

    ``row_attrs``: one dict of attributes per row (``{"class": "am-bad", "data-step": "2"}``), or None.
    ``right``: the column indices to right-align (numbers that stand alone).
    """

    def cells(tag, row):
        return "".join(
            f'<{tag} style="text-align:right">{html.escape(str(c))}</{tag}>'
            if i in right
            else f"<{tag}>{html.escape(str(c))}</{tag}>"
            for i, c in enumerate(row)
        )

    lines = [f'<table class="{table_class}">', f"<thead><tr>{cells('th', head)}</tr></thead>", "<tbody>"]
    for j, row in enumerate(rows):
        attrs = row_attrs[j] if row_attrs else {}
        attr_text = "".join(f' {k}="{html.escape(str(v))}"' for k, v in attrs.items())
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
    from autograd_mini.draw import ROLE_COLORS

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


def _caption(lines):
    head, rest = lines[0], lines[1:]
    out = [f'<div class="am-head">{html.escape(head)}</div>']
    out += [f"<div>{html.escape(line.strip())}</div>" for line in rest]
    return '<div class="am-caption">' + "".join(out) + "</div>"


_STYLE = """
#{id} {{ font-family: sans-serif; font-size: 15px; line-height: 1.4; color: #111; }}
#{id}:focus {{ outline: none; }}
#{id} .am-controls {{ display: none; margin: 0.4em 0; }}
#{id}.am-live .am-controls {{ display: block; }}
#{id}.am-live .am-static {{ display: none; }}
#{id} .am-controls button {{ font-size: 15px; padding: 0.25em 0.9em; }}
#{id} .am-counter {{ display: inline-block; min-width: 8em; text-align: center; }}
#{id} .frame {{ display: none; }}
#{id} .frame.current {{ display: block; }}
#{id} .am-picture {{ overflow-x: auto; max-width: 100%; }}
#{id} .am-picture svg {{ max-width: none; height: auto; }}
#{id} .am-caption {{ font-family: monospace; font-size: 15px; margin: 0.3em 0; }}
#{id} .am-caption .am-head {{ font-weight: bold; }}
#{id} .am-key {{ margin: 0.3em 0; }}
#{id} .am-swatch {{ display: inline-block; width: 0.9em; height: 0.9em; vertical-align: middle; border: 2px solid;
  margin: 0 0.3em 0 0.6em; }}
#{id} .am-tablebox {{ overflow-x: auto; max-width: 100%; }}
#{id} table.am-table {{ border-collapse: collapse; font-family: monospace; font-size: 14px; margin-top: 0.5em; }}
#{id} table.am-table th, #{id} table.am-table td {{ border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left;
  white-space: nowrap; }}
#{id} table.am-table tr.am-now td {{ background: #fee2e2; }}
"""

_SCRIPT = """(function () {
  var root = document.getElementById("ID");
  if (!root || root.classList.contains("am-live")) { return; }
  var frames = root.querySelectorAll(".frame");
  var rows = root.querySelectorAll("tr[data-step]");
  var prev = root.querySelector(".am-prev");
  var next = root.querySelector(".am-next");
  var counter = root.querySelector(".am-counter");
  var k = 0;
  // A picture wider than its box scrolls sideways. Show what the step is about: the bounding box of its node,
  // op node and operands (data-focus), left-aligned with a margin; when that box is wider than the view, its
  // left part, the operands receiving the gradient (the graph flows left to right). The browser clamps the
  // scroll position to the picture's ends.
  function scrollToStep(frame) {
    var box = frame.querySelector(".am-picture");
    if (!box || box.scrollWidth <= box.clientWidth) { return; }
    var left = Infinity;
    var names = frame.dataset.focus.split(" ");
    for (var n = 0; n < names.length; n++) {
      var element = root.querySelector('[id="ID-s' + frame.dataset.step + "_" + names[n] + '"]');
      if (element) { left = Math.min(left, element.getBoundingClientRect().left); }
    }
    if (left === Infinity) { return; }
    var margin = 16;
    box.scrollLeft += left - (box.getBoundingClientRect().left + box.clientLeft) - margin;
  }
  function show(i) {
    k = Math.max(0, Math.min(frames.length - 1, i));
    for (var j = 0; j < frames.length; j++) { frames[j].classList.toggle("current", j === k); }
    for (var r = 0; r < rows.length; r++) { rows[r].classList.toggle("am-now", rows[r].dataset.step === String(k)); }
    counter.textContent = "step " + k + " of " + (frames.length - 1);
    scrollToStep(frames[k]);
    prev.disabled = k === 0;
    next.disabled = k === frames.length - 1;
  }
  prev.addEventListener("click", function () { show(k - 1); });
  next.addEventListener("click", function () { show(k + 1); });
  root.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      show(k + (e.key === "ArrowRight" ? 1 : -1));
      e.preventDefault();
      e.stopPropagation();
    }
  });
  root.classList.add("am-live");
  show(0);
  if (root.hasAttribute("data-autofocus")) { root.focus({ preventScroll: true }); }
})();"""


def stepper_html(trace, *, autofocus=False, **options):
    """The backward pass of ``trace`` as one self-contained HTML element (see the module docstring).

    ``options`` go to ``trace.frames`` (``number_format``, ``rankdir``, draw_dot's options). ``autofocus``: take
    the keyboard focus on load, so that the arrow keys step at once (the stand-alone page does; a notebook
    output must not steal the focus from the cells).
    """
    root_id = unique_id("am-trace")
    frames = trace.frames(captions=False, id_prefix=f"{root_id}-", **options)
    captions = trace.captions(options.get("number_format", ".4g"))
    last = len(frames) - 1
    sections = []
    index = {node: i for i, node in enumerate(trace.order)}
    for k, svg in enumerate(frames):
        # what the step is about, the ids the script scrolls into view: what the frame colours (trace.highlight)
        current, receivers, _ = trace.highlight(k, index)
        focus = [] if current is None else [f"n{current}", f"n{current}op"]
        focus_ids = " ".join(focus + [f"n{i}" for i in receivers])
        current = " current" if k == last else ""  # the static view shows the final state
        sections.append(
            f'<section class="frame{current}" data-step="{k}" data-focus="{focus_ids}">\n{_caption(captions[k])}\n'
            f'<div class="am-picture">{_inline(svg)}</div>\n</section>'
        )
    head, rows = trace.rows(options.get("number_format", ".6g"), "BackwardTrace._repr_html_")
    steps: list[str] = []
    for row in rows:  # the step number stands on a step's first row only
        steps.append(row[0] or steps[-1])
    table = html_table(head, rows, row_attrs=[{"data-step": k} for k in steps], right=(0, 3))
    autofocus_attr = " data-autofocus" if autofocus else ""
    return "\n".join(
        [
            f'<div class="am-stepper" id="{root_id}" tabindex="0"{autofocus_attr}>',
            "<style>" + _STYLE.format(id=root_id) + "</style>",
            _key(trace.COLORS),
            '<div class="am-controls"><button type="button" class="am-prev">&#9664; Previous</button> '
            f'<span class="am-counter">step {last} of {last}</span> '
            '<button type="button" class="am-next">Next &#9654;</button></div>',
            f'<p class="am-static">After all {last} steps: every gradient filled in. (Previous/Next need a front end '
            "that runs the output's script; the table below lists every step.)</p>",
            '<div class="am-frames">',
            *sections,
            "</div>",
            f'<div class="am-tablebox">{table}</div>',
            "<script>" + _SCRIPT.replace("ID", root_id) + "</script>",
            "</div>",
        ]
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 1em 2em; font-family: sans-serif; }}
</style>
</head>
<body>
<h1>{title}</h1>
{stepper}
</body>
</html>
"""


def stepper_page(trace, title, **options):
    """A whole HTML page around ``stepper_html``: the title, then the stepper (which takes the keyboard focus)."""
    return _PAGE.format(title=html.escape(title), stepper=stepper_html(trace, autofocus=True, **options))
