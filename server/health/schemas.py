"""Response schemas of /healthz and /readyz."""

from __future__ import annotations

from marshmallow import fields, validate

from server.schemas import BaseSchema

OUTCOMES = validate.OneOf(["ok", "failing"])


class LiveSchema(BaseSchema):
    """The process is up."""

    status = fields.String(required=True, validate=validate.OneOf(["ok"]))


class ChecksSchema(BaseSchema):
    """What each dependency answered: `ok` or `failing`, nothing more."""

    database = fields.String(required=True, validate=OUTCOMES)
    redis = fields.String(
        validate=OUTCOMES,
        metadata={"description": "Present when the app is configured with Redis."},
    )
    photos = fields.String(required=True, validate=OUTCOMES)


class ReadySchema(BaseSchema):
    """Whether the app can serve: `ready` when every check is ok, else `unavailable`."""

    status = fields.String(required=True, validate=validate.OneOf(["ready", "unavailable"]))
    checks = fields.Nested(ChecksSchema, required=True)
