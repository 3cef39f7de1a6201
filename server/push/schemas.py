"""Request and response schemas of /api/push."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import time

import marshmallow as ma
from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import fields, validate

from server.push.models import GENERIC, NONE
from server.schemas import BaseSchema, Flag

# What a user can mute; pairing news (an unpairing) always comes.
KINDS = ("checkin", "memory", "agreement", "promise", "repair", "question", "ritual")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raise ValueError when it is not."""
    if not text or any(ch in text for ch in "+/ \n"):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


class P256dh(fields.String):
    """The browser's P-256 public key, base64url of the uncompressed point."""

    def __init__(self, **kw):
        # An uncompressed point starts with 0x04 ("B"); whether it lies on the curve is checked.
        super().__init__(metadata={"pattern": "^B[A-Za-z0-9_-]{86}=?$"}, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            raw = b64url_decode(text)
            if len(raw) != 65:
                raise ValueError("wrong length")
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise ma.ValidationError("Not a P-256 public key (base64url, 65 bytes).") from None
        return text


class AuthSecret(fields.String):
    """The subscription's 16-byte authentication secret, base64url."""

    def __init__(self, **kw):
        super().__init__(metadata={"pattern": "^[A-Za-z0-9_-]{22}(==)?$"}, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if len(b64url_decode(text)) != 16:
                raise ValueError("wrong length")
        except ValueError:
            raise ma.ValidationError(
                "Not an authentication secret (base64url, 16 bytes)."
            ) from None
        return text


class LocalTime(fields.String):
    """A local time of day as HH:MM."""

    PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$"

    def __init__(self, **kw):
        super().__init__(metadata={"pattern": self.PATTERN, **kw.pop("metadata", {})}, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.match(self.PATTERN, text):
            raise ma.ValidationError("A time of day as HH:MM, e.g. 22:30.")
        return time(int(text[:2]), int(text[3:]))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")


class KeyAnswerSchema(BaseSchema):
    public_key = fields.String(
        required=True, metadata={"description": "applicationServerKey for pushManager.subscribe"}
    )


class SubscriptionKeysSchema(BaseSchema):
    p256dh = P256dh(required=True)
    auth = AuthSecret(required=True)


class SubscribeSchema(BaseSchema):
    endpoint = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1024),
        metadata={
            "format": "uri",
            "pattern": "^https?://",
            "description": "The push service's URL: https, on a public address (in production"
            " one of PUSH_ALLOWED_HOSTS); http only to loopback in development.",
        },
    )
    keys = fields.Nested(SubscriptionKeysSchema, required=True)


class UnsubscribeSchema(BaseSchema):
    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class SubscriptionAnswerSchema(BaseSchema):
    endpoint = fields.String(required=True)


class QuietHoursSchema(BaseSchema):
    start = LocalTime(required=True, metadata={"description": "HH:MM, the recipient's time"})
    end = LocalTime(required=True, metadata={"description": "HH:MM; before start: overnight"})

    @ma.validates_schema
    def _not_empty(self, data, **kwargs):
        if data["start"] == data["end"]:
            raise ma.ValidationError("Start and end must differ.", "end")


class KindsSchema(BaseSchema):
    checkin = Flag()
    memory = Flag()
    agreement = Flag()
    promise = Flag()
    repair = Flag()
    question = Flag()
    ritual = Flag()


class SettingsSchema(BaseSchema):
    preview = fields.String(
        validate=validate.OneOf([GENERIC, NONE]),
        metadata={"description": "generic: who and what kind; none: 'Something new in Hearth'"},
    )
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    kinds = fields.Nested(KindsSchema, metadata={"description": "Notifications on/off per kind"})
    quiet_reminders = fields.String(
        validate=validate.OneOf(["hold", "drop"]),
        metadata={"description": "A reminder due in quiet hours: held until they end, or dropped"},
    )

    openapi_extra = {"minProperties": 1}

    @ma.validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ma.ValidationError(
                "Send preview, quiet_hours, kinds or quiet_reminders.", "_body"
            )


class SettingsAnswerSchema(BaseSchema):
    preview = fields.String(required=True)
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True, required=True)
    kinds = fields.Nested(KindsSchema, required=True)
    quiet_reminders = fields.String(required=True)
