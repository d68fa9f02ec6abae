"""The batch matrix form of document 001 (sections 2.6-2.7) as a fast path: numpy against torch autograd.

    .venv/bin/python benchmarks/bench_crosscheck.py            # both networks (about half a minute)
    .venv/bin/python benchmarks/bench_crosscheck.py --quick    # fewer rounds
    .venv/bin/python benchmarks/bench_crosscheck.py --threads 1    # one BLAS thread each (a loaded machine)

What is measured (issue 4): one full-batch gradient, forward and backward, of E = 1/2 sum_k ||a^L_k - y_k||^2 over
the batch, for the same network (same float64 weights) and the same batch:

- numpy: ``nn.crosscheck.batch_gradients`` (A^l = sigma(W^l A^{l-1} + b^l), [delta^L] = (A^L - Y) (.) sigma'(Z^L),
  [delta^l] = (W^{l+1})^T [delta^{l+1}] (.) sigma'(Z^l), dE/dW^l = [delta^l] (A^{l-1})^T, dE/db^l = [delta^l] 1),
  float64, columns are samples;
- torch: the same network as float64 tensors with requires_grad, rows are samples (x @ W^T + b, as nn.Linear),
  ``E.backward()``; the grads are read, and set to None before the next call. Also torch float32 for reference.

Networks: micrograd's demo network 2-16-16-1 (relu, linear output) on 100 points (target: numpy at least 3x faster
than torch), and 784-256-256-10 (relu, linear output) on a batch of 256 (target: within 1.2x of torch; both are
bound by matrix multiplication there). The script first checks that the gradients agree, then alternates the
two in rounds (each round a few consecutive calls) and reports the median time per call and the ratio.
"""

# ruff: noqa: E741  (l is the layer index, as in the documents)
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from nn.crosscheck.delta import NetworkArrays, batch_gradients  # noqa: E402


def make(sizes, n, seed=0):
    rng = np.random.default_rng(seed)
    L = len(sizes) - 1
    W = [None] + [rng.normal(0, 1 / np.sqrt(sizes[l - 1]), (sizes[l], sizes[l - 1])) for l in range(1, L + 1)]
    b = [None] + [rng.normal(0, 0.1, sizes[l]) for l in range(1, L + 1)]
    acts = [None] + ["relu"] * (L - 1) + ["linear"]
    X = rng.normal(0, 1, (sizes[0], n))
    Y = rng.normal(0, 1, (sizes[-1], n))
    return NetworkArrays(W, b, acts), X, Y


def numpy_step(net, X, Y):
    return batch_gradients(net, X, Y, "half_sse")


def torch_setup(net, X, Y, dtype):
    Ws = [torch.tensor(net.W[l], dtype=dtype, requires_grad=True) for l in range(1, net.L + 1)]
    bs = [torch.tensor(net.b[l], dtype=dtype, requires_grad=True) for l in range(1, net.L + 1)]
    Xt = torch.tensor(X.T.copy(), dtype=dtype)  # rows are samples
    Yt = torch.tensor(Y.T.copy(), dtype=dtype)
    L = net.L

    def step():
        A = Xt
        for l in range(L):
            Z = A @ Ws[l].T + bs[l]
            A = torch.relu(Z) if l < L - 1 else Z
        E = 0.5 * ((A - Yt) ** 2).sum()
        E.backward()
        grads = [w.grad for w in Ws], [v.grad for v in bs]
        for p in (*Ws, *bs):
            p.grad = None
        return grads

    return step


def check(net, X, Y):
    dW, db = numpy_step(net, X, Y)
    (tW, tb) = torch_setup(net, X, Y, torch.float64)()
    err = max(
        max(float(np.max(np.abs(dW[l + 1] - tW[l].numpy()))) for l in range(net.L)),
        max(float(np.max(np.abs(db[l + 1] - tb[l].numpy()))) for l in range(net.L)),
    )
    scale = max(float(np.max(np.abs(dW[l]))) for l in range(1, net.L + 1))
    return err, scale


def timeit(fn, reps):
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def bench(name, sizes, n, rounds, reps, target):
    net, X, Y = make(sizes, n)
    err, scale = check(net, X, Y)
    t64 = torch_setup(net, X, Y, torch.float64)
    t32 = torch_setup(net, X, Y, torch.float32)
    fns = {"numpy float64": lambda: numpy_step(net, X, Y), "torch float64": t64, "torch float32": t32}
    for fn in fns.values():  # warm up
        timeit(fn, max(1, reps // 2))
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():  # alternate: one round of each, in turn
            times[k].append(timeit(fn, reps))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{name}: sizes {'-'.join(map(str, sizes))}, batch {n}, {rounds} rounds x {reps} calls")
    print(f"  gradients agree: max |numpy - torch float64| = {err:.2e} (largest gradient {scale:.2e})")
    for k, v in med.items():
        print(f"  {k:<14} {v * 1e6:10.1f} us per full-batch gradient")
    ratio = med["torch float64"] / med["numpy float64"]
    print(f"  torch float64 / numpy = {ratio:.2f}x  (target: {target})")
    print(f"  torch float32 / numpy = {med['torch float32'] / med['numpy float64']:.2f}x")
    return ratio


def _blas_threads():
    try:
        from threadpoolctl import threadpool_info

        return ",".join(str(i["num_threads"]) for i in threadpool_info() if i.get("user_api") == "blas") or "?"
    except ImportError:
        return "?"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--threads", type=int, default=None, help="threads for both BLAS libraries (default: theirs)")
    args = parser.parse_args(argv)
    if args.threads:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn

        threadpool_limits(args.threads)
        torch.set_num_threads(args.threads)
    print(
        f"numpy {np.__version__}, torch {torch.__version__}: torch {torch.get_num_threads()} threads, numpy BLAS "
        f"{_blas_threads()} threads"
    )
    small = bench("micrograd demo network", [2, 16, 16, 1], 100, 11 if args.quick else 31, 200, ">= 3x")
    big = bench("large network", [784, 256, 256, 10], 256, 5 if args.quick else 15, 10, ">= 1/1.2 = 0.83x")
    print()
    print(f"summary: numpy is {small:.2f}x torch's speed on 2-16-16-1 (target >= 3), {big:.2f}x on 784-256-256-10 "
          f"(target >= 0.83)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
