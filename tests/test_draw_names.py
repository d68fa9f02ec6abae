"""One name per node (issue 20, item 2) and drawings that fit 1000 px (issue 20, item 1).

Names: the unlabelled nodes are numbered n1, n2 ... in topological order without gaps, and that one name stands in
the drawing's boxes, the trace's captions and table, and the compiled program. The expected names are worked out by
hand from the order in which the graph was built. Layout: the estimate ``layout_widths`` is held against the widths
the real ``dot`` lays out, and the drawings of small graphs against 750 pt (1000 px).
"""

import re
import shutil

import pytest

from autograd_mini import Value, compile, draw_dot
from autograd_mini.layout import FIT_WIDTH, choose_rankdir, text_width
from autograd_mini.naming import expressions, graph_order, node_names
from autograd_mini.trace import trace_backward

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz program dot is not installed")


def neuron(labelled_sums=False):
    """micrograd's neuron o = tanh(x1*w1 + x2*w2 + b) at micrograd's point; o = 1/sqrt(2)."""
    x1, x2, w1, w2 = (Value(v, label=k) for k, v in (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0)))
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    if labelled_sums:
        x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    o = (x1w1 + x2w2 + b).tanh()
    o.label = "o"
    return o


def names_in_order(root):
    order = graph_order([root])
    names = node_names(order)
    return [names[node] for node in order], order, names


# -- names ---------------------------------------------------------------------------------------------------------


def test_unlabelled_nodes_are_numbered_in_topological_order_without_gaps():
    names, _, _ = names_in_order(neuron())
    # built as x1, w1, x1*w1, x2, w2, x2*w2, their sum, b, + b, tanh: the four unlabelled ones are n1 ... n4
    assert names == ["x1", "w1", "n1", "x2", "w2", "n2", "n3", "b", "n4", "o"]
    names, _, _ = names_in_order(neuron(labelled_sums=True))
    assert names == ["x1", "w1", "x1*w1", "x2", "w2", "x2*w2", "n1", "b", "n2", "o"]  # only what needs a number


def test_a_label_that_looks_like_a_number_is_skipped_and_shared_labels_are_told_apart():
    a, b = Value(1.0, label="x"), Value(2.0, label="x")  # two nodes called x
    taken = a * b
    taken.label = "n1"  # a learner's own n1
    y = taken + a + b
    names, order, _ = names_in_order(y)
    # x, x, n1 (the learner's), then two unlabelled sums: n2, n3 (n1 is taken); the two x's are x#1 and x#2
    assert names == ["x#1", "x#2", "n1", "n2", "n3"]
    assert len(set(names)) == len(names)


def test_the_expression_beside_a_name_writes_the_numbered_operands_out():
    _, order, names = names_in_order(neuron())
    shown = {names[node]: text for node, text in expressions(order, names).items()}
    # n1 = x1 * w1 says it all already; n3 = n1 + n2 is x1*w1 + x2*w2; o is labelled, so it needs none
    assert shown == {"n3": "x1*w1 + x2*w2", "n4": "x1*w1 + x2*w2 + b"}


@pytest.mark.parametrize(
    "build, written",
    [
        # Python's precedence: parentheses exactly where Python needs them to read the same expression
        (lambda x, y: (x + y) * (x - y), "(x + y)*(x - y)"),
        (lambda x, y: x - (y - x), "x - (y - x)"),
        (lambda x, y: (x - y) - x, "x - y - x"),
        (lambda x, y: (x * y) ** 2, "(x*y)**2"),
        (lambda x, y: (x**y) ** x, "(x**y)**x"),
        (lambda x, y: x ** (y**x), "x**y**x"),
        (lambda x, y: -(x * y), "-(x*y)"),
        (lambda x, y: (-x) ** 2, "(-x)**2"),
        (lambda x, y: 3 - x * y, "3 - x*y"),
        (lambda x, y: 2 ** (x + y), "2**(x + y)"),
        (lambda x, y: (x + y).tanh() * 0.5, "tanh(x + y)*0.5"),
        (lambda x, y: (x * y) % 3, "x*y % 3"),
    ],
)
def test_expressions_are_python_that_computes_the_node(build, written):
    x, y = Value(1.5, label="x"), Value(0.5, label="y")
    out = build(x, y)
    order = graph_order([out])
    text = expressions(order, node_names(order), width=100)[out]
    assert text == written
    # the oracle: Python itself reads the text and computes the node's value
    assert eval(text, {"tanh": __import__("math").tanh}, {"x": 1.5, "y": 0.5}) == pytest.approx(out.data)


