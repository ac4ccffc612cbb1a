"""Files the app renders for one request and hands over as a download, never kept."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from typing import BinaryIO

from flask import Response, current_app, send_file

PDF = "application/pdf"
CSV = "text/csv"
ZIP = "application/zip"  # Flask adds "; charset=utf-8" to every text type


def private_download(data: bytes, filename: str, mimetype: str) -> Response:
    """``data`` as an attachment named ``filename`` that no cache may keep.

    The name is ours, never taken from the request, and carries no prisoner's name: a
    volunteer's downloads folder should not list whom they write to. ``no-store``: a PDF may
    hold a home address or a letter, a CSV the whole list of people and where they are held.
    """
    response = send_file(
        BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename, etag=False
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def pdf_download(render: Callable[[BinaryIO], object], filename: str) -> Response:
    """Render a PDF into memory and hand it over with ``private_download``."""
    buffer = BytesIO()
    render(buffer)
    return private_download(buffer.getvalue(), filename, PDF)


def streamed_download(
    make_chunks: Callable[[], Iterable[str]], filename: str, mimetype: str
) -> Response:
    """The text ``make_chunks()`` yields, sent as UTF-8 as it is made, as an attachment no cache
    may keep (see ``private_download``): the first bytes leave before the last row is read,
    and memory stays flat however long the file.

    The server reads the body after the view has returned and its request context is gone, so
    the chunks are made in an app context (and database session) of their own, opened when the
    first chunk is asked for and closed after the last, or when the client goes away.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def body() -> Iterator[bytes]:
        with app.app_context():
            for chunk in make_chunks():
                yield chunk.encode("utf-8")

    response = Response(body(), mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response
