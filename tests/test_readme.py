"""Every command in README.md's ```bash blocks is run by a test, every ```python block is executed, every picture it
shows exists, and the figures it quotes about the documents agree with the code.

How each kind of command is exercised (anything else fails with "no handler", so a new README command needs one):

- ``make tour``: ``make -n tour`` must reach ``autograd-mini tour``, and the tour itself is run (once per session,
  ``--fast``, by test_cli_tour.tour_run) and must succeed; ``make test``: ``make -n test`` must reach ruff and
  pytest (the suite itself is this run); ``make bench``: ``make -n bench`` must reach benchmarks/run.py, and every
  benchmark script must answer ``--help`` (running them takes minutes); any other ``make X``: ``make -n X``.
- ``source .venv/bin/activate``: later commands run with .venv/bin first on PATH.
- ``autograd-mini ...``: run as ``python -m nn.app ...`` (the same ``main``; the installed console script
  itself is tested in test_cli.py), in a scratch folder that mirrors the repository; ``autograd-mini tour ...`` is
  the session's tour run.
- ``python demos/NN_*.py``: the demo's fast-mode run of test_demos.demo_runs (the same script, checked there).
- ``python other.py ...``: run as written.
"""

import os
import re
import shlex
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli_tour import tour_run
from test_demos import demo_runs

ROOT = Path(__file__).resolve().parents[1]
# AUTOGRAD_MINI_README=path/to/draft.md checks a draft the same way (its picture paths are relative to the root)
README = ROOT / os.environ.get("AUTOGRAD_MINI_README", "README.md")


def blocks(text, language):
    return re.findall(rf"^```{language}[ \t]*\n(.*?)^```", text, re.M | re.S)


def bash_commands(text):
    """The commands of the ```bash blocks: comments dropped, continuation lines joined, one argv per command."""
    commands = []
    for block in blocks(text, "bash"):
        for line in block.replace("\\\n", " ").splitlines():
            argv = shlex.split(line, comments=True)
            if argv:
                commands.append((line.strip(), argv))
    return commands


