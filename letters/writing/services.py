"""Writing a letter: counting letters sent, filling a template, and the layout metrics the
browser needs to count pages exactly as the printer will.

Letter text never reaches this module except to be printed: nothing here stores or logs it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.pdfbase import pdfmetrics
from sqlalchemy import or_, select

from ..drafting import services as drafting
from ..drafting.placeholders import LetterContext, fill
from ..extensions import db
from ..models import Campaign, LetterTemplate, Occasion, Phrase, Prisoner, campaign_prisoners
from ..printing import sheets
from ..printing.fonts import REGULAR, register_fonts
from ..printing.formats import SHEETS

# A long letter is four or five pages; 20,000 characters is about eight. More is a mistake (a
# pasted book) or an attempt to make the server render a ream.
MAX_LETTER_CHARS = 20_000

# Languages written in Cyrillic. A prisoner who reads only these gets a warning when the letter
# is in Latin letters; one who reads none of them, when it is in Cyrillic. (Serbian is written
# in both scripts, so it is in neither list.)
CYRILLIC_LANGUAGES = ("ru", "be", "uk", "bg", "mk", "kk", "ky", "tg", "mn")


# --- counting letters sent --------------------------------------------------------------------


def current_campaigns(today: date | None = None) -> list[Campaign]:
    """Campaigns running today, by start date; an open start or end counts as running.

    For coordinators only: an unpublished evening must not be shown to visitors (see
    ``public_campaigns``)."""
    today = today or date.today()
    query = (
        select(Campaign)
        .where(or_(Campaign.starts_on.is_(None), Campaign.starts_on <= today))
        .where(or_(Campaign.ends_on.is_(None), Campaign.ends_on >= today))
        .order_by(Campaign.starts_on, Campaign.name, Campaign.id)
    )
    return list(db.session.scalars(query))


def public_campaigns(today: date | None = None) -> list[Campaign]:
    """Campaigns a visitor may count a letter to: published, with both dates set and today
    between them.

    An unpublished campaign's name, offered (and preselected on its people's pages) to anyone,
    would announce an evening and list who it writes to; one without dates would run forever
    in public. So neither is offered to visitors, whatever it says for coordinators.
    """
    today = today or date.today()
    query = (
        select(Campaign)
        .where(
            Campaign.report_published.is_(True),
            Campaign.starts_on.is_not(None),
            Campaign.ends_on.is_not(None),
            Campaign.starts_on <= today,
            Campaign.ends_on >= today,
        )
        .order_by(Campaign.starts_on, Campaign.name, Campaign.id)
    )
    return list(db.session.scalars(query))


def campaigns_offered(coordinator: bool, today: date | None = None) -> list[Campaign]:
    """What "Part of a campaign?" offers: every running campaign to a logged-in coordinator,
    only published ones running by their dates to anyone else."""
    return current_campaigns(today) if coordinator else public_campaigns(today)


def campaign_for(prisoner: Prisoner, campaigns: list[Campaign]) -> int | None:
    """The id of the one campaign among ``campaigns`` that chose ``prisoner``, or None when
    none or several did (then the writer chooses)."""
    if not campaigns:
        return None
    # One query on the association table: loading each campaign's people would cost a query
    # per running campaign on every profile and writing page.
    choosing = db.session.scalars(
        select(campaign_prisoners.c.campaign_id).where(
            campaign_prisoners.c.prisoner_id == prisoner.id,
            campaign_prisoners.c.campaign_id.in_([c.id for c in campaigns]),
        )
    ).all()
    return choosing[0] if len(choosing) == 1 else None


def campaigns_for_entry(today: date | None = None) -> list[Campaign]:
    """Campaigns a coordinator may count letters to: running ones first, then the rest newest
    first (a reply-to-everyone week may be recorded after it ended)."""
    running = current_campaigns(today)
    running_ids = {c.id for c in running}
    rest = db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id))
    return running + [c for c in rest if c.id not in running_ids]


# --- templates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilledTemplate:
    """A template filled for one prisoner and one writer: the text to edit and print, and its
    English meaning to show beside it (never printed)."""

    template_id: int
    language: str
    title: str
    text: str
    translation: str

    def as_json(self) -> dict[str, Any]:
        return {
            "template_id": self.template_id,
            "language": self.language,
            "title": self.title,
            "text": self.text,
            "translation": self.translation,
        }


def fill_template(
    template: LetterTemplate,
    prisoner: Prisoner,
    writer_name: str = "",
    writer_city: str = "",
    writer_gender: str | None = None,
) -> FilledTemplate:
    """``template`` filled for ``prisoner`` and the writer; the one implementation behind both
    the form (no JavaScript) and the JSON endpoint. The writer's details are used and dropped."""
    context = LetterContext.for_prisoner(
        prisoner,
        writer_name=writer_name,
        writer_city=writer_city,
        writer_gender=writer_gender or None,
    )
    return FilledTemplate(
        template_id=template.id,
        language=template.language,
        title=template.title,
        text=fill(template.body, context),
        # The meaning carries the same placeholders, so the writer sees their own name in it.
        translation=fill(template.translation, context) if template.translation else "",
    )


