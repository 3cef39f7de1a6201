"""The API documents itself, from the same schemas that validate requests."""

from __future__ import annotations

import re

from tests.endpoints import api_endpoints


def test_every_api_route_is_in_the_openapi_document(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    documented = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    for method, _path, rule in api_endpoints(app):
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)
        assert (method, path) in documented, (method, path)


def test_request_schemas_refuse_unknown_fields(client):
    spec = client.get("/api/openapi.json").json
    register = spec["components"]["schemas"]["Register"]
    assert set(register["required"]) == {"email", "password", "display_name", "time_zone"}
    assert register["additionalProperties"] is False
    assert register["properties"]["password"]["minLength"] == 10
