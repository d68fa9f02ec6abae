"""The step-by-step HTML page in a real headless Chromium: stepping forward and back moves the highlight, the
neuron's whole graph is in view at 1024 px, and a picture wider than the window follows the step.

playwright drives the system's Chromium (conftest.py's ``browser``, shared with the playground's tests). Clicks are
real mouse events at the buttons' positions; the highlighted node is read from the computed style of the rendered
SVG, not from our script.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from examples import karpathy

from autograd_mini import Value
from autograd_mini.trace import trace_backward

pytestmark = pytest.mark.browser

RED = "rgb(214, 39, 40)"  # trace._CURRENT, #d62728
VIOLET = "rgb(124, 58, 237)"  # trace._RECEIVER, #7c3aed


# What is highlighted in one stepper, read from the browser's computed styles: the frame whose caption is shown, the
# boxes (by their drawing ids v{i}) drawn red and violet, and the counter.
STATE_JS = """JSON.stringify((() => {
  const root = document.querySelectorAll('.am-stepper')[INDEX];
  const visible = [...root.querySelectorAll('.am-caption')].filter(c => getComputedStyle(c).display !== 'none');
  const out = {visible: visible.map(c => c.dataset.step), red: [], violet: [],
               counter: root.querySelector('.am-counter').textContent};
  for (const g of root.querySelectorAll('.am-picture g.node')) {
    const shape = g.querySelector(':scope > polygon, :scope > ellipse');
    const stroke = getComputedStyle(shape).stroke;
    const name = g.querySelector('title').textContent;
    if (stroke === 'RED') out.red.push(name);
    if (stroke === 'VIOLET') out.violet.push(name);
  }
  out.red.sort();
  out.violet.sort();
  return out;
})())""".replace("RED", RED).replace("VIOLET", VIOLET)


def state(page, index=0):
    """The shown frame, its red and violet nodes and the counter of the index-th stepper on the page."""
    return json.loads(page.evaluate(STATE_JS.replace("INDEX", str(index))))


def needs_dot():
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz program dot is not installed; the page's pictures need it")


def open_page(browser, width=1400, height=900):
    return browser.new_context(viewport={"width": width, "height": height}).new_page()


def click(page, selector, index=0):
    """A real left click (mouse moved, pressed and released) at the centre of the index-th element matching it."""
    page.locator(selector).nth(index).click()


def notebook_page(path, outputs):
    """HTML outputs as a notebook shows them: each in an output area of one page."""
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>outputs</title></head><body>'
        + "".join(f'<div class="output_area"><p>Out[{k + 1}]:</p>{h}</div>' for k, h in enumerate(outputs))
        + "</body></html>",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def karpathy_page(browser, tmp_path_factory):
    needs_dot()
    tmp = tmp_path_factory.mktemp("browser")
    L, _ = karpathy()  # L = (a * b + c) * f: e = a*b = -6, d = e + c = 4, L = d * f = -8
    path = trace_backward(L).write_html(tmp / "backward.html")
    page = open_page(browser)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    yield page, path, requests
    page.context.close()


def test_stepping_forward_and_back_moves_the_highlight(karpathy_page, tmp_path):
    page, path, requests = karpathy_page
    # the boxes by topological number: v0 a, v1 b, v2 e (op v2op), v3 c, v4 d, v5 f, v6 L
    now = state(page)
    assert now == {"visible": ["0"], "red": [], "violet": ["v6"], "counter": "step 0 of 3"}  # the seed at L

    click(page, ".am-next")
    now = state(page)
    # step 1 passes L's gradient back through L = d * f: d and f receive
    assert now == {"visible": ["1"], "red": ["v6", "v6op"], "violet": ["v4", "v5"], "counter": "step 1 of 3"}

    click(page, ".am-next")
    now = state(page)
    # step 2: d = e + c, e and c receive
    assert now["visible"] == ["2"] and now["red"] == ["v4", "v4op"] and now["violet"] == ["v2", "v3"]

    click(page, ".am-prev")
    now = state(page)
    assert now["visible"] == ["1"] and now["red"] == ["v6", "v6op"]

    # the gradient texts after step 3 (keyboard: arrow right twice): a = 6, b = -4
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    now = state(page)
    assert now["visible"] == ["3"] and now["red"] == ["v2", "v2op"]
    grads = dict(json.loads(page.evaluate(GRADS_JS)))
    # by hand: dL/da = dL/de * b = (-2)(-3) = 6, dL/db = (-2)(2) = -4, dL/dc = -2, dL/df = d = 4
    assert grads["v0"] == "grad 6" and grads["v1"] == "grad -4" and grads["v3"] == "grad -2"
    assert grads["v5"] == "grad 4" and grads["v6"] == "grad 1"
    # and back to the start: every gradient but the seed unknown again
    for _ in range(3):
        click(page, ".am-prev")
    grads = {k: v for k, v in json.loads(page.evaluate(GRADS_JS)) if not k.endswith("op")}
    assert grads == {f"v{i}": "grad ?" for i in range(6)} | {"v6": "grad 1"}

    # nothing but the page itself was requested: no network, no external resources
    assert set(requests) <= {path.as_uri()}, requests

    png = Path(os.environ.get("AUTOGRAD_MINI_SCREENSHOT", tmp_path / "stepper.png"))
    page.screenshot(path=str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


GRADS_JS = """JSON.stringify([...document.querySelectorAll('.am-stepper')[0].querySelectorAll('.am-picture g.node')]
  .map(g => [g.querySelector('title').textContent, [...g.querySelectorAll('text')].pop().textContent]))"""


def test_the_chain_rule_is_typeset_as_mathml(karpathy_page):
    page, _, _ = karpathy_page
    page.locator(".am-stepper").focus()
    for key in ("ArrowLeft",) * 5 + ("ArrowRight",):  # to the start, then step 1
        page.keyboard.press(key)
    assert state(page)["visible"] == ["1"]
    # step 1 of L = d * f: dL/dd = dL/dL * dL/dd = 1 * f = -2, rendered by the browser's own MathML (a fraction box
    # taller than a line of text), its words in the title of its line
    rule = page.evaluate(
        "(() => { const m = document.querySelector('.am-caption.current .am-rule');"
        " const f = m.querySelector('math mfrac').getBoundingClientRect();"
        " return {alt: m.getAttribute('title'), height: f.height}; })()"
    )
    assert rule["alt"] == "dL/dd = dL/dL * ∂L/∂d = 1 * -2 = -2"
    assert rule["height"] > 25
    # the numbers as the lecture writes a product: a negative factor in parentheses, minus signs (it read "1 · -2")
    numbers = page.evaluate("document.querySelectorAll('.am-caption.current .am-rule math')[2].textContent")
    assert numbers == "=1\u22c5(\u22122)=\u22122"


@pytest.fixture(scope="module")
def two_steppers(browser, tmp_path_factory):
    """Two traces shown as a notebook shows them: their ``_repr_html_`` in two output areas of one page."""
    needs_dot()
    tmp = tmp_path_factory.mktemp("notebook")
    L, _ = karpathy()
    x = Value(3.0, label="x")
    y = x * x + x  # dy/dx = 2x + 1 = 7: x receives twice in step 2 (fan-out)
    y.label = "y"
    path = notebook_page(tmp / "notebook.html", [trace_backward(L)._repr_html_(), trace_backward(y)._repr_html_()])
    page = open_page(browser)
    page.goto(path.as_uri())
    yield page
    page.context.close()


def test_two_inline_steppers_step_independently(two_steppers, tmp_path):
    page = two_steppers
    # each starts at its seed: L is v6 of the first; y (v3: x, x*x, the sum's operand order) of the second
    first, second = state(page, 0), state(page, 1)
    assert first == {"visible": ["0"], "red": [], "violet": ["v6"], "counter": "step 0 of 3"}
    assert second["visible"] == ["0"] and second["counter"] == "step 0 of 2" and len(second["violet"]) == 1
    seed_second = second

    click(page, ".am-next", 0)
    click(page, ".am-next", 0)
    first, second = state(page, 0), state(page, 1)
    assert first["visible"] == ["2"] and first["red"] == ["v4", "v4op"] and first["violet"] == ["v2", "v3"]
    assert second == seed_second  # the second did not move

    click(page, ".am-next", 1)
    first, second = state(page, 0), state(page, 1)
    assert second["visible"] == ["1"] and second["counter"] == "step 1 of 2" and len(second["red"]) == 2
    assert first["visible"] == ["2"]

    click(page, ".am-prev", 0)
    first, second = state(page, 0), state(page, 1)
    assert first["visible"] == ["1"] and first["red"] == ["v6", "v6op"] and second["visible"] == ["1"]
    click(page, ".am-next", 1)
    click(page, ".am-prev", 1)
    click(page, ".am-prev", 1)
    assert state(page, 1) == seed_second and state(page, 0)["visible"] == ["1"]

    # the step table of each follows its own stepper: row highlight on the current step only
    rows = page.evaluate(
        "[...document.querySelectorAll('.am-stepper')].map(r => [...r.querySelectorAll('tr.am-now')]"
        ".map(t => t.dataset.step))"
    )
    assert rows == [["1", "1"], []]  # step 1 of L = d * f has two operand rows; the second is at its seed

    png = Path(os.environ.get("AUTOGRAD_MINI_SCREENSHOT_TWO", tmp_path / "two_steppers.png"))
    page.screenshot(path=str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- micrograd's neuron at 1024 px: the whole graph in view, at its natural size -------------------------------

# Where the picture of one stepper stands: its scroll box, the SVG's rendered and natural size (dot writes the size
# in points: 1 pt = 4/3 px), the boxes of the graph, and the view chosen.
FIT_JS = """JSON.stringify((() => {
  const root = document.querySelectorAll('.am-stepper')[INDEX];
  const box = root.querySelector('.am-picture');
  const svg = box.querySelector('svg');
  const r = svg.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  const nodes = [...svg.querySelectorAll('g.node')].map(g => g.getBoundingClientRect());
  return {whole: root.querySelector('.am-view-whole').checked, window: [innerWidth, innerHeight],
          svg: [r.left, r.top, r.right, r.bottom], natural: parseFloat(svg.getAttribute('width')) * 4 / 3,
          box: [b.left, b.top, b.right, b.bottom], overflow: box.scrollWidth - box.clientWidth,
          nodes: [Math.min(...nodes.map(n => n.left)), Math.min(...nodes.map(n => n.top)),
                  Math.max(...nodes.map(n => n.right)), Math.max(...nodes.map(n => n.bottom))]};
})())"""


def fit(page, index=0):
    return json.loads(page.evaluate(FIT_JS.replace("INDEX", str(index))))


def assert_whole_graph_in_view(now):
    """Starts on the whole graph, at its natural size (no text shrunk), every box inside the window, nothing to
    scroll sideways, and no blank band above the graph (its first row of boxes within 20 px of the picture's top)."""
    width, height = now["window"]
    left, top, right, bottom = now["nodes"]
    assert now["whole"] and now["overflow"] <= 0, now
    assert abs((now["svg"][2] - now["svg"][0]) - now["natural"]) < 1, now  # drawn at 100%
    assert 0 <= left and right <= width and right - left < 1000, now
    assert bottom - top < height, now  # the graph is less high than the window: scrolled to, it is all in view
    assert top - now["box"][1] < 20, now


@pytest.fixture(scope="module")
def neuron_1024(browser, tmp_path_factory):
    needs_dot()
    tmp = tmp_path_factory.mktemp("neuron")
    path = trace_backward(neuron()).write_html(tmp / "neuron.html")
    notebook = notebook_page(tmp / "notebook.html", [trace_backward(neuron())._repr_html_() for _ in range(2)])
    page = open_page(browser, 1024, 768)
    yield page, path, notebook
    page.context.close()


def neuron():
    """micrograd's neuron o = tanh(x1*w1 + x2*w2 + b), unlabelled inside: the sums are n1 ... n4."""
    x1, x2, w1, w2 = (Value(v, label=k) for k, v in (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0)))
    o = (x1 * w1 + x2 * w2 + Value(6.8813735870195432, label="b")).tanh()
    o.label = "o"
    return o


