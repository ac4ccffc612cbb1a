"""Placeholders in letter templates: one registry, one way to fill them, one way to check them.

Modelled on indico's ``indico/util/placeholders.py``: each placeholder has a name, a translated
description (shown to coordinators in a help table) and a ``render`` function. Plain functions on
a plain dataclass, so the writing page, the template editor and the tests share them without an
app or a database (only ``LetterContext.for_prisoner`` reads a model instance).

Template syntax
---------------
``{prisoner_first_name}``
    a placeholder from ``PLACEHOLDERS``.
``{writer:рад|рада}``, ``{prisoner:один|одна}``
    a Russian word that agrees with the writer's or the prisoner's gender: masculine form, then
    feminine form. When the gender is unknown both are printed: ``рад(а)`` when the feminine is
    the masculine plus an ending (the way Russian forms and guides write it, e.g. «Буду рад(а)
    ответу»), otherwise ``один/одна`` (``один(на)`` would not be a Russian spelling).
``{{`` and ``}}``
    a literal ``{`` and ``}``.

Decisions
---------
* An empty ``{writer_name}`` or ``{writer_city}`` prints ``BLANK`` (a line of underscores):
  a letter signed with nothing reads as unfinished only if the writer notices, and a visible
  gap is noticed on screen and on paper, where it can still be filled in by hand.
* A stray single ``{`` or ``}`` is printed as it is by ``fill`` (a writer's own text must never
  fail to print) but reported by ``unknown_placeholders``, so a coordinator cannot save a
  template with a half-typed placeholder.
* A template is "Latin-script" when its own words (placeholders aside) hold more Latin than
  Cyrillic letters. There, the prisoner's names come from the Latin transliteration when the
  record has one, and ``{today}`` is ISO 8601 (unambiguous for English and German readers alike);
  in a Cyrillic template it is ``DD.MM.YYYY``, as Russians write dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from ..addressing import infer_gender

if TYPE_CHECKING:
    from ..models import Prisoner

# What an empty writer's field prints: long enough to sign on by hand, impossible to overlook.
BLANK = "________"

GENDER_ROLES = ("writer", "prisoner")


@dataclass(frozen=True)
class LetterContext:
    """Everything a template can say about the prisoner and the writer, as plain values.

    Genders are ``"male"``, ``"female"`` or ``None`` (unknown). ``latin_script`` is set by
    ``fill`` from the template itself; callers leave it alone.
    """

    prisoner_given_names: str
    prisoner_patronymic: str
    prisoner_family_name: str
    prisoner_latin_name: str
    prisoner_gender: str | None
    writer_name: str
    writer_city: str
    writer_gender: str | None
    today: date
    latin_script: bool = False

    @classmethod
    def for_prisoner(
        cls,
        prisoner: Prisoner,
        writer_name: str = "",
        writer_city: str = "",
        writer_gender: str | None = None,
        today: date | None = None,
    ) -> LetterContext:
        """The context for a letter to ``prisoner``; the gender comes from the record, else
        it is inferred from the patronymic or the names (``None`` when they do not tell)."""
        gender = (
            str(prisoner.gender)
            if prisoner.gender is not None
            else infer_gender(prisoner.given_names, prisoner.patronymic, prisoner.family_name)
        )
        return cls(
            prisoner_given_names=prisoner.given_names.strip(),
            prisoner_patronymic=(prisoner.patronymic or "").strip(),
            prisoner_family_name=prisoner.family_name.strip(),
            prisoner_latin_name=(prisoner.latin_name or "").strip(),
            prisoner_gender=gender,
            writer_name=writer_name.strip(),
            writer_city=writer_city.strip(),
            writer_gender=_gender_or_none(writer_gender),
            today=today or date.today(),
        )


@dataclass(frozen=True)
class Placeholder:
    """One ``{name}`` a template may use."""

    name: str
    description: Any  # a lazy translated string (flask_babel's LazyString)
    render: Callable[[LetterContext], str]

    @property
    def token(self) -> str:
        """How it is written in a template: ``{name}``."""
        return "{" + self.name + "}"


@dataclass(frozen=True)
class GenderedForm:
    """A ``{role:masculine|feminine}`` form, for the help table beside the placeholders."""

    role: str
    example: str
    description: Any

    @property
    def token(self) -> str:
        return "{" + f"{self.role}:{self.example}" + "}"


# --- rendering the placeholders ---------------------------------------------------------------


def _gender_or_none(value: str | None) -> str | None:
    text = str(value).strip().lower() if value is not None else ""
    return text if text in ("male", "female") else None


def _first_name(ctx: LetterContext) -> str:
    if ctx.latin_script and ctx.prisoner_latin_name:
        return ctx.prisoner_latin_name.split()[0]
    return ctx.prisoner_given_names


def _name_patronymic(ctx: LetterContext) -> str:
    # Many people (outside Russia, or by choice) have no patronymic: the given name alone is
    # still polite, and a blank would be rude.
    return " ".join(p for p in (ctx.prisoner_given_names, ctx.prisoner_patronymic) if p)


def _full_name(ctx: LetterContext) -> str:
    if ctx.latin_script and ctx.prisoner_latin_name:
        return ctx.prisoner_latin_name
    # Given name first, as a name reads in a sentence («Дмитрий Дмитриевич Пчелинцев»); the
    # family-name-first order belongs to forms and envelopes.
    parts = (ctx.prisoner_given_names, ctx.prisoner_patronymic, ctx.prisoner_family_name)
    return " ".join(p for p in parts if p)


def _today(ctx: LetterContext) -> str:
    return ctx.today.isoformat() if ctx.latin_script else ctx.today.strftime("%d.%m.%Y")


PLACEHOLDERS: list[Placeholder] = [
    Placeholder(
        "prisoner_first_name",
        _l(
            "The prisoner's first name, e.g. “Дмитрий”; in a template written in Latin letters, "
            "the first word of the Latin spelling of their name when the record has one."
        ),
        _first_name,
    ),
    Placeholder(
        "prisoner_name_patronymic",
        _l(
            "First name and patronymic, the polite Russian way to address someone, "
            "e.g. “Дмитрий Дмитриевич”; the first name alone when there is no patronymic."
        ),
        _name_patronymic,
    ),
    Placeholder(
        "prisoner_full_name",
        _l(
            "The prisoner's full name, e.g. “Дмитрий Дмитриевич Пчелинцев”; in a template "
            "written in Latin letters, the Latin spelling when the record has one."
        ),
        _full_name,
    ),
    Placeholder(
        "writer_name",
        _l(
            "The writer's name as they sign; a blank line “%(blank)s” when they gave none.",
            blank=BLANK,
        ),
        lambda ctx: ctx.writer_name or BLANK,
    ),
    Placeholder(
        "writer_city",
        _l(
            "The town the writer lives in; a blank line “%(blank)s” when they gave none.",
            blank=BLANK,
        ),
        lambda ctx: ctx.writer_city or BLANK,
    ),
    Placeholder(
        "today",
        _l(
            "Today's date: 31.12.2025 in a Cyrillic template, 2025-12-31 in a template written "
            "in Latin letters."
        ),
        _today,
    ),
]

_BY_NAME = {p.name: p for p in PLACEHOLDERS}

GENDERED_FORMS: list[GenderedForm] = [
    GenderedForm(
        "writer",
        "рад|рада",
        _l(
            "A word that agrees with the writer's gender: masculine form, “|”, feminine form. "
            "Unknown gender prints “рад(а)”."
        ),
    ),
    GenderedForm(
        "prisoner",
        "один|одна",
        _l(
            "A word that agrees with the prisoner's gender: masculine form, “|”, feminine form. "
            "Unknown gender prints “один/одна”."
        ),
    ),
]

# "{{", "}}", a "{…}" without braces inside, or a stray brace. Alternation order matters: the
# doubled braces must win over a placeholder that starts with the second "{".
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
_GENDERED = re.compile(r"^(?P<role>[a-z_]+):(?P<forms>.*)$", re.DOTALL)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


def names() -> list[str]:
    """The placeholder names, in the order of the help table."""
    return [p.name for p in PLACEHOLDERS]


def is_latin_script(body: str) -> bool:
    """Whether the template's own words (placeholders aside) are mostly in Latin letters."""
    words = _TOKEN.sub(" ", body)
    return len(_LATIN.findall(words)) > len(_CYRILLIC.findall(words))


