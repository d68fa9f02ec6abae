"""The documents page: each seed document's printed gradient formulas with autodiff's verdict and the corrected
form, typeset offline as MathML (``autograd_mini.mathml.math_html``, from the LaTeX each entry is transcribed in;
browsers render MathML natively, so no script or font comes from anywhere).

The verdicts are ``nn.crosscheck.documents_report()``'s, computed once per server (about 0.4 s) and kept.
"""

from __future__ import annotations

import functools
import html
import threading
from typing import Any

from nn.app.play.markup import math

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _report() -> Any:
    from nn.crosscheck import documents_report

    return documents_report()


def report() -> Any:
    with _lock:  # one computation, even when the first requests arrive together
        return _report()


def _cut(text: str, limit: int = 120) -> str:
    """A long list of the entries that disagree, cut for the table (the report has all of them)."""
    return text if len(text) <= limit else text[:limit].rsplit(", ", 1)[0] + ", ..."


def _row(r: Any) -> str:
    e = r.entry
    where = html.escape(e.section) + (f"<br><small>{html.escape(e.what)}</small>" if e.what else "")
    if r.agrees:
        verdict = f'<span class="ok">agrees</span><br><small>max diff {r.max_abs_diff:.0e}</small>'
    else:
        verdict = (
            f'<span class="wrong">does not agree</span><br><small>{len(r.disagreeing)} of {r.count} numbers wrong, '
            f"max diff {r.max_abs_diff:.2g}<br>{html.escape(_cut(r.which()))}</small>"
        )
    formulas = f'<div class="printed">{math(e.printed)}</div>'
    if e.corrected:  # under the printed form, so that the table is as wide as the wider of the two, not both
        word = "agrees" if r.corrected_agrees else "does not agree either"
        formulas += (
            f'<div class="corrected"><small>corrected:</small> {math(e.corrected)} '
            f'<span class="{"ok" if r.corrected_agrees else "wrong"}">{word}</span></div>'
        )
    if e.note:
        formulas += f'<div class="note">{html.escape(e.note)}</div>'
    attrs = "" if r.agrees else ' class="bad"'
    return f'<tr{attrs}><td>{where}<div class="verdict">{verdict}</div></td><td>{formulas}</td></tr>'


def documents_body() -> str:
    """The page's body: a summary line, then one table per document."""
    rep = report()
    wrong = len(rep.wrong())
    parts = [
        f'<p class="summary">{len(rep.results)} printed formulas of five documents, each evaluated on '
        f"{len(rep.seeds)} random networks and compared with autodiff: <b>{len(rep.results) - wrong} agree</b>, "
        f'<b class="wrong">{wrong} do not</b> (their corrected forms are shown under them).</p>'
    ]
    docs: dict[str, list[Any]] = {}
    for r in rep.results:
        docs.setdefault(r.entry.doc, []).append(r)
    head = "<tr><th>where, and the verdict</th><th>as printed (and corrected, where it is wrong)</th></tr>"
    for doc, results in docs.items():
        ok = sum(r.agrees for r in results)
        parts.append(f'<h2 id="doc{html.escape(doc)}">document {html.escape(doc)}: {ok} of {len(results)} agree</h2>')
        rows = "\n".join(_row(r) for r in results)
        parts.append(
            f'<div class="scroll"><table class="docs"><thead>{head}</thead><tbody>\n{rows}\n</tbody></table></div>'
        )
    if rep.remarks:
        items = "".join(f"<li>{html.escape(d)}: {html.escape(text)}</li>" for d, text in rep.remarks)
        parts.append(f"<h2>Remarks</h2><p>Printed things the numbers do not decide:</p><ul>{items}</ul>")
    return "\n".join(parts)
