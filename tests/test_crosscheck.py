"""nn.crosscheck: the closed-form delta equations against oracles the code did not produce.

Oracles: torch float64 autograd on the same weights, central finite differences, and a one-neuron network worked
out by hand. The closed form must equal autodiff to 1e-12 (relative to the gradient's size) on random networks of
several depths and activations; the batch matrix form must equal the sum of per-sample results; a wrong formula
must be caught with its wrong entries named.
"""

# ruff: noqa: E741  (l is the layer index, as in the documents)
import argparse
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import MLP
from nn.app.crosscheck_command import add_arguments, run
from nn.crosscheck import (
    autodiff_gradients,
    batch_gradients,
    closed_form_gradients,
    crosscheck,
    crosscheck_batch,
    network_arrays,
)

torch.set_default_dtype(torch.float64)

CONFIGS = [
    # (sizes, hidden activation, output activation, loss)
    ([1, 1], "sigmoid", "sigmoid", "half_sse"),
    ([3, 4, 2], "sigmoid", "sigmoid", "half_sse"),
    ([2, 5, 5, 1], "tanh", "linear", "sse"),
    ([4, 3, 3, 3, 2], "relu", "sigmoid", "mse"),
    ([3, 6, 4, 5, 3, 2], "tanh", "tanh", "half_sse"),
    ([2, 8, 1], "linear", "relu", "sse"),
]


def _model(sizes, act, out_act, seed):
    model = MLP(sizes[0], sizes[1:], activation=act, output_activation=out_act, seed=seed)
    rng = np.random.default_rng(seed)
    for p in model.parameters():
        p.data = float(rng.normal(0.0, 0.8))  # random biases too (nn starts them at 0)
    return model


def _torch_grads(model, X, Y, loss):
    """dE/dparameter by torch float64 autograd, E = sum over samples; the network rebuilt from the weights."""
    net = network_arrays(model)
    Ws = [torch.tensor(net.W[l], requires_grad=True) for l in range(1, net.L + 1)]
    bs = [torch.tensor(net.b[l], requires_grad=True) for l in range(1, net.L + 1)]
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda t: t}
    A = torch.tensor(np.asarray(X, dtype=float).T)
    for l in range(net.L):
        A = acts[net.activation[l + 1]](Ws[l] @ A + bs[l][:, None])
    T = torch.tensor(np.asarray(Y, dtype=float).T)
    sq = (A - T) ** 2
    E = {"half_sse": 0.5 * sq.sum(), "sse": sq.sum(), "mse": sq.sum() / sq.shape[0]}[loss]
    E.backward()
    out = {}
    for l in range(net.L):
        for j in range(Ws[l].shape[0]):
            for i in range(Ws[l].shape[1]):
                out[f"L{l + 1}.N{j}.w{i}"] = Ws[l].grad[j, i].item()
            out[f"L{l + 1}.N{j}.b"] = bs[l].grad[j].item()
    return out


def _max_rel(a, b):
    scale = max(1.0, max(abs(v) for v in b.values()))
    return max(abs(a[k] - b[k]) for k in b) / scale


@pytest.mark.parametrize("sizes, act, out_act, loss", CONFIGS)
@pytest.mark.parametrize("seed", [0, 1])
def test_closed_form_equals_autodiff_and_torch(sizes, act, out_act, loss, seed):
    model = _model(sizes, act, out_act, seed)
    rng = np.random.default_rng(100 + seed)
    x, y = rng.normal(0, 1, sizes[0]), rng.uniform(0, 1, sizes[-1])
    closed = closed_form_gradients(model, x, y, loss)
    auto = autodiff_gradients(model, [x], [y], loss)
    ref = _torch_grads(model, [x], [y], loss)
    assert set(closed) == set(ref) == {name for name, _ in model.named_parameters()}
    assert _max_rel(closed, auto) < 1e-12
    assert _max_rel(closed, ref) < 1e-12
    report = crosscheck(model, x, y, loss=loss)
    assert report.ok and report.fd_ok
    assert report.max_abs_error < 1e-12 * max(1.0, max(abs(r.autodiff) for r in report.rows))
    # the finite-difference column is its own oracle: central differences with eps 1e-6 are good to ~1e-9 here
    assert all(abs(r.finite_difference - ref[r.name]) < 1e-7 for r in report.rows)


