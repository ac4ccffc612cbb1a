"""What the JSON API says about a listed prisoner, and which prisoners a page of the feed holds.

Only what the public profile already shows leaves through here: no coordinators' notes, no
envelope-override confirmation, no facility transit notes, nothing about unlisted people but
a tombstone (their id, ``"listed": false`` and a day). The fields are chosen one by one (never
a dump of the row), so a column added later stays private until someone decides to publish it.
docs/feed.md is the contract with the groups that follow this list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from math import ceil
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager

from ..addressing import is_known_country
from ..display import display_name
from ..extensions import db
from ..letterlog.services import LetterCounts, letter_counts
from ..models import AddressHistoryEntry, Facility, Prisoner
from ..postal import address_block
from ..prisoners.services import prisoner_query
from ..validation import iso_639_1_codes

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20

# Strictly YYYY-MM-DD: date.fromisoformat alone also takes "20261130" and "2026-W48-1", which
# a follower never sends, so they are more likely a mistake than a day.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_posted_from(value: str | None) -> str | None:
    """``?from=`` as a country code: absent or empty means "from abroad" (``None``).

    Raises ``ValueError`` for anything that is not a country the address rules know, so a
    typo gets an error rather than an envelope silently addressed for the wrong route.
    """
    code = (value or "").strip().upper()
    if not code:
        return None
    if len(code) != 2 or not code.isalpha() or not is_known_country(code):
        raise ValueError(code)
    return code


def parse_day(value: str) -> date:
    """A ``YYYY-MM-DD`` query value as a date; ``ValueError`` for anything else."""
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)


def birthday(prisoner: Prisoner) -> dict[str, int] | None:
    """Day and month, as the public birthday list shows them. The year is published apart
    (``birth_year``), as the address lines of a Russian envelope print it: together they say
    no more than the public pages already do (docs/feed.md)."""
    if prisoner.birth_date is None:
        return None
    return {"month": prisoner.birth_date.month, "day": prisoner.birth_date.day}


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; every one was stored as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def updated_day(prisoner: Prisoner) -> date:
    """The day the person's record last changed: their row or their facility's (a facility's
    address corrected changes the address of everyone held there). A day, not a time: the
    follower only needs to know where to resume, and a time of day says more than that."""
    moments = [_utc(prisoner.updated_at)]
    if prisoner.facility is not None:
        moments.append(_utc(prisoner.facility.updated_at))
    return max(moments).date()


def facility_json(facility: Facility | None) -> dict[str, Any] | None:
    """The facility's postal address and mail rules; its transit notes never (they are the
    coordinators' working notes)."""
    if facility is None:
        return None
    return {
        # The source's own id: a follower tells a transfer (another id) from a corrected address.
        "id": facility.id,
        "name": facility.name,
        "label_name": facility.label_name,
        "street_address": facility.street_address,
        "city": facility.city,
        "city_area": facility.city_area,
        "country_area": facility.country_area,
        "postal_code": facility.postal_code,
        "country_code": facility.country_code,
        "facility_name_first": facility.facility_name_first,
        "name_line_format": facility.name_line_format,
        "mail_rules": {
            "photos": facility.allows_photos,
            "cards": facility.allows_cards,
            "paper": facility.allows_paper,
            "envelopes": facility.allows_envelopes,
            "stamps": facility.allows_stamps,
            "restrictions": facility.restrictions,
        },
    }


