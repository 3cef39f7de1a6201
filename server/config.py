"""Configuration read from the environment; every variable is listed in the README."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY, or a random key generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Build the app configuration from environment variables with working defaults."""
    env = os.environ.get
    hearth_env = env("HEARTH_ENV", "development").strip().lower()
    redis_url = env("REDIS_URL", "").strip()
    database_url = env("DATABASE_URL", "").strip() or (f"sqlite:///{instance_path / 'hearth.db'}")
    public_url = env("PUBLIC_URL", "").strip().rstrip("/")
    default_queue = "immediate" if hearth_env == "testing" else ("redis" if redis_url else "sqlite")
    return {
        "HEARTH_ENV": hearth_env,
        "TESTING": hearth_env == "testing",
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # How long a request waits for a database lock before answering 503 busy.
        "DATABASE_LOCK_TIMEOUT_MS": int(env("DATABASE_LOCK_TIMEOUT_MS", "5000")),
        # How long one sync push may hold its space's lock; the client sends the rest next.
        "SYNC_PUSH_BUDGET_MS": int(env("SYNC_PUSH_BUDGET_MS", "200")),
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": env("REDIS_KEY_PREFIX", "").strip() or "hearth",
        "LIVE_REDIS_URL": env("LIVE_REDIS_URL", "").strip(),
        "LIVE_MAX_STREAMS": int(env("LIVE_MAX_STREAMS", "1000")),
        "SESSION_STORE": env("SESSION_STORE", "redis" if redis_url else "database").strip(),
        "SESSION_LIFETIME_DAYS": int(env("SESSION_LIFETIME_DAYS", "180")),
        "SESSION_COOKIE_SECURE_MODE": env("SESSION_COOKIE_SECURE", "auto").strip().lower(),
        "RATELIMIT_ENABLED": _bool(env("RATELIMIT_ENABLED", "true")),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "").strip()
        or redis_url
        or "memory://",
        "RATELIMIT_SINGLE_PROCESS": _bool(env("RATELIMIT_SINGLE_PROCESS", "false")),
        "PUBLIC_URL": public_url,
        "TRUST_PROXY": int(env("TRUST_PROXY", "0")),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO").strip().upper(),
        # json or text; empty: JSON in production, text elsewhere (server/logs.py).
        "LOG_FORMAT": env("LOG_FORMAT", "").strip().lower(),
        # GET /metrics answers only `Authorization: Bearer <this>`; empty: 404 to everyone.
        "METRICS_TOKEN": env("METRICS_TOKEN", "").strip(),
        "VAPID_PRIVATE_KEY": env("VAPID_PRIVATE_KEY", "").strip(),
        "VAPID_KEY_FILE": env("VAPID_KEY_FILE", "").strip()
        or str(instance_path / "vapid_private.pem"),
        # Push services want a contact; empty: made from PUBLIC_URL at start (server/push/keys.py).
        "VAPID_SUBJECT": env("VAPID_SUBJECT", "").strip(),
        # Where push messages may go; empty: the known push services in production (guard.py).
        "PUSH_ALLOWED_HOSTS": env("PUSH_ALLOWED_HOSTS", "").strip(),
        "PUSH_QUEUE": env("PUSH_QUEUE", "").strip().lower() or default_queue,
        "PUSH_QUEUE_FILE": env("PUSH_QUEUE_FILE", "").strip()
        or str(instance_path / "push-queue.db"),
        "PUSH_WORKERS": int(env("PUSH_WORKERS", "4")),
        # Photos (DESIGN §6).
        "BLOB_STORAGE": env("BLOB_STORAGE", "").strip() or "local",
        "BLOB_DIR": env("BLOB_DIR", "").strip() or str(instance_path / "blobs"),
        # BLOB_STORAGE=s3: credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID, ...).
        "S3_BUCKET": env("S3_BUCKET", "").strip(),
        "S3_ENDPOINT_URL": env("S3_ENDPOINT_URL", "").strip(),
        "S3_REGION": env("S3_REGION", "").strip(),
        "S3_PREFIX": env("S3_PREFIX", "").strip(),
        "BLOB_MAX_BYTES": int(env("BLOB_MAX_MB", "20")) * 1024 * 1024,
        # 25 takes the 24 MP (5712 x 4284) photos of recent phones; the app sends at most 4.2.
        "BLOB_MAX_PIXELS": int(env("BLOB_MAX_MEGAPIXELS", "25")) * 1_000_000,
        "BLOB_DECODES_AT_ONCE": int(env("BLOB_DECODES_AT_ONCE", "2")),
        "BLOB_DECODE_WAIT_SECONDS": float(env("BLOB_DECODE_WAIT_SECONDS", "10")),
        "BLOB_QUOTA_BYTES": int(env("BLOB_QUOTA_MB", "2048")) * 1024 * 1024,
        "BLOB_GRACE_HOURS": int(env("BLOB_GRACE_HOURS", "24")),
        # Mail (password resets): without SMTP_HOST, development logs the mail (DESIGN §11).
        "SMTP_HOST": env("SMTP_HOST", "").strip(),
        "SMTP_PORT": int(env("SMTP_PORT", "587")),
        "SMTP_USERNAME": env("SMTP_USERNAME", "").strip(),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env("SMTP_STARTTLS", "true")),
        "MAIL_FROM": env("MAIL_FROM", "").strip(),
    }


