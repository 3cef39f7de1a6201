"""Photo uploads, who may read them, quotas, and the cleanup of unused ones."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Exists, delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from server.accounts.models import User
from server.blobs import images
from server.blobs.models import Blob, BlobUpload
from server.blobs.storage import StorageUnavailable, current_storage
from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.memories.models import PhotoRef
from server.spaces.models import Space
from server.sync.models import SHARED

log = logging.getLogger(__name__)

SHA256_HEX = re.compile(r"^[0-9a-f]{64}\Z")
ORIGINAL = "original"
THUMB = "thumb"
VARIANTS = (ORIGINAL, THUMB)
DECODE_SLOTS = "hearth_blob_decodes"
# A decode takes a second or two at most: by then a slot is likely free.
BUSY_RETRY_AFTER_SECONDS = 2
# The photo store did not answer, after its own retries: give it a little longer.
STORE_RETRY_AFTER_SECONDS = 5


def is_hash(value: str) -> bool:
    """Tell whether the value is a SHA-256 in lowercase hex, as memories name photos."""
    return bool(SHA256_HEX.match(value))


def answer(blob: Blob) -> dict[str, Any]:
    """Describe a stored photo to the client."""
    return {
        "hash": blob.hash,
        "content_type": blob.content_type,
        "width": blob.width,
        "height": blob.height,
        "thumb_width": blob.thumb_width,
        "thumb_height": blob.thumb_height,
        "size": blob.size,
    }


def decode_slots() -> images.DecodeSlots:
    """Return this process's decoding slots (BLOB_DECODES_AT_ONCE), made on first use."""
    slots = current_app.extensions.get(DECODE_SLOTS)
    if slots is None:
        config = current_app.config
        made = images.DecodeSlots(
            config["BLOB_DECODES_AT_ONCE"], config["BLOB_DECODE_WAIT_SECONDS"]
        )
        # Two first requests at once still share one set: setdefault keeps the first.
        slots = current_app.extensions.setdefault(DECODE_SLOTS, made)
    return slots


def _store_unavailable(error: StorageUnavailable) -> ApiError:
    log.error("%s", error)
    return ApiError(
        503,
        "unavailable",
        "Photos cannot be reached just now. Try again in a moment.",
        headers={"Retry-After": str(STORE_RETRY_AFTER_SECONDS)},
    )


def _key(hash_: str, token: str, variant: str, content_type: str) -> str:
    # A fresh token per stored copy: a losing concurrent upload deletes only its own files.
    ext = "webp" if content_type == "image/webp" else "jpg"
    return f"{hash_[:2]}/{hash_}.{token}.{variant}.{ext}"


def etag_of(blob: Blob, variant: str) -> str:
    """Return the entity tag of one rendition: it changes only if the photo is stored anew."""
    key = blob.thumb_key if variant == THUMB else blob.original_key
    return key.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _counted(space_id: uuid.UUID, now: datetime):
    """The hashes a space's storage counts: the photos of its memories (the bin's too), and its
    members' uploads of the grace period, which may wait for their memory. A photo removed from
    every memory stops counting once its upload is older than that; after unpairing, a photo
    counts in the spaces whose memories keep it, whoever uploaded it."""
    fresh = now - timedelta(hours=current_app.config["BLOB_GRACE_HOURS"])
    held = select(PhotoRef.hash).where(PhotoRef.space_id == space_id)
    waiting = (
        select(BlobUpload.hash)
        .join(User, User.id == BlobUpload.user_id)
        .where(User.space_id == space_id, BlobUpload.uploaded_at > fresh)
    )
    return held.union(waiting)


def space_usage(space_id: uuid.UUID, now: datetime | None = None) -> int:
    """Return the bytes of the photos the space's storage counts (each photo once)."""
    counted = _counted(space_id, now or utcnow()).subquery()
    total = db.session.scalar(
        select(func.coalesce(func.sum(Blob.size), 0)).where(Blob.hash.in_(select(counted.c.hash)))
    )
    return int(total or 0)


def _space_counts(space_id: uuid.UUID, hash_: str, now: datetime) -> bool:
    counted = _counted(space_id, now).subquery()
    return bool(db.session.scalar(select(exists().where(counted.c.hash == hash_))))


