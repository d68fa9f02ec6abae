"""nn.train.fit against torch and micrograd: batches, shuffling, L2, evaluation under no_grad, micrograd's demo."""

import argparse
import math
import random

import numpy as np
import pytest
import torch

import autograd_mini
from nn import MLP, SGD, accuracy, evaluate, fit, make_moons
from nn.app.train_command import add_arguments, run
from nn.matrices import set_bias_vector, set_weight_matrix, weight_matrix
from nn.torch_bridge import to_torch

# -- fit against torch: batches, shuffling, the mean over the batch, L2 ---------------------------------------------


def _small_problem():
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=4)
    X = [[0.5, -1.0], [1.5, 0.2], [-0.4, 0.9], [0.0, 0.3], [-1.2, -0.6]]
    y = [1, 0, 1, 0, 1]
    return model, X, y


@pytest.mark.parametrize("batch_size,l2", [(2, 0.0), (5, 0.01), (1, 0.0)])
def test_fit_equals_torch_minibatch_sgd(batch_size, l2):
    model, X, y = _small_problem()
    seq = to_torch(model)
    topt = torch.optim.SGD(seq.parameters(), lr=0.3)
    history = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.3), epochs=3,
                  batch_size=batch_size, seed=42, l2=l2)  # fmt: skip
    # the documented order: random.Random(seed) shuffles the index list at the start of every epoch
    rng, order = random.Random(42), list(range(len(X)))
    losses = []
    for _ in range(3):
        rng.shuffle(order)
        epoch = 0.0
        for first in range(0, len(X), batch_size):
            batch = order[first : first + batch_size]
            xb = torch.tensor([X[k] for k in batch], dtype=torch.float64)
            yb = torch.tensor([[float(y[k])] for k in batch], dtype=torch.float64)
            # E = 1/N sum_k E^k (+ l2 sum p^2): the mean of document 001, 2.2
            loss = torch.nn.functional.binary_cross_entropy(seq(xb), yb, reduction="mean")
            loss = loss + l2 * sum((p**2).sum() for p in seq.parameters())
            topt.zero_grad()
            loss.backward()
            topt.step()
            epoch += loss.item() * len(batch)
        losses.append(epoch / len(X))
    assert history.loss == pytest.approx(losses, rel=1e-12)
    np.testing.assert_allclose(weight_matrix(model, 1), seq[0].weight.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(weight_matrix(model, 2), seq[2].weight.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_class_indices_become_one_hot_targets_for_squared_error():
    # the lecture notes' setting: sigmoid outputs y_j, E = 1/2 sum_j (y_j - a_j^L)^2, the class as a one-hot y
    model = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=2)
    seq = to_torch(model)
    X = [[0.5, -1.0], [1.5, 0.2], [-0.4, 0.9]]
    y = [1, 0, 1]
    h = fit(model, X, y, loss="half_sse", optimizer=SGD(model.parameters(), lr=2.0), epochs=1)
    onehot = torch.tensor([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    out = seq(torch.tensor(X, dtype=torch.float64))
    loss = (0.5 * ((onehot - out) ** 2).sum(dim=1)).mean()
    loss.backward()
    with torch.no_grad():
        for p in seq.parameters():
            p -= 2.0 * p.grad
    assert h.loss[0] == pytest.approx(loss.item(), rel=1e-13)
    np.testing.assert_allclose(weight_matrix(model, 2), seq[2].weight.detach().numpy(), rtol=1e-12, atol=1e-14)
    predicted = out.argmax(dim=1).tolist()  # accuracy = argmax of the outputs against the class, before the step
    assert h.accuracy[0] == pytest.approx(np.mean([p == t for p, t in zip(predicted, y)]))


def test_shuffling_is_seeded_and_touches_no_global_state():
    X, y = make_moons(40, 0.1, seed=2)
    random.seed(99)
    state = random.getstate()
    runs = []
    for seed in (5, 5, 6):
        model = MLP(2, [4, 1], seed=0)
        fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), epochs=2, batch_size=8, seed=seed)
        runs.append(model.state_dict())
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert random.getstate() == state


def test_labels_01_and_pm1_give_the_same_hinge_training():
    X, y = make_moons(30, 0.1, seed=1)
    a, b = MLP(2, [4, 1], seed=3), MLP(2, [4, 1], seed=3)
    ha = fit(a, X, y, loss="hinge", optimizer=SGD(a.parameters(), lr=0.5), epochs=3)
    hb = fit(b, X, [2 * t - 1 for t in y], loss="hinge", optimizer=SGD(b.parameters(), lr=0.5), epochs=3)
    assert ha.as_dict() | {"seconds": None} == hb.as_dict() | {"seconds": None}
    assert a.state_dict() == b.state_dict()


def test_evaluation_runs_under_no_grad_and_matches_torch():
    model, X, y = _small_problem()
    seen = []
    original = model.__call__

    class Spy(type(model)):
        def __call__(self, x):
            seen.append(autograd_mini.is_grad_enabled())
            return original(x)

    model.__class__ = Spy
    loss, acc = evaluate(model, X, y, loss="bce")
    assert seen == [False] * len(X)
    seq = to_torch(model)
    out = seq(torch.tensor(X, dtype=torch.float64))[:, 0]
    expected = torch.nn.functional.binary_cross_entropy(out, torch.tensor(y, dtype=torch.float64)).item()
    assert loss == pytest.approx(expected, rel=1e-12)
    assert acc == np.mean((out.detach().numpy() > 0.5) == np.array(y, dtype=bool))
    seen.clear()
    h = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, validation=(X, y))
    assert seen == [True] * 5 + [False] * 5 + [True] * 5 + [False] * 5  # train, validate, train, validate
    assert len(h.val_loss) == len(h.val_accuracy) == len(h.loss) == 2
    assert h.val_loss[-1] == pytest.approx(evaluate(model, X, y, loss="bce")[0], rel=1e-15)


