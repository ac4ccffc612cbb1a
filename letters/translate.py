"""``flask --app app translate update|compile``: refresh and compile the interface catalogues.

Both run Babel's own command line (``python -m babel.messages.frontend``, the module behind
``pybabel``) in a child process whose working directory is the checkout. That keeps the
catalogues exactly as ``pybabel`` run by hand in the checkout leaves them: the references read
``letters/addressing.py:47``, not an absolute path, and Babel's logging and its reading of
``pyproject.toml`` stay out of this process.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click

from . import ROOT

# Where the catalogues live, relative to the checkout: Flask-Babel reads them from the package.
TRANSLATIONS = Path("letters") / "translations"
# Lazily translated strings are marked with ``_l`` (and ``lazy_pgettext``, context first)
# besides Babel's default keywords.
KEYWORDS = ("_l", "lazy_pgettext:1c,2")
# The catalogues were written 100 columns wide, like the code; another width would rewrap
# every long entry and bury the real changes in the diff.
WIDTH = 100

root_option = click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=ROOT,
    show_default="the checkout this package is in",
    help="The checkout: its babel.cfg, its sources and its letters/translations.",
)

translate = click.Group(
    "translate",
    help="Update the interface catalogues from the sources, and compile them.",
)


def pybabel(root: Path, command: str, *args: str, quiet: bool = False) -> None:
    """Run ``pybabel COMMAND ARGS`` in ``root``; a failure stops the CLI with a message."""
    argv = [sys.executable, "-m", "babel.messages.frontend", *(["-q"] if quiet else []), command]
    # The arguments are ours and the interpreter is the one running now: no shell, no user text.
    result = subprocess.run([*argv, *args], cwd=root, check=False)  # noqa: S603
    if result.returncode != 0:
        raise click.ClickException(f"pybabel {command} failed (exit status {result.returncode}).")


@translate.command("update")
@root_option
def update(root: Path) -> None:
    """Extract the strings from the sources (babel.cfg) and merge them into every catalogue.

    New strings arrive untranslated, changed ones fuzzy: translate those, then run
    ``translate compile``.
    """
    if not (root / "babel.cfg").is_file():
        # Without it pybabel would only show a traceback.
        raise click.ClickException(f"No babel.cfg in {root}: is --root a checkout of letters?")
    # The template is only a step between the two commands; nothing in the checkout keeps it.
    with tempfile.TemporaryDirectory() as tmp:
        template = str(Path(tmp) / "messages.pot")
        keywords = [option for keyword in KEYWORDS for option in ("-k", keyword)]
        # Quiet: one "extracting messages from …" line per source file buries the summary.
        pybabel(root, "extract", "-F", "babel.cfg", *keywords, "-o", template, ".", quiet=True)
        pybabel(root, "update", "-w", str(WIDTH), "-i", template, "-d", str(TRANSLATIONS))


@translate.command("compile")
@root_option
def compile_catalogues(root: Path) -> None:
    """Compile every catalogue to the .mo file Flask-Babel reads."""
    pybabel(root, "compile", "-d", str(TRANSLATIONS))
