"""Checking the command line before any work starts: numbers in range, lists well formed, outputs writable.

Every check either returns the value or raises ``OptionError`` with one line: the option, the value as typed and
what is allowed, e.g. ``--eps 0: the finite-difference step must be a number from 1e-12 to 0.1 (default 1e-06)``.
The number and list checks are argparse ``type=`` functions (``whole``, ``real``, ``sizes``); argparse reports them
as ``argument --eps: ...``, which ``cli._Parser`` turns into the same one line. The path and extras checks run after
parsing (``output_file``, ``output_folder``, ``need_module``), still before anything is built.
"""

import argparse
import importlib.util
import math
import os
import stat
from pathlib import Path

__all__ = [
    "OptionError",
    "add_eps",
    "add_max_values",
    "add_var",
    "formula_status",
    "need_module",
    "output_file",
    "output_folder",
    "prepare",
    "real",
    "shown",
    "sizes",
    "whole",
]


class OptionError(argparse.ArgumentTypeError):
    """A value the command cannot take: ``str(err)`` is the one line to print (exit status 2)."""


def shown(text, limit=200):
    """``text`` as it may be echoed in a message: control characters escaped, at most ``limit`` characters."""
    text = str(text)
    cut = text[:limit]
    safe = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in cut)
    return safe + (f"... ({len(text)} characters)" if len(text) > limit else "")


