"""The worker threads a socket's database work runs in.

Connecting (the session and user, the refusal checks, the session's expiry) and subscribing (the
rights, the replay) each run in a small pool of their own, a socket's other work (read markers,
the session watch) in a third, the hub's (gap fills, the heads check) in a fourth; posts in a
fifth. When every page reconnects at once (a restart, a network blip) thousands of
handshakes queue up: the subscribes of the sockets already through do not wait behind the
handshakes of the ones still arriving (so pages come back one by one, not all at the end), and
the posts of the people already connected wait behind neither. None of it uses the process's one
thread-sensitive thread, where sockets would read one at a time (docs/realtime.md,
"Reconnect storm").

The handshake and subscribe pools take the pages in view first. A page in the background says so
when it connects (`/ws/?background=1`); its handshake and subscribes wait while a page in view
waits for the same pool. A page with a post waiting in its outbox says that (`/ws/?writing=1`):
its work goes before the pages in view, so the people who are writing are back first. Those
pools' work waits in the event loop (`_Turns`), not in the executor's first-come-first-served
queue, so the order is ours; the executor only ever holds as many jobs as it has threads. The
hints only order work: a page that leaves them out is served as every page was before.
"""

import asyncio
import heapq
import itertools
import os
import weakref

from channels.db import database_sync_to_async
from django.conf import settings

from wijkverband.core import metrics
from wijkverband.realtime.executor import WakeOneExecutor

#: The hub's own reads are few and on the path of every delivery: two threads of their own.
HUB_THREADS = 2
#: Posts: as many threads as the event loop's default pool had (Python's default size).
POST_THREADS = min(32, (os.cpu_count() or 1) + 4)

_pools: dict[str, WakeOneExecutor] = {}
# Per event loop: the futures that wait in a `_Turns` belong to one loop.
_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Turns]]" = weakref.WeakKeyDictionary()


def _forget_turns() -> None:
    _turns.clear()


# A forked process (a server started by forking one that already used a pool: gunicorn's preload,
# the test suite's live servers) inherits the pools but not their threads. The pools start afresh
# in the child by themselves (realtime/executor.py); the turns, which count the parent's jobs as
# running, are dropped here.
os.register_at_fork(after_in_child=_forget_turns)


def _threads(name: str) -> int:
    return {"hub": HUB_THREADS, "post": POST_THREADS}.get(name, settings.REALTIME_CONNECT_THREADS)


def _pool(name: str) -> WakeOneExecutor:
    pool = _pools.get(name)
    if pool is None:
        pool = _pools[name] = WakeOneExecutor(max_workers=_threads(name), thread_name_prefix=f"wv-{name}")
    return pool


#: The order in which waiting work runs (`_Turns`): a page whose person is writing, a page in view,
#: a page in the background.
WRITING, IN_VIEW, BACKGROUND = 0, 1, 2
_PAGE_LABELS = {WRITING: "writing", IN_VIEW: "in_view", BACKGROUND: "background"}


def page_rank(*, background: bool, writing: bool) -> int:
    """A socket's place in line, from its page's hints (realtime/consumers.py)."""
    return WRITING if writing else BACKGROUND if background else IN_VIEW


class ClientGone(Exception):
    """The socket's client left while its work waited for a turn: the work did not run."""


