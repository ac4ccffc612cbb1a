"""What ``static/write.js`` is told about one prisoner's page: the languages they read, the
avoid list, and every message it may show, already translated (the script builds no sentence
of its own, so the page reads the same in every language the site speaks)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ..display import display_name, language_name
from ..models import Prisoner
from . import checks, services

# Languages the browser's check can recognise in a draft, beyond those the prisoner reads.
GUESSED_LANGUAGES = ("en", "de", "fr", "es", "it", "pl", "pt", "ru", "uk", "be")
# "It prints on N pages" is translated for every N a letter can reach (plural rules differ:
# Russian has three forms), so the script never builds a plural itself.
MAX_PAGES_SAID = 40


def script_config(
    prisoner: Prisoner, aids: services.WritingAids, allows_paper: bool
) -> dict[str, Any]:
    """What static/write.js is told, every message already translated."""
    reads = prisoner.language_codes
    codes = dict.fromkeys([*reads, *GUESSED_LANGUAGES])
    name = display_name(prisoner)
    languages = ", ".join(language_name(code) for code in reads)
    bilingual = aids.bilingual_template
    return {
        "prisoner_id": prisoner.id,
        "fill_url": url_for("writing.fill_template", prisoner_id=prisoner.id),
        "reads": reads,
        "cyrillic_languages": list(services.CYRILLIC_LANGUAGES),
        "language_names": {code: language_name(code) for code in codes},
        "avoid_rules": aids.avoid_rules,
        "allows_paper": allows_paper,
        "max_chars": services.MAX_LETTER_CHARS,
        "bilingual_template_id": bilingual.id if bilingual is not None else None,
        "checks": checks.rules(reads, services.CYRILLIC_LANGUAGES),
        "check_messages": checks.messages(name, languages),
        "messages": {
            "latin_to_cyrillic_reader": _(
                "This letter is mostly in Latin letters, but %(name)s reads only %(languages)s. "
                "Letters to Russia that are not in Russian are held for translation or simply "
                "not delivered.",
                name=name,
                languages=languages,
            ),
            "latin_part_to_cyrillic_reader": _(
                "Part of this letter is in Latin letters, but %(name)s reads only "
                "%(languages)s. Letters to Russia that are not wholly in Russian are held for "
                "translation or simply not delivered.",
                name=name,
                languages=languages,
            ),
            "cyrillic_to_latin_reader": _(
                "This letter is mostly in Cyrillic letters, but %(name)s reads %(languages)s, "
                "none of them written in Cyrillic. They may not be able to read it.",
                name=name,
                languages=languages,
            ),
            # The script fills in %(language)s with a name from language_names.
            "other_language": _(
                "This letter looks like %(language)s, but %(name)s reads %(languages)s.",
                language="%(language)s",
                name=name,
                languages=languages,
            ),
            "script_ok": _("The letter is in a script %(name)s reads.", name=name),
            "languages_unknown": _(
                "Nobody has recorded which languages %(name)s reads. If in doubt, write in "
                "Russian: use a template and the phrasebook.",
                name=name,
            ),
            "avoid_found": _("Words and topics to avoid, found in your letter:"),
            "avoid_none": _("Nothing from the list of words and topics to avoid."),
            "avoid_topics": _("Also keep these out of any letter:"),
            "pages": {
                str(n): ngettext(
                    "It will print on %(num)s page.", "It will print on %(num)s pages.", n
                )
                for n in range(1, MAX_PAGES_SAID + 1)
            },
            "pages_many": _("It will print on %(num)s pages.", num="%(num)s"),
            "reply_sheet": _("A blank sheet for the reply is added after it."),
            "empty": _("Nothing written yet."),
            "empty_letter": _("The letter is empty: write something first, then print."),
            "too_long": _(
                "The letter is %(length)s characters long; at most %(limit)s can be printed at "
                "once. Shorten it, or split it into two letters.",
                length="%(length)s",
                limit=format_decimal(services.MAX_LETTER_CHARS),
            ),
            "replace_draft": _("Replace what you have written with this template?"),
            "clear_draft": _("Delete this draft from this browser? It cannot be undone."),
            "fill_failed": _("The template could not be filled. Reload the page and try again."),
            "draft_saved": _("Draft kept in this browser only."),
            "metrics_failed": _("The number of pages cannot be counted right now."),
        },
    }
