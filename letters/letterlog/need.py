"""Who needs a letter next: fewest letters lately, longest wait, the forgotten first.

Plain functions over the letter log (``LetterSent``). "Need" is always computed by one grouped
query over the log joined to the prisoners, never a query per prisoner, so the public list
costs the same with 3 prisoners or 3,000.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from flask import has_request_context, request
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    Subquery,
    case,
    func,
    literal,
    select,
)
from sqlalchemy import cast as sql_cast

from ..extensions import db
from ..models import NOT_WRITABLE, Prisoner
from ..paging import Page, page_number
from .services import public_count_day
from .summary import (
    logged_figures,
    make_summary_after_response,
    may_make_summary,
    summary_figures,
    summed,
)

# Beyond a year, longer silence adds no more weight: everyone unwritten for a year (or never)
# is equally forgotten, and an uncapped count would let one person swamp the random pick.
DAYS_SINCE_CAP = 365


# --- who needs a letter next ------------------------------------------------------------------


def need_scores(today: date | None = None, *, public: bool = False) -> Subquery:
    """Per prisoner: letters in the last ``RECENT_DAYS`` days, letters ever and the date of the
    last letter.

    A subquery to outer-join to prisoners; a prisoner with no row has never been written to.
    Columns: ``prisoner_id``, ``recent``, ``total``, ``last_sent_on``. ``public``: only rows
    recorded before today, so what anyone can watch (the list's order, the pick) changes once
    a day and never times a click. Read from the day's summary (``summary``) when it exists,
    with today's rows added for coordinators; else grouped from the whole log, and the summary
    is made for the next page.
    """
    today = today or date.today()
    day = public_count_day(today)
    if summed(day):
        return summary_figures(day, with_today=not public)
    if may_make_summary():
        make_summary_after_response(day)  # for the next page; this one groups the log
    recorded_before = day if public else None
    return logged_figures(today, recorded_before=recorded_before).subquery("need")


def order_by_need(
    query: Select[tuple[Prisoner]], today: date | None = None, *, public: bool = False
) -> Select[tuple[Prisoner]]:
    """``query`` (a select of prisoners, e.g. a name search) reordered by need, neediest first.

    Order: prisoners who can receive letters before the released and the dead; then fewest
    letters in the last 60 days; then longest since the last letter, never written first; then
    name, so pages are stable. ``public``: see ``need_scores``.
    """
    return _ordered_by(need_scores(today, public=public), query)


_AnySelect = TypeVar("_AnySelect", bound=Select[Any])


def _ordered_by(need: Subquery, query: _AnySelect, *, reverse: bool = False) -> _AnySelect:
    """``query`` joined to ``need`` (from ``need_scores``) and ordered as ``order_by_need``;
    ``reverse``: the exact reverse order, every key descending (the ids make the order total,
    and both databases put NULLs at the other end when a key is reversed)."""
    recent = func.coalesce(need.c.recent, 0)
    # "Never written" sorts before every date. Spelled as a CASE because NULLS FIRST is not
    # supported by every SQLite still in use, and PostgreSQL sorts NULLs last by default.
    never_first = case((need.c.last_sent_on.is_(None), 0), else_=1)
    not_writable_last = case((Prisoner.status.in_(NOT_WRITABLE), 1), else_=0)
    keys: list[Any] = [
        not_writable_last,
        recent,
        never_first,
        need.c.last_sent_on,
        Prisoner.family_name,
        Prisoner.given_names,
        Prisoner.id,
    ]
    if reverse:
        keys = [key.desc() for key in keys]
    return query.outerjoin(need, need.c.prisoner_id == Prisoner.id).order_by(None).order_by(*keys)


def page_by_need(
    query: Select[tuple[Prisoner]], per_page: int, page: int | None = None, *, public: bool = False
) -> Page[Prisoner]:
    """One page of ``query`` (a select of prisoners) ordered by need; ``page`` defaults to the
    request's ``?page=``.

    Ids first: the need ordering sorts only prisoners' ids and figures (narrow rows: a deep
    page no longer sorts whole prisoner rows, which spilled to disk at 10,000 prisoners), then
    the page's prisoners load by id with whatever ``query`` loads with them. The total is
    counted on ``query`` itself, not on the ordered query: SQLite would compute the need
    ordering a second time for it.
    """
    if page is None:
        page = page_number(request.args.get("page")) if has_request_context() else 1
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    current = Page[Prisoner]([], page, per_page, total or 0)
    ids = _page_ids(query, current, public=public)
    rows = cast(
        "Iterable[Prisoner]", db.session.scalars(query.where(Prisoner.id.in_(ids))).unique()
    )
    loaded = {p.id: p for p in rows}
    return Page([loaded[i] for i in ids if i in loaded], page, per_page, total or 0)


def _page_ids(query: Select[tuple[Prisoner]], page: Page[Prisoner], *, public: bool) -> list[int]:
    """The ids on ``page`` of ``query`` ordered by need.

    A page in the second half is read from the end, in the reverse order: the last page is
    then the first few rows of a reversed sort, which the database finds with a small top-N
    sort as for page 1, instead of sorting every listed prisoner to skip all but the last 50
    (at 10,000 prisoners the last page cost twice page 1, and grew with the registry)."""
    need = need_scores(public=public)
    narrow = query.with_only_columns(Prisoner.id)
    if page.offset * 2 <= page.total:
        ordered = _ordered_by(need, narrow).limit(page.per_page).offset(page.offset)
        return list(db.session.scalars(ordered))
    rows_left = page.total - page.offset
    if rows_left <= 0:
        return []
    from_end = max(0, rows_left - page.per_page)
    reversed_ids = db.session.scalars(
        _ordered_by(need, narrow, reverse=True)
        .limit(min(page.per_page, rows_left))
        .offset(from_end)
    )
    return list(reversed_ids)[::-1]


def prisoners_by_need(
    listed_only: bool = True, today: date | None = None
) -> Select[tuple[Prisoner]]:
    """All (listed) prisoners, neediest first: see ``order_by_need`` (the listed only as the
    public sees them, by letters recorded before today)."""
    query = select(Prisoner)
    if listed_only:
        query = query.where(Prisoner.is_listed.is_(True))
    return order_by_need(query, today, public=listed_only)


@dataclass(frozen=True)
class NeedRow:
    """A prisoner with the figures a coordinator chooses by."""

    prisoner: Prisoner
    recent_letters: int  # in the last RECENT_DAYS days
    last_sent_on: date | None  # None: never written to

    def days_since_last(self, today: date) -> int | None:
        return None if self.last_sent_on is None else (today - self.last_sent_on).days


def need_rows(query: Select[tuple[Prisoner]], today: date | None = None) -> list[NeedRow]:
    """``query``'s prisoners ordered as ``order_by_need``, each with its recent letters and
    last letter: one query for all the figures, however many prisoners (the campaign form
    shows everyone). Counts every letter recorded, as coordinators see the log."""
    need = need_scores(today)
    rows = db.session.execute(
        _ordered_by(need, query.add_columns(need.c.recent, need.c.last_sent_on))
    )
    return [
        NeedRow(prisoner, int(recent or 0), last_sent_on) for prisoner, recent, last_sent_on in rows
    ]


@dataclass(frozen=True)
class Candidate:
    """A prisoner who may be picked, with what the weight is computed from: plain numbers, so
    weighing ten thousand people loads none of them (only the one picked is)."""

    prisoner_id: int
    recent_letters: int
    days_since_last: int  # capped at DAYS_SINCE_CAP; never written counts as the cap

    @property
    def weight(self) -> float:
        return pick_weight(self.recent_letters, self.days_since_last)


def pick_weight(recent_letters: int, days_since_last: int) -> float:
    """weight = (1 + min(days since the last letter, 365)) / (1 + letters in the last 60 days)².

    Why: silence should count, but letters already received should count more, so the recent
    count is squared. Someone never written to weighs 366; someone written to once yesterday
    weighs 2/4 = 0.5; four recent letters cut a weight to 1/25. The "1 +" keeps every weight
    above zero: a random pick may still land on anyone, it is only much less likely.
    """
    days = min(max(days_since_last, 0), DAYS_SINCE_CAP)
    return (1 + days) / (1 + max(recent_letters, 0)) ** 2


def _writable_now() -> tuple[ColumnElement[bool], ...]:
    """Who may be picked: listed, with a facility (an address), not released or dead, and
    without an address to check (a letter there would likely come back)."""
    return (
        Prisoner.is_listed.is_(True),
        Prisoner.facility_id.is_not(None),
        Prisoner.address_needs_checking.is_(False),
        Prisoner.status.not_in(NOT_WRITABLE),
    )


def pick_candidates(today: date | None = None) -> list[Candidate]:
    """Listed prisoners who can be written to now, with their need: one query.

    Skipped: unlisted, without a facility (no address), released or dead, and those whose
    address needs checking (a letter there would likely come back). Need is counted as the
    public sees it (rows recorded before today): anyone can ask for picks again and again, and
    a weight that fell at a click would time it.

    The pick itself weighs candidates in SQL (``weight_column``); this lists the same figures
    in Python, a row per candidate, to check and explain them.
    """
    today = today or date.today()
    need = need_scores(today, public=True)
    rows = db.session.execute(
        select(Prisoner.id, need.c.recent, need.c.last_sent_on)
        .outerjoin(need, need.c.prisoner_id == Prisoner.id)
        .where(*_writable_now())
        .order_by(Prisoner.id)  # a stable order, so a seeded pick is reproducible
    ).all()
    return [
        Candidate(
            prisoner_id=prisoner_id,
            recent_letters=int(recent or 0),
            days_since_last=(
                DAYS_SINCE_CAP if last is None else min((today - last).days, DAYS_SINCE_CAP)
            ),
        )
        for prisoner_id, recent, last in rows
    ]


def _days_before(today: date, day: Any) -> ColumnElement[int]:
    """Whole days from the date column ``day`` to ``today``, in the database's own arithmetic
    (PostgreSQL subtracts dates; SQLite counts Julian days)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sql_cast(func.julianday(literal(today.isoformat())) - func.julianday(day), Integer)
    return sql_cast(literal(today) - day, Integer)


