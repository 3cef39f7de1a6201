"""Sharing a private record with the partner."""

from server.sharing import service  # noqa: F401  (registers the mutator)
