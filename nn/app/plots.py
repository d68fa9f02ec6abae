"""Pictures of training, one call each, saved to a file (matplotlib with the Agg backend: no display needed).

``plot_history(history, path)``: the loss and the accuracy per epoch. ``plot_decision_boundary(model, X, y,
path)``: the regions a 2-D classifier assigns to each class, with the data points on top.
"""

from __future__ import annotations

import os

import numpy as np

from nn.matrices import forward_numpy

__all__ = ["plot_decision_boundary", "plot_four_ways", "plot_history"]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("nn.app.plots needs matplotlib: pip install matplotlib (or autograd-mini[plot])") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, plt, path):
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def plot_history(history, path, title=None):
    """Loss (left) and accuracy (right) per epoch of a ``nn.train.History`` (or its ``as_dict()``)."""
    plt = _pyplot()
    h = history.as_dict() if hasattr(history, "as_dict") else dict(history)
    loss = h.get("loss") or []
    if not loss:
        raise ValueError("plot_history(): the history has no epochs to plot")
    epochs = np.arange(1, len(loss) + 1)
    acc = [a for a in h.get("accuracy") or [] if a is not None]
    val_loss = h.get("val_loss") or []
    val_acc = [a for a in h.get("val_accuracy") or [] if a is not None]
    ncols = 2 if acc else 1
    fig, axes = plt.subplots(1, ncols, figsize=(5.2 * ncols, 3.6), squeeze=False)
    ax = axes[0][0]
    ax.plot(epochs, loss, label="training", color="C0")
    if len(val_loss) == len(loss):
        ax.plot(epochs, val_loss, label="validation", color="C1")
    if min(loss) > 0 and max(loss) / min(loss) > 50:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("loss")
    ax.grid(alpha=0.3)
    ax.legend()
    if acc:
        ax = axes[0][1]
        ax.plot(epochs[: len(acc)], acc, label="training", color="C0")
        if len(val_acc) == len(acc):
            ax.plot(epochs, val_acc, label="validation", color="C1")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title("accuracy")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, plt, path)


def _threshold(model, loss, y):
    """The output value between the classes, by the rule of ``nn.train.accuracy`` (so the picture agrees with it)."""
    from nn.train import _decision, _loss_name

    name = _loss_name(loss) if loss is not None else None
    labels = [float(v) for v in y]
    decision = _decision(name, labels, model.output_activation)
    return decision[1] if decision and decision[1] is not None else 0.0


def plot_decision_boundary(model, X, y, path, loss=None, resolution=200, title=None):
    """The class regions of a 2-input model over the data's range, the boundary line, and the points (X, y).

    One output: class 1 where the output exceeds the threshold of ``nn.train.accuracy`` (0 for hinge and
    bce_logits, micrograd's ``score > 0``; 0.5 for bce; halfway between the labels for squared errors; with
    ``loss=None`` 0.5 for a sigmoid output, else 0). Several outputs: the argmax. The grid is evaluated with numpy
    (``nn.matrices.forward_numpy``, the same function as the model, without building a graph).
    """
    plt = _pyplot()
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
    fig, ax = plt.subplots(figsize=(5.5, 4.8))
    if out.shape[1] == 1:
        t = _threshold(model, loss, y.tolist())
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
        ax.contourf(gx, gy, cls, levels=np.arange(-0.5, k), cmap="tab10", vmin=-0.5, vmax=9.5, alpha=0.4)
        for c in np.unique(y):
            sel = y == c
            ax.scatter(X[sel, 0], X[sel, 1], color=plt.cm.tab10(int(c) % 10), edgecolors="k", s=28, label=f"class {c}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    acts = "/".join(model.activations)
    ax.set_title(title or f"decision boundary of MLP {model.sizes} ({acts})")
    ax.legend(loc="upper right", fontsize=8)
    return _save(fig, plt, path)


# The ways of nn.crosscheck.ways in the same colours everywhere: reverse mode the strong blue.
_WAY_STYLE = {
    "reverse": ("C0", "o", 2.6),
    "by_hand": ("C2", "D", 1.6),
    "forward": ("C1", "s", 1.6),
    "finite_differences": ("C4", "v", 1.6),
    "symbolic": ("C3", "^", 1.6),
}


def plot_four_ways(study, path, title=None):
    """Document 004's four ways to compute nabla K (``nn.crosscheck.ways.cost_study``): time per gradient (left)
    and the size of what is evaluated (right) against the number of parameters, both on log scales."""
    from nn.crosscheck.ways import LABELS, WAYS

    plt = _pyplot()
    P = np.asarray(study.parameters, dtype=float)
    if len(P) == 0:
        raise ValueError("plot_four_ways(): the study has no sizes to plot")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.0, 5.0), gridspec_kw={"width_ratios": [1.25, 1]})
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
                fontsize=8,
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
    right.legend(fontsize=8, loc="lower right")
    fig.suptitle(
        title
        or "Wie berechnet man ∇K?  All four ways give the same numbers; as the network grows only reverse mode "
        "stays cheap",
        fontsize=11,
    )
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8.5, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return _save(fig, plt, path)
