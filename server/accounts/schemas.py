"""Request and response schemas of accounts."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.schemas import BaseSchema, Text, TimeZone

PASSWORD_MIN = 10
PASSWORD_MAX = 1024

password_field = fields.String(
    required=True,
    validate=validate.Length(
        min=PASSWORD_MIN,
        max=PASSWORD_MAX,
        error=f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters.",
    ),
    load_only=True,
)


class RegisterSchema(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = password_field
    display_name = Text(required=True, min_length=1, max_length=80)
    time_zone = TimeZone(required=True)


class LoginSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=PASSWORD_MAX))


class ChangePasswordSchema(BaseSchema):
    current_password = fields.String(
        required=True, validate=validate.Length(min=1, max=PASSWORD_MAX)
    )
    new_password = password_field


class DeleteAccountSchema(BaseSchema):
    password = fields.String(
        required=True,
        validate=validate.Length(min=1, max=PASSWORD_MAX),
        load_only=True,
        metadata={"description": "The account's password, asked again"},
    )


class ProfileSchema(BaseSchema):
    display_name = Text(min_length=1, max_length=80)
    time_zone = TimeZone()

    openapi_extra = {"minProperties": 1}

    @ma.validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ma.ValidationError("Send display_name, time_zone or both.", "_body")


class UserSchema(BaseSchema):
    id = fields.UUID(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    time_zone = fields.String(required=True)


class UnpairingSchema(BaseSchema):
    by = fields.UUID(required=True, metadata={"description": "Who ended the couple"})
    at = fields.DateTime(required=True)


class SpaceSchema(BaseSchema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True, metadata={"enum": ["solo", "couple"]})
    unpaired = fields.Nested(
        UnpairingSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "A solo space made by unpairing: who ended the couple and when;"
            " null otherwise"
        },
    )


class PartnerSchema(BaseSchema):
    id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    time_zone = fields.String(required=True)


class TimeZoneChoiceSchema(BaseSchema):
    name = fields.String(required=True, metadata={"example": "Europe/Lisbon"})
    country_code = fields.String(
        required=True, allow_none=True, metadata={"description": "ISO 3166 code; null for UTC"}
    )
    country = fields.String(required=True, allow_none=True, metadata={"example": "Portugal"})
    comment = fields.String(
        required=True, metadata={"description": "Which part of the country, where it has several"}
    )


class TimeZoneListSchema(BaseSchema):
    zones = fields.List(fields.Nested(TimeZoneChoiceSchema), required=True)


class UserEnvelopeSchema(BaseSchema):
    user = fields.Nested(UserSchema, required=True)


class FailedAttemptsSchema(BaseSchema):
    count = fields.Integer(required=True)
    last_at = fields.DateTime(required=True)


class SignInSchema(UserEnvelopeSchema):
    failed_attempts = fields.Nested(FailedAttemptsSchema, allow_none=True, required=True)


class MeSchema(BaseSchema):
    user = fields.Nested(UserSchema, required=True)
    space = fields.Nested(SpaceSchema, required=True)
    partner = fields.Nested(PartnerSchema, allow_none=True, required=True)


class DeviceSchema(BaseSchema):
    id = fields.String(required=True)
    user_agent = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_seen_at = fields.DateTime(required=True)
    current = fields.Boolean(required=True)


class DeviceListSchema(BaseSchema):
    devices = fields.List(fields.Nested(DeviceSchema), required=True)


class SessionSchema(BaseSchema):
    user_id = fields.UUID(required=True)
