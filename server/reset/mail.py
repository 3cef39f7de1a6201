"""Sending mail over SMTP as the environment configures it (DESIGN §11)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import Flask

log = logging.getLogger(__name__)


def sender_address(config) -> str:
    """MAIL_FROM, or hearth@ and the host of PUBLIC_URL."""
    if config.get("MAIL_FROM"):
        return config["MAIL_FROM"]
    host = urlsplit(config.get("PUBLIC_URL") or "").hostname or "localhost"
    return f"hearth@{host}"


def build(config, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message."""
    message = EmailMessage()
    sender = sender_address(config)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(text)
    return message


def send(app: Flask, message: EmailMessage) -> bool:
    """Send the message; return whether it went to an SMTP server.

    Without SMTP_HOST, development logs the whole message and production only a
    warning (a secret, such as a reset link, never goes to a production log).
    """
    config = app.config
    host = config.get("SMTP_HOST")
    if not host:
        if config["HEARTH_ENV"] == "production":
            log.warning(
                "SMTP_HOST is not set: the mail %r to a user was not sent", message["Subject"]
            )
        else:
            log.info("SMTP_HOST is not set; the mail that would be sent:\n%s", message)
        return False
    timeout = config.get("SMTP_TIMEOUT_SECONDS", 30)
    with smtplib.SMTP(host, config.get("SMTP_PORT", 587), timeout=timeout) as smtp:
        if config.get("SMTP_STARTTLS", True):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
        smtp.send_message(message)
    return True
