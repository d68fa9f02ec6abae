"""The scalar autodiff engine: ``Value`` nodes, the topological order, and reverse-mode backpropagation.

A ``Value`` remembers the op that produced it (``_op``) and its operands (``_a`` and ``_b``). Nothing else: no
closure per node (a closure that captures its own output is a reference cycle, and cycles leave every graph to the
cyclic garbage collector), no set of children (order would vary and ``a + a`` would lose an edge). The derivative
rules live once, in ``ops.py``; the backward pass reads them.

The chain rule, as every document in ``shared/seeds`` uses it: for a node ``out = f(a, b)``

    dL/da += dL/dout * dout/da        dL/db += dL/dout * dout/db

applied to the nodes from the output back to the inputs (reverse topological order), so that each node's
``dL/dout`` is complete before it is passed on.
"""

from __future__ import annotations

import gc
import math
import numbers
import os
import traceback
from contextlib import contextmanager

from autograd_mini.ops import (
    ABS,
    ADD,
    COS,
    DIV,
    EXP,
    LOG,
    MUL,
    NEG,
    POW,
    POWV,
    RDIV,
    RELU,
    RPOW,
    RSUB,
    SIGMOID,
    SIN,
    SQRT,
    SUB,
    TANH,
)

# Module state, read on every op. Plain globals: the cheapest lookup Python has.
_grad_enabled = True  # False inside no_grad(): ops build no graph
_anomaly = None  # inside detect_anomaly(): {id(node): (node, where it was created)}

_new = object.__new__


def _as_float(x, where):
    """A real number as a float, or a TypeError that names where it was used and what it was."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        takes = "a real number (int, float, numpy scalar)" + ("" if where == "Value()" else " or a Value")
        raise TypeError(f"{where} takes {takes}, got {type(x).__name__} {x!r}")
    try:
        return float(x)
    except OverflowError:  # an int or Fraction beyond 1.8e308, described by its size (it may have 5000 digits)
        size = f"{'-' if x < 0 else ''}1e{math.log10(abs(int(x))):.0f}"  # math.log10 takes ints of any size
        raise OverflowError(
            f"{where}: the {type(x).__name__} {size} (about) does not fit a float (the largest float is about "
            f"1.8e308); scale the number down, or work with its logarithm"
        ) from None


# -- applying an op ----------------------------------------------------------------------------------------------
#
# Each Value method below (``__add__``, ``tanh`` ...) is made here, once per op, when the class is defined: the op is
# fixed in the method, so ``x + y`` runs one Python function, not a method that then calls a general helper. These
# closures belong to ops (about twenty of them), not to nodes: a node holds no function, only its op and operands.


def _binary_method(op):
    """The Value method ``self <op> other``: out = op(self, other) for a Value or a number ``other``."""
    forward = op.forward  # looked up once, here, rather than on every call

    def method(self, other):
        if type(other) is Value:
            bd = other.data
        elif type(other) is float:
            bd = other
        elif isinstance(other, Value):
            bd = other.data
        else:  # any other number is stored as exactly a float: backward and the traversal rely on that
            other = bd = _as_float(other, f"Value {op.symbol}")
        try:
            data = forward(self.data, bd)
        except (ArithmeticError, ValueError) as err:
            raise _op_error(op, self.data, bd, err) from None
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        if _grad_enabled:
            out._op = op
            out._a = self
            out._b = other
        else:
            out._op = out._a = out._b = None
        if _anomaly is not None:
            _check_forward(out, op, self.data, bd)
        return out

    return _named(method, op, op.write("self", "other"))


def _unary_method(op):
    """The Value method ``self.<op>()``: out = op(self)."""
    forward = op.forward

    def method(self):
        try:
            data = forward(self.data)
        except (ArithmeticError, ValueError) as err:
            raise _op_error(op, self.data, None, err) from None
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        if _grad_enabled:
            out._op = op
            out._a = self
        else:
            out._op = out._a = None
        out._b = None
        if _anomaly is not None:
            _check_forward(out, op, self.data, None)
        return out

    return _named(method, op, op.write("self"))


def _named(method, op, written):
    """Give a made method its op's name and a docstring, for help(), tracebacks and the profiler."""
    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = f"{written}: a new node whose op is {op.name!r} (forward and local derivatives in ops.py)."
    return method


