"""Counting letters: every "I sent it", evening entry and coordinator entry is one inserted row,
never a counter, so concurrent writers cannot lose a count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Campaign, LetterSent, Prisoner, SentVia, User

# One prisoner's pile at a busy evening is a few dozen letters; more than this in one entry is
# a typing slip (an extra zero), not an evening.
MAX_LETTERS_PER_ENTRY = 200


def record_letter_sent(
    prisoner: Prisoner,
    campaign: Campaign | None = None,
    user: User | None = None,
    letters: int = 1,
    via: SentVia = SentVia.WEB,
    sent_on: date | None = None,
) -> LetterSent:
    """Insert one row saying ``letters`` letters went to ``prisoner`` on ``sent_on`` (default
    today; a coordinator may record an evening the morning after). The caller commits.

    Always an insert, never a counter read and written back: concurrent "I sent it" clicks on
    PostgreSQL would otherwise lose updates, and SQLite would report a locked database. The row
    holds no content and no identity; ``user`` is given only for a logged-in coordinator.
    """
    if letters < 1:
        raise ValueError(f"letters must be at least 1, got {letters}")
    today = date.today()
    row = LetterSent(
        prisoner_id=prisoner.id,
        sent_on=sent_on or today,
        recorded_on=today,
        letters=letters,
        campaign_id=campaign.id if campaign is not None else None,
        via=via,
        user_id=user.id if user is not None else None,
    )
    db.session.add(row)
    return row


def letters_sent_count(prisoner_id: int, recorded_before: date | None = None) -> int:
    """How many letters have been recorded as sent to the prisoner, all time; with
    ``recorded_before``, only those recorded before that day (see ``public_count_day``)."""
    query = select(func.coalesce(func.sum(LetterSent.letters), 0)).where(
        LetterSent.prisoner_id == prisoner_id
    )
    if recorded_before is not None:
        query = query.where(LetterSent.recorded_on < recorded_before)
    return int(db.session.scalar(query) or 0)


def public_count_day(today: date | None = None) -> date:
    """The day public figures stop at: they count rows recorded before it, so they change once
    a day, when the day turns, and never when someone presses "I sent it". Anyone polling a
    public count could otherwise time each click (docs/security.md#time-of-day)."""
    return today or date.today()


def public_letters_sent_count(prisoner_id: int) -> int:
    """The count a public page shows: letters recorded up to yesterday."""
    return letters_sent_count(prisoner_id, recorded_before=public_count_day())


# "Last 30 days" is today and the 29 days before it: a letter logged exactly 30 days ago is out.
COUNT_RECENT_DAYS = 30


@dataclass(frozen=True)
class LetterCounts:
    letters_sent: int = 0
    letters_last_30_days: int = 0


def letter_counts(
    prisoner_ids: Iterable[int], today: date | None = None, *, public: bool = False
) -> dict[int, LetterCounts]:
    """Letters sent to each prisoner, all time and in the last 30 days, in one grouped query
    (a list page must not run a query per prisoner). Prisoners without letters are absent.

    ``public``: only rows recorded before today (``public_count_day``), for anyone to read.
    """
    ids = list(prisoner_ids)
    if not ids:
        return {}
    today = today or date.today()
    since = today - timedelta(days=COUNT_RECENT_DAYS - 1)
    recent = case((LetterSent.sent_on >= since, LetterSent.letters), else_=0)
    query = (
        select(
            LetterSent.prisoner_id,
            func.coalesce(func.sum(LetterSent.letters), 0),
            func.coalesce(func.sum(recent), 0),
        )
        .where(LetterSent.prisoner_id.in_(ids))
        .group_by(LetterSent.prisoner_id)
    )
    if public:
        query = query.where(LetterSent.recorded_on < public_count_day(today))
    rows = db.session.execute(query)
    return {
        prisoner_id: LetterCounts(int(total), int(last_30)) for prisoner_id, total, last_30 in rows
    }
