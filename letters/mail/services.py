"""Replies and returned mail, and keeping addresses true: what needs checking, and why.

A returned letter marks the address "needs checking" (shown on the public page) until a
coordinator confirms the address or records a transfer. Visitors' reports land on the
coordinators' list without touching the public page, and record nothing about the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..models import (
    MAX_REPORT_CHARS,
    AddressReport,
    MailEvent,
    MailEventKind,
    Prisoner,
    ReturnReason,
)
from ..paging import Page

MAX_AGE_DAYS = 180

# Why an address is on the list, in the order the list shows them.
RETURNED = "returned"
NEVER_CONFIRMED = "never_confirmed"
CONFIRMED_LONG_AGO = "confirmed_long_ago"
REPORTED = "reported"


@dataclass
class NeedsChecking:
    prisoner: Prisoner
    reasons: list[str] = field(default_factory=list)
    reports: list[AddressReport] = field(default_factory=list)


def record_reply(prisoner: Prisoner, on: date) -> MailEvent:
    event = MailEvent(prisoner=prisoner, kind=MailEventKind.REPLY, happened_on=on)
    db.session.add(event)
    return event


def record_return(prisoner: Prisoner, on: date, reason: ReturnReason, note: str = "") -> MailEvent:
    event = MailEvent(
        prisoner=prisoner,
        kind=MailEventKind.RETURNED,
        happened_on=on,
        return_reason=ReturnReason(reason),
        note=note.strip(),
    )
    prisoner.address_needs_checking = True
    db.session.add(event)
    return event


def confirm_address(prisoner: Prisoner, today: date) -> None:
    prisoner.address_needs_checking = False
    prisoner.address_confirmed_on = today
    db.session.add(prisoner)


def report_address(prisoner: Prisoner, message: str) -> AddressReport:
    """A visitor's report: the message and the day, never who sent it, from where, or at
    what time (a time of day beside a connection log would name the visitor)."""
    message = message.strip()
    if not message or len(message) > MAX_REPORT_CHARS:
        raise ValueError("a report needs a message of at most 1000 characters")
    report = AddressReport(prisoner=prisoner, message=message, reported_on=date.today())
    db.session.add(report)
    return report


def resolve_report(report: AddressReport) -> None:
    report.resolved = True
    db.session.add(report)


def recent_events(prisoner: Prisoner, limit: int = 10) -> list[MailEvent]:
    query = (
        select(MailEvent)
        .where(MailEvent.prisoner_id == prisoner.id)
        .order_by(MailEvent.happened_on.desc(), MailEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


#: Addresses on one page of the needs-checking list.
NEEDS_CHECKING_PER_PAGE = 50
#: The reasons the list can be narrowed to, in the order they are shown.
REASONS = (RETURNED, REPORTED, NEVER_CONFIRMED, CONFIRMED_LONG_AGO)


def needs_checking(
    today: date,
    max_age_days: int = MAX_AGE_DAYS,
    *,
    reason: str = "",
    page: int = 1,
    per_page: int = NEEDS_CHECKING_PER_PAGE,
) -> Page[NeedsChecking]:
    """One page of prisoners, listed or not, whose address should be checked, each with the
    reasons: mail came back, reported by a visitor, never confirmed, or confirmed over
    ``max_age_days`` ago. ``reason`` (one of ``REASONS``) keeps only those with it.

    Known problems first (mail came back, then reports), then the longest unconfirmed: never
    confirmed, then the oldest confirmation. Four queries however long the list: how many,
    the page's ids, its prisoners, and their open reports.
    """
    cutoff = today - timedelta(days=max_age_days)
    # "Has an open report" as membership of one list (open reports are few), which both
    # databases work out once per query; a correlated EXISTS was a probe per prisoner, twice
    # (filter and order), and the part of the page that grew with the registry.
    reported = Prisoner.id.in_(
        select(AddressReport.prisoner_id).where(AddressReport.resolved.is_(False))
    )
    why = {
        RETURNED: Prisoner.address_needs_checking.is_(True),
        REPORTED: reported,
        NEVER_CONFIRMED: Prisoner.address_confirmed_on.is_(None),
        CONFIRMED_LONG_AGO: Prisoner.address_confirmed_on < cutoff,
    }
    condition = why[reason] if reason in why else or_(*why.values())
    total = db.session.scalar(select(func.count(Prisoner.id)).where(condition)) or 0
    current = Page[NeedsChecking]([], page, per_page, total)
    # Ids first: the order sorts every prisoner in the list (thousands), so it sorts narrow
    # rows; only the page's 50 are loaded whole.
    ids = db.session.scalars(
        select(Prisoner.id)
        .where(condition)
        .order_by(
            case((why[RETURNED], 0), else_=1),
            case((reported, 0), else_=1),
            case((why[NEVER_CONFIRMED], 0), else_=1),
            Prisoner.address_confirmed_on,
            Prisoner.family_name,
            Prisoner.id,
        )
        .limit(per_page)
        .offset(current.offset)
    ).all()
    loaded = {p.id: p for p in db.session.scalars(select(Prisoner).where(Prisoner.id.in_(ids)))}
    prisoners = [loaded[i] for i in ids if i in loaded]
    open_reports: dict[int, list[AddressReport]] = {}
    for report in db.session.scalars(
        select(AddressReport)
        .where(
            AddressReport.resolved.is_(False),
            AddressReport.prisoner_id.in_([p.id for p in prisoners]),
        )
        .order_by(AddressReport.reported_on, AddressReport.id)
    ):
        open_reports.setdefault(report.prisoner_id, []).append(report)
    items = []
    for prisoner in prisoners:
        item = NeedsChecking(prisoner, reports=open_reports.get(prisoner.id, []))
        if prisoner.address_needs_checking:
            item.reasons.append(RETURNED)
        if item.reports:
            item.reasons.append(REPORTED)
        if prisoner.address_confirmed_on is None:
            item.reasons.append(NEVER_CONFIRMED)
        elif prisoner.address_confirmed_on < cutoff:
            item.reasons.append(CONFIRMED_LONG_AGO)
        items.append(item)
    return Page(items, page, per_page, total)
