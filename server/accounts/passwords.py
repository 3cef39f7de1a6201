"""argon2id password hashing with parameters from the configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def hasher() -> PasswordHasher:
    """Return the app's hasher, built once from its configuration."""
    ext = current_app.extensions
    if "hearth_hasher" not in ext:
        cfg = current_app.config
        ext["hearth_hasher"] = PasswordHasher(
            time_cost=cfg["ARGON2_TIME_COST"],
            memory_cost=cfg["ARGON2_MEMORY_COST"],
            parallelism=cfg["ARGON2_PARALLELISM"],
        )
    return ext["hearth_hasher"]


def hash_password(password: str) -> str:
    """Hash a password with the current parameters."""
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash."""
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with other parameters than the current ones."""
    return hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend the time a real verification takes, for unknown accounts."""
    ext = current_app.extensions
    if "hearth_dummy_hash" not in ext:
        ext["hearth_dummy_hash"] = hash_password("not a real password, only for timing")
    verify_password(ext["hearth_dummy_hash"], password)
