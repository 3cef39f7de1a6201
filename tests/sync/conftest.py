"""Sync fixtures: devices (sync clients) for users."""

from __future__ import annotations

import pytest

from tests.sync.client import SyncTestClient


@pytest.fixture
def device():
    """Make a sync client (a device) for a user, or a second device signed in as them."""

    def make(user, client_id: str | None = None) -> SyncTestClient:
        return SyncTestClient(user.client, client_id)

    return make


@pytest.fixture
def second_device(new_client):
    """Sign the user in on another device and return its sync client."""

    def make(user) -> SyncTestClient:
        api = new_client()
        response = api.post(
            "/api/auth/login", json={"email": user.email, "password": user.password}
        )
        assert response.status_code == 200
        return SyncTestClient(api)

    return make
