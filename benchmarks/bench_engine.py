"""Engine speed and memory: micrograd's own demo training step, in one run, against micrograd 0.1.0 and torch.

    .venv/bin/python benchmarks/bench_engine.py            # all figures (about a minute)
    .venv/bin/python benchmarks/bench_engine.py --quick    # fewer rounds

What is measured (issue 2):
- step: one training step of micrograd's demo (demo.ipynb): MLP(2, [16, 16, 1]) with relu hidden layers and a
  linear output, 100 two-moons points, mean hinge loss relu(1 - y * score) + 1e-4 * sum(p * p), accuracy,
  zero_grad, backward, SGD with micrograd's learning rate 1.0 - 0.9 * k / 100. The same weights and data for every
  engine; the script checks that they agree on the loss before timing. Engines: autograd-mini (nn.MLP),
  micrograd 0.1.0 as installed, torch with one 0-d float64 tensor per scalar (the same scalar graph), and the
  CPython floor: creating as many minimal __slots__ nodes as micrograd's graph has and one multiply-add pair per
  node backward. Rounds alternate the engines, each running a few consecutive steps; the median per
  engine is reported.
- the cyclic garbage collector: on, as Python starts. autograd-mini's graphs have no reference cycles, so
  nn.train.fit pauses the collector for each step (autograd_mini.gc_paused); its step is timed both that way and
  with the collector left on, and so is the floor. micrograd's graphs are cycles: only the collector frees them, so
  it runs as shipped. (A process that has imported torch holds ~170,000 objects that every full collection walks.)
- bytes per node: tracemalloc's count of memory allocated while the forward graph is built, divided by the number
  of nodes in that graph, for autograd-mini and micrograd.
- the deep chain: 1,000,000 ops in a chain, built and backpropagated: microseconds per op.
"""

import argparse
import contextlib
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import micrograd.engine as mg_engine  # noqa: E402
import micrograd.nn as mg_nn  # noqa: E402
import torch  # noqa: E402

from autograd_mini import Value, gc_paused, topological_order  # noqa: E402
from nn.module import MLP  # noqa: E402

ALPHA = 1e-4


def moons(n=100, noise=0.1, seed=1):
    """Two interleaving half circles, as sklearn.datasets.make_moons (written out so no sklearn is needed)."""
    import math

    rng = random.Random(seed)
    half = n // 2
    X, y = [], []
    for i in range(half):
        t = math.pi * i / (half - 1)
        X.append([math.cos(t) + rng.gauss(0, noise), math.sin(t) + rng.gauss(0, noise)])
        y.append(-1.0)
    for i in range(n - half):
        t = math.pi * i / (n - half - 1)
        X.append([1 - math.cos(t) + rng.gauss(0, noise), 1 - math.sin(t) - 0.5 + rng.gauss(0, noise)])
        y.append(1.0)
    return X, y


# -- the three engines' versions of the same step ---------------------------------------------------------------


class DemoStep:
    """The demo's training step, the same for the engines whose Values have .data and .grad (forward() differs)."""

    def step(self, k):
        total, acc = self.forward()
        self.model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in self.params:
            p.data -= lr * p.grad
        return total.data


class Ours(DemoStep):
    name = "autograd-mini"

    def __init__(self, weights, X, y):
        self.model = MLP(2, [16, 16, 1])  # relu hidden layers, linear output: micrograd's defaults
        _load(self.model.layers, weights)
        self.params = self.model.parameters()
        self.X, self.y = X, y  # plain floats: a number mixed into an op stays inside the op

    def forward(self):
        scores = [self.model(x) for x in self.X]
        losses = [(1 - yi * s).relu() for yi, s in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in self.params)
        accuracy = sum((yi > 0) == (s.data > 0) for yi, s in zip(self.y, scores)) / len(self.y)
        return data_loss + reg_loss, accuracy

    def nodes(self, total):
        return len(topological_order(total))


