"""How good is `autograd-mini train`'s time estimate? Each setting is run as a learner runs it (a subprocess), and the
estimate it prints (from nn.probe's measured probe, in CPU time: the time on a core of its own) is set against the
CPU time and the wall-clock time training then took (issue 20, item 5: within 2x, for both engines). On a machine
shared with other work the wall-clock time is longer than the CPU time; the load average is printed before and after.

    .venv/bin/python benchmarks/estimate_vs_actual.py            # every setting (about 20 minutes)
    .venv/bin/python benchmarks/estimate_vs_actual.py --quick    # the settings that take under a minute

Prints a Markdown table: setting, engine, estimate, time taken, estimate / taken. Not part of `make bench` (long).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (options, engines, quick): micrograd's moons demo at three lengths, many small batches, the digits with demo 05's
# defaults, the digits as the defaults were before (one batch of 1438, MLP 64-16-16-10, SGD), and --epochs 450
SETTINGS = [
    ([], ("nodes", "compiled"), True),
    (["--epochs", "8"], ("nodes", "compiled"), True),
    (["--epochs", "450"], ("nodes", "compiled"), False),
    (["--n", "1000", "--batch-size", "32", "--epochs", "10"], ("nodes", "compiled"), True),
    (["--data", "digits"], ("nodes", "compiled"), False),
    (
        ["--data", "digits", "--batch-size", "1438", "--hidden", "16,16", "--optimizer", "sgd", "--epochs", "10"],
        ("nodes", "compiled"),
        False,
    ),  # fmt: skip
    (["--data", "digits", "--epochs", "450"], ("compiled",), False),
]


def _seconds(text):
    number, unit = text.split()
    return float(number) * {"s": 1, "min": 60, "h": 3600, "days": 86400}[unit]


def measure(options, engine):
    argv = [sys.executable, "-m", "nn.app", "train", *options, "--engine", engine, "--no-progress",
            "--max-minutes", "600"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=7200)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    found = re.search(r"^trained \d+ epochs in (.+) \((.+) of CPU time; estimated (.+)\)$", done.stdout, re.M)
    took, cpu, estimated = (_seconds(t) for t in found.groups())
    return estimated, took, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the settings that take under a minute")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    print("| autograd-mini train ... | engine | estimate | took (wall) | CPU time | estimate / CPU | estimate / wall |")
    print("|---|---|---|---|---|---|---|")
    for options, engines, quick in SETTINGS:
        if args.quick and not quick:
            continue
        for engine in engines:
            estimated, took, cpu = measure(options, engine)
            shown = " ".join(options) or "(defaults: moons)"
            print(f"| `{shown}` | {engine} | {estimated:.3g} s | {took:.3g} s | {cpu:.3g} s | {estimated / cpu:.2f} | "
                  f"{estimated / took:.2f} |", flush=True)  # fmt: skip
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
