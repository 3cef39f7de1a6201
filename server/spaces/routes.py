"""Pairing endpoints: /api/pairing/*."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.extensions import client_ip, limiter
from server.schemas import NoBodySchema
from server.spaces import service
from server.spaces.schemas import (
    AcceptSchema,
    InvitePreviewSchema,
    InviteSchema,
    PairedSchema,
    SpaceEnvelopeSchema,
)

blp = Blueprint("pairing", __name__, url_prefix="/api/pairing", description="Pairing two partners")


def _user_key() -> str:
    return f"user:{current_user.get_id()}"


def _anonymous() -> bool:
    return not current_user.is_authenticated


def _base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


@blp.route("/invites", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LIMIT_INVITE_CREATE_PER_USER"],
    key_func=_user_key,
    exempt_when=_anonymous,
)
@login_required
@blp.arguments(NoBodySchema)
@blp.response(201, InviteSchema)
def create_invite(_args):
    """Create an invite code (single use, 15 minutes) for the partner to accept."""
    return service.create_invite(current_user, _base_url())


# Looking a code up and accepting it draw on one allowance: either tells a live code.
_code_attempts = limiter.shared_limit(
    lambda: current_app.config["LIMIT_INVITE_ACCEPT_PER_USER"],
    scope="invite-code",
    key_func=_user_key,
    exempt_when=_anonymous,
)


@blp.route("/invites/<string:code>", methods=["GET"])
@_code_attempts
@limiter.limit(
    lambda: current_app.config["LIMIT_INVITE_LOOKUP_PER_IP"],
    key_func=client_ip,
    exempt_when=lambda: not _anonymous(),
)
@blp.response(200, InvitePreviewSchema)
def preview_invite(code):
    """Say who made this invite, before accepting it (signed out too: only their name)."""
    viewer = None if _anonymous() else current_user
    return service.preview_invite(code, viewer)


@blp.route("/accept", methods=["POST"])
@_code_attempts
@login_required
@blp.arguments(AcceptSchema)
@blp.response(200, PairedSchema)
def accept(args):
    """Accept the partner's invite code: both move into a new couple space."""
    space, partner = service.accept_invite(current_user, args["code"])
    return {"space": space, "partner": partner}


@blp.route("/unpair", methods=["POST"])
@login_required
@blp.arguments(NoBodySchema)
@blp.response(200, SpaceEnvelopeSchema)
def unpair(_args):
    """End the couple; each partner gets a solo space again."""
    return {"space": service.unpair(current_user)}
