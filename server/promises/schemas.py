"""Arguments of the promise mutations and the track record's response."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from server.schemas import BaseSchema, Text


def _text(**kw) -> Text:
    return Text(min_length=1, max_length=500, multiline=True, **kw)


class MakeSchema(BaseSchema):
    id = fields.UUID(required=True)
    text = _text(required=True)
    due_on = fields.Date(load_default=None, allow_none=True)
    repair_id = fields.UUID(
        metadata={"description": "A shared, open repair this promise is a step of"}
    )


class UpdateSchema(BaseSchema):
    id = fields.UUID(required=True)
    text = _text()
    due_on = fields.Date(allow_none=True)

    @ma.validates_schema
    def _something(self, data, **_kwargs):
        if "text" not in data and "due_on" not in data:
            raise ma.ValidationError("Send text, due_on or both.", "_body")


class IdSchema(BaseSchema):
    id = fields.UUID(required=True)


class PersonTrackRecordSchema(BaseSchema):
    user_id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    kept = fields.Integer(required=True)
    missed = fields.Integer(required=True)
    ratio = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "kept / (kept + missed), null when both are 0"},
    )


class TrackRecordSchema(BaseSchema):
    people = fields.List(
        fields.Nested(PersonTrackRecordSchema),
        required=True,
        metadata={"description": "Me first, then my partner when paired (last 90 days)"},
    )
