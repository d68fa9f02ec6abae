"""``autograd-mini tour``: backpropagation in five steps, one terminal screen each, every picture in one folder.

1. One neuron, ``o = tanh(x1*w1 + x2*w2 + b)`` (micrograd's example), its graph drawn, its gradients worked out by
   hand with the chain rule and compared with ``backward()``.
2. The backward pass step by step: the table a learner follows with pencil and paper, a drawing with every local
   derivative on its edge, and a page with Previous/Next buttons (frame 0 the start, frame k step k).
3. The documents' delta equations (``seeds/``) against autodiff: a sigmoid network in document 001's notation (its
   parameters' names ``L1.N0.w0`` explained), then one line per document on the formulas it prints.
4. Finite differences: a central-difference check of the neuron, the error of central and forward differences as
   the step shrinks (truncation, then round-off); document 004's four ways to compute the gradient side by side, and
   a sketch of what each costs as the network grows (the full study: ``autograd-mini ways --sizes 2,4,1``).
5. Training: micrograd's moons demo (MLP(2, [16, 16, 1]), hinge loss + L2, SGD) with a progress bar; the loss and
   accuracy curves, the decision boundary, the model as JSON.

What it prints fits the terminal: at most 100 columns, or the terminal's width when that is narrower
(``shutil.get_terminal_size``; the text wraps to it, the tables need 80), about 100 lines; the full tables go to
the folder. Everything goes into one folder,
named at the end, with ``summary.md`` linking the pictures; files are written whole, never through a symbolic link
(``autograd_mini.files``). No network is used. It takes about 3 s (``TOUR_TIME``: README.md and ``--help`` say
the same). ``run_tour(out, fast=True)`` trains for fewer epochs (the tests use it).
"""

import importlib.util
import shutil
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
from nn.app.options import OptionError, not_a_link, output_file, output_folder
from nn.app.tour_tables import cost_rows, crosscheck_rows, fd_rows, step_table, unbroken, ways_rows, wrapped

__all__ = ["FILES", "TOUR_TIME", "TourResult", "add_parser", "run", "run_tour"]

# How long `make tour` takes once .venv is set up: 3.0-3.6 s measured with `time .venv/bin/autograd-mini tour` (nine
# runs, a shared 2-core machine, load average about 3.5); README.md, `autograd-mini --help` and `autograd-mini tour
# --help` say the same.
TOUR_TIME = "about 3 s"

# micrograd's moons demo (nn.app.examples.train_moons) on 100 points; the fast tour (the tests) takes 25 steps
MOONS: dict[str, Any] = {"n": 100, "noise": 0.1, "seed": 1, "epochs": 100, "fast_epochs": 25}

# The cost sketch of step 4: a 2-w-1 network at three widths, sympy at the smallest only (the full study, with its
# picture, is `autograd-mini ways --sizes 2,4,1`)
SKETCH: dict[str, Any] = {"shape": (2, 4, 1), "widths": (1, 4, 16), "budget": 0.2, "max_symbolic": 5}

# The names of what the tour writes, the one place the steps, summary.md and the output checks take them from
# (drawings get .svg and .png, or .gv without Graphviz; the frames are a folder of step_000.svg ...).
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
    "model": "05_model.json",
    "loss_curve": "05_loss_curve.png",
    "boundary": "05_decision_boundary.png",
    "summary": "summary.md",
}
DRAWINGS = ("neuron", "local_derivatives")

MAX_WIDTH = 100  # columns the tour prints at most; less where the terminal is narrower

EPILOG = """\
examples:
  autograd-mini tour                          writes into ./autograd-mini-tour
  autograd-mini tour --out /tmp/tour --fast   fewer training epochs, same pictures

The tour prints what it does, one screen per step, and at the end the folder with the pictures (graphs, the
step-by-step HTML page, loss curve, decision boundary, finite-difference error curve) and summary.md.
No network is used.
"""


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


def terminal_width():
    """The columns the tour may use: the terminal's, at most ``MAX_WIDTH`` (100 when there is no terminal)."""
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))


