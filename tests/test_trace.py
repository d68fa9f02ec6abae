"""trace_backward: the recorded steps against numbers worked out by hand, against root.backward() and torch, and
the table, SVG frames and HTML page built from them."""

import math
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from examples import fan_out, karpathy
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value
from autograd_mini.trace import trace_backward

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz program dot is not installed")


def test_steps_against_hand_computed_numbers():
    L, v = karpathy()
    t = trace_backward(L)
    rows = [
        (s.name, s.formula, s.upstream, [(c.name, c.local, c.product, c.before, c.after) for c in s.contributions])
        for s in t.steps
    ]
    assert rows == [
        # step 1: L = d * f, upstream dL/dL = 1; dL/dd = 1 * f = -2, dL/df = 1 * d = 4
        ("L", "d * f", 1.0, [("d", -2.0, -2.0, 0.0, -2.0), ("f", 4.0, 4.0, 0.0, 4.0)]),
        # step 2: d = e + c, upstream -2; local derivatives 1 and 1, so e and c get -2 each
        ("d", "e + c", -2.0, [("e", 1.0, -2.0, 0.0, -2.0), ("c", 1.0, -2.0, 0.0, -2.0)]),
        # step 3: e = a * b, upstream -2; dL/da = -2 * b = -2 * -3 = 6, dL/db = -2 * a = -2 * 2 = -4
        ("e", "a * b", -2.0, [("a", -3.0, 6.0, 0.0, 6.0), ("b", 2.0, -4.0, 0.0, -4.0)]),
    ]
    assert {name: t.grad(node) for name, node in v.items()} == {
        "a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0, "L": 1.0
    }  # fmt: skip
    assert all(node.grad == 0.0 for node in v.values())  # the trace touches no .grad


def test_fan_out_accumulates_visibly():
    # y = (x + x) * x at x = 3: y = 2 x^2 = 18, dy/dx = 4 x = 12, collected in three contributions:
    # step 1 (y = s * x, upstream 1): s gets 1 * x = 3; x gets 1 * s = 6          -> x: 0 + 6 = 6
    # step 2 (s = x + x, upstream 3): x gets 3 * 1 = 3 through each of the two edges -> 6 + 3 = 9, 9 + 3 = 12
    y, s, x = fan_out()
    t = trace_backward(y)
    got = [(s_.name, c.name, c.product, c.before, c.after, c.accumulates) for s_ in t.steps for c in s_.contributions]
    assert got == [
        ("y", "s", 3.0, 0.0, 3.0, False),
        ("y", "x", 6.0, 0.0, 6.0, False),
        ("s", "x", 3.0, 6.0, 9.0, True),
        ("s", "x", 3.0, 9.0, 12.0, True),
    ]
    assert t.grad(x) == 12.0


def test_table_for_pencil_and_paper():
    L, _ = karpathy()
    table = trace_backward(L).table()
    lines = table.splitlines()
    assert lines[0] == "Backward pass from L = -8, seeded with dL/dL = 1."
    body = [re.sub(r"\s+", " ", line).strip() for line in lines[6:12]]
    assert body == [
        "1 L = d * f 1 | d -2 1 * -2 = -2 0 + -2 = -2",
        "| f 4 1 * 4 = 4 0 + 4 = 4",
        "2 d = e + c -2 | e 1 -2 * 1 = -2 0 + -2 = -2",
        "| c 1 -2 * 1 = -2 0 + -2 = -2",
        "3 e = a * b -2 | a -3 -2 * -3 = 6 0 + 6 = 6",
        "| b 2 -2 * 2 = -4 0 + -4 = -4",
    ]
    assert lines[-1] == "gradients dL/d(leaf): a = 6, b = -4, c = -2, f = 4"
    assert str(trace_backward(L)) == table


def test_table_names_unlabelled_nodes_and_numbers_in_ops():
    # y = 3 - 2 x at x = 1.5 (unlabelled result): dy/dx = -2. The unlabelled nodes are numbered in topological
    # order without gaps: n1 = x * 2, n2 = 3 - n1, and beside n2 what it is in named inputs, 3 - x*2
    x = Value(1.5, label="x")
    y = 3 - x * 2
    table = trace_backward(y).table()
    assert re.search(r"1\s+n2\s+= 3 - n1 = 3 - x\*2\s+1 \| n1\s+-1\s+1 \* -1 = -1\s+0 \+ -1 = -1", table)
    assert re.search(r"2\s+n1\s+= x \* 2\s+-1 \| x\s+2\s+-1 \* 2 = -2\s+0 \+ -2 = -2", table)
    unary = trace_backward((-x).exp()).table()  # d/dx exp(-x) = -exp(-1.5) = -0.22313016...
    assert "= exp(n1) = exp(-x)" in unary and "= -x " in unary and "x = -0.22313" in unary


