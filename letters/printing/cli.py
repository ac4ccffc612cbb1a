"""``flask --app app print envelopes|sheets … --out FILE.pdf``, ``print pack … --out FILE.zip``
(or ``--out-dir DIR``).

Without ``--prisoner``, every listed prisoner whose facility is known is printed. A prisoner
named by id is printed even when unlisted: whoever runs these commands has the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..lookups import prisoners_by_id
from ..models import Prisoner
from ..settings.services import (
    HOME_COUNTRY_NEEDED,
    group_return_lines,
    group_settings,
    lacks_country,
)
from ..validation import FieldError
from . import services
from .envelopes import Envelope, render_envelopes
from .formats import ENVELOPES, LABEL_SHEETS, SHEETS
from .pack import PaperRun, paper_runs, render_pack_zip
from .sheets import render_letter_sheets

T = TypeVar("T")

printing = AppGroup("print", help="Print envelopes, letter sheets and evening packs as PDF.")

ABROAD = "abroad"

prisoner_option = click.option(
    "--prisoner",
    "prisoner_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="A prisoner's id; repeat for several. Default: every listed prisoner with a facility.",
)
envelope_size_option = click.option(
    "--size",
    type=click.Choice(list(ENVELOPES), case_sensitive=False),
    default="DL",
    show_default=True,
    help="Envelope format.",
)
posted_from_option = click.option(
    "--from",
    "posted_from",
    metavar="CC",
    default=None,
    help=f"Country code the letters are posted from, or '{ABROAD}'. "
    "Default: the group's home country.",
)
no_return_option = click.option(
    "--no-return", is_flag=True, help="Print no return address (default: the group's address)."
)
out_option = click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The PDF file to write.",
)


@printing.command("envelopes")
@envelope_size_option
@posted_from_option
@prisoner_option
@no_return_option
@out_option
def envelopes_command(
    size: str,
    posted_from: str | None,
    prisoner_ids: tuple[int, ...],
    no_return: bool,
    out: Path,
) -> None:
    """One envelope per prisoner."""
    ids = _chosen_ids(prisoner_ids)
    _require_addresses(services.each_prisoner(ids))
    country = _country(posted_from)
    lines, home = _group_return(no_return)

    def envelopes() -> Iterator[tuple[Prisoner, Envelope]]:
        # Prisoners loaded a batch at a time and envelopes made as they are checked or
        # drawn, never held in a list: ReportLab already keeps a few KB per page until save.
        return (
            (p, services.envelope_for(p, country, lines, home)) for p in services.each_prisoner(ids)
        )

    _require_fit(lambda: services.check_envelopes_fit(envelopes(), size))
    pages = _write(
        out,
        lambda stream: render_envelopes((e for _p, e in envelopes()), size.upper(), stream),
    )
    click.echo(
        _(
            "%(count)s envelope(s) (%(size)s) for %(prisoners)s prisoner(s) written to "
            "%(file)s: %(pages)s page(s).",
            count=len(ids),
            size=size.upper(),
            prisoners=len(ids),
            file=str(out),
            pages=pages,
        ),
        err=True,
    )


@printing.command("sheets")
@click.option(
    "--size",
    type=click.Choice(list(SHEETS), case_sensitive=False),
    default="A4",
    show_default=True,
    help="Paper.",
)
@prisoner_option
@click.option(
    "--fold",
    type=click.Choice([*ENVELOPES, "none"], case_sensitive=False),
    default=None,
    help="Fold marks for this envelope (default: DL on A4, US10 on Letter; 'none' for none).",
)
@click.option(
    "--pages",
    type=click.IntRange(1, services.MAX_RULED_PAGES),
    default=1,
    show_default=True,
    help="Ruled pages per prisoner.",
)
@click.option(
    "--reply", is_flag=True, help="Add a blank reply sheet where the facility allows paper."
)
@out_option
def sheets_command(
    size: str,
    prisoner_ids: tuple[int, ...],
    fold: str | None,
    pages: int,
    reply: bool,
    out: Path,
) -> None:
    """Ruled letter sheets for handwriting, the prisoner's name and number on every page."""
    size = size.upper()
    prisoners = _chosen(prisoner_ids)
    fold_for = services.DEFAULT_FOLD[size] if fold is None else fold.upper()
    sheets = [
        services.letter_sheet_for(
            p, None, None if fold_for == "NONE" else fold_for, reply, ruled_pages=pages
        )
        for p in prisoners
    ]
    written = _write(out, lambda stream: render_letter_sheets(sheets, size, stream))
    click.echo(
        _(
            "Letter sheets (%(size)s) for %(prisoners)s prisoner(s) written to %(file)s: "
            "%(pages)s page(s).",
            size=size,
            prisoners=len(prisoners),
            file=str(out),
            pages=written,
        ),
        err=True,
    )


