"""Actions reported back on a published call (issue 15, item 2): the public form, photos kept
without any metadata, the moderation queue, and the count by city and country."""

from __future__ import annotations

import io
import json
import os
import re
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import AuthActions, csrf_token
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_migrate import upgrade
from PIL import Image, ImageCms
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from letters.backup.snapshot import restore_snapshot, write_snapshot
from letters.campaigns import actions
from letters.campaigns.action_views import MAX_REPORT_BYTES
from letters.campaigns.photos import MAX_PIXELS, MAX_SIDE, PhotoError, clean_photo
from letters.extensions import db
from letters.models import (
    ActionKind,
    ActionPhoto,
    AuditEntry,
    Campaign,
    CampaignAction,
    CampaignCall,
    CampaignKind,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
# Markers a JPEG carries metadata in: APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), COM.
METADATA_MARKERS = {0xE1, 0xE2, 0xED, 0xFE}


# --- building photos --------------------------------------------------------------------------


def phone_photo(
    size: tuple[int, int] = (800, 600), orientation: int | None = None, fmt: str = "JPEG"
) -> bytes:
    """A photo as a phone saves it: GPS position, make, a comment, XMP and a colour profile;
    the left half red, the right half blue."""
    image = Image.new("RGB", size, (220, 0, 0))
    image.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[MAKE] = "SecretPhone-Make"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (53.0, 54.0, 1.25)  # Minsk
    gps[3] = "E"
    gps[4] = (27.0, 33.0, 2.5)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SecretXMP-Creator</x:xmpmeta>'
    out = io.BytesIO()
    extra: dict[str, Any] = {"comment": b"SecretComment"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif, icc_profile=icc, xmp=xmp, **extra)
    return out.getvalue()


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG up to its image data."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return markers


def assert_no_metadata(data: bytes) -> None:
    assert not METADATA_MARKERS & set(jpeg_markers(data))
    for secret in (b"Exif", b"SecretPhone", b"SecretComment", b"SecretXMP", b"ICC_PROFILE"):
        assert secret not in data
    reopened = Image.open(io.BytesIO(data))
    assert reopened.format == "JPEG"
    assert not reopened.getexif()
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(reopened.info)


# --- photos, without a server -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_phone_photo_is_stored_as_a_new_jpeg_without_gps_or_any_metadata(fmt: str) -> None:
    original = phone_photo(fmt=fmt)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # it had a position
    clean = clean_photo(original)
    assert_no_metadata(clean.data)
    assert (clean.width, clean.height) == (800, 600)


@pytest.mark.parametrize(
    ("size", "upright_size"),
    [((400, 200), (200, 400)), ((4000, 2000), (1000, 2000))],  # (the second decoded reduced)
)
def test_the_orientation_is_applied_to_the_pixels(
    size: tuple[int, int], upright_size: tuple[int, int]
) -> None:
    # Orientation 6: the camera was turned; shown upright the left (red) half is at the top.
    clean = clean_photo(phone_photo(size, orientation=6))
    assert (clean.width, clean.height) == upright_size
    upright = Image.open(io.BytesIO(clean.data)).convert("RGB")
    width, height = upright.size
    top, bottom = (
        upright.getpixel((width // 2, height // 8)),
        upright.getpixel((width // 2, height * 7 // 8)),
    )
    assert (top[0] > 180, top[2] < 60) == (True, True), top
    assert (bottom[2] > 180, bottom[0] < 60) == (True, True), bottom


def test_a_large_photo_is_reduced_to_the_long_side_limit() -> None:
    clean = clean_photo(phone_photo((4000, 3000)))
    assert (clean.width, clean.height) == (MAX_SIDE, MAX_SIDE * 3 // 4)


def bomb(pixels_per_side: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (pixels_per_side, pixels_per_side)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("side", [8000, 10_000, 20_000])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side: int) -> None:
    # 64 million pixels (over ours), 100 million (over Pillow's warning), 400 million (its error).
    data = bomb(side)
    assert len(data) < 200_000
    assert side * side > MAX_PIXELS
    with pytest.raises(PhotoError, match="too many pixels"):
        clean_photo(data)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not a photo",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        # A real image, but of a kind not taken: refused by its content, whatever its name.
        pytest.param("GIF", id="gif"),
    ],
)
def test_what_is_not_a_photo_is_refused_by_its_content(data: bytes | str) -> None:
    if data == "GIF":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        data = out.getvalue()
    assert isinstance(data, bytes)
    with pytest.raises(PhotoError, match="not a photo"):
        clean_photo(data)


def test_a_truncated_photo_is_refused_as_damaged() -> None:
    with pytest.raises(PhotoError, match="damaged"):
        clean_photo(phone_photo()[:2000])


# --- the public form ------------------------------------------------------------------------


def make_call(**fields: Any) -> Campaign:
    today = date.today()
    values: dict[str, Any] = {
        "kind": CampaignKind.CAMPAIGN,
        "name": "Days of solidarity",
        "starts_on": today - timedelta(days=3),
        "ends_on": today + timedelta(days=3),
        "call_published": True,
    } | fields
    campaign = Campaign(**values)
    # A call is public only with a text to show (visibility.call_is_public).
    campaign.calls = [CampaignCall(language="en", title="Days of solidarity", body="Write!")]
    db.session.add(campaign)
    db.session.commit()  # (a request sees what the test committed)
    return campaign


def report_data(client: FlaskClient, campaign_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "csrf_token": csrf_token(client, f"/campaigns/{campaign_id}/actions/new"),
        "kind": "banner",
        "city": "Vilnius",
        "country": "Lithuania",
        "happened_on": (date.today() - timedelta(days=1)).isoformat(),
        "description": "A banner on the bridge.",
        "link": "https://example.org/banner",
        "photos": [],
    } | fields


def post_report(
    client: FlaskClient, campaign_id: int, address: str = "192.0.2.1", **fields: Any
) -> Any:
    """Post the form as a browser does. Encoded in memory: the test client would spool a large
    body to a temporary file it never closes."""
    data = report_data(client, campaign_id, **fields)
    photos = [FileStorage(stream, name) for stream, name in data.pop("photos")]
    boundary, body = encode_multipart(MultiDict([*data.items(), *(("photos", p) for p in photos)]))
    return client.post(
        f"/campaigns/{campaign_id}/actions/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        environ_base={"REMOTE_ADDR": address},
    )


def stored_actions() -> list[CampaignAction]:
    return list(db.session.scalars(select(CampaignAction).order_by(CampaignAction.id)))


def test_a_visitor_reports_a_banner_with_a_photo_and_gps_is_gone(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_call()
    response = post_report(client, campaign.id, photos=[(io.BytesIO(phone_photo()), "p.jpg")])
    assert response.status_code == 302, response.get_data(as_text=True)
    (action,) = stored_actions()
    assert (action.kind, action.city, action.country_code) == (ActionKind.BANNER, "Vilnius", "LT")
    assert action.published is False
    assert action.received_on == date.today()
    (photo,) = action.photos
    assert_no_metadata(photo.data)
    # Nothing about the visitor: no column holds their address, and no audit entry names them.
    row = json.dumps({c.key: str(getattr(action, c.key)) for c in CampaignAction.__table__.c})
    assert "192.0.2.1" not in row
    assert entries() == []


def test_a_photo_larger_than_the_apps_csv_limit_is_taken(app: Flask, client: FlaskClient) -> None:
    # Noise does not compress: a 6 MB PNG, over the app's 5 MB MAX_CONTENT_LENGTH.
    noise = Image.frombytes("RGB", (1450, 1450), os.urandom(1450 * 1450 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert out.tell() > app.config["MAX_CONTENT_LENGTH"]
    campaign = make_call()
    response = post_report(client, campaign.id, photos=[(io.BytesIO(out.getvalue()), "n.png")])
    assert response.status_code == 302
    assert len(stored_actions()[0].photos) == 1


def test_a_report_beyond_three_photos_worth_is_refused_with_413(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_call()
    # Encoded in memory: the test client would spool it to a temporary file that the refused
    # request never reads or closes.
    fields = report_data(client, campaign.id)
    fields["photos"] = FileStorage(io.BytesIO(b"\0" * (MAX_REPORT_BYTES + 1)), "big.jpg")
    boundary, body = encode_multipart(fields)
    response = client.post(
        f"/campaigns/{campaign.id}/actions/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert stored_actions() == []


def test_uploads_are_held_in_memory_never_in_a_temporary_file(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def spooled(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr("werkzeug.wrappers.request.default_stream_factory", spooled)
    campaign = make_call()
    big = phone_photo((2500, 2000))
    response = post_report(client, campaign.id, photos=[(io.BytesIO(big), "p.jpg")])
    assert response.status_code == 302


def test_bad_input_names_each_field_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_call()
    response = post_report(
        client,
        campaign.id,
        country="Narnia",
        happened_on=(date.today() + timedelta(days=5)).isoformat(),
        link="javascript:alert(1)",
        description="Банер на мосту",
        photos=[(io.BytesIO(phone_photo()), "ok.jpg"), (io.BytesIO(b"%PDF-1.4"), "x.jpg")],
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Country: no country is called “Narnia”" in html
    assert "An action that has not happened yet cannot be reported." in html
    assert "starting with https:// or http://" in html
    assert "Photos, photo 2: This file is not a photo" in html
    assert "choose them again" in html
    # Everything typed comes back; nothing is stored.
    for typed in ("Narnia", "Vilnius", "Банер на мосту", "javascript:alert(1)"):
        assert typed in html
    (banner,) = re.findall(r'<input[^>]*value="banner"[^>]*>', html)
    assert "checked" in banner
    assert stored_actions() == []


def test_a_missing_city_or_kind_and_a_day_long_before_the_campaign_are_refused(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_call()
    too_early = actions.earliest_action_day(campaign) - timedelta(days=1)
    data = report_data(client, campaign.id, city="", happened_on=too_early.isoformat())
    del data["kind"]
    response = client.post(f"/campaigns/{campaign.id}/actions/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "City is required." in html
    assert "Kind of action: choose one." in html
    assert "The date cannot be before" in html
    assert "choose them again" not in html  # no photo was chosen, none lost


def test_a_report_without_a_csrf_token_is_refused_and_nothing_kept(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_call()
    data = report_data(client, campaign.id)
    del data["csrf_token"]
    assert client.post(f"/campaigns/{campaign.id}/actions/new", data=data).status_code == 400
    assert stored_actions() == []


def test_there_is_no_form_without_a_published_call_or_long_after_it(
    app: Flask, client: FlaskClient
) -> None:
    unpublished = make_call(call_published=False)
    long_over = make_call(
        starts_on=date.today() - timedelta(days=100), ends_on=date.today() - timedelta(days=90)
    )
    assert client.get(f"/campaigns/{unpublished.id}/actions/new").status_code == 404
    assert client.get(f"/campaigns/{long_over.id}/actions/new").status_code == 404
    assert actions.accepts_action_reports(long_over, today=long_over.ends_on) is True


def test_reports_are_limited_per_network_address(app: Flask, client: FlaskClient) -> None:
    app.config["ACTION_REPORT_RATE_LIMIT"] = "2 per hour"
    campaign = make_call()
    statuses = [post_report(client, campaign.id).status_code for _n in range(3)]
    assert statuses == [302, 302, 429]
    refused = post_report(client, campaign.id)
    assert "Many reports of actions have come from your network" in refused.get_data(as_text=True)
    assert len(stored_actions()) == 2
    # Reading the form is not counted, and another address is not held back.
    assert client.get(f"/campaigns/{campaign.id}/actions/new").status_code == 200
    assert post_report(client, campaign.id, address="192.0.2.99").status_code == 302


# --- what the public sees ---------------------------------------------------------------------


def add_action(campaign: Campaign, city: str, country: str, **fields: Any) -> CampaignAction:
    values: dict[str, Any] = {
        "kind": ActionKind.STREET,
        "city": city,
        "country_code": country,
        "happened_on": date.today(),
        "received_on": date.today(),
        "published": True,
    } | fields
    action = CampaignAction(campaign=campaign, **values)
    db.session.add(action)
    db.session.flush()
    return action


def with_photo(action: CampaignAction) -> ActionPhoto:
    clean = clean_photo(phone_photo())
    photo = ActionPhoto(action=action, width=clean.width, height=clean.height, data=clean.data)
    db.session.add(photo)
    db.session.flush()
    return photo


def test_an_unpublished_report_and_its_photo_are_invisible_to_the_public(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    campaign = make_call(report_published=True)
    hidden = add_action(campaign, "Secretville", "BY", published=False)
    photo = with_photo(hidden)
    shown = add_action(campaign, "Warszawa", "PL")
    shown_photo = with_photo(shown)
    db.session.commit()

    html = client.get(f"/campaigns/{campaign.id}/actions").get_data(as_text=True)
    assert "Warszawa" in html
    assert "Secretville" not in html
    assert f"/campaigns/actions/photos/{photo.id}.jpg" not in html
    assert client.get(f"/campaigns/actions/photos/{photo.id}.jpg").status_code == 404

    served = client.get(f"/campaigns/actions/photos/{shown_photo.id}.jpg")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Cache-Control"] == "public, no-cache"
    assert served.data == shown_photo.data
    assert_no_metadata(served.data)
    # Asked for again (no-cache), an unchanged photo costs a 304; an unpublished one is gone.
    etag = served.headers["ETag"]
    url = f"/campaigns/actions/photos/{shown_photo.id}.jpg"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    db.session.get_one(CampaignAction, shown.id).published = False
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404

    # A coordinator sees the waiting one to moderate it, never cached.
    auth.create_and_login()
    waiting = client.get(f"/campaigns/actions/photos/{photo.id}.jpg")
    assert waiting.status_code == 200
    assert waiting.headers["Cache-Control"] == "private, no-store"


def test_published_photos_are_hidden_again_when_neither_call_nor_report_is_public(
    app: Flask, client: FlaskClient
) -> None:
    campaign = make_call(call_published=False)
    photo = with_photo(add_action(campaign, "Riga", "LV"))
    assert client.get(f"/campaigns/actions/photos/{photo.id}.jpg").status_code == 404
    assert client.get(f"/campaigns/{campaign.id}/actions").status_code == 404


def test_actions_are_counted_by_city_and_country(app: Flask) -> None:
    campaign = make_call()
    add_action(campaign, "Berlin", "DE", happened_on=date.today() - timedelta(days=2))
    add_action(campaign, " berlin ", "DE")
    add_action(campaign, "Paris", "FR")
    add_action(campaign, "Paris", "US", happened_on=date.today() - timedelta(days=1))
    add_action(campaign, "Hidden", "BY", published=False)
    db.session.refresh(campaign)
    reported = actions.reported_actions(campaign)
    assert reported.tally == actions.ActionTally(actions=4, cities=3, countries=3)
    assert [a.city.strip() for a in reported.actions] == ["Berlin", "Paris", "berlin", "Paris"]

    partial = '{% include "campaigns/_reported_actions.html" %}'
    with app.test_request_context():
        html = render_template_string(partial, campaign=campaign)
        assert "4 actions in 3 cities in 3 countries" in html
        assert "France" in html
        assert "Hidden" not in html
        with force_locale("ru"):
            russian = render_template_string(partial, campaign=campaign)
        assert "4 акции в 3 городах в 3 странах" in russian
        assert "Франция" in russian


def test_a_link_is_shown_as_nofollow_and_markup_stays_inert(app: Flask) -> None:
    campaign = make_call()
    add_action(
        campaign,
        "<script>alert(1)</script>",
        "DE",
        description="<b>bold</b>",
        link="https://example.org/a?b=<c>",
    )
    db.session.refresh(campaign)
    with app.test_request_context():
        html = render_template_string(
            '{% include "campaigns/_reported_actions.html" %}', campaign=campaign
        )
    assert "<script>" not in html
    assert "<b>" not in html
    assert 'rel="nofollow noopener"' in html


def test_the_invitation_shows_only_while_reports_are_taken(app: Flask) -> None:
    partial = '{% include "campaigns/_report_action_link.html" %}'
    with app.test_request_context():
        open_call = render_template_string(partial, campaign=make_call())
        closed = render_template_string(partial, campaign=make_call(call_published=False))
    assert "Report an action" in open_call
    assert "Report an action" not in closed


# --- moderation -------------------------------------------------------------------------------


def test_the_queue_lists_waiting_reports_first_and_the_campaign_page_counts_them(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    campaign = make_call()
    add_action(campaign, "Published-city", "DE", happened_on=date.today() - timedelta(days=5))
    add_action(campaign, "Waiting-one", "FR", published=False)
    add_action(campaign, "Waiting-two", "PL", published=False)
    db.session.commit()
    auth.create_and_login()
    html = client.get(f"/manage/campaigns/{campaign.id}/actions").get_data(as_text=True)
    order = [html.index(city) for city in ("Waiting-one", "Waiting-two", "Published-city")]
    assert order == sorted(order)
    assert "2 reports are waiting." in html
    show = client.get(f"/manage/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Reported actions (2 waiting)" in show
    assert f"/manage/campaigns/{campaign.id}/actions" in show


def entries(entity: str = "reported action") -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        )
    )


def test_a_coordinator_publishes_edits_deletes_a_photo_and_the_report_audited(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    campaign = make_call(report_published=True)
    action = add_action(campaign, "Kaunas", "LT", published=False, description="Faces visible")
    first, second = with_photo(action).id, with_photo(action).id
    action_id = action.id
    db.session.commit()
    auth.create_and_login()
    queue = f"/manage/campaigns/{campaign.id}/actions"
    base = f"{queue}/{action.id}"

    token = csrf_token(client, queue)
    assert client.post(f"{base}/publish", data={"csrf_token": token}).status_code == 302
    assert db.session.get(CampaignAction, action.id).published is True  # type: ignore[union-attr]
    assert "Kaunas" in client.get(f"/campaigns/{campaign.id}/actions").get_data(as_text=True)

    edit = client.post(
        f"{base}/edit",
        data={
            "csrf_token": csrf_token(client, f"{base}/edit"),
            "kind": "stall",
            "city": "Kaunas",
            "country": "LT",
            "happened_on": date.today().isoformat(),
            "description": "An info stall",
            "link": "",
        },
    )
    assert edit.status_code == 302, edit.get_data(as_text=True)
    bad = client.post(
        f"{base}/edit",
        data={"csrf_token": token, "kind": "stall", "city": "", "country": "LT"},
    )
    assert bad.status_code == 400
    assert "City is required." in bad.get_data(as_text=True)

    gone = client.post(f"{base}/photos/{first}/delete", data={"csrf_token": token})
    assert gone.status_code == 302
    photos = db.session.scalars(select(ActionPhoto.id)).all()
    assert photos == [second]
    assert client.get(f"/campaigns/actions/photos/{first}.jpg").status_code == 404

    assert client.post(f"{base}/unpublish", data={"csrf_token": token}).status_code == 302
    assert client.post(f"{base}/delete", data={"csrf_token": token}).status_code == 302
    assert stored_actions() == []
    assert db.session.scalars(select(ActionPhoto)).all() == []

    trail = [(e.action, json.loads(e.changes)) for e in entries()]
    assert [action for action, _changes in trail] == ["changed", "changed", "changed", "deleted"]
    assert ["published", "false", "true"] in trail[0][1]
    assert ["description", "Faces visible", "An info stall"] in trail[1][1]
    photos_trail = entries("reported action photo")
    assert [(e.entity_id, e.action) for e in photos_trail] == [
        (first, "deleted"),
        (second, "deleted"),
    ]
    assert ["action_id", str(action_id), ""] in json.loads(photos_trail[0].changes)
    assert all(e.account_id is not None for e in entries() + photos_trail)


def test_a_photo_or_action_of_another_campaign_is_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    mine, other = make_call(), make_call()
    action = add_action(other, "Elsewhere", "DE")
    photo = with_photo(add_action(mine, "Here", "DE"))
    db.session.commit()
    auth.create_and_login()
    token = csrf_token(client, f"/manage/campaigns/{mine.id}/actions")
    wrong_campaign = f"/manage/campaigns/{mine.id}/actions/{action.id}/publish"
    assert client.post(wrong_campaign, data={"csrf_token": token}).status_code == 404
    wrong_action = f"/manage/campaigns/{other.id}/actions/{action.id}/photos/{photo.id}/delete"
    assert client.post(wrong_action, data={"csrf_token": token}).status_code == 404
    assert db.session.get(ActionPhoto, photo.id) is not None


def test_moderation_is_for_coordinators_only(app: Flask, client: FlaskClient) -> None:
    campaign = make_call()
    action = add_action(campaign, "Hidden", "DE", published=False)
    db.session.commit()
    assert client.get(f"/manage/campaigns/{campaign.id}/actions").status_code == 302
    response = client.post(
        f"/manage/campaigns/{campaign.id}/actions/{action.id}/publish",
        data={"csrf_token": csrf_token(client, f"/campaigns/{campaign.id}/actions/new")},
    )
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert db.session.get(CampaignAction, action.id).published is False  # type: ignore[union-attr]


# --- backups ----------------------------------------------------------------------------------


@pytest.mark.commits
def test_a_snapshot_backup_gives_a_photo_back_byte_for_byte(app: Flask, bare_app: Flask) -> None:
    with app.app_context():
        photo = with_photo(add_action(make_call(), "Berlin", "DE"))
        db.session.commit()
        photo_id, data = photo.id, photo.data
        db.session.remove()  # its reading transaction would hold SQLite's lock
        snapshot = io.BytesIO()
        write_snapshot(db.engine, snapshot)
    with bare_app.app_context():
        upgrade()
        restore_snapshot(db.engine, io.BytesIO(snapshot.getvalue()))
        restored = db.session.get_one(ActionPhoto, photo_id)
        assert bytes(restored.data) == data
        assert restored.action.city == "Berlin"
        assert_no_metadata(bytes(restored.data))
        db.session.remove()
