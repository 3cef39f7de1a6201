"""Which memory holds which photo: the index behind who may read a photo."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class PhotoRef(db.Model):
    """A photo held by a memory that still exists (restorable ones too; never a tombstone).

    Derived from the memory's `data["photos"]`, its author and its visibility, and
    rewritten whenever the memory is flushed (see `service.sync_photo_refs`), so that
    asking who may read a photo is an index lookup rather than a scan of the memories.
    """

    __tablename__ = "photo_refs"

    space_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # No foreign key to blobs: a memory may name a photo whose upload is gone.
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    visibility: Mapped[str] = mapped_column(String(8))

    __table_args__ = (
        # The rows go with the memory: purged tombstones, spaces gone after (un)pairing.
        ForeignKeyConstraint(
            ["space_id", "record_id"], ["records.space_id", "records.id"], ondelete="CASCADE"
        ),
        # Reading a photo: is it in a memory of my space?
        Index("ix_photo_refs_space_hash", "space_id", "hash"),
        # The cleanup: is it in any memory at all?
        Index("ix_photo_refs_hash", "hash"),
    )
