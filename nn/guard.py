"""What every training step promises, whichever engine takes it: no NaN or infinity slips into the model.

``fit`` checks the loss of every step: a NaN or infinite loss, or an op that overflows on the way, stops training
before the step; a step that makes a parameter NaN or infinite is undone. Either way the model keeps its last finite
parameters and ``fit`` raises a ``TrainingDivergedError`` that names the epoch, the step, the loss and the likely
cause. (Any other error, an interrupt included, also leaves the parameters as they were before the step.)
"""

import math
from typing import Any

__all__ = ["NonFinite", "StepGuard", "TrainingDivergedError", "divergence"]


class TrainingDivergedError(FloatingPointError):
    """The loss (or a parameter) of a ``fit`` step became NaN or infinite; training stopped there.

    The model keeps its parameters from before that step, the last finite ones. ``epoch`` and ``step`` count from
    1; ``loss`` is the batch loss of that step (None when an op overflowed before it was computed); ``history``
    holds the epochs completed before it.
    """

    def __init__(self, message, epoch, step, loss, history):
        super().__init__(message)
        self.epoch, self.step, self.loss, self.history = epoch, step, loss, history


class NonFinite(Exception):
    """Raised by a step, turned by ``fit`` into a ``TrainingDivergedError`` that says where (``divergence``)."""

    def __init__(self, loss, parameter=None, error=None):
        self.loss = loss  # the batch loss (None if it could not be computed)
        self.parameter = parameter  # the index of the first non-finite parameter after the step, or None
        self.error = error  # an op's OverflowError or ZeroDivisionError on the way, or None


class StepGuard:
    """``with StepGuard(params) as guard:`` around one step: ``guard.check_loss(loss)`` before the update; on
    leaving, a non-finite parameter or any error puts every parameter back (see the module docstring)."""

    def __init__(self, params):
        self.params = params
        self.before = [p.data for p in params]
        self.loss = None  # the batch loss, once known

    def check_loss(self, loss):
        self.loss = loss
        if not math.isfinite(loss):
            raise NonFinite(loss)

    def __enter__(self):
        return self

    def __exit__(self, kind, err, traceback):
        if err is None:
            bad = next((k for k, p in enumerate(self.params) if not math.isfinite(p.data)), None)
            if bad is None:
                return False
            err = NonFinite(self.loss, bad)
        for p, data in zip(self.params, self.before):
            p.data = data
        if isinstance(err, (OverflowError, ZeroDivisionError)):
            raise NonFinite(self.loss, error=err) from err
        if isinstance(err, NonFinite) and kind is None:
            raise err
        return False


def divergence(model: Any, optimizer: Any, history: Any, stop: NonFinite, where: tuple[int, int, int, int]):
    """The error for a non-finite loss or parameter at ``where`` = (epoch, step, steps, batch_size), epoch from 0:
    what happened, what was kept, the likely cause."""
    epoch, step, steps, batch_size = where
    at = f"epoch {epoch + 1}, step {step} of {steps} (batches of {batch_size})"
    if stop.error is not None:
        what = f"at {at}: {stop.error}"
    elif stop.parameter is None:
        what = f"the loss is {stop.loss!r} at {at}"
    else:
        name = _parameter_name(model, stop.parameter)
        what = f"the step at {at} made parameter {name} NaN or infinite (the loss before it was {stop.loss:.6g})"
    if epoch == 0 and step == 1 and stop.parameter is None:  # no step taken yet: not the learning rate
        cause = "the data (a huge feature or target) or the loss function, since no step was taken yet"
    else:
        cause = f"a learning rate too large (lr={optimizer.lr:g}): try a smaller one"
    message = (
        f"fit(): {what}; training stopped, and the model keeps its parameters from before this step (the last "
        f"finite ones). Likely cause: {cause}; or features of very different sizes (rescale them)"
    )
    return TrainingDivergedError(message, epoch + 1, step, stop.loss, history)


def _parameter_name(model, k):
    named = getattr(model, "named_parameters", None)
    if named is not None:
        names = [name for name, _ in named()]
        if k < len(names):
            return names[k]
    return f"#{k}"
