"""In a real browser: an English reader's writing page offers English aids first and no
Russian suggestion, even with English typed; /write-next's "Someone else" gives another
person."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import live_server, page, screenshot
from conftest import make_person, make_prisoner
from flask import Flask
from test_writing import seed_writing_aids

from letters.extensions import db

pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]


def wait_for_letter(page: Any, needle: str, timeout: float = 10.0) -> None:
    """Until the letter holds ``needle`` (the page's policy refuses wait_for_function)."""
    deadline = time.monotonic() + timeout
    while needle not in page.input_value("#letter-text"):
        assert time.monotonic() < deadline, f"the letter never held {needle!r}"
        page.wait_for_timeout(50)


ENGLISH = "Dear Maria, I hope you are well. I think of you often and wish you strength."


def test_an_english_readers_page_shows_english_aids_first_and_no_russian_suggestion(
    app: Flask, page: Any
) -> None:
    with app.app_context():
        seed_writing_aids()
        prisoner = make_prisoner(languages="en", family_name="Rivera", given_names="Maria")
        db.session.commit()
        prisoner_id = prisoner.id
    page.goto(f"/prisoners/{prisoner_id}/write")
    first = page.locator("#template-id option").first.inner_text()
    assert first == "First letter — English"
    # The other languages are there, folded away.
    assert not page.is_visible("#other-template-id")
    page.click("#other-templates summary")
    assert page.is_visible("#other-template-id")
    # The Russian phrasebook is closed; the check is happy with English and offers nothing
    # Russian.
    assert page.get_attribute("#phrasebook", "open") is None
    page.fill("#letter-text", ENGLISH)
    page.wait_for_selector("#check-language-text:has-text('a script')")
    assert page.locator("#use-bilingual").count() == 0
    assert page.locator("text=Use the Russian first letter").count() == 0
    screenshot(page, "aids-01-english-reader")

    # A template from the other languages fills the letter in place, with the writer's name.
    page.on("dialog", lambda dialog: dialog.accept())  # "replace what you have written?"
    page.fill("#writer-name", "Анна")
    page.select_option("#other-template-id", label="First letter — Russian")
    page.click("#other-template-form button[type=submit]")
    wait_for_letter(page, "Анна")
    assert "Здравствуйте" in page.input_value("#letter-text")
    assert urlsplit(page.url).path == f"/prisoners/{prisoner_id}/write"


def test_someone_else_on_write_next_gives_another_person(app: Flask, page: Any) -> None:
    with app.app_context():
        ids = {make_person("Alpha").id, make_person("Beta").id}
        db.session.commit()
    page.goto("/write-next")
    shown = int(re.findall(r"/prisoners/(\d+)/write", urlsplit(page.url).path)[0])
    assert shown in ids
    assert page.is_visible("text=has never had a letter from this group")
    for _ in range(4):
        page.click("#someone-else")
        now = int(re.findall(r"/prisoners/(\d+)/write", urlsplit(page.url).path)[0])
        assert now in ids
        assert now != shown
        shown = now
    screenshot(page, "aids-02-someone-else")
