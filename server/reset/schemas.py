"""Request and response schemas of password resets."""

from __future__ import annotations

from marshmallow import fields, validate

from server.accounts.schemas import password_field
from server.schemas import BaseSchema


class ResetRequestSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class ResetRequestedSchema(BaseSchema):
    message = fields.String(required=True)


class ResetConfirmSchema(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = password_field
