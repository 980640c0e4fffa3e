"""The worker threads a socket's database work runs in.

Connecting (the session and user, the refusal checks, the session's expiry) and subscribing (the
rights, the replay) each run in a small pool of their own, a socket's other work (read markers,
the session watch) in a third, the hub's (gap fills, the heads check) in a fourth; posts in the
event loop's default pool. When every page reconnects at once (a restart, a network blip) thousands of
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


def _pool(name: str, threads: int | None = None) -> ThreadPoolExecutor:
    pool = _pools.get(name)
    if pool is None:
        pool = _pools[name] = ThreadPoolExecutor(
            max_workers=threads or settings.REALTIME_CONNECT_THREADS, thread_name_prefix=f"wv-{name}"
        )
    return pool


def on_connect_pool(func):
    """`func` as a coroutine function run in the handshake pool (database connections cleaned up)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("connect"))


def on_subscribe_pool(func):
    """`func` as a coroutine function run in the subscribe pool (database connections cleaned up)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("subscribe"))


def on_socket_pool(func):
    """`func` as a coroutine function run in the pool of a socket's other database work: read
    markers, the typing check, the session watch and the rights' re-check. After a storm every
    page sends its read marker: they queue here, not in the process's one thread-sensitive thread
    and not before the posts."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("socket"))


#: The hub's own reads are few and on the path of every delivery: two threads of their own.
HUB_THREADS = 2


def on_hub_pool(func):
    """`func` as a coroutine function run in the hub's pool: filling a gap in a thread's events,
    the heads check, the online marks. Delivery never waits behind the sockets' work."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("hub", HUB_THREADS))