def test_one_neuron_by_hand():
    # z = w x + b = 0.5 * 2 + 0.1 = 1.1, a = sigma(1.1) = 1 / (1 + e^-1.1), E = 1/2 (y - a)^2 with y = 1.
    # delta = (a - y) a (1 - a) (document 001, sections 2.1-2.4); dE/dw = delta * x, dE/db = delta.
    # By hand: e^-1.1 = 0.3328711, a = 1 / 1.3328711 = 0.7502601, a (1 - a) = 0.7502601 * 0.2497399 = 0.1873699,
    # delta = -0.2497399 * 0.1873699 = -0.0467937.
    a = 1.0 / (1.0 + math.exp(-1.1))
    delta = (a - 1.0) * a * (1.0 - a)
    model = MLP(1, [1], activation="sigmoid", output_activation="sigmoid", seed=0)
    model.layers[0].neurons[0].w[0].data = 0.5
    model.layers[0].neurons[0].b.data = 0.1
    report = crosscheck(model, [2.0], [1.0])
    assert report.row("L1.N0.w0").closed_form == pytest.approx(delta * 2.0, abs=1e-15)
    assert report.row("L1.N0.b").closed_form == pytest.approx(delta, abs=1e-15)
    assert delta == pytest.approx(-0.0467937, abs=1e-7)
    assert report.ok


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
def test_backward_from_a_given_dE_da_equals_torch(act):
    # the recursion started from dE/da^L of a loss outside the squared errors: the logistic loss of a linear output,
    # E = log(1 + e^{-s}) for target 1, so dE/ds = sigma(s) - 1; torch float64 gives dE/dz^l of the same network
    from nn.crosscheck.delta import backward, forward

    model = _model([2, 4, 3, 1], act, "linear", 5)
    net = network_arrays(model)
    x = np.array([0.3, -1.2])
    z, a = forward(net, x)
    dE_da = 1.0 / (1.0 + math.exp(-a[net.L][0])) - 1.0
    delta, dW, _ = backward(net, z, a, None, dE_da=[dE_da])
    zs, h = [], torch.tensor(x)
    for l in range(1, net.L + 1):
        zl = torch.tensor(net.W[l]) @ h + torch.tensor(net.b[l])
        zl.requires_grad_(True)
        zs.append(zl)
        h = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[act](zl) if l < net.L else zl
    torch.nn.functional.binary_cross_entropy_with_logits(h[0], torch.tensor(1.0)).backward(inputs=zs)
    for l in range(1, net.L + 1):
        assert np.allclose(delta[l], zs[l - 1].grad.numpy(), rtol=1e-12, atol=1e-15)
    assert np.allclose(dW[1], np.outer(delta[1], x), rtol=0, atol=0)  # dE/dW^l = delta^l (a^{l-1})^T
    with pytest.raises(ValueError, match=r"backward\(\): dE_da has shape \(2,\); dE/da\^L has shape \(1,\)"):
        backward(net, z, a, None, dE_da=[1.0, 2.0])


@pytest.mark.parametrize("sizes, act, out_act, loss", CONFIGS)
def test_batch_form_equals_sum_of_per_sample(sizes, act, out_act, loss):
    model = _model(sizes, act, out_act, 7)
    rng = np.random.default_rng(7)
    N = 5
    X, Y = rng.normal(0, 1, (N, sizes[0])), rng.uniform(0, 1, (N, sizes[-1]))
    dW, db = batch_gradients(model, X.T, Y.T, loss)
    per = [closed_form_gradients(model, X[k], Y[k], loss) for k in range(N)]
    summed = {name: math.fsum(p[name] for p in per) for name in per[0]}
    net = network_arrays(model)
    for l in range(1, net.L + 1):
        for j in range(net.W[l].shape[0]):
            assert db[l][j] == pytest.approx(summed[f"L{l}.N{j}.b"], abs=1e-12)
            for i in range(net.W[l].shape[1]):
                assert dW[l][j, i] == pytest.approx(summed[f"L{l}.N{j}.w{i}"], abs=1e-12)
    report = crosscheck_batch(model, X, Y, loss=loss, fd=False)
    ref = _torch_grads(model, X, Y, loss)
    assert report.ok
    assert max(abs(r.closed_form - ref[r.name]) for r in report.rows) < 1e-12 * max(1.0, max(map(abs, ref.values())))


