"""Fixed-window rate limits shared by every worker through the cache (Redis in production).

On Redis a hit is one round trip and one command: a small script (EVALSHA) counts it and gives a
new window's counter its expiry, through redis-py's public API on the process's shared pool
(wijkverband/core/redis.py). It is on the path of every post: as a pipeline of SET NX and INCR it
took a tenth of a post's instructions (bench/post_instructions.py), the script a quarter less.
Django's cache API would take three round trips (add, then incr's EXISTS and INCR). Other caches
(the embedded default) use cache.add and cache.incr. When the cache cannot be reached every hit is
allowed: an outage must not stop people from working, and the limit is a brake, not a record.
"""

import functools
import logging
import time

from django.core.cache import caches

from wijkverband.core.redis import cache_client

logger = logging.getLogger(__name__)


def rate_limit_hit(key: str, *, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit on `key` in the current window; False when this hit is past `limit` in it.

    Every hit counts, refused ones too, so hammering does not open the window early.
    """
    window = int(time.time() // window_seconds)
    try:
        count = _count(f"ratelimit:{key}:{window}", timeout=window_seconds * 2)
    except Exception:  # noqa: BLE001 - a cache outage must not stop people from working
        logger.warning("rate limit %s unavailable; allowing", key.split(":", 1)[0], exc_info=True)
        return True
    return count <= limit


def _count(key: str, *, timeout: int) -> int:
    cache = caches["default"]
    client = cache_client()
    if client is not None:
        # The cache's prefix: cleared and isolated with the cache.
        return _hit_script(client)(keys=[cache.make_key(key)], args=[timeout])
    cache.add(key, 0, timeout=timeout)
    return cache.incr(key)


#: Count a hit; the first of a window also sets the counter's expiry. Atomic in Redis, so a
#: counter never lives on without one.
HIT_SCRIPT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"


@functools.lru_cache(maxsize=4)
def _hit_script(client):
    """HIT_SCRIPT on `client`: sent by its digest (EVALSHA), and loaded again by redis-py when the
    server does not know it (after a restart, or another server behind the address)."""
    return client.register_script(HIT_SCRIPT)
