"""The sockets' thread pool (wijkverband/realtime/executor.py): a job wakes one idle thread, not
two as the standard pool's does, and the pool keeps the standard pool's promises (results and
errors handed back, at most max_workers at once, queued jobs cancellable, shutdown waiting for
the work under way, a forked child with threads of its own)."""

import asyncio
import gc
import multiprocessing
import os
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import pytest

from wijkverband.realtime.executor import WakeOneExecutor


def _switches(thread_ids) -> int:
    """Context switches so far of these threads of this process (Linux)."""
    total = 0
    for tid in thread_ids:
        with open(f"/proc/self/task/{tid}/status") as status:
            total += sum(int(line.split()[1]) for line in status if "ctxt_switches:" in line)
    return total


def _start_threads(pool, count: int) -> set[int]:
    """`count` threads started in `pool` (jobs that wait for each other), idle again after; their ids."""
    barrier = threading.Barrier(count)

    def wait_for_the_others():
        barrier.wait(timeout=5)
        return threading.get_native_id()

    return {future.result(timeout=5) for future in [pool.submit(wait_for_the_others) for _ in range(count)]}


def _asleep(thread_ids) -> int:
    """Their context switches once these threads are asleep (the count steady for 50 ms): a thread
    is listed idle just before it goes to sleep, which is a switch of its own."""
    last = _switches(thread_ids)
    for _ in range(100):
        time.sleep(0.05)
        now = _switches(thread_ids)
        if now == last:
            return now
        last = now
    raise AssertionError("the idle threads did not settle")


def _wait_until_all_idle(pool) -> None:
    """Until the thread of the last job is back asleep: its result is handed over just before."""
    if isinstance(pool, WakeOneExecutor):
        for _ in range(5000):
            if len(pool._idle) == len(pool._threads):
                return
            time.sleep(0.001)
        raise AssertionError("the pool's threads did not go idle")
    time.sleep(0.005)  # the standard pool does not say


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads threads' context switches from /proc")
@pytest.mark.parametrize("pool_class, wakes_only_one", [(WakeOneExecutor, True), (ThreadPoolExecutor, False)])
def test_a_job_wakes_one_idle_thread_and_the_others_sleep_on(pool_class, wakes_only_one):
    # The standard pool is here to show the test can fail: its idle threads pass one lock around.
    pool = pool_class(max_workers=4)
    try:
        threads = _start_threads(pool, 4)
        ran_on = set()
        before = None
        for n in range(50):
            _wait_until_all_idle(pool)
            ran_on.add(pool.submit(threading.get_native_id).result(timeout=5))
            if n == 0:
                before = _asleep(threads - ran_on)
        others = threads - ran_on
        woken = _switches(others) - before
        if wakes_only_one:
            assert len(ran_on) == 1  # the thread that went idle last, every time
            assert woken == 0
        else:
            assert len(ran_on) > 1 or woken > 0
    finally:
        pool.shutdown()


def test_results_and_errors_come_back_as_from_the_standard_pool():
    pool = WakeOneExecutor(max_workers=2)
    try:
        assert pool.submit(sum, [1, 2, 3]).result(timeout=5) == 6
        assert list(pool.map(lambda x: x * 2, range(5), timeout=5)) == [0, 2, 4, 6, 8]
        with pytest.raises(ZeroDivisionError):
            pool.submit(lambda: 1 / 0).result(timeout=5)
        assert pool.submit(lambda: "still working").result(timeout=5) == "still working"
    finally:
        pool.shutdown()


def test_an_idle_thread_keeps_nothing_of_its_last_job_alive():
    class Frames:
        """Stands for what a job returns or is given: a replay's frames, a user."""

    pool = WakeOneExecutor(max_workers=1)
    try:
        given = Frames()
        future = pool.submit(lambda frames: Frames(), given)
        returned = weakref.ref(future.result(timeout=5))
        given, future = weakref.ref(given), None
        _wait_until_all_idle(pool)
        gc.collect()
        assert returned() is None
        assert given() is None
    finally:
        pool.shutdown()


