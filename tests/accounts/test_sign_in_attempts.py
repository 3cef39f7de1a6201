"""Device cookies, and the owner told of others' failed sign-in attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.db import utcnow
from tests.conftest import ApiClient

DEVICE_COOKIE = "hearth_device="


def device_cookie_header(response) -> str | None:
    found = [v for v in response.headers.getlist("Set-Cookie") if v.startswith(DEVICE_COOKIE)]
    return found[0] if found else None


def sign_in(api, user, password=None):
    return api.post(
        "/api/auth/login", json={"email": user.email, "password": password or user.password}
    )


def test_the_owner_is_told_of_failed_attempts_once_at_the_next_sign_in(make_user, new_client):
    owner = make_user()
    before = utcnow()
    for _ in range(7):
        assert sign_in(new_client(), owner, "somebody guessing").status_code == 401

    first = sign_in(owner.client, owner)
    assert first.status_code == 200
    told = first.json["failed_attempts"]
    assert told["count"] == 7
    assert before <= datetime.fromisoformat(told["last_at"]) <= utcnow()

    again = sign_in(new_client(), owner)
    assert again.status_code == 200
    assert again.json["failed_attempts"] is None


def test_a_sign_in_after_none_failed_tells_nothing(make_user, new_client):
    owner = make_user()
    answer = sign_in(new_client(), owner)
    assert answer.status_code == 200
    assert answer.json["failed_attempts"] is None


def test_the_owners_own_slips_on_a_known_device_are_not_reported(make_user):
    owner = make_user()  # signed up on this device, so it is known to the account
    assert sign_in(owner.client, owner, "a typo in it").status_code == 401
    answer = sign_in(owner.client, owner)
    assert answer.status_code == 200
    assert answer.json["failed_attempts"] is None


def test_unknown_email_and_wrong_password_leave_the_same_traces(make_user, new_client):
    owner = make_user()
    wrong_password = sign_in(new_client(), owner, "not the password")
    unknown = new_client().post(
        "/api/auth/login", json={"email": "nobody@example.test", "password": "not the password"}
    )
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json == unknown.json
    assert device_cookie_header(wrong_password) is device_cookie_header(unknown) is None
    assert wrong_password.headers.getlist("Set-Cookie") == unknown.headers.getlist("Set-Cookie")


def test_signing_in_or_up_gives_a_long_lived_device_cookie(make_user, new_client):
    owner = make_user()
    for response in (sign_in(new_client(), owner), sign_in(owner.client, owner)):
        header = device_cookie_header(response)
        assert header is not None
        assert "HttpOnly" in header and "SameSite=Strict" in header
        assert "Path=/api/auth/login" in header
        max_age = int(header.split("Max-Age=")[1].split(";")[0])
        assert max_age >= timedelta(days=365).total_seconds()


def test_the_device_cookie_is_secure_outside_localhost(app_factory):
    api = ApiClient(app_factory().test_client())
    response = api.post(
        "/api/auth/register",
        json={
            "email": "far@example.test",
            "password": "long enough pw",
            "display_name": "Far",
            "time_zone": "UTC",
        },
        base_url="http://hearth.example",
    )
    assert response.status_code == 201
    assert "Secure" in device_cookie_header(response)


def test_the_device_cookie_outlives_sign_out_and_opens_nothing(make_user, new_client):
    owner = make_user()
    device = owner.client.raw.get_cookie("hearth_device", path="/api/auth/login")
    assert device is not None

    signed_out = owner.client.post("/api/auth/logout")
    assert signed_out.status_code == 204
    assert device_cookie_header(signed_out) is None
    assert owner.client.raw.get_cookie("hearth_device", path="/api/auth/login") is not None

    # Carried alone to another browser, it is no session.
    other = new_client()
    other.raw.set_cookie("hearth_device", device.value, path="/api/auth/login")
    assert other.get("/api/me").status_code == 401
    assert other.get("/api/auth/session").status_code == 401
