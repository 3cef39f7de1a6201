"""What an export holds, read once and written out as a streamed ZIP.

The archive has three parts: `README.txt` (the format, in words), `hearth.json`
(the account, its devices and settings, and every record the user may see, with
each record's history as the app keeps it) and `photos/<sha256>.<ext>` (the bytes
`GET /api/blobs/<sha256>` serves). The records are read in one snapshot, a few
hundred at a time; the photos one by one after it. Nothing else is held.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from server.accounts.models import User
from server.accounts.schemas import DeviceSchema, MeSchema
from server.accounts.sessions import current_store
from server.blobs.models import Blob
from server.blobs.storage import current_storage
from server.db import utcnow
from server.export import readme
from server.export.zipstream import ZipStream
from server.extensions import db
from server.memories.models import PhotoRef
from server.push import service as push
from server.push.models import PushSubscription
from server.push.schemas import SettingsAnswerSchema
from server.spaces.members import partner_of
from server.sync.models import SHARED, Record
from server.sync.registry import record_value
from server.sync.service import read_transaction

log = logging.getLogger(__name__)

FORMAT = "hearth-export"
FORMAT_VERSION = 1
# Records read from the database at a time.
BATCH = 500
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# The JSON of one record, compressed, is about this long: for the size told before it is known.
RECORD_BYTES_ESTIMATE = 300


@dataclass(frozen=True)
class Photo:
    hash: str
    key: str
    content_type: str
    width: int
    height: int
    size: int

    @property
    def file(self) -> str:
        return f"photos/{self.hash}.{EXTENSIONS.get(self.content_type, 'bin')}"


@dataclass
class Export:
    """An export about to be written: what it holds, and its likely size."""

    user_id: uuid.UUID
    space_id: uuid.UUID
    made_at: datetime
    head: dict[str, Any]
    records: int
    photos: list[Photo]

    @property
    def estimated_bytes(self) -> int:
        """Roughly how long the archive will be (photos are most of it, and exact)."""
        return 4096 + self.records * RECORD_BYTES_ESTIMATE + sum(p.size for p in self.photos)

    @property
    def file_name(self) -> str:
        return f"hearth-export-{self.made_at:%Y-%m-%d}.zip"


def _visible(user_id: uuid.UUID, space_id: uuid.UUID):
    return (
        Record.space_id == space_id,
        Record.tombstone.is_(False),
        or_(Record.author_id == user_id, Record.visibility == SHARED),
    )


def _photos(user_id: uuid.UUID, space_id: uuid.UUID) -> list[Photo]:
    """The stored photos of the memories the user may see (restorable ones too)."""
    held = (
        select(PhotoRef.hash)
        .where(
            PhotoRef.space_id == space_id,
            or_(PhotoRef.author_id == user_id, PhotoRef.visibility == SHARED),
        )
        .distinct()
    )
    rows = db.session.execute(
        select(Blob.hash, Blob.original_key, Blob.content_type, Blob.width, Blob.height, Blob.size)
        .where(Blob.hash.in_(held))
        .order_by(Blob.hash)
    )
    return [Photo(*row) for row in rows]


def _devices(user_id: uuid.UUID) -> list[dict[str, Any]]:
    stored = current_store(current_app).list_for_user(str(user_id))
    schema = DeviceSchema(only=("user_agent", "created_at", "last_seen_at"))
    return [schema.dump(s) for s in sorted(stored, key=lambda s: s.created_at)]


def _notified_devices(user_id: uuid.UUID) -> list[dict[str, Any]]:
    # When each browser began receiving notifications; its address and keys are not the user's.
    rows = db.session.execute(
        select(PushSubscription.created_at, PushSubscription.last_seen_at)
        .where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.created_at)
    )
    return [{"created_at": c.isoformat(), "last_seen_at": s.isoformat()} for c, s in rows]


def prepare(user_id: uuid.UUID) -> Export:
    """Read what the export will hold, apart from the records themselves (read while writing)."""
    with read_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise LookupError(user_id)
        me = MeSchema().dump({"user": user, "space": user.space, "partner": partner_of(user)})
        head = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": utcnow().isoformat(),
            "account": {**me["user"], "created_at": user.created_at.isoformat()},
            "space": me["space"],
            "partner": me["partner"],
            "devices": _devices(user_id),
            "notification_devices": _notified_devices(user_id),
            "notification_settings": SettingsAnswerSchema().dump(push.settings_of(user_id)),
        }
        space_id = user.space_id
        count = db.session.scalar(
            select(func.count()).select_from(Record).where(*_visible(user_id, space_id))
        )
        photos = _photos(user_id, space_id)
    return Export(user_id, space_id, utcnow(), head, count or 0, photos)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _hearth_json(export: Export) -> Iterator[bytes]:
    """Write hearth.json: the head, then the records a batch at a time, then the photo index."""
    head = json.dumps(export.head, ensure_ascii=False, indent=1)
    yield head[: head.rindex("}")].rstrip().encode() + b',\n "records": ['
    with read_transaction():
        # The space the photos were listed from: a pairing meanwhile does not mix two spaces.
        query = (
            select(Record)
            .where(*_visible(export.user_id, export.space_id))
            .order_by(Record.kind, Record.created_at, Record.id)
            .execution_options(yield_per=BATCH)
        )
        first = True
        for batch in db.session.scalars(query).partitions():
            lines = [
                ("\n  " if first and i == 0 else ",\n  ").encode() + _json(record_value(r))
                for i, r in enumerate(batch)
            ]
            first = False
            yield b"".join(lines)
    photos = [
        {
            "hash": p.hash,
            "file": p.file,
            "content_type": p.content_type,
            "width": p.width,
            "height": p.height,
        }
        for p in export.photos
    ]
    yield b'\n ],\n "photos": ' + _json(photos) + b"\n}\n"


def write(export: Export) -> Iterator[bytes]:
    """Yield the archive's bytes as they are written."""
    archive = ZipStream(export.made_at)
    yield from archive.add("README.txt", readme.text(export.made_at).encode())
    yield from archive.add_pieces("hearth.json", _hearth_json(export))
    storage = current_storage()
    for photo in export.photos:
        try:
            data = storage.get(photo.key)
        except KeyError:
            # Only a file lost from the store (the row is there): the index still names it.
            log.error("photo %s has no file %s", photo.hash, photo.key)
            continue
        # Photos are compressed already: stored as they are.
        yield from archive.add(photo.file, data, compress=False)
    yield from archive.close()
