"""In a real browser: the checks that catch what censors stop, with and without JavaScript, and
"I sent it" answering where it was pressed (issue 13, items 2 and 3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import live_server, page, screenshot
from conftest import make_prisoner
from flask import Flask
from sqlalchemy import func, select

from letters.extensions import db
from letters.models import LetterSent

# A live server in other threads: real commits, and the database restored afterwards.
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

CENSORED = "Здравствуйте, Дмитрий!\n\nПишу вам из Berlin. Буду рад(а) ответу."


def new_prisoner(app: Flask) -> int:
    with app.app_context():
        prisoner_id = make_prisoner().id  # reads Russian
        db.session.commit()
    return prisoner_id


def letters_sent(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(LetterSent)) or 0)


def test_a_russian_letter_with_berlin_and_rad_a_is_flagged_before_printing(
    app: Flask, page: Any
) -> None:
    from playwright.sync_api import expect

    prisoner_id = new_prisoner(app)
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    page.fill("#letter-text", CENSORED)
    findings = page.locator("#print-checks")
    expect(findings).to_be_visible()
    said = findings.inner_text()
    assert "“Berlin”" in said
    assert "Berlin → Берлин" in said
    assert "“рад(а)”" in said
    assert findings.get_attribute("aria-live") == "polite"
    assert page.get_attribute("#checks", "aria-live") == "polite"
    screenshot(page, "checks-01-flagged")

    # "Print letter" stops at the findings; nothing is sent.
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.click("#print-letter")
    expect(findings).to_be_focused()
    page.wait_for_timeout(300)
    assert posted == []

    # "Print anyway" prints it as it is.
    page.check("#print-anyway")
    with page.expect_download() as download:
        page.click("#print-letter")
    assert download.value.suggested_filename == f"letter-A4-{prisoner_id}.pdf"

    # Mended, the findings go and printing asks nothing.
    page.fill("#letter-text", "Здравствуйте, Дмитрий!\n\nПишу вам из Берлина. Буду рада ответу.")
    expect(findings).to_be_hidden()
    expect(page.locator("#print-anyway-field")).to_be_hidden()
    with page.expect_download():
        page.click("#print-letter")


def test_without_javascript_the_server_flags_the_same_letter_and_prints_it_anyway(
    app: Flask, page: Any, live_server: str
) -> None:
    prisoner_id = new_prisoner(app)
    context = page.context.browser.new_context(
        base_url=live_server, locale="en-GB", java_script_enabled=False
    )
    plain = context.new_page()
    try:
        plain.goto(f"/prisoners/{prisoner_id}/write")
        plain.fill("#letter-text", CENSORED)
        plain.click("#print-letter")
        assert urlsplit(plain.url).fragment == "print-checks"
        said = plain.inner_text("#print-checks")
        assert "Berlin → Берлин" in said
        assert "“рад(а)”" in said
        assert plain.input_value("#letter-text") == CENSORED  # nothing typed is lost
        screenshot(plain, "checks-02-no-javascript")
        plain.check("#print-anyway")
        with plain.expect_download() as download:
            plain.click("#print-letter")
        assert download.value.suggested_filename == f"letter-A4-{prisoner_id}.pdf"
    finally:
        context.close()


def test_i_sent_it_answers_in_the_viewport_and_cannot_be_pressed_twice(
    app: Flask, page: Any
) -> None:
    from playwright.sync_api import expect

    prisoner_id = new_prisoner(app)
    before = letters_sent(app)
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    address = page.url
    page.click("#i-sent-it")
    answer = page.locator("#sent-answer")
    expect(answer).to_be_visible()
    expect(answer).to_be_in_viewport()
    expect(answer).to_be_focused()
    assert "is counted" in answer.inner_text()
    button = page.locator("#i-sent-it")
    expect(button).to_be_disabled()
    expect(button).to_have_text("Counted — thank you")
    assert page.url == address  # answered in place: no reload, no jump
    assert letters_sent(app) == before + 1
    screenshot(page, "checks-03-sent")

    # A second press in this view counts nothing.
    button.click(force=True)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert letters_sent(app) == before + 1

    # And on to someone else who needs a letter.
    page.click("#write-next")
    assert urlsplit(page.url).path.endswith("/write")
