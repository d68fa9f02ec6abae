"""How the cross-check's reports show themselves in a notebook (``_repr_html_``, ``_repr_latex_``).

``report_html(report)``: a ``CrosscheckReport`` as its verdict on top, then the table, parameter by parameter,
the entries that disagree with autodiff marked. ``documents_html(report)``: a ``DocumentsReport`` with every
formula typeset from the LaTeX it is transcribed in, as MathML (``autograd_mini.mathml.math_html``: browsers
typeset it themselves, so an exported notebook shows it offline, where MathJax from the web would leave raw
``\\( ... \\)``), its verdict, and the corrected form where the printed one is wrong. ``documents_latex(report)``:
the same as LaTeX, for front ends and exports (``nbconvert --to latex``/``pdf``) that typeset LaTeX themselves.
"""

from __future__ import annotations

import html

from autograd_mini.mathml import math_html
from autograd_mini.notebook import html_table, unique_id

__all__ = ["documents_html", "documents_latex", "report_html"]

_BAD = "#fee2e2"  # a row that disagrees: light red
_GOOD = "#166534"
_WRONG = "#b91c1c"


def _box(body, extra_style=""):
    box = unique_id("am-report")
    style = (
        f"#{box} table {{ border-collapse: collapse; }} "
        f"#{box} td, #{box} th {{ padding: 2px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }} "
        f"#{box} tr.am-bad td {{ background: {_BAD}; }} "
        f"#{box} .am-ok {{ color: {_GOOD}; font-weight: bold; }} #{box} .am-wrong {{ color: {_WRONG}; "
        f"font-weight: bold; }} {extra_style.replace('#BOX', '#' + box)}"
    )
    return f'<div id="{box}"><style>{style}</style>\n{body}\n</div>'


def report_html(report):
    """A ``CrosscheckReport`` as HTML: the title and verdict lines on top, then the table (disagreements marked)."""

    def num(v):
        return "" if v is None else f"{v:.12e}"

    title, *verdict = report.summary().splitlines()
    mark = "am-ok" if report.ok else "am-wrong"
    top = f"<p><b>{html.escape(title)}</b><br>" + "<br>".join(
        f'<span class="{mark if k == 0 else ""}">{html.escape(line)}</span>' for k, line in enumerate(verdict)
    )
    shown = [r for r in report.rows if r.closed_form is not None]
    head = ("parameter", "autodiff", report.label, "central FD", "difference", "")
    rows = [
        (
            r.name,
            num(r.autodiff),
            num(r.closed_form),
            num(r.finite_difference),
            f"{r.difference:.1e}",
            "agrees" if r.ok else "✗ disagrees",
        )  # fmt: skip
        for r in shown
    ]
    table = html_table(head, rows, row_attrs=[{} if r.ok else {"class": "am-bad"} for r in shown], right=(1, 2, 3, 4))
    left_out = len(report.rows) - len(shown)
    note = f"<p>({left_out} parameters not given by your formula are left out)</p>" if left_out else ""
    return _box(top + "</p>\n" + table + note, "#BOX td { font-family: monospace; }")


def _math(latex):
    return math_html(latex)


def documents_html(report):
    """A ``DocumentsReport`` as HTML: one table per document, one row per printed formula (typeset), its verdict
    against autodiff, and the corrected form with its own verdict where the printed one is wrong."""
    first = str(report).splitlines()[0]
    parts = [f"<p><b>{html.escape(first)}</b></p>"]
    head = ("where", "as printed", "verdict", "corrected form")
    docs: list[tuple[str, list]] = []
    for r in report.results:
        if not docs or docs[-1][0] != r.entry.doc:
            docs.append((r.entry.doc, []))
        docs[-1][1].append(r)
    for doc, results in docs:
        parts.append(f"<h4>document {html.escape(doc)}</h4>")
        cells = []
        for r in results:
            e = r.entry
            where = html.escape(e.section) + (f"<br><small>{html.escape(e.what)}</small>" if e.what else "")
            if r.agrees:
                verdict = f'<span class="am-ok">agrees</span><br><small>max diff {r.max_abs_diff:.0e}</small>'
            else:
                verdict = (
                    f'<span class="am-wrong">does not agree</span><br><small>{len(r.disagreeing)} of {r.count} '
                    f"numbers wrong, max diff {r.max_abs_diff:.2g}<br>{html.escape(r.which())}</small>"
                )
            corrected = ""
            if e.corrected:
                ok = r.corrected_agrees
                corrected = f'{_math(e.corrected)}<br><span class="{"am-ok" if ok else "am-wrong"}">' + (
                    "agrees" if ok else "does not agree either"
                )
                corrected += "</span>"
            if e.note:
                corrected += f"<br><small>{html.escape(e.note)}</small>"
            cells.append((where, _math(e.printed), verdict, corrected, r.agrees))
        rows = "\n".join(
            f"<tr{'' if ok else ' class=am-bad'}><td>{w}</td><td>{p}</td><td>{v}</td><td>{c}</td></tr>"
            for w, p, v, c, ok in cells
        )
        header = "".join(f"<th>{h}</th>" for h in head)
        table = f"<table><thead><tr>{header}</tr></thead><tbody>\n{rows}\n</tbody></table>"
        parts.append(f'<div class="am-scroll">{table}</div>')
    if report.remarks:
        parts.append("<p><b>Remarks</b> (printed things the numbers do not decide):</p><ul>")
        parts += [f"<li>{html.escape(d)}: {html.escape(text)}</li>" for d, text in report.remarks]
        parts.append("</ul>")
    # left-aligned whatever the front end's own table style (JupyterLab right-aligns cells), the formulas at the
    # size of the text around them, the places wide enough to read
    return _box(
        "\n".join(parts),
        "#BOX td, #BOX th { text-align: left; } #BOX math { font-size: 1.15em; } "
        "#BOX td:first-child { min-width: 11em; } #BOX .am-scroll { overflow-x: auto; }",
    )


_LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                                                    "\\": r"\textbackslash{}"}  # fmt: skip


def _latex_text(text):
    """Text as LaTeX text: its special characters escaped."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in str(text))


def documents_latex(report):
    """A ``DocumentsReport`` as LaTeX: per document, a list of its printed formulas (in math mode, as transcribed),
    each with its verdict and, where the printed one is wrong, the corrected form."""
    lines = [rf"\textbf{{{_latex_text(str(report).splitlines()[0])}}}"]
    doc = None
    for r in report.results:
        e = r.entry
        if e.doc != doc:
            lines += [r"\end{itemize}"] if doc is not None else []
            lines += [rf"\paragraph{{document {_latex_text(e.doc)}}}", r"\begin{itemize}"]
            doc = e.doc
        verdict = "agrees" if r.agrees else "does not agree"
        item = rf"\item {_latex_text(e.section)}: ${e.printed}$ --- {verdict}"
        if e.corrected:
            item += rf"; corrected: ${e.corrected}$ --- {'agrees' if r.corrected_agrees else 'does not agree either'}"
        lines.append(item)
    if doc is not None:
        lines.append(r"\end{itemize}")
    return "\n".join(lines)
