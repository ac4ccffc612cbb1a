"""What a coordinator decides about what a source proposes: accept or dismiss a change, adopt
a new person, link one to a local person by hand, unlink; and adding or removing a source.

Nothing here commits: the caller (a view, a command) commits or rolls back. Every change to
the registry happens inside an audit context naming the source (``source_context``), so the
audit trail says where an accepted transfer came from. Old values are never trusted from the
change row: accepting applies the source's new values to the prisoner as they stand now.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..audit.recording import audit_context, source_context
from ..extensions import db
from ..facilities.services import find_facility, save_facility
from ..models import (
    NOT_WRITABLE,
    ChangeKind,
    Facility,
    Gender,
    Prisoner,
    Source,
    SourceChange,
    SourceLetterDay,
    SourceLink,
    Status,
)
from ..prisoners.services import (
    check_transfer,
    current_stay,
    save_prisoner,
    transfer_prisoner,
    unlist_prisoner,
)
from ..validation import FieldError
from .fetch import normalise_base_url
from .records import FACILITY_FIELDS, Record, address_key, facility_record, record_day
from .sync import propose_differences

# Text columns of a facility: a record may carry None where the local row wants "".
_FACILITY_TEXT = frozenset(
    name for name in FACILITY_FIELDS if Facility.__table__.c[name].type.python_type is str
)


def source_label(source: Source) -> str:
    """The source as people call it: its name, else its base URL's host."""
    if source.name:
        return source.name
    return source.base_url.split("://", 1)[-1].split("/", 1)[0]


def values_of(change: SourceChange) -> Any:
    """The change's ``new`` side: a whole record for a new person, a group's values else."""
    return json.loads(change.new or "null")


# --- sources ---------------------------------------------------------------------------------


def add_source(base_url: str, name: str = "") -> Source:
    """A new source (not committed). Raises ``FieldError`` naming the field for a URL that is
    not one (``fetch.normalise_base_url``'s reason) or one followed already."""
    try:
        url = normalise_base_url(base_url)
    except ValueError as exc:
        raise FieldError(str(exc)) from None
    if db.session.scalar(select(Source.id).where(Source.base_url == url)) is not None:
        raise FieldError(_l("This group's list is followed already (%(url)s).", url=url))
    source = Source(base_url=url, name=name.strip())
    db.session.add(source)
    db.session.flush()
    return source


def remove_source(source: Source) -> None:
    """Stop following a source: its links, changes and letter days go; local people stay."""
    # Letter days have no relationship to cascade through; the foreign key's ON DELETE would
    # remove them too, but saying so here does not depend on the database enforcing it.
    db.session.execute(delete(SourceLetterDay).where(SourceLetterDay.source_id == source.id))
    db.session.delete(source)
    db.session.flush()


# --- dismissing --------------------------------------------------------------------------------


def dismiss(change: SourceChange) -> None:
    """Say no. A new person stays, dismissed, so that the next sync does not offer them again;
    any other change is deleted (the link's ``seen`` has moved on already)."""
    if change.kind == ChangeKind.NEW_PERSON:
        change.dismissed = True
    else:
        db.session.delete(change)
    db.session.flush()


def offer_again(change: SourceChange) -> None:
    """Undo dismissing a new person: offered for adopting or linking again."""
    change.dismissed = False
    db.session.flush()


# --- accepting a linked person's change ---------------------------------------------------------


def accept(change: SourceChange) -> None:
    """Apply the source's new values to the linked prisoner and delete the change.

    Raises ``FieldError`` when it cannot be applied (a new person is adopted or linked, not
    accepted; a transfer to no facility has nothing to apply).
    """
    if change.kind == ChangeKind.NEW_PERSON:
        raise FieldError(_l("A new person is adopted or linked to someone here, not accepted."))
    prisoner = change.prisoner
    if prisoner is None:
        raise FieldError(_l("This change is not about anyone here."))
    new = values_of(change) or {}
    with audit_context(source_context(source_label(change.source))), _unreadable_as_field_error():
        if change.kind == ChangeKind.TRANSFER:
            _accept_transfer(change, prisoner, new)
        elif change.kind == ChangeKind.STATUS:
            prisoner.status = Status(new["status"])
            prisoner.release_date = record_day(new.get("release_date"))
            if prisoner.status in NOT_WRITABLE and prisoner.is_listed:
                # Released or dead, by the group that writes to them too: off the public list
                # here, as the source took them off theirs (the page says so beside Accept).
                unlist_prisoner(prisoner)
        elif change.kind == ChangeKind.NAME:
            _accept_name(prisoner, new)
        elif change.kind == ChangeKind.LANGUAGES:
            prisoner.language_codes = list(new.get("languages") or [])
        elif change.kind == ChangeKind.UNLISTED:
            unlist_prisoner(prisoner)
        save_prisoner(prisoner)
        db.session.delete(change)


