"""The contact push services see (VAPID `sub`): a subject they accept, or the app does not start."""

from __future__ import annotations

import pytest

from tests.push.test_delivery import checkin
from tests.sync.client import SyncTestClient


@pytest.fixture(autouse=True)
def _no_subject_in_the_environment(monkeypatch):
    monkeypatch.delenv("VAPID_SUBJECT", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)


@pytest.fixture
def app(app_factory, monkeypatch):
    """An app reached over plain http on a home network, VAPID_SUBJECT left to its default."""
    monkeypatch.setenv("PUBLIC_URL", "http://hearth.lan:5000")
    return app_factory()


def test_an_http_public_url_gives_a_mailto_subject_and_notifications_go_out(
    app, make_couple, subscribe, push_service
):
    alex, sam = make_couple()
    phone = subscribe(sam.client, push_service.base)
    checkin(SyncTestClient(alex.client))
    [got] = push_service.for_browser(phone)
    assert got.claims["sub"] == "mailto:hearth@hearth.lan"
    assert got.decrypt(phone)["notification"]["title"] == "Alex checked in"


@pytest.mark.parametrize(
    "public_url, subject",
    [
        ("https://hearth.example", "https://hearth.example"),
        ("https://hearth.example:8443", "mailto:hearth@hearth.example"),
        ("http://192.168.1.20:5000", "mailto:hearth@192.168.1.20"),
        ("", "mailto:hearth@localhost"),
    ],
)
def test_the_default_subject_follows_the_public_url(app_factory, public_url, subject):
    assert app_factory(PUBLIC_URL=public_url).config["VAPID_SUBJECT"] == subject


@pytest.mark.parametrize(
    "subject",
    [
        "http://hearth.example",
        "hearth@example.com",
        "mailto:",
        "mailto:nobody",
        "https://hearth.example/contact",
        "https://hearth.example:8443",
        "ftp://hearth.example",
    ],
)
def test_an_invalid_subject_is_refused_at_start(app_factory, subject):
    with pytest.raises(RuntimeError, match="VAPID_SUBJECT"):
        app_factory(VAPID_SUBJECT=subject)


@pytest.mark.parametrize("subject", ["mailto:ops@hearth.example", "https://hearth.example"])
def test_a_valid_subject_is_used_as_given(app_factory, subject):
    assert app_factory(VAPID_SUBJECT=subject).config["VAPID_SUBJECT"] == subject
