"""The reset mail goes out from the task queue, off the request path."""

from __future__ import annotations

from flask import Flask

from server.push.queue import queue_of
from server.reset import service


def init_app(app: Flask) -> None:
    """Add the reset mail's task to the app's task queue."""
    huey = queue_of(app).huey

    @huey.task(name="reset.send_link")
    def send_link(email: str, base_url: str) -> None:
        with app.app_context():
            service.send_link(app, email, base_url)

    app.extensions["hearth_reset_mail"] = send_link


def send_link(app: Flask, email: str, base_url: str) -> None:
    """Queue the reset mail for the address."""
    app.extensions["hearth_reset_mail"](email, base_url)
