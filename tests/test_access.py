"""Every coordinator page refuses anonymous visitors; only the public pages are open. Every
admin page refuses coordinators; every other coordinator page lets them in; admins go anywhere.

The routes are read from the app itself, so a new coordinator page is covered the day it is
added, and a new public or admin page has to be named here on purpose.
"""

from __future__ import annotations

from conftest import AuthActions, csrf_token
from flask import Flask
from flask.testing import FlaskClient

from letters.models import Role

# Pages anyone may open. Everything else needs a coordinator.
PUBLIC_ENDPOINTS = {
    "static",
    "prisoners.home",
    "prisoners.public_list",
    "prisoners.public_profile",
    "auth.login",
    "auth.logout",
    "auth.setup",
    # The second step of logging in: it opens only after a right password (else back to /login).
    "auth.login_code",
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
    # Letters per listed prisoner per day, counts only, when the group publishes them (404
    # until then): what groups following this list read.
    "api.letters",
    # Who needs a letter next, and birthdays (day and month only).
    "writing.write_next",
    "birthdays.upcoming",
    "birthdays.calendar_feed",
    # Any visitor may report an inaccurate address (a message only, rate-limited).
    "mail.report_address",
    # A campaign's public page: its call or report-back, once a coordinator publishes it (404
    # until then), and the Atom feed of published calls and report-backs.
    "campaigns.report",
    "campaigns.atom_feed",
    # Its poster and flyer, while the call is published (404 until then).
    "printing.poster",
    "printing.flyer",
    # A visitor reports an action on a published call (rate-limited, nothing kept about them),
    # sees the published ones and their photos (404 until published).
    "actions.report",
    "actions.listing",
    "actions.photo",
    # Someone invited by an admin sets their password (the signed link is the credential).
    "accounts.accept_invitation",
    # For load balancers: "ok" or what is wrong in general words, never any data.
    "health.healthz",
}

# Pages for admins only: accounts, the group's settings. A coordinator gets 403.
ADMIN_ENDPOINTS = {
    "settings.edit",
    "accounts.index",
    "accounts.invite",
    "accounts.revoke_invitation",
    "accounts.change_role",
    "accounts.deactivate",
    "accounts.reactivate",
    "accounts.reset_second_factor",
}
# Every non-public page of these blueprints is an admin's too (the audit trail's pages).
ADMIN_BLUEPRINTS = {"accounts", "audit"}


def is_admin_only(endpoint: str) -> bool:
    return endpoint in ADMIN_ENDPOINTS or endpoint.split(".", 1)[0] in ADMIN_BLUEPRINTS


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


def _walk(client: FlaskClient, urls: list[tuple[str, str, str]]) -> dict[str, set[int]]:
    """The status codes each endpoint answered (any method), to a logged-in client that sends
    a valid CSRF token with every request (so a refusal is the role gate's, not the token's)."""
    token = csrf_token(client, "/account/password")
    answers: dict[str, set[int]] = {}
    for endpoint, method, url in urls:
        data = {"csrf_token": token} if method != "GET" else None
        response = client.open(url, method=method, data=data)
        status = response.status_code
        if status == 302 and "/login" in response.headers["Location"]:
            status = 401  # sent to log in: as good as refused
        answers.setdefault(endpoint, set()).add(status)
    return answers


def test_every_admin_url_is_refused_to_a_coordinator_and_no_other(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """403 exactly for the admin pages: one left undecorated, or one gated that should not
    be, fails here."""
    urls = coordinator_urls(app)
    assert {endpoint for endpoint, _method, _url in urls} >= ADMIN_ENDPOINTS
    auth.create_and_login("coord@example.org", Role.COORDINATOR)
    answers = _walk(client, urls)
    refused = {endpoint for endpoint, codes in answers.items() if codes & {401, 403}}
    assert refused == {endpoint for endpoint in answers if is_admin_only(endpoint)}
    for endpoint in refused:
        assert answers[endpoint] == {403}, endpoint
    assert client.get("/account").status_code == 200  # still logged in after the walk


def test_an_admin_may_open_every_url(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    answers = _walk(client, coordinator_urls(app))
    refused = {endpoint: codes for endpoint, codes in answers.items() if codes & {401, 403}}
    assert refused == {}
    assert client.get("/account").status_code == 200


def test_admin_links_are_shown_to_admins_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("coord@example.org", Role.COORDINATOR)
    html = client.get("/manage/prisoners").get_data(as_text=True)
    assert 'href="/manage/accounts"' not in html
    assert 'href="/manage/settings"' not in html
    auth.logout()
    auth.create_and_login("admin@example.org", Role.ADMIN)
    html = client.get("/manage/prisoners").get_data(as_text=True)
    assert 'href="/manage/accounts"' in html
    assert 'href="/manage/settings"' in html


def test_public_pages_need_no_login(client: FlaskClient) -> None:
    assert client.get("/prisoners").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/").status_code == 302
