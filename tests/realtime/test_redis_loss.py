"""Redis holds nothing that matters (docs/operations.md): with every key of ours gone from it (what
a restart of a Redis without persistence, or a FLUSHDB, does), people stay signed in, nothing that
was posted is lost, and a client that reconnects catches up from the database (the replay).

A real Redis restart under two running workers: tests/realtime/test_workers.py."""

import asyncio

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.realtime.helpers import connect
from tests.realtime.loop import run
from tests.threads.helpers import topic
from wijkverband.threads.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_loses_every_key() -> int:
    """Delete every key this test run has in Redis (other runs on the same Redis keep theirs); on
    the embedded setup, empty the local cache. Returns how many keys there were."""
    if settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        count = len(cache._cache)
        cache.clear()
        return count
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    assert not list(client.scan_iter(f"{cache.key_prefix}:*", count=1000))
    return len(keys)


def test_after_redis_loses_every_key_a_reconnecting_client_catches_up_from_the_database(world):
    thread = topic(world)
    page = Client()
    page.force_login(world.maarten)
    assert page.get(f"/t/oost/threads/{thread.pk}/").status_code == 200

    async def scenario():
        maarten = await connect(world.maarten)
        await maarten.subscribe(thread.pk)
        carla = await connect(world.carla)
        await asyncio.sleep(0.2)  # the worker's channel-layer reader runs
        await carla.post(thread.pk, "een")
        seen = (await maarten.until("event"))["seq"]
        await maarten.close()  # maarten's network drops
        await carla.post(thread.pk, "twee")
        await carla.post(thread.pk, "drie")
        # Rate-limit counters, presence, who-views-what: all gone.
        assert await asyncio.to_thread(_redis_loses_every_key) > 0
        back = await connect(world.maarten)
        frames = await back.subscribe(thread.pk, after=seen)
        assert [(f["type"], f.get("seq")) for f in frames] == [("event", 2), ("event", 3), ("subscribed", 3)]
        assert "drie" in frames[1]["data"]["html"]
        # And live again: a post after the loss reaches the reconnected client.
        await carla.post(thread.pk, "vier")
        assert (await back.until("event"))["seq"] == 4
        await back.close()
        await carla.close()

    run(scenario)
    assert list(Message.objects.filter(thread=thread).order_by("seq").values_list("body", flat=True)) == [
        "een", "twee", "drie", "vier",
    ]  # fmt: skip
    # Sessions are in the database: still signed in, and the page shows everything.
    response = page.get(f"/t/oost/threads/{thread.pk}/")
    assert response.status_code == 200 and "vier" in response.content.decode()
