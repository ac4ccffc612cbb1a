"""A person as both sides of a follow compare them: one plain dict shape, local or remote.

A *record* is what ``items.parse_item`` makes of a feed item after checking it, what
``local_record`` makes of a local prisoner, what ``SourceLink.seen`` and a ``new_person``
change store (as JSON), and what adopting reads. Keys are the local model's field names, so
applying a record is a matter of copying fields::

    {"id": 7, "updated_at": "2026-11-30",
     "family_name": "…", "given_names": "…", "patronymic": "", "latin_name": "",
     "gender": "male" | None, "birth_year": 1992 | None,
     "birthday": {"month": 8, "day": 7} | None,
     "prisoner_number": "", "unit": "",
     "facility": {"id": 3, "name": …, "label_name", "street_address", "city", "city_area",
                  "country_area", "postal_code", "country_code", "facility_name_first",
                  "name_line_format", "allows_photos", "allows_cards", "allows_paper",
                  "allows_envelopes", "allows_stamps", "restrictions"} | None,
     "address_since": "2026-11-20" | None,
     "languages": ["ru", "en"], "status": "sentenced", "release_date": "2027-01-01" | None}

(``id``, ``updated_at`` and the facility's ``id`` are the source's; a local record has ``None``.)

A change is proposed group by group (``GROUPS``): a transfer is the facility's address and the
unit together, a name is all its parts and the gender that declines it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..facilities.services import EDITABLE_FIELDS
from ..models import Facility, Prisoner

Record = dict[str, Any]

# What a facility carries between groups: all a coordinator edits but the transit notes and
# days, which are this group's own experience of the post (and kept off the public pages).
FACILITY_FIELDS = tuple(name for name in EDITABLE_FIELDS if not name.startswith("transit_"))
# The fields that say where a letter goes: two facilities with these equal are one address.
ADDRESS_FIELDS = ("name", "street_address", "city", "city_area", "postal_code", "country_code")

GROUPS: dict[str, tuple[str, ...]] = {
    "transfer": ("facility", "unit"),
    "status": ("status", "release_date"),
    "name": ("family_name", "given_names", "patronymic", "latin_name", "gender"),
    "languages": ("languages",),
}


def facility_record(facility: Facility | None) -> Record | None:
    if facility is None:
        return None
    record: Record = {"id": None}
    record.update({name: getattr(facility, name) for name in FACILITY_FIELDS})
    return record


def local_record(prisoner: Prisoner) -> Record:
    """The local prisoner in the record shape (the fields a source could change)."""
    birth = prisoner.birth_date
    return {
        "id": None,
        "updated_at": None,
        "family_name": prisoner.family_name,
        "given_names": prisoner.given_names,
        "patronymic": prisoner.patronymic,
        "latin_name": prisoner.latin_name,
        "gender": prisoner.gender.value if prisoner.gender else None,
        "birth_year": prisoner.birth_year,
        "birthday": {"month": birth.month, "day": birth.day} if birth else None,
        "prisoner_number": prisoner.prisoner_number,
        "unit": prisoner.unit,
        "facility": facility_record(prisoner.facility),
        "address_since": None,
        "languages": prisoner.language_codes,
        "status": prisoner.status.value,
        "release_date": prisoner.release_date.isoformat() if prisoner.release_date else None,
    }


def _fold(value: Any) -> Any:
    # Spacing and case are not a change of address or of name spelling worth a review.
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def address_key(facility: Record | None) -> tuple[Any, ...] | None:
    """What makes two facility records one address (folded); ``None`` for no facility."""
    if facility is None:
        return None
    return tuple(_fold(facility.get(name, "")) for name in ADDRESS_FIELDS)


def group_values(record: Record, group: str) -> Record:
    """The record's values for one change group, as a change's ``old``/``new`` store them."""
    return {name: record.get(name) for name in GROUPS[group]}


def same_in_group(a: Record, b: Record, group: str) -> bool:
    """Whether two records agree on a group (addresses by ``address_key``, text folded)."""
    for name in GROUPS[group]:
        if name == "facility":
            if address_key(a.get(name)) != address_key(b.get(name)):
                return False
        elif name == "languages":
            if sorted(a.get(name) or []) != sorted(b.get(name) or []):
                return False
        elif _fold(a.get(name)) != _fold(b.get(name)):
            return False
    return True


def record_day(value: Any) -> date | None:
    """A record's ISO day (``release_date``, ``address_since``) as a date; ``None`` for none,
    or for nonsense in a row stored by an older version."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
