"""Push messages go to push services on the internet only, whatever the URL or the DNS says."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.push.models import PushSubscription
from tests.conftest import ApiClient
from tests.push.conftest import stored_endpoints, trust_test_ca
from tests.push.test_delivery import checkin, promise
from tests.sync.client import SyncTestClient

PRODUCTION = {"HEARTH_ENV": "production", "SESSION_COOKIE_SECURE_MODE": "false"}
PUSH_HOST = "fcm.googleapis.com"
PUBLIC_ADDRESS = "8.8.4.4"  # where the pretend internet has the push service


@pytest.fixture
def app(app_factory):
    """A production app that sends to any host name (the allow-list is tested on its own)."""
    return app_factory(**PRODUCTION, PUSH_ALLOWED_HOSTS="*")


def sign_up(app, email: str = "kim@example.test") -> ApiClient:
    api = ApiClient(app.test_client())
    response = api.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": "a long enough password",
            "display_name": "Kim",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 201, response.json
    return api


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/send/1",
        "https://localhost/send/1",
        "https://[::1]/send/1",
        "https://10.0.0.1/send/1",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.1:18799/x",
        "https://2130706433/",
        "https://0x7f000001/",
        "https://0177.0.0.1/",
        "https://localhost./",
        "https://foo.localhost/",
        "https://[::ffff:127.0.0.1]/send/1",
        "https://[fe80::1]/send/1",
        "https://0/send/1",
        "https://printer.local/send/1",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://push.example.net\t/send/1",
    ],
)
def test_internal_hosts_are_refused_at_subscribe_however_spelled(app, make_browser, endpoint):
    api = sign_up(app)
    response = api.post(
        "/api/push/subscriptions", json={**make_browser().body(), "endpoint": endpoint}
    )
    assert response.status_code == 422
    assert "endpoint" in response.json["error"]["fields"]
    assert stored_endpoints(app) == set()


def test_production_subscribes_only_to_the_known_push_services_by_default(
    app_factory, make_browser
):
    app = app_factory(**PRODUCTION)
    api = sign_up(app)
    for base, status in [
        ("https://fcm.googleapis.com/fcm/send", 200),
        ("https://updates.push.services.mozilla.com/wpush/v2", 200),
        ("https://web.push.apple.com", 200),
        ("https://wns2-by3p.notify.windows.com/w", 200),
        ("https://push.example.net/send", 422),
        ("https://fcm.googleapis.com.push.example.net/send", 422),
        ("https://notfcm.googleapis.com/send", 422),
    ]:
        response = api.post("/api/push/subscriptions", json=make_browser(base).body())
        assert response.status_code == status, base
        if status == 422:
            assert "endpoint" in response.json["error"]["fields"]

    narrowed = app_factory(**PRODUCTION, PUSH_ALLOWED_HOSTS="push.example.net")
    api = sign_up(narrowed, "lee@example.test")
    ok = make_browser("https://eu.push.example.net/send").body()
    assert api.post("/api/push/subscriptions", json=ok).status_code == 200
    other = make_browser("https://fcm.googleapis.com/fcm/send").body()
    assert api.post("/api/push/subscriptions", json=other).status_code == 422


@pytest.fixture
def sam_on_the_push_host(make_couple, subscribe, internal):
    """Alex and Sam; Sam's phone subscribed at the push host, on the internal service's port."""
    alex, sam = make_couple()
    phone = subscribe(sam.client, f"https://{PUSH_HOST}:{internal.port}")
    return alex, sam, phone


@pytest.mark.parametrize(
    "answer",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["172.16.0.5"],
        ["192.168.1.1"],
        ["100.64.0.1"],
        ["169.254.169.254"],
        ["0.0.0.0"],
        ["::1"],
        ["::ffff:127.0.0.1"],
        ["fd00::1"],
        ["fe80::1"],
        ["64:ff9b::a01:203"],
        [PUBLIC_ADDRESS, "127.0.0.1"],
    ],
)
def test_a_name_resolving_to_an_internal_address_is_refused_at_send(
    app, sam_on_the_push_host, network, internal, answer
):
    alex, sam, _phone = sam_on_the_push_host
    network.answers[PUSH_HOST] = answer
    checkin(SyncTestClient(alex.client))
    assert network.lookups == [PUSH_HOST]
    assert network.connects_to_port(internal.port) == []
    assert not internal.reached()
    # Treated as a subscription its service no longer knows: removed.
    assert stored_endpoints(app, sam.id) == set()


def test_a_dns_change_after_subscribing_is_caught_at_send(
    app, sam_on_the_push_host, network, internal, tls_push_service, test_ca, tmp_path
):
    alex, sam, phone = sam_on_the_push_host
    service, tls_port = tls_push_service(PUSH_HOST, internal.port)
    network.routes[(PUBLIC_ADDRESS, internal.port)] = ("127.0.0.1", tls_port)
    trust_test_ca(app, test_ca, tmp_path)
    dev = SyncTestClient(alex.client)

    network.answers[PUSH_HOST] = [PUBLIC_ADDRESS]
    checkin(dev)
    [got] = service.for_browser(phone)
    assert got.decrypt(phone)["notification"]["title"] == "Alex checked in"

    network.answers[PUSH_HOST] = ["127.0.0.1"]
    promise(dev)
    assert len(service.received) == 1
    assert not internal.reached()
    assert set(network.connects_to_port(internal.port)) == {(PUBLIC_ADDRESS, internal.port)}
    assert stored_endpoints(app, sam.id) == set()


def test_the_connection_goes_to_the_address_that_was_checked(
    app, sam_on_the_push_host, network, internal, tls_push_service, test_ca, tmp_path
):
    alex, _sam, phone = sam_on_the_push_host
    service, tls_port = tls_push_service(PUSH_HOST, internal.port)
    network.routes[(PUBLIC_ADDRESS, internal.port)] = ("127.0.0.1", tls_port)
    trust_test_ca(app, test_ca, tmp_path)
    # A name whose first answer is public and every later one internal (DNS rebinding).
    network.answers[PUSH_HOST] = lambda: ["127.0.0.1"] if network.lookups[1:] else [PUBLIC_ADDRESS]

    checkin(SyncTestClient(alex.client))
    # Delivered over TLS checked against the name, through the address that was checked.
    [got] = service.for_browser(phone)
    assert got.decrypt(phone)["notification"]["title"] == "Alex checked in"
    assert network.connects_to_port(internal.port) == [(PUBLIC_ADDRESS, internal.port)]
    assert not internal.reached()


def test_a_subscription_stored_with_an_odd_spelling_is_refused_at_send(
    app, make_couple, subscribe, internal, network
):
    alex, sam = make_couple()
    subscribe(sam.client, "https://push.example.net")
    odd = f"https://127.1:{internal.port}/x"
    with app.app_context():
        # As kept before endpoints were checked this closely.
        row = db.session.scalar(select(PushSubscription))
        row.endpoint = odd
        db.session.commit()
        db.session.remove()

    checkin(SyncTestClient(alex.client))
    assert network.connects_to_port(internal.port) == []
    assert not internal.reached()
    assert stored_endpoints(app, sam.id) == set()


@pytest.mark.parametrize("allowed", ["127.0.0.1", "localhost", "https://fcm.googleapis.com"])
def test_an_allow_list_that_is_not_host_names_is_refused_at_start(app_factory, allowed):
    with pytest.raises(RuntimeError, match="PUSH_ALLOWED_HOSTS"):
        app_factory(**PRODUCTION, PUSH_ALLOWED_HOSTS=allowed)
