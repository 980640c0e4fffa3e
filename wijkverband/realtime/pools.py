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

The handshake and subscribe pools take the pages in view first. A page in the background says so
when it connects (`/ws/?background=1`); its handshake and subscribes wait while a page in view
waits for the same pool. Those pools' work waits in the event loop (`_Turns`), not in the
executor's first-come-first-served queue, so the order is ours; the executor only ever holds
as many jobs as it has threads. The hint only orders work: a page that leaves it out is served
as every page was before.

Background tabs keep to a share of those threads (REALTIME_BACKGROUND_THREADS) while pages in
view come back; once none has come to either pool of the worker for `QUIET_SECONDS`, they may use
every thread, until the next page in view comes.
"""

import asyncio
import heapq
import itertools
import os
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings

from wijkverband.core import metrics

#: The hub's own reads are few and on the path of every delivery: two threads of their own.
HUB_THREADS = 2

#: How long the handshake and subscribe pools of a worker have had no page in view (none waiting,
#: none running) before background tabs may use every thread, not only their share.
QUIET_SECONDS = 2.0

_pools: dict[str, ThreadPoolExecutor] = {}
# Per event loop: the futures that wait in a `_Turns` belong to one loop.
_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Turns]]" = weakref.WeakKeyDictionary()
_in_view: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _InView]" = weakref.WeakKeyDictionary()


def _forget_pools() -> None:
    _pools.clear()
    _turns.clear()
    _in_view.clear()


# A forked process (a server started by forking one that already used a pool: gunicorn's preload,
# the test suite's live servers) inherits the pool objects but not their threads: work handed to
# them would wait forever, and every socket's handshake with it. The child starts with none.
os.register_at_fork(after_in_child=_forget_pools)


def _threads(name: str) -> int:
    return HUB_THREADS if name == "hub" else settings.REALTIME_CONNECT_THREADS


def _pool(name: str) -> ThreadPoolExecutor:
    pool = _pools.get(name)
    if pool is None:
        pool = _pools[name] = ThreadPoolExecutor(max_workers=_threads(name), thread_name_prefix=f"wv-{name}")
    return pool


class _InView:
    """The pages in view in a worker's handshake and subscribe pools (one per event loop, shared by
    both pools: a page's handshake is followed by its subscribe, and both share the interpreter
    with the event loop): how many jobs wait or run, and since when there have been none."""

    def __init__(self) -> None:
        self.jobs = 0
        self.none_since = time.monotonic()  # a worker that just started: pages in view may be on their way

    def start(self) -> None:
        self.jobs += 1

    def end(self, now: float) -> None:
        self.jobs -= 1
        if not self.jobs:
            self.none_since = now

    def quiet(self, now: float) -> bool:
        return not self.jobs and now - self.none_since >= QUIET_SECONDS


class _Turns:
    """Who runs next in one pool: at most as many jobs at once as the pool has threads, and of
    those at most REALTIME_BACKGROUND_THREADS for pages in the background while pages in view
    come back (`_InView`: when none has waited or run for QUIET_SECONDS, every thread). The others wait here,
    the pages in view before the pages in the background, each first come, first served. A job
    whose task is cancelled while it waits (the server shutting down) never runs. A client that
    closes its socket while it waits is noticed only after its turn: uvicorn does not cancel the
    task, and the socket's receive is not read before the accept.

    Why a background share: the pool's threads share the interpreter with the event loop, where
    every step of a page in view runs (its handshake, its subscribe frame, its replay). Four
    threads busy with background tabs' handshakes slow each of those steps, even with the pool's
    order right. Once the pages in view are back, that share only keeps the background tabs
    waiting: they take every thread until a page in view comes again, which then waits at most
    for one of them to finish.
    """

    def __init__(self, name: str, in_view: _InView | None = None) -> None:
        self.in_view = in_view or _InView()
        self._recheck = None  # a timer: the background's share may end while nothing else happens
        self.limit = _threads(name)
        # At least one: with none, a background tab would never be let in.
        self.background_limit = max(1, min(self.limit, settings.REALTIME_BACKGROUND_THREADS))
        self.running = 0
        self.running_background = 0
        self.waiting: list[tuple[bool, int, asyncio.Future]] = []  # a heap: in view (False) first
        self._arrivals = itertools.count()
        self._gauges = {
            background: metrics.SOCKET_WORK_WAITING.labels(pool=name, page="background" if background else "in_view")
            for background in (False, True)
        }

    async def run(self, call, *, background: bool):
        turn = asyncio.get_running_loop().create_future()
        if not background:
            self.in_view.start()
        heapq.heappush(self.waiting, (background, next(self._arrivals), turn))
        self._admit()
        if not turn.done():
            gauge = self._gauges[background]
            gauge.inc()
            try:
                await turn  # set by _admit once a thread is free for it: counted as running
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._end(background)  # given its place, then cancelled before it ran: pass it on
                elif not background:
                    self.in_view.end(time.monotonic())
                raise
            finally:
                gauge.dec()
        try:
            return await call()
        finally:
            self._end(background)

    def _may_start(self, background: bool) -> bool:
        if self.running >= self.limit:
            return False
        if not background or self.running_background < self.background_limit:
            return True
        now = time.monotonic()
        if self.in_view.quiet(now):
            return True
        if self._recheck is None:  # past the share: look again when the pages in view may be back
            wait = max(QUIET_SECONDS - (now - self.in_view.none_since), 0) if not self.in_view.jobs else QUIET_SECONDS
            self._recheck = asyncio.get_running_loop().call_later(wait + 0.001, self._look_again)
        return False

    def _look_again(self) -> None:
        self._recheck = None
        self._admit()

    def _admit(self) -> None:
        while self.waiting:
            background, _n, turn = self.waiting[0]
            if turn.done():  # cancelled while it waited
                heapq.heappop(self.waiting)
                continue
            if not self._may_start(background):
                return  # the first in line waits (in view first: a background job only when none is)
            heapq.heappop(self.waiting)
            self.running += 1
            self.running_background += background
            turn.set_result(None)

    def _end(self, background: bool) -> None:
        self.running -= 1
        self.running_background -= background
        if not background:
            self.in_view.end(time.monotonic())
        self._admit()


def _turns_of(name: str) -> _Turns:
    loop = asyncio.get_running_loop()
    by_name = _turns.setdefault(loop, {})
    turns = by_name.get(name)
    if turns is None:
        in_view = _in_view.get(loop)
        if in_view is None:
            in_view = _in_view[loop] = _InView()
        turns = by_name[name] = _Turns(name, in_view)
    return turns


def _in_turn(name: str, func, background: bool):
    run = database_sync_to_async(func, thread_sensitive=False, executor=_pool(name))

    async def in_turn(*args, **kwargs):
        return await _turns_of(name).run(lambda: run(*args, **kwargs), background=background)

    return in_turn


def on_connect_pool(func, *, background: bool = False):
    """`func` as a coroutine function run in the handshake pool (database connections cleaned up),
    after the pages in view that wait for it if this socket's page is in the `background`."""
    return _in_turn("connect", func, background)


def on_subscribe_pool(func, *, background: bool = False):
    """`func` as a coroutine function run in the subscribe pool (database connections cleaned up),
    after the pages in view that wait for it if this socket's page is in the `background`."""
    return _in_turn("subscribe", func, background)


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
