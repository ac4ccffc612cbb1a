"""Issue 15's "done when", in a real browser, from the call to the report-back of a week in
February.

A coordinator writes the call for 5–12 February featuring three people (in Russia, in a
Mordovian colony and in London) with the donation reference 205 and publishes it in January;
the poster holds the three envelope addresses and a QR code to the call page. During the week
the group records its letters and a visitor, with no account, reports a banner with a phone
photo carrying its GPS position; the coordinator publishes the report and the report-back.
After the week the public page shows the action with a photo holding no metadata, the letters
counted during the week and the reference.

The server's calendar is moved with ``time_machine`` (January → the week → after it): the app
asks ``date.today()`` for what is public and when, and a real week cannot be waited for.
``time.monotonic``, which Playwright's timeouts use, is not moved. Screenshots land in
``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from browser import follow_nav, live_server, page, screenshot
from conftest import PASSWORD, AuthActions
from flask import Flask
from PIL import Image
from test_browser_reported_actions import loaded_width
from test_campaign_actions import GPS_IFD, assert_no_metadata, phone_photo
from test_poster import column_texts, decoded_qr_codes, flat, make_three_people

from letters.extensions import db
from letters.models import Campaign, LetterSent
from letters.printing import services
from letters.settings.services import save_group_settings

# A live server in other threads: real commits, and the database restored afterwards.
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

COORDINATOR = "coordinator@abc.example"


def log_in(page: Any) -> None:
    page.goto("/login")
    page.fill("input[name=email]", COORDINATOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path.startswith("/manage")


def text_of(page: Any, selector: str = "main") -> str:
    return re.sub(r"\s+", " ", page.inner_text(selector))


def test_a_week_in_february_from_the_call_to_the_report_back(
    app: Flask, page: Any, live_server: str, auth: AuthActions
) -> None:
    app.config["TRUSTED_HOSTS"] = ["127.0.0.1"]  # the site knows its address: the QR code
    auth.create(COORDINATOR)
    year = date.today().year + 1
    first, last = date(year, 2, 5), date(year, 2, 12)

    with time_machine.travel(datetime(year, 1, 20, 11, tzinfo=UTC), tick=True) as traveller:
        with app.app_context():
            save_group_settings(
                "ABC Berlin",
                "ABC Berlin\nPostfach 1234\n10999 Berlin\nGermany",
                "DE",
                donation_instructions="**Bank transfer**: IBAN DE00 1234 5678 9012 3456 78",
            )
            people = make_three_people()
            db.session.commit()
            ids = [p.id for p in people]
            # The addresses exactly as an envelope posted from the group's country prints them.
            addresses = [services.envelope_for(p, "DE", ()).recipient_lines for p in people]

        # January: the coordinator creates the week and chooses the three people.
        log_in(page)
        follow_nav(page, "Evenings and campaigns")
        page.click("text=New evening or campaign")
        page.check("input[name=kind][value=campaign]")
        page.fill("input[name=name]", "February days of solidarity")
        page.fill("input[name=starts_on]", first.isoformat())
        page.fill("input[name=ends_on]", last.isoformat())
        for prisoner_id in ids:
            page.check(f"#people-picker input[name=prisoner_ids][value='{prisoner_id}']")
        page.click("main button[type=submit]")
        assert "February days of solidarity" in page.inner_text("h1")
        campaign_id = int(urlsplit(page.url).path.rstrip("/").split("/")[-1])

        # The call, with the reference, published before the week.
        page.click("text=The public call")
        page.click("text=Add a language")
        page.select_option("select[name=language]", "en")
        page.fill("input[name=title]", "International days of solidarity, 5–12 February")
        page.fill(
            "textarea[name=body]",
            "Arrange **street actions** and evenings of solidarity, spread the word. "
            "Send us your actions and we publish them. Write letters: paper only.",
        )
        page.click("main button[type=submit]")
        page.fill("input[name=payment_reference]", "205")
        page.check("input[name=call_published]")
        page.click("#call-settings button[type=submit]")
        assert "The call is published." in page.inner_text("main")
        screenshot(page, "solidarity-01-call-published")

        # The poster: the three addresses as printed from Germany, and a QR code to the call.
        call_page = f"{live_server}/campaigns/{campaign_id}"
        poster = page.request.get(f"/campaigns/{campaign_id}/poster.pdf?size=A3")
        assert poster.status == 200
        assert poster.headers["content-type"] == "application/pdf"
        printed = flat("".join(column_texts(poster.body(), "A3")))
        for lines in addresses:
            assert flat("".join(lines)) in printed
        assert decoded_qr_codes(poster.body()) == [call_page]

        # The week: the group records its evening's letters, twenty to the three.
        traveller.move_to(datetime(year, 2, 8, 19, tzinfo=UTC))
        log_in(page)  # a session does not last three weeks
        page.goto(f"/manage/campaigns/{campaign_id}")
        for prisoner_id, count in zip(ids, (12, 5, 3), strict=True):
            page.fill(f"#count-{prisoner_id}", str(count))
        page.click("button:has-text('Record these letters')")
        assert "20 letters were recorded" in page.inner_text("main")

        # A visitor from another group, with no account, reports a banner with a phone photo.
        photo = phone_photo((1200, 900))
        assert Image.open(BytesIO(photo)).getexif().get_ifd(GPS_IFD)  # the position is there
        visitor_context = page.context.browser.new_context(base_url=live_server)
        try:
            visitor = visitor_context.new_page()
            hosts: set[str | None] = set()
            visitor.on("request", lambda r: hosts.add(urlsplit(r.url).hostname))
            visitor.goto(f"/campaigns/{campaign_id}")
            call_text = text_of(visitor)
            assert "International days of solidarity" in call_text
            assert visitor.inner_text("#payment-reference") == "205"
            visitor.click("text=Report an action")
            visitor.check("input[name=kind][value=banner]")
            visitor.fill("input[name=city]", "Vilnius")
            visitor.fill("input[name=country]", "Lithuania")
            visitor.fill("input[name=happened_on]", date(year, 2, 7).isoformat())
            visitor.fill("textarea[name=description]", "A banner on the Green Bridge.")
            visitor.set_input_files(
                "input[name=photos]",
                files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo}],
            )
            visitor.click("main button[type=submit]")
            assert "Thank you! Your report will appear here" in visitor.inner_text("main")
            screenshot(visitor, "solidarity-02-action-reported")

            # Not public until a coordinator publishes it.
            visitor.goto(f"/campaigns/{campaign_id}")
            assert "Green Bridge" not in visitor.content()

            # The coordinator publishes the action, then the report-back.
            page.goto(f"/manage/campaigns/{campaign_id}")
            page.click("text=Reported actions (1 waiting)")
            page.click("main article button:has-text('Publish')")
            assert "The action in Vilnius is published." in page.inner_text("main")
            page.goto(f"/manage/campaigns/{campaign_id}/edit")
            page.check("input[name=report_published]")
            page.click("main button[type=submit]")
            screenshot(page, "solidarity-03-published")

            # After the week, anyone reads the report-back.
            traveller.move_to(datetime(year, 2, 14, 10, tzinfo=UTC))
            visitor.goto(f"/campaigns/{campaign_id}")
            report = text_of(visitor, "#report-back")
            assert "20 letters to 3 people" in report
            assert "1 action in 1 city in 1 country" in report
            assert "A banner on the Green Bridge." in report
            assert "Vilnius, Lithuania" in report
            assert visitor.inner_text("#payment-reference") == "205"
            assert "Bank transfer" in text_of(visitor)
            image = visitor.locator("#reported-actions img")
            assert loaded_width(image) == 1200
            served = visitor.request.get(image.get_attribute("src"))
            assert served.status == 200
            assert served.headers["content-type"] == "image/jpeg"
            assert_no_metadata(served.body())
            screenshot(visitor, "solidarity-04-report-back")
            assert hosts == {"127.0.0.1"}
        finally:
            visitor_context.close()

    with app.app_context():
        campaign = db.session.get_one(Campaign, campaign_id)
        assert (campaign.starts_on, campaign.ends_on) == (first, last)
        assert campaign.payment_reference == "205"
        rows = db.session.query(LetterSent).filter_by(campaign_id=campaign_id).all()
        assert sorted(r.letters for r in rows) == [3, 5, 12]
        assert {r.sent_on for r in rows} == {date(year, 2, 8)}
