"""Text is text in drawings (issue 14, item 3): hostile labels, titles and number formats, rendered by the real dot.

Before issue 14 ``draw_dot(title="<x> URL=<javascript:alert(1)>")`` went to dot as an HTML-like label, and the SVG
got a ``javascript:`` link; ``title="<b>x</b>"`` made dot fail; a NUL in a label made dot fail without naming the
label; U+FFFE or a lone surrogate gave an SVG that is not well-formed XML. The oracle here is the SVG itself, as
a browser and an XML parser read it: no link anywhere, it parses, and the user's text is shown as written (with
U+FFFD in place of characters XML cannot hold).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd_mini import Value, draw_dot
from autograd_mini.text import REPLACEMENT, printable
from autograd_mini.trace import trace_backward

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz program dot is not installed")

HOSTILE = [
    "<x> URL=<javascript:alert(1)>",  # HTML-like label: the attribute list of a table cell
    '<<table><tr><td href="javascript:alert(2)">cell</td></tr></table>>',
    "<b>x</b>",  # made dot fail
    '" URL="javascript:alert(3)',  # breaking out of the quotes
    '\\" URL=\\"javascript:alert(4)',  # ... with a backslash before the quote
    "x\\",  # a final backslash would escape the closing quote
    "{a|<p> b}",  # record syntax: fields and ports
    "\\N \\G \\L",  # dot's escapes for the node name, graph name, left-justified line
    "nul\x00here",  # dot stopped at NUL
    "bell\x07 esc\x1b[31m del\x7f",
    "non-character \ufffe \uffff \U0010ffff",  # not allowed in XML
    "lone surrogate \ud800 here",  # not even encodable as UTF-8
    "line one\nline two\r\nline three",
    "&amp; &lt; ]]> <!-- comment -->",
]


def graph_with(text):
    """a * 3 + b with every label the hostile text; c = a + b as a second output of two Values."""
    a = Value(2.0, label=text)
    b = Value(-1.0, label=text + "b")
    out = a * 3 + b
    out.label = text
    return out


def check_svg(svg, where):
    """Parses as XML; no <a> element, no link attribute, no javascript anywhere in tags or attributes."""
    root = ET.fromstring(svg)  # raises ParseError when not well-formed
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag != "a", f"{where}: a link element in the SVG"
        for name, value in element.attrib.items():
            assert "href" not in name, f"{where}: link attribute {name}={value!r}"
            assert "javascript" not in value.lower(), f"{where}: {name}={value!r}"
    return root


def shown_text(root):
    return "\n".join(t for element in root.iter() for t in [element.text or ""] if t.strip())


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_labels_titles_and_number_formats_render_as_text(text):
    def fmt(x):
        return f"{text}{x:g}"

    for options in ({}, {"hide_constants": False, "rankdir": "TB"}, {"summary": True}):
        dot = draw_dot(graph_with(text), title=text, number_format=fmt, edge_labels=True, **options)
        svg = dot.pipe(format="svg", encoding="utf-8")
        root = check_svg(svg, f"draw_dot {options}")
        first_line = printable(text).splitlines()[0]
        assert first_line.strip() in shown_text(root), (first_line, shown_text(root)[:500])


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_the_step_by_step_frames_of_hostile_labels_are_well_formed(text, tmp_path):
    trace = trace_backward(graph_with(text))
    paths = trace.write_frames(tmp_path, title=text, number_format=lambda x: f"{text}{x:g}")
    assert len(paths) == len(trace.steps) + 1
    for path in paths:
        root = check_svg(path.read_text(encoding="utf-8"), path.name)
        ET.parse(path)  # and as a file, as a viewer opens it
        assert printable(text).splitlines()[0].strip() in shown_text(root)


def test_printable_replaces_exactly_what_xml_cannot_hold():
    # XML 1.0's Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; also DEL, the C1
    # controls and the non-characters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF) are replaced
    assert printable("a\tb\nc\rd") == "a\tb\nc\rd"
    assert printable("\x00\x08\x0b\x0c\x1f\x7f\x9f") == REPLACEMENT * 7
    assert printable("\ud800\udfff\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff") == REPLACEMENT * 8
    assert printable("é ∂ ∑ 😀 \ufffd \ufdcf \ufdf0") == "é ∂ ∑ 😀 \ufffd \ufdcf \ufdf0"
    assert printable(3.5) == "3.5"


def test_a_label_longer_than_dot_reads_is_shown_cut_with_its_length():
    # dot reads a quoted string of at most 16,384 characters ("longer than 16384?"): a 20,000-character label made
    # draw_dot(...).pipe() and a notebook's display of the trace fail with dot's CalledProcessError. The drawing
    # shows the label's start and its length instead; "&" (written "&amp;" for dot, five characters) too
    for text in ("x" * 20_000, "&" * 20_000):
        x = Value(2.0, label=text)
        out = (x * 3).tanh()
        out.label = text
        root = check_svg(draw_dot(out, title=text).pipe(format="svg", encoding="utf-8"), "long label")
        assert f"{text[:100]}" in shown_text(root) and "(20000 characters)" in shown_text(root)
        page = trace_backward(out)._repr_html_()
        assert "<svg" in page


@pytest.mark.parametrize("label", [3, None, b"x", 1.5])
def test_a_label_that_is_not_text_is_named_by_every_view(label):
    # issue 19: an int label gave "expected string or bytes-like object" (re's words) in draw_dot; Value() refuses
    # one, but the slot takes anything set later (v.label = 3), so every view names it in the same words
    from autograd_mini.compiler import compile_graph

    x = Value(1.0, label="x")
    y = x * 2
    y.label = label
    for view in (lambda: draw_dot(y), lambda: trace_backward(y), lambda: compile_graph(y, [x])):
        with pytest.raises(TypeError, match=rf"^a label must be text \(str\), got {type(label).__name__} "):
            view()
