"""Repair fixtures: the sync devices, and the live channel's streams for watching pokes."""

from tests.live.test_events import streams  # noqa: F401
from tests.sync.conftest import device, second_device  # noqa: F401
