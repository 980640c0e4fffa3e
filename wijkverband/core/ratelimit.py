"""Fixed-window rate limits shared by every worker through the cache (Redis in production).

On Redis a hit is one round trip and one command: a small script (EVALSHA) counts it and gives a
new window's counter its expiry, on the process's shared pool (wijkverband/core/redis.py). It is
on the path of every post: as a pipeline of SET NX and INCR it took a tenth of a post's
instructions (bench/post_instructions.py), the script a quarter less. `rate_limit_counting`
sends the hit and reads its answer only when asked: a post builds its writes during the round
trip instead of waiting for it (docs/realtime.md, "Cost of a post"). Django's cache API would
take three round trips (add, then incr's EXISTS and INCR). Other caches use cache.add and
cache.incr: the embedded default's, a table in the database, counts in one transaction that holds
the row (core/dbcache.py), so hits at the same moment are each counted. When the cache cannot be
reached every hit is allowed: an outage must not stop people from working, and the limit is a
brake, not a record.
"""

import contextlib
import functools
import logging
import time

import redis
from django.core.cache import caches

from wijkverband.core.redis import cache_client

logger = logging.getLogger(__name__)


def rate_limit_hit(key: str, *, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit on `key` in the current window; False when this hit is past `limit` in it.

    Every hit counts, refused ones too, so hammering does not open the window early.
    """
    with rate_limit_counting(key, limit=limit, window_seconds=window_seconds) as hit:
        return hit.allowed()


@contextlib.contextmanager
def rate_limit_counting(key: str, *, limit: int, window_seconds: int = 60):
    """`rate_limit_hit`, with the hit sent now and its answer read when `allowed()` is first asked.

    The hit counts whether or not anyone asks; leaving the block reads an answer nobody asked for,
    so the connection goes back to the pool clean.
    """
    hit = _Hit(f"ratelimit:{key}:{int(time.time() // window_seconds)}", limit=limit, timeout=window_seconds * 2)
    try:
        yield hit
    finally:
        hit.close()


class _Hit:
    def __init__(self, key: str, *, limit: int, timeout: int):
        self.key, self.limit, self.timeout = key, limit, timeout
        self.count: int | None = None
        self.sent = None  # (client, the connection the hit was sent on) until its answer is read
        try:
            self.sent = _send(key, timeout=timeout)
            if self.sent is None:  # not Redis: counted through Django's cache API, at once
                self.count = _count(key, timeout=timeout)
        except Exception:  # noqa: BLE001 - a cache outage must not stop people from working
            self._unavailable()

    def allowed(self) -> bool:
        if self.count is None and self.sent is not None:
            try:
                self.count = _answer(*self.sent, key=self.key, timeout=self.timeout)
            except Exception:  # noqa: BLE001 - a cache outage must not stop people from working
                self._unavailable()
            finally:
                self.sent = None
        return self.count is None or self.count <= self.limit

    def close(self) -> None:
        if self.sent is not None:
            self.allowed()

    def _unavailable(self) -> None:
        logger.warning("rate limit %s unavailable; allowing", self.key.split(":", 2)[1], exc_info=True)
        self.count = None


def _send(key: str, *, timeout: int):
    """On Redis: the hit sent on a connection of the shared pool, its answer not read yet
    (`_answer`). None for another cache."""
    client = cache_client()
    if client is None:
        return None
    script = _hit_script(client)
    connection = client.connection_pool.get_connection()
    try:
        # The cache's prefix: cleared and isolated with the cache.
        connection.send_command("EVALSHA", script.sha, 1, caches["default"].make_key(key), timeout)
    except BaseException:
        _release(client, connection, broken=True)
        raise
    return client, connection


def _answer(client, connection, *, key: str, timeout: int) -> int:
    try:
        count = connection.read_response()
    except redis.exceptions.NoScriptError:
        # The server forgot the script (a restart, another server behind the address): nothing was
        # counted; redis-py's script call loads it and counts.
        _release(client, connection)
        return _hit_script(client)(keys=[caches["default"].make_key(key)], args=[timeout])
    except BaseException:
        _release(client, connection, broken=True)
        raise
    _release(client, connection)
    return int(count)


def _release(client, connection, *, broken: bool = False) -> None:
    if broken:
        connection.disconnect()  # an answer may still be on its way: never reuse it
    client.connection_pool.release(connection)


def _count(key: str, *, timeout: int) -> int:
    """A hit through Django's cache API (the embedded default's table in the database)."""
    cache = caches["default"]
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
