"""nn.losses against torch float64 and hand-worked numbers, including logits of +-1000 (no overflow, no log(0))."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value
from nn.losses import LOSSES, bce, bce_with_logits, half_sse, hinge, mse, softmax_cross_entropy, sse

D = torch.float64  # every tensor here is float64 (the global default dtype is left alone)


def _ours(fn, values, target):
    xs = [Value(v) for v in values]
    loss = fn(xs if len(xs) > 1 else xs[0], target)
    loss.backward()
    return loss.data, [x.grad for x in xs]


def _torch(fn, values):
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    loss = fn(t)
    loss.backward()
    return loss.item(), t.grad.tolist()


def _agree(ours, theirs, tol=1e-12):
    (lo, go), (lt, gt) = ours, theirs
    assert math.isfinite(lo) and all(math.isfinite(g) for g in go)
    assert lo == pytest.approx(lt, rel=tol, abs=tol)
    assert go == pytest.approx(gt, rel=tol, abs=tol)


def test_squared_errors_by_hand():
    a, y = [Value(0.5), Value(2.0)], [1.0, 1.0]
    # half_sse = 1/2 ((1-0.5)^2 + (1-2)^2) = 1/2 (0.25 + 1) = 0.625, d/da_j = a_j - y_j = [-0.5, 1.0] (doc 001, 2.1)
    E = half_sse(a, y)
    E.backward()
    assert E.data == 0.625 and [v.grad for v in a] == [-0.5, 1.0]
    # sse = 0.25 + 1 = 1.25, d/da_j = 2 (a_j - y_j) = [-1, 2];  mse = 1.25 / 2 = 0.625, d/da_j = [-0.5, 1]
    a = [Value(0.5), Value(2.0)]
    E = sse(a, y)
    E.backward()
    assert E.data == 1.25 and [v.grad for v in a] == [-1.0, 2.0]
    a = [Value(0.5), Value(2.0)]
    E = mse(a, y)
    E.backward()
    assert E.data == 0.625 and [v.grad for v in a] == [-0.5, 1.0]


def test_hinge_by_hand():
    # max(0, 1 - y s): s = 0.3, y = -1 -> 1.3, d/ds = -y = 1;  s = 2, y = 1 -> 0, d/ds = 0 (past the margin)
    s = Value(0.3)
    loss = hinge(s, -1)
    loss.backward()
    assert loss.data == 1.3 and s.grad == 1.0
    s = Value(2.0)
    loss = hinge(s, 1)
    loss.backward()
    assert loss.data == 0.0 and s.grad == 0.0
    with pytest.raises(ValueError, match=r"hinge\(\): the label must be -1 or \+1, got 0.0; labels 0/1 become"):
        hinge(Value(0.1), 0)


LOGITS = [-1000.0, -745.0, -40.0, -1.5, 0.0, 1e-9, 0.7, 40.0, 745.0, 1000.0]


@pytest.mark.parametrize("z", LOGITS)
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_bce_with_logits_matches_torch_at_any_logit(z, y):
    theirs = _torch(lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor([y], dtype=D)), [z])
    _agree(_ours(bce_with_logits, [z], y), theirs)


@pytest.mark.parametrize("z", LOGITS)
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_bce_of_a_sigmoid_is_stable(z, y):
    # sigma(+-1000) rounds to 1.0 / 0.0; a naive -log(1 - p) would be log(0). bce() of a sigmoid node goes through
    # the logit, so it equals torch's BCEWithLogits of z (the same function, computed stably).
    theirs = _torch(lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor([y], dtype=D)), [z])
    _agree(_ours(lambda x, t: bce(x.sigmoid(), t), [z], y), theirs)


@given(p=st.floats(1e-6, 1 - 1e-6), y=st.floats(0.0, 1.0))
def test_bce_on_probabilities_matches_torch(p, y):
    theirs = _torch(lambda t: F.binary_cross_entropy(t, torch.tensor([y], dtype=D)), [p])
    _agree(_ours(bce, [p], y), theirs, tol=1e-10)


def test_bce_at_exact_zero_and_one_is_finite_like_torch():
    # torch clamps log at -100: BCE(p=0, y=1) = 100, BCE(p=1, y=0) = 100, BCE(0, 0) = 0
    for p, y, expected in [(0.0, 1.0, 100.0), (1.0, 0.0, 100.0), (0.0, 0.0, 0.0), (1.0, 1.0, 0.0)]:
        assert bce(Value(p), y).data == expected
        assert F.binary_cross_entropy(torch.tensor(p, dtype=D), torch.tensor(y, dtype=D)).item() == expected


SOFTMAX_CASES = [
    ([1000.0, -1000.0, 0.0], 0),
    ([1000.0, -1000.0, 0.0], 1),
    ([1000.0, 1000.0, 999.0], 2),
    ([-1000.0, -1000.0], 0),
    ([0.1, 0.2, 0.3, -0.4], 3),
    ([745.0, -745.0, 30.0, 2.0], 2),
]


@pytest.mark.parametrize("logits,c", SOFTMAX_CASES)
def test_softmax_cross_entropy_matches_torch_at_large_logits(logits, c):
    theirs = _torch(lambda t: F.cross_entropy(t[None, :], torch.tensor([c])), logits)
    _agree(_ours(softmax_cross_entropy, logits, c), theirs)


@pytest.mark.parametrize("logits,target", [([1000.0, -1000.0, 0.0], [0.0, 1.0, 0.0]), ([0.3, -2.0], [0.25, 0.75])])
def test_softmax_cross_entropy_with_target_vectors_matches_torch(logits, target):
    theirs = _torch(lambda t: F.cross_entropy(t[None, :], torch.tensor([target], dtype=D)), logits)
    _agree(_ours(softmax_cross_entropy, logits, target), theirs)


@given(
    logits=st.lists(st.floats(-50, 50), min_size=2, max_size=6),
    data=st.data(),
)
def test_softmax_cross_entropy_property(logits, data):
    c = data.draw(st.integers(0, len(logits) - 1))
    theirs = _torch(lambda t: F.cross_entropy(t[None, :], torch.tensor([c])), logits)
    _agree(_ours(softmax_cross_entropy, logits, c), theirs, tol=1e-10)


@given(
    a=st.lists(st.floats(-10, 10), min_size=1, max_size=4),
    data=st.data(),
)
def test_squared_errors_match_torch(a, data):
    y = data.draw(st.lists(st.floats(-10, 10), min_size=len(a), max_size=len(a)))
    yt = torch.tensor(y, dtype=D)
    _agree(_ours(half_sse, a, y), _torch(lambda t: 0.5 * ((yt - t) ** 2).sum(), a), tol=1e-10)
    _agree(_ours(sse, a, y), _torch(lambda t: ((t - yt) ** 2).sum(), a), tol=1e-10)
    _agree(_ours(mse, a, y), _torch(lambda t: F.mse_loss(t, yt), a), tol=1e-10)


def test_loss_table_and_errors():
    assert set(LOSSES) == {"half_sse", "sse", "mse", "hinge", "bce", "bce_logits", "softmax_ce"}
    with pytest.raises(ValueError, match=r"half_sse\(\): 2 outputs but 3 targets"):
        half_sse([Value(1.0), Value(2.0)], [1, 2, 3])
    with pytest.raises(ValueError, match=r"class index 3 is out of range for 3 logits \(0..2\)"):
        softmax_cross_entropy([Value(0.0)] * 3, 3)
    with pytest.raises(ValueError, match=r"bce_with_logits\(\): targets must lie in \[0, 1\]"):
        bce_with_logits(Value(0.0), -1)
    with pytest.raises(ValueError, match=r"bce\(\): the prediction must be a probability in \[0, 1\], got 1.5"):
        bce(Value(1.5), 1)
