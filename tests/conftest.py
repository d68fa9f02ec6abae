"""Shared pytest settings: hypothesis profiles, matplotlib's backend for the tests, and the headless Chromium the
browser tests drive.

"ci" (the default, what `make test` runs) keeps every property test to a modest number of examples, drops the
per-example deadline (a first call into torch can take longer than any sensible deadline) and is derandomized: the
same examples on every run and machine, so a run that passed on a commit passes on a clean checkout of it too.
"thorough" is for hunting, with new random examples each run: HYPOTHESIS_PROFILE=thorough; what it finds becomes an
``@example`` of its test.
"""

import os
import shutil
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


# The system's Chromium (Debian's /usr/bin/chromium, which scripts/setup.sh test installs), driven by playwright;
# playwright's own browser download is never used. Without background networking, component updates and the like,
# Chromium asks no outside host for anything, so the tests' network logs hold only what the pages asked for.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-extensions"]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (test_browser_trace, test_play_browser): make a page with
    ``browser.new_context(viewport=...).new_page()``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; scripts/setup.sh test installs it)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
