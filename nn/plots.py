"""Pictures of training, one call each, by matplotlib's conventions (as pandas, seaborn and scikit-learn's displays):

    plot_history(history)                    the loss and the accuracy per epoch
    plot_decision_boundary(model, X, y)      the regions a 2-D classifier assigns to each class, the points on top

``ax=``: draw into a learner's own Axes (``fig, ax = plt.subplots()``). Without it the picture goes to pyplot's
current figure when that is empty, else to a new pyplot figure (``nn.display.pyplot_figure``), so ``fig =
plot_history(h)`` shows in a notebook and ``plot_history(h); plt.show()`` shows in a script. Each call returns the
``Figure``; given a ``path`` it also writes it there (PNG, or the format of the suffix). Nothing here selects or
switches matplotlib's backend. The picture of document 004's four ways is ``nn.app.plots.plot_four_ways``.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nn.display import pyplot_figure, save_figure
from nn.matrices import forward_numpy
from nn.metrics import decision_threshold

__all__ = ["axes_for", "finish", "plot_decision_boundary", "plot_history"]


def axes_for(ax: Any, counts: tuple[int, ...], figsize: tuple[float, float], where: str, **subplots: Any):
    """(figure, Axes to draw on): the Axes of ``ax`` (one, or a sequence; as many as one of ``counts``), or, for
    ``ax=None``, ``counts[-1]`` new ones side by side on pyplot's figure (``nn.display.pyplot_figure``)."""
    if ax is None:
        fig = pyplot_figure(figsize)
        return fig, list(fig.subplots(1, counts[-1], squeeze=False, **subplots)[0])
    axes = list(ax) if isinstance(ax, (Sequence, np.ndarray)) else [ax]
    if not all(hasattr(a, "plot") and hasattr(a, "figure") for a in axes) or len(axes) not in counts:
        wanted = " or ".join(f"a sequence of {n}" if n > 1 else "an Axes" for n in counts)
        raise TypeError(
            f"{where}(ax=...) takes {wanted} (such as the ax of fig, ax = plt.subplots()), "
            f"got {type(ax).__name__} {ax!r:.60}"
        )
    return axes[0].figure, axes


def finish(fig: Any, own: bool, path: Any, title: str | None, **layout: Any) -> Any:
    """The figure's title and layout (only on a figure this call made: a learner's own keeps theirs), saved to
    ``path`` when one is given; returns the figure."""
    if own:
        if title:
            fig.suptitle(title)
        fig.tight_layout(**layout)
    if path is not None:
        save_figure(fig, path)
    return fig


def _whole_epochs(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _legend_above(ax, handles=None):
    """The legend in a row above the plot area, right-aligned, where it cannot cover data."""
    kwargs = {"handles": handles} if handles else {}
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=9, borderaxespad=0.2,
              **kwargs)  # fmt: skip


def _curves(ax, epochs, training, validation, first_colour=0, style=None):
    """The training curve and, when there is one per epoch, the validation curve; returns the lines drawn."""
    style = style or ("o-" if len(training) < 30 else "-")
    lines = ax.plot(epochs[: len(training)], training, style, ms=3, label="training", color=f"C{first_colour}")
    if len(validation) == len(training):
        dashed = "--" if style == "--" else "-"
        lines += ax.plot(epochs, validation, dashed, label="validation", color=f"C{first_colour + 1}")
    return lines