@contextmanager
def _unreadable_as_field_error() -> Iterator[None]:
    """A stored value the model refuses (an unknown status or gender) is a refusal with its
    reason, not a crash: sync validated the item, but rows can outlive a version's rules."""
    try:
        yield
    except FieldError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise FieldError(
            _l("Their values could not be read: %(reason)s", reason=str(exc))
        ) from None


def accept_all(source: Source, kind: ChangeKind) -> tuple[int, list[tuple[Prisoner, str]]]:
    """Accept every pending change of one kind from a source, each on its own: one that
    cannot be applied is left pending and named, the rest are applied. Returns how many were
    applied and (person, why not) for the others."""
    if kind == ChangeKind.NEW_PERSON:
        raise FieldError(_l("A new person is adopted or linked to someone here, not accepted."))
    changes = list(
        db.session.scalars(
            select(SourceChange)
            .where(SourceChange.source_id == source.id, SourceChange.kind == kind)
            .order_by(SourceChange.id)
        )
    )
    applied, refused = 0, []
    for change in changes:
        prisoner = change.prisoner
        savepoint = db.session.begin_nested()
        try:
            accept(change)
        except FieldError as exc:
            savepoint.rollback()
            if prisoner is not None:
                refused.append((prisoner, str(exc)))
        else:
            savepoint.commit()
            applied += 1
    return applied, refused


def _accept_transfer(change: SourceChange, prisoner: Prisoner, new: Record) -> None:
    if not new.get("facility"):
        raise FieldError(_l("The source no longer gives an address: there is nothing to apply."))
    facility = facility_for(new["facility"])
    unit = new.get("unit") or ""
    if prisoner.facility is not None and prisoner.facility.id == facility.id:
        # Moved here already (by hand, or a fix of the facility's address): only the unit.
        prisoner.unit = unit
        return
    note = _("Transfer reported by %(source)s", source=source_label(change.source))
    on = _transfer_day(
        prisoner, facility, record_day(new.get("address_since")) or _seen_since(change)
    )
    transfer_prisoner(prisoner, facility, on=on, unit=unit, note=note)


def _transfer_day(prisoner: Prisoner, facility: Facility, since: date | None) -> date:
    """The day the source says the stay began, when the history can hold it; else today."""
    if since is not None:
        try:
            check_transfer(prisoner, facility, since)
            return since
        except FieldError:
            pass
    today = date.today()
    check_transfer(prisoner, facility, today)
    return today


def _seen_since(change: SourceChange) -> date | None:
    # A transfer's values are the facility and unit; the start of the stay is in the record
    # the sync took the change from, which the link keeps as ``seen``.
    link = db.session.scalar(
        select(SourceLink).where(
            SourceLink.source_id == change.source_id, SourceLink.remote_id == change.remote_id
        )
    )
    if link is None:
        return None
    seen = json.loads(link.seen or "{}")
    return record_day(seen.get("address_since")) if isinstance(seen, dict) else None


def _accept_name(prisoner: Prisoner, new: Record) -> None:
    # The parts the CSV import also counts as a changed name (csv_io.services._NAME_FIELDS).
    parts = ("family_name", "given_names", "patronymic", "latin_name", "gender")
    before = [getattr(prisoner, part) for part in parts]
    prisoner.family_name = new.get("family_name") or prisoner.family_name
    prisoner.given_names = new.get("given_names") or prisoner.given_names
    prisoner.patronymic = new.get("patronymic") or ""
    prisoner.latin_name = new.get("latin_name") or ""
    prisoner.gender = Gender(new["gender"]) if new.get("gender") else None
    if before != [getattr(prisoner, part) for part in parts]:
        # As a form or CSV edit of the name: the name as printed must be checked again.
        prisoner.envelope_name_confirmed = False


# --- facilities ----------------------------------------------------------------------------------


def facility_for(values: Record) -> Facility:
    """The local facility at the record's address (as the CSV import matches one), or a new
    one with every field the record gives, mail rules included."""
    name, postal, country = (
        values.get("name") or "",
        values.get("postal_code") or "",
        values.get("country_code") or "",
    )
    found = find_facility(name, postal, country)
    if found is not None:
        return found
    wanted = address_key(values)
    for candidate in db.session.scalars(
        select(Facility).where(Facility.country_code == country.upper()).order_by(Facility.id)
    ):
        if address_key(facility_record(candidate)) == wanted:
            return candidate
    fields = {
        key: (values.get(key) or "") if key in _FACILITY_TEXT else values.get(key)
        for key in FACILITY_FIELDS
        if key in values
    }
    facility = Facility()
    errors = save_facility(facility, fields)
    if errors:
        raise FieldError("; ".join(f"{key}: {message}" for key, message in errors.items()))
    db.session.flush()
    return facility