def test_the_neurons_whole_graph_is_in_view_at_1024_px(neuron_1024):
    page, path, notebook = neuron_1024
    page.goto(path.as_uri())
    assert_whole_graph_in_view(fit(page))
    for _ in range(3):  # stepping changes texts and colours, never the picture's place or size
        click(page, ".am-next")
        assert_whole_graph_in_view(fit(page))
    # "follow the step": the natural size, the same picture (it fits, so nothing scrolls)
    click(page, ".am-view-follow")
    now = fit(page)
    assert not now["whole"] and abs((now["svg"][2] - now["svg"][0]) - now["natural"]) < 1
    page.goto(notebook.as_uri())
    for index in (0, 1):
        assert_whole_graph_in_view(fit(page, index))


def labelled_neuron():
    """The tour's neuron: micrograd's labels on the inner nodes too (x1*w1, x2*w2, x1*w1 + x2*w2, n, o), whose
    fractions in the caption are the widest and tallest."""
    x1, x2, w1, w2 = (Value(v, label=k) for k, v in (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0)))
    a, c = x1 * w1, x2 * w2
    a.label, c.label = "x1*w1", "x2*w2"
    s = a + c
    s.label = "x1*w1 + x2*w2"
    n = s + Value(6.8813735870195432, label="b")
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


