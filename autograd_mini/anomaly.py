"""Anomaly mode: raise ``FloatingPointError`` where a NaN or inf first appears, forward or backward.

Inside ``detect_anomaly()`` every new node of the calling thread is checked as it is made, and remembers the line of
the learner's code that made it, so that an inf passed back in the backward pass can be traced to its source.
Slower (every node is kept alive with its creation site), so for hunting a problem, not for training.
"""

import math
import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from autograd_mini import modes
from autograd_mini.ops import Op

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``FloatingPointError`` where a NaN or inf first appears, naming the op and where the node was made.

    Only the calling thread is checked; blocks nest, and each restores what it found on exit.
    """
    with modes.set_anomaly(Recorder()):
        yield


class Recorder:
    """The nodes made inside one ``detect_anomaly()`` block, with the line that made each."""

    def __init__(self) -> None:
        self.created: dict[int, tuple[Any, str]] = {}  # id(node) -> (node, where); the node kept so the id stays its

    def forward(self, out: Any, op: Op, a: float, b: float | None) -> None:
        where = _creation_site()
        self.created[id(out)] = (out, where)
        if not math.isfinite(out.data):
            raise FloatingPointError(
                f"anomaly: {op.describe(a, b)} = {out.data!r} (Value.{op.name}), created at {where}"
            )

    def backward(self, node: Any, upstream: float, *child_grads: float) -> None:
        """Called after ``node`` passed its gradient back: raises if an operand's gradient is not finite."""
        for child_grad in child_grads:
            if not math.isfinite(child_grad):
                raise self._backward_anomaly(node, upstream, child_grad)

    def _backward_anomaly(self, node: Any, upstream: float, child_grad: float) -> FloatingPointError:
        where = self.created.get(id(node), (None, "outside detect_anomaly()"))[1]
        op = node.op
        return FloatingPointError(
            f"anomaly in backward: the gradient passed from {op.name} "
            f"({op.describe(*(getattr(x, 'data', x) for x in node.operands))} = {node.data!r}, "
            f"upstream grad {upstream!r}, local derivatives {node.local_grads()!r}) to its operand is "
            f"{child_grad!r}; the {op.name} node was created at {where}"
        )


def _creation_site() -> str:
    """The innermost line outside this package (this very folder, not any folder of the same name) running now."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
    return "unknown"
