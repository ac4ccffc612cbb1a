"""What the sources pages show: each source with its figures, its pending changes beside the
local values as they are now, its new people with local people of the same name."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from ..display import status_label
from ..extensions import db
from ..models import ChangeKind, Gender, Prisoner, Source, SourceChange, SourceLink, Status
from ..paging import Page
from .records import Record, group_values, local_record
from .services import UNREACHABLE_AFTER
from .sync import SyncReport

NEW_PEOPLE_PER_PAGE = 50

# The order changes are shown in, and the group each kind's values belong to.
CHANGE_KINDS = (
    ChangeKind.TRANSFER,
    ChangeKind.STATUS,
    ChangeKind.NAME,
    ChangeKind.LANGUAGES,
    ChangeKind.UNLISTED,
)


def is_unreachable(source: Source, today: date) -> bool:
    """Whether the source has not been read for a week (or never, a week after it was added):
    the rule of ``services.unreachable_sources``, for a source already loaded."""
    last = source.last_success_on or source.added_on
    return last < today - UNREACHABLE_AFTER


@dataclass(frozen=True)
class SourceSummary:
    source: Source
    changes: int  # pending changes to linked people
    new_people: int  # offered, not dismissed
    linked: int
    unreachable: bool


def summaries(today: date) -> list[SourceSummary]:
    """Every source with its figures (three queries whatever the number of sources)."""
    sources = list(db.session.scalars(select(Source).order_by(Source.name, Source.id)))
    pending: dict[tuple[int, bool], int] = {}
    for source_id, kind, count in db.session.execute(
        select(SourceChange.source_id, SourceChange.kind, func.count())
        .where(SourceChange.dismissed.is_(False))
        .group_by(SourceChange.source_id, SourceChange.kind)
    ):
        key = (source_id, kind == ChangeKind.NEW_PERSON)
        pending[key] = pending.get(key, 0) + count
    linked: dict[int, int] = {
        source_id: count
        for source_id, count in db.session.execute(
            select(SourceLink.source_id, func.count()).group_by(SourceLink.source_id)
        )
    }
    return [
        SourceSummary(
            source=source,
            changes=pending.get((source.id, False), 0),
            new_people=pending.get((source.id, True), 0),
            linked=linked.get(source.id, 0),
            unreachable=is_unreachable(source, today),
        )
        for source in sources
    ]


def summary(source: Source, today: date) -> SourceSummary:
    return next(s for s in summaries(today) if s.source.id == source.id)


# --- changes to linked people --------------------------------------------------------------------


@dataclass(frozen=True)
class PendingChange:
    """A change as the coordinator reviews it: the local values read now (not as they were
    when the change was proposed), and the source's."""

    change: SourceChange
    prisoner: Prisoner
    old: Record
    new: Record


def pending_changes(source: Source) -> dict[ChangeKind, list[PendingChange]]:
    """The source's changes to linked people, by kind in ``CHANGE_KINDS`` order (kinds with
    none left out), oldest first."""
    changes = db.session.scalars(
        select(SourceChange)
        .join(SourceChange.prisoner)
        .where(SourceChange.source_id == source.id, SourceChange.kind != ChangeKind.NEW_PERSON)
        .order_by(SourceChange.proposed_on, SourceChange.id)
    )
    grouped: dict[ChangeKind, list[PendingChange]] = {}
    for change in changes:
        prisoner = change.prisoner
        if prisoner is None:  # not after the join above; says so to the type checker
            continue
        grouped.setdefault(change.kind, []).append(
            PendingChange(change, prisoner, _live_old(change.kind, prisoner), _new(change))
        )
    return {kind: grouped[kind] for kind in CHANGE_KINDS if kind in grouped}


def _live_old(kind: ChangeKind, prisoner: Prisoner) -> Record:
    if kind == ChangeKind.UNLISTED:
        return {"listed": prisoner.is_listed}
    return group_values(local_record(prisoner), str(kind))


def _new(change: SourceChange) -> Record:
    new = json.loads(change.new or "null")
    return new if isinstance(new, dict) else {}


# --- new people ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A person the source lists who is not linked here, with local people of the same name."""

    change: SourceChange
    record: Record
    same_name: list[Prisoner] = field(default_factory=list)


