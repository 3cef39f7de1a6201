"""Sync endpoints: /api/sync/push and /api/sync/pull."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.accounts.sessions import session_required, signed_in_user_id
from server.sync import service
from server.sync.schemas import PullResultSchema, PullSchema, PushResultSchema, PushSchema

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync")


@blp.route("/push", methods=["POST"])
@session_required
@blp.arguments(PushSchema)
@blp.response(200, PushResultSchema)
def push(args):
    """Apply a batch of the client's mutations, in order, each at most once."""
    user_id = signed_in_user_id()
    return service.push(user_id, args["client_id"], args["schema_version"], args["mutations"])


@blp.route("/pull", methods=["POST"])
@session_required
@blp.arguments(PullSchema)
@blp.response(200, PullResultSchema)
def pull(args):
    """Return the changes since the cookie, a page at a time."""
    user_id = signed_in_user_id()
    return service.pull(user_id, args["client_id"], args.get("cookie"), args["limit"])
