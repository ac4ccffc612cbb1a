"""``flask sources add|list|sync|remove``: following other groups' lists from the server, and
the nightly sync whose exit code tells cron to mail its output."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import make_prisoner
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from letters.extensions import db
from letters.models import AuditEntry, Prisoner, Source, SourceLink
from letters.sources.sync import SyncReport as Report


@pytest.fixture
def reports(monkeypatch: pytest.MonkeyPatch) -> dict[str, Report]:
    """Stands in for ``letters.sources.sync`` (no network): each source's report by name."""
    by_name: dict[str, Report] = {}

    def sync_source(source: Source) -> Report:
        return by_name.get(source.name, Report())

    monkeypatch.setattr("letters.sources.cli.sync_source", sync_source)
    return by_name


def sources() -> list[Source]:
    return list(db.session.scalars(select(Source).order_by(Source.id)))


def test_add_list_and_remove(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["sources", "add", "https://abc-moscow.example/", "--name", "ABC"])
    assert result.exit_code == 0, result.output
    [source] = sources()
    assert source.base_url == "https://abc-moscow.example"
    assert f"(#{source.id})" in result.output
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "source"))
    assert entry is not None
    assert entry.actor == "command line"

    result = runner.invoke(args=["sources", "list"])
    assert result.exit_code == 0
    assert "ABC\thttps://abc-moscow.example\tlast read: never" in result.output

    prisoner = make_prisoner()
    db.session.add(SourceLink(source_id=source.id, prisoner=prisoner, remote_id=7, seen="{}"))
    db.session.commit()
    result = runner.invoke(args=["sources", "remove", str(source.id)])
    assert result.exit_code == 0, result.output
    assert sources() == []
    assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 1


def test_an_invalid_or_repeated_url_is_an_error_naming_why(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["sources", "add", "not a url"])
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert sources() == []
    runner.invoke(args=["sources", "add", "https://abc.example"])
    again = runner.invoke(args=["sources", "add", "https://abc.example/"])
    assert again.exit_code == 1
    assert "followed already" in again.output


def test_removing_an_unknown_source_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["sources", "remove", "999"])
    assert result.exit_code == 1
    assert "#999" in result.output


def test_list_flags_a_source_not_read_for_a_week(runner: FlaskCliRunner) -> None:
    db.session.add(
        Source(
            base_url="https://stale.example",
            name="Stale",
            added_on=date.today() - timedelta(days=30),
            last_success_on=date.today() - timedelta(days=8),
        )
    )
    db.session.commit()
    result = runner.invoke(args=["sources", "list"])
    assert "not read for over a week" in result.output


def test_sync_all_prints_each_report_and_fails_when_a_source_failed(
    runner: FlaskCliRunner, reports: dict[str, Report]
) -> None:
    db.session.add_all(
        [Source(base_url="https://a.example", name="A"), Source(base_url="https://b.example")]
    )
    db.session.commit()
    reports["A"] = Report(new_people=2, changes=1, refused=[(5, "gender", "unknown value")])
    result = runner.invoke(args=["sources", "sync", "--all"])
    assert result.exit_code == 0, result.output
    assert "A: 2 new people, 1 change, 1 item refused." in result.output
    assert "Their person #5 was refused: gender: unknown value" in result.output
    assert "b.example: 0 new people" in result.output

    reports["A"] = Report(error="the response is not JSON")
    result = runner.invoke(args=["sources", "sync", "--all"])
    assert result.exit_code == 1
    assert "A: failed: the response is not JSON" in result.output
    assert "b.example: 0 new people" in result.output  # the others are still read


def test_sync_one_by_id_and_usage(runner: FlaskCliRunner, reports: dict[str, Report]) -> None:
    source = Source(base_url="https://a.example", name="A")
    db.session.add(source)
    db.session.commit()
    assert runner.invoke(args=["sources", "sync", str(source.id)]).exit_code == 0
    assert runner.invoke(args=["sources", "sync", "999"]).exit_code == 1
    assert runner.invoke(args=["sources", "sync"]).exit_code == 2
    assert runner.invoke(args=["sources", "sync", str(source.id), "--all"]).exit_code == 2
