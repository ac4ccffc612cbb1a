"""Upcoming birthdays: post-by dates from transit time, the public page and the iCalendar feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from babel.dates import format_skeleton
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar, Event
from sqlalchemy import select

from letters.birthdays import calendar, services
from letters.display import display_name
from letters.extensions import db
from letters.models import Facility, GroupSettings, Prisoner
from tests.conftest import count_statements, make_facility, make_person

# Years nobody would mistake for anything else in a page or a feed.
BIRTH_YEAR = 1961


def person(
    name: str, birth_date: date | None, facility: Facility | None = None, **fields: Any
) -> Prisoner:
    return make_person(
        name,
        facility,
        birth_date=birth_date,
        birth_year=birth_date.year if birth_date else BIRTH_YEAR,
        **fields,
    )


def home(country: str) -> None:
    db.session.add(GroupSettings(id=1, home_country=country))
    db.session.flush()


def by_name(today: date, days: int = 60) -> dict[str, services.Birthday]:
    return {b.prisoner.family_name: b for b in services.upcoming_birthdays(today, days=days)}


# --- transit defaults -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted_from", "destination", "override", "expected"),
    [
        ("DE", "DE", None, 7),  # within a country
        ("RU", "RU", None, 7),
        ("DE", "RU", None, 21),  # to Russia from abroad
        ("", "BY", None, 21),  # no home country: from abroad
        ("DE", "US", None, 14),  # otherwise
        ("", "GB", None, 14),
        ("DE", "RU", 30, 30),  # the facility's own figure wins
        ("RU", "RU", 3, 3),
    ],
)
def test_transit_days(
    ctx: None, posted_from: str, destination: str, override: int | None, expected: int
) -> None:
    facility = make_facility(country_code=destination, transit_days=override)
    assert services.transit_days(facility, posted_from) == expected


@pytest.mark.parametrize(
    ("posted_from", "destination", "override", "transit"),
    [
        ("DE", "DE", None, 7),
        ("DE", "RU", None, 21),
        ("", "BY", None, 21),
        ("DE", "US", None, 14),
        ("DE", "RU", 10, 10),
    ],
)
def test_post_by_uses_the_group_home_country(
    ctx: None, posted_from: str, destination: str, override: int | None, transit: int
) -> None:
    home(posted_from)
    person(
        "X", date(BIRTH_YEAR, 7, 30), make_facility(country_code=destination, transit_days=override)
    )
    (birthday,) = services.upcoming_birthdays(date(2025, 7, 1))
    assert birthday.birthday == date(2025, 7, 30)
    assert birthday.transit_days == transit
    assert birthday.post_by == date(2025, 7, 30) - timedelta(days=transit)


# --- which birthdays, which day ---------------------------------------------------------------


def test_year_wrap(ctx: None) -> None:
    home("DE")
    person("January", date(BIRTH_YEAR, 1, 5), make_facility(country_code="RU"))
    person("December", date(BIRTH_YEAR, 12, 1))  # passed this year, next one is too far
    birthdays = by_name(date(2025, 12, 20))
    assert list(birthdays) == ["January"]
    assert birthdays["January"].birthday == date(2026, 1, 5)
    # 21 days before 5 January: the card should already be on its way.
    assert birthdays["January"].post_by == date(2025, 12, 15)
    assert birthdays["January"].post_by_passed(date(2025, 12, 20))


def test_29_february_on_28_february_in_common_years(ctx: None) -> None:
    person("Leap", date(1988, 2, 29))
    assert by_name(date(2025, 2, 1))["Leap"].birthday == date(2025, 2, 28)
    assert by_name(date(2028, 2, 1))["Leap"].birthday == date(2028, 2, 29)
    # On 1 March of a common year the next one is a year off.
    assert "Leap" not in by_name(date(2025, 3, 1))
    assert by_name(date(2027, 12, 31))["Leap"].birthday == date(2028, 2, 29)


def test_today_counts_and_window_end(ctx: None) -> None:
    person("Today", date(BIRTH_YEAR, 6, 1))
    person("Edge", date(BIRTH_YEAR, 7, 31))
    person("Beyond", date(BIRTH_YEAR, 8, 1))
    assert list(by_name(date(2025, 6, 1))) == ["Today", "Edge"]


def test_year_only_unlisted_and_released_left_out(ctx: None) -> None:
    person("YearOnly", None)
    person("Hidden", date(BIRTH_YEAR, 6, 10), is_listed=False)
    person("Listed", date(BIRTH_YEAR, 6, 10))
    assert list(by_name(date(2025, 6, 1))) == ["Listed"]


# --- the public page --------------------------------------------------------------------------


def _seed_soon(app: Flask) -> int:
    today = date.today()
    home("DE")
    # Domestic (7 days) and in 3 days: the post-by date has passed; highlighted.
    soon = person(
        "Soonova",
        date(BIRTH_YEAR, *_month_day(today + timedelta(days=3))),
        make_facility(country_code="DE", name="JVA Tegel"),
    )
    person(
        "Laterova",
        date(BIRTH_YEAR, *_month_day(today + timedelta(days=40))),
        make_facility(country_code="DE", name="JVA Moabit"),
    )
    db.session.commit()
    return soon.id


def _month_day(day: date) -> tuple[int, int]:
    # 29 February would not exist in the birth year: shift such a test day.
    if (day.month, day.day) == (2, 29):
        return (3, 1)
    return (day.month, day.day)


def test_public_page_shows_day_and_month_never_the_year(client: FlaskClient, app: Flask) -> None:
    prisoner_id = _seed_soon(app)
    response = client.get("/birthdays")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Soonova" in html
    assert "Laterova" in html
    assert html.index("Soonova") < html.index("Laterova")
    assert str(BIRTH_YEAR) not in html
    assert f"/prisoners/{prisoner_id}/write" in html
    assert 'class="warning"' in html
    assert html.count('class="warning"') == 1
    assert "/birthdays.ics" in html
    assert "style=" not in html
    assert "<script" not in html


def test_public_page_in_russian(client: FlaskClient, app: Flask) -> None:
    _seed_soon(app)
    response = client.get("/birthdays", headers={"Accept-Language": "ru"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ru">' in html
    # The day and month in Russian words, as day_month writes them ("5 января").
    soon = date.today() + timedelta(days=3)
    assert format_skeleton("MMMMd", soon, locale="ru") in html
    assert str(BIRTH_YEAR) not in html


# --- the feed ---------------------------------------------------------------------------------


def test_ics_feed(client: FlaskClient, app: Flask) -> None:
    app.config.update(SERVER_NAME="letters.example.org", PREFERRED_URL_SCHEME="https")
    prisoner_id = _seed_soon(app)
    person("YearOnly", None)
    db.session.commit()
    first = client.get("/birthdays.ics")
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = first.get_data(as_text=True)
    assert str(BIRTH_YEAR) not in text

    cal = Calendar.from_ical(first.data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 4  # two people, a birthday and a post-by day each
    soon = [e for e in events if f"prisoner-{prisoner_id}-" in str(e["UID"])]
    birthday = next(e for e in soon if "-birthday-" in str(e["UID"]))
    post_by = next(e for e in soon if "-post-by-" in str(e["UID"]))
    expected = date.today() + timedelta(days=3)
    if (expected.month, expected.day) == (2, 29):
        expected = date(expected.year, 3, 1)
    day = birthday.decoded("DTSTART")
    assert day == expected
    assert type(day) is date
    assert birthday.decoded("DTEND") == expected + timedelta(days=1)
    assert str(birthday["UID"]) == f"prisoner-{prisoner_id}-birthday-{expected.year}@letters"
    assert "Soonova" in str(birthday["SUMMARY"])
    assert post_by.decoded("DTSTART") == expected - timedelta(days=7)
    assert "Post a birthday card to" in str(post_by["SUMMARY"])
    link = f"https://letters.example.org/prisoners/{prisoner_id}/write"
    assert str(birthday["URL"]) == str(post_by["URL"]) == link

    second = Calendar.from_ical(client.get("/birthdays.ics").data)
    assert sorted(str(e["UID"]) for e in second.walk("VEVENT")) == sorted(
        str(e["UID"]) for e in events
    )


def test_the_feed_is_the_same_all_day_and_answers_304_to_its_etag(
    client: FlaskClient, app: Flask
) -> None:
    """A calendar app polls the feed every few hours: the same feed all day (stamped with the
    day, not the second), made once, and a 304 to a poll that already has it."""
    prisoner_id = _seed_soon(app)
    db.session.commit()
    first = client.get("/birthdays.ics")
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "Accept-Language" in first.headers["Vary"]
    again = client.get("/birthdays.ics")
    assert again.data == first.data
    stamps = {e.decoded("DTSTAMP") for e in Calendar.from_ical(first.data).walk("VEVENT")}
    today = date.today()
    assert stamps == {datetime(today.year, today.month, today.day, tzinfo=UTC)}

    with count_statements() as statements:
        unchanged = client.get("/birthdays.ics", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    # Answered from aggregates alone: no prisoner was loaded to find that nothing changed.
    assert not [sql for sql in statements if "prisoners.family_name" in sql]
    # A facility's transit days changed: the post-by days move, so the feed is new.
    db.session.get_one(Prisoner, prisoner_id).facility.transit_days = 21
    db.session.commit()
    moved = client.get("/birthdays.ics", headers={"If-None-Match": tag})
    assert moved.status_code == 200
    tag = moved.headers["ETag"]

    # A name corrected: a new feed, under a new tag.
    db.session.get_one(Prisoner, prisoner_id).family_name = "Soonova-Petrova"
    db.session.commit()
    changed = client.get("/birthdays.ics", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert "Soonova-Petrova" in changed.get_data(as_text=True)
    # Another language is another feed.
    russian = client.get("/birthdays.ics", headers={"Accept-Language": "ru"})
    assert russian.headers["ETag"] not in (tag, changed.headers["ETag"])


FORGED_HOST = "letters.attacker.example"


def _feed_links(client: FlaskClient, host: str) -> tuple[int, list[str], str]:
    response = client.get("/birthdays.ics", headers={"Host": host})
    body = response.get_data(as_text=True)
    if response.status_code != 200:
        return response.status_code, [], body
    events = Calendar.from_ical(response.data).walk("VEVENT")
    return 200, [str(e["URL"]) for e in events if "URL" in e], body


def test_a_forged_host_never_reaches_the_feed_with_a_server_name(
    client: FlaskClient, app: Flask
) -> None:
    # Links in a feed outlive the request (calendar apps and caches keep them): they come from
    # the configured name, whatever Host the request claimed.
    app.config.update(SERVER_NAME="letters.example.org", PREFERRED_URL_SCHEME="https")
    prisoner_id = _seed_soon(app)
    status, links, body = _feed_links(client, FORGED_HOST)
    assert status == 200
    assert FORGED_HOST not in body
    assert f"https://letters.example.org/prisoners/{prisoner_id}/write" in links


def test_a_forged_host_is_refused_with_trusted_hosts(client: FlaskClient, app: Flask) -> None:
    app.config["TRUSTED_HOSTS"] = ["letters.example.org"]
    prisoner_id = _seed_soon(app)
    status, _links, body = _feed_links(client, FORGED_HOST)
    assert status == 400
    assert FORGED_HOST not in body
    status, links, _body = _feed_links(client, "letters.example.org")
    assert status == 200
    assert f"http://letters.example.org/prisoners/{prisoner_id}/write" in links


def test_without_a_configured_host_the_feed_has_no_links(client: FlaskClient, app: Flask) -> None:
    _seed_soon(app)
    status, links, body = _feed_links(client, FORGED_HOST)
    assert status == 200
    assert links == []
    assert FORGED_HOST not in body
    assert "Soonova" in body  # the events themselves are all there


def test_ics_looks_a_year_ahead(client: FlaskClient, app: Flask) -> None:
    person("Far", date(BIRTH_YEAR, *_month_day(date.today() + timedelta(days=200))))
    db.session.commit()
    cal = Calendar.from_ical(client.get("/birthdays.ics").data)
    assert len(list(cal.walk("VEVENT"))) == 2
    assert "Far" not in client.get("/birthdays").get_data(as_text=True)


def _feed_by_icalendar(birthdays: list[services.FeedBirthday], today: date) -> bytes:
    """The feed as the ``icalendar`` package writes it (how the app made it before issue 14):
    the reference the app's own writer is held to."""
    from flask_babel import gettext as _

    cal = Calendar()
    cal.add("prodid", "-//letters//birthdays//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Prisoners' birthdays"))
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    for b in birthdays:
        name = b.name
        url = calendar.write_page_link(b.prisoner_id)
        for uid, day, summary, description in (
            (
                calendar.birthday_uid(b),
                b.birthday,
                _("Birthday: %(name)s", name=name),
                _(
                    "Post a card at least %(days)d days before: letters take that long.",
                    days=b.transit_days,
                ),
            ),
            (
                calendar.post_by_uid(b),
                b.post_by,
                _("Post a birthday card to %(name)s by today", name=name),
                _("A letter takes about %(days)d days to arrive.", days=b.transit_days),
            ),
        ):
            event = Event()
            event.add("uid", uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", summary)
            event.add("description", description)
            if url is not None:
                event.add("url", url)
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_feed_is_what_icalendar_writes(app: Flask, language: str) -> None:
    """Written line by line for speed (issue 14), the feed is byte for byte what the
    ``icalendar`` package writes for the same events: names with a comma, a semicolon, a
    backslash or a newline escaped as TEXT; long lines folded at 75 octets, never inside a
    Cyrillic letter or between a letter and its combining accent; links kept as they are."""
    app.config.update(SERVER_NAME="letters.example.org", PREFERRED_URL_SCHEME="https")
    today = date.today()
    home("DE")
    facility = make_facility(country_code="RU", name="ИК-2")
    born = date(BIRTH_YEAR, *_month_day(today + timedelta(days=5)))
    person("Иванова-Петровская, Екатерина; \\ Ива\u0301нова", born, facility)
    person("Short", born, make_facility(country_code="DE", name="JVA Tegel"))
    person("O'Brien\nLine " + "Seán " * 12, born, facility)
    db.session.commit()
    with app.test_request_context("/birthdays.ics", headers={"Accept-Language": language}):
        birthdays = services.feed_birthdays(today, days=services.FEED_DAYS)
        assert len(birthdays) == 3
        ours = calendar.birthdays_calendar(birthdays, today)
        assert ours == _feed_by_icalendar(birthdays, today)
    assert all(len(line) <= 75 for line in ours.split(b"\r\n"))
    parsed = Calendar.from_ical(ours)
    summaries = sorted(str(e["SUMMARY"]) for e in parsed.walk("VEVENT"))
    assert any("Иванова-Петровская, Екатерина; \\ Ива\u0301нова" in s for s in summaries)
    assert any("O'Brien\nLine" in s for s in summaries)


def test_folding_keeps_characters_whole() -> None:
    line = "SUMMARY:" + "Ива\u0301нов 😀 " * 12
    folded = calendar.fold(line)
    pieces = folded.encode("utf-8").split(b"\r\n ")
    assert len(pieces) > 1
    assert all(len(piece) <= calendar.FOLD_AT for piece in pieces)
    assert "".join(piece.decode("utf-8") for piece in pieces) == line  # each piece decodes
    assert calendar.fold("SUMMARY:short") == "SUMMARY:short"


@pytest.mark.parametrize(
    ("today", "days"),
    [
        (date(2026, 12, 20), 60),  # the window runs over New Year
        (date(2027, 2, 26), 2),  # 29 February in a common year: celebrated on the 28th
        (date(2028, 2, 27), 3),  # and on the day itself in a leap year
        (date(2026, 6, 1), 0),  # today only
        (date(2026, 3, 1), 365),  # the calendar feed's year
    ],
)
def test_only_birthdays_in_the_window_are_read_and_none_is_lost(
    app: Flask, today: date, days: int
) -> None:
    """The window is chosen in SQL (a day of the year), the exact next birthday in Python:
    the same people as working it out for every prisoner with a birth date."""
    facility = make_facility(country_code="DE", name="JVA Tegel")
    people = {}
    for offset in range(0, 366, 3):
        born = date(1992, 1, 1) + timedelta(days=offset)  # 1992 is a leap year
        people[person(f"P{offset:03d}", born, facility).id] = born
    person("Leap", date(1996, 2, 29), facility)
    db.session.flush()
    expected = sorted(
        prisoner.id
        for prisoner in db.session.scalars(select(Prisoner).where(Prisoner.birth_date.is_not(None)))
        if services.next_birthday(prisoner.birth_date, today) <= today + timedelta(days=days)
    )
    found = sorted(b.prisoner.id for b in services.upcoming_birthdays(today, days=days))
    assert found == expected
    # The feed reads the same window as plain rows: the same people, days and order.
    assert [
        (b.prisoner_id, b.name, b.birthday, b.post_by, b.transit_days)
        for b in services.feed_birthdays(today, days=days)
    ] == [
        (b.prisoner.id, display_name(b.prisoner), b.birthday, b.post_by, b.transit_days)
        for b in services.upcoming_birthdays(today, days=days)
    ]


# --- the page, 50 at a time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "days"),
    [
        (date(2026, 12, 20), 60),  # the window runs over New Year
        (date(2027, 1, 15), 60),  # 29 February in a common year: with those of the 28th
        (date(2028, 1, 15), 60),  # and on its own day in a leap year
        (date(2027, 2, 28), 30),  # a common year's 28 February is the window's first day
        (date(2028, 2, 29), 30),  # the leap day itself is
        (date(2027, 12, 31), 60),  # over New Year into a leap year's February
        (date(2026, 6, 1), 0),  # today only
        (date(2026, 3, 1), 364),  # nearly the whole year
    ],
)
def test_pages_in_sql_list_the_same_birthdays_in_the_same_order(
    app: Flask, today: date, days: int
) -> None:
    """Ordered and cut in SQL, the pages joined together are exactly ``upcoming_birthdays``
    (worked out per prisoner in Python), around New Year and 29 February too."""
    home("DE")
    facility = make_facility(country_code="DE", name="JVA Tegel")
    for offset in range(0, 366, 2):
        person(f"P{offset:03d}", date(1992, 1, 1) + timedelta(days=offset), facility)
    person("Leap", date(1996, 2, 29), facility)
    person("LeapToo", date(2000, 2, 29), facility)
    person("Hidden", date(1990, 2, 28), facility, is_listed=False)
    db.session.flush()
    expected = [(b.prisoner.id, b.birthday, b.post_by) for b in by_name_list(today, days)]
    first = services.birthdays_page(1, today, days=days, per_page=7)
    found = []
    for number in range(1, first.pages + 1):
        page = services.birthdays_page(number, today, days=days, per_page=7)
        assert len(page.items) <= 7
        found += [(b.prisoner.id, b.birthday, b.post_by) for b in page.items]
    assert first.total == len(expected)
    assert found == expected


