"""Grad mode and anomaly mode belong to a thread, as in PyTorch (issue 14, item 1).

``no_grad()``, ``grad()``'s own switching and ``detect_anomaly()`` change only the calling thread, and every block
restores what it found, whatever the other threads do meanwhile. The bad orders are forced with ``threading.Event``s
(one thread waits inside its block until the other has done its part), and the stress tests run with a tiny switch
interval so that the threads change places every few bytecodes. Gradients are checked against values worked out by
hand in the comments.
"""

import math
import sys
import threading

import pytest

import autograd_mini as am
from autograd_mini import Value, detect_anomaly, grad, is_grad_enabled, modes, no_grad

TIMEOUT = 20  # seconds any thread waits for the other before the test fails


@pytest.fixture(autouse=True)
def tiny_switch_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads change places every few bytecodes
    yield
    sys.setswitchinterval(before)
    assert modes.switched == 0  # every block that was opened was closed again


def run(*targets):
    """Run each function in its own thread; re-raise the first error (an assert) of any of them."""
    errors = []

    def guarded(fn):
        try:
            fn()
        except BaseException as err:  # noqa: BLE001 - handed to the test's thread below
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a thread hung"
    if errors:
        raise errors[0]


def wait(event):
    assert event.wait(TIMEOUT), "the other thread did not get there"


def f_and_hand_gradient(x0):
    # f(x) = x^2 tanh(x) + 3x; f'(x) = 2x tanh(x) + x^2 (1 - tanh(x)^2) + 3
    x = Value(x0)
    t = math.tanh(x0)
    return x, x * x * x.tanh() + 3 * x, 2 * x0 * t + x0 * x0 * (1 - t * t) + 3


def test_no_grad_in_one_thread_leaves_another_threads_backward_alone():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with no_grad():
            inside.set()
            wait(done)  # stays inside no_grad() while the other thread builds and backpropagates
            y = Value(2.0) * 3
            seen["evaluator records"] = is_grad_enabled() or y.op is not None

    def trainer():
        wait(inside)
        seen["trainer records"] = is_grad_enabled()
        x, y, hand = f_and_hand_gradient(0.5)
        y.backward()
        seen["dx"], seen["hand"] = x.grad, hand
        done.set()

    run(evaluator, trainer)
    assert seen["trainer records"] and not seen["evaluator records"]
    assert seen["dx"] == pytest.approx(seen["hand"], rel=1e-14)  # 0.5 tanh 0.5 + 0.25 (1 - tanh^2 0.5) + 3


