"""Health endpoints: GET /healthz and GET /readyz, outside /api, without a session."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from server.extensions import limiter
from server.health import service
from server.health.schemas import LiveSchema, ReadySchema

blp = Blueprint(
    "health", __name__, description="Health checks for load balancers (no session needed)"
)

NO_STORE = {"Cache-Control": "no-store"}


@blp.route("/healthz", methods=["GET"])
@limiter.exempt
@blp.response(200, LiveSchema)
def healthz():
    """The process is up; nothing else is checked."""
    return {"status": "ok"}, NO_STORE


@blp.route("/readyz", methods=["GET"])
@limiter.exempt
@blp.response(200, ReadySchema, description="Every check is ok.")
@blp.alt_response(503, schema=ReadySchema, description="A check is failing.")
def readyz():
    """The database, Redis when configured, and the photo store answer (2 s at most each)."""
    checks = service.readiness(current_app).run()
    ready = all(outcome == service.OK for outcome in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return body, 200 if ready else 503, NO_STORE