class _Turns:
    """Who runs next in one pool: at most as many jobs at once as the pool has threads, and of
    those at most REALTIME_BACKGROUND_THREADS for pages in the background. The others wait here,
    the pages with a post waiting first, then the pages in view, then the pages in the background,
    each first come, first served. A job whose task is cancelled while it waits (the server
    shutting down) never runs. Nor does the job of a client that closed its socket while it waited
    (`gone`, asked when its turn comes): it raises ClientGone and passes its turn on. In a storm on
    a slow machine, the handshakes of clients that gave up and tried again, or of pages closed,
    would otherwise each cost the database work of a live one, and the queue would only grow.

    Why a background share: the pool's threads share the interpreter with the event loop, where
    every step of a page in view runs (its handshake, its subscribe frame, its replay). Four
    threads busy with background tabs' handshakes slow each of those steps, even with the pool's
    order right.
    """

    def __init__(self, name: str) -> None:
        self.limit = _threads(name)
        # At least one: with none, a background tab would never be let in.
        self.background_limit = max(1, min(self.limit, settings.REALTIME_BACKGROUND_THREADS))
        self.running = 0
        self.running_background = 0
        self.waiting: list[tuple[int, int, asyncio.Future]] = []  # a heap: by rank (WRITING first)
        self._arrivals = itertools.count()
        self._gauges = {
            rank: metrics.SOCKET_WORK_WAITING.labels(pool=name, page=label) for rank, label in _PAGE_LABELS.items()
        }
        self._dropped = metrics.SOCKET_WORK_DROPPED.labels(pool=name)

    async def run(self, call, *, page: int, gone=None):
        background = page == BACKGROUND
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (page, next(self._arrivals), turn))
        self._admit()
        if not turn.done():
            gauge = self._gauges[page]
            gauge.inc()
            try:
                await turn  # set by _admit once a thread is free for it: counted as running
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._end(background)  # given its place, then cancelled before it ran: pass it on
                raise
            finally:
                gauge.dec()
        if gone is not None and gone():
            self._end(background)
            self._dropped.inc()
            raise ClientGone
        try:
            return await call()
        finally:
            self._end(background)

    def _may_start(self, background: bool) -> bool:
        return self.running < self.limit and (not background or self.running_background < self.background_limit)

    def _admit(self) -> None:
        while self.waiting:
            rank, _n, turn = self.waiting[0]
            background = rank == BACKGROUND
            if turn.done():  # cancelled while it waited
                heapq.heappop(self.waiting)
                continue
            if not self._may_start(background):
                return  # the first in line waits (a background job only when no other is waiting)
            heapq.heappop(self.waiting)
            self.running += 1
            self.running_background += background
            turn.set_result(None)

    def _end(self, background: bool) -> None:
        self.running -= 1
        self.running_background -= background
        self._admit()


def _turns_of(name: str) -> _Turns:
    by_name = _turns.setdefault(asyncio.get_running_loop(), {})
    turns = by_name.get(name)
    if turns is None:
        turns = by_name[name] = _Turns(name)
    return turns


def _in_turn(name: str, func, page: int, gone):
    run = database_sync_to_async(func, thread_sensitive=False, executor=_pool(name))

    async def in_turn(*args, **kwargs):
        return await _turns_of(name).run(lambda: run(*args, **kwargs), page=page, gone=gone)

    return in_turn


def on_connect_pool(func, *, page: int = IN_VIEW, gone=None):
    """`func` as a coroutine function run in the handshake pool (database connections cleaned up),
    in its `page`'s place in line (`page_rank`: the people writing, the pages in view, then the
    pages in the background). `gone()`, asked when its turn comes: the client has left, so the
    work is skipped and ClientGone raised."""
    return _in_turn("connect", func, page, gone)


def on_subscribe_pool(func, *, page: int = IN_VIEW, gone=None):
    """`func` as a coroutine function run in the subscribe pool (database connections cleaned up),
    in its `page`'s place in line (as on_connect_pool)."""
    return _in_turn("subscribe", func, page, gone)


def on_socket_pool(func):
    """`func` as a coroutine function run in the pool of a socket's other database work: read
    markers, the typing check, the session watch and the rights' re-check. After a storm every
    page sends its read marker: they queue here, not in the process's one thread-sensitive thread
    and not before the posts."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("socket"))


def on_hub_pool(func):
    """`func` as a coroutine function run in the hub's pool: filling a gap in a thread's events,
    the heads check, the online marks. Delivery never waits behind the sockets' work."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("hub"))


def on_post_pool(func):
    """`func` as a coroutine function run in the posts' pool (database connections cleaned up)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_pool("post"))
