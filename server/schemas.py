"""Schema building blocks shared by every domain."""

from __future__ import annotations

import unicodedata
import zoneinfo
from functools import lru_cache
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

UNSTORABLE = "Must be text without NUL characters or unpaired surrogates."


def is_unstorable(text: str) -> bool:
    """Tell whether a string cannot be stored: a NUL (PostgreSQL) or a lone surrogate (UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unstorable_messages(value: Any) -> Any:
    """Return marshmallow-style messages for every unstorable string in a JSON value, or None."""
    if isinstance(value, str):
        return [UNSTORABLE] if is_unstorable(value) else None
    if isinstance(value, list):
        found = {i: m for i, item in enumerate(value) if (m := unstorable_messages(item))}
        return found or None
    if isinstance(value, dict):
        found: dict = {}
        for key, item in value.items():
            if isinstance(key, str) and is_unstorable(key):
                found["_schema"] = [UNSTORABLE]
            elif m := unstorable_messages(item):
                found[key] = m
        return found or None
    return None


class BaseSchema(ma.Schema):
    """Reject unknown fields and unstorable text; keep output in declaration order."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    # Fields whose contents another schema loads and checks (a mutation's args).
    checked_elsewhere: tuple[str, ...] = ()

    @ma.pre_load
    def _refuse_unstorable_text(self, data, **_kwargs):
        # Before any field is read: such text would fail in the database driver, not here.
        if not isinstance(data, dict):
            return data
        by_key = {f.data_key or name: f for name, f in self.load_fields.items()}
        found: dict = {}
        for key, value in data.items():
            if isinstance(key, str) and is_unstorable(key):
                found["_schema"] = [UNSTORABLE]
                continue
            field = by_key.get(key)
            if key in self.checked_elsewhere or _checks_itself(field):
                continue
            if m := unstorable_messages(value):
                found[key] = m
        if found:
            raise ma.ValidationError(found)
        return data


def _checks_itself(field: fields.Field | None) -> bool:
    """Tell whether a field's value is loaded by a schema of its own, which checks it."""
    if isinstance(field, fields.List):
        field = field.inner
    return isinstance(field, fields.Nested)


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
        if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text):
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
