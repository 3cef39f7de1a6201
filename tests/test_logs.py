"""Production logs: JSON lines with a request id and the user id, and never a word a person typed.

A whole two-partner session runs through the API with the app in production
log mode; every line logged (the JSON output, and every record as pytest's own
handler formats it, tracebacks included) is searched for what was typed.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from server import logs
from tests.accounts.mailbox import mailbox  # noqa: F401 (fixture)
from tests.conftest import ApiClient
from tests.push.conftest import make_browser  # noqa: F401 (fixture)

# Distinctive words, so that finding one in a log line can only mean it leaked.
ALEX_EMAIL = "wren.alder.7731@example.test"
SAM_EMAIL = "juniper.quill.4417@example.test"
ALEX_PASSWORD = "Marigold-Harbor-Lantern-8812"
SAM_PASSWORD = "Obsidian-Fennel-Kestrel-2047"
CHANGED_PASSWORD = "Cobalt-Thistle-Orchard-5530"
RESET_PASSWORD = "Saffron-Meadow-Beacon-2291"
WORDS = {
    "alex_name": "Wrenfieldia",
    "sam_name": "Junibellow",
    "note": "Velvetmoss whispered under the lighthouse",
    "need": "a slowbraided evening together",
    "gratitude": "thankful for the copperkettle soup",
    "feeling": "quillsparrow",
    "reply": "Thimbleglow, I read you",
    "memory_title": "Brindlecove picnic",
    "story": "We found a cormorantfeather at Pellucid Bay",
    "place": "Pellucid Bay",
    "tag": "saltmarshglow",
    "agreement_title": "Quietlantern hour",
    "agreement_text": "No phones after nine on Emberlane",
    "promise": "Fix the Tamarindgate hinge",
    "repair_title": "Thornwhistle evening",
    "saw": "You left during the Harrowmere dinner",
    "felt": "I felt Lindenhollow small",
    "need_words": "I need Fernwaltz honesty",
    "ask": "I ask for Orrisbloom calm",
}
PUSH_HOST = "push.example.test"


class Recorder:
    """Sends requests as the PWA does, each with its own X-Request-ID, and notes whose it was."""

    def __init__(self) -> None:
        self.expected: dict[str, str | None] = {}
        self._ids = (f"req-{n}" for n in itertools.count(1))

    def call(self, client: ApiClient, method: str, path: str, user_id: str | None, **kwargs):
        """Send one request; remember which user the access line must name (None: nobody)."""
        request_id = next(self._ids)
        headers = {"X-Request-ID": request_id, **kwargs.pop("headers", {})}
        response = client.request(method, path, headers=headers, **kwargs)
        assert response.headers["X-Request-ID"] == request_id
        self.expected[request_id] = user_id
        return response

    def signed_in_as(self, user_id: str) -> None:
        """The last request signed a user in: its access line names them."""
        self.expected[list(self.expected)[-1]] = user_id


class Phone:
    """One partner's device: a signed-in client, its sync client id and mutation counter."""

    def __init__(self, recorder: Recorder, client: ApiClient, user_id: str) -> None:
        self.recorder, self.client, self.user_id = recorder, client, user_id
        self.client_id = f"phone-{uuid.uuid4().hex[:8]}"
        self.next_id = itertools.count(1)

    def call(self, method: str, path: str, **kwargs):
        return self.recorder.call(self.client, method, path, self.user_id, **kwargs)

    def push(self, name: str, **args: Any) -> None:
        """Push one mutation; it must apply."""
        body = {
            "client_id": self.client_id,
            "schema_version": 1,
            "mutations": [{"id": next(self.next_id), "name": name, "args": args}],
        }
        answer = self.call("POST", "/api/sync/push", json=body)
        assert answer.status_code == 200, answer.json
        assert answer.json["results"][0]["status"] == "applied", answer.json

    def pull(self) -> dict:
        answer = self.call(
            "POST", "/api/sync/pull", json={"client_id": self.client_id, "limit": 500}
        )
        assert answer.status_code == 200, answer.json
        return answer.json


@pytest.fixture
def captured(caplog) -> Iterator[io.StringIO]:
    """Every record at DEBUG and up: as pytest formats it (caplog), and as JSON lines."""
    caplog.set_level(logging.DEBUG)
    # The test's own SMTP server logs every mail it receives: it is not the app.
    caplog.set_level(logging.WARNING, logger="mail.log")
    stream = io.StringIO()
    handler = logs.make_handler(stream, json_format=True)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.fixture
