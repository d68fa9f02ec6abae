"""Demo 6: finite differences against autodiff as the step eps shrinks.

Document 004 (page 9) suggests computing the gradient as  (K(A + "ein bisschen") - K(A)) / "ein bisschen"  and
notes that this "produces random values in practice". Why? For a step eps, Taylor's theorem gives

    forward difference   (f(x + eps) - f(x)) / eps             = f'(x) + eps/2 f''(x) + ...    error ~ eps
    central difference   (f(x + eps) - f(x - eps)) / (2 eps)   = f'(x) + eps^2/6 f'''(x) + ... error ~ eps^2

so smaller steps should be better -- but every float carries a relative rounding error u ~ 1.1e-16, and the
subtraction f(x + eps) - f(x) divided by eps magnifies it to about u |f| / eps. The error falls, bottoms out (near
eps ~ 1e-8 forward, ~ 1e-5 central) and climbs again. Autodiff has neither problem: it applies the exact derivative
rule of each op.

Run:  python demos/06_finite_differences.py     (plots go to demo-output/06_finite_differences/)
"""

import os
from pathlib import Path

from autograd_mini import Value, no_grad
from autograd_mini.files import make_folder
from nn.crosscheck.fd_study import fd_study
from nn.display import (
    figure,  # a matplotlib Figure outside pyplot: no window, shown inline in a notebook
    save_figure,
)

OUT = Path(os.environ.get("AUTOGRAD_MINI_OUT", "demo-output")) / "06_finite_differences"
make_folder(OUT)  # a real folder: a link planted at its name is refused, as every writer does


def f(w):
    """One sigmoid neuron's squared error as a function of its weight w: (sigmoid(w * 1.5 - 0.5) - 1)^2."""
    return ((w * 1.5 - 0.5).sigmoid() - 1.0) ** 2


w0 = 0.7
# autodiff: one backward pass
w = Value(w0, label="w")
f(w).backward()
exact = w.grad


def value_at(x):
    with no_grad():  # forward only: no graph is recorded
        return f(Value(x)).data


# %%
print(f"autodiff: df/dw at w = {w0} is {exact:.16f}")
print(f"{'eps':>8} {'forward difference':>22} {'error':>9} {'central difference':>22} {'error':>9}")
steps = [10.0**-k for k in range(1, 13)]
forward_errors, central_errors = [], []
for eps in steps:
    forward = (value_at(w0 + eps) - value_at(w0)) / eps
    central = (value_at(w0 + eps) - value_at(w0 - eps)) / (2 * eps)
    forward_errors.append(abs(forward - exact))
    central_errors.append(abs(central - exact))
    print(f"{eps:>8.0e} {forward:>22.16f} {forward_errors[-1]:>9.1e} {central:>22.16f} {central_errors[-1]:>9.1e}")
best_f = steps[forward_errors.index(min(forward_errors))]
best_c = steps[central_errors.index(min(central_errors))]
print(f"best step: forward eps = {best_f:.0e}, central eps = {best_c:.0e}; below that, round-off wins")

fig = figure((6.5, 4.3))
ax = fig.subplots()
ax.loglog(steps, forward_errors, "o-", label="forward difference")
ax.loglog(steps, central_errors, "s-", label="central difference")
ax.invert_xaxis()
ax.set_xlabel("step eps (smaller to the right)")
ax.set_ylabel("|finite difference - autodiff|")
ax.set_title("one neuron: truncation error, then round-off")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
save_figure(fig, OUT / "neuron_fd_error.png")  # fig.savefig, written whole and never through a link
fig  # in a notebook: the picture, inline

# %%

# The same for every parameter of a sigmoid network, also with the loss computed in float32 (the precision of most
# GPU training), where the "random values" of document 004 show up already at eps = 1e-6.
study = fd_study()
print(study)
network = study.plot(OUT / "network_fd_error.png")
print(f"wrote {OUT / 'neuron_fd_error.png'} and {OUT / 'network_fd_error.png'}")
network
