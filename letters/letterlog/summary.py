"""Each day's letter figures per prisoner, summed once (``NeedSummary``).

Why: ordering by need groups the whole letter log. At a million rows that is most of every
list page, write-next pick and dashboard (issue 14). But the figures the public sees count only
rows recorded before today (``public_count_day``), and a row is always recorded on the day it
is inserted, so those figures cannot change during the day except when a logged row is deleted
or edited. They are summed the first time a page asks for them on a given day, into a table
of one row per prisoner, and every later page reads that instead.

Why a daily summary rather than counters kept on each prisoner (``greatest()`` on insert):
"letters in the last 60 days" falls as days pass without any insert, so a counter would need a
daily job anyway; and a counter updated by every "I sent it" is a row that concurrent presses
fight over, where the log is insert-only. The summary keeps the log insert-only and has no job
to forget: the first page of the day makes it (``flask --app app letters summarize`` from
cron makes it before anyone asks).

Kept true: deleting or changing a logged row (a coordinator correcting an evening, a test
moving days) drops the summaries it was counted in, in the same transaction
(``_drop_summaries_touched_by``); a prisoner deleted takes their rows with them (``ON DELETE
CASCADE``). Where no summary exists, or it is being made, figures are grouped from the log as
before: the summary is only ever a shortcut to the same numbers.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial
from typing import Any

from flask import Flask, Response, after_this_request, current_app, g, has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session

from ..database import READ_METHODS, write_transaction
from ..extensions import db
from ..models import LetterDaySummary, LetterSent, NeedSummary, NeedSummaryDay, Prisoner
from .services import public_count_day

log = logging.getLogger(__name__)

# "Recent" letters: a prisoner who got a dozen letters two months ago may be alone again now.
RECENT_DAYS = 60


def recent_since(day: date) -> date:
    return day - timedelta(days=RECENT_DAYS)


def _recent(since: date) -> ColumnElement[Any]:
    return case((LetterSent.sent_on >= since, LetterSent.letters), else_=0)


def logged_figures(day: date, *, recorded_before: date | None = None) -> Any:
    """Per prisoner, grouped from the log: ``prisoner_id``, ``recent`` (letters in the 60 days
    before ``day``), ``total``, ``last_sent_on``; only rows recorded before
    ``recorded_before`` if given."""
    query = select(
        LetterSent.prisoner_id.label("prisoner_id"),
        func.sum(_recent(recent_since(day))).label("recent"),
        func.sum(LetterSent.letters).label("total"),
        func.max(LetterSent.sent_on).label("last_sent_on"),
    ).group_by(LetterSent.prisoner_id)
    if recorded_before is not None:
        query = query.where(LetterSent.recorded_on < recorded_before)
    return query


def summed(day: date) -> bool:
    """Whether ``day``'s summary exists, as the request's own transaction sees it."""
    return db.session.get(NeedSummaryDay, day) is not None


def summary_figures(day: date, *, with_today: bool) -> Subquery:
    """``day``'s summary as a subquery with ``logged_figures``' columns; ``with_today`` adds
    the rows recorded on or after ``day`` from the log (a coordinator's figures count them)."""
    stored = select(
        NeedSummary.prisoner_id.label("prisoner_id"),
        NeedSummary.recent.label("recent"),
        NeedSummary.total.label("total"),
        NeedSummary.last_sent_on.label("last_sent_on"),
    ).where(NeedSummary.day == day)
    if not with_today:
        return stored.subquery("need")
    fresh = select(
        LetterSent.prisoner_id.label("prisoner_id"),
        _recent(recent_since(day)).label("recent"),
        LetterSent.letters.label("total"),
        LetterSent.sent_on.label("last_sent_on"),
    ).where(LetterSent.recorded_on >= day)
    both = stored.union_all(fresh).subquery("logged")
    return (
        select(
            both.c.prisoner_id.label("prisoner_id"),
            func.sum(both.c.recent).label("recent"),
            func.sum(both.c.total).label("total"),
            func.max(both.c.last_sent_on).label("last_sent_on"),
        )
        .group_by(both.c.prisoner_id)
        .subquery("need")
    )


def daily_letters(today: date, first: date, last: date) -> list[tuple[date, int]]:
    """(day, letters sent that day) for the days from ``first`` to ``last`` with letters, every
    row of the log counted (a coordinator's figures, as of ``today``), in date order.

    From the day's summary (``LetterDaySummary``, at most a row per day) plus the rows recorded
    today, when the summary exists: the same numbers as grouping the log, since rows recorded
    before today never change without dropping the summary. Else grouped from the log, and the
    summary offered for the next page (as ``need_scores`` does).
    """
    day = public_count_day(today)  # the day summaries are made for, as in ``need_scores``
    if summed(day):
        stored = select(LetterDaySummary.sent_on, LetterDaySummary.letters).where(
            LetterDaySummary.day == day, LetterDaySummary.sent_on.between(first, last)
        )
        totals = {sent_on: letters for sent_on, letters in db.session.execute(stored)}
        # Today's rows, a few, summed here and chosen by the day they were recorded alone:
        # asked to filter or group by ``sent_on`` as well, SQLite's planner walks the sent_on
        # index instead (a quarter of the log at 1M rows; 0.3-0.4 s a view).
        fresh = select(LetterSent.sent_on, LetterSent.letters).where(LetterSent.recorded_on >= day)
        for sent_on, letters in db.session.execute(fresh):
            if first <= sent_on <= last:
                totals[sent_on] = totals.get(sent_on, 0) + letters
        return sorted(totals.items())
    if may_make_summary():
        make_summary_after_response(day)
    rows = db.session.execute(
        select(LetterSent.sent_on, func.sum(LetterSent.letters))
        .where(LetterSent.sent_on.between(first, last))
        .group_by(LetterSent.sent_on)
    )
    return sorted((sent_on, int(letters)) for sent_on, letters in rows)


def _drop_all(session: Session) -> None:
    for table in (NeedSummary, LetterDaySummary, NeedSummaryDay):
        session.execute(delete(table))


def _letters_per_day(session: Session, day: date) -> Select[date, int]:
    """Letters per day sent over the rows recorded before ``day``, as a select.

    From the latest earlier summary when there is one: its days plus the rows recorded since
    it (yesterday's, usually: a few hundred), instead of grouping the whole log again. It is
    still right: a summary exists only while no row recorded before its day has been changed
    or deleted (they drop it), and rows are recorded on the day they are inserted. Grouping the
    whole log by day was 40 % of making the summary on SQLite at 1M rows (11 s of 28 s on the
    busy benchmark machine), with the write lock held.
    """
    previous = session.scalar(select(func.max(NeedSummaryDay.day)).where(NeedSummaryDay.day < day))
    if previous is None:
        return (
            select(LetterSent.sent_on, func.sum(LetterSent.letters))
            .where(LetterSent.recorded_on < day)
            .group_by(LetterSent.sent_on)
        )
    carried = select(
        LetterDaySummary.sent_on.label("sent_on"), LetterDaySummary.letters.label("letters")
    ).where(LetterDaySummary.day == previous)
    since = select(LetterSent.sent_on, LetterSent.letters).where(
        LetterSent.recorded_on >= previous, LetterSent.recorded_on < day
    )
    both = carried.union_all(since).subquery("days")
    return select(both.c.sent_on, func.sum(both.c.letters)).group_by(both.c.sent_on)


def sum_day(session: Session, day: date) -> None:
    """Write ``day``'s summary in ``session``'s transaction (the caller commits), and drop
    earlier days', which no page asks for once the day has turned."""
    figures = logged_figures(day, recorded_before=day).subquery()
    per_day = _letters_per_day(session, day).subquery("per_day")
    session.execute(delete(LetterDaySummary).where(LetterDaySummary.day == day))
    # Letters per day sent, for the dashboard's chart: the same rows as the figures below
    # (recorded before ``day``), by day instead of by prisoner. Written before the earlier
    # days are dropped: it may be made from the latest of them.
    session.execute(
        insert(LetterDaySummary).from_select(
            ["day", "sent_on", "letters"],
            select(literal(day), per_day.c[0], per_day.c[1]),
        )
    )
    session.execute(delete(NeedSummary).where(NeedSummary.day <= day))
    session.execute(delete(LetterDaySummary).where(LetterDaySummary.day < day))
    session.execute(delete(NeedSummaryDay).where(NeedSummaryDay.day <= day))
    session.execute(
        insert(NeedSummary).from_select(
            ["day", "prisoner_id", "recent", "total", "last_sent_on"],
            select(
                literal(day).label("day"),
                figures.c.prisoner_id,
                figures.c.recent,
                figures.c.total,
                figures.c.last_sent_on,
            ),
        )
    )
    session.add(NeedSummaryDay(day=day))


def make_summary(day: date, *, wait: bool = True) -> bool:
    """Make ``day``'s summary on a connection and transaction of its own: returns whether it
    exists now. ``wait=False``: on SQLite, give up at once when another writer holds the lock.
    Never raises for a lost race or a busy database: pages then group the log themselves."""
    with write_transaction(wait=wait):
        session: Session = db.session.session_factory()
        try:
            if session.get(NeedSummaryDay, day) is None:
                sum_day(session, day)
                session.commit()
            return True
        except (IntegrityError, OperationalError) as error:  # another worker, or a writer
            session.rollback()
            log.info("need summary for %s not made now: %s", day, error.__class__.__name__)
            return False
        finally:
            session.close()


def may_make_summary() -> bool:
    """Only a read-only request offers to make the summary (after its response): one that
    writes holds SQLite's write lock until its end, and is no reason to do more."""
    return has_request_context() and request.method in READ_METHODS


def make_summary_after_response(day: date) -> None:
    """Once the response has gone, try once to make ``day``'s summary, without waiting for a
    lock: the visitor who asked first is not kept waiting for it, and a page never queues
    behind a writer for it. Once per request however often the figures are asked for."""
    if g.get("letters_summary_offered"):
        return
    g.letters_summary_offered = True
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def offer(response: Response) -> Response:
        response.call_on_close(partial(_make_in_app, app, day))
        return response


def _make_in_app(app: Flask, day: date) -> None:
    with app.app_context():
        make_summary(day, wait=False)


# --- keeping it true --------------------------------------------------------------------------


def _drop_summaries_touched_by(session: Session, _context: Any) -> None:
    """After a flush that deleted or changed logged rows, or added one recorded before today
    (the app never does; a script or a test may): drop the summaries they were in."""
    today = date.today()
    touched = [
        row
        for row in (*session.deleted, *session.dirty, *session.new)
        if isinstance(row, LetterSent)
        and (
            row in session.deleted
            or (row in session.new and row.recorded_on is not None and row.recorded_on < today)
            or (row not in session.new and session.is_modified(row))
        )
    ]
    # A prisoner deleted takes their logged rows along (ON DELETE CASCADE, in the database,
    # where no hook sees it): their need row goes too, but the letters per day would not.
    gone = any(isinstance(row, Prisoner) for row in session.deleted)
    if touched or gone:
        _drop_all(session)


def _drop_summaries_on_bulk_change(state: ORMExecuteState) -> None:
    """``UPDATE``/``DELETE`` statements on the log (not row by row), or ``DELETE`` of
    prisoners (their rows go by cascade): drop every summary."""
    mapper = state.bind_mapper
    if mapper is None:
        return
    if ((state.is_update or state.is_delete) and mapper.class_ is LetterSent) or (
        state.is_delete and mapper.class_ is Prisoner
    ):
        _drop_all(state.session)


def listen() -> None:
    """Register the hooks once per process, on the session class every app's sessions use."""
    for name, hook in (
        ("after_flush", _drop_summaries_touched_by),
        ("do_orm_execute", _drop_summaries_on_bulk_change),
    ):
        if not event.contains(FlaskSession, name, hook):
            event.listen(FlaskSession, name, hook)
