"""Shared pytest settings: hypothesis profiles, and matplotlib's backend for the tests.

"ci" (the default, what `make test` runs) keeps every property test to a modest number of examples, drops the
per-example deadline (a first call into torch can take longer than any sensible deadline) and is derandomized: the
same examples on every run and machine, so a run that passed on a commit passes on a clean checkout of it too.
"thorough" is for hunting, with new random examples each run: HYPOTHESIS_PROFILE=thorough; what it finds becomes an
``@example`` of its test.
"""

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# matplotlib draws into files in the tests, never on a screen: the Agg backend, as the command line uses it (the
# library itself never chooses one). Figures a test leaves open in pyplot are closed after it.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
