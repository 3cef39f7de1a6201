"""The sync protocol: idempotent pushes, poison and transient failures, cookies and pages."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server.db import utcnow
from server.extensions import db
from server.sync import maintenance
from server.sync import registry as sync_registry
from server.sync.models import Record, SyncClient
from tests.conftest import db_snapshot
from tests.sync.client import SyncTestClient, server_view
from tests.sync.test_checkins import checkin_args


def days(n: int) -> list[str]:
    return [f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}" for i in range(n)]


def replace_checkin_save(monkeypatch, wrapper: Callable[[Callable, Any, dict], None]) -> None:
    """For this test, the check-in mutator is `wrapper(real, ctx, args)` around the real one."""
    real = sync_registry.MUTATORS["checkin.save"]
    monkeypatch.setitem(
        sync_registry.MUTATORS,
        "checkin.save",
        sync_registry.Mutator(
            real.name, real.schema, lambda ctx, args: wrapper(real.fn, ctx, args)
        ),
    )


def test_the_same_push_sent_twice_changes_nothing_the_second_time(app, make_couple, device):
    alex, _ = make_couple()
    a = device(alex)
    for day in days(3):
        a.mutate("checkin.save", **checkin_args(day))
    batch = list(a.outbox)
    first = a.push_request(batch)
    assert first.status_code == 200
    assert [r["status"] for r in first.json["results"]] == ["applied"] * 3
    before = db_snapshot(app)

    # The response was lost: the phone sends the same request again.
    again = a.push_request(batch)
    assert again.status_code == 200
    assert again.json == {"last_mutation_id": 3, "results": []}
    assert db_snapshot(app) == before
    a.outbox = []
    a.pull()
    assert len(a.of_kind("checkin")) == 3


def test_a_rejected_mutation_does_not_block_the_ones_after_it(make_couple, device):
    alex, sam = make_couple()
    a = device(alex)
    first = a.mutate("checkin.save", **checkin_args("2026-11-01"))
    poison = a.mutate("checkin.save", **checkin_args("2026-11-02", mood="very good"))
    unknown = a.mutate("checkin.teleport", id=str(uuid.uuid4()))
    last = a.mutate("checkin.save", **checkin_args("2026-11-03"))
    body = a.push()
    assert body["last_mutation_id"] == last
    assert a.results[first]["status"] == a.results[last]["status"] == "applied"
    assert a.results[poison]["status"] == "rejected"
    assert a.results[poison]["error"]["fields"] == {"mood": "Not a valid integer."}
    assert a.results[unknown]["error"]["code"] == "unknown_mutation"
    s = device(sam)
    s.pull()
    assert sorted(c["day"] for c in s.of_kind("checkin")) == ["2026-11-01", "2026-11-03"]


def test_a_transient_failure_commits_the_prefix_and_skips_nothing(make_couple, device, monkeypatch):
    alex, sam = make_couple()
    a = device(alex)
    for day in days(4):
        a.mutate("checkin.save", **checkin_args(day))
    third = days(4)[2]
    attempts = {"n": 0}

    def flaky(real, ctx, args):
        # The third check-in fails in this request, however the server goes about it.
        if args["day"].isoformat() == third and attempts["n"] < 2:
            attempts["n"] += 1
            raise sync_registry.Transient("the disk hiccuped")
        real(ctx, args)

    replace_checkin_save(monkeypatch, flaky)
    response = a.push_request()
    assert response.status_code == 503
    assert response.json["error"]["code"] == "transient"
    assert "Retry-After" in response.headers
    a.pull()  # the server says how far it got
    assert [m["id"] for m in a.outbox] == [3, 4]
    assert sorted(c["day"] for c in a.of_kind("checkin")) == days(4)[:2]

    a.push()
    assert a.outbox == []
    s = device(sam)
    s.pull()
    assert sorted(c["day"] for c in s.of_kind("checkin")) == sorted(days(4))


def test_a_refusal_after_a_change_leaves_nothing_of_it(make_couple, device, monkeypatch):
    """A mutator refusing once it has written: its write goes, the others in the push stay."""
    alex, sam = make_couple()
    a = device(alex)
    for day in days(4):
        a.mutate("checkin.save", **checkin_args(day))

    def half_done(real, ctx, args):
        real(ctx, args)
        if args["day"].isoformat() == days(4)[1]:
            raise sync_registry.Rejected("invalid", "Changed its mind.")

    replace_checkin_save(monkeypatch, half_done)
    body = a.push()
    assert [r["status"] for r in body["results"]] == ["applied", "rejected", "applied", "applied"]
    s = device(sam)
    s.pull()
    assert sorted(c["day"] for c in s.of_kind("checkin")) == [days(4)[0], *days(4)[2:]]


def test_a_refused_creation_can_be_made_again_later_in_the_same_push(
    make_couple, device, monkeypatch
):
    """What a refused mutation created is gone for the mutations after it, not only the database."""
    alex, sam = make_couple()
    a = device(alex)
    day = days(1)[0]
    first = a.mutate("checkin.save", **checkin_args(day, note="first try"))
    again = a.mutate("checkin.save", **checkin_args(day, note="second try"))

    def refuse_first(real, ctx, args):
        real(ctx, args)
        if args["note"] == "first try":
            raise sync_registry.Rejected("invalid", "Changed its mind.")

    replace_checkin_save(monkeypatch, refuse_first)
    a.push()
    assert a.results[first]["status"] == "rejected"
    assert a.results[again]["status"] == "applied"
    s = device(sam)
    s.pull()
    assert [c["note"] for c in s.of_kind("checkin")] == ["second try"]


def test_a_gap_stops_the_batch_until_the_missing_mutation_arrives(make_user, device):
    user = make_user()
    d = device(user)
    ids = [d.mutate("checkin.save", **checkin_args(day)) for day in days(3)]
    response = d.push_request([d.outbox[0], d.outbox[2]])
    assert response.json["last_mutation_id"] == ids[0]
    response = d.push_request(d.outbox[1:])
    assert response.json["last_mutation_id"] == ids[2]
    assert [r["id"] for r in response.json["results"]] == ids[1:]


def test_a_client_id_belongs_to_the_user_who_first_used_it(make_couple, device):
    alex, sam = make_couple()
    a = device(alex, client_id="alex-phone-0001")
    a.mutate("checkin.save", **checkin_args("2026-11-01"))
    a.sync()
    intruder = SyncTestClient(sam.client, client_id="alex-phone-0001")
    intruder.mutate("checkin.save", **checkin_args("2026-11-01"))
    for response in (intruder.push_request(), intruder.pull_request()):
        assert response.status_code == 403
        assert response.json["error"]["code"] == "client_not_yours"


def test_push_from_an_outdated_app_is_refused(make_user):
    user = make_user()
    response = user.client.post(
        "/api/sync/push", json={"client_id": "old-app-client", "schema_version": 0, "mutations": []}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "schema_mismatch"


def test_a_push_that_commits_after_a_pull_is_still_delivered(make_couple, device, monkeypatch):
    """Out-of-order commit: the pull in between must not move its cookie past the push."""
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    s.pull()
    inside, release = threading.Event(), threading.Event()

    def slow(real, ctx, args):
        real(ctx, args)
        db.session.flush()
        inside.set()  # the version is taken and the row written, not committed
        assert release.wait(10)

    replace_checkin_save(monkeypatch, slow)
    a.mutate("checkin.save", **checkin_args("2026-11-05", note="slow one"))
    pusher = threading.Thread(target=a.push)
    pusher.start()
    try:
        assert inside.wait(10)
        s.pull()  # runs while the push holds its version
        assert s.of_kind("checkin") == []
    finally:
        release.set()
        pusher.join()
    s.pull()
    assert [c["note"] for c in s.of_kind("checkin")] == ["slow one"]


def insert_records(app, user_id: str, count: int) -> None:
    """Put many check-ins straight into the user's space, as pushes would have."""
    from server.accounts.models import User
    from server.spaces.models import Space

    with app.app_context():
        user = db.session.get(User, uuid.UUID(user_id))
        space = db.session.get(Space, user.space_id)
        now = utcnow()
        rows = []
        for n in range(count):
            space.version += 1
            rows.append(
                {
                    "space_id": space.id,
                    "id": uuid.uuid4(),
                    "kind": "memory",
                    "author_id": user.id,
                    "visibility": "shared",
                    "ever_shared": True,
                    "archived": False,
                    "version": space.version,
                    "tombstone": False,
                    "created_at": now,
                    "updated_at": now,
                    "data": {"title": f"memory {n}", "tags": []},
                }
            )
        db.session.execute(sa.insert(Record), rows)
        db.session.commit()


