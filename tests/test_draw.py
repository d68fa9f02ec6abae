"""draw_dot: what the DOT source says (labels, values, grads, edge derivatives), determinism, escaping, options,
rendering with the real dot program, the message without it, and the size guard.

Expected numbers are worked out by hand in the comments, or come from central finite differences.
"""

import html
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import graphviz
import pytest
from examples import karpathy

from autograd_mini import Value, draw_dot
from autograd_mini.draw import ROLE_COLORS, GraphTooLargeError, GraphvizNotFoundError, dot_installed

HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="the Graphviz program dot is not installed")
ROOT = Path(__file__).resolve().parent.parent

# -- a small parser for the DOT that graphviz writes: one statement per line -------------------------------------

_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _attrs(text):
    out = {}
    for key, value in _ATTR.findall(text):
        out[key] = value[1:-1] if value.startswith('"') else value
    return out


def parse(source):
    """(nodes {name: attrs}, edges [(tail, head, attrs)]) from DOT source, in order."""
    nodes, edges = {}, []
    for line in source.splitlines():
        line = line.strip()
        m = re.match(r"^(\w+) -> (\w+)(?: \[(.*)\])?$", line)
        if m:
            edges.append((m.group(1), m.group(2), _attrs(m.group(3) or "")))
            continue
        m = re.match(r"^(\w+) \[(.*)\]$", line)
        if m and m.group(1) not in ("graph", "node", "edge"):
            nodes[m.group(1)] = _attrs(m.group(2))
    return nodes, edges


def records(nodes):
    return {name: attrs["label"] for name, attrs in nodes.items() if attrs.get("shape") == "record"}


def test_dot_content_labels_values_grads_and_edge_derivatives():
    L, v = karpathy()
    L.backward()
    nodes, edges = parse(draw_dot(L, edge_labels=True, rankdir="LR").source)
    # boxes v{i}, i the topological number: a v0, b v1, e v2, c v3, d v4, f v5, L v6; fields name | data | grad
    # grads by hand: dL/dL = 1, dL/dd = f = -2, dL/df = d = 4, dL/de = dL/dc = -2 (d = e + c passes it on),
    # dL/da = dL/de * b = -2 * -3 = 6, dL/db = dL/de * a = -2 * 2 = -4
    assert records(nodes) == {
        "v0": "{ a | data 2 | grad 6 }",
        "v1": "{ b | data -3 | grad -4 }",
        "v2": "{ e | data -6 | grad -2 }",
        "v3": "{ c | data 10 | grad -2 }",
        "v4": "{ d | data 4 | grad -2 }",
        "v5": "{ f | data -2 | grad 4 }",
        "v6": "{ L | data -8 | grad 1 }",
    }
    # one op node per operation, between its operands and its result
    assert {n: a["label"] for n, a in nodes.items() if n.endswith("op")} == {"v2op": "*", "v4op": "+", "v6op": "*"}
    # edges into an op carry d out / d operand: d(a*b)/da = b = -3, d(a*b)/db = a = 2, d(e+c)/de = d(e+c)/dc = 1,
    # d(d*f)/dd = f = -2, d(d*f)/df = d = 4
    into = {(t, h): a.get("label") for t, h, a in edges}
    assert into == {
        ("v0", "v2op"): "-3",
        ("v1", "v2op"): "2",
        ("v2op", "v2"): None,
        ("v2", "v4op"): "1",
        ("v3", "v4op"): "1",
        ("v4op", "v4"): None,
        ("v4", "v6op"): "-2",
        ("v5", "v6op"): "4",
        ("v6op", "v6"): None,
    }
    # the product of the local derivatives along a -> e -> d -> L is dL/da: (-3) * 1 * (-2) = 6 = a.grad
    assert v["a"].grad == 6.0


