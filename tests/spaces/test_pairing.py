"""Pairing two partners through an invite code, and unpairing."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from sqlalchemy.exc import OperationalError

from server.accounts.models import User
from server.db import utcnow
from server.extensions import db
from server.spaces.models import Invite, Space
from server.sync import moves
from server.sync import service as sync_service
from tests.conftest import TEST_DATABASE_URL

# Rounds of the crossing-accepts race: enough to meet the bad interleaving on PostgreSQL.
ROUNDS = 10


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


def accept_at_once(*attempts):
    """Send the (user, code) accepts at the same moment; return each user's answer."""
    import threading

    barrier = threading.Barrier(len(attempts))
    answers = {}

    def attempt(user, code):
        barrier.wait()
        answers[user.id] = accept(user, code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL not set")
def test_crossing_accepts_pair_one_couple_and_never_fail(app, make_user):
    """A accepts C's code while B accepts A's code: one couple forms, the other hears why."""
    for _ in range(ROUNDS):
        a, b, c = make_user(), make_user(), make_user()
        c_code, a_code = invite(c)["code"], invite(a)["code"]
        answers = accept_at_once((a, c_code), (b, a_code))

        statuses = sorted(r.status_code for r in answers.values())
        assert 500 not in statuses, [r.json for r in answers.values()]
        assert statuses[0] == 200 and statuses[1] in (404, 409), statuses
        me = {u.id: u.me() for u in (a, b, c)}
        first, second, alone = (a, c, b) if answers[a.id].status_code == 200 else (a, b, c)
        assert me[first.id]["partner"]["id"] == second.id
        assert me[second.id]["partner"]["id"] == first.id
        assert me[first.id]["space"] == me[second.id]["space"]
        assert me[first.id]["space"]["kind"] == "couple"
        assert me[alone.id]["space"]["kind"] == "solo"
        assert me[alone.id]["partner"] is None
    with app.app_context():
        # Every space has a member: the solo spaces left behind went away.
        members = sa.select(sa.func.count(sa.distinct(User.space_id)))
        assert db.session.scalar(members) == db.session.scalar(
            sa.select(sa.func.count()).select_from(Space)
        )


class _Deadlock(Exception):
    sqlstate = "40P01"


def _deadlocked(*_args, **_kwargs):
    raise OperationalError("UPDATE spaces ...", {}, _Deadlock("deadlock detected"))


def test_a_pairing_that_keeps_meeting_deadlocks_answers_503_and_changes_nothing(
    make_user, monkeypatch
):
    alex, sam = make_user(), make_user()
    code = invite(alex)["code"]
    monkeypatch.setattr(sync_service, "MAX_ATTEMPTS", 2)
    with monkeypatch.context() as patch:
        patch.setattr(moves, "on_pair", _deadlocked)
        busy = accept(sam, code)
    assert busy.status_code == 503, busy.json
    assert int(busy.headers["Retry-After"]) > 0
    assert alex.me()["space"]["kind"] == sam.me()["space"]["kind"] == "solo"
    # Nothing was used up: the same code pairs them once the database is calm again.
    assert accept(sam, code).status_code == 200


def test_an_unpairing_that_keeps_meeting_deadlocks_answers_503_and_changes_nothing(
    make_couple, monkeypatch
):
    alex, sam = make_couple()
    monkeypatch.setattr(sync_service, "MAX_ATTEMPTS", 2)
    with monkeypatch.context() as patch:
        patch.setattr(moves, "on_unpair", _deadlocked)
        busy = alex.client.post("/api/pairing/unpair")
    assert busy.status_code == 503, busy.json
    assert alex.me()["partner"]["id"] == sam.id
    assert alex.client.post("/api/pairing/unpair").status_code == 200
