"""A consistent, portable copy of every table, and putting one back into an empty database.

The copy is logical (every row of every table as JSON lines, gzip-compressed), read in one
read-only transaction: on SQLite a snapshot under WAL, on PostgreSQL ``REPEATABLE READ``, so a
letter counted while the backup runs is either wholly in it or not at all. A logical copy
rather than ``pg_dump`` or SQLite's file: it needs no server tools of a matching version, it
restores into either database (a group moving from a laptop's SQLite to a server's PostgreSQL
restores its SQLite backup there), and it is checked row by row as it goes back.

Layout: a header line (format, version, the migration the schema was at, the day it was made,
each table's row count), then per table a line naming it and its columns, then its rows as JSON
arrays in primary-key order. Values are JSON as they are, dates and times in ISO form.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from alembic.migration import MigrationContext
from flask_babel import gettext as _
from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.engine import Engine

from ..extensions import db

FORMAT = "letters-backup"
VERSION = 1
#: Rows read from and written to the database at a time.
BATCH = 2000
#: Tables that may hold rows in a database fit to restore into: what a new install seeds.
#: Anything in the others (an account, a prisoner, a letter) means the database is in use.
SEEDED = frozenset({"guideline_sections", "letter_templates", "phrases", "avoid_terms"})


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why, for the console."""


def tables() -> list[Table]:
    """Every table of the app, parents before children (the order rows go back in)."""
    return list(db.metadata.sorted_tables)


def migration_of(connection: Connection) -> str:
    heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) != 1:
        raise BackupError(
            _(
                "The database is not at one migration (heads: %(heads)s).",
                heads=", ".join(heads) or "-",
            )
        )
    return heads[0]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum member: its stored value
        return value.value
    if isinstance(value, bytes | memoryview):  # photos of actions: JSON holds no bytes
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def write_snapshot(engine: Engine, out: IO[bytes], today: date | None = None) -> dict[str, int]:
    """Write every table to ``out`` (gzip of JSON lines); returns each table's row count."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        # One transaction for every read below: the copy is of one moment.
        counts = {
            table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in tables()
        }
        header = {
            "format": FORMAT,
            "version": VERSION,
            "migration": migration_of(connection),
            "made_on": (today or date.today()).isoformat(),  # the day: no finer
            "tables": counts,
        }
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed:
            text_out = io.TextIOWrapper(packed, encoding="utf-8", newline="\n")
            text_out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for table in tables():
                columns = [column.name for column in table.columns]
                meta = {"table": table.name, "columns": columns}
                text_out.write(json.dumps(meta, ensure_ascii=False) + "\n")
                query = (
                    select(*table.columns)
                    .order_by(*table.primary_key.columns)
                    .execution_options(yield_per=BATCH)
                )
                for row in connection.execute(query):
                    cells = [_json_value(value) for value in row]
                    text_out.write(json.dumps(cells, ensure_ascii=False) + "\n")
            text_out.flush()
            text_out.detach()
        connection.rollback()
    return counts


def _lines(packed: IO[bytes]) -> Iterator[Any]:
    try:
        with gzip.GzipFile(fileobj=packed, mode="rb") as unpacked:
            for number, line in enumerate(io.TextIOWrapper(unpacked, encoding="utf-8"), 1):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BackupError(
                        _("Line %(line)s of the backup is not JSON.", line=number)
                    ) from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise BackupError(_("The backup is damaged or not a backup.")) from exc


def _converter(table: Table, name: str) -> Any:
    """How a JSON cell becomes the column's Python value."""
    column = table.columns[name]
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return lambda value: value
    if kind is datetime:
        return lambda value: None if value is None else datetime.fromisoformat(value)
    if kind is date:
        return lambda value: None if value is None else date.fromisoformat(value)
    if kind is bytes:
        return lambda value: None if value is None else base64.b64decode(value)
    if hasattr(column.type, "enum_class") and column.type.enum_class is not None:
        enum_class = column.type.enum_class
        return lambda value: None if value is None else enum_class(value)
    return lambda value: value


def database_in_use(connection: Connection) -> list[str]:
    """The tables, other than those a new install seeds, that hold rows."""
    return [
        table.name
        for table in tables()
        if table.name not in SEEDED and connection.scalar(select(func.count()).select_from(table))
    ]


def restore_snapshot(engine: Engine, packed: IO[bytes]) -> dict[str, int]:
    """Put a snapshot back into a database that holds nothing but a new install's seeds, at the
    snapshot's migration. All or nothing: one transaction. Returns each table's row count."""
    lines = _lines(packed)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(_("This is not a letters backup."))
    if header.get("version") != VERSION:
        raise BackupError(
            _("Backup format version %(version)s is not supported.", version=header.get("version"))
        )
    known = {table.name: table for table in tables()}
    with engine.begin() as connection:
        current = migration_of(connection)
        if header["migration"] != current:
            raise BackupError(
                _(
                    "The backup was made at migration %(made)s and this database is at "
                    "%(current)s: restore it with the version of letters that made it, then "
                    "upgrade.",
                    made=header["migration"],
                    current=current,
                )
            )
        busy = database_in_use(connection)
        if busy:
            raise BackupError(
                _(
                    "The database already holds data (%(tables)s): restore only into a new, "
                    "empty database.",
                    tables=", ".join(busy),
                )
            )
        for table in reversed(tables()):  # children first
            connection.execute(table.delete())
        counts = _insert_rows(connection, lines, known)
        expected = {name: int(count) for name, count in header["tables"].items()}
        if counts != expected:
            raise BackupError(_("The backup is incomplete: rows are missing."))
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection)
    return counts


def _insert_rows(
    connection: Connection, lines: Iterator[Any], known: dict[str, Table]
) -> dict[str, int]:
    counts = {name: 0 for name in known}
    table: Table | None = None
    columns: list[str] = []
    converters: list[Any] = []
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if table is not None and batch:
            connection.execute(insert(table), batch)
            batch.clear()

    for item in lines:
        if isinstance(item, dict):
            flush()
            name = item.get("table")
            if name not in known:
                raise BackupError(
                    _("The backup has a table this version does not know: %(table)s", table=name)
                )
            table = known[name]
            columns = list(item["columns"])
            missing = set(columns) ^ {column.name for column in table.columns}
            if missing:
                raise BackupError(
                    _("The columns of %(table)s differ from this version's.", table=name)
                )
            converters = [_converter(table, column) for column in columns]
            continue
        if table is None or not isinstance(item, list) or len(item) != len(columns):
            raise BackupError(_("The backup has a row out of place."))
        batch.append(
            {
                column: convert(value)
                for column, convert, value in zip(columns, converters, item, strict=True)
            }
        )
        counts[table.name] += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return counts


def _advance_sequences(connection: Connection) -> None:
    """Rows went back with their ids; each id sequence continues after the largest one."""
    for table in tables():
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence:
                connection.execute(
                    text(
                        f"SELECT setval(:sequence, COALESCE((SELECT MAX({column.name}) "  # noqa: S608 - our own table and column names
                        f"FROM {table.name}), 0) + 1, false)"
                    ),
                    {"sequence": sequence},
                )
