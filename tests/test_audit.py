"""The audit trail: every change to the registry, its aids, settings and accounts is kept with
who, when (to the minute) and each field's old → new value, in the change's own transaction;
never a visitor, never a secret; read only, by admins (and by coordinators on a prisoner's
page); and address changes by someone other than their creator reach the dashboard."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    AuthActions,
    csrf_token,
    csv_bytes,
    csv_row,
    make_facility,
    make_person,
    make_prisoner,
)
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from letters.audit import recording, services
from letters.audit.fields import FIELD_LABELS, field_label, value_label
from letters.audit.recording import (
    AUDITED,
    AuditTrailIsAppendOnly,
    acting_as,
    audit_context,
    record_event,
)
from letters.auth.first_run import make_setup_token
from letters.auth.services import create_user
from letters.csv_io.services import import_csv
from letters.drafting import services as drafting
from letters.extensions import db
from letters.facilities.forms import FacilityForm
from letters.mail.services import report_address, resolve_report
from letters.models import (
    AddressHistoryEntry,
    AuditEntry,
    Campaign,
    Facility,
    Prisoner,
    Role,
    User,
)
from letters.prisoners.services import transfer_prisoner

# --- helpers ----------------------------------------------------------------------------------


def entries(**where: Any) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def changes(entry: AuditEntry) -> dict[str, tuple[str, str]]:
    return {name: (old, new) for name, old, new in json.loads(entry.changes)}


def account_id(email: str) -> int:
    user = db.session.scalars(select(User).where(User.email == email)).one()
    return int(user.id)


def facility_form(facility: Facility, **fields: str) -> dict[str, Any]:
    data = {k: ("" if v is None else v) for k, v in FacilityForm.initial_data(facility).items()}
    return {**data, **fields}


def prisoner_form(prisoner: Prisoner, **fields: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "family_name": prisoner.family_name,
        "given_names": prisoner.given_names,
        "patronymic": prisoner.patronymic,
        "latin_name": prisoner.latin_name,
        "gender": "",
        "birth": str(prisoner.birth_year or ""),
        "prisoner_number": prisoner.prisoner_number,
        "unit": prisoner.unit,
        "status": prisoner.status.value,
        "release_date": "",
        "languages": "ru",
        "language_notes": "",
        "interests": "",
        "bio": "",
        "is_listed": "y",
        "envelope_name": "",
    }
    data.update(fields)
    return data


def post(client: FlaskClient, path: str, data: dict[str, Any], form_page: str) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_page)})


# --- what is recorded -------------------------------------------------------------------------


def test_a_coordinators_prisoner_edit_is_recorded_with_who_and_old_and_new(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    page = f"/manage/prisoners/{prisoner.id}/edit"

    response = post(client, page, prisoner_form(prisoner, prisoner_number="A-17"), page)

    assert response.status_code == 302
    (entry,) = entries(entity="prisoner", action="changed")
    assert entry.entity_id == entry.prisoner_id == prisoner.id
    assert entry.account_id == account_id("coord@example.org")
    assert entry.actor == "account"
    assert changes(entry)["prisoner_number"] == ("", "A-17")
    assert "search_text" not in changes(entry)
    assert "updated_at" not in changes(entry)
    assert entry.address_change  # the number is part of the address on many envelopes


def test_a_facility_address_edit_records_the_old_and_new_street(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility = make_facility()
    db.session.commit()
    page = f"/manage/facilities/{facility.id}/edit"

    response = post(client, page, facility_form(facility, street_address="ул. Ленина, 1"), page)

    assert response.status_code == 302
    (entry,) = entries(entity="facility", action="changed")
    assert entry.entity_id == facility.id
    assert changes(entry) == {"street_address": ("ул. Каракозова, 30", "ул. Ленина, 1")}
    assert entry.address_change
    assert entry.prisoner_id is None


def test_a_facility_edit_that_is_not_its_address_is_no_address_change(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility = make_facility()
    db.session.commit()
    page = f"/manage/facilities/{facility.id}/edit"

    post(client, page, facility_form(facility, restrictions="No postcards."), page)

    (entry,) = entries(entity="facility", action="changed")
    assert changes(entry) == {"restrictions": ("", "No postcards.")}
    assert not entry.address_change


def test_a_transfer_is_one_entry_with_the_new_facility_by_name_and_the_history(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    old_facility = prisoner.facility
    assert old_facility is not None
    ik7 = make_facility(name="ИК-7", postal_code="440000")
    db.session.commit()
    before = entry_count()
    page = f"/manage/prisoners/{prisoner.id}/transfer"

    response = post(
        client, page, {"facility_id": ik7.id, "on": "2024-05-01", "unit": "", "note": "étap"}, page
    )

    assert response.status_code == 302
    assert entry_count() == before + 1
    (entry,) = entries(entity="prisoner", action="changed")
    assert entry.context == "transfer"
    assert entry.address_change
    fields = changes(entry)
    assert fields["facility"] == (f"{old_facility.name} (#{old_facility.id})", f"ИК-7 (#{ik7.id})")
    assert fields["address history: ended_on"] == ("", "2024-05-01")
    assert fields["address history: started_on"] == ("", "2024-05-01")
    assert fields["address history: note"] == ("", "étap")
    assert fields["address history: facility"] == ("", f"ИК-7 (#{ik7.id})")


def test_a_csv_import_makes_one_entry_per_changed_prisoner(app: Flask) -> None:
    first = import_csv(csv_bytes(csv_row(), csv_row(family_name="Петрова", given_names="Ольга")))
    assert first.created == 2
    created = entries(entity="prisoner", action="created")
    assert [e.context for e in created] == ["CSV import", "CSV import"]
    assert all(e.actor == "command line" and e.account_id is None for e in created)
    names = sorted(changes(e)["family_name"][1] for e in created)
    assert names == ["Иванова", "Петрова"]
    # The first stay is part of the prisoner's entry, not an entry of its own.
    assert "address history: facility" in changes(created[0])
    assert entries(entity="address history") == []

    # Again, with one person moved to a new facility and one unchanged: one entry, the move.
    before = entry_count()
    moved = csv_row(facility="ИК-7", street_address="ул. Ленина, 1", postal_code="440000")
    second = import_csv(
        csv_bytes(
            moved, csv_row(family_name="Петрова", given_names="Ольга"), csv_row(family_name="Новая")
        )
    )
    assert (second.created, second.updated, second.transferred, second.unchanged) == (1, 1, 1, 1)
    new = entries()[before:]
    kinds = sorted((e.entity, e.action) for e in new)
    assert kinds == [("facility", "created"), ("prisoner", "changed"), ("prisoner", "created")]
    assert all(e.context == "CSV import" for e in new)
    (change,) = [e for e in new if e.action == "changed"]
    (ivanova,) = [e for e in created if changes(e)["family_name"][1] == "Иванова"]
    assert change.prisoner_id == ivanova.prisoner_id
    assert change.address_change
    assert changes(change)["facility"][1].startswith("ИК-7 (#")
    assert changes(change)["address history: note"] == ("", "Moved by CSV import")


def test_importing_the_same_file_twice_adds_no_entry(app: Flask) -> None:
    data = csv_bytes(csv_row())
    import_csv(data)
    before = entry_count()
    assert import_csv(data).unchanged == 1
    assert entry_count() == before


def test_unlisting_and_listing_again_are_recorded(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    page = f"/manage/prisoners/{prisoner.id}/edit"

    post(client, f"/manage/prisoners/{prisoner.id}/unlist", {}, page)
    post(client, f"/manage/prisoners/{prisoner.id}/relist", {}, page)

    unlisted, listed = entries(entity="prisoner", action="changed")
    assert (unlisted.context, changes(unlisted)) == ("unlisting", {"is_listed": ("true", "false")})
    assert (listed.context, changes(listed)) == ("listing", {"is_listed": ("false", "true")})


def test_a_campaign_edit_records_its_fields_and_the_people_added_and_removed(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    anna, boris = make_person("Анна"), make_person("Борисов")
    campaign = Campaign(name="Evening", prisoners=[anna])
    db.session.add(campaign)
    db.session.commit()
    page = f"/manage/campaigns/{campaign.id}/edit"
    data = {
        "kind": "evening",
        "name": "Solidarity evening",
        "starts_on": "",
        "ends_on": "",
        "goal": "",
        "report_note": "",
        "prisoner_ids": [boris.id],
    }

    response = post(client, page, data, page)

    assert response.status_code == 302
    (entry,) = entries(entity="campaign", action="changed")
    assert entry.entity_id == campaign.id
    recorded = json.loads(entry.changes)
    assert ["name", "Evening", "Solidarity evening"] in recorded
    assert ["prisoners", f"A Анна (#{anna.id})", ""] in recorded
    assert ["prisoners", "", f"A Борисов (#{boris.id})"] in recorded


def test_letters_recorded_by_a_coordinator_are_recorded_with_the_prisoner(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    page = f"/manage/prisoners/{prisoner.id}/edit"

    post(
        client,
        f"/manage/prisoners/{prisoner.id}/letters",
        {"letters": "12", "sent_on": "2026-01-10", "campaign_id": ""},
        page,
    )

    (entry,) = entries(entity="letters")
    assert entry.prisoner_id == prisoner.id
    assert entry.account_id == account_id("coord@example.org")
    assert changes(entry) == {
        "sent_on": ("", "2026-01-10"),
        "letters": ("", "12"),
        "via": ("", "coordinator"),
    }


def test_replies_returns_and_resolving_a_report_are_recorded_but_not_the_report(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    prisoner = make_prisoner()
    report = report_address(prisoner, "They were moved last week, my friend says.")
    db.session.commit()
    assert entries(entity="address report") == []  # a report is the visitor's, never audited
    auth.create_and_login()
    page = f"/manage/prisoners/{prisoner.id}/edit"

    post(
        client,
        f"/manage/prisoners/{prisoner.id}/mail/returned",
        {"on": "2026-01-10", "reason": "moved", "note": ""},
        page,
    )
    resolve_report(report)  # from the command line
    db.session.commit()

    (mail,) = entries(entity="mail")
    assert mail.prisoner_id == prisoner.id
    assert changes(mail)["kind"] == ("", "returned")
    flagged = entries(entity="prisoner", action="changed")[-1]
    assert changes(flagged)["address_needs_checking"] == ("false", "true")
    (resolved,) = entries(entity="address report")
    assert changes(resolved) == {"resolved": ("false", "true")}
    assert "friend" not in resolved.changes


def test_a_writing_aid_change_is_recorded(app: Flask) -> None:
    phrase = drafting.save_phrase(None, drafting.PhraseData("Держись!", "Hold on!"))
    db.session.commit()
    drafting.save_phrase(phrase, drafting.PhraseData("Держись!", "Stay strong!"))
    db.session.commit()
    drafting.delete_phrase(phrase)
    db.session.commit()

    created, changed, deleted = entries(entity="phrase")
    assert [e.action for e in (created, changed, deleted)] == ["created", "changed", "deleted"]
    assert changes(changed) == {"english": ("Hold on!", "Stay strong!")}
    assert changes(deleted)["russian"] == ("Держись!", "")


def test_the_groups_settings_are_recorded(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)

    post(
        client,
        "/manage/settings",
        {"group_name": "ABC Penza", "return_address": "PO Box 1\nBerlin", "home_country": "DE"},
        "/manage/settings",
    )

    (entry,) = entries(entity="settings")
    assert changes(entry)["group_name"] == ("", "ABC Penza")
    assert changes(entry)["home_country"][1] == "DE"


def test_an_account_change_is_recorded_without_its_password_or_secret(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    (created,) = entries(entity="account", action="created")
    assert created.actor == "command line"
    assert changes(created)["password"] == ("", "set")
    user = db.session.scalars(select(User)).one()
    old_hash = user.password_hash

    post(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "another horse battery staple",
            "confirm": "another horse battery staple",
        },
        "/account/password",
    )
    db.session.refresh(user)
    assert user.password_hash != old_hash
    user.second_factor_secret = "JBSWY3DPEHPK3PXP"
    user.second_factor_last_step = 123
    user.role = Role.ADMIN
    db.session.commit()

    changed = entries(entity="account", action="changed")
    assert changes(changed[0]) == {"password": ("", "changed")}
    assert changed[0].account_id == user.id
    assert changes(changed[1]) == {
        "role": ("coordinator", "admin"),
        "second factor": ("off", "on"),
    }
    everything = " ".join(e.changes for e in entries())
    assert old_hash not in everything
    assert user.password_hash not in everything
    assert "JBSWY3DPEHPK3PXP" not in everything
    assert "last_login" not in everything


def test_no_spec_records_a_hash_a_secret_or_derived_columns() -> None:
    for cls, spec in AUDITED.items():
        columns = set(spec.columns(cls))
        assert not {"search_text", "created_at", "updated_at", "id"} & columns, cls
        hidden = {c for c in columns if c.endswith(("_hash", "_secret"))}
        assert hidden <= set(spec.secret) | set(spec.on_off), cls
    assert "token_hash" not in AUDITED[recording.Invitation].columns(recording.Invitation)
    assert "second_factor_last_step" not in AUDITED[User].columns(User)


def test_every_field_a_spec_records_has_a_translatable_label(app: Flask) -> None:
    recorded = set()
    for cls, spec in AUDITED.items():
        recorded |= {spec.label(column) for column in spec.columns(cls)}
        recorded |= set(spec.collections)
    parts = {part for name in recorded for part in name.split(": ")}
    assert parts - set(FIELD_LABELS) == set()
    assert field_label("address history: unit") == "Address history: Unit"
    with force_locale("ru"):
        assert field_label("street_address") != "Street address"
        assert app.jinja_env.globals["audit_who"](AuditEntry(actor="command line")) != (
            "command line"
        )
    # Yes/no tokens are shown as words; what someone typed is shown as typed.
    assert value_label("is_listed", "false") == "no"
    assert value_label("address history: note", "false") == "false"
    assert value_label("bio", "true") == "true"


# --- who --------------------------------------------------------------------------------------


def test_a_visitor_records_nothing(app: Flask, client: FlaskClient) -> None:
    prisoner = make_prisoner()
    db.session.commit()
    before = entry_count()
    page = f"/prisoners/{prisoner.id}"

    sent = post(client, f"/prisoners/{prisoner.id}/sent", {"back": "profile"}, page)
    reported = post(
        client, f"/prisoners/{prisoner.id}/report-address", {"message": "Wrong city."}, page
    )

    assert sent.status_code == reported.status_code == 302
    assert entry_count() == before


def test_a_command_is_recorded_as_the_command_line(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    (entry,) = entries(entity="account")
    assert (entry.actor, entry.account_id) == ("command line", None)


def test_acting_as_names_an_account_even_in_an_anonymous_request(app: Flask) -> None:
    user = create_user("new@example.org", PASSWORD)
    db.session.flush()
    before = entry_count()
    with app.test_request_context("/", method="POST"):
        record_event("account", user.id, "nobody")  # an anonymous visitor: nothing
        with acting_as(user):
            record_event("account", user.id, "recovery code used")
            user.email = "renamed@example.org"
    db.session.flush()
    event, change = entries()[before:]
    assert (event.action, event.account_id, event.actor) == (
        "recovery code used",
        user.id,
        "account",
    )
    assert (change.action, change.account_id) == ("changed", user.id)
    assert changes(change) == {"email": ("new@example.org", "renamed@example.org")}


def test_acting_as_a_new_account_names_it_once_it_has_an_id(app: Flask) -> None:
    # The first admin, or an invitation accepted: the account does not exist before the flush.
    new = User(email="first@example.org", password_hash="x", role=Role.ADMIN)
    with app.test_request_context("/", method="POST"), acting_as(new):
        db.session.add(new)
        record_event("account", None, "first admin")
    created, event = sorted(entries()[-2:], key=lambda e: e.action != "created")
    assert (created.entity, created.action, created.account_id) == ("account", "created", new.id)
    assert (event.action, event.account_id) == ("first admin", new.id)


def test_the_outermost_context_names_the_work(app: Flask) -> None:
    prisoner = make_prisoner()
    ik7 = make_facility(name="ИК-7", postal_code="440000")
    with audit_context("CSV import"):
        transfer_prisoner(prisoner, ik7)
    db.session.commit()
    assert entries(entity="prisoner")[-1].context == "CSV import"


# --- the same transaction ---------------------------------------------------------------------


def test_a_change_that_fails_leaves_no_entry(app: Flask) -> None:
    prisoner = make_prisoner()
    db.session.commit()
    before = entry_count()

    prisoner.family_name = "Другой"
    db.session.add(Campaign(name="Broken", goal=0))  # the check constraint refuses it
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    assert entry_count() == before
    assert db.session.get(Prisoner, prisoner.id).family_name == "Пчелинцев"  # type: ignore[union-attr]


def test_a_request_that_fails_after_the_change_leaves_no_entry(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    before = entry_count()
    page = f"/manage/prisoners/{prisoner.id}/edit"
    token = csrf_token(client, page)

    def flush_then_fail() -> None:
        db.session.flush()  # the entry is written ...
        raise RuntimeError("the server fell over")  # ... and the request never commits

    monkeypatch.setattr(db.session, "commit", flush_then_fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post(
        page, data={**prisoner_form(prisoner, unit="Отряд 3"), "csrf_token": token}
    )
    monkeypatch.undo()

    assert response.status_code == 500
    assert entry_count() == before
    db.session.expire_all()
    assert db.session.get(Prisoner, prisoner.id).unit == ""  # type: ignore[union-attr]


def test_a_change_is_never_stored_without_its_entry(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    prisoner = make_prisoner()
    db.session.commit()

    def refuse(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(recording, "_insert_entries", refuse)
    prisoner.family_name = "Другой"
    with pytest.raises(RuntimeError, match="disk full"):
        db.session.commit()
    db.session.rollback()
    monkeypatch.undo()

    db.session.expire_all()
    assert db.session.get(Prisoner, prisoner.id).family_name == "Пчелинцев"  # type: ignore[union-attr]


def test_an_import_is_never_stored_without_its_entries(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(recording, "_insert_entries", refuse)
    with pytest.raises(RuntimeError, match="disk full"):
        import_csv(csv_bytes(csv_row()))
    monkeypatch.undo()

    assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 0
    assert db.session.scalar(select(func.count()).select_from(AddressHistoryEntry)) == 0


# --- append only ------------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted_through_the_session(app: Flask) -> None:
    make_prisoner()
    db.session.commit()
    entry = entries()[-1]

    entry.changes = "[]"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    db.session.delete(entries()[-1])
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(changes="[]"),
        delete(AuditEntry),
        update(AuditEntry.__table__).values(actor="nobody"),
        delete(AuditEntry.__table__),
    ],
)
def test_bulk_updates_and_deletes_of_entries_are_refused(app: Flask, statement: Any) -> None:
    make_prisoner()
    db.session.commit()
    before = entry_count()
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert entry_count() == before


def test_the_trail_has_no_route_that_changes_it(app: Flask) -> None:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert {r.rule for r in rules} == {"/manage/audit", "/manage/audit.csv"}
    for rule in rules:
        assert (rule.methods or set()) <= {"GET", "HEAD", "OPTIONS"}


# --- time -------------------------------------------------------------------------------------


def test_entries_are_kept_to_the_minute(app: Flask) -> None:
    make_prisoner()
    record_event("account", None, "sessions ended")
    db.session.commit()
    for entry in entries():
        assert (entry.at.second, entry.at.microsecond) == (0, 0)
    stored = db.session.execute(select(AuditEntry.__table__.c.at)).scalars().all()
    assert all(value.second == 0 and value.microsecond == 0 for value in stored)


# --- the admins' pages ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/manage/audit", "/manage/audit.csv"])
def test_the_audit_trail_is_for_admins_only(
    app: Flask, client: FlaskClient, auth: AuthActions, path: str
) -> None:
    assert client.get(path).status_code == 302  # to the login page
    auth.create_and_login()
    assert client.get(path).status_code == 403
    auth.logout()
    auth.create_and_login("admin@example.org", Role.ADMIN)
    assert client.get(path).status_code == 200


def test_the_admin_sees_old_and_new_values_and_who(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    facility = make_facility()
    db.session.commit()
    page = f"/manage/facilities/{facility.id}/edit"
    post(client, page, facility_form(facility, street_address="ул. Ленина, 1"), page)

    html = client.get("/manage/audit").get_data(as_text=True)

    assert "<del>ул. Каракозова, 30</del>" in html
    assert "<ins>ул. Ленина, 1</ins>" in html
    assert "admin@example.org" in html
    assert "address changed" in html
    assert 'href="/manage/audit"' in client.get("/manage/dashboard").get_data(as_text=True)


def test_the_trail_filters_by_prisoner_account_and_days(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    anna = make_person("Анна")
    boris = make_person("Борисов")
    db.session.commit()
    page = f"/manage/prisoners/{anna.id}/edit"
    post(client, page, prisoner_form(anna, unit="Отряд 3"), page)
    admin = account_id("admin@example.org")

    def shown(**args: str) -> list[int]:
        return [e.id for e in services.entries_page(form_filters(app, args)).entries]

    anna_entries = [e.id for e in reversed(entries(prisoner_id=anna.id))]
    assert shown(prisoner="анна") == anna_entries
    assert shown(prisoner=f"#{boris.id}") == [e.id for e in entries(prisoner_id=boris.id)][::-1]
    assert shown(prisoner="nobody like this") == []
    assert shown(account=str(admin)) == [e.id for e in entries(account_id=admin)][::-1]
    cli = [e.id for e in entries(actor="command line")][::-1]
    assert shown(account="command-line") == cli
    today = datetime.now(UTC).date()
    assert len(shown(since=today.isoformat(), until=today.isoformat())) == entry_count()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert shown(since=tomorrow) == []
    assert shown(until=(today - timedelta(days=1)).isoformat()) == []

    html = client.get("/manage/audit", query_string={"prisoner": "Борисов"}).get_data(as_text=True)
    assert f"Prisoner #{boris.id}" in html
    assert f"Prisoner #{anna.id}" not in html


def form_filters(app: Flask, args: dict[str, str]) -> services.AuditFilters:
    from letters.audit.forms import AuditFilterForm

    with app.test_request_context("/manage/audit", query_string=args):
        from werkzeug.datastructures import MultiDict

        form = AuditFilterForm(formdata=MultiDict(args))
        assert form.validate(), form.errors
        return form.filters()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"since": "yesterday"}, "“yesterday” is not a date: use YYYY-MM-DD."),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "The last day is before the first day."),
        ({"account": "999999"}, "Not a valid choice."),
        ({"prisoner": "x" * 300}, "300"),
    ],
)
def test_bad_filters_get_a_clear_error_and_no_entries(
    app: Flask, client: FlaskClient, auth: AuthActions, args: dict[str, str], message: str
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    for path in ("/manage/audit", "/manage/audit.csv"):
        response = client.get(path, query_string=args)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html
        assert '<table class="audit-entries">' not in html


def test_pages_go_back_to_older_entries(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    for n in range(5):
        record_event("settings", 1, f"event {n}")
    db.session.commit()
    monkeypatch.setattr(services, "PAGE_SIZE", 2)

    first = services.entries_page(services.AuditFilters())
    assert [e.action for e in first.entries] == ["event 4", "event 3"]
    second = services.entries_page(services.AuditFilters(), first.older_than)
    assert [e.action for e in second.entries] == ["event 2", "event 1"]

    html = client.get("/manage/audit").get_data(as_text=True)
    assert f"older_than={first.older_than}" in html
    html = client.get("/manage/audit", query_string={"older_than": first.older_than}).get_data(
        as_text=True
    )
    assert "event 2" in html
    assert "event 4" not in html


def test_the_csv_is_formula_safe_and_filtered(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    make_facility(name='=HYPERLINK("https://evil.example","click")')
    prisoner = make_prisoner(family_name="-Минус")
    db.session.commit()

    response = client.get("/manage/audit.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == list(services.CSV_HEADER)
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("https://evil.example","click")' in cells
    assert "'-Минус" in cells
    assert not any(cell[:1] in "=+-@\t\r" for cell in cells if cell)
    assert {row[1] for row in rows[1:]} == {"command line"}

    only = client.get("/manage/audit.csv", query_string={"prisoner": f"#{prisoner.id}"})
    filtered = list(csv.reader(io.StringIO(only.get_data(as_text=True).lstrip("\ufeff"))))[1:]
    assert filtered
    assert {row[4] for row in filtered} == {str(prisoner.id)}


def test_the_csv_streams_every_entry_in_batches(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(7):
        record_event("settings", 1, f"event {n}")
    db.session.commit()
    monkeypatch.setattr(services, "CSV_BATCH", 3)
    chunks = list(services.csv_chunks(services.AuditFilters()))
    assert len(chunks) >= 3
    rows = list(csv.reader(io.StringIO("".join(chunks).lstrip("\ufeff"))))[1:]
    assert [row[5] for row in rows] == [f"event {n}" for n in reversed(range(7))]


# --- a prisoner's page ------------------------------------------------------------------------


def test_a_coordinator_sees_the_history_on_the_prisoners_page(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    other = make_person("Другой")
    db.session.commit()
    page = f"/manage/prisoners/{prisoner.id}/edit"
    post(client, page, prisoner_form(prisoner, unit="Отряд 3"), page)
    other.unit = "Не показывать"
    db.session.commit()

    html = client.get(page).get_data(as_text=True)

    section = html.split('id="history-of-changes"', 1)[1]
    assert "History of changes" in html
    assert "<ins>Отряд 3</ins>" in section
    assert "coord@example.org" in section
    assert "command line" in section  # the prisoner was created by the test's "command"
    assert "Не показывать" not in section


def test_the_prisoners_page_shows_the_latest_fifty(app: Flask) -> None:
    prisoner = make_prisoner()
    for n in range(55):
        record_event("prisoner", prisoner.id, f"event {n}", prisoner_id=prisoner.id)
    db.session.commit()
    shown = services.prisoner_entries(prisoner.id)
    assert len(shown) == 50
    assert shown[0].action == "event 54"


# --- a second pair of eyes --------------------------------------------------------------------


def test_the_dashboard_shows_an_address_change_by_another_account_not_by_the_creator(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create("first@example.org")
    auth.create("second@example.org")
    auth.login("first@example.org")
    page = "/manage/facilities/new"
    facility = make_facility(name="ИК-1", street_address="ул. Первая, 1", postal_code="440001")
    db.session.commit()
    data = facility_form(facility, name="ИК-2", postal_code="440002")
    db.session.delete(facility)
    db.session.commit()
    assert post(client, page, data, page).status_code == 302
    facility = db.session.scalars(select(Facility)).one()
    edit = f"/manage/facilities/{facility.id}/edit"
    post(client, edit, facility_form(facility, street_address="ул. Первая, 2"), edit)

    html = client.get("/manage/dashboard").get_data(as_text=True)
    section = html.split('id="recent-address-changes"', 1)[1].split("</section>", 1)[0]
    assert "ул. Первая, 2" not in section  # the creator corrected their own facility

    auth.logout()
    auth.login("second@example.org")
    post(client, edit, facility_form(facility, street_address="ул. Чужая, 9"), edit)

    html = client.get("/manage/dashboard").get_data(as_text=True)
    section = html.split('id="recent-address-changes"', 1)[1].split("</section>", 1)[0]
    assert "<ins>ул. Чужая, 9</ins>" in section
    assert "second@example.org" in section
    assert "ул. Первая, 2</ins>" not in section


def test_recent_address_changes_cover_thirty_days_and_things_without_a_creator(
    app: Flask, auth: AuthActions
) -> None:
    auth.create("coord@example.org")
    user = db.session.scalars(select(User)).one()
    prisoner = make_prisoner()  # created from the command line: nobody's own
    db.session.commit()
    with acting_as(user):
        prisoner.unit = "Отряд 1"
    db.session.commit()
    (change,) = services.recent_address_changes()
    assert change.prisoner_id == prisoner.id

    later = datetime.now(UTC) + timedelta(days=31)
    assert services.recent_address_changes(now=later) == []
    # An entry from before the trail was kept (no "created" entry) counts as someone else's.
    db.session.execute(
        insert(AuditEntry.__table__).values(
            at=datetime.now(UTC).replace(second=0, microsecond=0),
            account_id=user.id,
            actor="account",
            entity="facility",
            entity_id=9999,
            action="changed",
            context="",
            address_change=True,
            changes="[]",
        )
    )
    assert [e.entity_id for e in services.recent_address_changes()] == [9999, prisoner.id]


def test_the_first_admin_is_named_as_creating_their_own_account(
    app: Flask, client: FlaskClient
) -> None:
    token = make_setup_token(app)
    response = client.post(
        f"/setup/{token}",
        data={
            "email": "first@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": csrf_token(client, f"/setup/{token}"),
        },
    )
    assert response.status_code == 302
    (entry,) = entries(entity="account")
    assert entry.action == "created"
    assert entry.account_id == account_id("first@example.org")
    assert changes(entry)["email"] == ("", "first@example.org")
    password_hash = db.session.scalars(select(User)).one().password_hash
    assert password_hash not in entry.changes


def test_logging_out_everywhere_else_is_recorded_for_the_account(
    app: Flask, auth: AuthActions
) -> None:
    auth.create()
    AuthActions(app, app.test_client()).login()
    laptop = app.test_client()
    AuthActions(app, laptop).login()
    laptop.post("/account/sessions/end-others", data={"csrf_token": csrf_token(laptop, "/account")})
    (entry,) = entries(entity="account", action="other sessions ended")
    assert entry.account_id == account_id("coord@example.org")
