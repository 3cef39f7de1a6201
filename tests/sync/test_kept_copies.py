"""What a partner keeps from an earlier couple stays theirs to read, whatever pairing follows."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_migrate import upgrade

from server.accounts.models import User
from server.db import utcnow
from server.extensions import db
from server.sync.models import Record
from tests.sync.client import server_view
from tests.test_migrations import scratch_app

BEFORE_KEEPERS = "9fbf643c43d4"  # before kept copies were authored by their keeper
KEEPERS = "5c1e0a7d2b94"


def pair(inviter, partner) -> None:
    code = inviter.client.post("/api/pairing/invites").json["code"]
    response = partner.client.post("/api/pairing/accept", json={"code": code})
    assert response.status_code == 200, response.json


def unpair(user) -> None:
    response = user.client.post("/api/pairing/unpair")
    assert response.status_code == 200, response.json


def held_in_space_of(app, user_id: str, record_ids: set[str]) -> set[str]:
    """Which of these records the user's space holds at all, visible to them or not."""
    with app.app_context():
        space_id = db.session.get(User, uuid.UUID(user_id)).space_id
        rows = db.session.scalars(
            sa.select(Record.id).where(
                Record.space_id == space_id,
                Record.id.in_([uuid.UUID(r) for r in record_ids]),
                Record.tombstone.is_(False),
            )
        ).all()
        return {str(r) for r in rows}


def earlier_couple(make_user, device):
    """Alex and Xan share an agreement, two promises and a memory, then unpair."""
    alex, xan = make_user("Alex"), make_user("Xan")
    pair(alex, xan)
    a, x = device(alex), device(xan)
    ids = {name: str(uuid.uuid4()) for name in ("agreement", "promise", "memory", "own")}
    x.mutate(
        "agreement.propose",
        id=ids["agreement"],
        category="time",
        title="Sunday calls",
        text="We call every Sunday.",
    )
    x.mutate("promise.make", id=ids["promise"], text="Frame the Lisbon photo")
    x.mutate("memory.save", id=ids["memory"], fields={"title": "Lisbon trams"}, base={})
    a.mutate("promise.make", id=ids["own"], text="Learn the Fado song")
    x.sync()
    a.sync()
    unpair(alex)
    a.pull()
    return alex, xan, a, ids


def test_what_a_partner_kept_from_an_earlier_couple_survives_the_next_pairing(
    app, make_user, device
):
    alex, _xan, a, ids = earlier_couple(make_user, device)
    kept = set(ids.values())
    assert kept <= set(a.records)
    before = {i: a.records[i] for i in kept}

    blair = make_user("Blair")
    pair(alex, blair)
    b = device(blair)
    a.pull()
    b.pull()
    # Alex still reads everything kept from Xan, read-only where it was archived.
    assert kept <= set(a.records)
    assert a.records == server_view(app, alex.id)
    assert a.records[ids["agreement"]]["revisions"][0]["text"] == "We call every Sunday."
    assert a.records[ids["promise"]]["text"] == "Frame the Lisbon photo"
    assert a.records[ids["memory"]]["title"] == "Lisbon trams"
    for record_id in (ids["agreement"], ids["promise"], ids["own"]):
        assert a.records[record_id]["archived"] is True
        assert a.records[record_id]["visibility"] == "private"
    # Who wrote what is still told: the promiser, the revision's author, who first wrote it.
    assert a.records[ids["promise"]]["promiser"] == before[ids["promise"]]["promiser"]
    assert a.records[ids["agreement"]]["revisions"] == before[ids["agreement"]]["revisions"]
    # Blair sees none of Alex's past with Xan.
    assert not kept & set(b.records)
    assert not kept & set(server_view(app, blair.id))

    unpair(alex)
    a.pull()
    b.pull()
    assert kept <= set(a.records)
    assert a.records[ids["agreement"]]["revisions"][0]["text"] == "We call every Sunday."
    assert a.records[ids["memory"]]["title"] == "Lisbon trams"
    # Blair's new space does not even hold a copy Blair cannot read.
    assert not kept & set(b.records)
    assert held_in_space_of(app, blair.id, kept) == set()


def test_a_kept_memory_can_be_shared_with_the_next_partner_only_by_its_keeper(make_user, device):
    alex, _xan, a, ids = earlier_couple(make_user, device)
    blair = make_user("Blair")
    pair(alex, blair)
    b = device(blair)
    a.pull()
    tried = b.mutate("record.share", kind="memory", id=ids["memory"])
    b.sync()
    assert b.results[tried]["error"]["code"] == "not_found"
    shared = a.mutate("record.share", kind="memory", id=ids["memory"])
    a.sync()
    b.pull()
    assert a.results[shared]["status"] == "applied"
    assert b.records[ids["memory"]]["title"] == "Lisbon trams"


