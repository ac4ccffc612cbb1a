""" "Letters from all groups": a linked person's own count and the letters the groups this one
follows sent them (counts only; docs/feed.md). Shown only where another group's count exists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..letterlog.services import public_count_day
from ..models import LetterSent, Source, SourceLetterDay, SourceLink


@dataclass(frozen=True)
class AllGroups:
    letters: int  # this group's and the others' together
    groups: int  # how many groups that is, this one included


def other_groups_letters(prisoner_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Prisoner id → (letters the followed groups sent them, how many of those groups), for
    the prisoners linked to a source that published any letter days; one query."""
    ids = sorted(set(prisoner_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            SourceLink.prisoner_id,
            func.sum(SourceLetterDay.letters),
            func.count(func.distinct(SourceLink.source_id)),
        )
        .join(
            SourceLetterDay,
            (SourceLetterDay.source_id == SourceLink.source_id)
            & (SourceLetterDay.remote_id == SourceLink.remote_id),
        )
        # A source whose letters the coordinators turned off is not counted, whatever it
        # stored before.
        .join(Source, (Source.id == SourceLink.source_id) & Source.read_letters.is_(True))
        .where(SourceLink.prisoner_id.in_(ids))
        .group_by(SourceLink.prisoner_id)
    )
    return {prisoner_id: (int(letters or 0), int(groups)) for prisoner_id, letters, groups in rows}


def all_groups(prisoner_ids: Iterable[int], today: date | None = None) -> dict[int, AllGroups]:
    """Prisoner id → letters from all groups and how many groups, for the linked prisoners
    with another group's count (absent for the rest). This group's part is its public count
    (letters recorded up to yesterday), as on its own public pages."""
    others = other_groups_letters(prisoner_ids)
    if not others:
        return {}
    own: dict[int, int] = {
        prisoner_id: int(letters or 0)
        for prisoner_id, letters in db.session.execute(
            select(LetterSent.prisoner_id, func.sum(LetterSent.letters))
            .where(
                LetterSent.prisoner_id.in_(list(others)),
                LetterSent.recorded_on < public_count_day(today),
            )
            .group_by(LetterSent.prisoner_id)
        )
    }
    return {
        prisoner_id: AllGroups(own.get(prisoner_id, 0) + letters, groups + 1)
        for prisoner_id, (letters, groups) in others.items()
    }
