"""The metrics Hearth keeps, and the calls that feed them.

Labels only ever hold names from the program (URL rules, mutation names, error
codes, outcomes), never ids, hashes or anything a client sent verbatim, so the
number of series stays small and nothing personal reaches the scraper.

With PROMETHEUS_MULTIPROC_DIR set before the process starts, prometheus_client
keeps the values in files there, and a scrape of any worker adds up every
process's (server/metrics/service.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

from server.sync.registry import MUTATORS

# A `_created` series beside every counter doubles what is scraped for little use.
disable_created_metrics()

# Seconds: from a fraction of a millisecond (a pull with nothing new) to a slow push.
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Mutations in one push: the app sends at most 100.
BATCH_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)
# What the label holds for a request that matched no URL rule.
UNMATCHED = "unmatched"
UNKNOWN_MUTATION = "unknown"

http_requests = Counter(
    "hearth_http_requests",
    "HTTP requests answered, by URL rule, method and status code.",
    ["endpoint", "method", "status"],
)
http_request_seconds = Histogram(
    "hearth_http_request_duration_seconds",
    "Time until the response's headers, by URL rule and method (an event stream: its opening).",
    ["endpoint", "method"],
    buckets=LATENCY_BUCKETS,
)
sync_pushes = Counter(
    "hearth_sync_pushes", "Sync pushes, by outcome: ok or the error code answered.", ["outcome"]
)
sync_push_seconds = Histogram(
    "hearth_sync_push_duration_seconds",
    "Time spent applying one sync push, retries included.",
    buckets=LATENCY_BUCKETS,
)
sync_push_mutations = Histogram(
    "hearth_sync_push_mutations",
    "Mutations applied or rejected by one successful sync push.",
    buckets=BATCH_BUCKETS,
)
sync_applied = Counter(
    "hearth_sync_mutations_applied", "Mutations applied, by mutation name.", ["mutation"]
)
sync_rejected = Counter(
    "hearth_sync_mutations_rejected",
    "Mutations rejected, by mutation name and the reason (the error code).",
    ["mutation", "reason"],
)
sync_pulls = Counter(
    "hearth_sync_pulls", "Sync pulls, by outcome: ok or the error code answered.", ["outcome"]
)
sync_pull_seconds = Histogram(
    "hearth_sync_pull_duration_seconds",
    "Time spent reading one pull page.",
    buckets=LATENCY_BUCKETS,
)
sync_pull_changes = Histogram(
    "hearth_sync_pull_changes",
    "Changes (puts and deletes) in one pull page.",
    buckets=(0, 1, 10, 50, 100, 250, 500),
)
sync_pull_resets = Counter(
    "hearth_sync_pull_resets", "Pulls answered with a fresh snapshot (reset) instead of changes."
)
push_sends = Counter(
    "hearth_push_sends",
    "Messages posted to push services, by outcome: sent, gone (the subscription ended), retry "
    "(tried again later), failed or refused (an address this server does not send to).",
    ["outcome"],
)
event_streams = Gauge(
    "hearth_event_streams",
    "Event streams (the live channel) open now.",
    multiprocess_mode="livesum",
)


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its time under its URL rule."""
    rule = endpoint or UNMATCHED
    http_requests.labels(rule, method, str(status)).inc()
    http_request_seconds.labels(rule, method).observe(seconds)


def _mutation_label(name: Any) -> str:
    return name if isinstance(name, str) and name in MUTATORS else UNKNOWN_MUTATION


def observe_push(
    mutations: Iterable[Mapping[str, Any]], answer: Mapping[str, Any], seconds: float
) -> None:
    """Count a successful push: its time, its size, each mutation applied or rejected."""
    sync_pushes.labels("ok").inc()
    sync_push_seconds.observe(seconds)
    results = answer.get("results") or []
    sync_push_mutations.observe(len(results))
    if not results:
        return
    names = {m.get("id"): m.get("name") for m in mutations}
    for result in results:
        mutation = _mutation_label(names.get(result.get("id")))
        if result.get("status") == "applied":
            sync_applied.labels(mutation).inc()
        else:
            reason = (result.get("error") or {}).get("code") or "unknown"
            sync_rejected.labels(mutation, reason).inc()


def observe_push_failure(code: str, seconds: float) -> None:
    """Count a push answered with an error (busy, transient, schema_mismatch...)."""
    sync_pushes.labels(code).inc()
    sync_push_seconds.observe(seconds)


def observe_pull(answer: Mapping[str, Any], seconds: float) -> None:
    """Count a pull page: its time, how many changes it carried, and whether it was a reset."""
    sync_pulls.labels("ok").inc()
    sync_pull_seconds.observe(seconds)
    sync_pull_changes.observe(len(answer.get("patch") or ()))
    if answer.get("reset"):
        sync_pull_resets.inc()


def observe_pull_failure(code: str, seconds: float) -> None:
    """Count a pull answered with an error."""
    sync_pulls.labels(code).inc()
    sync_pull_seconds.observe(seconds)


def observe_push_send(outcome: str) -> None:
    """Count one message posted to a push service, by its outcome."""
    push_sends.labels(outcome).inc()


def stream_opened() -> None:
    """Note an event stream that this process now holds."""
    event_streams.inc()


def stream_closed() -> None:
    """Note an event stream that has ended."""
    event_streams.dec()
