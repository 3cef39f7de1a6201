"""The push task queue (huey): where work waits, and the tasks the worker runs.

SQLite storage in the instance folder by default, Redis in production,
immediate (run in place) in tests. Every task runs in an app context and
starts only after the data it is about has been committed.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import delete, select

from server import events
from server.db import write_transaction
from server.extensions import db
from server.push import guard, keys, messages, notify
from server.push.models import PushSubscription
from server.push.sender import GONE, REFUSED, RETRY, SENT, Sender
from server.sync.registry import MutationContext, Pushed, after_commit, before_commit

log = logging.getLogger(__name__)


def _make_huey(app: Flask) -> Huey:
    mode = app.config["PUSH_QUEUE"]
    name = app.config["PUSH_QUEUE_NAME"]
    if mode == "redis":
        if not app.config.get("REDIS_URL"):
            raise RuntimeError("PUSH_QUEUE=redis needs REDIS_URL")
        return RedisHuey(name, url=app.config["REDIS_URL"], results=False)
    if mode == "sqlite":
        return SqliteHuey(name, filename=app.config["PUSH_QUEUE_FILE"], results=False)
    if mode == "memory":
        return MemoryHuey(name, results=False)
    if mode == "immediate":
        return MemoryHuey(name, results=False, immediate=True)
    raise RuntimeError(f"PUSH_QUEUE must be sqlite, redis, memory or immediate, not {mode!r}")


class PushQueue:
    """The app's huey instance and its tasks."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = _make_huey(app)
        self._sender: Sender | None = None
        huey = self.huey

        @huey.task(name="push.note_changes")
        def note_changes(author_id: str, space_id: str, changes: list[dict]) -> None:
            with app.app_context():
                due = notify.note_changes(uuid.UUID(author_id), uuid.UUID(space_id), changes)
                self._schedule(due)

        @huey.task(name="push.note_unpaired")
        def note_unpaired(former_partner_id: str) -> None:
            with app.app_context():
                self._schedule(notify.note_unpaired(uuid.UUID(former_partner_id)))

        @huey.task(name="push.deliver")
        def deliver(recipient_id: str, kind: str) -> None:
            with app.app_context():
                outgoing, held = notify.take_due(uuid.UUID(recipient_id), kind)
                if held is not None:
                    self.deliver.schedule((recipient_id, kind), eta=held)
                for item in outgoing:
                    self.send(item.subscription_id, message_dict(item.message), 1)

        @huey.task(name="push.send")
        def send(subscription_id: int, message: dict, attempt: int) -> None:
            with app.app_context():
                self._send(subscription_id, message, attempt)

        self.note_changes, self.note_unpaired = note_changes, note_unpaired
        self.deliver, self.send = deliver, send

    @property
    def sender(self) -> Sender:
        """The sender, made on first use so that an app that never sends needs no key."""
        if self._sender is None:
            self._sender = Sender(self.app)
        return self._sender

    def _schedule(self, due: list[notify.Due]) -> None:
        for item in due:
            args = (str(item.recipient_id), item.kind)
            if item.at <= notify.clock():
                self.deliver(*args)
            else:
                self.deliver.schedule(args, eta=item.at)

    def _send(self, subscription_id: int, message: dict, attempt: int) -> None:
        found = db.session.execute(
            select(
                PushSubscription.endpoint,
                PushSubscription.p256dh,
                PushSubscription.auth,
                PushSubscription.origin,
            ).where(PushSubscription.id == subscription_id)
        ).first()
        db.session.rollback()  # no transaction held open while waiting on the network
        if found is None:
            return  # unsubscribed or signed out meanwhile
        msg = messages.Message(**message)
        outcome = self.sender.send(
            found.endpoint,
            found.p256dh,
            found.auth,
            messages.payload(msg, found.origin),
            topic=msg.tag,
            urgency="normal",
        )
        if outcome.status == SENT:
            return
        if outcome.status in (GONE, REFUSED):
            # Refused: never connected to, and removed like a gone one; a real browser's
            # app posts its subscription again at the next start.
            with write_transaction():
                db.session.execute(
                    delete(PushSubscription).where(PushSubscription.id == subscription_id)
                )
            if outcome.status == GONE:
                log.info("removed a push subscription its service no longer knows")
            else:
                log.warning("removed a push subscription that is not sent to: %s", outcome.detail)
            return
        config = self.app.config
        if outcome.status == RETRY and attempt < config["PUSH_ATTEMPTS"]:
            backoff = config["PUSH_RETRY_BASE_SECONDS"] * 2 ** (attempt - 1)
            delay = min(config["PUSH_RETRY_MAX_SECONDS"], max(backoff, outcome.retry_after or 0))
            delay *= random.uniform(1.0, 1.25)  # spread retries of many devices
            log.info("push attempt %d failed (%s); again in %.1fs", attempt, outcome.detail, delay)
            self.send.schedule((subscription_id, message, attempt + 1), delay=delay)
            return
        log.warning("push not delivered after %d attempts: %s", attempt, outcome.detail)

    def run_due(self, until: datetime | None = None) -> int:
        """Run the scheduled tasks due by `until` (naive UTC); return how many ran (tests)."""
        ran = 0
        for _ in range(20):  # a task may schedule another that is due too; never loop forever
            tasks = self.huey.read_schedule(until)
            if not tasks:
                break
            for task in tasks:
                self.huey.execute(task, until)
                ran += 1
        return ran


def message_dict(message: messages.Message) -> dict:
    """The message as a task argument (what the service worker shows)."""
    return {"title": message.title, "body": message.body, "path": message.path, "tag": message.tag}


def queue_of(app: Flask) -> PushQueue:
    """Return the app's push queue."""
    return app.extensions["hearth_push_queue"]


@before_commit
def _partner_to_tell(ctx: MutationContext) -> None:
    """Under the push's transaction: whether the partner has a device to notify."""
    partner = ctx.partner
    if partner is not None and any(change.shared for change in ctx.applied):
        ctx.notes["partner_to_tell"] = partner.id if notify.has_devices(partner.id) else None


@after_commit
def _on_push_committed(pushed: Pushed) -> None:
    """Hand a push's partner-visible changes to the worker (private ones never leave)."""
    from flask import current_app

    visible = [
        {
            "mutation": c.mutation,
            "kind": c.kind,
            "record_id": str(c.record_id),
            "created": c.created,
            "shared": True,
        }
        for c in pushed.applied
        if c.shared
    ]
    # Nobody to tell (the partner has no device): nothing is queued.
    if visible and pushed.notes.get("partner_to_tell") is not None:
        queue_of(current_app).note_changes(str(pushed.user_id), str(pushed.space_id), visible)


@events.unpaired.connect
def tell_unpaired(_sender, *, others: list[uuid.UUID], **_kwargs) -> None:
    """Let the other partner know, without content, that the couple has ended."""
    from flask import current_app

    for partner_id in others:
        try:
            queue_of(current_app).note_unpaired(str(partner_id))
        except Exception:
            log.exception("could not queue the unpairing notice")


def init_app(app: Flask) -> None:
    """Check the push settings, create the app's push queue and hook it to committed pushes."""
    config = app.config
    config["VAPID_SUBJECT"] = keys.subject(config["VAPID_SUBJECT"], config.get("PUBLIC_URL", ""))
    guard.policy_of(config)  # a bad PUSH_ALLOWED_HOSTS stops the start, not each send
    app.extensions["hearth_push_queue"] = PushQueue(app)