def test_wrong_formula_is_caught_and_its_entries_named():
    # Document 001 section 2.7.2 prints dE^k/dw_{j,i}^l = delta_i^l z_j^{l-1}: z where a belongs. As a learner's
    # formula for layer 2 it must fail on exactly the weights of layer 2 (sigmoid: z != sigma(z) everywhere),
    # while the same formula with a passes.
    model = _model([3, 4, 2], "sigmoid", "sigmoid", 3)
    x, y = [0.3, -1.2, 0.8], [1.0, 0.0]

    def wrong(q):
        return {"W2": np.outer(q.delta[2], q.z[1]), "b2": q.delta[2]}

    def right(q):
        return {"W2": np.outer(q.delta[2], q.a[1]), "b2": q.delta[2]}

    bad = crosscheck(model, x, y, formula=wrong)
    assert not bad.ok
    assert bad.disagreeing == [f"L2.N{j}.w{i}" for j in range(2) for i in range(4)]
    text = str(bad)
    assert "your formula" in text and "NOT ok: 8 entries disagree" in text
    assert text.count("<-- disagrees") == 8
    assert "L2.N0.b" in text and "L1.N0.w0" not in text  # only the entries the formula gives are shown
    assert crosscheck(model, x, y, formula=right).ok


def test_single_wrong_entry_by_name_and_a_wrong_delta():
    model = _model([2, 3, 1], "tanh", "linear", 4)
    x, y = [0.5, -0.25], [0.75]
    good = closed_form_gradients(model, x, y)
    off = dict(good, **{"L1.N2.w1": good["L1.N2.w1"] + 1e-6})
    report = crosscheck(model, x, y, formula=lambda q: off, fd=False)
    assert report.disagreeing == ["L1.N2.w1"]
    assert report.max_abs_error == pytest.approx(1e-6, rel=1e-6)

    # delta^L with the extra factor (1 - sigma(z^L)) of document 001 section 2.4, on a sigmoid output: every
    # gradient downstream of delta^L is off (all of them: every parameter feeds the single output)
    model = _model([2, 3, 1], "sigmoid", "sigmoid", 5)

    def extra_factor(q):
        L = q.L
        sig = q.sigma[L](q.z[L])
        delta = [None] * (L + 1)
        delta[L] = (q.a[L] - q.y) * q.dsigma[L](q.z[L]) * (1 - sig)
        for l in range(L - 1, 0, -1):
            delta[l] = (q.W[l + 1].T @ delta[l + 1]) * q.dsigma[l](q.z[l])
        return {f"W{l}": np.outer(delta[l], q.a[l - 1]) for l in range(1, L + 1)}

    report = crosscheck(model, x, y, formula=extra_factor, fd=False)
    assert set(report.disagreeing) == {n for n, _ in model.named_parameters() if not n.endswith(".b")}


def test_batch_formula_bias_not_summed_is_caught():
    # Document 001 section 2.7.1 prints dE/dB^l = [delta^l]; a learner who takes one column as the bias gradient
    # of the whole batch is wrong on every bias (E = sum_k E^k), right on the weights
    model = _model([2, 3, 2], "sigmoid", "sigmoid", 6)
    rng = np.random.default_rng(6)
    X, Y = rng.normal(0, 1, (4, 2)), rng.uniform(0, 1, (4, 2))

    def first_column(q):
        return {f"b{l}": q.delta[l][:, 0] for l in (1, 2)} | {f"W{l}": q.delta[l] @ q.A[l - 1].T for l in (1, 2)}

    def summed(q):
        return {f"b{l}": q.delta[l].sum(axis=1) for l in (1, 2)} | {f"W{l}": q.delta[l] @ q.A[l - 1].T for l in (1, 2)}

    bad = crosscheck_batch(model, X, Y, formula=first_column, fd=False)
    assert bad.disagreeing == ["L1.N0.b", "L1.N1.b", "L1.N2.b", "L2.N0.b", "L2.N1.b"]
    assert crosscheck_batch(model, X, Y, formula=summed).ok


def test_report_table_and_dict():
    model = _model([2, 2, 1], "sigmoid", "sigmoid", 8)
    report = crosscheck(model, [1.0, -1.0], [0.5])
    text = str(report)
    assert "autodiff" in text and "closed form" in text and "central FD" in text
    assert len([ln for ln in text.splitlines() if ln.startswith("L")]) == 9  # 9 parameters, one row each
    d = report.as_dict()
    assert d["ok"] and len(d["rows"]) == 9 and d["rows"][0]["name"] == "L1.N0.w0"
    assert report.names() == [n for n, _ in model.named_parameters()]


