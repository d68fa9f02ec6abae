"""Save and load an MLP as a human-readable JSON file: versioned, written atomically, checked on the way in.

The file::

    {
      "format": "autograd-mini-mlp",
      "version": 1,
      "sizes": [2, 16, 16, 1],
      "activation": "relu",              # hidden layers
      "output_activation": "linear",
      "activations": ["relu", "relu", "linear"],   # per layer of weights, 1..L (for a reader; must agree)
      "layers": [{"W": [[...], ...], "b": [...]}, ...]    # W^l: row j = target neuron, column i = source neuron
    }

Floats are written with Python's shortest round-trip repr, so a model loads back bit for bit.

Writing goes to a temporary file in the same directory, flushed to disk, then ``os.replace``d over the target:
the target is either the old file or the complete new one, never half-written, even when the process is killed.
The temporary file's name holds the process id (``.model.json.<pid>.<random>.tmp``), so a later save to the same
path removes what a killed save left behind. Only a regular file is ever replaced: a folder, a device, a FIFO or a
symbolic link at the path is refused, and so is a read-only file.

Reading takes only regular files of at most ``MAX_FILE_BYTES`` (never waiting on a FIFO, never reading a device
without end), and checks everything (JSON syntax, nesting, format, version, sizes, activations, the shape of every
matrix, finite numbers) before a model is built or changed. What is wrong is reported as a ``ValueError`` that
names the file and the field.
"""

import json
import math
import numbers
import os
import re
import stat
from typing import Any

from autograd_mini.files import describe, write_text
from nn.matrices import bias_vector, set_all_weights, weight_matrix
from nn.module import ACTIVATIONS, MLP

__all__ = ["FORMAT", "MAX_FILE_BYTES", "VERSION", "load", "save", "to_dict"]

FORMAT = "autograd-mini-mlp"
VERSION = 1
MAX_FILE_BYTES = 256 * 2**20  # a model of about 10 million parameters; a larger file is refused before reading
_MAX_DEPTH = 16  # a model file nests 5 deep: the object, layers, a layer, W, a row of W
_MAX_DIGITS = 400  # an integer with more digits does not fit a float (and Python refuses ints of 4300 digits)


def to_dict(model: MLP) -> dict[str, Any]:
    """The JSON-ready description of an MLP (see the module docstring)."""
    if not isinstance(model, MLP):
        raise TypeError(f"nn.io.save() saves an nn.MLP, got {type(model).__name__}")
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(
                f"nn.io.save(): parameter {name} is {p.data!r}; a model with NaN or infinite weights is not saved "
                f"(JSON has no such numbers, and the model is broken)"
            )
    L = len(model.layers)
    layers = [{"W": weight_matrix(model, l).tolist(), "b": bias_vector(model, l).tolist()} for l in range(1, L + 1)]
    return {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(model.sizes),
        "activation": model.activation,
        "output_activation": model.output_activation,
        "activations": model.activations,
        "layers": layers,
    }


def save(model: MLP, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (``autograd_mini.files.write_text``: a temporary file in the
    same directory, fsync'ed, then ``os.replace``).

    Refuses (``ValueError``) a path that holds anything but a regular file, a symbolic link included, and
    (``PermissionError``) a read-only file; removes the temporary files of earlier saves to the same path whose
    process has died.
    """
    text = json.dumps(to_dict(model), indent=1, allow_nan=False)
    write_text(path, text + "\n", who=f"nn.io.save({os.fspath(path)!r})", sync=True)


def _fail(path, what):
    return ValueError(f"nn.io.load({path!r}): {what}")


def _show(value, limit=60):
    """A value as written in a message, cut short (a field may hold a whole file's worth of text)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _number(v):
    """A finite real number that fits a float (JSON integers can be as long as you like: 10**400 does not fit)."""
    if not isinstance(v, numbers.Real) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


class _LongInteger:
    """What an integer of more than ``_MAX_DIGITS`` digits reads as: no field takes it, and messages say what it is."""

    def __init__(self, digits):
        self.digits = digits

    def __repr__(self):
        return f"<an integer of {self.digits} digits>"


def _integer(text):
    """json's parse_int: Python's int(), which refuses 4300 digits with an error that names no file or field."""
    digits = len(text.lstrip("-"))
    return int(text) if digits <= _MAX_DIGITS else _LongInteger(digits)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[{]|[\]}]')  # a string (a key if ':' follows), or a bracket


def _check_nesting(text, path):
    """A model file nests 5 deep; refuse deeper nesting before json (which recurses) meets 100,000 brackets."""
    depth = 0
    key = None
    for token in _JSON_TOKEN.finditer(text):
        first = token.group()[0]
        if first == '"':
            if depth == 1 and token.group(1):
                key = token.group()[: token.group().index(":")].rstrip()  # the top-level field we are in
        elif first in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                field = f"the field {key}" if key else "the file"
                raise _fail(
                    path,
                    f"{field} is nested more than {_MAX_DEPTH} levels deep (line {line}); a model file nests 5 "
                    f"levels (the model, layers, a layer, W, a row of W)",
                )
        else:
            depth -= 1


def _validate(d, path):
    """Check a parsed file completely; returns (sizes, activation, output_activation, layers)."""
    if not isinstance(d, dict):
        raise _fail(path, f"the file holds a JSON {type(d).__name__}, not an autograd-mini model (an object)")
    if d.get("format") != FORMAT:
        raise _fail(path, f"not an autograd-mini model file (format {_show(d.get('format'))}, expected {FORMAT!r})")
    version = d.get("version")
    if type(version) is not int or version != VERSION:  # not True, not 1.0: the integer
        raise _fail(
            path,
            f"format version {_show(version)} is not supported; this autograd-mini reads version {VERSION} "
            f"('version' must be the integer {VERSION}; a newer file needs a newer autograd-mini)",
        )
    for key in ("sizes", "activation", "output_activation", "layers"):
        if key not in d:
            raise _fail(path, f"the key {key!r} is missing; the file is incomplete or damaged")
    sizes = d["sizes"]
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes)
    ):
        raise _fail(path, f"'sizes' must be a list of at least two whole numbers >= 1, got {_show(sizes)}")
    for key in ("activation", "output_activation"):
        if not isinstance(d[key], str) or d[key] not in ACTIVATIONS:
            raise _fail(path, f"{key!r} is {_show(d[key])}; known activations are {', '.join(ACTIVATIONS)}")
    L = len(sizes) - 1
    expected = [d["activation"]] * (L - 1) + [d["output_activation"]]
    if "activations" in d and d["activations"] != expected:
        raise _fail(
            path, f"'activations' {_show(d['activations'])} disagrees with activation/output_activation ({expected!r})"
        )
    layers = d["layers"]
    if not isinstance(layers, list) or len(layers) != L:
        n = len(layers) if isinstance(layers, list) else type(layers).__name__
        raise _fail(path, f"'sizes' {sizes} needs {L} layers of weights, the file has {n}")
    for l, layer in enumerate(layers, start=1):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            raise _fail(path, f"layer {l} must be an object with 'W' and 'b'")
        W, b = layer["W"], layer["b"]
        rows, cols = sizes[l], sizes[l - 1]
        if not isinstance(W, list) or len(W) != rows or not all(isinstance(r, list) and len(r) == cols for r in W):
            raise _fail(path, f"layer {l}: W must be {rows} rows of {cols} numbers (sizes {sizes}), got {_shape(W)}")
        if not isinstance(b, list) or len(b) != rows:
            raise _fail(path, f"layer {l}: b must be {rows} numbers (sizes {sizes}), got {_shape(b)}")
        for j in range(rows):
            for i in range(cols):
                if not _number(W[j][i]):
                    raise _fail(path, f"parameter L{l}.N{j}.w{i} is {_show(W[j][i])}, not a finite number")
            if not _number(b[j]):
                raise _fail(path, f"parameter L{l}.N{j}.b is {_show(b[j])}, not a finite number")
    return sizes, d["activation"], d["output_activation"], layers


