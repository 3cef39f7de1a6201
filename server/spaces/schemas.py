"""Request and response schemas of pairing."""

from __future__ import annotations

from marshmallow import fields, validate

from server.accounts.schemas import PartnerSchema, SpaceSchema
from server.schemas import BaseSchema


class InviteSchema(BaseSchema):
    code = fields.String(required=True, metadata={"example": "K7QM-3XPA"})
    expires_at = fields.DateTime(required=True)
    url = fields.String(required=True, metadata={"description": "A /join#CODE link to share"})
    qr_code = fields.String(
        required=True, metadata={"description": "The link as a QR code: a data: URI of a PNG"}
    )


class InviterSchema(BaseSchema):
    display_name = fields.String(required=True)


class InvitePreviewSchema(BaseSchema):
    inviter = fields.Nested(
        InviterSchema, required=True, metadata={"description": "Who made the invite"}
    )
    expires_at = fields.DateTime(required=True)


class AcceptSchema(BaseSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))


class PairedSchema(BaseSchema):
    space = fields.Nested(SpaceSchema, required=True)
    partner = fields.Nested(PartnerSchema, required=True)


class SpaceEnvelopeSchema(BaseSchema):
    space = fields.Nested(SpaceSchema, required=True)
