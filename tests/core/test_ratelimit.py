"""wijkverband.core.ratelimit: fixed windows shared through the cache, failing open."""

import logging

import pytest

from wijkverband.core import ratelimit
from wijkverband.core.redis import cache_client


def test_hits_past_the_limit_are_refused_in_the_same_window(db):
    assert [ratelimit.rate_limit_hit("test.hits:1", limit=3) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.rate_limit_hit("test.hits:2", limit=3)  # another key counts on its own


def test_a_new_window_starts_from_zero(db, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert [ratelimit.rate_limit_hit("test.window", limit=1, window_seconds=60) for _ in range(2)] == [True, False]
    now[0] += 60
    assert ratelimit.rate_limit_hit("test.window", limit=1, window_seconds=60)


def test_an_unreachable_cache_lets_everything_through(db, settings, caplog):
    # A Redis nobody listens on (port 1): the connection is refused, as in an outage.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with caplog.at_level(logging.WARNING, logger="wijkverband.core.ratelimit"):
        assert all(ratelimit.rate_limit_hit("test.down", limit=0) for _ in range(3))
    assert "rate limit test.down unavailable; allowing" in caplog.text


def test_a_cache_that_fails_to_count_lets_everything_through(db, monkeypatch, caplog):
    def down(key, *, timeout):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_count", down)  # the embedded default's cache
    monkeypatch.setattr(ratelimit, "cache_client", lambda: None)
    with caplog.at_level(logging.WARNING, logger="wijkverband.core.ratelimit"):
        assert all(ratelimit.rate_limit_hit("test.down", limit=0) for _ in range(3))
    assert "unavailable" in caplog.text


def test_on_redis_a_window_s_counter_counts_every_hit_and_expires(redis_cache):
    assert [ratelimit.rate_limit_hit("test.redis:1", limit=2, window_seconds=30) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    client = cache_client()
    (key,) = client.scan_iter(f"{redis_cache.key_prefix}:*ratelimit:test.redis:1:*")
    assert int(client.get(key)) == 4  # refused hits count too
    assert 0 < client.ttl(key) <= 60  # the window's counter goes by itself (twice the window)


def test_on_redis_the_count_goes_on_after_the_server_forgot_the_script(redis_cache):
    assert ratelimit.rate_limit_hit("test.redis:2", limit=5)
    cache_client().script_flush()  # as after a restart of Redis
    assert [ratelimit.rate_limit_hit("test.redis:2", limit=2) for _ in range(2)] == [True, False]


def test_on_redis_a_hit_sent_early_counts_once_and_leaves_the_connection_clean(redis_cache):
    client = cache_client()
    with ratelimit.rate_limit_counting("test.redis:3", limit=1) as first:
        with ratelimit.rate_limit_counting("test.redis:3", limit=1) as second:
            # Both are counted already (in the order they were sent), answers not read yet.
            assert second.allowed() is False
        assert first.allowed() is True
    with ratelimit.rate_limit_counting("test.redis:3", limit=1):
        pass  # counted, answer never asked for: read on leaving, so the connection is reused clean
    (key,) = client.scan_iter(f"{redis_cache.key_prefix}:*ratelimit:test.redis:3:*")
    assert int(client.get(key)) == 3
    assert client.ping() is True  # the pool's connections answer their own commands
    assert [ratelimit.rate_limit_hit("test.redis:4", limit=1) for _ in range(2)] == [True, False]


def test_on_redis_a_hit_sent_early_after_the_server_forgot_the_script_counts_once(redis_cache):
    assert ratelimit.rate_limit_hit("test.redis:5", limit=5)
    cache_client().script_flush()
    with ratelimit.rate_limit_counting("test.redis:5", limit=5) as hit:
        assert hit.allowed() is True
    client = cache_client()
    (key,) = client.scan_iter(f"{redis_cache.key_prefix}:*ratelimit:test.redis:5:*")
    assert int(client.get(key)) == 2


def test_on_redis_a_block_left_by_an_error_still_counts_and_gives_its_connection_back(redis_cache, monkeypatch):
    sent, send = [], ratelimit._send

    def recorded(key, *, timeout):
        sent.append(send(key, timeout=timeout))
        return sent[-1]

    monkeypatch.setattr(ratelimit, "_send", recorded)
    for _ in range(20):  # a post that fails before it asks (the client-data guard refused it)
        with pytest.raises(RuntimeError), ratelimit.rate_limit_counting("test.redis:6", limit=100):
            raise RuntimeError("the post failed")
    client = cache_client()
    (key,) = client.scan_iter(f"{redis_cache.key_prefix}:*ratelimit:test.redis:6:*")
    assert int(client.get(key)) == 20  # every one counted
    # Each block's connection went back to the pool with its answer read: the next took it again.
    assert len({id(connection) for _client, connection in sent}) == 1
    assert client.ping() is True