def test_numbers_mixed_into_an_op_are_shown_inside_the_op():
    x = Value(2.0, label="x")
    cases = [(x * 3, "* 3"), (3 - x, "3 -"), (3 / x, "3 /"), (2**x, "2 **"), (x**2, "** 2"), (x + 0.5, "+ 0.5")]
    for out, label in cases:
        nodes, edges = parse(draw_dot(out).source)
        assert nodes["v1op"]["label"] == label
        assert len(nodes) == 3 and len(edges) == 2  # x, the op, the result: the number is no node of its own
    # with hide_constants=False the number gets a dashed box of its own, drawn on the left for 3 - x as well
    nodes, edges = parse(draw_dot(3 - x, hide_constants=False).source)
    assert nodes["v1op"]["label"] == "-" and nodes["v1c"]["label"] == "3" and nodes["v1c"]["style"] == "dashed"
    assert ("v1c", "v1op") in [(t, h) for t, h, _ in edges]


def test_a_plus_a_shows_two_edges():
    a = Value(3.0, label="a")
    y = a + a
    y.backward()  # dy/da = 1 + 1 = 2, the two edges' contributions
    nodes, edges = parse(draw_dot(y, edge_labels=True).source)
    into_op = [(t, h, attrs["label"]) for t, h, attrs in edges if h == "v1op"]
    assert into_op == [("v0", "v1op", "1"), ("v0", "v1op", "1")]
    assert records(nodes)["v0"] == "{ a | data 3 | grad 2 }"


def test_operands_of_non_commutative_ops_are_told_apart():
    x, y = Value(5.0, label="x"), Value(2.0, label="y")
    # x - y: d/dx = 1, d/dy = -1;  x / y: d/dx = 1/y = 0.5, d/dy = -x/y^2 = -5/4 = -1.25
    _, edges = parse(draw_dot(x - y, edge_labels=True).source)
    assert [a["label"] for t, h, a in edges if h == "v2op"] == ["a: 1", "b: -1"]
    _, edges = parse(draw_dot(x / y, edge_labels=True).source)
    assert [a["label"] for t, h, a in edges if h == "v2op"] == ["a: 0.5", "b: -1.25"]


FD_CASES = [
    ("tanh", lambda v: v.tanh(), math.tanh, 0.7),
    ("sigmoid", lambda v: v.sigmoid(), lambda t: 1 / (1 + math.exp(-t)), -0.4),
    ("exp", lambda v: v.exp(), math.exp, 0.3),
    ("log", lambda v: v.log(), math.log, 1.7),
    ("sqrt", lambda v: v.sqrt(), math.sqrt, 2.5),
    ("sin", lambda v: v.sin(), math.sin, 1.1),
    ("cos", lambda v: v.cos(), math.cos, 1.1),
    ("pow", lambda v: v**3, lambda t: t**3, 1.3),
    ("rpow", lambda v: 2**v, lambda t: 2**t, 0.6),
    ("rdiv", lambda v: 3 / v, lambda t: 3 / t, 1.5),
    ("rsub", lambda v: 3 - v, lambda t: 3 - t, 1.5),
    ("neg", lambda v: -v, lambda t: -t, 1.5),
    ("relu", lambda v: v.relu(), lambda t: max(t, 0.0), 0.8),
]


@pytest.mark.parametrize("name, build, f, x0", FD_CASES, ids=[c[0] for c in FD_CASES])
def test_edge_label_is_the_local_derivative_by_finite_differences(name, build, f, x0):
    out = build(Value(x0, label="x"))
    _, edges = parse(draw_dot(out, edge_labels=True, number_format=".12g").source)
    (label,) = [a["label"] for t, h, a in edges if t == "v0"]
    h = 1e-6
    central = (f(x0 + h) - f(x0 - h)) / (2 * h)
    assert float(label) == pytest.approx(central, rel=1e-7, abs=1e-8)


