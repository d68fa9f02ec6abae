"""Checking the command line before any work starts: numbers in range, lists well formed, outputs writable.

Every check either returns the value or raises ``OptionError`` with one line: the option, the value as typed and
what is allowed, e.g. ``--eps 0: the finite-difference step must be a number from 1e-12 to 0.1 (default 1e-06)``.
The number and list checks are argparse ``type=`` functions (``whole``, ``real``, ``sizes``); argparse reports them
as ``argument --eps: ...``, which ``cli._Parser`` turns into the same one line. The path and extras checks run after
parsing (``output_file``, ``output_folder``, ``need_module``), still before anything is built. A formula's variables
(``graph`` and ``ways``: ``--x 2``, any ``--NAME`` that is not an option) are taken off the command line by
``split_variables`` and checked by ``variable_values``; a mistake there names the option it was likely meant to be
(``suggestion``, difflib), and a formula that does not parse is shown hint first (``formula_message``).
"""

import argparse
import difflib
import importlib.util
import math
import os
import re
import stat
from pathlib import Path

from autograd_mini.files import UnsafeOutputError, check_target, make_parents
from autograd_mini.naming import one_line

__all__ = [
    "OptionError",
    "add_eps",
    "add_max_values",
    "add_var",
    "example_value",
    "formula_status",
    "need_module",
    "output_file",
    "output_folder",
    "prepare",
    "real",
    "shown",
    "sizes",
    "split_variables",
    "suggestion",
    "variable_values",
    "whole",
    "formula_message",
]


class OptionError(argparse.ArgumentTypeError):
    """A value the command cannot take: ``str(err)`` is the one line to print (exit status 2)."""


def shown(text, limit=200):
    """``text`` as it may be echoed in a message: control characters escaped, at most ``limit`` characters."""
    text = str(text)
    return one_line(text[:limit]) + (f"... ({len(text)} characters)" if len(text) > limit else "")


