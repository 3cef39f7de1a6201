"""gunicorn settings for Hearth: `gunicorn -c python:server.gunicorn_conf wsgi:app`.

Each open event stream holds one thread while it waits, so a worker has many
threads (an idle one costs about 53 KiB); LIVE_MAX_STREAMS stays below them so
that streams never take the threads ordinary requests need. Command-line
options and GUNICORN_CMD_ARGS override these.
"""

from __future__ import annotations

import os
import signal
import threading

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("LIVE_MAX_STREAMS", "1000")) + 100
worker_connections = threads + 100
timeout = 30
# Streams are ended at once when a worker stops (below): the rest is uploads in progress.
graceful_timeout = 10
keepalive = 30


def post_worker_init(worker) -> None:
    """When the worker is told to stop, end its event streams first: browsers reconnect."""
    previous = signal.getsignal(signal.SIGTERM)
    app = worker.wsgi

    def stop(signum, frame) -> None:
        from server.live.service import close_streams

        # Not in the handler itself: the hub's locks belong to the request threads.
        threading.Thread(target=close_streams, args=(app,), daemon=True).start()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, stop)
