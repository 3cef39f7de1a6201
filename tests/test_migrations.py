"""Migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from server import create_app
from server.extensions import db
from tests.conftest import PG_SCHEMA, TEST_DATABASE_URL, _postgres_url

DRIFT_SCHEMA = f"hearth_drift_{os.getpid()}"


def fresh_database_url(tmp_path) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'drift.db'}"
    from server.config import normalise_database_url

    base = normalise_database_url(TEST_DATABASE_URL)
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {DRIFT_SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {DRIFT_SCHEMA}"))
    engine.dispose()
    return _postgres_url(base).replace(PG_SCHEMA, DRIFT_SCHEMA)


@contextmanager
def scratch_app(tmp_path) -> Iterator[Flask]:
    """An app on an empty database of its own (its own schema on PostgreSQL), dropped after."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url(tmp_path)})
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        if TEST_DATABASE_URL:
            engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"].split("?")[0])
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {DRIFT_SCHEMA} CASCADE"))
            engine.dispose()


def differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names(app) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names()) - {"alembic_version"}


def test_upgrading_an_empty_database_gives_the_models_schema(tmp_path):
    with scratch_app(tmp_path) as app:
        with app.app_context():
            upgrade()
        assert table_names(app) == {t.name for t in db.metadata.sorted_tables}
        assert differences(app) == []

        with app.app_context():
            downgrade(revision="base")
        assert table_names(app) == set()

        with app.app_context():
            upgrade()
        assert differences(app) == []
