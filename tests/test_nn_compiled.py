"""fit(engine="compiled") never replays a program that is not the model's (issue 19).

Before: the program cache was keyed by the model's type, sizes and activation *names*, so re-registering an
activation under the same name (re-running a notebook cell) kept the old program; a cache hit skipped the path
check; and a subclass that branches on its input passed the check at three samples when those three took the same
branch. Oracle: the node engine, which builds each sample's graph as the model computes it (itself checked against
torch in test_nn_train.py); the two must agree to 1e-12, as for every other model.
"""

import pytest

from nn import MLP, SGD, fit
from nn import compiled as compiled_engine
from nn.module import ACTIVATIONS, same_graph_for_every_input

X = [[0.5, -1.0], [1.5, 0.2], [-0.4, 0.9], [0.0, 0.3], [-1.2, -0.6], [0.8, 0.8], [-0.3, -0.2]]
Y = [1, 0, 1, 0, 1, 0, 1]
NOT_THE_SAME_GRAPH = "engine='compiled' needs a model whose forward pass is the same graph for every sample"


def _both_engines(make_model, X=X, Y=Y, epochs=3):
    """[(losses, parameters)] of the node engine and the compiled one, each from a fresh model."""
    runs = []
    for engine in ("nodes", "compiled"):
        model = make_model()
        history = fit(model, X, Y, loss="half_sse", optimizer=SGD(model.parameters(), lr=0.3), epochs=epochs,
                      engine=engine)  # fmt: skip
        runs.append((history.loss, [p.data for p in model.parameters()]))
    return runs


def _assert_same(runs):
    (loss_n, w_n), (loss_c, w_c) = runs
    assert loss_c == pytest.approx(loss_n, rel=1e-12, abs=1e-15)
    assert w_c == pytest.approx(w_n, rel=1e-12, abs=1e-15)


def test_a_reregistered_activation_of_the_same_name_gets_its_own_program(monkeypatch):
    compiled_engine.clear_programs()
    monkeypatch.setitem(ACTIVATIONS, "swish", lambda z: z * z.sigmoid())
    first = _both_engines(lambda: MLP(2, [4, 1], activation="swish", seed=0))
    _assert_same(first)
    # the notebook cell is edited and run again: the same name, another function (swish with beta = 2)
    monkeypatch.setitem(ACTIVATIONS, "swish", lambda z: z * (z * 2.0).sigmoid())
    second = _both_engines(lambda: MLP(2, [4, 1], activation="swish", seed=0))
    assert second[0][0] != pytest.approx(first[0][0], rel=1e-6)  # the two swishes train differently
    _assert_same(second)


class OutlierBoost(MLP):
    """A forward of its own that looks at the input's numbers: samples with x0 > 1 get thrice the output."""

    def __call__(self, x):
        out = super().__call__(x)
        return out * 3.0 if float(x[0]) > 1.0 else out


def test_a_cached_program_is_checked_again_on_the_next_fit():
    compiled_engine.clear_programs()
    calm = [[0.5, -1.0], [0.2, 0.2], [-0.4, 0.9], [0.0, 0.3], [-0.2, -0.6]]  # no x0 > 1: one path
    _assert_same(_both_engines(lambda: OutlierBoost(2, [3, 1], seed=1), calm, Y[:5]))  # traced and cached
    wild = [[0.5, -1.0], [0.2, 0.2], [1.5, 0.9], [0.0, 0.3], [-0.2, -0.6]]  # the middle sample takes the other path
    with pytest.raises(ValueError, match=NOT_THE_SAME_GRAPH + r".*at sample 2"):
        fit(OutlierBoost(2, [3, 1], seed=1), wild, Y[:5], loss="half_sse", epochs=1, engine="compiled")


def test_a_subclass_branching_at_samples_other_than_first_middle_last_is_caught_like_check_inputs():
    # samples 0, 3 (the middle) and 6 (the last) take one path, sample 1 (x0 = 1.5) the other: the old check at
    # three samples passed and the program replayed sample 0's path for sample 1
    compiled_engine.clear_programs()
    model = OutlierBoost(2, [3, 1], seed=1)
    assert [float(x[0]) > 1.0 for x in X] == [False, True, False, False, False, False, False]
    with pytest.raises(ValueError, match=NOT_THE_SAME_GRAPH + r".*at sample 1 "):
        fit(model, X, Y, loss="half_sse", epochs=1, engine="compiled")
    assert not same_graph_for_every_input(model)  # why it was checked at every sample


class Residual(MLP):
    """A forward of its own without branches: the output plus the first input (a skip connection)."""

    def __call__(self, x):
        return super().__call__(x) + x[0]


