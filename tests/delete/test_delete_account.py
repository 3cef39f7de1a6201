"""Deleting an account: sessions end at once, the partner keeps their copies, nothing is left."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.blobs import service as blobs
from server.extensions import db
from tests.blobs.conftest import photo, put, sha
from tests.conftest import db_snapshot
from tests.push.conftest import make_browser  # noqa: F401 (a fixture)
from tests.records import checkin, memory
from tests.sync.client import SyncTestClient


@pytest.fixture
def app(app_factory, tmp_path):
    """The app, keeping uploaded photos in the test's own folder."""
    return app_factory(BLOB_DIR=str(tmp_path / "blobs"))


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def photos_of(record: dict) -> list[str]:
    return [p["hash"] for p in record["photos"]]


def rows_naming(app, *values: str) -> list[tuple[str, str, str]]:
    """Every (table, column, value) in the database whose value contains one of the values."""
    found = []
    wanted = [v.lower() for v in values]
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    text = str(value).lower()
                    if any(w in text or w.replace("-", "") in text for w in wanted):
                        found.append((table.name, column, text[:120]))
    return found


def delete_me(user, password: str | None = None):
    return user.client.delete("/api/me", json={"password": password or user.password})


def cleanup(app) -> None:
    """The daily cleanup, run after the grace period of uploads."""
    with app.app_context():
        blobs.collect_garbage(now=datetime.now(UTC) + timedelta(days=30))
    result = app.test_cli_runner().invoke(args=["maintain"])
    assert result.exit_code == 0, result.output


def a_shared_life(app, make_couple, new_client, make_browser):  # noqa: F811
    """Alex and Sam share check-ins, memories with photos, an agreement and promises."""
    alex, sam = make_couple()
    a, s = SyncTestClient(alex.client), SyncTestClient(sam.client)
    # A second device of Alex, signed in too.
    laptop = new_client()
    login = {"email": alex.email, "password": alex.password}
    assert laptop.post("/api/auth/login", json=login).status_code == 200
    for client in (alex.client, laptop):
        assert client.post("/api/push/subscriptions", json=make_browser().body()).status_code == 200
    assert sam.client.post("/api/push/subscriptions", json=make_browser().body()).status_code == 200

    alex_photo, shared_photo = photo(48, 32, seed=1), photo(48, 32, seed=2)
    assert put(alex, alex_photo).status_code == 201
    assert put(alex, shared_photo).status_code == 201
    checkin(a, "private")
    checkin(a, "shared")
    ids = {
        "alex_memory": memory(a, "Lisbon trams", sha(shared_photo)),
        "private_memory": memory(a, "Only mine", sha(alex_photo), private=True),
        "agreement": str(uuid.uuid4()),
        "alex_promise": str(uuid.uuid4()),
        "sam_promise": str(uuid.uuid4()),
    }
    a.mutate(
        "agreement.propose",
        id=ids["agreement"],
        category="time",
        title="Sunday calls",
        text="We call every Sunday.",
    )
    a.mutate("promise.make", id=ids["alex_promise"], text="Frame the Lisbon photo")
    a.sync()
    s.mutate("agreement.accept", id=ids["agreement"], revision=1)
    s.mutate("promise.make", id=ids["sam_promise"], text="Learn the Fado song")
    checkin(s, "shared")
    s.sync()
    # Alex writes into Sam's memory too: its fields then name who wrote them.
    s.pull()
    ids["sam_memory"] = memory(s, "Our kitchen")
    s.sync()
    a.pull()
    sam_memory = a.records[ids["sam_memory"]]
    base = {"place": sam_memory["field_versions"].get("place", 0)}
    a.mutate("memory.save", id=ids["sam_memory"], fields={"place": "Porto"}, base=base)
    a.sync()
    s.pull()
    return alex, sam, a, s, laptop, ids, (sha(alex_photo), sha(shared_photo))


