"""Pausing CPython's cyclic garbage collector while a large graph is built and backpropagated."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; the previous state is restored on exit.

    Safe with this engine: its graphs hold no reference cycles, so reference counting frees every node as soon as
    it is no longer used. With a large graph alive the collector would keep walking every object of the process
    and find nothing to free (docs/ARCHITECTURE.md has the figures). ``nn.train.fit`` pauses it for each step.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
