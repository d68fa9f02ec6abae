"""The network page's data: TensorFlow Playground's job on the project's MLP, trained with the compiled step, with a
neuron's delta in the documents' notation next to autodiff.

A run is an ``nn.MLP`` on a small data set, trained by ``nn.fit(engine="compiled")`` in slices of at most
``SLICE_SECONDS`` per request (the same optimizer object throughout, so Adam's moments carry over). What the page
draws comes from numpy (``nn.matrices``): the decision function on a grid, each weight, the current accuracy.

A neuron's delta for one sample k (document 001, sections 2.4-2.5, with E^k the sample's loss, the L2 term left out):

    z^l = W^l a^{l-1} + b^l,   a^l = f(z^l)
    delta^L = dE^k/da^L (.) f'(z^L)
    delta^l = (W^{l+1})^T delta^{l+1} (.) f'(z^l)

computed in numpy from these equations (``closed_form``), and by autodiff: the engine's graph of the same sample,
``backward()``, and ``z.grad`` of each neuron (``autodiff``). The page shows both and their difference.
"""

from __future__ import annotations

import math
import random
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_mini import Value
from nn import MLP, fit
from nn.data import make_circles, make_moons, make_xor
from nn.losses import LOSSES
from nn.matrices import NUMPY_ACTIVATIONS, batch_forward, network_arrays
from nn.optim import SGD, Adam

# Limits of one run, each with a one-line message on the page.
MAX_HIDDEN_LAYERS = 4
MAX_NEURONS = 16  # per hidden layer
MAX_POINTS = 800
SLICE_SECONDS = 0.15  # training time of one request; the page asks again while Play is on
MAX_TRAIN_SECONDS = 600.0  # training time of one run in all; then Reset (a run that learns nothing needs new settings)
MAX_RUNS = 12  # runs kept at once (the oldest goes first): memory stays flat however many pages are opened
GRID = 40  # the decision-boundary heatmap: GRID x GRID points

DATASETS = ("moons", "circles", "xor", "spiral", "blobs")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# The losses for two classes; the output neuron is linear (a score s). Targets as nn.fit makes them.
PLAY_LOSSES = ("bce_logits", "hinge", "mse")
OPTIMIZERS = ("sgd", "adam")


class SettingsError(ValueError):
    """A setting the page cannot use: one line naming it, the value, and what is allowed."""


# -- data sets ---------------------------------------------------------------------------------------------------


def make_spiral(n: int, noise: float, seed: int) -> tuple[list[list[float]], list[int]]:
    """Two interleaved spirals, TensorFlow Playground's hardest set: r = t, angle = t * 1.75 pi (+ pi for class 1),
    t evenly in [0, 1]; Gaussian jitter of standard deviation ``noise``, shuffled."""
    rng = random.Random(seed)
    points = []
    for label in (0, 1):
        count = n // 2 if label == 0 else n - n // 2
        for k in range(count):
            t = k / max(1, count - 1)
            angle = t * 1.75 * math.pi + label * math.pi
            points.append(
                ([t * math.sin(angle) + rng.gauss(0, noise), t * math.cos(angle) + rng.gauss(0, noise)], label)
            )
    rng.shuffle(points)
    return [p for p, _ in points], [label for _, label in points]


def make_blobs(n: int, noise: float, seed: int) -> tuple[list[list[float]], list[int]]:
    """Two Gaussian blobs, centres (-0.6, -0.6) and (0.6, 0.6), standard deviation 0.2 + ``noise``: the easy set."""
    rng = random.Random(seed)
    sd = 0.2 + noise
    X, y = [], []
    for k in range(n):
        label = k % 2
        c = 0.6 if label else -0.6
        X.append([rng.gauss(c, sd), rng.gauss(c, sd)])
        y.append(label)
    return X, y


def dataset(name: str, n: int, noise: float, seed: int) -> tuple[list[list[float]], list[int]]:
    makers = {
        "moons": lambda: make_moons(n, noise, seed),
        "circles": lambda: make_circles(n, noise, seed),
        "xor": lambda: make_xor(n, seed, noise),
        "spiral": lambda: make_spiral(n, noise, seed),
        "blobs": lambda: make_blobs(n, noise, seed),
    }
    return makers[name]()


# -- settings ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    data: str = "moons"
    points: int = 200
    noise: float = 0.1
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    loss: str = "bce_logits"
    optimizer: str = "adam"
    lr: float = 0.05
    l2: float = 0.0
    batch: int = 0  # 0: every point in one batch
    seed: int = 0


