"""``autograd-mini tour``: backpropagation in five steps, every picture written to one folder.

1. One neuron, ``o = tanh(x1*w1 + x2*w2 + b)`` (micrograd's example), its graph drawn, its gradients worked out by
   hand with the chain rule and compared with ``backward()``.
2. The backward pass step by step: the table a learner follows with pencil and paper, a drawing with every local
   derivative on its edge, and a page with Previous/Next buttons (one picture per step).
3. The documents' delta equations (``seeds/``) against autodiff: a sigmoid network in document 001's notation,
   parameter by parameter, then the report on every formula the five documents print.
4. Finite differences: a central-difference check of the neuron, and the error of central and forward differences
   as eps shrinks (truncation, then round-off), as a plot; then document 004's four ways to compute the gradient
   (finite differences, by hand, symbolic, automatic) side by side, and what each costs as the network grows.
5. Training: micrograd's moons demo (MLP(2, [16, 16, 1]), hinge loss + L2, SGD) with a progress bar; the loss and
   accuracy curves, the decision boundary, the model as JSON.

Everything goes into one folder, named at the end, with ``summary.md`` linking the pictures. No network is used.
It takes about 10 s, most of it step 4's cost study (each way timed up to a 1 s budget); ``nn.app.cli.TOUR_TIME``
is the figure README.md and ``autograd-mini tour --help`` give.
``run_tour(out, fast=True)`` trains for fewer epochs (the tests use it).
"""

import importlib.util
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd_mini import gradcheck
from nn.app.examples import (
    NEURON,
    local_derivatives_drawing,
    neuron,
    neuron_by_hand,
    neuron_drawing,
    train_moons,
)

__all__ = ["TourResult", "run_tour"]

# micrograd's moons demo (nn.app.examples.train_moons) on 100 points; the fast tour (the tests) takes 25 steps
MOONS: dict[str, Any] = {"n": 100, "noise": 0.1, "seed": 1, "epochs": 100, "fast_epochs": 25}

# The names of what the tour writes, the one place the steps and summary.md take them from (drawings get .svg and
# .png, or .gv without Graphviz).
FILES = {
    "neuron": "01_neuron",
    "steps_table": "02_backward_steps.txt",
    "local_derivatives": "02_local_derivatives",
    "steps_page": "02_backward_steps.html",
    "steps_frames": "02_backward_steps",
    "crosscheck": "03_crosscheck.txt",
    "documents": "03_documents.txt",
    "fd_error": "04_fd_error.png",
    "four_ways": "04_four_ways.txt",
    "four_ways_plot": "04_four_ways.png",
    "model": "05_model.json",
    "loss_curve": "05_loss_curve.png",
    "boundary": "05_decision_boundary.png",
    "summary": "summary.md",
}


@dataclass
class TourResult:
    """What the tour did: the folder, the files it wrote (relative to it), timings and the numbers it found."""

    out: Path
    files: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def total_seconds(self):
        return sum(self.seconds.values())


