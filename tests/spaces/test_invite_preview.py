"""Looking an invite code up before accepting it: who invited me, and nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.db import utcnow
from server.extensions import db
from server.spaces.models import Invite
from tests.conftest import ApiClient


def invite(user) -> dict:
    response = user.client.post("/api/pairing/invites")
    assert response.status_code == 201, response.json
    return response.json


def preview(client, code: str):
    return client.get(f"/api/pairing/invites/{code}")


def test_whoever_holds_the_code_sees_only_the_inviters_name(make_user, new_client):
    alex = make_user("Alex R.", time_zone="Pacific/Kiritimati", email="alex@example.test")
    sam = make_user("Sam")
    issued = invite(alex)

    for client in (sam.client, new_client()):  # signed in, and before signing up
        response = preview(client, issued["code"])
        assert response.status_code == 200, response.json
        assert response.json == {
            "inviter": {"display_name": "Alex R."},
            "expires_at": issued["expires_at"],
        }
        text = response.get_data(as_text=True)
        for secret in (alex.id, "alex@example.test", "Kiritimati"):
            assert secret not in text

    # Looking changed nothing: the code still pairs.
    assert sam.me()["partner"] is None
    accepted = sam.client.post("/api/pairing/accept", json={"code": issued["code"]})
    assert accepted.status_code == 200


def test_a_code_is_found_however_it_is_typed(make_user, client):
    alex = make_user("Alex")
    code = invite(alex)["code"]
    for typed in (code, code.replace("-", ""), code.lower(), f" {code} "):
        response = preview(client, typed)
        assert response.status_code == 200, typed
        assert response.json["inviter"]["display_name"] == "Alex"


def _expire(app, code: str) -> None:
    with app.app_context():
        invite = db.session.query(Invite).filter_by(code=code.replace("-", "")).one()
        invite.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_unknown_used_replaced_and_expired_codes_get_the_same_404(app, make_user, client):
    alex, sam, kim, lee = (make_user(name) for name in ("Alex", "Sam", "Kim", "Lee"))
    used = invite(alex)["code"]
    assert sam.client.post("/api/pairing/accept", json={"code": used}).status_code == 200
    replaced = invite(kim)["code"]
    invite(kim)  # a new invite ends the previous one
    expired = invite(lee)["code"]
    _expire(app, expired)

    answers = []
    for code in ("ABCD-2345", used, replaced, expired, "x" * 200, "%00", "-"):
        response = preview(client, code)
        assert response.status_code == 404, (code, response.json)
        answers.append(response.json)
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["error"]["code"] == "invite_not_found"


def test_my_own_invite_says_so(make_user):
    alex = make_user("Alex")
    response = preview(alex.client, invite(alex)["code"])
    assert response.status_code == 409
    assert response.json["error"]["code"] == "own_invite"


@pytest.fixture
def strict(app_factory):
    app = app_factory(
        LIMIT_INVITE_ACCEPT_PER_USER="3 per 15 minutes",
        LIMIT_INVITE_LOOKUP_PER_IP="3 per 15 minutes",
    )

    def new(**environ) -> ApiClient:
        client = app.test_client()
        client.environ_base.update(environ)  # REMOTE_ADDR: where the requests come from
        return ApiClient(client)

    return new


def _register(api: ApiClient, n: int) -> None:
    body = {
        "email": f"preview{n}@example.test",
        "password": "long enough pw",
        "display_name": f"U{n}",
        "time_zone": "UTC",
    }
    assert api.post("/api/auth/register", json=body).status_code == 201


def assert_rate_limited(response) -> None:
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_looking_codes_up_signed_out_is_limited_per_address(strict):
    alex = strict()
    _register(alex, 1)
    code = alex.post("/api/pairing/invites").json["code"]
    stranger = strict(REMOTE_ADDR="203.0.113.7")
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert preview(stranger, guess).status_code == 404
    assert_rate_limited(preview(stranger, code))
    # Someone else, elsewhere, is not held back.
    assert preview(strict(REMOTE_ADDR="198.51.100.8"), code).status_code == 200


def test_looking_up_and_accepting_share_one_allowance_per_user(strict):
    alex, sam = strict(), strict()
    _register(alex, 1)
    _register(sam, 2)
    code = alex.post("/api/pairing/invites").json["code"]
    assert preview(sam, "AAAA-AAAA").status_code == 404
    assert preview(sam, "BBBB-BBBB").status_code == 404
    assert sam.post("/api/pairing/accept", json={"code": "CCCC-CCCC"}).status_code == 404
    assert_rate_limited(preview(sam, code))
    assert_rate_limited(sam.post("/api/pairing/accept", json={"code": code}))
    assert sam.get("/api/me").json["partner"] is None
