"""A traced graph written out as straight-line Python: its forward program and its adjoint.

The forward program (a Wengert list) has one line per node, inputs first; the adjoint has, from the output back, one
line per operand the chain rule adds to, ``g_v`` being d output / d v::

    o = math.tanh(n)                 # tanh
    ...
    g_o = 1.0
    g_n = g_o * (1.0 - o * o)        # tanh

Each line is the op's rule from ``ops.py`` as text (``Op.code``) with the operands' names put in, so the program
computes the node engine's floats in the node engine's order. The adjoint is written by the one reverse walk,
``engine.backward_steps``, with the local derivatives evaluated as text instead of numbers. How the program is called
and what it returns (the lines around the two) is its ``Signature``: ``CALL`` here, ``step(args) -> (value,
grads)``; the training loop's own lives next to it, in ``nn``. Nothing a user typed is evaluated: labels become
names only through ``identifiers``, and appear otherwise as ``repr`` text in comments.
"""

from __future__ import annotations

import ast
import math
import weakref
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from autograd_mini import ops
from autograd_mini.engine import Value, backward_steps
from autograd_mini.identifiers import identifier, names_for, unique
from autograd_mini.naming import graph_order, node_names
from autograd_mini.ops import Op
from autograd_mini.pyparse import parse

__all__ = ["BYTES_PER_NODE", "CALL", "MAX_NODES", "Call", "Line", "Program", "Signature", "literal", "wrap"]

# the largest graph written out unless told otherwise: Python's compile() of a program takes about 2.5 KB per line
# (measured: a 100,000-op chain, 200,000 lines, 481 MB more peak memory), two lines per node, so 200,000 nodes take
# about 1 GB, where the node engine holds them in 20 MB
MAX_NODES = 200_000
BYTES_PER_NODE = 5_000


class Line(NamedTuple):
    """One line of the program: its text, the node it belongs to, and whether it is forward or adjoint."""

    text: str
    node: Value | None
    phase: str  # "forward", "backward", "prelude", or "" (the function's head, the seed, the return)


class Signature:
    """How a program is called and what it returns: the lines before its forward lines, the lines that seed its
    adjoint (the outputs' gradients), and the lines after it. ``indent``: the forward and adjoint lines' indentation;
    ``given_grads``: the gradients of ``wrt`` start from numbers given to the program instead of 0."""

    indent = "    "
    given_grads = False
    parameters: tuple[str, ...] = ()  # the names the function's head takes (no variable may have them)

    def head(self, program: Program) -> list[str]:
        raise NotImplementedError

    def seed(self, program: Program) -> list[str]:
        raise NotImplementedError

    def tail(self, program: Program) -> list[str]:
        raise NotImplementedError


class Call(Signature):
    """``value, grads = step(args)``: the arguments' numbers in, the outputs' values and d(sum of the outputs)/d
    each ``wrt`` argument out (one output: its value and its gradient)."""

    parameters = ("args",)

    def head(self, program: Program) -> list[str]:
        return [
            f"def {program.name}(args):",
            f'    """{program.what} and the gradient: the forward program, then its adjoint."""',
            *([wrap("    ", "", program.variables(program.arguments), " = args")] if program.arguments else []),
        ]

    def seed(self, program: Program) -> list[str]:
        # d out / d out = 1 for each output; an output given twice counts twice, as in d(o + o)
        return [program.receive(v, "1.0") for v in program.outputs if v in program.needs]

    def tail(self, program: Program) -> list[str]:
        grads = program.returned_grads()
        result = "(" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")"
        return [wrap("    ", "return ", f"{program.values(program.outputs)}, {result}".split(", "), "")]


CALL = Call()


