"""GET /api/sync/events: pokes after commits, to whoever may see the change; bye when it ends."""

from __future__ import annotations

import uuid

import pytest

from tests.live.sse import EventStream

PROMPT = 1.0  # a poke reaches an open stream within a second


def day(user) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(user.time_zone)).date().isoformat()


def checkin(user, visibility="shared") -> dict:
    args = {
        "id": str(uuid.uuid5(uuid.UUID(user.me()["space"]["id"]), f"{user.id}:{day(user)}")),
        "day": day(user),
        "mood": 4,
        "trust": 8,
        "feelings": [],
        "need": "",
        "gratitude": "",
        "note": "",
        "visibility": visibility,
    }
    return push(user, "checkin.save", args)


def push(user, name: str, args: dict) -> dict:
    user.mutations = getattr(user, "mutations", 0) + 1
    body = {
        "client_id": f"phone-{user.id}",
        "schema_version": 1,
        "mutations": [{"id": user.mutations, "name": name, "args": args}],
    }
    answer = user.client.post("/api/sync/push", json=body)
    assert answer.status_code == 200, answer.json
    assert answer.json["results"][0]["status"] == "applied", answer.json
    return answer.json


def _version_of(user) -> int:
    from server.extensions import db
    from server.spaces.models import Space

    with user.app.app_context():
        return db.session.get(Space, uuid.UUID(user.me()["space"]["id"])).version


@pytest.fixture
def streams(live_server, app):
    """Open event streams for users (a session copied from their test client, or a new one)."""
    opened = []

    def open_stream(user, last_event_id=None, cookie=None):
        user.app = app
        cookies = {"hearth_session": cookie or user.client.session_cookie()}
        stream = EventStream(f"{live_server}/api/sync/events", cookies, last_event_id)
        opened.append(stream)
        return stream

    yield open_stream
    app.extensions["hearth_live"].hub.close_all()  # the server ends them: the readers stop
    for stream in opened:
        stream.closed.wait(5)
        stream.close()


def first_poke(stream) -> int:
    event = stream.next()
    assert event is not None and event.name == "poke", event
    assert event.id == str(event.data["version"])
    return event.data["version"]


