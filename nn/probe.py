"""How long ``fit`` will take, measured rather than guessed: a short probe with the engine in use.

A copy of the model and its optimizer (the model itself is not touched) takes a few training steps through the same
step object ``fit`` would use (``nn.train.ENGINES``), at two batch sizes b and s. A step's time is a fixed part (the
L2 term, the optimizer's update, the program's call) plus a part per sample, so from the medians t(b) and t(s)

    per_sample = (t(b) - t(s)) / (b - s)         per_step = t(b) - b * per_sample

and an epoch of n samples in batches of B (the last one r = n - (ceil(n/B) - 1) B samples) costs

    (ceil(n/B) - 1) * (per_step + B * per_sample) + (per_step + r * per_sample)
        + per_validation_call + n_val * per_validation_sample

where the validation's two parts come the same way from evaluating the first 32 and 8 validation samples with the
same engine. The estimate is ``setup + epochs * epoch`` (``setup``: building the step: the compiled engine's trace,
program and path check; its program is then in the cache, so ``fit`` itself pays less). b is the batch size or 32,
whichever is smaller, so that a probe stays short however large the batches are.

Every part is measured in CPU time (``time.process_time``), so the estimate is the time ``fit`` needs on a core of
its own: what it takes on a learner's machine. On a machine other programs keep busy, a run takes longer than that,
and a probe of 0.3 s cannot tell by how much (the scheduler favours a process that has just started).
"""

import copy
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from autograd_mini.modes import enable_grad
from nn.guard import NonFinite
from nn.metrics import evaluate
from nn.train import ENGINES, prepare

__all__ = ["FitEstimate", "estimate_fit"]

PROBE_BATCH = 32  # the larger batch size of the probe (or the batch size, if smaller)
PROBE_SECONDS = 0.3  # the probe's steps stop after this long (at least MIN_ROUNDS rounds)
MIN_ROUNDS, MAX_ROUNDS = 2, 12  # rounds of one step at each of the two sizes
VALIDATION_PROBE = 32  # validation samples timed (and a quarter of them)


@dataclass
class FitEstimate:
    """``seconds``: the estimated time of the whole ``fit``; the parts it is made of (seconds each): ``setup``,
    ``per_step``, ``per_sample``, ``per_validation_sample``; ``probe_steps`` and ``probe_seconds``: the probe."""

    seconds: float
    setup: float
    per_step: float
    per_sample: float
    per_validation_sample: float
    probe_steps: int
    probe_seconds: float

    def __str__(self) -> str:
        return (
            f"about {self.seconds:.3g} s (measured: {self.probe_steps} steps in {self.probe_seconds:.2g} s; "
            f"{self.per_sample * 1e3:.3g} ms per sample, {self.per_step * 1e3:.3g} ms per step)"
        )


def estimate_fit(
    model: Any,
    X: Any,
    y: Any,
    loss: Any = "hinge",
    optimizer: Any = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    *,
    validation: Any = None,
    engine: str = "nodes",
) -> FitEstimate:
    """The time ``fit`` with these arguments will take, from a short probe (see the module docstring); the model and
    the optimizer are copied first, so neither changes."""
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        twin, twin_optimizer = copy.deepcopy((model, optimizer))
    except (TypeError, copy.Error) as err:  # a model that holds a lock, a file ...
        raise TypeError(
            f"estimate_fit(): the probe trains a copy of the model, and this {type(model).__name__} cannot be copied "
            f"({err})"
        ) from None
    setup, _, batch = prepare(twin, X, y, loss=loss, optimizer=twin_optimizer, epochs=epochs, batch_size=batch_size,
                              l2=l2, engine=engine, where="estimate_fit()")  # fmt: skip
    with enable_grad():
        step = ENGINES[engine](setup, "estimate_fit()")
        setup_seconds = time.process_time() - start_cpu
        big = min(batch, PROBE_BATCH)
        small = max(1, big // 4)
        times = _time_steps(step, len(setup.X), (big, small))
    t_big, t_small = (statistics.median(times[size]) for size in (big, small))
    per_sample = (t_big - t_small) / (big - small) if big > small else t_big
    per_sample = max(per_sample, 0.0)
    per_step = max(t_big - big * per_sample, 0.0)
    n = len(setup.X)
    steps = -(-n // batch)
    last = n - (steps - 1) * batch
    epoch = (steps - 1) * (per_step + batch * per_sample) + per_step + last * per_sample
    per_call, per_validation = _time_validation(twin, validation, loss, engine)
    if validation is not None:
        epoch += per_call + len(validation[0]) * per_validation
    probe_steps = sum(len(t) for t in times.values()) + 1
    return FitEstimate(setup_seconds + epochs * epoch, setup_seconds, per_step, per_sample, per_validation,
                       probe_steps, time.perf_counter() - start)  # fmt: skip


def _time_steps(step, n, sizes):
    """{size: [seconds of each timed step]}: a first step (not timed: first calls pay for caches), then rounds of one
    step per size on batches drawn from a shuffled order, until ``PROBE_SECONDS`` have passed."""
    rng = random.Random(0)
    order = list(range(n))
    rng.shuffle(order)

    def batch(size, k):  # the k-th batch of this size, wrapping around the order
        first = k * size
        return [order[(first + i) % n] for i in range(min(size, n))]

    times: dict[int, list[float]] = {size: [] for size in sizes}
    _take(step, batch(sizes[0], 0))
    began = time.perf_counter()
    for k in range(1, MAX_ROUNDS + 1):
        for size in sizes:
            t0 = time.process_time()
            _take(step, batch(size, k))
            times[size].append(time.process_time() - t0)
        if k >= MIN_ROUNDS and time.perf_counter() - began > PROBE_SECONDS:
            break
    return times


def _take(step, batch):
    try:
        step(batch)
    except NonFinite:  # the copy diverged: the time of the step until then still counts
        pass


def _time_validation(model, validation, loss, engine):
    """(seconds per call, seconds per sample) of ``nn.metrics.evaluate`` with the engine (run after every epoch),
    from calls on a few validation samples and on more of them."""
    if validation is None or not len(validation[0]):
        return 0.0, 0.0
    Xv, yv = list(validation[0]), list(validation[1])
    sizes = (min(len(Xv), VALIDATION_PROBE), min(len(Xv), VALIDATION_PROBE // 4))
    seconds = []
    for size in sizes:
        t0 = time.process_time()
        evaluate(model, Xv[:size], yv[:size], loss, engine=engine)
        seconds.append(time.process_time() - t0)
    if sizes[0] == sizes[1]:
        return 0.0, seconds[0] / sizes[0]
    per_sample = max((seconds[0] - seconds[1]) / (sizes[0] - sizes[1]), 0.0)
    return max(seconds[0] - sizes[0] * per_sample, 0.0), per_sample
