"""wijkverband.core.ratelimit: fixed windows shared through the cache, failing open."""

import logging

from wijkverband.core import ratelimit


def test_hits_past_the_limit_are_refused_in_the_same_window(db):
    assert [ratelimit.rate_limit_hit("test.hits:1", limit=3) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.rate_limit_hit("test.hits:2", limit=3)  # another key counts on its own


def test_a_new_window_starts_from_zero(db, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert [ratelimit.rate_limit_hit("test.window", limit=1, window_seconds=60) for _ in range(2)] == [True, False]
    now[0] += 60
    assert ratelimit.rate_limit_hit("test.window", limit=1, window_seconds=60)


def test_an_unreachable_cache_lets_everything_through(db, monkeypatch, caplog):
    def down(key, *, timeout):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_count", down)
    with caplog.at_level(logging.WARNING, logger="wijkverband.core.ratelimit"):
        assert all(ratelimit.rate_limit_hit("test.down", limit=0) for _ in range(3))
    assert "unavailable" in caplog.text
