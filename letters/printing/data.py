"""What the renderers print: plain data, built from the registry by ``services`` and from
anything else by tests and benchmarks. No ORM rows reach a renderer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Envelope:
    """One envelope: the recipient block as the addressing functions produced it."""

    recipient_lines: tuple[str, ...]
    destination_country: str  # ISO code of where it goes
    posted_from: str | None  # ISO code of where it is posted; None: from abroad
    return_lines: tuple[str, ...] = ()  # empty: no return address
    postal_code: str = ""  # the destination index, for the Russian stencil
    # The block with the facility's short name, tried when the full block does not fit at the
    # smallest readable size; empty: the facility has none.
    short_recipient_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterSheet:
    """The pages of one letter (or ruled pages for handwriting when ``text`` is None)."""

    header_name: str  # printed on every page: the censor separates pages
    prisoner_number: str = ""
    text: str | None = None
    ruled_pages: int = 1  # when ``text`` is None
    fold_for: str | None = None  # envelope format code whose fold marks to draw
    reply_sheet: bool = False  # add a blank sheet for the reply (facility allows paper)
    # Language of the words printed around the letter ("page 1 of 2", the reply note): the
    # reader's (``services.caption_language``). None, or a language ``sheets.CAPTIONS`` has no
    # words for: English.
    language: str | None = None


@dataclass(frozen=True)
class PrisonerCard:
    """A large-print card for a letter-writing evening."""

    name: str
    address_lines: tuple[str, ...]
    bio: str = ""
    languages: tuple[str, ...] = ()  # names, in the reader's language
    allowances: tuple[tuple[str, str], ...] = ()  # (what, "allowed" / "not allowed" / …)
    restrictions: str = ""


@dataclass(frozen=True)
class Handout:
    """One page for the writers at an evening, for the prisoners who read ``language``.

    The words around the content are in the writers' (interface) language; the template and
    the phrases are in ``language``, each beside its meaning.
    """

    language: str  # ISO 639-1 code of the language the letters are written in
    language_name: str  # its name, in the writers' language
    summary_title: str = ""  # "Before you write", from the guidelines
    summary: tuple[str, ...] = ()  # its paragraphs and list items, as plain text
    template_title: str = ""
    template: tuple[str, ...] = ()  # the first-letter template's lines; empty: there is none
    meaning: tuple[str, ...] = ()  # the template's meaning, line by line; empty: not needed
    phrases: tuple[tuple[str, str], ...] = ()  # (phrase in ``language``, its meaning)


@dataclass(frozen=True)
class EveningPack:
    """Everything printed for an evening: handouts, cards, envelopes and labels."""

    cards: tuple[PrisonerCard, ...]
    envelopes: tuple[Envelope, ...]
    envelope_size: str = "DL"
    labels: tuple[tuple[str, ...], ...] = ()  # address blocks, one per label
    label_sheet: str = "L7160"
    start_at_label: int = 1
    card_sheet: str = "A4"  # the paper cards and handouts print on
    handouts: tuple[Handout, ...] = ()  # one per language the prisoners are written to in
    # Draw each label's outline, for a test print on plain paper held against a label sheet.
    label_outlines: bool = False