class _Tour:
    def __init__(self, out, fast, progress, stream, width=None):
        from autograd_mini.draw import dot_installed  # graphviz, only when the tour runs

        self.out = Path(out)
        self.fast = fast
        self.progress = progress
        self.stream = stream
        self.width = terminal_width() if width is None else width
        self.result = TourResult(self.out)
        self.has_dot = dot_installed()
        self.has_matplotlib = importlib.util.find_spec("matplotlib") is not None
        self.has_tqdm = importlib.util.find_spec("tqdm") is not None

    # -- output helpers ----------------------------------------------------------------------------------------

    def say(self, text="", indent=3):
        """Print ``text`` indented, wrapped to the width (its continuation lines indented two more)."""
        if not text:
            print(file=self.stream, flush=True)
            return
        print("\n".join(wrapped(text, self.width, indent)), file=self.stream, flush=True)

    def rows(self, lines, indent=5):
        """Print table rows as they are (built to fit the width), indented."""
        for line in lines:
            print(" " * indent + line.rstrip(), file=self.stream, flush=True)

    def heading(self, number, title):
        self.say()
        text = f"== {number}/5  {title} "
        self.say(text + "=" * max(0, self.width - len(text)), indent=0)

    def wrote(self, paths, what):
        """Record files written into the folder, and say so in one line."""
        names = [Path(p).relative_to(self.out).as_posix() for p in paths]
        self.result.files += names
        self.say(f"wrote {', '.join(names)}: {what}")

    def note(self, text):
        self.result.notes.append(text)
        self.say(f"note: {text}")

    def draw(self, dot, stem, what):
        """Write a drawing as SVG and PNG, or as DOT source without ``dot`` (the run's notes say how to install it)."""
        from autograd_mini.draw import write_drawing

        paths = write_drawing(dot, self.out / stem, render=self.has_dot)
        self.wrote(paths, f"{what}, DOT source" if paths[0].suffix == ".gv" else what)

    def write_text(self, name, text, what):
        from autograd_mini.files import write_text

        self.wrote([write_text(self.out / name, text + "\n")], what)

    # -- the five steps ----------------------------------------------------------------------------------------

    def neuron(self):
        self.heading(1, "One neuron: o = tanh(x1*w1 + x2*w2 + b), its graph and its gradients")
        o, v = neuron()  # the same neuron as demos/01_neuron.py
        o.backward()
        n = o.operands[0]
        self.say(f"forward:  n = x1*w1 + x2*w2 + b = {n.data:.6f},  o = tanh(n) = {o.data:.6f}")
        self.say("backward, by hand with the chain rule (do/dn = 1 - o^2), and by o.backward():")
        worst = 0.0
        rows = []
        for name, (formula, value) in neuron_by_hand().items():  # the chain rule in plain floats, no engine
            auto = v[name].grad
            worst = max(worst, abs(auto - value))
            rows.append(f"do/d{name:<3} = {formula:<15} = {value:>9.6f}   autodiff {auto:>9.6f}")
        self.rows(rows)
        self.say(f"largest difference: {worst:.1e}")
        self.result.facts["neuron"] = {"o": o.data, "grads": {k: v[k].grad for k in NEURON}, "max_diff": worst}
        self.draw(neuron_drawing(o), FILES["neuron"], "the graph, each box label | data | grad")
        self.root, self.leaves = o, v

    def backward_steps(self):
        from autograd_mini.trace import trace_backward

        self.heading(2, "The backward pass, step by step")
        trace = trace_backward(self.root)
        self.say(
            "backward() takes the nodes output first; each passes its gradient (upstream) on to its operands, "
            "adding upstream * local derivative to what each has:"
        )
        self.rows(step_table(trace.steps, self.width - 5))
        self.write_text(FILES["steps_table"], trace.table(), "the full table")
        dot = local_derivatives_drawing(self.root, self.leaves["w1"])
        self.draw(dot, FILES["local_derivatives"], "every edge labelled with its local derivative")
        if self.has_dot:
            page = trace.write_html(self.out / FILES["steps_page"], title="The backward pass through one neuron")
            frames = trace.write_frames(self.out / FILES["steps_frames"])
            self.result.files += [p.relative_to(self.out).as_posix() for p in frames]
            self.wrote([page], "open it in a browser; Previous/Next step through the backward pass")
            self.say(
                f"and {FILES['steps_frames']}/step_*.svg: {len(frames)} frames, frame 0 is the start (only do/do = 1 "
                "is known), frame k shows step k of the table",
                indent=5,
            )
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
        loss = unbroken("E = 1/2 sum_j (y_j - a_j^L)^2")
        self.say(
            f"document 001's network: MLP 2-3-2, sigmoid, x = {x}, y = {y}, {loss} (section 2.1); its 17 parameters "
            "are named like L1.N0.w0 (layer 1, neuron 0, the weight from input 0: w^1_00, row 0 of W^1) and L1.N0.b "
            "(that neuron's bias b^1_0)"
        )
        report = crosscheck(model, x, y, loss="half_sse")
        self.rows(crosscheck_rows(report, ("L1.N0.w0", "L1.N0.b", "L2.N1.w2", "L2.N1.b")))
        fd = f", central differences {report.max_fd_error:.1e}" if report.max_fd_error is not None else ""
        verdict = "agree" if report.ok else "DISAGREE"
        self.say(
            f"all 17: the delta equations and autodiff {verdict} (max abs difference {report.max_abs_error:.1e}{fd})"
        )
        self.result.facts["crosscheck"] = {"ok": report.ok, "max_abs_error": report.max_abs_error}
        self.write_text(FILES["crosscheck"], str(report), "the table of all 17")
        self._documents_report()

    def _documents_report(self):
        from nn.app.crosscheck_command import documents_summary
        from nn.crosscheck.documents import documents_report

        report = documents_report()
        wrong = report.wrong()
        self.say()
        for k, line in enumerate(documents_summary(report, listing="").splitlines()):
            self.say(line.strip(), indent=3 if k == 0 else 5)
        self.result.facts["documents"] = {
            "formulas": len(report.results),
            "wrong": [r.id for r in wrong],
            "corrected_agree": [r.id for r in wrong if r.corrected_agrees],
        }
        self.write_text(FILES["documents"], str(report), "every printed formula, its verdict and corrected form")
        return report

    def finite_differences(self):
        self.heading(4, "Finite differences, and document 004's four ways to the gradient")

        def neuron(x1, w1, x2, w2, b):
            return (x1 * w1 + x2 * w2 + b).tanh()

        point = [NEURON[k] for k in ("x1", "w1", "x2", "w2", "b")]
        gradcheck(neuron, point, eps=1e-6, atol=1e-8, rtol=1e-6)  # raises GradcheckError with a table if not
        self.say(
            f"gradcheck: central differences {unbroken('(f(p + h) - f(p - h)) / 2h')}, "
            f"{unbroken('h = 1e-6 * max(1, |p|)')}, agree with autodiff on every input of the neuron to 1e-8"
        )
        self._fd_study()
        self._four_ways()

    def _fd_study(self):
        from nn.crosscheck.fd_study import fd_study

        study = fd_study()
        self.say(f"the error of a difference quotient as the step h shrinks ({study.description}, max over all):")
        self.rows(fd_rows(study))
        self.say(
            f"best h: forward {study.best_forward:.0e}, central {study.best_central:.0e}; above it truncation "
            f"(h, h^2), below it round-off (~ 1/h); float32 makes document 004's 'random values in practice'"
        )
        self.result.facts["fd"] = {
            "best_forward": study.best_forward,
            "best_central": study.best_central,
            "central_at_best": min(study.central),
            "forward_at_1e-12": study.error("forward", 1e-12),
        }
        if self.has_matplotlib:
            path = self.out / FILES["fd_error"]
            study.plot(path)
            self.wrote([path], "the error as the step h shrinks")
        else:
            self.note("the plots need matplotlib: pip install 'autograd-mini[plot]'")

    def _four_ways(self):
        """Document 004, page 9: "Wie berechnet man nabla K?" -- the four ways, side by side (nn.crosscheck.ways)."""
        if importlib.util.find_spec("sympy") is None:
            self.note("the four ways need sympy for the symbolic one: pip install 'autograd-mini[symbolic]'")
            return
        from nn.crosscheck.doc004_lecture import symbolic_delta_equations
        from nn.crosscheck.ways import expression_ways
        from nn.crosscheck.ways_cost import cost_study

        self.say()
        report = expression_ways("(x**2 - sin(y)) * x", {"x": 1.5, "y": 0.5})
        self.say("f = (x**2 - sin(y)) * x at x = 1.5, y = 0.5 (document 004, page 6), its gradient four ways:")
        self.rows(ways_rows(report))
        self.say("sympy: " + ",  ".join(unbroken(f"df/d{n} = {f}") for n, f in report.formulas.items()))
        v11 = symbolic_delta_equations()[0][0]
        written = v11.written.split("[")[0].strip()
        formula = unbroken(f"dK/dv11 = {v11.symbolic}")
        self.say(f"sympy on document 004's network: {formula} = {unbroken(written)}, the delta equation [4]")
        study = cost_study(
            SKETCH["shape"], SKETCH["widths"], SKETCH["budget"], SKETCH["max_symbolic"], limit_names=_SKETCH_NAMES
        )
        self.say()
        self.say("what one gradient costs as the hidden layer of a 2-w-1 network widens:")
        self.rows(cost_rows(study))
        self.say(
            f"reverse mode and the delta equations grow like P, forward mode and differences like P^2; sympy's "
            f"derivatives at P = {study.parameters[0]} have {study.symbolic_ops[0]} operations where the graph has "
            f"{study.graph_ops[0]} (the full study and its picture: {unbroken('autograd-mini ways --sizes 2,4,1')})"
        )
        self.write_text(FILES["four_ways"], f"{report}\n\n{study}", "the four ways: the numbers and the cost")
        self.result.facts["ways"] = {
            "parameters": study.parameters[-1],
            "seconds": {w: s[-1] for w, s in study.seconds.items() if s[-1] is not None},
            "symbolic_ops": study.symbolic_ops[0],
            "graph_ops": study.graph_ops[0],
        }

    def train(self):
        from nn import accuracy
        from nn.data import make_moons
        from nn.io import save

        epochs = MOONS["fast_epochs"] if self.fast else MOONS["epochs"]
        self.heading(5, f"Training MLP(2, [16, 16, 1]) on two moons (micrograd's demo), {epochs} epochs")
        X, y = make_moons(MOONS["n"], noise=MOONS["noise"], seed=MOONS["seed"])
        # the recipe of demos/04_moons.py: hinge loss + L2, SGD with learning rate 1.0 - 0.9 k / epochs in step k
        model, history = train_moons((X, y), epochs, progress=self.progress if self.has_tqdm else False)
        loss = unbroken("hinge loss + 1e-4 * sum p^2")
        self.say(f"{len(model.parameters())} parameters, {len(X)} points, {loss}, SGD")
        acc = accuracy(model, X, y, loss="hinge")
        self.say(f"after {epochs} epochs: loss {history.loss[-1]:.4f}, training accuracy {acc:.0%}")
        self.result.facts["train"] = {"epochs": epochs, "loss": history.loss[-1], "accuracy": acc}
        path = self.out / FILES["model"]
        save(model, path)
        written = [path]
        if self.has_matplotlib:
            from nn.app.plots import plot_decision_boundary, plot_history

            plot_history(history, self.out / FILES["loss_curve"], title="moons: hinge loss + L2")
            plot_decision_boundary(model, X, y, self.out / FILES["boundary"], loss="hinge")
            written += [self.out / FILES["loss_curve"], self.out / FILES["boundary"]]
        else:
            self.note("the plots need matplotlib: pip install 'autograd-mini[plot]'")
        self.wrote(written, "the model (nn.io.load reads it), the curves, the decision boundary")

    # -- the summary -------------------------------------------------------------------------------------------

    def summary(self):
        from autograd_mini.files import write_text
        from nn.app.tour_summary import summary_lines

        self.result.files.append(FILES["summary"])
        return write_text(self.out / FILES["summary"], "\n".join(summary_lines(self, FILES)))


