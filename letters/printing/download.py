"""A rendered PDF as a download: one shape for every PDF the app serves."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import BinaryIO

from werkzeug.wrappers import Response


def pdf_download(render: Callable[[BinaryIO], int], filename: str) -> Response:
    """Render into memory and return it as an attachment.

    The filename carries the format and the prisoner's id, never a name: a volunteer's
    downloads folder should not list whom they write to. ``no-store``: the PDF may hold a home
    address or a letter, and no cache should keep it.
    """
    buffer = BytesIO()
    render(buffer)
    response = Response(buffer.getvalue(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