def production_app(app_factory, mailbox):  # noqa: F811
    """The app as production runs it, logging JSON at DEBUG, mailing through a local SMTP."""
    return app_factory(
        HEARTH_ENV="production",
        LOG_FORMAT="",  # production's own choice: JSON
        LOG_LEVEL="DEBUG",
        PUBLIC_URL="https://hearth.example.test",
        SESSION_COOKIE_SECURE_MODE="false",  # the test client speaks plain http
        PUSH_ALLOWED_HOSTS=PUSH_HOST,
        **mailbox.settings(),
    )


def json_lines(stream: io.StringIO) -> list[dict]:
    """Parse every line written: each must be one JSON object."""
    lines = stream.getvalue().splitlines()
    assert lines, "nothing was logged"
    parsed = []
    for line in lines:
        entry = json.loads(line)
        assert isinstance(entry, dict), line
        assert {"time", "level", "logger", "message"} <= set(entry), line
        parsed.append(entry)
    return parsed


def register(recorder: Recorder, app, email: str, password: str, name: str) -> Phone:
    client = ApiClient(app.test_client())
    answer = recorder.call(
        client,
        "POST",
        "/api/auth/register",
        None,
        json={"email": email, "password": password, "display_name": name, "time_zone": "UTC"},
    )
    assert answer.status_code == 201, answer.json
    user_id = answer.json["user"]["id"]
    recorder.signed_in_as(user_id)
    return Phone(recorder, client, user_id)


