"""Text no database can store (NUL, lone surrogates) gets 422 with a field error, everywhere."""

from __future__ import annotations

import uuid

import marshmallow as ma
import pytest

from server.sync.registry import MUTATORS
from tests.conftest import db_snapshot

# A lone surrogate cannot be encoded as UTF-8; PostgreSQL refuses NUL in text.
ODD_TEXTS = {"lone surrogate": "a\ud800b", "NUL": "a\x00b"}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _string_paths(spec: dict, schema: dict, path: tuple = ()) -> list[tuple]:
    """Every path to a string in a request body the OpenAPI describes (list items as index 0)."""
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if kind == "string":
        return [path]
    if "args" in path:
        return []  # a mutation's arguments: the mutation test below sends them
    alternatives = schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", [])
    if alternatives:
        found = [p for sub in alternatives for p in _string_paths(spec, sub, path)]
        return list(dict.fromkeys(found))
    if kind == "array":
        return _string_paths(spec, schema.get("items", {}), (*path, 0))
    found = []
    for name, sub in schema.get("properties", {}).items():
        found += _string_paths(spec, sub, (*path, name))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and _resolve(spec, extra).get("type") == "string":
        found.append((*path, "any"))
    return found


def _body_with(path: tuple, value: str):
    """A body holding the value at the path and nothing else."""
    body: object = value
    for step in reversed(path):
        body = [body] if isinstance(step, int) else {step: body}
    return body


def _text_operations(app) -> list[tuple[str, str, tuple]]:
    spec = app.test_client().get("/api/openapi.json").json
    found = []
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                continue
            path = route.replace("{", "<").replace("}", ">")
            found += [(method.upper(), path, p) for p in _string_paths(spec, schema)]
    return found


def test_the_openapi_describes_many_text_fields(app):
    fields = {(m, p, ".".join(map(str, f))) for m, p, f in _text_operations(app)}
    assert ("POST", "/api/auth/login", "email") in fields
    assert ("POST", "/api/auth/register", "password") in fields
    assert ("PATCH", "/api/me", "display_name") in fields
    assert ("POST", "/api/push/subscriptions", "endpoint") in fields
    assert ("POST", "/api/sync/push", "mutations.0.name") in fields
    assert len(fields) >= 20


@pytest.mark.parametrize("odd", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_every_text_field_of_the_api_refuses_unstorable_text(app, make_couple, new_client, odd):
    a, _b = make_couple()
    operations = _text_operations(app)
    before = db_snapshot(app)
    for method, path, field in operations:
        for api in (a.client, new_client()):
            response = api.request(method, path, json=_body_with(field, odd))
            where = f"{method} {path} {field}"
            if response.status_code == 401:
                continue  # this one needs a session: the signed-in client tries it
            assert response.status_code == 422, (where, response.status_code, response.json)
            error = response.json["error"]
            assert error["code"] == "invalid", where
            named = ".".join(str(step) for step in field if step != "any")
            assert any(key.startswith(named) for key in error["fields"]), (where, error)
    assert db_snapshot(app) == before


def _text_fields(schema: ma.Schema, prefix: tuple = ()) -> list[tuple]:
    """Every path to a string field of a mutation's arguments."""
    found = []
    for name, field in schema.fields.items():
        inner, path = field, (*prefix, field.data_key or name)
        if isinstance(inner, ma.fields.List):
            inner, path = inner.inner, (*path, 0)
        if isinstance(inner, ma.fields.Nested):
            found += _text_fields(inner.schema, path)
        elif isinstance(inner, ma.fields.String | ma.fields.UUID | ma.fields.Date):
            found.append(path)
        elif isinstance(inner, ma.fields.Dict):
            found.append((*path, "x"))
    return found


@pytest.mark.parametrize("odd", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_every_mutation_refuses_unstorable_text_and_the_rest_of_the_batch_applies(
    app, make_couple, odd
):
    a, _b = make_couple()
    mutations = []
    for name, spec in sorted(MUTATORS.items()):
        for field in _text_fields(spec.schema):
            mutations.append((name, field))
    assert len(mutations) >= 30
    before = db_snapshot(app)
    client_id = uuid.uuid4().hex
    batch = [
        {"id": n, "name": name, "args": _body_with(field, odd)}
        for n, (name, field) in enumerate(mutations, start=1)
    ]
    results = []
    for start in range(0, len(batch), 100):
        response = a.client.post(
            "/api/sync/push",
            json={"client_id": client_id, "schema_version": 1, "mutations": batch[start:][:100]},
        )
        assert response.status_code == 200, response.json
        results += response.json["results"]
    assert len(results) == len(batch)
    for (name, field), result in zip(mutations, results, strict=True):
        assert result["status"] == "rejected", (name, field)
        assert result["error"]["code"] == "invalid", (name, field, result)
        named = ".".join(str(step) for step in field)
        keys = result["error"]["fields"]
        assert any(named.startswith(k) or k.startswith(named) for k in keys), (name, result)
    # Only the client's bookkeeping moved: no record, no version.
    after = db_snapshot(app)
    changed = {table for table in after if after[table] != before[table]}
    assert changed <= {"sync_clients", "spaces"}, changed