def prisoner_json(
    prisoner: Prisoner,
    counts: LetterCounts,
    posted_from: str | None,
    address_since: date | None = None,
) -> dict[str, Any]:
    """One listed prisoner as the API shows them. The caller has checked ``is_listed``.

    ``address_since``: the day the current stay began (``current_stays``), if known.
    """
    block = address_block(prisoner, posted_from)
    # English names, whatever the visitor's language: the API is read by programs, and a
    # response that changed with Accept-Language would need Vary and defeat caching.
    language_names = iso_639_1_codes()
    return {
        "id": prisoner.id,
        "listed": True,
        "updated_at": updated_day(prisoner).isoformat(),
        "name": {
            "display": display_name(prisoner),
            "family_name": prisoner.family_name,
            "given_names": prisoner.given_names,
            "patronymic": prisoner.patronymic,
            "latin_name": prisoner.latin_name,
        },
        # Declines the name on Russian envelopes.
        "gender": prisoner.gender.value if prisoner.gender else None,
        # Prints on Russian envelopes ("1992 г.р."), which the address lines show anyway.
        "birth_year": prisoner.birth_year,
        "birthday": birthday(prisoner),
        "prisoner_number": prisoner.prisoner_number,
        "unit": prisoner.unit,
        "facility": facility_json(prisoner.facility),
        "address_since": address_since.isoformat() if address_since else None,
        "address": None
        if block is None
        else {
            "posted_from": posted_from,
            "lines": list(block.lines),
            # Shown on the public page too: mail came back, so the address may be out of date.
            "needs_checking": prisoner.address_needs_checking,
        },
        "languages": [
            {"code": code, "name": language_names.get(code, code)}
            for code in prisoner.language_codes
        ],
        "status": prisoner.status.value,
        "release_date": prisoner.release_date.isoformat() if prisoner.release_date else None,
        "letters_sent": counts.letters_sent,
        "letters_last_30_days": counts.letters_last_30_days,
    }


def tombstone_json(prisoner: Prisoner) -> dict[str, Any]:
    """An unlisted person, as a follower needs them to stop showing the person: nothing but the
    id and the day. Their name, facility and status stay here."""
    return {"id": prisoner.id, "listed": False, "updated_at": updated_day(prisoner).isoformat()}


def current_stays(prisoner_ids: Sequence[int]) -> dict[int, date | None]:
    """When each prisoner's current (open) address-history stay began, in one query for a
    whole page. A prisoner without an open stay is absent."""
    if not prisoner_ids:
        return {}
    rows = db.session.execute(
        select(AddressHistoryEntry.prisoner_id, AddressHistoryEntry.started_on)
        .where(
            AddressHistoryEntry.prisoner_id.in_(prisoner_ids),
            AddressHistoryEntry.ended_on.is_(None),
        )
        # Should two stays be open, the later one is the current one: it wins in the dict.
        .order_by(AddressHistoryEntry.id)
    )
    return {prisoner_id: started_on for prisoner_id, started_on in rows}


def changed_since_query(since: date) -> Select[tuple[Prisoner]]:
    """Every prisoner, listed or not, whose row or facility's row changed on or after ``since``
    (from the start of that day in UTC), by id: a follower asking again for the day it last
    read gets that whole day again rather than missing its later part."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    return (
        select(Prisoner)
        .outerjoin(Prisoner.facility)
        .options(contains_eager(Prisoner.facility))
        .where(or_(Prisoner.updated_at >= start, Facility.updated_at >= start))
        .order_by(Prisoner.id)
    )


def prisoner_list(
    page_number: int, per_page: int, posted_from: str | None, updated_since: date | None
) -> dict[str, Any]:
    """A page of ``GET /api/v1/prisoners``: listed people by name, or with ``updated_since``
    everyone changed since that day by id, the unlisted as tombstones. A fixed number of
    queries whatever the page size (facilities joined, counts and stays in one query each)."""
    query = (
        prisoner_query(listed_only=True)
        if updated_since is None
        else changed_since_query(updated_since)
    )
    page = db.paginate(query, page=page_number, per_page=per_page, error_out=False, count=True)
    people: list[Prisoner] = list(page.items)
    listed_ids = [p.id for p in people if p.is_listed]
    # Counts up to yesterday: one that moved at a click would let a poller time it.
    counts = letter_counts(listed_ids, public=True)
    stays = current_stays(listed_ids)
    empty = LetterCounts()
    return {
        "prisoners": [
            prisoner_json(p, counts.get(p.id, empty), posted_from, stays.get(p.id))
            if p.is_listed
            else tombstone_json(p)
            for p in people
        ],
        "page": page_number,
        "per_page": per_page,
        "total": page.total,
        "pages": page.pages,
    }


def one_prisoner(prisoner: Prisoner, posted_from: str | None) -> dict[str, Any]:
    """``GET /api/v1/prisoners/<id>`` for a listed prisoner."""
    counts = letter_counts([prisoner.id], public=True).get(prisoner.id, LetterCounts())
    since = current_stays([prisoner.id]).get(prisoner.id)
    return prisoner_json(prisoner, counts, posted_from, since)


def page_count(total: int, per_page: int) -> int:
    """Pages as ``db.paginate`` counts them (none for nothing), for pages cut by hand."""
    return ceil(total / per_page) if total else 0
