"""The mutation registry: each domain registers its kinds and its mutators here.

A mutator gets a MutationContext and its validated arguments, and changes
records only through the context, which stamps every change with the push's
version. It raises Rejected for anything not allowed; the push reports the
reason and moves on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from server.extensions import db
from server.spaces.members import partner_of
from server.sync.models import PRIVATE, SHARED, Record

if TYPE_CHECKING:
    from server.accounts.models import User
    from server.spaces.models import Space


class Rejected(Exception):
    """A mutation that is not allowed or not valid: rejected for good, with a reason."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields


class Transient(Exception):
    """A failure worth retrying later: the push stops and answers 503."""


def json_size(value: Any) -> int:
    """Return how many characters the value takes as compact JSON (what a pull carries)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def unusable_id() -> Rejected:
    """The refusal of an id a new record may not take, the same whatever holds it."""
    return Rejected(
        "invalid",
        "Nothing you can see has this id, and a new record needs a new random id.",
        {"id": "Use a new random id."},
    )


def keep_shared(record: Record, visibility: str, message: str) -> None:
    """Refuse to make a shared record private again: the partner may have read it."""
    if record.visibility == SHARED and visibility == PRIVATE:
        raise Rejected("already_shared", message, {"visibility": "Shared already."})


@dataclass(frozen=True)
class Change:
    """What an applied mutation did to a record, in plain values that outlive the transaction."""

    mutation: str
    kind: str
    record_id: uuid.UUID
    created: bool
    # Shared and not deleted: the partner can see it.
    shared: bool
    # Shared at some time: the partner's devices hold it (or its deletion is news to them).
    ever_shared: bool = False


@dataclass(frozen=True)
class Pushed:
    """A committed push, for the after-commit hooks: read while its transaction was open.

    What the hooks need is gathered before the commit, on the push's own connection, so
    that telling others costs the request no second transaction.
    """

    user_id: uuid.UUID
    space_id: uuid.UUID
    version: int
    # The space's members when the push committed (the space row was locked).
    members: tuple[uuid.UUID, ...]
    applied: list[Change]
    # What the before-commit hooks noted, by name.
    notes: dict[str, Any]


def local_today(user: User, now: datetime) -> date:
    """Return the user's local date at `now`."""
    return now.astimezone(ZoneInfo(user.time_zone)).date()


