"""Small data sets: two moons, XOR, circles, two spirals, two blobs (plain Python, deterministic from a seed) and the
8x8 digits; and the checks every function that takes a learner's data makes (``check_data``).

Each data set function returns ``(X, y)``: ``X`` a list of samples (each a list of floats), ``y`` a list of int
labels 0/1 (``load_digits``: 0..9). ``nn.train.fit`` turns 0/1 into -1/+1 for the hinge loss. The generators use
their own ``random.Random(seed)``, never the global random state, so the same seed gives the same points everywhere.

Nothing goes silently wrong: samples and targets with a NaN or infinite number are refused (by ``fit``,
``evaluate``, ``accuracy`` and ``predict``, naming the sample), since one NaN would spread into every weight.
"""

import math
import numbers
import random
from typing import Any

from autograd_mini import Value

__all__ = [
    "check_data",
    "check_finite",
    "input_rows",
    "load_digits",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spiral",
    "make_xor",
]

DataSet = tuple[list[list[float]], list[int]]  # (X, y): samples as lists of floats, and their labels


def _check(n, noise, where):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < 2:
        raise ValueError(f"{where}: n (the number of points) must be a whole number >= 2, got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not float(noise) >= 0 or math.isinf(noise):
        raise ValueError(f"{where}: noise (the standard deviation of the Gaussian jitter) must be >= 0, got {noise!r}")


def _linspace(a, b, n):
    return [a + (b - a) * k / (n - 1) for k in range(n)] if n > 1 else [a]


def _finish(points, rng, noise):
    """Shuffle (label order would otherwise be 0...0 1...1) and add N(0, noise^2) to every coordinate."""
    rng.shuffle(points)
    X = [[x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)] if noise else [x0, x1] for x0, x1, _ in points]
    y = [label for _, _, label in points]
    return X, y


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> DataSet:
    """Two interleaving half circles (the shape of scikit-learn's ``make_moons``; not the same random numbers).

    Upper moon (label 0): (cos t, sin t), lower moon (label 1): (1 - cos t, 1/2 - sin t), t evenly in [0, pi],
    n // 2 points on the upper moon and the rest on the lower one.
    """
    _check(n, noise, "make_moons()")
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    points = [(math.cos(t), math.sin(t), 0) for t in _linspace(0.0, math.pi, n_out)]
    points += [(1.0 - math.cos(t), 0.5 - math.sin(t), 1) for t in _linspace(0.0, math.pi, n_in)]
    return _finish(points, rng, noise)


def make_circles(n: int = 100, noise: float = 0.05, seed: int = 0, factor: float = 0.5) -> DataSet:
    """Two concentric circles: radius 1 (label 0, n // 2 points) and radius ``factor`` (label 1, the rest)."""
    _check(n, noise, "make_circles()")
    if not 0 < factor < 1:
        raise ValueError(f"make_circles(): factor (inner radius / outer radius) must be in (0, 1), got {factor!r}")
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    points = [(math.cos(t), math.sin(t), 0) for t in (2 * math.pi * k / n_out for k in range(n_out))]
    points += [(factor * math.cos(t), factor * math.sin(t), 1) for t in (2 * math.pi * k / n_in for k in range(n_in))]
    return _finish(points, rng, noise)


def make_xor(n: int = 100, seed: int = 0, noise: float = 0.0) -> DataSet:
    """Points uniform in the square [-1, 1]^2; label 1 where the two coordinates have opposite signs (x0 * x1 < 0).

    No single line separates the classes (the classic case a network needs a hidden layer for). Points closer
    than 0.05 to an axis are drawn again, so the two classes have a visible gap before the optional jitter.
    """
    _check(n, noise, "make_xor()")
    rng = random.Random(seed)
    points: list[tuple[float, float, int]] = []
    while len(points) < n:
        x0, x1 = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        if abs(x0) < 0.05 or abs(x1) < 0.05:
            continue
        points.append((x0, x1, 1 if x0 * x1 < 0 else 0))
    return _finish(points, rng, noise)


