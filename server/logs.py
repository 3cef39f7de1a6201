"""Logging: plain text in development, one JSON object a line in production.

Every request gets an id (the proxy's X-Request-ID when it is a sane token, else
a new one), sent back in the X-Request-ID header; each line logged while it is
served carries that id and the signed-in user's id. One access line per request
names its URL rule (`/api/pairing/invites/<string:code>`), never the path,
which can hold an invite code, and never the query string. What people wrote,
tokens, cookies, passwords, emails and push endpoints are never logged; in JSON
an exception is logged with its type and stack, without its message, which can
quote a value (a database error quotes the row that clashed).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import IO, Any

from flask import Flask, Response, has_request_context, request, session

from server.accounts.sessions import USER_KEY
from server.config import ConfigurationError

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FORMATS = ("json", "text")
# Where a request's facts wait in the WSGI environ until its access line is written.
REQUEST_ID = "hearth.request_id"
USER_ID = "hearth.user_id"
RULE = "hearth.rule"
# Probes and scrapes: not counted among the app's requests, their access lines at DEBUG.
QUIET_RULES = frozenset({"/healthz", "/readyz", "/metrics"})
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
# Any other method a client makes up is counted and logged as OTHER.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MARK = "_hearth_handler"

access_log = logging.getLogger("hearth.access")


def wants_json(hearth_env: str, log_format: str) -> bool:
    """Tell whether logs are JSON: LOG_FORMAT when set, else JSON in production."""
    chosen = (log_format or "").strip().lower()
    if chosen:
        return chosen == "json"
    return (hearth_env or "").strip().lower() == "production"


def _timestamp(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


def _without_messages(error: BaseException) -> str:
    """Format an exception and its causes: types and stack frames, no messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        kind = type(current)
        name = f"{kind.__module__}.{kind.__qualname__}"
        parts.append(f"Traceback (most recent call last):\n{frames}{name} (message withheld)")
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\n\nwhile handling, or caused by:\n\n".join(reversed(parts))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "user_id", *ACCESS_FIELDS):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = _without_messages(record.exc_info[1])
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str)


class RequestFields(logging.Filter):
    """Give each record the id of the request being served and of its signed-in user."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add request_id and user_id (None outside a request); never drop a record."""
        if not hasattr(record, "request_id"):
            environ = request.environ if has_request_context() else {}
            record.request_id = environ.get(REQUEST_ID)
            record.user_id = environ.get(USER_ID)
        return True


class WithoutRequestTarget(logging.Filter):
    """gunicorn names the target (path and query) of a request it failed on: leave it out."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop the arguments of gunicorn's 'Error handling request' lines."""
        if isinstance(record.msg, str) and record.msg.startswith("Error handling request"):
            record.msg, record.args = "Error handling request", ()
        return True


def make_handler(stream: IO[str], json_format: bool) -> logging.Handler:
    """Return a handler writing to the stream in the chosen format, with the request's fields."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if json_format else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestFields())
    return handler


def configure(level: str, json_format: bool) -> None:
    """Log to stderr in the chosen format, unless something else configured logging first.

    Like logging.basicConfig: a root logger that already has handlers (gunicorn's
    own configuration, pytest) is left as it is; the app's own handler is replaced,
    so creating the app again does not log everything twice.
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, MARK, False)]
    if root.handlers and not ours:
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = make_handler(sys.stderr, json_format)
    setattr(handler, MARK, True)
    root.addHandler(handler)
    root.setLevel(level)


def gunicorn_logconfig() -> dict[str, Any]:
    """gunicorn's logging in JSON: its own lines as the app's, its access log off.

    The app writes the access lines itself (with the URL rule, never the path), and
    adds its handler to the root logger in each worker.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
        "filters": {"without_target": {"()": WithoutRequestTarget}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["without_target"],
                "stream": "ext://sys.stderr",
            }
        },
        "formatters": {"json": {"()": JsonFormatter}},
    }


class RequestLog:
    """WSGI middleware: the request id, the access line, and `observe` for the metrics."""

    def __init__(
        self,
        wsgi_app: Callable[..., Iterable[bytes]],
        observe: Callable[[str | None, str, int, float], None],
    ) -> None:
        self.wsgi_app = wsgi_app
        self.observe = observe

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        """Serve the request with its id; once its headers are out, count it and log it."""
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        environ[REQUEST_ID] = request_id
        status: list[str] = []

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None):
            status[:] = [code]
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(code, headers, exc_info)

        body = self.wsgi_app(environ, start)
        # A streamed body (an event stream, a photo) is timed to its first byte, not its end.
        seconds = time.perf_counter() - started
        code = int(status[0][:3]) if status else 500
        rule = environ.get(RULE)
        method = environ.get("REQUEST_METHOD", "")
        method = method if method in METHODS else "OTHER"
        quiet = rule in QUIET_RULES
        if not quiet:
            self.observe(rule, method, code, seconds)
        level = logging.DEBUG if quiet else (logging.WARNING if code >= 500 else logging.INFO)
        if access_log.isEnabledFor(level):
            duration_ms = round(seconds * 1000, 1)
            access_log.log(
                level,
                "%s %s %s %.1f ms",
                method,
                rule or "-",
                code,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "user_id": environ.get(USER_ID),
                    "method": method,
                    "path": rule,
                    "status": code,
                    "duration_ms": duration_ms,
                },
            )
        return body


def _note_user() -> None:
    """Keep the signed-in user's id for the lines logged while the request is served."""
    user_id = session.get(USER_KEY)
    if user_id:
        request.environ[USER_ID] = str(user_id)


def _note_rule(response: Response) -> Response:
    """Keep the URL rule and the user (signed in just now, perhaps) for the access line."""
    environ = request.environ
    rule = request.url_rule
    environ[RULE] = rule.rule if rule is not None else None
    user_id = session.get(USER_KEY)
    if user_id:
        environ[USER_ID] = str(user_id)
    return response


def init_app(app: Flask) -> None:
    """Configure logging for the app, and log and count each of its requests."""
    config = app.config
    log_format = str(config.get("LOG_FORMAT") or "").strip().lower()
    if log_format and log_format not in FORMATS:
        raise ConfigurationError(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    json_format = wants_json(config["HEARTH_ENV"], log_format)
    configure(config["LOG_LEVEL"], json_format)
    if json_format or config["HEARTH_ENV"] == "production":
        # A database error would otherwise quote the values it was writing...
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "hide_parameters": True,
        }
        # ...and urllib3 at DEBUG names each URL it posts to: a push endpoint is a secret.
        urllib3_log = logging.getLogger("urllib3")
        if urllib3_log.level < logging.INFO:
            urllib3_log.setLevel(logging.INFO)
    # Imported here: gunicorn's master reads this module for its logging, and keeps no metrics.
    from server.metrics.instruments import observe_request

    app.wsgi_app = RequestLog(app.wsgi_app, observe_request)  # type: ignore[method-assign]
    app.before_request_funcs.setdefault(None, []).insert(0, _note_user)
    app.after_request(_note_rule)