def _number_text(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


def example_value(action):
    """A value for the option ``action`` as one would type it (``--sizes 3,4,4,2``, ``--epochs 100``), for a message
    that asks for one: its default, else the first value its help's ``(default: ...)`` names (``100; 4 for
    digits``, ``SGD ..., Adam 0.01``), else its first choice, else its metavar."""
    default = getattr(action, "default", None)
    if isinstance(default, (list, tuple)) and default:
        return ",".join(_number_text(v) for v in default)
    if default is not None and not isinstance(default, (bool, list, tuple)) and str(default):
        return _number_text(default)
    choices = list(getattr(action, "choices", None) or ())
    clause = re.search(r"\(default: ([^)]*)", getattr(action, "help", None) or "")
    if clause:
        first = clause.group(1).split()[0].rstrip(",;") if clause.group(1).split() else ""
        if first in choices or re.fullmatch(r"[-+]?[\d.][\w.,+-]*|[\w-]+\.\w+", first):
            return first
        number = re.search(r"(?<![\w.])[-+]?\d[\d.e+-]*(?![\w.])", clause.group(1))
        if number and not choices:
            return number.group(0)
    if choices:
        return str(choices[0])
    return getattr(action, "metavar", None) or "VALUE"


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


def not_a_link(option, text, who):
    """Refuse a folder to write into that is a symbolic link (``who`` writes only into a real folder, as
    ``files.make_folder`` insists), naming the folder it points to, which may be given instead."""
    if Path(text).is_symlink():
        raise OptionError(
            f"{option} {shown(text)}: is a symbolic link, and {who} writes only into a real folder (never through a "
            f"link): give the folder itself, {shown(os.path.realpath(text))}"
        )


def output_folder(option, text):
    """A folder the command will write into: it may exist (a folder) or be creatable. Creates nothing."""
    if not str(text).strip():
        raise OptionError(f"{option} {text!r}: give a folder, e.g. {option} out (or {option} . for this one)")
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
    """A file the command will write: missing, or a regular file that may be replaced (not a symbolic link, a
    folder or a special file: ``autograd_mini.files.check_target``); its folder may be missing (created when the
    file is written, as for every output). Creates nothing."""
    if not str(text).strip():
        raise OptionError(f"{option} {text!r}: give a file name")
    path = Path(text)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OptionError(f"{option} {shown(text)}: cannot be written ({err.strerror})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            example = shown(os.path.join(text, "out"))  # ./out, not .//out
            raise OptionError(f"{option} {shown(text)}: is a folder; give a file name, e.g. {example}")
        if (
            stat.S_ISCHR(st.st_mode)
            or stat.S_ISBLK(st.st_mode)
            or stat.S_ISFIFO(st.st_mode)
            or stat.S_ISSOCK(st.st_mode)
        ):
            raise OptionError(f"{option} {shown(text)}: is a special file (device, pipe or socket); give a file name")
        try:
            check_target(path, who=f"{option} {shown(text)}")
        except (UnsafeOutputError, PermissionError) as err:
            raise OptionError(str(err).replace("the path is ", "is ").replace("the file is ", "is ")) from None
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
    make_parents(path)
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


# -- a formula's variables (graph, ways) ------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_ASSIGNMENT = re.compile(r"([A-Za-z][A-Za-z0-9_]*)=(.*)\Z", re.S)


def suggestion(word, choices, prefix="; did you mean"):
    """``"; did you mean --out?"`` when ``word`` is close to one of ``choices`` (difflib, compared without their
    leading dashes, so that ``--x`` is not taken for ``--latex``), else ``""``."""
    bare = {choice.lstrip("-"): choice for choice in choices}
    close = difflib.get_close_matches(str(word).lstrip("-"), sorted(bare), n=1, cutoff=0.6)
    return f"{prefix} {bare[close[0]]}?" if close else ""


def split_variables(argv, options, valued, prog):
    """Take a formula's variables (``--x 2``, ``--w=-3``) out of ``graph``'s (or ``ways``') arguments ``argv`` (the
    command's name first); argparse gets the rest. -> (the rest, [(name, value text, as typed)]).

    Done by hand because the names are the user's: any ``--NAME`` that is not one of the command's ``options`` is
    a variable, and its value may be negative (``--w -3``), which argparse would take for an option. A word that
    starts with one '-' (``"-x**2"``) is the formula; one with '--' that is no name (``"--x*2"``) must follow
    ``--``, and the message says so. A value is never a word that starts with ``--``: ``--x --y 3`` is ``--x``
    without a value (said so), not x = "--y"."""
    rest, variables, positional = [argv[0]], [], []
    formula_seen = False
    i = 1
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if arg == "--":
            positional += argv[i + 1 : i + 2]
            i += 2
            continue
        if arg.startswith("-") and not arg.startswith("--") and arg not in ("-", "-h"):
            positional.append(arg)  # "-x**2", "-3*x": a formula, not an option
        elif arg.startswith("--") and name not in options:
            variables.append(_variable(argv, i, options, prog))
            if "=" not in arg:
                i += 1  # past its value
        elif arg.startswith("-"):
            rest.append(arg)
            if name in valued and "=" not in arg and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                i += 1
                rest.append(argv[i])  # the option's own value, even if it looks like a number
        else:
            if formula_seen or positional:
                _refuse_assignment(arg)
            formula_seen = True
            rest.append(arg)
        i += 1
    if positional:
        rest += ["--", *positional]
    return rest, variables


def _variable(argv, i, options, prog):
    """The variable ``argv[i]`` (``--x=2``, or ``--x`` with its value in ``argv[i + 1]``): (name, value, as typed)."""
    arg = argv[i]
    name = arg.split("=", 1)[0]
    if not _NAME.match(name[2:]) and not re.fullmatch(r"[\w.-]*", name[2:]):  # "--x*2": a formula
        raise OptionError(f"{shown(arg)}: a formula that starts with '--' goes after --, e.g. {prog} --x 2 -- {arg!r}")
    if "=" in arg:
        value = arg.split("=", 1)[1]
    elif i + 1 < len(argv) and not argv[i + 1].startswith("--"):
        value = argv[i + 1]
    else:
        raise OptionError(_without_value(name, options, prog))
    return name[2:], value, f"{name} {value}"


def _without_value(name, options, prog):
    """What to say of ``--NAME`` given no value: a misspelt option first when it is close to one (``--step``,
    ``--edge-label``), as a variable only when it can be one."""
    if not _NAME.match(name[2:]):  # "--edge-label": no variable has a '-' in its name
        return f"{shown(name)} is not an option of {prog}{suggestion(name, options)}"
    close = suggestion(name, options, "did you mean the option")
    if close:
        return f"{shown(name)}: {close} (a variable {name[2:]} needs a value, e.g. {shown(name)} 2.5)"
    return f"{shown(name)} needs a value, e.g. {shown(name)} 2.5"


def _refuse_assignment(arg):
    """``x=2`` after the formula: a value given as Python would, not as the command takes it."""
    match = _ASSIGNMENT.match(arg)
    if match:
        name, value = match.groups()
        raise OptionError(f"{shown(arg)}: give a variable's value as --{name} {shown(value)} (or --var {shown(arg)})")


def variable_values(variables, var_options, options=()):
    """{name: float} from ``split_variables``' list and the ``--var NAME=VALUE`` options, each checked: a name, a
    finite number, given once. A mistake names the option it may have been meant as (``options``)."""
    values = {}
    given = list(variables)
    for item in var_options:
        if "=" not in item:
            raise OptionError(f"--var {shown(item)}: give NAME=VALUE, e.g. --var x=2")
        name, value = item.split("=", 1)
        given.append((name.strip(), value.strip(), f"--var {item}"))
    for name, text, where in given:
        hint = "" if where.startswith("--var") else suggestion(f"--{name}", options, "; or did you mean the option")
        if not _NAME.match(name):
            raise OptionError(
                f"{shown(where)}: {shown(name)!r} is not a variable name (letters, digits and _, a letter first)" + hint
            )
        try:
            value = float(text)
        except ValueError:
            raise OptionError(f"{shown(where)}: must be a number{hint}") from None
        if not math.isfinite(value):
            raise OptionError(f"{shown(where)}: must be a finite number")
        if name in values:
            raise OptionError(f"the variable {name} is given twice")
        values[name] = value
    return values


def formula_message(err, prog="autograd-mini graph"):
    """A formula's ``FormulaError`` as the command shows it: the reason with its hint first and the list of what a
    formula may use left to ``--help`` (the library's message spells it out), then the formula and a caret."""
    from autograd_mini.formula import ALLOWED, FUNCTIONS, FUNCTIONS_OF_TWO

    reason = err.reason
    short = reason.replace(f": a formula has {ALLOWED} only", "")
    short = short.replace(f"write an expression of {ALLOWED}", "write an expression such as x*y + sin(x)")
    short = short.replace(f", not allowed in a formula of {ALLOWED}", ", not allowed in a formula")
    call = re.match(r"calling '(.*)' is not allowed: the functions are ", short)
    if call:
        name = call.group(1)
        close = suggestion(name, (*FUNCTIONS, *FUNCTIONS_OF_TWO), "; did you mean")
        short = f"{name!r} is not a function of the engine{close}"
    where = [] if err.column is None or not err.text else [f"column {err.column + 1}"]
    where += [f"{prog} --help lists the functions and operators"] if short != reason else []
    line = f"{short} ({'; '.join(where)})" if where else short
    caret = err.caret()
    return f"{line}\n{caret}" if caret else line
