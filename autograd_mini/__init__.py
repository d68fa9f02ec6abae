"""autograd-mini: a scalar reverse-mode autodiff engine for learning and checking backpropagation."""

from autograd_mini.engine import (
    Value,
    detect_anomaly,
    gc_paused,
    grad,
    hessian,
    is_grad_enabled,
    no_grad,
    topological_order,
)
from autograd_mini.forward import forward_gradient, jvp
from autograd_mini.gradcheck import GradcheckError, gradcheck
from autograd_mini.ops import OPS, Op

__version__ = "0.1.0"

__all__ = [
    "OPS",
    "GradcheckError",
    "Op",
    "Value",
    "detect_anomaly",
    "draw_dot",
    "forward_gradient",
    "gc_paused",
    "grad",
    "gradcheck",
    "hessian",
    "is_grad_enabled",
    "jvp",
    "no_grad",
    "topological_order",
    "trace_backward",
]


def __getattr__(name):
    # draw_dot (which imports graphviz) and trace_backward are loaded on first use, so importing the engine costs
    # only the engine
    if name == "draw_dot":
        from autograd_mini.draw import draw_dot

        return draw_dot
    if name == "trace_backward":
        from autograd_mini.trace import trace_backward

        return trace_backward
    raise AttributeError(f"module 'autograd_mini' has no attribute {name!r}")
