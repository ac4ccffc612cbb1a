"""What the coordinators' dashboard shows, and the letter log as CSV.

Plain functions over the letter log (``LetterSent``), campaigns and mail events. Every figure
comes from a handful of grouped queries, never a query per prisoner or per campaign, so the
page costs the same with 3 prisoners or 3,000.

The letter log is exported without ``user_id``: who recorded a letter is exactly what must not
leave the server (see docs/security.md#what-is-never-kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Subquery, case, func, select
from sqlalchemy.orm import joinedload

from ..campaigns.services import CampaignProgress, campaign_count, campaign_progress
from ..display import display_name
from ..extensions import db
from ..letterlog.need import need_scores
from ..letterlog.summary import daily_letters
from ..lookups import name_matches
from ..models import (
    NOT_WRITABLE,
    Gender,
    MailEvent,
    MailEventKind,
    Prisoner,
    ReturnReason,
    Status,
)
from ..paging import Page

# Half a year: long enough to see a campaign's effect fade, short enough for one chart.
WEEKS = 26
RECENT_MAIL_EVENTS = 20
# The newest evenings and campaigns, what a coordinator follows; the campaigns page has them
# all. Every one of them (one per 30 prisoners in the benchmark's registry) grew the page and
# its grouping with the years.
DASHBOARD_CAMPAIGNS = 10


# --- letters per week -------------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (ISO weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def week_window(today: date, weeks: int = WEEKS) -> tuple[date, date]:
    """First and last day (Monday, Sunday) of the ``weeks`` weeks ending with this week."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    current = week_start(today)
    return current - timedelta(weeks=weeks - 1), current + timedelta(days=6)


def weekly_letters(today: date, weeks: int = WEEKS) -> list[tuple[date, int]]:
    """(Monday, letters) for each of the ``weeks`` weeks ending with ``today``'s, oldest first.

    Sums ``LetterSent.letters`` (one row may record several letters); weeks without letters
    are there with 0, so the chart has no holes.
    """
    first, last = week_window(today, weeks)
    # Read by day, then bucketed here: SQLite and PostgreSQL spell "the week's Monday"
    # differently, and at most 7 × weeks rows come back. By day from the day's summary when it
    # exists (at 1M rows, half a year is a quarter of a million rows to sum on every view).
    totals = {first + timedelta(weeks=n): 0 for n in range(weeks)}
    for day, letters in daily_letters(today, first, last):
        totals[week_start(day)] += letters
    return list(totals.items())


# --- per prisoner -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PrisonerActivity:
    """Letters and mail for one prisoner. ``days_since_last`` is None when never written to."""

    prisoner_id: int
    name: str
    is_listed: bool
    status: Status
    gender: Gender | None  # the status reads in it ("Осуждена")
    address_needs_checking: bool
    total_letters: int
    recent_letters: int
    last_letter_on: date | None
    days_since_last: int | None
    replies: int
    returns: int

    @property
    def can_receive(self) -> bool:
        return self.status not in NOT_WRITABLE


def _mail_counts(prisoner_ids: list[int]) -> Subquery:
    """Replies and returned letters per prisoner of ``prisoner_ids``, ever: one grouped query,
    as a subquery. Only a page's prisoners: the order never depends on mail, so grouping every
    prisoner's events (10,000 at 10,000 prisoners) only to join 50 of them was waste."""

    def count(kind: MailEventKind) -> ColumnElement[int]:
        return func.sum(case((MailEvent.kind == kind, 1), else_=0))

    return (
        select(
            MailEvent.prisoner_id.label("prisoner_id"),
            count(MailEventKind.REPLY).label("replies"),
            count(MailEventKind.RETURNED).label("returns"),
        )
        .where(MailEvent.prisoner_id.in_(prisoner_ids))
        .group_by(MailEvent.prisoner_id)
        .subquery("mail")
    )


#: Prisoners on one page of the dashboard's table.
PRISONERS_PER_PAGE = 50


