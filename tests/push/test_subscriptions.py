"""Keys, subscriptions tied to a signed-in device, and notification settings."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import ApiClient, db_snapshot
from tests.push.conftest import stored_endpoints


def decoded_key(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def key_app(app_factory, tmp_path):
    return app_factory(VAPID_KEY_FILE=str(tmp_path / "vapid.pem"))


def test_the_public_key_is_generated_once_and_kept(key_app, app_factory, tmp_path):
    first = ApiClient(key_app.test_client()).get("/api/push/key")
    assert first.status_code == 200
    raw = decoded_key(first.json["public_key"])
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)  # a usable P-256 key
    assert (tmp_path / "vapid.pem").stat().st_mode & 0o077 == 0
    again = app_factory(VAPID_KEY_FILE=str(tmp_path / "vapid.pem"))
    assert ApiClient(again.test_client()).get("/api/push/key").json == first.json


def test_rotating_the_key_changes_it_and_drops_old_subscriptions(key_app, make_user, subscribe):
    user = make_user()
    user.client.raw.application = key_app
    before = key_app.test_cli_runner().invoke(args=["push-key"])
    assert before.exit_code == 0
    api = ApiClient(key_app.test_client())
    assert before.output.strip() == api.get("/api/push/key").json["public_key"]
    subscribe(user.client)
    assert stored_endpoints(key_app)

    rotated = key_app.test_cli_runner().invoke(args=["push-key", "--rotate"])
    assert rotated.exit_code == 0, rotated.output
    new_key = rotated.output.strip().splitlines()[-1]
    assert new_key != before.output.strip()
    assert api.get("/api/push/key").json["public_key"] == new_key
    assert stored_endpoints(key_app) == set()


def test_a_key_from_the_environment_is_used_and_not_rotated(app_factory):
    app = app_factory(VAPID_PRIVATE_KEY="X" * 43)
    assert len(decoded_key(ApiClient(app.test_client()).get("/api/push/key").json["public_key"]))
    result = app.test_cli_runner().invoke(args=["push-key", "--rotate"])
    assert result.exit_code != 0
    assert "VAPID_PRIVATE_KEY" in result.output


def test_subscribing_needs_a_sign_in(client, make_browser):
    response = client.post("/api/push/subscriptions", json=make_browser().body())
    assert response.status_code == 401


def test_a_subscription_is_kept_once_per_endpoint_and_follows_who_signed_in(
    app, make_user, make_browser
):
    alex, sam = make_user(), make_user()
    browser = make_browser()
    for _ in range(2):
        assert alex.client.post("/api/push/subscriptions", json=browser.body()).status_code == 200
    assert stored_endpoints(app, alex.id) == {browser.endpoint}
    # The same browser profile now used by Sam: Alex's notifications must stop there.
    response = alex.client.post(
        "/api/auth/login", json={"email": sam.email, "password": sam.password}
    )
    assert response.status_code == 200
    assert alex.client.post("/api/push/subscriptions", json=browser.body()).status_code == 200
    assert stored_endpoints(app, alex.id) == set()
    assert stored_endpoints(app, sam.id) == {browser.endpoint}


def test_another_accounts_endpoint_cannot_be_taken_over(
    app, make_couple, make_user, make_browser, subscribe, push_service
):
    from tests.push.test_delivery import checkin
    from tests.sync.client import SyncTestClient

    alex, sam = make_couple()
    sam_phone = subscribe(sam.client, push_service.base)
    kim = make_user("Kim")
    before = db_snapshot(app)["push_subscriptions"]
    # Kim posts Sam's endpoint with keys of Kim's own.
    stolen = {**make_browser().body(), "endpoint": sam_phone.endpoint}
    response = kim.client.post("/api/push/subscriptions", json=stolen)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "endpoint_taken"
    assert db_snapshot(app)["push_subscriptions"] == before
    # Sam still hears of Alex's check-in, encrypted for Sam's own keys.
    checkin(SyncTestClient(alex.client))
    [got] = push_service.for_browser(sam_phone)
    assert got.decrypt(sam_phone)["notification"]["title"] == "Alex checked in"


def test_the_owner_posts_again_with_new_keys_from_any_of_their_devices(
    app, make_user, make_browser, new_client
):
    user = make_user()
    browser = make_browser()
    assert user.client.post("/api/push/subscriptions", json=browser.body()).status_code == 200
    renewed = make_browser()  # the browser made new keys for the same endpoint
    body = {**renewed.body(), "endpoint": browser.endpoint}
    assert user.client.post("/api/push/subscriptions", json=body).status_code == 200
    laptop = sign_in(new_client, user)
    assert laptop.post("/api/push/subscriptions", json=body).status_code == 200
    assert stored_endpoints(app, user.id) == {browser.endpoint}
    # It now belongs to the laptop's session: signing the laptop out stops it.
    assert laptop.post("/api/auth/logout").status_code == 204
    assert stored_endpoints(app) == set()


def test_an_endpoint_is_free_again_once_its_device_signed_out(app, make_user, subscribe):
    alex, kim = make_user(), make_user()
    browser = subscribe(alex.client)
    assert alex.client.post("/api/auth/logout").status_code == 204
    assert kim.client.post("/api/push/subscriptions", json=browser.body()).status_code == 200
    assert stored_endpoints(app, kim.id) == {browser.endpoint}


def test_the_api_description_tells_of_a_taken_endpoint(client):
    spec = client.get("/api/openapi.json").json
    answers = spec["paths"]["/api/push/subscriptions"]["post"]["responses"]
    assert "409" in answers


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.test/send/1",
        "ftp://push.example.test/send/1",
        "push.example.test/send/1",
        "https:///send/1",
        "https://user:pw@push.example.test/send/1",
        "https://push.example.test:99999/send/1",
        "javascript:alert(1)",
        "https://10.0.0.7/send/1",
        "https://169.254.169.254/send/1",
    ],
)
def test_endpoints_must_be_https_push_urls(app, make_user, make_browser, endpoint):
    user = make_user()
    body = {**make_browser().body(), "endpoint": endpoint}
    response = user.client.post("/api/push/subscriptions", json=body)
    assert response.status_code == 422
    assert "endpoint" in response.json["error"]["fields"]
    assert stored_endpoints(app) == set()


def test_bad_keys_are_refused_with_the_field_named(app, make_user, make_browser):
    user = make_user()
    body = make_browser().body()
    for field, value in [("p256dh", "BAAA"), ("p256dh", "B" * 87), ("auth", "short")]:
        spoiled = {**body, "keys": {**body["keys"], field: value}}
        response = user.client.post("/api/push/subscriptions", json=spoiled)
        assert response.status_code == 422
        assert f"keys.{field}" in response.json["error"]["fields"]
    assert stored_endpoints(app) == set()


def test_loopback_http_endpoints_only_in_development_and_testing(app_factory, make_browser):
    for env, status in [("testing", 200), ("development", 200), ("production", 422)]:
        # A push service is never on this machine in production.
        app = app_factory(HEARTH_ENV=env, SESSION_COOKIE_SECURE_MODE="false")
        api = ApiClient(app.test_client())
        email = f"loop-{env}@example.test"
        api.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": "a long enough password",
                "display_name": "Kim",
                "time_zone": "UTC",
            },
        )
        body = make_browser("http://127.0.0.1:8123").body()
        assert api.post("/api/push/subscriptions", json=body).status_code == status, env


def test_unsubscribing_removes_only_my_endpoint(app, make_user, subscribe):
    alex, sam = make_user(), make_user()
    mine, theirs = subscribe(alex.client), subscribe(sam.client)
    response = alex.client.delete("/api/push/subscriptions", json={"endpoint": theirs.endpoint})
    assert response.status_code == 204
    assert stored_endpoints(app) == {mine.endpoint, theirs.endpoint}
    response = alex.client.delete("/api/push/subscriptions", json={"endpoint": mine.endpoint})
    assert response.status_code == 204
    assert stored_endpoints(app) == {theirs.endpoint}


def sign_in(new_client, user) -> ApiClient:
    api = new_client()
    response = api.post("/api/auth/login", json={"email": user.email, "password": user.password})
    assert response.status_code == 200
    return api


def test_signing_out_stops_that_devices_notifications(app, make_user, new_client, subscribe):
    user = make_user()
    phone = user.client
    laptop = sign_in(new_client, user)
    on_phone, on_laptop = subscribe(phone), subscribe(laptop)
    assert phone.post("/api/auth/logout").status_code == 204
    assert stored_endpoints(app, user.id) == {on_laptop.endpoint}
    # Signing in again on the phone does not bring it back until the app subscribes again.
    phone = sign_in(new_client, user)
    assert stored_endpoints(app, user.id) == {on_laptop.endpoint}
    assert on_phone.endpoint not in stored_endpoints(app)


def test_signing_out_everywhere_stops_every_device(app, make_user, new_client, subscribe):
    user = make_user()
    laptop = sign_in(new_client, user)
    subscribe(user.client), subscribe(laptop)
    assert laptop.post("/api/auth/logout-all").status_code == 204
    assert stored_endpoints(app, user.id) == set()


def test_ending_another_devices_session_stops_its_notifications(
    app, make_user, new_client, subscribe
):
    user = make_user()
    laptop = sign_in(new_client, user)
    on_phone, on_laptop = subscribe(user.client), subscribe(laptop)
    devices = user.client.get("/api/auth/sessions").json["devices"]
    other = next(d for d in devices if not d["current"])
    assert user.client.delete(f"/api/auth/sessions/{other['id']}").status_code == 204
    assert stored_endpoints(app, user.id) == {on_phone.endpoint}
    assert on_laptop.endpoint not in stored_endpoints(app)


def test_changing_the_password_keeps_only_this_devices_notifications(
    app, make_user, new_client, subscribe
):
    user = make_user()
    laptop = sign_in(new_client, user)
    on_phone, _ = subscribe(user.client), subscribe(laptop)
    response = user.client.post(
        "/api/auth/password",
        json={"current_password": user.password, "new_password": "another long password"},
    )
    assert response.status_code == 204
    assert stored_endpoints(app, user.id) == {on_phone.endpoint}
    # This device's session got a new id; signing out still finds its subscription.
    assert user.client.post("/api/auth/logout").status_code == 204
    assert stored_endpoints(app, user.id) == set()


def test_settings_have_defaults_and_change_a_field_at_a_time(make_user):
    user = make_user()
    response = user.client.get("/api/push/settings")
    assert response.status_code == 200
    assert response.json == {
        "preview": "generic",
        "quiet_hours": None,
        "kinds": {
            "checkin": True,
            "memory": True,
            "agreement": True,
            "promise": True,
            "repair": True,
            "question": True,
            "ritual": True,
        },
        "quiet_reminders": "hold",
    }
    changed = user.client.patch(
        "/api/push/settings",
        json={"quiet_hours": {"start": "22:30", "end": "07:00"}, "kinds": {"memory": False}},
    ).json
    assert changed["quiet_hours"] == {"start": "22:30", "end": "07:00"}
    assert changed["kinds"]["memory"] is False and changed["kinds"]["checkin"] is True
    user.client.patch("/api/push/settings", json={"preview": "none"})
    now = user.client.get("/api/push/settings").json
    assert now["preview"] == "none" and now["quiet_hours"] == {"start": "22:30", "end": "07:00"}
    user.client.patch("/api/push/settings", json={"quiet_hours": None, "kinds": {"memory": True}})
    now = user.client.get("/api/push/settings").json
    assert now["quiet_hours"] is None and now["kinds"]["memory"] is True


@pytest.mark.parametrize(
    "body, field",
    [
        ({"preview": "full"}, "preview"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"start": "22:00"}}, "quiet_hours.end"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours.end"),
        ({"kinds": {"diary": False}}, "kinds.diary"),
        ({"kinds": {"memory": "sometimes"}}, "kinds.memory"),
        ({"quiet_reminders": "later"}, "quiet_reminders"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(make_user, body, field):
    user = make_user()
    response = user.client.patch("/api/push/settings", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert user.client.get("/api/push/settings").json["preview"] == "generic"


def test_maintenance_forgets_devices_whose_session_expired(app, make_user, new_client, subscribe):
    from datetime import timedelta

    import sqlalchemy as sa

    from server.accounts.models import AuthSession
    from server.db import utcnow
    from server.extensions import db

    user = make_user()
    laptop = sign_in(new_client, user)
    on_phone, on_laptop = subscribe(user.client), subscribe(laptop)
    laptop_session = laptop.get("/api/auth/sessions").json["devices"]
    laptop_key = next(d["id"] for d in laptop_session if d["current"])
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(AuthSession)
                .where(AuthSession.id == laptop_key)
                .values(expires_at=utcnow() - timedelta(days=1))
            )
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["maintain"])
    assert result.exit_code == 0, result.output
    assert "1 push subscriptions" in result.output
    assert stored_endpoints(app, user.id) == {on_phone.endpoint}
    assert on_laptop.endpoint not in stored_endpoints(app)
