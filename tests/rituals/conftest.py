"""Ritual fixtures: devices, browsers' push subscriptions, the loopback push service, a clock."""

from tests.push.conftest import make_browser, push_service, subscribe  # noqa: F401
from tests.sync.conftest import device, second_device  # noqa: F401