class _Tour:
    def __init__(self, out, fast, progress, stream):
        from autograd_mini.draw import dot_installed  # graphviz, only when the tour runs

        self.out = Path(out)
        self.fast = fast
        self.progress = progress
        self.stream = stream
        self.result = TourResult(self.out)
        self.has_dot = dot_installed()
        self.has_matplotlib = importlib.util.find_spec("matplotlib") is not None
        self.has_tqdm = importlib.util.find_spec("tqdm") is not None

    # -- output helpers ----------------------------------------------------------------------------------------

    def say(self, text=""):
        print(text, file=self.stream, flush=True)

    def heading(self, number, title):
        self.say()
        self.say(f"== {number}/5  {title} " + "=" * max(0, 100 - len(title)))

    def wrote(self, path, what):
        path = Path(path)
        rel = path.relative_to(self.out)
        self.result.files.append(rel.as_posix())
        self.say(f"   wrote {rel.as_posix()}  ({what})")

    def note(self, text):
        self.result.notes.append(text)
        self.say(f"   note: {text}")

    def draw(self, dot, stem, what):
        """Write a drawing as SVG and PNG, or as DOT source without ``dot`` (the run's notes say how to install it)."""
        from autograd_mini.draw import write_drawing

        for path in write_drawing(dot, self.out / stem, render=self.has_dot):
            self.wrote(path, f"{what}, DOT source" if path.suffix == ".gv" else what)

    def write_text(self, name, text, what):
        path = self.out / name
        path.write_text(text + "\n", encoding="utf-8")
        self.wrote(path, what)

    # -- the five steps ----------------------------------------------------------------------------------------

    def neuron(self):
        self.heading(1, "One neuron: o = tanh(x1*w1 + x2*w2 + b), its graph and its gradients")
        o, v = neuron()  # the same neuron as demos/01_neuron.py
        o.backward()
        n = o.operands[0]
        self.say(f"   forward:  n = x1*w1 + x2*w2 + b = {n.data:.6f},  o = tanh(n) = {o.data:.6f}")
        by_hand = neuron_by_hand()  # the chain rule in plain floats, no engine involved
        self.say("   backward, by hand with the chain rule vs o.backward():")
        self.say(f"     {'':4} {'by hand':>24} {'':>10}   {'autodiff':>10}")
        worst = 0.0
        for name, (formula, value) in by_hand.items():
            auto = v[name].grad
            worst = max(worst, abs(auto - value))
            self.say(f"     do/d{name:<3} = {formula:<16} = {value:>10.6f}   {auto:>10.6f}")
        self.say(f"   largest difference: {worst:.1e}")
        self.result.facts["neuron"] = {"o": o.data, "grads": {k: v[k].grad for k in NEURON}, "max_diff": worst}
        self.draw(neuron_drawing(o), FILES["neuron"], "the neuron's graph")
        self.root = o
        self.leaves = v

    def backward_steps(self):
        from autograd_mini.trace import trace_backward

        self.heading(2, "The backward pass, step by step")
        trace = trace_backward(self.root)
        table = trace.table()
        for line in table.splitlines():
            self.say("   " + line)
        self.write_text(FILES["steps_table"], table, "the table above")
        self.draw(
            local_derivatives_drawing(self.root, self.leaves["w1"]),
            FILES["local_derivatives"],
            "every edge labelled with its local derivative",
        )
        if self.has_dot:
            page = trace.write_html(self.out / FILES["steps_page"], title="The backward pass through one neuron")
            self.wrote(page, "open in a browser: Previous/Next steps through the backward pass")
            frames = trace.write_frames(self.out / FILES["steps_frames"])
            self.result.files += [p.relative_to(self.out).as_posix() for p in frames]
            self.say(f"   wrote {FILES['steps_frames']}/step_*.svg  ({len(frames)} frames, one per step)")
        else:
            self.note("the step-by-step page needs the Graphviz program `dot` (pictures are laid out by it)")
        self.result.facts["steps"] = len(trace.steps)

    def documents(self):
        from nn import MLP
        from nn.crosscheck import crosscheck

        self.heading(3, "The documents' delta equations against autodiff")
        # Document 001's network: sigmoid everywhere, E = 1/2 sum_j (y_j - a_j^L)^2, one sample.
        model = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
        x, y = [0.5, -1.0], [1.0, 0.0]
        self.say(f"   {model!r}, x = {x}, y = {y}, E = 1/2 sum_j (y_j - a_j^L)^2 (document 001, section 2.1)")
        report = crosscheck(model, x, y, loss="half_sse")
        text = str(report)
        for line in text.splitlines():
            self.say("   " + line)
        self.result.facts["crosscheck"] = {"ok": report.ok, "max_abs_error": report.max_abs_error}
        self.write_text(FILES["crosscheck"], text, "the table above")
        self._documents_report()

    def _documents_report(self):
        from nn.crosscheck.documents import documents_report

        report = documents_report()
        wrong = report.wrong()
        self.say()
        self.say(
            f"   Every gradient formula the five documents print, evaluated on random networks against autodiff: "
            f"{len(report.results) - len(wrong)} agree, {len(wrong)} do not:"
        )
        width = max(len(r.id) for r in report.results)
        for r in report.results:
            if r.agrees:
                verdict = f"agrees (max diff {r.max_abs_diff:.0e})"
            else:
                verdict = f"DOES NOT AGREE (max diff {r.max_abs_diff:.2g})"
                if r.entry.corrected is not None:
                    verdict += "; corrected form agrees" if r.corrected_agrees else "; corrected form does NOT agree"
            self.say(f"     {r.id:<{width}}  {verdict}")
        self.say(f"   (the printed formulas, the wrong entries and the corrected forms: {FILES['documents']})")
        self.result.facts["documents"] = {
            "formulas": len(report.results),
            "wrong": [r.id for r in wrong],
            "corrected_agree": [r.id for r in wrong if r.corrected_agrees],
        }
        self.write_text(FILES["documents"], str(report), "the documents' formulas, one verdict each")
        return report

    def finite_differences(self):
        self.heading(4, "Finite differences against autodiff, and document 004's four ways to the gradient")

        def neuron(x1, w1, x2, w2, b):
            return (x1 * w1 + x2 * w2 + b).tanh()

        point = [NEURON[k] for k in ("x1", "w1", "x2", "w2", "b")]
        gradcheck(neuron, point, eps=1e-6, atol=1e-8, rtol=1e-6)  # raises GradcheckError with a table if not
        self.say("   gradcheck: central differences (f(p + h) - f(p - h)) / 2h, h = 1e-6 * max(1, |p|), agree with")
        self.say("   autodiff on every input of the neuron to 1e-8 (autograd_mini.gradcheck)")
        self._fd_study()
        self._four_ways()

    def _fd_study(self):
        from nn.crosscheck.fd_study import fd_study

        self.say()
        study = fd_study()
        for line in str(study).splitlines():
            self.say("   " + line)
        self.result.facts["fd"] = {
            "best_forward": study.best_forward,
            "best_central": study.best_central,
            "central_at_best": min(study.central),
            "forward_at_1e-12": study.error("forward", 1e-12),
        }
        if self.has_matplotlib:
            path = self.out / FILES["fd_error"]
            study.plot(path)
            self.wrote(path, "error of finite differences as the step h shrinks")
        else:
            self.note("the plots need matplotlib: pip install 'autograd-mini[plot]'")

    def _four_ways(self):
        """Document 004, page 9: "Wie berechnet man nabla K?" -- the four ways, side by side (nn.crosscheck.ways)."""
        from nn.crosscheck.ways import SHORT, cost_study, expression_ways, symbolic_delta_equations

        self.say()
        try:
            import sympy  # noqa: F401  (the symbolic way)
        except ImportError:
            self.note("the four ways need sympy for the symbolic one: pip install 'autograd-mini[symbolic]'")
            return
        report = expression_ways("(x**2 - sin(y)) * x", {"x": 1.5, "y": 0.5})
        for line in str(report).splitlines():
            self.say("   " + line)
        v11 = symbolic_delta_equations()[0][0]
        self.say(f"   sympy on document 004's network: dK/dv11 = {v11.symbolic} = {v11.written.split('[')[0].strip()}")
        study = cost_study((2, 4, 1), budget=0.2 if self.fast else 1.0, max_symbolic_parameters=13 if self.fast else 40)
        self.say()
        for line in str(study).splitlines():
            self.say("   " + line)
        self.write_text(FILES["four_ways"], f"{report}\n\n{study}", "the four ways: the numbers and the cost")
        big = len(study.parameters) - 1
        self.result.facts["ways"] = {
            "parameters": study.parameters[big],
            "seconds": {SHORT[w]: s[big] for w, s in study.seconds.items() if s[big] is not None},
            "largest_symbolic": max(n for n in study.symbolic_ops if n is not None),
        }
        if self.has_matplotlib:
            from nn.app.plots import plot_four_ways

            path = self.out / FILES["four_ways_plot"]
            plot_four_ways(study, path)
            self.wrote(path, "the four ways: time and size vs P")

    def train(self):
        from nn import accuracy
        from nn.data import make_moons
        from nn.io import save

        epochs = MOONS["fast_epochs"] if self.fast else MOONS["epochs"]
        self.heading(5, f"Training MLP(2, [16, 16, 1]) on two moons (micrograd's demo), {epochs} epochs")
        X, y = make_moons(MOONS["n"], noise=MOONS["noise"], seed=MOONS["seed"])
        # the recipe of demos/04_moons.py: hinge loss + L2, SGD with learning rate 1.0 - 0.9 k / epochs in step k
        model, history = train_moons((X, y), epochs, progress=self.progress if self.has_tqdm else False)
        self.say(f"   {model!r}: {len(model.parameters())} parameters, {len(X)} points, hinge loss + 1e-4 * sum p^2")
        acc = accuracy(model, X, y, loss="hinge")
        self.say(f"   after {epochs} epochs: loss {history.loss[-1]:.4f}, training accuracy {acc:.0%}")
        self.result.facts["train"] = {"epochs": epochs, "loss": history.loss[-1], "accuracy": acc}
        path = self.out / FILES["model"]
        save(model, path)
        self.wrote(path, "the trained model, nn.io.load() reads it back")
        if self.has_matplotlib:
            from nn.app.plots import plot_decision_boundary, plot_history

            path = self.out / FILES["loss_curve"]
            plot_history(history, path, title="moons: hinge loss + L2")
            self.wrote(path, "loss and accuracy per epoch")
            path = self.out / FILES["boundary"]
            plot_decision_boundary(model, X, y, path, loss="hinge")
            self.wrote(path, "the decision boundary")
        else:
            self.note("the plots need matplotlib: pip install 'autograd-mini[plot]'")

    # -- the summary -------------------------------------------------------------------------------------------

    def summary(self):
        facts = self.result.facts
        lines = ["# autograd-mini tour", ""]
        lines += [
            f"Run {time.strftime('%Y-%m-%d %H:%M:%S')}, {'fast mode, ' if self.fast else ''}"
            f"{self.result.total_seconds:.1f} s.",
            "",
        ]
        nf = facts.get("neuron")
        if nf:
            g = nf["grads"]
            lines += [
                "## 1. One neuron",
                "",
                f"o = tanh(x1*w1 + x2*w2 + b) = {nf['o']:.4f}; do/dx1 = {g['x1']:.4f}, do/dw1 = {g['w1']:.4f}, "
                f"do/dx2 = {g['x2']:.4f}, do/dw2 = {g['w2']:.4f}, do/db = {g['b']:.4f} "
                f"(by hand and by autodiff, largest difference {nf['max_diff']:.1e}).",
                "",
            ]
            lines += self._pictures(FILES["neuron"])
        if "steps" in facts:
            pictures = (
                f", the pictures in {self._named('steps_page')} (open it in a browser; one SVG per step in "
                f"{self._named('steps_frames')})"
                if FILES["steps_page"] in self.result.files
                else ""
            )
            lines += [
                "## 2. The backward pass, step by step",
                "",
                f"{facts['steps']} steps; the table is in {self._named('steps_table')}{pictures}.",
                "",
            ]
            lines += self._pictures(FILES["local_derivatives"])
        if "crosscheck" in facts:
            c = facts["crosscheck"]
            lines += [
                "## 3. The documents' delta equations",
                "",
                f"Document 001's sigmoid network: closed form vs autodiff {'agree' if c['ok'] else 'DISAGREE'} "
                f"(max abs error {c['max_abs_error']:.1e}); the table: {self._named('crosscheck')}. The report on "
                f"each formula the documents print: {self._named('documents')}.",
                "",
            ]
        if "fd" in facts:
            fd = facts["fd"]
            lines += [
                "## 4. Finite differences",
                "",
                f"Central differences agree with autodiff best at h = {fd['best_central']:.0e} (error "
                f"{fd['central_at_best']:.1e}); forward differences at h = {fd['best_forward']:.0e}. At "
                f"h = 1e-12 a forward difference is off by {fd['forward_at_1e-12']:.1e}: round-off.",
                "",
            ]
            if "ways" in facts:
                ways = facts["ways"]
                times = ", ".join(f"{w} {s * 1e3:.2g} ms" for w, s in ways["seconds"].items())
                lines += [
                    f"Document 004's four ways to compute nabla K agree on the numbers; at {ways['parameters']} "
                    f"parameters one gradient takes: {times}. The symbolic derivatives swell to "
                    f"{ways['largest_symbolic']} ops ({self._named('four_ways')}).",
                    "",
                ]
            lines += self._pictures("04_")
        if "train" in facts:
            t = facts["train"]
            lines += [
                "## 5. Training on two moons",
                "",
                f"{t['epochs']} epochs: loss {t['loss']:.4f}, training accuracy {t['accuracy']:.0%}. "
                f"Model: {self._named('model')}.",
                "",
            ]
            lines += self._pictures("05_")
        if self.result.notes:
            lines += ["## Notes", ""] + [f"- {n}" for n in self.result.notes] + [""]
        self.result.files.append(FILES["summary"])
        top = dict.fromkeys(f.split("/")[0] + ("/" if "/" in f else "") for f in self.result.files)  # in order
        lines += ["## Files", ""] + [f"- `{f}`" for f in top] + [""]
        path = self.out / FILES["summary"]
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    def _named(self, key):
        """A file (or folder) of ``FILES`` as summary.md names it."""
        return f"`{FILES[key]}/`" if key == "steps_frames" else f"`{FILES[key]}`"

    def _pictures(self, prefix):
        return [f"![{f}]({f})" for f in self.result.files if f.startswith(prefix) and f.endswith(".png")] + [""]


