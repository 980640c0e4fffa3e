"""The worker threads a socket's database work runs in.

Connecting (the session and user, the refusal checks, the session's expiry) and subscribing (the
rights, the replay) each run in a small pool of their own; posts and the rest in the event loop's
default pool. When every page reconnects at once (a restart, a network blip) thousands of
handshakes queue up: the subscribes of the sockets already through do not wait behind the
handshakes of the ones still arriving (so pages come back one by one, not all at the end), and
the posts of the people already connected wait behind neither. None of it uses the process's one
thread-sensitive thread, where sockets would read one at a time (docs/realtime.md,
"Reconnect storm").
"""

import os
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings

_pools: dict[str, ThreadPoolExecutor] = {}

# A forked process (a server started by forking one that already used a pool: gunicorn's preload,
# the test suite's live servers) inherits the pool objects but not their threads: work handed to
# them would wait forever, and every socket's handshake with it. The child starts with none.
os.register_at_fork(after_in_child=_pools.clear)


def _pool(name: str) -> ThreadPoolExecutor:
    pool = _pools.get(name)
    if pool is None:
        pool = _pools[name] = ThreadPoolExecutor(
            max_workers=settings.REALTIME_CONNECT_THREADS, thread_name_prefix=f"wv-{name}"
        )
    return pool


def on_connect_pool(func):
    """`func` as a coroutine function run in the handshake pool (database connections cleaned up)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("connect"))


def on_subscribe_pool(func):
    """`func` as a coroutine function run in the subscribe pool (database connections cleaned up)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("subscribe"))
