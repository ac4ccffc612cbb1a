"""``GET /api/v1/prisoners``, ``GET /api/v1/prisoners/<id>`` and ``GET /api/v1/letters``:
listed prisoners and, when the group publishes them, their letters per day; read-only.

Group websites call this from their own pages' scripts, hence CORS open to any origin: the
API is read-only, needs no cookie, and says nothing the public profile does not. Other
instances follow the list through it (docs/feed.md).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..hostile_input import MAX_ID
from ..lookups import listed_prisoner_or_404
from ..security import ERROR_PAGE_CODES
from . import letters_per_day, services

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Short: a group's page may show a count a minute old, and a new listing or an unlisting
# reaches every site within that minute.
CACHE_CONTROL = "public, max-age=60"


class BadParameter(HTTPException):
    code = 400


@bp.get("/prisoners")
def prisoners() -> Response:
    posted_from = _posted_from()
    # Bounded like an id: a larger page is empty anyway, and its offset would overflow the
    # database's integer.
    page_number = _int_arg("page", default=1, low=1, high=MAX_ID)
    per_page = _int_arg(
        "per_page", default=services.DEFAULT_PER_PAGE, low=1, high=services.MAX_PER_PAGE
    )
    updated_since = _day_arg("updated_since")
    return _published(
        jsonify(services.prisoner_list(page_number, per_page, posted_from, updated_since))
    )


@bp.get("/prisoners/<int:prisoner_id>")
def prisoner(prisoner_id: int) -> Response:
    posted_from = _posted_from()
    # Unlisted people are as absent as unknown ones: the same 404, the same words (as JSON,
    # by json_error below).
    found = listed_prisoner_or_404(prisoner_id, description="No listed prisoner has this id.")
    return _published(jsonify(services.one_prisoner(found, posted_from)))


@bp.get("/letters")
def letters() -> Response:
    # Before the parameters are read: a group that does not publish them has no such page.
    if not letters_per_day.published():
        abort(404, description="This group does not publish its letters per day.")
    since = _required_day_arg("since")
    page_number = _int_arg("page", default=1, low=1, high=MAX_ID)
    per_page = _int_arg(
        "per_page",
        default=letters_per_day.DEFAULT_PER_PAGE,
        low=1,
        high=letters_per_day.MAX_PER_PAGE,
    )
    return _published(jsonify(letters_per_day.letter_days(since, page_number, per_page)))


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    # A page's script may read the ETag to ask "changed?" itself (If-None-Match); a browser
    # hides every response header from scripts but a few unless it is exposed.
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":
        # Flask answers OPTIONS itself (with Allow); this makes it a CORS preflight answer.
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        # If-None-Match is not a header a script may send across origins unasked: allowed, so
        # that a page asking "changed?" with the exposed ETag gets its 304.
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException) -> tuple[Response, int]:
    # A program calling the API reads JSON, not the site's HTML error page.
    return jsonify(error=error.description), error.code or 500


# Flask looks handlers up by status code before by class, so the app's HTML page for a 404
# would win over the class handler above: the API registers its own for each of those codes.
for _code in ERROR_PAGE_CODES:
    bp.register_error_handler(_code, json_error)


def _published(response: Response) -> Response:
    """Briefly cacheable, with an ETag (a hash of the body): a follower or a group's page
    asking again with ``If-None-Match`` gets a bodiless 304 while nothing changed."""
    # The security hook keeps a view's own Cache-Control (its default is no-store). Set before
    # the 304 is made, so the 304 keeps it too.
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)


def _posted_from() -> str | None:
    try:
        return services.parse_posted_from(request.args.get("from"))
    except ValueError:
        raise BadParameter(
            "“from” must be a two-letter country code (ISO 3166-1, e.g. DE), or empty for "
            "“posted from abroad”."
        ) from None


def _day_arg(name: str) -> date | None:
    """An optional day: absent or empty is ``None``."""
    return _required_day_arg(name) if request.args.get(name) else None


def _required_day_arg(name: str) -> date:
    try:
        return services.parse_day(request.args.get(name, ""))
    except ValueError:
        raise BadParameter(f"“{name}” must be a day written YYYY-MM-DD, e.g. 2026-11-30.") from None


def _int_arg(name: str, default: int, low: int, high: int | None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise BadParameter(f"“{name}” must be a whole number, {allowed}.")
    return value