@pytest.mark.parametrize("make", [neuron, labelled_neuron])
def test_at_1024_by_768_the_whole_graph_and_the_steps_caption_are_in_view(make, neuron_1024, tmp_path):
    # a projector's 1024 x 768: the picture was 625 px high and each step's chain rule began at 715 px, below the
    # window, so a class saw the graph or the step's numbers, never both. Lower boxes and closer ranks: every step
    # shows the whole graph and its caption (the chain rule and the program's lines) without scrolling.
    page, _, _ = neuron_1024
    path = trace_backward(make()).write_html(tmp_path / "steps.html")
    page.goto(path.as_uri())
    for step in range(6):
        now = page.evaluate(
            "(() => { const s = document.querySelector('.am-picture svg').getBoundingClientRect();"
            " const c = document.querySelector('.am-caption.current').getBoundingClientRect();"
            " return {step: document.querySelector('.am-caption.current').dataset.step,"
            " svg: [s.top, s.bottom], caption: [c.top, c.bottom], height: innerHeight, scrolled: scrollY}; })()"
        )
        assert now["step"] == str(step) and now["scrolled"] == 0, now
        assert 0 <= now["svg"][0] and now["svg"][1] <= now["caption"][0] and now["caption"][1] <= now["height"], now
        page.keyboard.press("ArrowRight")


