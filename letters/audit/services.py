"""Reading the audit trail: filtered pages for admins, one prisoner's history for coordinators,
recent address changes for a second pair of eyes, and the whole trail as CSV.

The table grows with every edit and is never pruned by the app, so pages are read by keyset
(entries older than a given id, newest first) and the CSV is streamed in batches: the cost of a
page does not grow with the trail.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import AuditEntry, Prisoner, User
from ..spreadsheet import protect_cell
from .recording import COMMAND_LINE, Change

PAGE_SIZE = 50
PRISONER_HISTORY_SIZE = 50
RECENT_ADDRESS_DAYS = 30
RECENT_ADDRESS_LIMIT = 50
CSV_BATCH = 500
# In the filters, "the server's command line" as an account.
COMMAND_LINE_FILTER = "command-line"


@dataclass(frozen=True)
class AuditFilters:
    """What an admin narrows the trail to. ``prisoner_ids`` None: anyone; an empty list: a
    name search that matched nobody (so nothing). ``account``: an account id,
    ``COMMAND_LINE_FILTER``, or None for anyone. Days are UTC, both included."""

    prisoner_ids: Sequence[int] | None = None
    account: int | str | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.prisoner_ids is not None:
        conditions.append(AuditEntry.prisoner_id.in_(list(filters.prisoner_ids)))
    if filters.account == COMMAND_LINE_FILTER:
        conditions.append(AuditEntry.actor == COMMAND_LINE)
    elif isinstance(filters.account, int):
        conditions.append(AuditEntry.account_id == filters.account)
    if filters.since is not None:
        conditions.append(AuditEntry.at >= _start_of(filters.since))
    if filters.until is not None:
        conditions.append(AuditEntry.at < _start_of(filters.until + timedelta(days=1)))
    return conditions


def entries_query(filters: AuditFilters) -> Select[AuditEntry]:
    """Entries matching ``filters``, newest first (by id: entries are only ever appended)."""
    return (
        select(AuditEntry)
        .where(*_conditions(filters))
        .options(joinedload(AuditEntry.account))
        .order_by(AuditEntry.id.desc())
    )


@dataclass(frozen=True)
class EntryPage:
    entries: list[AuditEntry]
    older_than: int | None  # the id to ask for the next (older) page; None: this is the last


def entries_page(
    filters: AuditFilters, older_than: int | None = None, per_page: int | None = None
) -> EntryPage:
    """One page of entries (``PAGE_SIZE`` unless told), newest first, strictly older than the
    entry ``older_than``."""
    per_page = per_page or PAGE_SIZE
    query = entries_query(filters)
    if older_than is not None:
        query = query.where(AuditEntry.id < older_than)
    entries = list(db.session.scalars(query.limit(per_page + 1)).unique())
    more = len(entries) > per_page
    entries = entries[:per_page]
    return EntryPage(entries, entries[-1].id if more and entries else None)


def prisoner_entries(prisoner_id: int, limit: int = PRISONER_HISTORY_SIZE) -> list[AuditEntry]:
    """The latest entries about one prisoner: their record, their letters and mail."""
    query = entries_query(AuditFilters(prisoner_ids=[prisoner_id])).limit(limit)
    return list(db.session.scalars(query).unique())


def matching_prisoner_ids(text: str) -> list[int] | None:
    """The prisoners a filter names: ``#12`` or ``12`` is an id (kept even when the prisoner
    has since been deleted: their entries outlive them); anything else searches names in any
    script and case, as the coordinators' list does. None for an empty filter."""
    text = text.strip()
    if not text:
        return None
    number = text.removeprefix("#")
    if number.isdigit():
        return [int(number)]
    query = select(Prisoner.id)
    for word in text.casefold().split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Prisoner.search_text.like(f"%{escaped}%", escape="\\"))
    return list(db.session.scalars(query))


def accounts() -> list[User]:
    """Every account, for the filter (deactivated ones too: their entries stay)."""
    return list(db.session.scalars(select(User).order_by(User.email)))


# --- a second pair of eyes ------------------------------------------------------------------


