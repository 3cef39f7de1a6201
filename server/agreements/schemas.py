"""Arguments of the agreement mutations."""

from __future__ import annotations

from marshmallow import fields, validate

from server.schemas import BaseSchema, Text

CATEGORIES = ("emotional", "physical", "financial", "digital", "time", "other")
MAX_REVISION = 2**31
MAX_REASON = 500


def _revision(**kw) -> fields.Integer:
    return fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_REVISION), **kw
    )


def _title(**kw) -> Text:
    return Text(min_length=1, max_length=200, **kw)


def _text() -> Text:
    return Text(required=True, min_length=1, max_length=10000, multiline=True)


class ProposeSchema(BaseSchema):
    id = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    title = _title(required=True)
    text = _text()
    review_on = fields.Date(load_default=None, allow_none=True)


class AmendSchema(BaseSchema):
    id = fields.UUID(required=True)
    base_revision = _revision()
    text = _text()
    title = _title()
    review_on = fields.Date(allow_none=True)


class AcceptSchema(BaseSchema):
    id = fields.UUID(required=True)
    revision = _revision()


class IdSchema(BaseSchema):
    id = fields.UUID(required=True)


class RetireSchema(BaseSchema):
    id = fields.UUID(required=True)
    # Why, in a few words for the partner; empty is the same as none.
    reason = Text(max_length=MAX_REASON, multiline=True)
