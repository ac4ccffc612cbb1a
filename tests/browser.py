"""A live server and Debian's Chromium driven by Playwright, for tests that need a real browser.

Playwright's own browser download is not used (it cannot be fetched here and is not needed):
the pip package drives ``/usr/bin/chromium``. Where that is missing the tests are skipped with
the reason; CI installs it (``.ci/run``).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
# Flags for a closed network: without them Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    assert request.node.get_closest_marker("commits"), "the server's threads need real commits"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(live_server: str) -> Iterator[Any]:
    """A fresh browser page that records every request it makes."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(
            f"no browser: Debian's Chromium is not installed at {CHROMIUM} "
            "(apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server, locale="en-GB")
        page = context.new_page()
        page.requested_hosts = set()  # type: ignore[attr-defined]
        page.on("request", lambda r: page.requested_hosts.add(urlsplit(r.url).hostname))
        yield page
        context.close()
        browser.close()


def screenshot(page: Any, name: str) -> None:
    """Keep a picture of the step for CI artifacts (``artifacts/screenshots``).

    Take it after a step's click, not between filling a form and clicking its button: after a
    full-page capture, Chromium's click on a button below the fold can land nowhere.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def follow_nav(page: Any, label: str) -> None:
    """Follow the header's link or button called ``label`` (exactly), first opening the menu
    group it sits in: a coordinator's header is grouped into <details> menus."""
    item = page.locator("header nav").get_by_role(
        "link", name=label, exact=True, include_hidden=True
    )
    if item.count() == 0:
        item = page.locator("header nav").get_by_role(
            "button", name=label, exact=True, include_hidden=True
        )
    group = item.locator("xpath=ancestor::details[1]")
    if group.count() and group.get_attribute("open") is None:
        group.locator("summary").click()
    item.click()
