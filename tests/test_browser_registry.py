"""A coordinator's first hour in a real browser: set up the first account, add the Penza
pre-trial prison and a prisoner, then read the public profile as a supporter would.

Screenshots of each step land in ``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import live_server, page, screenshot
from flask import Flask

from letters.auth.first_run import make_setup_token

# A live server in other threads: real commits, each test's own app contexts, and the
# database restored to a new install afterwards (conftest).
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PASSWORD = "a long and unusual passphrase"


def test_first_coordinator_adds_a_prisoner_and_the_public_profile_prints_the_address(
    app: Flask, page: Any
) -> None:
    with app.app_context():
        token = make_setup_token(app)

    page.goto(f"/setup/{token}")
    page.fill("input[name=email]", "coordinator@abc.example")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    screenshot(page, "registry-01-setup")
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/manage/prisoners"

    page.goto("/manage/facilities/new")
    page.fill("input[name=name]", "ФКУ СИЗО-1 УФСИН России по Пензенской области")
    page.fill("textarea[name=street_address]", "ул. Каракозова, 30")
    page.fill("input[name=city]", "г. Пенза")
    page.fill("input[name=country_area]", "Пензенская обл.")
    page.fill("input[name=postal_code]", "440039")
    page.select_option("select[name=country_code]", "RU")
    page.click("main button[type=submit]")
    # The region is not an official one: the form says so on that field and offers the fix.
    assert "Did you mean “Пензенская область”" in page.inner_text("main")
    screenshot(page, "registry-02-facility-region-refused")
    page.fill("input[name=country_area]", "Пензенская область")
    page.click("main button[type=submit]")
    assert "was added" in page.inner_text("main")

    page.goto("/manage/prisoners/new")
    page.fill("input[name=family_name]", "Пчелинцев")
    page.fill("input[name=given_names]", "Дмитрий")
    page.fill("input[name=patronymic]", "Дмитриевич")
    page.fill("input[name=latin_name]", "Dmitry Pchelintsev")
    page.fill("input[name=birth]", "1992")
    page.get_by_label("Russian", exact=True).check()
    # After "not known yet" and "a new facility": the prison added above.
    page.select_option("select[name=facility_id]", index=2)
    screenshot(page, "registry-03-new-prisoner")
    page.click("main button[type=submit]")
    assert "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р." in page.inner_text("main")
    screenshot(page, "registry-04-edit-shows-the-dative")

    page.goto("/prisoners")
    page.click("text=Пчелинцев")
    address = page.inner_text("pre.address:visible").splitlines()
    assert address == [
        "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
        "ФКУ СИЗО-1 УФСИН России по Пензенской области",
        "ул. Каракозова, 30",
        "г. Пенза",
        "Пензенская область",
        "440039",
        "RUSSIA",
    ]
    screenshot(page, "registry-05-public-profile")
    page.fill("#from", "Russia (RU)")
    page.click("text=Show the address")
    assert page.inner_text("pre.address:visible").splitlines()[-1] == "440039"

    # Nothing was fetched from anywhere but the app itself.
    assert page.requested_hosts == {"127.0.0.1"}