def test_at_1280_px_the_caption_beside_the_picture_is_never_cut(browser, tmp_path):
    # at 1280 x 720 the caption stands beside the picture, in about 350 px: the tour's fractions of x1*w1 + x2*w2
    # (a line of about 380 px) ran past the window's right edge. A rule breaks before its '=' where it must.
    needs_dot()
    page = open_page(browser, 1280, 720)
    page.goto(trace_backward(labelled_neuron()).write_html(tmp_path / "steps.html").as_uri())
    for step in range(6):
        now = page.evaluate(
            "(() => { const m = [...document.querySelectorAll('.am-caption.current math')];"
            " const a = document.querySelector('.am-aside').getBoundingClientRect();"
            " const code = [...document.querySelectorAll('.am-caption.current code')];"
            " return {right: Math.max(0, ...m.map(e => e.getBoundingClientRect().right)), aside: [a.left, a.right],"
            " page: document.documentElement.scrollWidth, width: innerWidth,"
            " lines: code.map(c => c.getClientRects().length)}; })()"
        )
        assert now["page"] <= now["width"] and now["right"] <= now["aside"][1] + 0.5, (step, now)
        # the program's line breaks between statements, never inside one ("g_w1 += g_n1" / "* x1" at step 5)
        assert all(lines == 1 for lines in now["lines"]), (step, now)
        assert now["aside"][0] > 800, now  # beside the picture, not under it
        page.keyboard.press("ArrowRight")
    page.context.close()


