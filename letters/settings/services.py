"""The group's one settings row: its name, the return address envelopes print by default, the
country it posts from (which decides whether an envelope needs a country line), whether
every account must have a second factor, how supporters can give money, and whether groups
following this list may read its letters per day."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..addressing import named_country
from ..display import country_codes
from ..extensions import db
from ..models import GroupSettings
from ..validation import FieldError, check_length

# A return address is a small block top-left, clear of the stamp field: more than a handful of
# short lines would only be shrunk until nobody can read them.
RETURN_ADDRESS_MAX_LINES = 6


RETURN_ADDRESS_MAX_LINE_LENGTH = 100

# Bank details, a PayPal address, a wallet or two, with a sentence each: a page at most.
DONATION_INSTRUCTIONS_MAX = 5_000


def group_settings() -> GroupSettings:
    """The group's one settings row.

    Until a coordinator first saves the settings, an unsaved row with the defaults (no return
    address, the site's ``POSTED_FROM`` as home country) is returned. It is deliberately not
    added to the session: reading the settings on a public GET must never write a row.
    """
    settings = db.session.get(GroupSettings, 1)
    if settings is not None:
        return settings
    return GroupSettings(
        id=1,
        group_name="",
        return_address="",
        home_country=(current_app.config.get("POSTED_FROM") or "").upper(),
        require_second_factor=False,
        donation_instructions="",
        publish_letter_days=False,
    )


def save_group_settings(
    group_name: str,
    return_address: str,
    home_country: str,
    require_second_factor: bool | None = None,
    donation_instructions: str | None = None,
    publish_letter_days: bool | None = None,
) -> GroupSettings:
    """Check and store the group's name, return address and home country, whether a second
    factor is required, the donation instructions and whether letters per day are published
    (``None``: left as they are). The caller commits.

    Raises ``FieldError`` for an unknown country, a return address that would not fit, or a
    return address without a country (``lacks_country``).
    """
    home_country = home_country.strip().upper()
    if home_country and home_country not in country_codes():
        raise FieldError(_l("Unknown country code “%(code)s”.", code=home_country))
    lines = parse_return_address(return_address)
    if lacks_country(lines, home_country):
        raise FieldError(HOME_COUNTRY_NEEDED)
    if donation_instructions is not None:
        donation_instructions = check_donation_instructions(donation_instructions.strip())
    settings = group_settings()
    settings.group_name = check_length(group_name.strip(), "address_line")
    settings.return_address = "\n".join(lines)
    settings.home_country = home_country
    if require_second_factor is not None:
        settings.require_second_factor = require_second_factor
    if donation_instructions is not None:
        settings.donation_instructions = donation_instructions
    if publish_letter_days is not None:
        settings.publish_letter_days = publish_letter_days
    db.session.add(settings)
    return settings


def check_donation_instructions(text: str) -> str:
    """``text`` unchanged, or ``FieldError`` when it is longer than a page."""
    if len(text) > DONATION_INSTRUCTIONS_MAX:
        raise FieldError(
            _l(
                "Too long: %(length)s characters, at most %(limit)s.",
                length=len(text),
                limit=DONATION_INSTRUCTIONS_MAX,
            )
        )
    return text


# Why a return address needs its country: said where the admin sets it, and when it is missing.
HOME_COUNTRY_NEEDED = _l(
    "Choose the home country: the return address is printed on letters that go abroad, and "
    "there it must end with its country, or a letter that cannot be delivered cannot come "
    "back. A returned letter is how the group learns that an address is stale. (Or end the "
    "return address with its country.)"
)


def lacks_country(return_lines: tuple[str, ...], home_country: str) -> bool:
    """A return address with no country known for it: no home country, and its last line names
    no country (an admin may type "GERMANY" or "Deutschland" there themselves)."""
    return (
        bool(return_lines) and not home_country.strip() and named_country(return_lines[-1]) is None
    )


def group_return_lines(settings: GroupSettings | None = None) -> tuple[str, ...]:
    """The group's return address as printed, line by line (empty when none is configured)."""
    settings = settings or group_settings()
    return tuple(line.strip() for line in settings.return_address.splitlines() if line.strip())


def parse_return_address(text: str) -> tuple[str, ...]:
    """Typed return-address text → the lines that print; empty lines dropped.

    Raises ``FieldError`` when there are too many lines or a line is too long for the block.
    """
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    if len(lines) > RETURN_ADDRESS_MAX_LINES:
        raise FieldError(
            _l(
                "A return address has at most %(count)s lines; this one has %(found)s.",
                count=RETURN_ADDRESS_MAX_LINES,
                found=len(lines),
            )
        )
    for line in lines:
        if len(line) > RETURN_ADDRESS_MAX_LINE_LENGTH:
            raise FieldError(
                _l(
                    "Each line of a return address has at most %(limit)s characters.",
                    limit=RETURN_ADDRESS_MAX_LINE_LENGTH,
                )
            )
    return lines


def check_return_address(text: str) -> str:
    """``parse_return_address`` as a check for forms (returns the text unchanged)."""
    parse_return_address(text)
    return text