def test_a_whole_session_logs_json_lines_without_a_typed_word(
    production_app,
    captured,
    caplog,
    mailbox,  # noqa: F811
    make_browser,  # noqa: F811
):
    app = production_app
    recorder = Recorder()
    secrets: set[str] = {ALEX_EMAIL, SAM_EMAIL, ALEX_PASSWORD, SAM_PASSWORD, *WORDS.values()}
    secrets |= {CHANGED_PASSWORD, RESET_PASSWORD}

    alex = register(recorder, app, ALEX_EMAIL, ALEX_PASSWORD, WORDS["alex_name"])
    sam = register(recorder, app, SAM_EMAIL, SAM_PASSWORD, WORDS["sam_name"])
    for phone in (alex, sam):
        secrets.add(phone.client.session_cookie())

    # Pairing: Alex's code, looked up by Sam (the code is in the path), then accepted.
    code = alex.call("POST", "/api/pairing/invites").json["code"]
    secrets.add(code)
    assert sam.call("GET", f"/api/pairing/invites/{code}").status_code == 200
    assert sam.call("POST", "/api/pairing/accept", json={"code": code}).status_code == 200
    # A code that is no code at all, in the path too.
    unknown = sam.call("GET", "/api/pairing/invites/ZZZZ-QQQQ")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "invite_not_found"
    secrets.add("ZZZZ-QQQQ")
    space_id = uuid.UUID(alex.call("GET", "/api/me").json["space"]["id"])

    # Both phones take notifications: the partner's changes are sent to them (and fail:
    # the push service's name does not resolve here, so each is retried later).
    for phone in (alex, sam):
        browser = make_browser(f"https://{PUSH_HOST}")
        subscription = browser.body()
        secrets |= {browser.endpoint, *subscription["keys"].values()}
        answer = phone.call("POST", "/api/push/subscriptions", json=subscription)
        assert answer.status_code == 200

    today = date.today()
    checkin_id = str(uuid.uuid5(space_id, f"{alex.user_id}:{today.isoformat()}"))
    alex.push(
        "checkin.save",
        id=checkin_id,
        day=today.isoformat(),
        mood=4,
        trust=8,
        feelings=[WORDS["feeling"]],
        need=WORDS["need"],
        gratitude=WORDS["gratitude"],
        note=WORDS["note"],
        visibility="shared",
    )
    sam.pull()
    sam.push("checkin.ack", id=checkin_id, reaction="🫶", reply=WORDS["reply"])
    alex.push(
        "memory.save",
        id=str(uuid.uuid4()),
        fields={
            "title": WORDS["memory_title"],
            "story": WORDS["story"],
            "place": WORDS["place"],
            "tags": [WORDS["tag"]],
            "visibility": "shared",
        },
    )
    agreement_id = str(uuid.uuid4())
    alex.push(
        "agreement.propose",
        id=agreement_id,
        category="digital",
        title=WORDS["agreement_title"],
        text=WORDS["agreement_text"],
    )
    sam.push("agreement.accept", id=agreement_id, revision=1)
    sam.push("promise.make", id=str(uuid.uuid4()), text=WORDS["promise"])
    repair_id = str(uuid.uuid4())
    sam.push(
        "repair.open", id=repair_id, hurt="me", title=WORDS["repair_title"], visibility="shared"
    )
    parts = {
        "saw": WORDS["saw"],
        "felt": WORDS["felt"],
        "need": WORDS["need_words"],
        "ask": WORDS["ask"],
    }
    sam.push(
        "repair.write",
        id=str(uuid.uuid4()),
        repair_id=repair_id,
        step="acknowledge",
        parts=parts,
        visibility="shared",
    )
    # A mutation refused for its text: the refusal is logged nowhere with the words.
    refused = {
        "client_id": alex.client_id,
        "schema_version": 1,
        "mutations": [
            {
                "id": next(alex.next_id),
                "name": "memory.save",
                "args": {"id": "not-a-uuid", "fields": {"title": WORDS["memory_title"]}},
            }
        ],
    }
    pushed = alex.call("POST", "/api/sync/push", json=refused)
    assert pushed.status_code == 200
    assert pushed.json["results"][0]["status"] == "rejected", pushed.json
    alex.pull()

    changed = alex.call(
        "POST",
        "/api/auth/password",
        json={"current_password": ALEX_PASSWORD, "new_password": CHANGED_PASSWORD},
    )
    assert changed.status_code == 204, changed.json
    secrets.add(alex.client.session_cookie())
    # A wrong password is refused without the guess in the logs.
    wrong = alex.call(
        "POST",
        "/api/auth/password",
        json={"current_password": WORDS["ask"], "new_password": CHANGED_PASSWORD},
    )
    assert wrong.status_code == 422 and wrong.json["error"]["code"] == "wrong_password"

    # Forgotten password: asked while signed out, the link comes by mail.
    stranger = ApiClient(app.test_client())
    asked = recorder.call(
        stranger, "POST", "/api/auth/password-reset", None, json={"email": SAM_EMAIL}
    )
    assert asked.status_code == 202
    [mail] = mailbox.to(SAM_EMAIL)
    link, token = mailbox.link(mail)
    secrets |= {link, token}
    confirmed = recorder.call(
        stranger,
        "POST",
        "/api/auth/password-reset/confirm",
        None,
        json={"token": token, "password": RESET_PASSWORD},
    )
    assert confirmed.status_code == 204

    again = ApiClient(app.test_client())
    signed_in = recorder.call(
        again,
        "POST",
        "/api/auth/login",
        None,
        json={"email": SAM_EMAIL, "password": RESET_PASSWORD},
    )
    assert signed_in.status_code == 200
    recorder.signed_in_as(sam.user_id)
    secrets.add(again.session_cookie())
    failed = recorder.call(
        again,
        "POST",
        "/api/auth/login",
        sam.user_id,
        json={"email": SAM_EMAIL, "password": SAM_PASSWORD},
    )
    assert failed.status_code == 401 and failed.json["error"]["code"] == "invalid_credentials"
    assert alex.call("POST", "/api/auth/logout").status_code == 204

    secrets.discard(None)  # type: ignore[arg-type]
    entries = json_lines(captured)
    for entry in entries:
        line = json.dumps(entry, ensure_ascii=False)
        for secret in secrets:
            assert secret not in line, (secret, entry)
    for secret in secrets:
        assert secret not in captured.getvalue(), secret
        # Every record as pytest formats it, exceptions and their messages included.
        assert secret not in caplog.text, secret

    # The push deliveries were tried, and urllib3's DEBUG lines (the URL posted to) kept out.
    assert any(e["logger"] == "server.push.queue" for e in entries)
    assert not [e for e in entries if e["logger"].startswith("urllib3") and e["level"] == "DEBUG"]

    access = {e["request_id"]: e for e in entries if e["logger"] == "hearth.access"}
    for request_id, user_id in recorder.expected.items():
        line = access[request_id]
        assert line["level"] == "INFO"
        assert line["method"] in {"GET", "POST"}
        assert line["path"].startswith("/api/")
        assert isinstance(line["status"], int) and isinstance(line["duration_ms"], float)
        assert line.get("user_id") == user_id, (request_id, line)
    # The rule, not the path: the invite lookups name no code.
    lookups = [e for e in access.values() if e["path"] == "/api/pairing/invites/<string:code>"]
    assert len(lookups) == 2


