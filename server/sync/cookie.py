"""The pull cookie: opaque to clients, signed, naming the space, version and position."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

# Bump when the shape of pulled values changes: every client then takes a full snapshot.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Cookie:
    space_id: uuid.UUID
    # Everything up to (version, after_id) has been delivered; after_id None means all of version.
    version: int
    after_id: uuid.UUID | None
    # While a reset snapshot is being paged: the space version it started at.
    baseline: int | None = None
    schema: int = SCHEMA_VERSION
    # The instance's restore epoch (server/backup/models.py); 0 until its first restore.
    epoch: int = 0


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="hearth-sync-cookie")


def encode(cookie: Cookie) -> str:
    """Sign the cookie into an opaque string."""
    return _serializer().dumps(
        [
            str(cookie.space_id),
            cookie.version,
            str(cookie.after_id) if cookie.after_id else "",
            cookie.baseline,
            cookie.schema,
            # Left out at 0, so a never-restored instance's cookies stay as they always were.
            *([cookie.epoch] if cookie.epoch else []),
        ]
    )


def decode(text: str | None) -> Cookie | None:
    """Read a cookie; anything unreadable or forged is None (the client gets a reset)."""
    if not text:
        return None
    try:
        space, version, after, baseline, schema, *rest = _serializer().loads(text)
        (epoch,) = rest or (0,)
        return Cookie(
            space_id=uuid.UUID(space),
            version=int(version),
            after_id=uuid.UUID(after) if after else None,
            baseline=int(baseline) if baseline is not None else None,
            schema=int(schema),
            epoch=int(epoch),
        )
    except (BadSignature, ValueError, TypeError):
        return None
