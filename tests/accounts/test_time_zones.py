"""The time zones offered at sign-up and in the profile: current names by place, no aliases."""

from __future__ import annotations


def test_the_list_names_each_place_once_by_its_current_name(client):
    response = client.get("/api/time-zones")  # signed out: sign-up needs it
    assert response.status_code == 200
    zones = response.json["zones"]
    names = [zone["name"] for zone in zones]
    assert len(names) == len(set(names))
    assert 350 <= len(names) <= 500
    for current in ("Africa/Asmara", "America/Nuuk", "Asia/Kolkata", "Europe/Kyiv", "UTC"):
        assert current in names
    for alias in ("Africa/Asmera", "America/Godthab", "Asia/Calcutta", "Europe/Kiev"):
        assert alias not in names
    assert not [name for name in names if name.startswith(("US/", "Etc/", "SystemV/"))]
    lisbon = next(zone for zone in zones if zone["name"] == "Europe/Lisbon")
    assert lisbon["country"] == "Portugal" and lisbon["country_code"] == "PT"
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_every_zone_offered_is_accepted_at_sign_up(client):
    names = [zone["name"] for zone in client.get("/api/time-zones").json["zones"]]
    spec = client.get("/api/openapi.json").json
    accepted = set(spec["components"]["schemas"]["Register"]["properties"]["time_zone"]["enum"])
    assert set(names) <= accepted
