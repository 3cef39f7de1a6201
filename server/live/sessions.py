"""A session store that ends the event streams of the sessions it deletes."""

from __future__ import annotations

from typing import Any

from server.live import service
from server.live.hub import EVERYONE


class StreamEndingStore:
    """Wrap a SessionStore: deleting a session says bye to its streams (signed_out)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def delete(self, key: str) -> None:
        """Delete one session and end its streams."""
        self.store.delete(key)
        service.bye(EVERYONE, service.SIGNED_OUT, sessions=[key])

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        """Delete a user's sessions (but `keep`) and end their streams."""
        self.store.delete_for_user(user_id, keep)
        service.bye([user_id], service.SIGNED_OUT, keep=keep)
