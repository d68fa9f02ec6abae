"""``parse(text)``: Python's ``ast.parse`` of one expression, one thread at a time. Every module of the engine that
reads Python text (the op rules in ``ops``, the program writer, the sympy forms) parses through it.

CPython 3.11 keeps the depth counter of ``ast.parse``'s conversion to Python objects in state that all threads share
(CPython issue gh-106905): two threads parsing at once, with the cyclic collector running a finalizer between them
(a thread switch inside the conversion), fail with ``SystemError: AST constructor recursion depth mismatch``. The
playground's server traces and compiles in several threads at once and met it under a flood of requests; a rule or
a program's line is one short expression, so parsing one at a time costs nothing that matters.
"""

import ast
import threading

__all__ = ["parse"]

_lock = threading.Lock()


def parse(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")``, holding the lock (see the module docstring)."""
    with _lock:
        return ast.parse(text, mode="eval")