@dataclass(frozen=True)
class WritingAids:
    """What the writing page offers for one prisoner, from the coordinators' lists."""

    templates: list[LetterTemplate]  # the languages the prisoner reads first
    phrases: list[Phrase]
    avoid_rules: list[dict[str, Any]]  # {"words": [...], "reason": "..."}
    # Offered when the draft is not in a script the prisoner reads; None for a reader who does
    # not read Russian (a Russian letter is no help to them).
    bilingual_template: LetterTemplate | None
    # Templates in languages the prisoner reads (shown first) and the rest (behind "show other
    # languages"). When nothing is known of their languages, or none of the templates is in
    # one they read, every template is in ``own`` rather than leave the picker empty.
    own_templates: list[LetterTemplate] = field(default_factory=list)
    other_templates: list[LetterTemplate] = field(default_factory=list)
    # The Russian phrasebook is open for readers of Russian (or of nobody knows what), and
    # folded away behind "show other languages" for everyone else.
    phrasebook_first: bool = True


def templates_for_prisoner(prisoner: Prisoner) -> list[LetterTemplate]:
    """Every template, those in the languages the prisoner reads first (Russian first when
    nobody recorded what they read: the safe choice for prisons in Russia and Belarus)."""
    return languages_first(drafting.templates_for(), prisoner.language_codes or ["ru"])


def reads_russian(prisoner: Prisoner) -> bool:
    """Whether Russian aids suit this reader: they read it, or nobody recorded what they read
    (Russian is then the safe choice for prisons in Russia and Belarus)."""
    reads = prisoner.language_codes
    return not reads or "ru" in reads


def split_by_reader(
    templates: list[LetterTemplate], reads: list[str]
) -> tuple[list[LetterTemplate], list[LetterTemplate]]:
    """(templates in a language the reader reads, the rest), each in the order given. When none
    is in their languages (or none are known), all are the reader's: an empty first list would
    hide every template behind a disclosure."""
    own = [t for t in templates if t.language in reads]
    if not own:
        return templates, []
    return own, [t for t in templates if t.language not in reads]


def writing_aids(prisoner: Prisoner) -> WritingAids:
    templates = templates_for_prisoner(prisoner)
    own, other = split_by_reader(templates, prisoner.language_codes)
    russian = reads_russian(prisoner)
    return WritingAids(
        templates=templates,
        phrases=drafting.phrasebook(),
        avoid_rules=drafting.avoid_rules(),
        bilingual_template=drafting.bilingual_template() if russian else None,
        own_templates=own,
        other_templates=other,
        phrasebook_first=russian,
    )


def template_for_occasion(templates: list[LetterTemplate], occasion: str) -> int | None:
    """The id of the first of ``templates`` (already in the reader's order) for ``occasion``
    (``?occasion=birthday`` from a birthday link), or None for an unknown occasion."""
    for template in templates:
        if str(template.occasion) == occasion:
            return template.id
    return None


def languages_first(templates: list[LetterTemplate], reads: list[str]) -> list[LetterTemplate]:
    """Templates in the languages the prisoner reads first (in the order they are listed), then
    the rest; within a language by occasion, then as the coordinators ordered them."""
    occasions = list(Occasion)

    def key(template: LetterTemplate) -> tuple[int, str, int, int, int]:
        language = template.language
        rank = reads.index(language) if language in reads else len(reads)
        occasion = occasions.index(template.occasion) if template.occasion in occasions else 99
        return rank, language, occasion, template.position, template.id

    return sorted(templates, key=key)


def why_suggested(name: str, last_letter: date | None, today: date | None = None) -> str:
    """ "Anna Petrova has had no letter for 94 days", or "… has never had a letter from this
    group": the reason /write-next chose them, in the visitor's language."""
    if last_letter is None:
        return _("%(name)s has never had a letter from this group.", name=name)
    days = max(((today or date.today()) - last_letter).days, 0)
    return ngettext(
        "%(name)s has had no letter for %(num)d day.",
        "%(name)s has had no letter for %(num)d days.",
        days,
        name=name,
    )


# --- what the browser needs to count pages ----------------------------------------------------


@cache
def layout_metrics() -> dict[str, Any]:
    """Everything ``static/write.js`` needs to wrap and paginate a letter exactly as
    ``letters.printing.sheets.paginate`` does, without the draft ever leaving the browser.

    Widths are PT Sans advance widths in 1/1000 em, for every character the font has (Latin,
    accented Latin, Cyrillic, punctuation and the rest of its repertoire); anything else is
    measured with the font's default width, as ReportLab does. ``whitespace`` and
    ``line_breaks`` are the code points Python's ``str.split()`` and ``str.splitlines()`` break
    on, so the browser splits words and lines the same way.
    """
    register_fonts()
    face = pdfmetrics.getFont(REGULAR).face
    sizes = {}
    for code, fmt in SHEETS.items():
        # The text area as the renderer computes it: one source of truth for both counts.
        text_width, lines_per_page = sheets.text_area(fmt)
        sizes[code] = {"text_width": text_width, "lines_per_page": lines_per_page}
    return {
        "font": REGULAR,
        "font_size": sheets.TEXT_SIZE,
        "leading": sheets.TEXT_LEADING,
        "units_per_em": 1000,
        "default_width": face.defaultWidth,
        "widths": {str(cp): width for cp, width in sorted(face.charWidths.items())},
        "sizes": sizes,
        # The blank reply sheet is one more page, added only where the facility is known to
        # allow paper (``printing.services.letter_sheet_for``); the page says whether it is.
        "reply_sheet_pages": 1,
        "max_chars": MAX_LETTER_CHARS,
        "whitespace": [cp for cp in range(sys.maxunicode + 1) if chr(cp).isspace()],
        "line_breaks": [
            cp for cp in range(sys.maxunicode + 1) if len(f"a{chr(cp)}b".splitlines()) == 2
        ],
    }
