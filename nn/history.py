"""What ``fit`` records per epoch: the ``History`` (as Keras's ``History.history``, one list per quantity)."""

from dataclasses import dataclass, field
from typing import Any

__all__ = ["History"]


@dataclass(repr=False)
class History:
    """Per-epoch records of a ``fit`` run: ``loss``, ``accuracy`` (training), ``val_loss``, ``val_accuracy``,
    ``lr`` and ``seconds``. ``accuracy`` entries are None when the targets are not class labels.

    ``loss`` is the objective the optimizer saw (mean data loss + the L2 term, averaged over the epoch's batches,
    each taken before its step); ``val_loss`` is the mean data loss alone, after the epoch, under ``no_grad()``.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "epoch": list(range(1, self.epochs + 1)),
            "loss": list(self.loss),
            "accuracy": list(self.accuracy),
            "val_loss": list(self.val_loss),
            "val_accuracy": list(self.val_accuracy),
            "lr": list(self.lr),
            "seconds": list(self.seconds),
        }

    def _repr_html_(self):
        """Jupyter's rich display: the curves and a table of the epochs (``nn.display``)."""
        from nn.display import history_html

        return history_html(self)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(epochs=0)"
        last = self.accuracy[-1]
        acc = "n/a" if last is None else f"{last:.3f}"
        return f"History(epochs={self.epochs}, loss={self.loss[-1]:.6g}, accuracy={acc})"
