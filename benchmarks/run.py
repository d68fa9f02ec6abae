"""Run every benchmark of the project, one after the other, each in its own process (make bench)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("bench_*.py"))
    status = 0
    for script in scripts:
        print(f"=== {script.name}", flush=True)
        status |= subprocess.call([sys.executable, str(script), *sys.argv[1:]])
        print(flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
