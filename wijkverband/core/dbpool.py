"""The database connection pool hands out the connection returned last (DATABASE_POOL_SIZE).

psycopg's pool hands out the connection that has waited longest (first in, first out): with 16
connections and one post at a time, each post ran on a PostgreSQL backend that had been idle for
the last fifteen, its caches cold. Handing out the one returned last keeps the work on few
backends, as PgBouncer does by default for the same reason. In the pinned bench (1,000 sockets, 20
posts/s) PostgreSQL's CPU per post fell by 13 % (ten alternated pairs; bench/realtime/README.md,
"A twenty-seventh machine"); docs/scaling.md, "Connections".

When every connection is busy (a reconnect storm) nothing changes: each one is taken as soon as it
comes back. The connections that stay idle longest are the ones at the far end, which the pool
closes first when it shrinks (above `min_size`, after `max_idle`).
"""

from psycopg_pool import ConnectionPool


class RecentFirstPool(ConnectionPool):
    """psycopg's pool keeps its idle connections in a deque: returned ones are appended on the
    right and handed out from the left (`_get_ready_connection`, under the pool's lock). Here the one
    returned last is turned to the left first; the others keep their order, the longest idle
    leftmost, where the pool's shrinking takes them. tests/core/test_dbpool.py holds psycopg_pool to
    this."""

    def _get_ready_connection(self, timeout):
        if len(self._pool) > 1:
            self._pool.rotate(1)
        return super()._get_ready_connection(timeout)


def recent_first(pool):
    """`pool` (the `ConnectionPool` Django made) set to hand out the connection returned last; the
    same pool. Django builds the pool itself, so its class is changed, not its construction."""
    if type(pool) is ConnectionPool:
        pool.__class__ = RecentFirstPool
    return pool