def test_same_expression_gives_byte_identical_dot_in_this_and_other_processes():
    def build():
        x, w = Value(0.5, label="x"), Value(-1.25, label="w1")
        y = ((x * w + 2).tanh() * x + w.exp()) ** 2
        y.backward()
        return draw_dot(y, edge_labels=True, highlight=x).source

    first = build()
    assert build() == first  # new Value objects, new id()s: same text
    code = (
        "from autograd_mini import Value, draw_dot\n"
        "x, w = Value(0.5, label='x'), Value(-1.25, label='w1')\n"
        "y = ((x * w + 2).tanh() * x + w.exp()) ** 2\n"
        "y.backward()\n"
        "import sys; sys.stdout.write(draw_dot(y, edge_labels=True, highlight=x).source)\n"
    )
    for seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
        )
        assert out.stdout == first


def test_record_special_characters_are_escaped():
    label = 'a|b{c}<d>"e"\\N\nf'  # a label using every character the record syntax gives meaning to
    x = Value(1.0, label=label)
    source = draw_dot(x * 2).source
    # in DOT: each of | { } < > " \ preceded by a backslash, the newline as the \n line break
    assert 'label="{ a\\|b\\{c\\}\\<d\\>\\"e\\"\\\\N\\nf | data 1 | grad 0 }"' in source


@needs_dot
def test_escaped_label_renders_as_written():
    label = 'a|b{c}<d>"e"\\N\nf'
    x = Value(1.0, label=label)
    svg = draw_dot(x * 2).pipe(format="svg", encoding="utf-8")
    group = svg[svg.index('<g id="v0" class="node">') :]
    group = group[: group.index("</g>")]
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", group)]
    # one record, three fields; the label's own line break gives two lines in the first field; \N is not the node name
    assert texts == ['a|b{c}<d>"e"\\N', "f", "data 1", "grad 0"]


def test_rankdir_left_to_right_by_default_top_to_bottom_on_request():
    x = Value(1.0, label="x")
    lr = draw_dot(x * 2).source
    tb = draw_dot(x * 2, rankdir="TB").source
    assert "rankdir=LR" in lr and 'label="{ x | data 1 | grad 0 }"' in lr  # braces: fields side by side in LR
    assert "rankdir=TB" in tb and 'label="x | data 1 | grad 0"' in tb  # no braces: side by side in TB
    with pytest.raises(ValueError, match="draw_dot.*rankdir='sideways'"):
        draw_dot(x, rankdir="sideways")


def test_roles_colour_inputs_parameters_intermediates_output():
    x, w, b = Value(1.0, label="x1"), Value(0.5, label="L1.N0.w0"), Value(0.1, label="b")
    u = Value(2.0)  # unlabelled: an input unless passed as a parameter
    out = (x * w + b) * u
    nodes, _ = parse(draw_dot(out).source)
    fill = {name: a["fillcolor"] for name, a in nodes.items() if a.get("shape") == "record"}
    # v0 x1, v1 w, v2 x1*w, v3 b, v4 +b, v5 u, v6 out
    assert fill == {
        "v0": ROLE_COLORS["input"],
        "v1": ROLE_COLORS["parameter"],
        "v2": ROLE_COLORS["intermediate"],
        "v3": ROLE_COLORS["parameter"],
        "v4": ROLE_COLORS["intermediate"],
        "v5": ROLE_COLORS["input"],
        "v6": ROLE_COLORS["output"],
    }
    # passed explicitly with a name: a parameter, and the name is drawn
    nodes, _ = parse(draw_dot(out, params=[("scale", u)]).source)
    assert nodes["v5"]["fillcolor"] == ROLE_COLORS["parameter"] and nodes["v5"]["label"].startswith("scale |")
    nodes, _ = parse(draw_dot(out, params={"s": u}).source)
    assert nodes["v5"]["label"].startswith("s |")
    nodes, _ = parse(draw_dot(out, color_roles=False).source)
    assert all("fillcolor" not in a for n, a in nodes.items() if not n.endswith("op"))
    # labels that only start like a parameter are inputs
    for label in ("bar", "width", "x"):
        nodes, _ = parse(draw_dot(Value(1.0, label=label) * 2).source)
        assert nodes["v0"]["fillcolor"] == ROLE_COLORS["input"], label


