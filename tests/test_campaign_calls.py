"""A campaign's public call (issue 15): its texts per language, publishing it apart from the
report-back, the public page with its "how to help" blocks, donations with a reference, and the
Atom feed of published calls and report-backs."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from conftest import AuthActions, count_statements, csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from test_prisoners import prisoner_form

from letters.campaigns import calls, services
from letters.campaigns.visibility import call_is_public, report_is_public
from letters.extensions import db
from letters.models import (
    AuditEntry,
    Campaign,
    CampaignCall,
    CampaignKind,
    GroupSettings,
    LetterSent,
    Prisoner,
    Role,
    Status,
)
from letters.settings.services import save_group_settings
from letters.validation import FieldError

ATOM = "{http://www.w3.org/2005/Atom}"


def text(response: object) -> str:
    """The page's visible text with tags dropped and spaces collapsed."""
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def make_week(**fields: object) -> Campaign:
    """A solidarity week running now, featuring a listed and an unlisted person."""
    facility = make_facility()
    listed = make_prisoner(facility)
    hidden = make_prisoner(
        facility,
        family_name="Скрытый",
        given_names="Тайный",
        latin_name="Hidden Person",
        is_listed=False,
    )
    today = date.today()
    values: dict[str, object] = {
        "kind": CampaignKind.CAMPAIGN,
        "name": "Solidarity week",
        "starts_on": today - timedelta(days=1),
        "ends_on": today + timedelta(days=5),
        "prisoner_ids": [listed.id, hidden.id],
    }
    values.update(fields)
    campaign = services.save_campaign(None, services.CampaignFields(**values))  # type: ignore[arg-type]
    db.session.flush()
    return campaign


def add_call(campaign: Campaign, language: str = "en", **fields: str) -> CampaignCall:
    values = {
        "title": "Days of solidarity",
        "body": "Arrange **street actions** and evenings; write letters.",
        "evenings": "",
    } | fields
    call = calls.save_call(campaign, None, calls.CallFields(language=language, **values))
    db.session.flush()
    return call


def publish(campaign: Campaign, report_published: bool = False, **fields: object) -> None:
    values: dict[str, object] = {"call_published": True} | fields
    calls.save_call_settings(campaign, calls.CallSettings(**values))  # type: ignore[arg-type]
    campaign.report_published = report_published
    db.session.commit()


# --- saving and validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "The title is required."),
        ({"title": "x" * 301}, "Too long: 301 characters, at most 300."),
        ({"title": "two\nlines"}, "Must be a single line"),
        ({"body": "x" * (calls.BODY_MAX + 1)}, "at most 10000"),
        ({"evenings": "x" * (calls.EVENINGS_MAX + 1)}, "at most 3000"),
        ({"language": "xx"}, "Choose a language from the list."),
    ],
)
def test_a_bad_call_is_refused_before_anything_changes(
    app: Flask, fields: dict[str, str], message: str
) -> None:
    campaign = make_week()
    values = {"language": "en", "title": "Days of solidarity", "body": "", "evenings": ""}
    with pytest.raises(FieldError, match=re.escape(message)):
        calls.save_call(campaign, None, calls.CallFields(**(values | fields)))
    assert campaign.calls == []


def test_one_call_per_language(app: Flask) -> None:
    campaign = make_week()
    add_call(campaign, "en")
    with pytest.raises(FieldError, match="already a call in this language"):
        add_call(campaign, "en", title="Another")
    assert [c.title for c in campaign.calls] == ["Days of solidarity"]


def test_the_call_settings_refuse_what_cannot_be_shown(app: Flask) -> None:
    campaign = make_week()
    with pytest.raises(FieldError, match="at least one language before publishing"):
        calls.save_call_settings(campaign, calls.CallSettings(call_published=True))
    add_call(campaign, "en")
    with pytest.raises(FieldError, match="language the call is written in"):
        calls.save_call_settings(campaign, calls.CallSettings(poster_language="de"))
    with pytest.raises(FieldError, match="Too long: 41 characters, at most 40"):
        calls.save_call_settings(campaign, calls.CallSettings(payment_reference="2" * 41))
    with pytest.raises(FieldError, match="single line"):
        calls.save_call_settings(campaign, calls.CallSettings(payment_reference="20\n5"))
    assert (campaign.call_published, campaign.payment_reference, campaign.poster_language) == (
        False,
        "",
        "",
    )
    calls.save_call_settings(
        campaign, calls.CallSettings(payment_reference=" 205 ", poster_language="en")
    )
    assert (campaign.payment_reference, campaign.poster_language) == ("205", "en")


