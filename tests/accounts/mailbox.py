"""A real SMTP server on a free loopback port that keeps what it receives."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"(https?://\S+/reset#(\S+))")


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def link(self, message: EmailMessage) -> tuple[str, str]:
        """The reset link in the message and its token."""
        found = LINK.search(message.get_content())
        assert found, message.get_content()
        return found.group(1), found.group(2)

    def settings(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_STARTTLS": False}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()
