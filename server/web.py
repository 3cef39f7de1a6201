"""Serve the PWA from pwa/ at the site root."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from werkzeug.routing import PathConverter

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"

bp = Blueprint("web", __name__)


class ShellPathConverter(PathConverter):
    """A path outside /api: unknown API paths stay 404 (or 405), never the shell."""

    regex = r"(?!api(?:/|$))[^/].*?"


@bp.route("/", defaults={"path": ""})
@bp.route("/<shell_path:path>")
def shell(path: str):
    """Serve a file of the PWA, or the app shell for in-app routes such as /join."""
    target = (PWA_DIR / path).resolve()
    if path and target.is_file() and PWA_DIR in target.parents:
        response = send_from_directory(PWA_DIR, path, max_age=0)
    elif "." not in path.rsplit("/", 1)[-1]:
        response = send_from_directory(PWA_DIR, "index.html", max_age=0)
    else:
        abort(404)
    # Always revalidate: the service worker, not the HTTP cache, keeps the shell offline.
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app) -> None:
    """Register the PWA routes last, so the API wins."""
    app.url_map.converters["shell_path"] = ShellPathConverter
    app.register_blueprint(bp)
