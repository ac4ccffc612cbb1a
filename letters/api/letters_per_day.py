"""``GET /api/v1/letters``: letters per listed prisoner per day, for groups following this list.

Counts only, by the day the letters were sent: never who wrote or recorded them, and only rows
recorded before today, as the public totals (a count that moved at a click would let a poller
time it). Only this group's own letters are in ``letters_sent`` (what followed groups publish is
kept in ``source_letter_days``), so a count is never published twice. Off until the group turns
it on (``GroupSettings.publish_letter_days``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..letterlog.services import public_count_day
from ..models import LetterSent, Prisoner
from ..settings.services import group_settings
from .services import page_count

# A page is every day of up to this many people (by id): a page then groups only its own
# people's rows, through the (prisoner, day) index, however long the whole log is. Paging by
# day rows instead would group the whole log again for every page: at a million letters, a
# follower's first read would regroup a million rows a thousand times.
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100


def published() -> bool:
    """Whether the group publishes its letters per day."""
    return bool(group_settings().publish_letter_days)


def letter_days(
    since: date, page_number: int, per_page: int, today: date | None = None
) -> dict[str, Any]:
    """Page ``page_number`` of the listed people (``per_page`` of them, by id) with their
    ``{"id", "sent_on", "letters"}`` from ``since`` on, by (id, sent_on). Three queries a page
    whatever its size; ``total`` counts people, as ``pages`` does, not days."""
    listed = select(Prisoner.id).where(Prisoner.is_listed.is_(True))
    total = db.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    ids = list(
        db.session.scalars(
            listed.order_by(Prisoner.id).limit(per_page).offset((page_number - 1) * per_page)
        )
    )
    rows: Iterable[Any] = (
        db.session.execute(
            select(LetterSent.prisoner_id, LetterSent.sent_on, func.sum(LetterSent.letters))
            .where(
                LetterSent.prisoner_id.in_(ids),
                LetterSent.sent_on >= since,
                LetterSent.recorded_on < public_count_day(today),
            )
            .group_by(LetterSent.prisoner_id, LetterSent.sent_on)
            .order_by(LetterSent.prisoner_id, LetterSent.sent_on)
        )
        if ids
        else []
    )
    return {
        "days": [
            {"id": prisoner_id, "sent_on": sent_on.isoformat(), "letters": int(letters)}
            for prisoner_id, sent_on, letters in rows
        ],
        "since": since.isoformat(),
        "page": page_number,
        "per_page": per_page,
        "total": total,
        "pages": page_count(total, per_page),
    }
