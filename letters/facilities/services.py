"""Facilities: validate their address against the country's rules and find them again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..addressing import normalize_address, validate_address
from ..extensions import db
from ..models import Facility, Prisoner
from ..postal import postal_address

# The columns a coordinator edits; everything else on a facility is bookkeeping.
EDITABLE_FIELDS = (
    "name",
    "label_name",
    "street_address",
    "city",
    "city_area",
    "country_area",
    "postal_code",
    "country_code",
    "facility_name_first",
    "name_line_format",
    "allows_photos",
    "allows_cards",
    "allows_paper",
    "allows_envelopes",
    "allows_stamps",
    "restrictions",
    "transit_days",
    "transit_notes",
)

# A letter that takes longer than this has been lost, not delayed: a bigger number is a typo.
MAX_TRANSIT_DAYS = 90


def address_errors(facility: Facility) -> dict[str, str]:
    """One message per bad address field, keyed by the field's name; empty when valid."""
    return validate_address(postal_address(facility))


def normalize_facility(facility: Facility) -> None:
    """Store the postal code and region in canonical form (``sw2 5xf`` → ``SW2 5XF``).

    Call only on an address that ``address_errors`` accepted.
    """
    normal = normalize_address(postal_address(facility))
    facility.country_code = normal.country_code
    facility.postal_code = normal.postal_code
    facility.country_area = normal.country_area
    facility.city_area = normal.city_area


def find_facility(name: str, postal_code: str, country_code: str) -> Facility | None:
    """The facility with this name, postal code and country (how CSV rows share one).

    Names are compared case-insensitively in Python: SQLite's ``lower()`` folds ASCII only, so
    "ФКУ СИЗО-1" and "фку сизо-1" would otherwise be two facilities there and one on PostgreSQL.
    """
    wanted = name.strip().casefold()
    candidates = db.session.scalars(
        select(Facility)
        .where(Facility.postal_code == postal_code.strip())
        .where(Facility.country_code == country_code.strip().upper())
        .order_by(Facility.id)
    )
    return next((f for f in candidates if f.name.strip().casefold() == wanted), None)


def save_facility(facility: Facility, values: Mapping[str, Any]) -> dict[str, str]:
    """Apply ``values`` (column name → value) to ``facility`` if the address is valid.

    The address is checked on a detached copy first, so an invalid edit never touches the stored
    row. On success the postal code and region are normalised and the facility is added to the
    session (the caller commits). Returns one message per bad field, keyed by the field's name
    (``name`` when another facility already has this name and address); empty on success.
    """
    candidate = Facility(**{key: values[key] for key in EDITABLE_FIELDS if key in values})
    errors = address_errors(candidate)
    if errors:
        return errors
    normalize_facility(candidate)
    # A twin would make CSV rows naming this facility ambiguous (find_facility takes the first).
    twin = find_facility(candidate.name, candidate.postal_code, candidate.country_code)
    if twin is not None and twin is not facility:
        return {
            "name": str(
                _l("A facility with this name and postal code exists already in this country.")
            )
        }
    for key in EDITABLE_FIELDS:
        if key in values:
            setattr(facility, key, getattr(candidate, key))
    db.session.add(facility)
    return {}


def all_facilities() -> list[Facility]:
    """Every facility by country and name."""
    return list(db.session.scalars(select(Facility).order_by(Facility.country_code, Facility.name)))


def prisoner_counts() -> dict[int, int]:
    """Facility id → how many prisoners it holds now."""
    rows = db.session.execute(
        select(Prisoner.facility_id, func.count())
        .where(Prisoner.facility_id.is_not(None))
        .group_by(Prisoner.facility_id)
    )
    return {facility_id: count for facility_id, count in rows if facility_id is not None}


def prisoners_held(facility: Facility) -> list[Prisoner]:
    """Who is held at ``facility`` now, by name (listed or not)."""
    return list(
        db.session.scalars(
            select(Prisoner)
            .where(Prisoner.facility_id == facility.id)
            .order_by(Prisoner.family_name, Prisoner.given_names, Prisoner.id)
        )
    )
