"""A first-time writer with no Russian, in a real browser: from the list of prisoners to a
printed Russian letter with its envelope, counted, in a few minutes.

Screenshots of each step land in ``artifacts/screenshots`` (journey-NN-…; CI keeps them). The
second test proves that the page count the script shows while writing is the one the printer
produces (``letters.printing.sheets.count_pages``), for both paper sizes.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote_plus, urlsplit

import pdfplumber
import pytest
from browser import follow_nav, live_server, page, screenshot
from conftest import make_facility, make_prisoner
from flask import Flask

from letters.drafting.services import find_avoided
from letters.extensions import db
from letters.models import AvoidTerm
from letters.printing.data import LetterSheet
from letters.printing.sheets import count_pages

# A live server in other threads: real commits, each test's own app contexts, and the
# database restored to a new install afterwards (conftest).
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PHRASE = "Передаю вам тёплый привет."
ENGLISH = "I hope you are well and that this letter finds you in good spirits."


def pdf_text(path: str) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def letter(page: Any) -> str:
    return str(page.input_value("#letter-text"))


def wait_for_letter(page: Any, needle: str, timeout: float = 10.0) -> None:
    """Until the letter holds ``needle`` (wait_for_function would need eval, which the page's
    Content-Security-Policy refuses)."""
    deadline = time.monotonic() + timeout
    while needle not in letter(page):
        assert time.monotonic() < deadline, f"the letter never held {needle!r}: {letter(page)!r}"
        page.wait_for_timeout(50)


def sent_count(page: Any) -> int:
    return int(page.get_attribute("#sent", "data-letters-sent"))


def test_a_first_letter_in_russian_printed_with_its_envelope_and_counted(
    app: Flask, page: Any
) -> None:
    with app.app_context():
        prisoner = make_prisoner()  # Dmitry Pchelintsev, Penza pre-trial prison, reads Russian
        db.session.commit()
        prisoner_id = prisoner.id
    bodies: list[tuple[str, str]] = []
    page.on("request", lambda r: bodies.append((r.url, r.post_data or "")))

    # The list, then the prisoner.
    page.goto("/prisoners")
    screenshot(page, "journey-01-list")
    page.click("text=Пчелинцев")
    assert urlsplit(page.url).path == f"/prisoners/{prisoner_id}"
    assert sent_count(page) == 0
    screenshot(page, "journey-02-profile")

    # The guidelines, from the navigation, then back.
    follow_nav(page, "Guidelines")
    assert urlsplit(page.url).path == "/guidelines"
    assert page.is_visible("#before-you-write")
    assert "censor" in page.inner_text("main")
    screenshot(page, "journey-03-guidelines")
    page.go_back()
    assert urlsplit(page.url).path == f"/prisoners/{prisoner_id}"

    # The writing page: the summary of the guidelines, the languages they read.
    page.click("text=Write a letter")
    assert urlsplit(page.url).path == f"/prisoners/{prisoner_id}/write"
    page.wait_for_selector("#checks[data-ready=yes]")
    assert "Before you write" in page.inner_text("aside.before-you-write")
    assert "Russian" in page.inner_text("#reads")
    screenshot(page, "journey-04-writing-page")

    # The Russian first letter, filled for the writer (a woman: «рада»), its meaning beside it.
    page.fill("#writer-name", "Anna")
    page.fill("#writer-city", "Berlin")
    page.select_option("#writer-gender", "female")
    first_letter = page.get_attribute("#use-bilingual", "data-template-id")
    page.select_option("#template-id", first_letter)
    page.click("text=Use this template")
    wait_for_letter(page, "Anna")
    assert "Здравствуйте, Дмитрий!" in letter(page)
    assert "Буду рада ответу" in letter(page)
    assert page.is_visible("#translation")
    assert "Hello, Dmitry!" in page.inner_text("#translation-text")
    assert page.get_attribute("#check-language", "data-warning") == "no"
    # Her name and town in Latin letters are what a censor stops: named, with a spelling.
    page.wait_for_selector("#print-checks:not([hidden])")
    assert "Anna → Анна, Berlin → Берлин" in page.inner_text("#print-checks")
    screenshot(page, "journey-05-template")
    page.fill("#letter-text", letter(page).replace("Anna", "Анна").replace("Berlin", "Берлин"))
    page.wait_for_selector("#print-checks[hidden]", state="attached")

    # A phrase from the phrasebook, on a line of its own at the end.
    before = letter(page)
    page.focus("#letter-text")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.click(f"button.insert-phrase[data-phrase='{PHRASE}']")
    assert letter(page) == before + "\n" + PHRASE
    russian_letter = letter(page)
    screenshot(page, "journey-06-phrase")

    # A paragraph in English: the warning, and the Russian letter offered instead.
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type(ENGLISH)
    page.wait_for_selector("#check-language[data-warning=yes]")
    assert "held for translation or simply not delivered" in page.inner_text("#check-language")
    assert page.is_visible("#use-bilingual")
    screenshot(page, "journey-07-language-warning")
    # The writer takes the English out again.
    page.fill("#letter-text", russian_letter)
    page.wait_for_selector("#check-language[data-warning=no]")
    assert page.inner_text("#check-pages") == "It will print on 1 page."

    # Print the letter: the PDF holds it.
    with page.expect_download() as letter_download:
        page.click("#print-letter")
    pdf = letter_download.value
    assert pdf.suggested_filename == f"letter-A4-{prisoner_id}.pdf"
    printed = pdf_text(pdf.path())
    assert "Здравствуйте, Дмитрий!" in printed
    assert PHRASE in printed
    assert "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р." in printed  # the header on every page
    screenshot(page, "journey-08-letter-printed")

    # Print the envelope: it holds the name in the dative.
    with page.expect_download() as envelope_download:
        page.click("#print-envelope")
    envelope = pdf_text(envelope_download.value.path())
    assert "Пчелинцеву Дмитрию Дмитриевичу" in envelope
    assert "440039" in envelope

    # "I sent it": counted, and the public count shows it from tomorrow (a count that moved
    # at the click would let anyone polling the page time it), here and on their page.
    page.click("#i-sent-it")
    page.wait_for_selector("#sent-answer:not([hidden])")
    assert urlsplit(page.url).path == f"/prisoners/{prisoner_id}/write"
    assert "Your letter to Дмитрий Дмитриевич Пчелинцев (Dmitry Pchelintsev) is counted" in (
        page.inner_text("#sent-answer")
    )
    assert "shows in the count from tomorrow" in page.inner_text("main")
    assert sent_count(page) == 0
    screenshot(page, "journey-09-sent")
    page.goto(f"/prisoners/{prisoner_id}")
    assert sent_count(page) == 0
    assert "0 letters have been sent to them so far." in page.inner_text("#sent")

    # The draft waited in this browser the whole time.
    page.goto(f"/prisoners/{prisoner_id}/write")
    assert letter(page) == russian_letter
    screenshot(page, "journey-10-draft-kept")

    # The draft left the browser only in the one request that printed it; what was typed and
    # taken out again never left it at all.
    greeting = "Здравствуйте, Дмитрий!"
    carrying = [
        urlsplit(url).path
        for url, body in bodies
        if greeting in body or quote_plus(greeting) in body
    ]
    assert carrying == [f"/prisoners/{prisoner_id}/letter.pdf"]
    assert not [url for url, body in bodies if "spirits" in body]
    # Nothing was fetched from anywhere but the app itself.
    assert page.requested_hosts == {"127.0.0.1"}


def test_a_letter_in_english_to_a_russian_reader_is_warned_and_offered_the_russian_one(
    app: Flask, page: Any
) -> None:
    with app.app_context():
        prisoner_id = make_prisoner().id
        db.session.commit()
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    page.fill("#letter-text", f"Dear Dmitry,\n\n{ENGLISH}\n\nWith warm wishes about the war, Tom")
    assert page.get_attribute("#check-language", "data-warning") == "yes"
    assert "reads only Russian" in page.inner_text("#check-language")
    # The avoid list: the word, and why.
    assert page.get_attribute("#check-avoid", "data-found") == "1"
    assert "“war”" in page.inner_text("#check-avoid")
    screenshot(page, "journey-11-english-warned")
    page.once("dialog", lambda dialog: dialog.accept())  # "replace what you have written?"
    page.click("#use-bilingual")
    wait_for_letter(page, "Здравствуйте")
    assert page.get_attribute("#check-language", "data-warning") == "no"
    assert page.is_visible("#translation")
    assert page.get_attribute("#check-avoid", "data-found") == "0"
    screenshot(page, "journey-12-russian-offered")
    page.once("dialog", lambda dialog: dialog.accept())  # "delete this draft?"
    page.click("#clear-draft")
    assert letter(page) == ""
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    assert letter(page) == ""  # gone from this browser too
    assert page.requested_hosts == {"127.0.0.1"}


def test_without_javascript_a_template_is_filled_printed_and_counted(
    app: Flask, page: Any, live_server: str
) -> None:
    with app.app_context():
        prisoner_id = make_prisoner().id
        db.session.commit()
    context = page.context.browser.new_context(
        base_url=live_server, locale="en-GB", java_script_enabled=False
    )
    plain = context.new_page()
    try:
        plain.goto(f"/prisoners/{prisoner_id}/write")
        assert not plain.is_visible("#checks")  # the live checks need the script
        plain.fill("#writer-name", "Jo")
        plain.click("text=Use this template")
        assert "Меня зовут Jo" in letter(plain)
        assert "Буду рад(а) ответу" in letter(plain)  # no gender given: both forms
        assert "My name is Jo" in plain.inner_text("#translation-text")
        screenshot(plain, "journey-15-no-javascript")
        # The server's checks: "рад(а)", the blank left for the town, and "Jo" in Latin
        # letters. The writer reads them and prints anyway.
        plain.click("#print-letter")
        assert "“рад(а)”" in plain.inner_text("#print-checks")
        plain.check("#print-anyway")
        with plain.expect_download() as download:
            plain.click("#print-letter")
        assert "Меня зовут Jo" in pdf_text(download.value.path())
        plain.click("#i-sent-it")
        assert "shows in the count from tomorrow" in plain.inner_text("#sent-answer")
        assert plain.is_disabled("#i-sent-it")
        assert sent_count(plain) == 0  # counted from tomorrow
    finally:
        context.close()


def test_the_template_is_filled_without_reloading(app: Flask, page: Any) -> None:
    # The policy's connect-src 'self' lets the script ask the JSON endpoint; only the writer's
    # name, town and gender travel, never the draft.
    with app.app_context():
        prisoner_id = make_prisoner().id
        db.session.commit()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(urlsplit(r.url).path) if r.method == "POST" else None)
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    page.fill("#writer-name", "Tom")
    page.select_option("#writer-gender", "male")
    page.click("text=Use this template")
    wait_for_letter(page, "Tom")
    assert "Буду рад ответу" in letter(page)
    assert "My name is Tom" in page.inner_text("#translation-text")
    assert posts == [f"/prisoners/{prisoner_id}/write/template"]
    # Writing over the template, then choosing another, asks first; "no" keeps the words.
    page.fill("#letter-text", "Моё собственное письмо.")
    with page.expect_event("dialog") as asked:  # fails if the page does not ask
        page.click("text=Use this template")
    asked.value.dismiss()
    page.wait_for_timeout(300)
    assert letter(page) == "Моё собственное письмо."
    assert page.requested_hosts == {"127.0.0.1"}


def test_the_avoid_check_in_the_browser_finds_what_the_server_rule_finds(
    app: Flask, page: Any
) -> None:
    with app.app_context():
        db.session.add(AvoidTerm(words="счёт; political prisoner", reason="Money and labels."))
        db.session.add(AvoidTerm(words="", reason="A topic with no words to look for."))
        prisoner_id = make_prisoner().id
        db.session.commit()
    texts = [
        "О ВОЙНЕ я не пишу.",  # any case
        "Войнушка — детская игра.",  # not inside a longer word
        "Вот мой счет в банке.",  # «ё» typed as «е»
        "You are a political\nprisoner to us.",  # a phrase across a line break
        "The WAR, the war; warm wishes and a lawyer.",
        "Ничего опасного: книги, погода, кошки.",
    ]
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    warned = []
    for text in texts:
        page.fill("#letter-text", text)
        found_items = page.query_selector_all("#check-avoid ul:not(.topics) li")
        shown = [item.inner_text() for item in found_items]
        with app.app_context():
            expected = [
                ", ".join(f"“{word}”" for word in found["words"]) + ": " + found["reason"]
                for found in find_avoided(text)
            ]
        assert shown == expected, text
        warned.append(bool(shown))
    assert warned == [True, False, True, True, True, False]
    # A topic has no words to find: it is always there as a reminder.
    assert "A topic with no words to look for." in page.inner_text("#check-avoid ul.topics")
    screenshot(page, "journey-14-avoid-list")


# --- the page count while writing is the page count in print ---------------------------------


def sample_texts() -> dict[str, str]:
    russian = (
        "Здравствуйте, Дмитрий! Пишу вам из Берлина. У нас весна, на улицах много людей, "
        "а в парках зацветают вишни. Надеюсь, у вас есть книги и немного тишины. "
    )
    english = "The quick brown fox jumps over the lazy dog again and again, "
    return {
        "short": "Привет!",
        "one paragraph, long": russian * 40,
        "many paragraphs": "\n\n\n".join(f"{i}. {russian}" for i in range(1, 60)),
        "many short lines": "\n".join(f"Строка {i}" for i in range(1, 150)),
        "long words": " ".join(["Сверхпереосмысливание" * 6, "a" * 700, english * 3] * 4),
        "blank lines everywhere": "\n\n\n  \n" + "\n \n\n".join([english * 2] * 45) + "\n\n",
        "mixed scripts and symbols": (
            "«Ёлки» № 5 — ÄÖÜ ß œ Łódź Ċ ǅ \u00a0nbsp\ttab 😀 emoji " * 30 + "\n\n" + russian * 10
        ),
        "exactly full lines": "\n".join(["и" * 60 + " " + "m" * 40] * 90),
    }


def page_count(page: Any) -> int:
    return int(page.get_attribute("#check-pages", "data-pages"))


def test_the_page_count_while_writing_is_the_page_count_in_print(app: Flask, page: Any) -> None:
    with app.app_context():
        # Paper is allowed in this prison, so the reply sheet can be added.
        prisoner_id = make_prisoner(facility=make_facility(allows_paper=True)).id
        db.session.commit()
    page.goto(f"/prisoners/{prisoner_id}/write")
    page.wait_for_selector("#checks[data-ready=yes]")
    checked = []
    for name, text in sample_texts().items():
        page.fill("#letter-text", text)
        typed = letter(page)  # as the browser holds it (line breaks normalised)
        for size in ("A4", "LETTER"):
            page.select_option("#letter-size", size)
            for reply in (False, True):
                page.set_checked("#letter-reply", reply)
                expected = count_pages(LetterSheet("X", text=typed, reply_sheet=reply), size)
                assert page_count(page) == expected, (name, size, reply)
                checked.append(expected)
    screenshot(page, "journey-13-page-count")
    assert max(checked) >= 5  # long texts were among them, not only one-pagers

    # And the PDF the server prints has that many pages.
    page.fill("#letter-text", sample_texts()["many paragraphs"])
    page.select_option("#letter-size", "LETTER")
    page.set_checked("#letter-reply", True)
    with page.expect_download() as download:
        page.click("#print-letter")
    with pdfplumber.open(download.value.path()) as pdf:
        assert len(pdf.pages) == page_count(page)
