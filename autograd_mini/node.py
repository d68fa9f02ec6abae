"""What a node shows of itself: its op and operands, comparisons by value, and how it prints.

``Value`` (engine.py) inherits all of this; the chain rule lives there, not here. Nothing in this module computes a
derivative.
"""

import numbers
import operator
from collections.abc import Callable
from typing import Any

from autograd_mini import modes
from autograd_mini.ops import Op


def _comparison(compare: Callable[[float, Any], Any]) -> Callable[["Node", Any], Any]:
    """``self < other`` ... by value, for a Value or a real number ``other``: a bool, not a node."""

    def method(self: "Node", other: Any) -> Any:
        if isinstance(other, Node):
            return compare(self.data, other.data)
        if isinstance(other, numbers.Real):  # compared as they are: an int too large for a float still compares
            return bool(compare(self.data, other))
        return NotImplemented  # Python then says "'<' not supported between instances of 'Value' and 'str'"

    method.__name__ = method.__qualname__ = f"__{compare.__name__}__"
    return method


class Node:
    """The parts of a ``Value`` that look at it rather than compute with it."""

    __slots__ = ()
    data: float
    grad: Any
    label: str
    _op: Op | None
    _a: Any
    _b: Any

    @property
    def op(self) -> Op | None:
        """The ``Op`` that produced this node, or None for a leaf (an input or a parameter)."""
        return self._op

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    @property
    def operands(self) -> tuple[Any, ...]:
        """The op's operands in order: Values, and numbers that were mixed into the op. () for a leaf."""
        if self._op is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def children(self) -> tuple[Any, ...]:
        """The Values this node was computed from, in operand order; ``a + a`` lists ``a`` twice."""
        return tuple(v for v in self.operands if isinstance(v, Node))

    def detach(self) -> Any:
        """A new leaf with the same value: the graph behind this node stops here."""
        return type(self)(self.data, self.label)  # type: ignore[call-arg]

    def __float__(self) -> float:
        if modes.thread.rules_on_values:  # a local derivative evaluated on Values: a number would cut its graph
            raise TypeError(
                f"a Value ({self.data!r}) was made a plain number (math.exp(a), float(a)) inside a local derivative "
                f"evaluated on Values, so the derivative would not depend on it"
            )
        return self.data

    def __format__(self, spec: str) -> str:  # f"{v:.3f}" formats the value
        return format(self.data, spec) if spec else repr(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # Comparisons by value, as PyTorch and autograd compare scalars; the result is a bool, not a node. So max(a, b),
    # min(...) and sorted(...) work (and pick Values, which stay in their graphs). The hash stays the node's
    # identity, as a torch tensor's: a set or dict of Values holds nodes, and two different nodes with equal values
    # are two entries (Python compares hashes before it asks ==). To ask "the same node?", use ``is``.
    __lt__ = _comparison(operator.lt)
    __le__ = _comparison(operator.le)
    __gt__ = _comparison(operator.gt)
    __ge__ = _comparison(operator.ge)
    __eq__ = _comparison(operator.eq)
    __ne__ = _comparison(operator.ne)
    __hash__ = object.__hash__
