"""The newsroom page in a real headless Chromium (Debian's), against a real gunicorn and pipeline."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from .helpers import served

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def screenshot_colours(shot: Path) -> tuple[Any, set[tuple[int, int, int]]]:
    """A page screenshot as an RGB image, and the set of colours it holds."""
    from PIL import Image

    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    return image, {c for _, c in image.getcolors(maxcolors=1 << 20) or []}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with served(tmp_path_factory.mktemp("web")) as url:
        yield url


def test_page_highlights_claims_by_speaker(base, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        assert page.title() == "ClaimScope"
        page.click("#load-seed")
        page.wait_for_function("document.getElementById('text').value.length > 1000")
        assert page.input_value("#targets") == "ceasefire"
        page.click("#analyze")
        page.wait_for_selector("#output:not([hidden])", timeout=120_000)
        status = page.text_content("#status")
        assert "claims from" in status, status

        claims = page.locator("#highlighted .claim")
        assert claims.count() >= 10
        speakers = set(page.eval_on_selector_all("#highlighted .claim", "els => els.map(e => e.dataset.speaker)"))
        assert len(speakers) >= 5
        colours = set(page.eval_on_selector_all("#highlighted .claim", "els => els.map(e => getComputedStyle(e).backgroundColor)"))
        assert len(colours) >= 5  # one colour per speaker
        assert page.locator("#highlighted .cue").count() >= 10
        assert "ceasefire" in page.text_content("#stance-table tr")
        assert page.locator("#claims-table tr").count() == claims.evaluate_all(
            "els => new Set(els.map(e => e.dataset.claim)).size") + 1
        # the U.S. official's claim is highlighted, in the official's colour, like his later ones
        texts = claims.evaluate_all("els => els.map(e => [e.textContent, e.dataset.speaker])")
        official = {sid for text, sid in texts if "Washington opposes" in text}
        assert len(official) == 1
        assert any("Security Council bears" in text and sid in official for text, sid in texts)

        shot = tmp_path / "page.png"
        page.locator("#highlighted").screenshot(path=str(shot))
        browser.close()
    assert not errors, errors
    image, distinct = screenshot_colours(shot)
    assert image.width > 600 and image.height > 400
    backgrounds = {(0xCF, 0xE3, 0xFF), (0xFF, 0xD6, 0xCC), (0xD4, 0xF5, 0xD4)}  # the first three speakers
    assert backgrounds <= distinct, "the speaker colours are not on the screenshot"


def test_page_shows_api_errors(base):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(base + "/")
        page.click("#analyze")
        assert "Paste some text" in page.text_content("#status")
        page.fill("#text", "Some text.")
        page.fill("#targets", ",".join(f"t{i}" for i in range(25)))
        page.click("#analyze")
        page.wait_for_function("document.getElementById('status').textContent.includes('validation_error')")
        browser.close()


def test_page_deletes_the_jobs_it_created(base):
    import requests
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        assert page.is_hidden("#jobs")
        page.fill("#text", "The minister said that the bridge will reopen in March.")
        page.click("#submit-job")
        row = page.locator("#jobs-table tr[data-job]")
        row.wait_for()
        job_id = row.get_attribute("data-job")
        page.wait_for_function("document.querySelector('#jobs-table .job-status').textContent.startsWith('completed')",
                               timeout=120_000)
        assert "expires" in row.text_content()
        page.click("#jobs-table button[data-action=show]")
        page.wait_for_selector("#output:not([hidden])")
        assert page.locator("#highlighted .claim").count() >= 1
        page.reload()  # the page remembers its jobs
        row.wait_for()
        page.click("#jobs-table button[data-action=delete]")
        page.wait_for_selector("#jobs", state="hidden")
        assert "deleted" in page.text_content("#status")
        browser.close()
    assert not errors, errors
    assert requests.get(f"{base}/v1/jobs/{job_id}", timeout=10).status_code == 404
