"""Prometheus metrics (prometheus-client), defined once here at the bottom layer so every app may
count without importing another; scraped at /metrics (wijkverband.core.views.metrics, operators
only). What to alert on: docs/operations.md.

Per process by default: each uvicorn process keeps its own values and Prometheus scrapes every
replica directly (not through the load balancer, which would answer from a random one). With
several worker processes per replica (`uvicorn --workers N`), point PROMETHEUS_MULTIPROC_DIR at
an empty directory wiped at start; prometheus-client then keeps the values in files there and
/metrics sums every process (gauges of live processes only: `livesum`).

What only the task worker (manage.py qcluster) does is not counted here: it is a process nobody
scrapes and shares no PROMETHEUS_MULTIPROC_DIR with the web processes, so such a counter was never
seen (a page or socket write it also makes, an audit chain lock, is seen where the pages make it).
Its work is read from the database at scrape time instead, by collectors the apps add:
register_scrape_collector() (wijkverband/work/metrics.py).
"""

import time
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram

# --- the live socket (wijkverband.realtime) ---------------------------------------------------------
SOCKETS_OPEN = Gauge("wijkverband_sockets_open", "WebSockets accepted and not yet closed.", multiprocess_mode="livesum")
SUBSCRIPTIONS = Gauge(
    "wijkverband_socket_subscriptions", "Threads followed by open sockets (one per socket and thread).",
    multiprocess_mode="livesum",
)  # fmt: skip
DELIVERIES = Counter(
    "wijkverband_realtime_deliveries", "Sequenced event frames handed to sockets (one per event and following socket)."
)
GAP_FILLS = Counter(
    "wijkverband_realtime_gap_fills",
    "Times a worker's hub read events it had missed from the database (a dropped or late doorbell).",
)
GAP_FILLED_EVENTS = Counter("wijkverband_realtime_gap_filled_events", "Events the hubs read from the database.")
CLOSES = Counter(
    "wijkverband_socket_closes",
    "Sockets the server closed, by close code (4008: its queue was full; 4003: rights changed; "
    "4001: signed out; 4000: reconnect).",
    ["code"],
)
SOCKET_WORK_WAITING = Gauge(
    "wijkverband_socket_work_waiting",
    "Handshakes and subscribes waiting for their turn in their pool, by pool and by page (writing: a post "
    "waits, in view, or in the background, which keep to REALTIME_BACKGROUND_THREADS): the queue of a "
    "reconnect storm.",
    ["pool", "page"],
    multiprocess_mode="livesum",
)
SOCKET_WORK_DROPPED = Counter(
    "wijkverband_socket_work_dropped",
    "Handshakes and subscribes not run because their client closed the socket while they waited for "
    "their turn (a reconnect storm on a worker that cannot keep up: clients giving up and trying again).",
    ["pool"],
)
POST_SECONDS = Histogram(
    "wijkverband_realtime_post_seconds",
    "Server time of a post over a socket that was stored: from its frame until it is in the database"
    " and back on the event loop (the checks, the thread hop, the write and its commit), before the"
    " doorbell and the fan-out.",
    buckets=(0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REPLAY_EVENTS = Histogram(
    "wijkverband_replay_events",
    "Events replayed to one subscribe (catch-up after a reconnect).",
    buckets=(0, 1, 5, 20, 50, 100, 250, 500),
)
REPLAY_RESETS = Counter(
    "wijkverband_replay_resets", "Subscribes too far behind to replay: the client was told to reload."
)

# --- the audit chains (wijkverband.audit) -----------------------------------------------------------
CHAIN_LOCK_WAIT = Histogram(
    "wijkverband_audit_chain_lock_seconds",
    "Time to lock an audit chain, read its head and (on PostgreSQL) write the row:"
    " mostly waiting for another writer of that chain.",
    ["kind"],  # team, region or global: never the chain itself (one series per team would be too many)
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)

# --- HTTP (wijkverband.core.middleware.RequestIdMiddleware) ----------------------------------------
HTTP_REQUESTS = Counter("wijkverband_http_requests", "HTTP requests answered, by status class.", ["status"])
HTTP_SECONDS = Histogram(
    "wijkverband_http_request_seconds",
    "Server time of an HTTP request.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_scrape_collectors: list = []


def register_scrape_collector(collector) -> None:
    """Add a collector (an object with collect() yielding metric families) to every scrape."""
    if collector not in _scrape_collectors:
        _scrape_collectors.append(collector)


def scrape_collectors() -> list:
    return list(_scrape_collectors)


@contextmanager
def timed(histogram, **labels):
    start = time.perf_counter()
    try:
        yield
    finally:
        (histogram.labels(**labels) if labels else histogram).observe(time.perf_counter() - start)
