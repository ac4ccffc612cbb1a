"""Writing aids kept by coordinators: letter templates, the phrasebook and the words to avoid.

The coordinators' pages and the writing page both read through these functions. Every save
checks its values here, with the same checks the forms run, so nothing reaches the database
that the forms would refuse (a template with an unknown placeholder above all: it would print
as ``{prisoner_nmae}`` in a letter to a prison).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import AvoidTerm, LetterTemplate, Occasion, Phrase
from ..validation import FieldError, check_length, iso_639_1_codes
from .placeholders import LetterContext, fill, is_latin_script, unknown_placeholders

OCCASION_LABELS = {
    Occasion.FIRST_LETTER: _l("First letter"),
    Occasion.BIRTHDAY: _l("Birthday"),
    Occasion.HOLIDAY: _l("Holiday card"),
    Occasion.AFTER_VERDICT: _l("After a verdict"),
    Occasion.ON_RELEASE: _l("On release"),
    Occasion.OTHER: _l("Other"),
}
_OCCASION_ORDER = {occasion: index for index, occasion in enumerate(Occasion)}

# Longest accepted value per field. A template fits on a page or two; a phrase is inserted
# with one click, so it is a sentence, not a paragraph. Words to avoid share one column.


class InvalidData(ValueError):
    """Values a save refused: one or more messages per field name. Nothing was stored."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


# --- checks shared by the forms and the saves -------------------------------------------------


def check_placeholders(text: str) -> str:
    """Refuse a template text with a placeholder the registry does not know, naming it."""
    unknown = unknown_placeholders(text)
    if unknown:
        # Stray braces come back with their brace ("{prisoner_first_name", "}"); names without.
        shown = ", ".join(n if n.startswith(("{", "}")) else "{" + n + "}" for n in unknown)
        raise FieldError(
            _l(
                "Unknown placeholder(s): %(names)s. Use the placeholders in the table below, "
                "gendered forms as {writer:рад|рада}, and {{ or }} for a brace of your own.",
                names=shown,
            )
        )
    return text


def parse_language(text: str) -> str:
    """``" RU "`` → ``"ru"``; raises ``FieldError`` for anything but an ISO 639-1 code."""
    code = text.strip().lower()
    if code not in iso_639_1_codes():
        raise FieldError(
            _l(
                "“%(code)s” is not a two-letter language code (ISO 639-1) such as ru, en, de.",
                code=text.strip(),
            )
        )
    return code


def parse_occasion(text: str) -> Occasion:
    try:
        return Occasion(text)
    except ValueError:
        raise FieldError(_l("Choose an occasion from the list.")) from None


def parse_words(text: str) -> list[str]:
    """``"война; Войны ;war"`` → ``["война", "Войны", "war"]``: forms to look for, each once."""
    if "," in text and ";" not in text:
        # A comma list would silently become one long "word" that never matches.
        raise FieldError(_l("Separate the words with “;”, not with commas."))
    words = [w.strip() for w in text.split(";")]
    return list(dict.fromkeys(w for w in words if w))


def _required(value: str, label: Any) -> str:
    if not value.strip():
        raise FieldError(_l("%(field)s is required.", field=label))
    return value


