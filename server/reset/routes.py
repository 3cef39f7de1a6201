"""Password-reset endpoints: /api/auth/password-reset and its confirmation."""

from __future__ import annotations

from flask import current_app, request, session
from flask_smorest import Blueprint

from server.accounts.sessions import USER_KEY
from server.extensions import client_ip, limiter
from server.reset import queue, service
from server.reset.schemas import ResetConfirmSchema, ResetRequestedSchema, ResetRequestSchema

blp = Blueprint("password_reset", __name__, url_prefix="/api", description="Forgotten passwords")

ON_ITS_WAY = "If an account uses that address, a link is on its way."


def _base_url() -> str:
    """Where the link points: PUBLIC_URL; outside production, the address asked."""
    public = current_app.config.get("PUBLIC_URL") or ""
    if public or current_app.config["HEARTH_ENV"] == "production":
        return public  # a request's Host header never chooses where a reset link points
    return request.url_root.rstrip("/")


@blp.route("/auth/password-reset", methods=["POST"])
@limiter.limit(lambda: current_app.config["LIMIT_RESET_PER_IP"], key_func=client_ip)
@blp.arguments(ResetRequestSchema)
@blp.response(202, ResetRequestedSchema)
def request_reset(args):
    """Mail a reset link if an account uses the address; the answer is the same either way."""
    email = args["email"]
    # Over the address's own limit: nothing is sent, and nothing says so.
    if service.within_email_limit(email):
        queue.send_link(current_app, email, _base_url())
    return {"message": ON_ITS_WAY}


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@limiter.limit(lambda: current_app.config["LIMIT_RESET_CONFIRM_PER_IP"], key_func=client_ip)
@blp.arguments(ResetConfirmSchema)
@blp.response(204)
def confirm_reset(args):
    """Choose a new password with a reset link's token; every session of the account ends."""
    user_id = service.confirm(args["token"], args["password"])
    if session.get(USER_KEY) == str(user_id):
        session.clear()
