"""The photo index migration: memories written before it get their photos indexed."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from server.db import utcnow
from server.extensions import db
from server.memories.models import PhotoRef
from server.spaces.models import Space
from server.sync.models import Record
from tests.test_migrations import scratch_app

BEFORE_THE_INDEX = "f2afa2018a6d"


def memory(space_id: uuid.UUID, author_id: uuid.UUID, hashes: list[str], **columns) -> dict:
    now = utcnow()
    photos = [
        {"hash": h, "caption": "", "added_by": str(author_id), "added_version": 1} for h in hashes
    ]
    return {
        "space_id": space_id,
        "id": uuid.uuid4(),
        "kind": "memory",
        "author_id": author_id,
        "visibility": "shared",
        "ever_shared": True,
        "archived": False,
        "version": 1,
        "tombstone": False,
        "created_at": now,
        "updated_at": now,
        "data": {"title": "Before", "photos": photos},
        **columns,
    }


def test_upgrading_indexes_the_photos_of_existing_memories(tmp_path):
    space_id, alex, sam = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    beach, train = "b" * 64, "c" * 64
    shared = memory(space_id, alex, [beach, train, beach])
    private = memory(space_id, sam, [train], visibility="private")
    gone = memory(space_id, alex, [], tombstone=True, data={})
    with scratch_app(tmp_path) as app, app.app_context():
        upgrade(revision=BEFORE_THE_INDEX)
        with db.engine.begin() as conn:
            conn.execute(
                sa.insert(Space.__table__),
                [
                    {
                        "id": space_id,
                        "kind": "couple",
                        "version": 1,
                        "purged_version": 0,
                        "created_at": utcnow(),
                    }
                ],
            )
            conn.execute(sa.insert(Record.__table__), [shared, private, gone])
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    PhotoRef.record_id, PhotoRef.hash, PhotoRef.author_id, PhotoRef.visibility
                )
            ).all()
        assert sorted(rows) == sorted(
            [
                (shared["id"], beach, alex, "shared"),
                (shared["id"], train, alex, "shared"),
                (private["id"], train, sam, "private"),
            ]
        )
        downgrade(revision=BEFORE_THE_INDEX)
        with db.engine.connect() as conn:
            assert "photo_refs" not in sa.inspect(conn).get_table_names()
