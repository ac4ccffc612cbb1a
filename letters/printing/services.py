"""From the registry to print data: the only place where ORM rows become what renderers print.

Renderers take the plain dataclasses in ``data``; views and CLI commands call these functions,
then hand the result to a renderer. Nothing here writes a PDF, and nothing here keeps a typed
return address: it passes through as a tuple of lines and is gone with the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..addressing import name_line, number_on_name_line, return_block, sender_country_missing
from ..display import country_codes, display_name, facility_allowances, language_name
from ..extensions import db
from ..models import Prisoner
from ..postal import address_block, postal_address, recipient
from ..prisoners.services import prisoner_query
from ..validation import FieldError
from .data import Envelope, EveningPack, LetterSheet, PrisonerCard
from .formats import ENVELOPES, LABEL_SHEETS, SHEETS

# A ruled letter is rarely longer; the limit keeps one request from asking for a ream.
MAX_RULED_PAGES = 10
# A writing evening gives each writer a few envelopes at most; the limit bounds one PDF.
MAX_ENVELOPES_PER_PRISONER = 20

# Where the return address comes from. "own" only ever chooses the form: the typed address
# itself travels in a POST body, never in a URL.
RETURN_GROUP, RETURN_NONE, RETURN_OWN = "group", "none", "own"

# The envelope a sheet is folded for when nobody says otherwise: the one its size fits.
DEFAULT_FOLD = {"A4": "DL", "LETTER": "US10"}


class NoAddressError(ValueError):
    """The prisoner's facility is not known: there is nothing to put on an envelope."""


# --- the group's own details ------------------------------------------------------------------


# --- choosing what to print -------------------------------------------------------------------


def posted_from_code(value: str | None) -> str | None:
    """A country code as typed (``de``, ``DE``, empty) → ``"DE"``, or ``None`` for abroad.

    Raises ``FieldError`` for a code that is no country.
    """
    code = (value or "").strip().upper()
    if not code:
        return None
    if code not in country_codes():
        raise FieldError(
            _l(
                "Unknown country code “%(code)s”: use a two-letter code such as DE or RU, or "
                "nothing for a letter posted from abroad.",
                code=code,
            )
        )
    return code


def return_country_code(value: str | None) -> str | None:
    """The country of a writer's own return address as chosen (``de`` → ``"DE"``; empty:
    ``None``). Raises ``FieldError`` for a code that is no country."""
    code = (value or "").strip().upper()
    if not code:
        return None
    if code not in country_codes():
        raise FieldError(
            _l(
                "Unknown country code “%(code)s” for the return address: choose the country "
                "from the list.",
                code=code,
            )
        )
    return code


def check_return_choice(value: str) -> str:
    """``?return=`` names where the return address comes from, never the address itself."""
    choice = (value or RETURN_GROUP).strip().lower()
    if choice not in (RETURN_GROUP, RETURN_NONE, RETURN_OWN):
        raise FieldError(
            _l(
                "“return” is “group” (the group's address), “none” or “own”. A return address "
                "of your own is typed into the form, never into the address bar."
            )
        )
    return choice


def check_envelope_size(size: str) -> str:
    """``"dl"`` → ``"DL"``; raises ``FieldError`` for a size we cannot print."""
    code = size.strip().upper()
    if code not in ENVELOPES:
        raise FieldError(
            _l(
                "Unknown envelope size “%(size)s”: use one of %(sizes)s.",
                size=size,
                sizes=", ".join(ENVELOPES),
            )
        )
    return code


def check_fold(code: str) -> str | None:
    """The envelope a sheet is folded for, or ``None`` (empty: no fold marks)."""
    return check_envelope_size(code) if code.strip() else None


def check_sheet_size(size: str) -> str:
    """``"a4"`` → ``"A4"``; raises ``FieldError`` for a paper size we cannot print."""
    code = size.strip().upper()
    if code not in SHEETS:
        raise FieldError(
            _l(
                "Unknown paper size “%(size)s”: use one of %(sizes)s.",
                size=size,
                sizes=", ".join(SHEETS),
            )
        )
    return code