def test_at_most_max_workers_run_at_once_and_the_rest_wait_their_turn():
    pool = WakeOneExecutor(max_workers=2, thread_name_prefix="wv-test")
    release = threading.Event()
    running, most = [0], [0]
    lock = threading.Lock()

    def job(n):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1
        return n, threading.current_thread().name

    try:
        futures = [pool.submit(job, n) for n in range(6)]
        for _ in range(500):  # both threads in a job
            with lock:
                if running[0] == 2:
                    break
            threading.Event().wait(0.01)
        threading.Event().wait(0.1)  # time for a third, if the pool let one in
        assert not futures[-1].done()
        release.set()
        results = [future.result(timeout=5) for future in futures]
        assert [n for n, _name in results] == list(range(6))
        assert most[0] == 2
        assert {name for _n, name in results} <= {"wv-test_0", "wv-test_1"}
    finally:
        pool.shutdown()


def test_a_queued_job_cancelled_before_its_turn_never_runs():
    pool = WakeOneExecutor(max_workers=1)
    release = threading.Event()
    ran = []
    try:
        busy = pool.submit(release.wait, 5)
        queued = pool.submit(ran.append, "queued")
        assert queued.cancel()
        release.set()
        assert busy.result(timeout=5) is True
        assert pool.submit(ran.append, "next").result(timeout=5) is None
        assert ran == ["next"]
    finally:
        pool.shutdown()


def test_shutdown_waits_for_the_work_under_way_and_queued_and_refuses_more():
    pool = WakeOneExecutor(max_workers=1)
    release = threading.Event()
    done = []

    def slow(n):
        release.wait(5)
        done.append(n)

    pool.submit(slow, 1)
    pool.submit(slow, 2)
    threading.Timer(0.2, release.set).start()
    pool.shutdown(wait=True)
    assert done == [1, 2]
    with pytest.raises(RuntimeError):
        pool.submit(print)


def test_shutdown_with_cancel_futures_drops_what_waits():
    pool = WakeOneExecutor(max_workers=1)
    started, release = threading.Event(), threading.Event()

    def job():
        started.set()
        return release.wait(5)

    running = pool.submit(job)
    waiting = pool.submit(lambda: "never")
    assert started.wait(5)  # the first job under way, the second queued behind it
    threading.Timer(0.2, release.set).start()
    pool.shutdown(wait=True, cancel_futures=True)
    assert running.result(timeout=0) is True
    assert waiting.cancelled()


def test_an_event_loop_runs_its_blocking_calls_there():
    pool = WakeOneExecutor(max_workers=3)

    async def main():
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*[loop.run_in_executor(pool, pow, 2, n) for n in range(10)])

    try:
        assert asyncio.run(main()) == [2**n for n in range(10)]
    finally:
        pool.shutdown()


_inherited = None


def _use_the_inherited_pool(answers):
    try:
        answers.put(_inherited.submit(lambda: ("child", os.getpid())).result(timeout=5))
    except Exception as error:  # noqa: BLE001 - reported to the parent
        answers.put(repr(error))


def test_a_forked_child_runs_the_inherited_pools_work_on_threads_of_its_own():
    global _inherited
    _inherited = WakeOneExecutor(max_workers=1)
    try:
        _start_threads(_inherited, 1)  # the parent's one thread exists and is idle
        context = multiprocessing.get_context("fork")
        answers = context.Queue()
        child = context.Process(target=_use_the_inherited_pool, args=(answers,))
        child.start()
        try:
            answer = answers.get(timeout=20)
            assert answer == ("child", child.pid)
        finally:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
        assert _inherited.submit(os.getpid).result(timeout=5) == os.getpid()  # the parent's still works
    finally:
        _inherited.shutdown()
        _inherited = None