def test_a_first_sync_in_pages_with_writes_between_pages_gets_every_record_once(
    app, make_couple, device
):
    alex, sam = make_couple()
    insert_records(app, alex.id, 5000)
    writer = device(alex)
    writer.pull()
    fresh = device(sam)
    pages = 0
    step = 0
    while True:
        response = fresh.pull_request(limit=500)
        body = response.json
        assert len(body["patch"]) <= 500
        fresh.apply_pull(body)
        pages += 1
        if not body["has_more"]:
            break
        # Between pages the partner keeps writing: a new check-in each time, and the
        # deletion of the previous one, which the new device may already hold.
        step += 1
        writer.mutate("checkin.save", **checkin_args(days(40)[step], note=f"step {step}"))
        writer.push()
        if step > 1:
            previous = next(
                c["id"] for c in writer.of_kind("checkin") if c["note"] == f"step {step - 1}"
            )
            writer.mutate("checkin.delete", id=previous)
        writer.sync()
    assert pages >= 10
    fresh.pull()
    assert fresh.records == server_view(app, sam.id)
    assert [c["note"] for c in fresh.of_kind("checkin")] == [f"step {step}"]
    assert len(fresh.of_kind("memory")) == 5000


def test_an_old_cookie_gets_a_reset_and_nothing_deleted_comes_back(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    for day in days(3):
        a.mutate("checkin.save", **checkin_args(day))
    a.sync()
    s.pull()
    doomed = sorted(a.records)[0]
    a.mutate("checkin.delete", id=doomed)
    a.sync()

    # 91 days later the tombstone is purged and the horizon moves past the old cookie.
    with app.app_context():
        report = maintenance.run(now=utcnow() + timedelta(days=91))
        assert report.purged == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 2

    response = s.pull_request()
    assert response.json["reset"] is True
    s.apply_pull(response.json)
    assert doomed not in s.records and len(s.records) == 2
    assert s.records == server_view(app, sam.id)
    # A device that was up to date goes on without a reset.
    assert a.pull_request().json["reset"] is False


def test_a_cookie_from_another_schema_gets_a_reset(make_user, device, monkeypatch):
    from server.sync import cookie

    user = make_user()
    d = device(user)
    d.mutate("checkin.save", **checkin_args("2026-11-01"))
    d.sync()
    monkeypatch.setattr(cookie, "SCHEMA_VERSION", cookie.SCHEMA_VERSION + 1)
    response = d.pull_request()
    assert response.json["reset"] is True
    assert len(response.json["patch"]) == 1


def test_a_forged_cookie_gets_a_reset_not_an_error(make_user, device):
    user = make_user()
    d = device(user)
    d.cookie = "WyJ4Il0.forged"
    response = d.pull_request()
    assert response.status_code == 200 and response.json["reset"] is True


def pair(a_user, b_user):
    code = a_user.client.post("/api/pairing/invites").json["code"]
    assert b_user.client.post("/api/pairing/accept", json={"code": code}).status_code == 200


def test_pairing_brings_solo_records_in_as_private_and_resets_both(app, make_user, device):
    alex, sam = make_user("Alex"), make_user("Sam")
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-01", note="before we paired"))
    s.mutate("checkin.save", **checkin_args("2026-11-01", note="mine too"))
    a.sync()
    s.sync()
    pair(alex, sam)

    for dev in (a, s):
        response = dev.pull_request()
        assert response.json["reset"] is True
        dev.apply_pull(response.json)
    [mine] = a.of_kind("checkin")
    assert mine["note"] == "before we paired" and mine["visibility"] == "private"
    assert mine["space_id"] == alex.me()["space"]["id"]
    assert [c["note"] for c in s.of_kind("checkin")] == ["mine too"]

    # Shared by its author, it reaches the partner.
    a.mutate("record.share", kind="checkin", id=mine["id"])
    a.sync()
    s.pull()
    assert sorted(c["note"] for c in s.of_kind("checkin")) == ["before we paired", "mine too"]


def test_unpairing_keeps_own_and_shared_and_never_the_partners_private(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-01", note="alex shared"))
    a.mutate(
        "checkin.save", **checkin_args("2026-11-02", note="alex private", visibility="private")
    )
    s.mutate("checkin.save", **checkin_args("2026-11-01", note="sam shared"))
    s.mutate("checkin.save", **checkin_args("2026-11-02", note="sam private", visibility="private"))
    a.sync()
    s.sync()
    a.pull()
    assert sam.client.post("/api/pairing/unpair").status_code == 200

    for dev in (a, s):
        response = dev.pull_request()
        assert response.json["reset"] is True
        dev.apply_pull(response.json)
    assert sorted(c["note"] for c in a.of_kind("checkin")) == ["alex private", "alex shared"]
    assert sorted(c["note"] for c in s.of_kind("checkin")) == ["sam private", "sam shared"]
    assert a.records == server_view(app, alex.id)
    # Each check-in lives on in the new space, still one per author and day.
    a.mutate("checkin.save", **checkin_args("2026-11-01", note="edited after"))
    a.sync()
    assert sorted(c["note"] for c in a.of_kind("checkin")) == ["alex private", "edited after"]


def test_private_text_never_reaches_the_partner_or_the_logs(app, make_couple, device, caplog):
    caplog.set_level("DEBUG")
    secret = "SECRET-NOTE-7f3a"
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-01", note=secret, visibility="private"))
    a.mutate("checkin.save", **checkin_args("2026-11-02", mood=99, note=secret))  # rejected
    a.sync()
    responses = [s.pull_request(), sam.client.get("/api/me")]
    s.mutate("checkin.ack", id=a.of_kind("checkin")[0]["id"], reaction="x", reply="y")
    responses.append(s.push_request())
    for response in responses:
        assert secret.encode() not in response.data
    assert secret not in caplog.text


@pytest.mark.parametrize("limit", [0, 501, "10", None])
def test_pull_limits_are_checked(make_user, limit):
    user = make_user()
    response = user.client.post(
        "/api/sync/pull", json={"client_id": "limit-check-client", "limit": limit}
    )
    assert response.status_code == 422
    assert "limit" in response.json["error"]["fields"]


def test_a_push_of_more_than_100_mutations_is_refused(make_user):
    user = make_user()
    mutations = [{"id": n, "name": "record.share", "args": {}} for n in range(1, 102)]
    response = user.client.post(
        "/api/sync/push",
        json={"client_id": "too-many-client", "schema_version": 1, "mutations": mutations},
    )
    assert response.status_code == 422
    with user.client.raw.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncClient)) == 0


