"""The cross-check: hand-derived gradients (the lecture notes' delta equations) against the engine's autodiff.

    from nn.crosscheck import crosscheck
    report = crosscheck(model, x, y)      # closed-form delta equations vs autodiff vs finite differences
    report.ok, report.max_abs_error, print(report)

``nn.crosscheck.delta``: the delta equations in numpy and the report; ``nn.crosscheck.documents``: every gradient
formula the five documents print, checked; ``nn.crosscheck.fd_study``: how far finite differences can be trusted.
"""

from nn.crosscheck.delta import (
    ACTIVATIONS,
    LOSSES,
    CrosscheckReport,
    Quantities,
    Row,
    autodiff_gradients,
    backward,
    batch_backward,
    batch_forward,
    batch_gradients,
    closed_form_gradients,
    crosscheck,
    crosscheck_batch,
    finite_difference_gradients,
    forward,
    network_arrays,
)
from nn.crosscheck.documents import documents_report

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "CrosscheckReport",
    "Quantities",
    "Row",
    "autodiff_gradients",
    "backward",
    "batch_backward",
    "batch_forward",
    "batch_gradients",
    "closed_form_gradients",
    "crosscheck",
    "crosscheck_batch",
    "documents_report",
    "finite_difference_gradients",
    "forward",
    "network_arrays",
]
