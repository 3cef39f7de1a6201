"""Rate limits on signing in, registering and invites: 429 in the JSON format with Retry-After."""

from __future__ import annotations

import logging
import os

import pytest
from itsdangerous import URLSafeTimedSerializer

from server.accounts import devices
from server.config import ConfigurationError
from tests.conftest import ApiClient

OWNER = {"email": "rl1@example.test", "password": "long enough pw"}
WRONG = {"email": "rl1@example.test", "password": "a wrong guess"}
STRANGER = {"REMOTE_ADDR": "203.0.113.66"}


@pytest.fixture
def strict_app(app_factory):
    """An app with small limits."""
    return app_factory(
        LIMIT_LOGIN_PER_IP="6 per minute",
        LIMIT_LOGIN_PER_ACCOUNT="3 per minute",
        LIMIT_LOGIN_PER_DEVICE="3 per minute",
        LIMIT_REGISTER_PER_IP="2 per hour",
        LIMIT_INVITE_CREATE_PER_USER="2 per hour",
        LIMIT_INVITE_ACCEPT_PER_USER="3 per 15 minutes",
    )


@pytest.fixture
def strict(strict_app):
    """A client factory for the app with small limits."""
    return lambda: ApiClient(strict_app.test_client())


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


def lock_out_strangers(new):
    """Use up the account's limit with wrong passwords from a device that never signed in."""
    stranger = new()
    for _ in range(3):
        assert (
            stranger.post("/api/auth/login", json=WRONG, environ_base=STRANGER).status_code == 401
        )
    return stranger


def test_the_owner_on_a_known_device_gets_in_while_strangers_are_locked_out(strict):
    new = strict
    phone = new()
    assert register(phone, 1).status_code == 201
    # Signing out keeps the device known: the device cookie is not a session.
    assert phone.post("/api/auth/logout").status_code == 204
    stranger = lock_out_strangers(new)

    # Without the device cookie, even the right password waits: guessing stays limited.
    assert_rate_limited(stranger.post("/api/auth/login", json=OWNER, environ_base=STRANGER))
    assert_rate_limited(new().post("/api/auth/login", json=OWNER))

    ok = phone.post("/api/auth/login", json=OWNER)
    assert ok.status_code == 200, ok.json
    assert phone.get("/api/me").json["user"]["email"] == OWNER["email"]


def test_a_device_cookie_of_another_account_or_a_forged_one_gives_no_exemption(strict):
    new = strict
    assert register(new(), 1).status_code == 201
    owner_id = new().post("/api/auth/login", json=OWNER).json["user"]["id"]
    # The stranger's device knows the stranger's own account, not the owner's.
    stranger = new()
    assert register(stranger, 2).status_code == 201
    for _ in range(3):
        assert (
            stranger.post("/api/auth/login", json=WRONG, environ_base=STRANGER).status_code == 401
        )
    assert_rate_limited(stranger.post("/api/auth/login", json=OWNER, environ_base=STRANGER))

    # A cookie naming the owner but signed with another key is no device cookie at all.
    forger = new()
    forged = URLSafeTimedSerializer("not the server's key", salt=devices.SALT).dumps(
        {"u": owner_id, "n": "forged"}
    )
    forger.raw.set_cookie(devices.COOKIE_NAME, forged, path=devices.COOKIE_PATH)
    assert_rate_limited(forger.post("/api/auth/login", json=OWNER))


def test_a_known_device_that_keeps_failing_is_locked_out_itself(strict):
    new = strict
    phone = new()
    assert register(phone, 1).status_code == 201
    for _ in range(3):
        assert phone.post("/api/auth/login", json=WRONG).status_code == 401
    assert_rate_limited(phone.post("/api/auth/login", json=OWNER))
    # Its failures were its own: the account's limit for other devices is untouched.
    assert new().post("/api/auth/login", json=OWNER).status_code == 200


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


def test_production_refuses_to_count_limits_in_each_process_alone(app_factory):
    with pytest.raises(ConfigurationError) as refused:
        app_factory(
            HEARTH_ENV="production",
            RATELIMIT_STORAGE_URI="memory://",
            RATELIMIT_SINGLE_PROCESS=False,
        )
    message = str(refused.value)
    assert "REDIS_URL" in message and "RATELIMIT_SINGLE_PROCESS" in message


def test_production_in_one_process_starts_with_a_loud_warning(app_factory, caplog):
    with caplog.at_level(logging.WARNING):
        app = app_factory(
            HEARTH_ENV="production",
            RATELIMIT_STORAGE_URI="memory://",
            RATELIMIT_SINGLE_PROCESS=True,
            SESSION_COOKIE_SECURE_MODE="false",
        )
    assert any(
        r.levelno == logging.WARNING and "RATELIMIT_SINGLE_PROCESS" in r.getMessage()
        for r in caplog.records
    )
    assert register(ApiClient(app.test_client()), 1).status_code == 201


def test_production_without_rate_limits_or_in_development_says_nothing(app_factory, caplog):
    with caplog.at_level(logging.WARNING):
        app_factory(
            HEARTH_ENV="production", RATELIMIT_ENABLED=False, RATELIMIT_SINGLE_PROCESS=False
        )
        app_factory(HEARTH_ENV="development", RATELIMIT_SINGLE_PROCESS=False)
    assert not [r for r in caplog.records if "RATELIMIT" in r.getMessage()]


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