def _unit(values):
    """1.0, or a power of ten to divide the values by when their range does not fit in a float (losses of +-1e308:
    max - min overflows, and matplotlib's ticks with it)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite or math.isfinite(max(finite) - min(finite)):
        return 1.0
    return 10.0 ** math.floor(math.log10(max(abs(v) for v in finite)))


def _log_scale_if_wide(ax, values):
    """A log axis when the values span more than a factor 50, with 1, 2 and 5 per decade labelled."""
    from matplotlib.ticker import LogLocator, NullFormatter

    finite = [v for v in values if np.isfinite(v)]
    if finite and min(finite) > 0 and max(finite) / min(finite) > 50:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}")


def plot_history(history, path=None, title=None, *, ax=None):
    """Loss and accuracy per epoch of a ``nn.history.History`` (or its ``as_dict()``): two panels side by side.

    ``ax``: one Axes (the loss there, and the accuracy dashed on a second y axis at the right), or two Axes (loss,
    accuracy). Returns the ``Figure``; with ``path`` it is also written there."""
    h = history.as_dict() if hasattr(history, "as_dict") else dict(history)
    loss = h.get("loss") or []
    if not loss:
        raise ValueError("plot_history(): the history has no epochs to plot")
    epochs = np.arange(1, len(loss) + 1)
    acc = [a for a in h.get("accuracy") or [] if a is not None]
    val_loss = h.get("val_loss") or []
    val_acc = [a for a in h.get("val_accuracy") or [] if a is not None]
    fig, axes = axes_for(ax, (1, 2) if acc else (1,), (10.4 if acc else 5.2, 3.8), "plot_history")
    left = axes[0]
    unit = _unit(loss + val_loss)
    lines = _curves(left, epochs, [v / unit for v in loss], [v / unit for v in val_loss])
    _log_scale_if_wide(left, loss + val_loss)
    _panel(left, "loss" if unit == 1.0 else f"loss / {unit:g}", title if ax is not None and title else "loss per epoch")
    if acc and len(axes) == 2:
        _curves(axes[1], epochs, acc, val_acc)
        axes[1].set_ylim(-0.02, 1.02)
        _panel(axes[1], "accuracy", "accuracy per epoch")
        if len(val_acc) == len(acc):
            _legend_above(axes[1])
    elif acc:  # one Axes for both: the accuracy on a second y axis, and one legend that says which line is which
        twin = left.twinx()
        twin.set_ylim(-0.02, 1.02)
        twin.set_ylabel("accuracy (dashed)")
        for line in lines:
            line.set_label(f"loss, {line.get_label()}")
        for line in _curves(twin, epochs, acc, val_acc, first_colour=2, style="--"):
            line.set_label(f"accuracy, {line.get_label()}")
            lines.append(line)
    if len(val_loss) == len(loss) or len(lines) > 1:
        _legend_above(left, lines)
    return finish(fig, ax is None, path, title)


def _panel(ax, quantity, title):
    ax.set_xlabel("epoch")
    ax.set_ylabel(quantity)
    ax.set_title(title, loc="left")
    ax.grid(alpha=0.3)
    _whole_epochs(ax)


def plot_decision_boundary(model, X, y, path=None, loss=None, resolution=200, title=None, *, ax=None):
    """The class regions of a 2-input model over the data's range, the boundary line, and the points (X, y).

    One output: class 1 where the output exceeds the threshold of ``nn.metrics.accuracy`` (0 for hinge and
    bce_logits, micrograd's ``score > 0``; 0.5 for bce; halfway between the labels for squared errors; with
    ``loss=None`` 0.5 for a sigmoid output, else 0). Several outputs: the argmax. The grid is evaluated with numpy
    (``nn.matrices.forward_numpy``, the same function as the model, without building a graph).
    ``ax``: an Axes to draw into. Returns the ``Figure``; with ``path`` it is also written there.
    """
    from matplotlib import colormaps

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or model.sizes[0] != 2:
        raise ValueError(
            f"plot_decision_boundary(): needs 2-D points and a model with 2 inputs, got X of shape {X.shape} "
            f"and a model with {model.sizes[0]} inputs"
        )
    pad = 0.25 * (X.max(axis=0) - X.min(axis=0)) + 1e-9
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = forward_numpy(model, np.column_stack([gx.ravel(), gy.ravel()]))
    fig, (axes,) = axes_for(ax, (1,), (5.5, 5.0), "plot_decision_boundary")
    if out.shape[1] == 1:
        t = decision_threshold(model, y.tolist(), loss)
        score = out[:, 0].reshape(gx.shape)
        regions = (score > t).astype(float)
        axes.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fdae6b"], alpha=0.55)
        axes.contour(gx, gy, score, levels=[t], colors="k", linewidths=1.2)
        positive = y > 0
        axes.scatter(X[~positive, 0], X[~positive, 1], c="#08519c", edgecolors="k", s=28, label=f"class {y.min()}")
        axes.scatter(X[positive, 0], X[positive, 1], c="#d94801", edgecolors="k", s=28, label="class 1")
    else:
        k = out.shape[1]
        cls = out.argmax(axis=1).reshape(gx.shape)
        tab10 = colormaps["tab10"]
        axes.contourf(gx, gy, cls, levels=np.arange(-0.5, k), cmap=tab10, vmin=-0.5, vmax=9.5, alpha=0.4)
        for c in np.unique(y):
            sel = y == c
            axes.scatter(X[sel, 0], X[sel, 1], color=tab10(int(c) % 10), edgecolors="k", s=28, label=f"class {c}")
    axes.set_xlim(lo[0], hi[0])
    axes.set_ylim(lo[1], hi[1])
    axes.set_xlabel("x[0]")
    axes.set_ylabel("x[1]")
    legend = {"ncol": min(5, len(np.unique(y))), "frameon": False, "fontsize": 9}
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), **legend)
    name = f"decision boundary of MLP {'-'.join(str(n) for n in model.sizes)} ({'/'.join(model.activations)})"
    if ax is not None:
        axes.set_title(title or name, pad=24)
    return finish(fig, ax is None, path, title or name)