def _binary(op, a, b):
    """out = op(a, b) for a Value a and a Value or number b: any op, including one defined outside ops.py."""
    return _binary_method(op)(a, b)


def _unary(op, a):
    """out = op(a) for a Value a."""
    return _unary_method(op)(a)


_pow_number = _binary_method(POW)  # x ** 2.0
_pow_value = _binary_method(POWV)  # x ** y, y a Value


class Value:
    """A scalar in a computation graph: its value ``data`` and, after ``backward()``, ``grad`` = d output / d self."""

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b")
    __array_ufunc__ = None  # numpy scalars defer to our reflected ops: np.float64(2) * v is a Value

    def __init__(self, data, label=""):
        if type(data) is not float:
            if isinstance(data, Value):
                raise TypeError(
                    f"Value() takes a real number (int, float, numpy scalar), got the Value {data!r}: use it as it "
                    f"is to stay in its graph, or .detach() for a new leaf with the same value"
                )
            data = _as_float(data, "Value()")
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = None
        self._a = None
        self._b = None

    # -- the ops: each line names its rule in ops.py ----------------------------------------------------------

    __add__ = __radd__ = _binary_method(ADD)  # x + y = y + x
    __sub__ = _binary_method(SUB)
    __rsub__ = _binary_method(RSUB)  # other - self, other a number
    __mul__ = __rmul__ = _binary_method(MUL)
    __truediv__ = _binary_method(DIV)
    __rtruediv__ = _binary_method(RDIV)  # other / self, other a number
    __rpow__ = _binary_method(RPOW)  # other ** self, other a number

    def __pow__(self, other):
        return _pow_value(self, other) if isinstance(other, Value) else _pow_number(self, other)

    __neg__ = _unary_method(NEG)

    def __pos__(self):
        return self

    __abs__ = _unary_method(ABS)
    exp = _unary_method(EXP)
    log = _unary_method(LOG)
    sqrt = _unary_method(SQRT)
    tanh = _unary_method(TANH)
    sigmoid = _unary_method(SIGMOID)
    relu = _unary_method(RELU)
    sin = _unary_method(SIN)
    cos = _unary_method(COS)

    # -- the graph -------------------------------------------------------------------------------------------

    @property
    def op(self):
        """The ``Op`` that produced this node, or None for a leaf (an input or a parameter)."""
        return self._op

    @property
    def is_leaf(self):
        return self._op is None

    @property
    def operands(self):
        """The op's operands in order: Values, and numbers that were mixed into the op. () for a leaf."""
        if self._op is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def children(self):
        """The Values this node was computed from, in operand order; ``a + a`` lists ``a`` twice."""
        return tuple(v for v in self.operands if isinstance(v, Value))

    def local_grads(self):
        """d self / d child for each child (each Value operand, in operand order), as floats.

        The op's rule in ops.py, evaluated at this node: the same numbers backward() multiplies by. A number mixed
        into the op is no child and gets no entry, so the tuple lines up with ``children``, and with ``operands``
        for every Value in it (a number is always the last operand).
        """
        if self._op is None:
            return ()
        a, b = self._a, self._b
        if isinstance(b, Value):
            return self._op.partials(a.data, b.data, self.data)
        return self._op.partials(a.data, b, self.data)[:1]

    def detach(self):
        """A new leaf with the same value: the graph behind this node stops here."""
        return Value(self.data, self.label)

    def __float__(self):
        return self.data

    def __format__(self, spec):  # f"{v:.3f}" formats the value
        return format(self.data, spec) if spec else repr(self)

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- reverse mode ----------------------------------------------------------------------------------------

    def backward(self, grad=1.0):
        """Fill ``.grad`` of every node behind this one with d self / d node.

        Leaves (inputs, parameters) accumulate, as in every framework, so gradients of several outputs or
        samples add up until you zero them. Interior nodes are recomputed on each call, never counted twice.
        """
        if type(grad) is not float:  # np.float64 is a float subclass, but would spread numpy scalars into grads
            grad = _as_float(grad, "backward(grad=...)")
        order = _interior_order(self)  # every node that passes a gradient on, grads zeroed
        self.grad += grad
        anomaly = _anomaly
        node = None
        try:
            for node in reversed(order):
                op = node._op
                g = node.grad
                a = node._a
                b = node._b
                if b is None:  # unary op
                    (da,) = op.partials(a.data, None, node.data)
                    a.grad += g * da
                elif type(b) is float:  # b is a number kept inside the op (_binary stores exactly a float)
                    da = op.partials(a.data, b, node.data)[0]
                    a.grad += g * da
                else:  # both operands are nodes (Values, or instances of a subclass)
                    da, db = op.partials(a.data, b.data, node.data)
                    a.grad += g * da
                    b.grad += g * db
                if anomaly is not None:
                    _check_backward(node, g)
        except FloatingPointError:  # detect_anomaly()'s own report: already says where
            raise
        except (ArithmeticError, ValueError) as err:
            raise _backward_failure(node, err) from None


