#!/usr/bin/env bash
# Set up everything autograd-mini needs on a fresh machine: system programs (Graphviz's `dot` for drawings,
# Chromium for the browser test) and a virtual environment with the package and its extras.
#   scripts/setup.sh            the package with the plot and play extras (the tour, the demos, the playground)
#   scripts/setup.sh test       also the test oracles (torch, micrograd) and tools (pytest, hypothesis, ruff)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="plot,play"
programs="graphviz"
if [ "${1:-}" = "test" ]; then
  extras="test,plot,bench,play"
  programs="graphviz chromium"
fi

missing=""
for p in $programs; do
  case $p in
    graphviz) command -v dot >/dev/null 2>&1 || missing="$missing graphviz" ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing="$missing chromium" ;;
  esac
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing$missing with apt-get (waiting up to 5 min if another apt-get holds the lock)"
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing >/dev/null
  else
    echo "setup: please install$missing (for example: sudo apt-get install$missing); continuing without" >&2
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # pip's output (pages of notices and build warnings) goes to a log, shown only when the install fails
  echo "setup: installing autograd-mini[$extras] into .venv (the first time takes a minute or more)"
  log=".venv/setup-pip.log"
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -e ".[$extras]"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: pip failed (output above, also in $log)" >&2
    exit 1
  fi
  touch "$stamp"
fi
