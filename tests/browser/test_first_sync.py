"""A couple's long history reaches a new phone in pages; then a partner's news costs only itself.

The screens keep what they read in memory: after the first sync, a partner's check-in arriving
live shows without the page reading a whole kind of records from IndexedDB again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from server.accounts.models import User
from server.checkins.service import checkin_id
from server.extensions import db
from server.spaces.models import Space
from server.sync.models import Record
from tests.browser.helpers import (
    open_section,
    paired_phones,
    save_checkin,
    unexpected,
    user_id,
)
from tests.browser.test_history import TODAY, look_back, open_day

DAYS = 590  # check-ins of both partners for each of these days back: 1 180
MEMORIES = 20  # with the check-ins, 1 200 records: three pages of at most 500
SYNC_WAIT = 30_000

# Every read of a whole kind (or store) of records, counted from outside the app's code.
COUNT_WHOLE_READS = """(() => {
  const reads = (window.__wholeReads = []);
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    for (const name of ['getAll', 'getAllKeys', 'openCursor']) {
      const original = proto[name];
      proto[name] = function (...args) {
        const store = this instanceof IDBIndex ? this.objectStore : this;
        if (store.name === 'records') reads.push(`${this.name}.${name}`);
        return original.apply(this, args);
      };
    }
  }
})()"""

# The records one screen was given are frozen, deeply: no screen can change another's copy.
FROZEN = """async (userId) => {
  const { openDb, recordsOfKind } = await import('/js/core/db.js');
  const db = await openDb(userId);
  try {
    const first = await recordsOfKind(db, 'checkin');
    const again = await recordsOfKind(db, 'checkin');
    const record = first.find((c) => c.feelings.length);
    return {
      count: first.length,
      shared: first === again,
      frozen: Object.isFrozen(first) && Object.isFrozen(record) && Object.isFrozen(record.feelings),
      changed: Reflect.set(record, 'note', 'changed by one screen'),
    };
  } finally {
    db.close();
  }
}"""


def seed(app, alex_id: str, sam_id: str, today: date) -> None:
    """Both partners' check-ins of DAYS days gone by and MEMORIES memories, as pushes leave them."""
    with app.app_context():
        space_id = db.session.get(User, uuid.UUID(alex_id)).space_id
        db.session.rollback()
        authors = {"Alex": uuid.UUID(alex_id), "Sam": uuid.UUID(sam_id)}
        drafts = []
        for ago in range(DAYS, 0, -1):
            day = today - timedelta(days=ago)
            for name, author in authors.items():
                data = {
                    "day": day.isoformat(),
                    "mood": 1 + ago % 5,
                    "trust": 1 + ago % 10,
                    "feelings": ["calm"] if ago % 2 else [],
                    "need": "",
                    "gratitude": "",
                    "note": f"{name}'s day {ago}",
                    "ack": None,
                }
                drafts.append(("checkin", checkin_id(space_id, author, day), author, day, data))
        for n in range(MEMORIES):
            day = today - timedelta(days=30 * n + 3)
            data = {
                "title": f"Memory {n}",
                "story": "",
                "happened_on": day.isoformat(),
                "place": "",
                "tags": [],
                "photos": [],
                "history": [],
                "field_versions": {},
                "field_authors": {},
            }
            drafts.append(("memory", uuid.uuid4(), authors["Sam"], day, data))
        with db.engine.begin() as conn:
            # Versions above every one the space has handed out, as a push numbers them.
            top = conn.execute(
                update(Space)
                .where(Space.id == space_id)
                .values(version=Space.version + len(drafts))
                .returning(Space.version)
            ).scalar_one()
            rows = []
            for version, (kind, record_id, author, day, data) in enumerate(
                drafts, start=top - len(drafts) + 1
            ):
                at = datetime.combine(day, time(20), UTC)
                rows.append(
                    {
                        "space_id": space_id,
                        "id": record_id,
                        "kind": kind,
                        "author_id": author,
                        "visibility": "shared",
                        "ever_shared": True,
                        "archived": False,
                        "version": version,
                        "tombstone": False,
                        "created_at": at,
                        "updated_at": at,
                        "data": data,
                    }
                )
            conn.execute(Record.__table__.insert(), rows)


