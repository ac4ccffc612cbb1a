"""The one country list a page offers, and what a visitor types into it.

A "posted from" control is a text box tied to one ``<datalist>`` per page: typing filters the
list, and whatever arrives (a name in the reader's language, the list's "Germany (DE)", a code)
is resolved here to an ISO 3166-1 alpha-2 code. The visitor's likely countries come first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import ValidationError

from .addressing import named_country
from .display import country_choices, country_codes, country_label
from .extensions import db
from .models import Facility
from .settings.services import group_settings

# The id of the page's one <datalist>; every country text box points at it.
COUNTRY_LIST_ID = "countries"

# "Germany (DE)", as the list offers it (and as the select used to label it).
_LABEL_WITH_CODE = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<code>[A-Za-z]{2})\s*\)$")


def country_from_text(text: str | None) -> str | None:
    """``"Germany (DE)"``, ``"Deutschland"``, ``"германия"``, ``"de"`` → ``"DE"``.

    ``""`` for empty text (no country given), ``None`` for text that names no country. A name
    is looked up in the reader's language first, then in the languages of the interface and of
    the posts the app writes to, and the names writers use ("UK", "USA").
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    known = set(country_codes())
    match = _LABEL_WITH_CODE.match(text)
    if match:
        code = match["code"].upper()
        # "Germany (DE)" only if the code is a country; the name need not be spelt as listed.
        return code if code in known else None
    if len(text) == 2 and text.upper() in known:
        return text.upper()
    wanted = text.casefold()
    for code in known:
        if country_label(code).casefold() == wanted:
            return code
    code = named_country(text)
    return code if code in known else None


def country_text(code: str | None) -> str:
    """What a country text box shows for a code: the list's "Germany (DE)", in the reader's
    language; ``""`` for none, the text itself for something that is not a country code."""
    text = (code or "").strip()
    return dict(country_choices()).get(text.upper(), text)


def regions_of(languages: Iterable[str]) -> list[str]:
    """The regions of language tags, in order: ``["de-DE", "en", "en_GB"]`` → ``["DE", "GB"]``.

    Only a region says where someone is: "en" or "de" alone says nothing about a country.
    """
    regions: list[str] = []
    for tag in languages:
        parts = re.split(r"[-_]", tag.strip())
        # The region is the two-letter subtag after the language (and any script): de-Latn-DE.
        region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
        if region and region not in regions:
            regions.append(region)
    return regions


def likely_first(
    choices: Iterable[tuple[str, str]], likely: Iterable[str]
) -> list[tuple[str, str]]:
    """``choices`` (code, label) with the ``likely`` codes first, in their order, then the rest
    in the order given (alphabetical in the reader's language). No country appears twice."""
    choices = list(choices)
    by_code = dict(choices)
    first = list(dict.fromkeys(code.upper() for code in likely if code.upper() in by_code))
    chosen = set(first)
    return [(code, by_code[code]) for code in first] + [c for c in choices if c[0] not in chosen]


def visitor_countries() -> list[str]:
    """The countries this visitor most likely posts from, most likely first: the regions of
    their browser's languages, the group's home country, then the countries of the registry's
    facilities (where a writer may live, too), alphabetically by name."""
    regions = regions_of(request.accept_languages.values()) if has_request_context() else []
    home = group_settings().home_country
    facilities = db.session.scalars(select(Facility.country_code).distinct()).all()
    names = dict(country_choices())
    facility_codes = sorted(
        {code.upper() for code in facilities}, key=lambda c: (names.get(c) or c).casefold()
    )
    return [*regions, *([home] if home else []), *facility_codes]


def country_list() -> list[tuple[str, str]]:
    """The page's one country list: (code, "Name (CODE)"), the visitor's likely ones first."""
    return likely_first(country_choices(), visitor_countries())


class CountryField(StringField):
    """A country typed, or picked from the page's one country list; ``data`` is its code
    (``""`` when left empty).

    Text that names no country is kept as typed, shown back with an error that names the field
    (a URL's ``?from=Narnia`` lands on a page that lists the messages without their fields).
    ``remember``: the control is one of the visitor's "posted from" choices, which
    static/posted_from.js keeps in the browser and carries to every such control; it is told
    whether the value came from the request (the visitor's choice just made) or is a default.
    """

    def __init__(self, *args: Any, remember: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remember = remember
        self.from_request = False

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return  # not in the request: the default stands
        self.from_request = True
        typed = re.sub(r"\s+", " ", str(valuelist[0])).strip()
        code = country_from_text(typed)
        self.data = typed if code is None else code

    def pre_validate(self, form: Any) -> None:
        if country_from_text(self.data) is None:
            raise ValidationError(
                _(
                    "%(field)s: no country is called “%(text)s”. Type a country’s name or its "
                    "two-letter code (such as DE), or pick one from the list.",
                    field=self.label.text,
                    text=self.data,
                )
            )

    def _value(self) -> str:
        return country_text(self.data)

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("list", COUNTRY_LIST_ID)
        kwargs.setdefault("autocomplete", "off")
        if self.remember:
            kwargs.setdefault("data-posted-from", "request" if self.from_request else "default")
        return super().__call__(**kwargs)