def weight_column(need: Subquery, today: date) -> ColumnElement[Any]:
    """``pick_weight`` in SQL, for a row of ``need`` (a prisoner without one: never written)."""
    days = _days_before(today, need.c.last_sent_on)
    capped = case(
        (need.c.last_sent_on.is_(None), DAYS_SINCE_CAP),
        (days > DAYS_SINCE_CAP, DAYS_SINCE_CAP),
        (days < 0, 0),
        else_=days,
    )
    recent = sql_cast(func.coalesce(need.c.recent, 0), Float)
    return (1.0 + sql_cast(capped, Float)) / ((1.0 + recent) * (1.0 + recent))


def pick_prisoner_to_write(
    rng: random.Random | None = None, today: date | None = None, *, exclude: int | None = None
) -> Prisoner | None:
    """A weighted random choice of someone to write to (see ``pick_weight``), or None.

    Random rather than simply the neediest: many visitors press the button at once (an
    evening, a shared link), and the top of the list alone would get every letter.
    ``exclude``: the person just suggested, when the visitor asked for someone else (the same
    face again would read as a broken button).

    Drawn in the database, as ``random.choices`` draws: a random fraction of the weights'
    sum, and the first candidate (by id) whose running sum of weights passes it. One query
    answering one id, instead of a row per candidate (10,000 at the scale of issue 14, each
    made into an object in Python to pick one): the database does the sums.
    """
    today = today or date.today()
    need = need_scores(today, public=True)
    weight = weight_column(need, today)
    where = _writable_now()
    if exclude is not None:
        where = (*where, Prisoner.id != exclude)
    sums = (
        select(
            Prisoner.id.label("id"),
            func.sum(weight).over(order_by=Prisoner.id, rows=(None, 0)).label("running"),
            func.sum(weight).over().label("total"),
        )
        .outerjoin(need, need.c.prisoner_id == Prisoner.id)
        .where(*where)
        .subquery()
    )
    # Not for security: spreading letters only needs a fair spread, not unpredictability.
    fraction = (rng or random.Random()).random()  # noqa: S311
    chosen = db.session.scalar(
        select(sums.c.id)
        .where(sums.c.running > sums.c.total * fraction)
        .order_by(sums.c.id)
        .limit(1)
    )
    if chosen is None:  # nobody, or the point fell on the last sum's rounding: the last one
        chosen = db.session.scalar(select(func.max(sums.c.id)))
    return db.session.get(Prisoner, chosen) if chosen is not None else None


def last_letter_day(prisoner_id: int, today: date | None = None) -> date | None:
    """The day of the last letter to ``prisoner_id`` as the public sees it (recorded before
    today, like the pick), or None if they have never had one."""
    need = need_scores(today, public=True)
    return db.session.scalar(select(need.c.last_sent_on).where(need.c.prisoner_id == prisoner_id))


# --- birthdays --------------------------------------------------------------------------------
