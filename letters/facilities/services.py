"""Facilities: validate their address against the country's rules and find them again."""

from __future__ import annotations

from sqlalchemy import func, select

from ..addressing import normalize_address, validate_address
from ..extensions import db
from ..models import Facility
from ..prisoners.services import postal_address


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
    """The facility with this name, postal code and country (how CSV rows share one)."""
    return db.session.scalars(
        select(Facility)
        .where(func.lower(Facility.name) == name.strip().lower())
        .where(Facility.postal_code == postal_code.strip())
        .where(Facility.country_code == country_code.strip().upper())
        .order_by(Facility.id)
    ).first()
