"""How the training loop calls its compiled programs (``fit(engine="compiled")``): two ``Signature``s for
``autograd_mini.program``, the lines around the forward and adjoint lines the engine writes.

``PerSample(inputs)``: the model's program inside a loop over a batch's samples, one call per step::

    def step(samples, params, seed, grads):
        w, b = params
        g_w, g_b = grads
        for (x,) in samples:
            ... forward ...
            g_y = seed(y)            # the loss, computed outside, returns dE/dy for this sample
            ... adjoint, adding to g_w, g_b ...
        return g_w, g_b

The parameters are unpacked once per step instead of once per sample, and each parameter's gradient is one local that
every sample adds to, as ``backward()`` adds to ``.grad``: the node engine's floats, in its order.

``Seeded(given_grads)``: ``value, grads = step(args, seed[, grads])``, the output's gradient ``seed`` (a loss's 1/N,
or 1 for the L2 term), the gradients starting from ``grads`` when given (the model's, to add the L2 term's to).
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd_mini import Value
from autograd_mini.program import Program, Signature, wrap

__all__ = ["PerSample", "Seeded"]


class PerSample(Signature):
    """``grads = step(samples, params, seed, grads)``: a loop over the samples, ``inputs`` the arguments that change
    from sample to sample (the model's inputs), ``seed(*outputs)`` returning dE/d output for each output."""

    indent = "        "
    given_grads = True
    parameters = ("samples", "params", "seed", "grads")

    def __init__(self, inputs: Sequence[Value]) -> None:
        self.inputs = list(inputs)
        if not self.inputs:
            raise ValueError("PerSample: the loop needs the inputs that change from sample to sample")

    def head(self, program: Program) -> list[str]:
        if not set(program.arguments).issuperset(self.inputs) or set(self.inputs) & set(program.wrt):
            raise ValueError("PerSample: the inputs must be arguments of the program, and not in wrt")
        inputs = set(self.inputs)
        params = [v for v in program.arguments if v not in inputs]
        grads = [program.grad_names[v] for v in program.wrt]
        return [
            f"def {program.name}(samples, params, seed, grads):",
            f'    """{program.what} of each sample (to seed) and the gradient summed over the samples."""',
            *([wrap("    ", "", program.variables(params), " = params")] if params else []),
            *([wrap("    ", "", grads, " = grads")] if grads else []),
            wrap("    ", "for ", program.variables(self.inputs), " in samples:", parens=True),
        ]

    def seed(self, program: Program) -> list[str]:
        targets = ", ".join(program.grad_names[v] for v in program.outputs)
        line = f"{targets} = seed({', '.join(program.operand(v) for v in program.outputs)})"
        program.received.update(program.outputs)
        return [line]

    def tail(self, program: Program) -> list[str]:
        grads = program.returned_grads()
        return [wrap("    ", "return ", [f"({grads[0]},)"] if len(grads) == 1 else grads, "")]


class Seeded(Signature):
    """``value, grads = step(args, seed)`` (``given_grads``: ``step(args, seed, grads)``): one output, whose
    gradient the caller gives as ``seed``."""

    def __init__(self, given_grads: bool = False) -> None:
        self.given_grads = given_grads
        self.parameters = ("args", "seed", "grads") if given_grads else ("args", "seed")

    def head(self, program: Program) -> list[str]:
        if len(program.outputs) != 1 or program.outputs[0] not in program.names:
            raise ValueError("Seeded: the program needs one output computed from its arguments")
        grads = [program.grad_names[v] for v in program.wrt]
        return [
            f"def {program.name}({', '.join(self.parameters)}):",
            f'    """{program.what} and the gradient, seeded with d L / d {program.what} = seed."""',
            *([wrap("    ", "", program.variables(program.arguments), " = args")] if program.arguments else []),
            *([wrap("    ", "", grads, " = grads")] if self.given_grads and grads else []),
        ]

    def seed(self, program: Program) -> list[str]:
        return [program.receive(program.outputs[0], "seed")]

    def tail(self, program: Program) -> list[str]:
        grads = program.returned_grads()
        result = "(" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")"
        return [wrap("    ", "return ", f"{program.values(program.outputs)}, {result}".split(", "), "")]
