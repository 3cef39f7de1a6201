"""Registering, signing in, profile and password changes."""

from __future__ import annotations

import sqlalchemy as sa

from server.accounts.models import User
from server.extensions import db
from tests.conftest import PASSWORD


def register(client, **overrides):
    body = {
        "email": "robin@example.test",
        "password": PASSWORD,
        "display_name": "Robin",
        "time_zone": "Asia/Tokyo",
        **overrides,
    }
    return client.post("/api/auth/register", json=body)


def test_register_signs_in_and_gives_a_solo_space(client):
    response = register(client)
    assert response.status_code == 201
    user = response.json["user"]
    assert user["email"] == "robin@example.test"
    assert user["display_name"] == "Robin"
    assert user["time_zone"] == "Asia/Tokyo"
    assert "password" not in user and "password_hash" not in user

    me = client.get("/api/me").json
    assert me["user"] == user
    assert me["space"]["kind"] == "solo"
    assert me["partner"] is None


def test_email_is_compared_case_insensitively(client, new_client):
    assert register(client, email="Robin@Example.TEST").status_code == 201
    again = register(new_client(), email="robin@example.test")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "email_taken"

    other = new_client()
    response = other.post(
        "/api/auth/login", json={"email": "ROBIN@example.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json["user"]["email"] == "Robin@Example.TEST"


def test_register_validates_every_field(client, app):
    response = register(
        client, email="not-an-email", password="short", display_name="  ", time_zone="Mars/Olympus"
    )
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"email", "password", "display_name", "time_zone"}
    assert "10" in fields["password"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_ten_character_password_is_enough(client):
    assert register(client, password="x" * 9).status_code == 422
    assert register(client, password="x" * 10).status_code == 201


def test_unknown_email_and_wrong_password_get_the_same_answer(make_user, new_client):
    user = make_user()
    wrong_password = new_client().post(
        "/api/auth/login", json={"email": user.email, "password": "not the password"}
    )
    unknown_email = new_client().post(
        "/api/auth/login", json={"email": "nobody@example.test", "password": "not the password"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json
    assert wrong_password.json["error"]["code"] == "invalid_credentials"


def test_password_is_rehashed_when_parameters_change(app_factory, make_user, new_client):
    user = make_user()
    first = app_factory()
    with first.app_context():
        old_hash = db.session.scalar(sa.select(User.password_hash))
    assert "m=1024" in old_hash and old_hash.startswith("$argon2id$")

    stronger = app_factory(ARGON2_MEMORY_COST=2048, ARGON2_TIME_COST=2)
    from tests.conftest import ApiClient

    response = ApiClient(stronger.test_client()).post(
        "/api/auth/login", json={"email": user.email, "password": user.password}
    )
    assert response.status_code == 200
    with stronger.app_context():
        new_hash = db.session.scalar(sa.select(User.password_hash))
    assert new_hash != old_hash
    assert "m=2048" in new_hash and "t=2" in new_hash
    # The new hash still accepts the password.
    again = ApiClient(stronger.test_client()).post(
        "/api/auth/login", json={"email": user.email, "password": user.password}
    )
    assert again.status_code == 200


def test_profile_changes(make_user):
    user = make_user()
    response = user.client.patch(
        "/api/me", json={"display_name": "  Robin B. ", "time_zone": "America/Los_Angeles"}
    )
    assert response.status_code == 200
    assert response.json["user"]["display_name"] == "Robin B."
    assert response.json["user"]["time_zone"] == "America/Los_Angeles"
    assert user.me()["user"]["time_zone"] == "America/Los_Angeles"

    bad = user.client.patch("/api/me", json={"time_zone": "Europe/Atlantis"})
    assert bad.status_code == 422 and "time_zone" in bad.json["error"]["fields"]
    empty = user.client.patch("/api/me", json={})
    assert empty.status_code == 422
    assert user.me()["user"]["display_name"] == "Robin B."


def test_change_password_ends_other_sessions(make_user, new_client):
    user = make_user()
    phone = new_client()
    assert (
        phone.post(
            "/api/auth/login", json={"email": user.email, "password": user.password}
        ).status_code
        == 200
    )

    wrong = user.client.post(
        "/api/auth/password",
        json={"current_password": "not it at all", "new_password": "a brand new password"},
    )
    assert wrong.status_code == 422
    assert "current_password" in wrong.json["error"]["fields"]
    assert phone.get("/api/me").status_code == 200

    cookie_before = user.client.session_cookie()
    ok = user.client.post(
        "/api/auth/password",
        json={"current_password": user.password, "new_password": "a brand new password"},
    )
    assert ok.status_code == 204
    assert user.client.session_cookie() != cookie_before
    assert user.client.get("/api/me").status_code == 200
    assert phone.get("/api/me").status_code == 401

    old = new_client().post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = new_client().post(
        "/api/auth/login", json={"email": user.email, "password": "a brand new password"}
    )
    assert new.status_code == 200
