"""The engine of an earlier commit against the engine of this tree, in one process, alternating: before and after.

    .venv/bin/python benchmarks/compare_commits.py a0a32e6            # the first version's engine vs this one
    .venv/bin/python benchmarks/compare_commits.py a0a32e6 --rounds 12 --chains 3

The earlier ``autograd_mini`` is taken out of git (``git archive``) into a temporary folder and imported under
another name, so both engines run in the same process on the same weights and data; rounds alternate which goes
first. Measured: micrograd's demo training step (MLP 2-16-16-1 written here with Values only, 100 moons points,
hinge loss + 1e-4 L2, backward, SGD) with the cyclic collector paused and on, a 1,000,000-op chain built and
backpropagated, and bytes per node of the forward graph. The ratio new / old is what to read: on a shared machine
two runs of the same engine differ by 10-20%, so a ratio within that says "no slower", not "faster".
(Not part of ``make bench``: it needs the git history.)
"""

import argparse
import gc
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import initial_weights, moons  # noqa: E402  (the same data and weights as bench_engine)

import autograd_mini as new  # noqa: E402


def old_engine(rev, folder):
    """``autograd_mini`` as it was at ``rev``, importable as ``autograd_mini_old``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "autograd_mini"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    package = Path(folder) / "autograd_mini"
    for path in package.glob("*.py"):
        path.write_text(re.sub(r"\bautograd_mini\b", "autograd_mini_old", path.read_text()))
    package.rename(Path(folder) / "autograd_mini_old")
    sys.path.insert(0, str(folder))
    import autograd_mini_old

    return autograd_mini_old


class DemoStep:
    """micrograd's demo step on one engine, with an MLP written out here (so only the engine differs)."""

    def __init__(self, engine, weights, X, y):
        V = engine.Value
        self.engine = engine
        self.layers = [[([V(w) for w in ws], V(b)) for ws, b in layer] for layer in weights]
        self.params = [p for layer in self.layers for ws, b in layer for p in (*ws, b)]
        self.X, self.y = X, y

    def model(self, x):
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            out = []
            for ws, b in layer:
                act = b
                for w, xi in zip(ws, x):
                    act = act + w * xi
                out.append(act if last else act.relu())
            x = out
        return x[0]

    def forward(self):
        losses = [(1 + -yi * self.model(xi)).relu() for xi, yi in zip(self.X, self.y)]
        total = losses[0]
        for loss in losses[1:]:
            total = total + loss
        reg = self.params[0] * self.params[0]
        for p in self.params[1:]:
            reg = reg + p * p
        return total * (1.0 / len(losses)) + 1e-4 * reg

    def step(self, k):
        loss = self.forward()
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in self.params:
            p.data -= lr * p.grad
        return loss.data


class CompiledDemo:
    """The same step through the model's compiled program (one call per step: a loop over the samples inside), as
    fit(engine="compiled") runs it: each engine's own compile_graph, the per-sample signature of its version (flags
    before nn.programs.PerSample existed)."""

    def __init__(self, engine, weights, X, y):
        self.demo = demo = DemoStep(engine, weights, X, y)
        xs = [engine.Value(v, label=f"x{i}") for i, v in enumerate(X[0])]
        out, args = demo.model(xs), [*xs, *demo.params]
        compile_graph = sys.modules[engine.__name__ + ".compiler"].compile_graph
        try:
            from nn.programs import PerSample

            step = compile_graph(out, args, wrt=demo.params, signature=PerSample(xs))
        except TypeError:  # an engine from before the signatures: the same program by flags
            step = compile_graph(out, args, wrt=demo.params, seed="callback", accumulate=True, per_sample=xs)
        self.function, self.samples = step.function, [list(x) for x in X]

    def step(self, k):
        demo, n = self.demo, len(self.samples)
        labels = iter(demo.y)

        def seed(out):  # the mean hinge loss: d/d out relu(1 - y out) / n
            yk = next(labels)
            return -yk / n if 1.0 - yk * out > 0 else 0.0

        pdata = [p.data for p in demo.params]
        grads = self.function(self.samples, pdata, seed, [0.0] * len(pdata))
        lr = 1.0 - 0.9 * k / 100
        for p, g, v in zip(demo.params, grads, pdata):
            p.data = v - lr * (g + 2e-4 * v)  # + d/dp 1e-4 p^2
        return grads[0]


def chain(engine, n=1_000_000):
    """Microseconds per op of a chain of n ops (n/2 multiplies, n/2 adds), built and backpropagated."""
    gc.collect()
    start = time.perf_counter()
    y = engine.Value(0.5)
    for _ in range(n // 2):
        y = y * 0.999999 + 1e-6
    y.backward()
    return (time.perf_counter() - start) / n * 1e6


def bytes_per_node(step):
    gc.collect()
    tracemalloc.start()
    loss = step.forward()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return size / len(step.engine.topological_order(loss))


def timed(engine, fn, paused):
    if paused:
        with engine.gc_paused():
            return fn()
    return fn()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the earlier commit, e.g. a0a32e6")
    parser.add_argument("--rounds", type=int, default=10, help="demo-step rounds per engine and mode (default 10)")
    parser.add_argument("--chains", type=int, default=3, help="1M-chain runs per engine and mode (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engines = {"old": old_engine(args.rev, folder), "new": new}
        X, y = moons()
        weights = initial_weights()
        steps = {k: DemoStep(e, weights, X, y) for k, e in engines.items()}
        losses = {k: s.forward().data for k, s in steps.items()}
        assert losses["old"] == losses["new"], losses  # the same computation, or the comparison means nothing
        print(f"{args.rev} (old) vs this tree (new), one process, alternating; loss {losses['new']:.12f} in both")
        results = {}
        for mode in ("paused", "on"):
            times = {"old": [], "new": []}
            for r in range(args.rounds):
                for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    s = steps[k]
                    gc.collect()
                    start = time.perf_counter()
                    for j in range(3):
                        timed(engines[k], lambda s=s, j=j: s.step(j), mode == "paused")
                    times[k].append((time.perf_counter() - start) / 3)
            results[f"demo step, collector {mode}"] = ({k: statistics.median(v) for k, v in times.items()}, "s")
        compiled = {k: CompiledDemo(e, weights, X, y) for k, e in engines.items()}
        assert compiled["old"].step(0) == compiled["new"].step(0)  # the same program's floats
        times = {"old": [], "new": []}
        for r in range(args.rounds * 4):
            for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
                start = time.perf_counter()
                for j in range(3):
                    timed(engines[k], lambda k=k, j=j: compiled[k].step(j), True)
                times[k].append((time.perf_counter() - start) / 3)
        results["compiled demo step, collector paused"] = ({k: statistics.median(v) for k, v in times.items()}, "s")
        for e in engines.values():  # warm-up: the first million nodes take memory from the OS
            chain(e)
        for mode in ("paused", "on"):
            times = {"old": [], "new": []}
            for r in range(args.chains):
                for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    times[k].append(timed(engines[k], lambda k=k: chain(engines[k]), mode == "paused"))
            results[f"1,000,000-op chain, collector {mode}"] = (
                {k: statistics.median(v) for k, v in times.items()},
                "us/op",
            )
        results["bytes per node"] = ({k: bytes_per_node(s) for k, s in steps.items()}, "bytes")
    print(f"{'':40} {'old':>10} {'new':>10}  new/old")
    for name, (v, unit) in results.items():
        print(f"{name:40} {v['old']:10.4g} {v['new']:10.4g}  {v['new'] / v['old']:.3f}   ({unit})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
