"""One feed item checked and turned into a record (``records.py``), or refused naming the field.

The feed is another group's server's word, and nothing in it is trusted: every value is checked
for its type before anything else (a list where a name belongs is a refusal, not a crash), then
as the CSV import checks a person and an address (the same validators, the same length limits),
and text with markup in it is refused outright: no real name or address holds ``<tag>``, and a
followed feed that sends one is hostile, whatever a coordinator may type into a local form.
Keys the feed adds later are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from ..addressing import PostalAddress, normalize_address, validate_address
from ..validation import (
    FieldError,
    check_length,
    check_name_line_format,
    check_single_line,
    parse_birth,
    parse_date,
    parse_gender,
    parse_languages,
    parse_release_date,
    parse_status,
)
from .records import Record

#: Ids are stored as BigInteger: anything larger cannot be a row's id.
MAX_REMOTE_ID = 2**63 - 1

# A tag, a closing tag, a comment, a doctype or processing instruction: "<b>", "</a>",
# "<img src=x onerror=…>", "<!--", "<?xml". "<3" or "a < b" are not tags and pass.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|<!|<\?")
# NUL and lone UTF-16 surrogates (as hostile_input refuses them in requests).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ItemError(ValueError):
    """A feed item refused: ``field`` is where in the item ("facility.country_code")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Tombstone:
    """``{"id": 7, "listed": false, "updated_at": "…"}``: the source no longer lists person 7."""

    id: int
    updated_at: str | None


def item_id(raw: Any) -> int | None:
    """The item's id if it is a valid one (for naming a refused item), else ``None``."""
    try:
        return _id(raw, "id") if isinstance(raw, dict) else None
    except ItemError:
        return None


def parse_entry(raw: Any) -> Record | Tombstone:
    """A listed item's record, or a tombstone (``"listed": false``)."""
    if isinstance(raw, dict) and raw.get("listed") is False:
        return parse_tombstone(raw)
    return parse_item(raw)


def parse_tombstone(raw: Any) -> Tombstone:
    if not isinstance(raw, dict):
        raise ItemError("", str(_l("An item must be an object.")))
    return Tombstone(id=_id(raw, "id"), updated_at=_updated_at(raw))


def parse_item(raw: Any) -> Record:
    """A listed feed item as a record. Raises ``ItemError`` at the first field refused."""
    if not isinstance(raw, dict):
        raise ItemError("", str(_l("An item must be an object.")))
    listed = raw.get("listed", True)  # absent from feeds older than the key
    if listed is not True:
        raise ItemError("listed", str(_l("Expected true or false.")))
    names = _object(raw, "name", required=True)
    return {
        "id": _id(raw, "id"),
        "updated_at": _updated_at(raw),
        "family_name": _text(names, "family_name", "name", where="name.", required=True),
        "given_names": _text(names, "given_names", "name", where="name.", required=True),
        "patronymic": _text(names, "patronymic", "name", where="name."),
        "latin_name": _text(names, "latin_name", "name", where="name."),
        "gender": _gender(raw),
        "birth_year": _birth_year(raw),
        "birthday": _birthday(raw),
        "prisoner_number": _text(raw, "prisoner_number", "short"),
        "unit": _text(raw, "unit", "address_line"),
        "facility": _facility(raw),
        "address_since": _day(raw, "address_since", parse_date),
        "languages": _languages(raw),
        "status": _status(raw),
        "release_date": _day(raw, "release_date", parse_release_date),
    }


# --- values -------------------------------------------------------------------------------------


def _id(raw: dict[str, Any], key: str, where: str = "") -> int:
    value = raw.get(key)
    # bool is an int to Python; true is no one's id.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ItemError(where + key, str(_l("Expected a whole number.")))
    if not 1 <= value <= MAX_REMOTE_ID:
        raise ItemError(where + key, str(_l("Must be a positive whole number.")))
    return value


def _object(raw: dict[str, Any], key: str, *, required: bool = False) -> dict[str, Any]:
    value = raw.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ItemError(key, str(_l("Expected an object.")))
    return value


