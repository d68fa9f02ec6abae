# The two commands of the README:  make tour  (the main job)  and  make test  (lint, the layers, types + the test suite).
.PHONY: tour test bench pictures setup setup-test clean

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh test

tour: setup
	.venv/bin/autograd-mini tour

test: setup-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy autograd_mini nn
	.venv/bin/python -m pytest

bench: setup-test
	.venv/bin/python benchmarks/run.py

# every picture README.md shows, made again into docs/ with what each is made from (tests/test_draw_pictures.py
# compares those sources with what the code draws now); about a minute, most of it the four ways' cost study
pictures: setup-test
	.venv/bin/python docs/make_pictures.py

clean:
	rm -rf .venv autograd-mini-tour
