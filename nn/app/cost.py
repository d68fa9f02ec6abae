"""What a command will cost, worked out from the sizes alone, before anything is built.

The unit is the ``Value``: every number the engine computes is one, and both memory and time grow with their
count. One neuron with ``n`` inputs computes ``z = b + w_1 x_1 + ... + w_n x_n`` as ``n`` products and ``n`` sums
(``nn.module.Neuron``), then its activation (one more Value, none for a linear output), so one forward pass of an MLP
with sizes ``n_0, n_1, ..., n_L`` builds

    F = sum_l n_l * (2 n_{l-1} + [layer l has an activation])        Values,

e.g. MLP(2, [16, 16, 1]) with relu and a linear output: 16*(2*2+1) + 16*(2*16+1) + 1*(2*16) = 80 + 528 + 32 = 640.
The loss adds a few Values per output (``LOSS_VALUES_PER_OUTPUT``). Measured on this engine: about 100 bytes per
Value (``BYTES_PER_VALUE`` rounds up), about 0.7 microseconds per Value for forward + backward + update
(``SECONDS_PER_VALUE`` rounds up), a quarter of that for a forward pass alone under ``no_grad()``.
"""

__all__ = [
    "BYTES_PER_VALUE",
    "DEFAULT_MAX_VALUES",
    "FASTEST_SECONDS_PER_VALUE",
    "FD_BUDGET",
    "SECONDS_PER_VALUE",
    "crosscheck_cost",
    "forward_values",
    "fd_parameters",
    "parameters",
    "program_nodes",
    "train_cost",
]

BYTES_PER_VALUE = 120
SECONDS_PER_VALUE = 1e-6  # forward + backward + optimizer step, per Value built
# train's floor: the compiled engine replays a Value's forward and adjoint lines in 0.05-0.09 microseconds
# (micrograd's demo, 100 epochs: 5.7e6 Values in 0.3-0.5 s); no run goes faster than this, so a run refused at this
# rate is refused before any work. Its real time comes from a measured probe (nn.probe).
FASTEST_SECONDS_PER_VALUE = 0.03e-6
SECONDS_PER_FORWARD_VALUE = 0.3e-6  # a forward pass under no_grad(), per Value
LOSS_VALUES_PER_OUTPUT = 5  # (a - y)**2 and its sum; exp, sum and log of softmax; the hinge's 1 - y*s and relu
DEFAULT_MAX_VALUES = 10_000_000  # about 1.2 GB: the largest graph a command may hold at once
FD_BUDGET = 10_000_000  # Values the finite differences of crosscheck may compute (about 3 s)


def parameters(sizes):
    """Weights and biases of an MLP with layer sizes ``[n_0, ..., n_L]``: sum_l n_l (n_{l-1} + 1)."""
    return sum(n * (m + 1) for m, n in zip(sizes, sizes[1:]))


def _forward_ops(sizes, output_activation):
    """The formula F of the module docstring: the Values one forward pass computes."""
    return sum(n * (2 * m + 1) for m, n in zip(sizes, sizes[1:])) - (0 if output_activation else sizes[-1])


def forward_values(sizes, output_activation=True):
    """Values one forward pass plus the loss builds (the formula F of the module docstring, plus the loss)."""
    return _forward_ops(sizes, output_activation) + LOSS_VALUES_PER_OUTPUT * sizes[-1] + 1


def program_nodes(sizes, output_activation=True):
    """Nodes of the compiled engine's model program (``nn.compiled``, one sample): the forward pass's Values, the
    parameters and the inputs it reads, as ``autograd_mini.compile`` counts them against its ``MAX_NODES``."""
    return _forward_ops(sizes, output_activation) + parameters(sizes) + sizes[0]


def _size(values):
    b = values * BYTES_PER_VALUE
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b / 1e3:.3g} kB"


def duration(seconds):
    """``12 s``, ``3.5 min``, ``2.1 h``, ``40 days``: how long, for a person."""
    for unit, scale in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * scale:
            return f"{seconds / scale:.2g} {unit}"
    return f"{seconds:.2g} s"


class Cost:
    """``peak``: the most Values held at once; ``total``: Values computed over the whole run; ``seconds``: the
    estimated time; ``what``: how the numbers were worked out (for the message)."""

    def __init__(self, peak, total, seconds, what):
        self.peak, self.total, self.seconds, self.what = peak, total, seconds, what

    def memory(self):
        return _size(self.peak)

    def too_big(self, max_values):
        """The refusal (one line) when the peak is beyond ``max_values``, else None."""
        if self.peak <= max_values:
            return None
        return (
            f"{self.what} would hold about {self.peak:.2g} Values at once (about {self.memory()}); the limit is "
            f"--max-values {max_values} (about {_size(max_values)}): make the sizes smaller, or raise --max-values"
        )


def train_cost(sizes, n, epochs, batch_size, output_activation):
    """The cost of ``fit``: each step builds the graph of ``batch_size`` samples plus the L2 term (2 Values per
    parameter); an epoch makes ceil(n / batch_size) steps over ``n`` samples. ``seconds`` is a lower bound (at
    ``FASTEST_SECONDS_PER_VALUE``): ``nn.probe`` measures the real rate."""
    p = parameters(sizes)
    per_sample = forward_values(sizes, output_activation)
    steps = -(-n // batch_size)
    peak = p + batch_size * per_sample + 2 * p
    total = epochs * (n * per_sample + steps * 2 * p)
    what = f"one training step of MLP{tuple(sizes)} on a batch of {batch_size}"
    return Cost(peak, total, total * FASTEST_SECONDS_PER_VALUE, what)


def fd_parameters(sizes, samples, output_activation=True, budget=FD_BUDGET):
    """How many parameters the finite differences can afford: each costs 2 forward passes over ``samples``."""
    per_parameter = 2 * samples * forward_values(sizes, output_activation)
    return max(1, min(parameters(sizes), budget // per_parameter))


def crosscheck_cost(sizes, batch, fd_count, output_activation=True):
    """The cost of ``crosscheck``: autodiff of one sample and of ``batch`` samples (one graph each), and central
    finite differences on ``fd_count`` parameters (2 forward passes each, over 1 and over ``batch`` samples)."""
    p = parameters(sizes)
    per_sample = forward_values(sizes, output_activation)
    peak = p + max(1, batch) * per_sample
    backprop = (1 + batch) * per_sample
    fd = 2 * fd_count * (1 + batch) * per_sample
    seconds = backprop * SECONDS_PER_VALUE + fd * SECONDS_PER_FORWARD_VALUE
    what = f"the cross-check of MLP{tuple(sizes)}" + (f" with a batch of {batch}" if batch > 1 else "")
    return Cost(peak, backprop + fd, seconds, what)