OPS = [
    lambda a, b, c: a + b,
    lambda a, b, c: a * b,
    lambda a, b, c: a - c,
    lambda a, b, c: (a * c).tanh(),
    lambda a, b, c: a.sigmoid() * b,
    lambda a, b, c: c - a,
    lambda a, b, c: a * a,
]


def _random_expression(ops, xs):
    nodes = list(xs)
    for kind, i, j, c in ops:
        nodes.append(OPS[kind](nodes[i % len(nodes)], nodes[j % len(nodes)], c))
    return nodes[-1]


@given(
    st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=3),
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 50), st.integers(0, 50), st.floats(-2, 2, allow_nan=False)),
        min_size=1,
        max_size=12,
    ),
)
def test_trace_agrees_with_backward_exactly(values, ops):
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(values)]
    y = _random_expression(ops, xs)
    if y.is_leaf:
        return
    t = trace_backward(y)
    y.backward()
    # the same rules in the same order with the same float operations: equal to the last bit
    for node in t.order:
        assert t.grad(node) == node.grad


def test_trace_agrees_with_torch_float64():
    torch = pytest.importorskip("torch")
    # a neuron with a squared error: L = (tanh(w1 x1 + w2 x2 + b) - 0.5)^2
    vals = {"x1": 0.7, "x2": -1.3, "w1": 0.4, "w2": -0.9, "b": 0.05}
    v = {k: Value(x, label=k) for k, x in vals.items()}
    L = ((v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"]).tanh() - 0.5) ** 2
    t = trace_backward(L)
    tv = {k: torch.tensor(x, dtype=torch.float64, requires_grad=True) for k, x in vals.items()}
    Lt = (torch.tanh(tv["w1"] * tv["x1"] + tv["w2"] * tv["x2"] + tv["b"]) - 0.5) ** 2
    Lt.backward()
    for k in vals:
        assert t.grad(v[k]) == pytest.approx(tv[k].grad.item(), rel=1e-12, abs=1e-15)


def test_bad_input():
    with pytest.raises(TypeError, match=r"trace_backward\(\) takes a Value"):
        trace_backward(2.0)
    with pytest.raises(ValueError, match=r"trace_backward\(grad=nan\)"):
        trace_backward(Value(1.0) * 2, grad=math.nan)
    leaf = Value(1.0, label="x")
    t = trace_backward(leaf)  # nothing to pass back: no steps, d x / d x = 1
    assert len(t) == 0 and t.grad(leaf) == 1.0


def test_a_backward_pass_beyond_max_steps_is_refused_with_the_limit_and_how_to_raise_it():
    # a sibling of issue 19's compile budget: a trace keeps each step's numbers and program lines, 2.8 KB a step
    # (a 200,000-op chain took 557 MB and 14 s where backward() takes 0.3 s), and had no limit at all
    x = Value(1.5, label="x")
    y = x
    for _ in range(60):
        y = y * 1.0 + 0.0  # 120 steps, d y / d x = 1 by hand
    with pytest.raises(MemoryError, match=r"^trace_backward: the backward pass has 120 steps, more than max_steps=119: "
                       r".* pass max_steps= to record it anyway, or use backward\(\)"):  # fmt: skip
        trace_backward(y, max_steps=119)
    assert trace_backward(y, max_steps=120).grad(x) == 1.0


# -- frames and the page ---------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _groups(svg):
    """{dot node name: (shape points, last text)} of one frame, parsed as XML."""
    root = ET.fromstring(svg.encode())
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        name = g.find(f"{SVG}title").text
        shape = g.find(f"{SVG}polygon")
        if shape is None:
            shape = g.find(f"{SVG}ellipse")
        texts = [t.text for t in g.iter(f"{SVG}text")]
        out[name] = (tuple(sorted(shape.attrib.items())), texts[-1])
    return out


@needs_dot
def test_frames_one_per_step_with_running_gradients(tmp_path):
    y, s, x = fan_out()
    t = trace_backward(y)
    paths = t.write_frames(tmp_path / "frames")
    assert [p.name for p in paths] == ["step_000.svg", "step_001.svg", "step_002.svg"]
    frames = [p.read_text(encoding="utf-8") for p in paths]
    groups = [_groups(f) for f in frames]  # each frame is well-formed XML
    # boxes v0 x, v1 s, v2 y. The gradients as they stand after each frame (by hand, as in test_fan_out_...):
    grads = [{n: g[1] for n, g in frame.items() if not n.endswith("op")} for frame in groups]
    assert grads == [
        {"v0": "grad ?", "v1": "grad ?", "v2": "grad 1"},  # the seed
        {"v0": "grad 6", "v1": "grad 3", "v2": "grad 1"},  # y = s * x passed back
        {"v0": "grad 12", "v1": "grad 3", "v2": "grad 1"},  # s = x + x passed back, twice into x
    ]
    # laid out once: every box and op node is at the same place in every frame
    for frame in groups[1:]:
        assert {n: g[0] for n, g in frame.items()} == {n: g[0] for n, g in groups[0].items()}
    # frame k highlights the node of step k (red) and its operands (violet); frame 0 the root receiving the seed
    assert "#s0_v2 > polygon { stroke: #7c3aed" in frames[0] and "#d62728; stroke-width: 3px" not in frames[0]
    assert "#s1_v2 > polygon, #s1_v2op > ellipse { stroke: #d62728" in frames[1]
    assert "#s1_v0 > polygon { stroke: #7c3aed" in frames[1] and "#s1_v1 > polygon { stroke: #7c3aed" in frames[1]
    assert "#s2_v1 > polygon, #s2_v1op > ellipse { stroke: #d62728" in frames[2]
    assert "#s2_e1_0 path" in frames[2] and "#s2_e1_1 path" in frames[2]  # both edges of x + x
    # the caption writes the chain rule with the numbers; x collects three contributions, so += and the running sum
    assert "dy/dx += dy/ds * ∂s/∂x = 3 * 1 = 3; so far 6 + 3 = 9 (x has 3 uses" in frames[2]
    assert "dy/dx += dy/ds * ∂s/∂x = 3 * 1 = 3; so far 9 + 3 = 12 (x has 3 uses" in frames[2]


@needs_dot
def test_html_page_is_self_contained(tmp_path):
    L, _ = karpathy()
    path = trace_backward(L).write_html(tmp_path / "page.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # one picture, laid out once; a caption per frame (the seed + 3 steps) and the frames' data for the script
    assert page.count("<svg") == 1 and page.count('<div class="am-caption') == 4
    assert len(re.findall(r'"c": (?:null|\d+), "r":', page)) == 4
    assert 'class="am-prev"' in page and 'class="am-next"' in page and "<script>" in page
    # no external resources: no src/href attributes, no stylesheets, no url(...), no imports
    for needle in (" src=", "href=", "<link", "url(", "@import", "<iframe", "fetch(", "XMLHttpRequest"):
        assert needle not in page, needle
    # the only http(s) strings are XML namespace names, which are never fetched
    assert set(re.findall(r"https?://[^\s\"']+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    # ids are unique
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    # without script the static view shows the final state: every gradient filled in (dL/da = 6, by hand)
    assert ">grad 6</text>" in page and ">grad ?</text>" not in page


@needs_dot
def test_too_many_frames_is_refused_with_the_option():
    y = Value(1.0, label="x")
    for _ in range(30):
        y = y * 1.0
    with pytest.raises(ValueError, match=r"31 frames.*max_frames=10.*max_frames=31"):
        trace_backward(y).frames(max_frames=10)


def neuron():
    """micrograd's neuron with its intermediate results labelled by their formulas, as the tour and demo 1 build it."""
    from nn.app.examples import neuron as build

    return build()[0]


def test_captions_parenthesise_expressions_and_skip_rows_that_repeat_the_label():
    t = trace_backward(neuron())
    captions = t.captions()
    # step 3 passes do/d(x1*w1 + x2*w2) = do/dn * dn/d(...) = (1 - o^2) * 1 = 0.5 (o = tanh(0.8814) = 1/sqrt(2))
    assert captions[3][0] == "Step 3 of 5: x1*w1 + x2*w2, its gradient do/d(x1*w1 + x2*w2) = 0.5"
    # the chain rule as the lecture writes it, the local derivative a partial: d(x1*w1 + x2*w2)/d(x1*w1) = 1
    assert captions[3][1] == "  do/d(x1*w1) = do/d(x1*w1 + x2*w2) * ∂(x1*w1 + x2*w2)/∂(x1*w1) = 0.5 * 1 = 0.5"
    assert captions[1][0] == "Step 1 of 5: o = tanh(n), its gradient do/do = 1"  # plain names stay plain
    assert captions[1][1] == "  do/dn = do/do * ∂o/∂n = 1 * 0.5 = 0.5"  # do/dn = 1 - o^2 = 1/2
    assert captions[5][0] == "Step 5 of 5: x1*w1, its gradient do/d(x1*w1) = 0.5"  # not "x1*w1 = x1 * w1"
    # do/dx1 = do/d(x1*w1) * w1 = 0.5 * -3 = -1.5
    assert captions[5][1] == "  do/dx1 = do/d(x1*w1) * ∂(x1*w1)/∂x1 = 0.5 * -3 = -1.5"
    table = t.table()
    assert "x1*w1 + x2*w2 = x1*w1 + x2*w2" not in table and "= x1 * w1" not in table
    assert "= x1*w1 + x2*w2 + b" in table and "= tanh(n)" in table


@needs_dot
def test_notebook_display_of_two_traces_keeps_each_to_itself():
    from html.parser import HTMLParser

    t1, t2 = trace_backward(neuron()), trace_backward(karpathy()[0])
    one, two = t1._repr_html_(), t2._repr_html_()
    roots = [re.match(r'<div class="am-stepper" id="([\w-]+)"', h).group(1) for h in (one, two)]
    assert roots[0] != roots[1]
    ids = re.findall(r' id="([^"]+)"', one + two)
    assert len(ids) == len(set(ids))
    for root, h in zip(roots, (one, two)):
        assert all(i.startswith(root) for i in re.findall(r' id="([^"]+)"', h))  # every id under its own prefix
        # every style rule starts with the stepper's own id (no body{}, no bare .frame), in the page and the SVGs
        for style in re.findall(r"<style>(.*?)</style>", h, re.S):
            for selector_list in re.findall(r"([^{}]+)\{[^{}]*\}", style):
                for selector in selector_list.split(","):
                    assert selector.strip().startswith("#" + root), selector
        # the script finds its own element only
        (script,) = re.findall(r"<script>(.*?)</script>", h, re.S)
        assert f'document.getElementById("{root}")' in script and "document.querySelector" not in script
        assert "document.addEventListener" not in script
    # without script: the final caption is the one shown, the picture in its final state, the table every row
    assert re.findall(r'<div class="am-caption( current)?" data-step="(\d+)"', one)[-1] == (" current", "5")
    assert one.count('<div class="am-caption current"') == 1
    # the captions are HTML, not inside the picture; the chain rule typeset as MathML, its words in a title: the
    # neuron's leaf x1 gets do/dx1 = w1 (1 - o^2) = -3 * 0.5 = -1.5
    assert '<div class="am-rule" title="do/dx1 = do/d(x1*w1) * ∂(x1*w1)/∂x1 = 0.5 * -3 = -1.5">' in one
    assert "<mfrac><mrow><mi>d</mi><mi>o</mi></mrow><mrow><mi>d</mi><mi>x1</mi></mrow></mfrac>" in one
    assert 'class="caption"' not in one and ">grad -1.5</text>" in one

    class Table(HTMLParser):
        rows, cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag == "td":
                self.cell = ""

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

        def handle_endtag(self, tag):
            if tag == "td":
                self.rows[-1].append(self.cell)
                self.cell = None

    parser = Table()
    parser.feed(one.split('<table class="am-table">')[1])
    rows = [r for r in parser.rows if r]
    assert len(rows) == 9  # 1 + 2 + 2 + 2 + 2 operands over the five steps
    assert rows[-2][4:] == ["x1", "-3", "0.5 * -3 = -1.5", "0 + -1.5 = -1.5"]


# -- budgets: a page the size of one drawing, refused in one line beyond its limit, never a traceback in a notebook --


def long_chain(n):
    """x through n ops, alternating tanh and a multiply-add that uses x again: 1.5 n steps (the multiply-add is two)."""
    x = Value(0.3, label="x")
    y = x
    for i in range(n):
        y = (y * 0.9 + x) if i % 2 else y.tanh()
    return y


@needs_dot
def test_a_page_of_hundreds_of_steps_is_the_size_of_one_drawing():
    # issue 19: a 298-step trace's page was 209 MB, one SVG of the whole graph per step. Now it is one SVG and the
    # frames' texts: 447 steps, 597 values, under 3 MB
    t = trace_backward(long_chain(298))
    assert len(t.steps) == 447
    page = t._repr_html_()
    assert page.startswith('<div class="am-stepper"') and len(page.encode()) < 3_000_000
    assert page.count("<svg") == 1 and page.count('<div class="am-caption') == 448


@needs_dot
def test_a_page_over_its_budget_is_refused_in_one_line_naming_the_option(tmp_path):
    from autograd_mini.trace import PageTooLargeError

    t = trace_backward(long_chain(6))
    with pytest.raises(PageTooLargeError) as info:
        t.write_html(tmp_path / "page.html", max_bytes=10_000)
    message = str(info.value)
    assert "\n" not in message and "BackwardTrace.html" in message and "max_bytes=10000" in message
    size = int(re.search(r"pass max_bytes=(\d+)", message).group(1))
    assert not (tmp_path / "page.html").exists()  # nothing half-written
    assert len(t.write_html(tmp_path / "page.html", max_bytes=size).read_bytes()) == size  # the size it said
    with pytest.raises(PageTooLargeError, match=r"BackwardTrace.html: 10 frames .*max_frames=5.*max_frames=10"):
        t.html(max_frames=5)
    with pytest.raises(PageTooLargeError, match=r"BackwardTrace.frames: about .* \(10 frames of .*max_bytes=1000 "):
        t.frames(max_bytes=1000)


@needs_dot
def test_a_notebook_shows_a_note_and_the_table_where_it_cannot_show_the_stepper(monkeypatch):
    import autograd_mini.frames

    t = trace_backward(long_chain(6))
    monkeypatch.setattr(autograd_mini.frames, "MAX_PAGE_BYTES", 10_000)
    monkeypatch.setattr("autograd_mini.notebook.MAX_PAGE_BYTES", 10_000)
    shown = t._repr_html_()  # no exception: a display cannot take an option
    assert "<svg" not in shown and "max_bytes=10000" in shown and "trace.write_html(" in shown
    assert shown.count("<tr>") == 1 + sum(len(s.contributions) for s in t.steps)  # the head and every row
    # without Graphviz's dot the same: why, and the table
    monkeypatch.setenv("PATH", "/nonexistent")
    shown = t._repr_html_()
    assert "Graphviz" in shown and "<svg" not in shown and "<table" in shown


def test_a_notebook_display_of_a_long_trace_lists_the_first_rows_and_counts_the_rest(monkeypatch):
    import autograd_mini.notebook

    t = trace_backward(long_chain(30))
    rows = sum(len(s.contributions) for s in t.steps)  # 15 tanh (one row) + 15 multiply-adds (2 steps, 3 rows)
    assert rows == 60
    monkeypatch.setattr(autograd_mini.notebook, "TABLE_ROWS", 40)
    shown = autograd_mini.notebook.stepper_html(t, fallback=True, max_frames=10)
    assert "max_frames=10" in shown and "the first 40 rows; 20 more follow" in shown
    assert shown.count("<tr>") == 41


def test_labels_with_line_breaks_and_terminal_escapes_keep_the_table_one_line_per_row(capsys):
    # a label is a learner's text: "a\nb" broke its row in two, "\x1b[31m" turned a terminal red, and a lone
    # surrogate made print() fail with a UnicodeEncodeError. Names are shown on one line, escaped as repr writes them.
    # o = tanh(x * w): 2 steps, 3 rows (tanh passes to n1; the product to x and w); by hand do/dx = (1 - tanh^2(-6)) w
    x, w = Value(2.0, label="a\nb"), Value(-3.0, label="\x1b[31mred\ud800")
    trace = trace_backward((x * w).tanh())
    table = str(trace)
    lines = table.splitlines()
    assert len(lines) == 4 + 2 + 3 + 2  # the heading's 4 lines, head and rule, 3 rows, a blank and the gradients
    assert "\x1b" not in table and "\r" not in table
    assert "a\\nb = " in lines[-1] and "\\x1b[31mred\\ud800 = " in lines[-1]
    print(table)  # the terminal gets text it can encode
    assert trace.grad(x) == pytest.approx((1 - math.tanh(-6.0) ** 2) * -3.0, rel=1e-15)
    for caption in trace.captions():
        assert all("\n" not in line for line in caption)
