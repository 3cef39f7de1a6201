"""Backup fixtures: the instance backed up (on SQLite always, on PostgreSQL when configured)
and a fresh instance to restore into."""

from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from server import create_app
from server.config import normalise_database_url
from server.extensions import db
from tests.blobs.conftest import s3_admin, s3_bucket, s3_server  # noqa: F401 -- fixtures
from tests.conftest import TEST_DATABASE_URL, ApiClient, _postgres_url, app_config

RESTORED_DATABASE = f"hearth_restored_{os.getpid()}"


def _pg_skip_reason() -> str | None:
    if not TEST_DATABASE_URL:
        return "PostgreSQL backups are tested when TEST_DATABASE_URL names a database"
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not installed"
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request) -> str:
    """The database kind of both instances."""
    if request.param == "postgresql" and (reason := _pg_skip_reason()):
        pytest.skip(reason)
    return request.param


@pytest.fixture
def store() -> str:
    """Where the instance backed up keeps photos: a folder, unless a test names `s3`."""
    return "local"


@pytest.fixture
def app(app_factory, kind, store, tmp_path, request):
    """The instance backed up, keeping its photos in the test's folder (or an S3 bucket)."""
    photos = {"BLOB_DIR": str(tmp_path / "blobs")}
    if store == "s3":
        photos = {"BLOB_STORAGE": "s3", "S3_PREFIX": "original"}
        photos.update(request.getfixturevalue("s3_bucket"))
    if kind == "postgresql" or not TEST_DATABASE_URL:
        return app_factory(**photos)
    # The session's database is PostgreSQL here: SQLite gets a migrated file of its own.
    built = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'original.db'}", **photos)
    with built.app_context():
        upgrade()
    return built


def _as_admin(sql: str) -> None:
    """Run one statement outside a transaction (CREATE and DROP DATABASE need that)."""
    engine = sa.create_engine(
        normalise_database_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(sql))
    finally:
        engine.dispose()


@pytest.fixture
def fresh_instance(kind, tmp_path):
    """Return a function that builds a new instance with an empty database and photo folder."""
    apps = []
    if kind == "postgresql":
        _as_admin(f"DROP DATABASE IF EXISTS {RESTORED_DATABASE} WITH (FORCE)")
        _as_admin(f"CREATE DATABASE {RESTORED_DATABASE}")
        base = make_url(normalise_database_url(TEST_DATABASE_URL)).set(database=RESTORED_DATABASE)
        # The same schema name as the instance backed up: a dump restores into its schema.
        url = _postgres_url(base.render_as_string(hide_password=False))
    else:
        url = f"sqlite:///{tmp_path / 'restored.db'}"

    def build(**overrides):
        restored = create_app(
            app_config(url, BLOB_DIR=str(tmp_path / "restored-blobs"), **overrides)
        )
        apps.append(restored)
        return restored

    yield build
    for restored in apps:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
    if kind == "postgresql":
        _as_admin(f"DROP DATABASE IF EXISTS {RESTORED_DATABASE} WITH (FORCE)")


def signed_in_as(restored, user) -> ApiClient:
    """A client of the restored instance holding the user's session cookie from before."""
    client = ApiClient(restored.test_client())
    client.raw.set_cookie("hearth_session", user.client.session_cookie(), domain="localhost")
    return client
