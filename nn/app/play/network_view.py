"""The network page's data: TensorFlow Playground's job on the project's MLP, trained with the compiled step.

A run is an ``nn.MLP`` on a small data set of ``nn.data``, trained in slices of about ``SLICE_SECONDS`` per request
(each ends after the step that reaches it) by one compiled step kept for the whole run: ``nn.train.prepare`` checks
the settings as ``fit`` does, and ``nn.train.ENGINES["compiled"]`` traces and checks the model's program once (as
``nn.probe`` builds its step), so a slice pays for steps only, not for tracing the model again (``fit(epochs=1)`` per
slice traced it, checked its path and the data every time: half the time of a full-batch step of 2-8-8-1 on 200
points). Each epoch is the loop of ``fit``: the samples shuffled (``random.Random(seed)``), one step per batch, the
epoch's loss the mean of the batch losses. What the page draws comes from numpy (``nn.matrices``): the decision
function on a grid, each weight, the accuracy after each epoch. A neuron's delta is ``neuron_view``'s.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_mini.modes import enable_grad
from nn import MLP
from nn.data import make_blobs, make_circles, make_moons, make_spiral, make_xor
from nn.guard import NonFinite
from nn.matrices import batch_forward, network_arrays
from nn.optim import SGD, Adam
from nn.train import ENGINES, prepare

# Limits of one run, each with a one-line message on the page.
MAX_HIDDEN_LAYERS = 4
MAX_NEURONS = 16  # per hidden layer
MAX_POINTS = 800
SLICE_SECONDS = 0.15  # training time of one request; the page asks again while Play is on
MAX_TRAIN_SECONDS = 600.0  # training time of one run in all; then Reset (a run that learns nothing needs new settings)
MAX_RUNS = 12  # runs kept at once (the oldest goes first): memory stays flat however many pages are opened
GRID = 40  # the decision-boundary heatmap: GRID x GRID points
CURVE_POINTS = 300  # the loss and accuracy curves are sent with at most this many epochs (every k-th)

DataMaker = Callable[[int, float, int], tuple[list[list[float]], list[int]]]
DATASETS: dict[str, DataMaker] = {  # (points, noise, seed) -> (X, y), from nn.data
    "moons": lambda n, noise, seed: make_moons(n, noise, seed),
    "circles": lambda n, noise, seed: make_circles(n, noise, seed),
    "xor": lambda n, noise, seed: make_xor(n, seed, noise),
    "spiral": lambda n, noise, seed: make_spiral(n, noise, seed),
    "blobs": lambda n, noise, seed: make_blobs(n, noise, seed),
}
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# The losses for two classes; the output neuron is linear (a score s). Targets as nn.fit makes them.
PLAY_LOSSES = ("bce_logits", "hinge", "mse")
OPTIMIZERS = ("sgd", "adam")
WHERE = "the network page"  # how nn's checks name the caller


class SettingsError(ValueError):
    """A setting or request the page cannot use: one line naming it, the value, and what is allowed."""


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
        raise SettingsError(f"{key} {shown(value)}: choose one of {', '.join(allowed)}")
    return str(value)


def _number(raw: dict[str, Any], key: str, low: float, high: float, default: float, whole: bool = False) -> Any:
    value = raw.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise SettingsError(f"{key} {shown(value)}: must be a number from {low:g} to {high:g}") from None
    if not (low <= number <= high) or (whole and not number.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise SettingsError(f"{key} {shown(value)}: must be {kind} from {low:g} to {high:g}")
    return int(number) if whole else number


def shown(value: Any) -> str:
    """A value a request sent, as an error message quotes it: its repr, cut at 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def read_settings(raw: Any) -> Settings:
    """Settings from the page's JSON object, each checked; a SettingsError names the first bad one."""
    if not isinstance(raw, dict):
        raise SettingsError("the settings must be a JSON object")
    hidden = raw.get("hidden", [8, 8])
    if not isinstance(hidden, list) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise SettingsError(f"hidden {shown(hidden)}: a list of up to {MAX_HIDDEN_LAYERS} layer sizes")
    sizes = tuple(_number({"neurons": h}, "neurons", 1, MAX_NEURONS, 1, whole=True) for h in hidden)
    points = _number(raw, "points", 10, MAX_POINTS, 200, whole=True)
    return Settings(
        data=_choice(raw, "data", tuple(DATASETS), "moons"),
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
    """One network being trained: its settings, data, model, optimizer, the compiled step kept for the whole run
    (``step(batch) -> (loss, outputs)``), the targets as the loss sees them (``nn.targets``: -1/+1 for the hinge
    loss, 0/1 otherwise), the score at which the class changes, and what the epochs so far gave."""

    settings: Settings
    X: list[list[float]]
    y: list[int]
    model: MLP
    optimizer: Any
    step: Any
    targets: list[float]
    threshold: float
    rng: random.Random
    order: list[int]
    epochs: int = 0
    steps: int = 0
    seconds: float = 0.0
    position: int = 0  # where in the current epoch's order the next batch starts (0: a new epoch)
    epoch_loss: float = 0.0  # the sum of the current epoch's batch losses, each times its batch size
    loss: list[float] = field(default_factory=list)  # per epoch: the mean of the batch losses, as fit's History
    accuracy: list[float] = field(default_factory=list)  # per epoch: on all points, after the epoch
    stopped: str = ""  # why training cannot go on (it diverged), or ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def batch_size(self) -> int:
        return self.settings.batch or len(self.X)


def new_run(settings: Settings) -> Run:
    """The data set, a fresh MLP (linear output: a score) and its optimizer, and the compiled step, traced once."""
    X, y = DATASETS[settings.data](settings.points, settings.noise, settings.seed)
    model = MLP(
        2, [*settings.hidden, 1], activation=settings.activation, output_activation="linear", seed=settings.seed
    )
    params = model.parameters()
    optimizer = Adam(params, lr=settings.lr) if settings.optimizer == "adam" else SGD(params, lr=settings.lr)
    batch = settings.batch or len(X)
    setup, rule, _ = prepare(
        model, X, y, loss=settings.loss, optimizer=optimizer, epochs=1, batch_size=batch, l2=settings.l2,
        engine="compiled", where=WHERE,
    )  # fmt: skip
    with enable_grad():  # the trace records a graph, whatever the calling thread's grad mode
        step = ENGINES["compiled"](setup, WHERE)
    threshold = rule[1] if rule is not None and rule[1] is not None else 0.0
    rng = random.Random(settings.seed)
    return Run(settings, X, y, model, optimizer, step, setup.targets, threshold, rng, list(range(len(X))))


def train(run: Run, seconds: float = SLICE_SECONDS) -> None:
    """Train with the run's compiled step for about ``seconds``, stopping after any step (an epoch of 800 samples in
    batches of 1 takes half a second: the picture is redrawn between its slices); ``seconds=0``: to the end of the
    current epoch (the page's Step, a whole epoch from the start of one). A SettingsError when the run's training
    time is used up or training diverged."""
    if run.stopped:
        raise SettingsError(run.stopped)
    if run.seconds >= MAX_TRAIN_SECONDS:
        raise SettingsError(
            f"this run has trained for {MAX_TRAIN_SECONDS:g} s, the limit of one run; press Reset or change a setting"
        )
    n, size = len(run.X), run.batch_size
    start = time.perf_counter()
    try:
        with enable_grad():
            while True:
                if run.position == 0:  # fit's epoch: the samples shuffled, one step per batch
                    run.rng.shuffle(run.order)
                    run.epoch_loss = 0.0
                batch = run.order[run.position : run.position + size]
                loss, _ = _step(run, batch)
                run.epoch_loss += loss * len(batch)
                run.steps += 1
                run.position += len(batch)
                if run.position >= n:  # the epoch's loss is the mean of its batch losses, as fit's History
                    run.position = 0
                    run.epochs += 1
                    run.loss.append(run.epoch_loss / n)
                    run.accuracy.append(current_accuracy(run))
                    if seconds <= 0:
                        break
                if seconds > 0 and time.perf_counter() - start >= seconds:
                    break
    finally:
        run.seconds += time.perf_counter() - start


def _step(run: Run, batch: list[int]) -> tuple[float, Any]:
    try:
        return run.step(batch)
    except NonFinite as stop:  # the step was undone: the weights are the last finite ones
        if stop.error is not None:
            what = f"the loss overflowed ({str(stop.error).split(' [')[0][:160]})"
        elif stop.parameter is not None:
            what = f"the update made a weight NaN or infinite (the loss before it was {stop.loss:.4g})"
        else:
            what = f"the loss became {stop.loss!r}"
        run.stopped = (
            f"training stopped at epoch {run.epochs + 1}, step {run.steps + 1}: {what}; the weights keep their last "
            f"finite values. Lower the learning rate (now {run.settings.lr:g}) and press Reset"
        )
        raise SettingsError(run.stopped) from None


def scores(run: Run, points: np.ndarray) -> np.ndarray:
    """The output score of the network at each point (rows), from the numpy forward pass of ``nn.matrices``."""
    _, A = batch_forward(network_arrays(run.model), points.T)
    return A[-1][0]


def current_accuracy(run: Run) -> float:
    s = scores(run, np.asarray(run.X, dtype=np.float64))
    return float(np.mean((s > run.threshold) == (np.asarray(run.y) == 1)))


def _extent(run: Run) -> tuple[float, float, float, float]:
    X = np.asarray(run.X)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo) + 0.05
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def _curves(run: Run) -> dict[str, list[Any]]:
    """The loss and accuracy per epoch, every k-th epoch so that at most CURVE_POINTS go (the first and the last
    always)."""
    n = len(run.loss)
    stride = max(1, -(-n // (CURVE_POINTS - 1)))
    picked = [*range(0, n - 1, stride), n - 1] if n else []
    return {
        "epoch": [k + 1 for k in picked],
        "loss": [run.loss[k] for k in picked],
        "accuracy": [run.accuracy[k] for k in picked],
    }


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
        "threshold": run.threshold,
        "curves": _curves(run),
        "loss": run.loss[-1] if run.loss else None,
        "accuracy": run.accuracy[-1] if run.accuracy else None,
        "epochs": run.epochs,
        "steps": run.steps,
        "seconds": run.seconds,
        "steps_per_second": run.steps / run.seconds if run.seconds > 0 else None,
        "stopped": run.stopped,
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