def _text(
    raw: dict[str, Any],
    key: str,
    limit: str,
    *,
    where: str = "",
    required: bool = False,
    single_line: bool = True,
) -> str:
    field = where + key
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ItemError(field, str(_l("Expected text.")))
    value = value.strip()
    if required and not value:
        raise ItemError(field, str(_l("Required.")))
    try:
        check_length(value, limit)
        if _UNSTORABLE.search(value):
            # JSON can spell them ("\\ud800"); the database cannot store them, nobody means them.
            raise FieldError(_l("Contains a NUL character or an unpaired surrogate."))
        if single_line:
            check_single_line(value)
    except FieldError as exc:
        raise ItemError(field, str(exc)) from None
    if _MARKUP.search(value):
        raise ItemError(field, str(_l("Contains markup (“<…>”): no real name or address has it.")))
    return value


def _parsed(raw: dict[str, Any], key: str, parser: Any, where: str = "") -> Any:
    """``parser`` (a validation.parse_* function, given text) applied to a text-or-null value."""
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ItemError(where + key, str(_l("Expected text or null.")))
    try:
        return parser(value)
    except FieldError as exc:
        raise ItemError(where + key, str(exc)) from None


def _day(raw: dict[str, Any], key: str, parser: Any) -> str | None:
    day = _parsed(raw, key, parser)
    return day.isoformat() if day else None


def _updated_at(raw: dict[str, Any]) -> str | None:
    # Absent from feeds older than the key (they ignore updated_since: every read is whole).
    day = _parsed(raw, "updated_at", parse_date)
    # A day ahead is a time zone east of ours; later would stall the next sync's
    # updated_since in the future (sync clamps it to today as well).
    if day and day > date.today() + timedelta(days=1):
        raise ItemError("updated_at", str(_l("The date cannot be after today.")))
    return day.isoformat() if day else None


def _gender(raw: dict[str, Any]) -> str | None:
    gender = _parsed(raw, "gender", parse_gender)
    return gender.value if gender else None


def _status(raw: dict[str, Any]) -> str:
    value = raw.get("status")
    if not isinstance(value, str) or not value.strip():
        raise ItemError("status", str(_l("Expected a status.")))
    return str(_parsed(raw, "status", parse_status).value)


def _birth_year(raw: dict[str, Any]) -> int | None:
    value = raw.get("birth_year")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ItemError("birth_year", str(_l("Expected a whole number or null.")))
    try:
        year, _born = parse_birth(f"{value:04d}" if 0 <= value <= 9999 else str(value))
    except FieldError as exc:
        raise ItemError("birth_year", str(exc)) from None
    return year


def _birthday(raw: dict[str, Any]) -> dict[str, int] | None:
    value = raw.get("birthday")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ItemError("birthday", str(_l("Expected an object or null.")))
    numbers: list[int] = []
    for key in ("month", "day"):
        number = value.get(key)
        if isinstance(number, bool) or not isinstance(number, int):
            raise ItemError(f"birthday.{key}", str(_l("Expected a whole number.")))
        numbers.append(number)
    month, day = numbers
    try:
        date(2000, month, day)  # a leap year: 29 February is someone's birthday
    except (ValueError, OverflowError):
        raise ItemError("birthday", str(_l("Not a day of the year."))) from None
    return {"month": month, "day": day}


def _languages(raw: dict[str, Any]) -> list[str]:
    value = raw.get("languages")
    if value is None:
        return []
    if not isinstance(value, list):
        raise ItemError("languages", str(_l("Expected a list.")))
    codes: list[str] = []
    for entry in value:
        # The feed gives {"code", "name"}; a bare code is taken too.
        code = entry.get("code") if isinstance(entry, dict) else entry
        if not isinstance(code, str):
            raise ItemError("languages", str(_l("Expected language codes.")))
        codes.append(code)
    text = " ".join(codes)
    try:
        # Bounded first (Prisoner.languages holds the codes space-separated), so an unknown
        # code of a hundred kilobytes is not quoted back; then checked as a form's or a file's.
        check_length(text, "short")
        return parse_languages(text)
    except FieldError as exc:
        raise ItemError("languages", str(exc)) from None


# --- the facility -------------------------------------------------------------------------------

_MAIL_RULES = {
    "photos": "allows_photos",
    "cards": "allows_cards",
    "paper": "allows_paper",
    "envelopes": "allows_envelopes",
    "stamps": "allows_stamps",
}


