"""The README's pictures of the playground: docs/play.png (the formula page, micrograd's neuron, three steps into
the backward pass, n1's panel open: its operands x1 and w1, upstream x local) and docs/play_network.png (the network
page after about two seconds of training on moons, a neuron's delta open), taken in headless Chromium at 1024 px
(what a projector shows; README shows them at 880 px) from a real server on 127.0.0.1.

    .venv/bin/python docs/make_play_pictures.py
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from autograd_mini.files import write_bytes
from nn.app.play_command import serve_in_background

HERE = Path(__file__).resolve().parent
LINK = "?formula=tanh(x1*w1%2Bx2*w2%2Bb)&x1=2&x2=0&w1=-3&w2=1&b=6.8813735870195432"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    playground = serve_in_background()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.goto(playground.url + LINK)
            page.wait_for_selector("#graph svg")
            page.click("#mode-steps")
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            # n1, whose gradient step 3 completes (x1's is "?" until step 5, in the picture and its panel alike)
            page.locator("#graph g.node", has=page.locator("text", has_text=re.compile("^n1$"))).click()
            page.evaluate("window.scrollTo(0, 0)")
            shots = {"play.png": page.screenshot(full_page=True)}
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.goto(playground.url + "network?data=moons&hidden=8,8&points=200")
            page.wait_for_selector("#net-svg circle")
            page.click("#play")
            page.wait_for_timeout(2000)
            page.click("#play")
            page.fill("#sample", "3")
            page.press("#sample", "Enter")
            page.locator("#net-svg g.neuron[data-layer='2'][data-neuron='1']").click()
            page.wait_for_selector("#delta-verdict")
            shots["play_network.png"] = page.screenshot(full_page=True)
            browser.close()
    finally:
        playground.stop()
    for name, shot in shots.items():  # 256 colours: the README keeps its pictures under 200 kB
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        png = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, format="PNG", optimize=True)
        write_bytes(HERE / name, png.getvalue())  # whole, never through a link planted in docs/ (autograd_mini.files)


if __name__ == "__main__":
    main()
