"""The daily question: one a day for the couple, each answer hidden until both answered."""

from server.questions import service  # noqa: F401  (registers the kind and its mutator)
