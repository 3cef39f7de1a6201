"""Daily question fixtures: devices, and the server's clock held where a test wants it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.push.conftest import make_browser, push_service, subscribe  # noqa: F401
from tests.sync.conftest import device, second_device  # noqa: F401


class ServerClock:
    """The time the server's pushes go by."""

    def __init__(self, monkeypatch) -> None:
        import server.sync.service as sync_service

        self.now = datetime.now(UTC)
        monkeypatch.setattr(sync_service, "utcnow", lambda: self.now)


@pytest.fixture
def server_clock(monkeypatch):
    return ServerClock(monkeypatch)
