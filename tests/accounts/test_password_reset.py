"""Forgot my password: a reset link by mail through a real local SMTP server (DESIGN §11)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from server.db import utcnow
from server.reset import service
from tests.accounts.mailbox import mailbox  # noqa: F401 (fixture)
from tests.conftest import ApiClient

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def mail_app(app_factory, mailbox):  # noqa: F811
    def build(**overrides):
        return app_factory(**mailbox.settings(), **overrides)

    return build


@pytest.fixture
def reset_app(mail_app):
    return mail_app()


def client_of(app, address: str = "198.51.100.7") -> ApiClient:
    flask_client = app.test_client()
    flask_client.environ_base["REMOTE_ADDR"] = address
    return ApiClient(flask_client)


def register(app, email: str, password: str = "long enough pw") -> ApiClient:
    api = client_of(app, "192.0.2.1")
    body = {"email": email, "password": password, "display_name": "Robin", "time_zone": "UTC"}
    assert api.post("/api/auth/register", json=body).status_code == 201
    return api


def ask(app, email: str, address: str = "198.51.100.7"):
    return client_of(app, address).post("/api/auth/password-reset", json={"email": email})


def confirm(app, token: str, password: str = NEW_PASSWORD):
    return client_of(app).post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": password}
    )


def login(app, email: str, password: str):
    return client_of(app, "192.0.2.9").post(
        "/api/auth/login", json={"email": email, "password": password}
    )


def test_reset_end_to_end_ends_every_session(reset_app, mailbox):  # noqa: F811
    phone = register(reset_app, "robin@example.test")
    laptop = client_of(reset_app, "192.0.2.2")
    assert (
        laptop.post(
            "/api/auth/login", json={"email": "robin@example.test", "password": "long enough pw"}
        ).status_code
        == 200
    )
    # A stranger's failed guesses are counted against the account...
    assert login(reset_app, "robin@example.test", "a wrong guess").status_code == 401

    asked = ask(reset_app, "Robin@Example.test")
    assert asked.status_code == 202
    [message] = mailbox.to("robin@example.test")
    assert message["Subject"] == "Choose a new Hearth password"
    assert message["From"] == "hearth@localhost"
    link, token = mailbox.link(message)
    assert link.startswith("http://localhost/reset#")

    assert confirm(reset_app, token).status_code == 204
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/api/me").status_code == 401
    signed_in = login(reset_app, "robin@example.test", NEW_PASSWORD)
    assert signed_in.status_code == 200
    # ...and a reset clears them: the owner chose a new password already.
    assert signed_in.json["failed_attempts"] is None
    assert login(reset_app, "robin@example.test", "long enough pw").status_code == 401


def test_a_link_works_once(reset_app, mailbox):  # noqa: F811
    register(reset_app, "once@example.test")
    ask(reset_app, "once@example.test")
    _, token = mailbox.link(mailbox.to("once@example.test")[0])
    assert confirm(reset_app, token).status_code == 204
    again = confirm(reset_app, token, "yet another password")
    assert again.status_code == 400
    assert again.json["error"]["code"] == "invalid_token"
    assert login(reset_app, "once@example.test", NEW_PASSWORD).status_code == 200


def test_a_link_expires_after_an_hour(reset_app, mailbox, monkeypatch):  # noqa: F811
    register(reset_app, "late@example.test")
    start = utcnow()
    monkeypatch.setattr(service, "clock", lambda: start)
    ask(reset_app, "late@example.test")
    ask(reset_app, "late@example.test")
    first, second = (mailbox.link(m)[1] for m in mailbox.to("late@example.test"))

    monkeypatch.setattr(service, "clock", lambda: start + timedelta(hours=1, seconds=1))
    late = confirm(reset_app, first)
    assert late.status_code == 400
    assert late.json["error"]["code"] == "invalid_token"
    assert login(reset_app, "late@example.test", NEW_PASSWORD).status_code == 401

    monkeypatch.setattr(service, "clock", lambda: start + timedelta(minutes=59))
    assert confirm(reset_app, second).status_code == 204


def test_unknown_and_wrong_tokens_are_refused(reset_app, mailbox):  # noqa: F811
    register(reset_app, "a@example.test")
    for token in ("x" * 43, "not a token"):
        refused = confirm(reset_app, token)
        assert refused.status_code == 400
        assert refused.json["error"]["code"] == "invalid_token"


def test_a_token_changes_only_its_own_account(reset_app, mailbox):  # noqa: F811
    register(reset_app, "a@example.test")
    other = register(reset_app, "b@example.test")
    ask(reset_app, "a@example.test")
    _, token = mailbox.link(mailbox.to("a@example.test")[0])
    assert (
        other.post(
            "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        ).status_code
        == 204
    )
    # The other account, whose browser used the link, keeps its password and session.
    assert other.get("/api/me").status_code == 200
    assert login(reset_app, "b@example.test", NEW_PASSWORD).status_code == 401
    assert login(reset_app, "b@example.test", "long enough pw").status_code == 200
    assert login(reset_app, "a@example.test", NEW_PASSWORD).status_code == 200


def test_an_unknown_email_is_answered_like_a_known_one(reset_app, mailbox):  # noqa: F811
    register(reset_app, "known@example.test")
    known = ask(reset_app, "known@example.test")
    unknown = ask(reset_app, "nobody@example.test")
    assert (
        (unknown.status_code, unknown.json)
        == (known.status_code, known.json)
        == (
            202,
            {"message": "If an account uses that address, a link is on its way."},
        )
    )
    assert [m["To"] for m in mailbox.messages] == ["known@example.test"]


def test_over_the_email_limit_requests_are_dropped_silently(mail_app, mailbox):  # noqa: F811
    app = mail_app(LIMIT_RESET_PER_EMAIL="2 per hour")
    register(app, "many@example.test")
    answers = [
        ask(app, email, f"198.51.100.{n}")
        for n, email in enumerate(["many@example.test", "MANY@example.test ", "many@example.test"])
    ]
    assert {(a.status_code, a.json["message"]) for a in answers} == {
        (202, "If an account uses that address, a link is on its way.")
    }
    assert len(mailbox.to("many@example.test")) == 2


def test_over_the_address_limit_gets_429(mail_app, mailbox):  # noqa: F811
    app = mail_app(LIMIT_RESET_PER_IP="2 per hour")
    assert ask(app, "one@example.test").status_code == 202
    assert ask(app, "two@example.test").status_code == 202
    blocked = ask(app, "three@example.test")
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    assert ask(app, "three@example.test", "198.51.100.99").status_code == 202


def test_without_smtp_development_logs_the_mail(app_factory, caplog):
    app = app_factory(SMTP_HOST="")
    register(app, "dev@example.test")
    with caplog.at_level(logging.INFO, logger="server.reset.mail"):
        assert ask(app, "dev@example.test").status_code == 202
    assert "http://localhost/reset#" in caplog.text
    assert "Choose a new Hearth password" in caplog.text


def test_without_smtp_production_warns_without_the_link(app_factory, caplog):
    app = app_factory(SMTP_HOST="", HEARTH_ENV="production", PUBLIC_URL="https://hearth.test")
    register(app, "prod@example.test")
    with caplog.at_level(logging.INFO, logger="server.reset.mail"):
        assert ask(app, "prod@example.test").status_code == 202
    assert "SMTP_HOST is not set" in caplog.text
    assert "/reset#" not in caplog.text
