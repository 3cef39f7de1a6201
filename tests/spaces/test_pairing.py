"""Pairing two partners through an invite code, and unpairing."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import sqlalchemy as sa
import zxingcpp
from PIL import Image

from server.db import utcnow
from server.extensions import db
from server.spaces.models import Invite, Space


def invite(user):
    response = user.client.post("/api/pairing/invites")
    assert response.status_code == 201, response.json
    return response.json


def accept(user, code):
    return user.client.post("/api/pairing/accept", json={"code": code})


def test_two_users_pair_and_see_each_other(make_user):
    alex = make_user("Alex", time_zone="Europe/Paris")
    sam = make_user("Sam", time_zone="America/New_York")
    solo_before = {alex.me()["space"]["id"], sam.me()["space"]["id"]}

    issued = invite(alex)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", issued["code"])
    assert issued["url"].endswith(f"/join#{issued['code']}")

    response = accept(sam, issued["code"])
    assert response.status_code == 200
    assert response.json["space"]["kind"] == "couple"
    assert response.json["partner"] == {
        "id": alex.id,
        "display_name": "Alex",
        "time_zone": "Europe/Paris",
    }

    alex_me, sam_me = alex.me(), sam.me()
    assert alex_me["space"] == sam_me["space"] == response.json["space"]
    assert alex_me["space"]["id"] not in solo_before
    assert alex_me["partner"] == {
        "id": sam.id,
        "display_name": "Sam",
        "time_zone": "America/New_York",
    }
    assert sam_me["partner"]["display_name"] == "Alex"


def test_codes_are_forgiving_to_type(make_user):
    alex, sam = make_user(), make_user()
    code = invite(alex)["code"]
    typed = " " + code.replace("-", " ").lower() + " "
    assert accept(sam, typed).status_code == 200


def test_a_code_is_single_use(make_user):
    alex, sam, third = make_user(), make_user(), make_user()
    code = invite(alex)["code"]
    assert accept(sam, code).status_code == 200
    again = accept(third, code)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "invite_used"
    assert third.me()["space"]["kind"] == "solo"
    assert third.me()["partner"] is None


def test_an_expired_code_is_refused(app, make_user):
    alex, sam = make_user(), make_user()
    code = invite(alex)["code"]
    with app.app_context():
        db.session.execute(sa.update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = accept(sam, code)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invite_expired"
    assert sam.me()["space"]["kind"] == "solo"


def test_the_invites_qr_code_scans_to_its_join_link(make_user):
    issued = invite(make_user("Alex"))

    prefix = "data:image/png;base64,"
    assert issued["qr_code"].startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(issued["qr_code"][len(prefix) :])))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [issued["url"]]


def test_invites_expire_after_fifteen_minutes(make_user):
    alex = make_user()
    issued = invite(alex)
    from datetime import datetime

    expires = datetime.fromisoformat(issued["expires_at"])
    left = expires - utcnow()
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)


def test_accepting_your_own_invite_is_refused(make_user):
    alex = make_user()
    code = invite(alex)["code"]
    response = accept(alex, code)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "own_invite"
    assert alex.me()["space"]["kind"] == "solo"


def test_an_unknown_code_is_refused(make_user):
    sam = make_user()
    response = accept(sam, "ZZZZ-ZZZZ")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "invite_not_found"


def test_a_paired_user_can_neither_invite_nor_accept(make_couple, make_user):
    alex, sam = make_couple()
    response = alex.client.post("/api/pairing/invites")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_paired"

    third = make_user()
    code = invite(third)["code"]
    response = accept(sam, code)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_paired"
    assert sam.me()["partner"]["id"] == alex.id


def test_only_one_live_invite_per_user(make_user):
    alex, sam = make_user(), make_user()
    first = invite(alex)["code"]
    second = invite(alex)["code"]
    assert first != second
    assert accept(sam, first).status_code == 404
    assert accept(sam, second).status_code == 200


def test_an_invite_dies_when_its_author_pairs_with_somebody_else(make_user):
    alex, sam, robin = make_user(), make_user(), make_user()
    alex_code = invite(alex)["code"]
    sam_code = invite(sam)["code"]
    assert accept(alex, sam_code).status_code == 200
    response = accept(robin, alex_code)
    assert response.status_code in (404, 409)
    assert robin.me()["space"]["kind"] == "solo"


def test_unpairing_returns_both_to_new_solo_spaces(app, make_couple):
    alex, sam = make_couple()
    couple_id = alex.me()["space"]["id"]

    response = sam.client.post("/api/pairing/unpair")
    assert response.status_code == 200
    assert response.json["space"]["kind"] == "solo"

    alex_me, sam_me = alex.me(), sam.me()
    assert alex_me["space"]["kind"] == sam_me["space"]["kind"] == "solo"
    assert alex_me["space"]["id"] != sam_me["space"]["id"]
    assert couple_id not in {alex_me["space"]["id"], sam_me["space"]["id"]}
    assert alex_me["partner"] is None and sam_me["partner"] is None
    with app.app_context():
        # The couple space is gone, and no space is left without a member.
        assert db.session.get(Space, __import__("uuid").UUID(couple_id)) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Space)) == 2

    again = alex.client.post("/api/pairing/unpair")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "not_paired"


def test_partners_can_pair_again_after_unpairing(make_couple):
    alex, sam = make_couple()
    assert alex.client.post("/api/pairing/unpair").status_code == 200
    code = invite(sam)["code"]
    assert accept(alex, code).status_code == 200
    assert alex.me()["partner"]["id"] == sam.id


def test_two_people_racing_for_one_code_make_one_couple(make_user):
    import threading

    alex, sam, robin = make_user(), make_user(), make_user()
    code = invite(alex)["code"]
    barrier = threading.Barrier(2)
    results = {}

    def attempt(user):
        barrier.wait()
        results[user.id] = accept(user, code).status_code

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (sam, robin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 409]
    winner = sam if results[sam.id] == 200 else robin
    loser = robin if winner is sam else sam
    assert alex.me()["partner"]["id"] == winner.id
    assert winner.me()["partner"]["id"] == alex.id
    assert loser.me()["space"]["kind"] == "solo"


def test_both_partners_unpairing_at_once_leaves_two_solo_spaces(app, make_couple):
    import threading

    alex, sam = make_couple()
    barrier = threading.Barrier(2)
    results = []

    def attempt(user):
        barrier.wait()
        results.append(user.client.post("/api/pairing/unpair").status_code)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (alex, sam)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    assert alex.me()["space"]["kind"] == sam.me()["space"]["kind"] == "solo"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Space)) == 2
