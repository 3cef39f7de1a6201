"""Hearth: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from server import config as config_module
from server import errors, logs, security, web
from server.db import configure_engine
from server.extensions import compress, db, limiter, login_manager, migrate
from server.schemas import ErrorSchema, HearthMarshmallowPlugin


class HearthApi(Api):
    """flask-smorest Api that documents Hearth's error format and leaves handling to errors.py."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


def register_kinds() -> None:
    """Import the record kinds so that they register their mutators."""
    from server import (  # noqa: F401
        agreements,
        checkins,
        memories,
        promises,
        questions,
        repairs,
        rituals,
        sharing,
        weekly,
    )


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: configuration from the environment, then the given overrides."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    logs.init_app(app)
    config_module.check_rate_limit_storage(app.config, app.logger)

    if app.config["TRUST_PROXY"]:
        n = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["DATABASE_LOCK_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    login_manager.session_protection = (
        None  # phones change networks; the session store is the guard
    )

    from server.accounts.sessions import ServerSessionInterface, make_store
    from server.live.sessions import StreamEndingStore

    app.session_interface = ServerSessionInterface(StreamEndingStore(make_store(app)))

    security.init_app(app)
    limiter.init_app(app)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/javascript",
            "application/json",
            "application/manifest+json",
        ],
    )
    compress.init_app(app)
    errors.register_error_handlers(app)

    api = HearthApi(
        app,
        spec_kwargs={
            "marshmallow_plugin": HearthMarshmallowPlugin(),
            "info": {
                "description": "Hearth's JSON API. Errors: {error: {code, message, fields?}}."
            },
        },
    )
    from server.accounts.routes import blp as accounts_blp
    from server.blobs.routes import blp as blobs_blp
    from server.export.routes import blp as export_blp
    from server.health.routes import blp as health_blp
    from server.live.routes import blp as live_blp
    from server.promises.routes import blp as promises_blp
    from server.push.routes import blp as push_blp
    from server.reset.routes import blp as reset_blp
    from server.spaces.routes import blp as pairing_blp
    from server.sync.routes import blp as sync_blp

    register_kinds()
    for blueprint in (
        accounts_blp,
        pairing_blp,
        sync_blp,
        promises_blp,
        push_blp,
        blobs_blp,
        live_blp,
        reset_blp,
        health_blp,
        export_blp,
    ):
        api.register_blueprint(blueprint)
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    )
    app.extensions["hearth_api"] = api
    from server.sync.openapi import describe_mutations

    describe_mutations(api)

    from server.blobs import storage as blob_storage

    blob_storage.init_app(app)

    from server.push import queue as push_queue

    push_queue.init_app(app)
    from server.reset import queue as reset_queue

    reset_queue.init_app(app)
    from server.rituals import reminders

    reminders.init_app(app)

    from server.live import pokes  # noqa: F401 -- pokes registers its hook
    from server.live import service as live

    live.init_app(app)

    from server import cli

    cli.init_app(app)
    web.init_app(app)
    from server import health

    health.init_app(app)
    from server import metrics

    metrics.init_app(app)
    return app