def gendered_word(masculine: str, feminine: str, gender: str | None) -> str:
    """The form for ``gender``; both forms when it is unknown (``рад(а)``, ``один/одна``)."""
    if gender == "male":
        return masculine
    if gender == "female":
        return feminine
    if feminine.startswith(masculine) and len(feminine) > len(masculine):
        return f"{masculine}({feminine[len(masculine) :]})"
    return f"{masculine}/{feminine}"


def _parse_gendered(inner: str) -> tuple[str, str, str] | None:
    """``"writer:рад|рада"`` → ``("writer", "рад", "рада")``; None when it is not well formed."""
    match = _GENDERED.match(inner)
    if not match or match["role"] not in GENDER_ROLES:
        return None
    forms = match["forms"].split("|")
    if len(forms) != 2 or not all(f.strip() for f in forms) or any(f != f.strip() for f in forms):
        return None
    return match["role"], forms[0], forms[1]


def fill(body: str, context: LetterContext) -> str:
    """The template with every placeholder and gendered form replaced for ``context``.

    Never raises on a bad template: an unknown placeholder or a stray brace prints as written
    (the writer sees it and can edit it); ``unknown_placeholders`` is where they are refused.
    """
    context = replace(context, latin_script=is_latin_script(body))

    def substitute(match: re.Match[str]) -> str:
        matched = match.group(0)
        if matched in ("{{", "}}"):
            return matched[0]
        inner = match.group(1)
        if inner is None:  # a stray brace
            return matched
        if inner in _BY_NAME:
            return _BY_NAME[inner].render(context)
        gendered = _parse_gendered(inner)
        if gendered:
            role, masculine, feminine = gendered
            gender = context.writer_gender if role == "writer" else context.prisoner_gender
            return gendered_word(masculine, feminine, _gender_or_none(gender))
        return matched

    return _TOKEN.sub(substitute, body)


def unknown_placeholders(body: str) -> list[str]:
    """What in ``body`` is not a placeholder the registry knows, in order, each once.

    Names come back as written between the braces (``"prisoner_name"``, ``"writer:рад"`` for a
    gendered form without its feminine, ``"friend:рад|рада"`` for an unknown role); a stray
    brace comes back with the text that follows it (``"{prisoner_first_name"``) or as ``"}"``.
    """
    found: dict[str, None] = {}
    for match in _TOKEN.finditer(body):
        matched = match.group(0)
        if matched in ("{{", "}}"):
            continue
        inner = match.group(1)
        if inner is None:
            if matched == "{":
                following = re.match(r"[^\s{}]*", body[match.end() :])
                found["{" + (following.group(0) if following else "")] = None
            else:
                found["}"] = None
            continue
        if inner in _BY_NAME or _parse_gendered(inner):
            continue
        found[inner] = None
    return list(found)
