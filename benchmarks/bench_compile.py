"""Trace once, replay fast: micrograd's demo step and the digits example through the compiled program (issue 15).

    .venv/bin/python benchmarks/bench_compile.py            # all figures (a few minutes: the digits run is long)
    .venv/bin/python benchmarks/bench_compile.py --quick    # fewer rounds, 2 digits epochs instead of 10

What is measured, each engine against the others in one process, alternating (the machine is shared):
- the demo step of bench_engine.py (MLP 2-16-16-1, 100 moons points, mean hinge loss + 1e-4 * sum p^2, SGD with
  micrograd's schedule) three ways: the node engine as nn.train.fit runs it (collector paused per step), the same
  step through the compiled program as fit(engine="compiled") runs it, and the CPython floor for as many minimal
  nodes as micrograd's graph has. The losses of the two engines are checked to agree (1e-12) before timing.
- the time to trace the model and compile its program (the first step of fit(engine="compiled") pays it once).
- the digits example: MLP 64-32-10 (relu), softmax cross-entropy, Adam(0.01), batches of 16, on the 1347 training
  images of demos/05_digits.py, one epoch of each engine in turn (fit(..., epochs=1, seed=epoch)), 10 epochs; the
  two models' losses and weights are checked to agree after the last epoch.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import ALPHA, Floor, Micrograd, Ours, Paused, initial_weights, moons, time_steps  # noqa: E402

from nn import MLP, fit  # noqa: E402
from nn import compiled as compiled_engine  # noqa: E402
from nn.losses import get_loss  # noqa: E402
from nn.optim import SGD, Adam  # noqa: E402
from nn.step import Setup  # noqa: E402


class Compiled:
    """The demo step through the model's compiled program, as fit(engine="compiled") takes it."""

    name = "autograd-mini compiled (fit(engine='compiled'))"

    def __init__(self, weights, X, y):
        self.nodes = Ours(weights, X, y)  # the same model and weights
        self.model, self.params = self.nodes.model, self.nodes.params
        self.X, self.y = [list(x) for x in X], list(y)
        self.optimizer = SGD(self.params, lr=1.0)
        setup = Setup(self.model, self.X, self.y, get_loss("hinge"), "hinge", self.params, self.optimizer, ALPHA)
        compiled_engine.clear_programs()  # trace and compile here (the model and the L2 term), and time it
        t0 = time.perf_counter()
        self.compiled = compiled_engine.CompiledStep(setup, "bench")
        self.compile_seconds = time.perf_counter() - t0
        self.batch = list(range(len(self.X)))

    def step(self, k):
        self.optimizer.lr = 1.0 - 0.9 * k / 100
        return self.compiled(self.batch)[0]  # the step pauses the collector, as fit takes it

    def step_as_is(self, k):
        self.optimizer.lr = 1.0 - 0.9 * k / 100
        return self.compiled.take(self.batch)[0]  # the same step, the collector left as it is


def demo_step(rounds):
    X, y = moons()
    weights = initial_weights()
    nodes, compiled = Ours(weights, X, y), Compiled(weights, X, y)
    l_nodes = nodes.forward()[0].data
    l_compiled = compiled.step(0)  # the loss of step 0, before its update
    if abs(l_nodes - l_compiled) > 1e-12:
        raise SystemExit(f"the engines disagree on the demo loss: {l_nodes!r} {l_compiled!r}")
    compiled = Compiled(weights, X, y)  # fresh weights again (the check above took a step)
    lines = compiled.compiled.program.step.source.count("\n")
    n_mg = Micrograd(weights, X, y)
    n_mg = n_mg.nodes(n_mg.forward()[0])
    floor = Paused(Floor(n_mg), "CPython floor (collector paused per step)")
    floor_on = Floor(n_mg)
    floor_on.name = "CPython floor (collector on)"
    fit_like = Paused(nodes, "autograd-mini nodes (collector paused per step, as fit)")
    nodes.name = "autograd-mini nodes (collector on)"
    compiled_on = Compiled(weights, X, y)
    compiled_on.name = "autograd-mini compiled (collector on)"
    compiled_on.step = compiled_on.step_as_is
    print(f"micrograd demo step: MLP(2, [16, 16, 1]), 100 moons points, loss {l_nodes:.12f} in both engines")
    print(
        f"trace + compile: {compiled.compile_seconds * 1e3:.0f} ms once ({lines} lines of program, a loop whose "
        f"body is one sample's forward and adjoint; compile of the L2 term included)"
    )
    engines = [fit_like, compiled, floor, nodes, compiled_on, floor_on]
    t = time_steps(engines, rounds)
    base = t[compiled.name]
    print("\nmedian seconds per training step")
    for e in engines:
        print(f"  {e.name:<58} {t[e.name]:8.4f}   {t[e.name] / base:6.2f}x compiled")
    print("\ntargets: compiled at most 0.2x the CPython floor, and at least 8x faster than the node engine")
    print(
        f"compiled / CPython floor: {base / t[floor.name]:.3f}x (both paused), "
        f"{t[compiled_on.name] / t[floor_on.name]:.3f}x (both with the collector on)"
    )
    print(
        f"node engine / compiled:   {t[fit_like.name] / base:.1f}x (both paused), "
        f"{t[nodes.name] / t[compiled_on.name]:.1f}x (both with the collector on)"
    )


def digits(epochs):
    from nn.data import load_digits

    X, y = load_digits()
    order = list(range(len(X)))
    random.Random(0).shuffle(order)
    train = order[len(X) // 4 :]  # demos/05_digits.py's training images
    X, y = [X[i] for i in train], [y[i] for i in train]
    runs = {}
    for engine in ("nodes", "compiled"):
        model = MLP(64, [32, 10], activation="relu", seed=0)
        runs[engine] = {"model": model, "opt": Adam(model.parameters(), lr=0.01), "seconds": [], "loss": []}
    compiled_engine.clear_programs()
    for epoch in range(epochs):
        for engine, run in runs.items():
            gc.collect()
            t0 = time.perf_counter()
            h = fit(run["model"], X, y, "softmax_ce", run["opt"], 1, 16, seed=epoch, progress=False, engine=engine)
            run["seconds"].append(time.perf_counter() - t0)
            run["loss"].append(h.loss[0])
    a, b = runs["nodes"], runs["compiled"]
    dw = max(abs(p.data - q.data) for p, q in zip(a["model"].parameters(), b["model"].parameters()))
    dl = max(abs(u - v) for u, v in zip(a["loss"], b["loss"]))
    tn, tc = sum(a["seconds"]), sum(b["seconds"])
    print(f"\ndigits: MLP 64-32-10, softmax cross-entropy, Adam, batches of 16, {len(X)} images, {epochs} epochs")
    print(f"  node engine  {tn:7.1f} s   ({tn / epochs:.1f} s per epoch)")
    print(f"  compiled     {tc:7.1f} s   ({tc / epochs:.1f} s per epoch; the first includes trace + compile)")
    print(f"  compiled / nodes: {tc / tn:.3f}   (target: at most 0.25)")
    print(f"  after {epochs} epochs: losses differ by at most {dl:.1e}, weights by at most {dw:.1e}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 2 digits epochs")
    parser.add_argument("--no-digits", action="store_true", help="the demo step only")
    args = parser.parse_args(argv)
    demo_step(3 if args.quick else 7)
    if not args.no_digits:
        digits(2 if args.quick else 10)


if __name__ == "__main__":
    main()