def run_tour(out="autograd-mini-tour", fast=False, progress=None, stream=None):
    """Run the tour, writing into the folder ``out``; returns a ``TourResult``. ``stream``: where to print.

    ``progress``: the training's progress bar, as ``nn.fit`` takes it: None (a bar on stderr when it is a terminal,
    the widget in a notebook, never ``\\r`` lines in a log), True or False."""
    stream = sys.stdout if stream is None else stream
    tour = _Tour(out, fast, progress, stream)
    tour.out.mkdir(parents=True, exist_ok=True)
    tour.say(
        f"autograd-mini tour: backpropagation in five steps{' (fast mode)' if fast else ''}; pictures go to {tour.out}/"
    )
    if not tour.has_dot:
        from autograd_mini.draw import INSTALL_GRAPHVIZ

        tour.note(
            "the Graphviz program `dot` is not installed: the graphs are written as DOT source (.gv). "
            + INSTALL_GRAPHVIZ
        )
    if not tour.has_matplotlib:
        tour.note("matplotlib is not installed, so there will be no plots: pip install 'autograd-mini[plot]'")
    for name, step in (
        ("neuron", tour.neuron),
        ("backward", tour.backward_steps),
        ("documents", tour.documents),
        ("finite differences", tour.finite_differences),
        ("training", tour.train),
    ):
        start = time.perf_counter()
        step()
        tour.result.seconds[name] = time.perf_counter() - start
    path = tour.summary()
    tour.say()
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in tour.result.seconds.items())
    tour.say(f"Done in {tour.result.total_seconds:.1f} s ({timing}).")
    tour.say(f"Everything is in {tour.out.resolve()}/ ; start with {path.resolve()}")
    tour.say("Next: autograd-mini play  (the playground in your browser: change a number, watch every gradient follow)")
    return tour.result
