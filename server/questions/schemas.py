"""Arguments of the daily question's mutation."""

from __future__ import annotations

from marshmallow import fields

from server.schemas import BaseSchema, Text


class AnswerSchema(BaseSchema):
    id = fields.UUID(required=True)
    day = fields.Date(required=True)
    answer = Text(required=True, min_length=1, max_length=2000, multiline=True)