def test_the_drawing_the_trace_and_the_program_use_the_same_names():
    o = neuron()
    order = graph_order([o])
    numbered = [node for node in order if not node.label]
    source = draw_dot(o).source
    # every box starts with its name, the numbered ones with the expression where it helps
    boxes = re.findall(r'label="([^"|]*?) \|', source)
    assert boxes == ["x1", "w1", "n1", "x2", "w2", "n2", "n3 = x1*w1 + x2*w2", "b", "n4 = x1*w1 + x2*w2 + b", "o"]
    trace = trace_backward(o)
    assert [s.name for s in trace.steps] == ["o", "n4", "n3", "n2", "n1"]
    assert [trace.names[node] for node in numbered] == ["n1", "n2", "n3", "n4"]
    step = compile(lambda x1, w1, x2, w2, b: (x1 * w1 + x2 * w2 + b).tanh(), [2.0, -3.0, 0.0, 1.0, 0.5])
    # the compiled program names its unlabelled nodes n1 ... n4 as well, in the same order (its output is n5)
    assert re.findall(r"^    (n\d) = ", step.source, re.M) == ["n1", "n2", "n3", "n4", "n5"]


# -- layout --------------------------------------------------------------------------------------------------------


def test_text_width_follows_dots_helvetica():
    # measured from dot -Tplain: 40 x's at 11 pt are 40 * 0.616 em; the wide m and narrow i stand apart
    assert text_width("x" * 40) == pytest.approx(40 * 0.62 * 11, rel=0.01)
    assert text_width("m") > 1.4 * text_width("x") > 2 * text_width("i")


def test_left_to_right_when_it_fits_otherwise_the_narrower():
    assert choose_rankdir(700, 300, 900) == "LR"  # fits: the forward pass reads left to right
    assert choose_rankdir(1400, 640, 470) == "TB"  # micrograd's neuron
    assert choose_rankdir(1400, 1600, 200) == "LR"  # neither fits: the narrower
    assert choose_rankdir(28_000, 80, 28_000) == "LR"  # a chain of 300 sums: dot's tall PNG takes ten times as long
    assert "rankdir=LR" in draw_dot(chain(300), summary=False).source
    x = Value(1.0, label="x")
    assert "rankdir=LR" in draw_dot(x * 2).source
    assert "rankdir=TB" in draw_dot(neuron()).source and "ranksep=0.2" in draw_dot(neuron()).source
    with pytest.raises(ValueError, match=r"draw_dot\(rankdir='sideways'\).*None \(by the shape\)"):
        draw_dot(x, rankdir="sideways")


def chain(n):
    y = Value(0.5, label="x")
    for _ in range(n):
        y = y.tanh()
    return y


def _svg_width(dot):
    return float(re.search(r'<svg width="([\d.]+)pt"', dot.pipe(format="svg", encoding="utf-8")).group(1))


@needs_dot
@pytest.mark.parametrize(
    "name, build",
    [("neuron", neuron), ("neuron labelled", lambda: neuron(True)), ("chain of 8", lambda: chain(8)),
     ("x**2 * y + sin(y)", lambda: Value(3.0, label="x") ** 2 * Value(0.5, label="y") + Value(0.5, label="y").sin())],
)  # fmt: skip
def test_the_estimate_is_within_ten_percent_of_dots_own_layout(name, build):
    import autograd_mini.draw as draw

    seen = {}
    original = draw.choose_rankdir
    try:
        draw.choose_rankdir = lambda lr, tb, height: (
            seen.update(LR=lr, TB=tb, height=height) or original(lr, tb, height)
        )
        draw_dot(build(), edge_labels=True)
    finally:
        draw.choose_rankdir = original
    for rankdir in ("LR", "TB"):
        real = _svg_width(draw_dot(build(), edge_labels=True, rankdir=rankdir))
        assert seen[rankdir] == pytest.approx(real, rel=0.10), (name, rankdir, seen[rankdir], real)
    svg = draw_dot(build(), edge_labels=True, rankdir="TB").pipe(format="svg", encoding="utf-8")
    height = float(re.search(r'height="([\d.]+)pt"', svg).group(1))
    assert seen["height"] == pytest.approx(height, rel=0.15), (name, seen["height"], height)


@needs_dot
def test_small_graphs_and_their_stepper_fit_1000_px_at_full_size():
    # the drawing, and the stepper's picture (boxes as wide as their widest gradient text, edge labels on)
    for build in (neuron, lambda: neuron(True)):
        o = build()
        o.backward()
        assert _svg_width(draw_dot(o)) <= FIT_WIDTH
        assert _svg_width(draw_dot(o, edge_labels=True)) <= FIT_WIDTH
        svg, _ = trace_backward(build()).picture()
        width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
        assert width <= FIT_WIDTH and 'font-size="11.00"' in svg  # 11 pt text: nothing shrunk to fit