def test_the_last_text_of_a_published_call_stays_until_it_is_unpublished(app: Flask) -> None:
    campaign = make_week()
    add_call(campaign, "en")
    add_call(campaign, "ru", title="Дни солидарности")
    publish(campaign, poster_language="ru")
    calls.remove_call(campaign, "ru")
    assert campaign.poster_language == ""  # the poster falls back to the first text
    with pytest.raises(FieldError, match="unpublish the call"):
        calls.remove_call(campaign, "en")
    with pytest.raises(LookupError):
        calls.remove_call(campaign, "de")


def test_the_call_shown_is_the_one_asked_for_then_the_visitors_then_the_posters(
    app: Flask,
) -> None:
    campaign = make_week()
    for language in ("de", "ru", "en"):
        add_call(campaign, language, title=f"title-{language}")
    campaign.poster_language = "ru"

    def shown(locale: str | None, wanted: str | None = None) -> str:
        call = calls.choose_call(campaign, locale, wanted)
        assert call is not None
        return call.language

    assert shown("en", "de") == "de"
    assert shown("en") == "en"
    assert shown("fr") == "ru"
    assert shown("fr", "xx") == "ru"
    campaign.poster_language = ""
    assert shown("fr") == "de"


def test_visibility_is_the_published_flags(app: Flask) -> None:
    campaign = make_week()
    campaign.call_published = True
    # A call with no text has nothing to show, whatever the flag says.
    assert not call_is_public(campaign)
    add_call(campaign)
    assert call_is_public(campaign)
    assert not report_is_public(campaign)
    campaign.report_published = True
    assert report_is_public(campaign)


# --- the coordinators' pages ------------------------------------------------------------------


def test_a_coordinator_writes_the_call_in_two_languages_and_publishes_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    campaign_id = make_week().id
    db.session.commit()
    new = f"/manage/campaigns/{campaign_id}/call/new"
    for language, title in (("en", "Days of solidarity"), ("ru", "Дни солидарности")):
        response = client.post(
            new,
            data={
                "csrf_token": csrf_token(client, new),
                "language": language,
                "title": title,
                "body": "Write letters.",
                "evenings": "",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    page = f"/manage/campaigns/{campaign_id}/call"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "payment_reference": "205",
            "poster_language": "ru",
            "call_published": "y",
        },
    )
    assert response.status_code == 302
    campaign = db.session.get_one(Campaign, campaign_id)
    assert sorted(c.language for c in campaign.calls) == ["en", "ru"]
    assert (campaign.call_published, campaign.payment_reference) == (True, "205")
    assert not campaign.report_published  # published separately

    edit = f"/manage/campaigns/{campaign_id}/call/ru"
    response = client.post(
        edit,
        data={
            "csrf_token": csrf_token(client, edit),
            "language": "ru",
            "title": "Дни солидарности, 5–12 февраля",
            "body": "Пишите письма.",
            "evenings": "",
        },
    )
    assert response.status_code == 302
    assert "Дни солидарности, 5–12 февраля" in text(client.get(page))

    # Every change is in the audit trail, as other campaign edits are.
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    calls_entries = [(e.entity, e.action) for e in entries if e.entity == "campaign call"]
    assert calls_entries == [
        ("campaign call", "created"),
        ("campaign call", "created"),
        ("campaign call", "changed"),
    ]
    settings_change = next(e for e in entries if e.entity == "campaign" and e.action == "changed")
    changes = {field: new for field, _old, new in json.loads(settings_change.changes)}
    assert changes == {
        "call_published": "true",
        "payment_reference": "205",
        "poster_language": "ru",
    }

    remove = f"/manage/campaigns/{campaign_id}/call/en/delete"
    response = client.post(remove, data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    assert [c.language for c in db.session.get_one(Campaign, campaign_id).calls] == ["ru"]
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "campaign call", AuditEntry.action == "deleted"
        )
    )


