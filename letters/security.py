"""Response headers, safe redirects, error pages and the locale: the app-wide baseline."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, has_request_context, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

# The policy of docs/security.md#response-headers; its connect-src 'self' lets the writing
# page's script ask this site (and only this site) to fill a template.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


# The codes that get the site's own error page (no stack trace, no framework page).
ERROR_PAGE_CODES = (400, 403, 404, 405, 413, 429, 500)


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    for code in ERROR_PAGE_CODES:
        app.register_error_handler(code, _error_page)


def set_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin, not no-referrer: Flask-WTF checks the Referer on HTTPS form posts.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Pages may show personal data (coordinators' views, a volunteer's form input); a view
        # that serves something public and stable (the layout metrics) says so itself.
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(error: Exception) -> tuple[str, int]:
    # An unhandled error is already logged by Flask (method, path, traceback) before this runs.
    code = getattr(error, "code", 500) or 500
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: Flask builds no URLs for it, so the page with its
        # links cannot be drawn. Plain text, and nothing of the forged host in it.
        message = _(
            "The request could not be understood. If you submitted a form, reload the page "
            "and try again."
        )
        return message, code
    return render_template("errors/error.html", code=code), code


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no protocol-relative ``//host``."""
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def select_locale() -> str | None:
    # CLI commands and services run outside a request: use the default language there.
    if not has_request_context():
        return None
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])
