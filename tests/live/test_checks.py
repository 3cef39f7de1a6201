"""After Redis comes back, streams check their version: a poke only where something changed."""

from __future__ import annotations

from server.live.hub import CHECK, EVERYONE
from tests.live.test_events import PROMPT, checkin, first_poke, streams  # noqa: F401 (fixture)


def check_everyone(app) -> None:
    """What a process's subscriber does after each (re)subscription to the channel."""
    app.extensions["hearth_live"].hub.deliver({"type": CHECK, "users": EVERYONE})


def test_a_check_that_finds_nothing_new_sends_nothing(app, make_user, streams):  # noqa: F811
    kim = make_user("Kim")
    stream = streams(kim)
    first_poke(stream)
    check_everyone(app)
    # An app would pull for nothing: after a Redis hiccup, every open app at once.
    assert stream.nothing_for(0.5)


def test_a_check_pokes_a_stream_that_missed_a_change(app, make_user, streams, monkeypatch):  # noqa: F811
    kim = make_user("Kim")
    stream = streams(kim)
    seen = first_poke(stream)
    bus = app.extensions["hearth_live"].bus
    monkeypatch.setattr(bus, "publish", lambda _event: None)  # the poke is lost on its way
    checkin(kim)
    assert stream.nothing_for(0.3)
    check_everyone(app)
    event = stream.next(timeout=PROMPT)
    assert event.name == "poke" and event.data["version"] > seen
