"""The database connection pool's figures at scrape time (DATABASE_POOL_SIZE; docs/operations.md).

Every request and every socket's database work runs in a thread of its own, and a worker has more
such threads than connections: its socket pools (3 × REALTIME_CONNECT_THREADS), the hub's two,
the event loop's default pool (the posts) and one per page being served (docs/scaling.md,
"Connections"). A thread without a connection waits for one, up to DATABASE_POOL_TIMEOUT, then
its request or socket action fails. These series show how often that waiting happens and how
long it takes, before it turns into failures. psycopg_pool keeps the figures per process; the
process answering the scrape reports its own pool.
"""

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

# (psycopg_pool's statistic, metric name, help): the pool now.
_GAUGES = (
    ("pool_max", "wijkverband_db_pool_max", "Connections the pool may open (DATABASE_POOL_SIZE)."),
    ("pool_size", "wijkverband_db_pool_open", "Connections the pool holds now, in use or idle."),
    ("pool_available", "wijkverband_db_pool_idle", "Connections open and not in use."),
    ("requests_waiting", "wijkverband_db_pool_waiting", "Threads waiting for a connection now."),
)
# (psycopg_pool's statistic, metric name, help, its unit per metric unit): since the pool opened.
_COUNTERS = (
    ("requests_num", "wijkverband_db_pool_requests", "Connections asked of the pool.", 1),
    ("requests_queued", "wijkverband_db_pool_queued", "Requests that had to wait for a connection.", 1),
    ("requests_wait_ms", "wijkverband_db_pool_wait_seconds", "Time spent waiting for a connection.", 1000),
    (
        "requests_errors",
        "wijkverband_db_pool_timeouts",
        "Requests that got no connection within DATABASE_POOL_TIMEOUT (the request or socket action failed).",
        1,
    ),
    ("connections_lost", "wijkverband_db_pool_connections_lost", "Idle connections found broken.", 1),
)


class DatabasePoolCollector:
    """One series per figure and database alias that has a pool; nothing without one (SQLite,
    DATABASE_POOL_SIZE=0)."""

    def __init__(self, databases=None):
        self._databases = databases

    def _pools(self):
        from django.db import connections

        for connection in (self._databases or connections).all():
            if connection.vendor == "postgresql" and connection.settings_dict.get("OPTIONS", {}).get("pool"):
                yield connection.alias, connection.pool

    def collect(self):
        stats = [(alias, pool.get_stats()) for alias, pool in self._pools()]
        if not stats:
            return
        for key, name, documentation in _GAUGES:
            family = GaugeMetricFamily(name, documentation, labels=["database"])
            for alias, figures in stats:
                family.add_metric([alias], figures.get(key, 0))
            yield family
        for key, name, documentation, divisor in _COUNTERS:
            family = CounterMetricFamily(name, documentation, labels=["database"])
            for alias, figures in stats:
                family.add_metric([alias], figures.get(key, 0) / divisor)
            yield family
