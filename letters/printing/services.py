"""From the registry to print data: the only place where ORM rows become what renderers print.

Renderers take the plain dataclasses in ``data``; views and CLI commands call these functions,
then hand the result to a renderer. Nothing here writes a PDF, and nothing here keeps a typed
return address: it passes through as a tuple of lines and is gone with the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..addressing import name_line, number_on_name_line, return_block, sender_country_missing
from ..campaigns.calls import choose_call, featured_people
from ..display import (
    campaign_dates,
    country_codes,
    display_name,
    facility_allowances,
    language_name,
)
from ..drafting.placeholders import BLANK, LetterContext, fill
from ..drafting.services import phrasebook, templates_for
from ..extensions import db
from ..guidelines.markdown import markdown_paragraphs
from ..guidelines.services import before_you_write_for_print, page_language
from ..models import Campaign, Occasion, Prisoner
from ..postal import address_block, postal_address, recipient
from ..prisoners.services import prisoner_query
from ..settings.services import group_settings
from ..validation import FieldError
from .data import Envelope, EveningPack, Handout, LetterSheet, PrisonerCard
from .envelopes import RETURN, check_envelope
from .formats import ENVELOPES, LABEL_SHEETS, SHEETS
from .labels import FLOOR_SIZE as LABEL_FLOOR
from .labels import fit_label
from .layout import DoesNotFit
from .pack import CARD_NAME, check_card
from .poster import Poster, PosterPerson
from .sheets import CAPTIONS, FALLBACK_CAPTIONS

# A ruled letter is rarely longer; the limit keeps one request from asking for a ream.
MAX_RULED_PAGES = 10
# A writing evening gives each writer a few envelopes at most; the limit bounds one PDF.
MAX_ENVELOPES_PER_PRISONER = 20
# A handout is one page: a few phrases to lift a letter, not the phrasebook.
PHRASES_ON_HANDOUT = 6
# The phrasebook's column for each language it holds.
PHRASE_COLUMNS = {"ru": "russian", "en": "english", "de": "german"}

# Where the return address comes from. "own" only ever chooses the form: the typed address
# itself travels in a POST body, never in a URL.
RETURN_GROUP, RETURN_NONE, RETURN_OWN = "group", "none", "own"

# The envelope a sheet is folded for when nobody says otherwise: the one its size fits.
DEFAULT_FOLD = {"A4": "DL", "LETTER": "US10"}


class NoAddressError(ValueError):
    """The prisoner's facility is not known: there is nothing to put on an envelope."""


