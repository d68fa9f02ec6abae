"""Shared pytest settings: hypothesis profiles only.

"ci" (the default, what `make test` runs) keeps every property test to a modest number of examples, drops the
per-example deadline (a first call into torch can take longer than any sensible deadline) and is derandomized: the
same examples on every run and machine, so a run that passed on a commit passes on a clean checkout of it too.
"thorough" is for hunting, with new random examples each run: HYPOTHESIS_PROFILE=thorough; what it finds becomes an
``@example`` of its test.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
