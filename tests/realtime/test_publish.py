"""The doorbell (wijkverband.realtime.publish) from wherever a service runs."""

import asyncio

from channels.layers import get_channel_layer

from tests.realtime.loop import run
from wijkverband.realtime import publish


def test_a_publish_from_the_event_loops_own_thread_is_queued_on_the_loop_and_arrives():
    """Sync code run inside async code (the loop's thread) cannot wait for the send: it is queued
    on the loop, in call order, instead of failing (async_to_sync refuses to run there)."""
    layer = get_channel_layer()
    received = []

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(publish.thread_group(424242), channel)
        try:
            publish.thread_event(thread_id=424242, seq=1, frame="one")  # a plain call, no await
            publish.thread_event(thread_id=424242, seq=2, frame="two")
            for _ in range(2):
                received.append(await asyncio.wait_for(layer.receive(channel), timeout=5))
        finally:
            await layer.group_discard(publish.thread_group(424242), channel)

    run(scenario)
    assert [(m["seq"], m["frame"]) for m in received] == [(1, "one"), (2, "two")]


def test_a_publish_from_a_worker_thread_still_sends_at_once():
    layer = get_channel_layer()
    received = []

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(publish.user_group(434343), channel)
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: publish.user_push(user_id=434343, frame="hello")
            )
            received.append(await asyncio.wait_for(layer.receive(channel), timeout=5))
        finally:
            await layer.group_discard(publish.user_group(434343), channel)

    run(scenario)
    assert received[0]["frame"] == "hello"


def test_a_publish_from_a_request_thread_does_not_wait_for_a_busy_loop():
    """Under ASGI a view runs in a thread of sync_to_async: its publish is queued on the server's loop
    (in call order) instead of waiting for that loop, which a reconnect storm may keep busy."""
    from asgiref.sync import sync_to_async

    layer = get_channel_layer()
    received, waited = [], []

    def view():
        import time

        started = time.perf_counter()
        publish.thread_event(thread_id=454545, seq=1, frame="one")
        publish.thread_event(thread_id=454545, seq=2, frame="two")
        waited.append(time.perf_counter() - started)

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(publish.thread_group(454545), channel)
        try:
            request = asyncio.ensure_future(sync_to_async(view, thread_sensitive=False)())
            await asyncio.sleep(0)
            # The loop is busy (a blocking stretch): the view returns all the same.
            import time

            time.sleep(0.3)
            await request
            for _ in range(2):
                received.append(await asyncio.wait_for(layer.receive(channel), timeout=5))
        finally:
            await layer.group_discard(publish.thread_group(454545), channel)

    run(scenario)
    assert waited[0] < 0.25, waited
    assert [(m["seq"], m["frame"]) for m in received] == [(1, "one"), (2, "two")]
