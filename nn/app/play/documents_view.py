"""The documents page: each seed document's printed gradient formulas with autodiff's verdict and the corrected
form, typeset offline as MathML (``latex2mathml``, from the LaTeX each entry is transcribed in; browsers render
MathML natively, so no script or font comes from anywhere).

The verdicts are ``nn.crosscheck.documents_report()``'s, computed once per server (about 0.4 s) and kept.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from typing import Any

_NAMESPACE = re.compile(r'\s+xmlns="[^"]*"')
_lock = threading.Lock()


def mathml(latex: str) -> str:
    """LaTeX as an inline MathML element (without the namespace attribute, which HTML does not need and which
    names the W3C's address); the LaTeX source in a ``<code>`` when latex2mathml cannot read it."""
    from latex2mathml.converter import convert

    try:
        return _NAMESPACE.sub("", convert(latex))
    except Exception:  # latex2mathml raises its own assorted errors on LaTeX it does not know
        return f"<code>{html.escape(latex)}</code>"


@functools.lru_cache(maxsize=1)
def _report() -> Any:
    from nn.crosscheck import documents_report

    return documents_report()


def report() -> Any:
    with _lock:  # one computation, even when the first requests arrive together
        return _report()


def _row(r: Any) -> str:
    e = r.entry
    where = html.escape(e.section) + (f"<br><small>{html.escape(e.what)}</small>" if e.what else "")
    if r.agrees:
        verdict = f'<span class="ok">agrees</span><br><small>max diff {r.max_abs_diff:.0e}</small>'
    else:
        verdict = (
            f'<span class="wrong">does not agree</span><br><small>{len(r.disagreeing)} of {r.count} numbers wrong, '
            f"max diff {r.max_abs_diff:.2g}<br>{html.escape(r.which())}</small>"
        )
    corrected = ""
    if e.corrected:
        word = "agrees" if r.corrected_agrees else "does not agree either"
        corrected = f'{mathml(e.corrected)}<br><span class="{"ok" if r.corrected_agrees else "wrong"}">{word}</span>'
    if e.note:
        corrected += f"<br><small>{html.escape(e.note)}</small>"
    attrs = "" if r.agrees else ' class="bad"'
    return f"<tr{attrs}><td>{where}</td><td>{mathml(e.printed)}</td><td>{verdict}</td><td>{corrected}</td></tr>"


def documents_body() -> str:
    """The page's body: a summary line, then one table per document."""
    rep = report()
    wrong = len(rep.wrong())
    parts = [
        f'<p class="summary">{len(rep.results)} printed formulas of five documents, each evaluated on '
        f"{len(rep.seeds)} random networks and compared with autodiff: <b>{len(rep.results) - wrong} agree</b>, "
        f'<b class="wrong">{wrong} do not</b> (their corrected forms are shown beside them).</p>'
    ]
    docs: dict[str, list[Any]] = {}
    for r in rep.results:
        docs.setdefault(r.entry.doc, []).append(r)
    head = "<tr><th>where</th><th>as printed</th><th>verdict</th><th>corrected form</th></tr>"
    for doc, results in docs.items():
        ok = sum(r.agrees for r in results)
        parts.append(f'<h2 id="doc{html.escape(doc)}">document {html.escape(doc)}: {ok} of {len(results)} agree</h2>')
        rows = "\n".join(_row(r) for r in results)
        parts.append(f'<table class="docs"><thead>{head}</thead><tbody>\n{rows}\n</tbody></table>')
    if rep.remarks:
        items = "".join(f"<li>{html.escape(d)}: {html.escape(text)}</li>" for d, text in rep.remarks)
        parts.append(f"<h2>Remarks</h2><p>Printed things the numbers do not decide:</p><ul>{items}</ul>")
    return "\n".join(parts)
