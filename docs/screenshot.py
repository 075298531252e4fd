"""Screenshot of the newsroom page on the seed article: docs/page.png (the README shows it).

    python docs/screenshot.py [--out docs/page.png] [--models full|fast]

Starts gunicorn with the real models on a free loopback port (the integration tests' helpers), loads the sample article in headless
Chromium (Debian's ``chromium``, driven by Playwright as in tests/integration/test_web_page.py),
analyzes it toward "ceasefire" and saves the page down to the speaker x target table (256 colours).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.integration.helpers import free_port, start_gunicorn, wait_ready  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "page.png")
    ap.add_argument("--models", default="full", choices=["full", "fast"])
    ap.add_argument("--width", type=int, default=1200)
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = ROOT / "var" / "screenshot-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = start_gunicorn(port, {"CLAIMSCOPE_MODELS": args.models,
                                   "CLAIMSCOPE_JOB_DB": str(ROOT / "var" / "screenshot-jobs.sqlite3")}, log)
    try:
        wait_ready(server, base)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                        args=FLAGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            page.goto(base + "/")
            page.click("#load-seed")
            page.wait_for_function("document.getElementById('text').value.length > 1000")
            page.click("#analyze")
            page.wait_for_selector("#output:not([hidden])", timeout=120_000)
            box = page.locator("#stance-table").bounding_box()
            height = int(box["y"] + box["height"] + 24) if box else 2000
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out), full_page=True,
                            clip={"x": 0, "y": 0, "width": args.width, "height": height})
            browser.close()
    finally:
        server.stop()
    from PIL import Image

    # 256 colours, no dithering: a third of the size, the page looks the same
    with Image.open(args.out) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE)
    small.save(args.out, optimize=True)
    print(f"{args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
