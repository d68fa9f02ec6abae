"""autograd-mini: a scalar reverse-mode autodiff engine for learning and checking backpropagation.

Start reading at ``engine.py`` (Value, applying an op, the topological order, backward) and ``ops.py`` (the table
of ops with their local derivatives). The map of the other modules: docs/ARCHITECTURE.md.
"""

from typing import Any

from autograd_mini.anomaly import detect_anomaly
from autograd_mini.collector import gc_paused
from autograd_mini.compiler import compile as compile  # noqa: A004 (not in __all__: import * keeps the builtin)
from autograd_mini.engine import Value, topological_order
from autograd_mini.forward import forward_gradient, jvp
from autograd_mini.gradcheck import GradcheckError, gradcheck
from autograd_mini.higher_order import grad, hessian, hvp
from autograd_mini.modes import is_grad_enabled, no_grad
from autograd_mini.ops import OPS, Op, binary, unary

__version__ = "0.1.0"

__all__ = [
    "OPS",
    "GradcheckError",
    "Op",
    "Value",
    "binary",
    "detect_anomaly",
    "draw_dot",
    "forward_gradient",
    "gc_paused",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jvp",
    "no_grad",
    "topological_order",
    "trace_backward",
    "unary",
]


def __getattr__(name: str) -> Any:
    # draw_dot (which imports graphviz) and trace_backward are loaded on first use, so importing the engine costs
    # only the engine
    if name == "draw_dot":
        from autograd_mini.draw import draw_dot

        return draw_dot
    if name == "trace_backward":
        from autograd_mini.trace import trace_backward

        return trace_backward
    raise AttributeError(f"module 'autograd_mini' has no attribute {name!r}")
