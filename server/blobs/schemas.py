"""Answers of the photo endpoints."""

from __future__ import annotations

from marshmallow import fields

from server.schemas import BaseSchema


class BlobAnswerSchema(BaseSchema):
    hash = fields.String(required=True)
    content_type = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    thumb_width = fields.Integer(required=True)
    thumb_height = fields.Integer(required=True)
    size = fields.Integer(required=True, metadata={"description": "Bytes stored, both renditions."})
