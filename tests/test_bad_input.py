"""Every endpoint answers bad input with the JSON error format, a 4xx, and no change."""

from __future__ import annotations

import io
import json

import pytest

from tests.conftest import db_snapshot
from tests.endpoints import api_endpoints, state_changing_endpoints

TWO_MIB = 2 * 1024 * 1024

# Raw bodies with their content type, and the status each must get.
RAW_BODIES = [
    ("not JSON", b"{not json", "application/json", 400),
    ("NaN", b'{"a": NaN}', "application/json", 400),
    ("Infinity", b'{"a": Infinity}', "application/json", 400),
    ("bad UTF-8", b"\xff\xfe\xfd", "application/json", 400),
    ("truncated", b'{"email": "a@b.c", ', "application/json", 400),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    ("unclosed deep nesting", b"[" * 200_000, "application/json", 400),
    ("plain text", b"hello", "text/plain", 415),
    ("form", b"email=a%40b.c&password=x", "application/x-www-form-urlencoded", 415),
    ("no content type", b'{"a": 1}', "", 415),
    ("JSON array", b"[]", "application/json", 422),
    ("JSON string", b'"hello"', "application/json", 422),
    ("JSON number", b"42", "application/json", 422),
    ("JSON null", b"null", "application/json", 422),
    ("JSON true", b"true", "application/json", 422),
    ("unknown field", b'{"surprise": 1}', "application/json", 422),
    ("2 MiB", json.dumps({"x": "a" * TWO_MIB}).encode(), "application/json", 413),
]

# Endpoints whose body is raw image bytes: every body above is refused for its content type.
IMAGE_BODY_PREFIX = "/api/blobs/"

# Values no field of the API accepts.
BAD_VALUES = [
    None,
    12345,
    -1.5,
    [],
    ["a", {"b": None}],
    {"nested": [{"junk": [None, {"deeper": []}]}]},
    "x" * 100_000,
]

# A valid body per endpoint, so that one field at a time can be spoiled.
VALID_BODIES = {
    "/api/auth/register": {
        "email": "new@example.test",
        "password": "a long enough password",
        "display_name": "New",
        "time_zone": "UTC",
    },
    "/api/auth/login": {"email": "x@example.test", "password": "whatever it is"},
    "/api/auth/password": {"current_password": "whatever", "new_password": "long enough new"},
    "/api/auth/password-reset": {"email": "x@example.test"},
    "/api/auth/password-reset/confirm": {"token": "not a token", "password": "long enough new"},
    "/api/me": {"display_name": "Changed"},
    ("DELETE", "/api/me"): {"password": "not the password"},
    "/api/pairing/accept": {"code": "ABCD-EFGH"},
    "/api/sync/push": {"client_id": "bad-input-client", "schema_version": 1, "mutations": []},
    "/api/sync/pull": {"client_id": "bad-input-client", "cookie": None, "limit": 10},
    ("POST", "/api/push/subscriptions"): {
        "endpoint": "https://push.example.test/send/abc",
        "keys": {
            "p256dh": "BFtad9u7SDeBHPnCogmwZQiSbcKGsQBV_oYDwPYM8EdTwdrjHaLyTmeL"
            "m4bclTxFyfMawXjd7BjnT1K6fK48XrI",
            "auth": "46XreLH2HmHuNfqo-fdZBw",
        },
    },
    ("DELETE", "/api/push/subscriptions"): {"endpoint": "https://push.example.test/send/abc"},
    "/api/push/settings": {"preview": "none"},
}

# Bad values answered with another 4xx than 422 (an unknown schema version is a conflict).
OTHER_STATUS = {("/api/sync/push", "schema_version", 12345): 409}

# Bad values that happen to be valid for a field, per (path, field).
ALSO_VALID = {
    ("/api/sync/push", "mutations"): [[]],
    ("/api/sync/pull", "cookie"): [None],
    ("/api/push/settings", "quiet_hours"): [None],
}


def assert_error_format(response, context):
    assert 400 <= response.status_code < 500, (context, response.status_code, response.data[:300])
    assert response.is_json, context
    body = response.json
    assert set(body) == {"error"}, context
    assert isinstance(body["error"]["code"], str) and body["error"]["code"], context
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], context
    assert set(body["error"]) <= {"code", "message", "fields"}, context


