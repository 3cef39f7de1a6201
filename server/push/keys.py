"""The VAPID key pair that identifies this server to push services (RFC 8292)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from py_vapid import Vapid02, VapidException, b64urlencode

_lock = threading.Lock()


class KeyFromEnvironment(Exception):
    """The key comes from VAPID_PRIVATE_KEY: rotate it there, not here."""


def _key_file(app: Flask) -> Path:
    return Path(app.config["VAPID_KEY_FILE"])


def _load(app: Flask) -> Vapid02:
    configured = app.config.get("VAPID_PRIVATE_KEY", "")
    if configured:
        if "-----BEGIN" in configured:
            return Vapid02.from_pem(configured.strip().encode())
        return Vapid02.from_string(configured.strip())
    path = _key_file(app)
    if not path.exists():
        _write_new_key(path, replace=False)
    return Vapid02.from_pem(path.read_bytes())


def _write_new_key(path: Path, *, replace: bool) -> None:
    vapid = Vapid02()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then moved in whole: a concurrent reader never sees half a key.
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(vapid.private_pem())
    if replace:
        partial.replace(path)
        return
    try:
        # Several processes starting at once: the first key written wins, the others read it.
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink()


def vapid(app: Flask | None = None) -> Vapid02:
    """Return the app's VAPID key, generating and keeping one on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get("hearth_vapid")
    if key is None:
        with _lock:
            key = app.extensions.get("hearth_vapid") or _load(app)
            app.extensions["hearth_vapid"] = key
    return key


def public_key(app: Flask | None = None) -> str:
    """Return the public key as a browser's applicationServerKey (base64url, uncompressed)."""
    raw = vapid(app).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(raw)


def rotate(app: Flask) -> str:
    """Replace the kept key pair with a new one; return the new public key."""
    if app.config.get("VAPID_PRIVATE_KEY"):
        raise KeyFromEnvironment()
    with _lock:
        _write_new_key(_key_file(app), replace=True)
        app.extensions.pop("hearth_vapid", None)
    return public_key(app)


def _signs_with(subject: str) -> bool:
    """Tell whether py-vapid signs claims with this subject, as the sender will have it do."""
    probe = Vapid02()
    probe.generate_keys()
    try:
        probe.sign({"sub": subject, "aud": "https://push.example.com", "exp": int(time.time())})
    except VapidException:
        return False
    return True


def subject(configured: str, public_url: str) -> str:
    """Return the VAPID subject: VAPID_SUBJECT, else PUBLIC_URL if https, else a mailto: address.

    A VAPID_SUBJECT that push services would refuse stops the start: otherwise
    every message would fail later, in the worker, where nobody looks.
    """
    if configured:
        given = configured.rstrip("/") if configured.startswith("https:") else configured
        if not _signs_with(given):
            raise RuntimeError(
                f"VAPID_SUBJECT={configured!r} is not a contact push services accept: give "
                "mailto:you@example.com, or your site's https:// address without a port or path."
            )
        return given
    if public_url and _signs_with(public_url):
        return public_url
    # An http PUBLIC_URL (or one with a port) is refused as a subject; its host is not.
    host = urlsplit(public_url).hostname if public_url else None
    fallback = f"mailto:hearth@{host}"
    return fallback if host and _signs_with(fallback) else "mailto:hearth@localhost"


class VapidHeaders:
    """Authorization headers per push-service origin, reused well before they expire."""

    def __init__(self, key: Vapid02, subject: str, lifetime: int, reuse_for: int) -> None:
        self.key = key
        self.subject = subject
        self.lifetime = lifetime
        self.reuse_for = reuse_for
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def for_origin(self, origin: str) -> str:
        """Return the Authorization header value for a push service's origin."""
        now = time.time()
        with self._lock:
            cached = self._cache.get(origin)
            if cached and cached[0] > now:
                return cached[1]
        claims = {"aud": origin, "sub": self.subject, "exp": int(now) + self.lifetime}
        value = self.key.sign(claims)["Authorization"]
        with self._lock:
            self._cache[origin] = (now + self.reuse_for, value)
        return value
