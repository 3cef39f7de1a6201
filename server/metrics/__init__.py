"""Prometheus metrics: requests, sync, push delivery, event streams, at GET /metrics."""

from __future__ import annotations

from flask import Flask

from server.health import WithoutCookies

PATHS = frozenset({"/metrics"})


def init_app(app: Flask) -> None:
    """Serve /metrics, without looking up the session of a caller's cookie."""
    from server.metrics.routes import bp

    app.register_blueprint(bp)
    app.wsgi_app = WithoutCookies(app.wsgi_app, PATHS)  # type: ignore[method-assign]
