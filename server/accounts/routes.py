"""Account endpoints: /api/auth/* and /api/me."""

from __future__ import annotations

import uuid

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.accounts import deletion, service
from server.accounts.devices import known_device
from server.accounts.schemas import (
    ChangePasswordSchema,
    DeleteAccountSchema,
    DeviceListSchema,
    LoginSchema,
    MeSchema,
    ProfileSchema,
    RegisterSchema,
    SessionSchema,
    SignInSchema,
    TimeZoneListSchema,
    UserEnvelopeSchema,
)
from server.accounts.zones import time_zone_choices
from server.errors import ApiError
from server.extensions import client_ip, db, limiter, login_manager
from server.schemas import NoBodySchema
from server.spaces.members import partner_of

blp = Blueprint("auth", __name__, url_prefix="/api", description="Accounts and sessions")


@login_manager.user_loader
def _load_user(user_id: str):
    from server.accounts.models import User

    try:
        return db.session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None


@login_manager.unauthorized_handler
def _unauthorized():
    raise ApiError(401, "unauthorized", "Sign in first.")


def _login_account_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return "login-account:" + (service.email_key(email)[:254] if isinstance(email, str) else "")


def _me() -> dict:
    return {"user": current_user, "space": current_user.space, "partner": partner_of(current_user)}


@blp.route("/auth/register", methods=["POST"])
@limiter.limit(lambda: current_app.config["LIMIT_REGISTER_PER_IP"], key_func=client_ip)
@blp.arguments(RegisterSchema)
@blp.response(201, UserEnvelopeSchema)
def register(args):
    """Create an account (with its solo space) and sign it in."""
    return {"user": service.register(**args)}


def _login_device_key() -> str:
    return f"login-device:{known_device()}"


def _failed(response) -> bool:
    return response.status_code == 401


# A device that has signed in to the account before (a valid device cookie) is not
# counted with strangers: they cannot lock its owner out. It has a limit of its own.
@blp.route("/auth/login", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LIMIT_LOGIN_PER_IP"],
    key_func=client_ip,
    exempt_when=lambda: known_device() is not None,
)
@limiter.limit(
    lambda: current_app.config["LIMIT_LOGIN_PER_ACCOUNT"],
    key_func=_login_account_key,
    exempt_when=lambda: known_device() is not None,
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LIMIT_LOGIN_PER_DEVICE"],
    key_func=_login_device_key,
    exempt_when=lambda: known_device() is None,
    deduct_when=_failed,
)
@blp.arguments(LoginSchema)
@blp.response(200, SignInSchema)
def login(args):
    """Sign in (a new session id); tell of unknown devices' failed attempts since the last."""
    user, failed = service.login(**args, known_device=known_device() is not None)
    return {"user": user, "failed_attempts": failed}


@blp.route("/auth/logout", methods=["POST"])
@blp.arguments(NoBodySchema)
@blp.response(204)
def logout(_args):
    """End this session."""
    service.logout()


@blp.route("/auth/logout-all", methods=["POST"])
@login_required
@blp.arguments(NoBodySchema)
@blp.response(204)
def logout_all(_args):
    """End every session of this account, on every device."""
    service.logout_everywhere(current_user)


def password_attempts(action: str):
    """Limit wrong passwords given to a signed-in action, per account, as sign-ins are."""
    return limiter.limit(
        lambda: current_app.config["LIMIT_LOGIN_PER_ACCOUNT"],
        key_func=lambda: f"{action}:{current_user.get_id()}",
        exempt_when=lambda: not current_user.is_authenticated,
        deduct_when=lambda response: response.status_code == 422,
    )


@blp.route("/auth/password", methods=["POST"])
@password_attempts("password-change")
@login_required
@blp.arguments(ChangePasswordSchema)
@blp.response(204)
def change_password(args):
    """Change the password; every other session ends."""
    service.change_password(current_user, **args)


@blp.route("/auth/sessions", methods=["GET"])
@login_required
@blp.response(200, DeviceListSchema)
def devices():
    """List the devices signed in to this account."""
    return {"devices": service.devices(current_user)}


@blp.route("/auth/sessions/<string:device_id>", methods=["DELETE"])
@login_required
@blp.arguments(NoBodySchema)
@blp.response(204)
def end_device(_args, device_id):
    """Sign out one device."""
    service.end_device(current_user, device_id)


@blp.route("/auth/session", methods=["GET"])
@login_required
@blp.response(200, SessionSchema)
def session_info():
    """Tell whether this session is signed in, and as whom (cheap)."""
    return {"user_id": current_user.id}


@blp.route("/time-zones", methods=["GET"])
@blp.response(200, TimeZoneListSchema)
def time_zones():
    """The time zones to choose from, by place, without the old aliases (signed out too)."""
    # The list changes only with the tz database: a browser may keep it for a day.
    return {"zones": time_zone_choices()}, 200, {"Cache-Control": "public, max-age=86400"}


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MeSchema)
def me():
    """Who I am, my space and my partner."""
    return _me()


@blp.route("/me", methods=["PATCH"])
@login_required
@blp.arguments(ProfileSchema)
@blp.response(200, MeSchema)
def update_me(args):
    """Change my display name or time zone."""
    service.update_profile(current_user, args)
    return _me()


@blp.route("/me", methods=["DELETE"])
@password_attempts("delete-account")
@login_required
@blp.arguments(DeleteAccountSchema)
@blp.response(204)
def delete_me(args):
    """Delete my account: every session ends, the couple is unpaired, nothing of mine is kept."""
    service.check_password(current_user, args["password"])
    user_id = current_user.id
    deletion.delete_account(user_id)
    service.forget_session()