def _choice(raw: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise SettingsError(f"{key} {_shown(value)}: choose one of {', '.join(allowed)}")
    return str(value)


def _number(raw: dict[str, Any], key: str, low: float, high: float, default: float, whole: bool = False) -> Any:
    value = raw.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{key} {_shown(value)}: must be a number from {low:g} to {high:g}") from None
    if not (low <= number <= high) or (whole and not number.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise SettingsError(f"{key} {_shown(value)}: must be {kind} from {low:g} to {high:g}")
    return int(number) if whole else number


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def read_settings(raw: Any) -> Settings:
    """Settings from the page's JSON object, each checked; a SettingsError names the first bad one."""
    if not isinstance(raw, dict):
        raise SettingsError("the settings must be a JSON object")
    hidden = raw.get("hidden", [8, 8])
    if not isinstance(hidden, list) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise SettingsError(f"hidden {_shown(hidden)}: a list of up to {MAX_HIDDEN_LAYERS} layer sizes")
    sizes = tuple(_number({"neurons": h}, "neurons", 1, MAX_NEURONS, 1, whole=True) for h in hidden)
    points = _number(raw, "points", 10, MAX_POINTS, 200, whole=True)
    return Settings(
        data=_choice(raw, "data", DATASETS, "moons"),
        points=points,
        noise=_number(raw, "noise", 0.0, 0.5, 0.1),
        hidden=sizes,
        activation=_choice(raw, "activation", ACTIVATIONS, "tanh"),
        loss=_choice(raw, "loss", PLAY_LOSSES, "bce_logits"),
        optimizer=_choice(raw, "optimizer", OPTIMIZERS, "adam"),
        lr=_number(raw, "lr", 1e-5, 10.0, 0.05),
        l2=_number(raw, "l2", 0.0, 1.0, 0.0),
        batch=_number(raw, "batch", 0, points, 0, whole=True),
        seed=_number(raw, "seed", 0, 2**31 - 1, 0, whole=True),
    )


# -- a run -------------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One network being trained: its settings, data, model, optimizer and history of steps."""

    settings: Settings
    X: list[list[float]]
    y: list[int]
    model: MLP
    optimizer: Any
    steps: int = 0
    epochs: int = 0
    seconds: float = 0.0
    loss: list[float] = field(default_factory=list)  # per epoch, as nn.fit's History
    accuracy: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def batch_size(self) -> int:
        return self.settings.batch or len(self.X)

    def targets(self) -> list[float]:
        """The targets the loss sees (as nn.fit makes them): -1/+1 for the hinge loss, 0/1 otherwise."""
        if self.settings.loss == "hinge":
            return [2.0 * t - 1.0 for t in self.y]
        return [float(t) for t in self.y]

    def threshold(self) -> float:
        """The score at which the class changes: 0 for the hinge and logistic losses, 0.5 for mse on 0/1."""
        return 0.5 if self.settings.loss == "mse" else 0.0


def new_run(settings: Settings) -> Run:
    X, y = dataset(settings.data, settings.points, settings.noise, settings.seed)
    model = MLP(
        2, [*settings.hidden, 1], activation=settings.activation, output_activation="linear", seed=settings.seed
    )
    params = model.parameters()
    optimizer = Adam(params, lr=settings.lr) if settings.optimizer == "adam" else SGD(params, lr=settings.lr)
    return Run(settings, X, y, model, optimizer)


def train(run: Run, seconds: float = SLICE_SECONDS, max_steps: int = 10_000) -> None:
    """Train for about ``seconds`` (whole epochs, at least one) with the compiled step; a SettingsError when the
    run's training time is used up."""
    if run.seconds >= MAX_TRAIN_SECONDS:
        raise SettingsError(
            f"this run has trained for {MAX_TRAIN_SECONDS:g} s, the limit of one run; press Reset or change a setting"
        )
    steps_per_epoch = -(-len(run.X) // run.batch_size)
    start = time.perf_counter()
    while True:
        history = fit(
            run.model,
            run.X,
            run.y,
            loss=run.settings.loss,
            optimizer=run.optimizer,
            epochs=1,
            batch_size=run.batch_size,
            seed=run.settings.seed + run.epochs,  # a new order of the samples each epoch, reproducible
            l2=run.settings.l2,
            progress=False,
            engine="compiled",
        )
        run.epochs += 1
        run.steps += steps_per_epoch
        run.loss.append(history.loss[-1])
        run.accuracy.append(current_accuracy(run))
        took = time.perf_counter() - start
        if took >= seconds or run.steps >= max_steps:
            break
    run.seconds += time.perf_counter() - start


def scores(run: Run, points: np.ndarray) -> np.ndarray:
    """The output score of the network at each point (rows), from the numpy forward pass of ``nn.matrices``."""
    _, A = batch_forward(network_arrays(run.model), points.T)
    return A[-1][0]


def current_accuracy(run: Run) -> float:
    s = scores(run, np.asarray(run.X, dtype=np.float64))
    predicted = s > run.threshold()
    return float(np.mean(predicted == (np.asarray(run.y) == 1)))


def _extent(run: Run) -> tuple[float, float, float, float]:
    X = np.asarray(run.X)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo) + 0.05
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def state(run: Run) -> dict[str, Any]:
    """What the page draws: the points, the heatmap of scores, every weight and bias, the curves, the counters."""
    x0, x1, y0, y1 = _extent(run)
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))  # row 0 at the top
    grid = scores(run, np.column_stack([gx.ravel(), gy.ravel()])).reshape(GRID, GRID)
    net = network_arrays(run.model)
    return {
        "sizes": [2, *run.settings.hidden, 1],
        "activations": [str(a) for a in net.activation[1:]],
        "weights": [net.W[l].tolist() for l in range(1, net.L + 1)],
        "biases": [net.b[l].tolist() for l in range(1, net.L + 1)],
        "points": run.X,
        "labels": run.y,
        "extent": [x0, x1, y0, y1],
        "grid": np.round(grid, 4).tolist(),
        "threshold": run.threshold(),
        "loss": run.loss[-400:],
        "accuracy": run.accuracy[-400:],
        "epochs": run.epochs,
        "steps": run.steps,
        "seconds": run.seconds,
        "steps_per_second": run.steps / run.seconds if run.seconds > 0 else None,
    }