def openapi_properties(app, rule: str, method: str) -> dict:
    """Return the request body properties the spec documents for an endpoint."""
    spec = app.test_client().get("/api/openapi.json").json
    path = rule.replace("<string:", "{").replace("<", "{").replace(">", "}")
    operation = spec["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return {}
    schema = content["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


@pytest.fixture
def signed_in(make_couple, make_user):
    """A solo user and a couple, so every endpoint has somebody to act."""
    return make_user(), *make_couple()


def test_raw_bad_bodies_on_every_endpoint(app, signed_in):
    solo, alex, _ = signed_in
    before = db_snapshot(app)
    for user in (solo, alex):
        for method, path in state_changing_endpoints(app):
            for name, raw, content_type, status in RAW_BODIES:
                headers = {"Content-Type": content_type} if content_type else {}
                response = user.client.request(method, path, data=raw, headers=headers)
                context = (method, path, name)
                assert_error_format(response, context)
                expected = 415 if path.startswith(IMAGE_BODY_PREFIX) else status
                assert response.status_code == expected, (context, response.json)
    assert db_snapshot(app) == before
    assert solo.me()["partner"] is None and alex.me()["partner"] is not None


def test_each_field_with_wrong_types_and_sizes(app, signed_in):
    solo, alex, _ = signed_in
    before = db_snapshot(app)
    checked = 0
    for method, path, rule in api_endpoints(app):
        if method == "GET":
            continue
        properties = openapi_properties(app, rule, method)
        if not properties:
            continue
        valid = VALID_BODIES.get((method, path)) or VALID_BODIES[path]
        assert set(valid) <= set(properties), path
        for field in properties:
            for value in BAD_VALUES:
                if value in ALSO_VALID.get((path, field), []):
                    continue
                body = {**valid, field: value}
                for user in (solo, alex):
                    response = user.client.request(method, path, json=body)
                    context = (method, path, field, repr(value)[:40])
                    assert_error_format(response, context)
                    other = OTHER_STATUS.get((path, field, value if value == 12345 else None))
                    if other:
                        assert response.status_code == other, context
                        continue
                    assert response.status_code == 422, context
                    named = response.json["error"]["fields"]
                    assert any(k == field or k.startswith(f"{field}.") for k in named), (
                        context,
                        named,
                    )
                    checked += 1
        # Missing required fields are named too.
        response = solo.client.request(method, path, json={})
        assert_error_format(response, (method, path, "empty"))
    assert checked > 100
    assert db_snapshot(app) == before


def test_unknown_api_route_and_wrong_method(client, make_user):
    user = make_user()
    for method in ("GET", "POST", "PUT", "DELETE"):
        response = user.client.request(method, "/api/no/such/thing")
        assert_error_format(response, method)
        assert response.status_code == 404
    response = user.client.request("PUT", "/api/me", json={})
    assert_error_format(response, "PUT /api/me")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PATCH"}
    response = user.client.get("/api/auth/login")
    assert response.status_code == 405
    assert_error_format(response, "GET login")


def test_every_endpoint_documents_its_errors_in_the_spec(app):
    spec = app.test_client().get("/api/openapi.json").json
    assert spec["components"]["schemas"]["Error"]["properties"]["error"]


def test_a_body_without_a_length_over_the_limit_is_too_large(app, make_user):
    user = make_user()
    limit = app.config["MAX_CONTENT_LENGTH"]
    before = db_snapshot(app)
    for size, status in ((limit + 1, 413), (limit * 3, 413)):
        body = json.dumps({"display_name": "x" * size}).encode()
        response = user.client.raw.patch(
            "/api/me",
            input_stream=io.BytesIO(body),
            headers={
                "X-Requested-With": "hearth",
                "Content-Type": "application/json",
                "Transfer-Encoding": "chunked",
            },
            environ_overrides={"wsgi.input_terminated": True},
        )
        assert response.status_code == status, (size, response.json)
        assert response.json["error"]["code"] == "too_large"
    assert db_snapshot(app) == before
    # A chunked body under the limit is read whole.
    body = json.dumps({"display_name": "Chunked"}).encode()
    response = user.client.raw.patch(
        "/api/me",
        input_stream=io.BytesIO(body),
        headers={
            "X-Requested-With": "hearth",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 200, response.json
    assert user.me()["user"]["display_name"] == "Chunked"
