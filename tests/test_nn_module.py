"""nn.Module/Neuron/Layer/MLP and nn.matrices: hand-worked numbers, a published example, shapes and failure modes."""

import math
import random

import numpy as np
import pytest

from autograd_mini import Value
from nn import MLP, SGD, Layer, Neuron, fit, half_sse
from nn.matrices import (
    bias_grad_vector,
    bias_vector,
    forward_numpy,
    set_bias_vector,
    set_weight_matrix,
    weight_grad_matrix,
    weight_matrix,
)

# -- a network of our own, worked by hand ---------------------------------------------------------------------------


def test_hand_worked_relu_network_one_sgd_step():
    # MLP(2, [2, 1]): relu hidden layer, linear output; all numbers are dyadic fractions, so every float below is
    # exact and the comparisons are ==.
    #   W^1 = [[0.5, -1.0], [0.25, 0.5]]  b^1 = [0.5, -0.25]      W^2 = [[1.0, -2.0]]  b^2 = [0.25]
    model = MLP(2, [2, 1], activation="relu", output_activation="linear", seed=0)
    set_weight_matrix(model, 1, [[0.5, -1.0], [0.25, 0.5]])
    set_bias_vector(model, 1, [0.5, -0.25])
    set_weight_matrix(model, 2, [[1.0, -2.0]])
    set_bias_vector(model, 2, [0.25])

    # Sample A: x = (1, 0.5), y = 1
    #   z^1_0 = 0.5 + 0.5*1 + (-1)*0.5 = 0.5    -> a = 0.5
    #   z^1_1 = -0.25 + 0.25*1 + 0.5*0.5 = 0.25 -> a = 0.25
    #   out   = 0.25 + 1*0.5 + (-2)*0.25 = 0.25
    #   E_A   = 1/2 (1 - 0.25)^2 = 0.28125
    # Sample B: x = (-1, 1.5), y = -0.5
    #   z^1_0 = 0.5 + 0.5*(-1) + (-1)*1.5 = -1.5 -> a = 0 (relu off: no gradient flows through this neuron)
    #   z^1_1 = -0.25 + 0.25*(-1) + 0.5*1.5 = 0.25 -> a = 0.25
    #   out   = 0.25 + 1*0 + (-2)*0.25 = -0.25
    #   E_B   = 1/2 (-0.5 - (-0.25))^2 = 0.03125
    xa, xb = [1.0, 0.5], [-1.0, 1.5]
    a_out, b_out = model(xa), model(xb)
    assert (a_out.data, b_out.data) == (0.25, -0.25)
    assert [v.data for v in model.layers[0](xb)] == [0.0, 0.25]
    assert half_sse(a_out, 1.0).data == 0.28125
    assert half_sse(b_out, -0.5).data == 0.03125

    # Gradients of the batch loss E = 1/2 (E_A + E_B) = 0.15625
    #   A: dE/dout = out - y = -0.75   dW^2 = -0.75*[0.5, 0.25] = [-0.375, -0.1875]   db^2 = -0.75
    #      delta^1 = -0.75*[1, -2] * relu' = [-0.75, 1.5]
    #      dW^1 = [[-0.75*1, -0.75*0.5], [1.5*1, 1.5*0.5]] = [[-0.75, -0.375], [1.5, 0.75]]   db^1 = [-0.75, 1.5]
    #   B: dE/dout = -0.25 - (-0.5) = 0.25   dW^2 = 0.25*[0, 0.25] = [0, 0.0625]   db^2 = 0.25
    #      delta^1 = 0.25*[1, -2] * [0, 1] = [0, -0.5]
    #      dW^1 = [[0, 0], [-0.5*(-1), -0.5*1.5]] = [[0, 0], [0.5, -0.75]]   db^1 = [0, -0.5]
    #   mean: dW^2 = [-0.1875, -0.0625]  db^2 = -0.25   dW^1 = [[-0.375, -0.1875], [1.0, 0.0]]  db^1 = [-0.375, 0.5]
    loss = (half_sse(model(xa), 1.0) + half_sse(model(xb), -0.5)) * 0.5
    assert loss.data == 0.15625
    model.zero_grad()
    loss.backward()
    assert weight_grad_matrix(model, 2).tolist() == [[-0.1875, -0.0625]]
    assert bias_grad_vector(model, 2).tolist() == [-0.25]
    assert weight_grad_matrix(model, 1).tolist() == [[-0.375, -0.1875], [1.0, 0.0]]
    assert bias_grad_vector(model, 1).tolist() == [-0.375, 0.5]

    # One SGD step with eta = 0.5 through fit (one batch of both samples, the mean of document 001, 2.2):
    #   W^2 = [1 - 0.5*(-0.1875), -2 - 0.5*(-0.0625)] = [1.09375, -1.96875]   b^2 = 0.25 + 0.125 = 0.375
    #   W^1 = [[0.5 + 0.1875, -1 + 0.09375], [0.25 - 0.5, 0.5 - 0]] = [[0.6875, -0.90625], [-0.25, 0.5]]
    #   b^1 = [0.5 + 0.1875, -0.25 - 0.25] = [0.6875, -0.5]
    history = fit(model, [xa, xb], [1.0, -0.5], loss="half_sse", optimizer=SGD(model.parameters(), lr=0.5), epochs=1)
    assert history.loss == [0.15625]  # the loss the step was computed from
    assert history.accuracy == [None]  # -0.5 is not a class label: no accuracy
    assert weight_matrix(model, 2).tolist() == [[1.09375, -1.96875]]
    assert bias_vector(model, 2).tolist() == [0.375]
    assert weight_matrix(model, 1).tolist() == [[0.6875, -0.90625], [-0.25, 0.5]]
    assert bias_vector(model, 1).tolist() == [0.6875, -0.5]