@printing.command("pack")
@prisoner_option
@click.option(
    "--envelopes",
    "envelopes_per_prisoner",
    type=click.IntRange(0, services.MAX_ENVELOPES_PER_PRISONER),
    default=1,
    show_default=True,
    metavar="N",
    help="Envelopes per prisoner.",
)
@envelope_size_option
@posted_from_option
@click.option(
    "--labels",
    "label_sheet",
    type=click.Choice(list(LABEL_SHEETS), case_sensitive=False),
    default="L7160",
    show_default=True,
    help="Address label sheet (cards and handouts print on the same paper).",
)
@click.option(
    "--start-at",
    type=int,
    default=1,
    show_default=True,
    metavar="K",
    help="First free label on a part-used sheet, counted along the rows from the top left.",
)
@click.option(
    "--outline",
    is_flag=True,
    help="Draw each label's outline, for a test print on plain paper held against a sheet.",
)
@no_return_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The zip file to write, holding one PDF per paper.",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Or: a directory to write the PDFs into, one per paper (created if missing).",
)
def pack_command(
    prisoner_ids: tuple[int, ...],
    envelopes_per_prisoner: int,
    size: str,
    posted_from: str | None,
    label_sheet: str,
    start_at: int,
    outline: bool,
    no_return: bool,
    out: Path | None,
    out_dir: Path | None,
) -> None:
    """An evening pack in paper runs: a handout per language, a card per prisoner, N envelopes
    each and an address label each, as one PDF per paper (in a zip, or in a directory)."""
    if (out is None) == (out_dir is None):
        raise click.UsageError(
            _("Give either --out FILE.zip or --out-dir DIRECTORY: the pack is a PDF per paper.")
        )
    if out is not None and out.suffix.lower() != ".zip":
        raise click.BadParameter(
            _(
                "The pack is one PDF per paper, so a printer never changes paper mid-job: write "
                "it to a .zip file, or into a directory with --out-dir."
            ),
            param_hint="--out",
        )
    label_sheet = label_sheet.upper()
    try:
        services.check_start_at(label_sheet, start_at)
    except FieldError as exc:
        raise click.BadParameter(str(exc), param_hint="--start-at") from None
    prisoners = _chosen(prisoner_ids)
    _require_addresses(prisoners)
    lines, home = _group_return(no_return)
    pack = _require_fit(
        lambda: services.evening_pack_for(
            prisoners,
            envelopes_per_prisoner=envelopes_per_prisoner,
            envelope_size=size,
            posted_from=_country(posted_from),
            label_sheet=label_sheet,
            start_at=start_at,
            return_lines=lines,
            return_country=home,
            label_outlines=outline,
        )
    )
    if out_dir is not None:
        names = _write_runs(out_dir, paper_runs(pack))
        where = str(out_dir)
    elif out is not None:
        names = []

        def write_zip(stream: BinaryIO) -> int:
            names.extend(render_pack_zip(pack, stream))
            return len(names)

        _write(out, write_zip)
        where = str(out)
    click.echo(
        _(
            "Evening pack for %(prisoners)s prisoner(s) (%(count)s envelope(s), %(size)s; "
            "labels on %(labels)s) written to %(where)s: %(files)s.",
            prisoners=len(prisoners),
            count=len(pack.envelopes),
            size=pack.envelope_size,
            labels=label_sheet,
            where=where,
            files=", ".join(names),
        ),
        err=True,
    )