def _fold(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def name_key(family_name: Any, given_names: Any) -> tuple[str, str]:
    """What "the same name" means when suggesting a local person: family and given names,
    folded (spacing and case do not tell two people apart)."""
    return _fold(family_name), _fold(given_names)


def _record_key(record: Record) -> tuple[str, str]:
    return name_key(record.get("family_name"), record.get("given_names"))


def offers(source: Source, name: str = "", page: int = 1, dismissed: bool = False) -> Page[Offer]:
    """The source's new people (or its dismissed ones), by name, ``NEW_PEOPLE_PER_PAGE`` a
    page, matching every word of ``name`` in any of their names (any script, any case)."""
    changes = db.session.scalars(
        select(SourceChange).where(
            SourceChange.source_id == source.id,
            SourceChange.kind == ChangeKind.NEW_PERSON,
            SourceChange.dismissed.is_(dismissed),
        )
    )
    # The record is JSON in a text column: searched and sorted here, where Cyrillic folds as
    # it should on either database. A source lists hundreds of people, not millions.
    words = name.casefold().split()
    found: list[tuple[SourceChange, Record]] = []
    for change in changes:
        record = _new(change)
        text = _fold(
            " ".join(
                str(record.get(key) or "")
                for key in ("family_name", "given_names", "patronymic", "latin_name")
            )
        )
        if all(word in text for word in words):
            found.append((change, record))
    found.sort(key=lambda item: (*_record_key(item[1]), item[0].id))
    shown = found[(page - 1) * NEW_PEOPLE_PER_PAGE : page * NEW_PEOPLE_PER_PAGE]
    namesakes = _namesakes({_record_key(record) for _change, record in shown})
    items = [
        Offer(change, record, namesakes.get(_record_key(record), [])) for change, record in shown
    ]
    return Page(items=items, page=page, per_page=NEW_PEOPLE_PER_PAGE, total=len(found))


def _namesakes(keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[Prisoner]]:
    """Local people by folded family and given names, for the keys wanted."""
    if not keys:
        return {}
    found: dict[tuple[str, str], list[Prisoner]] = {}
    # Narrowed in SQL by the folded family name in the search text, matched exactly here,
    # where Cyrillic folds the same on SQLite as on PostgreSQL.
    families = sorted({family for family, _given in keys if family})
    if not families:
        return {}
    candidates = select(Prisoner).where(
        or_(*(Prisoner.search_text.contains(family, autoescape=True) for family in families))
    )
    for prisoner in db.session.scalars(candidates.order_by(Prisoner.id)):
        key = name_key(prisoner.family_name, prisoner.given_names)
        if key in keys:
            found.setdefault(key, []).append(prisoner)
    return found


# --- a sync's report -----------------------------------------------------------------------------


def report_error(report: SyncReport) -> str:
    return report.error


def report_summary(report: SyncReport) -> str:
    """ "3 new people, 2 changes, 1 item refused." """
    new_people = report.new_people
    changes = report.changes
    refused = len(report.refused)
    return " ".join(
        (
            ngettext("%(num)d new person,", "%(num)d new people,", new_people),
            ngettext("%(num)d change,", "%(num)d changes,", changes),
            ngettext("%(num)d item refused.", "%(num)d items refused.", refused),
        )
    )


def refusals(report: SyncReport) -> list[str]:
    """One line per item the sync refused: their id, the field and why."""
    return [
        _(
            "Their person #%(id)s was refused: %(field)s: %(message)s",
            id=remote_id,
            field=field,
            message=message,
        )
        for remote_id, field, message in report.refused
    ]


# --- a prisoner's sources ------------------------------------------------------------------------


def links_of(prisoner_id: int) -> list[SourceLink]:
    """The sources a local person is linked to, by source name."""
    return list(
        db.session.scalars(
            select(SourceLink)
            .join(SourceLink.source)
            .where(SourceLink.prisoner_id == prisoner_id)
            .order_by(Source.name, Source.id)
        )
    )


def links_of_source(source: Source) -> list[SourceLink]:
    """Who is linked to a source, by local name."""
    return list(
        db.session.scalars(
            select(SourceLink)
            .join(SourceLink.prisoner)
            .where(SourceLink.source_id == source.id)
            .order_by(Prisoner.family_name, Prisoner.given_names, Prisoner.id)
        )
    )


def status_text(values: Record) -> str:
    """A record's status as a reader sees it (in the person's gender, where the record gives
    it): "Released", "Осуждена"."""
    try:
        status = Status(str(values.get("status")))
    except ValueError:
        return str(values.get("status") or "")
    gender = values.get("gender")
    return status_label(status, Gender(gender) if gender in {g.value for g in Gender} else None)
