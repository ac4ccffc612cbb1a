"""Dates and numbers on pages read as the visitor writes them (issue 13, item 6).

Pages show dates through Flask-Babel's formatters ("Feb 5, 2026", "5 февр. 2026 г."), a span
of days as one interval, a one-day evening as that one day, and counts with the visitor's
digit grouping ("100,000", "100 000"). Forms, CSV files and the API keep ISO dates: data.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import AuthActions, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from letters.campaigns import services
from letters.display import campaign_dates, day, day_range, minute, number
from letters.extensions import db
from letters.models import Campaign, CampaignKind, LetterSent

RU = {"Accept-Language": "ru"}
NBSP = "\u00a0"


def plain(said: str) -> str:
    """Babel's narrow and thin no-break spaces ("2026\u202fг.") as plain spaces, for reading."""
    return re.sub("[\u00a0\u2009\u202f]", " ", said)


def text(response: object) -> str:
    """The visible text, tags dropped, spaces (non-breaking ones too) collapsed to one."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", plain(re.sub(r"<[^>]+>", " ", html)))


def make_campaign(
    kind: CampaignKind, first: date | None, last: date | None, **fields: object
) -> Campaign:
    prisoner = make_prisoner(make_facility(), family_name="Иванов", latin_name="Ivanov")
    values: dict[str, object] = {
        "kind": kind,
        "name": "Писем неделя",
        "starts_on": first,
        "ends_on": last,
        "goal": None,
        "prisoner_ids": [prisoner.id],
    }
    values.update(fields)
    campaign = services.save_campaign(None, services.CampaignFields(**values))  # type: ignore[arg-type]
    db.session.flush()
    return campaign


# --- the formatters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Feb 5, 2026"), ("ru", "5 февр. 2026 г.")],
)
def test_a_day_reads_in_the_visitors_language(app: Flask, language: str, expected: str) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        assert plain(day(date(2026, 2, 5))) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Feb 5 – 12, 2026"), ("ru", "5—12 февр. 2026 г.")],
)
def test_a_week_reads_as_one_span(app: Flask, language: str, expected: str) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        assert plain(day_range(date(2026, 2, 5), date(2026, 2, 12))) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "100,000"), ("ru", f"100{NBSP}000")])
def test_a_count_groups_digits_as_the_visitor_does(
    app: Flask, language: str, expected: str
) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        assert number(100_000) == expected


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("ru", UTC, "5 февр. 2026 г., 14:03"),
        # SQLite hands the stored time back without its zone: it is UTC all the same.
        ("en", None, "Feb 5, 2026, 14:03"),
    ],
)
def test_an_audit_moment_is_written_the_readers_way_in_utc(
    app: Flask, language: str, zone: object, expected: str
) -> None:
    at = datetime(2026, 2, 5, 14, 3, tzinfo=zone)  # type: ignore[arg-type]
    with app.test_request_context(headers={"Accept-Language": language}):
        assert plain(minute(at)) == expected


# --- evenings and campaigns -------------------------------------------------------------------


def test_a_one_day_evening_reads_as_that_day_not_from_it(app: Flask) -> None:
    evening = make_campaign(CampaignKind.EVENING, date(2026, 11, 29), None)
    with app.test_request_context():
        assert plain(campaign_dates(evening) or "") == "Nov 29, 2026"


def test_a_campaign_with_only_a_first_day_runs_from_it(app: Flask) -> None:
    week = make_campaign(CampaignKind.CAMPAIGN, date(2026, 11, 29), None)
    with app.test_request_context(headers=RU):
        assert plain(campaign_dates(week) or "") == "с 29 нояб. 2026 г."


def test_the_campaign_pages_show_the_week_as_one_span(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    week = make_campaign(
        CampaignKind.CAMPAIGN, date(2026, 2, 5), date(2026, 2, 12), report_published=True
    )
    db.session.commit()
    campaign_id = week.id
    public = text(client.get(f"/campaigns/{campaign_id}", headers=RU))
    assert "5—12 февр. 2026 г." in public
    assert "2026-02-05" not in public
    auth.create_and_login()
    listing = text(client.get("/manage/campaigns"))
    assert "Feb 5 – 12, 2026" in listing


def test_a_goal_and_letters_in_thousands_are_grouped(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    week = make_campaign(
        CampaignKind.CAMPAIGN,
        date(2026, 2, 5),
        date(2026, 2, 12),
        goal=100_000,
        report_published=True,
    )
    for _ in range(8):  # at most 200 letters an entry
        services.record_letters(week, {week.prisoners[0].id: 200}, date.today(), user=None)
    db.session.commit()
    # Public pages count letters from the day after they are recorded.
    db.session.execute(update(LetterSent).values(recorded_on=date(2026, 2, 6)))
    db.session.commit()
    campaign_id = week.id
    public_ru = text(client.get(f"/campaigns/{campaign_id}", headers=RU))
    assert "1 600 писем 1 человеку" in public_ru
    assert "от нашей цели в 100 000 писем" in public_ru
    public_en = text(client.get(f"/campaigns/{campaign_id}"))
    assert "1,600 letters to 1 person" in public_en
    assert "of our goal of 100,000 letters" in public_en
    auth.create_and_login()
    coordinator = text(client.get(f"/manage/campaigns/{campaign_id}"))
    assert "1,600 of a goal of 100,000 letters" in coordinator


def test_the_prisoners_page_dates_read_in_russian(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    prisoner = make_prisoner(
        make_facility(), release_date=date(2031, 3, 1), address_confirmed_on=date(2026, 10, 1)
    )
    db.session.commit()
    prisoner_id = prisoner.id
    profile = text(client.get(f"/prisoners/{prisoner_id}", headers=RU))
    assert "1 мар. 2031 г." in profile
    assert "2031-03-01" not in profile
    auth.create_and_login()
    edit = client.get(f"/manage/prisoners/{prisoner_id}/edit", headers=RU)
    assert "1 окт. 2026 г." in text(edit)
    # The form's own date field keeps ISO: it is what a date input takes.
    assert 'value="2031-03-01"' in edit.get_data(as_text=True)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_skeleton_dates_match_babels_and_are_matched_once(app: Flask, language: str) -> None:
    """A birthday list formats a post-by day per row: the skeleton is matched to the locale's
    pattern once, and the result is Babel's own."""
    from babel.dates import format_skeleton

    from letters.display import skeleton_pattern, weekday_day_month

    skeleton_pattern.cache_clear()
    days = [date(2026, 1, 1) + timedelta(days=n * 37) for n in range(10)]
    with app.test_request_context(headers={"Accept-Language": language}):
        shown = [weekday_day_month(day) for day in days]
    assert shown == [format_skeleton("MMMMEEEEd", day, locale=language) for day in days]
    assert skeleton_pattern.cache_info().misses == 1
