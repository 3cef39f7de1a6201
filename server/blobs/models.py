"""Stored photos and who uploaded them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UtcDateTime, utcnow
from server.extensions import db


class Blob(db.Model):
    """A photo, named by the SHA-256 of the bytes the client uploaded.

    What is stored are re-encodings without metadata (an original-size rendition
    and a thumbnail), so their bytes differ from the uploaded ones: the keys say
    where they are.
    """

    __tablename__ = "blobs"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original_key: Mapped[str] = mapped_column(String(255))
    thumb_key: Mapped[str] = mapped_column(String(255))
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    # Bytes of both renditions: what counts against a quota.
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BlobUpload(db.Model):
    """A user who sent a photo's bytes: they may read it back and it counts in their space."""

    __tablename__ = "blob_uploads"

    hash: Mapped[str] = mapped_column(
        String(64), ForeignKey("blobs.hash", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Renewed by every upload of the same bytes: the grace period before an unused photo goes.
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
