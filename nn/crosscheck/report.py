"""The report of a cross-check: one row per parameter, autodiff beside the closed form (or a learner's formula) and
the central finite difference, the entries that disagree marked; printed as a table, shown as HTML in a notebook."""

import math
from typing import Any

__all__ = ["CrosscheckReport", "Row", "build_report"]


class Row:
    """One parameter: autodiff, closed form (or your formula), central finite difference, and their difference."""

    __slots__ = ("name", "autodiff", "closed_form", "finite_difference", "difference", "ok")

    def __init__(
        self, name: str, autodiff: float, closed_form: float | None, finite_difference: float | None, ok: bool
    ) -> None:
        self.name = name
        self.autodiff = autodiff
        self.closed_form = closed_form
        self.finite_difference = finite_difference
        self.difference = None if closed_form is None else closed_form - autodiff
        self.ok = ok

    def __repr__(self) -> str:
        return (
            f"Row({self.name!r}, autodiff={self.autodiff!r}, closed_form={self.closed_form!r}, "
            f"finite_difference={self.finite_difference!r}, ok={self.ok})"
        )


class CrosscheckReport:
    """The table of a cross-check. ``ok`` is True when every closed-form entry agrees with autodiff within
    ``atol + rtol * |autodiff|``; ``disagreeing`` names the entries that do not; ``fd_ok`` says whether the
    central finite differences agree with autodiff within their own, looser tolerance (a check on the engine)."""

    def __init__(
        self,
        title: str,
        rows: list[Row],
        atol: float,
        rtol: float,
        fd_tol: float,
        eps: float,
        label: str = "closed form",
    ) -> None:
        self.title = title
        self.label = label
        self.rows = rows
        self.atol, self.rtol, self.fd_tol, self.eps = atol, rtol, fd_tol, eps
        checked = [(r, r.closed_form) for r in rows if r.closed_form is not None]
        self.max_abs_error = max((abs(cf - r.autodiff) for r, cf in checked), default=0.0)
        self.max_rel_error = max(
            (abs(cf - r.autodiff) / max(abs(r.autodiff), abs(cf), 1e-300) for r, cf in checked), default=0.0
        )
        self.disagreeing = [r.name for r, _ in checked if not r.ok]
        self.ok = not self.disagreeing
        fd_errors = [abs(r.finite_difference - r.autodiff) for r in rows if r.finite_difference is not None]
        self.max_fd_error = max(fd_errors, default=None)
        self.fd_ok = None if not fd_errors else all(e <= fd_tol for e in fd_errors)

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"CrosscheckReport.row(): no parameter named {name!r}; the rows are {self.names()}")

    def names(self) -> list[str]:
        return [r.name for r in self.rows]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "ok": self.ok,
            "max_abs_error": self.max_abs_error,
            "max_rel_error": self.max_rel_error,
            "disagreeing": list(self.disagreeing),
            "fd_ok": self.fd_ok,
            "max_fd_error": self.max_fd_error,
            "rows": [
                {
                    "name": r.name,
                    "autodiff": r.autodiff,
                    "closed_form": r.closed_form,
                    "finite_difference": r.finite_difference,
                    "difference": r.difference,
                    "ok": r.ok,
                }
                for r in self.rows
            ],
        }

    def summary(self) -> str:
        """The title and the verdict lines, without the table."""
        lines = str(self).splitlines()
        n_tail = 2 if self.fd_ok is not None else 1
        return "\n".join([self.title] + lines[-n_tail:])

    def __str__(self) -> str:
        def num(v: float | None, spec: str = " .12e") -> str:
            return "" if v is None else " 0" if v == 0 else f"{v:{spec}}"  # 0, not -0.000e+00

        shown = [r for r in self.rows if r.closed_form is not None]
        left_out = len(self.rows) - len(shown)
        w = max([len("parameter")] + [len(r.name) for r in shown])
        head = f"{'parameter':<{w}}  {'autodiff':>19}  {self.label:>19}  {'central FD':>19}  {'difference':>10}  "
        lines = [self.title, head, "-" * len(head)]
        for r in shown:
            diff = num(r.difference, " .1e")
            mark = "" if r.ok else "<-- disagrees"
            lines.append(
                f"{r.name:<{w}}  {num(r.autodiff):>19}  {num(r.closed_form):>19}  "
                f"{num(r.finite_difference):>19}  {diff:>10}  {mark}"
            )
        lines.append("-" * len(head))
        if left_out:
            lines.append(f"({left_out} parameters not given by your formula are left out)")
        verdict = (
            "ok: every entry agrees with autodiff"
            if self.ok
            else f"NOT ok: {len(self.disagreeing)} "
            f"{'entry disagrees' if len(self.disagreeing) == 1 else 'entries disagree'} "
            f"({', '.join(self.disagreeing[:8])}{', ...' if len(self.disagreeing) > 8 else ''})"
        )
        lines.append(
            f"{verdict}; max abs error {self.max_abs_error:.3e}, max rel error {self.max_rel_error:.3e} "
            f"(tolerance {self.atol:g} + {self.rtol:g}*|autodiff|)"
        )
        if self.fd_ok is not None:
            n_fd = sum(r.finite_difference is not None for r in self.rows)
            on = "" if n_fd == len(self.rows) else f" on {n_fd} of {len(self.rows)} parameters"
            if self.fd_ok:
                verdict = "(agree)"
            elif not 1e-8 <= self.eps <= 1e-3:  # central differences are most accurate near eps = 1e-5 (fd_study)
                verdict = f"(DISAGREE beyond {self.fd_tol:g}: the step eps={self.eps:g} is the likely cause; try 1e-6)"
            else:
                verdict = f"(DISAGREE beyond {self.fd_tol:g}: check the engine)"
            lines.append(
                f"central finite differences (eps {self.eps:g}){on} vs autodiff: max abs {self.max_fd_error:.3e} "
                + verdict
            )
        return "\n".join(lines)

    def _repr_html_(self):
        """Jupyter's rich display: the verdict on top, the table below, disagreements marked."""
        from nn.crosscheck.display import report_html

        return report_html(self)

    def __repr__(self) -> str:
        return (
            f"CrosscheckReport(ok={self.ok}, max_abs_error={self.max_abs_error:.3e}, "
            f"max_rel_error={self.max_rel_error:.3e}, rows={len(self.rows)})"
        )


def build_report(title, net, auto, mine, fd, atol, rtol, fd_tol, eps, formula):
    """The report of one cross-check: a row per parameter of ``net``, from the autodiff numbers ``auto``, the closed
    form's (or the learner's formula's) ``mine`` and the finite differences ``fd`` (each {name: number})."""
    fd_tol = (1e-5 * max(1.0, max(abs(v) for v in auto.values()))) if fd_tol is None else fd_tol
    label = "closed form" if formula is None else "your formula"
    rows = []
    for name in net.parameter_names():
        ad = auto[name]
        cf = mine.get(name)
        ok = True if cf is None else (math.isfinite(cf) and abs(cf - ad) <= atol + rtol * abs(ad))
        rows.append(Row(name, ad, cf, None if fd is None else fd.get(name), ok))
    return CrosscheckReport(title, rows, atol, rtol, fd_tol, eps, label)