def check_label_sheet(code: str) -> str:
    """``"l7160"`` → ``"L7160"``; raises ``FieldError`` for a label sheet we do not know."""
    found = code.strip().upper()
    if found not in LABEL_SHEETS:
        raise FieldError(
            _l(
                "Unknown label sheet “%(code)s”: use one of %(codes)s.",
                code=code,
                codes=", ".join(LABEL_SHEETS),
            )
        )
    return found


def check_start_at(label_sheet: str, start_at: int) -> int:
    """The first free label on a part-used sheet must be on the sheet."""
    per_sheet = LABEL_SHEETS[label_sheet].per_sheet
    if not 1 <= start_at <= per_sheet:
        raise FieldError(
            _l(
                "A %(sheet)s sheet has labels 1 to %(count)s; “start at” must be one of them.",
                sheet=label_sheet,
                count=per_sheet,
            )
        )
    return start_at


def listed_printable_prisoners() -> list[Prisoner]:
    """Listed prisoners whose facility is known, by name: everyone an evening can write to."""
    query = prisoner_query(listed_only=True).where(Prisoner.facility_id.is_not(None))
    return list(db.session.scalars(query))


def require_addresses(prisoners: Iterable[Prisoner]) -> None:
    """Raise ``NoAddressError`` naming everyone whose facility is unknown."""
    homeless = [p for p in prisoners if p.facility is None]
    if homeless:
        raise NoAddressError(
            _(
                "Where %(names)s is held is not known, so no envelope or label can be "
                "printed. Record the facility first.",
                names=", ".join(f"{display_name(p)} (id {p.id})" for p in homeless),
            )
        )


def no_address(prisoner: Prisoner) -> NoAddressError:
    """The error (and its message for the public) for a prisoner whose facility is unknown."""
    return NoAddressError(
        _(
            "Where %(name)s is held is not known, so no envelope can be printed yet.",
            name=display_name(prisoner),
        )
    )


# --- building print data ----------------------------------------------------------------------


def envelope_for(
    prisoner: Prisoner,
    posted_from: str | None,
    return_lines: tuple[str, ...],
    return_country: str | None = None,
) -> Envelope:
    """One envelope to ``prisoner`` as posted from ``posted_from`` (``None``: from abroad).

    ``return_country`` is where the return address is (the group's home country, or the one a
    writer chose for their own address): on international mail the return address ends with
    it, so an undeliverable letter can come back. Raises ``NoAddressError`` while the
    prisoner's facility is unknown.
    """
    posted_from = (posted_from or "").upper() or None
    block = address_block(prisoner, posted_from)
    if block is None or prisoner.facility is None:
        raise no_address(prisoner)
    destination = prisoner.facility.country_code.upper()
    return Envelope(
        recipient_lines=block.lines,
        destination_country=destination,
        posted_from=posted_from,
        return_lines=return_block(return_lines, return_country, posted_from, destination),
        postal_code=prisoner.facility.postal_code,
    )


def check_return_country(
    prisoner: Prisoner,
    posted_from: str | None,
    return_lines: tuple[str, ...],
    return_country: str | None,
) -> None:
    """A return address going abroad needs its country: raise ``FieldError`` when none is
    known (neither chosen nor typed as the last line)."""
    if prisoner.facility is None:
        return
    if sender_country_missing(
        return_lines, return_country, posted_from, prisoner.facility.country_code
    ):
        raise FieldError(
            _l(
                "This letter goes abroad: choose the country of your return address, so the "
                "letter can come back if it cannot be delivered."
            )
        )


