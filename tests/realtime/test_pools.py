"""The socket's thread pools (wijkverband/realtime/pools.py): they survive a fork (a live server
forked from a process that used them), and a socket's database work and the hub's never wait for
the process's one thread-sensitive thread. Under ASGI that thread serves every socket call left on
it, one at a time: after a restart, thousands of read markers would queue there, and a gap fill
behind them."""

import asyncio
import multiprocessing
import threading

import pytest
from asgiref.sync import sync_to_async

from tests.realtime.helpers import connect
from tests.realtime.loop import run
from tests.threads.helpers import post, topic
from wijkverband.realtime import pools
from wijkverband.realtime.fanout import get_hub
from wijkverband.threads.models import ReadMarker


def _use_the_pool_in_the_child(answers):
    try:
        answers.put(pools._pool("connect").submit(lambda: 42).result(timeout=5))
    except Exception as error:  # noqa: BLE001 - reported to the parent
        answers.put(repr(error))


def test_a_forked_process_gets_pools_of_its_own_and_their_work_runs():
    assert pools._pool("connect").submit(lambda: 1).result(timeout=5) == 1  # the parent's threads exist
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_use_the_pool_in_the_child, args=(answers,))
    child.start()
    try:
        assert answers.get(timeout=20) == 42
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


async def _hold_the_sensitive_thread(release: threading.Event) -> asyncio.Future:
    """Keep the thread-sensitive thread busy (a long page, a storm's queue) until `release`."""
    started = threading.Event()

    def busy():
        started.set()
        release.wait(10)

    holding = asyncio.ensure_future(sync_to_async(busy, thread_sensitive=True)())
    while not started.is_set():
        await asyncio.sleep(0.01)
    return holding


@pytest.mark.django_db(transaction=True)
def test_a_read_marker_is_answered_while_the_thread_sensitive_thread_is_busy(world):
    thread = topic(world)
    message = post(thread, world.carla, "Hallo").message

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        release = threading.Event()
        holding = await _hold_the_sensitive_thread(release)
        try:
            await maarten.send({"type": "read", "thread": thread.pk, "seq": message.seq})
            answer = await maarten.until("read", timeout=3)
            assert answer["seq"] == message.seq
        finally:
            release.set()
            await holding
        await maarten.close()

    run(scenario)
    assert ReadMarker.objects.get(thread=thread, user=world.maarten).seq == message.seq


@pytest.mark.django_db(transaction=True)
def test_the_hub_fills_a_gap_while_the_thread_sensitive_thread_is_busy(world):
    thread = topic(world)

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        hub = get_hub()
        release = threading.Event()
        holding = await _hold_the_sensitive_thread(release)
        try:
            # An event the doorbell never rang for (Redis dropped it): the heads check finds it.
            missed = await sync_to_async(post, thread_sensitive=False)(thread, world.carla, "Gemist")
            hub.expected[thread.pk] = missed.message.seq
            await asyncio.wait_for(hub.fill(thread.pk, upto=missed.message.seq), 3)
            frame = await maarten.until("event", timeout=3)
            assert frame["seq"] == missed.message.seq
        finally:
            release.set()
            await holding
        await maarten.close()

    run(scenario)
