"""Names in generated code: text a user typed (labels, op names) made into Python identifiers that are valid,
distinct as Python reads them, and shadow nothing the program uses.

Python folds identifiers with NFKC when it reads them (PEP 3131): bold ``𝐱``, full-width ``ｘ`` and ``x`` are one
name, and ``x²`` is no name at all. So a label becomes a name only through ``identifier``: NFKC first, then every
run of characters a name cannot hold becomes ``_`` (``L1.N0.w0`` -> ``L1_N0_w0``); what is still not a name (``½``,
an empty label) is ``None``, and the caller falls back to a number (``n7``). Names are compared after that folding,
so two labels Python would read as one name get two names. The label itself goes into the program only as
``repr`` text in a comment, on one line.
"""

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

_UNDERSCORES = re.compile(r"_{2,}")
BUILTIN_NAMES = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)


def identifier(text: str) -> str | None:
    """``text`` as a Python identifier in NFKC form, or None where no reasonable name is left."""
    if not isinstance(text, str):  # a label set after the fact (v.label = 3): the slot takes anything
        raise TypeError(f"a label must be text (str), got {type(text).__name__} {text!r:.40}")
    folded = unicodedata.normalize("NFKC", text)
    name = "".join(ch if ("a" + ch).isidentifier() else "_" for ch in folded)
    name = _UNDERSCORES.sub("_", name).strip("_") if name != folded else name
    if not name or not name.isidentifier() or unicodedata.normalize("NFKC", name) != name:
        return None
    if name.startswith("__") and name.endswith("__"):  # Python's own names (__class__, __name__ ...)
        return None
    return name


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base_1``, ``base_2`` ... : the first not in ``taken``, which it is then added to. A base that
    is a builtin or keyword (``log``, ``max``, ``if``) starts at ``base_`` (``log_``), never shadowing it."""
    name = base if base not in taken and base not in BUILTIN_NAMES else f"{base}_"
    k = 1
    while name in taken or name in BUILTIN_NAMES:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


def names_for(wanted: Iterable[tuple[object, str, str]], reserved: Iterable[str]) -> dict[object, str]:
    """{thing: identifier} for (thing, text, fallback) in order: ``identifier(text)`` or, where that is None, the
    fallback (a name such as ``n7``), made unique against ``reserved`` and each other."""
    taken = set(reserved)
    names: dict[object, str] = {}
    for thing, text, fallback in wanted:
        if thing not in names:
            names[thing] = unique(identifier(text) or fallback, taken)
    return names
