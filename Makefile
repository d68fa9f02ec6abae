# The two commands of the README:  make tour  (the main job)  and  make test  (lint, the layers, types + the test suite).
.PHONY: tour test bench setup setup-test clean

# What the tour and the README's example commands write into the checkout: .gitignore keeps them out of git, and
# `make clean` removes them (with .venv). tests/test_readme.py holds both to what the commands really write.
EXAMPLE_OUTPUTS = autograd-mini-tour autograd-mini-graph* autograd-mini-ways.png xor.json xor.png xor-boundary.png \
	pics demo-output

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh test

tour: setup
	.venv/bin/autograd-mini tour

# quiet when all is well: each tool speaks only to report a problem (lint-imports lists its contracts, no logo)
test: setup-test
	.venv/bin/ruff check --quiet .
	.venv/bin/ruff format --check --quiet .
	.venv/bin/lint-imports --no-logo
	.venv/bin/mypy autograd_mini nn
	.venv/bin/python -m pytest

bench: setup-test
	.venv/bin/python benchmarks/run.py

clean:
	rm -rf .venv $(EXAMPLE_OUTPUTS)
