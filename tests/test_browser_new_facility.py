"""A coordinator adds a prisoner at a facility nobody has entered yet, in one go, chooses their
languages by name, then picks the 10 who most need letters for an evening; and, without
JavaScript, a mistake in the new facility's address loses nothing typed (issue 13 item 7).

Screenshots of each step land in ``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import follow_nav, live_server, page, screenshot
from conftest import AuthActions, make_facility, make_prisoner
from flask import Flask
from sqlalchemy import select

from letters.extensions import db
from letters.models import Facility, LetterSent, Prisoner

# A live server in other threads: real commits, each test's own app contexts, and the
# database restored to a new install afterwards (conftest).
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PASSWORD = "correct horse battery staple"  # conftest's, which AuthActions.create uses


def log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    # The click returns once the next page is on its way; the header is read from it next.
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.startswith("/manage")


def fill_person(page: Any) -> None:
    page.fill("#family_name", "Кулик")
    page.fill("#given_names", "Анна")
    page.fill("#patronymic", "Сергеевна")
    page.fill("#latin_name", "Anna Kulik")
    page.select_option("#gender", "female")
    page.fill("#birth", "1990")
    page.fill("#bio", "A librarian from Vladimir.")
    # Languages by name: a box for Russian, and Georgian typed by its name.
    page.get_by_label("Russian", exact=True).check()
    page.fill("#other_languages", "Georgian")


def fill_melekhovo(page: Any, postal_code: str = "601966") -> None:
    page.fill("#facility-name", "ФКУ ИК-6 УФСИН России по Владимирской области")
    page.fill("#facility-street_address", "ул. Ленина, 1")
    page.fill("#facility-city", "пос. Мелехово")
    page.fill("#facility-country_area", "Владимирская область")
    page.fill("#facility-postal_code", postal_code)
    page.select_option("#facility-country_code", "RU")


def seed_twelve_with_different_last_letters(app: Flask) -> list[int]:
    """Twelve people at one facility, ``ids[n]`` last written to ``15 + 10 n`` days ago (the
    first five within the last 60 days): the later in the list, the greater the need."""
    with app.app_context():
        facility = make_facility()
        ids = []
        for n in range(12):
            prisoner = make_prisoner(facility, family_name=f"Фамилия{n:02d}", latin_name="")
            sent_on = date.today() - timedelta(days=15 + 10 * n)
            db.session.add(LetterSent(prisoner_id=prisoner.id, sent_on=sent_on, letters=1))
            ids.append(prisoner.id)
        db.session.commit()
        return ids


def test_a_coordinator_adds_a_prisoner_with_a_new_facility_in_one_go_and_picks_the_10_neediest(
    app: Flask, page: Any, auth: AuthActions
) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="no axe-core")
    auth.create("coordinator@abc.example")
    seeded = seed_twelve_with_different_last_letters(app)
    log_in(page, "coordinator@abc.example")

    follow_nav(page, "Manage prisoners")
    page.click("main >> text=Add a prisoner")
    assert page.inner_text("h1") == "Add a prisoner"
    results = axe.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    fill_person(page)
    # Choosing a new facility opens its sub-form on the same page.
    assert not page.locator("#facility-name").is_visible()
    page.select_option("#facility_id", "new")
    assert page.locator("#facility-name").is_visible()
    fill_melekhovo(page)
    page.get_by_label("Photos").select_option("yes")
    page.click("main button[type=submit]")

    assert "Кулик" in page.inner_text(".flash")
    screenshot(page, "new-facility-01-added-in-one-go")
    main = page.inner_text("main")
    assert "Facility: ФКУ ИК-6 УФСИН России по Владимирской области" in main
    domestic = page.locator("pre.address").first.inner_text().splitlines()
    assert domestic == [
        "Кулик Анне Сергеевне, 1990 г.р.",
        "ФКУ ИК-6 УФСИН России по Владимирской области",
        "ул. Ленина, 1",
        "пос. Мелехово",
        "Владимирская область",
        "601966",
    ]
    # The languages as chosen, first first, shown ticked by name.
    assert page.get_by_label("Russian", exact=True).is_checked()
    assert page.get_by_label("Georgian", exact=True).is_checked()
    new_id = int(urlsplit(page.url).path.split("/")[-2])
    with app.app_context():
        prisoner = db.session.get_one(Prisoner, new_id)
        assert prisoner.languages == "ru ka"
        facility = db.session.scalars(select(Facility).where(Facility.city == "пос. Мелехово"))
        assert prisoner.facility_id == facility.one().id

    # An evening for the ten who most need letters: the new prisoner (never written to) and
    # the nine written to longest ago; not the three written to most recently.
    follow_nav(page, "Evenings and campaigns")
    page.click("text=New evening or campaign")
    page.fill("input[name=name]", "December evening")
    assert page.locator("#people-picker tbody tr").count() == 13
    page.fill("input[name=neediest]", "10")
    page.click("button[name=pick]")
    ticked = page.locator("#people-picker input[name=prisoner_ids]:checked")
    chosen = {int(v) for v in ticked.evaluate_all("els => els.map(e => e.value)")}
    assert chosen == {new_id, *seeded[3:]}
    screenshot(page, "new-facility-02-ten-neediest")
    page.click("main button[type=submit]")
    assert "December evening" in page.inner_text("h1")
    main = page.inner_text("main")
    assert "Кулик" in main
    assert all(f"Фамилия{n:02d}" in main for n in range(3, 12))
    assert not any(f"Фамилия{n:02d}" in main for n in range(3))

    # Nothing was fetched from anywhere but the app itself.
    assert page.requested_hosts == {"127.0.0.1"}


def test_without_javascript_a_bad_new_facility_keeps_everything_typed_then_goes_through(
    app: Flask, page: Any, auth: AuthActions, live_server: str
) -> None:
    auth.create("coordinator@abc.example")
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(base_url=live_server, locale="en-GB", java_script_enabled=False)
    try:
        nojs = context.new_page()
        log_in(nojs, "coordinator@abc.example")
        nojs.goto("/manage/prisoners/new")
        fill_person(nojs)
        nojs.select_option("#facility_id", "new")
        # No script opens the sub-form: the coordinator opens it.
        assert not nojs.locator("#facility-name").is_visible()
        nojs.click("text=Add a new facility")
        fill_melekhovo(nojs, postal_code="6019")
        nojs.click("main button[type=submit]")

        # The same page again, the error beside the postal code, every value as typed.
        assert nojs.locator("#facility-postal_code[aria-invalid=true]").count() == 1
        assert "Postal code “6019” is not valid" in nojs.inner_text("main")
        screenshot(nojs, "new-facility-03-no-js-error-keeps-everything")
        assert nojs.input_value("#family_name") == "Кулик"
        assert nojs.input_value("#patronymic") == "Сергеевна"
        assert nojs.input_value("#gender") == "female"
        assert nojs.input_value("#bio") == "A librarian from Vladimir."
        assert nojs.get_by_label("Russian", exact=True).is_checked()
        assert nojs.input_value("#other_languages") == "Georgian"
        assert nojs.input_value("#facility_id") == "new"
        assert nojs.locator("#facility-name").is_visible()  # the sub-form is open
        assert nojs.input_value("#facility-city") == "пос. Мелехово"
        with app.app_context():
            assert db.session.scalars(select(Prisoner)).first() is None
            assert db.session.scalars(select(Facility)).first() is None

        nojs.fill("#facility-postal_code", "601966")
        nojs.click("main button[type=submit]")
        assert "Кулик Анне Сергеевне, 1990 г.р." in nojs.inner_text("main")
    finally:
        context.close()
