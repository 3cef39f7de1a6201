"""Push fixtures: browsers' subscriptions with their private keys, and a look at what is stored."""

from __future__ import annotations

import base64
import itertools
import os
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from server.extensions import db
from server.push.models import PushSubscription

_n = itertools.count(1)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Browser:
    """A browser's push subscription and the secrets only the browser knows."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    def body(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)},
        }


@pytest.fixture
def make_browser():
    """Make a subscription for a push service at `base` (https by default)."""

    def make(base: str = "https://push.example.test") -> Browser:
        return Browser(
            f"{base}/send/{next(_n)}-{os.urandom(4).hex()}",
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
        )

    return make


@pytest.fixture
def subscribe(make_browser):
    """Subscribe a user's signed-in client; return the browser."""

    def sub(user_client, base: str = "https://push.example.test") -> Browser:
        browser = make_browser(base)
        response = user_client.post("/api/push/subscriptions", json=browser.body())
        assert response.status_code == 200, response.json
        return browser

    return sub


def stored_endpoints(app, user_id: str | None = None) -> set[str]:
    """Return the endpoints the server would notify (of one user, or of everybody)."""
    with app.app_context():
        stmt = select(PushSubscription.endpoint, PushSubscription.user_id)
        rows = db.session.execute(stmt).all()
        db.session.remove()
    return {e for e, u in rows if user_id is None or str(u) == user_id}


@pytest.fixture
def push_service():
    """A push service on loopback that verifies VAPID and keeps what it gets."""
    from tests.push import push_service as ps

    service, server = ps.start()
    yield service
    service.release.set()
    server.shutdown()
    server.server_close()
