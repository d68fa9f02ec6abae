"""Demo 1: one neuron, by hand and by autodiff, drawn.

The neuron of Andrej Karpathy's micrograd lecture ("The spelled-out intro to neural networks and
backpropagation"):

    n = x1*w1 + x2*w2 + b        o = tanh(n)

with x1 = 2, x2 = 0, w1 = -3, w2 = 1 and b = 6.8813735870195432 (chosen so that o = 0.7071 and 1 - o^2 = 0.5).
We compute every gradient twice: by hand with the chain rule, in plain Python floats, and with the engine's
``backward()``. Then we draw the graph and trace the backward pass step by step.

Run:  python demos/01_neuron.py            (pictures go to demo-output/01_neuron/)
      AUTOGRAD_MINI_OUT=/tmp/pics python demos/01_neuron.py
"""

import math
import os
import shutil
from pathlib import Path

from autograd_mini import Value, draw_dot
from autograd_mini.trace import trace_backward

OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "01_neuron"
OUT.mkdir(parents=True, exist_ok=True)

# %%
# --- 1. by hand --------------------------------------------------------------------------------------------------
x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + b
o = math.tanh(n)
# The chain rule, one link at a time:
#   do/dn  = 1 - tanh(n)^2 = 1 - o^2                 (the derivative of tanh)
#   dn/dw1 = x1, dn/dx1 = w1, dn/dw2 = x2, dn/dx2 = w2, dn/db = 1
#   do/dw1 = do/dn * dn/dw1, and so on.
do_dn = 1 - o**2
by_hand = {"x1": do_dn * w1, "w1": do_dn * x1, "x2": do_dn * w2, "w2": do_dn * x2, "b": do_dn * 1}
print(f"by hand:  n = {n:.4f}, o = tanh(n) = {o:.4f}, do/dn = 1 - o^2 = {do_dn:.4f}")

# %%
# --- 2. with the engine -------------------------------------------------------------------------------------------
# The same expression, built from Values (capital letters). Each remembers how it was made, so the engine can go
# backwards.
X1, X2 = Value(x1, label="x1"), Value(x2, label="x2")
W1, W2 = Value(w1, label="w1"), Value(w2, label="w2")
B = Value(b, label="b")
x1w1 = X1 * W1
x1w1.label = "x1*w1"
x2w2 = X2 * W2
x2w2.label = "x2*w2"
s = x1w1 + x2w2
s.label = "x1*w1 + x2*w2"
N = s + B
N.label = "n"
O = N.tanh()  # noqa: E741  (capital letters are the Values: O is o)
O.label = "o"
O.backward()  # fills .grad of every node with do/d(node)

print(f"autodiff: o = {O.data:.4f}")
print(f"{'':6}{'by hand':>12}{'autodiff':>12}")
for leaf in (X1, W1, X2, W2, B):
    print(f"do/d{leaf.label:<2}{by_hand[leaf.label]:>12.6f}{leaf.grad:>12.6f}")
worst = max(abs(by_hand[v.label] - v.grad) for v in (X1, W1, X2, W2, B))
print(f"largest difference between hand and autodiff: {worst:.1e}")

# %%
# --- 3. the picture -------------------------------------------------------------------------------------------------
# Each box: label | data | grad. Each oval: the operation. Inputs blue, parameters (w, b) amber, the output green.
drawing = draw_dot(O, title="one neuron: o = tanh(x1*w1 + x2*w2 + b)")
if shutil.which("dot"):
    for fmt in ("svg", "png"):
        (OUT / f"neuron.{fmt}").write_bytes(drawing.pipe(format=fmt))
    print(f"drawing: {OUT / 'neuron.svg'} and {OUT / 'neuron.png'}")
else:  # the Graphviz program is needed to lay the graph out; its DOT text is still useful
    (OUT / "neuron.gv").write_text(drawing.source)
    print(f"drawing: {OUT / 'neuron.gv'} (install Graphviz, e.g. sudo apt-get install graphviz, for SVG/PNG)")
drawing  # in a notebook: the picture, inline

# %%
# --- 4. the backward pass, step by step -------------------------------------------------------------------------
# What O.backward() did: the nodes from the output back to the inputs; each passes its gradient on, multiplied by
# its local derivative, to the nodes it was computed from.
trace = trace_backward(O)
print(trace.table())
if shutil.which("dot"):
    page = trace.write_html(OUT / "backward_steps.html", title="The backward pass through one neuron")
    print(f"step by step in a browser: {page}")
trace  # in a notebook: the same steps with Previous/Next, inline
