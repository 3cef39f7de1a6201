"""record.share: the author makes a private record shared."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from server.schemas import BaseSchema
from server.sync.models import SHARED
from server.sync.registry import PRESENTERS, MutationContext, Rejected, mutator


class ShareSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["checkin", "memory"]))
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
        record.visibility = SHARED
        ctx.touch(record)