class Writer:
    """How one graph is written as program text: its nodes' names, their rules as text, and the adjoint lines of
    one step of the reverse walk. ``Program`` writes a whole program with it; the step-by-step trace, which walks
    the graph once for its numbers, asks it for each step's lines on the way.

    ``order``: the graph's nodes, inputs first. ``arguments``: the leaves that are inputs (named; other leaves are
    constants, written as numbers). ``wrt``: the arguments whose gradients are wanted. ``names``: {node: name} to
    name nodes by (default: their labels, and ``n{i}`` as the drawing and the trace number them). ``alias``: keep a
    gradient passed on unchanged (d/da = 1, an add) to an operand used nowhere else under the node's name (a comment
    line says so) instead of copying it; the trace writes the copy (``g_n3 = g_f``), so each step's line names its
    own gradient.
    """

    def __init__(self, order, arguments, wrt, names=None, alias=True, reserved=()):
        self.order, self.arguments, self.wrt, self.alias = order, list(arguments), list(wrt), alias
        self.is_argument = set(self.arguments)
        self.nodes = [n for n in order if n.op is not None and n not in self.is_argument]  # what the lines compute
        self.functions = _own_functions(self.nodes)  # a learner's op given as functions: their names in the program
        reserved = set(_PROGRAM_NAMES) | set(reserved) | {n for pair in self.functions.values() for n in pair}
        self.names = _variable_names(order, self.arguments, names, reserved)
        self.grad_names = _grad_names(self.names, reserved)
        self.needs = _ancestors_of(self.wrt, self.nodes)  # the nodes whose gradient the program computes
        self.received: set[Value] = set()  # the gradients that have had their first contribution
        self.uses = Counter(n for node in self.nodes for n in node.children)  # (add the outputs)
        self.backward_lines: dict[Value, list[str]] = {}  # each node's adjoint lines (the trace shows them)
        self.called: set[str] = set()  # the names the lines call: math, helpers, f_swish ...

    def adjoint(self, node, a, ta, b, tb) -> list[str]:
        """The adjoint lines of one step of the walk: each operand's gradient += the node's times the local one."""
        g, mine = self.grad_names[node], self.backward_lines.setdefault(node, [])
        for operand, local in ((a, ta), (b, tb)) if b is not None else ((a, ta),):
            if operand not in self.needs:
                continue
            if self.alias and local == "1.0" and self.uses[operand] == 1 and operand not in self.received:
                text = f"# {self.grad_names[operand]} is {g} (passed on)"
                self.grad_names[operand] = g
                self.received.add(operand)
            else:
                text = self.receive(operand, f"{g} * {_atom(local)}" if local not in ("1.0", "-1.0") else g, local)
            mine.append(text)
        return mine

    def receive(self, node: Value, term: str, local: str = "1.0") -> str:
        """``g_node = term`` for the first contribution, ``g_node += term`` after it (``-=`` for a local -1)."""
        target, again, sign = self.grad_names[node], node in self.received, "-" if local == "-1.0" else ""
        self.received.add(node)
        if again:
            return f"{target} {sign or '+'}= {term}"
        return f"{target} = {sign}{term}"

    def code(self, node: Value) -> list[str]:
        """The node's op as program text: its forward, then its local derivatives, operands and result put in."""
        op = node.op
        if op is None:
            raise ValueError(f"compile: a leaf has no rule to write ({node!r})")
        self.called |= _names_in(op)
        f, p = self.functions.get(op, ("", ""))
        a, b = node.operands if len(node.operands) == 2 else (node.operands[0], None)
        parts = {"a": self.operand(a), "b": self.operand(b), "out": self.names.get(node, ""), "f": f, "p": p}
        return [template.format(**parts) for template in op.code]

    @staticmethod
    def op_name(node: Value) -> str:
        return node.op.name if node.op is not None else ""

    def as_text(self, op: Op, a: Value, b: Any, out: Value) -> tuple[str, ...]:
        """The walk's ``local``: the local derivatives at ``out`` as program text."""
        return tuple(self.code(out)[1:])

    def operand(self, x: Any) -> str:
        """An operand as the program writes it: the variable of a node, or the number itself."""
        if x is None:
            return ""
        if isinstance(x, Value):
            if x in self.names:
                return self.names[x]
            x = x.data
        text = literal(x)
        if "math." in text:  # math.nan, math.inf
            self.called.add("math")
        return text

    def variables(self, nodes: Sequence[Value]) -> list[str]:
        return [self.names[v] for v in nodes]

    def label_notes(self, nodes) -> list[str]:
        """A comment for each node whose name is not its label as written: the label as ``repr`` text."""
        return [
            f"# {self.names[v]} is labelled {v.label!r}"
            for v in nodes
            if v.label and v in self.names and self.names[v] not in (v.label, v.label.replace(".", "_"))
        ]


