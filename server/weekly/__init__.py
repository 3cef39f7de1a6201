"""The weekly state of us: the couple's guided conversation of a week, and its notes."""

from server.weekly import service  # noqa: F401  (registers the kinds and mutators)
