"""fit decides its own grad mode, as torch.func's and JAX's transforms do (issue 19): a caller's ``no_grad()`` does
not stop it from training, in the calling thread or another. Before: ``fit(engine="nodes")`` inside ``no_grad()``
built no graph, every gradient stayed 0 and it silently trained nothing.

Oracle: the same full-batch SGD steps in torch float64 (mean binary cross-entropy of a sigmoid output).
"""

import threading

import numpy as np
import pytest
import torch

from autograd_mini import Value, is_grad_enabled, no_grad
from nn import MLP, SGD, fit
from nn.matrices import weight_matrix
from nn.torch_bridge import to_torch

X = [[0.5, -1.0], [1.5, 0.2], [-0.4, 0.9], [0.0, 0.3], [-1.2, -0.6]]
Y = [1, 0, 1, 0, 1]
LR, EPOCHS = 0.5, 3


def _model():
    return MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=4)


def _torch_oracle():
    """(the loss of each epoch, the final weight matrices) of the same steps in torch float64."""
    seq = to_torch(_model())
    opt = torch.optim.SGD(seq.parameters(), lr=LR)
    xb = torch.tensor(X, dtype=torch.float64)
    yb = torch.tensor([[float(t)] for t in Y], dtype=torch.float64)
    losses = []
    for _ in range(EPOCHS):
        loss = torch.nn.functional.binary_cross_entropy(seq(xb), yb)  # the mean over the batch, as fit takes it
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [seq[0].weight.detach().numpy(), seq[2].weight.detach().numpy()]


def _fit(engine):
    model = _model()
    history = fit(model, X, Y, loss="bce", optimizer=SGD(model.parameters(), lr=LR), epochs=EPOCHS, engine=engine)
    return history, model


def _agrees_with_torch(history, model):
    losses, weights = _torch_oracle()
    assert history.loss == pytest.approx(losses, rel=1e-12)
    for layer, expected in zip((1, 2), weights):
        np.testing.assert_allclose(weight_matrix(model, layer), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("engine", ["nodes", "compiled"])
def test_fit_trains_inside_a_callers_no_grad_as_torch_func_transforms_do(engine):
    with no_grad():
        history, model = _fit(engine)
        assert not is_grad_enabled()  # the caller's mode is back after fit, inside the block
        assert (Value(2.0) * 3)._op is None  # and still records nothing
    _agrees_with_torch(history, model)


def test_fit_in_a_thread_inside_no_grad_trains_and_leaves_the_threads_mode():
    result = {}

    def worker():
        with no_grad():
            result["run"] = _fit("nodes")
            result["mode after"] = is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    _agrees_with_torch(*result["run"])
    assert result["mode after"] is False
    assert is_grad_enabled()  # the main thread's mode was never touched


def test_fit_trains_while_another_thread_sits_in_no_grad():
    inside, release = threading.Event(), threading.Event()

    def other():
        with no_grad():
            inside.set()
            release.wait(timeout=60)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(timeout=60)
    try:
        run = _fit("nodes")
    finally:
        release.set()
        thread.join(timeout=60)
    _agrees_with_torch(*run)


def test_evaluate_through_the_program_and_the_probe_decide_their_grad_mode_too():
    from nn import evaluate
    from nn.probe import estimate_fit

    model = _model()
    expected = evaluate(model, X, Y, "bce")  # the node engine's forward passes
    with no_grad():
        assert evaluate(model, X, Y, "bce", engine="compiled") == expected  # the trace needs a graph: made anyway
        # a trace under no_grad() would be a constant program, refused by its check at the other samples
        estimate = estimate_fit(model, X, Y, "bce", epochs=5, engine="compiled")
    assert estimate.seconds > 0
