"""Formulas as MathML, which browsers typeset themselves: no script, no network, so a page, a notebook's output and
an exported notebook show them offline (MathJax or KaTeX would be fetched from the web).

``math_html(latex)``: LaTeX through latex2mathml, what it returns cleaned to MathML elements only; ``Math``: a formula
that shows itself in a notebook as MathML and, for front ends and exports that typeset LaTeX, as LaTeX;
``chain_rule_mathml(rule)``: one line of the step-by-step trace's chain rule, written as MathML directly.
"""

from __future__ import annotations

import html
import re

from autograd_mini.text import html_text

__all__ = ["Math", "chain_rule_mathml", "math_html"]

# latex2mathml writes text as it finds it (``\text{<b>}`` becomes ``<mtext><b></mtext>``): what it returns is cut at
# its tags, each tag kept only when it is a MathML element with plain attributes, everything else escaped as text.
_MATHML_TAGS = frozenset(
    "math semantics annotation mrow mi mn mo ms mtext mspace mfrac msub msup msubsup munder mover munderover msqrt "
    "mroot mstyle mpadded mphantom menclose merror mtable mtr mtd mlabeledtr mfenced".split()
)
_MATHML_ATTRIBUTES = frozenset(
    "xmlns display mathvariant stretchy fence form accent accentunder separator lspace rspace width height depth "
    "columnalign rowalign columnspacing rowspacing columnlines rowlines frame linethickness movablelimits minsize "
    "maxsize symmetric notation scriptlevel displaystyle largeop align columnspan rowspan alttext".split()
)
_TAG = re.compile(r"</?([a-z]+)((?:\s+[a-z]+=\"[^\"<>&]*\")*)\s*/?>")
_ATTRIBUTE = re.compile(r"\s+([a-z]+)=")
_ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-zA-Z]+);")


def _clean_mathml(markup: str) -> str:
    out = []
    for piece in re.split(r"(<[^<>]*>)", markup):
        tag = _TAG.fullmatch(piece)
        if tag and tag.group(1) in _MATHML_TAGS and set(_ATTRIBUTE.findall(tag.group(2))) <= _MATHML_ATTRIBUTES:
            out.append(piece)
        else:  # text: entities latex2mathml wrote stay, anything else is escaped
            parts = _ENTITY.split(piece)
            out.append("".join(f"&{p};" if k % 2 else html.escape(p, quote=False) for k, p in enumerate(parts)))
    return "".join(out)


def math_html(latex: str, display: bool = False) -> str:
    """``latex`` as MathML for an HTML page or a notebook's HTML output (no script, no network: browsers typeset it
    themselves), the LaTeX kept in ``alttext``; fractions and sums at full size (``displaystyle``), in a line of
    text, or on a line of their own with ``display=True``. Without the ``latex2mathml`` package, or for LaTeX it
    cannot read, the LaTeX source itself in ``\\( ... \\)``, for a front end whose MathJax or KaTeX typesets it."""
    try:
        from latex2mathml.converter import convert

        markup = convert(latex, display="block" if display else "inline")
    except Exception:  # ImportError, or latex2mathml's own errors on LaTeX it does not know
        return f"\\({html_text(latex)}\\)"
    markup = _clean_mathml(markup)
    return markup.replace("<math ", f'<math alttext="{html_text(latex)}" displaystyle="true" ', 1)


class Math:
    """A formula that shows itself in a notebook: MathML in HTML (offline, ``math_html``), and the LaTeX for
    front ends that typeset it themselves and for exports to LaTeX or PDF (``_repr_latex_``).

    ``Math(r"\\frac{\\partial K}{\\partial v_{11}}")``, or any object with ``_repr_latex_`` or ``latex()`` text, such
    as a sympy expression: ``Math(symbolic.to_sympy(f))``."""

    def __init__(self, formula):
        if isinstance(formula, str):
            self.latex = formula
        elif hasattr(formula, "_repr_latex_"):  # sympy: "$\\displaystyle ...$"
            self.latex = formula._repr_latex_().strip("$").replace("\\displaystyle ", "", 1)
        else:
            raise TypeError(f"Math() takes LaTeX text or a sympy expression, got {type(formula).__name__}")

    def _repr_html_(self):
        return math_html(self.latex, display=True)

    def _repr_latex_(self):
        return f"$${self.latex}$$"

    def __repr__(self):
        return f"Math({self.latex!r})"


_PLAIN_NAME = re.compile(r"[^\W\d]\w*")  # x, w1, dL: a name that reads as one symbol; anything else in parentheses


def _symbol(name):
    text = html_text(name)
    if _PLAIN_NAME.fullmatch(name):
        return f"<mi>{text}</mi>"
    return f'<mo>(</mo><mi mathvariant="normal">{text}</mi><mo>)</mo>'


def _derivative(top, bottom, d="d"):
    """d top / d bottom as a MathML fraction (``d="∂"``: a partial derivative)."""
    return f"<mfrac><mrow><mi>{d}</mi>{_symbol(top)}</mrow><mrow><mi>{d}</mi>{_symbol(bottom)}</mrow></mfrac>"


def _number(text, factor=False):
    """A number of the chain rule's line: a minus as the minus sign (−1.5), and a negative factor in parentheses,
    as the lecture writes a product: 0.5 · (−3)."""
    if not text.startswith("-"):
        return f"<mn>{html_text(text)}</mn>"
    negative = f"<mn>&#x2212;{html_text(text[1:])}</mn>"  # one token: no operator's space after the sign
    return f"<mo>(</mo>{negative}<mo>)</mo>" if factor else negative


def chain_rule_mathml(rule):
    """A ``trace.ChainRule`` typeset: dL/da = dL/dout · ∂out/∂a, then = upstream · local = product (+= for an
    operand with several uses, and the sum so far). Three formulas, so that a narrow column breaks the line before
    an '=' as a displayed equation does (the tour's fractions of ``x1*w1 + x2*w2`` were cut at the right edge of a
    1280 px window); the plain text of the whole line is the ``title`` of its ``<div class="am-rule">``."""
    numbers = f"{_number(rule.upstream, True)}<mo>&#x22C5;</mo>{_number(rule.local, True)}"
    gradient = _derivative(rule.root, rule.operand)
    chain = (
        f"<mo>{'+=' if rule.uses > 1 else '='}</mo>"
        + _derivative(rule.root, rule.node)
        + "<mo>&#x22C5;</mo>"
        + _derivative(rule.node, rule.operand, "∂")
    )
    product = f"<mo>=</mo>{numbers}<mo>=</mo>{_number(rule.product)}"
    parts = (gradient, chain, product)
    math = "".join(f'<math><mstyle displaystyle="true">{body}</mstyle></math> ' for body in parts)
    if rule.uses > 1:
        so_far = f"so far {rule.so_far} ({rule.operand} has {rule.uses} uses, each adds its part)"
        math += f'<span class="am-sofar">{html_text(so_far)}</span>'
    return f'<div class="am-rule" title="{html_text(rule.text())}">{math.rstrip()}</div>'