def _facility(raw: dict[str, Any]) -> Record | None:
    value = raw.get("facility")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ItemError("facility", str(_l("Expected an object or null.")))
    where = "facility."
    record: Record = {"id": _id(value, "id", where)}
    record["name"] = _text(value, "name", "address_line", where=where, required=True)
    record["label_name"] = _text(value, "label_name", "address_line", where=where)
    # Multi-line as in the CSV import: some streets take two lines.
    record["street_address"] = _text(
        value, "street_address", "street_address", where=where, single_line=False
    )
    for key in ("city", "city_area", "country_area"):
        record[key] = _text(value, key, "short", where=where)
    record["postal_code"] = _text(value, "postal_code", "postal_code", where=where)
    # Bounded as any short cell, so a long value is refused before it reaches a message; the
    # address check then says whether it is a country.
    record["country_code"] = _text(value, "country_code", "short", where=where).upper()
    first = value.get("facility_name_first")
    if first is not None and not isinstance(first, bool):
        raise ItemError(where + "facility_name_first", str(_l("Expected true, false or null.")))
    record["facility_name_first"] = first
    line_format = _text(value, "name_line_format", "short", where=where)
    try:
        record["name_line_format"] = check_name_line_format(line_format)
    except FieldError as exc:
        raise ItemError(where + "name_line_format", str(exc)) from None
    rules = value.get("mail_rules")
    if rules is None:
        rules = {}
    if not isinstance(rules, dict):
        raise ItemError(where + "mail_rules", str(_l("Expected an object.")))
    for key, name in _MAIL_RULES.items():
        allowed = rules.get(key)
        if allowed is not None and not isinstance(allowed, bool):
            raise ItemError(f"{where}mail_rules.{key}", str(_l("Expected true, false or null.")))
        record[name] = allowed
    record["restrictions"] = _text(
        rules, "restrictions", "note", where=where + "mail_rules.", single_line=False
    )
    return _checked_address(record)


def _checked_address(record: Record) -> Record:
    """The facility with its address checked by the destination country's rules and
    normalised as the CSV import does it, so it compares equal to a stored facility."""
    address = PostalAddress(
        facility_name=record["name"],
        country_code=record["country_code"],
        street_address=record["street_address"],
        city=record["city"],
        city_area=record["city_area"],
        country_area=record["country_area"],
        postal_code=record["postal_code"],
    )
    problems = validate_address(address)
    if problems:
        name, message = sorted(problems.items())[0]
        raise ItemError(f"facility.{name}", message)
    normal = normalize_address(address)
    record.update(
        country_code=normal.country_code,
        postal_code=normal.postal_code,
        country_area=normal.country_area,
        city_area=normal.city_area,
    )
    return record


# --- letters per day ----------------------------------------------------------------------------

#: More letters to one person on one day than any group sends: a count beyond it is not real.
MAX_LETTERS_PER_DAY = 100_000


def parse_letter_day(raw: Any, since: date, today: date) -> tuple[int, date, int]:
    """One ``/api/v1/letters`` entry ``{"id", "sent_on", "letters"}`` as ``(id, day, count)``.

    The day must lie from ``since`` (what was asked: an earlier day would collide with the
    stored days the sync keeps) up to ``today``.
    """
    if not isinstance(raw, dict):
        raise ItemError("", str(_l("An item must be an object.")))
    remote_id = _id(raw, "id")
    day = _parsed(raw, "sent_on", parse_date)
    if day is None:
        raise ItemError("sent_on", str(_l("Required.")))
    if day > today:
        raise ItemError("sent_on", str(_l("The date cannot be after today.")))
    if day < since:
        raise ItemError(
            "sent_on", str(_l("The day is before the one asked for (%(since)s).", since=since))
        )
    letters = raw.get("letters")
    if isinstance(letters, bool) or not isinstance(letters, int):
        raise ItemError("letters", str(_l("Expected a whole number.")))
    if not 0 <= letters <= MAX_LETTERS_PER_DAY:
        raise ItemError(
            "letters",
            str(_l("Must be from 0 to %(limit)s.", limit=MAX_LETTERS_PER_DAY)),
        )
    return remote_id, day, letters
