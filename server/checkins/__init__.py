"""Daily check-ins: one per author per local day."""

from server.checkins import service  # noqa: F401  (registers the mutators)
