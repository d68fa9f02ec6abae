"""The core of autograd-mini: ``Value``, how an op is applied, the topological order, and ``backward()``.

A ``Value`` is a number in a computation graph. It remembers the op that produced it (``_op``, a record of the
table in ``ops.py``) and its operands (``_a`` and ``_b``), and after ``backward()`` its ``grad``: the derivative of
the output with respect to it. The chain rule, as every document in ``shared/seeds`` uses it: for a node
``out = f(a, b)``

    dL/da += dL/dout * dout/da        dL/db += dL/dout * dout/db

applied to the nodes from the output back to the inputs (reverse topological order), so that each node's
``dL/dout`` is complete before it is passed on. ``dout/da`` and ``dout/db`` are the op's local derivatives, read from
its record. (Why the code looks the way it does: docs/ARCHITECTURE.md.)
"""

from __future__ import annotations  # Value in the annotations of the functions that make its methods

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from autograd_mini import modes, ops
from autograd_mini.errors import as_float, backward_failure, check_operands, forward_result, op_error
from autograd_mini.node import Node
from autograd_mini.ops import Op

# -- applying an op ------------------------------------------------------------------------------------------------
#
# out = op(a, b): compute the forward value from the operands' values, and make a node that remembers the op and
# its operands, so that backward() can come back. A number mixed in (``x * 3``) stays inside the op as ``_b``.


def _binary_method(op: Op) -> Callable[[Value, Any], Value]:
    """The Value method ``self <op> other`` (``__mul__``, ``__sub__`` ...) for a Value or a number ``other``."""
    forward = op.forward

    def method(self: Value, other: Any) -> Value:
        if type(other) is Value:
            bd = other.data
        elif type(other) is float:
            bd = other
        elif isinstance(other, Value):
            bd = other.data
        else:  # any other number is stored as exactly a float: the backward pass relies on that
            other = bd = as_float(other, f"Value {op.symbol}")
        try:
            data = forward(self.data, bd)
        except (ArithmeticError, ValueError) as err:
            raise op_error(op, self.data, bd, err) from None
        # object.__new__ and slot stores instead of Value(): the checks of __init__ are for the user's input
        out = _new(Value)
        out.data, out.grad, out.label = data, 0.0, ""
        out._op, out._a, out._b = op, self, other
        if modes.switched and not modes.apply_mode(out, op, self.data, bd):  # this thread is inside no_grad()
            out._op = out._a = out._b = None  # (checked only while some thread is in no_grad() or detect_anomaly())
        return out

    return _named(method, op, op.write("self", "other"))


def _unary_method(op: Op) -> Callable[[Value], Value]:
    """The Value method ``self.<op>()`` (``tanh``, ``exp`` ...)."""
    forward = op.forward

    def method(self: Value) -> Value:
        try:
            data = forward(self.data)
        except (ArithmeticError, ValueError) as err:
            raise op_error(op, self.data, None, err) from None
        out = _new(Value)
        out.data, out.grad, out.label = data, 0.0, ""
        out._op, out._a, out._b = op, self, None
        if modes.switched and not modes.apply_mode(out, op, self.data, None):
            out._op = out._a = None
        return out

    return _named(method, op, op.write("self"))


def _named(method: Callable[..., Value], op: Op, written: str) -> Callable[..., Value]:
    """Give a made method its op's name and equation, for help(), tracebacks and the profiler."""
    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = f"{written}: a new node whose op is {op.name!r}.  {op.equation}"
    return method


def apply(op: Op, a: Value, b: Any = None) -> Value:
    """``out = op(a)`` or ``op(a, b)`` for any ``Op`` record, also a learner's own (``x.apply(op)`` and ``op(x)``).

    The table's ops have their Value methods below; any other op gets the same method made once and kept.
    """
    check_operands(op, a, b)
    method = op.__dict__.get("value_method")
    if method is None:  # made once per op, as the table's methods are made once in Value's class body, and kept
        made: Callable[..., Value] = _unary_method(op) if op.arity == 1 else _binary_method(op)  # on the op: freed
        object.__setattr__(op, "value_method", made)  # with it
        method = made
    out = method(a) if b is None else method(a, b)
    if type(out.data) is not float:  # a learner's forward that returned an int, a numpy number or something else
        out.data = forward_result(op, out.data)
    return out


_new = object.__new__


