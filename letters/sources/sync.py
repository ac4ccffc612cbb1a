"""A sync: read a followed source's feed whole, then propose what it changed (docs/feed.md).

Reading comes first and writing after: every page is fetched and checked before anything is
written, so a feed refused as a whole (unreachable, not JSON, too big, a page missing) leaves
the registry as it was, with only the attempt and its reason recorded; and no transaction
stays open while a slow source is read.

A coordinator decides everything: a sync only proposes (``SourceChange``). A listed person not
linked here is offered as new; for a linked one, each group of fields (``records.GROUPS``) the
*source* changed since ``SourceLink.seen`` is proposed, old (local) → new (source's), unless the
local person already says the same. Comparing against ``seen`` rather than the local person is
what keeps local edits: a field a coordinator changed here, and the source did not, is not the
source's news and proposes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ChangeKind, Prisoner, Source, SourceChange, SourceLetterDay, SourceLink
from .fetch import SourceError, SourceNotFound, get_json
from .items import ItemError, Tombstone, item_id, parse_entry, parse_letter_day
from .records import GROUPS, Record, group_values, local_record, same_in_group

PRISONERS_PATH = "/api/v1/prisoners"
LETTERS_PATH = "/api/v1/letters"
#: The feed's largest pages (the API's own limits).
PER_PAGE = 100
#: People per page of letters per day (a page holds every day of its people): fifty people
#: with a letter on every day of four years stay under fetch.MAX_BYTES.
LETTERS_PER_PAGE = 50
#: A feed of more pages than this is refused as a whole (100,000 people, far beyond any group).
MAX_PAGES = 1000
#: Letters are read again from this long before the last success: a group records an evening's
#: letters days or weeks later, and a count for a past day can still grow.
LETTERS_LOOKBACK = timedelta(days=90)
#: The first sync reads every day since (validation.EARLIEST_EVENT: no letter is older).
LETTERS_FROM = date(2000, 1, 1)
#: Refused items named in ``Source.last_error`` (the report holds them all).
SHOWN_REFUSALS = 10

ChangeIndex = dict[tuple[int, ChangeKind], SourceChange]


@dataclass
class SyncReport:
    """What one sync did. ``error`` is set when the feed was refused as a whole: then nothing
    else was written. ``refused`` is (remote id, or "#position" when the item had no valid id;
    field; message) for each item skipped."""

    new_people: int = 0
    changes: int = 0
    tombstones: int = 0
    refused: list[tuple[int | str, str, str]] = field(default_factory=list)
    letter_days: int = 0
    letter_days_refused: int = 0
    error: str = ""
    letters_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def sync_source(source: Source, *, today: date | None = None) -> SyncReport:
    """Read ``source``'s feed and propose its changes; commits. Never raises for what the
    source answers: the report (and ``source.last_error``) says what went wrong."""
    today = today or date.today()
    report = SyncReport()
    base = source.base_url
    params: dict[str, Any] = {}
    if source.synced_through is not None:
        params["updated_since"] = source.synced_through.isoformat()
    try:
        raw_items = _read_pages(base + PRISONERS_PATH, params, "prisoners", PER_PAGE)
    except SourceError as exc:
        return _refused(source, report, str(exc), today)
    entries = _parse_entries(raw_items, report)

    letter_days: dict[tuple[int, date], int] | None = None
    since = source.last_success_on - LETTERS_LOOKBACK if source.last_success_on else LETTERS_FROM
    if source.read_letters:
        try:
            letter_days = _read_letter_days(base, since, today, report)
        except SourceNotFound:
            pass  # the group does not publish its letters: nothing to read, nothing wrong
        except SourceError as exc:
            # The people are read; a failure here must not undo them.
            report.letters_error = str(exc)

    try:
        _apply(source, entries, report, today)
        if letter_days is not None:
            _store_letter_days(source, since, letter_days)
            report.letter_days = len(letter_days)
        seen = [e.updated_at if isinstance(e, Tombstone) else e["updated_at"] for e in entries]
        days = [date.fromisoformat(day) for day in seen if day]
        if source.synced_through is not None:
            days.append(source.synced_through)
        if days:
            # Never ahead of today: a source's clock far in the future would make every later
            # sync ask for changes since a day that has not come.
            source.synced_through = min(max(days), today)
        source.last_attempt_on = today
        source.last_success_on = today
        source.last_error = _summary(report)
        db.session.commit()
    except IntegrityError:
        # Another sync of the same source (a scheduled one and a coordinator's click) wrote the
        # same proposals first; its results stand.
        db.session.rollback()
        message = _("Another sync of this source ran at the same time.")
        return _refused(source, SyncReport(), message, today)  # nothing of this one stayed
    return report


def _refused(source: Source, report: SyncReport, message: str, today: date) -> SyncReport:
    report.error = message
    source.last_attempt_on = today
    source.last_error = message
    db.session.commit()
    return report


# --- reading ------------------------------------------------------------------------------------


def _read_pages(
    url: str, params: dict[str, Any], key: str, per_page: int, items_per_page: bool = True
) -> list[Any]:
    """Every page's ``key`` list, in order; ``SourceError`` if any page is not as the
    contract says (the whole read is then refused). ``items_per_page``: ``per_page`` counts
    the list's items (people), so a page holding more is refused; letters per day count
    people too but list their days, any number of them."""
    items: list[Any] = []
    page, pages = 1, 1
    while page <= pages:
        data = get_json(url, {**params, "page": page, "per_page": per_page})
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            raise SourceError(
                _l(
                    "Page %(page)s of the source's answer is not the feed (no “%(key)s” list).",
                    page=page,
                    key=key,
                )
            )
        if page == 1:
            # The first page's count is the read's plan: a later page changing it (the list
            # grew meanwhile) does not extend the read past what was announced.
            announced = data.get("pages")
            if isinstance(announced, bool) or not isinstance(announced, int) or announced < 0:
                raise SourceError(_l("The source's answer has no valid page count."))
            pages = announced
            if pages > MAX_PAGES:
                raise SourceError(
                    _l(
                        "The source announced %(pages)s pages; at most %(limit)s are read.",
                        pages=pages,
                        limit=MAX_PAGES,
                    )
                )
        answered = data.get("page")
        if answered is not None and answered != page:
            # A server ignoring ?page= would send page 1 a thousand times.
            raise SourceError(
                _l(
                    "Asked for page %(page)s, the source answered another page.",
                    page=page,
                )
            )
        if items_per_page and len(data[key]) > per_page:
            raise SourceError(
                _l(
                    "Page %(page)s holds more than the %(limit)s items asked for.",
                    page=page,
                    limit=per_page,
                )
            )
        items.extend(data[key])
        page += 1
    return items


def _parse_entries(raw_items: list[Any], report: SyncReport) -> list[Record | Tombstone]:
    """Each item checked on its own; refusals go to the report. An id that appears more than
    once is refused every time: which of the two would be the source's word?"""
    counts = Counter(i for i in map(item_id, raw_items) if i is not None)
    entries: list[Record | Tombstone] = []
    for position, raw in enumerate(raw_items, 1):
        remote_id = item_id(raw)
        if remote_id is not None and counts[remote_id] > 1:
            times = counts[remote_id]
            message = (
                _("id %(id)s appears twice in the feed", id=remote_id)
                if times == 2
                else _("id %(id)s appears %(count)s times in the feed", id=remote_id, count=times)
            )
            report.refused.append((remote_id, "id", message))
            continue
        try:
            entries.append(parse_entry(raw))
        except ItemError as exc:
            label: int | str = remote_id if remote_id is not None else f"#{position}"
            report.refused.append((label, exc.field, exc.message))
    return entries


