"""The step-by-step HTML page in a real headless Chromium: stepping forward and back moves the highlight.

The browser is driven through the Chrome DevTools protocol over ``--remote-debugging-pipe`` (JSON messages ending
in a NUL byte on file descriptors 3 and 4), with the standard library only. Clicks are real mouse events at the
buttons' positions; the highlighted node is read from the computed style of the rendered SVG, not from our script.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from examples import karpathy

from autograd_mini import Value
from autograd_mini.trace import trace_backward

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
RED = "rgb(214, 39, 40)"  # trace._CURRENT, #d62728
VIOLET = "rgb(124, 58, 237)"  # trace._RECEIVER, #7c3aed


class Browser:
    """Headless Chromium with a DevTools session on its pipe: ``send(method, **params)`` -> result."""

    def __init__(self, user_data_dir):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the protocol reads fd 3 and writes fd 4 of the browser; copies at 10+ so the dup2s cannot collide
        r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        args = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--window-size=1400,900",
            "--remote-debugging-pipe",
            f"--user-data-dir={user_data_dir}",
            "about:blank",
        ]
        self.log = Path(user_data_dir).with_suffix(".log")
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(self.log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
            (os.POSIX_SPAWN_DUP2, r, 3),
            (os.POSIX_SPAWN_DUP2, w, 4),
        ]
        # Python's own descriptors are close-on-exec (PEP 446), so the browser gets exactly 0-4
        self.pid = os.posix_spawn(CHROMIUM, args, os.environ, file_actions=actions)
        for fd in (to_child_r, from_child_w, r, w):
            os.close(fd)
        self._next_id = 0
        self._replies = {}
        self.events = queue.Queue()
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = None

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.events.put(msg)

    def send(self, method, timeout=20.0, session=True, **params):
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._next_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Chromium did not answer {method} within {timeout} s")
                self._cond.wait(left)
            reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"Chromium: {method} failed: {reply['error']}")
        return reply["result"]

    def wait_event(self, method, timeout=20.0):
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                msg = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(msg)
            if msg.get("method") == method:
                return msg, seen
        raise TimeoutError(f"no {method} event from Chromium within {timeout} s")

    def attach(self):
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", session=False, targetId=page["targetId"], flatten=True)[
            "sessionId"
        ]

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector, index=0):
        """A real left click (mouse pressed and released) at the centre of the index-th element matching selector
        (scrolled into view first)."""
        element = f"document.querySelectorAll({json.dumps(selector)})[{index}]"
        self.evaluate(f"{element}.scrollIntoView({{block: 'center'}})")
        box = json.loads(self.evaluate(f"JSON.stringify({element}.getBoundingClientRect())"))
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except (TimeoutError, RuntimeError, OSError):
            pass
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._to_child)
        os.close(self._from_child)


# What is highlighted in the visible frame of one stepper, read from the browser's computed styles.
STATE_JS = """JSON.stringify((() => {
  const root = document.querySelectorAll('.am-stepper')[INDEX];
  const visible = [...root.querySelectorAll('.frame')].filter(s => getComputedStyle(s).display !== 'none');
  const out = {visible: visible.map(s => s.dataset.step), red: [], orange: [],
               counter: root.querySelector('.am-counter').textContent};
  for (const s of visible) {
    for (const g of s.querySelectorAll('g.node')) {
      const shape = g.querySelector(':scope > polygon, :scope > ellipse');
      const stroke = getComputedStyle(shape).stroke;
      const name = g.querySelector('title').textContent;
      if (stroke === 'RED') out.red.push(name);
      if (stroke === 'VIOLET') out.orange.push(name);
    }
  }
  out.red.sort();
  out.orange.sort();
  return out;
})())""".replace("RED", RED).replace("VIOLET", VIOLET)


def state(browser, index=0):
    """The visible frame, its red and violet ("orange") nodes and the counter of the index-th stepper on the page."""
    return json.loads(browser.evaluate(STATE_JS.replace("INDEX", str(index))))


def needs_browser_and_dot():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); the browser test needs it")
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz program dot is not installed; the page's pictures need it")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    needs_browser_and_dot()
    tmp = tmp_path_factory.mktemp("browser")
    L, _ = karpathy()  # L = (a * b + c) * f: e = a*b = -6, d = e + c = 4, L = d * f = -8
    path = trace_backward(L).write_html(tmp / "backward.html")
    browser = Browser(tmp / "profile")
    try:
        browser.attach()
        browser.send("Page.enable")
        browser.send("Network.enable")
        browser.send("Page.navigate", url=path.as_uri())
        _, events = browser.wait_event("Page.loadEventFired")
        yield browser, path, events
    finally:
        browser.close()


def test_stepping_forward_and_back_moves_the_highlight(page, tmp_path):
    browser, path, events = page
    # topological numbering: n0 a, n1 b, n2 e (op n2op), n3 c, n4 d, n5 f, n6 L
    now = state(browser)
    assert now == {"visible": ["0"], "red": [], "orange": ["n6"], "counter": "step 0 of 3"}  # the seed at L

    browser.click(".am-next")
    now = state(browser)
    # step 1 passes L's gradient back through L = d * f: d and f receive
    assert now == {"visible": ["1"], "red": ["n6", "n6op"], "orange": ["n4", "n5"], "counter": "step 1 of 3"}

    browser.click(".am-next")
    now = state(browser)
    # step 2: d = e + c, e and c receive
    assert now["visible"] == ["2"] and sorted(now["red"]) == ["n4", "n4op"]
    assert sorted(now["orange"]) == ["n2", "n3"]

    browser.click(".am-prev")
    now = state(browser)
    assert now["visible"] == ["1"] and now["red"] == ["n6", "n6op"]

    # the gradient text of the visible frame after step 3 (keyboard: arrow right twice): a = 6, b = -4
    for _ in range(2):
        browser.send("Input.dispatchKeyEvent", type="keyDown", key="ArrowRight", code="ArrowRight")
        browser.send("Input.dispatchKeyEvent", type="keyUp", key="ArrowRight", code="ArrowRight")
    now = state(browser)
    assert now["visible"] == ["3"] and sorted(now["red"]) == ["n2", "n2op"]
    grads = json.loads(
        browser.evaluate(
            "JSON.stringify([...document.querySelectorAll('.frame.current g.node')].map("
            "g => [g.querySelector('title').textContent, [...g.querySelectorAll('text')].pop().textContent]))"
        )
    )
    grads = dict(grads)
    # by hand: dL/da = dL/de * b = (-2)(-3) = 6, dL/db = (-2)(2) = -4, dL/dc = -2, dL/df = d = 4
    assert grads["n0"] == "grad 6" and grads["n1"] == "grad -4" and grads["n3"] == "grad -2"
    assert grads["n5"] == "grad 4" and grads["n6"] == "grad 1"

    # nothing but the page itself was requested: no network, no external resources
    browser.send("Runtime.evaluate", expression="0")
    urls = set()
    while not browser.events.empty():
        events.append(browser.events.get())
    for msg in events:
        if msg.get("method") == "Network.requestWillBeSent":
            urls.add(msg["params"]["request"]["url"])
    assert urls <= {path.as_uri()}, urls

    shot = browser.send("Page.captureScreenshot", format="png")["data"]
    png = Path(os.environ.get("AUTOGRAD_MINI_SCREENSHOT", tmp_path / "stepper.png"))
    png.write_bytes(base64.b64decode(shot))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def notebook_page(tmp_path_factory):
    """Two traces shown as a notebook shows them: their ``_repr_html_`` in two output areas of one page."""
    needs_browser_and_dot()
    tmp = tmp_path_factory.mktemp("notebook")
    L, _ = karpathy()
    x = Value(3.0, label="x")
    y = x * x + x  # dy/dx = 2x + 1 = 7: x receives twice in step 2 (fan-out)
    y.label = "y"
    outputs = [trace_backward(L)._repr_html_(), trace_backward(y)._repr_html_()]
    path = tmp / "notebook.html"
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>two outputs</title></head><body>'
        + "".join(f'<div class="output_area"><p>Out[{k + 1}]:</p>{h}</div>' for k, h in enumerate(outputs))
        + "</body></html>",
        encoding="utf-8",
    )
    browser = Browser(tmp / "profile")
    try:
        browser.attach()
        browser.send("Page.enable")
        browser.send("Page.navigate", url=path.as_uri())
        browser.wait_event("Page.loadEventFired")
        yield browser, path
    finally:
        browser.close()


def test_two_inline_steppers_step_independently(notebook_page, tmp_path):
    browser, path = notebook_page
    # each starts at its seed: L is n6 of the first; y (n3: x, x*x, the sum's operand order) of the second
    first, second = state(browser, 0), state(browser, 1)
    assert first == {"visible": ["0"], "red": [], "orange": ["n6"], "counter": "step 0 of 3"}
    assert second["visible"] == ["0"] and second["counter"] == "step 0 of 2" and len(second["orange"]) == 1
    seed_second = second

    browser.click(".am-next", index=0)
    browser.click(".am-next", index=0)
    first, second = state(browser, 0), state(browser, 1)
    assert first["visible"] == ["2"] and first["red"] == ["n4", "n4op"] and first["orange"] == ["n2", "n3"]
    assert second == seed_second  # the second did not move

    browser.click(".am-next", index=1)
    first, second = state(browser, 0), state(browser, 1)
    assert second["visible"] == ["1"] and second["counter"] == "step 1 of 2" and len(second["red"]) == 2
    assert first["visible"] == ["2"]

    browser.click(".am-prev", index=0)
    first, second = state(browser, 0), state(browser, 1)
    assert first["visible"] == ["1"] and first["red"] == ["n6", "n6op"] and second["visible"] == ["1"]
    browser.click(".am-next", index=1)
    browser.click(".am-prev", index=1)
    browser.click(".am-prev", index=1)
    assert state(browser, 1) == seed_second and state(browser, 0)["visible"] == ["1"]

    # the step table of each follows its own stepper: row highlight on the current step only
    rows = json.loads(
        browser.evaluate(
            "JSON.stringify([...document.querySelectorAll('.am-stepper')].map(r => "
            "[...r.querySelectorAll('tr.am-now')].map(t => t.dataset.step)))"
        )
    )
    assert rows == [["1", "1"], []]  # step 1 of L = d * f has two operand rows; the second is at its seed

    shot = browser.send("Page.captureScreenshot", format="png")["data"]
    png = Path(os.environ.get("AUTOGRAD_MINI_SCREENSHOT_TWO", tmp_path / "two_steppers.png"))
    png.write_bytes(base64.b64decode(shot))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- a picture wider than the window: each step scrolls its node, op and operands into view --------------------

# Where the highlighted boxes of the visible frame of one stepper stand against its scroll box, in the browser's
# coordinates: the red and violet nodes and the red op ellipse are found from their computed stroke, as above.
VIEW_JS = """JSON.stringify((() => {
  const root = document.querySelectorAll('.am-stepper')[INDEX];
  const frame = [...root.querySelectorAll('.frame')].find(s => getComputedStyle(s).display !== 'none');
  const box = frame.querySelector('.am-picture');
  const left = box.getBoundingClientRect().left + box.clientLeft;
  const out = {step: frame.dataset.step, scrollLeft: box.scrollLeft, overflow: box.scrollWidth - box.clientWidth,
               view: [left, left + box.clientWidth], red: {}, violet: {}};
  for (const g of frame.querySelectorAll('g.node')) {
    const shape = g.querySelector(':scope > polygon, :scope > ellipse');
    const stroke = getComputedStyle(shape).stroke;
    const r = g.getBoundingClientRect();
    const name = g.querySelector('title').textContent;
    if (stroke === 'RED') out.red[name] = [r.left, r.right];
    if (stroke === 'VIOLET') out.violet[name] = [r.left, r.right];
  }
  return out;
})())""".replace("RED", RED).replace("VIOLET", VIOLET)


def view(browser, index=0):
    return json.loads(browser.evaluate(VIEW_JS.replace("INDEX", str(index))))


def assert_in_view(now):
    """Every highlighted box lies inside the visible part of the scroll box (half a pixel for rounding)."""
    left, right = now["view"]
    for name, (a, b) in {**now["red"], **now["violet"]}.items():
        assert left - 0.5 <= a and b <= right + 0.5, (now["step"], name, (a, b), now["view"])


def wide_trace():
    """f = x**2 * y + sin(y) at x = 3, y = 0.5: five nodes in a row, about 1100 px wide with the edge labels.
    Topological numbering: n0 x, n1 = x**2, n2 y, n3 = n1 * y, n4 = sin(y), n5 f."""
    x, y = Value(3.0, label="x"), Value(0.5, label="y")
    f = x**2 * y + y.sin()
    f.label = "f"
    return trace_backward(f)


@pytest.fixture(scope="module")
def narrow(tmp_path_factory):
    """A 1024 px wide window on two pages: the stand-alone step page, and two inline steppers of the wide graph."""
    needs_browser_and_dot()
    tmp = tmp_path_factory.mktemp("narrow")
    page = wide_trace().write_html(tmp / "steps.html")
    notebook = tmp / "notebook.html"
    notebook.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>two outputs</title></head><body>'
        + "".join(f'<div class="output_area">{wide_trace()._repr_html_()}</div>' for _ in range(2))
        + "</body></html>",
        encoding="utf-8",
    )
    browser = Browser(tmp / "profile")
    try:
        browser.attach()
        browser.send("Page.enable")
        browser.send("Emulation.setDeviceMetricsOverride", width=1024, height=900, deviceScaleFactor=1, mobile=False)

        def load(path):
            browser.send("Page.navigate", url=path.as_uri())
            browser.wait_event("Page.loadEventFired")

        yield browser, load, page, notebook
    finally:
        browser.close()


# what each frame is about, worked out from the formula: (red: node and op, violet: the operands receiving)
WIDE_STEPS = [
    ([], ["n5"]),  # the seed: f receives df/df = 1
    (["n5", "n5op"], ["n3", "n4"]),  # f = n3 + n4
    (["n4", "n4op"], ["n2"]),  # n4 = sin(y)
    (["n3", "n3op"], ["n1", "n2"]),  # n3 = n1 * y
    (["n1", "n1op"], ["n0"]),  # n1 = x ** 2
]


def test_each_step_scrolls_its_operands_into_view(narrow):
    browser, load, page, _ = narrow
    load(page)
    for k, (red, violet) in enumerate(WIDE_STEPS):
        if k:
            browser.click(".am-next")
        now = view(browser)
        assert now["step"] == str(k) and sorted(now["red"]) == red and sorted(now["violet"]) == violet
        assert now["overflow"] > 50  # the picture is wider than its box, or there would be nothing to test
        assert_in_view(now)
    # the way back scrolls as well: step 3's operands n1 and y, then step 1's n3 and n4 and the root f
    browser.click(".am-prev")
    assert_in_view(view(browser))
    browser.click(".am-prev")
    browser.click(".am-prev")
    now = view(browser)
    assert now["step"] == "1" and sorted(now["violet"]) == ["n3", "n4"]
    assert_in_view(now)
    # step 2 (n4 = sin(y)) is narrower than the view and not at the picture's right end: its box is left-aligned,
    # the operand y a small margin from the left edge, the graph's leaves before it scrolled out of the way
    browser.click(".am-next")
    now = view(browser)
    assert now["step"] == "2" and 0 < now["scrollLeft"] < now["overflow"]
    assert 0 < now["violet"]["n2"][0] - now["view"][0] <= 32


def test_inline_steppers_scroll_independently(narrow):
    browser, load, _, notebook = narrow
    load(notebook)
    first, second = view(browser, 0), view(browser, 1)
    assert_in_view(first)
    assert_in_view(second)
    seed = second
    for _ in range(3):  # the first to step 3, n3 = n1 * y: scrolled back to its operands at the left
        browser.click(".am-next", index=0)
    first, second = view(browser, 0), view(browser, 1)
    assert first["step"] == "3" and sorted(first["violet"]) == ["n1", "n2"]
    assert first["scrollLeft"] < seed["scrollLeft"]
    assert_in_view(first)
    assert second["step"] == "0" and second["scrollLeft"] == seed["scrollLeft"]  # the second did not move
    browser.click(".am-next", index=1)
    second = view(browser, 1)
    assert second["step"] == "1" and sorted(second["violet"]) == ["n3", "n4"]
    assert_in_view(second)
    assert view(browser, 0)["scrollLeft"] == first["scrollLeft"]
