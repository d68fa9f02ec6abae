"""How good are finite differences? Forward and central differences against autodiff as the step shrinks.

Document 004 (page 9) proposes nabla K ~ (K(A + "ein bisschen") - K(A)) / "ein bisschen" and remarks that it
"produces random values in practice". This module measures why. For a step h, Taylor's theorem gives

    forward:  (f(p + h) - f(p)) / h          = f'(p) + h/2 f''(p)   + ...   truncation error ~ h
    central:  (f(p + h) - f(p - h)) / (2h)   = f'(p) + h^2/6 f'''(p) + ...  truncation error ~ h^2

while each evaluation of f carries a rounding error of about u |f| (u = 2^-53 ~ 1.1e-16 in float64, 2^-24 ~ 6e-8
in float32), which the division by h magnifies: round-off error ~ u |f| / h. The total error is smallest where the
two meet, near h ~ sqrt(u) ~ 1e-8 (forward) and h ~ u^(1/3) ~ 5e-6 (central) in float64, and it is large on both
sides: at h = 1e-12 a forward difference in float64 keeps only about 4 correct digits, and in float32 (the
precision of most GPU training) a step below ~1e-4 gives numbers that are mostly rounding noise: "random values".

    from nn.crosscheck.fd_study import fd_study
    study = fd_study()               # a sigmoid MLP 3-4-4-2, every parameter, h = 1e-1 ... 1e-12
    print(study)                     # the table of errors
    study.plot("fd_study.png")       # log-log plot: returns the Figure (inline in a notebook), saved to the path
"""

# ruff: noqa: E741  (l is the layer index, as in the documents)
import math

import numpy as np

from nn.crosscheck.delta import LOSSES, autodiff_gradients, closed_form_loss
from nn.matrices import NetworkArrays, batch_forward, network_arrays
from nn.module import MLP

__all__ = ["FDStudy", "differences", "fd_study"]

EPS_VALUES = tuple(10.0**-k for k in range(1, 13))  # 1e-1 ... 1e-12


def differences(f, p, h):
    """(forward, central) difference quotients of the scalar function f at the point p (a numpy vector), one
    coordinate at a time, exactly as written: (f(p + h e_i) - f(p)) / h and (f(p + h e_i) - f(p - h e_i)) / (2h).
    f computes in whatever precision p has; p + h is rounded to that precision (where h is below half the spacing
    of the numbers near p_i, p + h == p and the quotient is 0: the step is lost)."""
    p = np.asarray(p)
    step = p.dtype.type(h)
    f0 = float(f(p))
    fwd = np.empty(p.shape, dtype=np.float64)
    cen = np.empty(p.shape, dtype=np.float64)
    for i in range(p.size):
        up, down = p.copy(), p.copy()
        up[i] += step
        down[i] -= step
        fu, fd = float(f(up)), float(f(down))
        fwd[i] = (fu - f0) / h
        cen[i] = (fu - fd) / (2.0 * h)
    return fwd, cen


def _loss_function(net, X, Y, loss, dtype):
    """E(theta) for the flattened parameter vector theta, computed entirely in ``dtype`` (float64 or float32): the
    forward pass of ``nn.matrices`` (batch_forward) and the loss of ``nn.crosscheck`` (LOSSES) on the weights
    read from theta."""
    shapes = [net.W[l].shape for l in range(1, net.L + 1)]
    X = np.asarray(X, dtype=dtype)
    Y = np.asarray(Y, dtype=dtype)
    loss_value = LOSSES[loss][0]

    def E(theta):
        W, b, k = [None], [None], 0
        for rows, n_in in shapes:
            # per neuron its weights then its bias, the order of named_parameters()
            M = theta[k : k + rows * (n_in + 1)].reshape(rows, n_in + 1)
            k += rows * (n_in + 1)
            W.append(M[:, :n_in])
            b.append(M[:, n_in])
        _, A = batch_forward(NetworkArrays(W, b, net.activation), X)
        return loss_value(A[-1], Y)

    return E


def _flat(net):
    """The parameters in named_parameters() order: layer by layer, neuron by neuron, w0, w1, ..., b."""
    return np.concatenate([np.hstack([net.W[l], net.b[l][:, None]]).ravel() for l in range(1, net.L + 1)])


