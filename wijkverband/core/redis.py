"""One Redis connection pool per process for Django's cache.

Django keeps a cache object per thread and per asyncio context (an HTTP request, or a WebSocket
for as long as it is open), and its Redis backend gives each of those objects its own connection
pool. Every open socket that touched the cache (presence, the post rate limit) so held its own idle
Redis connection: 1,000 sockets, 1,013 connections to Redis (bench/realtime/README.md), with
Redis refusing clients past its `maxclients` (10,000 by default) long before the app's sockets
run out. With this pool class every cache object of the process shares one pool, which holds as
many connections as are in use at the same moment. redis-py's pools are thread-safe and notice
a fork. cache_client() gives redis-py's own client on that pool, for the rate limits and presence.
"""

import functools
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


def cache_client() -> redis.Redis | None:
    """redis-py's client on the default cache's Redis, through the same shared pool; None for another cache.

    For what Django's cache API cannot do in one round trip (pipelines, hashes), without reaching
    into the backend's private client. Keys still go through the cache's make_key, so they carry
    its prefix (cleared and isolated with the cache).
    """
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["default"], RedisCache):
        return None
    location = settings.CACHES["default"]["LOCATION"]
    # The first server is the one Django's Redis cache writes to.
    return _client(location[0] if isinstance(location, list | tuple) else location.split(",")[0])


@functools.lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    # The options Django's Redis cache gives its pool (its default parser): both find the same pool.
    return redis.Redis(connection_pool=SharedConnectionPool.from_url(url, parser_class=redis.connection.DefaultParser))