def header_name(prisoner: Prisoner) -> tuple[str, str]:
    """(name, number) for the header of every letter page.

    The name is the recipient line as the destination prints it (``Пчелинцеву Дмитрию
    Дмитриевичу, 1992 г.р.`` in Russia, ``NAME 12345-678`` in the US): the censor matches a
    loose page to the person by exactly what the envelope says. The number is given separately
    only when that line does not already carry it.
    """
    number = prisoner.prisoner_number.strip()
    if prisoner.facility is None:
        return display_name(prisoner), number
    address = postal_address(prisoner.facility)
    line, _warnings = name_line(recipient(prisoner), address)
    return line, "" if number_on_name_line(address, number) else number


# Where the words printed around a letter must be in the prison's language: in Russia and
# Belarus the censor holds up anything in Latin letters.
LETTER_LANGUAGE = {"RU": "ru", "BY": "ru"}


def letter_sheet_for(
    prisoner: Prisoner,
    text: str | None,
    fold_for: str | None,
    reply_sheet: bool,
    ruled_pages: int = 1,
) -> LetterSheet:
    """A letter (``text``) or ruled pages for handwriting (``text is None``) to ``prisoner``.

    The blank reply sheet is added only when the facility is known to allow paper enclosures:
    elsewhere it would get the whole letter held back.
    """
    name, number = header_name(prisoner)
    return LetterSheet(
        header_name=name,
        prisoner_number=number,
        text=text,
        ruled_pages=max(1, min(ruled_pages, MAX_RULED_PAGES)),
        fold_for=fold_for,
        reply_sheet=reply_sheet and prisoner.allows_paper,
        language=LETTER_LANGUAGE.get(prisoner.facility.country_code if prisoner.facility else ""),
    )


def allowance_text(allowed: bool | None) -> str:
    if allowed is None:
        return _("not known")
    return _("allowed") if allowed else _("not allowed")


def card_for(prisoner: Prisoner, posted_from: str | None = None) -> PrisonerCard:
    """The large-print card a writer reads at an evening; the address as the envelope has it."""
    block = address_block(prisoner, (posted_from or "").upper() or None)
    facility = prisoner.facility
    return PrisonerCard(
        name=display_name(prisoner),
        address_lines=block.lines if block is not None else (),
        bio=prisoner.bio,
        languages=tuple(language_name(code) for code in prisoner.language_codes),
        allowances=tuple(
            (label, allowance_text(allowed)) for label, allowed in facility_allowances(facility)
        ),
        restrictions=facility.restrictions if facility is not None else "",
    )


def evening_pack_for(
    prisoners: Sequence[Prisoner],
    envelopes_per_prisoner: int,
    envelope_size: str,
    posted_from: str | None,
    label_sheet: str,
    start_at: int,
    return_lines: tuple[str, ...],
    return_country: str | None = None,
) -> EveningPack:
    """Everything for a letter-writing evening: a card per prisoner, ``envelopes_per_prisoner``
    envelopes each (kept together, so one writer takes one prisoner's pile) and one address label
    per prisoner, starting at label ``start_at`` of a part-used sheet. ``return_country``: as
    for ``envelope_for``.

    Cards print on the paper the labels need (A4 for L7160, US Letter for 5160): a group has one
    kind of paper in its printer. Raises ``NoAddressError`` if anyone's facility is unknown.
    """
    require_addresses(prisoners)
    envelope_size = check_envelope_size(envelope_size)
    label_sheet = check_label_sheet(label_sheet)
    check_start_at(label_sheet, start_at)
    count = max(0, min(envelopes_per_prisoner, MAX_ENVELOPES_PER_PRISONER))
    envelopes: list[Envelope] = []
    labels: list[tuple[str, ...]] = []
    for prisoner in prisoners:
        envelope = envelope_for(prisoner, posted_from, return_lines, return_country)
        envelopes.extend([envelope] * count)
        labels.append(envelope.recipient_lines)
    return EveningPack(
        cards=tuple(card_for(p, posted_from) for p in prisoners),
        envelopes=tuple(envelopes),
        envelope_size=envelope_size,
        labels=tuple(labels),
        label_sheet=label_sheet,
        start_at_label=start_at,
        card_sheet=LABEL_SHEETS[label_sheet].sheet,
    )