def test_a_retry_overlapping_new_mutations_applies_only_the_new_ones(make_user, device):
    user = make_user()
    d = device(user)
    for day in days(2):
        d.mutate("checkin.save", **checkin_args(day))
    first = d.push_request(list(d.outbox))
    assert first.json["last_mutation_id"] == 2
    d.pull()
    versions = {r["id"]: r["version"] for r in d.records.values()}
    # The response was lost; meanwhile a third change was queued: all three go again.
    d.mutate("checkin.save", **checkin_args(days(3)[2]))
    batch = [
        {"id": n, "name": "checkin.save", "args": checkin_args(day)}
        for n, day in enumerate(days(3), start=1)
    ]
    retry = d.push_request(batch)
    assert retry.json["last_mutation_id"] == 3
    assert [r["id"] for r in retry.json["results"]] == [3]
    d.outbox = []
    d.pull()
    assert len(d.records) == 3
    for record_id, version in versions.items():
        assert d.records[record_id]["version"] == version  # not written again


def test_creating_one_id_twice_in_a_batch_rejects_the_second(make_couple, device):
    alex, _ = make_couple()
    a = device(alex)
    record_id = str(uuid.uuid4())
    args = {"id": record_id, "category": "time", "title": "Sundays", "text": "We call."}
    first = a.mutate("agreement.propose", **args)
    second = a.mutate("agreement.propose", **args)
    clash = a.mutate("promise.make", id=record_id, text="same id, other kind")
    a.sync()
    assert a.results[first]["status"] == "applied"
    assert a.results[second]["error"]["code"] == "exists"
    assert a.results[clash]["error"]["code"] == "exists"
    assert [r["kind"] for r in a.records.values()] == ["agreement"]


