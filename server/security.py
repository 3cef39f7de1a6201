"""Request checks (CSRF, content type) and response headers for the API and the PWA."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from server.errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "hearth"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

# Paths whose bodies are not JSON (image uploads come with a later feature).
NON_JSON_BODY_PREFIXES = ("/api/blobs/",)


def is_api_request() -> bool:
    """Tell whether the current request is for the JSON API."""
    return request.path == "/api" or request.path.startswith("/api/")


def _own_origin() -> str:
    public = current_app.config.get("PUBLIC_URL")
    if public:
        parts = urlsplit(public)
        return f"{parts.scheme}://{parts.netloc}".lower()
    return f"{request.scheme}://{request.host}".lower()


def check_api_request() -> None:
    """Refuse cross-site state changes and non-JSON bodies before any view runs."""
    if not is_api_request() or request.method in SAFE_METHODS:
        return
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        raise ApiError(403, "cross_site", "Cross-site requests are refused.")
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != _own_origin():
        raise ApiError(403, "cross_site", "Requests from another origin are refused.")
    if request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise ApiError(
            403, "csrf", f"State-changing requests need the header {CSRF_HEADER}: {CSRF_VALUE}."
        )
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"] and not (
        request.path.startswith(NON_JSON_BODY_PREFIXES)
    ):
        raise ApiError(413, "too_large", "The request body is too large.")
    if request.path.startswith(NON_JSON_BODY_PREFIXES):
        return
    has_body = (request.content_length or 0) > 0 or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    ).lower()
    if not has_body:
        return
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    body = parse_json_body()
    if not isinstance(body, dict):
        raise ApiError(
            422, "invalid", "Send a JSON object.", fields={"_body": "Send a JSON object."}
        )


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json_body():
    """Parse the body as strict JSON (no NaN or Infinity), refusing anything malformed."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    # A body without a length is cut at the limit without an error: read one byte past
    # it to tell a body of exactly the limit from a larger one.
    request.max_content_length = limit + 1
    too_large = ApiError(413, "too_large", "The request body is too large.")
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large from None
    if len(data) > limit:
        raise too_large
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "bad_json", "The body is not valid JSON.") from None


def add_security_headers(response: Response) -> Response:
    """Set the headers every response carries, and keep API answers out of caches."""
    headers = response.headers
    if response.status_code not in (429, 503):
        headers.pop("Retry-After", None)  # the rate limiter adds it to every limited answer
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if is_api_request() and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Install the request checks and response headers."""
    app.before_request(check_api_request)
    app.after_request(add_security_headers)
