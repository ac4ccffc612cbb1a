"""Rules for values typed into forms or read from CSV: dates, years of birth, genders, statuses,
language codes, lengths (from ``models.MAX_LENGTH``) and the name-line format. Each raises
``FieldError`` with a message for a person, so forms and the import say the same thing."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import QueryableAttribute

from .models import MAX_LENGTH, Gender, Status


class FieldError(ValueError):
    """A value that cannot be accepted; the message names the problem for a person."""


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


def max_length(column: QueryableAttribute[Any]) -> int:
    """The longest text ``column`` (``Prisoner.bio``) accepts: its ``String`` length, or the
    ``info["max_length"]`` a ``Text`` column carries. One number guards the form, the CSV import
    and the database."""
    (table_column,) = column.property.columns
    limit = table_column.info.get("max_length") or getattr(table_column.type, "length", None)
    if not limit:
        raise TypeError(f"{column} has no length limit")
    return int(limit)


def check_length(value: str, limit: str | QueryableAttribute[Any]) -> str:
    """``value`` unchanged, or ``FieldError`` when it is longer than the column allows.

    ``limit`` is a model column (``LetterTemplate.title``) or a ``MAX_LENGTH`` name (``"name"``:
    the widths the registry's columns are declared with)."""
    length = MAX_LENGTH[limit] if isinstance(limit, str) else max_length(limit)
    if len(value) > length:
        raise FieldError(
            _l(
                "Too long: %(length)s characters, at most %(limit)s.",
                length=len(value),
                limit=length,
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
