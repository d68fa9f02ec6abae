"""Optimizers: they read each parameter's ``.grad`` and change its ``.data``. ``step()`` and ``zero_grad()``.

Plain SGD is the learning step of document 001, section 2.2 ("Lernvorgang"):

    w_{j,i}^l -> w_{j,i}^l - eta/N * sum_{k} dE^k / dw_{j,i}^l
    b_j^l     -> b_j^l     - eta/N * sum_{k} dE^k / db_j^l

(eta = learning rate, N = number of training examples in the batch, k = the example). ``nn.train.fit`` takes the
loss of a batch as the mean 1/N sum_k E^k, so after ``backward()`` each ``p.grad`` already is
1/N sum_k dE^k/dp and the step is ``p.data -= eta * p.grad``.
"""

import math
import numbers
from collections.abc import Iterable

from autograd_mini import Value

__all__ = ["SGD", "Adam", "Optimizer"]


def _positive(x: float, what: str, where: str, allow_zero: bool = False, below_one: bool = False) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise ValueError(f"{where}: {what} must be a finite number, got {x!r}")
    x = float(x)
    if x < 0 or (x == 0 and not allow_zero) or (below_one and x >= 1):
        bounds = "in [0, 1)" if below_one else (">= 0" if allow_zero else "> 0")
        raise ValueError(f"{where}: {what} must be {bounds}, got {x!r}")
    return x


class Optimizer:
    """Holds the parameters (a list of Values, e.g. ``model.parameters()``) and the learning rate ``lr``."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        where = f"{type(self).__name__}()"
        params = list(params)
        if not params:
            raise ValueError(f"{where}: no parameters to optimize (pass model.parameters())")
        for k, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{where}: parameter {k} is a {type(p).__name__}, not a Value; pass model.parameters()")
        self.params = params
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate eta; checked wherever it is set (a constructor, a schedule, by hand)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _positive(value, "lr (the learning rate eta)", f"{type(self).__name__}.lr")

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, w <- w - eta * dE/dw (document 001, section 2.2, with dE/dw the batch mean), with momentum.

    With momentum mu (the form torch uses): v <- mu * v + dE/dw, w <- w - eta * v. mu = 0 is plain SGD.
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _positive(momentum, "momentum", "SGD()", allow_zero=True, below_one=True)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        lr, mu = self.lr, self.momentum
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * p.grad
            return
        v = self.velocity
        for k, p in enumerate(self.params):
            v[k] = mu * v[k] + p.grad
            p.data -= lr * v[k]

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, parameters={len(self.params)})"


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015, Algorithm 1), as torch.optim.Adam computes it:

    m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        super().__init__(params, lr)
        b1, b2 = betas
        self.betas = (
            _positive(b1, "betas[0]", "Adam()", allow_zero=True, below_one=True),
            _positive(b2, "betas[1]", "Adam()", allow_zero=True, below_one=True),
        )
        self.eps = _positive(eps, "eps", "Adam()")
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        m, v, lr, eps = self.m, self.v, self.lr, self.eps
        for k, p in enumerate(self.params):
            g = p.grad
            m[k] = b1 * m[k] + (1.0 - b1) * g
            v[k] = b2 * v[k] + (1.0 - b2) * g * g
            p.data -= lr * (m[k] / c1) / (math.sqrt(v[k] / c2) + eps)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps}, parameters={len(self.params)})"