# -- a neuron's delta --------------------------------------------------------------------------------------------


def _loss_gradient(loss: str, s: float, t: float) -> float:
    """dE^k/ds of one sample's loss at the output score s, target t, written from each loss's definition:
    hinge max(0, 1 - t s): -t where 1 - t s > 0, else 0 (at the kink 0, as relu'(0) = 0 in torch);
    logistic -[t log sigma(s) + (1 - t) log(1 - sigma(s))]: sigma(s) - t;  squared error (s - t)^2: 2 (s - t)."""
    if loss == "hinge":
        return -t if 1.0 - t * s > 0 else 0.0
    if loss == "bce_logits":
        return 1.0 / (1.0 + math.exp(-s)) - t if s >= 0 else math.exp(s) / (1.0 + math.exp(s)) - t
    return 2.0 * (s - t)


def closed_form(run: Run, k: int) -> dict[str, list[Any]]:
    """z^l, a^l, f'(z^l), delta^l (l = 1..L) of sample k from the delta equations in numpy."""
    net = network_arrays(run.model)
    a: list[Any] = [np.asarray(run.X[k], dtype=np.float64)]
    z: list[Any] = [None]
    for l in range(1, net.L + 1):
        sigma, _ = NUMPY_ACTIVATIONS[net.activation[l]]
        z.append(net.W[l] @ a[l - 1] + net.b[l])  # z^l = W^l a^{l-1} + b^l
        a.append(sigma(z[l]))  # a^l = f(z^l)
    dsigma = [None] + [NUMPY_ACTIVATIONS[net.activation[l]][1](z[l]) for l in range(1, net.L + 1)]
    L = net.L
    delta: list[Any] = [None] * (L + 1)
    dE_da = np.array([_loss_gradient(run.settings.loss, float(a[L][0]), run.targets()[k])])
    delta[L] = dE_da * dsigma[L]  # delta^L = dE/da^L (.) f'(z^L)
    for l in range(L - 1, 0, -1):
        delta[l] = (net.W[l + 1].T @ delta[l + 1]) * dsigma[l]  # delta^l = (W^{l+1})^T delta^{l+1} (.) f'(z^l)
    return {"z": z, "a": a, "dsigma": dsigma, "delta": delta, "W": net.W}


def autodiff(run: Run, k: int) -> list[list[float]]:
    """dE^k/dz^l_j for every neuron by the engine: sample k's graph layer by layer, the loss, ``backward()``."""
    a: list[Any] = [float(v) for v in run.X[k]]
    zs = []
    for layer in run.model.layers:
        a = layer(a)
        # a neuron's z is its output for a linear layer, else the activation's operand (a = f(z))
        zs.append([v if layer.activation == "linear" else v.operands[0] for v in a])
    loss = LOSSES[run.settings.loss](a[0], run.targets()[k])
    if not isinstance(loss, Value):
        return [[0.0] * len(z) for z in zs]
    run.model.zero_grad()
    loss.backward()
    grads = [[v.grad for v in z] for z in zs]
    run.model.zero_grad()
    return grads


