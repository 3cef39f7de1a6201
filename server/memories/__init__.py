"""Memories: shared moments both partners write, field by field, with photos."""

from server.memories import service  # noqa: F401  (registers the mutators)
