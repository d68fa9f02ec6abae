"""Demo 8: your own op. Swish (also called SiLU), defined by its forward value and its local derivative.

    swish(x) = x * sigmoid(x)                                   (Ramachandran, Zoph, Le 2017; torch.nn.SiLU)
    swish'(x) = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))  (product rule, with sigma' = sigma (1 - sigma))

The engine could build swish from two ops (x * x.sigmoid()). As one op of its own it is one node in the graph,
with the derivative we wrote: exactly what the built-in ops are (autograd_mini/ops.py), and what minitorch's
ScalarFunction, torch.autograd.Function and HIPS autograd's defvjp let you define. Then everything works with it:
backward(), grad(create_graph=True) for second derivatives, the drawing with the local derivative on the edge, the
step-by-step trace, gradcheck. A derivative with a mistake in it (the product rule forgotten) is caught by gradcheck.

Run:  python demos/08_custom_op.py     (drawing and trace go to demo-output/08_custom_op/)
      python demos/08_custom_op.py --fast   (the same: this demo is quick either way)
"""

import math
import os
import shutil
from pathlib import Path

from autograd_mini import GradcheckError, Value, draw_dot, grad, gradcheck, trace_backward, unary
from autograd_mini.files import make_folder, write_bytes, write_text
from autograd_mini.ops import SIGMOID

OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "08_custom_op"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does


# --- 1. the op: its name, its equation, its forward value on numbers, its local derivative ------------------------
#
# forward(a) gets a plain float. partials(a, out) returns (dout/da,): it gets floats in backward(), and Values in
# grad(create_graph=True), so it is written with arithmetic and ops that take both: SIGMOID(a) is the table's
# sigmoid, a function on floats and on Values alike (math.exp would turn a Value into a plain number, a derivative
# that no longer depends on it: refused there, with the op's name).


def swish_forward(a):
    s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))  # no overflow either way
    return a * s


def swish_partials(a, out):
    s = SIGMOID(a)
    return (s + a * s * (1.0 - s),)  # product rule: (x sigma)' = sigma + x sigma'


swish = unary(
    "swish", "out = a sigmoid(a);  dout/da = sigmoid(a) + a sigmoid(a) (1 - sigmoid(a))", swish_forward, swish_partials
)

print(swish)  # the record: its name and equation

# --- 2. use it: a neuron with a swish activation, y = swish(w x + b), and backward() ------------------------------
x = Value(1.5, label="x")
w = Value(-0.8, label="w")
b = Value(0.4, label="b")
z = w * x + b
z.label = "z"
y = swish(z)
y.label = "y"
y.backward()
print(f"y = swish(w x + b) = {y.data:.12f}")
print(f"dy/dw = {w.grad:.12f}   dy/dx = {x.grad:.12f}   dy/db = {b.grad:.12f}")

# the same by the formula: dy/dw = swish'(z) * x
s = 1.0 / (1.0 + math.exp(-z.data))
by_hand = (s + z.data * s * (1.0 - s)) * x.data
print(f"by hand: swish'(z) * x = {by_hand:.12f}")

# --- 3. gradcheck: the derivative against central finite differences ----------------------------------------------
gradcheck(lambda w, x, b: swish(w * x + b), [w, x, b])
print("gradcheck(swish): passed")

# --- 4. second derivative, by differentiating the first (the partials ran on Values) -----------------------------
t = Value(0.7, label="t")
(d1,) = grad(swish(t), [t], create_graph=True)
(d2,) = grad(d1, [t])
# swish''(t) = sigma' (2 + t (1 - 2 sigma)), with sigma' = sigma (1 - sigma)
st = 1.0 / (1.0 + math.exp(-0.7))
print(f"swish''(0.7) = {d2.data:.12f}   by hand {st * (1 - st) * (2 + 0.7 * (1 - 2 * st)):.12f}")

# --- 5. a mistake: the product rule forgotten, dout/da = sigmoid(a) only ------------------------------------------
wrong = unary(
    "swish_wrong", "out = a sigmoid(a);  dout/da = sigmoid(a)  (wrong)", swish_forward, lambda a, out: (SIGMOID(a),)
)
try:
    gradcheck(lambda w, x, b: wrong(w * x + b), [w, x, b])
    print("gradcheck(swish_wrong): passed (it should not have!)")
except GradcheckError as err:
    print("gradcheck(swish_wrong) caught the mistake:")
    print(err)

# --- 6. the drawing and the trace: the op is a node like any other -------------------------------------------------
drawing = draw_dot(
    y, rankdir="TB", edge_labels=True, title="y = swish(w x + b): the local derivative swish'(z) on the edge z -> swish"
)
if shutil.which("dot"):
    write_bytes(OUT / "swish.svg", drawing.pipe(format="svg"))  # whole, never through a link
    print(f"drawing: {OUT / 'swish.svg'}")
else:
    write_text(OUT / "swish.gv", drawing.source)
    print(f"drawing: {OUT / 'swish.gv'} (install Graphviz, e.g. sudo apt-get install graphviz, for SVG)")
table = trace_backward(y).table()
write_text(OUT / "trace.txt", table + "\n")
print(table)
