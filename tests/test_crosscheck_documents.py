"""nn.crosscheck.documents: every printed formula's verdict, each with a reason that does not come from the module.

The module decides its verdicts by comparing each transcription with the engine's autodiff. Here every verdict
is asserted, and every "does not agree" is backed by an independent computation in this file: central finite
differences of the document's own loss in plain numpy, or numbers worked out by hand in the comments. The corrected
forms must agree to 1e-10. The documents' own (correct) derivations of part 1 are checked against torch float64.
"""

# ruff: noqa: E741  (l is the layer index, as in the documents)
import math

import numpy as np
import pytest
import torch

from nn.crosscheck import documents as cd

torch.set_default_dtype(torch.float64)


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def dsig(x):
    return sig(x) * (1.0 - sig(x))


def central(f, p, eps=1e-6):
    """Central differences of a scalar function f of the array p, one entry at a time."""
    p = np.array(p, dtype=float)
    g = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        up, down = p.copy(), p.copy()
        up[idx] += eps
        down[idx] -= eps
        g[idx] = (f(up) - f(down)) / (2 * eps)
    return g


@pytest.fixture(scope="module")
def report():
    return cd.documents_report()


# The verdict of every entry. True: agrees with autodiff. The reasons for the False ones are the tests below.
EXPECTED = {
    "000 Simples Netzwerk, Ableitung nach w^(L)": True,
    "000 Simples Netzwerk, Ableitung nach b^(L)": True,
    "000 Simples Netzwerk, Ableitung nach a^(L-1)": True,
    "000 Iteration fuer L-1, L-2, ...": True,
    "000 Generelles Netzwerk, Ableitung nach w_jk^(L)": True,
    "000 Generelles Netzwerk, Ableitung nach a_k^(L-1)": True,
    "000 Bezueglich eines beliebigen Layers": True,
    "001 §1.2 (example)": True,
    "001 §1.3": False,  # a^l = W^l z^{l-1} + b^l: z and a swapped (test_001_forward_swapped)
    "001 §2.1": True,
    "001 §2.3": True,  # every line equals sigma(1 - sigma) (test_001_sigmoid_derivation_lines)
    "001 §2.4 (weights)": True,
    "001 §2.4 (biases)": True,
    "001 §2.4 (delta^L)": False,  # extra factor (1 - sigma(z)) (test_001_delta_L_forms)
    "001 §2.4 (da/dz)": True,
    "001 §2.4 (dz/da)": True,
    "001 §2.4 (the bracket)": False,  # b_p^{l+1} inside the sum (test_001_bracket)
    "001 §2.4 (dE/da)": True,
    "001 §2.4 (delta^l)": True,
    "001 §2.5.1 (scalar)": False,  # (z - y) sigma'(a) (test_001_delta_L_forms)
    "001 §2.5.1 (vector)": False,  # the same, vector form
    "001 §2.5.3 (rows)": True,
    "001 §2.5.3 (vector)": True,
    "001 §2.6": True,
    "001 §2.7.1 ([delta^L])": False,  # (Z - Y) sigma'(A) (test_001_delta_L_forms, column by column)
    "001 §2.7.1 ([delta^l])": False,  # sigma'(A^l) for sigma'(Z^l) (test_001_hidden_delta_uses_z)
    "001 §2.7.1 (dE/dB)": False,  # the batch's bias gradient sums the columns (test_001_bias_gradient_of_batch)
    "001 §2.7.2 (per sample)": False,  # z^{l-1} for a^{l-1} (test_001_weight_gradient_uses_a)
    "001 §2.7.2 (example sums)": True,
    "001 §2.7.2 (matrix)": True,
    "002 Satz 3, Beweis (Jakobimatrix)": True,  # exp(-x) sigma(x)^2 = e^-x / (1 + e^-x)^2 = sigma'(x)
    "002 Satz 3, Beweis (W_2)": True,
    "002 Satz 3, Beweis (W_1)": False,  # 1_d for W_{2,.,k}, W_{1,k,.} h for W_{1,k,.} x (test_002_W1)
    "003 scalar 1": True,
    "003 scalar 2": True,
    "003 scalar 3": True,
    "003 vector forward": True,
    "003 vector 1": True,
    "003 vector 2": True,
    "003 vector 3": True,
    "004 page 2, ①": True,  # e^x / (1 + e^x) = 1 / (e^-x + 1): multiply numerator and denominator by e^-x
    "004 page 2, (26)": False,  # x_n where x_1, x_2 belong (test_004_row_of_yhat)
    "004 page 6, ⑥ (gradient example)": False,  # df/dx = 3x^2 - sin y (test_004_gradient_example)
    "004 page 10, [1]": True,
    "004 page 10, [2]": True,
    "004 page 10, [3] (c)": True,
    "004 page 10, [3] (b)": True,
    "004 page 10, [4] (w)": False,  # gamma_j for y_j (test_004_dK_dw)
    "004 page 10, [4] (v)": True,
}