class Program(Writer):
    """The forward and adjoint program of a traced graph: ``source`` and its ``lines``.

    ``outputs``: the Values the program computes. ``arguments``: the leaves that become its inputs, in order.
    ``wrt``: the arguments it returns gradients of (default: all). ``signature``: how it is called (default ``CALL``,
    ``step(args) -> (value, grads)``). ``names``, ``alias``: see ``Writer``. ``max_nodes``: the largest graph
    written out (``MAX_NODES``). ``source`` starts with what the program calls (``import math``, the helpers of
    ``ops.py``), so it runs as it is when pasted into Python; ``CompiledStep`` runs that same text.
    """

    def __init__(
        self, outputs, arguments, wrt=None, signature=CALL, names=None, alias=True, name="step", max_nodes=MAX_NODES
    ):
        self.outputs, self.signature, self.name = list(outputs), signature, name
        arguments = list(arguments)
        wrt = arguments if wrt is None else list(wrt)
        if len(set(arguments)) != len(arguments):
            raise ValueError("compile: the same Value is given twice as an argument")
        if not set(arguments).issuperset(wrt):
            raise ValueError("compile: wrt must be some of the arguments")
        order = graph_order(self.outputs)
        if len(order) > max_nodes:
            raise MemoryError(
                f"compile: the graph has {len(order):,} nodes, more than max_nodes={max_nodes:,}: its program would "
                f"take about {len(order) * BYTES_PER_NODE / 1e9:.1f} GB to compile; pass max_nodes= to write it "
                f"anyway, or use the node engine (backward()), which handles graphs of millions of nodes"
            )
        super().__init__(order, arguments, wrt, names, alias, {*signature.parameters, name, "g"})
        self.uses.update(self.outputs)
        if signature.given_grads:
            self.received.update(self.wrt)
        self.lines: list[Line] = []
        self._write()

    @property
    def what(self) -> str:
        """The outputs, named, for the docstring: ``o`` or ``a, b`` or ``5 outputs``."""
        if len(self.outputs) >= 4:
            return f"{len(self.outputs)} outputs"
        return ", ".join(self.operand(v) for v in self.outputs)

    def _write(self) -> None:
        pad, emit = self.signature.indent, self.emit
        for text in self.signature.head(self):
            emit(text)
        for text in self.label_notes(self.arguments):
            emit(pad + text)
        emit(f"{pad}# forward: one line per node, each after its operands")
        for node in self.nodes:
            for text in self.label_notes([node]):
                emit(pad + text)
            emit(pad + f"{self.names[node]} = " + self.code(node)[0], node, "forward", self.op_name(node))
        emit(f"{pad}# backward: g_v = d {self.what} / d v, from the output back (each node's g is complete when used)")
        in_graph, outputs = set(self.order), set(self.outputs)  # (an output's gradient starts at its seed)
        zeroed = [v for v in self.wrt if v in in_graph and v not in outputs and v not in self.received]
        for text in zeros(pad, [self.grad_names[v] for v in zeroed]):  # as .grad starts at 0 before backward() adds
            emit(text)  # to it (so that a sum of -0.0s is 0.0, as there)
        self.received.update(zeroed)
        for text in self.signature.seed(self):
            emit(pad + text)
        for node, a, ta, b, tb in backward_steps(self.order, self.as_text):  # the one reverse walk, in text
            if node in self.needs and node in self.received and node not in self.is_argument:
                for text in self.adjoint(node, a, ta, b, tb):
                    emit(pad + text, node, "backward", self.op_name(node))
        for text in self.signature.tail(self):
            emit(text)
        self.prelude = _prelude(self.called, self.functions)
        body = "".join(f"{line.text}\n" for line in self.lines)
        self.lines[:0] = [Line(text, None, "prelude") for text in self.prelude]
        self.source = "".join(f"{text}\n" for text in self.prelude) + body

    def emit(self, text: str, node: Value | None = None, phase: str = "", comment: str = "") -> None:
        if comment:
            text = f"{text:<{max(40, len(text) + 2)}}  # {comment}"
        self.lines.extend(Line(part, node, phase) for part in text.split("\n"))

    def values(self, outputs: Sequence[Value]) -> str:
        texts = [self.operand(v) for v in outputs]
        return texts[0] if len(texts) == 1 else "(" + ", ".join(texts) + ")"

    def returned_grads(self) -> list[str]:
        return [self.grad_names[v] if v in self.received else "0.0" for v in self.wrt]

    def __repr__(self) -> str:
        forward = sum(1 for line in self.lines if line.phase == "forward")
        return f"<Program: {forward} forward lines, {len(self.lines)} lines in all>"