class DoesNotFitError(ValueError):
    """Something would print smaller than people and sorting machines read: one message per
    prisoner, each naming them and the fix. Nothing is printed for anyone."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


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


def listed_printable_ids() -> list[int]:
    """The ids of ``listed_printable_prisoners``, in the same order, without loading them."""
    return list(
        db.session.scalars(
            select(Prisoner.id)
            .where(Prisoner.is_listed.is_(True), Prisoner.facility_id.is_not(None))
            .order_by(Prisoner.family_name, Prisoner.given_names, Prisoner.id)
        )
    )


#: Prisoners loaded at a time when printing for everyone.
PRINT_BATCH = 500


def each_prisoner(ids: Sequence[int]) -> Iterator[Prisoner]:
    """The prisoners with ``ids``, in that order, loaded a batch at a time with their
    facilities: a run of 10,000 envelopes never holds 10,000 prisoners at once (the session
    keeps no object nobody refers to)."""
    for start in range(0, len(ids), PRINT_BATCH):
        chunk = ids[start : start + PRINT_BATCH]
        loaded = {
            p.id: p
            for p in db.session.scalars(
                select(Prisoner)
                .options(selectinload(Prisoner.facility))
                .where(Prisoner.id.in_(chunk))
            )
        }
        yield from (loaded[i] for i in chunk if i in loaded)


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
    short: tuple[str, ...] = ()
    if prisoner.facility.label_name.strip():
        short_block = address_block(prisoner, posted_from, short_name=True)
        short = short_block.lines if short_block is not None else ()
    return Envelope(
        recipient_lines=block.lines,
        destination_country=destination,
        posted_from=posted_from,
        return_lines=return_block(return_lines, return_country, posted_from, destination),
        postal_code=prisoner.facility.postal_code,
        short_recipient_lines=short,
    )


def label_block_for(prisoner: Prisoner, posted_from: str | None) -> tuple[str, ...]:
    """The block on ``prisoner``'s address label: with the facility's short name, if set."""
    block = address_block(prisoner, (posted_from or "").upper() or None, short_name=True)
    if block is None:
        raise no_address(prisoner)
    return block.lines


# --- refusing what would print too small ------------------------------------------------------


def _facility_name(prisoner: Prisoner) -> str:
    return prisoner.facility.name if prisoner.facility is not None else ""


def envelope_does_not_fit(prisoner: Prisoner, size: str, exc: DoesNotFit) -> str:
    """The message when ``prisoner``'s envelope cannot print at a readable size."""
    if exc.what == RETURN:
        return _(
            "The return address does not fit on a %(size)s envelope to %(name)s at "
            "%(floor)s pt or larger. Shorten the return address or choose a bigger envelope.",
            size=size,
            name=display_name(prisoner),
            floor=f"{exc.floor:g}",
        )
    return _(
        "The address of %(name)s does not fit on a %(size)s envelope at %(floor)s pt or "
        "larger, the smallest the post reads reliably. Choose a bigger envelope (C5 or C4), or "
        "give the facility “%(facility)s” a short name for labels.",
        name=display_name(prisoner),
        size=size,
        floor=f"{exc.floor:g}",
        facility=_facility_name(prisoner),
    )


def label_does_not_fit(prisoner: Prisoner, sheet: str) -> str:
    """The message when ``prisoner``'s address label cannot print at a readable size."""
    return _(
        "The address of %(name)s does not fit on a %(sheet)s label at %(floor)s pt or "
        "larger, the smallest a sorting machine reads. Give the facility “%(facility)s” a "
        "short name for labels, use the larger L7160 labels, or address this envelope by "
        "printing it instead of a label.",
        name=display_name(prisoner),
        sheet=sheet,
        floor=f"{LABEL_FLOOR:g}",
        facility=_facility_name(prisoner),
    )


def card_does_not_fit(prisoner: Prisoner, exc: DoesNotFit) -> str:
    """The message when ``prisoner``'s large-print card cannot hold the name or address."""
    if exc.what == CARD_NAME:
        return _(
            "The name of %(name)s does not fit on a large-print card at %(floor)s pt or larger.",
            name=display_name(prisoner),
            floor=f"{exc.floor:g}",
        )
    return _(
        "The address of %(name)s does not fit on a large-print card at %(floor)s pt or larger."
        " Give the facility “%(facility)s” a short name for labels.",
        name=display_name(prisoner),
        floor=f"{exc.floor:g}",
        facility=_facility_name(prisoner),
    )


def check_envelopes_fit(envelopes: Iterable[tuple[Prisoner, Envelope]], size: str) -> None:
    """Raise ``DoesNotFitError`` naming every prisoner whose envelope would print too small."""
    fmt = ENVELOPES[size.upper()]
    messages = []
    for prisoner, envelope in envelopes:
        try:
            check_envelope(envelope, fmt)
        except DoesNotFit as exc:
            messages.append(envelope_does_not_fit(prisoner, fmt.code, exc))
    if messages:
        raise DoesNotFitError(messages)


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


# Where letters must be in the prison's language whatever the prisoner reads: in Russia and
# Belarus the censor holds up anything not in Russian, words printed around it included.
LETTER_LANGUAGE = {"RU": "ru", "BY": "ru"}


def letter_language(prisoner: Prisoner) -> str | None:
    """The language a letter to ``prisoner`` is written in: Russian to Russia and Belarus,
    elsewhere the first language they read; ``None`` when nobody has recorded one."""
    country = prisoner.facility.country_code.upper() if prisoner.facility else ""
    if country in LETTER_LANGUAGE:
        return LETTER_LANGUAGE[country]
    codes = prisoner.language_codes
    return codes[0] if codes else None


