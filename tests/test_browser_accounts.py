"""A group's accounts in a real browser, end to end (issue 11's "done when").

The first admin invites a coordinator; the coordinator opens the link, sets a password, sets up
a second factor and corrects a facility's street; the admin sees the edit in the audit trail
with the old and the new street, deactivates the coordinator, and the coordinator's open
session is refused on its next request. Two browser contexts: two people, two cookie jars.
Screenshots of each step land in ``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from browser import follow_nav, live_server, page, screenshot
from conftest import make_facility
from flask import Flask

from letters.auth.first_run import make_setup_token
from letters.extensions import db

# A live server in other threads: real commits, and the database restored afterwards.
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

ADMIN = "admin@abc.example"
COORDINATOR = "anna@abc.example"
ADMIN_PASSWORD = "a long and unusual passphrase"
COORDINATOR_PASSWORD = "another quite unusual passphrase"
OLD_STREET = "ул. Каракозова, 30"
NEW_STREET = "ул. Каракозова, 32"


def test_admin_invites_a_coordinator_audits_their_edit_and_deactivates_them(
    app: Flask, page: Any, live_server: str
) -> None:
    with app.app_context():
        token = make_setup_token(app)
        facility_id = make_facility(street_address=OLD_STREET).id
        db.session.commit()

    # The first admin, by the set-up link.
    page.goto(f"/setup/{token}")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.fill("input[name=confirm]", ADMIN_PASSWORD)
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/manage/prisoners"

    # The invitation: a link shown once, to pass on by hand.
    follow_nav(page, "Accounts")
    page.fill("#invite input[name=email]", COORDINATOR)
    page.select_option("#invite select[name=role]", "coordinator")
    page.click("#invite button[type=submit]")
    link = page.input_value("input.invitation-link")
    assert urlsplit(link).path.startswith("/invite/")
    screenshot(page, "accounts-01-invitation-link")

    # The coordinator, in a browser of their own.
    other = page.context.browser.new_context(base_url=live_server, locale="en-GB")
    anna = other.new_page()
    anna_hosts: set[str | None] = set()
    anna.on("request", lambda request: anna_hosts.add(urlsplit(request.url).hostname))
    anna.goto(link)
    assert COORDINATOR in anna.inner_text("main")
    anna.fill("input[name=password]", COORDINATOR_PASSWORD)
    anna.fill("input[name=confirm]", COORDINATOR_PASSWORD)
    anna.click("main button[type=submit]")
    assert urlsplit(anna.url).path == "/manage/prisoners"
    # The link worked once.
    anna.goto(link)
    assert "does not work" in anna.inner_text("main")

    # A second factor, from the account page.
    anna.goto("/account")
    anna.click("#second-factor >> text=Set up a second factor")
    phone = pyotp.TOTP(anna.inner_text("#second-factor-secret").strip())
    anna.fill("input[name=code]", phone.now())
    anna.fill("input[name=password]", COORDINATOR_PASSWORD)
    anna.click("main button[type=submit]")
    assert len(anna.locator("#recovery-codes code").all_inner_texts()) == 10
    screenshot(anna, "accounts-02-coordinator-second-factor")

    # The coordinator corrects the street of a facility.
    anna.goto(f"/manage/facilities/{facility_id}/edit")
    anna.fill("textarea[name=street_address]", NEW_STREET)
    anna.click("main button[type=submit]")
    assert "saved" in anna.inner_text("main").lower()

    # The admin sees who changed what, old and new.
    follow_nav(page, "Audit trail")
    row = page.locator("table.audit-entries > tbody > tr", has_text=COORDINATOR).first
    row_text = row.inner_text()
    assert "Facility" in row_text
    assert row.locator("td.old").filter(has_text=OLD_STREET).count() == 1
    assert row.locator("td.new").filter(has_text=NEW_STREET).count() == 1
    screenshot(page, "accounts-03-audit-trail")

    # Deactivated: the coordinator's open session ends on its next request.
    follow_nav(page, "Accounts")
    page.locator("#accounts tr", has_text=COORDINATOR).locator("text=Deactivate").click()
    assert "Deactivated" in page.locator("#accounts tr", has_text=COORDINATOR).inner_text()
    screenshot(page, "accounts-04-deactivated")
    anna.goto("/manage/prisoners")
    assert urlsplit(anna.url).path == "/login"
    screenshot(anna, "accounts-05-session-refused")

    other.close()
    assert page.requested_hosts == {"127.0.0.1"}
    assert anna_hosts == {"127.0.0.1"}
