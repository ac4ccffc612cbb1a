"""``GET /api/v1/prisoners`` and ``GET /api/v1/prisoners/<id>``: listed prisoners, read-only.

Group websites call this from their own pages' scripts, hence CORS open to any origin: the
API is read-only, needs no cookie, and says nothing the public profile does not.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..extensions import db
from ..hostile_input import MAX_ID
from ..letterlog.services import LetterCounts, letter_counts
from ..lookups import listed_prisoner_or_404
from ..prisoners.services import prisoner_query
from ..security import ERROR_PAGE_CODES
from . import services

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
    # prisoner_query loads each facility in the same query (contains_eager), by name.
    page = db.paginate(
        prisoner_query(listed_only=True),
        page=page_number,
        per_page=per_page,
        error_out=False,
        count=True,
    )
    listed = list(page.items)
    # Counts up to yesterday: one that moved at a click would let a poller time it.
    counts = letter_counts((p.id for p in listed), public=True)
    empty = LetterCounts()
    return _cacheable(
        jsonify(
            prisoners=[
                services.prisoner_json(p, counts.get(p.id, empty), posted_from) for p in listed
            ],
            page=page_number,
            per_page=per_page,
            total=page.total,
            pages=page.pages,
        )
    )


@bp.get("/prisoners/<int:prisoner_id>")
def prisoner(prisoner_id: int) -> Response:
    posted_from = _posted_from()
    # Unlisted people are as absent as unknown ones: the same 404, the same words (as JSON,
    # by json_error below).
    found = listed_prisoner_or_404(prisoner_id, description="No listed prisoner has this id.")
    counts = letter_counts([found.id], public=True).get(found.id, LetterCounts())
    return _cacheable(jsonify(services.prisoner_json(found, counts, posted_from)))


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        # Flask answers OPTIONS itself (with Allow); this makes it a CORS preflight answer.
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
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


def _cacheable(response: Response) -> Response:
    # The security hook keeps a view's own Cache-Control (its default is no-store).
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _posted_from() -> str | None:
    try:
        return services.parse_posted_from(request.args.get("from"))
    except ValueError:
        raise BadParameter(
            "“from” must be a two-letter country code (ISO 3166-1, e.g. DE), or empty for "
            "“posted from abroad”."
        ) from None


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
