"""Promises: small commitments, kept or missed, and each partner's track record."""

from server.promises import service  # noqa: F401  (registers the mutators)