def test_every_entry_has_the_expected_verdict(report):
    got = {r.id: r.agrees for r in report.results}
    assert got == EXPECTED


def test_wrong_entries_have_a_corrected_form_that_agrees_to_1e_10(report):
    for r in report.results:
        if not r.agrees:
            assert r.entry.corrected, r.id
            assert r.corrected_agrees, r.id
            assert r.corrected_max_abs_diff < 1e-10, r.id
            assert r.max_abs_diff > 1e-3, r.id  # wrong by far more than rounding
            assert r.disagreeing, r.id
        if r.agrees:
            assert r.max_abs_diff < 1e-12 * 100, r.id


def test_reconstructed_entries_say_so(report):
    for r in report.results:
        if r.entry.doc in ("000", "003"):
            assert r.entry.reconstructed and "reconstructed" in r.entry.reconstructed
        else:
            assert r.entry.reconstructed is None
    text = str(report)
    assert "Backpropagation calculus" in text and "Stack Exchange 18279" in text


def test_report_text_names_verdicts_and_entries(report):
    text = str(report)
    assert text.count("DOES NOT AGREE") == sum(not v for v in EXPECTED.values())
    assert "wrong entries: [delta^1] (36/36), [delta^2] (36/36)" in text
    assert "partial fix, only 1_d -> W_{2,.,k} (h kept): still does not agree" in text
    assert r"\delta_j^L = (a_j^L - y_j) \cdot \sigma'(z_j^L) \cdot (1 - \sigma(z_j^L))" in text  # as printed
    w = report.result("004 page 6, ⑥ (gradient example)")
    assert all(label.endswith("[0]") for label in w.disagreeing)  # only df/dx is wrong, df/dy is right


# ---- the independent reasons ------------------------------------------------------------------------------------


def test_001_delta_L_forms():
    # E = 1/2 sum_j (y_j - sigma(z_j))^2 as a function of z^L; delta^L = dE/dz^L by central differences
    z, y = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.0, 0.5])
    a = sig(z)
    fd = central(lambda t: 0.5 * np.sum((y - sig(t)) ** 2), z)
    printed_24 = (a - y) * dsig(z) * (1 - sig(z))  # section 2.4
    printed_251 = (z - y) * dsig(a)  # section 2.5.1 (scalar and vector), and 2.7.1 column by column
    corrected = (a - y) * dsig(z)
    assert np.allclose(corrected, fd, atol=1e-9)
    assert np.all(np.abs(printed_24 - fd) > 1e-3)
    assert np.all(np.abs(printed_251 - fd) > 1e-3)


def test_001_forward_swapped():
    # section 1.2 defines z_i^l = sum_j a_j^{l-1} w_{j,i}^l + b_i^l and a^l = sigma(z^l); section 1.3 prints
    # a^l = W^l z^{l-1} + b^l. Layer 2 of a 2-3-2 network: W^2 z^1 + b^2 is neither a^2 nor z^2.
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(2, 3)), rng.normal(size=2)
    x = np.array([0.5, -1.0])
    z1 = W1 @ x + b1
    a1 = sig(z1)
    z2 = W2 @ a1 + b2
    printed = W2 @ z1 + b2
    assert np.all(np.abs(printed - sig(z2)) > 1e-3) and np.all(np.abs(printed - z2) > 1e-3)


def test_001_sigmoid_derivation_lines():
    # d/dx 1/(1 + e^-x) by central differences against the last line sigma(x)(1 - sigma(x)), at x = -3..3
    xs = np.linspace(-3, 3, 7)
    fd = np.array([(sig(x + 1e-6) - sig(x - 1e-6)) / 2e-6 for x in xs])
    assert np.allclose(dsig(xs), fd, atol=1e-9)


