"""What a scrape of /metrics answers: the kept metrics and the push queue, read now.

One process (development, a single worker): this process's registry. Several
(PROMETHEUS_MULTIPROC_DIR set): the files every process of the machine writes
there, added up, so any worker's answer covers them all, the push worker's
deliveries included when it shares the folder.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterator

from flask import Flask
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> str | None:
    """Return the folder of multi-process metrics, or None when one process keeps its own."""
    return os.environ.get(MULTIPROC_VARIABLE) or None


def token_matches(config_token: str, authorization: str | None) -> bool:
    """Tell whether the Authorization header carries the configured bearer token."""
    if not config_token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    # In constant time: how much of a guess was right is not told by the answer's timing.
    return hmac.compare_digest(given.strip().encode(), config_token.encode())


class PushQueueCollector:
    """The push queue's depth, asked of the queue at scrape time (a count, not a scan)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        """Yield the waiting and scheduled task counts; nothing when the queue does not answer."""
        from server.push.queue import queue_of

        try:
            huey = queue_of(self.app).huey
            pending, scheduled = huey.pending_count(), huey.scheduled_count()
        except Exception as error:  # the queue's storage is down: the scrape still answers
            log.warning("metrics: the push queue did not answer (%s)", type(error).__name__)
            return
        depth = GaugeMetricFamily(
            "hearth_push_queue_tasks",
            "Tasks of the push queue: queued for a worker, or held by the worker's scheduler "
            "until they are due (retries, coalesced notices).",
            labels=["state"],
        )
        depth.add_metric(["queued"], pending)
        depth.add_metric(["scheduled"], scheduled)
        yield depth


class _ThisProcess:
    """The default registry's metrics, inside a registry of one scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def registry_for_scrape(app: Flask) -> CollectorRegistry:
    """Return a registry holding what one scrape reports."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())  # type: ignore[arg-type]
    registry.register(PushQueueCollector(app))  # type: ignore[arg-type]
    return registry


def exposition(app: Flask, accept: str | None) -> tuple[bytes, str]:
    """Return the scrape's body and content type, in the format the scraper accepts."""
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry_for_scrape(app)), content_type
