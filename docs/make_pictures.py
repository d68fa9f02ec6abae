"""Make every picture README.md shows, and next to each what it is made from:  make pictures

    .venv/bin/python docs/make_pictures.py [NAME ...]      (no NAME: all of them, the playground's too; a minute)

A drawing's source is its DOT text (``docs/neuron.gv``); a plot's is its data (``docs/loss_curve.json``: the figure's
size, every title, label and font size, every line's points); the step page's is the DOT text of its picture and
the caption of the step it shows (``docs/backward_step.txt``). ``tests/test_draw_pictures.py`` makes the sources
again from the code and compares them with these files, not the pixels: a change that would draw something other
than what the README shows fails there until the pictures are made again and committed. The same test holds every
picture to being readable at 880 px, the width GitHub gives README images: no text smaller than ``MIN_TEXT_PX``.

The four ways' plot times each way (``autograd-mini ways --sizes 2,4,1``), and times differ from run to run: its
source keeps the measured numbers, and the test plots those numbers again with today's plotting code.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograd_mini.files import UnsafeOutputError, write_bytes, write_text  # noqa: E402 (after the path above)

DOCS = ROOT / "docs"
README_WIDTH = 880  # px: the width of README.md's column on GitHub
MIN_TEXT_PX = 10.5  # the smallest text any picture may show at that width
DPI = 110  # nn.display.save_figure's
DOT_DPI = 96  # dot's PNG: 1 pt = 96/72 px
STEP_PAGE_WIDTH = 960  # px: the browser window of docs/backward_step.png (at 880 px, its 11 pt labels stay 13 px)
SHOWN_STEP = 4  # the step of the neuron's backward pass that docs/backward_step.png shows: x2*w2 passes its gradient
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]  # fmt: skip


@dataclass
class Picture:
    """A README picture: ``source`` (text: DOT, or JSON of a plot's data) and how to write its PNG."""

    source: str
    write_png: Callable[[Path], None]
    suffix: str  # the source file's: .gv, .json, .txt


# -- what a plot is made from ------------------------------------------------------------------------------------


def _num(x: float) -> str:
    return format(float(x), ".6g")  # six significant digits: the same text on every machine


def _texts(artists) -> list[list[Any]]:
    return [[t.get_text(), _num(t.get_fontsize())] for t in artists if t.get_visible() and t.get_text()]


def figure_data(fig) -> dict[str, Any]:
    """What a matplotlib figure shows, as plain data: its size, each axes' titles, labels, scales, limits and tick
    label sizes, every line's points (six significant digits), every other text with its size, the legends, and a
    digest of image and filled-contour arrays (the decision boundary's 40,000 cells)."""
    axes = []
    for ax in fig.axes:
        lines = [
            {"label": line.get_label(), "style": [line.get_linestyle(), line.get_marker(), str(line.get_color())],
             "x": [_num(v) for v in line.get_xdata()], "y": [_num(v) for v in line.get_ydata()]}
            for line in ax.get_lines()
        ]  # fmt: skip
        arrays = []
        for artist in [*ax.collections, *ax.images]:
            data = getattr(artist, "get_array", lambda: None)()
            offsets = artist.get_offsets() if hasattr(artist, "get_offsets") else None
            for a in (data, offsets):
                if a is not None and getattr(a, "size", 0):
                    arrays.append(hashlib.sha256(" ".join(_num(v) for v in a.ravel()).encode()).hexdigest()[:16])
        legend = ax.get_legend()
        ticks = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        axes.append({
            "title": _texts([ax.title]), "xlabel": _texts([ax.xaxis.label]), "ylabel": _texts([ax.yaxis.label]),
            "scale": [ax.get_xscale(), ax.get_yscale()], "limits": [_num(v) for v in (*ax.get_xlim(), *ax.get_ylim())],
            "tick_size": _num(min(ticks)) if ticks else None, "lines": lines, "arrays": arrays,
            "texts": _texts(ax.texts), "legend": _texts(legend.get_texts()) if legend else [],
        })  # fmt: skip
    legends = [_texts(legend.get_texts()) for legend in fig.legends]
    return {
        "size_inches": [_num(v) for v in fig.get_size_inches()],
        "suptitle": _texts([fig._suptitle]) if fig._suptitle is not None else [],
        "axes": axes,
        "legends": legends,
    }


def smallest_text_pt(data: dict[str, Any]) -> float:
    """The smallest font size (pt) anywhere in ``figure_data``'s result."""
    sizes = [float(s) for group in (data["suptitle"], *data["legends"]) for _, s in group]
    for ax in data["axes"]:
        sizes += [float(s) for key in ("title", "xlabel", "ylabel", "texts", "legend") for _, s in ax[key]]
        sizes += [float(ax["tick_size"])] if ax["tick_size"] else []
    return min(sizes)


def png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


def _plot(fig) -> Picture:
    from nn.display import save_figure

    source = json.dumps(figure_data(fig), indent=1, ensure_ascii=False)
    return Picture(source, lambda path: save_figure(fig, path, dpi=DPI), ".json")


def _drawing(dot) -> Picture:
    return Picture(dot.source, lambda path: write_bytes(path, dot.pipe(format="png")), ".gv")


# -- the pictures ------------------------------------------------------------------------------------------------


def _neuron():
    from nn.app.examples import neuron

    o, leaves = neuron()
    o.backward()
    return o, leaves


def neuron_picture() -> Picture:
    from nn.app.examples import neuron_drawing

    return _drawing(neuron_drawing(_neuron()[0]))


def local_derivatives_picture() -> Picture:
    from nn.app.examples import local_derivatives_drawing

    o, leaves = _neuron()
    return _drawing(local_derivatives_drawing(o, leaves["w1"]))


def backward_step_picture() -> Picture:
    """One step of the neuron's backward pass in the step page, as the tour writes it, photographed in Chromium."""
    from autograd_mini.trace import trace_backward
    from nn.app.examples import neuron

    trace = trace_backward(neuron()[0])
    dot, _ = trace.drawing()
    caption = "\n".join(trace.captions()[SHOWN_STEP])
    source = f"{dot.source}\n// the caption of step {SHOWN_STEP}, as the page shows it:\n{caption}\n"

    def write_png(path: Path) -> None:
        _photograph(trace.html(title="The backward pass through one neuron"), path)

    return Picture(source, write_png, ".txt")


def fd_error_picture() -> Picture:
    from nn.crosscheck.fd_study import fd_study

    return _plot(fd_study().plot())


def _moons():
    from nn.app.examples import train_moons
    from nn.app.tour import MOONS
    from nn.data import make_moons

    data = make_moons(MOONS["n"], noise=MOONS["noise"], seed=MOONS["seed"])
    model, history = train_moons(data, MOONS["epochs"])
    return data, model, history


def loss_curve_picture() -> Picture:
    from nn.plots import plot_history

    return _plot(plot_history(_moons()[2], title="moons: hinge loss + L2"))


def decision_boundary_picture() -> Picture:
    from nn.plots import plot_decision_boundary

    (X, y), model, _ = _moons()
    return _plot(plot_decision_boundary(model, X, y, loss="hinge"))


STUDY_FIELDS = ("parameters", "seconds", "graph_ops", "symbolic_ops", "symbolic_ops_cse", "max_rel")


def four_ways_measured(budget: float = 2.0, max_symbolic_parameters: int = 70) -> Any:
    """The cost study ``autograd-mini ways --sizes 2,4,1`` runs: each way timed until its next size would take over
    ``budget`` seconds, sympy up to ``max_symbolic_parameters``."""
    from nn.crosscheck.ways_cost import cost_study

    return cost_study((2, 4, 1), budget=budget, max_symbolic_parameters=max_symbolic_parameters)


def four_ways_picture(study: Any = None) -> Picture:
    """``autograd-mini ways --sizes 2,4,1 --plot docs/four_ways.png`` (``four_ways_measured``). Given ``study`` (the
    numbers a source file keeps), plots those instead."""
    from nn.app.plots import plot_four_ways

    if study is None:
        study = four_ways_measured()
    picture = _plot(plot_four_ways(study))
    numbers = {name: getattr(study, name) for name in STUDY_FIELDS}
    picture.source = json.dumps({"study": numbers, "figure": json.loads(picture.source)}, indent=1, ensure_ascii=False)
    return picture


def four_ways_study(source: str) -> SimpleNamespace:
    """The cost study's numbers kept in ``docs/four_ways.json``, for plotting them again."""
    return SimpleNamespace(**json.loads(source)["study"])


# The playground's pictures are screenshots of the running server (docs/make_play_pictures.py, which make_pictures runs
# too); the playground's own browser tests check what its pages show.
PLAY_PICTURES = ("play", "play_network")

PICTURES: dict[str, Callable[[], Picture]] = {
    "neuron": neuron_picture,
    "local_derivatives": local_derivatives_picture,
    "backward_step": backward_step_picture,
    "fd_error": fd_error_picture,
    "loss_curve": loss_curve_picture,
    "decision_boundary": decision_boundary_picture,
    "four_ways": four_ways_picture,
}


# -- the step page, photographed -----------------------------------------------------------------------------------


def _photograph(page: str, path: Path) -> None:
    """The page at ``SHOWN_STEP`` in headless Chromium (driven by playwright, as the browser tests drive it),
    ``STEP_PAGE_WIDTH`` wide, cut 16 px below the step's caption (the colour key and the table left out)."""
    from playwright.sync_api import sync_playwright

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise SystemExit("make_pictures: docs/backward_step.png needs Chromium (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        html_path = Path(tmp) / "step.html"
        html_path.write_text(page, encoding="utf-8")
        chromium = p.chromium.launch(executable_path=browser, args=CHROMIUM_ARGS)
        tab = chromium.new_page(viewport={"width": STEP_PAGE_WIDTH, "height": 1200})
        tab.goto(html_path.as_uri())
        tab.add_style_tag(content=".am-key, .am-tablebox { display: none; }")
        for _ in range(SHOWN_STEP):  # the stepper has the keyboard's focus on its page
            tab.keyboard.press("ArrowRight")
        bottom = tab.evaluate("document.querySelector('.am-caption.current').getBoundingClientRect().bottom")
        png = tab.screenshot(clip={"x": 0, "y": 0, "width": STEP_PAGE_WIDTH, "height": bottom + 16})
        write_bytes(path, png)
        chromium.close()


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in PICTURES]
    if unknown:
        print(
            f"make_pictures: no picture {', '.join(unknown)}; the pictures are {', '.join(PICTURES)}", file=sys.stderr
        )
        return 2
    for name in names or PICTURES:
        picture = PICTURES[name]()
        try:  # as every command writes (autograd_mini.files): whole files, never through a link planted in docs/
            write_text(DOCS / f"{name}{picture.suffix}", picture.source)
            picture.write_png(DOCS / f"{name}.png")
        except UnsafeOutputError as err:
            print(f"make_pictures: {err}", file=sys.stderr)
            return 1
        print(f"docs/{name}.png  docs/{name}{picture.suffix}")
    if not names:
        subprocess.run([sys.executable, str(DOCS / "make_play_pictures.py")], check=True, cwd=ROOT)
        print("  ".join(f"docs/{name}.png" for name in PLAY_PICTURES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
