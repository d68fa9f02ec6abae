"""The tour's tables as it prints them: rows built to fit a terminal (``nn.app.tour``), from the data of the step,
the report or the study (their own ``str()`` goes to the tour's files, where width does not matter).
"""

import re
import shutil
import sys
import textwrap

__all__ = [
    "cost_rows",
    "crosscheck_rows",
    "fd_rows",
    "step_table",
    "terminal_columns",
    "unbroken",
    "ways_rows",
    "wrapped",
]

_KEEP = "\ue000"  # a space the wrapping must not break at (a private-use character, never in the text itself)
_SHORT_GROUP = re.compile(r"\([^()\n]{1,24}\)")  # "(the bracket)", "(z1 - 1)", "max(1, |p|)": one line each


def terminal_columns():
    """The columns of the terminal standard output is (``COLUMNS`` when set, as ``shutil.get_terminal_size`` reads
    it); None for a pipe or a file (or a test's capture), where no width has to be fitted."""
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        return None
    return shutil.get_terminal_size((0, 0)).columns or None


def unbroken(text):
    """``text`` that ``wrapped`` keeps on one line: a command to copy, a formula."""
    return text.replace(" ", _KEEP)


def wrapped(text, width, indent=0, more=2):
    """``text`` as lines of at most ``width`` columns, the first indented by ``indent``, the others by ``more``
    again; never broken inside an ``unbroken`` part or a short group in parentheses (a formula broken at
    ``(z1 -`` or a command at ``autograd-mini ways`` cannot be read off, or copied from, the screen)."""
    text = _SHORT_GROUP.sub(lambda m: unbroken(m.group(0)), text)
    lines = textwrap.wrap(
        text, width, initial_indent=" " * indent, subsequent_indent=" " * (indent + more), break_on_hyphens=False
    )
    return [line.replace(_KEEP, " ") for line in lines]


def step_table(steps, width):
    """The backward pass as rows of at most ``width`` columns: step, node (= how it was computed), upstream, then
    per operand its local derivative and ``before + upstream * local = after``. Where that does not fit, the
    formula goes, then the heads get shorter (the full table, ``BackwardTrace.table()``, is written to a file)."""
    lines = []
    for with_formula, last in (
        (True, "its grad: before + upstream * local"),
        (False, "its grad: before + upstream * local"),
        (False, "before + up * local"),
    ):
        rows = [("step", "node", "upstream", "operand", "local", last)]
        for s in steps:
            node = f"{s.name} = {s.formula}" if with_formula and s.formula != s.name else s.name
            for k, c in enumerate(s.contributions):
                sum_ = f"{_g(c.before)} + {_g(s.upstream)} * {_g(c.local)} = {_g(c.after)}"
                first = (str(s.number), node, _g(s.upstream)) if k == 0 else ("", "", "")
                rows.append((*first, c.name, _g(c.local), sum_))
        widths = [max(len(r[i]) for r in rows) for i in range(6)]
        lines = [
            f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}} | {r[3]:<{widths[3]}}  "
            f"{r[4]:>{widths[4]}}  {r[5]}"
            for r in rows
        ]
        if max(len(line) for line in lines) <= width:
            break
    return lines


def crosscheck_rows(report, names):
    """A few rows of a cross-check's table (``names``), with the columns' heads."""
    rows = [f"{'parameter':<10} {'autodiff':>14} {'delta equations':>16} {'central FD':>14}"]
    for r in report.rows:
        if r.name in names:
            fd = "" if r.finite_difference is None else f"{r.finite_difference:>14.9f}"
            rows.append(f"{r.name:<10} {r.autodiff:>14.9f} {r.closed_form:>16.9f} {fd}")
    return rows


def fd_rows(study):
    """The finite-difference study's table at every other step (h = 1e-1, 1e-3 ...: the best steps among them)."""
    rows = [f"{'h':>6}  {'forward f64':>11}  {'central f64':>11}  {'forward f32':>11}  {'central f32':>11}"]
    columns = zip(study.eps, study.forward, study.central, study.forward32, study.central32, strict=True)
    for k, (h, *errors) in enumerate(columns):
        if k % 2 == 0:
            rows.append(f"{h:>6.0e}  " + "  ".join(f"{e:>11.1e}" for e in errors))
    return rows


def ways_rows(report):
    """The four ways as rows (a way per row, a variable per column): narrower than ``str(report)``."""
    from nn.crosscheck.ways import SHORT
    from nn.crosscheck.ways_cost import seconds_text

    rows = [f"{'way':<14}" + "".join(f" {'df/d' + n:>20}" for n in report.names) + f" {'time':>10}"]
    for way in report.ways:
        values = "".join(f" {report.values[way][n]:>20.15g}" for n in report.names)
        rows.append(f"{SHORT[way]:<14}{values} {seconds_text(report.seconds[way]):>10}")
    rows += [f"{SHORT[way]:<14} no number: {why}" for way, why in report.missing.items()]
    return rows


def cost_rows(study):
    """The cost sketch: one row per size, P and each way's time (- where it was not timed)."""
    from nn.crosscheck.ways import SHORT, WAYS
    from nn.crosscheck.ways_cost import seconds_text

    rows = [f"{'P':>4}" + "".join(f" {SHORT[w]:>12}" for w in WAYS)]
    for i, P in enumerate(study.parameters):
        times = "".join(
            f" {'-' if study.seconds[w][i] is None else seconds_text(study.seconds[w][i]):>12}" for w in WAYS
        )
        rows.append(f"{P:>4}{times}")
    return rows


def _g(x):
    return f"{x:.4g}"