class Value(Node):
    """A scalar in a computation graph: its value ``data`` and, after ``backward()``, ``grad`` = d output / d self."""

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b")
    __array_ufunc__ = None  # numpy scalars defer to our reflected ops: np.float64(2) * v is a Value

    def __init__(self, data: float, label: str = "") -> None:
        if type(data) is not float:
            data = as_float(data, "Value()")
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.data: float = data
        self.grad: Any = 0.0
        self.label: str = label
        self._op: Op | None = None
        self._a: Any = None  # the first operand, a Value (None for a leaf)
        self._b: Any = None  # a Value, a number mixed into the op, or None

    # -- the ops. Python's operators, each naming its record in ops.py (one closure per op, made here: x + y is one
    # call, not two, which saves ~5% of building a graph). Every op whose symbol is a name (tanh, exp, max ...)
    # becomes a method of its name below the class: x.tanh(), x.maximum(y).

    __add__ = __radd__ = _binary_method(ops.ADD)  # x + y = y + x
    __sub__ = _binary_method(ops.SUB)
    __rsub__ = _binary_method(ops.RSUB)  # other - self, other a number
    __mul__ = __rmul__ = _binary_method(ops.MUL)
    __truediv__ = _binary_method(ops.DIV)
    __rtruediv__ = _binary_method(ops.RDIV)  # other / self, other a number
    __mod__ = _binary_method(ops.MOD)
    __rmod__ = _binary_method(ops.RMOD)  # other % self, other a number
    __rpow__ = _binary_method(ops.RPOW)  # other ** self, other a number
    __neg__ = _unary_method(ops.NEG)
    __abs__ = _unary_method(ops.ABS)

    def __pow__(self, other: Any) -> Value:
        return _pow_value(self, other) if isinstance(other, Value) else _pow_number(self, other)

    def __pos__(self) -> Value:
        return self

    if TYPE_CHECKING:  # x.tanh(), x.maximum(y) ...: made from the table below; to a type checker, any such name

        def __getattr__(self, name: str) -> Callable[..., Value]: ...

    def apply(self, op: Op, other: Any = None) -> Value:
        """``op(self)``, ``op(self, other)`` for any ``Op``, also a learner's own (made with ``unary``, ``binary``)."""
        return apply(op, self, other)

    # -- the graph: what a node shows of itself (op, operands, children, repr, comparisons) is in node.py --------

    def local_grads(self) -> tuple[float, ...]:
        """d self / d child for each child, in the order of ``children``: the numbers backward() multiplies by."""
        for _, _, da, b, db in backward_steps((self,)):  # the walk's one step, at this node
            return (da,) if b is None else (da, db)
        return ()  # a leaf

    # -- reverse mode ----------------------------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every node behind this one with d self / d node.

        Leaves (inputs, parameters) accumulate, as in every framework, so gradients of several outputs or
        samples add up until you zero them. Interior nodes are recomputed on each call, never counted twice.
        """
        if type(grad) is not float:  # np.float64 is a float subclass, but would spread numpy scalars into grads
            grad = as_float(grad, "backward(grad=...)")
        order = _interior_order(self)  # every node that passes a gradient on, grads zeroed
        self.grad += grad
        anomaly = modes.anomaly_recorder()
        # backward_steps' walk, written out here: the same order, the same rules at the same floats, but applying
        # them in place instead of yielding each step to a loop (10% of a backward pass, docs/ARCHITECTURE.md)
        node = None
        try:
            for node in reversed(order):  # output first: each node's grad is complete when its turn comes
                a, b, g = node._a, node._b, node.grad
                local = node._op.local  # type: ignore[union-attr]  # (the interior order: every node has an op)
                if b is None or type(b) is float:  # out = f(a), or f(a, b) with b a number kept in the op
                    a.grad += g * local(a.data, b, node.data)[0]  # dL/da += dL/dout * dout/da
                    b = None
                else:  # out = f(a, b), both Values
                    da, db = local(a.data, b.data, node.data)
                    a.grad += g * da  # dL/da += dL/dout * dout/da
                    b.grad += g * db  # dL/db += dL/dout * dout/db
                if anomaly is not None:
                    anomaly.backward(node, g, a.grad, b.grad if b is not None else 0.0)
        except FloatingPointError:  # detect_anomaly()'s own report: already says where
            raise
        except (ArithmeticError, ValueError, TypeError, IndexError) as err:  # a local derivative that does not exist
            raise backward_failure(node, err) from None  # here (sqrt' at 0), or a learner's op's mistake


for _op in ops.OPS.values():  # x.tanh(), x.exp(), x.maximum(y), x.arcsinh() ...: every op whose symbol is a name
    if _op.symbol.isidentifier():
        for _name in _op.names:
            setattr(Value, _name, _unary_method(_op) if _op.arity == 1 else _binary_method(_op))
_pow_number = _binary_method(ops.POW)  # x ** 2.0
_pow_value = _binary_method(ops.POWV)  # x ** y, y a Value


def at_floats(op: Op, a: Value, b: Any, out: Value) -> tuple[float, ...]:
    """The local derivatives at the operands' floats (``b`` a Value, a number or None)."""
    return op.local(a.data, b if b is None or type(b) is float else b.data, out.data)