def test_001_bracket():
    # z_i^2 = sum_p a_p^1 w_{p,i}^2 + b_i^2 (section 1.2); the printed bracket sums b_p^2 over p as well, which
    # adds sum_p b_p - b_i: with b^2 = (1, 2, 3) that is 5, 4, 3 too much for i = 0, 1, 2
    a1, W2, b2 = np.array([0.2, 0.4, 0.6]), np.eye(3), np.array([1.0, 2.0, 3.0])
    z = W2 @ a1 + b2
    printed = np.array([sum(a1[p] * W2[i, p] + b2[p] for p in range(3)) for i in range(3)])
    assert np.allclose(printed - z, [5.0, 4.0, 3.0])


def _net(seed, sizes=(2, 3, 2)):
    rng = np.random.default_rng(seed)
    W = [None] + [rng.normal(size=(sizes[l], sizes[l - 1])) for l in range(1, len(sizes))]
    b = [None] + [rng.normal(size=sizes[l]) for l in range(1, len(sizes))]
    return W, b


def test_001_hidden_delta_uses_z():
    # dE/dz^1 by central differences for E(z^1) = 1/2 ||sigma(W^2 sigma(z^1) + b^2) - y||^2
    W, b = _net(1)
    z1, y = np.array([0.5, -0.7, 1.3]), np.array([0.2, 0.9])
    fd = central(lambda t: 0.5 * np.sum((sig(W[2] @ sig(t) + b[2]) - y) ** 2), z1)
    z2 = W[2] @ sig(z1) + b[2]
    delta2 = (sig(z2) - y) * dsig(z2)
    printed = (W[2].T @ delta2) * dsig(sig(z1))  # sigma'(A^l)
    corrected = (W[2].T @ delta2) * dsig(z1)  # sigma'(Z^l)
    assert np.allclose(corrected, fd, atol=1e-9)
    assert np.all(np.abs(printed - fd) > 1e-4)


def _E_batch(W, b, X, Y):
    A = X
    for l in (1, 2):
        A = sig(W[l] @ A + b[l][:, None])
    return 0.5 * np.sum((Y - A) ** 2)


def test_001_bias_gradient_of_batch():
    # E = sum_k E^k over 3 samples; dE/db^2 by central differences is the row sum of [delta^2], not any column
    W, b = _net(2)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(2, 3)), rng.uniform(size=(2, 3))

    def E_of_b2(b2):
        return _E_batch(W, [None, b[1], b2], X, Y)

    fd = central(E_of_b2, b[2])
    Z2 = W[2] @ sig(W[1] @ X + b[1][:, None]) + b[2][:, None]
    D2 = (sig(Z2) - Y) * dsig(Z2)
    assert np.allclose(D2.sum(axis=1), fd, atol=1e-9)
    for k in range(3):
        assert np.all(np.abs(D2[:, k] - fd) > 1e-4)


def test_001_weight_gradient_uses_a():
    # dE^k/dw_{j,i}^2 (w_{j,i}: from neuron j of layer 1 to neuron i of layer 2, at W^2[i, j]) by central
    # differences: delta_i^2 a_j^1, not delta_i^2 z_j^1
    W, b = _net(3)
    x, y = np.array([0.4, -0.9]), np.array([0.3, 0.8])

    def E_of_W2(W2):
        return _E_batch([None, W[1], W2], b, x[:, None], y[:, None])

    fd = central(E_of_W2, W[2])  # [i, j]
    z1 = W[1] @ x + b[1]
    z2 = W[2] @ sig(z1) + b[2]
    delta2 = (sig(z2) - y) * dsig(z2)
    assert np.allclose(np.outer(delta2, sig(z1)), fd, atol=1e-9)
    assert np.all(np.abs(np.outer(delta2, z1) - fd) > 1e-5)


def test_002_W1():
    # d_MSE = ||sigma(W_2 sigma(W_1 x)) - y||^2, gradient for W_1 by central differences (n = l = 3, so that the
    # printed W_{1,k,.} h can be evaluated at all)
    rng = np.random.default_rng(4)
    W1, W2, x, y = rng.normal(size=(3, 3)), rng.normal(size=(2, 3)), rng.normal(size=3), rng.uniform(size=2)
    fd = central(lambda M: np.sum((sig(W2 @ sig(M @ x)) - y) ** 2), W1)
    h = sig(W1 @ x)
    f = sig(W2 @ h)
    g = 2 * (f - y) @ np.diag(np.exp(-(W2 @ h)) * sig(W2 @ h) ** 2)
    printed = np.array([(g @ np.ones(2)) * np.exp(-W1[k] @ h) * sig(W1[k] @ h) ** 2 * x for k in range(3)])
    corrected = np.array([(g @ W2[:, k]) * np.exp(-W1[k] @ x) * sig(W1[k] @ x) ** 2 * x for k in range(3)])
    assert np.allclose(corrected, fd, atol=1e-9)
    assert np.abs(printed - fd).max() > 1e-2
    dW1, dW2 = cd.reinbott_gradients(W1, W2, x, y)
    assert np.allclose(dW1, fd, atol=1e-9)


