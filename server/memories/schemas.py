"""Arguments of the memory mutations."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.schemas import BaseSchema, Text

VISIBILITY = validate.OneOf(["shared", "private"])
EDITABLE = ("title", "story", "happened_on", "place", "tags", "visibility")
MAX_TAGS = 20
MAX_PHOTOS = 50
SHA256_HEX = validate.Regexp(r"^[0-9a-f]{64}\Z", error="Not a SHA-256 hash (64 lowercase hex).")


class MemoryFieldsSchema(BaseSchema):
    """The fields a save writes; a field left out stays as it is."""

    title = Text(min_length=1, max_length=200)
    story = Text(max_length=20000, multiline=True)
    happened_on = fields.Date(allow_none=True)
    place = Text(max_length=200)
    tags = fields.List(Text(min_length=1, max_length=40), validate=validate.Length(max=MAX_TAGS))
    visibility = fields.String(validate=VISIBILITY)


class SaveSchema(BaseSchema):
    id = fields.UUID(required=True)
    changes = fields.Nested(MemoryFieldsSchema, required=True, data_key="fields")
    base = fields.Dict(
        keys=fields.String(validate=validate.OneOf(EDITABLE)),
        values=fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0)),
        load_default=dict,
    )


class PhotoSchema(BaseSchema):
    hash = fields.String(required=True, validate=SHA256_HEX)
    caption = Text(max_length=500, multiline=True)


class AddPhotoSchema(BaseSchema):
    id = fields.UUID(required=True)
    photo = fields.Nested(PhotoSchema, required=True)


class RemovePhotoSchema(BaseSchema):
    id = fields.UUID(required=True)
    hash = fields.String(required=True, validate=SHA256_HEX)
    seen_version = fields.Integer(strict=True, validate=validate.Range(min=0))


def _each_once(hashes: list[str]) -> None:
    if len(set(hashes)) != len(hashes):
        raise ma.ValidationError("Name each photo at most once.")


class OrderPhotosSchema(BaseSchema):
    id = fields.UUID(required=True)
    # The photos to show first, in this order; the others follow as they were.
    hashes = fields.List(
        fields.String(validate=SHA256_HEX),
        required=True,
        validate=[validate.Length(max=MAX_PHOTOS), _each_once],
    )


class IdSchema(BaseSchema):
    id = fields.UUID(required=True)
