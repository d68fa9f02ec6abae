"""Demo 3: the documents' equations checked against autodiff, number by number.

The lecture notes in seeds/ derive backpropagation by hand. Document 001 (Zollner, "Matrizen in Neuronalen
Netzen") arrives at the delta equations, section 2.4-2.5:

    delta^L = dE/da^L (.) sigma'(z^L)                       (the output layer)
    delta^l = (W^{l+1})^T delta^{l+1} (.) sigma'(z^l)       (every other layer, from the back)
    dE/dW^l = delta^l (a^{l-1})^T,   dE/db^l = delta^l

``nn.crosscheck`` computes these in numpy, independently of the engine, and lays them next to autodiff and central
finite differences, parameter by parameter. Then we check a formula of our own (one of the document's printed
variants), and finally every gradient formula the five documents print.

Run:  python demos/03_crosscheck.py        (the reports also go to demo-output/03_crosscheck/)
"""

import os
from pathlib import Path

import numpy as np

from autograd_mini.files import make_folder, write_text
from nn import MLP
from nn.crosscheck import crosscheck, crosscheck_batch
from nn.crosscheck.documents import documents_report

OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "03_crosscheck"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does

# %%
# --- 1. the delta equations vs autodiff, one sample --------------------------------------------------------------
# Document 001's setting: sigmoid everywhere, E = 1/2 sum_j (y_j - a_j^L)^2 (section 2.1).
model = MLP(3, [4, 2], activation="sigmoid", output_activation="sigmoid", seed=3)
x, y = [0.5, -1.0, 2.0], [1.0, 0.0]
report = crosscheck(model, x, y, loss="half_sse")
print(report)
print()
report  # in a notebook: the same table in HTML

# %%
# --- 2. the batch matrix form (document 001, sections 2.6-2.7): one column per sample, E summed ------------------
X = [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-0.7, 0.9, 0.1], [0.0, 1.0, -1.0]]
Y = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
batch = crosscheck_batch(model, X, Y, loss="half_sse")
print(batch)
print()
batch


# %%
# --- 3. your own formula --------------------------------------------------------------------------------------------
# Document 001, section 2.5.1 prints the output layer's error as  delta^L = (z^L - y) (.) sigma'(a^L)  -- z and a
# have traded places compared with section 2.4. Written exactly as printed, it gives the output layer's gradients:
def printed_2_5_1(q):
    L = q.L
    delta = (q.z[L] - q.y) * q.dsigma[L](q.a[L])  # as printed
    return {f"W{L}": np.outer(delta, q.a[L - 1]), f"b{L}": delta}


# ... and as section 2.4 derives it:  delta^L = (a^L - y) (.) sigma'(z^L)
def derived_2_4(q):
    L = q.L
    delta = (q.a[L] - q.y) * q.dsigma[L](q.z[L])
    return {f"W{L}": np.outer(delta, q.a[L - 1]), f"b{L}": delta}


mine = crosscheck(model, x, y, loss="half_sse", formula=printed_2_5_1)
print("document 001, section 2.5.1 as printed:")
print(mine)
print()
fixed = crosscheck(model, x, y, loss="half_sse", formula=derived_2_4)
print("document 001, section 2.4 (a and z the right way round):")
print(fixed)
print()
mine  # in a notebook: the wrong entries marked

# %%
# --- 4. every formula the five documents print ----------------------------------------------------------------------
docs = documents_report()
print(docs)
write_text(OUT / "documents_report.txt", str(docs) + "\n")  # whole, never through a link
write_text(OUT / "crosscheck.txt", "\n\n".join(str(r) for r in (report, batch, mine, fixed)) + "\n")
print()
print(
    f"summary: delta equations {'agree' if report.ok and batch.ok else 'DISAGREE'} with autodiff; "
    f"section 2.5.1 as printed {'agrees' if mine.ok else 'does not agree'} ({len(mine.disagreeing)} entries); "
    f"{len(docs.wrong())} of {len(docs.results)} printed formulas do not agree"
)
print(f"reports: {OUT / 'crosscheck.txt'} and {OUT / 'documents_report.txt'}")
docs  # in a notebook: every formula typeset, with its verdict and the corrected form
