"""Health checks for load balancers: /healthz (the process is up) and /readyz (it can serve)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

PATHS = frozenset({"/healthz", "/readyz"})


class WithoutCookies:
    """Hand health checks to the app without the caller's cookies.

    No session is looked up for them, so a browser's cookie can neither make the
    process look down when the session store is, nor get a refreshed cookie back.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], paths: frozenset[str]) -> None:
        self.wsgi_app = wsgi_app
        self.paths = paths

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        """Drop the Cookie header of a health check, then call the app."""
        if environ.get("PATH_INFO") in self.paths:
            environ.pop("HTTP_COOKIE", None)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Keep the health checks out of the session machinery."""
    app.wsgi_app = WithoutCookies(app.wsgi_app, PATHS)  # type: ignore[method-assign]
