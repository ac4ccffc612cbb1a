"""Recording changes in the audit trail, in the same transaction as the change.

Nothing here is called for an ordinary edit: a session hook (``after_flush``) looks at every
object of an audited class the flush wrote and inserts one ``AuditEntry`` per changed thing, on
the flush's own connection. So an entry and its change commit together or not at all: a change
rolled back leaves no entry, and an entry that cannot be written fails the flush, so the change
is never stored without it (SECURITY.md: "a change without its audit entry is impossible").

Who did it: the logged-in account in a request; "command line" outside any request (``flask``
commands, scripts); nobody in a request by an anonymous visitor, whose "I sent it" and address
reports are never audited (a visitor must leave no trace). ``acting_as`` names the account where
``current_user`` is not (yet) it, ``audit_context`` says what a change was part of.

Which classes and fields are recorded is the registry ``AUDITED`` below, so ``models.py`` stays
plain. Values are stored as text; passwords, secrets, hashes and letter text never are.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, has_app_context, has_request_context, request
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Connection, event, insert, inspect, select
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import NO_VALUE

from ..display import display_name
from ..extensions import db
from ..models import (
    ActionPhoto,
    AddressHistoryEntry,
    AddressReport,
    AuditEntry,
    AvoidTerm,
    Campaign,
    CampaignAction,
    CampaignCall,
    Facility,
    GroupSettings,
    GuidelineSection,
    Invitation,
    LetterSent,
    LetterTemplate,
    MailEvent,
    Phrase,
    Prisoner,
    Source,
    User,
)

Change = tuple[str, str, str]  # field, old value, new value (as text)

COMMAND_LINE = "command line"
ACCOUNT = "account"

# Never in an entry, whatever the class: derived, bookkeeping, or the row's own id.
NEVER_RECORDED = frozenset({"id", "search_text", "created_at", "updated_at", "updated_on"})


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when anything tries to change or delete an audit entry through the app."""


@dataclass(frozen=True)
class AuditSpec:
    """How one mapped class is recorded.

    ``fields``: the column attributes recorded, in the order an entry lists them (``None``: every
    column but ``NEVER_RECORDED`` and ``exclude``). ``references``: foreign keys shown by the
    referenced row's name ("IK-7 (#12)"). ``secret``: fields whose value is never shown, only
    that it was set or changed, under another name. ``on_off``: fields shown as "on"/"off".
    ``fold_into``: the entity and column of the parent whose entry this class's changes join
    (an address-history row joins its prisoner's entry, prefixed ``prefix``).
    """

    entity: str
    fields: tuple[str, ...] | None = None
    exclude: frozenset[str] = frozenset()
    references: Mapping[str, type[Any]] = field(default_factory=dict)
    secret: Mapping[str, str] = field(default_factory=dict)
    on_off: Mapping[str, str] = field(default_factory=dict)
    collections: tuple[str, ...] = ()
    address_fields: frozenset[str] = frozenset()
    prisoner_column: str | None = None
    fold_into: tuple[str, str] | None = None
    prefix: str = ""
    record_created: bool = True
    record_deleted: bool = True

    def columns(self, cls: type[Any]) -> tuple[str, ...]:
        if self.fields is not None:
            return self.fields
        keys = (attr.key for attr in inspect(cls).column_attrs)
        return tuple(k for k in keys if k not in NEVER_RECORDED and k not in self.exclude)

    def label(self, key: str) -> str:
        if key in self.secret:
            name = self.secret[key]
        elif key in self.on_off:
            name = self.on_off[key]
        elif key in self.references:
            name = key.removesuffix("_id")
        else:
            name = key
        return f"{self.prefix}: {name}" if self.prefix else name


_FACILITY_ADDRESS = frozenset(
    {"name", "street_address", "city", "city_area", "country_area", "postal_code", "country_code"}
)

