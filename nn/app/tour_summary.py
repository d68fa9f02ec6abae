"""``summary.md`` of the tour: what each step found, in sentences, with its pictures and the list of its files.

``summary_lines(tour, files)`` reads the tour's ``result`` (its facts, the files it wrote, its notes) and the names
of ``nn.app.tour.FILES``; ``nn.app.tour`` writes the lines (through ``autograd_mini.files``).
"""

import time

__all__ = ["summary_lines"]


def summary_lines(tour, files):
    """The lines of summary.md for a finished ``tour`` (``nn.app.tour._Tour``); ``files``: the tour's FILES."""
    result = tour.result
    facts = result.facts

    def named(key):
        return f"`{files[key]}/`" if key == "steps_frames" else f"`{files[key]}`"

    def pictures(prefix):
        return [f"![{f}]({f})" for f in result.files if f.startswith(prefix) and f.endswith(".png")] + [""]

    lines = ["# autograd-mini tour", ""]
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    lines += [f"Run {when}, {'fast mode, ' if tour.fast else ''}{result.total_seconds:.1f} s.", ""]
    if "neuron" in facts:
        lines += _neuron(facts["neuron"]) + pictures(files["neuron"])
    if "steps" in facts:
        frames = (
            f", the pictures in {named('steps_page')} (open it in a browser; one SVG per frame in "
            f"{named('steps_frames')}, frame 0 the start, frame k step k)"
            if files["steps_page"] in result.files
            else ""
        )
        lines += ["## 2. The backward pass, step by step", ""]
        lines += [f"{facts['steps']} steps; the table is in {named('steps_table')}{frames}.", ""]
        lines += pictures(files["local_derivatives"])
    if "crosscheck" in facts:
        c = facts["crosscheck"]
        lines += [
            "## 3. The documents' delta equations",
            "",
            f"Document 001's sigmoid network: closed form vs autodiff {'agree' if c['ok'] else 'DISAGREE'} "
            f"(max abs error {c['max_abs_error']:.1e}); the table: {named('crosscheck')}. The report on "
            f"each formula the documents print: {named('documents')}.",
            "",
        ]
    if "fd" in facts:
        lines += _finite_differences(facts, named) + pictures("04_")
    if "train" in facts:
        t = facts["train"]
        lines += [
            "## 5. Training on two moons",
            "",
            f"{t['epochs']} epochs: loss {t['loss']:.4f}, training accuracy {t['accuracy']:.0%}. "
            f"Model: {named('model')}.",
            "",
        ]
        lines += pictures("05_")
    if result.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in result.notes] + [""]
    top = dict.fromkeys(f.split("/")[0] + ("/" if "/" in f else "") for f in result.files)  # in order
    return lines + ["## Files", ""] + [f"- `{f}`" for f in top] + [""]


def _neuron(nf):
    g = nf["grads"]
    return [
        "## 1. One neuron",
        "",
        f"o = tanh(x1*w1 + x2*w2 + b) = {nf['o']:.4f}; do/dx1 = {g['x1']:.4f}, do/dw1 = {g['w1']:.4f}, "
        f"do/dx2 = {g['x2']:.4f}, do/dw2 = {g['w2']:.4f}, do/db = {g['b']:.4f} "
        f"(by hand and by autodiff, largest difference {nf['max_diff']:.1e}).",
        "",
    ]


def _finite_differences(facts, named):
    fd = facts["fd"]
    lines = [
        "## 4. Finite differences",
        "",
        f"Central differences agree with autodiff best at h = {fd['best_central']:.0e} (error "
        f"{fd['central_at_best']:.1e}); forward differences at h = {fd['best_forward']:.0e}. At "
        f"h = 1e-12 a forward difference is off by {fd['forward_at_1e-12']:.1e}: round-off.",
        "",
    ]
    if "ways" in facts:
        ways = facts["ways"]
        from nn.crosscheck.ways import SHORT

        times = ", ".join(f"{SHORT[w]} {s * 1e3:.2g} ms" for w, s in ways["seconds"].items())
        lines += [
            f"Document 004's four ways to compute nabla K agree on the numbers; at {ways['parameters']} "
            f"parameters one gradient takes: {times}. sympy's derivatives of the smallest network have "
            f"{ways['symbolic_ops']} operations where its graph has {ways['graph_ops']} ({named('four_ways')}; the "
            "full study: `autograd-mini ways --sizes 2,4,1`).",
            "",
        ]
    return lines
