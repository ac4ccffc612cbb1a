"""``flask --app app print envelopes|sheets|pack``: PDFs for everyone listed, or for the ids
given, with clear errors and a one-line summary on stderr."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskCliRunner

from letters.extensions import db
from letters.models import GroupSettings
from letters.settings.services import save_group_settings

MM = 72 / 25.4
TOLERANCE_MM = 0.5
HEADER_NAME = "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р."
GROUP_ADDRESS = "Solidarity Group Berlin\nPostfach 12 34\n10115 Berlin"


def pages_of(path: Path) -> list[tuple[float, float, str]]:
    """(width mm, height mm, text) per page."""
    with pdfplumber.open(path) as pdf:
        return [(p.width / MM, p.height / MM, p.extract_text() or "") for p in pdf.pages]


def output(command: str, path: Path) -> list[str]:
    """Where a command writes: a PDF file, or for the pack (one PDF per paper) a directory."""
    if command == "pack":
        return ["--out-dir", str(path)]
    return ["--out", str(path.with_suffix(".pdf"))]


def texts_of(path: Path) -> list[str]:
    """The text of every page written by ``output(…, path)``, file by file."""
    files = sorted(path.glob("*.pdf")) if path.is_dir() else [path.with_suffix(".pdf")]
    return [text for file in files for _w, _h, text in pages_of(file)]


@pytest.fixture
def registry(app: Flask) -> dict[str, int]:
    """Two listed prisoners with a facility, one unlisted, one whose facility is unknown."""
    penza = make_facility(allows_paper=True)
    ids = {
        "pchelintsev": make_prisoner(penza).id,
        "kulik": make_prisoner(penza, family_name="Кулик", given_names="Анна").id,
        "hidden": make_prisoner(penza, family_name="Скрытый", is_listed=False).id,
    }
    nowhere = make_prisoner(family_name="Безадресный")
    nowhere.facility = None
    db.session.flush()
    ids["nowhere"] = nowhere.id
    save_group_settings("Solidarity Group", GROUP_ADDRESS, "DE")
    db.session.commit()
    return ids


# --- envelopes --------------------------------------------------------------------------------


@pytest.mark.usefixtures("registry")
def test_envelopes_for_everyone_listed_with_a_facility_when_no_id_is_given(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "envelopes.pdf"

    result = runner.invoke(args=["print", "envelopes", "--size", "C5", "--out", str(out)])

    assert result.exit_code == 0, result.output
    pages = pages_of(out)
    assert len(pages) == 2  # not the unlisted one, not the one without a facility
    for width, height, _text in pages:
        assert width == pytest.approx(229, abs=TOLERANCE_MM)
        assert height == pytest.approx(162, abs=TOLERANCE_MM)
    texts = "\n".join(text for _w, _h, text in pages)
    assert "Кулик" in texts
    assert HEADER_NAME in texts
    assert "Скрытый" not in texts
    assert result.stderr.strip().count("\n") == 0  # one line
    assert "2 envelope(s) (C5) for 2 prisoner(s)" in result.stderr
    assert result.stdout == ""


def test_envelopes_for_the_ids_given_with_the_groups_return_address_unless_told(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int]
) -> None:
    with_return, without = tmp_path / "with.pdf", tmp_path / "without.pdf"
    prisoner = str(registry["pchelintsev"])

    first = runner.invoke(
        args=[
            "print",
            "envelopes",
            "--size",
            "US10",
            "--prisoner",
            prisoner,
            "--out",
            str(with_return),
        ]
    )
    second = runner.invoke(
        args=["print", "envelopes", "--prisoner", prisoner, "--no-return", "--out", str(without)]
    )

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    [(width, height, text)] = pages_of(with_return)
    assert (width, height) == pytest.approx((241.3, 104.8), abs=TOLERANCE_MM)
    assert "Postfach 12 34" in text
    assert HEADER_NAME in text
    [(width, _height, text)] = pages_of(without)
    assert width == pytest.approx(220, abs=TOLERANCE_MM)  # DL unless told
    assert "Postfach" not in text


def test_an_unlisted_prisoner_is_printed_when_named(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int]
) -> None:
    out = tmp_path / "hidden.pdf"

    result = runner.invoke(
        args=["print", "envelopes", "--prisoner", str(registry["hidden"]), "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert "Скрытому" in pages_of(out)[0][2]


@pytest.mark.parametrize(
    ("args", "country_line"),
    [([], True), (["--from", "RU"], False), (["--from", "abroad"], True), (["--from", "de"], True)],
)
def test_from_is_a_country_abroad_or_the_groups_home_country(
    app: Flask,
    runner: FlaskCliRunner,
    tmp_path: Path,
    registry: dict[str, int],
    args: list[str],
    country_line: bool,
) -> None:
    out = tmp_path / "envelope.pdf"
    prisoner = ["--prisoner", str(registry["pchelintsev"])]

    result = runner.invoke(args=["print", "envelopes", *prisoner, *args, "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert ("RUSSIA" in pages_of(out)[0][2]) is country_line


def test_without_from_the_groups_home_country_applies(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int]
) -> None:
    save_group_settings("Solidarity Group", GROUP_ADDRESS, "RU")
    db.session.commit()
    out = tmp_path / "envelope.pdf"

    result = runner.invoke(
        args=["print", "envelopes", "--prisoner", str(registry["pchelintsev"]), "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert "RUSSIA" not in pages_of(out)[0][2]


@pytest.mark.parametrize("command", ["envelopes", "pack"])
def test_the_groups_return_address_ends_with_its_country_on_mail_abroad(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int], command: str
) -> None:
    abroad, inside = tmp_path / "abroad", tmp_path / "inside"
    prisoner = ["--prisoner", str(registry["pchelintsev"])]

    first = runner.invoke(args=["print", command, *prisoner, *output(command, abroad)])
    second = runner.invoke(
        args=["print", command, *prisoner, "--from", "RU", *output(command, inside)]
    )

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    # The group is in Berlin (home country DE); the prisoner in Russia.
    envelope = next(text for text in texts_of(abroad) if "Postfach" in text)
    assert "10115 Berlin\nGERMANY" in envelope
    envelope = next(text for text in texts_of(inside) if "Postfach" in text)
    assert "GERMANY" not in envelope


@pytest.mark.parametrize("command", ["envelopes", "pack"])
def test_a_return_address_stored_without_a_country_is_warned_about(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int], command: str
) -> None:
    settings = db.session.get(GroupSettings, 1)
    assert settings is not None
    settings.home_country = ""  # as stored before the country was asked for
    db.session.commit()
    out = tmp_path / "out"
    prisoner = ["--prisoner", str(registry["pchelintsev"])]

    result = runner.invoke(args=["print", command, *prisoner, *output(command, out)])

    assert result.exit_code == 0, result.output
    assert "Choose the home country" in result.stderr
    quiet = runner.invoke(args=["print", command, *prisoner, "--no-return", *output(command, out)])
    assert "Choose the home country" not in quiet.stderr


@pytest.mark.parametrize("command", ["envelopes", "sheets", "pack"])
def test_an_unknown_id_fails_clearly_and_writes_nothing(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int], command: str
) -> None:
    out = tmp_path / ("nothing.zip" if command == "pack" else "nothing.pdf")
    ids = ["--prisoner", str(registry["kulik"]), "--prisoner", "999998", "--prisoner", "999999"]

    result = runner.invoke(args=["print", command, *ids, "--out", str(out)])

    assert result.exit_code != 0
    assert "No prisoner with id 999998, 999999." in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no half-written file either


@pytest.mark.parametrize("command", ["envelopes", "pack"])
def test_a_prisoner_without_a_facility_gets_no_envelope_and_a_clear_message(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int], command: str
) -> None:
    out = tmp_path / ("nothing.zip" if command == "pack" else "nothing.pdf")

    result = runner.invoke(
        args=["print", command, "--prisoner", str(registry["nowhere"]), "--out", str(out)]
    )

    assert result.exit_code != 0
    assert "is held is not known" in result.stderr
    assert f"(id {registry['nowhere']})" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "XX"], "Unknown country code “XX”"),
        (["--size", "B5"], "'B5' is not one of"),
    ],
)
@pytest.mark.usefixtures("registry")
def test_a_bad_option_fails_clearly(
    runner: FlaskCliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "nothing.pdf"

    result = runner.invoke(args=["print", "envelopes", *args, "--out", str(out)])

    assert result.exit_code != 0
    assert message in result.stderr
    assert not out.exists()


@pytest.mark.usefixtures("registry")
def test_an_unwritable_output_fails_clearly(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "envelopes.pdf"

    result = runner.invoke(args=["print", "envelopes", "--out", str(out)])

    assert result.exit_code == 1
    assert f"Cannot write {out}" in result.stderr
    assert "Traceback" not in result.output


def test_with_nobody_to_print_the_command_says_so(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["print", "envelopes", "--out", str(tmp_path / "none.pdf")])

    assert result.exit_code != 0
    assert "Nothing to print" in result.stderr


# --- sheets -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("registry")
def test_sheets_for_everyone_with_the_header_on_every_page(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "sheets.pdf"

    result = runner.invoke(
        args=["print", "sheets", "--size", "LETTER", "--pages", "2", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    pages = pages_of(out)
    assert len(pages) == 2 * 2
    for width, height, _text in pages:
        assert (width, height) == pytest.approx((215.9, 279.4), abs=TOLERANCE_MM)
    headers = [text.splitlines()[0] for _w, _h, text in pages]
    assert [h.startswith("Кулик") for h in headers] == [True, True, False, False]
    assert all(HEADER_NAME in h for h in headers[2:])
    # Both are held in Russia: the page numbers print in Russian.
    assert all("стр. " in h for h in headers)
    assert "Letter sheets (LETTER) for 2 prisoner(s)" in result.stderr
    assert "4 page(s)" in result.stderr


def test_sheets_add_a_reply_sheet_where_paper_is_allowed(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int]
) -> None:
    out = tmp_path / "sheets.pdf"

    result = runner.invoke(
        args=[
            "print",
            "sheets",
            "--prisoner",
            str(registry["pchelintsev"]),
            "--reply",
            "--out",
            str(out),
        ]
    )

    assert result.exit_code == 0, result.output
    pages = pages_of(out)
    assert len(pages) == 2
    for width, height, text in pages:
        assert (width, height) == pytest.approx((210, 297), abs=TOLERANCE_MM)
        assert HEADER_NAME in text


# --- pack -------------------------------------------------------------------------------------


def unzipped(path: Path, into: Path) -> dict[str, list[tuple[float, float, str]]]:
    """The pages of each PDF in the zip at ``path``, by file name."""
    with zipfile.ZipFile(path) as archive:
        archive.extractall(into)
        names = archive.namelist()
    return {name: pages_of(into / name) for name in names}


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("args", "files"),
    [
        (
            [],
            {
                "0-handout-ru-A4.pdf": 1,
                "1-cards-A4.pdf": 2,
                "2-envelopes-DL.pdf": 2,
                "3-labels-L7160-A4.pdf": 1,
            },
        ),
        (
            # 5160 labels cannot hold these Russian addresses at 8 pt (they are refused).
            ["--envelopes", "3", "--labels", "L7160", "--start-at", "21", "--size", "C5"],
            {
                "0-handout-ru-A4.pdf": 1,
                "1-cards-A4.pdf": 2,
                "2-envelopes-C5.pdf": 6,
                "3-labels-L7160-A4.pdf": 2,
            },
        ),
        (
            ["--envelopes", "0", "--start-at", "21", "--outline"],
            {"0-handout-ru-A4.pdf": 1, "1-cards-A4.pdf": 2, "3-labels-L7160-A4-outlines.pdf": 2},
        ),
    ],
)
def test_the_pack_is_a_zip_of_one_pdf_per_paper(
    runner: FlaskCliRunner, tmp_path: Path, args: list[str], files: dict[str, int]
) -> None:
    out = tmp_path / "pack.zip"

    result = runner.invoke(args=["print", "pack", "--from", "DE", *args, "--out", str(out)])

    assert result.exit_code == 0, result.output
    pdfs = unzipped(out, tmp_path / "unzipped")
    assert {name: len(pages) for name, pages in pdfs.items()} == files
    assert list(pdfs) == sorted(files)  # in the order they are printed
    for name, pages in pdfs.items():
        assert len({(round(w), round(h)) for w, h, _text in pages}) == 1, name  # one paper each
    assert "Evening pack for 2 prisoner(s)" in result.stderr
    assert ", ".join(sorted(files)) in result.stderr


def test_the_pack_into_a_directory_for_the_ids_given(
    runner: FlaskCliRunner, tmp_path: Path, registry: dict[str, int]
) -> None:
    out = tmp_path / "evening"

    result = runner.invoke(
        args=[
            "print",
            "pack",
            "--prisoner",
            str(registry["pchelintsev"]),
            "--envelopes",
            "2",
            "--size",
            "C6",
            "--out-dir",
            str(out),
        ]
    )

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == [
        "0-handout-ru-A4.pdf",
        "1-cards-A4.pdf",
        "2-envelopes-C6.pdf",
        "3-labels-L7160-A4.pdf",
    ]
    envelopes = pages_of(out / "2-envelopes-C6.pdf")
    assert len(envelopes) == 2
    for width, height, text in envelopes:
        assert (width, height) == pytest.approx((162, 114), abs=TOLERANCE_MM)
        # A C6 is narrow: the name line wraps rather than shrink below 10 pt.
        assert HEADER_NAME in text.replace("\n", " ")
        assert "Postfach 12 34" in text
    assert len(pages_of(out / "1-cards-A4.pdf")) == 1


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "pack.pdf"], "write it to a .zip file"),
        ([], "Give either --out FILE.zip or --out-dir DIRECTORY"),
        (["--out", "pack.zip", "--out-dir", "pack"], "Give either --out FILE.zip or --out-dir"),
        (["--start-at", "22", "--out", "pack.zip"], "A L7160 sheet has labels 1 to 21"),
    ],
)
def test_the_pack_refuses_what_it_cannot_write_and_writes_nothing(
    runner: FlaskCliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(args=["print", "pack", *args])

    assert result.exit_code != 0
    assert message in " ".join(result.stderr.split())
    assert list(tmp_path.iterdir()) == []


def test_everyone_is_printed_in_name_order_when_loaded_a_batch_at_a_time(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a registry of thousands the command loads prisoners a batch at a time (peak memory
    stays flat); batches of two over five people lose and reorder nobody."""
    from letters.printing import services

    monkeypatch.setattr(services, "PRINT_BATCH", 2)
    facility = make_facility()
    for name in ("Дубов", "Авдеев", "Гусев", "Борисов", "Власов"):
        make_prisoner(facility, family_name=name, latin_name="")
    db.session.commit()
    out = tmp_path / "envelopes.pdf"
    result = runner.invoke(args=["print", "envelopes", "--out", str(out)])
    assert result.exit_code == 0, result.output
    order = [
        next(name for name in ("Авдеев", "Борисов", "Власов", "Гусев", "Дубов") if name in text)
        for text in texts_of(out)
    ]
    assert order == ["Авдеев", "Борисов", "Власов", "Гусев", "Дубов"]