def test_bad_input_messages():
    model = _model([2, 2, 1], "sigmoid", "sigmoid", 9)
    with pytest.raises(ValueError, match=r"crosscheck\(\): loss 'hinge'.*half_sse"):
        crosscheck(model, [1.0, 2.0], [1.0], loss="hinge")
    with pytest.raises(ValueError, match=r"crosscheck\(\): x has 3 entries, the network needs 2"):
        crosscheck(model, [1.0, 2.0, 3.0], [1.0])
    with pytest.raises(ValueError, match=r"crosscheck_batch\(\): 2 inputs but 1 targets"):
        crosscheck_batch(model, [[1.0, 2.0], [0.0, 1.0]], [[1.0]])
    with pytest.raises(ValueError, match=r"W3.*layers are 1..2"):
        crosscheck(model, [1.0, 2.0], [1.0], formula=lambda q: {"W3": 0})
    with pytest.raises(ValueError, match=r"W2 has shape \(2, 1\); dE/dW2 has shape \(1, 2\)"):
        crosscheck(model, [1.0, 2.0], [1.0], formula=lambda q: {"W2": np.zeros((2, 1))})
    with pytest.raises(TypeError, match="network_arrays"):
        crosscheck(object(), [1.0], [1.0])


def test_command_line(capsys):
    parser = add_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--sizes", "2,3,2", "--activation", "tanh", "--loss", "sse", "--no-documents"])
    assert run(args) == 0
    out = capsys.readouterr().out
    assert "L2.N1.b" in out and "ok: every entry agrees" in out and "crosscheck_batch" in out
    with pytest.raises(SystemExit):
        parser.parse_args(["--sizes", "3"])
    assert "3: give at least 2 sizes, like 3,4,2" in capsys.readouterr().err


@settings(max_examples=25)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    act=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    out_act=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    loss=st.sampled_from(["half_sse", "sse", "mse"]),
    seed=st.integers(0, 2**16),
)
def test_random_networks_against_torch(sizes, act, out_act, loss, seed):
    model = _model(sizes, act, out_act, seed)
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(0, 1, (3, sizes[0])), rng.normal(0, 1, (3, sizes[-1]))
    ref = _torch_grads(model, X, Y, loss)
    report = crosscheck_batch(model, X, Y, loss=loss, fd=False)
    assert report.ok
    scale = max(1.0, max(abs(v) for v in ref.values()))
    assert max(abs(r.closed_form - ref[r.name]) for r in report.rows) < 1e-12 * scale
    one = crosscheck(model, X[0], Y[0], loss=loss, fd=False)
    assert one.ok


def test_documents_report_is_importable_from_crosscheck():
    from nn.crosscheck import documents_report

    r = documents_report(docs=["002"])
    assert [x.agrees for x in r.results] == [True, True, False]


def test_the_crosscheck_decides_its_own_grad_mode_as_torch_func_does():
    # inside a caller's no_grad() the autodiff side built no graph, so every gradient was 0 and the report blamed the
    # delta equations (max error 0.117). torch.func and JAX are unaffected by an outer no-grad; the oracle is the
    # numpy delta equations (document 001), which know nothing of grad mode, and torch float64 (test above)
    from autograd_mini import no_grad
    from nn.crosscheck import documents_report
    from nn.crosscheck.fd_study import fd_study

    model = MLP(3, [4, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    x, y, X, Y = [0.1, 0.2, 0.3], [0.0, 1.0], [[0.1, 0.2, 0.3], [0.3, -0.1, 0.5]], [[0.0, 1.0], [1.0, 0.0]]
    net = network_arrays(model)
    closed = closed_form_gradients(net, np.array(x), np.array(y), "half_sse")
    with no_grad():
        assert crosscheck(model, x, y).max_abs_error < 1e-15
        assert crosscheck_batch(model, X, Y).max_abs_error < 1e-15
        auto = autodiff_gradients(model, [x], [y])
        documents = documents_report(docs=["004"])
        study = fd_study(seed=0)
    assert all(abs(auto[name] - closed[name]) < 1e-15 for name in closed)
    assert str(documents) == str(documents_report(docs=["004"]))
    assert str(study) == str(fd_study(seed=0))
