"""Sending one encrypted message to one push service (RFC 8030, 8291, 8292)."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from flask import Flask
from pywebpush import WebPusher, WebPushException

from server.db import utcnow
from server.metrics import instruments as metrics
from server.push import guard, keys

log = logging.getLogger(__name__)

# REFUSED: the endpoint leads somewhere this server must not connect to (guard.py).
SENT, GONE, RETRY, FAILED, REFUSED = "sent", "gone", "retry", "failed", "refused"


@dataclass
class Outcome:
    status: str
    retry_after: float | None = None
    detail: str = ""


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        return None


class Sender:
    """Encrypts and posts messages, one HTTP session per worker thread, VAPID headers cached."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.ttl = int(config["PUSH_TTL_SECONDS"])
        read = float(config["PUSH_TIMEOUT_SECONDS"])
        self.timeout = (min(5.0, read), read)
        self.headers = keys.VapidHeaders(
            keys.vapid(app),
            config["VAPID_SUBJECT"],
            int(config["VAPID_TOKEN_LIFETIME_SECONDS"]),
            int(config["VAPID_TOKEN_REUSE_SECONDS"]),
        )
        self.policy = guard.policy_of(config)
        self._local = threading.local()

    def session(self) -> requests.Session:
        """Return this thread's HTTP session, so connections to push services are reused."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            # No proxy or .netrc from the environment: straight to the checked address.
            session.trust_env = False
            adapter = guard.GuardedAdapter(self.policy.local)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        return session

    def send(
        self, endpoint: str, p256dh: str, auth: str, payload: dict, topic: str, urgency: str
    ) -> Outcome:
        """Post one message; say whether it was taken, the endpoint is gone, or to try again."""
        outcome = self._post(endpoint, p256dh, auth, payload, topic, urgency)
        metrics.observe_push_send(outcome.status)
        return outcome

    def _post(
        self, endpoint: str, p256dh: str, auth: str, payload: dict, topic: str, urgency: str
    ) -> Outcome:
        """Check the endpoint, encrypt the message and post it; return what came of it."""
        try:
            # Kept before today's rules, or before PUSH_ALLOWED_HOSTS changed: checked again.
            guard.check_endpoint(endpoint, self.policy)
        except guard.EndpointRefused as error:
            return Outcome(REFUSED, detail=str(error))
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        data = json.dumps(payload, separators=(",", ":")).encode()
        subscription = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        try:
            body = WebPusher(subscription).encode(data, "aes128gcm")["body"]
        except (WebPushException, ValueError) as error:
            return Outcome(FAILED, detail=str(error))
        headers = {
            "Authorization": self.headers.for_origin(origin),
            "Content-Encoding": "aes128gcm",
            "TTL": str(self.ttl),
            "Urgency": urgency,
            "Topic": topic,
        }
        try:
            # Push services answer, they do not redirect: a Location is never followed.
            response = self.session().post(
                endpoint, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except guard.AddressRefused as error:
            return Outcome(REFUSED, detail=str(error))
        except (requests.Timeout, requests.ConnectionError) as error:
            return Outcome(RETRY, detail=type(error).__name__)
        except requests.RequestException as error:
            return Outcome(FAILED, detail=type(error).__name__)
        status = response.status_code
        if 200 <= status < 300:
            return Outcome(SENT)
        if status in (404, 410):
            return Outcome(GONE, detail=str(status))
        if status == 429 or status >= 500:
            return Outcome(RETRY, _retry_after(response), detail=str(status))
        return Outcome(FAILED, detail=f"{status} {response.text[:200]}")
