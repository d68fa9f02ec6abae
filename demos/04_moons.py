"""Demo 4: micrograd's moons demo, reproduced: 100% training accuracy, loss curve and decision boundary.

Andrej Karpathy's micrograd ends with ``demo.ipynb``: a network MLP(2, [16, 16, 1]) (ReLU hidden layers, a linear
output) learns to separate 100 points of two interleaving half moons. The recipe, kept in ``train_moons`` of
``nn/app/examples.py`` (the tour trains with it too):

    labels -1/+1, score = model(x)
    loss = mean_i max(0, 1 - y_i * score_i)  +  1e-4 * sum_p p^2        (SVM "max-margin" loss + L2)
    100 steps of gradient descent on the whole data set, learning rate 1.0 - 0.9 * k / 100 in step k
    accuracy = fraction of points with sign(score) == y

Every number in here is a Value; ``fit`` runs forward, ``backward()`` and the SGD update once per step.

Run:  python demos/04_moons.py               (about half a minute; pictures go to demo-output/04_moons/)
      python demos/04_moons.py --fast        (50 points, 50 steps: a few seconds, still 100%)
"""

import os
import sys
from pathlib import Path

from autograd_mini.files import make_folder
from nn import accuracy
from nn.app.examples import train_moons
from nn.app.plots import plot_decision_boundary, plot_history
from nn.data import make_moons
from nn.io import load, save

FAST = "--fast" in sys.argv or os.environ.get("AUTOGRAD_MINI_FAST") == "1"
OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "04_moons"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does

n_points, steps = (50, 50) if FAST else (100, 100)
X, y = make_moons(n_points, noise=0.1, seed=1)  # labels 0/1; fit turns them into -1/+1 for the hinge loss
model, history = train_moons((X, y), steps, progress=not FAST)  # forward, backward() and the SGD step, per step
print(f"{model!r} on {n_points} moons points, {steps} steps")
model  # in a notebook: a table of the layers

# %%
for k in range(0, steps, max(1, steps // 10)):
    print(f"step {k:3d}  loss {history.loss[k]:.4f}  accuracy {history.accuracy[k]:.0%}")
final = accuracy(model, X, y, loss="hinge")
print(f"training accuracy: {final:.0%}")
history  # in a notebook: the curves and a table of the epochs

# %%
# The pictures and the model, all files.
plot_history(history, OUT / "loss_curve.png", title=f"moons: hinge loss + L2, {steps} steps")
boundary = plot_decision_boundary(model, X, y, OUT / "decision_boundary.png", loss="hinge")
save(model, OUT / "model.json")
again = load(OUT / "model.json")  # the saved model gives the same answer
print(f"reloaded model's accuracy: {accuracy(again, X, y, loss='hinge'):.0%}")
print(f"wrote {OUT / 'loss_curve.png'}, {OUT / 'decision_boundary.png'} and {OUT / 'model.json'}")
boundary  # in a notebook: the picture, inline