# --- new people --------------------------------------------------------------------------------


def adopt(change: SourceChange) -> Prisoner:
    """Add the source's new person to the local list (with their facility, found or created),
    link them to the source, and drop the offer."""
    if change.kind != ChangeKind.NEW_PERSON:
        raise FieldError(_l("Only a new person can be adopted."))
    _refuse_linked_remote(change)
    record: Record = values_of(change)
    if (
        not isinstance(record, dict)
        or not record.get("family_name")
        or not record.get("given_names")
    ):
        raise FieldError(_l("The offer has no name: it cannot be adopted."))
    with audit_context(source_context(source_label(change.source))), _unreadable_as_field_error():
        prisoner = Prisoner(
            family_name=record.get("family_name") or "",
            given_names=record.get("given_names") or "",
            patronymic=record.get("patronymic") or "",
            latin_name=record.get("latin_name") or "",
            gender=Gender(record["gender"]) if record.get("gender") else None,
            birth_year=record.get("birth_year"),
            birth_date=_birth_date(record),
            prisoner_number=record.get("prisoner_number") or "",
            unit=record.get("unit") or "",
            status=Status(record.get("status") or Status.PRE_TRIAL.value),
            release_date=record_day(record.get("release_date")),
        )
        prisoner.language_codes = list(record.get("languages") or [])
        if record.get("facility"):
            prisoner.facility = facility_for(record["facility"])
        save_prisoner(prisoner)
        since = record_day(record.get("address_since"))
        if prisoner.address_history and since is not None and since <= date.today():
            prisoner.address_history[0].started_on = since
        db.session.add(
            SourceLink(
                source_id=change.source_id,
                remote_id=change.remote_id,
                prisoner=prisoner,
                seen=json.dumps(record, ensure_ascii=False),
            )
        )
        db.session.delete(change)
    return prisoner


def _birth_date(record: Record) -> date | None:
    # The feed gives the year and the day and month apart (never the full date); together
    # they are the date the public birthday list reads.
    birthday, year = record.get("birthday"), record.get("birth_year")
    if not birthday or not year:
        return None
    try:
        return date(int(year), int(birthday["month"]), int(birthday["day"]))
    except (KeyError, TypeError, ValueError):
        return None


def link_by_hand(change: SourceChange, prisoner: Prisoner) -> SourceLink:
    """The source's new person is someone here already: link them, and propose whatever the
    source says differently (as changes to review, never applied)."""
    if change.kind != ChangeKind.NEW_PERSON:
        raise FieldError(_l("Only a new person can be linked to someone here."))
    _refuse_linked_remote(change)
    taken = db.session.scalar(
        select(SourceLink).where(
            SourceLink.prisoner_id == prisoner.id, SourceLink.source_id == change.source_id
        )
    )
    if taken is not None:
        raise FieldError(
            _l(
                "#%(id)s is linked to this source already, as their person #%(remote)s: one "
                "person here is one person there.",
                id=prisoner.id,
                remote=taken.remote_id,
            )
        )
    record: Record = values_of(change)
    link = SourceLink(
        source_id=change.source_id,
        remote_id=change.remote_id,
        prisoner=prisoner,
        seen=json.dumps(record, ensure_ascii=False),
    )
    db.session.add(link)
    db.session.delete(change)
    db.session.flush()
    db.session.add_all(propose_differences(link, record))
    db.session.flush()
    return link


def _refuse_linked_remote(change: SourceChange) -> None:
    linked = db.session.scalar(
        select(SourceLink.prisoner_id).where(
            SourceLink.source_id == change.source_id, SourceLink.remote_id == change.remote_id
        )
    )
    if linked is not None:
        raise FieldError(_l("This person is linked to someone here already (#%(id)s).", id=linked))


def unlink(link: SourceLink) -> None:
    """Stop taking this person's changes from the source; the local person stays as is. Their
    pending changes go, and the source's person is offered as new again, from the record last
    seen: a sync reads only what changed since the last one, so it would not offer them."""
    db.session.execute(
        delete(SourceChange).where(
            SourceChange.source_id == link.source_id, SourceChange.remote_id == link.remote_id
        )
    )
    seen = json.loads(link.seen or "{}")
    if isinstance(seen, dict) and seen.get("family_name"):
        db.session.add(
            SourceChange(
                source_id=link.source_id,
                remote_id=link.remote_id,
                kind=ChangeKind.NEW_PERSON,
                new=link.seen,
            )
        )
    db.session.delete(link)
    db.session.flush()


def current_since(prisoner: Prisoner) -> date | None:
    """When the prisoner's current stay began (shown beside a proposed transfer)."""
    stay = current_stay(prisoner)
    return stay.started_on if stay is not None else None