def by_name_list(today: date, days: int) -> list[services.Birthday]:
    return services.upcoming_birthdays(today, days=days)


def test_the_public_page_shows_fifty_then_the_next_page(client: FlaskClient, app: Flask) -> None:
    home("DE")
    facility = make_facility(country_code="DE", name="JVA Tegel")
    soon = date.today() + timedelta(days=10)
    born = date(BIRTH_YEAR, *_month_day(soon))
    for number in range(51):
        person(f"Card{number:02d}", born, facility)
    person("Laterova", date(BIRTH_YEAR, *_month_day(date.today() + timedelta(days=30))), facility)
    db.session.commit()
    first = client.get("/birthdays").get_data(as_text=True)
    assert "52 birthdays in the next 60 days" in first
    assert first.count(">Write a card<") == 50
    assert "Card49" in first
    assert "Card50" not in first
    assert "Laterova" not in first
    assert 'href="/birthdays?page=2"' in first
    second = client.get("/birthdays?page=2").get_data(as_text=True)
    assert second.count(">Write a card<") == 2
    assert "Card50" in second
    assert "Laterova" in second
    assert "Card49" not in second
    # A wrong page number is the first page; one past the end (an old link) the last.
    assert "Card00" in client.get("/birthdays?page=x").get_data(as_text=True)
    past = client.get("/birthdays?page=9").get_data(as_text=True)
    assert "Laterova" in past
    assert "Card00" not in past


def test_a_page_loads_only_its_own_prisoners(client: FlaskClient, app: Flask) -> None:
    """Two queries for the birthdays whatever their number: a count and the page's rows."""
    home("DE")
    facility = make_facility(country_code="DE", name="JVA Tegel")
    born = date(BIRTH_YEAR, *_month_day(date.today() + timedelta(days=10)))
    for number in range(60):
        person(f"Card{number:02d}", born, facility)
    db.session.commit()
    client.get("/birthdays")  # warm: settings and the like
    with count_statements() as statements:
        client.get("/birthdays")
    loads = [sql for sql in statements if "prisoners.family_name" in sql]
    assert len(loads) == 1
    assert "LIMIT" in loads[0].upper()
