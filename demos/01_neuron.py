"""Demo 1: one neuron, by hand and by autodiff, drawn.

The neuron of Andrej Karpathy's micrograd lecture ("The spelled-out intro to neural networks and
backpropagation"):

    n = x1*w1 + x2*w2 + b        o = tanh(n)

with x1 = 2, x2 = 0, w1 = -3, w2 = 1 and b = 6.8813735870195432 (chosen so that o = 0.7071 and 1 - o^2 = 0.5).
We compute every gradient twice: by hand with the chain rule, in plain Python floats, and with the engine's
``backward()``. Then we draw the graph and trace the backward pass step by step. The neuron and the hand
computation are the two small functions of ``nn/app/examples.py``, which the tour (``autograd-mini tour``) uses too.

Run:  python demos/01_neuron.py            (pictures go to demo-output/01_neuron/)
      AUTOGRAD_MINI_OUT=/tmp/pics python demos/01_neuron.py
"""

import os
from pathlib import Path

from autograd_mini import draw_dot
from autograd_mini.draw import dot_installed, write_drawing
from autograd_mini.files import make_folder
from autograd_mini.trace import trace_backward
from nn.app.examples import NEURON, neuron, neuron_by_hand

OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "01_neuron"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does

# %%
# --- 1. by hand --------------------------------------------------------------------------------------------------
# nn/app/examples.py, neuron_by_hand(): n = x1*w1 + x2*w2 + b and o = tanh(n) in plain floats, then the chain rule
# one link at a time:
#   do/dn  = 1 - tanh(n)^2 = 1 - o^2                 (the derivative of tanh)
#   dn/dw1 = x1, dn/dx1 = w1, dn/dw2 = x2, dn/dx2 = w2, dn/db = 1
#   do/dw1 = do/dn * dn/dw1, and so on.
print("the neuron: " + ", ".join(f"{name} = {value}" for name, value in NEURON.items()))
by_hand = {}
for name, (formula, value) in neuron_by_hand().items():
    by_hand[name] = value
    print(f"by hand:  do/d{name} = {formula} = {value:.4f}")

# %%
# --- 2. with the engine -------------------------------------------------------------------------------------------
# The same expression, built from Values (nn/app/examples.py, neuron()): each Value remembers how it was made, so the
# engine can go backwards. Every node carries a label for the drawing.
o, leaves = neuron()
o.backward()  # fills .grad of every node with do/d(node)

print(f"autodiff: o = {o.data:.4f}")
print(f"{'':6}{'by hand':>12}{'autodiff':>12}")
for name, leaf in leaves.items():
    print(f"do/d{name:<2}{by_hand[name]:>12.6f}{leaf.grad:>12.6f}")
worst = max(abs(by_hand[name] - leaf.grad) for name, leaf in leaves.items())
print(f"largest difference between hand and autodiff: {worst:.1e}")

# %%
# --- 3. the picture -------------------------------------------------------------------------------------------------
# Each box: label | data | grad. Each oval: the operation. Inputs blue, parameters (w, b) amber, the output green.
# Without the Graphviz program (which lays the graph out) the drawing is written as its DOT text.
drawing = draw_dot(o, title="one neuron: o = tanh(x1*w1 + x2*w2 + b)")
print("drawing: " + ", ".join(str(path) for path in write_drawing(drawing, OUT / "neuron")))
drawing  # in a notebook: the picture, inline

# %%
# --- 4. the backward pass, step by step -------------------------------------------------------------------------
# What o.backward() did: the nodes from the output back to the inputs; each passes its gradient on, multiplied by
# its local derivative, to the nodes it was computed from.
trace = trace_backward(o)
print(trace.table())
if dot_installed():  # the step-by-step page needs the Graphviz program too
    page = trace.write_html(OUT / "backward_steps.html", title="The backward pass through one neuron")
    print(f"step by step in a browser: {page}")
trace  # in a notebook: the same steps with Previous/Next, inline
