"""Schema building blocks shared by every domain."""

from __future__ import annotations

import unicodedata
import zoneinfo
from functools import lru_cache
from typing import Any

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import fields

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
    # Added to the schema's OpenAPI description, e.g. {"minProperties": 1} for a PATCH body.
    openapi_extra: dict[str, Any] = {}

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


# Control characters (Unicode Cc), as JSON Schema pattern ranges; multiline text keeps \t \n \r.
_CONTROL = "\\x00-\\x1f\\x7f-\\x9f"
_CONTROL_BUT_LINES = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
LINE_ENDS = {"\n", "\t", "\r"}


def text_pattern(*, multiline: bool, required: bool) -> str:
    """The pattern of Text: no control characters and, when required, more than white space."""
    no = _CONTROL_BUT_LINES if multiline else _CONTROL
    if not required:
        return f"^[^{no}]*$"
    return f"^[^{no}]*[^\\s{no}][^{no}]*$"


class Text(fields.String):
    """A string without control characters, trimmed of surrounding white space."""

    def __init__(self, *, min_length: int = 0, max_length: int, multiline: bool = False, **kw):
        metadata = {
            "maxLength": max_length,
            "pattern": text_pattern(multiline=multiline, required=min_length > 0),
            **kw.pop("metadata", {}),
        }
        if min_length:
            metadata["minLength"] = min_length
        super().__init__(metadata=metadata, **kw)
        self.min_length = min_length
        self.max_length = max_length
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        # The length counts the text as sent, so that the API's description holds exactly.
        if len(text) > self.max_length:
            raise ma.ValidationError(f"Longer than maximum length {self.max_length}.")
        allowed = LINE_ENDS if self.multiline else set()
        if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text):
            raise ma.ValidationError("Must not contain control characters.")
        text = text.strip()
        if len(text) < self.min_length:
            if self.min_length == 1:
                raise ma.ValidationError("Must not be empty.")
            raise ma.ValidationError(f"Must be at least {self.min_length} characters.")
        return text


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """Return the IANA time zone names this system knows."""
    return frozenset(zoneinfo.available_timezones())


class TimeZone(fields.String):
    """An IANA time zone name such as Europe/Paris."""

    def __init__(self, **kw):
        metadata = {"enum": sorted(known_time_zones()), **kw.pop("metadata", {})}
        super().__init__(metadata=metadata, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in known_time_zones():
            raise ma.ValidationError("Not a known IANA time zone (for example Europe/Paris).")
        return name


class Flag(fields.Boolean):
    """A JSON true or false, nothing that merely looks like one (0, "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


NO_NUL = "^[^\\x00]*$"


def describe_rules(self, field: fields.Field, ret: dict, **_kwargs) -> dict:
    """Add what apispec leaves out: no NUL in strings, a nullable object that is null or itself."""
    if isinstance(field, fields.String) and not ({"pattern", "enum", "format"} & set(ret)):
        return {"pattern": NO_NUL}
    if isinstance(field, fields.Nested) and "anyOf" in ret:
        # apispec writes a nullable object as "any object or null": say "null" alone.
        return {
            "anyOf": [
                {"type": "object", "nullable": True, "enum": [None]} if "$ref" not in x else x
                for x in ret["anyOf"]
            ]
        }
    return {}


class DescribedConverter(OpenAPIConverter):
    """apispec's converter, adding what a schema says of itself as a whole (openapi_extra)."""

    def schema2jsonschema(self, schema):
        """Convert the schema, then add its openapi_extra (e.g. minProperties)."""
        json_schema = super().schema2jsonschema(schema)
        json_schema.update(getattr(schema, "openapi_extra", {}))
        return json_schema


class HearthMarshmallowPlugin(MarshmallowPlugin):
    """The marshmallow plugin of the API's description, with Hearth's additions."""

    Converter = DescribedConverter

    def init_spec(self, spec):
        """Set up the converter, then teach it the rules every string follows."""
        super().init_spec(spec)
        self.converter.add_attribute_function(describe_rules)


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
