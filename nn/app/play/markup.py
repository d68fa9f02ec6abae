"""What the pages put into their HTML as markup: dot's SVG and MathML, cleaned to elements for an HTML page.

Both come from the project's public pieces (``draw_dot`` through the trace, ``autograd_mini.mathml``) and carry what
a stand-alone XML document needs and an HTML page does not: an XML prolog, comments, and namespace attributes whose
values are the W3C's addresses. None of it is a request (a browser never fetches a namespace), but the pages name no
outside address at all, so a reader of what the server sends sees only 127.0.0.1.
"""

from __future__ import annotations

import re

from autograd_mini.mathml import math_html

__all__ = ["inline", "math"]

_STRIP = re.compile(r"^.*?(?=<svg)|<!--.*?-->\n?|\s(?:xmlns|xmlns:xlink)=\"[^\"]*\"", re.S)


def inline(markup: str) -> str:
    """dot's SVG document (or any SVG or MathML element) as an element for an HTML page: no XML prolog, DOCTYPE,
    comments or namespace attributes (an ``<svg>`` or ``<math>`` inside HTML needs none of them)."""
    return _STRIP.sub("", markup)


def math(latex: str, display: bool = False) -> str:
    """LaTeX as MathML for the page (``autograd_mini.mathml.math_html``: typeset by the browser, offline), inline."""
    return inline(math_html(latex, display=display))
