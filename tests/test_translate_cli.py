"""``flask --app app translate update|compile`` on a copy of the catalogues, never the real ones.

Each test builds a small checkout in ``tmp_path`` (the real babel.cfg and catalogues, and a
source file and a template of its own) and points the commands at it with ``--root``.
"""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from flask.testing import FlaskCliRunner

from letters import ROOT

CATALOGUE = Path("letters") / "translations" / "ru" / "LC_MESSAGES"
REAL_PO = ROOT / CATALOGUE / "messages.po"

NEW_IN_CODE = "A string no catalogue has seen yet"
NEW_LAZY = "A lazily translated string no catalogue has seen yet"
NEW_IN_TEMPLATE = "A template string no catalogue has seen yet"
SOURCE = f'''from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LABEL = _l("{NEW_LAZY}")


def greeting() -> str:
    return _("{NEW_IN_CODE}")
'''
TEMPLATE = f"<p>{{{{ _('{NEW_IN_TEMPLATE}') }}}}</p>\n"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with the real babel.cfg and catalogues, and sources holding new strings."""
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    shutil.copytree(ROOT / "letters" / "translations", tmp_path / "letters" / "translations")
    (tmp_path / "letters" / "example.py").write_text(SOURCE, encoding="utf-8")
    # Templates sit at the top of the checkout, beside the package, not inside it.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "example.html").write_text(TEMPLATE, encoding="utf-8")
    return tmp_path


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def test_update_brings_new_strings_from_code_and_templates_into_the_catalogue(
    runner: FlaskCliRunner, checkout: Path
) -> None:
    real_before = REAL_PO.read_bytes()

    result = runner.invoke(args=["translate", "update", "--root", str(checkout)])

    assert result.exit_code == 0, result.output
    catalogue = read_catalogue(checkout / CATALOGUE / "messages.po")
    for msgid, where in (
        (NEW_IN_CODE, ("letters/example.py", 8)),
        (NEW_LAZY, ("letters/example.py", 4)),
        (NEW_IN_TEMPLATE, ("templates/example.html", 1)),
    ):
        message = catalogue.get(msgid)
        assert message is not None, msgid
        assert message.string == ""  # new: waiting for a translator
        # References relative to the checkout, as pybabel run by hand in the checkout writes them.
        assert message.locations == [where]
    # What the sources no longer hold is kept aside, not lost: a translator may want it back.
    assert catalogue.obsolete
    assert REAL_PO.read_bytes() == real_before


def test_compile_writes_a_catalogue_gettext_reads(runner: FlaskCliRunner, checkout: Path) -> None:
    assert runner.invoke(args=["translate", "update", "--root", str(checkout)]).exit_code == 0
    po = checkout / CATALOGUE / "messages.po"
    catalogue = read_catalogue(po)
    catalogue[NEW_IN_CODE].string = "Строка, которой ещё нет ни в одном каталоге"
    with po.open("wb") as file:
        write_po(file, catalogue, width=100)

    result = runner.invoke(args=["translate", "compile", "--root", str(checkout)])

    assert result.exit_code == 0, result.output
    with (checkout / CATALOGUE / "messages.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert compiled.gettext(NEW_IN_CODE) == "Строка, которой ещё нет ни в одном каталоге"
    assert compiled.gettext(NEW_IN_TEMPLATE) == NEW_IN_TEMPLATE  # untranslated: English shows


def test_update_without_babel_cfg_fails_and_leaves_the_catalogue_alone(
    runner: FlaskCliRunner, checkout: Path
) -> None:
    (checkout / "babel.cfg").unlink()
    before = (checkout / CATALOGUE / "messages.po").read_bytes()

    result = runner.invoke(args=["translate", "update", "--root", str(checkout)])

    assert result.exit_code != 0
    assert "No babel.cfg in" in result.output
    assert (checkout / CATALOGUE / "messages.po").read_bytes() == before