class Micrograd(DemoStep):
    name = "micrograd 0.1.0"

    def __init__(self, weights, X, y):
        self.model = mg_nn.MLP(2, [16, 16, 1])
        _load(self.model.layers, weights)
        self.params = self.model.parameters()
        self.X, self.y = X, y

    def forward(self):  # demo.ipynb's loss(), verbatim apart from names
        inputs = [list(map(mg_engine.Value, xrow)) for xrow in self.X]
        scores = list(map(self.model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in self.params)
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(self.y, scores)]
        return data_loss + reg_loss, sum(accuracy) / len(accuracy)

    def nodes(self, total):
        seen, stack = {id(total)}, [total]
        while stack:
            for c in stack.pop()._prev:
                if id(c) not in seen:
                    seen.add(id(c))
                    stack.append(c)
        return len(seen)


class TorchScalars:
    name = "torch scalars"

    def __init__(self, weights, X, y):
        self.layers = [
            [
                (
                    [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in ws],
                    torch.tensor(b, dtype=torch.float64, requires_grad=True),
                )
                for ws, b in layer
            ]
            for layer in weights
        ]
        self.params = [p for layer in self.layers for ws, b in layer for p in [*ws, b]]
        self.X = [[torch.tensor(v, dtype=torch.float64) for v in row] for row in X]
        self.y = y

    def model(self, x):
        for i, layer in enumerate(self.layers):
            out = []
            for ws, b in layer:
                act = b
                for wi, xi in zip(ws, x):
                    act = act + wi * xi
                out.append(torch.relu(act) if i < len(self.layers) - 1 else act)
            x = out
        return x[0]

    def forward(self):
        scores = [self.model(x) for x in self.X]
        losses = [torch.relu(1 - yi * s) for yi, s in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in self.params)
        accuracy = sum((yi > 0) == (s.item() > 0) for yi, s in zip(self.y, scores)) / len(self.y)
        return data_loss + reg_loss, accuracy

    def step(self, k):
        total, acc = self.forward()
        for p in self.params:
            p.grad = None
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        with torch.no_grad():
            for p in self.params:
                p -= lr * p.grad
        return total.item()


class Floor:
    """The least CPython can do for this much work: N minimal slotted nodes, one multiply-add pair per node."""

    name = "CPython floor"

    class Node:
        __slots__ = ("data", "grad", "a")

        def __init__(self, data, a):
            self.data = data
            self.grad = 0.0
            self.a = a

    def __init__(self, n_nodes):
        self.n = n_nodes

    def step(self, k):
        Node = self.Node
        nodes = []
        append = nodes.append
        prev = Node(1.0, None)
        for _ in range(self.n):
            prev = Node(0.5, prev)
            append(prev)
        prev.grad = 1.0
        for node in reversed(nodes):
            node.a.grad += node.grad * node.data
        return None


def _load(layers, weights):
    for layer, lw in zip(layers, weights):
        for neuron, (ws, b) in zip(layer.neurons, lw):
            for p, w in zip(neuron.w, ws):
                p.data = w
            neuron.b.data = b


def initial_weights(seed=1337):
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    return [[([rng.uniform(-1, 1) for _ in range(sizes[i])], 0.0) for _ in range(sizes[i + 1])] for i in range(3)]


# -- measurements ---------------------------------------------------------------------------------------------


class Paused:
    """An engine's step with the cyclic collector paused for the step (autograd_mini.gc_paused), as nn.train.fit runs
    its steps. Only sound for an engine whose graphs have no cycles: micrograd's would pile up uncollected."""

    def __init__(self, engine, name):
        self.engine, self.name = engine, name

    def step(self, k):
        with gc_paused():
            return self.engine.step(k)


def time_steps(engines, rounds, block=3):
    """Median seconds per step for each engine: every round runs ``block`` consecutive steps of each engine in turn.

    The collector is on, as Python starts. Consecutive steps, so that each engine pays for collecting its own
    garbage of the step before (micrograd's graphs are reference cycles: only the collector frees them), as it would
    in a training loop; a collection between blocks, untimed, so that no engine pays for another's.
    """
    times = {e.name: [] for e in engines}
    for r in range(rounds):
        for e in engines:
            gc.collect()
            t0 = time.perf_counter()
            for k in range(block):
                e.step(r * block + k)
            times[e.name].append((time.perf_counter() - t0) / block)
    return {name: statistics.median(ts) for name, ts in times.items()}


