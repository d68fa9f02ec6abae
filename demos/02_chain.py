# ruff: noqa: E741  (l is the layer index, as in the documents)
"""Demo 2: document 000's chain of single neurons, and the derivative along the path.

Document 000 (after Grant Sanderson, 3Blue1Brown, "Backpropagation calculus") starts with a network of one neuron
per layer, in Sanderson's notation:

    z^(l) = w^(l) a^(l-1) + b^(l),   a^(l) = sigma(z^(l)),   C_0 = (a^(L) - y)^2

The derivative of the cost with respect to the *earliest* weight w^(1) is a product along the chain, one factor per
link (the chain rule, applied link by link from the input to the cost):

    dC/dw^(1) = dz^(1)/dw^(1) * da^(1)/dz^(1) * dz^(2)/da^(1) * da^(2)/dz^(2) * ... * dC/da^(L)
              = a^(0) * sigma'(z^(1)) * w^(2) * sigma'(z^(2)) * w^(3) * sigma'(z^(3)) * w^(4) * sigma'(z^(4))
                * 2 (a^(L) - y)

We compute it three ways: by hand with that formula, as the product of the local derivatives read off the graph along
the path from w^(1) to C (the red path in the drawing), and with backward().

Run:  python demos/02_chain.py        (pictures go to demo-output/02_chain/)
"""

import math
import os
from pathlib import Path

from autograd_mini import Value, draw_dot, topological_order
from autograd_mini.draw import write_drawing
from autograd_mini.files import make_folder

OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "02_chain"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does

L = 4  # three hidden layers and the output layer, one neuron each (document 000, "Simples Netzwerk")
x, y = 0.8, 1.0
w = {1: 1.5, 2: -0.7, 3: 2.0, 4: 1.2}
b = {1: -0.3, 2: 0.4, 3: -1.0, 4: 0.5}


def sigma(t):
    return 1.0 / (1.0 + math.exp(-t))


def sigma_prime(t):  # sigma'(t) = sigma(t) (1 - sigma(t))   (document 001, section 2.3)
    return sigma(t) * (1.0 - sigma(t))


# %%
# --- 1. by hand: forward, then the product along the chain ----------------------------------------------------------
a = {0: x}
z = {}
for l in range(1, L + 1):
    z[l] = w[l] * a[l - 1] + b[l]
    a[l] = sigma(z[l])
C = (a[L] - y) ** 2
factors = [("dz1/dw1 = a0", a[0]), ("da1/dz1 = sigma'(z1)", sigma_prime(z[1]))]
for l in range(2, L + 1):
    factors += [(f"dz{l}/da{l - 1} = w{l}", w[l]), (f"da{l}/dz{l} = sigma'(z{l})", sigma_prime(z[l]))]
factors.append((f"dC/da{L} = 2 (a{L} - y)", 2 * (a[L] - y)))
by_hand = math.prod(value for _, value in factors)
print(f"C = (a{L} - y)^2 = {C:.6f}")
print("dC/dw1 by hand, one factor per link of the chain:")
for text, value in factors:
    print(f"   {text:<26} = {value: .6f}")
print(f"   product                    = {by_hand: .14f}")

# %%
# --- 2. the same network with the engine ----------------------------------------------------------------------------
A = Value(x, label="a0")
W = {l: Value(w[l], label=f"w{l}") for l in w}
B = {l: Value(b[l], label=f"b{l}") for l in b}
for l in range(1, L + 1):
    wa = W[l] * A
    wa.label = f"w{l}*a{l - 1}"
    Z = wa + B[l]
    Z.label = f"z{l}"
    A = Z.sigmoid()
    A.label = f"a{l}"
diff = A - y
diff.label = f"a{L} - y"
cost = diff**2
cost.label = "C"
cost.backward()

# %%
# --- 3. the product of the local derivatives along the path w1 -> C, read from the graph -----------------------------
# Every node on the path is used by exactly one later node; each link contributes d(user)/d(node), the local
# derivative the engine's op rule gives (the number written on that edge in the drawing).
order = topological_order(cost)
node, along_path = W[1], 1.0
print("along the path in the graph:")
while node is not cost:
    user = next(u for u in order if any(op is node for op in u.children))
    k = next(i for i, op in enumerate(user.operands) if op is node)
    local = user.local_grads()[k]
    link = f"d({user.label})/d({node.label})"
    print(f"   {link:<26} = {local: .6f}   ({user.op.name})")
    along_path *= local
    node = user
print(f"   product                    = {along_path: .14f}")
print(f"dC/dw1 by backward()          = {W[1].grad: .14f}")
print(
    f"agree: by hand vs backward {abs(by_hand - W[1].grad):.1e}, path product vs backward "
    f"{abs(along_path - W[1].grad):.1e}"
)

# %%
# --- 4. the drawing: the path from w1 to C in red, each edge labelled with its local derivative ----------------------
title = "dC/dw1 = product of the red edges' numbers"
drawing = draw_dot(cost, rankdir="TB", edge_labels=True, highlight=W[1], title=title)
print("drawing: " + ", ".join(str(path) for path in write_drawing(drawing, OUT / "chain")))  # DOT text without Graphviz
drawing  # in a notebook: the picture, inline
