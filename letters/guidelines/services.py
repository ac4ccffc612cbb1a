"""Guideline sections: which language a visitor reads, which sections they see, and saving edits.

The sections are data (Markdown in ``guideline_sections``), one row per slug and language; the
same slug ties a section to its translation. A section missing in the visitor's language is
shown in English rather than left out: a writer should never miss "what never to write" because
nobody has translated an edit yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..models import GuidelineSection
from .markdown import markdown_paragraphs, render_markdown

#: The languages guidelines are written in, and the one every other falls back to.
LANGUAGES = ("en", "ru")
FALLBACK_LANGUAGE = "en"
#: Each language's name in itself, for the "read in …" link: someone who reads only Russian
#: must recognise the link to the Russian page on the English one.
LANGUAGE_ENDONYMS = {"en": "English", "ru": "Русский"}

BEFORE_YOU_WRITE = "before-you-write"
#: The slug becomes the section's HTML id and its URL anchor (``/guidelines#country-ru``).
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_POSITION = 10_000


@dataclass(frozen=True)
class RenderedSection:
    """A section as the public page shows it; ``language`` may be the fallback's."""

    slug: str
    language: str
    title: str
    html: Markup
    country_code: str

    @property
    def is_country(self) -> bool:
        return bool(self.country_code)


def page_language(requested: str | None, locale: str | None) -> str:
    """``?lang=`` if it names a guidelines language, else the visitor's locale, else English."""
    for candidate in (requested, locale):
        if candidate:
            code = candidate.split("_")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
    return FALLBACK_LANGUAGE


def other_languages(language: str) -> list[str]:
    return [code for code in LANGUAGES if code != language]


def _in_language(language: str) -> dict[str, GuidelineSection]:
    """Every slug once: in ``language`` where it exists, else in the fallback language."""
    wanted = {language, FALLBACK_LANGUAGE}
    rows = db.session.scalars(
        select(GuidelineSection).where(GuidelineSection.language.in_(wanted))
    ).all()
    chosen: dict[str, GuidelineSection] = {}
    for row in rows:
        if row.slug not in chosen or row.language == language:
            chosen[row.slug] = row
    return chosen


def sections_for(language: str) -> list[RenderedSection]:
    """The public page's sections in reading order, rendered and sanitised."""
    rows = sorted(_in_language(language).values(), key=lambda row: (row.position, row.slug))
    return [
        RenderedSection(
            slug=row.slug,
            language=row.language,
            title=row.title,
            html=render_markdown(row.body),
            country_code=row.country_code,
        )
        for row in rows
    ]


def before_you_write(language: str) -> Markup | None:
    """The short "before you write" summary, rendered, for the writing page.

    In ``language`` if it has been written in it, else in English; ``None`` when the section
    does not exist at all (a coordinator removed it), so the page can leave the box out.
    """
    row = _in_language(language).get(BEFORE_YOU_WRITE)
    return render_markdown(row.body) if row is not None else None


def before_you_write_for_print(language: str) -> tuple[str, list[str]] | None:
    """The "before you write" summary as (title, plain paragraphs) for a printed handout; in
    ``language`` if written in it, else in English; ``None`` when the section does not exist."""
    row = _in_language(language).get(BEFORE_YOU_WRITE)
    return (row.title, markdown_paragraphs(row.body)) if row is not None else None


def sections_by_language() -> dict[str, list[GuidelineSection]]:
    """Every section for the coordinators' list, grouped by language in reading order."""
    rows = db.session.scalars(
        select(GuidelineSection).order_by(GuidelineSection.position, GuidelineSection.slug)
    ).all()
    grouped: dict[str, list[GuidelineSection]] = {code: [] for code in LANGUAGES}
    for row in rows:
        grouped.setdefault(row.language, []).append(row)
    return grouped


def missing_translations() -> dict[str, list[str]]:
    """Slugs that exist in some language but not in this one (shown in English there)."""
    grouped = sections_by_language()
    every_slug = {row.slug for rows in grouped.values() for row in rows}
    return {
        language: sorted(every_slug - {row.slug for row in rows})
        for language, rows in grouped.items()
    }


def slug_taken(slug: str, language: str) -> bool:
    return (
        db.session.scalar(
            select(GuidelineSection.id).where(
                GuidelineSection.slug == slug, GuidelineSection.language == language
            )
        )
        is not None
    )
