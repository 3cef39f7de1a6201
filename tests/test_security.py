"""CSRF defence, security headers, and serving the PWA."""

from __future__ import annotations

import pytest

from tests.conftest import db_snapshot
from tests.endpoints import state_changing_endpoints


@pytest.fixture
def paired(make_couple):
    return make_couple()


def test_every_state_changing_request_needs_the_header(app, paired):
    alex, _ = paired
    before = db_snapshot(app)
    for method, path in state_changing_endpoints(app):
        response = alex.client.raw.open(path, method=method, json={})
        assert response.status_code == 403, (method, path)
        assert response.json["error"]["code"] == "csrf"
    assert db_snapshot(app) == before
    assert alex.me()["partner"] is not None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_requests_are_refused_and_change_nothing(app, paired, headers):
    alex, _ = paired
    before = db_snapshot(app)
    for method, path in state_changing_endpoints(app):
        response = alex.client.request(method, path, json={}, headers=headers)
        assert response.status_code == 403, (method, path, headers)
        assert response.json["error"]["code"] == "cross_site"
    assert db_snapshot(app) == before


def test_same_origin_requests_go_through(make_user):
    user = make_user()
    response = user.client.patch(
        "/api/me",
        json={"display_name": "Kim"},
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200
    assert user.me()["user"]["display_name"] == "Kim"


def test_reads_do_not_need_the_header(make_user):
    user = make_user()
    assert user.client.raw.get("/api/me").status_code == 200


def test_api_answers_are_never_cached(make_user):
    user = make_user()
    for response in (user.client.get("/api/me"), user.client.get("/api/nothing-here")):
        assert response.headers["Cache-Control"] == "no-store"


def test_the_pwa_is_served_with_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"Hearth" in response.data
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    # The shell page has no inline script for the CSP to block.
    assert b"<script>" not in response.data and b"onclick" not in response.data


def test_in_app_routes_get_the_shell_and_unknown_files_a_404(client):
    join = client.get("/join")
    assert join.status_code == 200 and join.mimetype == "text/html"
    script = client.get("/js/app.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert client.get("/missing.js").status_code == 404
    assert client.get("/../server/config.py").status_code == 404
    assert client.get("/%2e%2e/server/config.py").status_code == 404
