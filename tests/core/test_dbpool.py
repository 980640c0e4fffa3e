"""The connection pool hands out the connection returned last (wijkverband/core/dbpool.py): a post
runs on a PostgreSQL backend that just ran one, not on the one idle longest. These hold psycopg_pool
to what RecentFirstPool assumes of it."""

from psycopg_pool import ConnectionPool

from tests import postgres
from wijkverband.core.dbpool import RecentFirstPool, recent_first


def _pool(recent: bool, size: int = 3) -> ConnectionPool:
    pool = ConnectionPool(postgres.server_url(), min_size=size, max_size=size, open=False)
    if recent:
        recent_first(pool)
    pool.open(wait=True, timeout=10)
    return pool


def _backend(connection) -> int:
    return connection.info.backend_pid


def _two_used(pool) -> tuple[int, int]:
    """Take two connections and give them back, the first first; their backends."""
    first, second = pool.getconn(), pool.getconn()
    pids = _backend(first), _backend(second)
    pool.putconn(first)
    pool.putconn(second)
    return pids


def test_the_connection_returned_last_goes_out_first():
    pool = _pool(recent=True)
    try:
        pids = _two_used(pool)
        again = pool.getconn()
        assert _backend(again) == pids[1]
        pool.putconn(again)
        # Over and over: one post after the other runs on the same backend.
        for _ in range(5):
            connection = pool.getconn()
            assert _backend(connection) == pids[1]
            pool.putconn(connection)
    finally:
        pool.close()


def test_psycopg_s_own_pool_hands_out_the_one_idle_longest():
    """What the change is against: if psycopg's pool changes its order, this says so."""
    pool = _pool(recent=False)
    try:
        pids = _two_used(pool)
        # The third connection, never used, waited longest.
        third = pool.getconn()
        assert _backend(third) not in pids
        pool.putconn(third)
        assert _backend(pool.getconn()) == pids[0]
    finally:
        pool.close()


def test_busy_connections_are_all_still_handed_out_and_the_idle_ones_keep_their_order():
    pool = _pool(recent=True, size=4)
    try:
        taken = [pool.getconn() for _ in range(4)]
        assert len({_backend(c) for c in taken}) == 4
        for connection in taken:
            pool.putconn(connection)
        # Returned a, b, c, d: d goes out first, then c, b, a.
        order = [pool.getconn() for _ in range(4)]
        assert [_backend(c) for c in order] == [_backend(c) for c in reversed(taken)]
        for connection in order:
            pool.putconn(connection)
        # The one idle longest (returned first) is at the end the pool's shrinking closes first.
        assert _backend(pool._pool[0]) == _backend(order[0])
    finally:
        pool.close()


def test_only_psycopg_s_own_pool_is_changed():
    pool = ConnectionPool(postgres.server_url(), min_size=1, open=False)
    assert recent_first(pool) is pool and type(pool) is RecentFirstPool

    class Other(ConnectionPool):
        pass

    other = Other(postgres.server_url(), min_size=1, open=False)
    assert type(recent_first(other)) is Other
