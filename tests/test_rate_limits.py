"""Rate limits on signing in, registering and invites: 429 in the JSON format with Retry-After."""

from __future__ import annotations

import os

import pytest

from tests.conftest import ApiClient


@pytest.fixture
def strict(app_factory):
    """An app with small limits, and a client factory for it."""
    app = app_factory(
        LIMIT_LOGIN_PER_IP="6 per minute",
        LIMIT_LOGIN_PER_ACCOUNT="3 per minute",
        LIMIT_REGISTER_PER_IP="2 per hour",
        LIMIT_INVITE_CREATE_PER_USER="2 per hour",
        LIMIT_INVITE_ACCEPT_PER_USER="3 per 15 minutes",
    )
    return lambda: ApiClient(app.test_client())


def assert_rate_limited(response):
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def register(api, n):
    body = {
        "email": f"rl{n}@example.test",
        "password": "long enough pw",
        "display_name": f"U{n}",
        "time_zone": "UTC",
    }
    return api.post("/api/auth/register", json=body)


def test_failed_logins_are_limited_per_account(strict):
    new = strict
    assert register(new(), 1).status_code == 201
    for _ in range(3):
        wrong = new().post(
            "/api/auth/login", json={"email": "rl1@example.test", "password": "nope"}
        )
        assert wrong.status_code == 401
    blocked = new().post(
        "/api/auth/login", json={"email": "RL1@example.test", "password": "long enough pw"}
    )
    assert_rate_limited(blocked)
    # Another account from the same address is not blocked by this one's limit.
    assert register(new(), 2).status_code == 201
    ok = new().post(
        "/api/auth/login", json={"email": "rl2@example.test", "password": "long enough pw"}
    )
    assert ok.status_code == 200
    assert "Retry-After" not in ok.headers


def test_logins_are_limited_per_address(strict):
    new = strict
    api = new()
    for n in range(6):
        response = api.post(
            "/api/auth/login", json={"email": f"x{n}@example.test", "password": "p"}
        )
        assert response.status_code == 401
    assert_rate_limited(
        api.post("/api/auth/login", json={"email": "y@example.test", "password": "p"})
    )
    # A different address still gets in.
    other = api.post(
        "/api/auth/login",
        json={"email": "y@example.test", "password": "p"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert other.status_code == 401


def test_registration_is_limited_per_address(strict):
    new = strict
    assert register(new(), 1).status_code == 201
    assert register(new(), 2).status_code == 201
    blocked = register(new(), 3)
    assert_rate_limited(blocked)
    assert (
        new()
        .post("/api/auth/login", json={"email": "rl3@example.test", "password": "long enough pw"})
        .status_code
        == 401
    )


def test_invite_creation_and_attempts_are_limited_per_user(strict):
    new = strict
    alex, sam = new(), new()
    assert register(alex, 1).status_code == 201
    assert register(sam, 2).status_code == 201
    assert alex.post("/api/pairing/invites").status_code == 201
    code = alex.post("/api/pairing/invites").json["code"]
    assert_rate_limited(alex.post("/api/pairing/invites"))

    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert sam.post("/api/pairing/accept", json={"code": guess}).status_code == 404
    blocked = sam.post("/api/pairing/accept", json={"code": code})
    assert_rate_limited(blocked)
    assert sam.get("/api/me").json["partner"] is None


def test_guessing_the_current_password_is_limited(strict):
    new = strict
    api = new()
    assert register(api, 1).status_code == 201
    for _ in range(3):
        wrong = api.post(
            "/api/auth/password",
            json={"current_password": "a wrong guess", "new_password": "another long one"},
        )
        assert wrong.status_code == 422
    blocked = api.post(
        "/api/auth/password",
        json={"current_password": "long enough pw", "new_password": "another long one"},
    )
    assert_rate_limited(blocked)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_limits_kept_in_redis_are_shared_by_every_worker(app_factory):
    import redis

    url = os.environ["TEST_REDIS_URL"]
    settings = {
        "RATELIMIT_STORAGE_URI": url,
        "LIMIT_LOGIN_PER_IP": "3 per minute",
    }
    try:
        # Two app instances stand for two gunicorn workers sharing one Redis.
        first = ApiClient(app_factory(**settings).test_client())
        body = {"email": "w@example.test", "password": "nope"}
        for _ in range(3):
            assert first.post("/api/auth/login", json=body).status_code == 401
        second = ApiClient(app_factory(**settings).test_client())
        assert_rate_limited(second.post("/api/auth/login", json=body))
        # The counters really live in Redis.
        assert any(redis.Redis.from_url(url).scan_iter("LIMITS:*auth.login*"))
    finally:
        r = redis.Redis.from_url(url)
        for key in r.scan_iter("LIMITS:*auth.login*"):
            r.delete(key)
