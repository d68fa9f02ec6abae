"""Regenerate the README's pictures in docs/ from a run of the tour (plus a browser screenshot of its step page).

    .venv/bin/python docs/make_pictures.py

Runs ``autograd-mini tour`` (the full one, about half a minute) into a temporary folder, copies the pictures the
README shows, and photographs one step of ``02_backward_steps.html`` with headless Chromium (skipped, with a
message, when Chromium is not installed).
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nn.app.tour import run_tour  # noqa: E402

DOCS = ROOT / "docs"
PICTURES = {  # tour file -> docs file
    "01_neuron.png": "neuron.png",
    "02_local_derivatives.png": "local_derivatives.png",
    "04_fd_error.png": "fd_error.png",
    "05_loss_curve.png": "loss_curve.png",
    "05_decision_boundary.png": "decision_boundary.png",
}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tour"
        run_tour(out, progress=False)
        for source, target in PICTURES.items():
            shutil.copyfile(out / source, DOCS / target)
            print(f"docs/{target}")
        browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if browser is None:
            print("no Chromium: docs/backward_step.png not updated")
            return 0
        # the page opens at step 0; show step 4 (the second multiplication passing its gradient back)
        page = Path(tmp) / "step4.html"
        page.write_text((out / "02_backward_steps.html").read_text().replace("  show(0);", "  show(4);"))
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1024,640",
             f"--screenshot={DOCS / 'backward_step.png'}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        print("docs/backward_step.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