def test_deleting_an_account_leaves_nothing_of_it_and_the_partner_keeps_their_copies(
    app,
    make_couple,
    make_user,
    new_client,
    make_browser,  # noqa: F811
):
    alex, sam, _a, s, laptop, ids, (alex_photo, shared_photo) = a_shared_life(
        app, make_couple, new_client, make_browser
    )
    assert photos_of(s.records[ids["alex_memory"]]) == [shared_photo]
    assert rows_naming(app, alex.id, alex.email)  # the search finds what is there

    assert delete_me(alex).status_code == 204

    # Every session ends at once, this one and the laptop's.
    for client in (alex.client, laptop):
        assert client.get("/api/me").status_code == 401
    again = new_client().post(
        "/api/auth/login", json={"email": alex.email, "password": alex.password}
    )
    assert again.status_code == 401

    # Sam's app is told, without content, that the couple has ended.
    s.pull()
    assert s.resets >= 1
    me = sam.me()
    assert me["partner"] is None
    assert me["space"]["kind"] == "solo"
    assert me["space"]["unpaired"] is not None
    pull = sam.client.post(
        "/api/sync/pull", json={"client_id": s.client_id, "cookie": None, "limit": 500}
    ).json
    assert pull["space"]["unpaired"] is not None
    # Sam keeps the shared memories, Alex's words in them included, and archived copies.
    assert s.records[ids["alex_memory"]]["title"] == "Lisbon trams"
    assert photos_of(s.records[ids["alex_memory"]]) == [shared_photo]
    assert s.records[ids["sam_memory"]]["place"] == "Porto"
    assert s.records[ids["agreement"]]["archived"] is True
    assert s.records[ids["alex_promise"]]["archived"] is True
    assert ids["private_memory"] not in s.records
    [own_checkin] = s.of_kind("checkin")
    assert own_checkin["note"] == "a shared note"
    # The photo Sam keeps is still served to Sam.
    assert sam.client.get(f"/api/blobs/{shared_photo}").status_code == 200

    cleanup(app)
    assert rows_naming(app, alex.id, alex.email) == []
    with app.app_context(), db.engine.connect() as conn:
        hashes = set(conn.scalars(sa.text("SELECT hash FROM blobs")))
        subscriptions = conn.scalar(sa.text("SELECT count(*) FROM push_subscriptions"))
    assert hashes == {shared_photo}  # the photo no memory holds is gone
    assert alex_photo not in hashes
    assert subscriptions == 1  # Sam's alone
    # Sam's copies stay intact after the cleanup.
    s.pull()
    assert photos_of(s.records[ids["alex_memory"]]) == [shared_photo]
    assert sam.client.get(f"/api/blobs/{shared_photo}").status_code == 200

    # The email is free again.
    newcomer = make_user("Alex again", email=alex.email)
    assert newcomer.id != alex.id
    assert newcomer.me()["space"]["kind"] == "solo"


def test_a_wrong_password_changes_nothing(app, make_couple):
    alex, sam = make_couple()
    dev = SyncTestClient(alex.client)
    checkin(dev, "private")
    dev.sync()
    before = db_snapshot(app)
    response = delete_me(alex, "not the password at all")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "wrong_password"
    assert db_snapshot(app) == before
    assert alex.me()["partner"]["display_name"] == "Sam"
    assert sam.me()["partner"]["display_name"] == "Alex"


def test_an_account_without_a_partner_is_deleted_too(app, make_user):
    kim = make_user("Kim")
    dev = SyncTestClient(kim.client)
    checkin(dev, "private")
    memory(dev, "Alone at the sea")
    dev.sync()
    code = kim.client.post("/api/pairing/invites").json["code"]
    assert delete_me(kim).status_code == 204
    assert kim.client.get("/api/me").status_code == 401
    cleanup(app)
    assert rows_naming(app, kim.id, kim.email) == []
    with app.app_context(), db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM spaces")) == 0
        assert conn.scalar(sa.text("SELECT count(*) FROM records")) == 0
    # Kim's old invite names nobody now.
    other = make_user("Other")
    assert other.client.get(f"/api/pairing/invites/{code}").status_code == 404


def test_an_earlier_partner_stops_seeing_the_id_too(app, make_couple):
    alex, sam = make_couple()
    a = SyncTestClient(alex.client)
    memory_id = memory(a, "Our first walk")
    a.sync()
    assert alex.client.post("/api/pairing/unpair").status_code == 200
    s = SyncTestClient(sam.client)
    s.pull()
    assert s.records[memory_id]["title"] == "Our first walk"
    assert delete_me(alex).status_code == 204
    cleanup(app)
    assert rows_naming(app, alex.id, alex.email) == []
    s.pull()
    assert s.records[memory_id]["title"] == "Our first walk"
    assert sam.me()["space"]["unpaired"] is not None


def test_the_operator_command_deletes_an_account(app, make_couple, new_client):
    alex, sam = make_couple()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["delete-user", alex.email], input="n\n")
    assert refused.exit_code == 1 and refused.output.endswith("Aborted!\n")
    assert alex.me()["partner"]["display_name"] == "Sam"
    unknown = runner.invoke(args=["delete-user", "nobody@example.test", "--yes"])
    assert unknown.exit_code == 1
    assert unknown.output == "Error: No account has the email nobody@example.test.\n"
    done = runner.invoke(args=["delete-user", alex.email.upper(), "--yes"])
    assert done.exit_code == 0, done.output
    assert alex.client.get("/api/me").status_code == 401
    assert sam.me()["partner"] is None
    cleanup(app)
    assert rows_naming(app, alex.id, alex.email) == []
