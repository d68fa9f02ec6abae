"""Demo 5: handwritten digits with an MLP made of Values, tested on digits it has never seen.

The 8x8 digits that scikit-learn ships (1797 images from the UCI "Optical Recognition of Handwritten Digits" data
set, no download): each image is 64 pixel intensities 0..16, scaled to 0..1. We hold out a quarter of the images,
train MLP(64, [16, 10]) with softmax cross-entropy and Adam on the rest, and measure the accuracy on the held-out
images. The misclassified ones are drawn with what the network thought they were.

Every weight is a Value, so this is slow compared with numpy or torch: that is the price of a graph you can draw
and check. fit(engine="compiled") traces the network's graph once, writes it out as a straight-line Python program
(forward and adjoint, autograd_mini.compile) and replays that per image: the same numbers as building the graph for
every image, several times faster. nn.torch_bridge.to_torch(model) hands the same network to PyTorch.

Run:  python demos/05_digits.py            (pictures go to demo-output/05_digits/)
      python demos/05_digits.py --fast     (300 training images, 200 held out, 3 epochs: seconds)
"""

import os
import random
import sys
from pathlib import Path

from autograd_mini.files import make_folder
from nn import MLP, fit
from nn.data import load_digits
from nn.display import pyplot_figure, save_figure
from nn.optim import Adam
from nn.plots import plot_history  # pyplot's figures, as matplotlib's own: inline in a notebook, files here
from nn.train import predict

FAST = "--fast" in sys.argv or os.environ.get("AUTOGRAD_MINI_FAST") == "1"
OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "05_digits"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does

X, y = load_digits()  # X: 1797 lists of 64 floats in [0, 1]; y: the digit 0..9
order = list(range(len(X)))
random.Random(0).shuffle(order)
test = order[: len(X) // 4]  # held out: never seen in training
train = order[len(X) // 4 :]
if FAST:
    train, test = train[:300], test[:200]
X_train, y_train = [X[i] for i in train], [y[i] for i in train]
X_test, y_test = [X[i] for i in test], [y[i] for i in test]
print(f"{len(X_train)} training images, {len(X_test)} held-out images")

# %%
model = MLP(64, [16, 10], activation="relu", seed=0)  # 10 outputs: one score (logit) per digit
epochs = 3 if FAST else 4
history = fit(
    model,
    X_train,
    y_train,
    loss="softmax_ce",  # -log softmax(scores)[digit]
    optimizer=Adam(model.parameters(), lr=0.01),
    epochs=epochs,
    batch_size=16,
    seed=0,
    progress=not FAST,
    validation=(X_test, y_test),
    engine="compiled",  # traced once, replayed per image (engine="nodes" builds every graph: same numbers, slower)
)
for k in range(epochs):
    print(
        f"epoch {k + 1}: loss {history.loss[k]:.4f}, training accuracy {history.accuracy[k]:.1%}, "
        f"held-out accuracy {history.val_accuracy[k]:.1%}"
    )

predicted = [predict(model, x) for x in X_test]
wrong = [(i, p) for i, p in enumerate(predicted) if p != y_test[i]]
held_out = 1 - len(wrong) / len(X_test)
print(f"held-out accuracy: {held_out:.1%} ({len(X_test) - len(wrong)} of {len(X_test)} images right; chance is 10%)")

# %%
# Confusions: which digit was taken for which.
pairs = {}
for i, p in wrong:
    pairs[(y_test[i], p)] = pairs.get((y_test[i], p), 0) + 1
common = sorted(pairs.items(), key=lambda kv: -kv[1])[:5]
print("most common mistakes: " + ", ".join(f"{t} taken for {p} ({n}x)" for (t, p), n in common))

# %%
# The misclassified images, each with its true and predicted digit (in a notebook: shown below the cell).
shown = wrong[:24]
cols = 8
rows = max(1, (len(shown) + cols - 1) // cols)
fig = pyplot_figure((cols * 1.3, rows * 1.55))  # pyplot's figure, shown with its words as alternative text
axes = fig.subplots(rows, cols, squeeze=False)
for ax in axes.ravel():
    ax.axis("off")
for ax, (i, p) in zip(axes.ravel(), shown):
    ax.imshow([X_test[i][r * 8 : r * 8 + 8] for r in range(8)], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"{y_test[i]} -> {p}", fontsize=9, color="#b91c1c")
fig.suptitle(f"misclassified held-out digits (true -> predicted), {len(wrong)} of {len(X_test)}", fontsize=10)
fig.tight_layout()
save_figure(fig, OUT / "misclassified.png")  # fig.savefig, written whole and never through a link
print(f"wrote {OUT / 'misclassified.png'}")

# %%
# The loss and the accuracy per epoch, training and held out (in a notebook: shown below the cell).
plot_history(history, OUT / "training.png", title="digits: softmax cross-entropy, Adam")
print(f"wrote {OUT / 'training.png'}")
