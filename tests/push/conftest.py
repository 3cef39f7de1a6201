"""Push fixtures: browsers' subscriptions with their private keys, and a look at what is stored."""

from __future__ import annotations

import base64
import itertools
import os
import socket
import ssl
from collections.abc import Callable
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


def _address_info(ip: str, port: int) -> tuple:
    if ":" in ip:
        return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))


class FakeNetwork:
    """The DNS and the internet as a test wants them.

    Names in `answers` resolve to what the test says (a list of addresses, or a
    function returning one); every other name asks the real resolver. Every
    outgoing TCP connection is noted in `connects`; one to an address in `routes`
    reaches the local service given there instead, as if it were on the internet.
    """

    def __init__(self, monkeypatch) -> None:
        self.answers: dict[str, list[str] | Callable[[], list[str]]] = {}
        self.routes: dict[tuple[str, int], tuple[str, int]] = {}
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []
        real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

        def getaddrinfo(host, port, *args, **kwargs):
            name = host.decode() if isinstance(host, bytes) else host
            if name not in self.answers:
                return real_getaddrinfo(host, port, *args, **kwargs)
            self.lookups.append(name)
            answer = self.answers[name]
            return [
                _address_info(ip, int(port)) for ip in (answer() if callable(answer) else answer)
            ]

        def connect(sock, address):
            self.connects.append((address[0], address[1]))
            return real_connect(sock, self.routes.get((address[0], address[1]), address))

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)

    def connects_to_port(self, port: int) -> list[tuple[str, int]]:
        return [c for c in self.connects if c[1] == port]


@pytest.fixture
def network(monkeypatch):
    return FakeNetwork(monkeypatch)


class Internal:
    """A service on this machine (or its network) that push messages must never reach."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def reached(self) -> bool:
        """Tell whether anything connected since the last look."""
        try:
            conn, _ = self.sock.accept()
        except BlockingIOError:
            return False
        conn.close()
        return True


@pytest.fixture
def internal():
    service = Internal()
    yield service
    service.sock.close()


@pytest.fixture(scope="session")
def test_ca():
    """A certificate authority of the tests' own, for push services on loopback."""
    import trustme

    return trustme.CA()


@pytest.fixture
def tls_push_service(test_ca):
    """Start TLS push services for a host name; the app's sender must trust `test_ca`."""
    from tests.push import push_service as ps

    started = []

    def start(host: str, port: int):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        test_ca.issue_cert(host).configure_cert(context)
        service, server = ps.start(context, base=f"https://{host}:{port}")
        started.append((service, server))
        return service, server.server_address[1]

    yield start
    for service, server in started:
        service.release.set()
        server.shutdown()
        server.server_close()


def trust_test_ca(app, test_ca, tmp_path) -> None:
    """Make the app's push sender (in this thread) trust the tests' certificate authority."""
    from server.push.queue import queue_of

    bundle = tmp_path / "test-ca.pem"
    test_ca.cert_pem.write_to_path(str(bundle))
    queue_of(app).sender.session().verify = str(bundle)
