"""micrograd's demo (karpathy/micrograd, demo.ipynb) reproduced: the same step as micrograd, then 100% accuracy.

A file of its own because it is the one slow test of nn (100 training steps of MLP(2, [16, 16, 1]) on 100 points:
about 10 s on an idle machine, 20-35 s on a busy one).
"""

import random

import numpy as np
import pytest

from nn import MLP, SGD, accuracy, fit

# -- micrograd's demo (karpathy/micrograd, demo.ipynb) -----------------------------------------------------------


def _micrograd_step(mm, X, y, k):
    """One step of micrograd's demo notebook, verbatim, with micrograd's own Value and MLP."""
    from micrograd.engine import Value as MV

    inputs = [list(map(MV, xrow)) for xrow in X]
    scores = list(map(mm, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in mm.parameters())
    total_loss = data_loss + reg_loss
    mm.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in mm.parameters():
        p.data -= learning_rate * p.grad
    return total_loss.data


@pytest.mark.slow
def test_micrograd_demo_step_for_step_and_to_100_percent():
    pytest.importorskip("micrograd")
    sk = pytest.importorskip("sklearn.datasets")
    from micrograd.nn import MLP as MicroMLP

    # the demo's data: np.random.seed(1337); make_moons(n_samples=100, noise=0.1) is this call
    X, y01 = sk.make_moons(n_samples=100, noise=0.1, random_state=1337)
    X, y01 = X.tolist(), y01.tolist()
    ypm = [2 * t - 1 for t in y01]
    # the demo's model: random.seed(1337); MLP(2, [16, 16, 1]). init="micrograd" draws the same uniform(-1, 1)
    # numbers in the same order from our own generator.
    state = random.getstate()
    random.seed(1337)
    micro = MicroMLP(2, [16, 16, 1])
    random.setstate(state)
    model = MLP(2, [16, 16, 1], seed=random.Random(1337), init="micrograd")
    assert [p.data for p in model.parameters()] == [p.data for p in micro.parameters()]

    opt = SGD(model.parameters(), lr=1.0)

    def schedule(epoch, offset=0):
        return 1.0 - 0.9 * (epoch + offset) / 100

    for k in range(1):  # micrograd takes 1.5-3 s per step, so the first step is compared
        micro_loss = _micrograd_step(micro, X, ypm, k)
        h = fit(model, X, y01, loss="hinge", optimizer=opt, epochs=1, l2=1e-4, shuffle=False,
                lr_schedule=lambda e, k=k: schedule(e, k), progress=False)  # fmt: skip
        assert h.loss[0] == pytest.approx(micro_loss, rel=1e-13)
        np.testing.assert_allclose([p.data for p in model.parameters()], [p.data for p in micro.parameters()],
                                   rtol=0, atol=1e-14)  # fmt: skip
    # the remaining 99 steps with ours alone; the notebook ends at loss 0.0110, accuracy 100%
    h = fit(model, X, y01, loss="hinge", optimizer=opt, epochs=99, l2=1e-4, shuffle=False,
            lr_schedule=lambda e: schedule(e, 1), progress=False)  # fmt: skip
    assert h.loss[-1] == pytest.approx(0.0110, abs=5e-4)
    assert accuracy(model, X, y01) == 1.0
