"""nn.torch_bridge and the optimizers against torch float64: same outputs, gradients and steps to 1e-12."""

import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nn import MLP, SGD, Adam
from nn.losses import LOSSES
from nn.matrices import weight_matrix
from nn.torch_bridge import from_torch, to_torch

D = torch.float64  # every tensor here is float64 (the global default dtype is left alone)
ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]


def _torch_loss(name, out, target):
    """The loss of one sample, written with torch's own functions (not ours)."""
    if name == "half_sse":
        return 0.5 * ((torch.tensor(target, dtype=D) - out) ** 2).sum()
    if name == "sse":
        return ((out - torch.tensor(target, dtype=D)) ** 2).sum()
    if name == "mse":
        return F.mse_loss(out, torch.tensor(target, dtype=D))
    if name == "hinge":
        return torch.clamp(1 - target * out[0], min=0)
    if name == "bce_logits":
        return F.binary_cross_entropy_with_logits(out, torch.tensor(target, dtype=D), reduction="sum")
    if name == "bce":
        return F.binary_cross_entropy(out, torch.tensor(target, dtype=D), reduction="sum")
    if name == "softmax_ce":
        return F.cross_entropy(out[None, :], torch.tensor([target]))
    raise AssertionError(name)


def _case(loss, rng):
    """(number of outputs, output activation, a target) fitting the loss."""
    if loss == "hinge":
        return 1, "linear", rng.choice([-1.0, 1.0])
    if loss == "softmax_ce":
        return 3, "linear", rng.randrange(3)
    if loss == "bce":
        return 2, "sigmoid", [rng.random(), float(rng.random() < 0.5)]
    if loss == "bce_logits":
        return 2, "linear", [rng.random(), 1.0]
    return 2, rng.choice(ACTIVATIONS), [rng.uniform(-1, 1), rng.uniform(-1, 1)]


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_of_random_mlps_agree_with_torch(activation, loss):
    rng = random.Random(f"{activation}-{loss}")
    n_out, out_act, _ = _case(loss, rng)
    model = MLP(3, [4, 3, n_out], activation=activation, output_activation=out_act, seed=rng.randrange(10**6))
    for name, p in model.named_parameters():  # nonzero biases too, so every parameter is exercised
        if name.endswith(".b"):
            p.data = rng.uniform(-0.5, 0.5)
    seq = to_torch(model)
    batch = []
    for _ in range(4):
        x = [rng.uniform(-2, 2) for _ in range(3)]
        batch.append((x, _case(loss, rng)[2]))
    # ours: the mean of the per-sample losses, as nn.train.fit builds it
    total = None
    for x, t in batch:
        term = LOSSES[loss](model(x), t)
        total = term if total is None else total + term
    total = total * (1.0 / len(batch))
    model.zero_grad()
    total.backward()
    # torch
    seq.zero_grad()
    t_total = sum(_torch_loss(loss, seq(torch.tensor(x, dtype=torch.float64)), t) for x, t in batch) / len(batch)
    t_total.backward()
    assert total.data == pytest.approx(t_total.item(), rel=1e-12, abs=1e-12)
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    for ell, (layer, lin) in enumerate(zip(model.layers, linears), start=1):
        ours_w = np.array([[w.grad for w in n.w] for n in layer.neurons])
        ours_b = np.array([n.b.grad for n in layer.neurons])
        np.testing.assert_allclose(ours_w, lin.weight.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=f"dE/dW^{ell}")
        np.testing.assert_allclose(ours_b, lin.bias.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=f"dE/db^{ell}")


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", ACTIVATIONS)
def test_to_torch_same_function(activation, output_activation):
    model = MLP(2, [5, 3], activation=activation, output_activation=output_activation, seed=3)
    seq = to_torch(model)
    assert all(p.dtype == torch.float64 for p in seq.parameters())
    np.testing.assert_array_equal(seq[0].weight.detach().numpy(), weight_matrix(model, 1))
    for x in ([0.3, -1.2], [2.0, 0.5], [-0.7, -0.1]):
        ours = [v.data for v in model(x)]
        theirs = seq(torch.tensor(x, dtype=D)).tolist()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_from_torch_round_trip_and_float32():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)
    )  # float32, the torch default
    model = from_torch(seq)
    assert model.sizes == [3, 4, 4, 2] and model.activations == ["tanh", "tanh", "linear"]
    seq64 = seq.to(torch.float64)
    x = [0.1, -0.4, 0.9]
    np.testing.assert_allclose([v.data for v in model(x)], seq64(torch.tensor(x, dtype=torch.float64)).tolist(),
                               rtol=1e-12, atol=1e-12)  # fmt: skip
    assert to_torch(model)[0].weight.tolist() == seq64[0].weight.tolist()
    with_identity = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1),
                                        torch.nn.Identity())  # fmt: skip
    assert from_torch(with_identity).activations == ["sigmoid", "linear"]


def test_from_torch_rejects_what_an_mlp_cannot_be():
    with pytest.raises(ValueError, match=r"module 1 is a Dropout; only Linear, ReLU, Tanh, Sigmoid and Identity"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(), torch.nn.Linear(2, 1)))
    with pytest.raises(ValueError, match=r"hidden layers use different activations \['relu', 'tanh'\]"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 2),
                                       torch.nn.Tanh(), torch.nn.Linear(2, 1)))  # fmt: skip
    with pytest.raises(ValueError, match=r"module 1 is Linear\(3 -> 1\) but the layer before gives 2 outputs"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(3, 1)))
    with pytest.raises(ValueError, match=r"module 0 \(ReLU\) must directly follow a Linear"):
        from_torch(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 1)))
    broken = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    with torch.no_grad():
        broken[2].weight[0, 1] = float("nan")  # W^2, row 0 (neuron 0 of layer 2), column 1
    with pytest.raises(ValueError, match=r"from_torch\(\): W\^2 contains a NaN or infinity \(W\^2\[0, 1\] is nan\)"):
        from_torch(broken)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_torch(momentum):
    _compare_optimizer(lambda ps: SGD(ps, lr=0.1, momentum=momentum),
                       lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=momentum))  # fmt: skip


def test_adam_matches_torch():
    _compare_optimizer(lambda ps: Adam(ps, lr=0.05), lambda ps: torch.optim.Adam(ps, lr=0.05))


def _compare_optimizer(make_ours, make_theirs):
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    seq = to_torch(model)
    opt, topt = make_ours(model.parameters()), make_theirs(seq.parameters())
    data = [([0.5, -1.0], 0.3), ([1.5, 0.2], -0.7), ([-0.4, 0.9], 0.1)]
    for step in range(6):
        x, y = data[step % 3]
        out = model(x)
        loss = (out - y) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        topt.zero_grad()
        ((seq(torch.tensor(x, dtype=torch.float64))[0] - y) ** 2).backward()
        topt.step()
        np.testing.assert_allclose(weight_matrix(model, 1), seq[0].weight.detach().numpy(), rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(weight_matrix(model, 2), seq[2].weight.detach().numpy(), rtol=1e-12, atol=1e-13)


def test_without_torch_the_error_says_how_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"nn.torch_bridge needs PyTorch, which is not installed: pip install torch"):
        to_torch(MLP(2, [1], seed=0))
