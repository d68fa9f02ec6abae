"""The five documents of ``seeds/``, each in its own notation, and every printed gradient formula checked.

One module per document holds its derivation (the *correct* forms, as numpy functions a reader can hold against the
page, in the document's own letters and index order), its printed formulas as ``Entry`` records transcribed
exactly as printed (the LaTeX of the seed text where it survived), with document and section, and the corrected
forms of those that are wrong:

    nn.crosscheck.doc000_sanderson     000, partial derivative by a weight, in Grant Sanderson's notation
    nn.crosscheck.doc001_zollner       001, Zollner, "Matrizen in Neuronalen Netzen"
    nn.crosscheck.doc002_reinbott      002, Reinbott, "Backpropagation, das lernen eines Neuronalen Netzes aus Daten"
    nn.crosscheck.doc003_tensor_form   003, "Deriving backpropagation equations 'natively' in tensor form"
    nn.crosscheck.doc004_lecture       004, the handwritten lecture notes

This module is the report: ``documents_report()`` evaluates every entry on random networks of its document and
compares it with the engine's autodiff on the same network (``nn.crosscheck.entries.engine_reference``): agrees /
does not agree, by how much, for which entries; where a formula does not agree, the report shows whether the
corrected form agrees. The transcriptions are never adjusted to pass; the numbers decide.

Documents 000 and 003 lost their formula images in the text we have. Their entries are reconstructed from the
sources the documents name and say so: 000 from Grant Sanderson, 3Blue1Brown, "Backpropagation calculus" (Deep
learning, chapter 4), whose notation the document says it uses; 003 is the German translation of the Data Science
Stack Exchange question 18279, "Deriving backpropagation equations 'natively' in tensor form".
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn.crosscheck import doc000_sanderson, doc001_zollner, doc002_reinbott, doc003_tensor_form, doc004_lecture
from nn.crosscheck.doc000_sanderson import sanderson_chain_gradients, sanderson_general_gradients
from nn.crosscheck.doc001_zollner import zollner_batch_gradients, zollner_gradients
from nn.crosscheck.doc002_reinbott import reinbott_gradients
from nn.crosscheck.doc003_tensor_form import tensor_form_gradients
from nn.crosscheck.doc004_lecture import lecture_gradients
from nn.crosscheck.entries import Check, Entry

__all__ = [
    "DOCUMENTS",
    "ENTRIES",
    "REMARKS",
    "DocumentsReport",
    "Entry",
    "EntryResult",
    "documents_report",
    "evaluate",
    "lecture_gradients",
    "reinbott_gradients",
    "sanderson_chain_gradients",
    "sanderson_general_gradients",
    "tensor_form_gradients",
    "zollner_batch_gradients",
    "zollner_gradients",
]

DOCUMENTS = (doc000_sanderson, doc001_zollner, doc002_reinbott, doc003_tensor_form, doc004_lecture)
_CASES: dict[str, Callable[[int], Any]] = {m.DOC: m.make_case for m in DOCUMENTS}

ENTRIES: list[Entry] = [e for m in DOCUMENTS for e in m.ENTRIES]
# (document, text): printed things that are not a formula to evaluate, or whose reading the numbers cannot decide
REMARKS: list[tuple[str, str]] = [(m.DOC, text) for m in DOCUMENTS for text in m.REMARKS]

# ---------------------------------------------------------------------------------------------------------------
# Evaluation and the report.


Comparisons = list[tuple[int, str, Any, Any]]  # (case number, label, printed, autodiff)


def _compare(
    comparisons: Comparisons, atol: float, rtol: float
) -> tuple[float, float, list[str], int, dict[str, list[int]]]:
    """-> (max abs diff, max rel diff, [labels of the elements that disagree], number of elements, {label: [wrong,
    total]} summed over the cases)."""
    max_abs = max_rel = 0.0
    bad: list[str] = []
    count = 0
    tally: dict[str, list[int]] = {}
    for case, label, printed, ref in comparisons:
        p = np.asarray(printed, dtype=np.float64)
        r = np.asarray(ref, dtype=np.float64)
        if p.shape != r.shape:
            raise ValueError(f"documents check {label!r}: printed shape {p.shape} vs autodiff {r.shape}")
        diff = np.abs(p - r)
        count += diff.size
        max_abs = max(max_abs, float(diff.max()))
        max_rel = max(max_rel, float((diff / np.maximum(np.maximum(np.abs(r), np.abs(p)), 1e-300)).max()))
        wrong = ~(diff <= atol + rtol * np.abs(r))
        t = tally.setdefault(label, [0, 0])
        t[0] += int(wrong.sum())
        t[1] += wrong.size
        prefix = f"case {case}: "
        if p.ndim == 0:
            if wrong:
                bad.append(prefix + label)
        else:
            for idx in zip(*np.nonzero(wrong), strict=True):
                bad.append(f"{prefix}{label}[{', '.join(str(int(i)) for i in idx)}]")
    return max_abs, max_rel, bad, count, tally


@dataclass
class EntryResult:
    """The verdict for one entry: ``agrees``, ``max_abs_diff``, ``max_rel_diff``, ``disagreeing`` (element labels)
    out of ``count`` numbers, ``tally`` ({label: [wrong, total]} over the cases), for the corrected form
    ``corrected_agrees`` and ``corrected_max_abs_diff`` (None without one); ``variants``: [(desc, agrees, diff)]."""

    entry: Entry
    agrees: bool
    max_abs_diff: float
    max_rel_diff: float
    disagreeing: list[str]
    count: int
    corrected_agrees: bool | None
    corrected_max_abs_diff: float | None
    variants: list[tuple[str, bool, float]]
    tally: dict[str, list[int]]

    @property
    def id(self) -> str:
        return self.entry.id

    def which(self) -> str:
        """The quantities that disagree, with how many of their numbers do (over all cases): 'delta^L (6/6)'."""
        parts = [f"{label} ({w}/{t})" for label, (w, t) in self.tally.items() if w]
        right = [label for label, (w, _) in self.tally.items() if not w]
        text = ", ".join(parts)
        return text + (f"; right: {', '.join(right)}" if right and parts else "")

    def __repr__(self) -> str:
        return f"EntryResult({self.id!r}, agrees={self.agrees}, max_abs_diff={self.max_abs_diff:.3e})"


def evaluate(entry: Entry, seeds: Iterable[int] = (0, 1, 2), atol: float = 1e-10, rtol: float = 1e-8) -> EntryResult:
    """Evaluate one entry on the random cases of its document; -> EntryResult."""
    cases = [_CASES[entry.doc](s) for s in seeds]

    def run(check: Check) -> tuple[float, float, list[str], int, dict[str, list[int]]]:
        comps: Comparisons = []
        for n, c in enumerate(cases):
            comps += [(n, lab, p, r) for lab, p, r in check(c)]
        return _compare(comps, atol, rtol)

    max_abs, max_rel, bad, count, tally = run(entry.check)
    corrected_agrees, corrected_max_abs = None, None
    if entry.corrected_check is not None:
        corrected_max_abs, _, cbad, _, _ = run(entry.corrected_check)
        corrected_agrees = not cbad
    variants = []
    for desc, check in entry.variants:
        va, _, vbad, _, _ = run(check)
        variants.append((desc, not vbad, va))
    return EntryResult(
        entry, not bad, max_abs, max_rel, bad, count, corrected_agrees, corrected_max_abs, variants, tally
    )


@dataclass
class DocumentsReport:
    """Every printed formula's verdict. ``results`` (EntryResult list), ``result(id)``, ``wrong()``; prints."""

    results: list[EntryResult]
    remarks: list[tuple[str, str]]
    seeds: tuple[int, ...]

    def result(self, entry_id: str) -> EntryResult:
        for r in self.results:
            if r.id == entry_id:
                return r
        raise KeyError(
            f"DocumentsReport.result(): no entry {entry_id!r}; the entries are {[r.id for r in self.results]}"
        )

    def wrong(self) -> list[EntryResult]:
        return [r for r in self.results if not r.agrees]

    def __str__(self) -> str:
        n_wrong = len(self.wrong())
        lines = [
            "What the documents print, checked against autodiff "
            f"({len(self.results)} formulas, {len(self.seeds)} random networks each; "
            f"{len(self.results) - n_wrong} agree, {n_wrong} do not)",
        ]
        doc = None
        for r in self.results:
            e = r.entry
            if e.doc != doc:
                doc = e.doc
                lines.append("")
                lines.append(f"== document {doc} " + "=" * 60)
            lines.append(f"{e.doc} {e.section}" + (f"  ({e.what})" if e.what else ""))
            lines.append(f"    printed:   {e.printed}")
            if e.reconstructed:
                lines.append(f"    ({e.reconstructed})")
            if r.agrees:
                lines.append(f"    AGREES with autodiff: max abs diff {r.max_abs_diff:.1e} over {r.count} numbers")
            else:
                lines.append(
                    f"    DOES NOT AGREE: max abs diff {r.max_abs_diff:.3e} (rel {r.max_rel_diff:.2e}); "
                    f"{len(r.disagreeing)} of {r.count} numbers wrong"
                )
                lines.append(f"    wrong entries: {r.which()}")
            if e.note:
                lines.append(f"    note: {e.note}")
            if e.corrected:
                verdict = "agrees" if r.corrected_agrees else "DOES NOT AGREE"
                lines.append(f"    corrected: {e.corrected}")
                lines.append(f"               -> {verdict} with autodiff (max abs diff {r.corrected_max_abs_diff:.1e})")
            for desc, ok, diff in r.variants:
                lines.append(
                    f"    partial fix, {desc}: {'agrees' if ok else 'still does not agree'} (max abs diff {diff:.2e})"
                )
        lines.append("")
        lines.append("Remarks (printed things the numbers do not decide):")
        for d, text in self.remarks:
            lines.append(f"  {d}: {text}")
        return "\n".join(lines)

    def _repr_html_(self):
        """Jupyter's rich display: the formulas typeset, a verdict and the corrected form for each."""
        from nn.crosscheck.display import documents_html

        return documents_html(self)

    def _repr_latex_(self):
        """The same in LaTeX, for front ends and exports that typeset LaTeX themselves (``nbconvert --to pdf``)."""
        from nn.crosscheck.display import documents_latex

        return documents_latex(self)

    def summary(self) -> str:
        """One line per entry: id, verdict."""
        return "\n".join(
            f"{r.id:<45} {'agrees' if r.agrees else f'DOES NOT AGREE (max abs diff {r.max_abs_diff:.2e})'}"
            + ("" if r.agrees else f"; corrected form {'agrees' if r.corrected_agrees else 'does not agree'}")
            for r in self.results
        )


def documents_report(
    seeds: Iterable[int] = (0, 1, 2), docs: Sequence[str] | None = None, atol: float = 1e-10, rtol: float = 1e-8
) -> DocumentsReport:
    """Evaluate every entry (or those of ``docs``, e.g. ``["001"]``) and return a DocumentsReport."""
    seeds = tuple(seeds)
    entries = [e for e in ENTRIES if docs is None or e.doc in docs]
    if not entries:
        raise ValueError(f"documents_report(): no entries for docs={docs!r}; the documents are {', '.join(_CASES)}")
    return DocumentsReport([evaluate(e, seeds, atol, rtol) for e in entries],
                           [r for r in REMARKS if docs is None or r[0] in docs], tuple(seeds))  # fmt: skip
