"""Every coordinator page refuses anonymous visitors; only the public pages are open.

The routes are read from the app itself, so a new coordinator page is covered the day it is
added, and a new public page has to be named here on purpose.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

# Pages anyone may open. Everything else needs a coordinator.
PUBLIC_ENDPOINTS = {
    "static",
    "prisoners.home",
    "prisoners.public_list",
    "prisoners.public_profile",
    "auth.login",
    "auth.logout",
    "auth.setup",
    "guidelines.index",
    # A supporter prints an envelope and a letter sheet for a listed prisoner without an account.
    "printing.envelope",
    "printing.sheet",
    # Writing a letter, printing it and saying "I sent it" need no account either.
    "writing.write",
    "writing.fill_template",
    "writing.letter_pdf",
    "writing.sent",
    "writing.metrics",
    # Read-only JSON for group websites: listed prisoners only.
    "api.prisoners",
    "api.prisoner",
    # Who needs a letter next, and birthdays (day and month only).
    "writing.write_next",
    "birthdays.upcoming",
    "birthdays.calendar_feed",
    # Any visitor may report an inaccurate address (a message only, rate-limited).
    "mail.report_address",
    # A campaign's report-back page, once a coordinator publishes it (404 until then).
    "campaigns.report",
}


def coordinator_urls(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every non-public route, with placeholder arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            urls.append((rule.endpoint, method, url))
    return urls


def test_every_coordinator_url_is_refused_to_anonymous_visitors(
    app: Flask, client: FlaskClient
) -> None:
    # Without CSRF, a refused POST proves the role gate, not the token check.
    app.config["WTF_CSRF_ENABLED"] = False
    urls = coordinator_urls(app)
    assert len(urls) >= 12, urls
    let_through = []
    for endpoint, method, url in urls:
        response = client.open(url, method=method)
        refused = response.status_code in (302, 401, 403) and (
            response.status_code != 302 or "/login" in response.headers["Location"]
        )
        if not refused:
            let_through.append((endpoint, method, url, response.status_code))
    assert let_through == []


def test_public_pages_need_no_login(client: FlaskClient) -> None:
    assert client.get("/prisoners").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/").status_code == 302