COMMANDS = bash_commands(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder that looks like the repository (symlinks to its top-level entries) where files may be written.

    Only the entries git tracks, and .venv: files a reader made by running the README's commands in the checkout
    (xor.json, pics/) must not turn into symlinks here, which nn.io.save rightly refuses to write through."""
    base = tmp_path_factory.mktemp("readme")
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True)
    if listed.returncode == 0 and listed.stdout:
        names = {line.split("/")[0] for line in listed.stdout.splitlines()} | {".venv"}
    else:  # not a git checkout (an unpacked archive): every entry
        names = {entry.name for entry in ROOT.iterdir()} - {".git"}
    for name in sorted(names):
        if (ROOT / name).exists():
            (base / name).symlink_to(ROOT / name)
    return base


def _run(argv, cwd, env, timeout=300):
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _make_dry_run(target, cwd, env, expect):
    proc = _run(["make", "-n", target], cwd, env)
    assert proc.returncode == 0, f"make -n {target}: {proc.stderr}"
    for word in expect:
        assert word in proc.stdout, f"make {target} does not run {word!r}:\n{proc.stdout}"


def test_readme_has_the_two_commands_first():
    assert COMMANDS, "README.md has no ```bash block"
    assert [argv for _, argv in COMMANDS[:2]] == [["make", "tour"], ["make", "test"]]


@pytest.mark.parametrize("line, argv", COMMANDS, ids=[line for line, _ in COMMANDS])
def test_readme_command(line, argv, scratch):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    # `source .venv/bin/activate` in an earlier line of the README applies to this one
    index = [c[0] for c in COMMANDS].index(line)
    if any(a[:2] in (["source", ".venv/bin/activate"], [".", ".venv/bin/activate"]) for _, a in COMMANDS[:index]):
        env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    program, args = argv[0], argv[1:]
    if argv[:2] in (["source", ".venv/bin/activate"], [".", ".venv/bin/activate"]):
        assert (ROOT / ".venv" / "bin" / "activate").exists() or not (ROOT / ".venv").exists()
        return
    if program == "make":
        target = args[0] if args else "tour"
        expect = {"tour": ["autograd-mini tour"], "test": ["ruff check", "pytest"], "bench": ["benchmarks/run.py"]}
        _make_dry_run(target, scratch, env, expect.get(target, []))
        if target == "tour":
            proc, out = tour_run()
            assert proc.returncode == 0, proc.stderr[-3000:]
            assert (out / "summary.md").exists()
        elif target == "bench":
            for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
                proc = _run([sys.executable, str(script), "--help"], scratch, env)
                assert proc.returncode == 0, f"{script.name} --help: {proc.stderr[-2000:]}"
        return
    if Path(program).name == "autograd-mini":
        if args[:1] == ["tour"]:
            proc, out = tour_run()
            assert proc.returncode == 0, proc.stderr[-3000:]
            return
        proc = _run([sys.executable, "-m", "nn.app", *args], scratch, env)
        assert proc.returncode == 0, f"{line}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        assert proc.stdout.strip(), f"{line} printed nothing"
        return
    if Path(program).name.startswith("python") and args and args[0].startswith("demos/"):
        stem = Path(args[0]).stem
        runs = demo_runs()
        assert stem in runs, f"README runs {args[0]}, which is not a demo (demos/01_*.py ... 07_*.py)"
        code, stdout, stderr, _ = runs[stem]
        assert code == 0, f"{args[0]}: {stderr[-3000:]}"
        return
    if Path(program).name.startswith("python"):
        proc = _run([sys.executable, *args], scratch, env)
        assert proc.returncode == 0, f"{line}\n{proc.stderr[-2000:]}"
        return
    pytest.fail(f"no handler for the README command {line!r}: add one to tests/test_readme.py")


@pytest.mark.parametrize("number", range(len(blocks(README.read_text(encoding="utf-8"), "python"))))
def test_readme_python_blocks_run(number, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = blocks(README.read_text(encoding="utf-8"), "python")[number]
    exec(compile(code, f"README.md python block {number + 1}", "exec"), {"__name__": "__readme__"})


def test_readme_pictures_exist_and_are_small():
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text):
        path = ROOT / target
        assert path.is_file(), f"README shows {target}, which is not in the repository"
        data = path.read_bytes()
        if target.endswith(".png"):
            assert data[:8] == b"\x89PNG\r\n\x1a\n", target
            width, height = struct.unpack(">II", data[16:24])
            assert width >= 300 and height >= 150, target
        assert len(data) < 200_000, f"{target} is {len(data)} bytes; keep the README's pictures small"


def test_readme_documents_figures_match_the_code():
    # "36 of 49 printed formulas agree" in the README must be what nn.crosscheck.documents finds
    m = re.search(r"(\d+) of (\d+) printed formulas agree", README.read_text(encoding="utf-8"))
    if m is None:
        pytest.skip("the README quotes no count of printed formulas")
    from nn.crosscheck.documents import documents_report

    report = documents_report()
    assert (int(m.group(1)), int(m.group(2))) == (len(report.results) - len(report.wrong()), len(report.results))


def test_readme_graph_paragraph_lists_what_the_parser_takes():
    # the paragraph on `graph` names the formula's operators and functions; each must be one the parser takes (its
    # functions come from the op table), and it names every two-argument function, max(x, y) and min(x, y)
    from autograd_mini.formula import FUNCTIONS, FUNCTIONS_OF_TWO, OPERATORS

    text = README.read_text(encoding="utf-8")
    paragraph = text[text.index("`graph` parses the formula") :].split("\n\n")[0]
    groups = re.findall(r"`([^`]*)`", paragraph)
    assert "op table" in paragraph
    assert " ".join(OPERATORS) in groups
    one_argument = next(group.split() for group in groups if group.startswith("exp "))
    assert set(one_argument) <= set(FUNCTIONS), set(one_argument) - set(FUNCTIONS)
    assert tuple(re.findall(r"(\w+)\(x, y\)", paragraph)) == FUNCTIONS_OF_TWO


def test_what_the_readmes_commands_write_is_ignored_by_git_and_removed_by_make_clean(scratch):
    # runs after test_readme_command (pytest keeps the file's order): what those commands wrote into the scratch
    # copy of the checkout, the folders the tour and the demos write by default, and nothing else
    import fnmatch

    # a folder with its slash, as git matches "pics/" against a path it cannot look at
    written = sorted(e.name + ("/" if e.is_dir() else "") for e in scratch.iterdir() if not e.is_symlink())
    # and the file graph --steps suggests in a terminal too narrow for its whole table (> steps.txt)
    names = written + ["autograd-mini-tour/", "demo-output/", "steps.txt"]
    assert "autograd-mini-ways.png" in written  # `ways --sizes 2,4,1 --fast` draws the cost study by default
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *names], capture_output=True,
                             text=True)  # fmt: skip
    if ignored.returncode == 128:
        pytest.skip(f"not a git checkout: {ignored.stderr.strip()}")
    assert sorted(ignored.stdout.split()) == sorted(names), "not in .gitignore: " + ", ".join(
        sorted(set(names) - set(ignored.stdout.split()))
    )
    clean = _run(["make", "-n", "clean"], ROOT, os.environ).stdout.split()
    assert [n for n in names if not any(fnmatch.fnmatch(n.rstrip("/"), pattern) for pattern in clean)] == []


def test_what_the_help_examples_write_is_ignored_by_git_and_removed_by_make_clean():
    # `autograd-mini train --help` suggests --save digits.json --plot loss.png ...: run in the checkout, as a learner
    # copies them, they left files git offered to commit and make clean did not remove
    import fnmatch

    from nn.app.cli import COMMANDS

    names = set()
    for command in ["", *COMMANDS]:
        helped = _run([sys.executable, "-m", "nn.app", *([command] if command else []), "--help"], ROOT,
                      {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})  # fmt: skip
        for line in helped.stdout.splitlines():
            if line.startswith("  autograd-mini "):
                for option, value in re.findall(r"--(out|save|plot|boundary) (\S+)", line):
                    folder = "/" in value or (option == "out" and " tour " in line)  # the tour's --out is a folder
                    if not value.startswith("/"):  # an absolute path: a folder of the learner's own choosing
                        names.add(value.split("/")[0] + ("/" if folder else ""))
    assert {"digits.json", "loss.png", "pics/"} <= names, names
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *sorted(names)],
                             capture_output=True, text=True)  # fmt: skip
    if ignored.returncode == 128:
        pytest.skip(f"not a git checkout: {ignored.stderr.strip()}")
    assert set(ignored.stdout.split()) == names, "not in .gitignore: " + ", ".join(names - set(ignored.stdout.split()))
    clean = _run(["make", "-n", "clean"], ROOT, os.environ).stdout.split()
    assert [n for n in names if not any(fnmatch.fnmatch(n.rstrip("/"), pattern) for pattern in clean)] == []


def test_make_bench_prints_no_internal_notes():
    # what `make bench` prints is for a reader of the numbers: targets, not the tracker's issue numbers
    import ast

    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                text = " ".join(
                    c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                )
                assert not re.search(r"\bissues? \d", text), f"{script.name}:{node.lineno} prints {text!r}"
