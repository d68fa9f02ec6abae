"""The application's pictures: document 004's four ways (``plot_four_ways``), and, kept as an import path, the
library's plots of training (``plot_history``, ``plot_decision_boundary``: ``nn.plots``, where they live).

``plot_four_ways`` follows the library's conventions (``nn.plots``): ``ax=`` a pair of Axes to draw into, else
pyplot's figure; it returns the ``Figure`` and saves it when given a path; nothing selects matplotlib's backend.
"""

import numpy as np

from nn.plots import axes_for, finish, plot_decision_boundary, plot_history

__all__ = ["plot_decision_boundary", "plot_four_ways", "plot_history"]


# The ways of nn.crosscheck.ways in the same colours everywhere: reverse mode the strong blue.
_WAY_STYLE = {
    "reverse": ("C0", "o", 2.6),
    "by_hand": ("C2", "D", 1.6),
    "forward": ("C1", "s", 1.6),
    "finite_differences": ("C4", "v", 1.6),
    "symbolic": ("C3", "^", 1.6),
}


def plot_four_ways(study, path=None, title=None, *, ax=None):
    """Document 004's four ways to compute nabla K (``nn.crosscheck.ways_cost.cost_study``): time per gradient (left)
    and the size of what is evaluated (right) against the number of parameters, both on log scales.

    ``ax``: two Axes (time, size) to draw into. Returns the ``Figure``; with ``path`` it is also written there."""
    P = np.asarray(study.parameters, dtype=float)
    if len(P) == 0:
        raise ValueError("plot_four_ways(): the study has no sizes to plot")
    # 10 in at 9 pt and more: shown 880 px wide (a README on GitHub), its smallest text is still 10.7 px
    fig, (left, right) = axes_for(ax, (2,), (10.0, 6.6), "plot_four_ways", gridspec_kw={"width_ratios": [1.25, 1]})
    _time_panel(left, study, P)
    _size_panel(right, study, P)
    if ax is not None:  # a learner's own Axes: the ways' legend inside the left one, their figure left as it is
        left.legend(fontsize=7.5)
        return finish(fig, False, path, None)
    # the legends under their plots, off the data
    right.get_legend().remove()
    fig.legend(*left.get_legend_handles_labels(), loc="lower left", fontsize=9, frameon=False)
    fig.legend(*right.get_legend_handles_labels(), loc="lower right", fontsize=9, frameon=False)
    fig.suptitle(
        title
        or "Wie berechnet man ∇K?  All four ways give the same numbers; as the network grows only reverse mode "
        "stays cheap",
        fontsize=11,
    )
    return finish(fig, True, path, None, rect=(0, 0.17, 1, 1))


def _time_panel(left, study, P):
    """Seconds per gradient of each way against P, with guides for cost proportional to P and to P^2."""
    from nn.crosscheck.ways import LABELS, WAYS

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
            at = (P[keep[-1]], seconds[keep[-1]])
            left.annotate("stopped", at, xytext=(-8, 6), textcoords="offset points", fontsize=9, color=colour,
                          ha="right")  # fmt: skip
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


def _size_panel(right, study, P):
    """The size of what each way evaluates: the graph's ops, the symbolic gradient's ops (before and after CSE)."""
    right.loglog(P, study.graph_ops, "o-", color="C0", lw=2.6, label="the graph (ops): what reverse mode walks")
    sym = [i for i, n in enumerate(study.symbolic_ops) if n is not None]
    if sym:
        label = "symbolic ∂K/∂p, written out (ops)"
        right.loglog(P[sym], [study.symbolic_ops[i] for i in sym], "^-", color="C3", label=label)
        label = "the same after common-subexpression elimination"
        right.loglog(P[sym], [study.symbolic_ops_cse[i] for i in sym], "^--", color="C3", alpha=0.6, label=label)
    right.set_xlabel("parameters P")
    right.set_ylabel("operations")
    right.set_title('"symb. Diff.": the formulas swell')
    right.grid(alpha=0.3, which="both")
    right.legend(fontsize=8, loc="lower right")