def _read_letter_days(
    base: str, since: date, today: date, report: SyncReport
) -> dict[tuple[int, date], int]:
    raw_days = _read_pages(
        base + LETTERS_PATH,
        {"since": since.isoformat()},
        "days",
        LETTERS_PER_PAGE,
        items_per_page=False,
    )
    parsed: list[tuple[int, date, int]] = []
    for raw in raw_days:
        try:
            parsed.append(parse_letter_day(raw, since, today))
        except ItemError:
            report.letter_days_refused += 1
    # Two counts for one person's day: neither is believed (and both are refused).
    times = Counter((remote_id, day) for remote_id, day, _n in parsed)
    days: dict[tuple[int, date], int] = {}
    for remote_id, day, letters in parsed:
        if times[remote_id, day] > 1:
            report.letter_days_refused += 1
        else:
            days[remote_id, day] = letters
    return days


# --- writing ------------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _loads(text: str) -> Record:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _apply(
    source: Source, entries: list[Record | Tombstone], report: SyncReport, today: date
) -> None:
    # The source's links (with their people and facilities) and proposals, each in one query.
    links = {
        link.remote_id: link
        for link in db.session.scalars(
            select(SourceLink)
            .where(SourceLink.source_id == source.id)
            .options(selectinload(SourceLink.prisoner).selectinload(Prisoner.facility))
        )
    }
    changes: ChangeIndex = {
        (change.remote_id, change.kind): change
        for change in db.session.scalars(
            select(SourceChange).where(SourceChange.source_id == source.id)
        )
    }
    for entry in entries:
        if isinstance(entry, Tombstone):
            report.tombstones += 1
            _tombstone(source, entry.id, links.get(entry.id), changes, report, today)
            continue
        remote_id = entry["id"]
        link = links.get(remote_id)
        if link is None:
            _offer(source, entry, changes, report, today)
            continue
        # Listed again: an unlisting waiting for review no longer holds; an offer left from
        # before the person was linked by hand is moot.
        for kind in (ChangeKind.UNLISTED, ChangeKind.NEW_PERSON):
            stale = changes.pop((remote_id, kind), None)
            if stale is not None:
                db.session.delete(stale)
        seen = _loads(link.seen)
        moved = [group for group in GROUPS if not same_in_group(seen, entry, group)]
        report.changes += len(_propose(link, source.id, entry, moved, changes, today))
        link.seen = _dumps(entry)