class FDStudy:
    """Errors of forward and central differences against autodiff, per step h (max over all parameters).

    ``eps``: the steps; ``forward``, ``central``: max abs error in float64; ``forward32``, ``central32``: the same
    with the loss computed in float32; ``grad_scale``: max |dE/dparameter| (for relative reading);
    ``best_forward``, ``best_central``: the step with the smallest float64 error."""

    def __init__(self, eps, forward, central, forward32, central32, grad_scale, n_params, description):
        self.eps = list(eps)
        self.forward, self.central = list(forward), list(central)
        self.forward32, self.central32 = list(forward32), list(central32)
        self.grad_scale = grad_scale
        self.n_params = n_params
        self.description = description

    def _best(self, errs):
        return self.eps[int(np.argmin(errs))]

    @property
    def best_forward(self):
        return self._best(self.forward)

    @property
    def best_central(self):
        return self._best(self.central)

    def noisy_step(self, fraction=0.1):
        """The largest step at which the float32 forward difference is off by more than ``fraction`` of the
        largest gradient, after the best float32 step (None if it never is)."""
        start = int(np.argmin(self.forward32))
        for h, e in zip(self.eps[start:], self.forward32[start:], strict=True):
            if e > fraction * self.grad_scale:
                return h
        return None

    def error(self, kind, h):
        """The error of ``kind`` ("forward", "central", "forward32", "central32") at the step h (one of eps)."""
        for e, v in zip(self.eps, getattr(self, kind), strict=True):
            if math.isclose(e, h, rel_tol=1e-9):
                return v
        raise KeyError(f"FDStudy.error(): no step {h!r}; the steps are {self.eps}")

    def as_dict(self):
        return {
            "eps": self.eps,
            "forward": self.forward,
            "central": self.central,
            "forward32": self.forward32,
            "central32": self.central32,
            "grad_scale": self.grad_scale,
        }

    def __str__(self):
        lines = [
            f"Finite differences vs autodiff, {self.description}: max abs error over {self.n_params} parameters "
            f"(largest |gradient| {self.grad_scale:.3g})",
            f"{'h':>8}  {'forward f64':>12}  {'central f64':>12}  {'forward f32':>12}  {'central f32':>12}",
        ]
        for row in zip(self.eps, self.forward, self.central, self.forward32, self.central32, strict=True):
            lines.append(f"{row[0]:>8.0e}  " + "  ".join(f"{v:>12.2e}" for v in row[1:]))
        lines.append(
            f"best step (float64): forward h = {self.best_forward:.0e} (theory sqrt(u) ~ 1e-8), "
            f"central h = {self.best_central:.0e} (theory u^(1/3) ~ 5e-6)"
        )
        lines.append(
            "above the best step the truncation error falls as h (forward) and h^2 (central); below it the "
            "round-off error ~ u|E|/h grows as 1/h."
        )
        noisy = self.noisy_step()
        if noisy is not None:
            lines.append(
                f"in float32 (u ~ 6e-8) the best step is {self._best(self.forward32):.0e} (forward) and from h = "
                f"{noisy:.0e} on the forward difference is off by more than 10% of the largest gradient: document "
                f"004's 'random values in practice'"
            )
        return "\n".join(lines)

    def plot(self, path=None):
        """Log-log plot of the four error curves with reference slopes; returns the matplotlib ``Figure`` (it shows
        inline in a notebook) and, given ``path``, also writes it there (PNG). The backend is left alone."""
        from nn.display import figure, save_figure

        h = np.array(self.eps)
        fig = figure((10.0, 5.0))
        ax = fig.subplots()
        ax.loglog(h, self.forward, "o-", color="tab:blue", label="forward difference, float64")
        ax.loglog(h, self.central, "s-", color="tab:orange", label="central difference, float64")
        ax.loglog(h, self.forward32, "o--", color="tab:blue", alpha=0.5, label="forward difference, float32")
        ax.loglog(h, self.central32, "s--", color="tab:orange", alpha=0.5, label="central difference, float32")
        # reference slopes through the measured points at h = 1e-1 (truncation) and h = 1e-12 (round-off)
        ax.loglog(h, self.forward[0] * h / h[0], ":", color="gray", label="slope 1 (truncation ~ h)")
        ax.loglog(h, self.central[0] * (h / h[0]) ** 2, "-.", color="gray", label="slope 2 (truncation ~ h^2)")
        ax.loglog(h, self.central[-1] * h[-1] / h, "--", color="black", lw=0.8, label="slope -1 (round-off ~ u/h)")
        ax.axhline(self.grad_scale, color="red", lw=0.8, label="size of the gradient")
        ax.set_ylim(max(1e-13, 0.3 * min(min(self.central), min(self.forward))), 10 * max(max(self.forward32), 1.0))
        ax.invert_xaxis()
        ax.set_xlabel("step h (smaller to the right)")
        ax.set_ylabel("max |finite difference - autodiff|")
        ax.set_title("Finite differences vs autodiff: truncation, then round-off")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)  # beside, not on, the data
        fig.tight_layout()
        if path is not None:
            save_figure(fig, path)
        return fig


def fd_study(model=None, X=None, Y=None, loss="half_sse", eps_values=EPS_VALUES, seed=0):
    """Measure forward and central differences of the loss against autodiff for every parameter of ``model``.

    Defaults: a sigmoid MLP 3-4-4-2 (random biases), 4 random samples, E = 1/2 sum (y - a)^2 summed over them.
    X, Y: lists of samples (rows). Returns an FDStudy.
    """
    closed_form_loss(loss, "fd_study()")
    rng = np.random.default_rng(seed)
    if model is None:
        model = MLP(3, [4, 4, 2], activation="sigmoid", output_activation="sigmoid", seed=seed)
        for p in model.parameters():
            p.data = float(rng.normal(0.0, 1.0))
    net = network_arrays(model)
    if X is None:
        X = rng.normal(0.0, 1.0, (4, net.sizes[0]))
        Y = rng.uniform(0.0, 1.0, (4, net.sizes[-1]))
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    auto = autodiff_gradients(model, list(X), list(Y), loss, net=net)
    g = np.array([auto[name] for name in net.parameter_names()])
    theta = _flat(net)
    E64 = _loss_function(net, X.T, Y.T, loss, np.float64)
    E32 = _loss_function(net, X.T, Y.T, loss, np.float32)
    fw, ce, fw32, ce32 = [], [], [], []
    for h in eps_values:
        f, c = differences(E64, theta, h)
        f32, c32 = differences(E32, theta.astype(np.float32), h)
        fw.append(float(np.max(np.abs(f - g))))
        ce.append(float(np.max(np.abs(c - g))))
        fw32.append(float(np.max(np.abs(f32 - g))))
        ce32.append(float(np.max(np.abs(c32 - g))))
    desc = f"MLP {net.sizes} ({', '.join(net.activation[1:])}), {len(X)} samples, loss {loss}"
    return FDStudy(eps_values, fw, ce, fw32, ce32, float(np.max(np.abs(g))), g.size, desc)
