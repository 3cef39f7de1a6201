"""A push service on loopback, as browsers' vendors run them, for tests without internet.

It checks each request's VAPID signature (py-vapid) and keeps what it received;
tests decrypt the bodies with the browser's private key (http_ece). How it
answers is scripted per endpoint: 201 by default, or a list of answers, where
"hold" answers nothing until the test releases it (a sender sees a timeout) and
a (status, headers) pair answers with those headers. It speaks TLS when given a
server context, as the push services on the internet do.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from py_vapid import Vapid02

HOLD = "hold"


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    claims: dict
    vapid_key: str
    answered: int = 0

    def decrypt(self, browser) -> dict:
        """Decrypt the message with the browser's private key; return the JSON it held."""
        assert self.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            self.body,
            private_key=browser.private_key,
            auth_secret=browser.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


@dataclass
class PushService:
    base: str = ""
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    script: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    release: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def answer_next(self, browser, *answers) -> None:
        """Script the next answers for a browser's endpoint (statuses, (status, headers), HOLD)."""
        self.script[_path(browser.endpoint)].extend(answers)

    def for_browser(self, browser) -> list[Received]:
        """The messages taken (2xx) for this browser."""
        path = _path(browser.endpoint)
        return [r for r in self.received if r.path == path and 200 <= r.answered < 300]

    def attempts(self, browser) -> list[Received]:
        path = _path(browser.endpoint)
        return [r for r in self.received if r.path == path]

    def wait_for(self, test, timeout: float = 10.0) -> None:
        """Wait until test() holds, woken by each request (fail after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not test():
                left = deadline - time.monotonic()
                assert left > 0, "the push service did not get what was expected in time"
                self.changed.wait(left)


def _path(endpoint: str) -> str:
    return "/" + endpoint.split("/", 3)[3]


def _handler(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            auth = headers.get("authorization", "")
            try:
                assert Vapid02.verify(auth), "bad signature"
                token = auth.split("t=", 1)[1].split(",", 1)[0]
                claims = json.loads(_b64url(token.split(".")[1]))
                key = auth.split("k=", 1)[1].split(",", 1)[0]
                assert claims["aud"] == service.base, claims
                assert claims["exp"] > time.time() and claims["sub"], claims
            except (AssertionError, IndexError, ValueError) as error:
                service.refused.append(str(error))
                self.send_response(403)
                self.end_headers()
                return
            got = Received(self.path, headers, body, claims, key)
            with service.changed:
                service.received.append(got)
                script = service.script[self.path]
                answer = script.pop(0) if script else 201
                service.changed.notify_all()
            if answer == HOLD:
                service.release.wait(30)
                return  # no answer at all: the sender's read times out
            status, headers = answer if isinstance(answer, tuple) else (answer, {})
            with service.changed:
                got.answered = status
                service.changed.notify_all()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True


def start(tls: ssl.SSLContext | None = None, base: str | None = None) -> tuple[PushService, Server]:
    """Start a push service on a free loopback port (over TLS with a context; `base`: its URL)."""
    service = PushService()
    server = Server(("127.0.0.1", 0), _handler(service))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    service.base = base or f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server
