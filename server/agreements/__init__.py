"""Agreements: boundaries both partners accept, revised without ever overwriting each other."""

from server.agreements import service  # noqa: F401  (registers the mutators)
