"""A coordinator runs a letter-writing evening in a real browser: log in, create the evening
and choose who to write to, print the pack, record what was written, see it on the dashboard
chart and the report-back page, then record a returned letter and find the address flagged
on the public page.

Screenshots of each step land in ``artifacts/screenshots`` (CI keeps them).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pdfplumber
import pytest
from browser import follow_nav, live_server, page, screenshot
from conftest import AuthActions, make_facility, make_prisoner
from flask import Flask
from sqlalchemy import select, update

from letters.extensions import db
from letters.models import LetterSent, Role, SentVia

# A live server in other threads: real commits, each test's own app contexts, and the
# database restored to a new install afterwards (conftest).
pytestmark = pytest.mark.commits

__all__ = ["live_server", "page"]

PASSWORD = "correct horse battery staple"  # conftest's, which AuthActions.create uses


def test_a_coordinator_runs_an_evening_from_choosing_people_to_a_returned_letter(
    app: Flask, page: Any, auth: AuthActions
) -> None:
    auth.create("coordinator@abc.example")
    with app.app_context():
        facility = make_facility()
        pchelintsev = make_prisoner(facility).id
        make_prisoner(
            facility, family_name="Шакурский", given_names="Илья", latin_name="Ilya Shakursky"
        )
        db.session.commit()

    page.goto("/login")
    page.fill("input[name=email]", "coordinator@abc.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path.startswith("/manage")

    # Create the evening and choose both people.
    follow_nav(page, "Evenings and campaigns")
    page.click("text=New evening or campaign")
    page.fill("input[name=name]", "Letters for the Penza case")
    page.fill("input[name=starts_on]", date.today().isoformat())
    page.fill("input[name=ends_on]", date.today().isoformat())
    page.fill("input[name=goal]", "20")
    page.check("text=Пчелинцев")
    page.check("text=Шакурский")
    page.check("input[name=report_published]")
    screenshot(page, "evening-01-new")
    page.click("main button[type=submit]")
    assert "Letters for the Penza case" in page.inner_text("h1")

    # Print the pack for its people: a zip of PDFs, the envelopes with both names in the dative.
    evening_url = page.url
    page.click("text=Print the evening pack")
    with page.expect_download() as download:
        page.click("main button[type=submit]")
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.value.path()) as archive:
        envelopes = io.BytesIO(archive.read("2-envelopes-DL.pdf"))
    with pdfplumber.open(envelopes) as pdf:
        text = " ".join(p.extract_text() or "" for p in pdf.pages)
    assert "Пчелинцеву Дмитрию" in text
    assert "Шакурскому Илье" in text

    # Record what the table wrote: twelve to one, five to the other, in one go.
    page.goto(evening_url)
    page.fill(f"#count-{pchelintsev}", "12")
    page.fill("tr:has-text('Шакурский') input[type=number]", "5")
    page.click("button:has-text('Record these letters')")
    screenshot(page, "evening-02-recorded")
    assert "17 letters were recorded" in page.inner_text("main")
    assert "17 letters · to 2 people" in page.inner_text("#progress")
    assert page.get_attribute("#goal-progress", "value") == "17"
    with app.app_context():
        rows = db.session.scalars(select(LetterSent)).all()
        assert sorted(r.letters for r in rows) == [5, 12]
        assert {r.via for r in rows} == {SentVia.EVENING}

    # The public report-back page counts the evening's letters from tomorrow: a total that
    # moved at each entry would let anyone watching the page time it.
    page.click("text=Public report-back page")
    public = re.sub(r"\s+", " ", page.inner_text("main"))
    assert "0 letters to 0 people" in public
    assert "Letters are counted here from the day after they are recorded." in public
    with app.app_context():
        yesterday = date.today() - timedelta(days=1)
        db.session.execute(update(LetterSent).values(recorded_on=yesterday))
        db.session.commit()
    page.reload()
    assert "17 letters to 2 people" in re.sub(r"\s+", " ", page.inner_text("main"))
    screenshot(page, "evening-03-report-back")

    # The dashboard's chart, drawn on the server, shows this week's 17 letters.
    follow_nav(page, "Dashboard")
    chart = page.locator("main svg.chart")
    assert chart.count() == 1
    assert "17" in (chart.get_attribute("aria-label") or "")
    bars = page.locator("main svg.chart rect.bar")
    assert bars.count() == 26
    last = bars.nth(25)
    assert float(last.get_attribute("height") or 0) > 0
    assert float(bars.nth(0).get_attribute("height") or 0) == 0
    screenshot(page, "evening-04-dashboard")

    # A letter comes back: record it on the prisoner's page...
    page.goto(f"/manage/prisoners/{pchelintsev}/edit")
    page.fill("#mail input[name=on]", date.today().isoformat())
    page.select_option("#mail select[name=reason]", "moved")
    page.fill("#mail input[name=note]", "Stamp: transferred")
    page.click("text=Record the returned letter")
    assert "needs checking" in page.inner_text("main")

    # ...and the public page warns every writer.
    page.goto(f"/prisoners/{pchelintsev}")
    assert page.locator("#address-needs-checking").is_visible()
    screenshot(page, "evening-05-needs-checking")

    # Nothing was fetched from anywhere but the app itself.
    assert page.requested_hosts == {"127.0.0.1"}


def log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path.startswith("/manage")


def test_a_coordinator_picks_the_10_who_most_need_letters_for_an_evening(
    app: Flask, page: Any, auth: AuthActions
) -> None:
    auth.create("coordinator@abc.example")
    with app.app_context():
        facility = make_facility()
        ids = [
            make_prisoner(facility, family_name=f"Фамилия{n:02d}", latin_name="").id
            for n in range(14)
        ]
        # The first four were written to this month: the other ten need letters most.
        for prisoner_id in ids[:4]:
            db.session.add(LetterSent(prisoner_id=prisoner_id, sent_on=date.today(), letters=2))
        db.session.commit()

    log_in(page, "coordinator@abc.example")
    follow_nav(page, "Evenings and campaigns")
    page.click("text=New evening or campaign")
    page.fill("input[name=name]", "December evening")

    # The filter narrows the table as one types, without a request; the ticks stay.
    rows = page.locator("#people-picker tbody tr")
    assert rows.count() == 14
    page.fill("#people-filter", "Фамилия03")
    assert [r.is_visible() for r in rows.all()].count(True) == 1
    page.fill("#people-filter", "")
    assert [r.is_visible() for r in rows.all()].count(True) == 14

    page.fill("input[name=neediest]", "10")
    page.click("button[name=pick]")
    assert page.input_value("input[name=name]") == "December evening"
    ticked = page.locator("#people-picker input[name=prisoner_ids]:checked")
    assert sorted(int(v) for v in ticked.evaluate_all("els => els.map(e => e.value)")) == sorted(
        ids[4:]
    )
    screenshot(page, "evening-04-ten-neediest")
    page.click("main button[type=submit]")
    assert "December evening" in page.inner_text("h1")
    main = page.inner_text("main")
    assert all(f"Фамилия{n:02d}" in main for n in range(4, 14))
    assert not any(f"Фамилия{n:02d}" in main for n in range(4))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_admin_navigation_fits_one_row_at_1280_px_and_every_link_is_reachable(
    page: Any, auth: AuthActions, language: str
) -> None:
    auth.create("admin@abc.example", role=Role.ADMIN)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_extra_http_headers({"Accept-Language": language})
    log_in(page, "admin@abc.example")

    header = page.locator("header.site").bounding_box()
    items = [page.locator("header.site .brand")] + page.locator(
        "header.site nav > a, header.site nav > details > summary"
    ).all()
    boxes = [item.bounding_box() for item in items]
    assert len(boxes) == 7  # the brand, the dashboard and five groups
    tops = {round(box["y"]) for box in boxes}
    assert max(tops) - min(tops) <= 4, tops
    assert all(box["x"] + box["width"] <= 1280 for box in boxes)
    assert header["height"] < 70, header

    # Every page the old flat menu linked to, from its group; opened by keyboard.
    expected = {
        "/prisoners",
        "/guidelines",
        "/birthdays",
        "/manage/templates",
        "/manage/guidelines",
        "/manage/prisoners",
        "/manage/facilities/",
        "/manage/needs-checking",
        "/manage/prisoners/import",
        "/manage/campaigns",
        "/manage/print/pack",
        "/account",
        "/manage/accounts",
        "/manage/settings",
        "/manage/audit",
        "/manage/dashboard",
    }
    # One menu open at a time (static/menus.js closes the others): open each in turn.
    summaries = page.locator("header.site nav > details > summary")
    links = page.locator("header.site nav a")
    visible: set[str] = set()
    logout_shown = False
    for n in range(summaries.count()):
        summaries.nth(n).focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "n => document.querySelectorAll('header.site nav > details')[n].open", arg=n
        )
        visible |= {urlsplit(a.get_attribute("href")).path for a in links.all() if a.is_visible()}
        logout_shown |= page.locator("header.site nav button[type=submit]").is_visible()
    assert expected <= visible, expected - visible
    assert logout_shown  # log out, in the last menu
    screenshot(page, f"navigation-1280-{language}")
