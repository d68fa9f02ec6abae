"""nn.data (geometry and determinism of the toy sets, the digits) and nn.app.plots (PNG files, right content)."""

import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from nn import MLP, SGD, fit, load_digits, make_circles, make_moons, make_xor
from nn.app.plots import plot_decision_boundary, plot_history
from nn.data import make_blobs, make_spiral
from nn.matrices import set_bias_vector, set_weight_matrix


def test_moons_lie_on_their_half_circles():
    X, y = make_moons(101, noise=0.0, seed=3)
    assert len(X) == len(y) == 101 and sorted(set(y)) == [0, 1]
    assert y.count(0) == 50 and y.count(1) == 51  # n // 2 on the upper moon
    for (x0, x1), label in zip(X, y):
        if label == 0:  # upper moon: radius 1 around (0, 0), x1 >= 0
            assert math.hypot(x0, x1) == pytest.approx(1.0) and x1 >= -1e-12
        else:  # lower moon: radius 1 around (1, 0.5), x1 <= 0.5
            assert math.hypot(x0 - 1.0, x1 - 0.5) == pytest.approx(1.0) and x1 <= 0.5 + 1e-12


def test_circles_and_xor_geometry():
    X, y = make_circles(60, noise=0.0, seed=1, factor=0.3)
    for (x0, x1), label in zip(X, y):
        assert math.hypot(x0, x1) == pytest.approx(1.0 if label == 0 else 0.3)
    X, y = make_xor(80, seed=4)
    assert all(label == (1 if x0 * x1 < 0 else 0) for (x0, x1), label in zip(X, y))
    assert all(-1 <= v <= 1 and abs(v) >= 0.05 for x in X for v in x)


def test_spirals_lie_on_their_arms():
    X, y = make_spiral(10, noise=0.0, seed=2)
    assert y.count(0) == 5 and y.count(1) == 5
    arm0 = sorted(tuple(x) for x, label in zip(X, y) if label == 0)
    arm1 = sorted(tuple(x) for x, label in zip(X, y) if label == 1)
    # t = 0, 1/4, 1/2, 3/4, 1 on each arm; by hand at the ends: t = 1, angle 1.75 pi = 315 degrees on arm 0:
    # (sin 315, cos 315) = (-0.7071, 0.7071); arm 1 is turned by pi: (0.7071, -0.7071); t = 1/2 on arm 0: angle
    # 157.5 degrees, (0.5 sin, 0.5 cos) = (0.19134, -0.46194); both arms start at the origin
    h = math.sqrt(0.5)
    assert (pytest.approx(-h), pytest.approx(h)) in arm0 and (pytest.approx(h), pytest.approx(-h)) in arm1
    assert (pytest.approx(0.19134, abs=1e-5), pytest.approx(-0.46194, abs=1e-5)) in arm0
    for x0, x1 in arm0:  # arm 1 is arm 0 turned by pi: (x0, x1) -> (-x0, -x1)
        assert any(math.isclose(-x0, a, abs_tol=1e-12) and math.isclose(-x1, b, abs_tol=1e-12) for a, b in arm1)
    radii = sorted(round(math.hypot(*x), 12) for x in X)  # r = t: 0, 0, 1/4, 1/4, ..., 1, 1
    assert radii == [0.0, 0.0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0, 1.0]


def test_blobs_sit_around_their_centres():
    X, y = make_blobs(11, noise=0.0, seed=1, spread=0.0)  # no spread: every point on its centre
    assert y.count(0) == 5 and y.count(1) == 6
    assert all(x == ([-0.6, -0.6] if label == 0 else [0.6, 0.6]) for x, label in zip(X, y))
    X, y = make_blobs(4000, noise=0.1, seed=3)  # spread 0.2: sd sqrt(0.2^2 + 0.1^2) = 0.2236 per coordinate
    for label, centre in ((0, -0.6), (1, 0.6)):
        points = np.array([x for x, t in zip(X, y) if t == label])
        assert np.abs(points.mean(axis=0) - centre).max() < 0.02  # 2000 points: the mean's sd is 0.005
        assert np.abs(points.std(axis=0) - math.sqrt(0.05)).max() < 0.015


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor, make_spiral, make_blobs])
def test_data_is_deterministic_from_the_seed(make):
    random.seed(0)
    state = random.getstate()
    a = make(50, seed=7)
    assert a == make(50, seed=7)
    assert a != make(50, seed=8)
    assert random.getstate() == state  # no global random state used
    assert set(a[1]) == {0, 1}


