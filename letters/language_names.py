"""Languages as a coordinator types them: names in English, in the page's language or in the
language itself, or ISO 639-1 codes, resolved to the codes the registry stores."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

from .validation import FieldError, iso_639_1_codes


class UnknownLanguages(FieldError):
    """Words typed as languages that name none; ``words`` lists them as typed."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(", ".join(words))
        self.words = words


@cache
def _language_names(locales: tuple[str, ...]) -> dict[str, str]:
    """Casefolded language name → ISO 639-1 code, in each of ``locales`` (earlier wins)."""
    known = iso_639_1_codes()
    names: dict[str, str] = {}
    for locale in locales:
        for code, name in Locale.parse(locale).languages.items():
            if code in known:
                names.setdefault(name.casefold(), code)
    return names


@cache
def _autonyms() -> dict[str, str]:
    """Each language's name in itself ("ქართული" → ``ka``), for what a speaker would type.

    Built only when a word is not found otherwise: parsing ~180 locales takes ~0.4 s.
    """
    names: dict[str, str] = {}
    for code in iso_639_1_codes():
        try:
            name = Locale.parse(code).languages.get(code)
        except UnknownLocaleError:  # a code CLDR has no locale for
            continue
        if name:
            names.setdefault(name.casefold(), code)
    return names


def parse_language_names(text: str, locales: tuple[str, ...] = ("en",)) -> list[str]:
    """``"Russian; грузинский, en"`` → ``["ru", "ka", "en"]``, in the order typed.

    Items are separated by “;”, “,” or line breaks; each is a language's name in one of
    ``locales`` (or in itself) or an ISO 639-1 code, in any case. An item of several codes
    ("ru en", the stored form) is read as those codes. Raises ``UnknownLanguages`` naming each
    item that is none of these.
    """
    known = iso_639_1_codes()
    codes: list[str] = []
    unknown: list[str] = []
    for item in (i.strip() for i in re.split(r"[;,\n]+", text)):
        if not item:
            continue
        word = " ".join(item.split()).casefold()
        code = _language_names(locales).get(word) or (word if word in known else None)
        code = code or _autonyms().get(word)
        if code is not None:
            codes.append(code)
        elif all(part in known for part in word.split()):
            codes.extend(word.split())
        else:
            unknown.append(item)
    if unknown:
        raise UnknownLanguages(unknown)
    return list(dict.fromkeys(codes))
