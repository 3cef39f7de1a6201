"""Repairs: rebuilding trust after a breach, step by step, by both partners."""

from server.repairs import entries, service  # noqa: F401  (registers the kinds and mutators)