def caption_language(prisoner: Prisoner) -> str:
    """The language of the words printed around a letter ("page 1 of 2"): the letter's
    language, else the first other language the prisoner reads that has captions, else
    English (``sheets.CAPTIONS``)."""
    for code in (letter_language(prisoner), *prisoner.language_codes):
        if code in CAPTIONS:
            return code
    return FALLBACK_CAPTIONS


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
        language=caption_language(prisoner),
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


def handout_languages(prisoners: Iterable[Prisoner]) -> list[str]:
    """The languages the evening's letters are written in (``letter_language``), each once, in
    the order the prisoners come. Someone whose languages nobody recorded adds none: their
    card says so, and a handout cannot guess."""
    found = (letter_language(prisoner) for prisoner in prisoners)
    return list(dict.fromkeys(code for code in found if code))


def _writers_language() -> str:
    return str(get_locale() or "en").split("_")[0].lower()


def handout_for(language: str, today: date | None = None) -> Handout:
    """The writers' page for letters in ``language``: the "before you write" summary (in the
    writers' language), the first-letter template in ``language`` with its meaning, and a few
    phrases from the phrasebook with theirs.

    The template is filled for nobody in particular: the prisoner's and the writer's names
    print as blanks (``BLANK``) to fill in from the card, gendered words with both forms.
    """
    writers = _writers_language()
    summary = before_you_write_for_print(page_language(None, writers))
    template = next(
        (t for t in templates_for(language) if t.occasion == Occasion.FIRST_LETTER), None
    )
    context = LetterContext(
        prisoner_given_names=BLANK,
        prisoner_patronymic="",
        prisoner_family_name=BLANK,
        prisoner_latin_name=BLANK,
        prisoner_gender=None,
        writer_name="",
        writer_city="",
        writer_gender=None,
        today=today or date.today(),
    )
    meaning: tuple[str, ...] = ()
    if template is not None and language != writers and template.translation.strip():
        meaning = tuple(fill(template.translation, context).splitlines())
    return Handout(
        language=language,
        language_name=language_name(language),
        summary_title=summary[0] if summary else "",
        summary=tuple(summary[1]) if summary else (),
        template_title=template.title if template is not None else "",
        template=tuple(fill(template.body, context).splitlines()) if template else (),
        meaning=meaning,
        phrases=_handout_phrases(language, writers),
    )


def _handout_phrases(language: str, writers: str) -> tuple[tuple[str, str], ...]:
    column = PHRASE_COLUMNS.get(language)
    if column is None:
        return ()
    # The meaning in the writers' language where the phrasebook has it, else in English; none
    # when the writers read the phrase's own language.
    meaning_column = PHRASE_COLUMNS.get(writers, "english")
    phrases: list[tuple[str, str]] = []
    for phrase in phrasebook():
        text = getattr(phrase, column).strip()
        if not text:
            continue
        meaning = "" if meaning_column == column else getattr(phrase, meaning_column).strip()
        phrases.append((text, meaning))
        if len(phrases) == PHRASES_ON_HANDOUT:
            break
    return tuple(phrases)