def _number_text(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


def whole(low, high=None, *, what="a whole number"):
    """An argparse type: a whole number in [low, high] (``high`` None: no upper end)."""
    allowed = f"{what} from {low} to {high}" if high is not None else f"{what} >= {low}"

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise OptionError(f"{shown(text)}: must be {allowed}") from None
        if value < low or (high is not None and value > high):
            raise OptionError(f"{shown(text)}: must be {allowed}")
        return value

    return parse


def real(low, high=None, *, low_open=False, what="a number"):
    """An argparse type: a finite float in [low, high] (``low_open``: low itself excluded, as in > 0)."""
    lower = f"> {_number_text(low)}" if low_open else f">= {_number_text(low)}"
    if high is None:
        allowed = f"a finite {what.removeprefix('a ')} {lower}"
    elif low_open:
        allowed = f"{what} > {_number_text(low)} and at most {_number_text(high)}"
    else:
        allowed = f"{what} from {_number_text(low)} to {_number_text(high)}"

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise OptionError(f"{shown(text)}: must be {allowed}") from None
        if not math.isfinite(value) or value < low or (low_open and value == low):
            raise OptionError(f"{shown(text)}: must be {allowed}")
        if high is not None and value > high:
            raise OptionError(f"{shown(text)}: must be {allowed}")
        return value

    return parse


def sizes(minimum_count, example):
    """An argparse type: comma-separated whole numbers >= 1, at least ``minimum_count`` of them (``3,4,2``)."""

    def parse(text):
        parts = text.split(",")
        if any(not p.strip() for p in parts):
            raise OptionError(f"{shown(text)}: an empty entry between commas; give sizes like {example}")
        numbers = []
        for p in parts:
            try:
                numbers.append(int(p))
            except ValueError:
                raise OptionError(
                    f"{shown(text)}: {shown(p.strip())} is not a whole number; give sizes like {example}"
                ) from None
        if any(n < 1 for n in numbers):
            raise OptionError(f"{shown(text)}: every size must be a whole number >= 1, like {example}")
        if len(numbers) < minimum_count:
            raise OptionError(f"{shown(text)}: give at least {minimum_count} sizes, like {example}")
        return numbers

    return parse


# -- files ---------------------------------------------------------------------------------------------------------


def _nearest_existing(path):
    """``path`` or its nearest ancestor that exists (the folder missing folders would be created in)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def output_folder(option, text):
    """A folder the command will write into: it may exist (a folder) or be creatable. Creates nothing."""
    path = Path(text)
    if path.exists():
        if not path.is_dir():
            raise OptionError(f"{option} {shown(text)}: exists and is not a folder; name a folder to write into")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OptionError(f"{option} {shown(text)}: the folder is not writable; name another folder")
        _probe(option, text, path)
        return path
    base = _nearest_existing(path)
    if not base.is_dir():
        raise OptionError(f"{option} {shown(text)}: {shown(base)} is a file, so no folder can be made inside it")
    _probe(option, text, base)
    return path


def output_file(option, text):
    """A file the command will write: not a folder or special file (device, pipe); its folder may be missing
    (created when the file is written, as for every output). Creates nothing."""
    path = Path(text)
    if path.exists() or path.is_symlink():
        try:
            mode = os.stat(path).st_mode
        except OSError as err:
            raise OptionError(f"{option} {shown(text)}: cannot be written ({err.strerror})") from None
        if stat.S_ISDIR(mode):
            raise OptionError(f"{option} {shown(text)}: is a folder; give a file name, e.g. {shown(text)}/out")
        if not stat.S_ISREG(mode):
            raise OptionError(f"{option} {shown(text)}: is a special file (device, pipe or socket); give a file name")
        if not os.access(path, os.W_OK):
            raise OptionError(f"{option} {shown(text)}: the file is not writable")
        return path
    base = _nearest_existing(path.parent)
    if not base.is_dir():
        raise OptionError(f"{option} {shown(text)}: {shown(base)} is a file, so it cannot hold {path.name}")
    _probe(option, text, base)
    return path


def _probe(option, text, folder):
    """Create (and remove) a file in ``folder``, where the output or its missing folders will go: the only test
    that also holds for root, for read-only mounts and for /proc."""
    probe = Path(folder) / f".autograd-mini-write-test-{os.getpid()}"
    try:
        with open(probe, "xb"):
            pass
    except FileExistsError:
        return
    except OSError as err:
        raise OptionError(f"{option} {shown(text)}: cannot write in {shown(folder)} ({err.strerror})") from None
    os.unlink(probe)


def prepare(path):
    """Create the missing folders of an output ``path`` (a file), just before it is written."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


def need_module(option, module, install):
    """Refuse ``option`` when the Python package ``module`` is missing, saying how to install it."""
    if importlib.util.find_spec(module) is None:
        raise OptionError(f"{option} needs {module}, which is not installed: {install}")


def add_max_values(parser, default):
    """The ``--max-values`` option of the commands that build networks (the cost guard's limit, ``nn.app.cost``)."""
    parser.add_argument(
        "--max-values",
        type=whole(1),
        default=default,
        metavar="N",
        help=f"refuse sizes whose graph would hold more Values at once (default: {default})",
    )


def add_eps(parser):
    """The ``--eps`` option of the commands that take central finite differences (``crosscheck``, ``ways``)."""
    parser.add_argument(
        "--eps",
        type=real(1e-12, 0.1, what="a finite-difference step"),
        default=1e-6,
        help="step of the central finite differences, from 1e-12 to 0.1 (default: 1e-06)",
    )


def formula_status(text, values):
    """The exit status for a formula the engine refused (``FormulaError``), by the rule of ``autograd-mini --help``.

    2, a bad command line: the formula does not parse, it has no variable, or its variables and the values given
    do not match. 1, the work failed: it parses and fits the values, but cannot be computed at them
    (``log(x)`` at x = 0)."""
    from autograd_mini.formula import FormulaError, parse

    try:
        formula = parse(text)
    except FormulaError:
        return 2
    return 2 if not formula.variables or set(formula.variables) != set(values) else 1


def add_var(parser):
    """The ``--var NAME=VALUE`` option of the commands that take a formula (``graph``, ``ways``), for variable names
    that clash with their options; ``cli`` splits the other ``--NAME VALUE`` off before argparse runs."""
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a variable's value, repeatable (default: none)",
    )
