"""The channel layer (wijkverband/realtime/layer.py): a post's PUBLISH does not wait for the
worker's subscribes, and subscribes asked for together go to Redis together. On real Redis (CI,
and any run with REDIS_URL); the embedded setup has the in-memory layer and no Redis."""

import asyncio
import uuid

import pytest
import redis
from django.conf import settings

from wijkverband.realtime.layer import BATCH, ChannelLayer

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="the embedded setup has no Redis (CI runs these on Redis: tests/conftest.py)"
)


def _layer(hosts=None, prefix=None) -> ChannelLayer:
    # A prefix of its own: nothing else on this Redis hears these groups.
    return ChannelLayer(hosts=hosts or [settings.REDIS_URL], prefix=prefix or f"wv-layer-test-{uuid.uuid4().hex}")


def _shard(layer: ChannelLayer):
    return layer._get_layer()._shards[0]


@needs_redis
def test_a_publish_does_not_wait_for_the_subscribes_in_progress():
    """After a restart a worker joins thousands of groups; a post's doorbell goes out meanwhile."""
    prefix = f"wv-layer-test-{uuid.uuid4().hex}"
    sender, receiver = _layer(prefix=prefix), _layer(prefix=prefix)  # two workers of one deployment

    async def scenario():
        sender_shard = _shard(sender)
        channel = await receiver.new_channel()
        await receiver.group_add("wv.thread.1", channel)
        await asyncio.sleep(0.1)  # the receiver's SUBSCRIBE is through
        await sender.group_add("wv.user.2", await sender.new_channel())  # the sender's connection is up
        async with sender_shard._lock:  # the sender's subscribes in progress
            await asyncio.wait_for(sender.group_send("wv.thread.1", {"type": "wv.event", "seq": 7}), 1)
            message = await asyncio.wait_for(receiver.receive(channel), 2)
        assert message == {"type": "wv.event", "seq": 7}
        await sender.flush()
        await receiver.flush()

    asyncio.run(scenario())


@needs_redis
def test_subscribes_asked_for_together_go_in_few_commands_and_every_group_hears_its_messages():
    layer, publisher = _layer(), redis.Redis.from_url(settings.REDIS_URL)
    groups = [f"wv.user.{n}" for n in range(BATCH + 200)]

    async def scenario():
        shard = _shard(layer)
        channel = await layer.new_channel()
        await layer.group_add("wv.user.warm", channel)  # the pub/sub connection exists
        commands = []
        subscribe = shard._pubsub.subscribe

        async def counting(*channels):
            commands.append(len(channels))
            return await subscribe(*channels)

        shard._pubsub.subscribe = counting
        await asyncio.gather(*(layer.group_add(group, channel) for group in groups))
        assert sum(commands) == len(groups) and len(commands) <= 3, commands  # not one per group
        assert max(commands) <= BATCH
        await asyncio.sleep(0.1)
        inner = layer._get_layer()
        for group in (groups[0], groups[BATCH], groups[-1]):
            await asyncio.to_thread(
                publisher.publish, inner._get_group_channel_name(group), layer.serialize({"type": "x", "g": group})
            )
            assert await asyncio.wait_for(layer.receive(channel), 2) == {"type": "x", "g": group}
        await layer.flush()

    asyncio.run(scenario())


@needs_redis
def test_an_unsubscribe_asked_for_after_a_subscribe_reaches_redis_after_it():
    layer, observer = _layer(), redis.Redis.from_url(settings.REDIS_URL)

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("wv.user.warm", channel)
        inner = layer._get_layer()
        name = inner._get_group_channel_name("wv.thread.9")
        adding = asyncio.ensure_future(layer.group_add("wv.thread.9", channel))
        await asyncio.sleep(0)  # asked for, not yet sent
        await layer.group_discard("wv.thread.9", channel)
        await adding
        await asyncio.sleep(0.1)
        assert name not in _shard(layer)._subscribed_to
        subscribers = await asyncio.to_thread(observer.pubsub_numsub, name)
        assert subscribers == [(name.encode(), 0)]
        await layer.flush()

    asyncio.run(scenario())


def test_with_redis_away_every_subscribe_of_the_batch_fails_and_a_later_one_is_tried_again():
    """As from its own SUBSCRIBE: the hub marks itself degraded and joins again later."""
    layer = _layer(hosts=["redis://127.0.0.1:1/0"])  # nothing listens there

    async def scenario():
        shard = _shard(layer)  # what group_add and new_channel call
        results = await asyncio.gather(*(shard.subscribe(f"wv.user.{n}") for n in range(3)), return_exceptions=True)
        assert all(isinstance(result, redis.exceptions.ConnectionError) for result in results), results
        assert not shard._waiting and not shard._subscribed_to
        with pytest.raises(redis.exceptions.ConnectionError):
            await shard.subscribe("wv.user.9")
        await layer.flush()

    asyncio.run(scenario())
