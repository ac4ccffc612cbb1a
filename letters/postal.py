"""From stored rows to the plain data ``letters.addressing`` formats: a facility as a postal
address, a prisoner as a recipient, and the block that prints on the envelope."""

from __future__ import annotations

from .addressing import PostalAddress, Recipient, RecipientBlock, recipient_block
from .models import Facility, Prisoner


def postal_address(facility: Facility, *, short_name: bool = False) -> PostalAddress:
    """``facility`` as an address; with ``short_name``, under its short name for labels when
    it has one."""
    return PostalAddress(
        facility_name=(facility.label_name.strip() or facility.name)
        if short_name
        else facility.name,
        country_code=facility.country_code,
        street_address=facility.street_address,
        city=facility.city,
        city_area=facility.city_area,
        country_area=facility.country_area,
        postal_code=facility.postal_code,
        facility_name_first=facility.facility_name_first,
        name_line_format=facility.name_line_format,
    )


def recipient(prisoner: Prisoner) -> Recipient:
    return Recipient(
        family_name=prisoner.family_name,
        given_names=prisoner.given_names,
        patronymic=prisoner.patronymic,
        latin_name=prisoner.latin_name,
        gender=prisoner.gender.value if prisoner.gender else None,
        birth_year=prisoner.birth_year,
        prisoner_number=prisoner.prisoner_number,
        unit=prisoner.unit,
        envelope_name=prisoner.envelope_name,
    )


def address_block(
    prisoner: Prisoner, posted_from: str | None, *, short_name: bool = False
) -> RecipientBlock | None:
    """The recipient block as it will print, or ``None`` while the prisoner has no facility.

    ``short_name``: with the facility's short name for labels, if it has one.
    """
    if prisoner.facility is None:
        return None
    address = postal_address(prisoner.facility, short_name=short_name)
    return recipient_block(recipient(prisoner), address, posted_from)