_SKETCH_NAMES = {"max_symbolic_parameters": "the sketch's limit (autograd-mini ways --max-symbolic)"}


def run_tour(out="autograd-mini-tour", fast=False, progress=None, stream=None, width=None):
    """Run the tour, writing into the folder ``out``; returns a ``TourResult``. ``stream``: where to print;
    ``width``: the columns to fit (default: the terminal's, at most 100).

    ``progress``: the training's progress bar, as ``nn.fit`` takes it: None (a bar on stderr when it is a terminal,
    the widget in a notebook, never ``\\r`` lines in a log), True or False."""
    from autograd_mini.modes import enable_grad

    with enable_grad():  # the tour differentiates, whatever grad mode its caller is in
        return _run_tour(out, fast, progress, stream, width)


def _run_tour(out, fast, progress, stream, width):
    from autograd_mini.files import make_folder

    tour = _Tour(out, fast, progress, sys.stdout if stream is None else stream, width)
    make_folder(tour.out)
    tour.say(f"autograd-mini tour: backpropagation in five steps{' (fast mode)' if fast else ''}; pictures go to "
             f"{tour.out}/", indent=0)  # fmt: skip
    if not tour.has_dot:
        from autograd_mini.draw import INSTALL_GRAPHVIZ

        tour.note(f"the Graphviz program `dot` is not installed: graphs are written as DOT source. {INSTALL_GRAPHVIZ}")
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
    tour.summary()
    tour.say()
    timing = ", ".join(f"{k} {v:.1f}" for k, v in tour.result.seconds.items())
    tour.say(f"Done in {tour.result.total_seconds:.1f} s ({timing} s).", indent=0)
    print(f"Everything is in {tour.out}/ ; start with {FILES['summary']}", file=tour.stream, flush=True)  # no wrap
    play = unbroken("autograd-mini play")
    tour.say(f"Next: {play}  (in your browser: change a number, watch every gradient follow)", indent=0)
    return tour.result