def _record_upload(user: User, hash_: str, size: int, now: datetime) -> None:
    """Note the user as an uploader, within the space's quota; renew the grace period."""
    # The space row's lock serialises this space's uploads, so two cannot both fit the quota.
    db.session.execute(select(Space.id).where(Space.id == user.space_id).with_for_update())
    # A photo the space counts already costs nothing more; one uploaded long ago and since
    # removed everywhere counts again, like a new one.
    if not _space_counts(user.space_id, hash_, now):
        quota = current_app.config["BLOB_QUOTA_BYTES"]
        if space_usage(user.space_id, now) + size > quota:
            raise ApiError(
                507,
                "quota_exceeded",
                f"Your photos use all the space there is ({quota // (1024 * 1024)} MB). "
                "Remove some photos from your memories first.",
            )
    found = db.session.get(BlobUpload, (hash_, user.id))
    if found is not None:
        found.uploaded_at = now
    else:
        db.session.add(BlobUpload(hash=hash_, user_id=user.id, uploaded_at=now))


def _user(user_id: uuid.UUID) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError(401, "unauthorized", "Sign in first.")
    return user


def _existing(user_id: uuid.UUID, hash_: str) -> Blob | None:
    """Record the user as an uploader of a photo already stored; return it, or None."""
    now = utcnow()
    with write_transaction():
        blob = db.session.scalar(select(Blob).where(Blob.hash == hash_).with_for_update())
        if blob is None:
            return None
        _record_upload(_user(user_id), hash_, blob.size, now)
    return blob


def upload(user_id: uuid.UUID, hash_: str, data: bytes, content_type: str) -> tuple[Blob, bool]:
    """Store a photo's clean renditions once; return it and whether it was new."""
    if not is_hash(hash_):
        raise ApiError(
            422,
            "invalid",
            "Some fields are not valid.",
            fields={"hash": "Not a SHA-256 hash (64 lowercase hex)."},
        )
    if content_type not in images.CONTENT_TYPES:
        accepted = ", ".join(sorted(images.CONTENT_TYPES))
        raise ApiError(415, "unsupported_media_type", f"Send the photo as one of: {accepted}.")
    if not data:
        raise ApiError(422, "empty", "The body is empty: send the photo's bytes.")
    # Checked even when the photo is stored already: only someone holding the bytes may read it.
    if hashlib.sha256(data).hexdigest() != hash_:
        raise ApiError(
            422,
            "hash_mismatch",
            "The bytes received do not have the SHA-256 of the address. Upload them again.",
            fields={"hash": "Does not match the body."},
        )
    found = _existing(user_id, hash_)
    if found is not None:
        return found, False
    try:
        renditions = images.render(data, current_app.config["BLOB_MAX_PIXELS"], decode_slots())
    except images.BadImage as error:
        raise ApiError(422, error.code, error.message) from None
    except images.Busy:
        raise ApiError(
            503,
            "busy",
            "The server is busy with other photos. Try again in a moment.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
        ) from None
    storage = current_storage()
    token = secrets.token_hex(8)
    keys = {variant: _key(hash_, token, variant, renditions.content_type) for variant in VARIANTS}
    blob = Blob(
        hash=hash_,
        content_type=renditions.content_type,
        width=renditions.original.width,
        height=renditions.original.height,
        original_key=keys[ORIGINAL],
        thumb_key=keys[THUMB],
        thumb_width=renditions.thumb.width,
        thumb_height=renditions.thumb.height,
        size=len(renditions.original.data) + len(renditions.thumb.data),
    )
    now = utcnow()
    blob.created_at = now
    try:
        storage.put(keys[ORIGINAL], renditions.original.data)
        storage.put(keys[THUMB], renditions.thumb.data)
        with write_transaction():
            _record_upload(_user(user_id), hash_, blob.size, now)
            db.session.add(blob)
            db.session.flush()
    except IntegrityError:
        # The same photo arrived twice at once: the other upload stored it.
        _forget_files(keys.values())
        found = _existing(user_id, hash_)
        if found is None:  # pragma: no cover - it was just there
            raise ApiError(503, "unavailable", "Try again in a moment.") from None
        return found, False
    except StorageUnavailable as error:
        # Deleting would wait for the store again; the cleanup's sweep removes a file it kept.
        raise _store_unavailable(error) from None
    except BaseException:
        _forget_files(keys.values())
        raise
    return blob, True


def _forget_files(keys) -> None:
    storage = current_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # the cleanup task's sweep removes what is left
            log.exception("could not delete %s", key)


