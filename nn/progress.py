"""The progress bar of ``fit``: a tqdm bar over the epochs where it updates in place, and nowhere else.

In a notebook it is the ipywidgets bar (``tqdm.auto``); in a terminal, a text bar on stderr when stderr is one.
Never ``\\r`` updates written into a notebook cell or a log file. ``write_line`` prints a line (an epoch line of the
command line) without breaking a bar that is being drawn on the same terminal.
"""

import importlib.util
import sys
import warnings
from typing import Any

__all__ = ["progress_bar", "write_line"]

LONG_RUN = 20_000  # parameter uses (epochs x samples x parameters) from which a run gets a bar by default


def in_notebook() -> bool:
    """True inside a Jupyter kernel (a notebook, JupyterLab, VS Code, Colab), where stderr is a cell's output."""
    ipython = sys.modules.get("IPython")  # never imported here: only when the user already runs under IPython
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None  # the terminal's IPython has no kernel


def progress_bar(progress: bool | None, epochs: int, work: int) -> Any:
    """A tqdm bar over the epochs, or None. progress=None: on for a long run (``work``, the number of parameter
    uses, ``LONG_RUN`` or more) in a notebook with ipywidgets (a widget that updates in place, ``tqdm.auto``), or in
    a terminal when stderr is one."""
    notebook = in_notebook()
    widgets = notebook and importlib.util.find_spec("ipywidgets") is not None
    if progress is None:
        progress = work >= LONG_RUN and (widgets if notebook else bool(getattr(sys.stderr, "isatty", lambda: False)()))
    if not progress:
        return None
    if notebook and not widgets:
        warnings.warn(
            "fit(progress=True): a progress bar in a notebook needs ipywidgets (pip install ipywidgets, or "
            "autograd-mini[plot]); training without one",
            stacklevel=3,
        )
        return None
    try:
        if notebook:
            from tqdm.auto import tqdm  # the notebook widget
        else:
            from tqdm import tqdm
    except ImportError:
        if progress is True:
            raise ImportError("fit(progress=True) needs tqdm: pip install tqdm (or autograd-mini[plot])") from None
        return None
    return tqdm(total=epochs, desc="training", unit="epoch", file=None if notebook else sys.stderr, leave=True)


def write_line(text: str, file: Any = None) -> None:
    """Print ``text`` and flush at once (so that it reaches a pipe or a log file as it happens), clearing and
    redrawing a tqdm bar that shares the terminal (tqdm's ``external_write_mode``)."""
    file = sys.stdout if file is None else file
    tqdm = sys.modules.get("tqdm")  # a bar can only be drawn if tqdm was imported
    if tqdm is None:
        print(text, file=file, flush=True)
        return
    with tqdm.tqdm.external_write_mode(file=file):
        print(text, file=file, flush=True)