# -- names -------------------------------------------------------------------------------------------------------

# what a program may call besides math: the helpers of ops.py, never a variable's name
_PROGRAM_NAMES = frozenset(ops.RULE_NAMES or ()) | {"math"}


def _variable_names(order, arguments, preferred, reserved):
    """{node: variable}: arguments and nodes with an op, named after their labels (or ``preferred`` names), ``n{i}``
    where a label makes no name. Leaves that are not arguments are constants: the program writes their numbers in."""
    wanted = dict(preferred) if preferred else node_names(order)
    index = {node: i for i, node in enumerate(order)}
    things = [*arguments, *(n for n in order if n.op is not None and n not in set(arguments))]
    return names_for(
        [(v, wanted.get(v) or v.label or f"x{i}", f"n{index.get(v, i)}") for i, v in enumerate(things)], reserved
    )


def _grad_names(names, reserved):
    """{node: g_<name>}, distinct from every variable and helper."""
    taken = set(reserved) | set(names.values())
    return names_for([(v, f"g_{name}", f"g_{name}") for v, name in names.items()], taken)


def _own_functions(nodes) -> dict[Op, tuple[str, str]]:
    """{op: (f_name, p_name)} for each learner's op given as functions. The op is expected under a name of its own
    when the program runs (``op_holder``): its name made a name that shadows nothing the program calls, neither a
    helper, math nor a builtin or keyword (``abs`` -> ``abs_``); its functions are ``f_`` and ``p_`` that name. Two
    ops that share a name get two (``swish``, ``swish_1``)."""
    taken = set(_PROGRAM_NAMES)
    functions = {}
    for node in nodes:
        op = node.op
        if op.rule is None and op not in functions:
            holder = unique(identifier(op.name) or "op", taken)
            functions[op] = (f"f_{holder}", f"p_{holder}")
    return functions


def _ancestors_of(wrt, nodes) -> set[Value]:
    needs = set(wrt)
    for node in nodes:
        if any(v in needs for v in node.children):
            needs.add(node)
    return needs


# -- the prelude -------------------------------------------------------------------------------------------------


def _names_in(op: Op) -> frozenset[str]:
    """The names an op's program text calls (``power_rule``, ``math``), for the program's prelude; worked out once
    per op and kept while the op lives (a learner's op is freed when no longer used)."""
    called = _called.get(op)
    if called is None:
        names = set()
        for template in op.code:
            tree = parse(template.replace("{", "").replace("}", ""))
            names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        called = _called[op] = frozenset(names & (_PROGRAM_NAMES | {"math"}))
    return called