def test_partners_who_pair_again_each_keep_their_own_copies(app, make_user, device):
    alex, xan, a, _ = earlier_couple(make_user, device)
    x = device(xan)
    x.pull()
    pair(alex, xan)
    a.pull()
    x.pull()
    assert a.records == server_view(app, alex.id)
    assert x.records == server_view(app, xan.id)
    for dev in (a, x):
        titles = [r["title"] for r in dev.of_kind("memory")]
        texts = [r["revisions"][0]["text"] for r in dev.of_kind("agreement")]
        assert titles == ["Lisbon trams"]
        assert texts == ["We call every Sunday."]


def archived(space_id: uuid.UUID, author: uuid.UUID, kind: str, data: dict) -> dict:
    now = utcnow()
    return {
        "space_id": space_id,
        "id": uuid.uuid4(),
        "kind": kind,
        "author_id": author,
        "visibility": "private",
        "ever_shared": False,
        "archived": True,
        "version": 3,
        "tombstone": False,
        "created_at": now,
        "updated_at": now,
        "data": data,
    }


def test_upgrading_gives_copies_hidden_by_an_earlier_pairing_back_to_their_keeper(tmp_path):
    couple, alex, blair, xan, yoko = (uuid.uuid4() for _ in range(5))
    a, x, y = str(alex), str(xan), str(yoko)
    # Alex kept these from Xan, then paired with Blair: they went private to Xan.
    agreement = archived(
        couple,
        xan,
        "agreement",
        {"acceptances": {a: 1, x: 1}, "revisions": [{"n": 1, "text": "Calls", "author": x}]},
    )
    promise = archived(
        couple, xan, "promise", {"promiser": x, "history": [{"event": "kept", "by": a}]}
    )
    # Nothing names a member: whose it was cannot be told, so it stays as it is.
    unknown = archived(couple, xan, "promise", {"promiser": x, "history": []})
    # A copy of somebody else's couple (Xan and Yoko) never goes to Alex.
    foreign = archived(couple, yoko, "agreement", {"acceptances": {x: 1, y: 1}})
    rows = [agreement, promise, unknown, foreign]
    with scratch_app(tmp_path) as app, app.app_context():
        upgrade(revision=BEFORE_KEEPERS)
        with db.engine.begin() as conn:
            conn.execute(
                sa.table(
                    "spaces",
                    sa.column("id", sa.Uuid()),
                    sa.column("kind", sa.String()),
                    sa.column("version", sa.BigInteger()),
                    sa.column("created_at", sa.DateTime(timezone=True)),
                ).insert(),
                [{"id": couple, "kind": "couple", "version": 7, "created_at": utcnow()}],
            )
            conn.execute(
                sa.table(
                    "users",
                    *(sa.column(c) for c in ("email", "email_key", "password_hash")),
                    *(sa.column(c) for c in ("display_name", "time_zone")),
                    sa.column("id", sa.Uuid()),
                    sa.column("space_id", sa.Uuid()),
                    sa.column("created_at", sa.DateTime(timezone=True)),
                ).insert(),
                [
                    {
                        "id": member,
                        "email": f"{member}@example.test",
                        "email_key": f"{member}@example.test",
                        "password_hash": "-",
                        "display_name": "Someone",
                        "time_zone": "Europe/Paris",
                        "space_id": couple,
                        "created_at": utcnow(),
                    }
                    for member in (alex, blair)
                ],
            )
            conn.execute(sa.insert(Record.__table__), rows)
        upgrade(revision=KEEPERS)
        with db.engine.connect() as conn:
            found = {
                r.id: r
                for r in conn.execute(
                    sa.select(Record.id, Record.author_id, Record.version, Record.data)
                )
            }
            spaces = sa.table("spaces", sa.column("id", sa.Uuid()), sa.column("version"))
            space_version = conn.execute(
                sa.select(spaces.c.version).where(spaces.c.id == couple)
            ).scalar_one()
    assert space_version == 8
    for given_back in (agreement, promise):
        row = found[given_back["id"]]
        assert (row.author_id, row.version) == (alex, 8)
        assert row.data == {**given_back["data"], "originally_by": x}
    for left in (unknown, foreign):
        row = found[left["id"]]
        assert (row.author_id, row.version, row.data) == (left["author_id"], 3, left["data"])
