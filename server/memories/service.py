"""Memory mutators: both partners edit shared memories field by field.

Concurrent edits of different fields merge; on the same field the later write
wins and the value it replaced is kept in the memory's history. Photos are an
add-wins set keyed by blob hash, in an order either partner may change. Delete
is soft and restorable for 30 days. An index of which memory holds which photo
(PhotoRef) follows every memory written, whoever writes it.
"""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from server.blobs import service as blobs
from server.memories.models import PhotoRef
from server.memories.schemas import (
    MAX_PHOTOS,
    AddPhotoSchema,
    IdSchema,
    OrderPhotosSchema,
    RemovePhotoSchema,
    SaveSchema,
)
from server.sync.models import SHARED, Record
from server.sync.registry import MutationContext, Rejected, json_size, kind, mutator

KIND = "memory"
FIELDS = ("title", "story", "happened_on", "place", "tags")
DEFAULTS: dict[str, Any] = {"title": "", "story": "", "happened_on": None, "place": "", "tags": []}
MAX_HISTORY = 100
# Replaced values kept, in characters of JSON: a few long stories, many short titles.
MAX_HISTORY_CHARS = 50_000
RESTORABLE_FOR = timedelta(days=30)


def present(record: Record) -> dict[str, Any]:
    """Tell the client who deleted a memory and until when it can be restored."""
    if record.deleted_at is None:
        return {"restorable_until": None, "deleted_by": None}
    return {
        "restorable_until": (record.deleted_at + RESTORABLE_FOR).isoformat(),
        # Memories deleted before this was kept do not say who.
        "deleted_by": (record.data or {}).get("deleted_by"),
    }


kind(KIND, present)


def photo_refs_of(record: Record) -> list[dict[str, Any]]:
    """Return the index rows of a memory as it is now: one per photo, none once it is gone."""
    if record.kind != KIND or record.tombstone:
        return []
    photos = (record.data or {}).get("photos") or []
    hashes = {p.get("hash") for p in photos if isinstance(p, dict)}
    return [
        {
            "space_id": record.space_id,
            "record_id": record.id,
            "hash": hash_,
            "author_id": record.author_id,
            "visibility": record.visibility,
        }
        for hash_ in sorted(h for h in hashes if isinstance(h, str) and blobs.is_hash(h))
    ]


def sync_photo_refs(connection: Connection, records: list[Record], *, new: bool = False) -> None:
    """Rewrite the photo index rows of these memories from their current state."""
    table = PhotoRef.__table__
    if not new:  # a record inserted by this flush has no rows yet
        for record in records:
            connection.execute(
                table.delete().where(
                    table.c.space_id == record.space_id, table.c.record_id == record.id
                )
            )
    rows = [row for record in records for row in photo_refs_of(record)]
    if rows:
        connection.execute(table.insert(), rows)


@event.listens_for(Session, "after_flush")
def _keep_photo_refs(session: Session, _flush_context) -> None:
    """Follow every memory the flush wrote, whichever code wrote it (mutators, moves, upkeep).

    Rows of deleted records go by the foreign key's cascade.
    """

    def memories(objects) -> list[Record]:
        return [o for o in objects if isinstance(o, Record) and o.kind == KIND]

    created, changed = memories(session.new), memories(session.dirty)
    if created or changed:
        connection = session.connection()
        sync_photo_refs(connection, created, new=True)
        sync_photo_refs(connection, changed)


def _stored(name: str, value: Any) -> Any:
    """Return a field's value as the JSON data keeps it."""
    if name == "happened_on" and value is not None:
        return value.isoformat()
    return value


def _create(ctx: MutationContext, record_id: uuid.UUID, changes: dict[str, Any]) -> None:
    """Add a memory authored by the user, with the fields sent and defaults for the rest."""
    if not changes.get("title"):
        # Also the answer to an edit of a memory the user cannot see (or no longer can).
        raise Rejected(
            "invalid",
            "No such memory; a new one needs a title.",
            {"fields.title": "Missing data for required field."},
        )
    user_id = str(ctx.user.id)
    written = [name for name in FIELDS if name in changes]
    data: dict[str, Any] = {
        **copy.deepcopy(DEFAULTS),
        **{name: _stored(name, changes[name]) for name in written},
        "photos": [],
        "field_versions": {name: ctx.version for name in written},
        "field_authors": {name: user_id for name in written},
        "history": [],
    }
    ctx.create(KIND, record_id, data=data, visibility=changes.get("visibility", SHARED))


def _write_fields(
    ctx: MutationContext, data: dict[str, Any], changes: dict[str, Any], base: dict[str, Any]
) -> bool:
    """Write the sent fields into `data`, keeping what they replace; tell whether any changed."""
    user_id = str(ctx.user.id)
    versions: dict[str, int] = data.setdefault("field_versions", {})
    authors: dict[str, str] = data.setdefault("field_authors", {})
    history: list[dict[str, Any]] = data.setdefault("history", [])
    changed = False
    for name in FIELDS:
        if name not in changes:
            continue
        value = _stored(name, changes[name])
        if value == data.get(name):
            continue  # nothing would be lost or gained: not an edit, not a conflict
        current = versions.get(name) or 0
        # A field never written holds only its default: nobody's words to keep.
        if current:
            history.append(
                {
                    "field": name,
                    "value": data.get(name),
                    "by": authors.get(name),
                    "at": ctx.now.isoformat(),
                    "replaced_by": user_id,
                    # The writer had not seen the value it replaces: it still wins, being later.
                    # Replacing one's own unseen words (two edits before a sync) is no clash.
                    "conflict": (base.get(name) or 0) != current and authors.get(name) != user_id,
                }
            )
        data[name] = value
        versions[name] = ctx.version
        authors[name] = user_id
        changed = True
    _trim(history)
    return changed