_called: weakref.WeakKeyDictionary[Op, frozenset[str]] = weakref.WeakKeyDictionary()


def _prelude(called: set[str], functions: dict[Op, tuple[str, str]]) -> list[str]:
    """The lines before ``def step``: where each name the program calls comes from, only those it calls.

    ``import math``; ``from autograd_mini.ops import power_rule, sign`` (the helpers of the op table); and for a
    learner's op given as functions, ``f_swish, p_swish = swish.forward, swish.partials`` (the op, made with
    ``unary``/``binary``, defined before the program under its name).
    """
    helpers = sorted(name for name in called if name in vars(ops) and name != "math")  # not the builtins (abs)
    prelude = ["import math"] if "math" in called else []
    if helpers:
        prelude.append(f"from autograd_mini.ops import {', '.join(helpers)}")
    if functions:
        prelude.append("")
    for op, (f, p) in functions.items():
        holder = op_holder(op, functions)
        prelude.append(f"# your own op {op.name!r}: {op.equation!r}; define it as {holder} before this")
        prelude.append(f"{f}, {p} = {holder}.forward, {holder}.partials")
    return [*prelude, "", ""] if prelude else []


def op_holder(op: Op, functions: dict[Op, tuple[str, str]]) -> str:
    """The name a learner's op is expected under when the program runs: its own name (``swish``), ``abs_`` for a
    name the program uses itself, ``swish_1`` when another op of the program has that name too."""
    return functions[op][0][2:]


# -- text --------------------------------------------------------------------------------------------------------


def _atom(expr: str) -> str:
    """``expr`` in parentheses unless it is one name, number or call, so ``g * (1.0 - o * o)`` multiplies by all."""
    node = parse(expr).body
    if isinstance(node, (ast.Name, ast.Call, ast.Attribute, ast.Subscript)) or (
        isinstance(node, ast.Constant) and not expr.startswith("-")
    ):
        return expr
    return f"({expr})"


def literal(x: Any) -> str:
    """A number as Python text that gives exactly that float back: repr, parenthesised when negative."""
    x = float(x)
    if math.isnan(x):
        return "math.nan"
    if math.isinf(x):
        return "math.inf" if x > 0 else "(-math.inf)"
    return repr(x) if x >= 0 and not (x == 0 and math.copysign(1.0, x) < 0) else f"({x!r})"


def wrap(pad: str, head: str, items: Sequence[str], tail: str, width: int = 116, parens: bool = False) -> str:
    """``a, b, c = args``, ``return ...`` or ``for x0, x1 in samples:``; when longer than ``width``, the items in rows
    inside parentheses. One item to unpack keeps its comma (``x, = args``), or is parenthesised (``for (x,) in``)."""
    items = list(items)
    if len(items) == 1 and tail:
        items = [f"({items[0]},)"] if parens else [f"{items[0]},"]
    line = f"{pad}{head}{', '.join(items)}{tail}"
    if len(line) <= width:
        return line
    rows, row = [], pad + "    "
    for item in items:
        if len(row) + len(item) + 2 > width and row.strip():
            rows.append(row.rstrip())
            row = pad + "    "
        row += item.rstrip(",") + ", "
    rows.append(row.rstrip())
    body = "\n".join(rows)
    return f"{pad}{head}(\n{body}\n{pad}){tail}"


def zeros(pad: str, names: Sequence[str], width: int = 116) -> list[str]:
    """``g_a = g_b = ... = 0.0``, as many lines as ``width`` needs."""
    lines: list[str] = []
    row: list[str] = []
    for name in names:
        if row and len(pad) + sum(len(n) + 3 for n in row) + len(name) + 6 > width:
            lines.append(f"{pad}{' = '.join(row)} = 0.0")
            row = []
        row.append(name)
    return [*lines, f"{pad}{' = '.join(row)} = 0.0"] if row else lines