def _data(x):
    return x.data if isinstance(x, Value) else x


def _op_error(op, a, b, err):
    """The error a learner should see: which op, which value, what the op needs."""
    what = op.describe(a, b)
    if isinstance(err, ZeroDivisionError):
        return ZeroDivisionError(f"division by zero in {what} (Value.{op.name}): {op.domain or err}")
    if isinstance(err, OverflowError):
        return OverflowError(
            f"{what} overflows a float (Value.{op.name}): the result is larger than 1.8e308; "
            f"scale the input down or use a numerically stable formulation"
        )
    reason = op.domain or str(err)  # the table's words, not Python's ("math domain error")
    if op.arity == 1:
        return ValueError(f"{op.name} of {a!r} in Value.{op.name}(): {reason}")
    return ValueError(f"{what} is undefined (Value.{op.name}): {reason}")


def _backward_failure(node, err):
    """A local derivative that could not be taken (sqrt at 0, say): which op, at which values. backward and grad."""
    return type(err)(
        f"backward through {node._op.describe(node._a.data, _data(node._b))} "
        f"(d/d operand of {node._op.name}) failed: {err}. The derivative is not finite at this point."
    )


# -- graph traversal -------------------------------------------------------------------------------------------


def topological_order(root):
    """Every node behind ``root``, each after all of its children (inputs first, root last).

    An explicit stack instead of recursion, so a chain a million nodes deep is fine. Each node is pushed with a
    marker below its children; when the marker comes back up, all of the node's children are placed, so the node
    can be placed too. (backward() walks its own variant, ``_interior_order``, without the leaves.)
    """
    order = []
    seen = set()
    stack = [root]
    push = stack.append
    pop = stack.pop
    place = order.append
    mark = _PLACE
    while stack:
        node = pop()
        if node is mark:
            place(pop())
            continue
        if node in seen:
            continue
        seen.add(node)
        push(node)
        push(mark)
        b = node._b
        if b is not None and type(b) is not float and b not in seen:  # a Value, not a number kept in the op
            push(b)
        a = node._a
        if a is not None and a not in seen:
            push(a)
    return order


_PLACE = object()


def _interior_order(root):
    """The non-leaf nodes behind ``root``, each after its children, with their grads set to 0: backward's order.

    Leaves are left out: they pass no gradient on, and backward must not reset what they have accumulated. The
    same stack and marker as ``topological_order``, and one shortcut, because most nodes of a network hang on a
    long chain of first operands (z = ((b + w0 x0) + w1 x1) + ...): the walk steps straight down to the first
    operand instead of pushing it on the stack and popping it again.
    """
    if root._op is None:
        return []
    order = []
    seen = set()
    stack = [root]
    push = stack.append
    pop = stack.pop
    place = order.append
    mark = _PLACE
    while stack:
        node = pop()
        if node is mark:  # all of the node's children are placed
            node = pop()
            node.grad = 0.0
            place(node)
            continue
        if node in seen:
            continue
        while True:  # go down the chain of first operands, leaving each node and its second operand to come back to
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


# -- no_grad ---------------------------------------------------------------------------------------------------


@contextmanager
def no_grad():
    """Inside, ops compute values but record no graph (evaluation, parameter updates). Also a decorator."""
    global _grad_enabled
    before = _grad_enabled
    _grad_enabled = False
    try:
        yield
    finally:
        _grad_enabled = before


def is_grad_enabled():
    return _grad_enabled


