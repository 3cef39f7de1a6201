"""One JSON error format for every error the API can produce."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from server.db import is_lock_timeout
from server.extensions import db

log = logging.getLogger(__name__)

# Machine-readable codes for the HTTP errors Flask and Werkzeug raise themselves.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}

FRIENDLY_MESSAGES = {
    401: "Sign in first.",
    404: "Nothing here.",
    405: "That method is not allowed here.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    429: "Too many attempts. Wait a little and try again.",
}


class ApiError(Exception):
    """An error answered as JSON with a status, a code, a message and optional field messages."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, str]:
    """Turn marshmallow's nested messages into one message per dotted field path."""
    if isinstance(messages, dict):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            name = str(key)
            if name == "_schema" or (name == "json" and not prefix):
                name = ""
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            flat.update(flatten_messages(value, path))
        return flat
    if isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            return {prefix or "_body": " ".join(messages)}
        flat = {}
        for item in messages:
            flat.update(flatten_messages(item, prefix))
        return flat
    return {prefix or "_body": str(messages)}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
):
    """Build the JSON error response."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def validation_error(messages: Any) -> ApiError:
    """Make a 422 ApiError from marshmallow messages."""
    fields = flatten_messages(messages)
    return ApiError(422, "invalid", "Some fields are not valid.", fields=fields)


def _where() -> str:
    """Name the request by method and URL rule: its path can hold an invite code."""
    rule = request.url_rule
    return f"{request.method} {rule.rule if rule is not None else '(no route)'}"


def _wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """Render ApiError, HTTP errors and anything unexpected in the one format."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        db.session.rollback()
        return error_response(error.status, error.code, error.message, error.fields, error.headers)

    @app.errorhandler(ma.ValidationError)
    def _validation_error(error: ma.ValidationError):
        db.session.rollback()
        err = validation_error(error.messages)
        return error_response(err.status, err.code, err.message, err.fields)

    def _busy():
        # Another request held a lock too long: the transaction that waited wrote nothing. A
        # view that committed before saving the session failed is told so too; a retried push
        # skips what it applied.
        log.warning("database lock not had in time on %s", _where())
        return error_response(
            503, "busy", "The server is busy. Try again.", headers={"Retry-After": "1"}
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        db.session.rollback()
        # What failed outside a view (saving the session, say) arrives wrapped in a 500.
        if is_lock_timeout(getattr(error, "original_exception", None)):
            return _busy()
        if not _wants_json() and error.code != 413:
            return error
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        if status == 422 and "messages" in data:
            err = validation_error(data["messages"])
            return error_response(422, err.code, err.message, err.fields)
        if status == 400 and "messages" in data:
            # webargs reports a body that is not JSON this way.
            return error_response(400, "bad_json", "The body is not valid JSON.")
        headers = {}
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        code = HTTP_CODES.get(status, "error")
        message = FRIENDLY_MESSAGES.get(status) or error.description or error.name
        if status == 429 and getattr(error, "description", None):
            message = f"Too many attempts ({error.description}). Wait a little and try again."
        return error_response(status, code, message, headers=headers)

    @app.errorhandler(OperationalError)
    def _database_error(error: OperationalError):
        db.session.rollback()
        if is_lock_timeout(error):
            return _busy()
        return _unexpected(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        log.exception("unexpected error on %s", _where())
        return error_response(500, "internal", "Something went wrong on our side.")
