"""Pictures of training, one call each: each returns a matplotlib ``Figure`` and saves it when given a path.

``plot_history(history, path=None)``: the loss and the accuracy per epoch. ``plot_decision_boundary(model, X, y,
path=None)``: the regions a 2-D classifier assigns to each class, with the data points on top.
``plot_four_ways(study, path=None)``: document 004's four ways to the gradient, time and size against P.

In a notebook the returned figure shows inline; nothing here selects or switches matplotlib's backend (the figures
are made outside pyplot, ``nn.display.figure``), so ``plt.plot(...); plt.show()`` afterwards works as always.
"""

import numpy as np

from nn.display import figure, save_figure
from nn.matrices import forward_numpy
from nn.train import decision_threshold

__all__ = ["plot_decision_boundary", "plot_four_ways", "plot_history"]


def _whole_epochs(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _legend_above(ax):
    """The legend in a row above the plot area, right-aligned, where it cannot cover data."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=9, borderaxespad=0.2)


def plot_history(history, path=None, title=None):
    """Loss (left) and accuracy (right) per epoch of a ``nn.train.History`` (or its ``as_dict()``).

    Returns the ``Figure``; with ``path`` it is also written there (PNG, or the format of the suffix)."""
    from matplotlib.ticker import LogLocator, NullFormatter

    h = history.as_dict() if hasattr(history, "as_dict") else dict(history)
    loss = h.get("loss") or []
    if not loss:
        raise ValueError("plot_history(): the history has no epochs to plot")
    epochs = np.arange(1, len(loss) + 1)
    acc = [a for a in h.get("accuracy") or [] if a is not None]
    val_loss = h.get("val_loss") or []
    val_acc = [a for a in h.get("val_accuracy") or [] if a is not None]
    ncols = 2 if acc else 1
    fig = figure((5.2 * ncols, 3.8))
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    ax = axes[0]
    ax.plot(epochs, loss, "o-" if len(loss) < 30 else "-", ms=3, label="training", color="C0")
    if len(val_loss) == len(loss):
        ax.plot(epochs, val_loss, label="validation", color="C1")
    if min(loss) > 0 and max(loss) / min(loss) > 50:
        ax.set_yscale("log")
        # 1, 2 and 5 per decade: more than the two labels a short log axis would otherwise get
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("loss per epoch", loc="left")
    ax.grid(alpha=0.3)
    _whole_epochs(ax)
    if len(val_loss) == len(loss):
        _legend_above(ax)
    if acc:
        ax = axes[1]
        ax.plot(epochs[: len(acc)], acc, "o-" if len(acc) < 30 else "-", ms=3, label="training", color="C0")
        if len(val_acc) == len(acc):
            ax.plot(epochs, val_acc, label="validation", color="C1")
            _legend_above(ax)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title("accuracy per epoch", loc="left")
        ax.grid(alpha=0.3)
        _whole_epochs(ax)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_decision_boundary(model, X, y, path=None, loss=None, resolution=200, title=None):
    """The class regions of a 2-input model over the data's range, the boundary line, and the points (X, y).

    One output: class 1 where the output exceeds the threshold of ``nn.train.accuracy`` (0 for hinge and
    bce_logits, micrograd's ``score > 0``; 0.5 for bce; halfway between the labels for squared errors; with
    ``loss=None`` 0.5 for a sigmoid output, else 0). Several outputs: the argmax. The grid is evaluated with numpy
    (``nn.matrices.forward_numpy``, the same function as the model, without building a graph).
    Returns the ``Figure``; with ``path`` it is also written there.
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
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    out = forward_numpy(model, np.column_stack([gx.ravel(), gy.ravel()]))
    fig = figure((5.5, 5.0))
    ax = fig.subplots()
    if out.shape[1] == 1:
        t = decision_threshold(model, y.tolist(), loss)
        score = out[:, 0].reshape(gx.shape)
        ax.contourf(
            gx, gy, (score > t).astype(float), levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fdae6b"], alpha=0.55
        )
        ax.contour(gx, gy, score, levels=[t], colors="k", linewidths=1.2)
        positive = y > 0
        ax.scatter(X[~positive, 0], X[~positive, 1], c="#08519c", edgecolors="k", s=28, label=f"class {y.min()}")
        ax.scatter(X[positive, 0], X[positive, 1], c="#d94801", edgecolors="k", s=28, label="class 1")
    else:
        k = out.shape[1]
        cls = out.argmax(axis=1).reshape(gx.shape)
        tab10 = colormaps["tab10"]
        ax.contourf(gx, gy, cls, levels=np.arange(-0.5, k), cmap=tab10, vmin=-0.5, vmax=9.5, alpha=0.4)
        for c in np.unique(y):
            sel = y == c
            ax.scatter(X[sel, 0], X[sel, 1], color=tab10(int(c) % 10), edgecolors="k", s=28, label=f"class {c}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    acts = "/".join(model.activations)
    sizes = "-".join(str(n) for n in model.sizes)
    fig.suptitle(title or f"decision boundary of MLP {sizes} ({acts})")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(5, len(np.unique(y))), frameon=False, fontsize=9)
    fig.tight_layout()
    if path is not None:
        save_figure(fig, path)
    return fig


# The ways of nn.crosscheck.ways in the same colours everywhere: reverse mode the strong blue.
_WAY_STYLE = {
    "reverse": ("C0", "o", 2.6),
    "by_hand": ("C2", "D", 1.6),
    "forward": ("C1", "s", 1.6),
    "finite_differences": ("C4", "v", 1.6),
    "symbolic": ("C3", "^", 1.6),
}


def plot_four_ways(study, path=None, title=None):
    """Document 004's four ways to compute nabla K (``nn.crosscheck.ways.cost_study``): time per gradient (left)
    and the size of what is evaluated (right) against the number of parameters, both on log scales.

    Returns the ``Figure``; with ``path`` it is also written there."""
    from nn.crosscheck.ways import LABELS, WAYS

    P = np.asarray(study.parameters, dtype=float)
    if len(P) == 0:
        raise ValueError("plot_four_ways(): the study has no sizes to plot")
    # 10 in at 9 pt and more: shown 880 px wide (a README on GitHub), its smallest text is still 10.7 px; the legends
    # stand under their plots, off the data
    fig = figure((10.0, 6.6))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    stopped = set()
    for way in WAYS:
        seconds = study.seconds[way]
        keep = [i for i, s in enumerate(seconds) if s is not None]
        if not keep:
            continue
        colour, marker, width = _WAY_STYLE[way]
        label = LABELS[way]
        if way in study.max_rel:
            label += f"  (rel. difference {study.max_rel[way]:.0e})"
        left.loglog(P[keep], [seconds[i] for i in keep], marker=marker, color=colour, lw=width, ms=5, label=label)
        if keep[-1] < len(P) - 1 and keep[-1] not in stopped:  # stopped: say so once at the end of the line
            stopped.add(keep[-1])
            left.annotate(
                "stopped",
                (P[keep[-1]], seconds[keep[-1]]),
                xytext=(-8, 6),
                textcoords="offset points",
                fontsize=9,
                color=colour,
                ha="right",
            )
    # guides: cost proportional to P and to P^2, through reverse mode's first point, labelled inside the axes
    t0 = study.seconds["reverse"][0]
    for power, text in ((1, "∝ P"), (2, "∝ P²")):
        guide = t0 * (P / P[0]) ** power
        left.loglog(P, guide, ls=":", color="0.55", lw=1)
        k = len(P) * 2 // 3
        left.annotate(text, (P[k], guide[k]), xytext=(4, -12), textcoords="offset points", color="0.4", fontsize=9)
    left.set_xlabel("parameters P (the hidden layers widened)")
    left.set_ylabel("seconds for one ∇K (one sample)")
    left.set_title("time: one backward pass vs one pass per parameter")
    left.grid(alpha=0.3, which="both")

    right.loglog(P, study.graph_ops, "o-", color="C0", lw=2.6, label="the graph (ops): what reverse mode walks")
    sym = [i for i, n in enumerate(study.symbolic_ops) if n is not None]
    if sym:
        right.loglog(
            P[sym], [study.symbolic_ops[i] for i in sym], "^-", color="C3", label="symbolic ∂K/∂p, written out (ops)"
        )
        right.loglog(
            P[sym],
            [study.symbolic_ops_cse[i] for i in sym],
            "^--",
            color="C3",
            alpha=0.6,
            label="the same after common-subexpression elimination",
        )
    right.set_xlabel("parameters P")
    right.set_ylabel("operations")
    right.set_title('"symb. Diff.": the formulas swell')
    right.grid(alpha=0.3, which="both")
    right_legend = right.get_legend_handles_labels()
    fig.suptitle(
        title
        or "Wie berechnet man ∇K?  All four ways give the same numbers; as the network grows only reverse mode "
        "stays cheap",
        fontsize=11,
    )
    fig.legend(*left.get_legend_handles_labels(), loc="lower left", fontsize=9, frameon=False)
    fig.legend(*right_legend, loc="lower right", fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.17, 1, 1))
    if path is not None:
        save_figure(fig, path)
    return fig