def _offer(
    source: Source, record: Record, changes: ChangeIndex, report: SyncReport, today: date
) -> None:
    """A listed person not linked here: offered as new, the offer's data kept current (a
    dismissed offer too, but it stays dismissed: dismissing means "not for us")."""
    data = _dumps(record)
    offer = changes.get((record["id"], ChangeKind.NEW_PERSON))
    if offer is not None:
        offer.new = data
        return
    offer = SourceChange(
        source_id=source.id,
        remote_id=record["id"],
        kind=ChangeKind.NEW_PERSON,
        new=data,
        proposed_on=today,
    )
    db.session.add(offer)
    changes[record["id"], ChangeKind.NEW_PERSON] = offer
    report.new_people += 1


def _tombstone(
    source: Source,
    remote_id: int,
    link: SourceLink | None,
    changes: ChangeIndex,
    report: SyncReport,
    today: date,
) -> None:
    if link is None:
        # Not adopted: nothing to review any more. A dismissed offer is kept, so that the person
        # listed there again is still not offered again.
        offer = changes.get((remote_id, ChangeKind.NEW_PERSON))
        if offer is not None and not offer.dismissed:
            db.session.delete(offer)
            del changes[remote_id, ChangeKind.NEW_PERSON]
        return
    if not link.prisoner.is_listed:
        return  # unlisted here already: nothing to propose
    _upsert(
        changes,
        source.id,
        link,
        ChangeKind.UNLISTED,
        {"listed": True},
        {"listed": False},
        today,
    )
    report.changes += 1


