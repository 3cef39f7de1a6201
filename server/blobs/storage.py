"""Where photo files live: a small interface, local disk by default.

BLOB_STORAGE names the class: `local`, `s3` (an S3-compatible object store,
server/blobs/s3.py), or an import path `package.module:Class` for another store.
A class is built with the app's configuration and must offer the methods of
`Storage`.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from flask import Flask, current_app

# Keys are made by the service; anything else (a path escaping the root) is refused.
KEY_PATTERN = re.compile(r"^[0-9a-z][0-9a-z._-]*(/[0-9a-z][0-9a-z._-]*)*\Z")


@runtime_checkable
class Storage(Protocol):
    """A flat store of immutable files by key."""

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes under the key, all or nothing."""

    def get(self, key: str) -> bytes:
        """Return the bytes under the key; raise KeyError when there are none."""

    def delete(self, key: str) -> None:
        """Remove the key; a missing key is fine."""

    def exists(self, key: str) -> bool:
        """Tell whether the key holds bytes."""

    def size(self, key: str) -> int:
        """Return the size in bytes under the key; raise KeyError when there are none."""

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Yield every key with the time it was written (to find stray files)."""


class StorageUnavailable(RuntimeError):
    """The store did not answer in time or said it is overloaded: worth trying again later."""


def check_key(key: str) -> str:
    """Return the key if it is one the service could have made, else raise ValueError."""
    if not KEY_PATTERN.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files in a directory (the instance folder's `blobs` by default, or BLOB_DIR)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.root = Path(config["BLOB_DIR"])

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: a reader never sees half a file.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix="tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # Leave no empty fan-out folders behind.
        for parent in path.parents:
            if parent == self.root or not parent.is_relative_to(self.root):
                break
            try:
                parent.rmdir()
            except OSError:
                break

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def ready(self) -> bool:
        """Tell whether photos can be stored: the folder exists (or is made) and takes a file."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            # Nameless where the system allows it, removed at once elsewhere: nothing is left.
            with tempfile.TemporaryFile(dir=self.root):
                pass
        except OSError:
            return False
        return True

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise KeyError(key) from None

    def listing(self) -> Iterator[tuple[str, datetime]]:
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if not path.is_file():
                continue
            try:
                written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            except FileNotFoundError:
                continue
            yield path.relative_to(self.root).as_posix(), written


# Classes by name; an import path is imported only when named (boto3 only for `s3`).
BUILT_IN: dict[str, type | str] = {"local": LocalStorage, "s3": "server.blobs.s3:S3Storage"}


def make_storage(config: Mapping[str, Any]) -> Storage:
    """Build the storage that BLOB_STORAGE names."""
    name = config["BLOB_STORAGE"]
    cls = BUILT_IN.get(name, name)
    if isinstance(cls, str):
        module_name, _, attribute = cls.partition(":")
        if not attribute:
            raise RuntimeError(
                f"BLOB_STORAGE must be 'local', 's3' or 'module:Class', not {name!r}"
            )
        cls = getattr(importlib.import_module(module_name), attribute)
    return cls(config)


def init_app(app: Flask) -> None:
    """Build the app's storage once."""
    app.extensions["hearth_blob_storage"] = make_storage(app.config)


def current_storage() -> Storage:
    """Return the current app's storage."""
    return current_app.extensions["hearth_blob_storage"]
