"""One Redis connection pool per process for Django's cache.

Django keeps a cache object per thread and per asyncio context (an HTTP request, or a WebSocket
for as long as it is open), and its Redis backend gives each of those objects its own connection
pool. Every open socket that touched the cache (presence, the post rate limit) so held its own idle
Redis connection: 1,000 sockets, 1,013 connections to Redis (bench/realtime/README.md), with
Redis refusing clients past its `maxclients` (10,000 by default) long before the app's sockets
run out. With this pool class every cache object of the process shares one pool, which holds as
many connections as are in use at the same moment. redis-py's pools are thread-safe and notice
a fork.
"""

import threading

import redis


class SharedConnectionPool(redis.ConnectionPool):
    _pools: dict = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with cls._lock:
            pool = cls._pools.get(key)
            if pool is None:
                pool = cls._pools[key] = super().from_url(url, **kwargs)
            return pool


def shared_client(url: str) -> redis.Redis:
    """A Redis client on the same shared pool as Django's cache for this address (no extra connections).

    Built with the options Django's Redis cache passes to its pool (its default parser), so both
    find the same pool.
    """
    pool = SharedConnectionPool.from_url(url, parser_class=redis.connection.DefaultParser)
    return redis.Redis(connection_pool=pool)
