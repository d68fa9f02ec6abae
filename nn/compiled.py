"""``fit(engine="compiled")``: the model's forward and adjoint program, traced once and replayed per sample.

The model is traced at one sample (``model`` called on Values, ``autograd_mini.compiler``), and its graph written out
as one Python function that runs, for each sample of a batch, the forward program, calls ``seed`` with the outputs
(the loss, built here, returns dE/d output), and runs the adjoint back to the parameters, adding to their gradients:
one call per step, no Value made and no graph walked for the network. The loss of each sample is still built from
Values (a handful of nodes), so any loss works; the four straight-line losses (``nn.losses.STRAIGHT_LINE``) are
compiled too, once per target. Loss, gradients and the History agree with ``engine="nodes"`` to rounding (the sums
over a batch are added up in another order: differences ~1e-16).

**Which program.** A program depends on the path the forward pass took: the ops (the records themselves, not their
names), how they are wired, the numbers written into them, and which leaves are inputs and parameters. That path,
read off the traced graph (``_path``), is the key of a small cache of programs; re-registering an activation or an
op, even under the same name, gives another key, so a stale program is never replayed.

**The limit of tracing** (as ``torch.jit.trace``): the program is the path taken at the traced sample; Python
control flow on values (``if z.data > 0``) is not in it. Every call of ``fit`` checks, as torch.jit.trace's
``check_inputs`` does, that the program gives the node engine's outputs bit for bit at other samples: at two of them
for an ``MLP`` running nn's own forward passes and the engine's activations (``nn.module.same_graph_for_every_input``:
its graph cannot depend on the numbers), at every sample for anything else (a subclass with a forward of its own, a
learner's activation function), which costs one forward pass per sample. A model whose branch turns only
at weights that training reaches later cannot be caught in advance: for those, use ``engine="nodes"``.

All calls into the compiler are in ``_program`` below.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from autograd_mini import Value, gc_paused, no_grad
from autograd_mini.compiler import BYTES_PER_NODE, MAX_NODES, compile_graph
from autograd_mini.modes import enable_grad
from autograd_mini.naming import graph_order
from nn.data import input_rows
from nn.guard import StepGuard
from nn.losses import STRAIGHT_LINE, sum_values
from nn.module import same_graph_for_every_input
from nn.programs import PerSample, Seeded
from nn.step import Setup

__all__ = ["CompiledStep", "ModelProgram", "clear_programs", "forward", "model_program"]

_MAX_CACHED = 8  # programs kept (the most recently used): a notebook's few model shapes
_cache: "OrderedDict[tuple[Any, ...], ModelProgram]" = OrderedDict()
_cache_lock = threading.Lock()


def clear_programs() -> None:
    """Forget every cached program (the next ``fit`` traces and compiles again; for timing that)."""
    with _cache_lock:
        _cache.clear()


def _program(outputs, arguments, signature, wrt=None):
    """The one place this module calls the compiler: ``compile_graph`` of a graph already built, called as its
    ``signature`` says (``nn.programs``: ``PerSample`` for the model, ``Seeded`` for a loss and the L2 term)."""
    return compile_graph(outputs, arguments, wrt=wrt, signature=signature)


def _trace(model, x, where):
    """The model's graph at sample ``x``: (its input leaves, its outputs as a list, whether it returned a list)."""
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
    with gc_paused():
        out = model(xs)
    several = isinstance(out, list)
    outs = out if several else [out]
    if not outs or not all(isinstance(o, Value) for o in outs):
        raise TypeError(
            f"{where}: engine='compiled' traces a model that returns a Value or a list of Values; "
            f"{type(model).__name__} returned {type(out).__name__} {out!r:.60}"
        )
    return xs, outs, several


def _path(outputs, arguments):
    """The path the forward pass took, as a hashable key: per node, in the order the program computes them, its op
    (the record itself) and its operands (an earlier node, an argument by position, or a number, exactly: hex)."""
    ref: dict[int, Any] = {id(v): ("argument", k) for k, v in enumerate(arguments)}
    nodes: list[tuple[Any, ...]] = []
    stack = list(reversed(outputs))
    while stack:
        node = stack[-1]
        if id(node) in ref:
            stack.pop()
            continue
        operands = node.operands
        waiting = [v for v in operands if isinstance(v, Value) and id(v) not in ref]
        if waiting:
            stack.extend(reversed(waiting))
            continue
        stack.pop()
        if not operands:  # a leaf that is no argument: a constant of the program
            ref[id(node)] = ("constant", float(node.data).hex())
            continue
        ref[id(node)] = len(nodes)
        nodes.append((node.op, *(ref[id(v)] if isinstance(v, Value) else float(v).hex() for v in operands)))
    return len(arguments), tuple(nodes), tuple(ref[id(o)] for o in outputs)


