"""A coordinator writes a solidarity week's public call in two languages with a payment
reference and publishes it; a visitor reading Russian finds it in Russian, with the people to
write to and the reference, and copies the reference.

Screenshots of each step land in ``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import live_server, page, screenshot
from conftest import AuthActions, make_facility, make_prisoner
from flask import Flask

from letters.campaigns.services import CampaignFields, save_campaign
from letters.extensions import db
from letters.models import Campaign, CampaignKind
from letters.settings.services import save_group_settings

# A live server in other threads: real commits, each test's own app contexts, and the
# database restored to a new install afterwards (conftest).
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PASSWORD = "correct horse battery staple"  # conftest's, which AuthActions.create uses


def test_a_coordinator_publishes_a_call_in_two_languages_and_a_visitor_copies_the_reference(
    app: Flask, page: Any, live_server: str, auth: AuthActions
) -> None:
    auth.create("coordinator@abc.example")
    today = date.today()
    with app.app_context():
        save_group_settings("ABC", "", "", donation_instructions="**Bank transfer**: IBAN DE00")
        facility = make_facility()
        listed = make_prisoner(facility)
        hidden = make_prisoner(
            facility,
            family_name="Скрытый",
            given_names="Тайный",
            latin_name="Hidden Person",
            is_listed=False,
        )
        campaign = save_campaign(
            None,
            CampaignFields(
                kind=CampaignKind.CAMPAIGN,
                name="Solidarity week",
                starts_on=today + timedelta(days=3),
                ends_on=today + timedelta(days=10),
                prisoner_ids=[listed.id, hidden.id],
            ),
        )
        db.session.commit()
        campaign_id, listed_id = campaign.id, listed.id

    page.goto("/login")
    page.fill("input[name=email]", "coordinator@abc.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"/manage/campaigns/{campaign_id}")
    page.click("text=The public call")

    # The English call, then the Russian one.
    for language, title, body in (
        ("en", "Days of solidarity", "Arrange **street actions**, write letters."),
        ("ru", "Дни солидарности", "Устраивайте **уличные акции**, пишите письма."),
    ):
        page.click("text=Add a language")
        page.select_option("select[name=language]", language)
        page.fill("input[name=title]", title)
        page.fill("textarea[name=body]", body)
        page.click("main button[type=submit]")
        assert title in page.inner_text("#call-texts")
    screenshot(page, "call-01-texts")

    page.fill("input[name=payment_reference]", "205")
    page.select_option("select[name=poster_language]", "ru")
    page.check("input[name=call_published]")
    page.click("#call-settings button[type=submit]")
    assert "The call is published." in page.inner_text("main")
    with app.app_context():
        saved = db.session.get_one(Campaign, campaign_id)
        assert (saved.call_published, saved.payment_reference, saved.poster_language) == (
            True,
            "205",
            "ru",
        )
        assert not saved.report_published

    # A visitor whose browser reads Russian, with no account.
    visitor_context = page.context.browser.new_context(base_url=live_server, locale="ru-RU")
    try:
        visitor_context.grant_permissions(["clipboard-read", "clipboard-write"])
        visitor = visitor_context.new_page()
        hosts: set[str | None] = set()
        visitor.on("request", lambda r: hosts.add(urlsplit(r.url).hostname))
        visitor.goto(f"/campaigns/{campaign_id}")
        main = visitor.inner_text("main")
        assert "Дни солидарности" in visitor.inner_text("h1")
        assert "уличные акции" in main
        assert "Как помочь" in main
        assert "Пчелинцев" in main
        assert "Скрытый" not in visitor.content()
        assert f"/prisoners/{listed_id}/write" in visitor.content()
        assert "Bank transfer" in main
        assert visitor.inner_text("#payment-reference") == "205"
        screenshot(visitor, "call-02-visitor")

        # The copy button, shown by the page's own script: it selects the reference and puts
        # it on the clipboard where the browser allows, and says which it did.
        button = visitor.locator("button[data-copy=payment-reference]")
        assert button.is_visible()
        button.click()
        visitor.wait_for_function("document.getElementById('copy-status').textContent !== ''")
        status = visitor.inner_text("#copy-status")
        assert visitor.evaluate("window.getSelection().toString().trim()") == "205"
        if status == "Скопировано":
            assert visitor.evaluate("navigator.clipboard.readText()") == "205"
        else:
            assert status == "Выделено: нажмите Ctrl+C, чтобы скопировать"
        screenshot(visitor, "call-03-copied")

        # The English text is one click away.
        visitor.click("a[hreflang=en]")
        assert "Days of solidarity" in visitor.inner_text("h1")
        assert hosts == {"127.0.0.1"}
    finally:
        visitor_context.close()
