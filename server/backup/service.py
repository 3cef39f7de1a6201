"""Backups of a whole instance and their restore (`flask backup DIR`, `flask restore DIR`).

A backup is a folder: the database (SQLite's online backup API, or pg_dump for
PostgreSQL), the photo files under `photos/`, and `manifest.json`, which names the
migration revision, the counts, and the size and SHA-256 of every file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import URL, make_url

from server.backup import postgres
from server.backup.models import Restore
from server.blobs.storage import StorageUnavailable, check_key, current_storage
from server.db import utcnow, write_transaction
from server.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
PHOTOS = "photos"
DATABASE_FILES = {"sqlite": "hearth.sqlite3", "postgresql": "hearth.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Facts:
    """What a database copy holds, read from the copy itself (or its snapshot)."""

    revision: str
    counts: dict[str, int]
    photo_keys: set[str]


@dataclass
class RestoreReport:
    """What a restore put in place."""

    revision: str
    upgraded: bool
    files: int
    counts: dict[str, int]
    epoch: int
    backup_created_at: str


@dataclass
class BackupReport:
    """What a backup holds: its folder and manifest."""

    folder: Path
    manifest: dict[str, Any] = field(default_factory=dict)


def _url() -> URL:
    """Return the configured database URL."""
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def database_kind() -> str:
    """Return `sqlite` or `postgresql`, the databases whose backups Hearth knows."""
    kind = _url().get_backend_name()
    if kind not in DATABASE_FILES:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {kind}.")
    return kind


def _sqlite_path() -> Path:
    """Return the SQLite database file the app uses."""
    name = _url().database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("The database lives in memory: there is no file to back up.")
    return Path(name).absolute()


def _sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    """Write a new owner-only file and make it durable."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _sync_folder(path: Path) -> None:
    """Make a folder's entries durable (new files, a rename)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read_facts(rows: Callable[[str], list]) -> Facts:
    """Read the revision, the counts and the photo files named, with plain SQL on any database."""
    revisions = [row[0] for row in rows("SELECT version_num FROM alembic_version")]
    if not revisions:
        raise BackupError("The database has no migration revision: run `flask db upgrade`.")

    def count(sql: str) -> int:
        return int(rows(sql)[0][0])

    counts = {
        "users": count("SELECT count(*) FROM users"),
        "spaces": count("SELECT count(*) FROM spaces"),
        "records": count("SELECT count(*) FROM records WHERE NOT tombstone"),
        "photos": count("SELECT count(*) FROM blobs"),
    }
    keys = set()
    for original, thumb in rows("SELECT original_key, thumb_key FROM blobs"):
        keys.update((original, thumb))
    return Facts(revision=",".join(sorted(revisions)), counts=counts, photo_keys=keys)


def _copy_sqlite(target: Path) -> Facts:
    """Copy the live SQLite database with the online backup API; read the copy's facts."""
    path = _sqlite_path()
    if not path.is_file():
        raise BackupError(f"There is no database at {path}.")
    timeout = current_app.config["DATABASE_LOCK_TIMEOUT_MS"] / 1000
    source = sqlite3.connect(path, timeout=timeout)
    try:
        copy = sqlite3.connect(target)
        try:
            # All pages in one step: the copy reads one snapshot while WAL lets writers go
            # on. A copy in steps starts over at every write and may never end under load.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    target.chmod(0o600)
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        return _read_facts(lambda sql: copy.execute(sql).fetchall())
    except sqlite3.OperationalError as error:
        raise BackupError(f"The database is not Hearth's, or not migrated: {error}") from None
    finally:
        copy.close()


