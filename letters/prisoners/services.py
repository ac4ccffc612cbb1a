"""Keeping the list of prisoners true: parse, create, update, transfer, unlist, search.

The web forms and the CSV import both go through these functions, so a rule (what a birth date
looks like, which languages exist, what a transfer records) is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager

from ..addressing import DATIVE_COUNTRIES, RecipientBlock, name_part, recipient_block
from ..audit.recording import audit_context
from ..extensions import db
from ..lookups import name_matches
from ..models import AddressHistoryEntry, Facility, Prisoner, Status
from ..postal import postal_address, recipient
from ..validation import FieldError

# --- parsing shared by forms and CSV ----------------------------------------------------------


# --- from rows to addressing ------------------------------------------------------------------


def facility_address_text(facility: Facility) -> str:
    """The facility's name and address lines, frozen into the address history (the facility
    itself may be edited later)."""
    parts = [
        facility.name,
        facility.street_address,
        facility.city_area,
        " ".join(p for p in (facility.postal_code, facility.city) if p),
        facility.country_area,
        facility.country_code,
    ]
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class EnvelopePreview:
    """What a coordinator checks before trusting the printed address."""

    country_code: str
    domestic: RecipientBlock  # posted inside the destination country: no country line
    abroad: RecipientBlock  # posted from any other country: the country line last
    computed_name: str  # the name part as computed (pytrovich's dative in Russia), no override
    needs_dative: bool

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.domestic.warnings


def envelope_preview(prisoner: Prisoner) -> EnvelopePreview | None:
    """Both ways the address prints, and the computed name beside any override.

    ``None`` while the prisoner has no facility.
    """
    if prisoner.facility is None:
        return None
    country = prisoner.facility.country_code.upper()
    person, address = recipient(prisoner), postal_address(prisoner.facility)
    computed, _warnings = name_part(replace(person, envelope_name=""), country)
    return EnvelopePreview(
        country_code=country,
        domestic=recipient_block(person, address, country),
        abroad=recipient_block(person, address, None),
        computed_name=computed,
        needs_dative=country in DATIVE_COUNTRIES,
    )


# --- changes ----------------------------------------------------------------------------------


def save_prisoner(prisoner: Prisoner) -> Prisoner:
    """Add or update a prisoner; opens the address history on first placement."""
    derive_fields(prisoner)
    db.session.add(prisoner)
    if prisoner.facility is not None and not prisoner.address_history:
        prisoner.address_history.append(first_stay(prisoner, prisoner.facility))
    return prisoner


def derive_fields(prisoner: Prisoner) -> None:
    """Set the columns computed from the others (search text, year of birth from the date).

    Part of ``save_prisoner``; alone for bulk inserts that write rows, not objects.
    """
    prisoner.refresh_search_text()
    if prisoner.birth_date is not None:
        prisoner.birth_year = prisoner.birth_date.year


def first_stay(prisoner: Prisoner, facility: Facility) -> AddressHistoryEntry:
    """The address-history entry that opens a prisoner's first placement (not added to the
    session; ``save_prisoner`` appends it, a bulk insert copies its columns)."""
    return _history_entry(prisoner, facility, None)


def transfer_prisoner(
    prisoner: Prisoner,
    facility: Facility,
    on: date | None = None,
    unit: str | None = None,
    note: str = "",
) -> AddressHistoryEntry:
    """Move a prisoner to another facility, closing the current stay and opening a new one.

    The old address stays in the history as it was.
    """
    # One entry for the prisoner, their closed stay and the new one, marked as a transfer.
    with audit_context("transfer"):
        on = on or date.today()
        current = current_stay(prisoner)
        if current is not None:
            current.ended_on = on
        elif prisoner.facility is not None:
            # Placed before history was kept: record where they were, so it is not lost.
            old = _history_entry(prisoner, prisoner.facility, None)
            old.ended_on = on
            prisoner.address_history.append(old)
        prisoner.facility = facility
        if unit is not None:
            prisoner.unit = unit
        # A new address is a known address: returned mail no longer speaks against it.
        prisoner.address_needs_checking = False
        prisoner.address_confirmed_on = on
        entry = _history_entry(prisoner, facility, on, note=note)
        prisoner.address_history.append(entry)
        db.session.add(prisoner)
    return entry


def current_stay(prisoner: Prisoner) -> AddressHistoryEntry | None:
    open_entries = [e for e in prisoner.address_history if e.ended_on is None]
    return open_entries[-1] if open_entries else None


def _history_entry(
    prisoner: Prisoner, facility: Facility, started_on: date | None, note: str = ""
) -> AddressHistoryEntry:
    return AddressHistoryEntry(
        facility=facility,
        facility_name=facility.name,
        address_text=facility_address_text(facility),
        unit=prisoner.unit,
        started_on=started_on,
        note=note,
    )


def check_transfer(prisoner: Prisoner, facility: Facility, on: date) -> None:
    """Refuse a transfer the history could not hold truthfully.

    Raises ``FieldError`` for a transfer to where the prisoner already is, a date in the future
    (the address would change before the person moved) or a date before the current stay began.
    """
    if prisoner.facility is not None and facility.id == prisoner.facility.id:
        raise FieldError(_l("The prisoner is held at this facility already."))
    if on > date.today():
        raise FieldError(
            _l("A transfer is recorded once it has happened: the date is in the future.")
        )
    current = current_stay(prisoner)
    if current is not None and current.started_on is not None and on < current.started_on:
        raise FieldError(
            _l(
                "The current stay began on %(started)s; a transfer cannot be earlier.",
                started=current.started_on.isoformat(),
            )
        )


def unlist_prisoner(prisoner: Prisoner) -> None:
    """Hide from public pages; nothing is deleted."""
    with audit_context("unlisting"):
        prisoner.is_listed = False


def relist_prisoner(prisoner: Prisoner) -> None:
    """Show on public pages again."""
    with audit_context("listing"):
        prisoner.is_listed = True


# --- finding ----------------------------------------------------------------------------------


def prisoner_query(
    name: str = "",
    country: str = "",
    status: str = "",
    language: str = "",
    listed_only: bool = False,
) -> Select[tuple[Prisoner]]:
    """Prisoners matching a name fragment (any script, any case) and the filters, by name."""
    # contains_eager: list pages show each prisoner's facility without a query per row.
    query = select(Prisoner).outerjoin(Prisoner.facility).options(contains_eager(Prisoner.facility))
    query = query.where(*name_matches(name))
    if country:
        query = query.where(Facility.country_code == country.upper())
    if status:
        query = query.where(Prisoner.status == Status(status))
    if language:
        code = language.strip().lower()
        query = query.where(
            or_(
                Prisoner.languages == code,
                Prisoner.languages.like(f"{code} %"),
                Prisoner.languages.like(f"% {code}"),
                Prisoner.languages.like(f"% {code} %"),
            )
        )
    if listed_only:
        query = query.where(Prisoner.is_listed.is_(True))
    return query.order_by(Prisoner.family_name, Prisoner.given_names, Prisoner.id)


def countries_in_use() -> list[str]:
    """Country codes of the facilities that hold anyone, for the list filter."""
    return list(
        db.session.scalars(
            select(Facility.country_code)
            .join(Facility.prisoners)
            .distinct()
            .order_by(Facility.country_code)
        )
    )


def languages_in_use() -> list[str]:
    """Language codes any prisoner reads, for the list filter."""
    codes: set[str] = set()
    for languages in db.session.scalars(select(Prisoner.languages).distinct()):
        codes.update(languages.split())
    return sorted(codes)