def test_highlight_the_path_from_a_leaf_to_the_root():
    L, v = karpathy()
    nodes, edges = parse(draw_dot(L, highlight="a").source)
    red = {n for n, a in nodes.items() if a.get("color") == "#d62728"}
    # a -> (*) -> e -> (+) -> d -> (*) -> L; b, c, f are off the path
    assert red == {"v0", "v2op", "v2", "v4op", "v4", "v6op", "v6"}
    red_edges = {(t, h) for t, h, a in edges if a.get("color") == "#d62728"}
    assert red_edges == {("v0", "v2op"), ("v2op", "v2"), ("v2", "v4op"), ("v4op", "v4"), ("v4", "v6op"), ("v6op", "v6")}
    assert parse(draw_dot(L, highlight=v["a"]).source) == (nodes, edges)
    with pytest.raises(ValueError, match=r"highlight='zz'.*no node.*\['a', 'b', 'c', 'f'\]"):
        draw_dot(L, highlight="zz")
    with pytest.raises(ValueError, match="not in the graph"):
        draw_dot(L, highlight=Value(1.0, label="elsewhere"))


def test_number_format():
    x = Value(2.0, label="x")
    y = x / 3  # 0.6666..., unlabelled: named n1
    assert 'label="{ n1 | data 0.667 | grad 0 }"' in draw_dot(y, number_format=".3g").source
    assert 'label="{ n1 | data 0.67 | grad 0.00 }"' in draw_dot(y, number_format=".2f").source
    assert 'label="{ n1 | data 2/3 | grad 0/3 }"' in draw_dot(y, number_format=lambda t: f"{round(t * 3):d}/3").source
    with pytest.raises(ValueError, match="draw_dot.*number_format='q'"):
        draw_dot(y, number_format="q")
    with pytest.raises(TypeError, match="draw_dot.*number_format"):
        draw_dot(y, number_format=3)


def test_several_outputs_in_one_drawing():
    x = Value(1.0, label="x")
    outs = [x * 2, x + 1]
    nodes, _ = parse(draw_dot(outs).source)
    assert [a["fillcolor"] for n, a in nodes.items() if n in ("v1", "v2")] == [ROLE_COLORS["output"]] * 2
    with pytest.raises(TypeError, match=r"draw_dot\(\) takes a Value"):
        draw_dot(3.0)
    with pytest.raises(TypeError, match=r"draw_dot\(\) takes a Value"):
        draw_dot([])


# -- rendering -------------------------------------------------------------------------------------------------