# The step table of one stepper: its box's overflow (a sideways scroll when positive), its right edge, and the text
# of each cell of its last column (what a learner reads there, spaces as the browser lays them out).
TABLE_JS = """JSON.stringify((() => {
  const root = document.querySelectorAll('.am-stepper')[INDEX];
  const box = root.querySelector('.am-tablebox');
  const cells = [...root.querySelectorAll('table.am-table tbody tr')].map(r => r.lastElementChild.innerText);
  return {overflow: box.scrollWidth - box.clientWidth, right: box.getBoundingClientRect().right,
          window: innerWidth, last: cells.map(c => c.replace(/\\s+/g, ' '))};
})())"""


def test_the_step_tables_every_column_is_in_view_at_1024_px(neuron_1024, browser, tmp_path):
    # the neuron's table was 1,316 px wide: at 1024 px "before + product = after", the column a teacher points at,
    # was behind a sideways scroll, in the page and in a notebook's 880 px output area alike
    page, path, _ = neuron_1024
    page.goto(path.as_uri())
    now = json.loads(page.evaluate(TABLE_JS.replace("INDEX", "0")))
    assert now["overflow"] <= 0 and now["right"] <= now["window"], now
    # by hand, x1's row (step 5, n1 = x1 * w1): 0 + upstream 0.5 * local w1 = -3 -> -1.5
    assert now["last"][-2] == "0 + -1.5 = -1.5"
    # a notebook's output area (880 px at a 1024 px window in nbconvert's export), the neuron and a step with long
    # numbers: y = tanh(x * w) at x = 2, w = -3: tanh'(-6) = 1 - tanh(6)^2 = 2.45765e-05, times w = -7.37296e-05
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w).tanh()
    outputs = [
        f'<div style="width: 880px">{t._repr_html_()}</div>' for t in (trace_backward(neuron()), trace_backward(y))
    ]
    page.goto(notebook_page(tmp_path / "outputs.html", outputs).as_uri())
    for index in (0, 1):
        now = json.loads(page.evaluate(TABLE_JS.replace("INDEX", str(index))))
        assert now["overflow"] <= 0, (index, now)
    assert now["last"][1] == "0 + -7.37296e-05 = -7.37296e-05", now


# -- a picture wider than the window: following the step scrolls its node, op and operands into view -----------

# Where the highlighted boxes of one stepper stand against its scroll box, in the browser's coordinates: the red and
# violet nodes and the red op ellipse are found from their computed stroke, as above.
VIEW_JS = """JSON.stringify((() => {
  const root = document.querySelectorAll('.am-stepper')[INDEX];
  const box = root.querySelector('.am-picture');
  const left = box.getBoundingClientRect().left + box.clientLeft;
  const step = [...root.querySelectorAll('.am-caption')].find(c => getComputedStyle(c).display !== 'none');
  const out = {step: step.dataset.step, scrollLeft: box.scrollLeft, overflow: box.scrollWidth - box.clientWidth,
               view: [left, left + box.clientWidth], red: {}, violet: {},
               follow: root.querySelector('.am-view-follow').checked};
  for (const g of box.querySelectorAll('g.node')) {
    const shape = g.querySelector(':scope > polygon, :scope > ellipse');
    const stroke = getComputedStyle(shape).stroke;
    const r = g.getBoundingClientRect();
    const name = g.querySelector('title').textContent;
    if (stroke === 'RED') out.red[name] = [r.left, r.right];
    if (stroke === 'VIOLET') out.violet[name] = [r.left, r.right];
  }
  return out;
})())""".replace("RED", RED).replace("VIOLET", VIOLET)


def view(page, index=0):
    return json.loads(page.evaluate(VIEW_JS.replace("INDEX", str(index))))


def assert_in_view(now):
    """Every highlighted box lies inside the visible part of the scroll box (half a pixel for rounding)."""
    left, right = now["view"]
    for name, (a, b) in {**now["red"], **now["violet"]}.items():
        assert left - 0.5 <= a and b <= right + 0.5, (now["step"], name, (a, b), now["view"])


