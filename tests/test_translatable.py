"""Every user-facing word in the templates goes through Flask-Babel.

Text left between HTML tags outside ``{{ _("…") }}`` cannot be translated; this finds it.
"""

from __future__ import annotations

import re

from letters import ROOT

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated_text(template: str) -> list[str]:
    text = JINJA.sub(" ", template)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = TAG.sub("\n", text)
    return [line.strip() for line in text.splitlines() if WORD.search(line)]


def test_templates_have_no_untranslated_text() -> None:
    found = {
        str(path.relative_to(ROOT)): leftover
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if (leftover := untranslated_text(path.read_text()))
    }
    assert found == {}


def test_the_check_catches_bare_text() -> None:
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_text('<p>{{ _("Hello") }} · {{ name }}</p>') == []
