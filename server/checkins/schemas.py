"""Arguments of the check-in mutations."""

from __future__ import annotations

from marshmallow import fields, validate

from server.schemas import BaseSchema, Text

VISIBILITY = validate.OneOf(["shared", "private"])


class SaveSchema(BaseSchema):
    id = fields.UUID(required=True)
    day = fields.Date(required=True)
    mood = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    trust = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10))
    feelings = fields.List(
        Text(min_length=1, max_length=40), load_default=list, validate=validate.Length(max=20)
    )
    need = Text(load_default="", max_length=2000, multiline=True)
    gratitude = Text(load_default="", max_length=2000, multiline=True)
    note = Text(load_default="", max_length=10000, multiline=True)
    visibility = fields.String(load_default="shared", validate=VISIBILITY)


class AckSchema(BaseSchema):
    id = fields.UUID(required=True)
    reaction = Text(required=True, min_length=1, max_length=16)
    reply = Text(load_default="", max_length=1000, multiline=True)


class IdSchema(BaseSchema):
    id = fields.UUID(required=True)
