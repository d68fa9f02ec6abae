"""How the network library's objects show themselves in a notebook, and the figures its plots are drawn on.

Jupyter asks an object for ``_repr_html_()``; ``History`` answers with ``history_html`` (a small picture of the
curves, drawn here as SVG by hand so that ``nn`` needs no matplotlib, and the table of the epochs), ``Module``
(``MLP``, ``Layer``, ``Neuron``) with ``module_html`` (one row per layer: sizes, activation, parameter counts).

The figures plots are drawn on: ``pyplot_figure()`` (``nn.plots``, by matplotlib's conventions as pandas, seaborn
and scikit-learn's displays follow them) is pyplot's current figure when it is empty, else a new pyplot figure, so
``fig = plot_history(h)`` shows in a notebook and ``plot_history(h); plt.show()`` in a script; ``figure()``
(``FDStudy.plot``) is a matplotlib ``Figure`` made without pyplot, which nothing shows but a notebook's display of
it. Neither selects or switches matplotlib's backend. Both are a ``PlotFigure``, which a notebook shows once as a PNG:
the inline backend shows the figures pyplot holds at the end of the cell, so a figure that was shown before (the
cell's last expression, ``display(fig)``) is taken out of pyplot's list then, as ``plt.show()`` does.
``save_figure(fig, path)`` writes a figure to a file.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
import os
import sys

from autograd_mini.files import write_bytes
from autograd_mini.notebook import html_table, unique_id
from autograd_mini.text import printable

__all__ = ["figure", "figure_alt", "history_html", "module_html", "pyplot_figure", "save_figure"]


# -- figures -------------------------------------------------------------------------------------------------


@functools.cache
def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("the plots need matplotlib: pip install matplotlib (or autograd-mini[plot])") from None

    class PlotFigure(Figure):
        """A matplotlib Figure that shows itself in a notebook as a PNG, once (see the module docstring), with
        alternative text: an ``<img alt=...>`` in HTML (what JupyterLab and nbconvert show, so an exported notebook's
        image says what it is) beside the PNG with ``alt`` in its metadata. ``fig.alt_text`` replaces the text made
        from its titles and axis labels (``figure_alt``)."""

        alt_text: str | None = None

        def _repr_png_(self):
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", bbox_inches="tight")
            return buffer.getvalue()

        def _repr_mimebundle_(self, include=None, exclude=None):
            png = base64.b64encode(self._repr_png_()).decode("ascii")
            alt = printable(figure_alt(self))
            picture = f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'
            return {"text/html": picture, "image/png": png, "text/plain": alt}, {"image/png": {"alt": alt}}

        def _ipython_display_(self):
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None and _held_by_inline_pyplot(self, pyplot):
                pyplot.close(self)  # shown here, once: the backend would show it again at the end of the cell
            from IPython.display import display  # only ever called by IPython

            data, metadata = self._repr_mimebundle_()
            display(data, metadata=metadata, raw=True)

    return PlotFigure


def _held_by_inline_pyplot(fig, pyplot):
    """True when pyplot holds ``fig`` and its backend is Jupyter's inline one (which shows what it holds)."""
    manager = getattr(fig.canvas, "manager", None)
    if manager is None or not pyplot.fignum_exists(manager.num):
        return False
    return "inline" in str(pyplot.get_backend()).lower()


def figure_alt(fig):
    """What a figure shows, in words, for its alternative text: ``fig.alt_text`` if set, else its title and each
    plot's title with what it plots against what (``loss against epoch``)."""
    if getattr(fig, "alt_text", None):
        return fig.alt_text
    parts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        x, y = ax.get_xlabel(), ax.get_ylabel()
        against = f"{y or 'values'} against {x or 'x'}" if x or y else ""
        parts.append(": ".join(t for t in (ax.get_title(), against) if t))
    text = "; ".join(p for p in parts if p)
    return f"A figure: {text}" if text else "A figure (no titles or axis labels)"


def figure(figsize, **kwargs):
    """A new matplotlib ``Figure`` of ``figsize`` inches, not registered with pyplot (see the module docstring)."""
    return _figure_class()(figsize=figsize, **kwargs)


