"""Keeping the list of prisoners true: parse, create, update, transfer, unlist, search.

The web forms and the CSV import both go through these functions, so a rule (what a birth date
looks like, which languages exist, what a transfer records) is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager

from ..addressing import (
    DATIVE_COUNTRIES,
    PostalAddress,
    Recipient,
    RecipientBlock,
    name_part,
    recipient_block,
)
from ..extensions import db
from ..models import MAX_LENGTH, AddressHistoryEntry, Facility, Gender, Prisoner, Status

STATUS_LABELS = {
    Status.PRE_TRIAL: _l("Pre-trial detention"),
    Status.SENTENCED: _l("Sentenced"),
    Status.IN_TRANSIT: _l("In transit (étap)"),
    Status.RELEASED: _l("Released"),
    Status.DECEASED: _l("Died in custody"),
}

GENDER_LABELS = {Gender.MALE: _l("Male"), Gender.FEMALE: _l("Female")}

# What a facility lets a letter carry, in the order a writer asks about it.
ALLOWANCE_LABELS = {
    "allows_photos": _l("Photos"),
    "allows_cards": _l("Cards"),
    "allows_paper": _l("Blank paper"),
    "allows_envelopes": _l("Envelopes"),
    "allows_stamps": _l("Stamps"),
}


class FieldError(ValueError):
    """A value that cannot be accepted; the message names the problem for a person."""


# --- parsing shared by forms and CSV ----------------------------------------------------------


@cache  # ~600 entries rebuilt from CLDR took ~130 µs: once per CSV row and API prisoner
def iso_639_1_codes() -> dict[str, str]:
    """Two-letter language codes with their English names (from Babel's CLDR data). Shared
    between callers: read it, never change it."""
    return {code: name for code, name in Locale("en").languages.items() if len(code) == 2}


def parse_languages(text: str) -> list[str]:
    """``"ru; EN"`` → ``["ru", "en"]``. Raises ``FieldError`` naming each unknown code."""
    codes = [c.strip().lower() for c in re.split(r"[;,\s]+", text) if c.strip()]
    known = iso_639_1_codes()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise FieldError(
            _l(
                "Unknown language code(s): %(codes)s. Use ISO 639-1 codes such as ru, be, en, de, "
                "separated by “;”.",
                codes=", ".join(unknown),
            )
        )
    return list(dict.fromkeys(codes))


def parse_birth(text: str) -> tuple[int | None, date | None]:
    """``"1992"`` or ``"1992-03-14"`` → (year, date or None)."""
    text = text.strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        _check_year(year)
        return year, None
    try:
        born = date.fromisoformat(text)
    except ValueError:
        raise FieldError(
            _l("“%(value)s” is not a date: use YYYY-MM-DD or just the year, YYYY.", value=text)
        ) from None
    _check_year(born.year)
    return born.year, born


def _check_year(year: int) -> None:
    if not 1900 <= year <= date.today().year:
        raise FieldError(_l("Year of birth %(year)s is not plausible.", year=year))


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(_l("“%(value)s” is not a date: use YYYY-MM-DD.", value=text)) from None


def parse_gender(text: str) -> Gender | None:
    text = text.strip().lower()
    if not text:
        return None
    try:
        return Gender(text)
    except ValueError:
        raise FieldError(
            _l("Gender must be “male”, “female” or empty, not “%(value)s”.", value=text)
        ) from None


def parse_status(text: str) -> Status:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    if not value:
        return Status.PRE_TRIAL
    try:
        return Status(value)
    except ValueError:
        raise FieldError(
            _l(
                "Status “%(value)s” is unknown; use one of: %(choices)s.",
                value=text,
                choices=", ".join(s.value for s in Status),
            )
        ) from None


def check_length(value: str, limit_name: str) -> str:
    limit = MAX_LENGTH[limit_name]
    if len(value) > limit:
        raise FieldError(
            _l(
                "Too long: %(length)s characters, at most %(limit)s.",
                length=len(value),
                limit=limit,
            )
        )
    return value


def check_name_line_format(value: str) -> str:
    value = value.strip()
    if value and "{name}" not in value:
        raise FieldError(_l("The format must contain {name}, for example “{name}/{number}”."))
    leftover = re.sub(r"\{name\}|\{number\}", "", value)
    if "{" in leftover or "}" in leftover:
        raise FieldError(_l("Only {name} and {number} can be used in the format."))
    return value


# --- from rows to addressing ------------------------------------------------------------------


def postal_address(facility: Facility) -> PostalAddress:
    return PostalAddress(
        facility_name=facility.name,
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


def address_block(prisoner: Prisoner, posted_from: str | None) -> RecipientBlock | None:
    """The recipient block as it will print, or ``None`` while the prisoner has no facility."""
    if prisoner.facility is None:
        return None
    return recipient_block(recipient(prisoner), postal_address(prisoner.facility), posted_from)


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


def birth_text(prisoner: Prisoner) -> str:
    """The birth date as a coordinator typed it: the full date when known, else the year."""
    if prisoner.birth_date is not None:
        return prisoner.birth_date.isoformat()
    return str(prisoner.birth_year) if prisoner.birth_year else ""


def languages_text(prisoner: Prisoner) -> str:
    """``"ru en"`` as stored → ``"ru; en"`` as typed in forms and CSV."""
    return "; ".join(prisoner.language_codes)


def language_name(code: str) -> str:
    """A language's name in the reader's language (``ru`` → "Russian" / "русский")."""
    names = Locale.parse(str(get_locale() or "en")).languages
    return names.get(code) or iso_639_1_codes().get(code) or code


def facility_allowances(facility: Facility | None) -> list[tuple[str, bool | None]]:
    """(label, allowed?) for each thing a letter might carry; ``None`` means nobody knows."""
    return [
        (str(label), None if facility is None else getattr(facility, attribute))
        for attribute, label in ALLOWANCE_LABELS.items()
    ]


def display_name(prisoner: Prisoner) -> str:
    """The name as a person reads it: nominative, given name first."""
    parts = (prisoner.given_names, prisoner.patronymic, prisoner.family_name)
    names = " ".join(p for p in parts if p)
    if prisoner.latin_name and prisoner.latin_name != names:
        return f"{names} ({prisoner.latin_name})"
    return names


# --- changes ----------------------------------------------------------------------------------


def save_prisoner(prisoner: Prisoner) -> Prisoner:
    """Add or update a prisoner; opens the address history on first placement."""
    prisoner.refresh_search_text()
    if prisoner.birth_date is not None:
        prisoner.birth_year = prisoner.birth_date.year
    db.session.add(prisoner)
    if prisoner.facility is not None and not prisoner.address_history:
        prisoner.address_history.append(_history_entry(prisoner, prisoner.facility, None))
    return prisoner


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
    prisoner.is_listed = False


def relist_prisoner(prisoner: Prisoner) -> None:
    """Show on public pages again."""
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
    for word in name.casefold().split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Prisoner.search_text.like(f"%{escaped}%", escape="\\"))
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


def listed_prisoner_or_404(prisoner_id: int, description: str | None = None) -> Prisoner:
    """A prisoner shown on public pages; unlisted ones are as absent as unknown ones (404).
    ``description`` words the 404 (the JSON API gives its own)."""
    return db.first_or_404(
        select(Prisoner).where(Prisoner.id == prisoner_id, Prisoner.is_listed.is_(True)),
        description=description,
    )
