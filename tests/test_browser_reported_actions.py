"""In a real browser: a visitor reports a banner with a phone photo carrying its GPS position, a
coordinator publishes it from the moderation queue, and the public page shows it, the photo
without any metadata.

Each page has no accessibility violations (axe-core). Screenshots of each step land in
``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import live_server, page, screenshot
from conftest import AuthActions
from flask import Flask
from PIL import Image
from test_campaign_actions import GPS_IFD, assert_no_metadata, phone_photo

from letters.extensions import db
from letters.models import Campaign, CampaignCall, CampaignKind

pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PASSWORD = "correct horse battery staple"  # conftest's, which AuthActions.create uses


def assert_accessible(page: Any) -> None:
    """axe-core finds nothing, of any impact (its bundled script: nothing is fetched)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def loaded_width(image: Any) -> int:
    """The natural width of ``image`` (a locator) once it has loaded: photos load lazily, so
    it is scrolled into view and waited for rather than read while still 0."""
    image.scroll_into_view_if_needed()
    handle = image.element_handle()
    image.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    return int(image.evaluate("img => img.naturalWidth"))


def published_call(app: Flask) -> int:
    today = date.today()
    with app.app_context():
        campaign = Campaign(
            kind=CampaignKind.CAMPAIGN,
            name="Days of solidarity",
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=5),
            call_published=True,
            calls=[CampaignCall(language="en", title="Days of solidarity", body="Write!")],
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign.id


def test_a_reported_banner_is_published_and_shown_with_a_clean_photo(
    app: Flask, page: Any, auth: AuthActions
) -> None:
    auth.create("coordinator@abc.example")
    campaign_id = published_call(app)
    photo = phone_photo((1200, 900))
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)

    # A visitor, with no account, reports a banner with the photo.
    page.goto(f"/campaigns/{campaign_id}/actions")
    page.click("text=Report an action")
    assert page.locator("#photo-warning").is_visible()
    assert_accessible(page)
    page.check("input[name=kind][value=banner]")
    page.fill("input[name=city]", "Vilnius")
    page.fill("input[name=country]", "Lithuania")
    page.fill("input[name=happened_on]", (date.today() - timedelta(days=1)).isoformat())
    page.fill("textarea[name=description]", "A banner on the Green Bridge.")
    page.set_input_files(
        "input[name=photos]",
        files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo}],
    )
    page.click("main button[type=submit]")
    assert "Thank you! Your report will appear here" in page.inner_text("main")
    assert "Vilnius" not in page.inner_text("main")  # not before a coordinator publishes it
    screenshot(page, "actions-01-reported")

    # The coordinator finds it from the campaign's page and publishes it.
    page.goto("/login")
    page.fill("input[name=email]", "coordinator@abc.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"/manage/campaigns/{campaign_id}")
    page.click("text=Reported actions (1 waiting)")
    assert "A banner on the Green Bridge." in page.inner_text("main")
    assert loaded_width(page.locator("main article img")) > 0
    screenshot(page, "actions-02-queue")
    assert_accessible(page)
    page.click("main article button:has-text('Publish')")
    assert "The action in Vilnius is published." in page.inner_text("main")

    # Anyone now sees it, and the photo they are sent holds no trace of where it was taken.
    page.context.clear_cookies()
    page.goto(f"/campaigns/{campaign_id}/actions")
    main = page.inner_text("main")
    assert "1 action in 1 city in 1 country" in main
    assert "Banner · Vilnius, Lithuania" in main
    image = page.locator("#reported-actions img")
    assert loaded_width(image) == 1200
    served = page.request.get(image.get_attribute("src"))
    assert served.headers["content-type"] == "image/jpeg"
    assert_no_metadata(served.body())
    screenshot(page, "actions-03-public")
    assert_accessible(page)
    assert {urlsplit(page.url).hostname} == page.requested_hosts == {"127.0.0.1"}
