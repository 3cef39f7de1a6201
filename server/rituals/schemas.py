"""Arguments of the ritual, date night, next visit and anniversary mutations."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.push.schemas import LocalTime
from server.schemas import BaseSchema, Flag, Text, TimeZone

# The rituals the app knows by name; "own" is one the couple names themselves.
TYPES = ("checkin", "question", "call", "meal", "date_night", "state_of_us", "own")
# local: at each partner's own hour; shared: one moment, shown in both time zones.
TIMINGS = ("local", "shared")


def _each_day_once(days: list[int]) -> None:
    if len(set(days)) != len(days):
        raise ma.ValidationError("Name each day at most once.")


def _days(**kw) -> fields.List:
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=0, max=6)),
        validate=[validate.Length(min=1, max=7), _each_day_once],
        metadata={"description": "Days of the week, 0 = Monday … 6 = Sunday"},
        **kw,
    )


class IdSchema(BaseSchema):
    id = fields.UUID(required=True)


class ChangeSchema(IdSchema):
    """A change of a record: its id and at least one field to change."""

    @ma.validates_schema
    def _something(self, data, **_kwargs):
        if len(data) < 2:
            raise ma.ValidationError("Send at least one field to change.", "_schema")


class RitualFieldsSchema(BaseSchema):
    type = fields.String(validate=validate.OneOf(TYPES))
    name = Text(max_length=80)
    days = _days()
    time = LocalTime(metadata={"description": "HH:MM"})
    timing = fields.String(validate=validate.OneOf(TIMINGS))
    zone = TimeZone(
        metadata={"description": "The time zone of a shared moment (default: the author's)"}
    )


class DefineSchema(RitualFieldsSchema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    days = _days(required=True)
    time = LocalTime(required=True, metadata={"description": "HH:MM"})
    timing = fields.String(load_default="local", validate=validate.OneOf(TIMINGS))

    @ma.validates_schema
    def _own_has_a_name(self, data, **_kwargs):
        if data.get("type") == "own" and not data.get("name"):
            raise ma.ValidationError("Give your ritual a name.", "name")


class UpdateSchema(RitualFieldsSchema, ChangeSchema):
    """A change of a ritual."""


class DoneSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "The mark's id (a new random id)"})
    ritual_id = fields.UUID(required=True)
    day = fields.Date(required=True, metadata={"description": "The marker's own local day"})


class DateNightFieldsSchema(BaseSchema):
    at = fields.AwareDateTime(
        metadata={"description": "When: an instant with its offset (ISO 8601)"}
    )
    what = Text(min_length=1, max_length=200)
    place = Text(max_length=200)


class PlanSchema(DateNightFieldsSchema):
    id = fields.UUID(required=True)
    at = fields.AwareDateTime(required=True)
    what = Text(required=True, min_length=1, max_length=200)
    place = Text(load_default="", max_length=200)


class ChangePlanSchema(DateNightFieldsSchema, ChangeSchema):
    """A change of a planned date night."""


class RememberSchema(BaseSchema):
    id = fields.UUID(required=True)
    memory_id = fields.UUID(
        required=True, metadata={"description": "The memory saved from it (memory.save first)"}
    )


class VisitSchema(BaseSchema):
    id = fields.UUID(required=True)
    on = fields.Date(required=True, metadata={"description": "The day we see each other"})
    place = Text(load_default="", max_length=120)


class AnniversaryFieldsSchema(BaseSchema):
    title = Text(min_length=1, max_length=80)
    on = fields.Date(metadata={"description": "The first day; it comes back every year"})
    remind = Flag(metadata={"description": "A reminder the day before"})


class AddAnniversarySchema(AnniversaryFieldsSchema):
    id = fields.UUID(required=True)
    title = Text(required=True, min_length=1, max_length=80)
    on = fields.Date(required=True)
    remind = Flag(load_default=True)


class ChangeAnniversarySchema(AnniversaryFieldsSchema, ChangeSchema):
    """A change of an anniversary."""
