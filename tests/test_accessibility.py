"""Pages usable with a keyboard, a screen reader and no JavaScript (issue 13, item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import AuthActions
from flask.testing import FlaskClient

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "style.css"
FOCUSABLE = re.compile(r"<(a|button|input|select|textarea|summary)\b[^>]*>", re.S)


def css_rules() -> str:
    """The stylesheet with whitespace collapsed, so a rule can be looked for as written."""
    return re.sub(r"\s+", " ", STYLESHEET.read_text(encoding="utf-8"))


def test_hidden_wins_over_any_display_rule() -> None:
    # button { display: inline-block } would otherwise show the script-only "Insert" buttons.
    assert "[hidden] { display: none !important; }" in css_rules()


def test_keyboard_focus_is_strongly_visible() -> None:
    rules = css_rules()
    assert re.search(r":focus-visible \{[^}]*outline: 3px solid #1a1a1a", rules)
    assert re.search(r"\.skip-link:focus \{[^}]*top: \.5rem", rules)


@pytest.mark.parametrize("path", ["/", "/guidelines", "/login"])
def test_the_skip_link_is_the_first_focusable_element(client: FlaskClient, path: str) -> None:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = html[html.index("<body") :]
    first = FOCUSABLE.search(body)
    assert first is not None
    assert 'class="skip-link"' in first.group(0)
    assert 'href="#content"' in first.group(0)
    assert "Skip to the content" in body[first.end() : first.end() + 40]
    assert '<main id="content"' in html


def test_coordinator_pages_have_the_skip_link_first_too(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    html = client.get("/manage/dashboard/", follow_redirects=True).get_data(as_text=True)
    first = FOCUSABLE.search(html[html.index("<body") :])
    assert first is not None
    assert 'class="skip-link"' in first.group(0)
