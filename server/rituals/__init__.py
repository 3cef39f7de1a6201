"""Rituals and reminders, date nights, the next visit and anniversaries."""

from server.rituals import models, service  # noqa: F401  (registers the kinds and mutators)