class _Checker:
    """Runs checks field by field and gathers every message, so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def run(self, field: str, check: Any, *args: Any) -> Any:
        try:
            return check(*args)
        except FieldError as exc:
            self.errors.setdefault(field, []).append(str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidData(self.errors)


# --- letter templates -------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateData:
    """What a coordinator sets on a template."""

    occasion: str
    language: str
    title: str
    body: str
    translation: str = ""
    position: int = 0


def templates_for(language: str | None = None) -> list[LetterTemplate]:
    """Templates in ``language`` (all when None), by occasion as the enum lists them (first
    letter first), then position, then language."""
    query = select(LetterTemplate)
    if language:
        query = query.where(LetterTemplate.language == language.strip().lower())
    rows = db.session.scalars(query).all()
    return sorted(
        rows,
        key=lambda t: (
            _OCCASION_ORDER.get(t.occasion, len(_OCCASION_ORDER)),
            t.position,
            t.language,
            t.id,
        ),
    )


def bilingual_template() -> LetterTemplate | None:
    """The Russian first letter with its English meaning: what the writing page offers when a
    draft is not in a language the prisoner reads."""
    for template in templates_for("ru"):
        if template.occasion == Occasion.FIRST_LETTER and template.translation.strip():
            return template
    return None


def save_template(template: LetterTemplate | None, data: TemplateData) -> LetterTemplate:
    """Create (``template`` None) or update a template after checking every field.

    Raises ``InvalidData`` and leaves the template and the session untouched when a value is
    refused, e.g. an unknown placeholder in the text or its translation. The caller commits.
    """
    check = _Checker()
    occasion = check.run("occasion", parse_occasion, data.occasion)
    language = check.run("language", parse_language, data.language)
    check.run("title", _required, data.title, _l("Title"))
    check.run("title", check_length, data.title, LetterTemplate.title)
    check.run("body", _required, data.body, _l("Text"))
    check.run("body", check_length, data.body, LetterTemplate.body)
    check.run("body", check_placeholders, data.body)
    check.run("translation", check_length, data.translation, LetterTemplate.translation)
    check.run("translation", check_placeholders, data.translation)
    check.raise_if_any()

    if template is None:
        template = LetterTemplate()
        db.session.add(template)
    template.occasion = occasion
    template.language = language
    template.title = data.title.strip()
    template.body = data.body
    template.translation = data.translation
    template.position = data.position
    db.session.flush()
    return template


def delete_template(template: LetterTemplate) -> None:
    db.session.delete(template)
    db.session.flush()


def example_context(today: date | None = None, latin_script: bool = False) -> LetterContext:
    """The example a coordinator previews templates with: a letter from Anna in Berlin to
    Дмитрий Дмитриевич Пчелинцев (docs/addressing.md#russia). A writer of a Russian letter signs
    in Cyrillic, so a Cyrillic template shows her name and town in Cyrillic."""
    return LetterContext(
        prisoner_given_names="Дмитрий",
        prisoner_patronymic="Дмитриевич",
        prisoner_family_name="Пчелинцев",
        prisoner_latin_name="Dmitry Pchelintsev",
        prisoner_gender="male",
        writer_name="Anna" if latin_script else "Анна",
        writer_city="Berlin" if latin_script else "Берлин",
        writer_gender="female",
        today=today or date.today(),
    )


def preview(body: str, today: date | None = None) -> str:
    """``body`` filled for the example prisoner and writer."""
    return fill(body, example_context(today, latin_script=is_latin_script(body)))


# --- phrasebook -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhraseData:
    russian: str
    english: str
    german: str = ""
    position: int = 0


def phrasebook() -> list[Phrase]:
    """Every phrase, in the coordinators' order."""
    return list(db.session.scalars(select(Phrase).order_by(Phrase.position, Phrase.id)))


def save_phrase(phrase: Phrase | None, data: PhraseData) -> Phrase:
    """Create or update a phrase. The Russian and its English meaning are required, so a
    writer always knows what they insert; German is welcome. Raises ``InvalidData``."""
    check = _Checker()
    check.run("russian", _required, data.russian, _l("Russian"))
    check.run("russian", check_length, data.russian, Phrase.russian)
    check.run("english", _required, data.english, _l("English"))
    check.run("english", check_length, data.english, Phrase.english)
    check.run("german", check_length, data.german, Phrase.german)
    check.raise_if_any()

    if phrase is None:
        phrase = Phrase()
        db.session.add(phrase)
    phrase.russian = data.russian.strip()
    phrase.english = data.english.strip()
    phrase.german = data.german.strip()
    phrase.position = data.position
    db.session.flush()
    return phrase


def delete_phrase(phrase: Phrase) -> None:
    db.session.delete(phrase)
    db.session.flush()


# --- words and topics to avoid ----------------------------------------------------------------


@dataclass(frozen=True)
class AvoidTermData:
    words: str
    reason: str
    position: int = 0


def avoid_terms() -> list[AvoidTerm]:
    """Every entry, in the coordinators' order."""
    return list(db.session.scalars(select(AvoidTerm).order_by(AvoidTerm.position, AvoidTerm.id)))


def match_forms(words: str) -> list[str]:
    """The forms a draft is checked for: lowercased, and each «ё» also as «е», because most
    people type Russian without «ё» (``"счёт"`` → ``["счёт", "счет"]``)."""
    forms: list[str] = []
    for word in parse_words(words.replace(",", ";")):
        lowered = " ".join(word.lower().split())
        forms.append(lowered)
        if "ё" in lowered:
            forms.append(lowered.replace("ё", "е"))
    return list(dict.fromkeys(forms))


def avoid_rules() -> list[dict[str, Any]]:
    """The avoid list for the browser's live check, ready for JSON.

    ``[{"words": ["война", "войны", …], "reason": "…"}, …]``. Words are whole words or phrases,
    lowercased, to be matched case-insensitively at word boundaries (``find_avoided`` is the
    same rule on the server). An entry with no words is a topic: show its reason, match nothing.
    """
    return [{"words": match_forms(term.words), "reason": term.reason} for term in avoid_terms()]


def find_avoided(text: str) -> list[dict[str, Any]]:
    """The avoid rules that ``text`` trips, each with the forms found: the same check the
    writing page runs in the browser, for pages without JavaScript and for tests."""
    folded = text.lower().replace("ё", "е")
    found: list[dict[str, Any]] = []
    for rule in avoid_rules():
        hits = [
            word for word in rule["words"] if _word_pattern(word.replace("ё", "е")).search(folded)
        ]
        if hits:
            found.append({"words": list(dict.fromkeys(hits)), "reason": rule["reason"]})
    return found


def _word_pattern(word: str) -> re.Pattern[str]:
    # Not inside a longer word on either side (\w is Unicode-aware, so Cyrillic counts); the
    # spaces of a phrase match any run of whitespace, a line break included.
    body = r"\s+".join(re.escape(part) for part in word.split())
    return re.compile(rf"(?<!\w){body}(?!\w)")


def save_avoid_term(term: AvoidTerm | None, data: AvoidTermData) -> AvoidTerm:
    """Create or update an entry. Words may be empty (a topic with its reason only); the reason
    is required, because a warning without one teaches nothing. Raises ``InvalidData``."""
    check = _Checker()
    check.run("words", check_length, data.words, AvoidTerm.words)
    words = check.run("words", parse_words, data.words)
    check.run("reason", _required, data.reason, _l("Reason"))
    check.run("reason", check_length, data.reason, AvoidTerm.reason)
    check.raise_if_any()

    if term is None:
        term = AvoidTerm()
        db.session.add(term)
    term.words = "; ".join(words or [])
    term.reason = data.reason.strip()
    term.position = data.position
    db.session.flush()
    return term


def delete_avoid_term(term: AvoidTerm) -> None:
    db.session.delete(term)
    db.session.flush()