def prisoner_activity(
    today: date, *, name: str = "", page: int = 1, per_page: int = PRISONERS_PER_PAGE
) -> Page[PrisonerActivity]:
    """One page of prisoners, listed or not, with their letters and mail: four queries (whether
    the day is summed, how many, the page's ids and figures, the page's prisoners with their
    mail), however many prisoners there are.

    Order: longest since the last letter first, never written to before anyone; the released
    and the dead go last, since nobody can write to them any more and they would otherwise sit
    on top for ever. Then by name. ``name``: only prisoners whose name holds its words.

    Ids first, as ``page_by_need``: the order sorts every prisoner, so it sorts narrow rows
    (id, figures, the name columns it orders by), and only the page's 50 are loaded whole.
    """
    matching = name_matches(name)
    total = db.session.scalar(select(func.count(Prisoner.id)).where(*matching)) or 0
    need = need_scores(today)
    ids = select(Prisoner.id).outerjoin(need, need.c.prisoner_id == Prisoner.id)
    recent, total_letters, last = need.c.recent, need.c.total, need.c.last_sent_on
    never_first = case((last.is_(None), 0), else_=1)
    not_writable_last = case((Prisoner.status.in_(NOT_WRITABLE), 1), else_=0)
    current = Page[PrisonerActivity]([], page, per_page, total)
    figures = {
        row[0]: tuple(row[1:])
        for row in db.session.execute(
            ids.add_columns(recent, total_letters, last)
            .where(*matching)
            .order_by(
                not_writable_last,
                never_first,
                last,
                Prisoner.family_name,
                Prisoner.given_names,
                Prisoner.id,
            )
            .limit(per_page)
            .offset(current.offset)
        )
    }
    if not figures:
        return current
    mail = _mail_counts(list(figures))
    loaded = {
        prisoner.id: (prisoner, replies, returns)
        for prisoner, replies, returns in db.session.execute(
            select(Prisoner, mail.c.replies, mail.c.returns)
            .outerjoin(mail, mail.c.prisoner_id == Prisoner.id)
            .where(Prisoner.id.in_(list(figures)))
        )
    }
    items = []
    for prisoner_id, (recent, total_letters, last) in figures.items():  # in the page's order
        if prisoner_id not in loaded:  # deleted between the two queries
            continue
        prisoner, replies, returns = loaded[prisoner_id]
        items.append(
            PrisonerActivity(
                prisoner_id=prisoner.id,
                name=display_name(prisoner),
                is_listed=prisoner.is_listed,
                status=prisoner.status,
                gender=prisoner.gender,
                address_needs_checking=prisoner.address_needs_checking,
                total_letters=int(total_letters or 0),
                recent_letters=int(recent or 0),
                last_letter_on=last,
                days_since_last=None if last is None else (today - last).days,
                replies=int(replies or 0),
                returns=int(returns or 0),
            )
        )
    return Page(items, page, per_page, total)


# --- replies and returned letters -------------------------------------------------------------


@dataclass(frozen=True)
class MailEventRow:
    prisoner_id: int
    name: str
    kind: MailEventKind
    happened_on: date
    return_reason: ReturnReason | None
    note: str


@dataclass(frozen=True)
class MailSummary:
    """Replies and returns in the chart's weeks (from ``since``), and the latest events."""

    since: date
    replies: int
    returns: int
    returns_by_reason: dict[ReturnReason, int]
    recent: list[MailEventRow]


def mail_summary(today: date, weeks: int = WEEKS, limit: int = RECENT_MAIL_EVENTS) -> MailSummary:
    """Counts by kind and return reason in the ``weeks`` weeks, and the ``limit`` latest events
    of any date: two queries."""
    first, last = week_window(today, weeks)
    counts = db.session.execute(
        select(MailEvent.kind, MailEvent.return_reason, func.count())
        .where(MailEvent.happened_on.between(first, last))
        .group_by(MailEvent.kind, MailEvent.return_reason)
    ).all()
    by_reason = {
        reason: number
        for kind, reason, number in counts
        if kind == MailEventKind.RETURNED and reason is not None
    }
    events = db.session.scalars(
        select(MailEvent)
        .options(joinedload(MailEvent.prisoner))
        .order_by(MailEvent.happened_on.desc(), MailEvent.id.desc())
        .limit(limit)
    )
    return MailSummary(
        since=first,
        replies=sum(number for kind, _, number in counts if kind == MailEventKind.REPLY),
        returns=sum(by_reason.values()),
        returns_by_reason=by_reason,
        recent=[
            MailEventRow(
                prisoner_id=event.prisoner_id,
                name=display_name(event.prisoner),
                kind=event.kind,
                happened_on=event.happened_on,
                return_reason=event.return_reason,
                note=event.note,
            )
            for event in events
        ],
    )


# --- the whole page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    today: date
    weeks: list[tuple[date, int]]
    prisoners: Page[PrisonerActivity]
    campaigns: list[CampaignProgress]  # the newest DASHBOARD_CAMPAIGNS
    campaigns_total: int
    mail: MailSummary

    @property
    def letters_in_weeks(self) -> int:
        return sum(letters for _, letters in self.weeks)


def overview(today: date, weeks: int = WEEKS, *, name: str = "", page: int = 1) -> Overview:
    """Everything the dashboard shows; ``name`` and ``page`` choose the prisoners shown."""
    return Overview(
        today=today,
        weeks=weekly_letters(today, weeks),
        prisoners=prisoner_activity(today, name=name, page=page),
        campaigns=campaign_progress(limit=DASHBOARD_CAMPAIGNS),
        campaigns_total=campaign_count(),
        mail=mail_summary(today, weeks),
    )


# --- the letter log as CSV --------------------------------------------------------------------
