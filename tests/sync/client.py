"""A model of the PWA's sync engine in Python: an outbox, push, paged pull and reset.

Tests drive real HTTP requests through it, the way a phone would.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from server.accounts.models import User
from server.extensions import db
from server.sync.cookie import SCHEMA_VERSION
from server.sync.models import Record
from server.sync.registry import record_value


class SyncTestClient:
    """One device of one user: its local copy of the records and its outbox."""

    def __init__(self, api, client_id: str | None = None) -> None:
        self.api = api
        self.client_id = client_id or uuid.uuid4().hex
        self.cookie: str | None = None
        self.records: dict[str, dict[str, Any]] = {}
        self.outbox: list[dict[str, Any]] = []
        self.next_mutation_id = 1
        self.results: dict[int, dict[str, Any]] = {}
        self.resets = 0

    def mutate(self, name: str, **args: Any) -> int:
        """Queue a mutation (offline is fine); return its id."""
        mutation_id = self.next_mutation_id
        self.next_mutation_id += 1
        self.outbox.append({"id": mutation_id, "name": name, "args": _jsonable(args)})
        return mutation_id

    def push_request(self, mutations: list[dict] | None = None):
        """Send one push; return the raw response."""
        batch = self.outbox[:100] if mutations is None else mutations
        return self.api.post(
            "/api/sync/push",
            json={
                "client_id": self.client_id,
                "schema_version": SCHEMA_VERSION,
                "mutations": batch,
            },
        )

    def push(self) -> dict[str, Any]:
        """Push the whole outbox; forget what the server acknowledged."""
        body: dict[str, Any] = {}
        while self.outbox:
            response = self.push_request()
            assert response.status_code == 200, response.json
            body = response.json
            for result in body["results"]:
                self.results[result["id"]] = result
            before = len(self.outbox)
            self._acknowledge(body["last_mutation_id"])
            if len(self.outbox) == before:
                break  # a gap or nothing accepted: try again later
        return body

    def _acknowledge(self, last_mutation_id: int) -> None:
        self.outbox = [m for m in self.outbox if m["id"] > last_mutation_id]

    def pull_request(self, limit: int = 500):
        return self.api.post(
            "/api/sync/pull",
            json={"client_id": self.client_id, "cookie": self.cookie, "limit": limit},
        )

    def apply_pull(self, body: dict[str, Any]) -> None:
        """Apply one pull page to the local copy."""
        if body["reset"]:
            self.records = {}
            self.resets += 1
        for op in body["patch"]:
            if op["op"] == "put":
                self.records[op["id"]] = op["value"]
            else:
                self.records.pop(op["id"], None)
        self.cookie = body["cookie"]
        self._acknowledge(body["last_mutation_id"])

    def pull(self, limit: int = 500) -> int:
        """Pull every page; return how many pages it took."""
        pages = 0
        while True:
            response = self.pull_request(limit)
            assert response.status_code == 200, response.json
            self.apply_pull(response.json)
            pages += 1
            if not response.json["has_more"]:
                return pages

    def sync(self) -> None:
        self.push()
        self.pull()

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records.values() if r["kind"] == kind]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def server_view(app, user_id: str) -> dict[str, dict[str, Any]]:
    """What the server holds that this user may see: the state every device must reach."""
    with app.app_context():
        user = db.session.get(User, uuid.UUID(user_id))
        rows = db.session.scalars(
            sa.select(Record).where(Record.space_id == user.space_id, Record.tombstone.is_(False))
        ).all()
        return {str(r.id): record_value(r) for r in rows if r.visible_to(user.id)}