# --- helpers ----------------------------------------------------------------------------------


def _chosen(prisoner_ids: Sequence[int]) -> list[Prisoner]:
    """The prisoners named, or everyone printable; a clear error for an unknown id or none."""
    if prisoner_ids:
        try:
            return prisoners_by_id(prisoner_ids)
        except LookupError as exc:
            raise click.ClickException(str(exc.args[0])) from None
    prisoners = services.listed_printable_prisoners()
    if not prisoners:
        raise click.ClickException(
            _("Nothing to print: no listed prisoner has a known facility yet.")
        )
    return prisoners


def _chosen_ids(prisoner_ids: Sequence[int]) -> list[int]:
    """``_chosen``, as ids: the prisoners are loaded a batch at a time when printed."""
    if prisoner_ids:
        return [p.id for p in _chosen(prisoner_ids)]
    ids = services.listed_printable_ids()
    if not ids:
        raise click.ClickException(
            _("Nothing to print: no listed prisoner has a known facility yet.")
        )
    return ids


def _require_addresses(prisoners: Iterable[Prisoner]) -> None:
    try:
        services.require_addresses(prisoners)
    except services.NoAddressError as exc:
        raise click.ClickException(str(exc)) from None


def _require_fit(check: Callable[[], T]) -> T:
    """Run ``check``; if anything would print too small, stop before a byte is written, with
    one line per prisoner (exit code 1)."""
    try:
        return check()
    except services.DoesNotFitError as exc:
        raise click.ClickException(
            "\n".join([_("Nothing was written:"), *(f"- {m}" for m in exc.messages)])
        ) from None


def _country(value: str | None) -> str | None:
    """``--from``: a country code, ``abroad``, or nothing for the group's home country."""
    if value is None or not value.strip():
        value = group_settings().home_country
    elif value.strip().lower() == ABROAD:
        return None
    try:
        return services.posted_from_code(value)
    except FieldError as exc:
        raise click.BadParameter(str(exc), param_hint="--from") from None


def _group_return(no_return: bool) -> tuple[tuple[str, ...], str]:
    """The group's return address and the country it is in; a warning on stderr when it has
    none (settings stored before the country was asked for): mail abroad then cannot come
    back."""
    if no_return:
        return (), ""
    settings = group_settings()
    lines = group_return_lines(settings)
    if lacks_country(lines, settings.home_country):
        click.echo(str(HOME_COUNTRY_NEEDED), err=True)
    return lines, settings.home_country


def _write_runs(directory: Path, runs: Sequence[PaperRun]) -> list[str]:
    """Each run as a PDF of its own in ``directory``, each written whole or not at all."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(
            _("Cannot write %(file)s: %(reason)s", file=str(directory), reason=exc.strerror)
        ) from None
    for run in runs:
        _write(directory / run.filename, run.render)
    return [run.filename for run in runs]


def _write(out: Path, render: Callable[[BinaryIO], int]) -> int:
    """Render into a file beside ``out``, then rename: a failed run leaves no half-written PDF
    under the name a coordinator would print from."""
    partial_file = out.with_name(f".{out.name}.part")
    try:
        with partial_file.open("wb") as stream:
            pages = render(stream)
        partial_file.replace(out)
    except OSError as exc:
        raise click.ClickException(
            _("Cannot write %(file)s: %(reason)s", file=str(out), reason=exc.strerror)
        ) from None
    finally:
        partial_file.unlink(missing_ok=True)
    return pages
