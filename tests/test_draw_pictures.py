"""README.md's pictures match what the code draws, and can be read at the width GitHub shows them (issue 20, item 3).

``make pictures`` (``docs/make_pictures.py``) writes each picture with what it is made from beside it: the DOT text
of a drawing, the data of a plot (sizes, texts, font sizes, every line's points), the picture and caption of the
step page. These tests make the sources again from today's code and compare them with the files: a change that
would draw something else fails here, naming the picture and ``make pictures``. Pixels are not compared (fonts and
Graphviz versions differ between machines). The four ways' plot is made from timings, which differ from run to run:
its measured numbers are plotted again with today's plotting code.
"""

import difflib
import importlib.util
import json
import re
import shutil
import sys

import pytest

from autograd_mini.layout import text_width

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_pictures", ROOT / "docs" / "make_pictures.py")
pictures = importlib.util.module_from_spec(_spec)
sys.modules["make_pictures"] = pictures  # its dataclass looks its module up there
_spec.loader.exec_module(pictures)

README = (ROOT / "README.md").read_text(encoding="utf-8")
SHOWN = re.findall(r"!\[[^\]]+\]\(docs/(\w+)\.png\)", README)


def test_every_readme_picture_is_made_by_make_pictures():
    made = set(pictures.PICTURES) | set(pictures.PLAY_PICTURES)
    assert SHOWN and set(SHOWN) <= made, set(SHOWN) - made
    assert re.search(r"^pictures: .*\n\t.*docs/make_pictures.py", (ROOT / "Makefile").read_text(), re.M)
    for name in pictures.PICTURES:
        assert (ROOT / "docs" / f"{name}.png").exists(), name
    # every README image has alternative text
    assert not re.findall(r"!\[\s*\]\(", README)


def _stored(name):
    (path,) = [p for p in (ROOT / "docs").glob(f"{name}.*") if p.suffix in (".gv", ".json", ".txt")]
    return path.read_text(encoding="utf-8")


def _same(name, made, stored):
    if made != stored:
        diff = "\n".join(
            list(difflib.unified_diff(stored.splitlines(), made.splitlines(), "docs", "code", lineterm=""))[:30]
        )
        pytest.fail(f"docs/{name}.png is not what the code draws now: run `make pictures` and commit docs/\n{diff}")


@pytest.mark.parametrize("name", ["neuron", "local_derivatives", "backward_step", "fd_error"])
def test_the_picture_is_what_the_code_draws(name):
    if name == "fd_error":
        pytest.importorskip("matplotlib")
    _same(name, pictures.PICTURES[name]().source, _stored(name))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["loss_curve", "decision_boundary"])
def test_the_trained_moons_plots_are_what_the_code_draws(name):
    pytest.importorskip("matplotlib")
    _same(name, pictures.PICTURES[name]().source, _stored(name))


def test_the_four_ways_plot_is_what_the_code_draws_from_its_measured_numbers():
    pytest.importorskip("matplotlib")
    stored = _stored("four_ways")
    made = pictures.four_ways_picture(pictures.four_ways_study(stored)).source
    _same("four_ways", made, stored)


def test_the_readme_quotes_the_step_the_picture_shows():
    # README quoted "do/dn1 = do/dn3 * ∂n3/∂n1" beside a picture of the tour's neuron, whose nodes are x1*w1, n, o
    caption = _stored("backward_step").split("as the page shows it:\n")[1]
    paragraph = README[README.index("The backward pass, one step at a time") : README.index("(docs/backward_step.png)")]
    quoted = re.findall(r"`([^`]+)`", paragraph)
    chain, program = [q for q in quoted if q.startswith("do/d")], [q for q in quoted if q.startswith("g_")]
    assert chain and program
    for line in chain + [f"program: {p}" for p in program]:
        assert line in caption, line