@needs_dot
def test_renders_svg_png_pdf_with_the_real_dot(tmp_path):
    L, _ = karpathy()
    L.backward()
    dot = draw_dot(L, edge_labels=True, highlight="a")
    svg = dot.pipe(format="svg", encoding="utf-8")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    for text in ("a", "data 2", "grad 6", "b", "grad -4", "L", "data -8", "grad 1", "-3", "+"):
        assert text in texts
    png = Path(dot.render(tmp_path / "karpathy", format="png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = os.environ.get("AUTOGRAD_MINI_PICTURES")
    if out:  # for looking at: AUTOGRAD_MINI_PICTURES=/tmp/pics pytest tests/test_draw.py
        Path(out).mkdir(parents=True, exist_ok=True)
        dot.render(Path(out) / "karpathy", format="png")
        draw_dot(L, rankdir="TB", hide_constants=False).render(Path(out) / "karpathy_tb", format="png")
    pdf = dot.pipe(format="pdf")
    assert pdf[:5] == b"%PDF-"


@needs_dot
def test_jupyter_inline_display():
    x = Value(2.0, label="x")
    dot = draw_dot(x.tanh())
    bundle = dot._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html"}
    assert "<svg" in bundle["image/svg+xml"] and ">x</text>" in bundle["image/svg+xml"]
    # the same SVG in HTML with its words for a screen reader and an exported notebook (tanh(2) = 0.9640...)
    alt = "The computation graph of n1 = 0.964: 2 values, 1 operation; inputs x"
    assert dot.alt_text == alt and f'<svg role="img" aria-label="{alt}" ' in bundle["text/html"]
    assert dot._repr_mimebundle_(include=["image/png"])["image/png"][:4] == b"\x89PNG"
    assert set(dot._repr_mimebundle_(exclude=["text/html"])) == {"image/svg+xml"}


def test_without_dot_source_works_and_rendering_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot on PATH
    x = Value(2.0, label="x")
    dot = draw_dot(x * 3)
    assert 'label="* 3"' in dot.source
    for render in (
        lambda: dot.pipe(format="svg"),
        lambda: dot.render(tmp_path / "g", format="png"),
        lambda: dot._repr_mimebundle_(),
    ):
        with pytest.raises(GraphvizNotFoundError) as info:
            render()
        message = str(info.value)
        assert "apt-get install graphviz" in message and "brew install graphviz" in message and "conda" in message
        assert isinstance(info.value, graphviz.ExecutableNotFound)  # graphviz's own except clauses still catch it


def test_without_dot_in_a_fresh_process():
    code = (
        "from autograd_mini import Value, draw_dot\n"
        "dot = draw_dot(Value(1.0, label='x').exp())\n"
        "print(dot.source.count('shape=record'))\n"
        "try:\n"
        "    dot.pipe(format='png')\n"
        "except RuntimeError as err:\n"
        "    print(type(err).__name__, err)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env["PATH"] = "/nonexistent"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    count, message = out.stdout.split("\n", 1)
    assert count == "2"
    assert message.startswith("GraphvizNotFoundError") and "sudo apt-get install graphviz" in message


# -- size guard ------------------------------------------------------------------------------------------------


def chain(n):
    x = Value(1.0, label="x")
    y = x
    for _ in range(n):
        y = y * 1.0
    return y


def test_size_guard_refuses_quickly_with_count_and_option():
    y = chain(5000)  # x and 5000 products: 5001 values
    start = time.perf_counter()
    with pytest.raises(GraphTooLargeError) as info:
        draw_dot(y, summary=False)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert "5001 nodes" in message and "max_nodes=2000" in message and "max_nodes=5001" in message
    assert "summary=True" in message
    with pytest.raises(GraphTooLargeError, match="more than max_nodes=10"):
        draw_dot(chain(10), max_nodes=10)  # 11 values
    assert draw_dot(chain(10), max_nodes=11).source.count("shape=record") == 11


def test_big_graphs_are_summarised_by_default_with_a_warning_naming_the_option():
    # 300 values are drawn in full (chain(299): x and 299 products); 301 become a summary, and the warning says how
    # to get every node
    assert draw_dot(chain(299)).source.count("shape=record") == 300
    with pytest.warns(UserWarning, match=r"301 values.*summary=False"):
        dot = draw_dot(chain(300))
    assert "shape=record" not in dot.source and "301 values, 300 operations" in dot.source
    assert draw_dot(chain(300), summary=False).source.count("shape=record") == 301


def test_mlp_graph_summary_names_its_layers():
    from nn import MLP

    model = MLP(2, [16, 16, 1], seed=1)
    y = model([0.5, -0.2])
    with pytest.warns(UserWarning, match="summary=False"):
        dot = draw_dot(y, layers=model.layer_groups())  # the layers as nn's model groups them: draw reads no names
    # parameters by hand: layer 1 16 * (2 + 1) = 48, layer 2 16 * (16 + 1) = 272, layer 3 1 * (16 + 1) = 17
    for line in ("layer 1: 16 neurons, 48 parameters", "layer 2: 16 neurons, 272 parameters",
                 "layer 3: 1 neuron, 17 parameters", "337 parameter"):  # fmt: skip
        assert line in dot.source
    if dot_installed():
        assert len(dot.pipe(format="svg")) < 20_000  # the full drawing is 1.4 MB


def test_key_lists_the_role_colours_under_the_title():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    y = x * w
    source = draw_dot(y, key=True, title="a < b").source
    label = re.search(r"label=<(<table.*</table>)>", source).group(1)
    assert "a &lt; b" in label
    cells = re.findall(r'<td bgcolor="(#\w+)">(\w+)</td>', label)
    # x input, w parameter, y output: no intermediate in this graph, so none in the key
    assert cells == [(ROLE_COLORS["input"], "input"), (ROLE_COLORS["parameter"], "parameter"),
                     (ROLE_COLORS["output"], "output")]  # fmt: skip
    with pytest.raises(ValueError, match="key=True.*color_roles=True"):
        draw_dot(y, key=True, color_roles=False)


def test_summary_mode_counts_the_graph():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    y = x
    for _ in range(3000):
        y = (y * w).tanh()
    # values: x, w, then 3000 products and 3000 tanh = 6002; operations 6000; depth x -> (*, tanh) x 3000 = 6001
    dot = draw_dot(y, summary=True)
    (label,) = [a["label"] for a in parse(dot.source)[0].values()]
    assert "6002 values, 6000 operations, depth 6001" in label
    assert "1 input, 1 parameter, 5999 intermediate, 1 output" in label
    assert "mul x3000, tanh x3000" in label


# -- nn models ---------------------------------------------------------------------------------------------------


def _nn():
    try:
        from nn import MLP
    except ImportError as err:  # nn is written alongside; autograd_mini itself never imports it
        pytest.skip(f"the nn package is not importable yet ({err}); drawing an MLP needs nn.MLP")
    return MLP


def test_mlp_forward_pass_is_drawn_with_parameter_names(tmp_path):
    MLP = _nn()
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    out = model(x)
    out.backward()
    for kwargs in ({}, {"params": model.named_parameters()}, {"params": model}):
        nodes, _ = parse(draw_dot(out, number_format=".10g", **kwargs).source)
        boxes = {a["label"].split(" | ")[0].lstrip("{ "): a for a in nodes.values() if a.get("shape") == "record"}
        names = [name for name, _ in model.named_parameters()]
        # 3 neurons with 2 weights and a bias, then 1 neuron with 3 weights and a bias: 13 parameters
        assert len(names) == 13 and "L1.N0.w1" in names and "L2.N0.w2" in names and "L2.N0.b" in names
        for name in names:
            assert boxes[name]["fillcolor"] == ROLE_COLORS["parameter"], name
        assert boxes["x1"]["fillcolor"] == ROLE_COLORS["input"]
    # the drawn grad of every parameter against central finite differences of the model's output
    h = 1e-6
    for name, p in model.named_parameters():
        drawn = float(boxes[name]["label"].rsplit("grad ", 1)[1].rstrip(" }"))
        p.data += h
        up = model(x).data
        p.data -= 2 * h
        down = model(x).data
        p.data += h
        assert drawn == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9), name
    out_dir = os.environ.get("AUTOGRAD_MINI_PICTURES")
    if out_dir and HAVE_DOT:
        draw_dot(out, edge_labels=True, highlight="L1.N0.w0").render(Path(out_dir) / "mlp", format="png")


def test_unlabelled_parameters_get_their_names_from_params():
    w = [Value(0.5), Value(-0.25)]
    b = Value(0.1)
    y = (w[0] * 2 + w[1] * 3 + b).tanh()
    nodes, _ = parse(draw_dot(y, params={"w0": w[0], "w1": w[1], "b": b}).source)
    first_fields = {a["label"].split(" | ")[0].lstrip("{ ") for a in nodes.values() if a.get("shape") == "record"}
    assert {"w0", "w1", "b"} <= first_fields
    with pytest.raises(TypeError, match=r"draw_dot\(params=...\)"):
        draw_dot(y, params=[1.0, 2.0])


def test_title_and_without_grad_field():
    x = Value(2.0, label="x")
    source = draw_dot(x.exp(), title='e^x at "x = 2"', show_grad=False).source
    # exp(2) = 7.389056...; the title's quotes escaped for DOT, no grad field in any box
    assert 'graph [fontname=Helvetica label="e^x at \\"x = 2\\"" labelloc=t rankdir=LR]' in source
    assert 'label="{ x | data 2 }"' in source and 'label="{ n1 | data 7.389 }"' in source and "| grad" not in source
