"""Worked examples shared by several test files (imported as ``from examples import ...``)."""

from autograd_mini import Value


def karpathy():
    """The worked example of Karpathy's 'spelled-out intro to backpropagation', L = (a * b + c) * f:
    e = a * b = 2 * -3 = -6,  d = e + c = -6 + 10 = 4,  L = d * f = 4 * -2 = -8.
    Returns L and the dict of every node by its label."""
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, dict(a=a, b=b, c=c, d=d, e=e, f=f, L=L)


def fan_out():
    """y = (x + x) * x at x = 3, with s = x + x: x reaches y by three edges, so its gradient collects three
    contributions: dy/dx = 4 x = 12. Returns y, s, x."""
    x = Value(3.0, label="x")
    s = x + x
    s.label = "s"
    y = s * x
    y.label = "y"
    return y, s, x


def while_another_thread_is_in_no_grad(work):
    """Run ``work()`` in this thread while another thread sits inside ``no_grad()``, and return its result.
    Grad mode is per thread (as in PyTorch): the other thread's block must not reach this one."""
    import threading

    from autograd_mini import no_grad

    ready, done = threading.Event(), threading.Event()

    def other():
        with no_grad():
            ready.set()
            done.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    ready.wait(5)
    try:
        return work()
    finally:
        done.set()
        thread.join()


def torch_jvp(f, primals, tangents):
    """``torch.func.jvp`` (the oracle for forward mode). Its first call in a process scripts torch's jvp
    decompositions, and ``torch.jit.script`` warns 18 times that it is deprecated: torch's own business, silenced
    here, where it happens, and nowhere else."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"`torch\.jit\.script` is deprecated", DeprecationWarning)
        return torch.func.jvp(f, primals, tangents)