def test_make_pictures_measures_the_four_ways_as_ways_does():
    # make pictures measured the study through an import that had moved (nn.crosscheck.ways.cost_study): an
    # ImportError after the other pictures were written, which the test above, fed the stored numbers, never reached.
    # A study with a tiny budget runs the same path. Oracle, counted by hand: the smallest network, 2-1-1 with the
    # squared error, has P = 2 + 1 + 1 + 1 = 5 parameters and 10 ops (hidden: x0*w0, x1*w1, their sum, + b, sigmoid;
    # output: h*v, + c, sigmoid; loss: z - zbar, **2).
    pytest.importorskip("sympy")
    study = pictures.four_ways_measured(budget=0.001, max_symbolic_parameters=5)
    numbers = {name: getattr(study, name) for name in pictures.STUDY_FIELDS}
    assert numbers["parameters"][0] == 5 and numbers["graph_ops"][0] == 10


# -- readable at 880 px ----------------------------------------------------------------------------------------


def shown_px(size_pt, dpi, png_px):
    """A font of ``size_pt`` in a PNG made at ``dpi``, ``png_px`` wide, as README shows it: at most 880 px wide."""
    return size_pt * dpi / 72 * min(1.0, pictures.README_WIDTH / png_px)


@pytest.mark.parametrize("name", ["fd_error", "loss_curve", "decision_boundary", "four_ways"])
def test_plots_are_readable_at_880_px(name):
    data = json.loads(_stored(name))
    data = data.get("figure", data)
    png = pictures.png_width(ROOT / "docs" / f"{name}.png")
    smallest = pictures.smallest_text_pt(data)
    # four_ways.png was 1,443 px with 8 pt legends: 7.5 px at 880
    assert shown_px(smallest, pictures.DPI, png) >= pictures.MIN_TEXT_PX, (name, smallest, png)


@pytest.mark.parametrize("name", ["neuron", "local_derivatives", "backward_step"])
def test_drawings_are_readable_at_880_px_and_not_cut(name):
    source = _stored(name)
    sizes = [float(s) for s in re.findall(r'fontsize="?([\d.]+)', source)]
    png = pictures.png_width(ROOT / "docs" / f"{name}.png")
    if name == "backward_step":  # a screenshot: the SVG at its natural size, 1 pt = 4/3 px, in a 960 px window
        assert png == pictures.STEP_PAGE_WIDTH
        assert shown_px(min(sizes), 96, png) >= pictures.MIN_TEXT_PX
        # nothing is cut: the page's picture is narrower than the window (the neuron top to bottom fits 750 pt); the
        # caption is the one the stepper writes now (test_the_picture_is_what_the_code_draws)
        widths = [text_width(text) + 16 for text in re.findall(r'label="([^"]+)"', source)]
        assert max(widths) < 750
    else:
        assert shown_px(min(sizes), pictures.DOT_DPI, png) >= pictures.MIN_TEXT_PX


@pytest.mark.browser
def test_the_step_page_picture_can_be_made_again(tmp_path):
    if shutil.which("chromium") is None or shutil.which("dot") is None:
        pytest.skip("needs Chromium and Graphviz's dot")
    picture = pictures.backward_step_picture()
    picture.write_png(tmp_path / "step.png")
    assert pictures.png_width(tmp_path / "step.png") == pictures.STEP_PAGE_WIDTH


@pytest.mark.parametrize("planted", ["neuron.gv", "neuron.png"])
def test_make_pictures_never_writes_through_a_link_planted_in_docs(planted, tmp_path, monkeypatch, capsys):
    # issue 19's "no write follows a symlink", for make pictures' writer too: a link planted at one of the names it
    # writes is refused in one line, and the file the link points to keeps its bytes
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot")
    docs = tmp_path / "docs"
    docs.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (docs / planted).symlink_to(victim)
    monkeypatch.setattr(pictures, "DOCS", docs)
    assert pictures.main(["neuron"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("make_pictures: ")
    assert f"{planted}': the path is a symbolic link, not a regular file" in err
    assert victim.read_text() == "precious\n" and (docs / planted).is_symlink()
