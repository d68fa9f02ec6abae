"""A user's text is shown, never run (issue 19): labels, titles and number formats drawn from hostile text, on random
graphs, through every place they reach DOT, SVG and HTML: ``draw_dot``, the frames, the stepper and the page.

The oracles are the parsers a browser and an XML reader use: the SVG parses as XML and holds no link or script;
the page's HTML, read by Python's HTML parser, has only the elements and attributes the stepper writes (no element
or ``on...`` attribute made of a label), exactly one script, and that script's text holds no ``</script`` or
``<!--`` that would end or hide it early; and each label's first line is shown as text.
"""

import html
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_mini import Value, draw_dot
from autograd_mini.mathml import Math, math_html
from autograd_mini.text import printable
from autograd_mini.trace import trace_backward

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz program dot is not installed")

PIECES = [
    "</script>",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "]]>",
    "<img src=x onerror=alert(2)>",
    '" onmouseover="alert(3)',
    "' onclick='alert(4)",
    "javascript:alert(5)",
    "&amp;",
    "&#60;",
    "\n",
    "\r\n",
    "\\",
    "\\N",
    "{|}",
    "<b>",
    "\x00",
    "\x1b[31m",
    "\u202e",  # right-to-left override
    "\ufffe",
    "\ud800",  # a lone surrogate
    "𝐱",  # NFKC folds it to x
    "ｘ",
    "x²",
    "😀",
    "def",
    "class",
    "n1",  # a name the numbering uses
    "%",
    "{a}",
    " ",
    "",
]
labels = st.lists(st.sampled_from(PIECES), max_size=4).map("".join) | st.text(max_size=6)

# what the stepper and the page are made of; anything else in the parsed HTML came from a user's text
ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "h1", "div", "span", "button", "label", "input", "p", "code",
    "table", "thead", "tbody", "tr", "th", "td", "br", "wbr", "b", "script", "svg", "g", "polygon", "ellipse", "path",
    "text", "polyline", "rect", "math", "mstyle", "mfrac", "mrow", "mi", "mo", "mn",
}  # fmt: skip


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.scripts, self.text = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def graph(names, ops):
    """A random graph over three leaves: each op combines earlier nodes; every node labelled with a hostile text."""
    nodes = [Value(v, label=names[k % len(names)]) for k, v in enumerate((0.5, -1.5, 2.0))]
    for kind, i, j in ops:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        out = (a * b, a + b, a - b, (a * b).tanh(), a * 3)[kind]
        out.label = names[(i + j) % len(names)] if (i + j) % 3 else ""
        nodes.append(out)
    return nodes[-1]


def check_svg(svg):
    root = ET.fromstring(svg)  # well-formed XML
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in ("a", "script", "foreignObject"), element.tag
        for name, value in element.attrib.items():
            assert "href" not in name and not name.startswith("on") and "javascript" not in value.lower()


def check_page(page, names):
    parser = Page()
    parser.feed(page)
    assert set(parser.tags) <= ELEMENTS, set(parser.tags) - ELEMENTS
    assert not [a for a in parser.attributes if a.startswith("on")]
    assert len(parser.scripts) == 1
    script = parser.scripts[0].lower()
    assert "</script" not in script and "<!--" not in script
    shown = "\n".join(parser.text)
    for name in names:
        first = printable(name).replace("\r", "\n").split("\n")[0].strip()
        if first:
            assert first in shown, (first, shown[:300])


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(labels, min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=5),
    labels,
)
def test_hostile_labels_on_random_graphs_stay_text_in_dot_svg_and_html(names, ops, title):
    out = graph(names, ops)
    trace = trace_backward(out)
    check_svg(draw_dot(out, title=title, edge_labels=True).pipe(format="svg", encoding="utf-8"))
    for frame in trace.frames():
        check_svg(frame)
    check_page(trace.html(title=title), [*{node.label for node in trace.order if node.label}, title])


@settings(max_examples=25)
@given(labels)
def test_a_number_format_that_returns_hostile_text_stays_text(text):
    x = Value(2.0, label="x")
    y = x * 3 + 1
    trace = trace_backward(y)
    page = trace.html(number_format=lambda v: f"{text}{v:g}")
    check_page(page, ["x"])
    check_svg(draw_dot(y, number_format=lambda v: f"{text}{v:g}").pipe(format="svg", encoding="utf-8"))


MATHML = {"div", "math", "mrow", "mi", "mn", "mo", "mtext", "mfrac", "mstyle", "msub", "msup", "mspace", "mover",
          "munder", "msqrt", "mroot", "msubsup", "mpadded"}  # fmt: skip


@settings(max_examples=50)
@given(labels)
def test_latex_from_a_user_becomes_mathml_with_only_mathml_elements(text):
    for latex in (text, rf"\text{{{text}}}", rf"\frac{{{text}}}{{x}}", rf"\mathrm{{{text}}}"):
        markup = math_html(latex)
        parser = Page()
        parser.feed(f"<div>{markup}</div>")
        assert set(parser.tags) <= MATHML, markup
        assert not [a for a in parser.attributes if a.startswith("on")]
        assert Math(latex)._repr_latex_() == f"$${latex}$$"


def test_latex2mathml_output_is_cleaned_of_what_it_passes_through():
    # latex2mathml 3.x writes \text{...} as it finds it: <mtext><script>alert(1)</script></mtext>
    markup = math_html(r"\text{<script>alert(1)</script>} a < b")
    assert "<script" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert html.unescape(re.sub(r"<[^>]+>", "", markup)) == "<script>alert(1)</script>a<b"
