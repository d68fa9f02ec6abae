"""Demo 7: "Wie berechnet man nabla K?" -- the four ways of document 004 (page 9), side by side.

    ①  nabla K ~ (K(A + "ein bisschen") - K(A)) / "ein bisschen"     finite differences
    ②  nabla K per Hand berechnen                                      the delta equations of page 10
    ③  nabla K durch "symb. Diff." bestimmen                           sympy, on the formula read off the graph
    ④  nabla K durch "automat. Diff." bestimmen                          forward mode (dual numbers) and reverse mode

All of them give the same numbers (finite differences up to their truncation and round-off error). What they cost
is another matter: reverse mode gets all P partial derivatives from one backward pass; forward mode needs one pass
per parameter (one column of the Jacobian each), finite differences two; and the symbolic derivatives repeat the
network's whole formula inside each of the P derivatives, so they swell.

Run:  python demos/07_four_ways.py            (about a minute; the picture goes to demo-output/07_four_ways/)
      python demos/07_four_ways.py --fast     (a smaller study: seconds)
"""

import os
import sys
from pathlib import Path

from autograd_mini import Value, jvp
from autograd_mini import symbolic as S
from autograd_mini.files import make_folder
from nn.app.plots import plot_four_ways
from nn.crosscheck.doc004_lecture import symbolic_delta_equations
from nn.crosscheck.ways import demo_network_ways, expression_ways
from nn.crosscheck.ways_cost import cost_study

FAST = "--fast" in sys.argv or os.environ.get("AUTOGRAD_MINI_FAST") == "1"
OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "07_four_ways"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does

# %%
# --- 1. document 004's example gradient, four ways ------------------------------------------------------------------
# Page 6: f(x, y) = (x^2 - sin(y)) * x. The page prints df/dx = 2x - sin(y); sympy finds 3x^2 - sin(y).
print(expression_ways("(x**2 - sin(y)) * x", {"x": 1.5, "y": 0.5}))

# %%
# --- 2. forward mode by hand: one directional derivative per pass --------------------------------------------------
# jvp pushes dual numbers (value, tangent) through the graph; the tangent (1, 0) gives df/dx, (0, 1) gives df/dy.
for tangent in ([1.0, 0.0], [0.0, 1.0]):
    value, slope = jvp(lambda x, y: (x**2 - y.sin()) * x, [1.5, 0.5], tangent)
    print(f"jvp along {tangent}: f = {value:.6f}, directional derivative = {slope:.12f}")

# %%
# --- 3. symbolic: the formula, its derivative, LaTeX -----------------------------------------------------------------
x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
o = (x * w + b).tanh()
print(f"\no = {S.text(S.to_sympy(o))}")
print(f"do/dw = {S.text(S.derivative(o, w))}      LaTeX: {S.latex(S.derivative(o, w))}")

# %%
# --- 4. five ways on a sigmoid MLP, and the symbolic derivatives are the delta equations ----------------------------
print()
print(demo_network_ways((2, 4, 1)))
print("\nsympy's derivatives of document 004's K for a 2-2-1 network (sigma(yhat_j) = y_j, sigma(zhat_k) = z_k):")
rows, _ = symbolic_delta_equations()
for r in rows:
    print(f"  dK/d{r.parameter:<4} = {S.text(r.symbolic):<52} = {r.written:<34} {'same' if r.agrees else 'DIFFERENT'}")

# %%
# --- 5. the cost as the network grows ---------------------------------------------------------------------------------
budget, max_symbolic = (0.2, 13) if FAST else (2.0, 70)
study = cost_study((2, 4, 1), budget=budget, max_symbolic_parameters=max_symbolic)
print()
print(study)
fig = plot_four_ways(study, OUT / "four_ways.png")
print(f"wrote {OUT / 'four_ways.png'}")
fig  # in a notebook: the picture, inline
