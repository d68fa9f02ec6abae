"""Users' text made safe to show in a drawing: labels, titles, the output of a ``number_format`` function.

A label is the user's text, and a drawing shows it as text, whatever it contains. Two things stand in the way.
Graphviz reads some strings as markup (``escape_text`` and ``escape_record`` take care of that), and an
SVG is XML, which cannot hold every character: NUL and the other control characters (except tab, line feed and
carriage return), the halves of a surrogate pair standing alone, and the non-characters U+FFFE, U+FFFF and the like.
``printable`` replaces each of those with U+FFFD, the replacement character, so every drawing and every step of the
trace is a well-formed SVG (dot itself stops at a NUL, with an error that does not say which label it was).
"""

from __future__ import annotations

import html
import re

import graphviz

__all__ = ["REPLACEMENT", "escape_record", "escape_text", "html_text", "printable"]

REPLACEMENT = "\ufffd"  # the replacement character: shown as a question mark in a diamond

_NOT_TEXT = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # control characters XML 1.0 forbids (tab, line feed, carriage return are allowed)
    "\x7f-\x9f"  # DEL and the C1 controls: allowed in XML, but invisible or garbled on screen
    "\ud800-\udfff"  # lone surrogates: not characters at all, cannot be encoded as UTF-8
    "\ufdd0-\ufdef"  # non-characters
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)


def printable(text):
    """``str(text)`` with every character an SVG cannot hold (see the module docstring) replaced by U+FFFD."""
    return _NOT_TEXT.sub(REPLACEMENT, str(text))


def html_text(value):
    """Any value as HTML text: ``str`` of it, escaped (quotes too, so it may stand in an attribute), with what an HTML
    page cannot hold (NUL, lone surrogates, other controls) replaced by U+FFFD (``printable``)."""
    return html.escape(printable(value))


# Every label is the user's text shown as text. graphviz passes a string that starts with "<" and ends with ">" to
# dot as an HTML-like label, which is markup: a title such as "<x> URL=<javascript:...>" would become a link.
# Labels are therefore marked ``graphviz.nohtml`` (always quoted), and cleaned by ``printable`` (no NUL, no lone
# surrogate, nothing an SVG cannot hold). dot reads character entities in any label ("&amp;" is shown as "&"), so
# "&" itself is written as "&amp;".

_RECORD_SPECIAL = re.compile(r'([\\|{}<>"])')

# dot reads a quoted string of at most 16,384 characters ("longer than 16384?" and it fails); escaped, a character
# takes up to five ("&" is "&amp;"), so a text is cut at 2,000 characters, its length said
LONGEST = 2_000


def _cut(text):
    text = str(text)
    return text if len(text) <= LONGEST else f"{text[:LONGEST]}... ({len(text)} characters)"


def escape_record(text):
    """Text for one field of a Graphviz record label: ``| { } < > " \\ &`` escaped, newlines as line breaks, at
    most ``LONGEST`` characters of it."""
    text = _RECORD_SPECIAL.sub(r"\\\1", printable(_cut(text)).replace("&", "&amp;"))
    return graphviz.nohtml(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", r"\n"))


def escape_text(text):
    """Text for an ordinary (non-record) Graphviz label: backslash, quote and ``&`` escaped, newlines as line breaks,
    at most ``LONGEST`` characters of it."""
    text = printable(_cut(text)).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return graphviz.nohtml(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", r"\n"))