def interleave(block, probe):
    """A enters ``block``, B enters, A leaves while B is still inside, B leaves: the order in which a process-global
    flag ends up wrong. Returns what ``probe()`` gave in each thread after A left."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with block():
            a_in.set()
            wait(b_in)
        seen["A after its block"] = probe()
        a_out.set()

    def b():
        wait(a_in)
        with block():
            b_in.set()
            wait(a_out)
            seen["B inside, after A left"] = probe()
        seen["B after its block"] = probe()

    run(a, b)
    return seen


def test_two_threads_leaving_no_grad_in_interleaved_order_leave_recording_on():
    seen = interleave(no_grad, is_grad_enabled)
    assert seen == {"A after its block": True, "B inside, after A left": False, "B after its block": True}
    assert is_grad_enabled()
    x = Value(3.0)
    y = x * x  # recorded: dy/dx = 2x = 6
    y.backward()
    assert x.grad == 6.0


def test_interleaved_detect_anomaly_exits_leave_anomaly_mode_off():
    def inf_times_0():
        try:
            return (Value(math.inf) * 0).data  # nan, a value like any other outside anomaly mode
        except FloatingPointError as err:
            return str(err)

    seen = interleave(detect_anomaly, inf_times_0)
    assert math.isnan(seen["A after its block"]) and math.isnan(seen["B after its block"])
    assert seen["B inside, after A left"].startswith("anomaly: inf * 0.0 = nan")  # still on in B
    assert modes.anomaly_recorder() is None
    assert math.isnan((Value(math.inf) * 0).data)  # and in this thread: no error, nothing kept alive


def test_detect_anomaly_in_one_thread_does_not_check_another():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def hunter():
        with detect_anomaly():
            inside.set()
            wait(done)

    def other():
        wait(inside)
        seen["inf * 0"] = (Value(math.inf) * 0).data  # no anomaly mode in this thread: nan is a value
        done.set()

    run(hunter, other)
    assert math.isnan(seen["inf * 0"])


def test_grad_with_create_graph_inside_no_grad_records_in_its_thread_only():
    # grad(create_graph=True) must record the derivative's graph even inside no_grad(), and only in its thread
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def second_derivative():
        with no_grad():
            x = Value(0.7)
        y = x**3  # y = x^3, recorded outside no_grad()
        with no_grad():
            inside.set()
            (dy,) = grad(y, [x], create_graph=True)  # 3 x^2 as a graph
            seen["d2y"] = grad(dy, x).data  # 6x = 4.2
            seen["still off"] = not is_grad_enabled()
            wait(done)

    def evaluator():
        wait(inside)
        with no_grad():
            seen["evaluator node"] = (Value(1.0) + 2.0).op
        done.set()

    run(second_derivative, evaluator)
    assert seen["d2y"] == pytest.approx(4.2, rel=1e-14)
    assert seen["still off"] and seen["evaluator node"] is None


def test_stress_no_grad_and_grad_in_other_threads_never_change_a_backward():
    # The reproduction: with no_grad() and grad() looping in other threads, a backward pass gave 0 in 2,043
    # of 3,000 passes. Every pass here must give the hand-worked gradient.
    stop = threading.Event()
    results = []

    def evaluator():
        v = Value(1.5)
        while not stop.is_set():
            with no_grad():
                v * v + 1

    def differentiator():
        x = Value(0.3)
        y = (x * x).exp()  # d/dx e^(x^2) = 2x e^(x^2)
        while not stop.is_set():
            g = grad(y, x).data
            assert g == pytest.approx(0.6 * math.exp(0.09), rel=1e-14)

    def trainer():
        try:
            for i in range(400):
                x, y, hand = f_and_hand_gradient(0.1 + i / 400)
                y.backward()
                results.append(x.grad - hand)
        finally:
            stop.set()

    run(evaluator, differentiator, trainer)
    assert len(results) == 400 and max(abs(r) for r in results) < 1e-12


def test_stress_interleaved_blocks_always_restore_each_threads_mode():
    def loop(block, check):
        def body():
            for _ in range(500):
                with block():
                    assert check()
                assert is_grad_enabled() and modes.anomaly_recorder() is None

        return body

    run(
        loop(no_grad, lambda: not is_grad_enabled()),
        loop(detect_anomaly, lambda: modes.anomaly_recorder() is not None and is_grad_enabled()),
        loop(no_grad, lambda: not is_grad_enabled()),
    )
    assert am.is_grad_enabled()


def test_python_text_is_parsed_one_thread_at_a_time():
    """CPython 3.11 keeps ``ast.parse``'s depth counter in state all threads share (gh-106905): threads parsing at
    once, with the cyclic collector running a finalizer (Python code, so a thread switch) inside a conversion, fail
    with ``SystemError: AST constructor recursion depth mismatch``, as the playground's server did under a flood of
    requests. Reproduced by hand: 4 threads parsing op-rule-sized expressions while 2 threads made cyclic garbage with
    finalizers, 2 failures in 12,000 parses; that load is no test (it can also keep the collector busy for seconds),
    so this test holds the engine to the cure: every parse goes through ``autograd_mini.pyparse.parse``, which holds
    one lock, and no other module of the engine calls ``ast.parse``."""
    from pathlib import Path

    from autograd_mini import pyparse

    sources = Path(am.__file__).parent.glob("*.py")
    direct = [p.name for p in sources if p.name != "pyparse.py" and "ast.parse(" in p.read_text(encoding="utf-8")]
    assert direct == []
    assert pyparse.parse("a * (b + c)").body.op.__class__.__name__ == "Mult"
    assert pyparse._lock.acquire(blocking=False)  # free between parses
    pyparse._lock.release()
