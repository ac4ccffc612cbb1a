"""The checks that catch what censors stop, run on the letter before it is printed.

The rules are data (regular expressions and a transliteration table) written so that Python's
``re`` and the browser's ``RegExp`` (flags ``iu``) read them the same way: ``static/write.js``
gets them in the page's ``data-config`` and applies them as the writer types, and
``letter_pdf`` applies them here when JavaScript is off. One source, two runners.

Letter text passes through these functions only; nothing here stores or logs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

# The letters of the Latin script the printer's font has (ASCII and accented Latin).
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_CYRILLIC_LETTER = "\u0400-\u04ff"
_ANY_LETTER = _LATIN_LETTER + _CYRILLIC_LETTER

# A word in Latin letters ("Berlin", "O'Neill", "Baden-Baden").
LATIN_WORD = f"[{_LATIN_LETTER}]+(?:['\u2019-][{_LATIN_LETTER}]+)*"
# A blank the templates leave for a missing detail ("________"), or any run of underscores.
BLANK = "_{3,}"
# What a feminine form adds in brackets: рад(а), должен(на), какой(ая). Only these, so "(с)" or
# "(Анна)" are not taken for one.
FEMININE_ENDINGS = ("а", "я", "на", "ла", "ая", "яя")
# Both gender forms left side by side, as templates print them when the gender is unknown:
# "рад(а)", "должен(на)", a lone "(а)", and "один/одна" (two forms sharing their first two
# letters, so "и/или" or "км/ч" are not taken for one).
GENDER_FORM = (
    f"[{_CYRILLIC_LETTER}]*\\((?:{'|'.join(FEMININE_ENDINGS)})\\)"
    f"|(?<![{_ANY_LETTER}])([{_CYRILLIC_LETTER}]{{2}})[{_CYRILLIC_LETTER}]*/\\1[{_CYRILLIC_LETTER}]*"
)

# Latin → Cyrillic, longest spelling first: enough to suggest "Berlin → Берлин" and
# "Anna → Анна" for names and towns. A suggestion, not a rule: the writer checks it.
TRANSLITERATION: list[tuple[str, str]] = [
    ("shch", "щ"), ("sch", "ш"), ("tsch", "ч"), ("chs", "кс"),
    ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tz", "ц"),
    ("ya", "я"), ("yu", "ю"), ("yo", "ё"), ("ye", "е"), ("ja", "я"), ("ju", "ю"),
    ("ph", "ф"), ("th", "т"), ("ck", "к"), ("qu", "кв"), ("ee", "и"), ("oo", "у"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "и"), ("z", "з"),
    ("ä", "е"), ("ö", "ё"), ("ü", "ю"), ("ß", "сс"), ("é", "е"), ("è", "е"), ("á", "а"),
]  # fmt: skip
# Longest spelling first, so "sch" wins over "s" (the browser keeps this order too).
TRANSLITERATION.sort(key=lambda pair: -len(pair[0]))

# At most this many Latin words are named: a whole English paragraph is said once, not in full.
MAX_WORDS_NAMED = 8


@dataclass(frozen=True)
class Findings:
    """What the checks found in one letter; empty when it may be printed without a question."""

    latin_words: list[str] = field(default_factory=list)
    blanks: int = 0
    gender_forms: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.latin_words or self.blanks or self.gender_forms)


def checks_latin(reads: list[str], cyrillic_languages: tuple[str, ...]) -> bool:
    """Latin words are named only to a reader of Cyrillic languages alone: to them, and to the
    censor who reads the letter first, "Berlin" is a word in a foreign language."""
    return bool(reads) and all(code in cyrillic_languages for code in reads)


def rules(reads: list[str], cyrillic_languages: tuple[str, ...]) -> dict[str, Any]:
    """The rules as the browser gets them (patterns for ``new RegExp(source, "iu")``)."""
    return {
        "latin_word": LATIN_WORD if checks_latin(reads, cyrillic_languages) else None,
        "blank": BLANK,
        "gender_form": GENDER_FORM,
        "transliteration": TRANSLITERATION,
        "max_words_named": MAX_WORDS_NAMED,
    }


def _distinct(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))


def check_letter(text: str, reads: list[str], cyrillic_languages: tuple[str, ...]) -> Findings:
    """The findings for ``text`` written to someone who reads ``reads``."""
    latin: list[str] = []
    if checks_latin(reads, cyrillic_languages):
        latin = _distinct(re.findall(f"(?:{LATIN_WORD})", text))
    gender = _distinct(m.group(0) for m in re.finditer(GENDER_FORM, text, re.IGNORECASE))
    return Findings(
        latin_words=latin[:MAX_WORDS_NAMED],
        blanks=len(re.findall(BLANK, text)),
        gender_forms=gender,
    )


def messages(name: str, languages: str) -> dict[str, str]:
    """Every sentence the checks may say, translated; ``%(words)s`` and ``%(suggestions)s``
    are left for ``say`` (here) or the browser to fill, so both say exactly the same."""
    return {
        "latin_words": _(
            "Words in Latin letters: %(words)s. %(name)s reads only %(languages)s, and the "
            "censor may hold a letter with foreign words. Write names and towns in Cyrillic "
            "letters: %(suggestions)s.",
            words="%(words)s",
            suggestions="%(suggestions)s",
            name=name,
            languages=languages,
        ),
        "blanks": _("The letter still has blanks (“________”): fill them in or delete them."),
        "gender_forms": _(
            "Choose one form of %(words)s: for example “рад” or “рада”, not “рад(а)”.",
            words="%(words)s",
        ),
        "print_anyway": _("Print anyway"),
        "found": _("Before you print, please look at this:"),
    }


def fill_in(message: str, values: dict[str, str]) -> str:
    """``%(key)s`` replaced by ``values[key]``, as ``format`` in static/write.js does."""
    return re.sub(r"%\((\w+)\)s", lambda m: values.get(m.group(1), m.group(0)), message)


def quoted(words: list[str]) -> str:
    return ", ".join(f"“{word}”" for word in words)


def say(findings: Findings, said: dict[str, str]) -> list[str]:
    """The findings as sentences, from the templates ``messages`` returned."""
    out = []
    if findings.latin_words:
        suggestions = ", ".join(f"{w} → {transliterate(w)}" for w in findings.latin_words)
        out.append(
            fill_in(
                said["latin_words"],
                {"words": quoted(findings.latin_words), "suggestions": suggestions},
            )
        )
    if findings.blanks:
        out.append(said["blanks"])
    if findings.gender_forms:
        out.append(fill_in(said["gender_forms"], {"words": quoted(findings.gender_forms)}))
    return out


def transliterate(word: str) -> str:
    """``word`` in Cyrillic letters by ``TRANSLITERATION`` (the capital kept): "Berlin" →
    "Берлин". Letters without a rule are kept as they are."""
    out = []
    lower = word.lower()
    i = 0
    while i < len(lower):
        for latin, cyrillic in TRANSLITERATION:
            if lower.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(lower[i])
            i += 1
    result = "".join(out)
    return result[:1].upper() + result[1:] if word[:1].isupper() else result