class ModelProgram:
    """A model's forward and adjoint program inside a loop over samples: ``function(samples, params, seed, grads)``
    (``nn.programs.PerSample``); ``several``: whether the model returns a list."""

    def __init__(self, xs, outputs, params, several):
        self.step = _program(outputs, [*xs, *params], PerSample(xs), wrt=params)
        self.function = self.step.function
        self.several = several

    def outputs(self, x, pdata):
        """The program's outputs at sample ``x`` with the parameters' values ``pdata`` (its adjoint adds zeros)."""
        seen = []

        def seed(*outs):
            seen.append(outs)
            return (0.0,) * len(outs) if self.several else 0.0

        self.function([x], pdata, seed, [0.0] * len(pdata))
        return seen[0]


def model_program(model, X, params, where) -> ModelProgram:
    """The program of ``model`` (from the cache when one with the same path is there), checked at other samples of
    ``X`` (rows of floats) against the node engine, on every call: see the module docstring."""
    xs, outs, several = _trace(model, X[0], where)
    key = (several, _path(outs, [*xs, *params]))
    with _cache_lock:
        program = _cache.pop(key, None)
    if program is None:
        _refuse_too_big(outs, where)
        program = ModelProgram(xs, outs, params, several)
    with _cache_lock:
        _cache[key] = program
        while len(_cache) > _MAX_CACHED:
            _cache.popitem(last=False)
    del xs, outs  # the traced graph
    if same_graph_for_every_input(model):
        samples: Sequence[int] = sorted({len(X) // 2, len(X) - 1} - {0})
    else:
        samples = range(1, len(X))
    _check_path(model, X, params, program, samples, where)
    return program


def _refuse_too_big(outputs, where):
    """The compiler's limit in fit's words (its own error names compile's max_nodes=, which fit does not take)."""
    nodes = len(graph_order(outputs))
    if nodes > MAX_NODES:
        raise MemoryError(
            f"{where}: engine='compiled' writes the model's program as Python: {nodes:,} nodes, more than the "
            f"{MAX_NODES:,} it writes (about {nodes * BYTES_PER_NODE / 1e9:.1f} GB to compile); use engine='nodes', "
            f"whose graphs take a fiftieth of that"
        )


def _check_path(model, X, params, program, samples, where):
    """The program's outputs must be the node engine's, bit for bit, at each of ``samples`` (torch.jit.trace's
    ``check_inputs``): else the model's graph depends on the input values, which a traced program cannot follow."""
    pdata = [p.data for p in params]
    for k in samples:
        try:
            with no_grad():
                out = model([Value(v) for v in X[k]])
            compiled = program.outputs(X[k], pdata)
        except (ArithmeticError, ValueError):  # an op's domain or overflow: the step will name it, where it happens
            continue
        expected = [o.data if isinstance(o, Value) else o for o in (out if isinstance(out, list) else [out])]
        if len(expected) != len(compiled) or any(a != b and (a == a or b == b) for a, b in zip(expected, compiled)):
            raise ValueError(
                f"{where}: engine='compiled' needs a model whose forward pass is the same graph for every sample, "
                f"but this model's graph depends on the input values (Python control flow on .data): at sample {k} "
                f"the program traced at sample 0 gives {list(compiled)!r:.80} where the model gives "
                f"{expected!r:.80}; use engine='nodes'"
            )


def _rows(model, X, where):
    """The samples as rows of floats, as many as the model takes (an MLP's ``sizes[0]``), which the program takes."""
    return input_rows(X, model.sizes[0] if getattr(model, "sizes", None) else len(X[0]), where)


def forward(model, X, where) -> Iterator[Any]:
    """The model's outputs at each sample of ``X`` through its program (checked as for training): a float, or a list
    of floats for a model that returns a list; the node engine's numbers bit for bit, without a node made."""
    rows = _rows(model, X, where)
    params = model.parameters()
    with enable_grad():  # the trace records a graph, whatever the caller's mode
        program = model_program(model, rows, params, where)
    pdata = [p.data for p in params]
    for x in rows:
        outs = program.outputs(x, pdata)
        yield list(outs) if program.several else outs[0]


class LossSeed:
    """The program's ``seed``: E^k at the outputs, and d E / d output = 1/N * dE^k/d output.

    A straight-line loss (``nn.losses.STRAIGHT_LINE``) is compiled once per target (the target's numbers are
    constants of its graph), the others are built from Values for every sample, with backward seeded by 1/N: either
    way the numbers of the node engine's batch graph. ``pending`` gives each sample's (target, key) in turn: set it to
    the batch's before the program runs.
    """

    _MAX_PROGRAMS = 64  # more distinct targets than this (regression): the rest are built from Values

    def __init__(self, loss_fn, name, several):
        self.loss_fn, self.several = loss_fn, several
        self.programs: dict[Any, Any] | None = {} if name in STRAIGHT_LINE else None
        self.pending: Any = iter(())
        self.inv = 1.0
        self.seen: list[tuple[float, Any]] = []  # (E^k, outputs) of each sample of the batch

    def __call__(self, *outs):
        target, key = next(self.pending)
        programs = self.programs
        step = programs.get(key) if programs is not None else None
        if step is None and programs is not None and len(programs) < self._MAX_PROGRAMS:
            leaves = [Value(o, label=f"out{j}") for j, o in enumerate(outs)]
            loss = self.loss_fn(leaves if self.several else leaves[0], target)
            step = programs[key] = _program([loss], leaves, Seeded())
        if step is not None:
            try:
                loss, grads = step.function(outs, self.inv)
            except (ArithmeticError, ValueError, TypeError, IndexError) as err:  # (the last two: a learner's op)
                raise step.named_error(err) from None
            self.seen.append((loss, outs if self.several else outs[0]))
            return grads if self.several else grads[0]
        # E^k from Values at the outputs, backward seeded with 1/N: dE/d out as the node engine's batch graph has it
        leaves = [Value(o) for o in outs]
        loss = self.loss_fn(leaves if self.several else leaves[0], target)
        loss.backward(self.inv)
        self.seen.append((loss.data, outs if self.several else outs[0]))
        return tuple(v.grad for v in leaves) if self.several else leaves[0].grad


class CompiledStep:
    """``engine="compiled"``: ``loss, outputs = step(batch)`` through the model's program, with the node engine's
    loss, gradients and update (``nn.step``)."""

    def __init__(self, setup: Setup, where: str) -> None:
        model, params = setup.model, setup.params
        self.X = _rows(model, setup.X, where)
        self.program = model_program(model, self.X, params, where)
        self.seed = LossSeed(setup.loss_fn, setup.loss_name, self.program.several)
        self.targets = setup.targets
        self.keys = [tuple(t) if isinstance(t, list) else t for t in setup.targets]
        self.params, self.optimizer = params, setup.optimizer
        self.l2_step = None
        if setup.l2:  # l2 * sum_p p^2 is a graph of the parameters alone: compiled once, run once per step
            term = setup.l2 * sum_values([p * p for p in params])
            self.l2_step = _program([term], params, Seeded(given_grads=True))

    def __call__(self, batch: list[int]) -> tuple[float, list[Any]]:
        with gc_paused():  # as the node engine's step (few Values are made here: the losses)
            return self.take(batch)

    def take(self, batch: list[int]) -> tuple[float, list[Any]]:
        """The step, with the cyclic collector left as it is."""
        seed = self.seed
        seed.inv = inv = 1.0 / len(batch)
        seen: list[tuple[float, Any]] = []
        seed.seen = seen
        seed.pending = iter([(self.targets[k], self.keys[k]) for k in batch])
        pdata = [p.data for p in self.params]
        zeros = [0.0] * len(pdata)  # zero_grad(); each sample adds its contributions, as backward() does
        with StepGuard(self.params) as guard:
            try:
                grads = self.program.function([self.X[k] for k in batch], pdata, seed, zeros)
            except (ArithmeticError, ValueError, TypeError, IndexError) as err:  # (the last two: a learner's op)
                raise self.program.step.named_error(err) from None
            total = sum_values([loss for loss, _ in seen]) * inv  # E = 1/N sum_k E^k, in the order NodeStep adds
            if self.l2_step is not None:  # + l2 sum_p p^2, and its gradient added to the same sums
                value, grads = self.l2_step.function(pdata, 1.0, grads)
                total = total + value
            guard.check_loss(total)
            for p, g in zip(self.params, grads):
                p.grad = g
            self.optimizer.step()
        return total, [out for _, out in seen]
