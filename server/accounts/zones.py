"""The time zones people choose from: one per place in tz's zone.tab, without the old aliases."""

from __future__ import annotations

from functools import cache
from importlib import resources

from server.schemas import known_time_zones


def _rows(name: str) -> list[list[str]]:
    """Read one of tz's tab-separated tables, without its comments."""
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def time_zone_choices() -> tuple[dict, ...]:
    """Return zone.tab's zones that this system knows, each with its country, then UTC.

    zone.tab names every zone by its current name (Africa/Asmara, America/Nuuk), one or
    more per country, so that people find their own city or country: the aliases kept
    for old systems (Africa/Asmera, America/Godthab, US/Eastern) are not offered.
    """
    countries = {row[0]: row[1] for row in _rows("iso3166.tab")}
    known = known_time_zones()
    zones = [
        {
            "name": row[2],
            "country_code": row[0],
            "country": countries.get(row[0], row[0]),
            "comment": row[3] if len(row) > 3 else "",
        }
        for row in _rows("zone.tab")
        if row[2] in known
    ]
    zones.sort(key=lambda zone: zone["name"])
    zones.append({"name": "UTC", "country_code": None, "country": None, "comment": ""})
    return tuple(zones)
