"""Shared pytest settings: hypothesis profiles only.

"ci" (the default) keeps every property test to a modest number of examples and drops the per-example deadline
(a first call into torch can take longer than any sensible deadline). "thorough" is for hunting: run with
HYPOTHESIS_PROFILE=thorough.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