AUDITED: dict[type[Any], AuditSpec] = {
    Prisoner: AuditSpec(
        "prisoner",
        references={"facility_id": Facility},
        address_fields=frozenset({"facility_id", "unit", "prisoner_number"}),
        prisoner_column="id",
    ),
    Facility: AuditSpec("facility", address_fields=_FACILITY_ADDRESS),
    # A transfer or an import touches the prisoner and their history: one entry, the prisoner's.
    # The facility's name and address are copied into each stay by the app: the facility (by
    # name and id) says the same in fewer words.
    AddressHistoryEntry: AuditSpec(
        "address history",
        exclude=frozenset({"prisoner_id", "facility_name", "address_text"}),
        references={"facility_id": Facility},
        fold_into=("prisoner", "prisoner_id"),
        prefix="address history",
    ),
    Campaign: AuditSpec("campaign", collections=("prisoners",)),
    # A public call's text in one language: its own entry, naming the campaign.
    CampaignCall: AuditSpec("campaign call", references={"campaign_id": Campaign}),
    LetterSent: AuditSpec(
        "letters",
        fields=("sent_on", "letters", "campaign_id", "via"),
        references={"campaign_id": Campaign},
        prisoner_column="prisoner_id",
    ),
    MailEvent: AuditSpec("mail", exclude=frozenset({"prisoner_id"}), prisoner_column="prisoner_id"),
    # A visitor's report is theirs; only what a coordinator does with it is recorded.
    AddressReport: AuditSpec(
        "address report",
        fields=("resolved",),
        prisoner_column="prisoner_id",
        record_created=False,
        record_deleted=False,
    ),
    # An action a visitor reported is theirs (and recorded by nobody); what a coordinator does
    # with it (publishes, corrects, deletes) is recorded.
    CampaignAction: AuditSpec(
        "reported action",
        fields=("kind", "city", "country_code", "happened_on", "description", "link", "published"),
        record_created=False,
    ),
    # A photo is bytes: which report it belonged to and where it stood is what an entry says.
    ActionPhoto: AuditSpec(
        "reported action photo", fields=("action_id", "position"), record_created=False
    ),
    GuidelineSection: AuditSpec("guideline"),
    LetterTemplate: AuditSpec("template"),
    Phrase: AuditSpec("phrase"),
    AvoidTerm: AuditSpec("avoid term"),
    GroupSettings: AuditSpec("settings"),
    # Never a hash or a secret; the day of the last login and the last TOTP step are not
    # changes anybody made.
    User: AuditSpec(
        "account",
        fields=("email", "role", "is_active", "password_hash", "second_factor_secret"),
        secret={"password_hash": "password"},
        on_off={"second_factor_secret": "second factor"},
    ),
    Invitation: AuditSpec("invitation", fields=("email", "role")),
    # Another group's list followed: who added, renamed or removed it. When it was last read
    # is bookkeeping, not anybody's change.
    Source: AuditSpec("source", fields=("name", "base_url", "read_letters")),
}


# --- who, and as part of what ------------------------------------------------------------------

_acting: ContextVar[User | None] = ContextVar("letters_audit_acting_as", default=None)
_label: ContextVar[str] = ContextVar("letters_audit_context", default="")


# What a change accepted from another group's list was part of: the prefix, then the source's
# name (stored as data, like every context; the audit pages put the prefix in the reader's
# language). The column holds 100 characters.
SOURCE_CONTEXT = "from source "
CONTEXT_LENGTH = 100


def source_context(name: str) -> str:
    """The context label for changes taken from the source called ``name``."""
    return (SOURCE_CONTEXT + " ".join(name.split()))[:CONTEXT_LENGTH]