def pyplot_figure(figsize):
    """pyplot's current figure if it is empty (a learner's ``plt.figure(figsize=...)`` before the call), else a new
    pyplot figure of ``figsize`` inches: either way the current figure after the call (``plt.gcf()``)."""
    _figure_class()  # the message when matplotlib is missing
    import matplotlib.pyplot as plt  # pyplot keeps the backend matplotlib chose; nothing here selects one

    if plt.get_fignums() and not plt.gcf().axes:
        return plt.gcf()
    return plt.figure(figsize=figsize, FigureClass=_figure_class())


def save_figure(fig, path, dpi=110):
    """Write ``fig`` to ``path`` (the format from its suffix, .png or .svg ...; no suffix: PATH.png, as matplotlib
    does); makes the folder; returns the path written. Whole or not at all, never through a link
    (``autograd_mini.files``)."""
    path = os.fspath(path)
    fmt = os.path.splitext(path)[1][1:].lower() or "png"
    path = path if os.path.splitext(path)[1][1:] else path.rstrip(".") + ".png"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight")
    write_bytes(path, buffer.getvalue())
    return path


# -- History -------------------------------------------------------------------------------------------------


def _format(v, spec=".4g"):
    return "" if v is None else format(v, spec)


def _panel(x0, series, title, ymin=None, ymax=None, width=300, height=150):
    """One small line chart at x offset ``x0``: ``series`` is [(name, colour, values)], epochs 1..n on x."""
    values = [v for _, _, vs in series for v in vs if v is not None and math.isfinite(v)]
    if not values:
        return ""
    lo = min(values) if ymin is None else ymin
    hi = max(values) if ymax is None else ymax
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):  # one value (or all equal): a band around it that floats can hold
        pad = max(0.5, abs(hi) * 1e-9)
        lo, hi = max(lo - pad, -sys.float_info.max), min(hi + pad, sys.float_info.max)
    n = max(len(vs) for _, _, vs in series)
    left, right, top, bottom = x0 + 52, x0 + width - 10, 22, height - 26

    def px(k):  # epoch k (1-based)
        return left + (right - left) * ((k - 1) / (n - 1) if n > 1 else 0.5)

    def py(v):  # the fraction of the range first, from halves: hi - lo overflows for losses of +-1e308
        return bottom - (bottom - top) * ((v / 2 - lo / 2) / (hi / 2 - lo / 2))

    out = [
        f'<text x="{x0 + width / 2:.1f}" y="14" text-anchor="middle" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_format(hi)}</text>',
        f'<text x="{left - 4}" y="{bottom + 4}" text-anchor="end">{_format(lo)}</text>',
        # whole-number epochs only: the first and the last
        f'<text x="{left}" y="{bottom + 16}" text-anchor="middle">1</text>',
    ]
    if n > 1:
        out.append(f'<text x="{right}" y="{bottom + 16}" text-anchor="middle">{n}</text>')
    out.append(f'<text x="{(left + right) / 2:.1f}" y="{bottom + 16}" text-anchor="middle">epoch</text>')
    for k, (name, colour, vs) in enumerate(series):
        points = " ".join(
            f"{px(i + 1):.1f},{py(v):.1f}" for i, v in enumerate(vs) if v is not None and math.isfinite(v)
        )
        if len(vs) == 1:
            out.append(f'<circle cx="{px(1):.1f}" cy="{py(vs[0]):.1f}" r="3" fill="{colour}"/>')
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if len(series) > 1:  # a legend above the plot area, never over the data
            lx = left + 6 + 110 * k
            out.append(f'<line x1="{lx}" y1="-2" x2="{lx + 16}" y2="-2" stroke="{colour}" stroke-width="2"/>')
            out.append(f'<text x="{lx + 20}" y="2">{html.escape(name)}</text>')
    return "\n".join(out)