def test_a_long_history_shows_on_a_new_phone_and_news_then_reads_no_whole_kind(phone, app):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    today = date.fromisoformat(alex.evaluate(TODAY))
    alex_id, sam_id = user_id(alex), user_id(sam)
    alex.close()
    seed(app, alex_id, sam_id, today)

    # Alex's new phone: signed in, it pulls the whole history in pages.
    new_phone = phone()
    new_phone.add_init_script(COUNT_WHOLE_READS)
    page = new_phone.new_page()
    page.goto("/")
    page.get_by_role("button", name="I have an account").click()
    page.locator("#signin-email").fill("alex@example.test")
    page.locator("#signin-password").fill("a long enough password")
    page.locator("#signin-form").get_by_role("button", name="Sign in").click()
    expect(page.locator("#sync-status")).to_have_attribute(
        "data-state", "synced", timeout=SYNC_WAIT
    )
    expect(page.locator("#partner-checkin")).to_contain_text("Sam's day 1")
    open_section(page, "Timeline")
    expect(page.locator(".memory")).to_have_count(MEMORIES)
    look_back(page)
    reading = open_day(page, today - timedelta(days=2))
    expect(reading.locator(".history-entry")).to_have_count(2)
    expect(reading).to_contain_text("Alex's day 2")
    expect(reading).to_contain_text("Sam's day 2")
    open_section(page, "Today")

    # Sam checks in: Alex's open Today shows it, from what the page already holds.
    page.evaluate("window.__wholeReads.length = 0")
    save_checkin(sam, "Made it home before the rain")
    expect(page.locator("#partner-checkin")).to_contain_text("Made it home before the rain")
    expect(page.locator("#sync-status")).to_have_attribute("data-state", "synced")
    assert page.evaluate("window.__wholeReads") == []

    shared = page.evaluate(FROZEN, alex_id)
    assert shared == {"count": 2 * DAYS + 1, "shared": True, "frozen": True, "changed": False}
    assert unexpected(new_phone) == []
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


# A first read of a kind in flight while a write commits (it may or may not have seen it), and
# while another tab writes (whose values this page does not know).
READ_DURING_WRITES = """async () => {
  const { cachedKind, forgetKinds, noteWrites } = await import('/js/core/record-cache.js');
  const db = {};  // the copy in memory belongs to one database object
  const stored = [
    { id: 'a', kind: 'checkin', note: 'before' },
    { id: 'c', kind: 'checkin', note: 'gone' },
  ];
  let answer;
  const slowRead = () => new Promise((ok) => { answer = () => ok(structuredClone(stored)); });
  const reads = [];
  const counted = (read) => () => { reads.push(1); return read(); };
  const first = cachedKind(db, 'checkin', counted(slowRead));
  const joined = cachedKind(db, 'checkin', counted(slowRead));
  noteWrites(db, new Map([
    ['a', { id: 'a', kind: 'checkin', note: 'after' }],
    ['b', { id: 'b', kind: 'checkin', note: 'new' }],
    ['c', null],
    ['m', { id: 'm', kind: 'memory', title: 'not a check-in' }],
  ]));
  answer();
  const notes = (list) => list.map((r) => `${r.id}:${r.note}`);
  const seen = [notes(await first), notes(await joined)];
  seen.push(notes(await cachedKind(db, 'checkin', counted(slowRead))));

  const spoiled = cachedKind(db, 'memory', counted(slowRead));
  forgetKinds(db, new Set(['memory']));
  answer();
  await spoiled;
  const again = cachedKind(db, 'memory', counted(slowRead));
  answer();
  await again;
  return { seen, reads: reads.length };
}"""


def test_a_read_in_flight_while_a_write_commits_keeps_the_write(phone):
    page = phone().new_page()
    page.goto("/")
    after = ["a:after", "b:new"]
    # Two screens share the one read; the write shows in it; the next ask reads nothing.
    # Another tab's write spoils a read in flight: the next ask reads again (3 reads in all).
    assert page.evaluate(READ_DURING_WRITES) == {"seen": [after, after, after], "reads": 3}
