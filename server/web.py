"""Serve the PWA from pwa/ at the site root."""

from __future__ import annotations

import hashlib
import posixpath
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_from_directory
from werkzeug.routing import PathConverter

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
VERSION_PLACEHOLDER = "__SHELL_VERSION__"
# Where index.html gets a <link rel="modulepreload"> for each module of the first screen.
PRELOAD_MARKER = "<!-- modulepreload: written by the server -->"
FIRST_MODULE = "/js/app.js"
# Static imports only (`import … from './x.js'`, `export … from`, `import './x.js'`);
# import() loads later.
STATIC_IMPORT = re.compile(
    r"\bfrom\s+'(\.{1,2}/[^']+)'|^\s*import\s+'(\.{1,2}/[^']+)'", re.MULTILINE
)
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


def static_imports(start: str, root: Path | None = None) -> set[str]:
    """Return every module the start module loads before it runs, itself included."""
    root = root or PWA_DIR
    seen: set[str] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        source = (root / path.lstrip("/")).read_text(encoding="utf-8")
        folder = posixpath.dirname(path)
        for found in STATIC_IMPORT.findall(source):
            todo.append(posixpath.normpath(posixpath.join(folder, found[0] or found[1])))
    return seen


def render_index(root: Path) -> bytes:
    """Return the root's index.html with the first screen's modules preloaded."""
    page = (root / "index.html").read_text(encoding="utf-8")
    modules = sorted(static_imports(FIRST_MODULE, root) - {FIRST_MODULE})
    # One round trip for the whole first screen instead of one per level of imports.
    links = "\n  ".join(f'<link rel="modulepreload" href="{m}">' for m in modules)
    return page.replace(PRELOAD_MARKER, links).encode()


_cached_index_page = lru_cache(maxsize=1)(render_index)


def index_page() -> bytes:
    """Return index.html as served: the first screen's modules preloaded, read off the imports."""
    if current_app.config["HEARTH_ENV"] == "production":
        return _cached_index_page(PWA_DIR)
    return render_index(PWA_DIR)


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
    if path == "index.html" or "." not in path.rsplit("/", 1)[-1]:
        page = index_page()
        response = Response(page, mimetype="text/html")
        response.set_etag(hashlib.sha256(page).hexdigest()[:32])
        response.make_conditional(request)
    elif path and target.is_file() and PWA_DIR in target.parents:
        response = send_from_directory(PWA_DIR, path, max_age=0)
        if path.endswith(".webmanifest"):
            response.mimetype = "application/manifest+json"
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
