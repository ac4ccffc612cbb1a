"""The day's summed letter figures (``letterlog.summary``): made once by the first read-only
page of the day, then read instead of regrouping the log, and always the same numbers as the
log grouped anew: after a letter today, a deleted entry, a moved day, a deleted prisoner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import count_statements, make_facility, make_person
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select, update

from letters.campaigns import services as campaigns
from letters.dashboard import services as dashboard
from letters.extensions import db
from letters.letterlog.need import need_scores
from letters.letterlog.services import record_letter_sent
from letters.letterlog.summary import logged_figures, make_summary, sum_day, summed
from letters.models import (
    Campaign,
    CampaignKind,
    LetterDaySummary,
    LetterSent,
    NeedSummary,
    Prisoner,
)


def today() -> date:
    """Asked at each use, never at import: the suite may run across midnight, and the app's
    day is the day it runs."""
    return date.today()


def fill() -> list[Prisoner]:
    """Five people with letters over four months, recorded on the days they were sent."""
    facility = make_facility()
    people = [make_person(f"Person{n}", facility=facility) for n in range(5)]
    db.session.flush()
    for n, person in enumerate(people):
        for days_ago in range(0, 120, 7 + 5 * n):
            day = today() - timedelta(days=days_ago + 1)
            db.session.add(
                LetterSent(prisoner_id=person.id, sent_on=day, recorded_on=day, letters=1 + n)
            )
    db.session.commit()
    return people


def figures(*, public: bool) -> dict[int, tuple[int, int, date]]:
    need = need_scores(today(), public=public)
    rows = db.session.execute(
        select(need.c.prisoner_id, need.c.recent, need.c.total, need.c.last_sent_on)
    )
    return {row[0]: (int(row[1]), int(row[2]), row[3]) for row in rows}


def grouped_anew(*, public: bool) -> dict[int, tuple[int, int, date]]:
    query = logged_figures(today(), recorded_before=today() if public else None).subquery()
    rows = db.session.execute(select(query))
    return {row[0]: (int(row[1]), int(row[2]), row[3]) for row in rows}


@pytest.mark.commits  # the summary is made on a connection of its own, as on a server
def test_the_first_read_only_page_of_the_day_sums_it_and_the_figures_stay_the_same(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        fill()
        before = {public: grouped_anew(public=public) for public in (True, False)}
        assert not summed(today())
    first = client.get("/prisoners")
    assert first.status_code == 200
    with app.app_context():
        assert summed(today())
        assert db.session.scalar(select(func.count()).select_from(NeedSummary)) == 5
        for public in (True, False):
            assert figures(public=public) == before[public]
    # The next page reads the summary and orders the list the same way.
    assert client.get("/prisoners").data == first.data


def test_with_the_summary_a_page_no_longer_groups_the_log(app: Flask) -> None:
    fill()
    with app.test_request_context():
        make_summary(today())
    with count_statements() as statements:
        figures(public=True)
    grouped = [sql for sql in statements if "GROUP BY letters_sent.prisoner_id" in sql]
    assert grouped == []
    assert any("FROM need_summaries" in sql for sql in statements)


def test_a_letter_today_counts_for_coordinators_at_once_and_for_the_public_tomorrow(
    app: Flask,
) -> None:
    people = fill()
    with app.test_request_context():
        make_summary(today())
    record_letter_sent(people[0], letters=3)
    db.session.commit()
    assert summed(today())  # a letter recorded today changes no summed figure
    coordinators = figures(public=False)
    assert coordinators == grouped_anew(public=False)
    assert coordinators[people[0].id][0] == figures(public=True)[people[0].id][0] + 3
    assert coordinators[people[0].id][2] == today()


def test_a_deleted_entry_drops_the_summary_and_the_figures_follow(app: Flask) -> None:
    people = fill()
    evening = Campaign(kind=CampaignKind.EVENING, name="Evening")
    db.session.add(evening)
    db.session.flush()
    entry = LetterSent(
        prisoner_id=people[1].id,
        sent_on=today() - timedelta(days=3),
        recorded_on=today() - timedelta(days=3),
        letters=40,
        campaign_id=evening.id,
    )
    db.session.add(entry)
    db.session.commit()
    with app.test_request_context():
        make_summary(today())
    assert figures(public=True)[people[1].id][0] >= 40
    campaigns.remove_entry(evening, entry.id)  # a mistyped 40, corrected
    db.session.commit()
    assert not summed(today())
    assert figures(public=True) == grouped_anew(public=True)


def test_moving_logged_days_in_bulk_drops_the_summary(app: Flask) -> None:
    fill()
    with app.test_request_context():
        make_summary(today())
    db.session.execute(update(LetterSent).values(recorded_on=today() - timedelta(days=200)))
    db.session.commit()
    assert not summed(today())


def test_a_row_added_as_recorded_earlier_drops_the_summary(app: Flask) -> None:
    people = fill()
    with app.test_request_context():
        make_summary(today())
    yesterday = today() - timedelta(days=1)
    db.session.add(
        LetterSent(prisoner_id=people[2].id, sent_on=yesterday, recorded_on=yesterday, letters=9)
    )
    db.session.commit()
    assert not summed(today())
    assert figures(public=True) == grouped_anew(public=True)


def test_a_deleted_prisoner_takes_their_summed_row_along(app: Flask) -> None:
    people = fill()
    with app.test_request_context():
        make_summary(today())
    gone = people[4].id
    db.session.execute(delete(LetterSent).where(LetterSent.prisoner_id == gone))
    db.session.execute(delete(Prisoner).where(Prisoner.id == gone))
    db.session.commit()
    assert gone not in figures(public=True)


def test_only_a_read_only_page_offers_the_summary_and_after_its_response(
    app: Flask, client: FlaskClient
) -> None:
    fill()
    with app.test_request_context(method="POST"):
        need_scores(today(), public=True)
        assert not g.get("letters_summary_offered")
    with app.test_request_context(method="GET"):
        need_scores(today(), public=True)
        assert g.letters_summary_offered  # made when the response closes, not now
    assert not summed(today())
    assert client.get("/prisoners").status_code == 200
    assert summed(today())


def test_the_command_sums_the_day_for_cron(app: Flask, runner: FlaskCliRunner) -> None:
    fill()
    result = runner.invoke(args=["letters", "summarize"])
    assert result.exit_code == 0, result.output
    assert summed(today())


# --- letters per day, for the dashboard's chart -------------------------------------------------


def weeks_grouped_anew() -> list[tuple[date, int]]:
    """The chart's weeks summed straight from the log, as ``weekly_letters`` did before the
    summary: what it must still return."""
    first, last = dashboard.week_window(today())
    rows = db.session.execute(
        select(LetterSent.sent_on, func.sum(LetterSent.letters))
        .where(LetterSent.sent_on.between(first, last))
        .group_by(LetterSent.sent_on)
    )
    totals = {first + timedelta(weeks=n): 0 for n in range(dashboard.WEEKS)}
    for day, letters in rows:
        totals[dashboard.week_start(day)] += int(letters)
    return list(totals.items())


def test_the_summary_sums_letters_per_day_and_the_chart_reads_it_with_today_s_letters(
    app: Flask,
) -> None:
    people = fill()
    with app.test_request_context():
        make_summary(today())
    # Recorded today: one sent today, one sent last week and entered late (an evening's count).
    record_letter_sent(people[0], letters=3)
    record_letter_sent(people[1], letters=4, sent_on=today() - timedelta(days=8))
    db.session.commit()
    assert summed(today())
    stored = db.session.scalar(select(func.sum(LetterDaySummary.letters)))
    assert stored == db.session.scalar(
        select(func.sum(LetterSent.letters)).where(LetterSent.recorded_on < today())
    )
    with count_statements() as statements:
        weeks = dashboard.weekly_letters(today())
    assert weeks == weeks_grouped_anew()
    assert weeks[-1][1] >= 3
    # No sum over the log's half year: the summary's days and today's rows only.
    assert any("FROM letter_day_summaries" in sql for sql in statements)
    assert not [sql for sql in statements if "GROUP BY letters_sent.sent_on" in sql]
    # Today's rows are chosen by the day they were recorded alone: given a condition on
    # sent_on too, SQLite reads them through the sent_on index (a quarter of a large log).
    assert not [sql for sql in statements if "letters_sent.sent_on BETWEEN" in sql]


def test_without_the_summary_the_chart_groups_the_log(app: Flask) -> None:
    fill()
    with count_statements() as statements:
        weeks = dashboard.weekly_letters(today())
    assert weeks == weeks_grouped_anew()
    assert sum(letters for _, letters in weeks) > 0
    assert not any("letter_day_summaries" in sql for sql in statements)


def test_a_deleted_entry_drops_the_letters_per_day_and_the_chart_follows(app: Flask) -> None:
    people = fill()
    entry = LetterSent(
        prisoner_id=people[3].id,
        sent_on=today() - timedelta(days=2),
        recorded_on=today() - timedelta(days=2),
        letters=70,
    )
    db.session.add(entry)
    db.session.commit()
    with app.test_request_context():
        make_summary(today())
    before = dashboard.weekly_letters(today())
    db.session.delete(entry)
    db.session.commit()
    assert not summed(today())
    assert db.session.scalar(select(func.count()).select_from(LetterDaySummary)) == 0
    after = dashboard.weekly_letters(today())
    assert after == weeks_grouped_anew()
    assert sum(n for _, n in before) - sum(n for _, n in after) == 70


@pytest.mark.parametrize("how", ["object", "statement"])
def test_a_deleted_prisoner_drops_the_letters_per_day(app: Flask, how: str) -> None:
    """Their logged rows go by ON DELETE CASCADE, which no hook on the log sees: the chart
    must not keep counting them."""
    people = fill()
    with app.test_request_context():
        make_summary(today())
    gone = people[4]
    if how == "object":
        db.session.delete(gone)
    else:
        db.session.execute(delete(Prisoner).where(Prisoner.id == gone.id))
    db.session.commit()
    assert not summed(today())
    assert db.session.scalar(select(func.count()).select_from(LetterDaySummary)) == 0
    assert dashboard.weekly_letters(today()) == weeks_grouped_anew()


def test_the_dashboard_shows_the_same_figures_from_the_summary(app: Flask) -> None:
    """The dashboard's page of prisoners from the summary and today's rows: the same figures
    and order as grouped from the log, for someone written to only today, someone written to
    before and today, and someone never written to."""
    people = fill()
    facility = make_facility()
    only_today = make_person("OnlyToday", facility=facility)
    make_person("Never", facility=facility)
    db.session.commit()
    record_letter_sent(only_today, letters=2)
    record_letter_sent(people[0], letters=3)
    record_letter_sent(people[2], letters=1, sent_on=today() - timedelta(days=200))
    db.session.commit()

    def shown() -> list[tuple[str, int, int, date | None]]:
        page = dashboard.prisoner_activity(today())
        return [
            (row.name, row.recent_letters, row.total_letters, row.last_letter_on)
            for row in page.items
        ]

    grouped = shown()
    with app.test_request_context():
        make_summary(today())
    with count_statements() as statements:
        joined = shown()

    assert joined == grouped
    assert grouped[0][0] == "A Never"
    assert ("A OnlyToday", 2, 2, today()) in grouped
    assert not [sql for sql in statements if "GROUP BY letters_sent.prisoner_id" in sql]
    assert any("need_summaries" in sql for sql in statements)


def test_the_next_day_s_letters_per_day_carry_the_last_summary_forward(app: Flask) -> None:
    """The next summary's letters per day are the last summary's plus the rows recorded since,
    not the log grouped again: and the same numbers as grouping it."""
    people = fill()  # rows recorded up to yesterday
    with app.test_request_context():
        make_summary(today())
    record_letter_sent(people[1], letters=5)  # recorded today: in tomorrow's summary
    record_letter_sent(people[2], letters=2, sent_on=today() - timedelta(days=9))
    db.session.commit()
    tomorrow = today() + timedelta(days=1)

    with count_statements() as statements:
        sum_day(db.session, tomorrow)
    db.session.commit()

    made = [sql for sql in statements if "INSERT INTO letter_day_summaries" in sql]
    assert len(made) == 1
    assert "FROM letter_day_summaries" in made[0]
    stored = dict(
        db.session.execute(
            select(LetterDaySummary.sent_on, LetterDaySummary.letters).where(
                LetterDaySummary.day == tomorrow
            )
        ).all()
    )
    grouped = dict(
        db.session.execute(
            select(LetterSent.sent_on, func.sum(LetterSent.letters))
            .where(LetterSent.recorded_on < tomorrow)
            .group_by(LetterSent.sent_on)
        ).all()
    )
    assert stored == grouped
    assert stored[today()] == 5
    # Only tomorrow's days are kept.
    assert set(db.session.scalars(select(LetterDaySummary.day).distinct())) == {tomorrow}