def test_accuracy_by_hand():
    # one linear neuron s = x0 - x1: points (2, 1) -> 1, (0, 1) -> -1, (1, 3) -> -2, (3, 0) -> 3
    model = MLP(2, [1], output_activation="linear", seed=0)
    set_weight_matrix(model, 1, [[1.0, -1.0]])
    set_bias_vector(model, 1, [0.0])
    X = [[2, 1], [0, 1], [1, 3], [3, 0]]
    # score > 0 is class 1: predictions 1, 0, 0, 1; labels 1, 1, 0, 0 -> 2 right of 4
    assert accuracy(model, X, [1, 1, 0, 0]) == 0.5
    assert accuracy(model, X, [1, -1, -1, 1], loss="hinge") == 1.0
    # squared error on 0/1 labels: the threshold is halfway, 0.5: scores 1, -1, -2, 3 -> 1, 0, 0, 1
    assert accuracy(model, X, [1, 0, 0, 0], loss="mse") == 0.75
    # several outputs: argmax against class indices
    multi = MLP(2, [2], output_activation="linear", seed=0)
    set_weight_matrix(multi, 1, [[1.0, 0.0], [0.0, 1.0]])  # class = the larger coordinate
    assert accuracy(multi, X, [0, 1, 1, 0], loss="softmax_ce") == 1.0


def test_fit_errors():
    model, X, y = _small_problem()
    with pytest.raises(ValueError, match=r"fit\(\): 5 samples in X but 4 targets in y"):
        fit(model, X, y[:4])
    with pytest.raises(ValueError, match=r"fit\(\): batch_size must be a whole number >= 1"):
        fit(model, X, y, batch_size=0)
    with pytest.raises(ValueError, match=r"unknown loss 'cross'"):
        fit(model, X, y, loss="cross")
    with pytest.raises(ValueError, match=r"the hinge loss needs labels 0/1 or -1/\+1, got the values \[0.0, 2.0\]"):
        fit(model, X, [0, 2, 0, 2, 0], loss="hinge")
    with pytest.raises(ValueError, match=r"lr_schedule\(0\) gave -1.0"):
        fit(model, X, y, loss="bce", lr_schedule=lambda e: -1.0)


def test_progress_bar_on_request(capsys):
    model, X, y = _small_problem()
    fit(model, X, y, loss="bce", epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "3/3" in err
    fit(model, X, y, loss="bce", epochs=3)  # auto: stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""


def test_train_subcommand(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    model_path, plot_path = tmp_path / "m.json", tmp_path / "h.png"
    args = parser.parse_args(["--data", "xor", "--n", "40", "--hidden", "8", "--activation", "tanh", "--epochs",
                              "30", "--lr", "0.5", "--save", str(model_path), "--plot", str(plot_path)])  # fmt: skip
    assert run(args) == 0
    out = capsys.readouterr().out
    from nn import io, make_xor

    model = io.load(model_path)
    X, y = make_xor(40, seed=0, noise=0.1)
    printed = float(out.split("after training: loss")[1].split("accuracy")[1].split()[0])
    assert printed == pytest.approx(accuracy(model, X, y, loss="hinge"), abs=1e-3)
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert model.sizes == [2, 8, 1]
    assert not math.isnan(printed)


def test_regression_targets_get_no_accuracy():
    # vector targets that are not one-hot or probabilities ([0.3, 5.0]) are a regression: History.accuracy is None
    # per epoch, as its docstring says, not the fraction of argmax matches
    from nn import MLP
    from nn.optim import SGD
    from nn.train import fit

    model = MLP(2, [3, 2], seed=0)
    X = [[0.1, 0.2], [0.5, -0.3], [-0.4, 0.9]]
    y = [[0.3, 5.0], [1.0, -2.0], [0.0, 0.7]]
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.01), epochs=2, progress=False)
    assert history.accuracy == [None, None]
    onehot = [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    history = fit(model, X, onehot, loss="mse", optimizer=SGD(model.parameters(), lr=0.01), epochs=1, progress=False)
    assert history.accuracy[0] is not None


def test_a_learning_rate_is_checked_wherever_it_is_set():
    # by hand (optimizer.lr = -1) and by a schedule that returns junk: both say what was wrong, by name
    from nn import MLP
    from nn.optim import SGD
    from nn.train import fit

    model = MLP(2, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"SGD.lr: lr \(the learning rate eta\) must be > 0, got -1.0"):
        opt.lr = -1
    assert opt.lr == 0.1  # unchanged
    with pytest.raises(ValueError, match=r"lr_schedule\(0\) gave '0.1x'.*must be a finite number"):
        fit(model, [[0.0, 1.0]], [1], loss="hinge", optimizer=opt, lr_schedule=lambda e: "0.1x", progress=False)
