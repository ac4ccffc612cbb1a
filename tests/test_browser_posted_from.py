"""In a real browser: one "posted from" choice per visitor, kept in the browser only.

Chosen on one prisoner's page, it is the choice on another prisoner's write page, and the
envelope printed from there follows it; it survives a reload and never travels as a cookie.
The write page has no accessibility violations (axe-core, any impact).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pdfplumber
import pytest
from browser import live_server, page, screenshot
from conftest import app_context, make_facility, make_prisoner
from flask import Flask

from letters.extensions import db
from letters.settings.services import save_group_settings

pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

GROUP_ADDRESS = "Solidarity Group Berlin\nPostfach 12 34\n10115 Berlin"


def two_prisoners(app: Flask) -> tuple[int, int]:
    """Two people held in Russia; the group posts from Germany."""
    with app_context(app):
        save_group_settings("Solidarity Group", GROUP_ADDRESS, "DE")
        first = make_prisoner()
        second = make_prisoner(
            make_facility(name="ФКУ СИЗО-2 УФСИН России по Пензенской области"),
            family_name="Иванов",
            given_names="Пётр",
            patronymic="Сергеевич",
            latin_name="Pyotr Ivanov",
        )
        db.session.commit()
        return first.id, second.id


def shown_address(page: Any) -> str:
    return str(page.locator("#address-as-posted pre:visible").inner_text())


def test_one_choice_carries_from_a_profile_to_another_write_page_and_its_envelope(
    app: Flask, page: Any
) -> None:
    first, second = two_prisoners(app)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(f"/prisoners/{first}")
    assert page.input_value("#from") == "Germany (DE)"  # the group's home country
    assert shown_address(page).endswith("RUSSIA")
    page.fill("#from", "Russia (RU)")
    page.press("#from", "Tab")  # the choice is made when the box is left
    # Posted inside Russia: the address on the page drops its country line at once, and the
    # envelope form beside it follows.
    assert not shown_address(page).endswith("RUSSIA")
    assert page.input_value("#envelope-from") == "Russia (RU)"
    screenshot(page, "posted-from-01-profile")

    page.goto(f"/prisoners/{second}/write")
    assert page.input_value("#envelope-from") == "Russia (RU)"
    page.reload()
    assert page.input_value("#envelope-from") == "Russia (RU)"  # survives a reload

    with page.expect_download() as download_info:
        page.click("#print-envelope")
    download = download_info.value
    # The envelope's request carries the choice, and the envelope follows it: posted inside
    # Russia, neither the destination nor the group's country is printed.
    assert parse_qs(urlsplit(download.url).query)["from"] == ["Russia (RU)"]
    with pdfplumber.open(Path(download.path())) as pdf:
        lines = (pdf.pages[0].extract_text() or "").splitlines()
    assert any(line.endswith("Иванову Петру Сергеевичу, 1992 г.р.") for line in lines), lines
    assert "RUSSIA" not in lines
    assert "GERMANY" not in lines

    # Back on a profile never submitted: the remembered choice, and its address, are shown.
    page.goto(f"/prisoners/{second}")
    assert page.input_value("#from") == "Russia (RU)"
    assert not shown_address(page).endswith("RUSSIA")

    # A name typed by hand is understood, and shown as the list writes it.
    page.fill("#from", "germany")
    page.press("#from", "Tab")
    assert page.input_value("#from") == "Germany (DE)"
    assert shown_address(page).endswith("RUSSIA")
    page.fill("#from", "Russia (RU)")
    page.press("#from", "Tab")

    # Kept in this browser's storage, never in a cookie: the only cookie is the session's,
    # and it holds nothing about the country.
    stored = page.evaluate("() => window.localStorage.getItem('letters.posted-from')")
    assert stored == "RU"
    cookies = page.context.cookies()
    assert {cookie["name"] for cookie in cookies} <= {app.config["SESSION_COOKIE_NAME"]}
    with app.app_context():
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        for cookie in cookies:
            session = serializer.loads(cookie["value"])
            assert not any("from" in key or "country" in key for key in session), session
            assert not {"RU", "Russia (RU)"} & {str(value) for value in session.values()}
    assert console_errors == []  # no script blocked by the Content-Security-Policy
    assert page.requested_hosts == {"127.0.0.1"}  # type: ignore[attr-defined]


def test_the_pages_with_a_country_list_have_no_accessibility_violations(
    app: Flask, page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _first, second = two_prisoners(app)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/prisoners/{second}/write")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()

    # The profile: two country boxes sharing one list.
    page.goto(f"/prisoners/{second}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