def wide_trace():
    """f = x**2 * y + sin(y) at x = 3, y = 0.5, drawn left to right: five nodes in a row, about 1400 px wide with the
    edge labels. Boxes: v0 x, v1 = x**2, v2 y, v3 = v1 * y, v4 = sin(y), v5 f."""
    x, y = Value(3.0, label="x"), Value(0.5, label="y")
    f = x**2 * y + y.sin()
    f.label = "f"
    return trace_backward(f)


@pytest.fixture(scope="module")
def narrow(browser, tmp_path_factory):
    """A 1024 px wide window on two pages: the stand-alone step page, and two inline steppers of the wide graph."""
    from autograd_mini.notebook import stepper_html

    needs_dot()
    tmp = tmp_path_factory.mktemp("narrow")
    path = wide_trace().write_html(tmp / "steps.html", rankdir="LR")
    notebook = notebook_page(tmp / "notebook.html", [stepper_html(wide_trace(), rankdir="LR") for _ in range(2)])
    page = open_page(browser, 1024, 900)
    yield page, path, notebook
    page.context.close()


# what each frame is about, worked out from the formula: (red: node and op, violet: the operands receiving)
WIDE_STEPS = [
    ([], ["v5"]),  # the seed: f receives df/df = 1
    (["v5", "v5op"], ["v3", "v4"]),  # f = v3 + v4
    (["v4", "v4op"], ["v2"]),  # v4 = sin(y)
    (["v3", "v3op"], ["v1", "v2"]),  # v3 = v1 * y
    (["v1", "v1op"], ["v0"]),  # v1 = x ** 2
]


def test_each_step_scrolls_its_operands_into_view(narrow):
    page, path, _ = narrow
    page.goto(path.as_uri())
    for k, (red, violet) in enumerate(WIDE_STEPS):
        if k:
            click(page, ".am-next")
        now = view(page)
        assert now["step"] == str(k) and sorted(now["red"]) == red and sorted(now["violet"]) == violet
        assert now["follow"]  # too wide to show whole at 85% of its size: the stepper starts following the step
        assert now["overflow"] > 50  # the picture is wider than its box, or there would be nothing to test
        assert_in_view(now)
    # the way back scrolls as well: step 3's operands v1 and y, then step 1's v3 and v4 and the root f
    click(page, ".am-prev")
    assert_in_view(view(page))
    click(page, ".am-prev")
    click(page, ".am-prev")
    now = view(page)
    assert now["step"] == "1" and sorted(now["violet"]) == ["v3", "v4"]
    assert_in_view(now)
    # step 2 (v4 = sin(y)) is narrower than the view and not at the picture's right end: its box is left-aligned,
    # the operand y a small margin from the left edge, the graph's leaves before it scrolled out of the way
    click(page, ".am-next")
    now = view(page)
    assert now["step"] == "2" and 0 < now["scrollLeft"] < now["overflow"]
    assert 0 < now["violet"]["v2"][0] - now["view"][0] <= 32
    # "whole graph": all of it in the box, scaled down (nothing to scroll); back to following the step
    click(page, ".am-view-whole")
    now = view(page)
    assert not now["follow"] and now["overflow"] <= 0 and now["scrollLeft"] == 0
    click(page, ".am-view-follow")
    assert_in_view(view(page))


def test_inline_steppers_scroll_independently(narrow):
    page, _, notebook = narrow
    page.goto(notebook.as_uri())
    first, second = view(page, 0), view(page, 1)
    assert_in_view(first)
    assert_in_view(second)
    seed = second
    for _ in range(3):  # the first to step 3, v3 = v1 * y: scrolled back to its operands at the left
        click(page, ".am-next", 0)
    first, second = view(page, 0), view(page, 1)
    assert first["step"] == "3" and sorted(first["violet"]) == ["v1", "v2"]
    assert first["scrollLeft"] < seed["scrollLeft"]
    assert_in_view(first)
    assert second["step"] == "0" and second["scrollLeft"] == seed["scrollLeft"]  # the second did not move
    click(page, ".am-next", 1)
    second = view(page, 1)
    assert second["step"] == "1" and sorted(second["violet"]) == ["v3", "v4"]
    assert_in_view(second)
    assert view(page, 0)["scrollLeft"] == first["scrollLeft"]
