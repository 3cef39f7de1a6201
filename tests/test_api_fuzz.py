"""A schema-driven fuzz of the whole API on a loopback port: no 5xx, no answer outside the spec.

Schemathesis reads /api/openapi.json, generates valid and invalid requests for
every operation and checks each answer: never a server error, the status and
body documented, valid data accepted and invalid data refused. A signed-in
partner of a couple sends them, signing in again whenever a request ended the
session (sign out, a password change).
"""

from __future__ import annotations

import os
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData

from tests.conftest import PASSWORD

# Bounded for CI; FUZZ_EXAMPLES raises it for a longer run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
]


# What JSON Schema cannot say: the 422s (and 400s) a request the spec allows may still get,
# by the error's code or the fields it names.
BEYOND_SCHEMA = {
    "POST /api/auth/password": {"wrong_password"},  # the current password must be right
    "DELETE /api/me": {"wrong_password"},  # deleting the account asks for its password
    "POST /api/auth/password-reset/confirm": {"invalid_token"},  # only a mailed token works
    # A point on the P-256 curve; a push service's host on a public address.
    "POST /api/push/subscriptions": {"keys.p256dh", "endpoint"},
    "PATCH /api/push/settings": {"quiet_hours.end"},  # quiet hours end when they start
    "PUT /api/blobs/{sha256}": {"hash_mismatch", "not_an_image", "broken_image"},
}


def _rejected_on_its_own(label: str, case, response) -> bool:
    """Tell whether a push left its invalid changes unapplied, one by one, by design.

    A change the server cannot apply is rejected alone, and a change after a gap in the
    ids waits: one bad change never blocks the queue, so the answer is still a 200.
    """
    if label != "POST /api/sync/push" or response.status_code != 200:
        return False
    results = response.json()["results"]
    sent = case.body.get("mutations", []) if isinstance(case.body, dict) else []
    applied = [result for result in results if result["status"] == "applied"]
    return len(applied) < len(sent)


def _beyond_schema(label: str, response) -> bool:
    """Tell whether a refusal of schema-valid data is one of the rules JSON Schema cannot say."""
    allowed = BEYOND_SCHEMA.get(label, set())
    if response.status_code not in (400, 422) or not allowed:
        return False
    error = response.json()["error"]
    return error["code"] in allowed or bool(set(error.get("fields", {})) & allowed)


class Partner:
    """A signed-in user of a couple, signing in again when a request ended the session."""

    def __init__(self, base: str, email: str, password: str) -> None:
        self.base, self.email, self.password = base, email, password
        self.http = requests.Session()
        self.http.headers["X-Requested-With"] = "hearth"
        self.sign_in()

    def sign_in(self) -> None:
        self.http.cookies.clear()
        body = {"email": self.email, "password": self.password}
        answer = self.http.post(f"{self.base}/api/auth/login", json=body, timeout=10)
        assert answer.status_code == 200, answer.text

    def after(self, case, response) -> None:
        """Keep up with what the request did to the account."""
        ok = response.status_code < 300
        if ok and case.path == "/api/auth/password" and isinstance(case.body, dict):
            self.password = case.body.get("new_password", self.password)
        if self.http.get(f"{self.base}/api/me", timeout=10).status_code == 401:
            self.sign_in()


def _register(base: str, name: str) -> requests.Session:
    http = requests.Session()
    http.headers["X-Requested-With"] = "hearth"
    body = {
        "email": f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.test",
        "password": PASSWORD,
        "display_name": name,
        "time_zone": "Europe/Lisbon",
    }
    answer = http.post(f"{base}/api/auth/register", json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    http.email = body["email"]  # type: ignore[attr-defined]
    return http


@pytest.fixture
def fuzz_server(app, live_server):
    """The app on a loopback port, with a couple in it; return the base URL and one partner."""
    app.config["LIVE_MAX_SECONDS"] = 0.2  # an event stream is read to its end
    base = live_server
    alex, sam = _register(base, "Alex"), _register(base, "Sam")
    code = alex.post(f"{base}/api/pairing/invites", timeout=10).json()["code"]
    assert sam.post(f"{base}/api/pairing/accept", json={"code": code}, timeout=10).ok
    return base, Partner(base, alex.email, PASSWORD)  # type: ignore[attr-defined]


def _fuzz_operation(operation, partner: Partner, mode: GenerationMode) -> list[str]:
    """Run one operation's generated cases; return its distinct failures, one line each."""
    failures: dict[str, str] = {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        response = case.call(session=partner.http)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                if isinstance(failure, RejectedPositiveData) and _beyond_schema(
                    operation.label, response
                ):
                    continue
                if isinstance(failure, AcceptedNegativeData) and _rejected_on_its_own(
                    operation.label, case, response
                ):
                    continue
                title = getattr(failure, "title", None) or type(failure).__name__
                failures.setdefault(
                    title,
                    f"{operation.label}: {title} -- sent {case.body!r:.300} -- got"
                    f" {response.status_code} {response.text[:300]}",
                )
        partner.after(case, response)

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label  # nothing there to spoil
    return list(failures.values())


def _fuzz(base: str, partner: Partner, mode: GenerationMode) -> list[str]:
    """Run every operation's generated cases of one mode; return the failures."""
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    return [line for op in operations for line in _fuzz_operation(op, partner, mode)]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_every_request_as_its_spec_says(fuzz_server, mode):
    base, partner = fuzz_server
    failures = _fuzz(base, partner, mode)
    assert not failures, "\n".join(failures)