def evening_pack_for(
    prisoners: Sequence[Prisoner],
    envelopes_per_prisoner: int,
    envelope_size: str,
    posted_from: str | None,
    label_sheet: str,
    start_at: int,
    return_lines: tuple[str, ...],
    return_country: str | None = None,
    *,
    label_outlines: bool = False,
) -> EveningPack:
    """Everything for a letter-writing evening: a card per prisoner, ``envelopes_per_prisoner``
    envelopes each (kept together, so one writer takes one prisoner's pile) and one address label
    per prisoner, starting at label ``start_at`` of a part-used sheet (``label_outlines``: with
    each label's outline, for a test print), and a handout for the writers per language the
    letters are written in. ``return_country``: as for ``envelope_for``.

    Cards and handouts print on the paper the labels need (A4 for L7160, US Letter for 5160): a
    group has one kind of paper in its printer. Raises ``NoAddressError`` if anyone's facility is
    unknown, ``DoesNotFitError`` listing everyone whose envelope, label or card would print below
    its floor.
    """
    require_addresses(prisoners)
    envelope_size = check_envelope_size(envelope_size)
    label_sheet = check_label_sheet(label_sheet)
    check_start_at(label_sheet, start_at)
    count = max(0, min(envelopes_per_prisoner, MAX_ENVELOPES_PER_PRISONER))
    envelopes: list[Envelope] = []
    labels: list[tuple[str, ...]] = []
    cards: list[PrisonerCard] = []
    card_sheet = SHEETS[LABEL_SHEETS[label_sheet].sheet]
    envelope_fmt = ENVELOPES[envelope_size]
    problems: list[str] = []
    for prisoner in prisoners:
        envelope = envelope_for(prisoner, posted_from, return_lines, return_country)
        envelopes.extend([envelope] * count)
        labels.append(label_block_for(prisoner, posted_from))
        cards.append(card_for(prisoner, posted_from))
        # Every part is checked for every prisoner, so one refusal lists all there is to fix.
        if count:
            try:
                check_envelope(envelope, envelope_fmt)
            except DoesNotFit as exc:
                problems.append(envelope_does_not_fit(prisoner, envelope_size, exc))
        try:
            fit_label(labels[-1], label_sheet)
        except DoesNotFit:
            problems.append(label_does_not_fit(prisoner, label_sheet))
        try:
            check_card(cards[-1], card_sheet)
        except DoesNotFit as exc:
            problems.append(card_does_not_fit(prisoner, exc))
    if problems:
        raise DoesNotFitError(problems)
    return EveningPack(
        cards=tuple(cards),
        envelopes=tuple(envelopes),
        envelope_size=envelope_size,
        labels=tuple(labels),
        label_sheet=label_sheet,
        start_at_label=start_at,
        card_sheet=LABEL_SHEETS[label_sheet].sheet,
        handouts=tuple(handout_for(code) for code in handout_languages(prisoners)),
        label_outlines=label_outlines,
    )


# --- a campaign's poster and flyer ------------------------------------------------------------


def poster_language(campaign: Campaign) -> str:
    """The language the poster is printed in: the campaign's ``poster_language``, else its
    first call's, else the site's default (also for a code Babel does not know: the poster
    still prints)."""
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    code = campaign.poster_language or (campaign.calls[0].language if campaign.calls else "")
    try:
        Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return default
    return code


def poster_people(campaign: Campaign) -> list[Prisoner]:
    """Who a poster features: the people the call page shows (``calls.featured_people``: listed
    only, so an unlisted person's address never goes on a wall) whose facility is known."""
    return [p for p in featured_people(campaign) if p.facility is not None]


def poster_for(campaign: Campaign, link: str | None) -> Poster:
    """What ``campaign``'s poster prints, in the current locale (call it inside
    ``force_locale(poster_language(campaign))``): the call's title and first paragraphs, the
    dates, the featured people's envelope addresses as posted from the group's home country,
    the donation reference, and ``link`` (the call page) for the QR code."""
    # The call page's own choice, asked for the poster's language.
    call = choose_call(campaign, None, wanted=poster_language(campaign))
    posted_from = group_settings().home_country.upper() or None
    people = []
    for prisoner in poster_people(campaign):
        block = address_block(prisoner, posted_from)
        if block is not None:
            people.append(PosterPerson(display_name(prisoner), block.lines))
    return Poster(
        title=(call.title if call is not None and call.title.strip() else campaign.name),
        # The locale's date range has thin spaces (U+2009), which PT Sans has no glyph for.
        dates=" ".join((campaign_dates(campaign) or "").split()),
        call=tuple(markdown_paragraphs(call.body)) if call is not None else (),
        people=tuple(people),
        payment_reference=campaign.payment_reference.strip(),
        link=link,
    )