class ConfigurationError(RuntimeError):
    """A setting that would make the app unsafe to run."""


def check_rate_limit_storage(config: dict[str, Any], log: logging.Logger) -> None:
    """Refuse per-process rate-limit counters in production unless one process serves."""
    if config["HEARTH_ENV"] != "production" or not config["RATELIMIT_ENABLED"]:
        return
    if not str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        return
    problem = (
        "Rate limits are counted in memory (RATELIMIT_STORAGE_URI=memory://): every "
        "worker process counts on its own, so each limit is multiplied by the number of "
        "processes (password guessing included)."
    )
    if not config["RATELIMIT_SINGLE_PROCESS"]:
        raise ConfigurationError(
            f"{problem} Set REDIS_URL (or RATELIMIT_STORAGE_URI) so that every process "
            "shares the counters, or set RATELIMIT_SINGLE_PROCESS=true if exactly one "
            "process serves the app."
        )
    log.warning(
        "%s RATELIMIT_SINGLE_PROCESS=true: run exactly one process (gunicorn --workers 1), "
        "or set REDIS_URL.",
        problem,
    )


# Settings that are part of the program, not of the deployment.
DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_NAME": "hearth_session",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "hearth",
    # Limits, each a limits-library string; tests lower or raise them.
    "LIMIT_LOGIN_PER_IP": "30 per minute;300 per hour",
    # Failed sign-ins to one account from devices it does not know...
    "LIMIT_LOGIN_PER_ACCOUNT": "5 per minute;30 per hour",
    # ...and from one device that has signed in to it before (its device cookie).
    "LIMIT_LOGIN_PER_DEVICE": "5 per minute;30 per hour",
    "DEVICE_COOKIE_DAYS": 365,
    "LIMIT_REGISTER_PER_IP": "10 per hour",
    "LIMIT_INVITE_CREATE_PER_USER": "10 per hour",
    "LIMIT_INVITE_ACCEPT_PER_USER": "10 per 15 minutes",
    # Invite codes looked up before signing up (who invited me), per address.
    "LIMIT_INVITE_LOOKUP_PER_IP": "20 per 15 minutes",
    # Photo uploads that decode (a photo stored already is not counted).
    "LIMIT_BLOB_UPLOAD_PER_USER": "30 per minute;500 per hour",
    # Password-reset mails asked for, per address asked from (429) and per email (dropped
    # silently), and reset links tried per address.
    "LIMIT_RESET_PER_IP": "10 per hour",
    "LIMIT_RESET_PER_EMAIL": "3 per hour",
    "LIMIT_RESET_CONFIRM_PER_IP": "30 per hour",
    # An export reads every record and photo: a few a day is plenty.
    "LIMIT_EXPORT_PER_USER": "10 per hour",
    "SMTP_TIMEOUT_SECONDS": 30,
    # argon2id parameters (RFC 9106 low-memory profile); tests use cheaper ones.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 64 * 1024,
    "ARGON2_PARALLELISM": 4,
    "INVITE_TTL_MINUTES": 15,
    # Push delivery (DESIGN §5).
    # The live channel (DESIGN §10).
    "LIVE_HEARTBEAT_SECONDS": 15,
    "LIVE_RETRY_MS": 2000,
    # How often an open stream checks its session is still there (a missed bye).
    "LIVE_SESSION_CHECK_SECONDS": 300,
    # A stream ends after this long and the browser reconnects: streams spread over servers.
    "LIVE_MAX_SECONDS": 3600,
    "PUSH_QUEUE_NAME": "hearth-push",
    "PUSH_TTL_SECONDS": 24 * 3600,
    "PUSH_COALESCE_SECONDS": 3 * 60,
    "PUSH_TIMEOUT_SECONDS": 10.0,
    "PUSH_ATTEMPTS": 6,
    "PUSH_RETRY_BASE_SECONDS": 15.0,
    "PUSH_RETRY_MAX_SECONDS": 30 * 60,
    # JWTs live 12 hours (the limit is 24) and are reused for one.
    "VAPID_TOKEN_LIFETIME_SECONDS": 12 * 3600,
    "VAPID_TOKEN_REUSE_SECONDS": 3600,
    "API_TITLE": "Hearth",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}