def history_svg(history):
    """The loss (and accuracy, where there is one) per epoch as a small SVG: polylines, whole-number epochs."""
    panels = [
        [("training", "#1f77b4", history.loss)]
        + ([("validation", "#ff7f0e", history.val_loss)] if len(history.val_loss) == len(history.loss) else [])
    ]
    titles = ["loss"]
    if any(a is not None for a in history.accuracy):
        acc = [("training", "#1f77b4", history.accuracy)]
        if len(history.val_accuracy) == len(history.accuracy) and any(a is not None for a in history.val_accuracy):
            acc.append(("validation", "#ff7f0e", history.val_accuracy))
        panels.append(acc)
        titles.append("accuracy")
    width = 300
    body = "\n".join(
        _panel(width * k, series, title, *((0.0, 1.0) if title == "accuracy" else ()))
        for k, (series, title) in enumerate(zip(panels, titles))
    )
    alt = f"{' and '.join(titles)} per epoch, {history.epochs} epochs"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * len(panels)}" height="160" role="img" '
        f'aria-label="{alt}" viewBox="0 -10 {width * len(panels)} 160" font-family="sans-serif" font-size="12">\n'
        f"<title>{alt}</title>\n{body}\n</svg>"
    )


def history_html(history):
    """A ``History`` as HTML: a line of totals, the curves (``history_svg``) and a table of every epoch."""
    if not history.loss:
        return "<p>History: no epochs yet.</p>"
    columns = [("epoch", list(range(1, history.epochs + 1)), "d"), ("loss", history.loss, ".6g")]
    for name, spec in (("accuracy", ".3f"), ("val_loss", ".6g"), ("val_accuracy", ".3f"), ("lr", ".4g"),
                       ("seconds", ".3f")):  # fmt: skip
        values = getattr(history, name)
        if len(values) == history.epochs and any(v is not None for v in values):
            columns.append((name, values, spec))
    head = [name for name, _, _ in columns]
    rows = [tuple(_format(vs[k], spec) for _, vs, spec in columns) for k in range(history.epochs)]
    last = history.accuracy[-1]
    totals = f"History: {history.epochs} epochs, final loss {history.loss[-1]:.6g}" + (
        "" if last is None else f", training accuracy {last:.1%}"
    )
    box = unique_id("am-history")
    return (
        f'<div id="{box}"><style>#{box} table {{ border-collapse: collapse; font-family: monospace; }} '
        f"#{box} td, #{box} th {{ padding: 1px 10px; text-align: right; border-bottom: 1px solid #eee; }} "
        f"#{box} .am-epochs {{ max-height: 16em; overflow-y: auto; display: inline-block; }}</style>"
        f"<p><b>{html.escape(totals)}</b></p>\n<div>{history_svg(history)}</div>\n"
        f'<div class="am-epochs">{html_table(head, rows, right=range(len(head)))}</div></div>'
    )


# -- Module --------------------------------------------------------------------------------------------------


def _layer_row(name, nin, nout, activation):
    weights, biases = nin * nout, nout
    return (name, str(nin), str(nout), activation, str(weights), str(biases), str(weights + biases))


def module_html(module):
    """A summary table of a ``Module``: one row per layer (inputs, neurons, activation, weights, biases).

    The kind of module is read from its parts (an MLP has ``layers``, a Layer ``neurons``, a Neuron ``w``), so that
    this module, which ``nn.module`` calls, does not import it back."""
    head = ("layer", "inputs", "neurons", "activation", "weights", "biases", "parameters")
    if hasattr(module, "layers"):
        rows = [
            _layer_row(
                f"{l} ({'output' if l == len(module.layers) else 'hidden'})", layer.nin, layer.nout, layer.activation
            )  # fmt: skip
            for l, layer in enumerate(module.layers, start=1)
        ]
        title = f"MLP {' → '.join(str(n) for n in module.sizes)}"
    elif hasattr(module, "neurons"):
        rows = [_layer_row("layer", module.nin, module.nout, module.activation)]
        title = "Layer"
    elif hasattr(module, "w"):
        rows = [_layer_row("neuron", module.nin, 1, module.activation)]
        title = "Neuron"
    else:
        return f"<p>{html.escape(type(module).__name__)}: {module.num_parameters()} parameters</p>"
    total = module.num_parameters()
    rows.append(("total", "", "", "", "", "", str(total)))
    box = unique_id("am-module")
    return (
        f'<div id="{box}"><style>#{box} table {{ border-collapse: collapse; }} '
        f"#{box} td, #{box} th {{ padding: 2px 10px; border-bottom: 1px solid #ddd; }} "
        f"#{box} tr:last-child td {{ font-weight: bold; }}</style>"
        f"<p><b>{html.escape(title)}</b>: {total} parameters (each a Value)</p>\n"
        f"{html_table(head, rows, right=(1, 2, 4, 5, 6))}</div>"
    )
