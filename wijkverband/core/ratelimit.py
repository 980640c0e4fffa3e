"""Fixed-window rate limits shared by every worker through the cache (Redis in production).

On Redis a hit is one round trip: SET NX (start the window's counter with its expiry) and INCR in
one pipeline, through redis-py's public API on the process's shared pool (wijkverband/core/redis.py).
Django's cache API would take three (add, then incr's EXISTS and INCR). Other caches (the embedded
default) use cache.add and cache.incr. When the cache cannot be reached every hit is allowed: an
outage must not stop people from working, and the limit is a brake, not a record.
"""

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
        full_key = cache.make_key(key)  # the cache's prefix: cleared and isolated with the cache
        pipe = client.pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return pipe.execute()[1]
    cache.add(key, 0, timeout=timeout)
    return cache.incr(key)