# -- the command ---------------------------------------------------------------------------------------------------


def add_parser(sub, formatter):
    """Register ``tour`` with the command line's subparsers."""
    parser = sub.add_parser(
        "tour",
        help="the main job: one neuron, the backward pass, the documents' equations, training; pictures",
        description=f"Walk through backpropagation ({TOUR_TIME}) and write every picture into a folder.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument(
        "--out", metavar="DIR", default="autograd-mini-tour", help="output folder (default: %(default)s)"
    )
    parser.add_argument(
        "--fast", action="store_true", help="train for fewer epochs, for tests and quick looks (default: off)"
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar while training (default: a bar when stderr is a terminal)",
    )
    parser.set_defaults(run=run)
    return parser


def check(args):
    """Before any work: the folder can be written, and nothing but regular files (and the frames' real folder)
    stands at the names the tour writes: a symbolic link planted there is refused, not followed."""
    not_a_link("--out", args.out, "the tour")  # (files.make_folder refuses it too, once the tour has started)
    folder = output_folder("--out", args.out)
    names = [f"{FILES[k]}.{ext}" for k in DRAWINGS for ext in ("svg", "png", "gv")]
    names += [name for key, name in FILES.items() if key not in DRAWINGS and key != "steps_frames"]
    frames = folder / FILES["steps_frames"]
    if frames.is_symlink() or (frames.exists() and not frames.is_dir()):
        raise OptionError(f"--out {args.out}: {frames} is not a real folder (a symbolic link or a file); remove it")
    names += [str(p.relative_to(folder)) for p in sorted(frames.glob("step_*.svg"))] if frames.is_dir() else []
    for name in names:
        output_file("--out", str(folder / name))


def run(args):
    """The ``tour`` command: check the outputs, then run the tour."""
    check(args)
    run_tour(args.out, fast=args.fast, progress=False if args.no_progress else None)
    return 0