# -- Matt Mazur, "A Step by Step Backpropagation Example" (2015) ------------------------------------------------------


def test_mazur_step_by_step_example():
    # 2-2-2 network, sigmoid everywhere, E_total = sum 1/2 (target - out)^2. Mazur's names -> ours:
    #   w1: i1->h1 = L1.N0.w0, w2: i2->h1 = L1.N0.w1, w3: i1->h2 = L1.N1.w0, w4: i2->h2 = L1.N1.w1
    #   w5: h1->o1 = L2.N0.w0, w6: h2->o1 = L2.N0.w1, w7: h1->o2 = L2.N1.w0, w8: h2->o2 = L2.N1.w1
    # He shares one bias per layer (b1 = .35, b2 = .60); here each neuron has its own, set to the same value.
    model = MLP(2, [2, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    set_weight_matrix(model, 1, [[0.15, 0.20], [0.25, 0.30]])
    set_bias_vector(model, 1, 0.35)
    set_weight_matrix(model, 2, [[0.40, 0.45], [0.50, 0.55]])
    set_bias_vector(model, 2, 0.60)
    x, target = [0.05, 0.10], [0.01, 0.99]

    hidden = model.layers[0](x)
    assert hidden[0].data == pytest.approx(0.593269992, abs=1e-9)  # out_h1
    assert hidden[1].data == pytest.approx(0.596884378, abs=1e-9)  # out_h2
    out = model(x)
    assert out[0].data == pytest.approx(0.75136507, abs=1e-8)  # out_o1
    assert out[1].data == pytest.approx(0.772928465, abs=1e-9)  # out_o2
    E = half_sse(out, target)
    assert E.data == pytest.approx(0.298371109, abs=1e-9)  # E_total = 0.274811083 + 0.023560026

    model.zero_grad()
    E.backward()
    w5 = model.layers[1].neurons[0].w[0]
    assert w5.grad == pytest.approx(0.082167041, abs=1e-9)  # dE_total/dw5 = 0.74136507 * 0.186815602 * 0.593269992
    # delta_o1 = 0.138498562 is dE/db of o1's own bias; his shared b2 would get delta_o1 + delta_o2 (the two
    # per-neuron gradients added up), which is why the bias of each neuron is checked separately here.
    assert model.layers[1].neurons[0].b.grad == pytest.approx(0.138498562, abs=1e-9)

    # one step with eta = 0.5 (all gradients taken before any weight changes, as he does)
    opt = SGD(model.parameters(), lr=0.5)
    opt.step()
    published = {  # his figures after the first round of backpropagation
        "L2.N0.w0": 0.35891648,  # w5+
        "L2.N0.w1": 0.408666186,  # w6+
        "L2.N1.w0": 0.511301270,  # w7+
        "L2.N1.w1": 0.561370121,  # w8+
        "L1.N0.w0": 0.149780716,  # w1+
        "L1.N0.w1": 0.19956143,  # w2+
        "L1.N1.w0": 0.24975114,  # w3+
        "L1.N1.w1": 0.29950229,  # w4+
    }
    state = model.state_dict()
    for name, value in published.items():
        assert state[name] == pytest.approx(value, abs=6e-9), name


# -- construction, labels, initialisation ------------------------------------------------------------------------


def test_parameter_labels_and_order():
    model = MLP(3, [2, 1], seed=1)
    names = [n for n, _ in model.named_parameters()]
    assert names == [
        "L1.N0.w0", "L1.N0.w1", "L1.N0.w2", "L1.N0.b",
        "L1.N1.w0", "L1.N1.w1", "L1.N1.w2", "L1.N1.b",
        "L2.N0.w0", "L2.N0.w1", "L2.N0.b",
    ]  # fmt: skip
    assert all(p.label == n for n, p in model.named_parameters())
    assert model.layers[0].neurons[1].w[2].label == "L1.N1.w2"
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.sizes == [3, 2, 1]
    assert repr(model) == "MLP(3 -> 2 -> 1, activation='relu', output_activation='linear', parameters=11)"


def test_initialisation_scheme_and_seeds():
    # relu: uniform(-sqrt(6/n), sqrt(6/n)); others: uniform(-sqrt(3/n), sqrt(3/n)); biases 0
    model = MLP(16, [64, 64, 1], activation="relu", output_activation="tanh", seed=3)
    for layer in model.layers:
        r = math.sqrt((6.0 if layer.activation == "relu" else 3.0) / layer.nin)
        ws = np.array([w.data for n in layer.neurons for w in n.w])
        assert np.all(np.abs(ws) < r)
        if ws.size > 1000:  # uniform(-r, r) has variance r^2/3: 2/n for relu (He), 1/n otherwise (LeCun)
            assert ws.var() == pytest.approx(r * r / 3, rel=0.1)
            assert np.abs(ws).max() > 0.95 * r
        assert all(n.b.data == 0.0 for n in layer.neurons)
    # the same seed gives the same weights; a random.Random instance works as well; the global state is untouched
    random.seed(123)
    before = random.getstate()
    a = MLP(2, [4, 1], seed=7).state_dict()
    b = MLP(2, [4, 1], seed=random.Random(7)).state_dict()
    assert a == b
    assert a != MLP(2, [4, 1], seed=8).state_dict()
    assert random.getstate() == before
    # micrograd's init: uniform(-1, 1) in micrograd's order (checked against micrograd itself in test_nn_train)
    m = MLP(2, [3], init="micrograd", seed=random.Random(5))
    rng = random.Random(5)
    assert [w.data for n in m.layers[0].neurons for w in n.w] == [rng.uniform(-1, 1) for _ in range(6)]


def test_neuron_builds_no_needless_nodes():
    n = Neuron(2, activation="linear", rng=0)
    out = n([0.5, 2.0])
    # z = (b + w0*0.5) + w1*2.0: two mul nodes holding their numbers, two adds; no Value made for the inputs
    assert out.op.name == "add"
    left, right = out.operands
    assert right.op.name == "mul" and right.operands == (n.w[1], 2.0)
    assert left.operands[0] is n.b and left.operands[1].operands == (n.w[0], 0.5)
    # Values given as inputs become edges
    x = Value(1.5)
    assert n([x, 1.0]).operands[0].operands[1].operands == (n.w[0], x)


def test_layer_returns_list_and_mlp_single_value():
    layer = Layer(2, 1, activation="tanh", rng=0)
    assert isinstance(layer([1.0, 2.0]), list) and len(layer([1.0, 2.0])) == 1
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    # numpy numbers and ints are accepted as inputs
    assert MLP(2, [3, 1], seed=0)(np.array([1, 2])).data == MLP(2, [3, 1], seed=0)([1.0, 2.0]).data


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_activations_match_their_formulas(activation):
    f = {"sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(z, 0.0)}.get(
        activation, lambda z: z
    )
    n = Neuron(3, activation=activation, rng=4)
    n.b.data = -0.3
    x = [0.2, -1.1, 0.7]
    z = -0.3 + sum(w.data * xi for w, xi in zip(n.w, x))
    assert n(x).data == pytest.approx(f(z), abs=1e-15)


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        MLP(2, [3, 1], activation="softplus")
    with pytest.raises(ValueError, match="nouts must be a non-empty list"):
        MLP(2, 3)
    with pytest.raises(ValueError, match=r"layer size nouts\[1\] must be a whole number >= 1, got 0"):
        MLP(2, [3, 0])
    with pytest.raises(TypeError, match=r"MLP\(seed=...\) must be None, an int seed or a random.Random, got str"):
        MLP(2, [3], seed="x")
    with pytest.raises(ValueError, match=r"MLP expects 2 inputs \(sizes \[2, 3, 1\]\), got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"MLP input x\[1\] must be a real number or a Value, got str"):
        MLP(2, [3, 1], seed=0)([1.0, "2"])
    with pytest.raises(ValueError, match=r"Neuron\(2 inputs\) got 1 inputs"):
        Neuron(2, rng=0)([1.0])


# -- state dicts --------------------------------------------------------------------------------------------------


def test_state_dict_round_trip_and_zero_grad():
    a, b = MLP(2, [3, 2], seed=1), MLP(2, [3, 2], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, -0.2])[1].data == a([0.3, -0.2])[1].data
    out = b([0.3, -0.2])
    (out[0] + out[1]).backward()
    assert any(p.grad != 0 for p in b.parameters())
    b.zero_grad()
    assert all(p.grad == 0 for p in b.parameters())


def test_load_state_dict_of_another_shape_changes_nothing():
    small, big = MLP(2, [2, 1], seed=1), MLP(2, [3, 1], seed=2)
    before = small.state_dict()
    with pytest.raises(ValueError, match=r"unexpected parameter 'L1.N2.w0'.*Nothing was changed"):
        small.load_state_dict(big.state_dict())
    with pytest.raises(ValueError, match=r"missing parameter 'L1.N2.w0'"):
        big.load_state_dict(small.state_dict())
    state = dict(before)
    state["L1.N0.w0"] = 9.0  # would change ...
    state["L2.N0.b"] = float("nan")  # ... but this one is bad, so nothing changes
    with pytest.raises(ValueError, match=r"parameter 'L2.N0.b' must be a finite real number, got nan"):
        small.load_state_dict(state)
    assert small.state_dict() == before


# -- matrices ------------------------------------------------------------------------------------------------------


def test_weight_matrix_convention_and_errors():
    model = MLP(3, [2, 1], seed=5)
    W = weight_matrix(model, 1)
    assert W.shape == (2, 3)  # (n_l, n_{l-1}): row = target neuron, column = source neuron
    assert W[1, 2] == model.layers[0].neurons[1].w[2].data
    set_weight_matrix(model, 1, W * 2)
    assert model.layers[0].neurons[1].w[2].data == 2 * W[1, 2]
    with pytest.raises(ValueError, match=r"W\^1 must have shape \(2, 3\) for this layer, got shape \(3, 2\)"):
        set_weight_matrix(model, 1, W.T)
    with pytest.raises(ValueError, match=r"layer l=0 does not exist; .* numbered 1..2 \(layer 0 is the input\)"):
        weight_matrix(model, 0)
    with pytest.raises(ValueError, match=r"b\^2 must have shape \(1,\)"):
        set_bias_vector(model, 2, [1.0, 2.0])
    assert weight_matrix(model, 1)[1, 2] == 2 * W[1, 2]  # the failed calls changed nothing


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_forward_numpy_matches_the_value_graph(activation):
    # document 001, section 2.6: A^l = f(W^l A^{l-1} + b^l) for all samples at once
    model = MLP(3, [5, 4, 2], activation=activation, output_activation="sigmoid", seed=11)
    rng = np.random.default_rng(0)
    for layer in model.layers:
        for n in layer.neurons:
            n.b.data = float(rng.normal())
    X = rng.normal(size=(7, 3))
    expected = [[v.data for v in model(list(x))] for x in X]
    np.testing.assert_allclose(forward_numpy(model, X), expected, rtol=1e-13, atol=1e-15)


def test_relabelling_a_value_for_a_drawing_does_not_rename_its_parameter():
    # a learner labels a weight "w" to draw it; its parameter is still L1.N0.w0 (its place in the network), so
    # state_dict() keeps its keys and a saved model loads back into the same architecture
    from nn import MLP

    model = MLP(2, [3, 1], seed=0)
    keys = list(model.state_dict())
    model.layers[0].neurons[0].w[0].label = "w"
    assert list(model.state_dict()) == keys and keys[0] == "L1.N0.w0"
    other = MLP(2, [3, 1], seed=1)
    other.load_state_dict(model.state_dict())
    assert other.layers[0].neurons[0].w[0].data == model.layers[0].neurons[0].w[0].data
