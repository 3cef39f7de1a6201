"""Every pull answer carries the space and the partner (DESIGN §10): pairing news comes by sync."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.sync.client import SyncTestClient


def pages(device: SyncTestClient, limit: int = 500) -> list[dict]:
    """Pull every page; return the answers."""
    found = []
    while True:
        response = device.pull_request(limit)
        assert response.status_code == 200, response.json
        device.apply_pull(response.json)
        found.append(response.json)
        if not response.json["has_more"]:
            return found


def memory(device: SyncTestClient, title: str) -> None:
    device.mutate(
        "memory.save",
        id=uuid.uuid4(),
        fields={"title": title, "visibility": "shared"},
        base={},
    )


def test_every_page_of_a_pull_names_the_space_and_the_partner_as_me_does(make_couple, device):
    alex, sam = make_couple()
    writer = device(alex)
    for n in range(3):
        memory(writer, f"Memory {n}")
    writer.push()
    answers = pages(device(sam), limit=1)
    assert len(answers) >= 3
    me = sam.me()
    for answer in answers:
        assert answer["space"] == {"id": me["space"]["id"], "kind": "couple", "unpaired": None}
        assert answer["partner"] == {
            "id": alex.id,
            "display_name": "Alex",
            "time_zone": alex.time_zone,
        }
        assert answer["space"] == me["space"] and answer["partner"] == me["partner"]


def test_a_solo_pull_has_no_partner(make_user, device):
    kim = make_user("Kim")
    (answer,) = pages(device(kim))
    assert answer["partner"] is None
    assert answer["space"] == {"id": kim.me()["space"]["id"], "kind": "solo", "unpaired": None}


def test_after_the_partner_unpairs_the_next_pull_says_who_ended_it_and_when(make_couple, device):
    alex, sam = make_couple()
    sams_phone = device(sam)
    pages(sams_phone)
    before = datetime.now(UTC)
    assert alex.client.post("/api/pairing/unpair").status_code == 200

    (answer,) = pages(sams_phone)
    assert answer["reset"] is True
    assert answer["partner"] is None
    space = answer["space"]
    assert space["kind"] == "solo" and space["id"] == sam.me()["space"]["id"]
    assert space["unpaired"]["by"] == alex.id
    at = datetime.fromisoformat(space["unpaired"]["at"])
    assert before - timedelta(seconds=5) <= at <= datetime.now(UTC) + timedelta(seconds=5)
    # Both answers agree, and whoever unpaired reads that they did.
    assert sam.me()["space"] == space
    assert pages(device(alex))[0]["space"]["unpaired"]["by"] == alex.id


def test_the_unpair_answer_says_who_ended_the_couple(make_couple):
    alex, _sam = make_couple()
    answer = alex.client.post("/api/pairing/unpair").json
    assert answer["space"]["kind"] == "solo"
    assert answer["space"]["unpaired"]["by"] == alex.id


def test_a_space_made_by_pairing_again_no_longer_speaks_of_the_ending(make_couple, device):
    alex, sam = make_couple()
    alex.client.post("/api/pairing/unpair")
    code = sam.client.post("/api/pairing/invites").json["code"]
    assert alex.client.post("/api/pairing/accept", json={"code": code}).status_code == 200
    (answer,) = pages(device(alex))
    assert answer["space"]["kind"] == "couple" and answer["space"]["unpaired"] is None
    assert answer["partner"]["id"] == sam.id


def test_the_partners_new_name_and_time_zone_come_with_a_pull_that_brings_nothing_else(
    make_couple, device
):
    alex, sam = make_couple()
    sams_phone = device(sam)
    pages(sams_phone)
    changed = alex.client.patch(
        "/api/me", json={"display_name": "Alex R.", "time_zone": "Asia/Tokyo"}
    )
    assert changed.status_code == 200

    (answer,) = pages(sams_phone)
    assert answer["patch"] == [] and answer["reset"] is False
    assert answer["partner"] == {
        "id": alex.id,
        "display_name": "Alex R.",
        "time_zone": "Asia/Tokyo",
    }


def test_the_pull_answer_is_described_with_the_space_and_the_partner(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    pull = schemas["PullResult"]
    assert {"space", "partner"} <= set(pull["required"])
    partner = pull["properties"]["partner"]
    assert any(shape.get("nullable") for shape in partner.get("anyOf", [partner]))
    space = schemas["Space"]
    assert {"id", "kind", "unpaired"} <= set(space["required"])
