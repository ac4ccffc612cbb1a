"""``GET /api/v1/letters``: letters per listed prisoner per day, for groups following this list.

Counts only, by the day the letters were sent: never who wrote or recorded them, and only rows
recorded before today, as the public totals (a count that moved at a click would let a poller
time it). Only this group's own letters are in ``letters_sent`` (what followed groups publish is
kept in ``source_letter_days``), so a count is never published twice. Off until the group turns
it on (``GroupSettings.publish_letter_days``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..letterlog.services import public_count_day
from ..models import LetterSent, Prisoner
from ..settings.services import group_settings
from .services import page_count

# A day per person per page: a year of a hundred people's letters is a few pages.
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = MAX_PER_PAGE


def published() -> bool:
    """Whether the group publishes its letters per day."""
    return bool(group_settings().publish_letter_days)


def letter_days(
    since: date, page_number: int, per_page: int, today: date | None = None
) -> dict[str, Any]:
    """A page of ``{"id", "sent_on", "letters"}`` from ``since`` on, by (id, sent_on); grouped,
    counted and cut by the database, so a page costs two queries whatever its size."""
    day_sum = func.sum(LetterSent.letters)
    grouped = (
        select(LetterSent.prisoner_id, LetterSent.sent_on, day_sum)
        .join(Prisoner, Prisoner.id == LetterSent.prisoner_id)
        .where(
            Prisoner.is_listed.is_(True),
            LetterSent.sent_on >= since,
            LetterSent.recorded_on < public_count_day(today),
        )
        .group_by(LetterSent.prisoner_id, LetterSent.sent_on)
    )
    total = db.session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    rows = db.session.execute(
        grouped.order_by(LetterSent.prisoner_id, LetterSent.sent_on)
        .limit(per_page)
        .offset((page_number - 1) * per_page)
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