def _upsert(
    changes: ChangeIndex,
    source_id: int,
    link: SourceLink,
    kind: ChangeKind,
    old: Any,
    new: Any,
    today: date,
) -> SourceChange:
    """The pending change of ``kind`` for the link's person, created or brought up to date."""
    old_text, new_text = _dumps(old), _dumps(new)
    change = changes.get((link.remote_id, kind))
    if change is None:
        change = SourceChange(
            source_id=source_id,
            remote_id=link.remote_id,
            prisoner_id=link.prisoner.id,
            kind=kind,
            old=old_text,
            new=new_text,
            proposed_on=today,
        )
        db.session.add(change)
        changes[link.remote_id, kind] = change
        return change
    if change.new != new_text:
        change.proposed_on = today  # news since it was first proposed
    change.old, change.new = old_text, new_text
    change.prisoner_id = link.prisoner.id
    change.dismissed = False
    return change


def _propose(
    link: SourceLink,
    source_id: int,
    record: Record,
    groups: list[str],
    changes: ChangeIndex,
    today: date,
) -> list[SourceChange]:
    """For each of ``groups``: the pending change local → ``record``, or none (and any pending
    one dropped) where the local person already agrees with the record."""
    local = local_record(link.prisoner)
    proposed: list[SourceChange] = []
    for group in groups:
        kind = ChangeKind(group)
        if same_in_group(local, record, group):
            pending = changes.pop((link.remote_id, kind), None)
            if pending is not None:
                db.session.delete(pending)
            continue
        proposed.append(
            _upsert(
                changes,
                source_id,
                link,
                kind,
                group_values(local, group),
                group_values(record, group),
                today,
            )
        )
    return proposed


def propose_differences(link: SourceLink, record: Record) -> list[SourceChange]:
    """A person just linked by hand to the source's ``record``: the pending changes where the
    local person differs from it (every group: nothing was seen before), and ``link.seen``
    set to the record, so later syncs propose only what the source changes after this.

    Does not commit. ``link`` may be new (not flushed): its ``source`` or ``source_id`` and its
    ``prisoner`` must be set.
    """
    source_id = link.source_id if link.source_id is not None else link.source.id
    remote_id = link.remote_id
    changes: ChangeIndex = {
        (change.remote_id, change.kind): change
        for change in db.session.scalars(
            select(SourceChange).where(
                SourceChange.source_id == source_id, SourceChange.remote_id == remote_id
            )
        )
    }
    proposed = _propose(link, source_id, record, list(GROUPS), changes, date.today())
    link.seen = _dumps(record)
    return proposed


def _store_letter_days(source: Source, since: date, days: dict[tuple[int, date], int]) -> None:
    """The source's days from ``since`` on replaced by what it says now (in two statements:
    a source may publish tens of thousands of days)."""
    db.session.execute(
        delete(SourceLetterDay).where(
            SourceLetterDay.source_id == source.id, SourceLetterDay.sent_on >= since
        )
    )
    if days:
        db.session.execute(
            insert(SourceLetterDay),
            [
                {"source_id": source.id, "remote_id": remote_id, "sent_on": day, "letters": n}
                for (remote_id, day), n in days.items()
            ],
        )


def _summary(report: SyncReport) -> str:
    """``Source.last_error`` after a sync that went through: "" when clean, else which items
    were refused (the first few) and whether the letters could not be read."""
    parts: list[str] = []
    if report.refused:
        shown = "; ".join(
            _("%(item)s (%(field)s): %(message)s", item=_label(item), field=name, message=text)
            for item, name, text in report.refused[:SHOWN_REFUSALS]
        )
        if len(report.refused) > SHOWN_REFUSALS:
            shown += "; …"
        parts.append(
            ngettext(
                "%(num)d item refused: %(items)s.",
                "%(num)d items refused: %(items)s.",
                len(report.refused),
                items=shown,
            )
        )
    if report.letters_error:
        parts.append(_("Letters per day not read: %(reason)s", reason=report.letters_error))
    elif report.letter_days_refused:
        parts.append(
            ngettext(
                "%(num)d day of letters refused.",
                "%(num)d days of letters refused.",
                report.letter_days_refused,
            )
        )
    return " ".join(parts)


def _label(item: int | str) -> str:
    if isinstance(item, int):
        return _("id %(id)s", id=item)
    return _("item %(position)s", position=item)


#: The name the brief for the views gave it: linking a person by hand.
proposals_for_new_link = propose_differences