def test_data_errors():
    with pytest.raises(ValueError, match=r"make_moons\(\): n \(the number of points\) must be a whole number >= 2"):
        make_moons(1)
    with pytest.raises(ValueError, match=r"make_circles\(\): noise .* must be >= 0, got -0.1"):
        make_circles(10, noise=-0.1)
    with pytest.raises(ValueError, match=r"make_spiral\(\): n \(the number of points\) must be a whole number >= 2"):
        make_spiral(1)
    with pytest.raises(ValueError, match=r"make_blobs\(\): spread .* must be >= 0, got nan"):
        make_blobs(10, spread=float("nan"))


def test_load_digits():
    pytest.importorskip("sklearn")
    X, y = load_digits()
    assert len(X) == len(y) == 1797 and len(X[0]) == 64
    assert min(min(r) for r in X) == 0.0 and max(max(r) for r in X) == 1.0  # pixel values 0..16, divided by 16
    assert sorted(set(y)) == list(range(10))
    X3, y3 = load_digits(n_class=3)
    assert sorted(set(y3)) == [0, 1, 2]


def test_load_digits_without_sklearn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"needs scikit-learn.*pip install scikit-learn"):
        load_digits()


# -- plots ---------------------------------------------------------------------------------------------------------


def _png(path):
    import matplotlib.image

    path = Path(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(str(path))[..., :3]


def _has_colour(img, rgb, tol=0.04):
    return bool(np.any(np.all(np.abs(img - np.array(rgb)) < tol, axis=-1)))


def test_decision_boundary_of_a_known_line(tmp_path):
    pytest.importorskip("matplotlib")
    # s = x0 - x1: class 1 below the diagonal. The picture must show both region colours and both point colours.
    model = MLP(2, [1], seed=0)
    set_weight_matrix(model, 1, [[1.0, -1.0]])
    set_bias_vector(model, 1, [0.0])
    X = [[1.0, 0.0], [0.0, 1.0], [0.8, 0.1], [0.2, 0.9]]
    y = [1, 0, 1, 0]
    fig = plot_decision_boundary(model, X, y, tmp_path / "line.png")
    assert fig.axes[0].get_xlabel() == "x[0]"  # the figure is returned, for a notebook to show
    img = _png(tmp_path / "line.png")
    h, w, _ = img.shape
    # region colours blended at alpha 0.55 on white: class 0 #9ecae1, class 1 #fdae6b
    blue = 0.45 + 0.55 * np.array([0x9E, 0xCA, 0xE1]) / 255
    orange = 0.45 + 0.55 * np.array([0xFD, 0xAE, 0x6B]) / 255
    assert _has_colour(img, blue) and _has_colour(img, orange)
    # the upper left of the plotting area is class 0 (x1 > x0), the lower right class 1
    top_left = img[int(h * 0.2), int(w * 0.2)]  # about (-0.05, 1.0): away from the points and the legend
    bottom_right = img[int(h * 0.85), int(w * 0.6)]  # about (0.6, -0.1)
    assert np.allclose(top_left, blue, atol=0.04) and np.allclose(bottom_right, orange, atol=0.04)


def test_plots_of_a_trained_moons_model(tmp_path):
    pytest.importorskip("matplotlib")
    X, y = make_moons(60, 0.1, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    h = fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.5), epochs=25, l2=1e-4,
            validation=(X, y))  # fmt: skip
    plot_history(h, tmp_path / "history.png")
    img = _png(tmp_path / "history.png")
    assert img.shape[1] > img.shape[0]  # two panels side by side
    assert _has_colour(img, np.array([0x1F, 0x77, 0xB4]) / 255)  # the training curve (C0)
    assert _has_colour(img, np.array([0xFF, 0x7F, 0x0E]) / 255)  # the validation curve (C1)
    plot_decision_boundary(model, X, y, tmp_path / "moons.png")
    _png(tmp_path / "moons.png")
    with pytest.raises(ValueError, match=r"needs 2-D points and a model with 2 inputs"):
        plot_decision_boundary(MLP(3, [1], seed=0), [[0, 0, 0]], [0], tmp_path / "x.png")
