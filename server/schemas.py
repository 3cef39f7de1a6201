"""Schema building blocks shared by every domain."""

from __future__ import annotations

import unicodedata
import zoneinfo
from functools import lru_cache

import marshmallow as ma
from marshmallow import fields, validate


class BaseSchema(ma.Schema):
    """Reject unknown fields; keep output in declaration order."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class Text(fields.String):
    """A string trimmed of surrounding white space, without control characters."""

    def __init__(self, *, min_length: int = 0, max_length: int, multiline: bool = False, **kw):
        validators = list(kw.pop("validate", []))
        validators.append(validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kw)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        allowed = {"\n", "\t"} if self.multiline else set()
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
            raise ma.ValidationError("Must not contain control characters.")
        return text


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """Return the IANA time zone names this system knows."""
    return frozenset(zoneinfo.available_timezones())


class TimeZone(fields.String):
    """An IANA time zone name such as Europe/Paris."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs).strip()
        if name not in known_time_zones():
            raise ma.ValidationError("Not a known IANA time zone (for example Europe/Paris).")
        return name


class ErrorDetailSchema(BaseSchema):
    code = fields.String(required=True, metadata={"description": "Machine-readable code"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for people"})
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "One message per invalid field (dotted paths)"},
    )


class ErrorSchema(BaseSchema):
    """The one error format of the API."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class NoBodySchema(BaseSchema):
    """For endpoints that take no arguments: an empty object or no body at all."""
