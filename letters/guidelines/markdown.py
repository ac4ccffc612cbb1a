"""Markdown typed by coordinators, turned into HTML that is safe to show to every visitor.

Two layers, on purpose: markdown-it renders with raw HTML switched off (so ``<script>`` typed in
a section comes out as visible text), and nh3 then keeps only a short list of tags, attributes
and URL schemes. Either layer alone would do today; both together survive a mistake in one.
No Flask here: any page may reuse it.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# What Markdown produces for prose: paragraphs, subheadings, lists, emphasis, links, quotes.
# No images (they would load from a third party), no tables, no classes, no ids, no styles.
ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "br", "hr"}
)
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    # "3. …" in Markdown renders as <ol start="3">; without it the numbering would restart at 1.
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Added to every link: the page it leads to learns neither where the visitor came from nor gets
# a handle on this window.
LINK_REL = "noopener noreferrer"

# Browsers drop tabs and line breaks inside URLs before parsing them.
_URL_INVISIBLES = re.compile(r"[\t\n\r]")

# Raw HTML off: what a coordinator types as HTML is shown as text, never interpreted.
_markdown = MarkdownIt("commonmark", {"html": False})


def _relative_url(url: str) -> str | None:
    """Keep a relative link (``/prisoners``, ``#country-ru``) unless it leaves the site.

    ``//host/path`` has no scheme but goes to another host, and browsers read ``\\`` as ``/``.
    """
    cleaned = _URL_INVISIBLES.sub("", url).strip()
    if cleaned.startswith("//") or "\\" in cleaned:
        return None
    return url


def sanitise_html(html: str) -> Markup:
    """Only the allowed tags, attributes and URL schemes survive; everything else is dropped.

    The text inside a dropped tag stays (as text), except inside ``<script>`` and ``<style>``.
    """
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        url_relative=_relative_url,
    )
    return Markup(cleaned)  # noqa: S704  (sanitised just above)


def render_markdown(text: str) -> Markup:
    """Markdown (CommonMark) to sanitised HTML, ready to be placed in a template as is."""
    return sanitise_html(_markdown.render(text))


# A list item on paper, as a reader expects it from "- " in Markdown.
BULLET = "• "


def markdown_paragraphs(text: str) -> list[str]:
    """Markdown as plain text for print: one string per paragraph, heading or list item.

    Emphasis markers and link targets are dropped (the words stay); list items start with
    ``BULLET`` or their number, so a printed summary reads like the page. Nothing here is ever
    interpreted as markup by the PDF renderer: it prints characters as they are.
    """
    paragraphs: list[str] = []
    prefixes: list[str] = []  # the marker of each list item we are inside, innermost last
    numbers: list[int] = []  # the next number of each open ordered list (0: bullet list)
    for token in _markdown.parse(text):
        if token.type == "bullet_list_open":
            numbers.append(0)
        elif token.type == "ordered_list_open":
            numbers.append(int(token.attrGet("start") or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            numbers.pop()
        elif token.type == "list_item_open":
            if numbers and numbers[-1]:
                prefixes.append(f"{numbers[-1]}. ")
                numbers[-1] += 1
            else:
                prefixes.append(BULLET)
        elif token.type == "list_item_close":
            prefixes.pop()
        elif token.type in ("inline", "code_block", "fence"):
            words = _inline_text(token) if token.type == "inline" else token.content
            words = " ".join(words.split())
            if not words:
                continue
            # Only the first paragraph of an item carries its marker.
            marker = prefixes[-1] if prefixes else ""
            if prefixes:
                prefixes[-1] = " " * len(marker)
            paragraphs.append(marker + words if marker.strip() else words)
    return paragraphs


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
