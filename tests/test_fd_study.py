"""nn.crosscheck.fd_study: the measured errors follow Taylor's theorem and the rounding of the working precision.

Oracles: functions whose derivatives are known in closed form (exp, a cubic), worked out in the comments, and the
theory of the module docstring: forward error h/2 f'' + O(h^2), central error h^2/6 f''' + O(h^4), round-off
~ u |f| / h with u = 2^-53 (float64) or 2^-24 (float32).
"""

import math

import numpy as np
import pytest

from nn import MLP
from nn.crosscheck.fd_study import differences, fd_study


def test_truncation_error_of_exp_matches_taylor():
    # f = exp at p = 1: f' = f'' = f''' = e. Forward: (e^(1+h) - e)/h - e = e (e^h - 1 - h)/h = e (h/2 + h^2/6 + ...)
    # so at h = 1e-3 the error is e * 5.0017e-4 = 1.35960e-3; central: e (sinh h / h - 1) = e h^2/6 (1 + h^2/20)
    # = 4.5305e-7 at h = 1e-3.
    f = lambda v: math.exp(v[0])
    fwd, cen = differences(f, np.array([1.0]), 1e-3)
    e = math.e
    assert fwd[0] - e == pytest.approx(e * (math.expm1(1e-3) - 1e-3) / 1e-3, rel=1e-6)
    assert fwd[0] - e == pytest.approx(1.35960e-3, rel=1e-4)
    assert cen[0] - e == pytest.approx(e * 1e-6 / 6, rel=1e-5)


def test_cubic_central_difference_is_exact_up_to_rounding():
    # f = x^3: central (x+h)^3 - (x-h)^3 = 6 x^2 h + 2 h^3, so the central quotient is 3x^2 + h^2 exactly:
    # at x = 2, h = 0.1 it is 12.01; forward (x+h)^3 - x^3 = 3x^2 h + 3 x h^2 + h^3: 12 + 0.6 + 0.01 = 12.61
    fwd, cen = differences(lambda v: v[0] ** 3, np.array([2.0]), 0.1)
    assert cen[0] == pytest.approx(12.01, abs=1e-12)
    assert fwd[0] == pytest.approx(12.61, abs=1e-12)


@pytest.fixture(scope="module")
def study():
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=1)
    rng = np.random.default_rng(1)
    for p in model.parameters():
        p.data = float(rng.normal())
    return fd_study(model, X=rng.normal(size=(3, 2)), Y=rng.uniform(size=(3, 1)))


def test_study_orders_of_truncation(study):
    # in the truncation regime one decade of h buys one decade (forward, error ~ h) or two (central, ~ h^2)
    r_fwd = study.error("forward", 1e-2) / study.error("forward", 1e-3)
    r_cen = study.error("central", 1e-2) / study.error("central", 1e-3)
    assert 7 < r_fwd < 14
    assert 70 < r_cen < 140


def test_study_round_off_grows_as_one_over_h(study):
    # below the best step the error is round-off ~ u |E| / h: each decade of h costs a decade of accuracy
    r = study.error("central", 1e-12) / study.error("central", 1e-10)
    assert 20 < r < 500
    assert study.error("central", 1e-12) > 1e-7 > study.error("central", study.best_central)
    # the best steps sit where the two meet: sqrt(u) ~ 1e-8 for forward, u^(1/3) ~ 5e-6 for central
    assert 1e-9 <= study.best_forward <= 1e-6
    assert 1e-7 <= study.best_central <= 1e-4
    assert study.error("central", study.best_central) < 1e-9


def test_float32_gives_document_004s_random_values(study):
    # with u = 6e-8 the best float32 result is some 1e-5..1e-3 off, and from h ~ 1e-6 on the forward difference
    # is wrong by a sizeable fraction of the gradient; below the float32 spacing near the parameters (h < ~1e-8)
    # p + h == p and the quotient is 0, so the error is the whole gradient
    assert min(study.forward32) > 1e-6
    assert study.noisy_step() is not None and study.noisy_step() >= 1e-7
    assert study.error("forward32", 1e-12) == pytest.approx(study.grad_scale, rel=1e-6)


def test_table_and_plot(study, tmp_path):
    text = str(study)
    assert "forward f64" in text and "1e-12" in text and "random values" in text
    path = tmp_path / "fd.png"
    study.plot(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_bad_loss():
    with pytest.raises(ValueError, match=r"fd_study\(\): loss 'hinge'"):
        fd_study(MLP(1, [1]), X=[[0.0]], Y=[[1.0]], loss="hinge")