@dataclass
class MutationContext:
    user: User
    space: Space
    version: int
    now: datetime
    changed: list[Record] = field(default_factory=list)
    # Ids looked up and found free, so that creating them needs no second query.
    free_ids: set[uuid.UUID] = field(default_factory=set)
    # What the applied mutations changed, for the after-commit hooks.
    applied: list[Change] = field(default_factory=list)
    # What the before-commit hooks note for their after-commit halves.
    notes: dict[str, Any] = field(default_factory=dict)
    # Records the running mutation created (True) or changed (False).
    touched: dict[uuid.UUID, tuple[Record, bool]] = field(default_factory=dict)
    # Records this push created: found without a query, flushed or not (the identity map
    # holds no pending record).
    created: dict[uuid.UUID, Record] = field(default_factory=dict)

    def begin_mutation(self) -> None:
        """Start recording what the next mutation changes."""
        self.touched = {}

    def drop_mutation(self) -> None:
        """Forget what a refused mutation created: its changes are rolled back."""
        for record_id, (_record, created) in self.touched.items():
            if created:
                self.created.pop(record_id, None)
        self.touched = {}

    def end_mutation(self, name: str) -> None:
        """Keep what the mutation that just applied changed."""
        for record, created in self.touched.values():
            shared = record.visibility == SHARED and not record.tombstone
            self.applied.append(
                Change(name, record.kind, record.id, created, shared, record.ever_shared)
            )
        self.touched = {}

    @cached_property
    def partner(self) -> User | None:
        """The user's partner, looked up the first time a mutation needs it."""
        return partner_of(self.user)

    def meet_partner(self, partner: User | None) -> None:
        """Take the partner as already read (the push reads both members at once)."""
        self.__dict__["partner"] = partner

    def today(self, user: User | None = None) -> date:
        """The local date of the user (by default the one pushing)."""
        return local_today(user or self.user, self.now)

    def require_couple(self) -> User:
        """Reject unless the user is paired; return the partner."""
        if self.partner is None:
            raise Rejected("needs_partner", "This needs a partner: pair first.")
        return self.partner

    def prefetch(self, ids: Iterable[uuid.UUID]) -> None:
        """Load the records of these ids at once: finding them later asks the database nothing.

        The records found stay in the session; the ids not found are noted free (creating a
        record takes its id out again, and a mutation rolled back leaves it to be looked up).
        """
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), PREFETCH_CHUNK):
            chunk = wanted[start : start + PREFETCH_CHUNK]
            found = db.session.scalars(
                select(Record).where(Record.space_id == self.space.id, Record.id.in_(chunk))
            ).all()
            self.free_ids.update(set(chunk) - {record.id for record in found})

    def find(self, kind: str, record_id: uuid.UUID) -> Record | None:
        """Return the record of this space with this id and kind, whoever may see it."""
        if record_id in self.free_ids:
            return None
        record = self.created.get(record_id) or db.session.get(Record, (self.space.id, record_id))
        if record is None:
            self.free_ids.add(record_id)
        if record is None or record.kind != kind:
            return None
        return record

    def find_visible(self, kind: str, record_id: uuid.UUID) -> Record | None:
        """Return the record of this kind if the user may see it; None whether or not it exists."""
        record = self.find(kind, record_id)
        return record if record is not None and record.visible_to(self.user.id) else None

    def get(self, kind: str, record_id: uuid.UUID, *, allow_tombstone: bool = False) -> Record:
        """Return a record the user may see, or reject as not found (never revealing it)."""
        record = self.find(kind, record_id)
        if (
            record is None
            or not record.visible_to(self.user.id)
            or (record.tombstone and not allow_tombstone)
        ):
            raise Rejected("not_found", f"No such {kind}.")
        return record

    def writable(self, kind: str, record_id: uuid.UUID) -> Record:
        """Return a record the user may see and that is not an archived copy."""
        record = self.get(kind, record_id)
        if record.archived:
            raise Rejected("archived", "This is an archived copy and cannot change.")
        return record

    def create(
        self,
        kind: str,
        record_id: uuid.UUID,
        *,
        data: dict[str, Any],
        visibility: str = SHARED,
        state: str | None = None,
        due_on: date | None = None,
        derived_id: bool = False,
    ) -> Record:
        """Add a new record authored by the user; an id in use (any kind) is rejected.

        Ids are random, except the check-ins' (`derived_id`): a name-based id could be
        computed by someone else, as the partner can compute a check-in's.
        """
        if not derived_id and record_id.version in (3, 5):
            raise unusable_id()
        if record_id not in self.free_ids:
            existing = self.created.get(record_id) or db.session.get(
                Record, (self.space.id, record_id)
            )
            if existing is not None and not existing.visible_to(self.user.id):
                # Told as any unusable id is: "exists" would reveal a record one may not see.
                raise unusable_id()
            if existing is not None:
                raise Rejected(
                    "exists", "Something with this id exists already.", {"id": "In use."}
                )
        self.free_ids.discard(record_id)
        record = Record(
            space_id=self.space.id,
            id=record_id,
            kind=kind,
            author_id=self.user.id,
            visibility=visibility,
            ever_shared=visibility == SHARED,
            archived=False,
            tombstone=False,
            version=self.version,
            state=state,
            due_on=due_on,
            created_at=self.now,
            updated_at=self.now,
            data=data,
        )
        db.session.add(record)
        self.created[record_id] = record
        self.changed.append(record)
        self.touched[record_id] = (record, True)
        return record

    def touch(self, record: Record) -> None:
        """Mark the record changed by this push (call after every change)."""
        record.version = self.version
        record.updated_at = self.now
        if record.visibility == SHARED:
            record.ever_shared = True
        flag_modified(record, "data")
        if record not in self.changed:
            self.changed.append(record)
        self.touched.setdefault(record.id, (record, False))

    def bury(self, record: Record) -> None:
        """Turn the record into a tombstone: its content is gone for good."""
        record.tombstone = True
        record.data = {}
        record.state = None
        record.due_on = None
        record.deleted_at = record.deleted_at or self.now
        self.touch(record)

    def set_visibility(self, record: Record, visibility: str) -> None:
        """Let the author share or unshare a record."""
        if visibility not in (SHARED, PRIVATE):
            raise Rejected("invalid", "Visibility is shared or private.")
        if record.author_id != self.user.id:
            raise Rejected("not_author", "Only the author can change who sees this.")
        record.visibility = visibility


