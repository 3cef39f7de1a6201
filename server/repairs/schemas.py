"""Arguments of the repair mutations, and what each step's writing holds."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.schemas import BaseSchema, Text

VISIBILITY = validate.OneOf(["shared", "private"])
MAX_PART = 4000
MAX_RHYTHM_DAYS = 60

# The parts each step is written in, in the order the app asks for them.
PARTS: dict[str, tuple[str, ...]] = {
    "acknowledge": ("saw", "felt", "need", "ask"),
    "reflect": ("heard",),
    "confirm": ("heard", "missed"),
    "apology": ("did", "responsibility", "impact", "learned", "change"),
    "answer": ("text", "ready"),
    "rhythm_note": ("text",),
}
# Parts that are a choice, not words: their allowed values.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("confirm", "heard"): ("yes", "not_quite"),
    ("answer", "ready"): ("forgive", "not_yet", "unsure"),
}
# Parts a step cannot do without.
REQUIRED: dict[str, tuple[str, ...]] = {
    "reflect": ("heard",),
    "confirm": ("heard",),
    "apology": ("did", "responsibility"),
    "answer": ("ready",),
    "rhythm_note": ("text",),
}
ALL_PARTS = sorted({name for names in PARTS.values() for name in names})


def _part() -> Text:
    return Text(max_length=MAX_PART, multiline=True)


class PartsSchema(BaseSchema):
    """Every part any step may hold; which ones a step takes is checked with the step."""

    saw = _part()
    felt = _part()
    need = _part()
    ask = _part()
    heard = _part()
    missed = _part()
    did = _part()
    responsibility = _part()
    impact = _part()
    learned = _part()
    change = _part()
    text = _part()
    ready = _part()


def step_errors(step: str, parts: dict[str, str]) -> dict[str, str]:
    """Return what is wrong with these parts for this step, by field path (none: fine)."""
    errors: dict[str, str] = {}
    allowed = PARTS[step]
    for name in parts:
        if name not in allowed:
            errors[f"parts.{name}"] = f"Not a part of {step}: it takes {', '.join(allowed)}."
    for name in REQUIRED.get(step, ()):
        if name not in parts:
            errors[f"parts.{name}"] = "Missing data for required field."
        elif not parts[name]:
            errors[f"parts.{name}"] = "Must not be empty."
    for (of_step, name), values in CHOICES.items():
        if of_step == step and parts.get(name) and parts[name] not in values:
            errors[f"parts.{name}"] = f"Must be one of: {', '.join(values)}."
    if step == "acknowledge" and not any(parts.get(name) for name in allowed):
        errors["parts"] = "Write at least one of saw, felt, need, ask."
    if step == "confirm" and parts.get("heard") == "not_quite" and not parts.get("missed"):
        errors["parts.missed"] = "Say what was missed."
    return errors


class OpenSchema(BaseSchema):
    id = fields.UUID(required=True)
    hurt = fields.String(
        required=True,
        validate=validate.OneOf(["me", "partner"]),
        metadata={"description": "Who was hurt: me, or my partner (who then broke trust)"},
    )
    title = Text(load_default="", max_length=120)
    visibility = fields.String(load_default="private", validate=VISIBILITY)


class WriteSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "The entry's id"})
    repair_id = fields.UUID(required=True)
    step = fields.String(required=True, validate=validate.OneOf(list(PARTS)))
    parts = fields.Nested(PartsSchema, required=True)
    visibility = fields.String(
        validate=VISIBILITY,
        metadata={"description": "A new entry is private (a draft) unless sent shared"},
    )

    @ma.validates_schema
    def _parts_fit_the_step(self, data, **_kwargs):
        errors = step_errors(data["step"], data["parts"])
        if errors:
            raise ma.ValidationError(errors)


class RhythmSchema(BaseSchema):
    id = fields.UUID(required=True)
    daily_days = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_RHYTHM_DAYS)
    )
    then = fields.String(required=True, validate=validate.OneOf(["weekly", "none"]))


class AgreeRhythmSchema(BaseSchema):
    """The proposal agreed to; daily_days and then, when sent, must be the current proposal's."""

    id = fields.UUID(required=True)
    daily_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_RHYTHM_DAYS))
    then = fields.String(validate=validate.OneOf(["weekly", "none"]))


class MoveForwardSchema(BaseSchema):
    id = fields.UUID(required=True)
    note = Text(max_length=2000, multiline=True)
    keep_as = fields.String(required=True, validate=validate.OneOf(["repair", "memory"]))


class IdSchema(BaseSchema):
    id = fields.UUID(required=True)
