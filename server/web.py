"""Serve the PWA from pwa/ at the site root."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory
from werkzeug.routing import PathConverter

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
VERSION_PLACEHOLDER = "__SHELL_VERSION__"
# The worker's own policy: it may fetch and cache the site's files, nothing else.
WORKER_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'"

bp = Blueprint("web", __name__)


class ShellPathConverter(PathConverter):
    """A path outside /api: unknown API paths stay 404 (or 405), never the shell."""

    regex = r"(?!api(?:/|$))[^/].*?"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in PWA_DIR.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(PWA_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_cached_fingerprint = lru_cache(maxsize=1)(_fingerprint)


def shell_version() -> str:
    """A version that changes whenever any file of the shell changes."""
    # In development files change under a running server; elsewhere hash them once.
    if current_app.config["HEARTH_ENV"] == "production":
        return _cached_fingerprint()
    return _fingerprint()


@bp.route("/sw.js")
def service_worker():
    """Serve the service worker with the shell version written in."""
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    response = Response(
        source.replace(VERSION_PLACEHOLDER, shell_version()),
        mimetype="text/javascript",
    )
    response.headers["Content-Security-Policy"] = WORKER_CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/", defaults={"path": ""})
@bp.route("/<shell_path:path>")
def shell(path: str):
    """Serve a file of the PWA, or the app shell for in-app routes such as /join."""
    target = (PWA_DIR / path).resolve()
    if path and target.is_file() and PWA_DIR in target.parents:
        response = send_from_directory(PWA_DIR, path, max_age=0)
        if path.endswith(".webmanifest"):
            response.mimetype = "application/manifest+json"
    elif "." not in path.rsplit("/", 1)[-1]:
        response = send_from_directory(PWA_DIR, "index.html", max_age=0)
    else:
        abort(404)
    # Always revalidate: the service worker, not the HTTP cache, keeps the shell offline.
    response.headers["Cache-Control"] = "no-cache"
    # Shell files are small: held in memory, they can travel gzip-compressed (streams cannot).
    # The file is read and closed here, not whenever the response happens to be closed: a
    # browser that hangs up mid-request would otherwise leave it open until collected.
    response.direct_passthrough = False
    opened = response.response
    response.make_sequence()
    if hasattr(opened, "close"):
        opened.close()
    return response


def init_app(app) -> None:
    """Register the PWA routes last, so the API wins."""
    app.url_map.converters["shell_path"] = ShellPathConverter
    app.register_blueprint(bp)
