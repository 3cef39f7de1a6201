"""PostgreSQL's side of backups: pg_dump and pg_restore, in the app's database or schema."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import URL

from server.extensions import db

T = TypeVar("T")
# A search_path given in the URL's options (`?options=-csearch_path%3Dname`): Hearth's schema.
SEARCH_PATH = re.compile(r"search_path\s*=\s*([^\s,]+)")
# How long pg_dump waits for a table that a migration holds locked, in milliseconds.
LOCK_WAIT_MS = 60_000


class ToolError(Exception):
    """pg_dump or pg_restore is missing or failed; the message says what to do."""


def schema_of(url: URL) -> str | None:
    """Return the schema the URL puts first on the search path, if it names one."""
    found = SEARCH_PATH.search(str(url.query.get("options", "")))
    return found.group(1).strip("\"'") if found else None


def _tool(name: str) -> str:
    """Return the path of a PostgreSQL client tool, or say how to install it."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(
            f"PostgreSQL databases are backed up and restored with {name}, which is not "
            "installed here. Install the PostgreSQL client tools of your server's major "
            "version (Debian and Ubuntu: apt-get install postgresql-client), or run pg_dump "
            "and pg_restore yourself as the README's Backups section shows."
        )
    return path


def _run(name: str, arguments: list[str], url: URL) -> None:
    """Run a PostgreSQL tool against the URL's database; the password goes in the environment."""
    target = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = [_tool(name), *arguments, "--dbname", target.render_as_string()]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ToolError(f"{name} failed: {done.stderr.strip() or done.stdout.strip()}")


def dump(url: URL, file: Path, read: Callable[[Callable[[str], list]], T]) -> T:
    """Dump the database to the file (custom format); return what `read` saw in the same snapshot.

    The snapshot is exported from a transaction of ours and imported by pg_dump, so the
    facts read here (revision, counts, photo keys) describe exactly what the dump holds.
    """
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = read(lambda sql: list(connection.execute(text(sql)).all()))
            schema = schema_of(url)
            _run(
                "pg_dump",
                [
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--lock-wait-timeout={LOCK_WAIT_MS}",
                    f"--file={file}",
                    *([f"--schema={schema}"] if schema else []),
                ],
                url,
            )
    return facts


def restore(url: URL, file: Path) -> None:
    """Replace the database's Hearth tables by the dump's, in one transaction."""
    # Tables of a newer schema than the dump's would stay behind --clean and then stop the
    # migrations that create them: the target holds no accounts (or --force said so).
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.engine.dispose()
    _run(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", str(file)],
        url,
    )