def on_values(op: Op, a: Value, b: Any, out: Value) -> tuple[Any, ...]:
    """The local derivatives evaluated on the Values themselves: each is a graph that can be differentiated again
    (``grad(create_graph=True)``)."""
    return op.local(a, b, out)


def backward_steps(
    order: Sequence[Value], local: Callable[[Op, Value, Any, Value], tuple[Any, ...]] | None = None
) -> Iterator[tuple[Value, Value, Any, Any, Any]]:
    """The reverse-mode walk: each node with an op, output first, and the op's local derivatives at that node.

    ``order`` is a topological order (inputs first); the walk takes it backwards, so each node's dL/dnode is
    complete when its turn comes. It yields ``(node, a, dout/da, b, dout/db)``, ``b`` None when the op has no second
    Value (``tanh(a)``, ``a * 3``), and the caller applies the chain rule where it keeps its sums: ``backward()`` in
    ``.grad``, ``grad()`` and the step-by-step trace in a dict of their own. ``local(op, a, b, out)`` computes the
    local derivatives: by default the op's rules on the operands' floats; ``on_values`` evaluates the same rules on
    the Values (``grad(create_graph=True)``); ``compile`` writes them as program text.
    """
    node = None
    try:
        for node in reversed(order):
            op, a, b = node._op, node._a, node._b
            if op is None:  # a leaf passes nothing on
                continue
            if b is None or type(b) is float:  # out = f(a), or f(a, b) with b a number kept in the op
                yield node, a, (local or at_floats)(op, a, b, node)[0], None, 0.0
            else:  # out = f(a, b), both Values
                da, db = (local or at_floats)(op, a, b, node)
                yield node, a, da, b, db
    except (ArithmeticError, ValueError, TypeError, IndexError) as err:  # a local derivative that does not exist
        raise backward_failure(node, err, local is on_values) from None  # here (sqrt' at 0), or a learner's mistake


# -- the topological order ---------------------------------------------------------------------------------------
#
# Each node after all of its children. An explicit stack instead of recursion, so a chain a million nodes deep is
# fine: a node is pushed with a marker below its children, and when the marker comes back up, all of its children
# are placed, so the node can be placed too.

_PLACE = object()


def topological_order(root: Value) -> list[Value]:
    """Every node behind ``root``, each after all of its children (inputs first, root last)."""
    order: list[Value] = []
    seen = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is _PLACE:
            order.append(stack.pop())
        elif node not in seen:
            seen.add(node)
            stack += (node, _PLACE)
            b = node._b
            if b is not None and type(b) is not float and b not in seen:  # a Value, not a number kept in the op
                stack.append(b)
            if node._a is not None and node._a not in seen:
                stack.append(node._a)
    return order


def _interior_order(root: Value) -> list[Value]:
    """backward()'s order: the nodes with an op, grads zeroed as placed (leaves keep what they accumulated).

    The same stack and marker, but stepping straight down the chains of first operands that networks are made of
    (z = ((b + w0 x0) + w1 x1) + ...): 10-30% faster than topological_order and a zeroing pass (measured).
    """
    if root._op is None:
        return []
    order: list[Value] = []
    seen = set()
    stack: list[Any] = [root]
    push, pop, place, mark = stack.append, stack.pop, order.append, _PLACE
    while stack:
        node = pop()
        if node is mark:  # all of the node's children are placed
            node = pop()
            node.grad = 0.0
            place(node)
            continue
        if node in seen:
            continue
        while True:  # down the chain of first operands, leaving each node and its second operand to come back to
            seen.add(node)
            push(node)
            push(mark)
            b = node._b
            if b is not None and type(b) is not float and b._op is not None and b not in seen:
                push(b)
            node = node._a
            if node._op is None or node in seen:  # a leaf, or reached another way before
                break
    return order