def recent_address_changes(
    now: datetime | None = None, days: int = RECENT_ADDRESS_DAYS, limit: int = RECENT_ADDRESS_LIMIT
) -> list[AuditEntry]:
    """Address changes in the last ``days`` days made by an account that did not create the
    prisoner or facility changed, newest first.

    The creator is the account of the thing's latest "created" entry before the change (SQLite
    may give a deleted row's id to a new one). A thing with no "created" entry on record (made
    before the trail was kept), or created from the command line, counts as someone else's:
    its changes are shown. Changes made from the command line are not: whoever runs commands
    on the server holds the database anyway.
    """
    now = now or datetime.now(UTC)
    created = aliased(AuditEntry)
    creator = (
        select(created.account_id)
        .where(
            created.entity == AuditEntry.entity,
            created.entity_id == AuditEntry.entity_id,
            created.action == "created",
            created.id < AuditEntry.id,
        )
        .order_by(created.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.address_change.is_(True),
            AuditEntry.account_id.is_not(None),
            AuditEntry.at >= now - timedelta(days=days),
            or_(creator.is_(None), creator != AuditEntry.account_id),
        )
        .options(joinedload(AuditEntry.account))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


# --- showing an entry -------------------------------------------------------------------------


def changes_of(entry: AuditEntry) -> list[Change]:
    """The entry's fields as (field, old, new); an unreadable value reads as no changes."""
    try:
        rows = json.loads(entry.changes or "[]")
    except ValueError:
        return []
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows if isinstance(r, list) and len(r) == 3]


def who(entry: AuditEntry) -> str:
    """The account's e-mail, "command line", or "#id" for an account since deleted."""
    if entry.account is not None:
        return entry.account.email
    if entry.actor == COMMAND_LINE:
        return COMMAND_LINE
    return f"#{entry.account_id}" if entry.account_id is not None else ""


def minute(entry: AuditEntry) -> str:
    """When, to the minute, in UTC (SQLite gives the stored time back without its zone)."""
    at = entry.at if entry.at.tzinfo is None else entry.at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M")


# --- CSV --------------------------------------------------------------------------------------

CSV_HEADER = (
    "at_utc",
    "account",
    "entity",
    "entity_id",
    "prisoner_id",
    "action",
    "context",
    "address_change",
    "field",
    "old",
    "new",
)


def entry_rows(entry: AuditEntry) -> Iterator[list[str]]:
    """One CSV row per changed field (an entry without fields gets one row), unprotected."""
    head = [
        minute(entry),
        who(entry),
        entry.entity,
        "" if entry.entity_id is None else str(entry.entity_id),
        "" if entry.prisoner_id is None else str(entry.prisoner_id),
        entry.action,
        entry.context,
        "yes" if entry.address_change else "no",
    ]
    changes = changes_of(entry) or [("", "", "")]
    for name, old, new in changes:
        yield [*head, name, old, new]


def csv_header(*, bom: bool = True) -> str:
    """The CSV's first line (after a byte-order mark, which Excel needs to read UTF-8)."""
    return ("\ufeff" if bom else "") + _csv_line(CSV_HEADER)


def csv_batch(
    filters: AuditFilters, older_than: int | None = None, size: int | None = None
) -> tuple[str, int | None]:
    """CSV rows for the next ``size`` matching entries older than ``older_than``, newest
    first, every cell protected against formula injection (``spreadsheet.protect_cell``);
    and the id to continue from, or None after the last."""
    page = entries_page(filters, older_than, per_page=size or CSV_BATCH)
    text = "".join(
        _csv_line([protect_cell(cell) for cell in cells])
        for entry in page.entries
        for cells in entry_rows(entry)
    )
    return text, page.older_than


def _csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def csv_chunks(filters: AuditFilters, *, bom: bool = True) -> Iterator[str]:
    """The whole CSV, a batch of entries at a time (see ``csv_batch``)."""
    yield csv_header(bom=bom)
    older_than: int | None = None
    while True:
        text, older_than = csv_batch(filters, older_than)
        yield text
        if older_than is None:
            return


def csv_text(filters: AuditFilters) -> str:
    return "".join(csv_chunks(filters))
