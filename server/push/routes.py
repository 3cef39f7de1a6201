"""Push endpoints: /api/push/*."""

from __future__ import annotations

from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.push import keys, service
from server.push.schemas import (
    KeyAnswerSchema,
    SettingsAnswerSchema,
    SettingsSchema,
    SubscribeSchema,
    SubscriptionAnswerSchema,
    UnsubscribeSchema,
)
from server.schemas import ErrorSchema

blp = Blueprint("push", __name__, url_prefix="/api/push", description="Push notifications")


@blp.route("/key", methods=["GET"])
@blp.response(200, KeyAnswerSchema)
def key():
    """The server's VAPID public key, to subscribe with."""
    return {"public_key": keys.public_key()}


@blp.route("/subscriptions", methods=["POST"])
@login_required
@blp.arguments(SubscribeSchema)
@blp.response(200, SubscriptionAnswerSchema)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="The endpoint is another account's (code endpoint_taken): unsubscribe it in "
    "the browser, subscribe again and post the new endpoint.",
)
def subscribe(args):
    """Keep this device's push subscription (send it every time the app opens)."""
    return service.subscribe(current_user.id, args["endpoint"], args["keys"])


@blp.route("/subscriptions", methods=["DELETE"])
@login_required
@blp.arguments(UnsubscribeSchema)
@blp.response(204)
def unsubscribe(args):
    """Stop notifications to this endpoint."""
    service.unsubscribe(current_user.id, args["endpoint"])


@blp.route("/settings", methods=["GET"])
@login_required
@blp.response(200, SettingsAnswerSchema)
def settings():
    """My notification settings."""
    return service.settings_of(current_user.id)


@blp.route("/settings", methods=["PATCH"])
@login_required
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsAnswerSchema)
def update_settings(args):
    """Change my preview level, quiet hours or kinds."""
    return service.update_settings(current_user.id, args)
