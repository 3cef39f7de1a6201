"""Convergence: randomized runs of two partners' devices over an unreliable network.

Devices edit offline; requests are dropped, their responses lost, sent twice or
replayed late; partners unpair and pair again. At quiescence every device must
equal the server's view for its user, no device may hold the partner's private
records (a repair's drafts included), every check-in save the server acknowledged
must have its effect, every repair entry the server applied must hold the words
last written, and every entry a device holds must come with its repair.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from server.checkins.service import checkin_id
from server.extensions import db
from server.repairs.schemas import PARTS
from tests.conftest import ApiClient
from tests.sync.client import SyncTestClient, server_view

DAYS = [date(2026, 11, d) for d in range(1, 5)]
# Valid words for each step of a repair; who may write it is left to the server to check.
STEP_PARTS = {
    "acknowledge": lambda words: {"felt": words},
    "reflect": lambda words: {"heard": words},
    "confirm": lambda words: {"heard": "not_quite", "missed": words},
    "apology": lambda words: {"did": words, "responsibility": "Mine."},
    "answer": lambda words: {"ready": "not_yet", "text": words},
    "rhythm_note": lambda words: {"text": words},
}
PASSWORD = "a long enough password"
_emails = itertools.count()


class Person:
    def __init__(self, app, name: str) -> None:
        self.api = ApiClient(app.test_client())
        email = f"conv{next(_emails)}-{uuid.uuid4().hex[:6]}@example.test"
        response = self.api.post(
            "/api/auth/register",
            json={"email": email, "password": PASSWORD, "display_name": name, "time_zone": "UTC"},
        )
        assert response.status_code == 201
        self.id = response.json["user"]["id"]
        self.email = email
        self.devices = [SyncTestClient(self.api)]
        second = ApiClient(app.test_client())
        login = second.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200
        self.devices.append(SyncTestClient(second))
        # What the server must hold of this person's check-ins: (day) -> (note, visibility).
        self.expected: dict[date, tuple[str, str]] = {}

    def space_id(self) -> uuid.UUID:
        return uuid.UUID(self.api.get("/api/me").json["space"]["id"])


class Network:
    """Sends a device's requests, and models what the server has applied of them."""

    def __init__(self) -> None:
        self.server_last: dict[str, int] = {}
        self.sent: dict[str, list[list[dict]]] = {}

    def deliver_push(self, device: SyncTestClient, batch: list[dict], on_apply) -> dict:
        """Send a push; mirror the server's in-order application of the batch."""
        response = device.push_request(batch)
        assert response.status_code == 200, response.json
        before = last = self.server_last.get(device.client_id, 0)
        # The server may stop before the end of a batch (its time budget per push), never
        # before the first new mutation: the client sends the rest next time.
        reached = response.json["last_mutation_id"]
        for mutation in batch:
            if mutation["id"] == last + 1 and mutation["id"] <= reached:
                on_apply(mutation)
                last = mutation["id"]
            elif mutation["id"] > last + 1:
                break
        assert reached == last
        if any(mutation["id"] == before + 1 for mutation in batch):
            assert reached > before
        self.server_last[device.client_id] = last
        self.sent.setdefault(device.client_id, []).append(batch)
        return response.json