MutatorFn = Callable[[MutationContext, dict[str, Any]], None]
# Ids a mutation will look up beyond those its arguments name (`id`, `*_id`), read from its
# arguments before validation (anything may be in them): for the push's prefetch.
IdsFn = Callable[[MutationContext, dict[str, Any]], Iterable[uuid.UUID]]
# Ids per query of the prefetch (well below SQLite's limit of bound parameters).
PREFETCH_CHUNK = 500


@dataclass
class Mutator:
    name: str
    schema: ma.Schema
    fn: MutatorFn
    ids: IdsFn | None = None


MUTATORS: dict[str, Mutator] = {}
# Run at the start of every push, under the space lock (e.g. promises turning missed).
BEFORE_PUSH: list[Callable[[MutationContext], None]] = []
# Run in a push that changed something, just before its commit: a chance to read, under
# the space lock and on the push's connection, what the after-commit half will need.
BEFORE_COMMIT: list[Callable[[MutationContext], None]] = []
# Run after a push that changed something has committed.
AFTER_COMMIT: list[Callable[[Pushed], None]] = []
# Per kind: a function adding derived fields to a record's value (or None).
PRESENTERS: dict[str, Callable[[Record], dict[str, Any]] | None] = {}
# Per kind whose ids depend on the space: the id a record takes in another space.
REKEYERS: dict[str, Callable[[Record, uuid.UUID], uuid.UUID]] = {}


def mutator(
    name: str, schema: type[ma.Schema], ids: IdsFn | None = None
) -> Callable[[MutatorFn], MutatorFn]:
    """Register a mutator under its name, with the schema of its arguments."""

    def register(fn: MutatorFn) -> MutatorFn:
        if name in MUTATORS:
            raise RuntimeError(f"mutator {name} registered twice")
        MUTATORS[name] = Mutator(name, schema(), fn, ids)
        return fn

    return register


def before_push(fn: Callable[[MutationContext], None]) -> Callable[[MutationContext], None]:
    """Register a function run with the context at the start of every push."""
    BEFORE_PUSH.append(fn)
    return fn


def before_commit(fn: Callable[[MutationContext], None]) -> Callable[[MutationContext], None]:
    """Register a function run with the context before a push that changed something commits."""
    BEFORE_COMMIT.append(fn)
    return fn


def after_commit(fn: Callable[[Pushed], None] | None = None, *, first: bool = False):
    """Register a function run after every push that changed something has committed."""

    def register(fn):
        if first:
            AFTER_COMMIT.insert(0, fn)
        else:
            AFTER_COMMIT.append(fn)
        return fn

    return register(fn) if fn is not None else register


def kind(
    name: str,
    present: Callable[[Record], dict[str, Any]] | None = None,
    rekey: Callable[[Record, uuid.UUID], uuid.UUID] | None = None,
) -> None:
    """Register a record kind, with an optional presenter of derived fields and re-keyer."""
    PRESENTERS[name] = present
    if rekey is not None:
        REKEYERS[name] = rekey


def record_value(record: Record) -> dict[str, Any]:
    """Return the record as a client sees it: common fields, kind fields, derived fields."""
    value: dict[str, Any] = {
        "id": str(record.id),
        "kind": record.kind,
        "space_id": str(record.space_id),
        "author_id": str(record.author_id),
        "visibility": record.visibility,
        "archived": record.archived,
        "version": record.version,
        "deleted": record.deleted_at is not None,
        "deleted_at": record.deleted_at.isoformat() if record.deleted_at else None,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }
    value.update(record.data)
    present = PRESENTERS.get(record.kind)
    if present is not None:
        value.update(present(record))
    return value


def records_of(space_id: uuid.UUID, kind_name: str):
    """Select the live records of one kind in a space."""
    return select(Record).where(
        Record.space_id == space_id, Record.kind == kind_name, Record.tombstone.is_(False)
    )
