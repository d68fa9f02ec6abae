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
the target is either the old file or the complete new one, never half-written. Reading checks everything (JSON
syntax, format, version, sizes, activations, the shape of every matrix, finite numbers) before a model is built
or changed, and reports what is wrong as a ``ValueError`` that names the file.
"""

import json
import math
import numbers
import os
import tempfile
from typing import Any

from nn.matrices import bias_vector, set_all_weights, weight_matrix
from nn.module import ACTIVATIONS, MLP

__all__ = ["FORMAT", "VERSION", "load", "save", "to_dict"]

FORMAT = "autograd-mini-mlp"
VERSION = 1


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
    """Write ``model`` to ``path`` as JSON, atomically (temporary file in the same directory + ``os.replace``)."""
    text = json.dumps(to_dict(model), indent=1, allow_nan=False)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            # mkstemp makes 0600; the model file gets the mode any new file would. Inside the with, so that the
            # descriptor is closed even if this fails (os.chmod by path: os.fchmod is POSIX-only before 3.13)
            os.chmod(tmp, _file_mode(path))
            f.write(text)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _file_mode(path):
    """The mode of the file being replaced, or what a new file gets under this process's umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fail(path, what):
    return ValueError(f"nn.io.load({path!r}): {what}")


def _number(v):
    """A finite real number that fits a float (JSON integers can be as long as you like: 10**400 does not fit)."""
    if not isinstance(v, numbers.Real) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _validate(d, path):
    """Check a parsed file completely; returns (sizes, activation, output_activation, layers)."""
    if not isinstance(d, dict):
        raise _fail(path, f"the file holds a JSON {type(d).__name__}, not an autograd-mini model (an object)")
    if d.get("format") != FORMAT:
        raise _fail(path, f"not an autograd-mini model file (format {d.get('format')!r}, expected {FORMAT!r})")
    version = d.get("version")
    if version != VERSION:
        raise _fail(
            path,
            f"format version {version!r} is not supported; this autograd-mini reads version {VERSION} "
            f"(a newer file needs a newer autograd-mini)",
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
        raise _fail(path, f"'sizes' must be a list of at least two whole numbers >= 1, got {sizes!r}")
    for key in ("activation", "output_activation"):
        if d[key] not in ACTIVATIONS:
            raise _fail(path, f"{key!r} is {d[key]!r}; known activations are {', '.join(ACTIVATIONS)}")
    L = len(sizes) - 1
    expected = [d["activation"]] * (L - 1) + [d["output_activation"]]
    if "activations" in d and d["activations"] != expected:
        raise _fail(
            path, f"'activations' {d['activations']!r} disagrees with activation/output_activation ({expected!r})"
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
                    raise _fail(path, f"parameter L{l}.N{j}.w{i} is {W[j][i]!r}, not a finite number")
            if not _number(b[j]):
                raise _fail(path, f"parameter L{l}.N{j}.b is {b[j]!r}, not a finite number")
    return sizes, d["activation"], d["output_activation"], layers


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
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"nn.io.load({path!r}): no such file") from None
    except UnicodeDecodeError:
        raise _fail(path, "the file is not text (not UTF-8); it is not an autograd-mini model") from None
    try:
        d = json.loads(text)
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
