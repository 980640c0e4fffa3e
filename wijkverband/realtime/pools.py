"""The worker threads a socket's database work runs in.

Connecting and subscribing (the session, the refusal checks, the rights, the replay) run in a
pool of their own, posts and the rest in the event loop's default pool. When every page reconnects
at once (a restart, a network blip) thousands of subscribes queue up; the posts of the people
already connected do not wait behind them. Neither uses the one thread-sensitive thread, so
sockets do not wait for each other's reads one at a time (docs/realtime.md, "Reconnect storm").
"""

from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings

_connect_pool: ThreadPoolExecutor | None = None


def connect_pool() -> ThreadPoolExecutor:
    global _connect_pool  # noqa: PLW0603 - one pool per process, made when first needed
    if _connect_pool is None:
        _connect_pool = ThreadPoolExecutor(
            max_workers=settings.REALTIME_CONNECT_THREADS, thread_name_prefix="wv-connect"
        )
    return _connect_pool


def on_connect_pool(func):
    """`func` as a coroutine function run in the connect pool (database connections cleaned up)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=connect_pool())
