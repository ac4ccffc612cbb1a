"""The coordinators' header menus in a real browser: one open at a time, Escape closes."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from browser import live_server, page
from conftest import AuthActions

__all__ = ["live_server", "page"]

pytestmark = pytest.mark.commits
PASSWORD = "correct horse battery staple"  # conftest's, which AuthActions.create uses


def open_menus(page: Any, expected: list[str]) -> list[str]:
    """The summaries of the open menus, once they are ``expected`` (a <details>' toggle event
    comes a moment after the click) or after Playwright's timeout, whichever is first."""
    script = """expected => {
        const open = [...document.querySelectorAll("header.site details.menu[open] > summary")]
            .map(n => n.textContent);
        return JSON.stringify(open) === JSON.stringify(expected);
    }"""
    playwright = pytest.importorskip("playwright.sync_api")
    # On a timeout the caller's assertion says what was open instead.
    with contextlib.suppress(playwright.TimeoutError):
        page.wait_for_function(script, arg=expected, timeout=2000)
    return page.eval_on_selector_all(
        "header.site details.menu[open] > summary", "nodes => nodes.map(n => n.textContent)"
    )


def test_opening_a_menu_closes_the_others_and_escape_closes_it(
    page: Any, auth: AuthActions
) -> None:
    auth.create("coordinator@abc.example")
    page.goto("/login")
    page.fill("input[name=email]", "coordinator@abc.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")

    nav = page.locator("header nav")
    nav.locator("summary", has_text="Registry").click()
    assert open_menus(page, ["Registry"]) == ["Registry"]
    nav.locator("summary", has_text="Evenings").click()
    # Two open menus would lie on top of each other.
    assert open_menus(page, ["Evenings"]) == ["Evenings"]

    page.keyboard.press("Escape")
    assert open_menus(page, []) == []
    assert page.evaluate("document.activeElement.textContent") == "Evenings"

    nav.locator("summary", has_text="Registry").click()
    page.locator("main h1").click()
    assert open_menus(page, []) == []