def bytes_per_node(engine):
    gc.collect()
    tracemalloc.start()
    total, _ = engine.forward()
    allocated, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return allocated / engine.nodes(total), engine.nodes(total)


def deep_chain(n=1_000_000):
    """Seconds per op to build and backpropagate an n-deep chain x -> x*0.999999 -> +1e-6 -> ... (alternating ops)."""
    gc.collect()
    t0 = time.perf_counter()
    x = Value(0.5, label="x")
    y = x
    for _ in range(n // 2):
        y = y * 0.999999
        y = y + 1e-6
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    grad = x.grad
    del y
    t3 = time.perf_counter()
    return (t1 - t0) / n, (t2 - t1) / n, (t3 - t2), grad


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else 5

    X, y = moons()
    weights = initial_weights()
    ours, mg, th = Ours(weights, X, y), Micrograd(weights, X, y), TorchScalars(weights, X, y)
    l_ours, l_mg, l_th = ours.forward()[0].data, mg.forward()[0].data, th.forward()[0].item()
    if not (abs(l_ours - l_mg) < 1e-12 and abs(l_ours - l_th) < 1e-12):
        raise SystemExit(f"the engines disagree on the demo loss: {l_ours!r} {l_mg!r} {l_th!r}")
    n_mg = mg.nodes(mg.forward()[0])
    n_ours = ours.nodes(ours.forward()[0])
    floor = Floor(n_mg)
    print(f"micrograd demo step: MLP(2, [16, 16, 1]), 100 moons points, loss {l_ours:.6f} in all three engines")
    print(f"graph nodes per step: micrograd {n_mg}, autograd-mini {n_ours} (numbers mixed into ops are not nodes)")
    print(f"python {sys.version.split()[0]}, torch {torch.__version__}, objects tracked by gc: {len(gc.get_objects())}")

    fit_like = Paused(ours, "autograd-mini, collector paused per step (as nn.train.fit)")
    floor_paused = Paused(floor, "CPython floor, collector paused per step")
    floor.name = "CPython floor, collector on"
    ours.name = "autograd-mini, collector on"
    engines = [fit_like, ours, mg, th, floor, floor_paused]
    t = time_steps(engines, rounds)
    base = t[fit_like.name]
    print("\nmedian seconds per training step (Python's default: the cyclic collector on)")
    for e in engines:
        note = "" if e is fit_like else f"   {t[e.name] / base:5.2f}x the first row"
        print(f"  {e.name:<62} {t[e.name]:8.4f}{note}")
    print(
        f"\nmicrograd / autograd-mini: {t[mg.name] / base:.1f}x (collector paused per step), "
        f"{t[mg.name] / t[ours.name]:.1f}x (collector on)"
    )
    print(f"torch scalars / autograd-mini: {t[th.name] / base:.1f}x, {t[th.name] / t[ours.name]:.1f}x")
    print(
        f"autograd-mini / CPython floor: {base / t[floor_paused.name]:.2f}x (both paused), "
        f"{t[ours.name] / t[floor.name]:.2f}x (both with the collector on)"
    )

    b_ours, _ = bytes_per_node(ours)
    b_mg, _ = bytes_per_node(mg)
    print(f"\nbytes per node (tracemalloc, forward graph): autograd-mini {b_ours:.0f}, micrograd {b_mg:.0f}")

    expected = 0.999999**500_000
    for label, context in (("collector on", contextlib.nullcontext), ("collector paused", gc_paused)):
        with context():
            build, back, free, grad = deep_chain()
        print(
            f"1,000,000-deep chain, {label}: build {build * 1e6:.2f} us/op + backward {back * 1e6:.2f} us/op "
            f"= {(build + back) * 1e6:.2f} us/op; freed by refcount in {free:.2f} s; "
            f"dx = {grad:.9f} (0.999999**500000 = {expected:.9f})"
        )


if __name__ == "__main__":
    main()