def test_a_request_id_is_kept_when_sane_and_made_when_not(production_app, captured):
    client = ApiClient(production_app.test_client())
    kept = client.get("/api/me", headers={"X-Request-ID": "lb-7f3a.9_Z-1"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.9_Z-1"
    made = []
    for bad in ("has space", "x" * 65, "semi;colon", "ümlaut", ""):
        answer = client.get("/api/me", headers={"X-Request-ID": bad})
        assert answer.headers["X-Request-ID"] != bad
        assert logs.SANE_REQUEST_ID.fullmatch(answer.headers["X-Request-ID"])
        made.append(answer.headers["X-Request-ID"])
    assert len(set(made)) == len(made)  # a new one each time
    ids = [e["request_id"] for e in json_lines(captured) if e["logger"] == "hearth.access"]
    assert ids == ["lb-7f3a.9_Z-1", *made]


def test_an_unexpected_error_is_logged_without_what_it_quoted(production_app, captured, caplog):
    from server.extensions import db
    from server.spaces import service as spaces

    secret = "Gossamerfinch-9931"

    def failing(code, viewer):
        # A database error whose statement was given a person's words.
        db.session.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": secret})

    client = ApiClient(production_app.test_client())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spaces, "preview_invite", failing)
        answer = client.get(f"/api/pairing/invites/{secret}")
    assert answer.status_code == 500
    entries = json_lines(captured)
    [error] = [e for e in entries if e["logger"] == "server.errors"]
    assert error["level"] == "ERROR"
    assert error["message"] == "unexpected error on GET /api/pairing/invites/<string:code>"
    # SQLite says OperationalError, PostgreSQL ProgrammingError: the type, never the message.
    assert re.search(r"sqlalchemy\.exc\.\w+Error \(message withheld\)$", error["exception"])
    [access] = [e for e in entries if e["logger"] == "hearth.access"]
    assert access["status"] == 500 and access["level"] == "WARNING"
    assert access["request_id"] == error["request_id"]
    assert secret not in captured.getvalue()
    assert secret not in caplog.text  # the statement's parameters are hidden too


def test_development_logs_stay_plain_text(app_factory):
    assert not logs.wants_json("development", "")
    assert not logs.wants_json("testing", "")
    assert logs.wants_json("production", "")
    assert logs.wants_json("development", "json")
    assert not logs.wants_json("production", "text")
    with pytest.raises(Exception, match="LOG_FORMAT"):
        app_factory(LOG_FORMAT="xml")


def test_gunicorn_logs_json_without_its_access_log_in_production(monkeypatch):
    import importlib

    import server.gunicorn_conf as conf

    try:
        monkeypatch.setenv("HEARTH_ENV", "development")
        monkeypatch.delenv("LOG_FORMAT", raising=False)
        assert not hasattr(importlib.reload(conf), "logconfig_dict")  # gunicorn's plain text
        monkeypatch.setenv("HEARTH_ENV", "production")
        conf = importlib.reload(conf)
        assert conf.accesslog is None
        assert not {"%(r)s", "%(U)s", "%(q)s"} & set(conf.access_log_format.split())
        config = conf.logconfig_dict
        assert config["loggers"]["gunicorn.access"]["handlers"] == []
        assert config["loggers"]["gunicorn.error"]["handlers"] == ["json"]
        formatter = config["formatters"]["json"]["()"]()
        without_target = config["filters"]["without_target"]["()"]()
        assert config["handlers"]["json"]["filters"] == ["without_target"]
        record = logging.LogRecord(
            "gunicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Error handling request %s %s",
            ("GET", "/api/pairing/invites/SECRET-CODE?x=1"),
            None,
        )
        assert without_target.filter(record)
        line = formatter.format(record)
        assert json.loads(line)["message"] == "Error handling request"
        assert "SECRET-CODE" not in line
    finally:
        monkeypatch.undo()
        if hasattr(conf, "logconfig_dict"):
            del conf.logconfig_dict
        importlib.reload(conf)