def make_spiral(n: int = 100, noise: float = 0.0, seed: int = 0) -> DataSet:
    """Two interleaved spirals, TensorFlow Playground's hardest set: radius r = t and angle 1.75 pi t (plus pi for
    label 1), t evenly in [0, 1], the point (r sin(angle), r cos(angle)); n // 2 points on the spiral of label 0,
    the rest on the other; then the jitter N(0, noise^2) on each coordinate."""
    _check(n, noise, "make_spiral()")
    rng = random.Random(seed)
    points = []
    for label, count in ((0, n // 2), (1, n - n // 2)):
        for t in _linspace(0.0, 1.0, count):
            angle = 1.75 * math.pi * t + label * math.pi
            points.append((t * math.sin(angle), t * math.cos(angle), label))
    return _finish(points, rng, noise)


def make_blobs(n: int = 100, noise: float = 0.0, seed: int = 0, spread: float = 0.2) -> DataSet:
    """Two round Gaussian blobs, the easy set: label 0 around (-0.6, -0.6), label 1 around (0.6, 0.6), each
    coordinate N(centre, spread^2); n // 2 points of label 0, the rest of label 1; then the jitter N(0, noise^2)
    (so a coordinate's standard deviation is sqrt(spread^2 + noise^2))."""
    _check(n, noise, "make_blobs()")
    if isinstance(spread, bool) or not isinstance(spread, numbers.Real) or not 0 <= spread < math.inf:
        raise ValueError(f"make_blobs(): spread (the standard deviation around a centre) must be >= 0, got {spread!r}")
    rng = random.Random(seed)
    points = []
    for label, count, centre in ((0, n // 2, -0.6), (1, n - n // 2, 0.6)):
        points += [(rng.gauss(centre, spread), rng.gauss(centre, spread), label) for _ in range(count)]
    return _finish(points, rng, noise)


def load_digits(n_class: int = 10, scale: bool = True) -> tuple[list[list[float]], list[int]]:
    """The 8x8 handwritten digits that scikit-learn ships (1797 images, no download): X is 64 pixel values per
    image (0..16, divided by 16 when ``scale``), y the digit 0..9 (only digits < ``n_class``)."""
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError:
        raise ImportError(
            "nn.data.load_digits() needs scikit-learn, which ships the 8x8 digits data set: "
            "pip install 'autograd-mini[plot]' (or pip install scikit-learn)"
        ) from None
    if isinstance(n_class, bool) or not isinstance(n_class, numbers.Integral) or not 2 <= n_class <= 10:
        raise ValueError(f"load_digits(): n_class must be a whole number from 2 to 10, got {n_class!r}")
    digits = _sk_load_digits(n_class=int(n_class))
    div = 16.0 if scale else 1.0
    X = [[float(v) / div for v in row] for row in digits.data]
    y = [int(t) for t in digits.target]
    return X, y


# -- checks of a learner's data ----------------------------------------------------------------------------------


def check_data(X: Any, y: Any, where: str) -> tuple[list[Any], list[Any]]:
    """X and y as lists that pair up, every number in them finite (a NaN would silently spread into the weights)."""
    X = _as_list(X, "X", "the samples", where)
    y = _as_list(y, "y", "the targets, one per sample", where)
    if not X:
        raise ValueError(f"{where}: no samples (X is empty)")
    if len(X) != len(y):
        raise ValueError(f"{where}: {len(X)} samples in X but {len(y)} targets in y; they must pair up")
    for name, items in (("X", X), ("y", y)):
        for k, item in enumerate(items):
            check_finite(item, f"{name}[{k}]", where)
    return X, y


def _as_list(items: Any, name: str, what: str, where: str) -> list[Any]:
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{where}: {name} must be a sequence ({what}), got {type(items).__name__} {items!r:.80}")
    return list(items)


def check_finite(item: Any, name: str, where: str) -> None:
    """Raise ValueError naming the first NaN or infinite number in a sample or target (nested lists included)."""
    if isinstance(item, Value):
        item = item.data
    if isinstance(item, numbers.Real) and not isinstance(item, bool):
        try:
            finite = math.isfinite(item)
        except OverflowError:  # an int beyond 1.8e308
            finite = False
        if not finite:
            raise ValueError(
                f"{where}: {name} is {item!r:.40}; samples and targets must be finite numbers "
                f"(drop or fill in missing values, and clip or rescale huge ones)"
            )
    elif isinstance(item, (list, tuple)) or hasattr(item, "__array__"):
        for k, part in enumerate(item):
            check_finite(part, f"{name}[{k}]", where)


def input_rows(X: list[Any], n: int, where: str) -> list[list[float]]:
    """The samples as lists of ``n`` floats each (what a compiled program takes), or a named error."""
    rows = []
    for k, x in enumerate(X):
        if len(x) != n:
            raise ValueError(f"{where}: sample {k} has {len(x)} inputs, the model takes {n}")
        try:
            rows.append([float(v) for v in x])
        except (TypeError, ValueError):
            raise TypeError(f"{where}: sample {k} must be numbers, got {x!r:.80}") from None
    return rows