@contextmanager
def audit_context(label: str) -> Iterator[None]:
    """Entries recorded inside are marked as part of ``label`` ("transfer", "CSV import").

    The outermost context names the work (a transfer inside a CSV import is part of the
    import). Pending changes are flushed as it ends, so they carry the label even when the
    caller commits later.
    """
    if _label.get():
        yield
        return
    token = _label.set(label)
    try:
        yield
        _flush()
    finally:
        _label.reset(token)


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Entries recorded inside name ``user`` as who did it (a new account accepting an
    invitation, the first admin, someone logging in with a recovery code), where
    ``current_user`` is not yet them. ``None`` changes nothing.

    Pending changes are flushed as it ends, so they are attributed to ``user`` even when the
    caller commits after the block.
    """
    if user is None:
        yield
        return
    token = _acting.set(user)
    try:
        yield
        _flush()
    finally:
        _acting.reset(token)


def _flush() -> None:
    if has_app_context():
        db.session.flush()


@dataclass(frozen=True)
class _Actor:
    account_id: int | None
    actor: str
    account: User | None = None  # for ``record_event`` before the account's row exists


def _actor() -> _Actor | None:
    """Who changes things now; ``None`` for an anonymous visitor, who is never recorded."""
    override = _acting.get()
    if override is not None:
        return _Actor(_id_of(override), ACCOUNT, override)
    if has_request_context():
        # Loaded before the view by ``_load_account``: loading it here, inside a flush,
        # could write the session's last-seen day in the middle of it.
        user = current_user._get_current_object()
        if user is None or not user.is_authenticated:
            return None
        return _Actor(_id_of(user), ACCOUNT, user)
    return _Actor(None, COMMAND_LINE)


def _id_of(obj: Any) -> int | None:
    """A row's id without loading anything (it may be expired mid-flush, or just inserted and
    not yet given its identity)."""
    state: InstanceState[Any] = inspect(obj)
    if state.identity:
        return int(state.identity[0])
    value = state.dict.get("id")
    return int(value) if value is not None else None


def _now_to_the_minute() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


# --- explicit events -------------------------------------------------------------------------


def record_event(
    entity: str,
    entity_id: int | None,
    action: str,
    changes: Sequence[Change] = (),
    prisoner_id: int | None = None,
) -> None:
    """Add one explicit entry (not committed) for something that is not a column change:
    "sessions ended", "second factor reset", "recovery code used".

    Follows the same rules as every entry: nothing for an anonymous visitor unless inside
    ``acting_as``.
    """
    actor = _actor()
    if actor is None:
        return
    entry = AuditEntry(
        at=_now_to_the_minute(),
        actor=actor.actor,
        entity=entity,
        entity_id=entity_id,
        prisoner_id=prisoner_id,
        action=action,
        context=_label.get(),
        address_change=False,
        changes=json.dumps([list(change) for change in changes], ensure_ascii=False),
    )
    if actor.account_id is not None:
        entry.account_id = actor.account_id
    elif actor.account is not None:
        entry.account = actor.account  # a new account, not yet flushed: its id comes at flush
    db.session.add(entry)


# --- what changed ----------------------------------------------------------------------------


@dataclass
class _Item:
    """One audited row's part in an entry: raw old and new values per field."""

    spec: AuditSpec
    cls: type[Any]
    pk: int
    action: str  # created, changed, deleted
    pairs: list[tuple[str, Any, Any]]  # column key, old, new (raw values)
    extra: list[Change]  # already text (collections)
    parent_id: int | None  # the prisoner's id, for rows folded into a prisoner's entry
    prisoner_id: int | None


def _raw_changes(
    state: Any, spec: AuditSpec, cls: type[Any], action: str
) -> list[tuple[str, Any, Any]]:
    pairs: list[tuple[str, Any, Any]] = []
    for key in spec.columns(cls):
        if action == "created":
            value = state.dict.get(key)
            if value is not None and value != "":
                pairs.append((key, None, value))
        elif action == "deleted":
            value = state.dict.get(key)
            if value is not None and value != "":
                pairs.append((key, value, None))
        else:
            history = state.attrs[key].history
            if not history.added and not history.deleted:
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old is NO_VALUE:
                old = None
            if old != new:
                pairs.append((key, old, new))
    return pairs


def _collection_changes(state: Any, spec: AuditSpec, action: str) -> list[Change]:
    if action == "deleted":
        return []
    changes: list[Change] = []
    for key in spec.collections:
        history = state.attrs[key].history
        for removed in history.deleted or ():
            changes.append((spec.label(key), _person(removed), ""))
        for added in history.added or ():
            changes.append((spec.label(key), "", _person(added)))
    return changes


def _person(prisoner: Prisoner) -> str:
    return f"{display_name(prisoner)} (#{_id_of(prisoner)})"