def test_a_forward_of_its_own_without_branches_trains_compiled_as_the_node_engine():
    compiled_engine.clear_programs()
    _assert_same(_both_engines(lambda: Residual(2, [3, 1], activation="tanh", seed=2)))


def test_only_nns_own_mlp_counts_as_one_graph_for_every_input(monkeypatch):
    assert same_graph_for_every_input(MLP(2, [3, 1], activation="tanh"))
    assert not same_graph_for_every_input(Residual(2, [3, 1]))
    monkeypatch.setitem(ACTIVATIONS, "leaky", lambda z: z if z.data > 0 else z * 0.01)
    assert not same_graph_for_every_input(MLP(2, [3, 1], activation="leaky"))


def test_an_activation_that_branches_on_its_number_is_caught(monkeypatch):
    # leaky relu written with Python's if: the graph differs per neuron and sample, which a trace cannot follow
    compiled_engine.clear_programs()
    monkeypatch.setitem(ACTIVATIONS, "leaky", lambda z: z if z.data > 0 else z * 0.01)
    with pytest.raises(ValueError, match=NOT_THE_SAME_GRAPH):
        fit(MLP(2, [8, 1], activation="leaky", seed=0), X, Y, loss="half_sse", epochs=1, engine="compiled")


def test_a_model_that_returns_no_value_is_named():
    class Numbers(MLP):
        def __call__(self, x):
            return 0.5

    with pytest.raises(TypeError, match="traces a model that returns a Value or a list of Values; Numbers returned"):
        fit(Numbers(2, [1]), X, Y, epochs=1, engine="compiled")


def test_two_threads_training_one_cached_program_each_get_the_node_engines_numbers():
    # both models have one path, so they share one cached program; each fit has its own loss seed and step
    import threading

    compiled_engine.clear_programs()
    expected = _both_engines(lambda: MLP(2, [5, 1], activation="tanh", seed=7), epochs=20)[0]
    results = [None, None]

    def train(k):
        model = MLP(2, [5, 1], activation="tanh", seed=7)
        history = fit(model, X, Y, loss="half_sse", optimizer=SGD(model.parameters(), lr=0.3), epochs=20,
                      engine="compiled")  # fmt: skip
        results[k] = (history.loss, [p.data for p in model.parameters()])

    threads = [threading.Thread(target=train, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for result in results:
        _assert_same([expected, result])


def test_evaluate_through_the_program_gives_the_node_engines_numbers_bit_for_bit():
    from nn import accuracy, evaluate

    model = MLP(2, [6, 3], activation="tanh", seed=3)  # three outputs: softmax over the classes 0, 1, 2
    labels = [0, 2, 1, 2, 0, 1, 1]
    for loss in ("softmax_ce", "mse"):
        assert evaluate(model, X, labels, loss, engine="compiled") == evaluate(model, X, labels, loss)
    assert accuracy(model, X, labels) == evaluate(model, X, labels, "softmax_ce", engine="compiled")[1]
    with pytest.raises(ValueError, match=r"evaluate\(\): engine must be 'nodes' or 'compiled', got 'jit'"):
        evaluate(model, X, labels, "mse", engine="jit")


def test_a_model_beyond_the_compilers_limit_is_refused_in_fits_words(monkeypatch):
    # the compiler's MemoryError said "pass max_nodes= to write it anyway, or use the node engine (backward())",
    # neither of which fit takes; fit names its own option. MLP(2, 3, 1): 3*5 + 1*6 = 21 ops, 13 parameters and 2
    # inputs, 36 nodes: over a limit of 30
    monkeypatch.setattr(compiled_engine, "MAX_NODES", 30)
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(MemoryError, match=r"^fit\(\): engine='compiled' writes the model's program as Python: 36 "
                       r"nodes, more than the 30 it writes \(about .* to compile\); use engine='nodes'"):  # fmt: skip
        fit(model, X, Y, epochs=1, engine="compiled")


def test_parameters_labelled_like_the_programs_names_train_compiled_as_the_node_engine():
    # issue 19: a parameter labelled with text Python folds onto another name (NFKC: full-width 'ｘ0', bold '𝐱1'
    # are x0, x1, the samples' inputs) rebound that name in the program, so fit(engine="compiled") trained another
    # model. Labels are drawn from the program's own names too (samples, params, grads, seed, g_x0, n1), a keyword,
    # a line break and the empty text.
    hostile = ["ｘ0", "𝐱1", "x0", "samples", "params", "g_x0", "grads", "seed", "lambda", "a\nb", "", "n1", "x1"]

    def labelled():
        model = MLP(2, [3, 1], activation="tanh", seed=4)
        for p, label in zip(model.parameters(), hostile):
            p.label = label
        return model

    compiled_engine.clear_programs()
    _assert_same(_both_engines(labelled))
