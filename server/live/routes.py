"""GET /api/sync/events: the live channel of the signed-in session."""

from __future__ import annotations

from flask import Response, request, session, stream_with_context
from flask_smorest import Blueprint

from server.accounts.sessions import session_required, signed_in_user_id, token_key
from server.live import service

blp = Blueprint("live", __name__, url_prefix="/api/sync", description="Live channel")

# One event of the stream (OpenAPI 3.0 describes each event of an event stream).
EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["poke", "bye"]},
        "id": {"type": "string", "pattern": "^[0-9]+$", "description": "A poke's version"},
        "data": {
            "type": "string",
            "description": 'JSON: {"version": N} for a poke, {"reason": "signed_out" or'
            ' "unpaired"} for a bye',
        },
        "retry": {"type": "integer", "minimum": 0},
    },
}


@blp.route("/events", methods=["GET"])
@session_required
@blp.doc(
    responses={
        "200": {
            "description": "Server-Sent Events: `poke` {version} (id: the space's version) and"
            " `bye` {reason: signed_out | unpaired}, with a comment every 15 s.",
            "content": {"text/event-stream": {"schema": EVENT}},
        }
    }
)
def events():
    """Stream pokes when the space changes, until the session ends or the user leaves it."""
    user_id = signed_in_user_id()
    service.check_room()
    key = token_key(session.token)  # type: ignore[attr-defined]
    last = request.headers.get("Last-Event-ID")
    body = stream_with_context(service.stream(user_id, key, last))
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response