def _uploaded(user_id: uuid.UUID, hash_: str) -> bool:
    return db.session.get(BlobUpload, (hash_, user_id)) is not None


def _sees_in_space(user_id: uuid.UUID, space_id: uuid.UUID, hash_: str) -> bool:
    """Tell whether a memory of the space that the user can see holds the photo."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    PhotoRef.space_id == space_id,
                    PhotoRef.hash == hash_,
                    # A private memory's photos are its author's alone.
                    or_(PhotoRef.visibility == SHARED, PhotoRef.author_id == user_id),
                )
            )
        )
    )


def readable(user_id: uuid.UUID, hash_: str) -> Blob:
    """Return the photo if the user uploaded it or can see a memory holding it; else 404."""
    not_found = ApiError(404, "not_found", "Nothing here.")
    if not is_hash(hash_):
        raise not_found
    blob = db.session.get(Blob, hash_)
    if blob is None:
        raise not_found
    # The uploader reads it back before the memory that holds it reaches the server.
    if _uploaded(user_id, hash_):
        return blob
    space_id = db.session.scalar(select(User.space_id).where(User.id == user_id))
    if space_id is None or not _sees_in_space(user_id, space_id, hash_):
        raise not_found
    return blob


def attachable(user_id: uuid.UUID, space_id: uuid.UUID, hash_: str) -> bool:
    """Tell whether the user may put the photo into a memory of the space.

    It must be stored, and the user must have uploaded it or see it in the space
    already: knowing a hash is not enough to read someone else's photo through a
    memory of one's own. The photo's row stays share-locked until the commit, so the
    cleanup cannot delete it under the memory that is about to hold it.
    """
    stored = db.session.scalar(
        select(Blob.hash).where(Blob.hash == hash_).with_for_update(read=True)
    )
    return stored is not None and (
        _uploaded(user_id, hash_) or _sees_in_space(user_id, space_id, hash_)
    )


def read(blob: Blob, variant: str) -> bytes:
    """Return the bytes of one rendition; 404 if the file is gone."""
    key = blob.thumb_key if variant == THUMB else blob.original_key
    try:
        return current_storage().get(key)
    except KeyError:
        log.error("photo %s has no file %s", blob.hash, key)
        raise ApiError(404, "not_found", "Nothing here.") from None
    except StorageUnavailable as error:
        raise _store_unavailable(error) from None


@dataclass
class Cleanup:
    blobs: int = 0
    files: int = 0


def _held(hash_: Any) -> Exists:
    """The condition that a memory that still exists holds the photo (restorable ones too)."""
    return exists().where(PhotoRef.hash == hash_)


def collect_garbage(now: datetime | None = None) -> Cleanup:
    """Delete photos no live memory holds once their grace period is over, and stray files."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=current_app.config["BLOB_GRACE_HOURS"])
    storage = current_storage()
    report = Cleanup()
    db.session.rollback()
    recent_upload = exists().where(BlobUpload.hash == Blob.hash, BlobUpload.uploaded_at >= cutoff)
    candidates = db.session.scalars(
        select(Blob.hash).where(Blob.created_at < cutoff, ~recent_upload, ~_held(Blob.hash))
    ).all()
    db.session.rollback()
    for hash_ in sorted(candidates):
        with write_transaction():
            blob = db.session.scalar(select(Blob).where(Blob.hash == hash_).with_for_update())
            if blob is None:
                continue
            # Look again under the lock: an upload or a memory may have claimed it meanwhile.
            renewed = exists().where(BlobUpload.hash == hash_, BlobUpload.uploaded_at >= cutoff)
            if db.session.scalar(select(renewed | _held(hash_))):
                continue
            keys = [blob.original_key, blob.thumb_key]
            db.session.execute(delete(BlobUpload).where(BlobUpload.hash == hash_))
            db.session.execute(delete(Blob).where(Blob.hash == hash_))
        _forget_files(keys)
        report.blobs += 1
        report.files += len(keys)
    # Files no row names: left by an upload that failed between writing them and committing.
    db.session.rollback()
    known = set()
    for original, thumb in db.session.execute(select(Blob.original_key, Blob.thumb_key)):
        known.update((original, thumb))
    db.session.rollback()
    for key, written in list(storage.listing()):
        if key not in known and written < cutoff:
            _forget_files([key])
            report.files += 1
    return report
