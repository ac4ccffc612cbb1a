"""Command-line tools: ``flask --app app users …`` and ``flask --app app prisoners …``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
