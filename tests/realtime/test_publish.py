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
