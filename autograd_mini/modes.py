"""Grad mode and anomaly mode, per thread, as in PyTorch: ``no_grad()`` in one thread leaves the others recording.

Each thread has its own mode (a ``threading.local``): whether ops record the graph, and the anomaly recorder of
``detect_anomaly()`` if one is on. Blocks nest and restore what they found, in any interleaving of threads.

Every op asks for the mode, so the question must be cheap. ``switched`` counts the mode blocks open in all threads
together; while it is 0 (the usual case: no thread is inside ``no_grad()`` or ``detect_anomaly()``) every thread is
in the default mode and nothing else is looked up. A block raises the count before it changes its thread's mode
and lowers it after restoring, so a thread whose own mode is not the default always sees a count above 0.
"""

import threading
from collections.abc import Iterator
from contextlib import _GeneratorContextManager, contextmanager
from typing import Any


class _ThreadMode(threading.local):
    grad_enabled = True  # False inside no_grad(): ops build no graph
    anomaly: Any = None  # inside detect_anomaly(): the recorder that checks every node (anomaly.py)
    rules_on_values = False  # while ops' local derivatives are evaluated on Values: float() of a Value refuses


thread = _ThreadMode()
switched = 0  # mode blocks open in all threads; 0: every thread records and checks nothing
_count = threading.Lock()


@contextmanager
def _switch(name: str, value: object) -> Iterator[None]:
    """Set this thread's mode ``name`` to ``value`` inside the block, and back to what it was on exit. A thread that
    has that mode already changes nothing and is not counted, so ``enable_grad()`` where grad mode is on (a
    transform's own grad mode, the usual case) costs the ops inside nothing."""
    global switched
    if getattr(thread, name) is value:
        yield
        return
    with _count:
        switched += 1
    before = getattr(thread, name)
    setattr(thread, name, value)
    try:
        yield
    finally:
        setattr(thread, name, before)
        with _count:
            switched -= 1


def no_grad() -> _GeneratorContextManager[None]:  # a context manager, also a decorator
    """Inside, this thread's ops compute values but record no graph (evaluation, parameter updates).

    Also a decorator: ``@no_grad()``. Other threads keep recording.
    """
    return _switch("grad_enabled", False)


def enable_grad() -> _GeneratorContextManager[None]:  # a context manager, also a decorator
    """Inside, this thread's ops record the graph again, even within ``no_grad()`` (``grad(create_graph=True)``).

    Also a decorator: ``@enable_grad()`` on a function that differentiates makes it decide its own grad mode, as
    torch.func's and JAX's transforms do (an outer ``no_grad()`` changes nothing)."""
    return _switch("grad_enabled", True)


def is_grad_enabled() -> bool:
    """Whether ops in the calling thread record the graph (False inside ``no_grad()``)."""
    return not switched or thread.grad_enabled


def anomaly_recorder() -> Any:
    """The calling thread's anomaly recorder inside ``detect_anomaly()``, else None."""
    return thread.anomaly if switched else None


@contextmanager
def rules_on_values() -> Iterator[None]:
    """Inside, this thread evaluates ops' local derivatives on Values (``grad(create_graph=True)``, ``jvp`` on Values),
    so that the derivatives are graphs. A Value made a plain number there (``math.exp(a)``, ``float(a)``) would give
    a derivative that no longer depends on it, and second derivatives of 0, silently: ``float()`` of a Value refuses
    instead (``Node.__float__``), as JAX refuses to make a traced value concrete. Not counted in ``switched``: the
    ops never look at it."""
    before = thread.rules_on_values
    thread.rules_on_values = True
    try:
        yield
    finally:
        thread.rules_on_values = before


def set_anomaly(recorder: object) -> _GeneratorContextManager[None]:  # a context manager, also a decorator
    return _switch("anomaly", recorder)


def apply_mode(out: Any, op: Any, a: float, b: float | None) -> bool:
    """What this thread's mode does to a new node ``out`` (called only while some thread has switched a mode): the
    anomaly recorder checks it; the answer is whether the node keeps its op and operands (False in ``no_grad()``)."""
    mode = thread
    if mode.anomaly is not None:
        mode.anomaly.forward(out, op, a, b)
    return mode.grad_enabled