def _items_from_session(session: Session) -> list[_Item]:
    items: list[_Item] = []
    for action, objects in (
        ("created", session.new),
        ("changed", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            cls = type(obj)
            spec = AUDITED.get(cls)
            if spec is None:
                continue
            if (action == "created" and not spec.record_created) or (
                action == "deleted" and not spec.record_deleted
            ):
                continue
            state = inspect(obj)
            pk = _id_of(obj)
            if pk is None:
                continue
            pairs = _raw_changes(state, spec, cls, action)
            extra = _collection_changes(state, spec, action)
            if action == "changed" and not pairs and not extra:
                continue
            items.append(_item(spec, cls, pk, action, pairs, extra, state.dict))
    return items


def _item(
    spec: AuditSpec,
    cls: type[Any],
    pk: int,
    action: str,
    pairs: list[tuple[str, Any, Any]],
    extra: list[Change],
    values: Mapping[str, Any],
) -> _Item:
    parent_id = values.get(spec.fold_into[1]) if spec.fold_into else None
    prisoner_id = values.get(spec.prisoner_column) if spec.prisoner_column else None
    if spec.prisoner_column == "id":
        prisoner_id = pk
    return _Item(spec, cls, pk, action, pairs, extra, parent_id, prisoner_id)


# --- from changes to entries -----------------------------------------------------------------


def _as_text(value: Any) -> str:
    """A value as an entry shows it: "" for nothing, ISO dates, enums by value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _reference_names(connection: Connection, items: Iterable[_Item]) -> dict[tuple, str]:
    """(class, id) → the referenced row's name, one query per referenced class."""
    wanted: dict[type[Any], set[int]] = {}
    for item in items:
        for key, old, new in item.pairs:
            target = item.spec.references.get(key)
            if target is not None:
                wanted.setdefault(target, set()).update(v for v in (old, new) if v is not None)
    names: dict[tuple, str] = {}
    for target, ids in wanted.items():
        table = target.__table__
        rows = connection.execute(select(table.c.id, table.c.name).where(table.c.id.in_(ids)))
        names.update({(target, row_id): name for row_id, name in rows})
    return names


def _text_changes(item: _Item, names: Mapping[tuple, str]) -> list[Change]:
    spec = item.spec
    changes: list[Change] = []
    for key, old, new in item.pairs:
        if key in spec.secret:
            shown = "set" if item.action == "created" else "changed"
            changes.append((spec.label(key), "", "" if item.action == "deleted" else shown))
            continue
        if key in spec.on_off:
            changes.append((spec.label(key), "on" if old else "off", "on" if new else "off"))
            continue
        target = spec.references.get(key)
        if target is not None:
            changes.append(
                (spec.label(key), _named(target, old, names), _named(target, new, names))
            )
            continue
        changes.append((spec.label(key), _as_text(old), _as_text(new)))
    return changes + item.extra


def _named(target: type[Any], row_id: Any, names: Mapping[tuple, str]) -> str:
    if row_id is None:
        return ""
    name = names.get((target, row_id))
    return f"{name} (#{row_id})" if name else f"#{row_id}"


@dataclass
class _Group:
    entity: str
    entity_id: int
    action: str = "changed"
    prisoner_id: int | None = None
    address_change: bool = False
    own: list[Change] = field(default_factory=list)
    folded: list[Change] = field(default_factory=list)


def _rows(items: list[_Item], connection: Connection, actor: _Actor) -> list[dict[str, Any]]:
    """One row for ``audit_entries`` per changed thing: a row's own changes and those folded
    into it (a prisoner and their address history) make one entry."""
    names = _reference_names(connection, items)
    groups: dict[tuple[str, int], _Group] = {}
    # Parents first, then by class and id, so an entry always lists its fields the same way.
    order = {cls: index for index, cls in enumerate(AUDITED)}
    for item in sorted(items, key=lambda i: (i.spec.fold_into is not None, order[i.cls], i.pk)):
        spec = item.spec
        if spec.fold_into is not None and item.parent_id is not None:
            key = (spec.fold_into[0], int(item.parent_id))
            group = groups.setdefault(key, _Group(*key, prisoner_id=int(item.parent_id)))
            group.folded.extend(_text_changes(item, names))
            if item.action == "changed" and any(k == "facility_id" for k, _, _ in item.pairs):
                group.address_change = True
            continue
        key = (spec.entity, item.pk)
        group = groups.setdefault(key, _Group(*key))
        group.action = item.action
        group.prisoner_id = item.prisoner_id
        group.own.extend(_text_changes(item, names))
        if item.action == "changed" and any(k in spec.address_fields for k, _, _ in item.pairs):
            group.address_change = True
    at = _now_to_the_minute()
    context = _label.get()
    return [
        {
            "at": at,
            "account_id": actor.account_id,
            "actor": actor.actor,
            "entity": group.entity,
            "entity_id": group.entity_id,
            "prisoner_id": group.prisoner_id,
            "action": group.action,
            "context": context,
            "address_change": group.address_change,
            "changes": json.dumps([list(c) for c in group.own + group.folded], ensure_ascii=False),
        }
        for group in groups.values()
    ]


def _insert_entries(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """The one place entries are written (a test makes it fail to prove nothing is stored
    without its entry)."""
    connection.execute(insert(AuditEntry.__table__), rows)


def record_inserted_rows(rows_by_class: Mapping[type[Any], Sequence[Mapping[str, Any]]]) -> None:
    """Entries for rows inserted without the ORM (the CSV import's many-row INSERTs), as if
    each had been added as an object: one "created" entry per prisoner, their first stay
    folded in. Each row must hold its ``id`` (and, for folded rows, its parent's)."""
    actor = _actor()
    if actor is None:
        return
    items: list[_Item] = []
    for cls, rows in rows_by_class.items():
        spec = AUDITED[cls]
        columns = spec.columns(cls)
        for index, row in enumerate(rows):
            pairs = [(k, None, row[k]) for k in columns if row.get(k) not in (None, "")]
            pk = row.get("id", -index - 1)
            items.append(_item(spec, cls, int(pk), "created", pairs, [], row))
    if items:
        connection = db.session.connection()
        _insert_entries(connection, _rows(items, connection, actor))


# --- the session hooks -----------------------------------------------------------------------


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    actor = _actor()
    if actor is None:
        return
    items = _items_from_session(session)
    if items:
        connection = session.connection()
        _insert_entries(connection, _rows(items, connection, actor))


def _refuse_changed_entries(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditTrailIsAppendOnly("audit entries cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditTrailIsAppendOnly("audit entries cannot be changed")


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == AuditEntry.__tablename__:
        raise AuditTrailIsAppendOnly("audit entries cannot be changed or deleted")


def _keep_old_value(*_args: Any) -> None:
    """No-op: registered with ``active_history`` so that setting an attribute whose value was
    expired (after a commit) first loads the value it replaces, which the entry shows."""


_HOOKS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("before_flush", _refuse_changed_entries),
    ("after_flush", _after_flush),
    ("do_orm_execute", _refuse_bulk_changes),
)


def _listen() -> None:
    """Register the hooks once per process, on the session class every app's sessions use."""
    for name, hook in _HOOKS:
        if not event.contains(FlaskSession, name, hook):
            event.listen(FlaskSession, name, hook)
    for cls, spec in AUDITED.items():
        for key in spec.columns(cls):
            attribute = getattr(cls, key)
            if not event.contains(attribute, "set", _keep_old_value):
                event.listen(attribute, "set", _keep_old_value, active_history=True)


def _load_account() -> None:
    # Who is logged in is settled before the view runs, outside any flush (see ``_actor``).
    # Static files change nothing: no query for them.
    if request.endpoint != "static":
        current_user._get_current_object()


def init_app(app: Flask) -> None:
    """Record every change to audited classes from now on, attributed as described above."""
    _listen()
    app.before_request(_load_account)


__all__ = [
    "AUDITED",
    "AuditSpec",
    "AuditTrailIsAppendOnly",
    "Change",
    "acting_as",
    "audit_context",
    "record_event",
    "record_inserted_rows",
    "source_context",
]
