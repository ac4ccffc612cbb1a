"""Finding prisoners by id the way every feature must: unlisted people are as absent as unknown
ones on public pages, and a missing id is named, not skipped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

from .extensions import db
from .models import Facility, Prisoner


def listed_prisoner_or_404(prisoner_id: int, description: str | None = None) -> Prisoner:
    """A prisoner shown on public pages; unlisted ones are as absent as unknown ones (404).
    ``description`` words the 404 (the JSON API gives its own)."""
    return db.first_or_404(
        select(Prisoner).where(Prisoner.id == prisoner_id, Prisoner.is_listed.is_(True)),
        description=description,
    )


def prisoners_by_id(ids: Sequence[int]) -> list[Prisoner]:
    """The prisoners with these ids, in the order given (duplicates dropped).

    Raises ``LookupError`` naming every id that does not exist.
    """
    wanted = list(dict.fromkeys(ids))
    found = {p.id: p for p in db.session.scalars(select(Prisoner).where(Prisoner.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise LookupError(
            _(
                "No prisoner with id %(ids)s.",
                ids=", ".join(str(i) for i in missing),
            )
        )
    return [found[i] for i in wanted]


def name_matches(name: str) -> list[ColumnElement[bool]]:
    """Conditions for prisoners whose name holds every word of ``name`` (any script, any case):
    the registry's and the dashboard's search."""
    conditions: list[ColumnElement[bool]] = []
    for word in name.casefold().split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Prisoner.search_text.like(f"%{escaped}%", escape="\\"))
    return conditions


def registry_fingerprint() -> tuple[Any, ...]:
    """Changes whenever a prisoner or a facility is added, edited or deleted: how many there
    are, the highest id and the latest ``updated_at`` of each (every edit through SQLAlchemy
    sets it). Two cheap aggregate queries: for telling whether something derived from the
    registry (an import's plan, a day's calendar feed) is still as it was."""
    stamp: list[Any] = []
    for model in (Prisoner, Facility):
        query = select(func.count(), func.max(model.id), func.max(model.updated_at))
        stamp.extend(db.session.execute(query).one())
    return tuple(stamp)