def test_004_row_of_yhat():
    # V = [[1,2,3],[4,5,6],[7,8,9]], x = (1, 10, 100), b = 0: yhat_3 = 7 + 80 + 900 = 987; as printed,
    # V_31 x_3 + V_32 x_3 + V_33 x_3 = (7 + 8 + 9) * 100 = 2400
    V, x = np.arange(1.0, 10.0).reshape(3, 3), np.array([1.0, 10.0, 100.0])
    assert (V @ x)[2] == 987.0
    assert V[2, 0] * x[2] + V[2, 1] * x[2] + V[2, 2] * x[2] == 2400.0


def test_004_gradient_example():
    # f(x, y) = (x^2 - sin y) x = x^3 - x sin y. At (1, 0): df/dx = 3 - 0 = 3, printed 2x - sin y = 2.
    # At (2, pi/2): df/dx = 12 - 1 = 11, printed 4 - 1 = 3; df/dy = -x cos y = 0 both ways.
    def f(p):
        return (p[0] ** 2 - math.sin(p[1])) * p[0]

    assert central(f, [1.0, 0.0]) == pytest.approx([3.0, -1.0], abs=1e-8)
    assert central(f, [2.0, math.pi / 2]) == pytest.approx([11.0, 0.0], abs=1e-8)
    assert 2 * 1.0 - math.sin(0.0) == 2.0 and 2 * 2.0 - math.sin(math.pi / 2) == 3.0


def test_004_dK_dw():
    # K for one data point, gradient for W by central differences: y_j delta_k, not gamma_j delta_k
    rng = np.random.default_rng(5)
    V, b, W, c = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2)
    x, zbar = rng.normal(size=3), rng.uniform(size=2)
    fd = central(lambda M: np.sum((sig(M @ sig(V @ x + b) + c) - zbar) ** 2), W)
    yh = V @ x + b
    y = sig(yh)
    zh = W @ y + c
    delta = 2 * (sig(zh) - zbar) * dsig(zh)
    gamma = (W.T @ delta) * dsig(yh)
    assert np.allclose(np.outer(delta, y), fd, atol=1e-9)
    assert np.abs(np.outer(delta, gamma) - fd).max() > 1e-3


# ---- part 1: each document's derivation (correct forms) against torch float64 --------------------------------


def _torch_net(Ws, bs, X, Y, act, loss):
    """Ws[l] (rows = target), bs[l] or None; X, Y with one column per sample; E summed over samples."""
    tW = [torch.tensor(W, requires_grad=True) for W in Ws]
    tb = None if bs is None else [torch.tensor(v, requires_grad=True) for v in bs]
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}[act]
    A = torch.tensor(np.asarray(X, dtype=float))
    for l, W in enumerate(tW):
        Z = W @ A
        if tb is not None:
            Z = Z + tb[l][:, None]
        A = f(Z)
    sq = ((A - torch.tensor(np.asarray(Y, dtype=float))) ** 2).sum()
    (0.5 * sq if loss == "half_sse" else sq).backward()
    return [W.grad.numpy() for W in tW], None if tb is None else [v.grad.numpy() for v in tb]


