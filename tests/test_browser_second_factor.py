"""A coordinator sets up a second factor in a real browser, then logs in with a code from the
app and, another time, with a recovery code.

The authenticator app is pyotp, fed the key the page shows for typing. Screenshots of each step
land in ``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from browser import follow_nav, live_server, page, screenshot
from conftest import AuthActions

# A live server in other threads: real commits, and the database restored afterwards.
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PASSWORD = "correct horse battery staple"  # conftest's, which AuthActions.create uses
EMAIL = "coordinator@abc.example"


def log_in(page: Any) -> None:
    page.goto("/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def log_out(page: Any) -> None:
    follow_nav(page, "Log out")
    assert urlsplit(page.url).path == "/prisoners"


def test_a_coordinator_enrols_and_logs_in_with_a_code_then_with_a_recovery_code(
    page: Any, auth: AuthActions
) -> None:
    auth.create(EMAIL)
    log_in(page)
    follow_nav(page, "Account")
    page.click("#second-factor >> text=Set up a second factor")
    assert urlsplit(page.url).path == "/account/second-factor"
    assert page.locator("figure.qr svg").is_visible()
    secret = page.inner_text("#second-factor-secret").strip()
    app = pyotp.TOTP(secret)
    screenshot(page, "second-factor-01-enrol")

    page.fill("input[name=code]", app.now())
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    codes = [code.strip() for code in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    screenshot(page, "second-factor-02-recovery-codes")
    page.click("text=back to your account")
    assert "On." in page.inner_text("#second-factor")
    log_out(page)

    # The password, then a code. The code typed to enrol is spent, so the app's next one (a
    # step ahead is accepted) whatever the time now.
    log_in(page)
    assert urlsplit(page.url).path == "/login/code"
    screenshot(page, "second-factor-03-code-step")
    page.fill("input[name=code]", app.at(time.time() + 30))
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/manage/prisoners"
    log_out(page)

    # The phone is lost: a recovery code, typed in capitals with spaces.
    log_in(page)
    page.fill("input[name=code]", codes[0].upper().replace("-", " "))
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/manage/prisoners"
    assert "9 recovery codes are left" in page.inner_text("main")
    screenshot(page, "second-factor-04-recovery-code-used")
    log_out(page)

    # That recovery code is spent.
    log_in(page)
    page.fill("input[name=code]", codes[0])
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/login/code"
    assert "used already" in page.inner_text("main")

    assert page.requested_hosts == {"127.0.0.1"}
