"""Request-level guards: values no form or view is written to expect are refused with a 400
that names the field, before any view runs, so nothing reaches the database half-checked.

- ids in URLs are bounded by the database's integer (``int`` converter below): a larger one
  cannot exist, and PostgreSQL raises on comparing an ``integer`` column with it;
- NUL (PostgreSQL cannot store it in text) and unpaired surrogates (not encodable as UTF-8) in
  any query, form or JSON value;
- JSON that does not parse or nests deeper than any request of ours does (Python's parser
  raises ``RecursionError``, not ``ValueError``, on very deep nesting).

See docs/security.md#bad-input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

#: The largest id a row can have: PostgreSQL's ``integer`` (SQLite's is wider, never reached).
MAX_ID = 2**31 - 1

#: No request of ours nests JSON more than two levels; 32 leaves room and stays far below the
#: parser's recursion limit.
MAX_JSON_DEPTH = 32

#: Query parameters that page through lists (Flask-SQLAlchemy's ``paginate`` reads them itself,
#: without an upper bound: the offset would overflow the database's integer).
PAGE_PARAMETERS = ("page", "per_page")

# NUL and lone UTF-16 surrogates: neither can be stored as text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class DatabaseInteger(IntegerConverter):
    """``<int:id>`` that matches only ids the database can hold: a larger one is a 404 like any
    unknown id, instead of an error from the database."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def database_id(text: str) -> int:
    """``request.args.get("campaign", type=database_id)``: an id the database can hold, else
    ``ValueError`` (which ``get`` turns into its default)."""
    value = int(text)
    if not 0 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: its rules pick the converter up when they are added."""
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request(refuse_unstorable_input)


def refuse_unstorable_input() -> ResponseReturnValue | None:
    if _UNSTORABLE.search(request.path):
        return _refused(_("The address contains a character that cannot be stored."))
    for name, value in _request_values():
        if _UNSTORABLE.search(name) or _UNSTORABLE.search(value):
            return _refused(
                _(
                    "The field “%(field)s” contains a character that cannot be stored (a NUL "
                    "or an unpaired surrogate). Remove it and try again.",
                    field=_printable(name),
                )
            )
    for name in PAGE_PARAMETERS:
        raw = request.args.get(name, "").strip()
        if _is_integer(raw) and not _is_page_number(raw):
            return _refused(
                _(
                    "“%(field)s” must be a whole number from 1 to %(max)s.",
                    field=name,
                    max=MAX_ID,
                )
            )
    if request.is_json and request.content_length != 0:
        return _check_json()
    return None


def _request_values() -> Iterator[tuple[str, str]]:
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            yield name, value
    for name, upload in request.files.items(multi=True):
        yield name, upload.filename or ""


def _check_json() -> ResponseReturnValue | None:
    data = request.get_data(cache=True)
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        return _refused(_("The request body is not valid JSON."))
    for path, value, depth in _walk(payload):
        if depth > MAX_JSON_DEPTH:
            return _refused(_("The JSON is nested too deeply."))
        if isinstance(value, str) and _UNSTORABLE.search(value):
            return _refused(
                _(
                    "The field “%(field)s” contains a character that cannot be stored (a NUL "
                    "or an unpaired surrogate). Remove it and try again.",
                    field=_printable(path),
                )
            )
    return None


def _walk(payload: Any) -> Iterator[tuple[str, Any, int]]:
    """Every key and value with its path (``a.b.0``) and depth; iterative, so depth is ours to
    limit rather than the interpreter's."""
    stack: list[tuple[str, Any, int]] = [("", payload, 0)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                yield child, key, depth + 1
                stack.append((child, item, depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (f"{path}.{i}" if path else str(i), v, depth + 1) for i, v in enumerate(value)
            )


def _is_integer(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", text) is not None


def _is_page_number(text: str) -> bool:
    # Ten digits at most before int(): it refuses more than 4300 with a ValueError.
    return len(text.lstrip("+-0")) <= 10 and 1 <= int(text) <= MAX_ID


def _printable(name: str) -> str:
    # The field's name is shown back: without the characters that were the problem.
    return _UNSTORABLE.sub("\N{REPLACEMENT CHARACTER}", name)[:100]


def _refused(message: str) -> ResponseReturnValue:
    if request.is_json or request.path.startswith("/api/"):
        return jsonify(error=message), 400
    return render_template("errors/error.html", code=400, detail=message), 400
