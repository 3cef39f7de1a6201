"""record.share: the author makes a private record shared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import fields, validate

from server.schemas import BaseSchema
from server.sync.models import SHARED, Record
from server.sync.registry import PRESENTERS, MutationContext, Rejected, mutator

SHARABLE = ["checkin", "memory", "repair", "repair_entry"]

ShareCheck = Callable[[MutationContext, Record], None]
# Per kind: run before a private record of that kind turns shared; may reject, may add.
BEFORE_SHARE: dict[str, ShareCheck] = {}


def before_share(kind: str) -> Callable[[ShareCheck], ShareCheck]:
    """Register what a kind checks or records when its author shares one of its records."""

    def register(fn: ShareCheck) -> ShareCheck:
        BEFORE_SHARE[kind] = fn
        return fn

    return register


class ShareSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(SHARABLE))
    id = fields.UUID(required=True)


@mutator("record.share", ShareSchema)
def share(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Share my private record with my partner."""
    if args["kind"] not in PRESENTERS:
        raise Rejected("invalid", "Unknown kind.", {"kind": "Unknown kind."})
    record = ctx.writable(args["kind"], args["id"])
    if record.author_id != ctx.user.id:
        raise Rejected("not_author", "Only the author can share this.")
    if record.visibility != SHARED:
        check = BEFORE_SHARE.get(args["kind"])
        if check is not None:
            check(ctx, record)
        record.visibility = SHARED
        ctx.touch(record)