def test_sanderson_chain_and_general():
    w, b, x, y = [None, 0.7, -1.3, 2.1], [None, 0.1, 0.4, -0.2], 0.8, 0.3
    dw, db = cd.sanderson_chain_gradients(w, b, x, y)
    tW, tb = _torch_net(
        [np.array([[v]]) for v in w[1:]], [np.array([v]) for v in b[1:]], [[x]], [[y]], "sigmoid", "sse"
    )
    assert np.allclose(dw[1:], [g[0, 0] for g in tW], atol=1e-14)
    assert np.allclose(db[1:], [g[0] for g in tb], atol=1e-14)
    rng = np.random.default_rng(6)
    sizes = [3, 4, 2]
    W = [None] + [rng.normal(size=(sizes[l], sizes[l - 1])) for l in (1, 2)]
    bb = [None] + [rng.normal(size=sizes[l]) for l in (1, 2)]
    xv, yv = rng.normal(size=3), rng.uniform(size=2)
    dW, dbb = cd.sanderson_general_gradients(W, bb, xv, yv)
    tW, tb = _torch_net(W[1:], bb[1:], xv[:, None], yv[:, None], "sigmoid", "sse")
    for l in (1, 2):
        assert np.allclose(dW[l], tW[l - 1], atol=1e-14) and np.allclose(dbb[l], tb[l - 1], atol=1e-14)


def test_zollner_per_sample_and_batch():
    rng = np.random.default_rng(7)
    sizes = [2, 4, 3, 2]
    W = [None] + [rng.normal(size=(sizes[l], sizes[l - 1])) for l in (1, 2, 3)]
    b = [None] + [rng.normal(size=sizes[l]) for l in (1, 2, 3)]
    X, Y = rng.normal(size=(2, 5)), rng.uniform(size=(2, 5))
    tW, tb = _torch_net(W[1:], b[1:], X, Y, "sigmoid", "half_sse")
    dW, db = cd.zollner_batch_gradients(W, b, X, Y)
    for l in (1, 2, 3):
        assert np.allclose(dW[l], tW[l - 1], atol=1e-13) and np.allclose(db[l], tb[l - 1], atol=1e-13)
    dw, db1 = cd.zollner_gradients(W, b, X[:, 0], Y[:, 0])
    tW, tb = _torch_net(W[1:], b[1:], X[:, :1], Y[:, :1], "sigmoid", "half_sse")
    for l in (1, 2, 3):
        assert np.allclose(np.array(dw[l]), tW[l - 1].T, atol=1e-14)  # [j][i] = dE/dw_{j,i} = dW^l[i, j]
        assert np.allclose(db1[l], tb[l - 1], atol=1e-14)


def test_reinbott_with_n_different_from_l():
    rng = np.random.default_rng(8)
    W1, W2, x, y = rng.normal(size=(3, 5)), rng.normal(size=(2, 3)), rng.normal(size=5), rng.uniform(size=2)
    dW1, dW2 = cd.reinbott_gradients(W1, W2, x, y)
    tW, _ = _torch_net([W1, W2], None, x[:, None], y[:, None], "sigmoid", "sse")
    assert np.allclose(dW1, tW[0], atol=1e-14) and np.allclose(dW2, tW[1], atol=1e-14)


def test_tensor_form():
    rng = np.random.default_rng(9)
    W, b = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))], [rng.normal(size=4), rng.normal(size=2)]
    x, y = rng.normal(size=3), rng.uniform(size=2)
    a2 = np.tanh(W[1] @ np.tanh(W[0] @ x + b[0]) + b[1])
    gW, gb, _ = cd.tensor_form_gradients(W, b, x, a2 - y)  # E = 1/2 ||a - y||^2: nabla a = a - y
    tW, tb = _torch_net(W, b, x[:, None], y[:, None], "tanh", "half_sse")
    for k in (0, 1):
        assert np.allclose(gW[k], tW[k], atol=1e-14) and np.allclose(gb[k], tb[k], atol=1e-14)


def test_lecture_notes_over_the_data():
    rng = np.random.default_rng(10)
    V, b, W, c = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2)
    X, Zbar = rng.normal(size=(3, 6)), rng.uniform(size=(2, 6))
    g = cd.lecture_gradients(V, b, W, c, X, Zbar)
    tW, tb = _torch_net([V, W], [b, c], X, Zbar, "sigmoid", "sse")
    assert np.allclose(g["V"], tW[0], atol=1e-13) and np.allclose(g["W"], tW[1], atol=1e-13)
    assert np.allclose(g["b"], tb[0], atol=1e-13) and np.allclose(g["c"], tb[1], atol=1e-13)


def test_documents_filter_and_bad_name():
    r = cd.documents_report(docs=["004"])
    assert {x.entry.doc for x in r.results} == {"004"}
    with pytest.raises(ValueError, match="no entries for docs"):
        cd.documents_report(docs=["005"])
    with pytest.raises(KeyError, match="no entry"):
        r.result("001 §9")