def _copy_photos(keys: set[str], folder: Path) -> tuple[dict[str, dict], list[str]]:
    """Copy the photo files the database copy names; return them and the ones not found."""
    storage = current_storage()
    files: dict[str, dict] = {}
    missing = []
    for key in sorted(keys):
        try:
            data = storage.get(check_key(key))
        except KeyError:
            missing.append(key)
            continue
        except StorageUnavailable as error:
            raise BackupError(f"The photo store did not answer ({error}): try again.") from None
        _write(folder / key, data)
        files[f"{PHOTOS}/{key}"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return files, missing


def backup(target: Path) -> BackupReport:
    """Write a consistent backup of the database and the photos into a new folder."""
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not empty: name a new folder.")
    kind = database_kind()
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        partial.mkdir(mode=0o700)
    except FileExistsError:
        raise BackupError(
            f"{partial} exists: another backup is being written there, or one was "
            "interrupted (then remove it)."
        ) from None
    try:
        created_at = utcnow()
        database = partial / DATABASE_FILES[kind]
        if kind == "sqlite":
            facts = _copy_sqlite(database)
        else:
            try:
                facts = postgres.dump(_url(), database, _read_facts)
            except postgres.ToolError as error:
                raise BackupError(str(error)) from None
        # Photos after the database, never before. A photo's files are written before its
        # row commits, never change, and are deleted only after the row is (by the daily
        # cleanup, once no memory holds the photo and its upload's grace period is over):
        # every file the database copy names is still there now, unless that cleanup
        # deletes it meanwhile, which the manifest and the summary report as missing.
        # Photos uploaded after the copy are not taken: no row of the copy names them.
        files, missing = _copy_photos(facts.photo_keys, partial / PHOTOS)
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "database": {
                "kind": kind,
                "file": database.name,
                "revision": facts.revision,
                "schema": postgres.schema_of(_url()) if kind == "postgresql" else None,
                "size": database.stat().st_size,
                "sha256": _sha256_of(database),
            },
            "counts": {**facts.counts, "files": len(files)},
            "files": files,
            "missing": missing,
        }
        _write(partial / MANIFEST, json.dumps(manifest, indent=1).encode())
        _sync_folder(partial)
        # Only a finished backup carries the name asked for.
        partial.rename(target)
        _sync_folder(target.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupReport(folder=target, manifest=manifest)


def _read_manifest(source: Path) -> dict[str, Any]:
    """Read a backup's manifest, refusing anything but a finished backup of this format."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: it is not a finished backup.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{source / MANIFEST} cannot be read: {error}") from None
    database = manifest.get("database") if isinstance(manifest, dict) else None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(database, dict)
        or not {"kind", "file", "revision", "size", "sha256"} <= database.keys()
        or not isinstance(manifest.get("files"), dict)
        or not isinstance(manifest.get("created_at"), str)
    ):
        raise BackupError(f"{source} is not a backup this version of Hearth can read.")
    return manifest


def _migrations() -> ScriptDirectory:
    """Return the app's migration scripts."""
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def _check_file(source: Path, name: str, expected: dict[str, Any]) -> Path:
    """Return a file of the backup, refusing one that is missing or of another size."""
    path = source / name
    if not path.is_file() or path.stat().st_size != expected.get("size"):
        raise BackupError(f"The backup is damaged: {name} is missing or has another size.")
    return path


def _accounts_in_target() -> int:
    """Count the accounts in the configured database (none when it has no tables)."""
    db.session.remove()
    if not sa.inspect(db.engine).has_table("users"):
        return 0
    count = db.session.scalar(sa.text("SELECT count(*) FROM users")) or 0
    db.session.remove()
    return count


def _put_photos(source: Path, files: dict[str, dict]) -> int:
    """Put the backup's photo files in the store, checking each one's digest."""
    storage = current_storage()
    for name, expected in sorted(files.items()):
        folder, _, key = name.partition("/")
        try:
            if folder != PHOTOS or not isinstance(expected, dict):
                raise ValueError(name)
            check_key(key)
        except ValueError:
            raise BackupError(f"The backup is damaged: {name} is no photo file.") from None
        data = _check_file(source, name, expected).read_bytes()
        if hashlib.sha256(data).hexdigest() != expected.get("sha256"):
            raise BackupError(f"The backup is damaged: {name} does not have its SHA-256.")
        try:
            # Keys are unique to their bytes: a file there already is this one.
            if not storage.exists(key):
                storage.put(key, data)
        except StorageUnavailable as error:
            raise BackupError(f"The photo store did not answer ({error}): try again.") from None
    return len(files)


def _restore_sqlite(file: Path) -> None:
    """Copy the backup's database over the configured SQLite file."""
    path = _sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()
    db.engine.dispose()
    timeout = current_app.config["DATABASE_LOCK_TIMEOUT_MS"] / 1000
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(path, timeout=timeout)
        try:
            # Page by page under SQLite's own locks, so nothing reads half a database.
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _current_revision() -> str | None:
    """Return the migration revision of the configured database."""
    db.session.remove()
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    db.session.remove()
    return revision


def _counts() -> dict[str, int]:
    """Count what the configured database holds."""
    try:
        with db.engine.connect() as connection:
            return _read_facts(lambda sql: list(connection.execute(sa.text(sql)).all())).counts
    finally:
        db.engine.dispose()


def start_epoch(backup_created_at: datetime | None, revision: str | None) -> int:
    """Record a restore: every pull cookie handed out before it leads its device to a snapshot."""
    epoch = secrets.randbelow(2**31 - 1) + 1
    with write_transaction():
        db.session.add(
            Restore(epoch=epoch, backup_created_at=backup_created_at, backup_revision=revision)
        )
    db.session.remove()
    return epoch


def restore(source: Path, *, force: bool = False) -> RestoreReport:
    """Put a backup in place of the configured database and store, then migrate if needed."""
    from flask_migrate import upgrade

    source = source.absolute()
    manifest = _read_manifest(source)
    kind = database_kind()
    database = manifest["database"]
    if database["kind"] != kind:
        raise BackupError(
            f"The backup holds a {database['kind']} database, but DATABASE_URL names a "
            f"{kind} one: restore it into the kind of database it came from."
        )
    if kind == "postgresql" and database.get("schema") != postgres.schema_of(_url()):
        raise BackupError(
            f"The backup holds the schema {database.get('schema') or 'public'}; the configured "
            f"database uses {postgres.schema_of(_url()) or 'public'}: they must be the same."
        )
    migrations = _migrations()
    known = {script.revision for script in migrations.walk_revisions()}
    if database["revision"] not in known:
        raise BackupError(
            f"The backup was made at migration {database['revision']}, which this version of "
            "Hearth does not know: restore it with the version that made it, or a newer one."
        )
    if database["file"] != DATABASE_FILES[kind]:
        raise BackupError(f"The backup is damaged: its database is not {DATABASE_FILES[kind]}.")
    file = _check_file(source, database["file"], database)
    if _sha256_of(file) != database["sha256"]:
        raise BackupError(f"The backup is damaged: {database['file']} does not have its SHA-256.")
    accounts = _accounts_in_target()
    if accounts and not force:
        raise BackupError(
            f"The database holds {accounts} accounts already. Restore into a fresh instance, "
            "or add --force to replace everything in this one."
        )
    # Photos first: should the database step fail, files that no row names are harmless
    # (the daily cleanup removes them after the grace period).
    files = _put_photos(source, manifest["files"])
    if kind == "sqlite":
        _restore_sqlite(file)
    else:
        try:
            postgres.restore(_url(), file)
        except postgres.ToolError as error:
            raise BackupError(str(error)) from None
    upgraded = _current_revision() != migrations.get_current_head()
    if upgraded:
        upgrade()
    epoch = start_epoch(datetime.fromisoformat(manifest["created_at"]), database["revision"])
    return RestoreReport(
        revision=database["revision"],
        upgraded=upgraded,
        files=files,
        counts=_counts(),
        epoch=epoch,
        backup_created_at=manifest["created_at"],
    )


def describe_backup(report: BackupReport) -> str:
    """Say what a backup holds, in a few lines for the operator."""
    manifest = report.manifest
    database, counts = manifest["database"], manifest["counts"]
    lines = [
        f"backup written to {report.folder}",
        f"  database: {database['kind']} at migration {database['revision']}, "
        f"{database['size']} bytes",
        f"  {counts['users']} accounts, {counts['spaces']} spaces, {counts['records']} records, "
        f"{counts['photos']} photos ({counts['files']} files)",
    ]
    if manifest["missing"]:
        lines.append(
            f"  warning: {len(manifest['missing'])} photo files the database names were gone "
            "(deleted by a cleanup that ran meanwhile?): " + ", ".join(manifest["missing"][:5])
        )
    return "\n".join(lines)


def describe_restore(report: RestoreReport) -> str:
    """Say what a restore put in place, in a few lines for the operator."""
    counts = report.counts
    migrated = "migrated to the newest revision" if report.upgraded else "at the newest revision"
    return "\n".join(
        [
            f"restored the backup of {report.backup_created_at} "
            f"(migration {report.revision}, {migrated})",
            f"  {counts['users']} accounts, {counts['spaces']} spaces, {counts['records']} "
            f"records, {counts['photos']} photos ({report.files} files)",
            "  every device takes a fresh copy at its next sync",
        ]
    )