def test_unpairing_archives_agreements_and_promises_and_splits_memories(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    agreement, promise = str(uuid.uuid4()), str(uuid.uuid4())
    shared_memory, private_memory = str(uuid.uuid4()), str(uuid.uuid4())
    a.mutate("agreement.propose", id=agreement, category="time", title="Sundays", text="Call.")
    a.mutate("promise.make", id=promise, text="Bring the photos")
    s.mutate("memory.save", id=shared_memory, fields={"title": "Our trip"}, base={})
    s.mutate(
        "memory.save",
        id=private_memory,
        fields={"title": "Only mine", "visibility": "private"},
        base={},
    )
    a.sync()
    s.sync()
    assert alex.client.post("/api/pairing/unpair").status_code == 200
    a.pull()
    s.pull()

    for dev, person in ((a, alex), (s, sam)):
        kinds = sorted(r["kind"] for r in dev.records.values())
        assert dev.records == server_view(app, person.id)
        assert {r["id"]: r["archived"] for r in dev.records.values() if r["kind"] != "memory"} == {
            agreement: True,
            promise: True,
        }
        assert dev.records[shared_memory]["title"] == "Our trip"
        assert "agreement" in kinds and "promise" in kinds
    assert private_memory not in a.records
    assert s.records[private_memory]["title"] == "Only mine"
    # Alex's copy of Sam's memory is Alex's own now, remembering who wrote it.
    assert a.records[shared_memory]["author_id"] == alex.id
    assert a.records[shared_memory]["originally_by"] == sam.id

    # Archived copies are read-only.
    retire = a.mutate("agreement.retire", id=agreement)
    edit = a.mutate("memory.save", id=shared_memory, fields={"place": "Porto"}, base={})
    a.sync()
    assert a.results[retire]["status"] == "rejected"
    assert a.results[edit]["status"] == "applied"
    assert s.records[shared_memory].get("place") in (None, "")


def test_a_pull_with_nothing_new_reads_no_records_and_misses_nothing(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args(days(1)[0]))
    a.sync()
    s.pull()
    cookie = s.cookie

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        quiet = s.pull_request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert quiet.status_code == 200
    assert quiet.json["patch"] == [] and not quiet.json["has_more"] and not quiet.json["reset"]
    assert quiet.json["cookie"] == cookie  # the same place: nothing was handed out
    assert quiet.json["partner"]["display_name"] == "Alex"
    # The session, then one read of the space, partner, epoch and device; no records.
    assert not any("FROM records" in statement for statement in statements), statements
    assert len(statements) == 2, statements

    # The partner's next change is not skipped by the quick answer.
    a.mutate("checkin.save", **checkin_args(days(2)[1]))
    a.sync()
    s.pull()
    assert sorted(c["day"] for c in s.of_kind("checkin")) == days(2)
    assert s.records == server_view(app, sam.id)
