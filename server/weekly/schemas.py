"""Arguments of the weekly state of us mutations."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.schemas import BaseSchema, Text

MAX_APPRECIATIONS = 5
VISIBILITY = validate.OneOf(["shared", "private"])


def _week(**kw) -> fields.Date:
    return fields.Date(
        required=True, metadata={"description": "The Monday the week begins on (YYYY-MM-DD)"}, **kw
    )


class WriteSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "My note's id of that week"})
    week = _week()
    appreciations = fields.List(
        Text(min_length=1, max_length=500, multiline=True),
        load_default=list,
        validate=validate.Length(max=MAX_APPRECIATIONS),
        metadata={"description": f"At most {MAX_APPRECIATIONS} things I appreciated"},
    )
    went_well = Text(load_default="", max_length=2000, multiline=True)
    loved = Text(
        load_default="",
        max_length=500,
        multiline=True,
        metadata={"description": "What my partner could do to make me feel loved this week"},
    )
    visibility = fields.String(
        validate=VISIBILITY,
        metadata={"description": "A new note is private (a draft) unless sent shared"},
    )

    @ma.validates_schema
    def _something(self, data, **_kwargs):
        if not (data["appreciations"] or data["went_well"] or data["loved"]):
            raise ma.ValidationError("Write at least one thing.", "_body")


class RaiseSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "The week's topic id"})
    week = _week()
    text = Text(required=True, min_length=1, max_length=2000, multiline=True)


class SummariseSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "The week's reply id"})
    week = _week()
    summary = Text(required=True, min_length=1, max_length=2000, multiline=True)


class ConfirmSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "The week's topic id"})
    week = _week()
    heard = fields.String(required=True, validate=validate.OneOf(["yes", "not_quite"]))


class AnswerSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "The week's reply id"})
    week = _week()
    answer = Text(required=True, min_length=1, max_length=2000, multiline=True)