def _read_text(path):
    """The file's text: only a regular file (opened without blocking, so a FIFO cannot hang us) of a sane size."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"nn.io.load({path!r}): no such file") from None
    except PermissionError:
        raise PermissionError(f"nn.io.load({path!r}): no permission to read the file") from None
    except IsADirectoryError:  # Windows; on POSIX a folder opens, and fstat below says what it is
        raise _fail(path, "the path is a folder, not a regular file; a model is read from a file") from None
    try:
        st = os.fstat(fd)  # of what was opened, not of what the path names a moment later
        if not stat.S_ISREG(st.st_mode):
            raise _fail(path, f"the path is {describe(st.st_mode)}, not a regular file; a model is read from a file")
        if st.st_size > MAX_FILE_BYTES:
            raise _fail(
                path, f"the file has {st.st_size:,} bytes, more than a model file may have ({MAX_FILE_BYTES:,})"
            )
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE_BYTES + 1)  # a file that grows while we read stops here
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise _fail(path, f"the file has more than {MAX_FILE_BYTES:,} bytes, more than a model file may have")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(path, "the file is not text (not UTF-8); it is not an autograd-mini model") from None


def _shape(x):
    if isinstance(x, list):
        inner: set[Any] = {len(r) if isinstance(r, list) else None for r in x}
        if inner and None not in inner:
            return f"{len(x)} rows of {'/'.join(str(n) for n in sorted(inner))} numbers"
        return f"a list of {len(x)}"
    return type(x).__name__


def load(path: str | os.PathLike[str], into: MLP | None = None) -> MLP:
    """Read a model saved by ``save``: a new MLP, or, with ``into=model``, the weights loaded into that model.

    Any problem (not JSON, truncated, another format or version, sizes or activations that do not match ``into``,
    a missing or non-finite number) raises ``ValueError`` naming the file and the problem, and changes nothing.
    """
    path = os.fspath(path)
    text = _read_text(path)
    _check_nesting(text, path)
    try:
        d = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as err:
        raise _fail(
            path,
            f"not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}); the file is "
            f"damaged or truncated, or not a model file",
        ) from None
    sizes, activation, output_activation, layers = _validate(d, path)
    if into is None:
        model = MLP(sizes[0], sizes[1:], activation=activation, output_activation=output_activation, seed=0)
    else:
        model = into
        if not isinstance(model, MLP):
            raise TypeError(f"nn.io.load(into=...) takes an nn.MLP, got {type(model).__name__}")
        if list(model.sizes) != sizes or model.activations != [activation] * (len(sizes) - 2) + [output_activation]:
            raise _fail(
                path,
                f"the file holds a model of sizes {sizes} with activations "
                f"{activation}/{output_activation}, the model to load into is {model!r}; nothing "
                f"was changed",
            )
    # everything was validated above, so this sets every parameter or (on a bug) none: all or nothing
    set_all_weights(model, [layer["W"] for layer in layers], [layer["b"] for layer in layers], f"nn.io.load({path!r})")
    return model
