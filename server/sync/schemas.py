"""Request and response schemas of sync."""

from __future__ import annotations

from marshmallow import fields, validate

from server.accounts.schemas import PartnerSchema, SpaceSchema
from server.schemas import BaseSchema
from server.sync.cookie import SCHEMA_VERSION

MAX_MUTATIONS = 100
MAX_PAGE = 500

client_id_field = fields.String(
    required=True,
    validate=validate.Regexp(
        r"^[A-Za-z0-9_-]{8,64}$", error="A client id is 8 to 64 letters, digits, - or _."
    ),
)


class MutationSchema(BaseSchema):
    id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**62))
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    args = fields.Dict(required=True, keys=fields.String())

    checked_elsewhere = ("args",)  # by the mutator's own schema, rejecting only that mutation


class PushSchema(BaseSchema):
    client_id = client_id_field
    schema_version = fields.Integer(
        required=True,
        strict=True,
        metadata={
            "enum": [SCHEMA_VERSION],
            "description": "The sync schema the app speaks; another answers 409 schema_mismatch"
            " (reload the app).",
        },
    )
    mutations = fields.List(
        fields.Nested(MutationSchema),
        required=True,
        validate=validate.Length(max=MAX_MUTATIONS),
    )


class MutationResultSchema(BaseSchema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["applied", "rejected"]})
    error = fields.Dict(metadata={"description": "{code, message, fields?} when rejected"})


class PushResultSchema(BaseSchema):
    last_mutation_id = fields.Integer(required=True)
    results = fields.List(fields.Nested(MutationResultSchema), required=True)


class PullSchema(BaseSchema):
    client_id = client_id_field
    cookie = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=512))
    limit = fields.Integer(
        load_default=MAX_PAGE, strict=True, validate=validate.Range(min=1, max=MAX_PAGE)
    )


class PatchOpSchema(BaseSchema):
    op = fields.String(required=True, metadata={"enum": ["put", "del"]})
    kind = fields.String(required=True)
    id = fields.String(required=True)
    value = fields.Dict(metadata={"description": "The record, for put"})


class PullResultSchema(BaseSchema):
    cookie = fields.String(required=True)
    last_mutation_id = fields.Integer(required=True)
    reset = fields.Boolean(required=True)
    patch = fields.List(fields.Nested(PatchOpSchema), required=True)
    has_more = fields.Boolean(required=True)
    space = fields.Nested(
        SpaceSchema,
        required=True,
        metadata={"description": "The user's space now, as GET /api/me describes it"},
    )
    partner = fields.Nested(
        PartnerSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The partner now (name, time zone), as GET /api/me; null solo"},
    )
