"""Push and pull: the server side of the sync protocol (DESIGN §4)."""

from __future__ import annotations

import functools
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import marshmallow as ma
from flask import current_app
from sqlalchemy import Select, and_, bindparam, or_, select, tuple_
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import aliased

from server.accounts.models import User
from server.backup.models import current_epoch, restored_since
from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.metrics import instruments as metrics
from server.spaces.members import partner_of
from server.spaces.models import Space, unpairing
from server.sync import cookie as cookies
from server.sync.models import SHARED, Record, SyncClient
from server.sync.moves import lock_space
from server.sync.registry import (
    AFTER_COMMIT,
    BEFORE_COMMIT,
    BEFORE_PUSH,
    MUTATORS,
    MutationContext,
    Pushed,
    Rejected,
    Transient,
    record_value,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ATTEMPTS = 10


class Retry(Exception):
    """Start the whole transaction again (serialization failure, a space that moved)."""


def _is_serialization_failure(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in {"40001", "40P01"}


def with_retries(attempt: Callable[[], T]) -> T:
    """Run a transaction, again on serialization failures, with a little jittered backoff."""
    for n in range(MAX_ATTEMPTS):
        try:
            return attempt()
        except Retry:
            pass
        except DBAPIError as error:
            if not _is_serialization_failure(error):
                raise
        db.session.rollback()
        time.sleep(random.uniform(0, 0.005 * 2**n))
    raise ApiError(503, "busy", "The server is busy. Try again.", headers={"Retry-After": "1"})


@contextmanager
def read_transaction() -> Iterator[None]:
    """One consistent snapshot for a whole read (REPEATABLE READ on PostgreSQL)."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        yield
    finally:
        db.session.rollback()


def _check_owner(owner_id: uuid.UUID | None, user_id: uuid.UUID) -> None:
    """A client id belongs to the user who first used it."""
    if owner_id is not None and owner_id != user_id:
        raise ApiError(403, "client_not_yours", "This client id belongs to another account.")


def _new_client(user_id: uuid.UUID, client_id: str) -> SyncClient:
    client = SyncClient(id=client_id, user_id=user_id, last_mutation_id=0)
    db.session.add(client)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Retry() from None  # the same client's other request created it first
    return client


class Careful(Exception):
    """Apply the batch again, each mutation in a savepoint of its own.

    The quick way applies mutations without savepoints (two round trips fewer each). It
    holds only while a refused mutation leaves nothing behind and the database refuses
    nothing: otherwise the whole transaction is rolled back and done the careful way.
    """


def _left_changes(ctx: MutationContext) -> bool:
    """Tell whether the running mutation may have changed anything.

    The quick way flushes only at the end of the batch, so the changes of the mutations
    before count too: a refusal after any of them is redone the careful way (refusals
    are rare; a batch that only creates and edits is the common case).
    """
    session = db.session
    return bool(ctx.touched or session.new or session.dirty or session.deleted)


def _apply(ctx: MutationContext, mutation: dict[str, Any], careful: bool) -> dict[str, Any]:
    """Apply one mutation (in its own savepoint when careful); return its result."""
    spec = MUTATORS.get(mutation["name"])
    try:
        if spec is None:
            raise Rejected("unknown_mutation", f"Unknown mutation {mutation['name']!r}.")
        try:
            args = spec.schema.load(mutation["args"])
        except ma.ValidationError as error:
            from server.errors import flatten_messages

            raise Rejected(
                "invalid", "Some arguments are not valid.", flatten_messages(error.messages)
            ) from None
        ctx.begin_mutation()
        if careful:
            with db.session.begin_nested():
                spec.fn(ctx, args)
        else:
            # Not flushed here: the batch's inserts and updates go out together at its end.
            try:
                spec.fn(ctx, args)
            except Rejected:
                if _left_changes(ctx):
                    raise Careful() from None
                raise
            except (Transient, DBAPIError) as error:
                if isinstance(error, DBAPIError) and _is_serialization_failure(error):
                    raise
                # Without a savepoint the transaction is lost: keep the mutations before.
                raise Careful() from None
        ctx.end_mutation(spec.name)
    except Rejected as rejection:
        ctx.drop_mutation()
        error = {"code": rejection.code, "message": rejection.message}
        if rejection.fields:
            error["fields"] = rejection.fields
        return {"id": mutation["id"], "status": "rejected", "error": error}
    return {"id": mutation["id"], "status": "applied"}


def _ids_named(ctx: MutationContext, mutations: Iterable[dict]) -> Iterator[uuid.UUID]:
    """Yield the record ids the mutations name, as far as they can be read before validation."""
    for mutation in mutations:
        args = mutation.get("args")
        if not isinstance(args, dict):
            continue
        for name, value in args.items():
            if (name == "id" or name.endswith("_id")) and isinstance(value, str):
                try:
                    yield uuid.UUID(value)
                except ValueError:
                    continue
        spec = MUTATORS.get(mutation.get("name"))
        if spec is not None and spec.ids is not None:
            yield from spec.ids(ctx, args)


def _push_once(
    user_id: uuid.UUID, client_id: str, mutations: list[dict], careful: bool
) -> dict[str, Any]:
    transient = False
    with write_transaction(repeatable_read=True):
        # Both members at once (each with the space, joined): the partner is often needed.
        space_of_user = select(User.space_id).where(User.id == user_id).scalar_subquery()
        members = db.session.scalars(
            select(User)
            .where(User.space_id == space_of_user)
            .execution_options(populate_existing=True)
        ).all()
        user = next((member for member in members if member.id == user_id), None)
        if user is None:
            raise ApiError(401, "unauthorized", "Sign in first.")
        client = db.session.scalar(
            select(SyncClient).where(SyncClient.id == client_id).with_for_update()
        )
        _check_owner(client.user_id if client else None, user.id)
        if client is not None and all(m["id"] <= client.last_mutation_id for m in mutations):
            # A retried request with nothing new: no lock on the space, no new version.
            return {"last_mutation_id": client.last_mutation_id, "results": []}
        version = lock_space(user.space_id)
        if version is None:
            raise Retry()  # the space was replaced by a pairing or unpairing meanwhile
        space = user.space
        seen = client.last_seen_at if client else None
        client = client or _new_client(user.id, client_id)
        first = next((m["id"] for m in mutations if m["id"] > client.last_mutation_id), None)
        if first is not None and first != client.last_mutation_id + 1 and restored_since(seen):
            # A restore took this counter back to the backup's; the device dropped the
            # mutations acknowledged since, so its next one is no gap (README, Backups).
            client.last_mutation_id = first - 1
        # The space is locked from here to the commit (on SQLite, the whole database):
        # past the budget, the client sends the rest in its next request.
        deadline = time.monotonic() + current_app.config["SYNC_PUSH_BUDGET_MS"] / 1000
        ctx = MutationContext(user=user, space=space, version=version, now=utcnow())
        ctx.meet_partner(partner_of(user, among=members))
        for hook in BEFORE_PUSH:
            hook(ctx)
        results = []
        # Counted here and written to the client row once, after the loop: writing it per
        # mutation would flush an UPDATE before every mutation's savepoint.
        last = client.last_mutation_id
        ctx.prefetch(_ids_named(ctx, (m for m in mutations if m["id"] > last)))
        # What came before the mutations is written now: what is left unwritten after a
        # refused one is its own (see _apply).
        db.session.flush()
        for mutation in mutations:
            if mutation["id"] <= last:
                continue  # already applied: a retried request changes nothing
            if mutation["id"] != last + 1:
                break  # a gap: wait for the missing mutations
            if results and time.monotonic() > deadline:
                break  # at least one goes through each time, so the client always gets on
            try:
                results.append(_apply(ctx, mutation, careful))
            except (Transient, OperationalError) as error:
                if isinstance(error, DBAPIError) and _is_serialization_failure(error):
                    raise
                log.warning("transient failure in mutation %s: %s", mutation["name"], type(error))
                transient = True
                break
            last = mutation["id"]
        client.last_mutation_id = last
        client.last_seen_at = ctx.now
        try:
            db.session.flush()
        except DBAPIError as error:
            if careful or _is_serialization_failure(error):
                raise
            raise Careful() from None  # which mutation the database refused is unknown
        pushed = _pushed(ctx) if ctx.applied else None
    if pushed is not None:
        _after_commit(pushed)
    if transient:
        raise ApiError(
            503,
            "transient",
            "A change could not be saved just now; the ones before it were. Try again.",
            headers={"Retry-After": "2"},
        )
    return {"last_mutation_id": last, "results": results}


def _pushed(ctx: MutationContext) -> Pushed:
    """Gather, before the commit, what the after-commit hooks will be told."""
    for hook in BEFORE_COMMIT:
        hook(ctx)
    partner = ctx.partner  # read with the user
    return Pushed(
        user_id=ctx.user.id,
        space_id=ctx.space.id,
        version=ctx.version,
        members=(ctx.user.id,) if partner is None else (ctx.user.id, partner.id),
        applied=ctx.applied,
        notes=ctx.notes,
    )


def _after_commit(pushed: Pushed) -> None:
    """Tell the after-commit hooks; the push has succeeded whatever they do."""
    for hook in AFTER_COMMIT:
        try:
            hook(pushed)
        except Exception:
            log.exception("after-commit hook %s failed", getattr(hook, "__name__", hook))


def push(user_id: uuid.UUID, client_id: str, schema_version: int, mutations: list[dict]) -> dict:
    """Apply a client's mutations in order, each at most once."""
    started = time.perf_counter()
    try:
        if schema_version != cookies.SCHEMA_VERSION:
            raise ApiError(
                409,
                "schema_mismatch",
                "This version of the app is out of date: reload it to update.",
            )
        try:
            answer = with_retries(lambda: _push_once(user_id, client_id, mutations, False))
        except Careful:
            answer = with_retries(lambda: _push_once(user_id, client_id, mutations, True))
    except ApiError as error:
        metrics.observe_push_failure(error.code, time.perf_counter() - started)
        raise
    metrics.observe_push(mutations, answer, time.perf_counter() - started)
    return answer


@functools.cache
def _pull_header() -> Select:
    """The statement that opens a pull: space, partner, restore epoch and the device's row.

    One statement and one snapshot (DESIGN §10: the partner as of the records), built
    once: with nothing new, it is the whole of the pull's reading.
    """
    partner = aliased(User)
    return (
        select(
            Space.id,
            Space.version,
            Space.purged_version,
            Space.kind,
            Space.created_at,
            Space.unpaired_by,
            partner.id.label("partner_id"),
            partner.display_name.label("partner_name"),
            partner.time_zone.label("partner_time_zone"),
            current_epoch().label("epoch"),
            SyncClient.user_id.label("client_owner"),
            SyncClient.last_mutation_id,
        )
        .join(User, User.space_id == Space.id)
        .outerjoin(partner, and_(partner.space_id == Space.id, partner.id != User.id))
        .outerjoin(SyncClient, SyncClient.id == bindparam("client_id"))
        .where(User.id == bindparam("user_id"))
    )


def _changes(
    user_id: uuid.UUID, space_id: uuid.UUID, version: int, cookie: cookies.Cookie, limit: int
) -> tuple[list[dict], cookies.Cookie]:
    """Read the page of changes after the cookie; return it and the cookie that follows it."""
    visible = or_(Record.author_id == user_id, Record.visibility == SHARED)
    if cookie.baseline is None:
        shown = or_(visible, Record.ever_shared)
    else:
        # A snapshot skips what the client cannot have: tombstones and unshared
        # records from before it started; later changes come as they are.
        shown = or_(
            and_(visible, Record.tombstone.is_(False)),
            and_(Record.version > cookie.baseline, or_(visible, Record.ever_shared)),
        )
    if cookie.after_id is None:
        after = Record.version > cookie.version
    else:
        after = tuple_(Record.version, Record.id) > tuple_(cookie.version, cookie.after_id)
    rows = db.session.scalars(
        select(Record)
        .where(Record.space_id == space_id, after, shown)
        .order_by(Record.version, Record.id)
        .limit(limit + 1)
    ).all()
    patch = []
    for record in rows[:limit]:
        if record.tombstone or not record.visible_to(user_id):
            patch.append({"op": "del", "kind": record.kind, "id": str(record.id)})
        else:
            patch.append(
                {
                    "op": "put",
                    "kind": record.kind,
                    "id": str(record.id),
                    "value": record_value(record),
                }
            )
    if len(rows) > limit:
        last = rows[limit - 1]
        return patch, cookies.Cookie(
            space_id, last.version, last.id, cookie.baseline, epoch=cookie.epoch
        )
    return patch, cookies.Cookie(space_id, version, None, epoch=cookie.epoch)


def _pull_once(user_id: uuid.UUID, client_id: str, cookie_text: str | None, limit: int) -> dict:
    with read_transaction():
        # Plain rows, not entities: a pull with nothing new should cost next to nothing.
        space = db.session.execute(
            _pull_header(), {"user_id": user_id, "client_id": client_id}
        ).first()
        if space is None:
            raise ApiError(401, "unauthorized", "Sign in first.")
        _check_owner(space.client_owner, user_id)
        cookie = cookies.decode(cookie_text)
        reset = (
            cookie is None
            or cookie.space_id != space.id
            or cookie.schema != cookies.SCHEMA_VERSION
            or (cookie.baseline is None and cookie.version < space.purged_version)
            or cookie.epoch != (space.epoch or 0)  # a cookie from before a restore
        )
        if reset:
            cookie = cookies.Cookie(space.id, 0, None, space.version, epoch=space.epoch or 0)
        assert cookie is not None
        if not reset and cookie.after_id is None and cookie.version == space.version:
            # Nothing new: no record has a version past its space's (they are written
            # together), so the records need not be read and the cookie stays as it is.
            patch, has_more, next_text = [], False, cookie_text
        else:
            patch, next_cookie = _changes(user_id, space.id, space.version, cookie, limit)
            has_more = next_cookie.after_id is not None  # it names where the page ended
            next_text = cookies.encode(next_cookie)
        return {
            "cookie": next_text,
            "last_mutation_id": space.last_mutation_id or 0,
            "reset": reset,
            "patch": patch,
            "has_more": has_more,
            "space": {
                "id": space.id,
                "kind": space.kind,
                "unpaired": unpairing(space.unpaired_by, space.created_at),
            },
            "partner": None
            if space.partner_id is None
            else {
                "id": space.partner_id,
                "display_name": space.partner_name,
                "time_zone": space.partner_time_zone,
            },
        }


def pull(user_id: uuid.UUID, client_id: str, cookie_text: str | None, limit: int) -> dict:
    """Return what changed for this user since the cookie (or a snapshot, with reset)."""
    started = time.perf_counter()
    try:
        answer = with_retries(lambda: _pull_once(user_id, client_id, cookie_text, limit))
    except ApiError as error:
        metrics.observe_pull_failure(error.code, time.perf_counter() - started)
        raise
    metrics.observe_pull(answer, time.perf_counter() - started)
    return answer