@contextmanager
def gc_paused():
    """Pause CPython's cyclic garbage collector while a large graph is built and backpropagated.

    Safe with this engine: its graphs contain no reference cycles, so every node is freed by reference counting
    the moment the last reference to it goes, collector or not. What the collector costs while a graph of many
    thousand nodes is alive: it runs every 700 new objects and, every few hundred thousand, walks every object in
    the process (a process that has imported torch holds ~200,000), none of which it can free. Measured in
    benchmarks/bench_engine.py: micrograd's demo step and the deep chain, with the collector on and paused.
    ``nn.train.fit`` pauses it for each training step. The previous state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- higher-order gradients -------------------------------------------------------------------------------------


def grad(output, inputs, create_graph=False):
    """d output / d input for each input, as Values, without touching any ``.grad``.

    With ``create_graph=True`` the gradients are themselves graphs (built from the same op rules, evaluated on
    Values), so they can be differentiated again: ``grad(grad(y, x, create_graph=True)[0], x)`` is d2y/dx2.
    ``inputs`` may be one Value (the result is then one Value) or a sequence of Values (a list comes back).
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() output must be a Value, got {type(output).__name__} {output!r}")
    single = isinstance(inputs, Value)
    inputs = [inputs] if single else list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values, got {type(x).__name__} {x!r}")
    order = topological_order(output)
    value = (lambda v: v) if create_graph else _data  # the rules see Values (to build a graph) or floats
    grads = {output: Value(1.0) if create_graph else 1.0}
    global _grad_enabled
    before = _grad_enabled
    _grad_enabled = create_graph
    try:
        for node in reversed(order):
            g = grads.get(node)
            if g is None or node._op is None:
                continue
            a, b = node._a, node._b
            try:
                partials = node._op.partials(value(a), value(b), value(node))  # value(number) is the number
            except FloatingPointError:
                raise
            except (ArithmeticError, ValueError) as err:
                raise _backward_failure(node, err) from None
            for child, d in zip((a, b), partials):
                if isinstance(child, Value):
                    contribution = g * d
                    grads[child] = grads[child] + contribution if child in grads else contribution
                    if _anomaly is not None and not math.isfinite(_data(grads[child])):
                        raise _backward_anomaly(node, _data(g), _data(grads[child]))
    finally:
        _grad_enabled = before
    result = [_as_value(grads.get(x, 0.0)) for x in inputs]
    return result[0] if single else result


def _as_value(g):
    return g if isinstance(g, Value) else Value(g)


def hessian(output_fn, point):
    """The matrix of second derivatives d2f / dx_i dx_j of ``output_fn(*xs)`` at ``point`` (a list of numbers)."""
    xs = [Value(_data(p), label=f"x{i}") for i, p in enumerate(point)]  # numbers, or Values taken by their data
    first = grad(output_fn(*xs), xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]


# -- anomaly mode ------------------------------------------------------------------------------------------------


@contextmanager
def detect_anomaly():
    """Raise ``FloatingPointError`` where a NaN or inf first appears, naming the op and where the node was made.

    Slower (every node remembers the line that created it), so for hunting a problem, not for training.
    """
    global _anomaly
    before = _anomaly
    _anomaly = {}
    try:
        yield
    finally:
        _anomaly = before


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _creation_site():
    """The innermost line outside this package (this very folder, not any folder of the same name) running now."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
    return "unknown"


def _check_forward(out, op, a, b):
    where = _creation_site()
    _anomaly[id(out)] = (out, where)
    if not math.isfinite(out.data):
        raise FloatingPointError(f"anomaly: {op.describe(a, b)} = {out.data!r} (Value.{op.name}), created at {where}")


def _check_backward(node, g):
    for child in (node._a, node._b):
        if isinstance(child, Value) and not math.isfinite(child.grad):
            raise _backward_anomaly(node, g, child.grad)


def _backward_anomaly(node, g, child_grad):
    where = _anomaly.get(id(node), (None, "outside detect_anomaly()"))[1]
    return FloatingPointError(
        f"anomaly in backward: the gradient passed from {node._op.name} "
        f"({node._op.describe(node._a.data, _data(node._b))} = {node.data!r}, upstream grad {g!r}, "
        f"local derivatives {node.local_grads()!r}) to its operand is {child_grad!r}; "
        f"the {node._op.name} node was created at {where}"
    )
