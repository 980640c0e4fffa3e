"""A thread pool that wakes one thread per job: the socket's pools (realtime/pools.py).

The standard ThreadPoolExecutor's idle threads all wait on one queue, whose lock is passed from
waiter to waiter: every job wakes the thread that takes it and then a second one, which finds the
queue empty and goes back to sleep. That is three context switches more per job, each taking the
interpreter's lock on the way (a post, a handshake, a subscribe: docs/realtime.md, "Cost of a
post"). Here each idle thread waits on a lock of its own and a job wakes exactly one: the one that
went idle last, whose stack and database connection are the warmest.

Threads start when work needs them, up to `max_workers`, and stay. They are daemon threads that
the interpreter's exit does not wait for; `shutdown_all` (registered with atexit) lets the jobs
under way finish first, as the standard pool does at exit. A forked child (a server forked from a
process that used a pool) inherits none of the threads: its pools start with none and make their
own, and the jobs queued in the parent stay with the parent.
"""

import atexit
import collections
import os
import threading
import weakref
from concurrent.futures import Executor, Future

_executors: "weakref.WeakSet[WakeOneExecutor]" = weakref.WeakSet()


class _Idle:
    """One idle thread: the lock it sleeps on (held while it sleeps) and the job handed to it."""

    __slots__ = ("wake", "job")

    def __init__(self) -> None:
        self.wake = threading.Lock()
        self.wake.acquire()
        self.job = None


class WakeOneExecutor(Executor):
    def __init__(self, max_workers: int, thread_name_prefix: str = "wv-pool") -> None:
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        self._max_workers = max_workers
        self._prefix = thread_name_prefix
        self._lock = threading.Lock()
        self._idle: list[_Idle] = []  # a stack: the thread that went idle last is woken first
        self._queue: collections.deque = collections.deque()  # jobs waiting for a busy thread
        self._threads: list[threading.Thread] = []
        self._shutdown = False
        _executors.add(self)

    def _forked(self) -> None:
        """In a forked child: no threads, nobody idle, nothing queued, a lock nobody holds."""
        self._lock = threading.Lock()
        self._idle, self._queue, self._threads = [], collections.deque(), []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = Future()
        job = (future, fn, args, kwargs)
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if self._idle:
                idle = self._idle.pop()
                idle.job = job
                idle.wake.release()
                return future
            self._queue.append(job)
            if len(self._threads) < self._max_workers:
                thread = threading.Thread(target=self._work, name=f"{self._prefix}_{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    def _next(self, idle: _Idle):
        """The next job for this thread, waiting for one if there is none; None at shutdown."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._shutdown:
                return None
            self._idle.append(idle)
        idle.wake.acquire()  # released by submit (with a job) or shutdown (without)
        job, idle.job = idle.job, None
        return job

    def _work(self) -> None:
        idle = _Idle()
        while (job := self._next(idle)) is not None:
            future, fn, args, kwargs = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - handed to whoever waits, as the standard pool does
                future.set_exception(error)
                del error
            else:
                future.set_result(result)
                del result
            # Nothing of the job kept alive while the thread sleeps (a replay's frames, a user).
            del job, future, fn, args, kwargs

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft()[0].cancel()
            idle, self._idle = self._idle, []
            threads = list(self._threads)
        for sleeper in idle:
            sleeper.wake.release()  # with no job: the thread ends
        if wait:
            for thread in threads:
                if thread is not threading.current_thread():
                    thread.join()


def _after_fork_in_child() -> None:
    for executor in list(_executors):
        executor._forked()


os.register_at_fork(after_in_child=_after_fork_in_child)


@atexit.register
def shutdown_all() -> None:
    """At the interpreter's exit: the jobs under way and queued finish, as with the standard pool."""
    for executor in list(_executors):
        executor.shutdown(wait=True)