class Convergence(RuleBasedStateMachine):
    def __init__(self, app) -> None:
        super().__init__()
        self.app = app
        self.net = Network()
        self.notes = itertools.count()

    @initialize()
    def setup(self):
        self.people = [Person(self.app, "Alex"), Person(self.app, "Sam")]
        self.paired = False
        self.pair()
        # Who saved each device's queued check-in saves, to mirror them when applied.
        self.pending: dict[tuple[str, int], tuple[Person, date, str, str, uuid.UUID]] = {}
        # Queued repair writes, and the words each entry must hold once they are applied.
        self.entry_writes: dict[tuple[str, int], tuple[str, str, dict]] = {}
        self.entries: dict[str, tuple[str, dict]] = {}

    # -- pairing -------------------------------------------------------------------

    def pair(self):
        alex, sam = self.people
        code = alex.api.post("/api/pairing/invites").json["code"]
        assert sam.api.post("/api/pairing/accept", json={"code": code}).status_code == 200
        for person in self.people:
            # Solo records come in private to their author.
            person.expected = {d: (n, "private") for d, (n, _) in person.expected.items()}
        self.paired = True

    @rule(who=st.integers(0, 1))
    def unpair_and_pair_again(self, who):
        if self.paired:
            response = self.people[who].api.post("/api/pairing/unpair")
            assert response.status_code == 200
            self.paired = False
        else:
            self.pair()

    # -- offline edits -------------------------------------------------------------

    def device(self, who: int, which: int) -> SyncTestClient:
        return self.people[who].devices[which]

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        day=st.sampled_from(DAYS),
        mood=st.integers(1, 5),
        private=st.booleans(),
    )
    def save_checkin(self, who, which, day, mood, private):
        person, device = self.people[who], self.device(who, which)
        note = f"note {next(self.notes)}"
        visibility = "private" if private else "shared"
        mutation_id = device.mutate(
            "checkin.save",
            id=str(uuid.uuid4()),
            day=day.isoformat(),
            mood=mood,
            trust=5,
            note=note,
            visibility=visibility,
        )
        self.pending[(device.client_id, mutation_id)] = ("save", person, day, note, visibility)

    @rule(who=st.integers(0, 1), which=st.integers(0, 1), day=st.sampled_from(DAYS))
    def delete_checkin(self, who, which, day):
        person, device = self.people[who], self.device(who, which)
        known = device.records.get(str(checkin_id(device_space(device), uuid.UUID(person.id), day)))
        if known is None:
            return
        mutation_id = device.mutate("checkin.delete", id=known["id"])
        target = uuid.UUID(known["id"])
        self.pending[(device.client_id, mutation_id)] = ("delete", person, day, None, target)

    @rule(who=st.integers(0, 1), which=st.integers(0, 1), data=st.data())
    def ack_partner_checkin(self, who, which, data):
        device = self.device(who, which)
        theirs = [r for r in device.of_kind("checkin") if r["author_id"] != self.people[who].id]
        if theirs:
            record = data.draw(st.sampled_from(theirs))
            device.mutate("checkin.ack", id=record["id"], reaction="❤️", reply="thanks")

    @rule(who=st.integers(0, 1), which=st.integers(0, 1), data=st.data())
    def share(self, who, which, data):
        device = self.device(who, which)
        mine = [
            r
            for r in device.of_kind("checkin")
            if r["author_id"] == self.people[who].id and r["visibility"] == "private"
        ]
        if mine:
            record = data.draw(st.sampled_from(mine))
            mutation_id = device.mutate("record.share", kind="checkin", id=record["id"])
            day = date.fromisoformat(record["day"])
            target = uuid.UUID(record["id"])
            self.pending[(device.client_id, mutation_id)] = (
                "share",
                self.people[who],
                day,
                None,
                target,
            )

    # -- repairs -------------------------------------------------------------------

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        hurt=st.sampled_from(["me", "partner"]),
        private=st.booleans(),
    )
    def open_repair(self, who, which, hurt, private):
        self.device(who, which).mutate(
            "repair.open",
            id=str(uuid.uuid4()),
            hurt=hurt,
            title=f"repair {next(self.notes)}",
            visibility="private" if private else "shared",
        )

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        data=st.data(),
        visibility=st.sampled_from([None, "private", "shared"]),
    )
    def write_in_repair(self, who, which, data, visibility):
        device, person = self.device(who, which), self.people[who]
        repairs = device.of_kind("repair")
        if not repairs:
            return
        mine = [e for e in device.of_kind("repair_entry") if e["author_id"] == person.id]
        edit = data.draw(st.sampled_from([None, *mine]))
        if edit is None:
            repair = data.draw(st.sampled_from(repairs))
            hurt = repair["hurt_id"] == person.id
            steps = ["acknowledge", "confirm", "answer"] if hurt else ["reflect", "apology"]
            step = data.draw(st.sampled_from([*steps, "rhythm_note"]))
            entry_id, repair_id = str(uuid.uuid4()), repair["id"]
        else:
            step, entry_id, repair_id = edit["step"], edit["id"], edit["repair_id"]
        parts = STEP_PARTS[step](f"words {next(self.notes)}")
        args = {"id": entry_id, "repair_id": repair_id, "step": step, "parts": parts}
        if visibility:
            args["visibility"] = visibility
        mutation_id = device.mutate("repair.write", **args)
        filled = {name: parts.get(name, "") for name in PARTS[step]}
        self.entry_writes[(device.client_id, mutation_id)] = (person.id, entry_id, filled)

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        data=st.data(),
        change=st.sampled_from(
            ["share", "repair.set_aside", "repair.reopen", "repair.move_forward", "repair.rhythm"]
        ),
    )
    def change_repair(self, who, which, data, change):
        device, person = self.device(who, which), self.people[who]
        if change == "share":
            drafts = [
                r
                for r in device.records.values()
                if r["kind"] in ("repair", "repair_entry")
                and r["author_id"] == person.id
                and r["visibility"] == "private"
            ]
            if drafts:
                record = data.draw(st.sampled_from(drafts))
                device.mutate("record.share", kind=record["kind"], id=record["id"])
            return
        repairs = device.of_kind("repair")
        if not repairs:
            return
        repair_id = data.draw(st.sampled_from(repairs))["id"]
        if change == "repair.move_forward":
            device.mutate(change, id=repair_id, keep_as="repair", note="We talk now.")
        elif change == "repair.rhythm":
            device.mutate(
                change, id=repair_id, daily_days=data.draw(st.integers(0, 3)), then="none"
            )
        else:
            device.mutate(change, id=repair_id)

    # -- the network -----------------------------------------------------------------

    def deliver(self, device: SyncTestClient, batch: list[dict]) -> dict:
        """Send a push; note the words of every repair write the server applied."""
        body = self.net.deliver_push(device, batch, self.on_apply(device))
        for result in body["results"]:
            written = self.entry_writes.pop((device.client_id, result["id"]), None)
            if written is not None and result["status"] == "applied":
                author, entry_id, parts = written
                self.entries[entry_id] = (author, parts)
        return body

    def on_apply(self, device: SyncTestClient):
        def apply(mutation):
            entry = self.pending.pop((device.client_id, mutation["id"]), None)
            if entry is None:
                return
            action, person, day, note, extra = entry
            current = checkin_id(person.space_id(), uuid.UUID(person.id), day)
            if action == "save":
                person.expected[day] = (note, extra)
            elif action == "delete" and extra == current and day in person.expected:
                del person.expected[day]
            elif action == "share" and extra == current and day in person.expected:
                person.expected[day] = (person.expected[day][0], "shared")

        return apply

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        fate=st.sampled_from(["ok", "lost_response", "dropped", "twice", "replay_old"]),
    )
    def push(self, who, which, fate):
        device = self.device(who, which)
        batch = list(device.outbox[:100])
        if fate == "replay_old":
            earlier = self.net.sent.get(device.client_id)
            if earlier:
                self.deliver(device, earlier[0])
            return
        if fate == "dropped" or not batch:
            return
        body = self.deliver(device, batch)
        if fate == "twice":
            body = self.deliver(device, batch)
        if fate != "lost_response":
            device._acknowledge(body["last_mutation_id"])

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        fate=st.sampled_from(["ok", "lost_response", "late_duplicate"]),
        limit=st.sampled_from([1, 3, 500]),
    )
    def pull(self, who, which, fate, limit):
        device = self.device(who, which)
        response = device.pull_request(limit)
        assert response.status_code == 200
        if fate == "lost_response":
            return
        if fate == "late_duplicate":
            # A second answer to the same request arrives after the first was applied:
            # the client only applies answers to the cookie it still holds.
            sent_with = device.cookie
            device.apply_pull(response.json)
            if device.cookie == sent_with:
                device.apply_pull(response.json)
            return
        device.apply_pull(response.json)

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def no_device_holds_the_partners_private_records(self):
        for person in self.people:
            for device in person.devices:
                for record in device.records.values():
                    if record["visibility"] == "private":
                        assert record["author_id"] == person.id

    def teardown(self):
        if not hasattr(self, "people"):
            return
        # Quiescence: every device pushes everything and pulls until nothing is new.
        for _ in range(2):
            for who, person in enumerate(self.people):
                for which, device in enumerate(person.devices):
                    while device.outbox:
                        self.push(who, which, "ok")
                    device.pull()
        for person in self.people:
            view = server_view(self.app, person.id)
            for device in person.devices:
                assert device.records == view
            mine = {
                date.fromisoformat(r["day"]): (r["note"], r["visibility"])
                for r in view.values()
                if r["kind"] == "checkin" and r["author_id"] == person.id
            }
            assert mine == person.expected
            # Every entry comes with its repair; the words last applied are there.
            held = {r["id"] for r in view.values() if r["kind"] == "repair"}
            entries = {r["id"]: r for r in view.values() if r["kind"] == "repair_entry"}
            assert all(entry["repair_id"] in held for entry in entries.values())
            for entry_id, (author, parts) in self.entries.items():
                if author == person.id:
                    assert entries[entry_id]["parts"] == parts
                else:
                    assert entry_id not in entries or entries[entry_id]["visibility"] == "shared"


def device_space(device: SyncTestClient) -> uuid.UUID:
    for record in device.records.values():
        return uuid.UUID(record["space_id"])
    return uuid.uuid4()


def test_devices_converge_and_nothing_acknowledged_is_lost(app):
    from hypothesis.stateful import run_state_machine_as_test

    def clean():
        with app.app_context(), db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())

    class Machine(Convergence):
        def __init__(self):
            clean()
            super().__init__(app)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=60,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
