"""The HTML that notebooks show for the library's objects: History (its SVG too, with extreme losses), MLP,
CrosscheckReport, DocumentsReport. The numbers are checked against values worked out by hand (the plots are
tested in test_nn_plots.py)."""

import re
from html.parser import HTMLParser

from nn import MLP, History
from nn.crosscheck import crosscheck
from nn.display import history_html


class Cells(HTMLParser):
    """The text of every table row: [[cell, ...], ...] (header rows included), and the rows' classes."""

    def __init__(self, text):
        super().__init__()
        self.rows, self.classes, self.cell = [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
            self.classes.append(dict(attrs).get("class"))
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self.cell)
            self.cell = None


def test_mlp_summary_table_counts_parameters_by_layer():
    # micrograd's MLP(2, [16, 16, 1]): 16*2 + 16 = 48, 16*16 + 16 = 272, 1*16 + 1 = 17; total 337
    cells = Cells(MLP(2, [16, 16, 1])._repr_html_())
    assert cells.rows == [
        ["layer", "inputs", "neurons", "activation", "weights", "biases", "parameters"],
        ["1 (hidden)", "2", "16", "relu", "32", "16", "48"],
        ["2 (hidden)", "16", "16", "relu", "256", "16", "272"],
        ["3 (output)", "16", "1", "linear", "16", "1", "17"],
        ["total", "", "", "", "", "", "337"],
    ]
    neuron = Cells(MLP(3, [1], output_activation="sigmoid").layers[0].neurons[0]._repr_html_())
    assert neuron.rows[1] == ["neuron", "3", "1", "sigmoid", "3", "1", "4"]


def test_history_table_and_curve():
    h = History()
    h.loss, h.accuracy, h.lr, h.seconds = [0.9, 0.5, 0.25], [0.5, 0.75, 1.0], [0.1] * 3, [0.01] * 3
    text = h._repr_html_()
    cells = Cells(text)
    assert cells.rows[0] == ["epoch", "loss", "accuracy", "lr", "seconds"]
    assert [r[:3] for r in cells.rows[1:]] == [["1", "0.9", "0.500"], ["2", "0.5", "0.750"], ["3", "0.25", "1.000"]]
    assert "History: 3 epochs, final loss 0.25, training accuracy 100.0%" in text
    # the loss curve: epochs 1..3 at x = 52..290 of its 300-wide panel, loss 0.9 at the top (y 22), 0.25 at the
    # bottom (y 124): the middle point 0.5 is at 124 - 102 * (0.5 - 0.25) / 0.65 = 84.77
    loss_line = re.findall(r'<polyline points="([^"]+)"', text)[0]
    assert loss_line == "52.0,22.0 171.0,84.8 290.0,124.0"
    # epoch ticks are whole numbers: 1 and 3 only
    assert re.findall(r'text-anchor="middle">(\d+)</text>', text)[:2] == ["1", "3"]
    assert "no epochs" in History()._repr_html_()


def test_history_svg_of_losses_near_the_largest_float_has_no_nan():
    # issue 19: losses of +-1e308 made max - min = 2e308 overflow to inf, and the points inf / inf = nan.
    # The loss panel spans x 52..290 and y 124 (the lowest loss) .. 22 (the highest), so over lo = -1e308,
    # hi = 1e308: epoch 1 (1e308) at y 22, epoch 2 (-1e308) at y 124, epoch 3 (5.0, the middle) at y 124 - 102/2 = 73
    h = History()
    h.loss, h.accuracy = [1e308, -1e308, 5.0], [None, None, None]
    svg = history_html(h)
    assert "nan" not in svg and "inf" not in svg
    assert 'points="52.0,22.0 171.0,124.0 290.0,73.0"' in svg
    assert ">1e+308</text>" in svg and ">-1e+308</text>" in svg
    # the largest float three times: a flat line, in a band around it that floats can still hold
    h.loss = [1.7976931348623157e308] * 3
    svg = history_html(h)
    assert "nan" not in svg and "inf" not in svg and svg.count("1.798e+308") >= 2


def test_crosscheck_report_marks_the_rows_that_disagree():
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)

    def wrong_bias(q):  # the output bias's gradient doubled: dE/db^L = 2 delta^L instead of delta^L
        return {"b2": 2 * q.delta[q.L]}

    report = crosscheck(model, [0.5, -1.0], [1.0], formula=wrong_bias)
    text = report._repr_html_()
    cells = Cells(text)
    assert cells.rows[0][:3] == ["parameter", "autodiff", "your formula"]
    assert [r[0] for r in cells.rows[1:]] == ["L2.N0.b"] and cells.classes[1] == "am-bad"
    assert cells.rows[1][5] == "✗ disagrees"
    # the verdict stands above the table
    assert text.index("NOT ok: 1 entry disagrees") < text.index("<table")
    # 2-2-1: 2 * (2 + 1) + 1 * (2 + 1) = 9 parameters, the formula gives 1
    assert "8 parameters not given by your formula are left out" in text


def test_documents_report_typesets_formulas_and_corrections():
    from nn.crosscheck.documents import documents_report

    report = documents_report(docs=["001"])
    text = report._repr_html_()
    wrong = report.result("001 §1.3")
    assert not wrong.agrees and wrong.corrected_agrees
    # the printed and the corrected form as MathML (typeset by the browser, offline), the LaTeX in alttext; no
    # \\( ... \\) left for a MathJax that an exported notebook would fetch from the web
    assert '<math alttext="\\vec{a}^l = W^l \\cdot \\vec{z}^{l-1} + \\vec{b}^l"' in text
    assert '<math alttext="\\vec{z}^l = W^l \\cdot \\vec{a}^{l-1}' in text
    assert "\\(" not in text and text.count("<math ") == sum(1 + bool(r.entry.corrected) for r in report.results)
    # the vector arrow over a, as MathML writes it: an mover with U+2192
    assert '<mover><mrow><mi>a</mi></mrow><mo stretchy="true">&#x02192;</mo></mover>' in text
    # and LaTeX for front ends and exports that typeset it themselves: each formula in math mode, the verdicts
    latex = report._repr_latex_()
    assert "\\item §1.3: $\\vec{a}^l = W^l \\cdot \\vec{z}^{l-1} + \\vec{b}^l$ --- does not agree" in latex
    assert latex.count("\\begin{itemize}") == latex.count("\\end{itemize}") == 1
    cells = Cells(text)
    rows = {r[0].split("§")[1][:3]: (r, c) for r, c in zip(cells.rows, cells.classes) if "§" in r[0]}
    assert rows["1.3"][1] == "am-bad" and "does not agree" in rows["1.3"][0][2] and "agrees" in rows["1.3"][0][3]
    assert sum(c == "am-bad" for c in cells.classes) == len(report.wrong())
