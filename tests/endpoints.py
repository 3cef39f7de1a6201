"""Enumerate the API's endpoints from the app itself, so new ones are covered by default."""

from __future__ import annotations

import re

SAFE = {"GET", "HEAD", "OPTIONS"}


def _fill(rule: str) -> str:
    # Any value will do for a path parameter: the request must fail before it matters.
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "0" * 64, rule)


def api_endpoints(app) -> list[tuple[str, str, str]]:
    """Return (method, concrete path, rule) for every API route."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule.endswith("openapi.json"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, _fill(rule.rule), rule.rule))
    return sorted(found)


def state_changing_endpoints(app) -> list[tuple[str, str]]:
    """Return (method, concrete path) for every API route that changes state."""
    return [(m, p) for m, p, _ in api_endpoints(app) if m not in SAFE]