def test_a_bad_call_form_names_each_field_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    campaign = make_week()
    add_call(campaign, "en")
    campaign_id = campaign.id
    db.session.commit()
    new = f"/manage/campaigns/{campaign_id}/call/new"
    body = "A long call\n\nwith <b>two</b> paragraphs that must not be lost."
    response = client.post(
        new,
        data={
            "csrf_token": csrf_token(client, new),
            "language": "en",
            "title": "",
            "body": body,
            "evenings": "x" * (calls.EVENINGS_MAX + 1),
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Title is required." in page
    assert "Too long: 3001 characters, at most 3000." in page
    assert html.escape(body, quote=False) in html.unescape(page.replace("&#34;", '"')) or (
        html.escape(body) in page
    )
    assert len(db.session.get_one(Campaign, campaign_id).calls) == 1

    # The same language twice: said on the language field, the text kept.
    response = client.post(
        new,
        data={
            "csrf_token": csrf_token(client, new),
            "language": "en",
            "title": "Second English call",
            "body": body,
            "evenings": "",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is already a call in this language: edit that one." in page
    assert 'value="Second English call"' in page


def test_a_bad_reference_is_refused_on_its_field_and_kept(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    campaign_id = make_week().id
    db.session.commit()
    page = f"/manage/campaigns/{campaign_id}/call"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "payment_reference": "R" * 41,
            "poster_language": "",
            "call_published": "y",
        },
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Too long: 41 characters, at most 40." in body
    assert 'value="' + "R" * 41 + '"' in body
    # Publishing with no text is refused by the service and said on the page.
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "payment_reference": "205",
            "call_published": "y",
        },
    )
    assert response.status_code == 400
    assert "Write the call in at least one language before publishing it." in text(response)
    campaign = db.session.get_one(Campaign, campaign_id)
    assert (campaign.payment_reference, campaign.call_published) == ("", False)


@pytest.mark.parametrize(
    "path",
    ["/call", "/call/new", "/call/en"],
)
def test_the_call_pages_are_for_coordinators(app: Flask, client: FlaskClient, path: str) -> None:
    campaign = make_week()
    add_call(campaign)
    db.session.commit()
    response = client.get(f"/manage/campaigns/{campaign.id}{path}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_removing_a_call_needs_a_post(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    campaign = make_week()
    add_call(campaign)
    db.session.commit()
    assert client.get(f"/manage/campaigns/{campaign.id}/call/en/delete").status_code == 405
    response = client.post(f"/manage/campaigns/{campaign.id}/call/en/delete")
    assert response.status_code == 400  # no CSRF token
    assert len(db.session.get_one(Campaign, campaign.id).calls) == 1


# --- the public page --------------------------------------------------------------------------


def test_an_unpublished_call_is_invisible(app: Flask, client: FlaskClient) -> None:
    campaign = make_week()
    add_call(campaign, title="Secret days", evenings="Tuesday at the Red Café")
    db.session.commit()
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert "Secret days" not in client.get("/campaigns.atom").get_data(as_text=True)
    # The report-back published alone shows the report-back, never the call or its evenings.
    campaign.report_published = True
    db.session.commit()
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Solidarity week" in page
    assert "Secret days" not in page
    assert "Red Café" not in page
    assert "How to help" not in page


def test_the_published_call_shows_dates_people_and_how_to_help(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week()
    add_call(campaign, body="Arrange **street actions**.\n\n<script>alert(1)</script>")
    publish(campaign)
    listed = next(p for p in campaign.prisoners if p.is_listed)
    response = client.get(f"/campaigns/{campaign.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    words = text(response)
    assert "<h1>Days of solidarity</h1>" in page
    assert "<strong>street actions</strong>" in page
    assert "<script>alert" not in page
    starts, ends = campaign.starts_on, campaign.ends_on
    assert starts
    assert ends
    assert str(ends.day) in words
    # The featured person links their profile and their write page; the report-back (not
    # published) is not there.
    assert f'href="/prisoners/{listed.id}/write"' in page
    assert "Write to Дмитрий Дмитриевич Пчелинцев" in words
    assert "On paper only" in words
    assert "Spread the word" in words
    assert "letters to" not in words
    # A link to the feed, for feed readers.
    assert '<link rel="alternate" type="application/atom+xml" href="/campaigns.atom"' in page


def test_unlisted_people_are_never_shown_on_the_call(app: Flask, client: FlaskClient) -> None:
    campaign = make_week()
    add_call(campaign)
    publish(campaign, report_published=False)
    hidden = next(p for p in campaign.prisoners if not p.is_listed)
    services.record_letters(campaign, {hidden.id: 3}, date.today(), user=None)
    campaign.report_published = True
    db.session.commit()
    db.session.execute(update(LetterSent).values(recorded_on=date.today() - timedelta(days=1)))
    db.session.commit()
    response = client.get(f"/campaigns/{campaign.id}")
    page = response.get_data(as_text=True)
    assert "Скрытый" not in page
    assert "Hidden" not in page
    assert f"/prisoners/{hidden.id}" not in page
    assert "0 letters to 0 people" in text(response)
    assert "Скрытый" not in client.get("/campaigns.atom").get_data(as_text=True)


def test_an_evenings_place_appears_only_where_the_coordinator_wrote_it(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week(kind=CampaignKind.CAMPAIGN)
    add_call(campaign)
    # An evening of the same group, with its own name: nothing of it reaches the call.
    evening = services.save_campaign(
        None,
        services.CampaignFields(
            kind=CampaignKind.EVENING, name="Evening at Kafe Rosa, 19:00", starts_on=date.today()
        ),
    )
    publish(campaign)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Come to an evening" not in page
    assert "Kafe Rosa" not in page
    assert evening.id

    call = campaign.calls[0]
    calls.save_call(
        campaign,
        call,
        calls.CallFields(
            language="en",
            title=call.title,
            body=call.body,
            evenings="Thursday, 19:00, at the [social centre](https://example.org/centre)",
        ),
    )
    db.session.commit()
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Come to an evening" in page
    assert "Thursday, 19:00" in page
    assert 'rel="noopener noreferrer"' in page
    assert "Kafe Rosa" not in page


def test_the_donation_block_shows_the_instructions_and_the_reference(
    app: Flask, client: FlaskClient
) -> None:
    save_group_settings(
        "ABC", "", "", donation_instructions="Bank transfer to **IBAN DE00 1234**<script>x</script>"
    )
    campaign = make_week()
    add_call(campaign)
    publish(campaign, payment_reference="205")
    response = client.get(f"/campaigns/{campaign.id}")
    page = response.get_data(as_text=True)
    assert '<span class="reference" id="payment-reference">205</span>' in page
    assert "<strong>IBAN DE00 1234</strong>" in page
    assert "<script>x" not in page
    assert "Use this reference with your donation" in text(response)
    # The copy button is the page's own script's; without it the button stays hidden and the
    # reference is plain text.
    button = re.search(r"<button[^>]*data-copy=\"payment-reference\"[^>]*>", page)
    assert button
    assert " hidden" in button.group(0)
    assert '<script src="/static/copy_reference.js" defer></script>' in page
    # No payment service is asked anything and no money is counted.
    for word in ("paypal.com", "stripe", "raised", "€"):
        assert word not in page.lower()


def test_no_donation_block_without_instructions_or_reference(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week()
    add_call(campaign)
    publish(campaign)
    assert "help-donate" not in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)


def test_after_the_week_the_report_back_speaks_for_it(app: Flask, client: FlaskClient) -> None:
    today = date.today()
    campaign = make_week(starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=2))
    add_call(campaign, title="Days of solidarity")
    publish(campaign)
    # Over, call published, no report-back: the call stays up, marked over.
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Days of solidarity" in page
    assert "This campaign is over." in page
    campaign.report_published = True
    db.session.commit()
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Days of solidarity" not in page
    assert "0 letters to 0 people" in page
    assert "Spread the word" in page


def test_during_the_week_both_published_show_the_call_and_the_count_so_far(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week()
    add_call(campaign)
    publish(campaign, report_published=True)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Days of solidarity" in page
    assert "What we achieved so far" in page


def test_the_call_is_shown_in_the_visitors_language(app: Flask, client: FlaskClient) -> None:
    campaign = make_week()
    add_call(campaign, "en", title="Days of solidarity")
    add_call(campaign, "ru", title="Дни солидарности", body="Пишите письма.")
    publish(campaign)
    page = text(client.get(f"/campaigns/{campaign.id}", headers={"Accept-Language": "ru"}))
    assert "Дни солидарности" in page
    assert "Как помочь" in page  # the page's own words are translated
    assert "Days of solidarity" not in page
    page = text(client.get(f"/campaigns/{campaign.id}", headers={"Accept-Language": "en"}))
    assert "Days of solidarity" in page
    page = text(client.get(f"/campaigns/{campaign.id}?lang=ru"))
    assert "Дни солидарности" in page


# --- donations on prisoners and in the settings -----------------------------------------------


def test_a_prisoners_reference_and_needs_are_saved_and_shown(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    save_group_settings("ABC", "", "", donation_instructions="PayPal: abc@example.org")
    prisoner = make_prisoner()
    db.session.commit()
    edit = f"/manage/prisoners/{prisoner.id}/edit"
    data = prisoner_form(
        csrf_token=csrf_token(client, edit),
        payment_reference="P-17",
        needs_note="Books in Russian; lawyer's fees",
    )
    response = client.post(edit, data=data)
    assert response.status_code == 302, text(response)
    stored = db.session.get_one(Prisoner, prisoner.id)
    assert (stored.payment_reference, stored.needs_note) == (
        "P-17",
        "Books in Russian; lawyer's fees",
    )
    auth.logout()
    response = client.get(f"/prisoners/{prisoner.id}")
    page = text(response)
    assert "What they need" in page
    assert "Books in Russian; lawyer's fees" in page
    assert "PayPal: abc@example.org" in page
    assert 'id="payment-reference">P-17<' in response.get_data(as_text=True)


def test_a_prisoners_reference_that_does_not_fit_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    from letters.prisoners.forms import PrisonerForm

    with app.test_request_context():
        form = PrisonerForm(
            data={"family_name": "A", "given_names": "B", "status": "imprisoned"},
            meta={"csrf": False},
        )
        form.payment_reference.data = "x" * 41
        form.needs_note.data = "y" * 2001
        form.validate()
    assert form.payment_reference.errors == ["Too long: 41 characters, at most 40."]
    assert form.needs_note.errors == ["Too long: 2001 characters, at most 2000."]


def test_a_profile_without_reference_or_needs_has_no_money_section(
    app: Flask, client: FlaskClient
) -> None:
    save_group_settings("ABC", "", "", donation_instructions="PayPal: abc@example.org")
    prisoner = make_prisoner()
    db.session.commit()
    page = client.get(f"/prisoners/{prisoner.id}").get_data(as_text=True)
    assert 'id="support"' not in page
    assert "PayPal" not in page


def test_an_admin_writes_the_donation_instructions(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    data = {
        "csrf_token": csrf_token(client, "/manage/settings"),
        "group_name": "ABC Minsk",
        "return_address": "",
        "home_country": "",
        "donation_instructions": "Bank transfer: IBAN DE00\r\n\r\n- PayPal: abc@example.org",
    }
    assert client.post("/manage/settings", data=data).status_code == 302
    settings = db.session.get_one(GroupSettings, 1)
    assert settings.donation_instructions == "Bank transfer: IBAN DE00\n\n- PayPal: abc@example.org"
    data["donation_instructions"] = "x" * 5001
    data["csrf_token"] = csrf_token(client, "/manage/settings")
    response = client.post("/manage/settings", data=data)
    assert "Too long: 5001 characters, at most 5000." in text(response)
    db.session.expire_all()
    assert db.session.get_one(GroupSettings, 1).donation_instructions.startswith("Bank transfer")


# --- the Atom feed ----------------------------------------------------------------------------


def read_feed(client: FlaskClient, **headers: str) -> ET.Element:
    response = client.get("/campaigns.atom", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314  (our own feed)
    assert root.tag == f"{ATOM}feed"
    return root


def test_the_feed_holds_published_calls_and_report_backs_only(
    app: Flask, client: FlaskClient
) -> None:
    app.config["TRUSTED_HOSTS"] = ["localhost"]  # so the site knows its own address
    today = date.today()
    week = make_week(name="Week A")
    add_call(week, title="Call A", body="Write!<script>x</script>")
    publish(week)
    over = make_week(
        name="Week B", starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=20)
    )
    over.report_published = True
    hidden = make_week(name="Week C")
    add_call(hidden, title="Call C")  # written, never published
    db.session.commit()

    root = read_feed(client)
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Call A", "Report-back: Week B"]  # newest first
    raw = client.get("/campaigns.atom").get_data(as_text=True)
    assert "Call C" not in raw
    assert "Week C" not in raw
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None
        href = link.get("href") or ""
        assert urlsplit(href).scheme == "http"
        assert urlsplit(href).netloc
        entry_id = entry.findtext(f"{ATOM}id") or ""
        assert entry_id.startswith(href + "#")
        # Whole days only: no time of day is kept in a public feed.
        assert (entry.findtext(f"{ATOM}updated") or "").endswith("T00:00:00+00:00")
    content = entries[0].find(f"{ATOM}content")
    assert content is not None
    assert content.get("type") == "html"
    assert "Write!" in (content.text or "")
    assert "<script>" not in (content.text or "")
    assert root.findtext(f"{ATOM}updated", "").endswith("T00:00:00+00:00")
    self_link = [ln for ln in root.findall(f"{ATOM}link") if ln.get("rel") == "self"]
    assert self_link
    assert (self_link[0].get("href") or "").endswith("/campaigns.atom")
    assert root.find(f"{ATOM}author") is not None

    # Stable ids: the same entries, the same ids, on the next request.
    again = [e.findtext(f"{ATOM}id") for e in read_feed(client).findall(f"{ATOM}entry")]
    assert again == [e.findtext(f"{ATOM}id") for e in entries]


def test_the_feed_is_in_the_readers_language_where_a_call_has_it(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week()
    add_call(campaign, "en", title="Days of solidarity")
    add_call(campaign, "ru", title="Дни солидарности")
    publish(campaign, report_published=True)
    titles = [
        e.findtext(f"{ATOM}title")
        for e in read_feed(client, **{"Accept-Language": "ru"}).findall(f"{ATOM}entry")
    ]
    assert "Дни солидарности" in titles
    assert "Отчёт: Solidarity week" in titles


def test_an_empty_feed_is_still_atom(app: Flask, client: FlaskClient) -> None:
    root = read_feed(client)
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}title")


def test_released_people_are_featured_but_not_offered_a_letter(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week()
    listed = next(p for p in campaign.prisoners if p.is_listed)
    listed.status = Status.RELEASED
    add_call(campaign)
    publish(campaign)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"/prisoners/{listed.id}/write" not in page
    assert f'/prisoners/{listed.id}"' in page


def test_the_feed_costs_the_same_queries_for_one_campaign_or_many(
    app: Flask, client: FlaskClient
) -> None:
    def statements_for_the_feed() -> int:
        db.session.expire_all()
        with count_statements() as statements:
            assert client.get("/campaigns.atom").status_code == 200
        return len(statements)

    def published_week(name: str) -> None:
        campaign = make_week(name=name)
        add_call(campaign, "en")
        add_call(campaign, "ru", title="Дни солидарности")
        listed = next(p for p in campaign.prisoners if p.is_listed)
        services.record_letters(campaign, {listed.id: 2}, date.today(), user=None)
        publish(campaign, report_published=True)
        db.session.execute(update(LetterSent).values(recorded_on=date.today() - timedelta(days=1)))
        db.session.commit()

    published_week("Week 0")
    one = statements_for_the_feed()
    for n in range(1, 6):
        published_week(f"Week {n}")
    assert statements_for_the_feed() == one
    root = read_feed(client)
    assert len(root.findall(f"{ATOM}entry")) == 12


def test_control_characters_typed_into_a_call_do_not_break_the_feed(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_week(report_note="Thanks\x0bto all\x1b")
    add_call(campaign, "en", body="Write\x07 letters\x0c", evenings="Thursday\x1f")
    publish(campaign, report_published=True)
    root = read_feed(client)
    contents = " ".join(e.findtext(f"{ATOM}content") or "" for e in root.iter(f"{ATOM}entry"))
    assert "Write letters" in contents
    assert "Thanksto all" in contents


def test_the_feed_never_takes_its_links_from_a_forged_host(app: Flask, client: FlaskClient) -> None:
    """Without ``SERVER_NAME`` or ``TRUSTED_HOSTS`` the site does not know its address: the
    feed's links are relative (a reader resolves them against the feed's address) rather than
    built from a ``Host`` header anyone can forge and a cache or a reposting site would keep."""
    week = make_week(name="Week A")
    add_call(week, title="Call A")
    publish(week)
    db.session.commit()

    root = read_feed(client, Host="evil.example")
    raw = client.get("/campaigns.atom", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in raw
    link = root.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None
    assert link.get("href") == f"/campaigns/{week.id}"

    app.config.update(SERVER_NAME="letters.example.org", PREFERRED_URL_SCHEME="https")
    root = read_feed(client, Host="letters.example.org")
    link = root.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None
    assert link.get("href") == f"https://letters.example.org/campaigns/{week.id}"
