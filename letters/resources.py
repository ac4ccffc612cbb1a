"""Where the templates, static files and migrations are.

In a checkout they sit at the top (``templates/``, ``static/``, ``migrations/``, next to
``letters/``); an installed wheel carries them inside the package (``letters/templates`` …,
see ``package-dir`` in pyproject.toml). The installed copy wins when it is there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

PACKAGE = Path(__file__).resolve().parent

Resource = Literal["templates", "static", "migrations"]


def directory(name: Resource) -> Path:
    """The directory holding ``name``: inside the installed package, else the checkout's."""
    installed = PACKAGE / name
    if installed.is_dir():
        return installed
    return PACKAGE.parent / name