def test_a_stream_needs_a_session(live_server):
    import requests

    answer = requests.get(f"{live_server}/api/sync/events", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"


def test_a_stream_starts_with_retry_and_the_current_version(make_user, streams):
    alex = make_user("Alex")
    stream = streams(alex)
    assert stream.response.headers["Content-Type"].startswith("text/event-stream")
    assert stream.response.headers["Cache-Control"] == "no-cache"
    assert stream.response.headers["X-Accel-Buffering"] == "no"
    assert first_poke(stream) == _version_of(alex)
    assert stream.retry and stream.retry > 0


def test_reconnecting_with_the_current_version_gets_no_poke_at_once(make_user, streams):
    alex = make_user("Alex")
    current = first_poke(streams(alex))
    again = streams(alex, last_event_id=str(current))
    assert again.nothing_for(0.5)
    stale = streams(alex, last_event_id=str(current - 1))
    assert first_poke(stale) == current


def test_the_partners_shared_changes_poke_within_a_second(make_couple, streams):
    alex, sam = make_couple()
    sams = streams(sam)
    first_poke(sams)
    checkin(alex)
    event = sams.next(timeout=PROMPT)
    assert event.name == "poke" and event.data["version"] == _version_of(sam)
    # A poke carries nothing but the version.
    assert set(event.data) == {"version"}


def test_a_private_checkin_pokes_only_its_authors_devices(make_couple, new_client, streams):
    alex, sam = make_couple()
    other_device = new_client()
    assert (
        other_device.post(
            "/api/auth/login", json={"email": alex.email, "password": alex.password}
        ).status_code
        == 200
    )
    sams, alexs_phone = streams(sam), streams(alex, cookie=other_device.session_cookie())
    first_poke(sams), first_poke(alexs_phone)
    checkin(alex, visibility="private")
    assert alexs_phone.next(timeout=PROMPT).name == "poke"
    assert sams.nothing_for(0.7)
    # The device that pushed knows already: its own stream is not poked.
    own = streams(alex)
    first_poke(own)
    checkin(alex, visibility="private")
    assert alexs_phone.next(timeout=PROMPT).name == "poke"
    assert own.nothing_for(0.5)


def test_a_stranger_never_hears_of_the_couple(make_couple, make_user, streams):
    alex, sam = make_couple()
    stranger = make_user("Stranger")
    theirs = streams(stranger)
    first_poke(theirs)
    checkin(alex)
    checkin(sam)
    assert theirs.nothing_for(0.7)


def test_heartbeats_keep_an_idle_stream_open(app, make_user, streams):
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    alex = make_user("Alex")
    stream = streams(alex)
    first_poke(stream)
    assert stream.nothing_for(0.9)
    assert stream.comments >= 3


def test_signing_out_ends_that_sessions_stream_only(make_user, new_client, streams):
    alex = make_user("Alex")
    phone = new_client()
    phone.post("/api/auth/login", json={"email": alex.email, "password": alex.password})
    laptop_stream, phone_stream = streams(alex), streams(alex, cookie=phone.session_cookie())
    first_poke(laptop_stream), first_poke(phone_stream)
    assert phone.post("/api/auth/logout").status_code == 204
    bye = phone_stream.next(timeout=PROMPT)
    assert bye.name == "bye" and bye.data == {"reason": "signed_out"}
    assert phone_stream.next(timeout=PROMPT) is None  # and the stream ends
    assert laptop_stream.nothing_for(0.5)


def test_signing_out_everywhere_and_a_new_password_end_the_other_streams(
    make_user, new_client, streams
):
    alex = make_user("Alex")
    phone = new_client()
    phone.post("/api/auth/login", json={"email": alex.email, "password": alex.password})
    phone_stream = streams(alex, cookie=phone.session_cookie())
    first_poke(phone_stream)
    answer = alex.client.post(
        "/api/auth/password",
        json={"current_password": alex.password, "new_password": "another long password"},
    )
    assert answer.status_code in (200, 204), answer.json
    assert phone_stream.next(timeout=PROMPT).data == {"reason": "signed_out"}
    own = streams(alex)
    first_poke(own)
    assert alex.client.post("/api/auth/logout-all").status_code == 204
    assert own.next(timeout=PROMPT).data == {"reason": "signed_out"}


def test_unpairing_ends_both_partners_streams(make_couple, streams):
    alex, sam = make_couple()
    alexs, sams = streams(alex), streams(sam)
    _, couple_version = first_poke(alexs), first_poke(sams)
    assert alex.client.post("/api/pairing/unpair").status_code == 200
    for stream in (alexs, sams):
        bye = stream.next(timeout=PROMPT)
        assert bye.name == "bye" and bye.data == {"reason": "unpaired"}
    # Reconnected with the couple's last version, each hears of their own solo space.
    again = streams(sam, last_event_id=str(couple_version))
    assert first_poke(again) == _version_of(sam)
    checkin(alex)
    assert again.nothing_for(0.7)


def test_pairing_and_the_partners_profile_poke(make_user, streams):
    alex, sam = make_user("Alex"), make_user("Sam")
    alexs = streams(alex)
    first_poke(alexs)
    code = alex.client.post("/api/pairing/invites").json["code"]
    assert sam.client.post("/api/pairing/accept", json={"code": code}).status_code == 200
    assert alexs.next(timeout=PROMPT).data["version"] == _version_of(alex)
    assert sam.client.patch("/api/me", json={"time_zone": "Asia/Tokyo"}).status_code == 200
    assert alexs.next(timeout=PROMPT).name == "poke"


def test_past_the_streams_a_process_may_hold_a_new_one_is_told_to_wait(app, make_user, streams):
    app.config["LIVE_MAX_STREAMS"] = 2
    alex = make_user("Alex")
    first_poke(streams(alex)), first_poke(streams(alex))
    third = streams(alex)
    assert third.response.status_code == 503
    assert third.response.json()["error"]["code"] == "busy"
    assert int(third.response.headers["Retry-After"]) > 0
    # Ordinary requests are still answered.
    assert alex.client.get("/api/me").status_code == 200
