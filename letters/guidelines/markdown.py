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
