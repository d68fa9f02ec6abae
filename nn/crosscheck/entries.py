"""What every document module is made of: its printed formulas as ``Entry`` records, and the engine's autodiff
on the same network (``engine_reference``) that each printed formula is compared with.

An entry's ``check(case)`` evaluates the formula exactly as printed on one random network of its document (the
``case``) and returns ``(label, printed value(s), autodiff value(s))`` triples; ``nn.crosscheck.documents`` runs
every check on several cases and writes the report.
"""

# ruff: noqa: E741  (l is the layer index, as in every document)
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from autograd_mini import Value
from autograd_mini.modes import enable_grad
from nn.losses import sum_values
from nn.matrices import PerLayer
from nn.module import ACTIVATIONS

__all__ = [
    "Array",
    "Check",
    "PerLayer",
    "Comparison",
    "Entry",
    "Reference",
    "d_dx",
    "engine_reference",
    "sigmoid_written_out",
]

Array = NDArray[np.float64]

# (label, printed value(s), autodiff value(s)); arrays are compared element by element
Comparison = tuple[str, ArrayLike, ArrayLike]
Check = Callable[[Any], list[Comparison]]


@dataclass(frozen=True)
class Entry:
    """One printed formula: where it is, how it is printed, how to evaluate it, and (if wrong) the corrected form.

    ``check(case)`` returns a list of (label, printed value(s), autodiff value(s)); an element that disagrees is
    reported as ``label[index]``. ``corrected_check`` likewise for the corrected form; ``variants`` are
    (description, check) pairs of partial corrections, reported too. ``reconstructed`` says where a formula
    whose image was lost comes from.
    """

    doc: str
    section: str
    printed: str
    check: Check
    _: KW_ONLY
    what: str = ""
    corrected: str | None = None
    corrected_check: Check | None = None
    note: str = ""
    reconstructed: str | None = None
    variants: tuple[tuple[str, Check], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.doc} {self.section}"

    def __repr__(self) -> str:
        return f"Entry({self.id!r}, {self.printed!r})"


# ---------------------------------------------------------------------------------------------------------------
# The autodiff reference: the same network built from engine Values, E (or C_0, d_MSE, K) summed over the samples,
# one backward pass. Every z and a is a node, so z.grad = dE/dz (the delta) and a.grad = dE/da come for free.


@dataclass
class Reference:
    """Autodiff results as numpy arrays (n_l x N, one column per sample), index l = layer (0 = input):
    ``z[l]``, ``a[l]``, ``delta[l]`` (= dE/dz^l), ``da[l]`` (= dE/da^l), ``dW[l]``, ``db[l]``, and the loss ``E``."""

    E: float
    z: list[Any]
    a: list[Any]
    delta: list[Any]
    da: list[Any]
    dW: list[Any]
    db: list[Any]


@enable_grad()  # it differentiates: an outer no_grad() changes nothing, as for torch.func's transforms
def engine_reference(W: list[Any], b: list[Any] | None, act: str, X: ArrayLike, Y: ArrayLike, loss: str) -> Reference:
    """W[l] (n_l x n_{l-1}) for l = 1..L, b[l] or None (no biases), act: the activation of every layer, X and Y
    with one column per sample, loss "half_sse" (1/2 sum_j (a_j - y_j)^2) or "sse" (sum_j (a_j - y_j)^2)."""
    L = len(W) - 1
    X, Y = np.atleast_2d(X), np.atleast_2d(Y)
    N = X.shape[1]
    Wv: list[Any] = [None] + [[[Value(float(W[l][j, i])) for i in range(W[l].shape[1])] for j in range(W[l].shape[0])]
                              for l in range(1, L + 1)]  # fmt: skip
    bv: list[Any] = [None] + [None if b is None else [Value(float(v)) for v in b[l]] for l in range(1, L + 1)]
    f = ACTIVATIONS[act]
    zs: list[list[Any]] = [[None] * N for _ in range(L + 1)]
    As: list[list[Any]] = [[None] * N for _ in range(L + 1)]
    per_sample = []
    for k in range(N):
        a = [Value(float(v)) for v in X[:, k]]
        As[0][k] = a
        for l in range(1, L + 1):
            z = []
            for j, row in enumerate(Wv[l]):
                s = sum_values([w * ai for w, ai in zip(row, a, strict=True)])
                if bv[l] is not None:
                    s = s + bv[l][j]
                z.append(s)
            # z and a must be distinct nodes so that both grads are kept: a linear layer gets a = z * 1
            a = [f(s) if f is not None else s * 1.0 for s in z]
            zs[l][k], As[l][k] = z, a
        e = sum_values([(aj - float(yj)) ** 2 for aj, yj in zip(a, Y[:, k], strict=True)])
        per_sample.append(0.5 * e if loss == "half_sse" else e)
    total = sum_values(per_sample)
    total.backward()

    def grid(nodes: list[Any], attr: str) -> NDArray[np.float64]:
        return np.array([[getattr(v, attr) for v in col] for col in nodes]).T  # n x N

    return Reference(
        E=total.data,
        z=[None] + [grid(zs[l], "data") for l in range(1, L + 1)],
        delta=[None] + [grid(zs[l], "grad") for l in range(1, L + 1)],
        a=[grid(As[l], "data") for l in range(L + 1)],
        da=[grid(As[l], "grad") for l in range(L + 1)],
        dW=[None] + [np.array([[w.grad for w in row] for row in Wv[l]]) for l in range(1, L + 1)],
        db=[None] + [None if bv[l] is None else np.array([v.grad for v in bv[l]]) for l in range(1, L + 1)],
    )


@enable_grad()  # it differentiates: an outer no_grad() changes nothing, as for torch.func's transforms
def d_dx(expr: Callable[[Value], Value], x: float) -> float:
    """d expr / dx by autodiff, expr a function of one Value (for sigma' and the gradient example)."""
    v = Value(float(x))
    expr(v).backward()
    return float(v.grad)


def sigmoid_written_out(v: Value) -> Value:
    """1 / (1 + e^{-x}) from exp, + and / (not the engine's sigmoid rule, which itself quotes document 001, 2.3)."""
    return 1.0 / (1.0 + (-v).exp())
