"""Server-side sessions: revocable, rotated at login, with safe cookies."""

from __future__ import annotations

import os

import pytest

from tests.conftest import ApiClient


def copy_of(app, cookie: str) -> ApiClient:
    """A second client holding a copied session cookie (as a thief would)."""
    thief = ApiClient(app.test_client())
    thief.raw.set_cookie("hearth_session", cookie, domain="localhost")
    return thief


def login(client, user):
    return client.post("/api/auth/login", json={"email": user.email, "password": user.password})


def test_unauthenticated_api_calls_get_json_401_not_a_redirect(client):
    for method, path in [
        ("GET", "/api/me"),
        ("POST", "/api/pairing/invites"),
        ("POST", "/api/auth/logout-all"),
        ("GET", "/api/auth/sessions"),
        ("POST", "/api/sync/push"),
        ("POST", "/api/sync/pull"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 401, path
        assert response.json["error"]["code"] == "unauthorized"
        assert "Location" not in response.headers


def test_copied_cookie_stops_working_after_logout(app, make_user):
    user = make_user()
    stolen = copy_of(app, user.client.session_cookie())
    assert stolen.get("/api/me").status_code == 200

    assert user.client.post("/api/auth/logout").status_code == 204
    assert user.client.get("/api/me").status_code == 401
    assert stolen.get("/api/me").status_code == 401
    pull = stolen.post("/api/sync/pull", json={"client_id": "stolen-device-1"})
    assert pull.status_code == 401


def test_logout_everywhere_ends_every_session(app, make_user, new_client):
    user = make_user()
    phone, tablet = new_client(), new_client()
    assert login(phone, user).status_code == 200
    assert login(tablet, user).status_code == 200
    stolen = copy_of(app, phone.session_cookie())
    other_user = make_user()

    assert tablet.post("/api/auth/logout-all").status_code == 204
    for device in (user.client, phone, tablet, stolen):
        assert device.get("/api/me").status_code == 401
    # Somebody else's session is untouched.
    assert other_user.client.get("/api/me").status_code == 200


def test_session_id_changes_at_login(app, make_user):
    user = make_user()
    before = user.client.session_cookie()
    assert login(user.client, user).status_code == 200
    after = user.client.session_cookie()
    assert after and after != before
    # The old id no longer signs anybody in.
    assert copy_of(app, before).get("/api/me").status_code == 401


def test_anonymous_visits_store_nothing_and_set_no_cookie(client):
    response = client.get("/api/me")
    assert "Set-Cookie" not in response.headers
    response = client.get("/")
    assert "Set-Cookie" not in response.headers


def set_cookie_header(response) -> str:
    return next(
        v for v in response.headers.getlist("Set-Cookie") if v.startswith("hearth_session=")
    )


def test_cookie_is_httponly_lax_and_not_secure_on_localhost_in_development(make_user, client):
    response = client.post(
        "/api/auth/register",
        json={
            "email": "c@example.test",
            "password": "long enough pw",
            "display_name": "C",
            "time_zone": "UTC",
        },
    )
    header = set_cookie_header(response)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header


def test_cookie_is_secure_outside_localhost_and_in_production(app_factory):
    for app, base in [
        (app_factory(), "http://hearth.example"),
        (app_factory(HEARTH_ENV="production"), "http://localhost"),
    ]:
        api = ApiClient(app.test_client())
        response = api.post(
            "/api/auth/register",
            json={
                "email": f"s{base[-3:]}@example.test",
                "password": "long enough pw",
                "display_name": "S",
                "time_zone": "UTC",
            },
            base_url=base,
        )
        assert response.status_code == 201
        header = set_cookie_header(response)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_devices_are_listed_and_can_be_signed_out(make_user, new_client):
    user = make_user()
    phone = new_client()
    assert login(phone, user).status_code == 200
    devices = user.client.get("/api/auth/sessions").json["devices"]
    assert len(devices) == 2
    assert sum(d["current"] for d in devices) == 1
    phone_id = next(d["id"] for d in devices if not d["current"])

    assert user.client.delete(f"/api/auth/sessions/{phone_id}").status_code == 204
    assert phone.get("/api/me").status_code == 401
    assert user.client.get("/api/me").status_code == 200
    assert user.client.delete(f"/api/auth/sessions/{phone_id}").status_code == 404


def test_a_user_cannot_sign_out_somebody_elses_device(make_user):
    a, b = make_user(), make_user()
    b_device = b.client.get("/api/auth/sessions").json["devices"][0]["id"]
    assert a.client.delete(f"/api/auth/sessions/{b_device}").status_code == 404
    assert b.client.get("/api/me").status_code == 200


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_redis_session_store_is_revocable(app_factory):
    import redis

    url = os.environ["TEST_REDIS_URL"]
    prefix = f"hearth-test-{os.getpid()}"
    app = app_factory(SESSION_STORE="redis", REDIS_URL=url, REDIS_KEY_PREFIX=prefix)
    try:
        a = ApiClient(app.test_client())
        body = {
            "email": "r@example.test",
            "password": "long enough pw",
            "display_name": "R",
            "time_zone": "UTC",
        }
        assert a.post("/api/auth/register", json=body).status_code == 201
        b = ApiClient(app.test_client())
        creds = {"email": body["email"], "password": body["password"]}
        assert b.post("/api/auth/login", json=creds).status_code == 200
        stolen = copy_of(app, a.session_cookie())
        assert stolen.get("/api/me").status_code == 200
        assert len(a.get("/api/auth/sessions").json["devices"]) == 2

        assert a.post("/api/auth/logout").status_code == 204
        assert stolen.get("/api/me").status_code == 401
        assert b.get("/api/me").status_code == 200
        assert b.post("/api/auth/logout-all").status_code == 204
        assert b.get("/api/me").status_code == 401
    finally:
        r = redis.Redis.from_url(url)
        for key in r.scan_iter(f"{prefix}:*"):
            r.delete(key)
