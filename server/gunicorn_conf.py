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

from server.logs import gunicorn_logconfig, wants_json

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("LIVE_MAX_STREAMS", "1000")) + 100
worker_connections = threads + 100
timeout = 30
# Streams are ended at once when a worker stops (below): the rest is uploads in progress.
graceful_timeout = 10
keepalive = 30
# The app writes one access line per request itself, naming the URL rule: gunicorn's own
# would carry the path and query, where an invite code can be. Should an operator turn it
# on (--access-logfile), it leaves them out.
accesslog = None
access_log_format = '%(h)s %(t)s "%(m)s" %(s)s %(B)s %(M)sms'
if wants_json(os.environ.get("HEARTH_ENV", ""), os.environ.get("LOG_FORMAT", "")):
    logconfig_dict = gunicorn_logconfig()


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


def pre_request(worker, req) -> None:
    """Log nothing before a request (gunicorn's default logs its path at debug level)."""


def child_exit(server, worker) -> None:
    """Let a dead worker's gauges go from the multi-process metrics (PROMETHEUS_MULTIPROC_DIR)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
