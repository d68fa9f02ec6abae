"""fit, evaluate, accuracy and predict never go silently wrong (issue 14, items 2 and 5).

Before issue 14: with lr = 1e150 every parameter became NaN and fit returned normally (the command line printed
"after training: loss 0.000000"); one NaN feature turned the parameters into NaN; ``fit(y=None)`` said
"'NoneType' object is not iterable"; an optimizer over another model's parameters trained nothing, silently.
Oracle for the divergence: the same steps in torch float64 (where its loss first turns NaN, and the parameters
before that step).
"""

import math
import os
import re

import numpy as np
import pytest
import torch

from nn import MLP, SGD, TrainingDivergedError, accuracy, evaluate, fit, make_moons
from nn.app.cli import main
from nn.matrices import bias_vector, weight_matrix
from nn.torch_bridge import to_torch
from nn.train import predict

NAN, INF = float("nan"), float("inf")


def snapshot(model):
    return [p.data for p in model.parameters()]


def test_a_nan_loss_stops_fit_at_the_step_torch_float64_first_gives_nan():
    X, y = make_moons(40, noise=0.1, seed=1)
    model = MLP(2, [8, 1], seed=3)  # 33 parameters, as in the issue
    seq = to_torch(model)
    lr = 1e150
    # torch: full-batch SGD on the mean hinge loss max(0, 1 - y s), labels -1/+1 (fit maps 0/1 there)
    xb = torch.tensor(X, dtype=torch.float64)
    yb = torch.tensor([[2.0 * t - 1.0] for t in y], dtype=torch.float64)
    opt = torch.optim.SGD(seq.parameters(), lr=lr)
    epoch = None  # the first epoch whose loss is not finite
    for k in range(1, 11):
        before = [p.detach().clone() for p in seq.parameters()]
        loss = torch.relu(1.0 - yb * seq(xb)).mean()
        if not math.isfinite(loss.item()):
            epoch = k
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert epoch is not None, "torch never reached a non-finite loss: the test needs a larger lr"

    with pytest.raises(TrainingDivergedError) as info:
        fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=lr), epochs=10, l2=0.0, shuffle=False)
    err = info.value
    message = str(err)
    assert (err.epoch, err.step) == (epoch, 1) and math.isnan(err.loss) == math.isnan(loss.item())
    assert f"epoch {epoch}, step 1 of 1" in message and "lr=1e+150" in message and "learning rate" in message
    assert "\n" not in message
    assert err.history.epochs == epoch - 1  # the epochs completed before it
    # the model keeps the parameters torch had before its non-finite step: the last finite ones
    assert all(math.isfinite(v) for v in snapshot(model))
    np.testing.assert_allclose(weight_matrix(model, 1), before[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(bias_vector(model, 1), before[1].numpy(), rtol=1e-12)
    np.testing.assert_allclose(weight_matrix(model, 2), before[2].numpy(), rtol=1e-12)


def test_a_step_that_overflows_a_parameter_is_undone():
    # z = w x + b at x = 1000, target 0, half_sse: dE/dw = (w x + b) x, about 1e5 here; w - 1e305 * 1e5 = -inf.
    # The loss before the step is finite, so the step is undone and the parameter named.
    model = MLP(1, [1], seed=0)
    initial = snapshot(model)
    with pytest.raises(TrainingDivergedError) as info:
        fit(model, [[1000.0]], [0.0], loss="half_sse", optimizer=SGD(model.parameters(), lr=1e305), epochs=3)
    assert "made parameter L1.N0.w0 NaN or infinite" in str(info.value)
    assert "epoch 1, step 1 of 1" in str(info.value)
    assert snapshot(model) == initial


def test_an_overflow_at_the_first_step_blames_the_data_not_the_learning_rate():
    # a target of 1e200: (s - 1e200)^2 = 1e400 does not fit a float, before any step was taken
    model = MLP(1, [1], seed=0)
    initial = snapshot(model)
    with pytest.raises(TrainingDivergedError) as info:
        fit(model, [[1.0]], [1e200], loss="half_sse", epochs=2)
    assert str(info.value).startswith("fit(): at epoch 1, step 1 of 1 (batches of 1): ")
    assert "** 2.0 overflows a float (Value.pow)" in str(info.value) and "Likely cause: the data" in str(info.value)
    assert isinstance(info.value.__cause__, OverflowError) and info.value.loss is None
    assert "learning rate" not in str(info.value).split("Likely cause:")[1].split(";")[0]
    assert snapshot(model) == initial


@pytest.mark.parametrize("bad, where", [(NAN, "X[2][1] is nan"), (INF, "X[2][1] is inf"), (-INF, "X[2][1] is -inf")])
def test_samples_with_nan_or_inf_are_refused_by_name(bad, where):
    model = MLP(2, [3, 1], seed=0)
    X = [[0.5, 1.0], [1.5, -0.5], [0.0, bad], [1.0, 1.0]]
    y = [1, 0, 1, 0]
    initial = snapshot(model)
    for call, name in [(fit, "fit()"), (evaluate, "evaluate()"), (accuracy, "accuracy()")]:
        with pytest.raises(ValueError) as info:
            call(model, X, y)
        assert str(info.value).startswith(f"{name}: {where}; samples and targets must be finite numbers")
    with pytest.raises(ValueError) as info:
        predict(model, [0.0, bad])
    assert str(info.value).startswith(f"predict(): x[1] is {bad!r}; ")
    assert snapshot(model) == initial


def test_targets_and_validation_data_with_nan_are_refused():
    model = MLP(2, [3, 1], seed=0)
    X, y = [[0.5, 1.0], [1.5, -0.5]], [1.0, NAN]
    with pytest.raises(ValueError, match=r"fit\(\): y\[1\] is nan"):
        fit(model, X, y, loss="mse")
    with pytest.raises(ValueError, match=r"evaluate\(\): X\[0\]\[0\] is nan"):
        fit(model, X, [1.0, 0.0], loss="mse", validation=([[NAN, 0.0]], [1.0]))
    with pytest.raises(ValueError, match=r"fit\(\): y\[0\]\[1\] is inf"):  # vector targets, nested
        fit(MLP(2, [2], seed=0), X, [[0.0, INF], [1.0, 0.0]], loss="mse")


@pytest.mark.parametrize("kwargs, shown", [
    ({"y": None}, "fit(): y must be a sequence (the targets, one per sample), got NoneType None"),
    ({"X": None}, "fit(): X must be a sequence (the samples), got NoneType None"),
    ({"y": "0101"}, "fit(): y must be a sequence (the targets, one per sample), got str '0101'"),
    ({"y": 3}, "fit(): y must be a sequence (the targets, one per sample), got int 3"),
])  # fmt: skip
def test_x_and_y_must_be_sequences(kwargs, shown):
    call = {"X": [[0.0, 1.0]] * 4, "y": [0, 1, 0, 1], **kwargs}
    with pytest.raises(TypeError) as info:
        fit(MLP(2, [1], seed=0), **call)
    assert str(info.value) == shown


def test_an_optimizer_over_another_models_parameters_is_refused():
    model, other = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    initial = snapshot(model)
    with pytest.raises(ValueError, match=r"13 of the optimizer's 13 parameters are not parameters of this model"):
        fit(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1], optimizer=SGD(other.parameters(), lr=0.1))
    assert snapshot(model) == initial


def test_an_optimizer_over_part_of_the_model_trains_that_part():
    # fine-tuning the last layer only is legitimate: its 4 parameters change, the first layer's 9 do not
    model = MLP(2, [3, 1], seed=0)
    first = [p.data for p in model.layers[0].parameters()]
    last = [p.data for p in model.layers[1].parameters()]
    fit(model, [[0.5, 1.0], [1.0, -0.5]], [0, 1], optimizer=SGD(model.layers[1].parameters(), lr=0.5), epochs=2)
    assert [p.data for p in model.layers[0].parameters()] == first
    assert [p.data for p in model.layers[1].parameters()] != last


@pytest.mark.parametrize("engine", ["nodes", "compiled"])
def test_the_command_line_reports_divergence_in_one_line(tmp_path, capsys, engine):
    saved = tmp_path / "model.json"
    # lr 100 with the L2 weight 10: each step multiplies the weights by about 1 - 2 * 100 * 10 = -1999, so they
    # overflow within a few dozen steps (an lr of 1e150 is refused as an option: at most 100)
    argv = ["train", "--lr", "100", "--l2", "10", "--epochs", "200", "--n", "40", "--no-progress", "--save", str(saved)]
    code = main([*argv, "--engine", engine])
    out, err = capsys.readouterr()
    assert code == 1
    # where the numbers overflow, the order of the sums decides between inf and nan (and the epoch it shows)
    assert err.count("\n") == 1
    assert re.match(r"autograd-mini train: error: fit\(\): the loss is (nan|inf) at epoch ", err), err
    assert "Traceback" not in err and "lr=100" in err
    assert "after training" not in out and not saved.exists()  # nothing reported as trained, nothing saved


def test_the_command_line_refuses_a_fifo_as_save_path_in_one_line(tmp_path, capsys):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    code = main(["train", "--epochs", "1", "--n", "20", "--no-progress", "--save", str(fifo)])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    # refused by the command line's check of every output, before training
    assert err.startswith(f"autograd-mini train: error: --save {fifo}: is a special file (device, pipe or socket)")
    assert out == ""
