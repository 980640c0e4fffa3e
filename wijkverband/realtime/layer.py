"""The channel layer: channels_redis's pub/sub layer, with a publish that does not wait for the
worker's subscribes, and subscribes that go to Redis together.

channels_redis keeps one lock per Redis host for everything: each SUBSCRIBE (a worker joining a
thread's or a person's group) and each PUBLISH (a post's doorbell) waits for the ones before it,
one round trip at a time. After a restart a worker joins thousands of groups at once (every
socket's person, every followed thread), and a post waited behind all of them: in the reconnect
storm the posts sent over a socket waited up to 28 s for their ack (p99 19-24 s), and a poster's
socket, which reads no frame while a post is in hand, missed uvicorn's keepalive and was closed
(1011). Here:

- a PUBLISH goes over the client's connection pool at once: the lock only orders the
  subscribes and unsubscribes on the one pub/sub connection, which a PUBLISH does not use;
- the subscribes asked for while one is on its way go in the next SUBSCRIBE, together (at most
  `BATCH` groups in one command), not one round trip each;
- an unsubscribe of a group whose subscribe is still waiting waits for it first, so the two
  reach Redis in the order they were asked for (the hub never does both at once: fanout.py).

Everything else (what is sent, the receiving task, the serialiser) is channels_redis's own.
"""

import asyncio
import contextlib
import itertools

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisSingleShardConnection

#: Groups in one SUBSCRIBE.
BATCH = 500


class _Shard(RedisSingleShardConnection):
    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self._waiting: dict[str, asyncio.Future] = {}  # subscribes asked for, not yet sent
        self._subscriber: asyncio.Task | None = None

    async def publish(self, channel, message):
        if self._redis is None:
            async with self._lock:
                self._ensure_redis()
        await self._redis.publish(channel, message)

    async def subscribe(self, channel):
        future = self._waiting.get(channel)
        if future is None:
            future = self._waiting[channel] = asyncio.get_running_loop().create_future()
            # Retrieved even when every caller was cancelled meanwhile (no "never retrieved").
            future.add_done_callback(lambda done: done.cancelled() or done.exception())
            if self._subscriber is None or self._subscriber.done():
                self._subscriber = asyncio.ensure_future(self._subscribe_waiting())
        await asyncio.shield(future)

    async def _subscribe_waiting(self) -> None:
        while self._waiting:
            async with self._lock:
                batch = dict(itertools.islice(self._waiting.items(), BATCH))
                for channel in batch:
                    del self._waiting[channel]
                new = [channel for channel in batch if channel not in self._subscribed_to]
                try:
                    if new:
                        self._ensure_redis()
                        self._ensure_receiver()
                        await self._pubsub.subscribe(*new)
                        self._subscribed_to.update(new)
                except Exception as error:  # noqa: BLE001 - each caller gets it, as from its own SUBSCRIBE
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(error)
                    continue
                for future in batch.values():
                    if not future.done():
                        future.set_result(None)

    async def flush(self):
        if self._subscriber is not None:
            self._subscriber.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._subscriber
            self._subscriber = None
        for future in self._waiting.values():
            future.cancel()
        self._waiting = {}
        await super().flush()

    async def unsubscribe(self, channel):
        waiting = self._waiting.get(channel)
        if waiting is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(waiting)  # the subscribe was asked for first: it goes first
        await super().unsubscribe(channel)


class ChannelLayer(RedisPubSubChannelLayer):
    """`channels_redis.pubsub.RedisPubSubChannelLayer` with the shards above (one layer per event
    loop, as channels_redis makes them)."""

    def _get_layer(self):
        fresh = asyncio.get_running_loop() not in self._layers
        layer = super()._get_layer()
        if fresh:
            layer._shards = [_Shard(shard.host, layer) for shard in layer._shards]
        return layer