def _f(x: float) -> str:
    return "0" if x == 0 else f"{x:.4g}"


def neuron(run: Run, l: int, j: int, k: int) -> dict[str, Any]:
    """Neuron j of layer l (1..L) at sample k: z, a, f'(z) and delta with the numbers of their equations, and the
    delta by autodiff with the difference."""
    sizes = [2, *run.settings.hidden, 1]
    L = len(sizes) - 1
    if not (1 <= l <= L and 0 <= j < sizes[l] and 0 <= k < len(run.X)):
        raise SettingsError(
            f"no neuron {j} in layer {l} or no sample {k}: layers 1..{L}, neurons 0..{sizes[min(max(l, 1), L)] - 1}, "
            f"samples 0..{len(run.X) - 1}"
        )
    q = closed_form(run, k)
    auto = autodiff(run, k)[l - 1][j]
    W, a, z, delta = q["W"], q["a"], q["z"], q["delta"]
    net = network_arrays(run.model)
    act = str(net.activation[l])
    terms = " + ".join(f"{_f(W[l][j, i])} * {_f(a[l - 1][i])}" for i in range(sizes[l - 1]))
    lines = [
        f"z^{l}_{j} = sum_i w^{l}_{j},i a^{l - 1}_i + b^{l}_{j} = {terms} + {_f(float(net.b[l][j]))} = {_f(z[l][j])}",
        f"a^{l}_{j} = {act}(z^{l}_{j}) = {_f(a[l][j])},   {act}'(z^{l}_{j}) = {_f(q['dsigma'][l][j])}",
    ]
    if l == L:
        s, t = float(a[L][0]), run.targets()[k]
        g = _loss_gradient(run.settings.loss, s, t)
        lines.append(
            f"delta^{L} = dE/da^{L} (.) {act}'(z^{L}) = {_f(g)} * {_f(q['dsigma'][L][0])} = {_f(delta[L][0])}"
            f"   ({run.settings.loss} loss at score {_f(s)}, target {_f(t)})"
        )
    else:
        back = " + ".join(f"{_f(W[l + 1][m, j])} * {_f(delta[l + 1][m])}" for m in range(sizes[l + 1]))
        lines.append(
            f"delta^{l}_{j} = ((W^{l + 1})^T delta^{l + 1})_{j} (.) {act}'(z^{l}_{j}) = ({back}) * "
            f"{_f(q['dsigma'][l][j])} = {_f(delta[l][j])}"
        )
    closed = float(delta[l][j])
    return {
        "layer": l,
        "neuron": j,
        "sample": k,
        "x": run.X[k],
        "label": run.y[k],
        "z": float(z[l][j]),
        "a": float(a[l][j]),
        "delta": closed,
        "autodiff": auto,
        "difference": abs(closed - auto),
        "lines": lines,
    }


def flow(run: Run, k: int) -> dict[str, Any]:
    """Sample k's values forward (a^0 ... a^L) and its deltas backward (delta^L ... delta^1): the "one sample" view."""
    if not 0 <= k < len(run.X):
        raise SettingsError(f"sample {k}: the data set has samples 0..{len(run.X) - 1}")
    q = closed_form(run, k)
    return {
        "sample": k,
        "a": [np.asarray(v).tolist() for v in q["a"]],
        "delta": [None] + [np.asarray(v).tolist() for v in q["delta"][1:]],
    }


class Runs:
    """The runs of the pages open now, by id; at most ``MAX_RUNS`` (the least recently used goes first)."""

    def __init__(self, limit: int = MAX_RUNS) -> None:
        self.limit = limit
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, run: Run) -> str:
        key = secrets.token_hex(8)
        with self._lock:
            self._runs[key] = run
            while len(self._runs) > self.limit:
                self._runs.popitem(last=False)
        return key

    def get(self, key: Any) -> Run:
        with self._lock:
            run = self._runs.get(key) if isinstance(key, str) else None
            if run is None:
                raise SettingsError(
                    "this run is gone (the server keeps the newest runs only, or restarted): press Reset"
                )
            self._runs.move_to_end(key)
            return run

    def __len__(self) -> int:
        return len(self._runs)
