"""The storage interface: local files by default, another class by configuration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest

from server.blobs.storage import LocalStorage, Storage
from server.db import utcnow
from tests.blobs.conftest import add_memory, photo, put, sha


class MemoryStorage:
    """A store kept in a dict, standing in for an object store."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.files: dict[str, tuple[bytes, datetime]] = {}

    def put(self, key: str, data: bytes) -> None:
        self.files[key] = (data, utcnow())

    def get(self, key: str) -> bytes:
        return self.files[key][0]

    def delete(self, key: str) -> None:
        self.files.pop(key, None)

    def exists(self, key: str) -> bool:
        return key in self.files

    def size(self, key: str) -> int:
        return len(self.files[key][0])

    def listing(self) -> Iterator[tuple[str, datetime]]:
        yield from ((key, written) for key, (_, written) in self.files.items())


def test_local_storage_round_trip(tmp_path):
    storage = LocalStorage({"BLOB_DIR": str(tmp_path / "store")})
    assert isinstance(storage, Storage)

    storage.put("ab/abc.jpg", b"bytes")

    assert storage.exists("ab/abc.jpg") and storage.get("ab/abc.jpg") == b"bytes"
    assert storage.size("ab/abc.jpg") == 5
    assert [key for key, _ in storage.listing()] == ["ab/abc.jpg"]  # no temporary file left
    storage.delete("ab/abc.jpg")
    storage.delete("ab/abc.jpg")  # gone already is fine
    assert not storage.exists("ab/abc.jpg")
    with pytest.raises(KeyError):
        storage.get("ab/abc.jpg")
    assert list((tmp_path / "store").iterdir()) == []


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "ab/../../x", "", "AB/x"])
def test_local_storage_refuses_keys_outside_its_folder(tmp_path, key):
    storage = LocalStorage({"BLOB_DIR": str(tmp_path / "store")})
    with pytest.raises(ValueError):
        storage.put(key, b"x")


def test_another_store_is_chosen_by_configuration(app_factory, make_user, blob_dir):
    app = app_factory(BLOB_STORAGE=f"{__name__}:MemoryStorage", BLOB_DIR=str(blob_dir))
    store = app.extensions["hearth_blob_storage"]
    assert isinstance(store, MemoryStorage)
    alex = make_user()
    data = photo()

    # make_user's client talks to the default `app`; this one talks to the configured app.
    alex.client.raw = app.test_client()
    alex.client.post("/api/auth/login", json={"email": alex.email, "password": alex.password})
    assert put(alex, data).status_code == 201
    add_memory(alex, sha(data))

    assert len(store.files) == 2
    assert not blob_dir.exists()  # nothing went to the local folder
    assert alex.client.get(f"/api/blobs/{sha(data)}/thumb").status_code == 200
