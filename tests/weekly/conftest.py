"""Weekly state of us fixtures: devices of both partners."""

from tests.sync.conftest import device, second_device  # noqa: F401