def _trim(history: list[dict[str, Any]]) -> None:
    """Drop the oldest replaced values beyond the history's count and size; keep the newest."""
    del history[:-MAX_HISTORY]
    sizes = [json_size(entry.get("value")) for entry in history]
    total, dropped = sum(sizes), 0
    while total > MAX_HISTORY_CHARS and dropped < len(history) - 1:
        total -= sizes[dropped]
        dropped += 1
    del history[:dropped]


@mutator("memory.save", SaveSchema)
def save(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Create a memory, or edit the fields sent of one I can see."""
    changes: dict[str, Any] = args["changes"]
    found = ctx.find(KIND, args["id"])
    # A memory the user may not see is no memory to them: answered as for a new one.
    if found is None or not found.visible_to(ctx.user.id):
        _create(ctx, args["id"], changes)
        return
    record = ctx.writable(KIND, args["id"])
    changed = False
    if "visibility" in changes:
        # Before any field is written, so a partner's attempt changes nothing.
        before = record.visibility
        ctx.set_visibility(record, changes["visibility"])
        changed = record.visibility != before
    data = copy.deepcopy(record.data)
    if _write_fields(ctx, data, changes, args["base"]):
        record.data = data
        changed = True
    # A deleted memory keeps the edits, so that restoring it brings them back.
    if changed:
        ctx.touch(record)


@mutator("memory.add_photo", AddPhotoSchema)
def add_photo(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Add a photo to a memory, or update its caption if it is there already."""
    record = ctx.writable(KIND, args["id"])
    photo = args["photo"]
    photos: list[dict[str, Any]] = copy.deepcopy(record.data.get("photos", []))
    existing = next((p for p in photos if p["hash"] == photo["hash"]), None)
    if existing is not None:
        if "caption" in photo:
            existing["caption"] = photo["caption"]
        # Adding again is a fresh add: it must win over a remove that had not seen it.
        existing["added_version"] = ctx.version
    else:
        if len(photos) >= MAX_PHOTOS:
            raise Rejected(
                "too_many",
                f"A memory holds at most {MAX_PHOTOS} photos.",
                {"photo": f"At most {MAX_PHOTOS} photos."},
            )
        # Not storing a photo and not being able to see it are told alike: the answer
        # must not reveal whether a photo of another space exists.
        if not blobs.attachable(ctx.user.id, ctx.space.id, photo["hash"]):
            raise Rejected(
                "photo_missing",
                "This photo is not on the server: upload it, then add it again.",
                {"photo": "Upload the photo before adding it."},
            )
        photos.append(
            {
                "hash": photo["hash"],
                "caption": photo.get("caption", ""),
                "added_by": str(ctx.user.id),
                "added_version": ctx.version,
            }
        )
    record.data = {**record.data, "photos": photos}
    ctx.touch(record)


@mutator("memory.remove_photo", RemovePhotoSchema)
def remove_photo(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Remove a photo from a memory, unless someone added it after I last looked."""
    record = ctx.writable(KIND, args["id"])
    photos: list[dict[str, Any]] = record.data.get("photos", [])
    seen = args.get("seen_version")
    kept = [
        p
        for p in photos
        if p["hash"] != args["hash"] or (seen is not None and p["added_version"] > seen)
    ]
    if len(kept) != len(photos):
        record.data = {**record.data, "photos": kept}
        ctx.touch(record)


def _ordered(photos: list[dict[str, Any]], hashes: list[str]) -> list[dict[str, Any]]:
    """Return the photos named first, in the order given; the others after, as they were."""
    rank = {hash_: n for n, hash_ in enumerate(hashes)}
    named = sorted((p for p in photos if p["hash"] in rank), key=lambda p: rank[p["hash"]])
    return named + [p for p in photos if p["hash"] not in rank]


@mutator("memory.order_photos", OrderPhotosSchema)
def order_photos(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Put the photos named first; those added meanwhile keep their places after them."""
    record = ctx.writable(KIND, args["id"])
    photos: list[dict[str, Any]] = record.data.get("photos", [])
    ordered = _ordered(photos, args["hashes"])
    if ordered != photos:
        record.data = {**record.data, "photos": ordered}
        ctx.touch(record)


@mutator("memory.delete", IdSchema)
def delete(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Move a memory to the bin, from where it can be restored for 30 days."""
    record = ctx.writable(KIND, args["id"])
    if record.deleted_at is None:
        record.deleted_at = ctx.now
        record.data = {**record.data, "deleted_by": str(ctx.user.id)}
        ctx.touch(record)


@mutator("memory.restore", IdSchema)
def restore(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Bring a deleted memory back, within 30 days of its deletion."""
    record = ctx.writable(KIND, args["id"])
    if record.deleted_at is None:
        return
    if ctx.now - record.deleted_at > RESTORABLE_FOR:
        raise Rejected("too_late", "This memory was deleted more than 30 days ago.")
    record.deleted_at = None
    record.data = {key: value for key, value in record.data.items() if key != "deleted_by"}
    ctx.touch(record)
