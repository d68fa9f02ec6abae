"""One training step, the interface both engines share: ``step = Engine(setup, where)``, then
``loss, outputs = step(batch)`` takes one optimizer step on the samples ``batch`` (indices into ``setup.X``) and
returns the batch loss E and each sample's outputs from before the step, as numbers (for the accuracy). This module
holds the interface, what a step needs (``Setup``) and the node engine's step; ``nn.compiled`` the compiled one.

One step on a batch B of N samples (document 001, section 2.2):

    E = 1/N sum_{k in B} E^k  (+ l2 * sum_p p^2)        backward: p.grad = 1/N sum_k dE^k/dp (+ 2 l2 p)
    optimizer.step():  w -> w - eta/N * sum_k dE^k/dw   (plain SGD; momentum and Adam build on the same grads)

Every step is guarded (``nn.guard.StepGuard``) and runs with the cyclic collector paused: the graph of a step has no
reference cycles, so reference counting frees it, and the collector would only walk its tens of thousands of nodes
in vain (``autograd_mini.gc_paused``).
"""

from dataclasses import dataclass
from typing import Any, Protocol

from autograd_mini import Value, gc_paused
from nn.guard import StepGuard
from nn.losses import Loss, sum_values
from nn.optim import Optimizer

__all__ = ["NodeStep", "Setup", "Step"]


@dataclass
class Setup:
    """What a step needs: the model, the samples, their targets as the loss wants them (``nn.targets``), the loss
    (its function and its name in ``nn.losses.LOSSES``, None for a user's own), the parameters, the optimizer over
    them and the weight of the L2 term."""

    model: Any
    X: list[Any]
    targets: list[Any]
    loss_fn: Loss
    loss_name: str | None
    params: list[Any]
    optimizer: Optimizer
    l2: float


class Step(Protocol):
    """A training step of either engine (see the module docstring)."""

    def __call__(self, batch: list[int]) -> tuple[float, list[Any]]: ...


class NodeStep:
    """``engine="nodes"``: each step builds the batch's graph of Values and walks it back with ``backward()``."""

    def __init__(self, setup: Setup, where: str) -> None:
        self.setup = setup

    def __call__(self, batch: list[int]) -> tuple[float, list[Any]]:
        with gc_paused():
            return self.take(batch)  # the step's graph is built and freed while the collector is paused

    def take(self, batch: list[int]) -> tuple[float, list[Any]]:
        """The step, with the cyclic collector left as it is."""
        s = self.setup
        with StepGuard(s.params) as guard:
            outs = [s.model(s.X[k]) for k in batch]
            # E = 1/N sum_k E^k over the batch of N (document 001, section 2.2: the eta/N sum_k of the update), so that
            # after backward p.grad = 1/N sum_k dE^k/dp and SGD's p <- p - eta * p.grad is the notes' update.
            total = sum_values([s.loss_fn(out, s.targets[k]) for out, k in zip(outs, batch)]) * (1.0 / len(batch))
            if s.l2:
                total = total + s.l2 * sum_values([p * p for p in s.params])
            guard.check_loss(total.data)
            s.optimizer.zero_grad()
            total.backward()
            s.optimizer.step()
        return total.data, [_numbers(out) for out in outs]


def _numbers(out: Any) -> Any:
    """A model's output as numbers: a float, or a list of floats for several outputs."""
    if isinstance(out, Value):
        return out.data
    return [o.data if isinstance(o, Value) else o for o in out] if isinstance(out, list) else out
