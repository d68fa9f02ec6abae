"""The playground's endpoints through Starlette's test client: good, bad and hostile input (issue 21, items 2-6).

Oracles: micrograd's neuron at micrograd's point (o = tanh(n) with n = 0.8813735870195432 = atanh(1/sqrt 2), so
o = 0.7071 and 1 - o^2 = 0.5; by hand dO/dx1 = w1 (1 - o^2) = -3 * 0.5 = -1.5, dO/dw1 = x1 * 0.5 = 1,
dO/dx2 = w2 * 0.5 = 0.5, dO/dw2 = x2 * 0.5 = 0, dO/db = 0.5, as micrograd's README and lecture show), torch float64
for other formulas and for a neuron's delta, and the limits as the modules state them.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")
torch = pytest.importorskip("torch")

from starlette.testclient import TestClient  # noqa: E402

from nn.app.play import formula_view, network_view, server  # noqa: E402

BASE = "http://127.0.0.1:8765"
NEURON = {"formula": "tanh(x1*w1+x2*w2+b)", "x1": "2", "x2": "0", "w1": "-3", "w2": "1", "b": "6.8813735870195432"}


@pytest.fixture(scope="module")
def client():
    return TestClient(server.create_app(), base_url=BASE)


def _json_post(client, path, body, **headers):
    return client.post(path, json=body, headers=headers)


# -- the formula page -----------------------------------------------------------------------------------------------


def test_micrograd_neuron_at_micrograds_point(client):
    data = client.get("/api/formula", params=NEURON).json()
    assert data["output"] == "o"
    assert data["value"] == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}  # worked out by hand in the docstring
    assert data["grads"] == pytest.approx(expected, abs=1e-12)


def test_each_nodes_chain_rule_line_adds_up_to_its_gradient(client):
    data = client.get("/api/formula", params=NEURON).json()
    x1 = next(n for n in data["nodes"] if n["name"] == "x1")
    # x1 is used once, by x1*w1 (gradient 0.5, local derivative w1 = -3)
    assert x1["chain"].endswith("= 0.5 * -3 = -1.5")
    assert x1["hint"].endswith("= 0.5 * -3") and "-1.5" not in x1["hint"]  # the hint leaves the answer out
    for node in data["nodes"]:
        for operand in node.get("operands", []):
            assert operand["product"] == node["upstream"] * operand["local"]


def test_fan_out_collects_every_contribution(client):
    # f = x*x + x at x = 3: df/dx = 2x + 1 = 7, from three contributions (x*x twice, the sum once)
    data = client.get("/api/formula", params={"formula": "x*x + x", "x": "3"}).json()
    x = next(n for n in data["nodes"] if n["name"] == "x")
    assert data["grads"]["x"] == 7.0
    assert x["chain"].endswith("= 1 * 1 + 1 * 3 + 1 * 3 = 7")  # upstream x local, once per use


def test_steps_and_frames_match_the_backward_pass(client):
    data = client.get("/api/formula", params=NEURON).json()
    ops = sum(1 for n in data["nodes"] if "op" in n)
    assert len(data["steps"]) == len(data["frames"]) == ops + 1  # frame 0 is the seed
    assert data["steps"][1]["program"]  # the adjoint program's line beside the step
    assert data["practice"][0] == len(data["nodes"]) - 1  # practice asks for the output first
    assert data["picture"].startswith("<svg") and data["picture"].count("<svg") == 1  # one picture, stepped
    # frame 1, the first step: tanh's node (the output o, drawn last) passes 1 * (1 - o^2) = 0.5 to its input n4
    output, tanh_input = len(data["nodes"]) - 1, len(data["nodes"]) - 2
    assert data["frames"][1] == {"g": [[tanh_input, "grad 0.5"]], "c": output, "r": [tanh_input],
                                 "e": [f"e{output}_out", f"e{output}_0"]}  # fmt: skip
    for k, frame in enumerate(data["frames"]):  # every id a frame names is an element of the picture
        ids = [f"v{i}" for i in frame["r"]] + frame["e"] + ([f"v{frame['c']}"] if frame["c"] is not None else [])
        assert all(f'id="fp-{i}"' in data["picture"] for i in ids), k


def test_captions_write_the_chain_rule_as_the_lecture_does(client):
    data = client.get("/api/formula", params=NEURON).json()
    step = data["steps"][3]  # n3 = n1 + n2 passes its 0.5 on to each of its operands (local derivative 1)
    assert step["head"] == "Step 3 of 5: n3 = n1 + n2 = x1*w1 + x2*w2, its gradient do/dn3 = 0.5"
    assert step["text"] == ["do/dn1 = do/dn3 * ∂n3/∂n1 = 0.5 * 1 = 0.5", "do/dn2 = do/dn3 * ∂n3/∂n2 = 0.5 * 1 = 0.5"]
    # typeset: MathML in three pieces (do/dn1 | = do/dn3 * dn3/dn1 | = 0.5 * 1 = 0.5): a narrow column breaks before '='
    assert all(rule.count("<math") == 3 and rule.count("<mfrac>") == 3 for rule in step["rules"])
    x1 = next(n for n in data["nodes"] if n["name"] == "x1")
    assert x1["chain"] == "do/dx1 = do/dn1 * ∂n1/∂x1 = 0.5 * -3 = -1.5"
    assert len(x1["rules"]) == 1 and "<mfrac>" in x1["rules"][0]


def test_an_output_name_that_is_a_variable_is_not_taken(client):
    # the output is o, unless o is a variable (then f, then y ...): never the name of a variable
    data = client.get("/api/formula", params={"formula": "f*o + o + y", "f": "2", "o": "3", "y": "1"}).json()
    assert data["output"] == "out" and data["grads"] == {"f": 3.0, "o": 3.0, "y": 1.0}  # by hand: o, f + 1, 1


def test_a_variable_called_formula_is_refused_with_a_caret(client):
    # the address names the formula itself formula=..., so a variable of that name could not be given a value
    data = client.get("/api/formula", params={"formula": "x * formula", "x": "2"}).json()
    assert "a variable may not be called formula" in data["error"]
    line, caret = data["caret"].splitlines()
    assert caret.index("^") == line.index("formula")


@pytest.mark.parametrize(
    "formula, values",
    [
        ("(x**2 - sin(y)) * x", {"x": 1.5, "y": 0.5}),
        ("sigmoid(a*b) / (1 + exp(-a))", {"a": -0.7, "b": 2.0}),
        ("log(x) * sqrt(y) - x % 3", {"x": 4.5, "y": 0.25}),
    ],
)
def test_gradients_equal_torch_float64(client, formula, values):
    data = client.get("/api/formula", params={"formula": formula, **{k: repr(v) for k, v in values.items()}}).json()
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    env = {**t, "sin": torch.sin, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "sigmoid": torch.sigmoid}
    out = eval(formula, {"__builtins__": {}}, env)  # the oracle's own parser: Python's, on torch tensors
    out.backward()
    assert data["value"] == pytest.approx(out.item(), rel=1e-12)
    for k in values:
        assert data["grads"][k] == pytest.approx(t[k].grad.item(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    "params, words",
    [
        ({"formula": "x.__class__"}, "attribute access"),
        ({"formula": "__import__('os')"}, "not allowed"),
        ({"formula": "x^2", "x": "1"}, "^"),
        ({"formula": "log(x)", "x": "0"}, "log of 0.0"),
        ({"formula": "x*y", "x": "1", "y": "nan"}, "the value of y must be a finite number"),
        ({"formula": "x*y", "x": "1", "y": "1e400"}, "the value of y must be a finite number"),
        ({"formula": "x*y", "x": "two"}, "the value of x must be a number, got 'two'"),
        ({"formula": "x*y", "x": "2,5"}, "got '2,5'; write the decimal point as a point, 2.5"),
        ({"formula": ""}, "type a formula"),
        ({"formula": "x" + "+x" * 300}, "the page takes up to 400"),
        ({"formula": "+".join(f"x{i}" for i in range(13))}, "sliders for up to 12"),
        ({"formula": "*".join(["sin(x)"] * 40), "x": "1"}, "the page shows up to 60"),
    ],
)
def test_bad_formulas_get_one_line_and_a_caret(client, params, words):
    reply = client.get("/api/formula", params=params)
    assert reply.status_code == 400
    data = reply.json()
    assert words in data["error"] and "\n" not in data["error"] and "Traceback" not in data["error"]


def test_a_typeset_minus_copied_into_a_box_is_a_minus(client):
    # the MathML of the captions shows -3 with the minus sign U+2212; copied into a number box it means -3
    data = client.get("/api/formula", params={"formula": "x*y", "x": "\u22123", "y": "2"}).json()
    assert data["values"] == {"x": -3.0, "y": 2.0} and data["grads"] == {"x": 2.0, "y": -3.0}


def test_a_parse_error_points_at_the_place(client):
    data = client.get("/api/formula", params={"formula": "x + 2y"}).json()
    line, caret = data["caret"].splitlines()
    assert line.strip() == "x + 2y" and caret.index("^") == line.index("2y")


def test_hostile_text_is_refused_by_the_parser_and_shown_as_text(client):
    # a formula is text a user typed: markup and non-ASCII names are refused by the strict parser with one line
    # (the page writes it with textContent, never as HTML); Python keywords are not variables
    for formula in ("<script>alert(1)</script>", "tanh(é)", "x\ny", "lambda", "x if x else x"):
        reply = client.get("/api/formula", params={"formula": formula, "x": "1"})
        assert reply.status_code == 400, formula
        assert "\n" not in reply.json()["error"]


def test_four_ways_agree_with_reverse_mode(client):
    data = client.get("/api/ways", params={"formula": "(x**2 - sin(y)) * x", "x": "1.5", "y": "0.5"}).json()
    ways = {w["way"]: w for w in data["ways"]}
    assert {"reverse", "forward", "finite_differences"} <= set(ways)
    # by hand: d/dx = 3x^2 - sin y = 6.75 - sin 0.5; d/dy = -x cos y
    assert ways["reverse"]["values"]["x"] == pytest.approx(6.75 - math.sin(0.5), rel=1e-14)
    assert ways["reverse"]["values"]["y"] == pytest.approx(-1.5 * math.cos(0.5), rel=1e-14)
    assert ways["forward"]["difference"] < 1e-12 and ways["finite_differences"]["difference"] < 1e-6


def test_four_ways_refuse_long_formulas(client):
    reply = client.get("/api/ways", params={"formula": "x" + "*x" * 100, "x": "1"})
    assert reply.status_code == 400 and "up to 160 characters" in reply.json()["error"]


# -- the pages and what they are made of ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/network", "/documents", "/static/play.css", "/static/play.js", "/static/formula.js"]
)
def test_pages_are_served_with_a_strict_content_security_policy(client, path):
    reply = client.get(path)
    assert reply.status_code == 200
    assert "default-src 'self'" in reply.headers["content-security-policy"]


def test_nothing_shipped_names_an_outside_host():
    package = Path(server.__file__).parent
    for path in [*package.rglob("*"), package.parent / "play_command.py"]:
        if path.is_file() and path.suffix in (".py", ".html", ".js", ".css"):
            text = path.read_text(encoding="utf-8")
            # HOST is 127.0.0.1 (play_command): the one address the server has
            outside = [
                u
                for u in re.findall(r"https?://[^\s\"'<>]*", text)
                if not u.startswith(("http://127.0.0.1", "http://{HOST}"))
            ]
            assert outside == [], f"{path.name} names {outside}"


def test_what_the_pages_receive_names_no_outside_host(client):
    data = client.get("/api/formula", params=NEURON).text
    page = client.get("/documents").text
    assert "http://" not in data and "https://" not in data
    assert "http://" not in page and "https://" not in page


def test_documents_page_typesets_every_formula_as_mathml(client):
    from nn.crosscheck import documents_report

    page = client.get("/documents").text
    report = documents_report()
    rows = page.count("<tr") - page.count("<tr><th>")
    assert rows == len(report.results)
    assert page.count("<math") >= len(report.results)
    assert f"{len(report.results) - len(report.wrong())} agree" in page


# -- the network page ---------------------------------------------------------------------------------------------


def test_moons_trains_to_95_percent_with_the_compiled_step(client):
    reply = _json_post(client, "/api/net/new", {"data": "moons", "hidden": [8, 8], "points": 200})
    run = reply.json()["run"]
    for _ in range(20):
        data = _json_post(client, "/api/net/train", {"run": run}).json()
        if data["accuracy"] >= 0.95:
            break
    assert data["accuracy"] >= 0.95 and data["curves"]["accuracy"][-1] == data["accuracy"]
    # the accuracy shown is the model's: recomputed here from the weights the page draws, in numpy
    import numpy as np

    W, b = [np.array(w) for w in data["weights"]], [np.array(v) for v in data["biases"]]

    a = np.array(data["points"]).T
    for l in range(len(W)):
        z = W[l] @ a + b[l][:, None]
        a = np.tanh(z) if l < len(W) - 1 else z
    assert data["accuracy"] == np.mean((a[0] > 0) == (np.array(data["labels"]) == 1))


def test_step_trains_exactly_one_epoch(client):
    run = _json_post(client, "/api/net/new", {"data": "xor", "batch": 50, "points": 200}).json()["run"]
    data = _json_post(client, "/api/net/train", {"run": run, "step": True}).json()
    assert data["epochs"] == 1 and data["steps"] == 4  # 200 points in batches of 50


def torch_deltas(state, k, loss, activation):
    """dE^k/dz^l for every layer by torch float64, from the weights the page was sent (the oracle for a delta)."""
    x = torch.tensor(state["points"][k], dtype=torch.float64)
    target = float(state["labels"][k])
    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[activation]
    zs, a = [], x
    for l, (W, b) in enumerate(zip(state["weights"], state["biases"])):
        weights = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        z = weights @ a + torch.tensor(b, dtype=torch.float64)
        z.retain_grad()
        zs.append(z)
        a = act(z) if l < len(state["weights"]) - 1 else z
    s = a[0]
    if loss == "hinge":
        E = torch.relu(1 - (2 * target - 1) * s)
    elif loss == "bce_logits":
        E = torch.nn.functional.binary_cross_entropy_with_logits(s, torch.tensor(target, dtype=torch.float64))
    else:
        E = (s - target) ** 2
    E.backward()
    return zs


@pytest.mark.parametrize("loss", ["bce_logits", "hinge", "mse"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_a_neurons_delta_equals_torch(client, loss, activation):
    settings = {"data": "circles", "hidden": [3, 2], "activation": activation, "loss": loss, "points": 40, "seed": 3}
    run = _json_post(client, "/api/net/new", settings).json()["run"]
    _json_post(client, "/api/net/train", {"run": run, "step": True})
    state = client.get("/api/net/state", params={"run": run}).json()
    k = 7
    zs = torch_deltas(state, k, loss, activation)
    for l, z in enumerate(zs, start=1):
        for j in range(z.shape[0]):
            d = client.get("/api/net/neuron", params={"run": run, "layer": l, "neuron": j, "sample": k}).json()
            assert d["delta"] == pytest.approx(z.grad[j].item(), abs=1e-12)
            assert d["autodiff"] == pytest.approx(z.grad[j].item(), abs=1e-12)


def test_one_sample_flows_forward_and_back(client):
    run = _json_post(client, "/api/net/new", {"data": "blobs", "hidden": [4]}).json()["run"]
    data = client.get("/api/net/flow", params={"run": run, "sample": 0}).json()
    assert [len(a) for a in data["a"]] == [2, 4, 1] and [len(d) for d in data["delta"][1:]] == [4, 1]


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"data": "mnist"}, "data 'mnist': choose one of moons"),
        ({"hidden": [8] * 5}, "up to 4 layer sizes"),
        ({"hidden": [17]}, "neurons 17: must be a whole number from 1 to 16"),
        ({"hidden": "8,8"}, "hidden '8,8'"),
        ({"points": 100000}, "points 100000: must be a whole number from 10 to 800"),
        ({"lr": "nan"}, "lr 'nan'"),
        ({"lr": 1e308}, "lr 1e+308"),
        ({"noise": -1}, "noise -1"),
        ({"batch": 3.5}, "batch 3.5"),
        ({"activation": "__import__"}, "activation '__import__'"),
        ([1, 2], "the settings must be a JSON object"),
    ],
)
def test_bad_settings_get_one_line(client, settings, words):
    reply = _json_post(client, "/api/net/new", settings)
    assert reply.status_code == 400 and words in reply.json()["error"]


@pytest.mark.parametrize(
    "params, words",
    [
        ({"run": "nope", "layer": "1", "neuron": "0", "sample": "0"}, "this run is gone"),
        ({"layer": "9", "neuron": "0", "sample": "0"}, "no neuron 0 in layer 9"),
        ({"layer": "1", "neuron": "-1", "sample": "0"}, "neuron '-1': must be a whole number"),
        ({"layer": "1", "neuron": "0", "sample": "99999"}, "no sample 99999"),
        ({"layer": "1", "neuron": "0", "sample": "1" * 40}, "must be a whole number"),
    ],
)
def test_bad_neuron_requests_get_one_line(client, params, words):
    run = _json_post(client, "/api/net/new", {"hidden": [2]}).json()["run"]
    reply = client.get("/api/net/neuron", params={"run": run, **params})
    assert reply.status_code == 400 and words in reply.json()["error"]


def test_runs_are_kept_up_to_a_limit():
    app = server.create_app()
    local = TestClient(app, base_url=BASE)
    keys = [_json_post(local, "/api/net/new", {"hidden": [1]}).json()["run"] for _ in range(network_view.MAX_RUNS + 3)]
    assert len(app.state.runs) == network_view.MAX_RUNS
    assert "run is gone" in _json_post(local, "/api/net/train", {"run": keys[0]}).json()["error"]
    assert _json_post(local, "/api/net/train", {"run": keys[-1], "step": True}).status_code == 200


def test_training_time_of_a_run_has_a_limit(client, monkeypatch):
    run = _json_post(client, "/api/net/new", {"hidden": [1]}).json()["run"]
    monkeypatch.setattr(network_view, "MAX_TRAIN_SECONDS", 0.0)
    reply = _json_post(client, "/api/net/train", {"run": run})
    assert reply.status_code == 400 and "the limit of one run; press Reset" in reply.json()["error"]


# -- the guards ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "attacker.localhost.example"])
def test_a_host_that_is_not_local_is_refused(client, host):
    # DNS rebinding: another site's name pointed at 127.0.0.1 arrives with that name in Host
    assert client.get("/", headers={"host": host}).status_code == 400
    assert _json_post(client, "/api/net/new", {}, host=host).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "localhost"])
def test_local_hosts_are_served(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers, words",
    [
        ({"origin": "https://evil.example"}, "from the origin"),
        ({"origin": "null"}, "from the origin"),
        ({"sec-fetch-site": "cross-site"}, "from another site"),
        ({"sec-fetch-site": "same-site"}, "from another site"),
    ],
)
def test_cross_site_requests_that_change_state_are_refused(client, headers, words):
    reply = _json_post(client, "/api/net/new", {}, **headers)
    assert reply.status_code == 403 and words in reply.json()["error"]


def test_same_origin_requests_are_served(client):
    headers = {"origin": BASE, "sec-fetch-site": "same-origin"}
    assert _json_post(client, "/api/net/new", {"hidden": [1]}, **headers).status_code == 200


def test_a_form_post_is_refused(client):
    # a page of another site can submit a form without asking (no preflight); it cannot send application/json
    reply = client.post("/api/net/new", data={"data": "moons"})
    assert reply.status_code == 403 and "must send JSON" in reply.json()["error"]


def test_sizes_have_limits(client):
    big = client.post("/api/net/new", content=b"{" + b" " * 20000 + b"}", headers={"content-type": "application/json"})
    assert big.status_code == 413 and "limit is 16384" in big.json()["error"]
    query = client.get("/api/formula", params={"formula": "x", "x": "1" * 5000})
    assert query.status_code == 414 and "limit is 4096" in query.json()["error"]
    bad = client.post("/api/net/new", content=b"{nope", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]


def test_unknown_paths_and_methods_get_one_line(client):
    assert client.get("/admin").json()["error"].startswith("404")
    assert client.get("/api/net/new").status_code == 405
    assert client.get("/static/../server.py").status_code == 404


def test_limits_are_the_ones_the_modules_state():
    assert formula_view.MAX_FORMULA <= server.MAX_QUERY
    assert network_view.MAX_NEURONS * network_view.MAX_HIDDEN_LAYERS <= 64


def test_a_run_that_diverges_says_so_in_one_line_and_stays_stopped(client):
    # SGD with learning rate 10 on a squared error: every step overshoots further (the loss grows by about 10^5 a
    # step here) until a float overflows; the step that overflows is undone
    run = _json_post(client, "/api/net/new", {"optimizer": "sgd", "lr": 10, "loss": "mse", "hidden": [16, 16]})
    run = run.json()["run"]
    for _ in range(40):
        reply = _json_post(client, "/api/net/train", {"run": run})
        if reply.status_code != 200:
            break
    error = reply.json()["error"]
    assert reply.status_code == 400 and "\n" not in error
    assert (
        error.startswith("training stopped at epoch ") and "Lower the learning rate (now 10) and press Reset" in error
    )
    state = client.get("/api/net/state", params={"run": run}).json()
    assert state["stopped"] == error and all(math.isfinite(w) for W in state["weights"] for row in W for w in row)
    assert _json_post(client, "/api/net/train", {"run": run}).json()["error"] == error  # it stays stopped


def test_a_slice_ends_after_any_step_and_step_finishes_the_epoch(client, monkeypatch):
    # 800 points in batches of 1: an epoch is 800 steps (about half a second for 4 x 16 neurons); a slice of 0.01 s
    # ends inside the first epoch, and Step trains to its end, the epoch counted once, its loss the mean over 800
    monkeypatch.setattr(network_view, "SLICE_SECONDS", 0.01)
    run = _json_post(client, "/api/net/new", {"points": 800, "batch": 1, "hidden": [16] * 4}).json()["run"]
    data = _json_post(client, "/api/net/train", {"run": run}).json()
    assert data["epochs"] == 0 and 0 < data["steps"] < 800 and data["curves"]["loss"] == []
    data = _json_post(client, "/api/net/train", {"run": run, "step": True}).json()
    assert data["epochs"] == 1 and data["steps"] == 800 and len(data["curves"]["loss"]) == 1
    data = _json_post(client, "/api/net/train", {"run": run, "step": True}).json()
    assert data["epochs"] == 2 and data["steps"] == 1600


def test_the_network_pages_data_sets_are_nn_datas(client):
    from nn.data import make_blobs, make_circles, make_moons, make_spiral, make_xor

    makers = {"moons": make_moons, "circles": make_circles, "spiral": make_spiral, "blobs": make_blobs}
    for name, make in makers.items():
        data = _json_post(client, "/api/net/new", {"data": name, "points": 30, "noise": 0.2, "seed": 4}).json()
        assert (data["points"], data["labels"]) == make(30, 0.2, 4)
    data = _json_post(client, "/api/net/new", {"data": "xor", "points": 30, "noise": 0.2, "seed": 4}).json()
    assert (data["points"], data["labels"]) == make_xor(30, 4, 0.2)


@pytest.mark.parametrize("path", ["/api/formula?formula=x&x=1", "/api/ways?formula=x&x=1", "/api/net/state?run=x"])
def test_another_sites_page_may_not_make_the_server_compute(client, path):
    # a page of another site can send a GET it may not read (an <img>, fetch in no-cors mode) and keep the server
    # busy: the browser marks it Sec-Fetch-Site: cross-site, and it is refused before any work
    reply = client.get(path, headers={"sec-fetch-site": "cross-site"})
    assert reply.status_code == 403 and "not for another site" in reply.json()["error"]
    assert client.get(path, headers={"sec-fetch-site": "same-origin"}).status_code != 403  # the page's own request


def test_a_link_from_another_site_to_a_page_is_served(client):
    # a teacher's shared link, clicked in a mail: a navigation to the page from another site
    assert client.get("/?formula=x*y&x=2", headers={"sec-fetch-site": "cross-site"}).status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1:8765@evil.example", "localhost.", "127.1", "[::1]:8765", "2130706433"])
def test_odd_spellings_of_a_local_host_are_refused(client, host):
    # only the two names the server prints and a browser sends for it; anything else is not this server's
    assert client.get("/", headers={"host": host}).status_code == 400


def test_a_busy_server_answers_in_one_line_at_once():
    app = server.create_app()
    local = TestClient(app, base_url=BASE)
    app.state.busy.now = server.MAX_BUSY  # as if MAX_BUSY computations were running
    reply = local.get("/api/formula", params=NEURON)
    assert reply.status_code == 503 and reply.json()["error"].startswith("the server is busy with 16 computations")
    app.state.busy.now = 0
    assert local.get("/api/formula", params=NEURON).status_code == 200


def test_an_outer_no_grad_changes_no_answer():
    # a notebook may call the pages' functions inside no_grad(); each decides its own grad mode, as fit does
    from autograd_mini import no_grad
    from nn.app.play import neuron_view

    with no_grad():
        run = network_view.new_run(network_view.read_settings({"hidden": [3], "points": 40, "seed": 2}))
        network_view.train(run, 0.0)
        d = neuron_view.neuron(run, 1, 2, 5)
        page = formula_view.formula_page("x*y + x", {"x": "2", "y": "3"})
    assert run.epochs == 1 and math.isfinite(run.loss[0])
    assert d["autodiff"] != 0 and d["autodiff"] == pytest.approx(d["delta"], rel=1e-12)  # numpy's closed form
    assert page["grads"] == {"x": 4.0, "y": 2.0}  # by hand: y + 1 and x
