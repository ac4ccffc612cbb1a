"""Small questions about the sources a group follows, for the dashboard and the views."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Source

#: A source not read successfully for longer than this is flagged (docs/feed.md): a week
#: without its news means transfers missed and letters sent to old addresses.
UNREACHABLE_AFTER = timedelta(days=7)


def unreachable_sources(today: date) -> list[Source]:
    """Sources whose last success (or, never read, their adding) is more than seven days
    before ``today``, by name."""
    last_good = func.coalesce(Source.last_success_on, Source.added_on)
    return list(
        db.session.scalars(
            select(Source)
            .where(last_good < today - UNREACHABLE_AFTER)
            .order_by(Source.name, Source.base_url)
        )
    )
