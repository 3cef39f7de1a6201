"""GET /metrics: the Prometheus exposition, only for a scraper holding METRICS_TOKEN."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from server.extensions import limiter
from server.metrics import service

bp = Blueprint("metrics", __name__)


@bp.route("/metrics", methods=["GET"])
@limiter.exempt
def metrics():
    """Answer the metrics to `Authorization: Bearer METRICS_TOKEN`; 404 to anyone else."""
    # Without a token configured, or with a wrong one, the page does not exist.
    token = current_app.config["METRICS_TOKEN"]
    if not service.token_matches(token, request.headers.get("Authorization")):
        abort(404)
    body, content_type = service.exposition(current_app, request.headers.get("Accept"))
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
