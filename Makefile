# The two commands of the README:  make tour  (the main job)  and  make test  (lint, the layers, types + the test suite).
.PHONY: tour test bench pictures setup setup-test clean

# What the tour and the example commands (README's and --help's) write into the checkout: .gitignore keeps them out of git, and
# `make clean` removes them (with .venv). tests/test_readme.py holds both to what the commands really write.
EXAMPLE_OUTPUTS = autograd-mini-tour autograd-mini-graph* autograd-mini-ways.png xor.json xor.png xor-boundary.png \
	pics demo-output steps.txt my-tour model.json loss.png boundary.png digits.json ways.png

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh test

tour: setup
	.venv/bin/autograd-mini tour

# quiet when all is well: each tool speaks only to report a problem (lint-imports' list of its 7 contracts, 25 lines,
# is shown when one is broken; otherwise its one-line count)
test: setup-test
	.venv/bin/ruff check --quiet .
	.venv/bin/ruff format --check --quiet .
	@echo .venv/bin/lint-imports --no-logo; out=$$(.venv/bin/lint-imports --no-logo 2>&1) || { echo "$$out"; exit 1; }; \
	echo "$$out" | grep '^Contracts:'
	.venv/bin/mypy autograd_mini nn
	.venv/bin/python -m pytest

bench: setup-test
	.venv/bin/python benchmarks/run.py

# every picture README.md shows, made again into docs/ with what each is made from (tests/test_draw_pictures.py
# compares those sources with what the code draws now); about a minute, most of it the four ways' cost study
pictures: setup-test
	.venv/bin/python docs/make_pictures.py

clean:
	rm -rf .venv $(EXAMPLE_OUTPUTS)
